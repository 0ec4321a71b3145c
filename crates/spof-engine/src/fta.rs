//! Fault trees in the Open-PSA sense: basic events with probabilities, house events, gates
//! with formulas; and their exact analysis on decision diagrams: the top event's probability
//! (exact, rare-event, min-cut upper bound), the minimal cut sets counted by order without
//! enumerating them, and the most probable ones.
//!
//! Cut sets of a non-coherent tree (`not`, `xor`...) are the minimal solutions of the exact
//! function with negative literals dropped, as SCRAM defines them: `a ∧ ¬b` has the cut set
//! `{a}`, `a ∧ ¬a` has none, `a ∨ ¬a` has the empty one.

use crate::dd::{self, Bdd, Op, Ref, TooLarge, Zbdd};

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
    /// Time spent building the BDD, and the cut sets from it.
    pub bdd_time: std::time::Duration,
    pub cut_set_time: std::time::Duration,
}

/// Analyses the fault tree under `top_gate`.
pub fn analyze(
    tree: &FaultTree,
    top_gate: usize,
    config: &FtaConfig,
) -> Result<FtaResult, TooLarge> {
    let started = std::time::Instant::now();
    let (order, var_of_event) = variable_order(tree, top_gate);
    let mut bdd = Bdd::new();
    let top = build(tree, top_gate, &var_of_event, &mut bdd)?;
    let bdd_time = started.elapsed();
    let started = std::time::Instant::now();
    let p: Vec<f64> = order.iter().map(|&e| tree.events[e].probability).collect();
    let probability = bdd.probability(top, &p);
    let mut zbdd = Zbdd::new();
    let sets = zbdd.minimal_solutions(&bdd, top, config.max_order)?;
    let cut_sets = zbdd.count(sets);
    let by_order = zbdd.count_by_order(sets);
    // Clamped at 1, as a probability (the sum over many likely sets exceeds it).
    let rare_event = zbdd.rare_event(sets, &p).min(1.0);
    let mcub = (cut_sets <= config.mcub_limit).then(|| {
        let all = zbdd.sets(sets, config.mcub_limit as usize);
        let log_survival: f64 = all
            .iter()
            .map(|set| (1.0 - set.iter().map(|&v| p[v as usize]).product::<f64>()).ln())
            .sum();
        1.0 - log_survival.exp()
    });
    let most_probable = zbdd
        .most_probable(sets, &p, config.top)
        .into_iter()
        .map(|(vars, probability)| {
            let mut events: Vec<usize> = vars.iter().map(|&v| order[v as usize]).collect();
            events.sort_unstable();
            (events, probability)
        })
        .collect();
    Ok(FtaResult {
        top_gate,
        probability,
        rare_event,
        mcub,
        cut_sets,
        by_order,
        most_probable,
        bdd_nodes: bdd.len(),
        zbdd_nodes: zbdd.len(),
        bdd_time,
        cut_set_time: started.elapsed(),
    })
}

/// Variables in the order events are first met depth-first from the top, a good order for
/// trees whose related events sit under the same gates. Returns the events in variable order
/// and each event's variable (`u32::MAX` when the top does not reach it).
fn variable_order(tree: &FaultTree, top_gate: usize) -> (Vec<usize>, Vec<u32>) {
    let mut var_of_event = vec![u32::MAX; tree.events.len()];
    let mut order = Vec::new();
    let mut seen_gate = vec![false; tree.gates.len()];
    // An explicit stack of formulas, children pushed in reverse to visit them in order.
    let mut stack: Vec<&Formula> = vec![&tree.gates[top_gate].formula];
    seen_gate[top_gate] = true;
    while let Some(formula) = stack.pop() {
        match formula {
            Formula::Event(e) => {
                if var_of_event[*e] == u32::MAX {
                    var_of_event[*e] = order.len() as u32;
                    order.push(*e);
                }
            }
            Formula::Gate(g) => {
                if !std::mem::replace(&mut seen_gate[*g], true) {
                    stack.push(&tree.gates[*g].formula);
                }
            }
            Formula::Constant(_) => {}
            Formula::And(args)
            | Formula::Or(args)
            | Formula::AtLeast(_, args)
            | Formula::Cardinality(_, _, args)
            | Formula::Xor(args)
            | Formula::Nand(args)
            | Formula::Nor(args)
            | Formula::Iff(args) => {
                stack.extend(args.iter().rev());
            }
            Formula::Not(arg) => stack.push(arg),
            Formula::Imply(a, b) => {
                stack.push(b);
                stack.push(a);
            }
        }
    }
    (order, var_of_event)
}

/// The BDD of a gate, gates below it first (iteratively: trees can be thousands deep).
fn build(
    tree: &FaultTree,
    top_gate: usize,
    var_of_event: &[u32],
    bdd: &mut Bdd,
) -> Result<Ref, TooLarge> {
    let mut done: Vec<Option<Ref>> = vec![None; tree.gates.len()];
    let mut stack = vec![(top_gate, false)];
    while let Some((g, children_done)) = stack.pop() {
        if done[g].is_some() {
            continue;
        }
        if !children_done {
            stack.push((g, true));
            visit_refs(&tree.gates[g].formula, &mut |f| {
                if let Formula::Gate(child) = f
                    && done[*child].is_none()
                {
                    stack.push((*child, false));
                }
            });
            continue;
        }
        let r = formula_bdd(&tree.gates[g].formula, var_of_event, &done, bdd)?;
        done[g] = Some(r);
    }
    Ok(done[top_gate].expect("the top gate was built"))
}

fn formula_bdd(
    formula: &Formula,
    var_of_event: &[u32],
    gates: &[Option<Ref>],
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
        Formula::Gate(g) => gates[*g].expect("gates are built children first"),
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
