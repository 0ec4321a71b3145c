//! Fault trees in the Open-PSA sense: basic events with probabilities, house events, gates
//! with formulas; and their exact analysis on decision diagrams: the top event's probability
//! (exact, rare-event, min-cut upper bound), the minimal cut sets counted by order without
//! enumerating them, and the most probable ones.
//!
//! Cut sets of a non-coherent tree (`not`, `xor`...) are the minimal solutions of the exact
//! function with negative literals dropped, as SCRAM defines them: `a ∧ ¬b` has the cut set
//! `{a}`, `a ∧ ¬a` has none, `a ∨ ¬a` has the empty one.

use crate::dd::{self, Bdd, Op, Ref, TooLarge, Var, Zbdd};
use rustc_hash::FxHashMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Formula {
    Event(usize),
    Gate(usize),
    Constant(bool),
    And(Vec<Formula>),
    Or(Vec<Formula>),
    AtLeast(usize, Vec<Formula>),
    /// Between `min` and `max` of the arguments (inclusive).
    Cardinality(usize, usize, Vec<Formula>),
    Not(Box<Formula>),
    Xor(Vec<Formula>),
    Nand(Vec<Formula>),
    Nor(Vec<Formula>),
    Iff(Vec<Formula>),
    Imply(Box<Formula>, Box<Formula>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct BasicEvent {
    pub name: String,
    /// NaN when the input gives none: cut sets are still found, probabilities are not.
    pub probability: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Gate {
    pub name: String,
    pub formula: Formula,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultTree {
    pub events: Vec<BasicEvent>,
    pub gates: Vec<Gate>,
}

impl FaultTree {
    /// Gates no other gate refers to, in definition order.
    pub fn top_gates(&self) -> Vec<usize> {
        let mut used = vec![false; self.gates.len()];
        for gate in &self.gates {
            visit_refs(&gate.formula, &mut |f| {
                if let Formula::Gate(g) = f {
                    used[*g] = true;
                }
            });
        }
        (0..self.gates.len()).filter(|&g| !used[g]).collect()
    }

    /// Whether the tree uses negation in any form.
    pub fn is_coherent(&self) -> bool {
        let mut coherent = true;
        for gate in &self.gates {
            visit_refs(&gate.formula, &mut |f| {
                if matches!(
                    f,
                    Formula::Not(_)
                        | Formula::Cardinality(..)
                        | Formula::Xor(_)
                        | Formula::Nand(_)
                        | Formula::Nor(_)
                        | Formula::Iff(_)
                        | Formula::Imply(..)
                ) {
                    coherent = false;
                }
            });
        }
        coherent
    }
}

fn visit_refs(formula: &Formula, visit: &mut dyn FnMut(&Formula)) {
    visit(formula);
    match formula {
        Formula::Event(_) | Formula::Gate(_) | Formula::Constant(_) => {}
        Formula::And(args)
        | Formula::Or(args)
        | Formula::AtLeast(_, args)
        | Formula::Cardinality(_, _, args)
        | Formula::Xor(args)
        | Formula::Nand(args)
        | Formula::Nor(args)
        | Formula::Iff(args) => {
            for arg in args {
                visit_refs(arg, visit);
            }
        }
        Formula::Not(arg) => visit_refs(arg, visit),
        Formula::Imply(a, b) => {
            visit_refs(a, visit);
            visit_refs(b, visit);
        }
    }
}

#[derive(Clone, Debug)]
pub struct FtaConfig {
    /// Cut sets larger than this are not kept (and not counted).
    pub max_order: u32,
    /// How many of the most probable cut sets to list.
    pub top: usize,
    /// Compute the min-cut upper bound when there are at most this many cut sets.
    pub mcub_limit: u128,
}

impl Default for FtaConfig {
    fn default() -> Self {
        FtaConfig {
            max_order: u32::MAX,
            top: 10,
            mcub_limit: 2_000_000,
        }
    }
}

#[derive(Clone, Debug)]
pub struct FtaResult {
    pub top_gate: usize,
    /// The exact probability of the top event (from the BDD); NaN when some basic event
    /// under the top has no probability.
    pub probability: f64,
    /// Sum over the cut sets of their probabilities.
    pub rare_event: f64,
    /// 1 - Π(1 - P(cut set)), when the cut sets were few enough to go through.
    pub mcub: Option<f64>,
    pub cut_sets: u128,
    /// Number of cut sets of each order (index = order).
    pub by_order: Vec<u128>,
    /// The most probable cut sets, as event indices, with their probabilities.
    pub most_probable: Vec<(Vec<usize>, f64)>,
    pub bdd_nodes: usize,
    pub zbdd_nodes: usize,
    /// Whether `probability` was computed. It is not (NaN) when the BDD grew past its limit on
    /// a coherent tree with an order limit: the cut sets are then built straight from the
    /// gates on the ZBDD (`coherent_cut_sets`), and the rare-event sum is what is left.
    pub exact: bool,
    /// Time spent building the BDD, and the cut sets from it.
    pub bdd_time: std::time::Duration,
    pub cut_set_time: std::time::Duration,
}

/// Analyses the fault tree under `top_gate`.
///
/// The tree is cut into independent modules first (Dutuit and Rauzy's linear-time
/// algorithm): a gate whose subtree shares no event or gate with the rest of the tree. Each
/// module gets its own BDD, in which the modules below it are single variables (their
/// probability is a number by then), so no diagram holds more than one module's function and
/// each is dropped once done. The minimal cut sets of a module are found on its BDD in terms
/// of those variables, and each module variable is then replaced by the module's own family
/// (a product of families on disjoint variables, under the order cut-off), which gives the
/// same family as the whole tree's BDD would. A module true when all its events are false
/// (possible in non-coherent trees) stands for its complement instead, so that substitution
/// keeps the minimal solutions minimal.
pub fn analyze(
    tree: &FaultTree,
    top_gate: usize,
    config: &FtaConfig,
) -> Result<FtaResult, TooLarge> {
    match analyze_with(tree, top_gate, config, true, GC_START) {
        Err(TooLarge) if config.max_order != u32::MAX && tree.is_coherent() => {
            without_bdd(tree, top_gate, config)
        }
        result => result,
    }
}

/// The cut sets of a coherent tree whose BDD is too large, built on the ZBDD alone.
fn without_bdd(
    tree: &FaultTree,
    top_gate: usize,
    config: &FtaConfig,
) -> Result<FtaResult, TooLarge> {
    let started = std::time::Instant::now();
    let mut zbdd = Zbdd::new();
    let CutSets { sets, event_of_var } =
        coherent_cut_sets(tree, top_gate, config.max_order, &mut zbdd)?.ok_or(TooLarge)?;
    let mut p = vec![f64::NAN; event_of_var.len()];
    for (v, e) in event_of_var.iter().enumerate() {
        if let Some(e) = e {
            p[v] = tree.events[*e].probability;
        }
    }
    let mut result = summarise(&zbdd, sets, &p, &event_of_var, config);
    result.top_gate = top_gate;
    result.probability = f64::NAN;
    result.exact = false;
    result.zbdd_nodes = zbdd.len();
    result.cut_set_time = started.elapsed();
    Ok(result)
}

/// `analyze`, with the tree cut into modules or (for tests) solved whole, and the BDDs first
/// collected at `gc_start` nodes.
fn analyze_with(
    tree: &FaultTree,
    top_gate: usize,
    config: &FtaConfig,
    modules: bool,
    gc_start: usize,
) -> Result<FtaResult, TooLarge> {
    let plan_started = std::time::Instant::now();
    let plan = Plan::new(tree, top_gate, modules);
    // Probabilities by variable: events', then modules' as they are solved.
    let mut p: Vec<f64> = plan
        .event_of_var
        .iter()
        .map(|e| e.map_or(f64::NAN, |e| tree.events[e].probability))
        .collect();
    let mut values: FxHashMap<usize, ModuleValue> = FxHashMap::default();
    let mut families: FxHashMap<Var, Ref> = FxHashMap::default();
    let mut zbdd = Zbdd::new();
    let mut bdd_time = plan_started.elapsed();
    let mut cut_set_time = std::time::Duration::ZERO;
    let mut bdd_nodes = 0;
    let mut probability = f64::NAN;
    let mut sets = dd::EMPTY;
    for &module in &plan.modules {
        let bdd_started = std::time::Instant::now();
        let mut bdd = Bdd::new();
        let root = build(tree, module, &plan, &values, &mut bdd, gc_start)?;
        let module_probability = bdd.probability(root, &p);
        bdd_nodes += bdd.len();
        let zbdd_started = std::time::Instant::now();
        bdd_time += zbdd_started - bdd_started;
        // A module below the top that is true with no event is solved as its complement.
        let negated = module != top_gate && root > dd::TRUE && bdd.true_at_zero(root);
        let function = if negated { bdd.not(root)? } else { root };
        zbdd.forget_bdd();
        let own = zbdd.minimal_solutions(&bdd, function, config.max_order)?;
        let family = zbdd.substitute(own, &families, config.max_order)?;
        drop(bdd);
        cut_set_time += zbdd_started.elapsed();
        if module == top_gate {
            probability = module_probability;
            sets = family;
            break;
        }
        let value = match root {
            dd::FALSE => ModuleValue::Constant(false),
            dd::TRUE => ModuleValue::Constant(true),
            _ => {
                let var = plan.module_var[&module];
                p[var as usize] = if negated {
                    1.0 - module_probability
                } else {
                    module_probability
                };
                families.insert(var, family);
                ModuleValue::Var { var, negated }
            }
        };
        values.insert(module, value);
    }
    let sets_started = std::time::Instant::now();
    let mut result = summarise(&zbdd, sets, &p, &plan.event_of_var, config);
    result.top_gate = top_gate;
    result.probability = probability;
    result.bdd_nodes = bdd_nodes;
    result.zbdd_nodes = zbdd.len();
    result.bdd_time = bdd_time;
    result.cut_set_time = cut_set_time + sets_started.elapsed();
    Ok(result)
}

/// Counts, rare-event sum, MCUB and the most probable sets of a family of cut sets; the
/// fields about diagrams and time are left for the caller.
fn summarise(
    zbdd: &Zbdd,
    sets: Ref,
    p: &[f64],
    event_of_var: &[Option<usize>],
    config: &FtaConfig,
) -> FtaResult {
    let cut_sets = zbdd.count(sets);
    let by_order = zbdd.count_by_order(sets);
    // Clamped at 1, as a probability (the sum over many likely sets exceeds it).
    let rare_event = zbdd.rare_event(sets, p).min(1.0);
    let mcub = (cut_sets <= config.mcub_limit).then(|| {
        let all = zbdd.sets(sets, config.mcub_limit as usize);
        let log_survival: f64 = all
            .iter()
            .map(|set| (1.0 - set.iter().map(|&v| p[v as usize]).product::<f64>()).ln())
            .sum();
        1.0 - log_survival.exp()
    });
    let event = |v: Var| event_of_var[v as usize].expect("cut sets hold events only");
    let most_probable = zbdd
        .most_probable(sets, p, config.top)
        .into_iter()
        .map(|(vars, probability)| {
            let mut events: Vec<usize> = vars.iter().map(|&v| event(v)).collect();
            events.sort_unstable();
            (events, probability)
        })
        .collect();
    FtaResult {
        top_gate: 0,
        probability: f64::NAN,
        rare_event,
        mcub,
        cut_sets,
        by_order,
        most_probable,
        bdd_nodes: 0,
        zbdd_nodes: 0,
        exact: true,
        bdd_time: std::time::Duration::ZERO,
        cut_set_time: std::time::Duration::ZERO,
    }
}

/// The minimal cut sets of a coherent tree of at most `max_order` events, built on the ZBDD
/// straight from the gates (unions and products, each minimised and cut off at the order),
/// without the BDD: for trees whose BDD is too large. `None` when the tree is not coherent
/// (only `and`, `or`, `atleast`, events, gates and constants are read here).
pub fn coherent_cut_sets(
    tree: &FaultTree,
    top_gate: usize,
    max_order: u32,
    zbdd: &mut Zbdd,
) -> Result<Option<CutSets>, TooLarge> {
    let plan = Plan::new(tree, top_gate, false);
    let mut done: FxHashMap<usize, Ref> = FxHashMap::default();
    let mut stack = vec![(top_gate, false)];
    while let Some((g, children_done)) = stack.pop() {
        if done.contains_key(&g) {
            continue;
        }
        if !children_done {
            stack.push((g, true));
            visit_refs(&tree.gates[g].formula, &mut |f| {
                if let Formula::Gate(child) = f
                    && !done.contains_key(child)
                {
                    stack.push((*child, false));
                }
            });
            continue;
        }
        let Some(r) = formula_zbdd(
            &tree.gates[g].formula,
            &plan.var_of_event,
            &done,
            max_order,
            zbdd,
        )?
        else {
            return Ok(None);
        };
        done.insert(g, r);
    }
    Ok(Some(CutSets {
        sets: done[&top_gate],
        event_of_var: plan.event_of_var,
    }))
}

/// A family of cut sets on the ZBDD, and the event of each of its variables.
pub struct CutSets {
    pub sets: Ref,
    pub event_of_var: Vec<Option<usize>>,
}

fn formula_zbdd(
    formula: &Formula,
    var_of_event: &[u32],
    gates: &FxHashMap<usize, Ref>,
    max_order: u32,
    zbdd: &mut Zbdd,
) -> Result<Option<Ref>, TooLarge> {
    let all = |args: &[Formula], zbdd: &mut Zbdd| -> Result<Option<Vec<Ref>>, TooLarge> {
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            match formula_zbdd(a, var_of_event, gates, max_order, zbdd)? {
                Some(r) => out.push(r),
                None => return Ok(None),
            }
        }
        Ok(Some(out))
    };
    let or = |zbdd: &mut Zbdd, a: Ref, b: Ref| -> Result<Ref, TooLarge> {
        let u = zbdd.union(a, b)?;
        zbdd.minimize(u)
    };
    let and = |zbdd: &mut Zbdd, a: Ref, b: Ref| -> Result<Ref, TooLarge> {
        let p = zbdd.product(a, b, max_order)?;
        zbdd.minimize(p)
    };
    Ok(Some(match formula {
        Formula::Event(e) => {
            if max_order == 0 {
                dd::EMPTY
            } else {
                zbdd.node(var_of_event[*e], dd::EMPTY, dd::BASE)?
            }
        }
        Formula::Gate(g) => gates[g],
        Formula::Constant(true) => dd::BASE,
        Formula::Constant(false) => dd::EMPTY,
        Formula::And(args) => {
            let Some(refs) = all(args, zbdd)? else {
                return Ok(None);
            };
            let mut acc = dd::BASE;
            for r in refs {
                acc = and(zbdd, acc, r)?;
            }
            acc
        }
        Formula::Or(args) => {
            let Some(refs) = all(args, zbdd)? else {
                return Ok(None);
            };
            let mut acc = dd::EMPTY;
            for r in refs {
                acc = or(zbdd, acc, r)?;
            }
            acc
        }
        Formula::AtLeast(k, args) => {
            let Some(refs) = all(args, zbdd)? else {
                return Ok(None);
            };
            if *k > refs.len() {
                dd::EMPTY
            } else {
                let mut at_least = vec![dd::EMPTY; k + 1];
                at_least[0] = dd::BASE;
                for r in refs {
                    for j in (1..=*k).rev() {
                        let with = and(zbdd, r, at_least[j - 1])?;
                        at_least[j] = or(zbdd, at_least[j], with)?;
                    }
                }
                at_least[*k]
            }
        }
        _ => return Ok(None),
    }))
}

/// What a solved module is to the diagrams of the gates above it.
#[derive(Clone, Copy, Debug)]
enum ModuleValue {
    Constant(bool),
    /// Its variable, standing for the module or (`negated`) for its complement.
    Var {
        var: Var,
        negated: bool,
    },
}

/// The modules of the tree under a top gate and the variable order.
struct Plan {
    /// The variable of each event under the top (`u32::MAX` for the others).
    var_of_event: Vec<u32>,
    /// The variable of each module other than the top.
    module_var: FxHashMap<usize, Var>,
    /// The event of each variable; `None` for a module's.
    event_of_var: Vec<Option<usize>>,
    /// The modules, each after the modules below it: the top gate last.
    modules: Vec<usize>,
    /// Whether each gate is an independent module (the top gate is).
    is_module: Vec<bool>,
}

impl Plan {
    fn new(tree: &FaultTree, top: usize, modules: bool) -> Plan {
        let events = tree.events.len();
        // Children of each gate: events as `e`, gates as `events + g`, in formula order.
        let children: Vec<Vec<usize>> = tree
            .gates
            .iter()
            .map(|gate| {
                let mut out = Vec::new();
                visit_refs(&gate.formula, &mut |f| match f {
                    Formula::Event(e) => out.push(*e),
                    Formula::Gate(g) => out.push(events + *g),
                    _ => {}
                });
                out
            })
            .collect();
        // Dutuit and Rauzy: date the first and last visit of every node in one depth-first
        // walk (a node met again is not walked again, but dated) and the exit of every gate.
        // A gate is a module when every node below it is first met after the gate and last
        // met before its exit.
        let mut first = vec![0u32; events + tree.gates.len()];
        let mut last = first.clone();
        let mut exit = vec![0u32; tree.gates.len()];
        let mut post_order = Vec::new();
        let mut time = 1;
        first[events + top] = time;
        last[events + top] = time;
        let mut stack = vec![(top, 0usize)];
        while let Some((g, next)) = stack.last_mut() {
            let g = *g;
            time += 1;
            if let Some(&c) = children[g].get(*next) {
                *next += 1;
                if first[c] == 0 {
                    first[c] = time;
                    if c >= events {
                        stack.push((c - events, 0));
                    }
                }
                last[c] = time;
            } else {
                exit[g] = time;
                post_order.push(g);
                stack.pop();
            }
        }
        let mut is_module = vec![false; tree.gates.len()];
        let mut earliest = vec![u32::MAX; tree.gates.len()];
        let mut latest = vec![0u32; tree.gates.len()];
        for &g in &post_order {
            let (mut lo, mut hi) = (u32::MAX, 0);
            for &c in &children[g] {
                lo = lo.min(first[c]);
                hi = hi.max(last[c]);
                if c >= events {
                    lo = lo.min(earliest[c - events]);
                    hi = hi.max(latest[c - events]);
                }
            }
            earliest[g] = lo;
            latest[g] = hi;
            is_module[g] = g == top || (modules && lo > first[events + g] && hi < exit[g]);
        }
        let modules: Vec<usize> = post_order.into_iter().filter(|&g| is_module[g]).collect();
        // Variables in the order nodes are first met depth-first from the top, a good order
        // for trees whose related events sit under the same gates; a module's variable comes
        // just before the variables under it.
        let mut var_of_event = vec![u32::MAX; events];
        let mut module_var = FxHashMap::default();
        let mut event_of_var = Vec::new();
        let mut seen_gate = vec![false; tree.gates.len()];
        let mut stack = vec![events + top];
        while let Some(c) = stack.pop() {
            if c < events {
                if var_of_event[c] == u32::MAX {
                    var_of_event[c] = event_of_var.len() as u32;
                    event_of_var.push(Some(c));
                }
                continue;
            }
            let g = c - events;
            if std::mem::replace(&mut seen_gate[g], true) {
                continue;
            }
            if is_module[g] && g != top {
                module_var.insert(g, event_of_var.len() as Var);
                event_of_var.push(None);
            }
            stack.extend(children[g].iter().rev());
        }
        Plan {
            var_of_event,
            module_var,
            event_of_var,
            modules,
            is_module,
        }
    }
}

/// The BDD of a module, gates below it first (iteratively: trees can be thousands deep), the
/// modules below it as their variables.
///
/// Each gate's diagram is dropped once its last parent in the module is built, and when the
/// arena has grown past twice what was live at the last collection (and past `gc_start`
/// nodes), it is collected down to the diagrams still needed: most nodes made on the way up
/// are intermediate results no later gate refers to.
fn build(
    tree: &FaultTree,
    module: usize,
    plan: &Plan,
    values: &FxHashMap<usize, ModuleValue>,
    bdd: &mut Bdd,
    gc_start: usize,
) -> Result<Ref, TooLarge> {
    // The gates of the module, each after the gates below it, and how many times each is
    // referred to by the gates of the module.
    let mut order = Vec::new();
    let mut uses: FxHashMap<usize, u32> = FxHashMap::default();
    let mut seen: FxHashMap<usize, ()> = FxHashMap::default();
    let mut stack = vec![(module, false)];
    while let Some((g, children_done)) = stack.pop() {
        if children_done {
            order.push(g);
            continue;
        }
        if seen.insert(g, ()).is_some() {
            continue;
        }
        if g != module && plan.is_module[g] {
            order.push(g);
            continue;
        }
        stack.push((g, true));
        visit_refs(&tree.gates[g].formula, &mut |f| {
            if let Formula::Gate(child) = f {
                *uses.entry(*child).or_insert(0) += 1;
                if !seen.contains_key(child) {
                    stack.push((*child, false));
                }
            }
        });
    }
    let mut done: FxHashMap<usize, Ref> = FxHashMap::default();
    let mut collect_above = gc_start;
    for g in order {
        let r = if g != module && plan.is_module[g] {
            match values[&g] {
                ModuleValue::Constant(false) => dd::FALSE,
                ModuleValue::Constant(true) => dd::TRUE,
                ModuleValue::Var { var, negated } => {
                    let r = bdd.var(var)?;
                    if negated { bdd.not(r)? } else { r }
                }
            }
        } else {
            let formula = &tree.gates[g].formula;
            let r = formula_bdd(formula, &plan.var_of_event, &done, bdd)?;
            visit_refs(formula, &mut |f| {
                if let Formula::Gate(child) = f
                    && let Some(left) = uses.get_mut(child)
                {
                    *left -= 1;
                    if *left == 0 {
                        done.remove(child);
                    }
                }
            });
            r
        };
        done.insert(g, r);
        if bdd.len() > collect_above {
            let gates: Vec<usize> = done.keys().copied().collect();
            let mut roots: Vec<Ref> = gates.iter().map(|g| done[g]).collect();
            bdd.compact(&mut roots);
            done.extend(gates.into_iter().zip(roots));
            collect_above = gc_start.max(2 * bdd.len());
        }
    }
    Ok(done[&module])
}

/// A module's BDD is first collected when its arena passes this many nodes.
const GC_START: usize = 8_000_000;

fn formula_bdd(
    formula: &Formula,
    var_of_event: &[u32],
    gates: &FxHashMap<usize, Ref>,
    bdd: &mut Bdd,
) -> Result<Ref, TooLarge> {
    let all = |args: &[Formula], bdd: &mut Bdd| -> Result<Vec<Ref>, TooLarge> {
        args.iter()
            .map(|a| formula_bdd(a, var_of_event, gates, bdd))
            .collect()
    };
    let fold = |bdd: &mut Bdd, op: Op, start: Ref, refs: Vec<Ref>| -> Result<Ref, TooLarge> {
        refs.into_iter()
            .try_fold(start, |acc, r| bdd.apply(op, acc, r))
    };
    Ok(match formula {
        Formula::Event(e) => bdd.var(var_of_event[*e])?,
        Formula::Gate(g) => gates[g],
        Formula::Constant(true) => dd::TRUE,
        Formula::Constant(false) => dd::FALSE,
        Formula::And(args) => {
            let refs = all(args, bdd)?;
            fold(bdd, Op::And, dd::TRUE, refs)?
        }
        Formula::Or(args) => {
            let refs = all(args, bdd)?;
            fold(bdd, Op::Or, dd::FALSE, refs)?
        }
        Formula::Xor(args) => {
            let refs = all(args, bdd)?;
            fold(bdd, Op::Xor, dd::FALSE, refs)?
        }
        Formula::Nand(args) => {
            let refs = all(args, bdd)?;
            let and = fold(bdd, Op::And, dd::TRUE, refs)?;
            bdd.not(and)?
        }
        Formula::Nor(args) => {
            let refs = all(args, bdd)?;
            let or = fold(bdd, Op::Or, dd::FALSE, refs)?;
            bdd.not(or)?
        }
        Formula::Iff(args) => {
            let refs = all(args, bdd)?;
            let xor = fold(bdd, Op::Xor, dd::FALSE, refs)?;
            bdd.not(xor)?
        }
        Formula::AtLeast(k, args) => {
            let refs = all(args, bdd)?;
            bdd.at_least(*k, &refs)?
        }
        Formula::Cardinality(min, max, args) => {
            let refs = all(args, bdd)?;
            let at_least = bdd.at_least(*min, &refs)?;
            let too_many = bdd.at_least(max + 1, &refs)?;
            let not_too_many = bdd.not(too_many)?;
            bdd.apply(Op::And, at_least, not_too_many)?
        }
        Formula::Not(arg) => {
            let r = formula_bdd(arg, var_of_event, gates, bdd)?;
            bdd.not(r)?
        }
        Formula::Imply(a, b) => {
            let a = formula_bdd(a, var_of_event, gates, bdd)?;
            let b = formula_bdd(b, var_of_event, gates, bdd)?;
            let not_a = bdd.not(a)?;
            bdd.apply(Op::Or, not_a, b)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, probability: f64) -> BasicEvent {
        BasicEvent {
            name: name.into(),
            probability,
        }
    }

    /// a ∨ ¬b with ¬b its own gate (a module true with no event): the empty cut set.
    #[test]
    fn module_true_with_no_event() {
        let tree = FaultTree {
            events: vec![event("a", 0.1), event("b", 0.2)],
            gates: vec![
                Gate {
                    name: "top".into(),
                    formula: Formula::Or(vec![Formula::Event(0), Formula::Gate(1)]),
                },
                Gate {
                    name: "not b".into(),
                    formula: Formula::Not(Box::new(Formula::Event(1))),
                },
            ],
        };
        let result = analyze(&tree, 0, &FtaConfig::default()).unwrap();
        assert!((result.probability - 0.82).abs() < 1e-12);
        assert_eq!(result.by_order, vec![1]);
    }

    /// Random trees with shared events, negations and every connective: the modular
    /// analysis agrees with the BDD of the whole tree on P, the cut sets and the best ones.
    #[test]
    fn modules_agree_with_the_whole_tree() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut with_modules = 0;
        for round in 0..400 {
            let events = 3 + next(10);
            let gates = 2 + next(12);
            let tree = FaultTree {
                events: (0..events)
                    .map(|e| event(&format!("e{e}"), 0.05 + 0.9 * next(100) as f64 / 100.0))
                    .collect(),
                gates: (0..gates)
                    .map(|g| {
                        // Children: gates after this one (no cycles) or events, some negated;
                        // an event reused nearby often, to make both modules and shared parts.
                        let width = 1 + next(4);
                        let args: Vec<Formula> = (0..width)
                            .map(|_| {
                                let arg = if g + 1 < gates && next(3) == 0 {
                                    Formula::Gate(g + 1 + next(gates - g - 1))
                                } else {
                                    Formula::Event((g + next(3)) % events)
                                };
                                if next(6) == 0 {
                                    Formula::Not(Box::new(arg))
                                } else {
                                    arg
                                }
                            })
                            .collect();
                        let formula = match next(if round % 2 == 0 { 3 } else { 8 }) {
                            0 => Formula::And(args),
                            1 => Formula::Or(args),
                            2 => Formula::AtLeast(1 + next(args.len()), args),
                            3 => Formula::Xor(args),
                            4 => Formula::Nand(args),
                            5 => Formula::Nor(args),
                            6 => Formula::Not(Box::new(Formula::Or(args))),
                            _ => Formula::Cardinality(1, 1 + next(2), args),
                        };
                        Gate {
                            name: format!("g{g}"),
                            formula,
                        }
                    })
                    .collect(),
            };
            if Plan::new(&tree, 0, true).modules.len() > 1 {
                with_modules += 1;
            }
            for max_order in [1, 2, 3, u32::MAX] {
                let config = FtaConfig {
                    max_order,
                    top: 5,
                    mcub_limit: 1000,
                };
                let whole = analyze_with(&tree, 0, &config, false, usize::MAX).unwrap();
                // Modules, and modules with the BDD collected after every gate.
                let cut = analyze_with(&tree, 0, &config, true, usize::MAX).unwrap();
                let collected = analyze_with(&tree, 0, &config, true, 0).unwrap();
                let context = format!("round {round}, -l {max_order}: {tree:?}");
                assert_eq!(
                    (
                        collected.probability,
                        collected.cut_sets,
                        &collected.by_order
                    ),
                    (cut.probability, cut.cut_sets, &cut.by_order),
                    "{context}"
                );
                let best = |r: &FtaResult| -> Vec<Vec<usize>> {
                    r.most_probable.iter().map(|(s, _)| s.clone()).collect()
                };
                assert_eq!(best(&collected), best(&cut), "{context}");
                assert!(
                    (whole.probability - cut.probability).abs() < 1e-12,
                    "{context}"
                );
                assert_eq!(whole.cut_sets, cut.cut_sets, "{context}");
                assert_eq!(whole.by_order, cut.by_order, "{context}");
                assert!(
                    (whole.rare_event - cut.rare_event).abs() < 1e-12,
                    "{context}"
                );
                let sets = |r: &FtaResult| -> Vec<Vec<usize>> {
                    r.most_probable.iter().map(|(s, _)| s.clone()).collect()
                };
                assert_eq!(sets(&whole), sets(&cut), "{context}");
            }
        }
        assert!(with_modules > 100, "{with_modules} trees with modules");
    }

    /// Cut sets built straight on the ZBDD agree with the BDD's on coherent trees.
    #[test]
    fn coherent_cut_sets_agree_with_the_bdd() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..300 {
            let events = 3 + next(10);
            let gates = 2 + next(12);
            let tree = FaultTree {
                events: (0..events).map(|e| event(&format!("e{e}"), 0.1)).collect(),
                gates: (0..gates)
                    .map(|g| {
                        let args: Vec<Formula> = (0..1 + next(4))
                            .map(|_| {
                                if g + 1 < gates && next(3) == 0 {
                                    Formula::Gate(g + 1 + next(gates - g - 1))
                                } else {
                                    Formula::Event((g + next(4)) % events)
                                }
                            })
                            .collect();
                        let formula = match next(3) {
                            0 => Formula::And(args),
                            1 => Formula::Or(args),
                            _ => Formula::AtLeast(1 + next(args.len()), args),
                        };
                        Gate {
                            name: format!("g{g}"),
                            formula,
                        }
                    })
                    .collect(),
            };
            for max_order in [1, 2, 3, 20] {
                let config = FtaConfig {
                    max_order,
                    top: 5,
                    mcub_limit: 1000,
                };
                let bdd = analyze(&tree, 0, &config).unwrap();
                let zbdd = without_bdd(&tree, 0, &config).unwrap();
                assert!(!zbdd.exact && zbdd.probability.is_nan());
                assert_eq!(bdd.by_order, zbdd.by_order, "-l {max_order}: {tree:?}");
                assert!((bdd.rare_event - zbdd.rare_event).abs() < 1e-12);
            }
        }
    }
}
