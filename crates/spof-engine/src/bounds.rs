//! Bounds on a journey's unavailability when the whole structure is too large for one
//! decision diagram (hosts shared by many components tie every component to every other).
//!
//! After automatic failovers a journey is down exactly when some component of its cause
//! closure fails *locally*: on its own instances' events, their domains, its scoped groups and
//! its whole-component events, its dependencies aside (`pairs::cause_closure`; the identity is
//! the one `pairs.rs` relies on). Each local gate is small, so its probability is exact from a
//! decision diagram of its own, with the variables in the order of the placement tree.
//!
//! The local gates are increasing functions of independent events, so they are positively
//! associated (Harris–FKG): P(some fails) ≤ 1 − Π(1 − P(each fails)), the Esary–Proschan
//! bound; and P(some fails) ≥ the largest P(one fails). What couples the gates most is the
//! domains many components share (zones, regions): the bounds are taken conditionally on each
//! scenario of at most two of the most shared domains down, where they are tight, and the
//! probability of the scenarios left out is added to the upper bound.

use crate::availability::event_unavailability;
use crate::dd::{self, Bdd, Op, Ref, TooLarge, Var};
use crate::graph::{EventId, EventKind, FaultGraph};
use rustc_hash::FxHashMap;
use spof_model::{ComponentId, Failover, Model};

mod tree;

/// Bounds on a journey's unavailability after automatic failovers.
#[derive(Clone, Debug, PartialEq)]
pub struct JourneyBounds {
    pub journey: usize,
    pub lower: f64,
    pub upper: f64,
}

/// At most this many domains are conditioned on.
const CONDITIONED: usize = 12;

/// A component's local gate larger than this gives up the bounds.
pub const LOCAL_NODE_LIMIT: usize = 2_000_000;

/// Bounds for every journey, or `None` when a local gate is too large for its diagram.
pub fn bounds(model: &Model, graph: &FaultGraph) -> Option<Vec<JourneyBounds>> {
    if !graph.views.is_empty() {
        // Request-scoped dependencies: each journey is bounded on its own view.
        return (0..graph.journey_paths.len())
            .map(|j| bounds(model, &graph.views[j]).map(|mut v| v.swap_remove(j)))
            .collect();
    }
    let q: Vec<f64> = (0..graph.event_count() as EventId)
        .map(|e| event_unavailability(model, graph, e))
        .collect();
    let closures: Vec<Vec<ComponentId>> = graph
        .journey_paths
        .iter()
        .map(|path| bound_closure(graph, path))
        .collect();
    let mut needed = vec![false; graph.components.len()];
    for closure in &closures {
        for &c in closure {
            needed[c] = true;
        }
    }
    // The domains most components depend on locally.
    let mut users: FxHashMap<EventId, usize> = FxHashMap::default();
    for c in (0..graph.components.len()).filter(|&c| needed[c]) {
        let mut support: Vec<EventId> = local_domains(graph, c);
        support.sort_unstable();
        support.dedup();
        for e in support {
            *users.entry(e).or_insert(0) += 1;
        }
    }
    let mut shared: Vec<(usize, EventId)> = users
        .iter()
        .filter(|&(_, &n)| n >= 2)
        .map(|(&e, &n)| (n, e))
        .collect();
    shared.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let conditioned: Vec<EventId> = shared.iter().take(CONDITIONED).map(|&(_, e)| e).collect();
    let scenarios = scenarios(&conditioned, &q);
    let covered: f64 = scenarios.iter().map(|s| s.probability).sum();

    // Each needed component's local probability in each scenario.
    let mut local: Vec<Option<Vec<f64>>> = vec![None; graph.components.len()];
    for c in (0..graph.components.len()).filter(|&c| needed[c]) {
        local[c] = Some(local_probabilities(graph, c, &q, &conditioned, &scenarios).ok()?);
    }
    Some(
        closures
            .iter()
            .enumerate()
            .map(|(j, closure)| {
                // Only a gate of the cause closure takes the journey down by itself; the
                // targets added for the upper bound do not.
                let causes = crate::pairs::cause_closure(graph, &graph.journey_paths[j]);
                let mut lower = 0.0;
                let mut upper = 1.0 - covered;
                for (s, scenario) in scenarios.iter().enumerate() {
                    let mut up = 1.0;
                    let mut largest: f64 = 0.0;
                    for &c in closure {
                        let p = local[c].as_ref().expect("computed for every closure");
                        up *= 1.0 - p[s];
                        if causes.binary_search(&c).is_ok() {
                            largest = largest.max(p[s]);
                        }
                    }
                    upper += scenario.probability * (1.0 - up);
                    lower += scenario.probability * largest;
                }
                JourneyBounds {
                    journey: j,
                    lower,
                    upper: upper.min(1.0),
                }
            })
            .collect(),
    )
}

/// One component's local gate probability (no domain conditioned on), by the counting over
/// the placement tree when `tree` and the gate has that shape, else by its decision diagram;
/// for tests that hold the two against each other. `None`: not of the tree's shape, or too
/// large.
#[doc(hidden)]
pub fn local_probability(
    model: &Model,
    graph: &FaultGraph,
    c: ComponentId,
    tree: bool,
) -> Option<f64> {
    let q: Vec<f64> = (0..graph.event_count() as EventId)
        .map(|e| event_unavailability(model, graph, e))
        .collect();
    let scenarios = [Scenario {
        down: Vec::new(),
        probability: 1.0,
    }];
    if tree {
        let local = tree::Local::new(graph, c)?;
        return local.probability(&q, &FxHashMap::default());
    }
    local_bdd(graph, c, &q, &[], &scenarios).ok().map(|p| p[0])
}

/// `pairs::cause_closure`, with the scoped targets that some caller group has no instance of
/// in its domain (those instances need the whole target: its failure is counted with the
/// target's own gates, and the local gate takes the group as never failing).
fn bound_closure(graph: &FaultGraph, roots: &[ComponentId]) -> Vec<ComponentId> {
    crate::pairs::closure(graph, roots, &|c, k| {
        let node = &graph.components[c];
        let target = &graph.components[node.scoped[k].0];
        // A target with scoped dependencies of its own (nested scopes) is taken in too, so
        // that its own targets with no instance in a domain are counted whole (more gates
        // only loosen the upper bound).
        if !target.scoped.is_empty() {
            return true;
        }
        node.groups.iter().any(|g| match g.scope_domains[k] {
            None => true,
            Some(d) => {
                let e = graph.domain_events[d];
                !target
                    .groups
                    .iter()
                    .any(|tg| tg.domain_events.binary_search(&e).is_ok())
            }
        })
    })
}

struct Scenario {
    /// The conditioned domains down (the others up).
    down: Vec<EventId>,
    probability: f64,
}

/// Every scenario of at most two conditioned domains down.
fn scenarios(conditioned: &[EventId], q: &[f64]) -> Vec<Scenario> {
    let none: f64 = conditioned.iter().map(|&e| 1.0 - q[e as usize]).product();
    let odds = |e: EventId| {
        let qe = q[e as usize];
        if qe >= 1.0 {
            f64::INFINITY
        } else {
            qe / (1.0 - qe)
        }
    };
    let mut out = vec![Scenario {
        down: Vec::new(),
        probability: none,
    }];
    for (i, &a) in conditioned.iter().enumerate() {
        out.push(Scenario {
            down: vec![a],
            probability: none * odds(a),
        });
        for &b in &conditioned[i + 1..] {
            out.push(Scenario {
                down: vec![a, b],
                probability: none * odds(a) * odds(b),
            });
        }
    }
    // A domain that is always down makes `none` zero: the products above are then not
    // defined; fall back to the scenarios' direct products.
    if !none.is_normal() {
        for s in &mut out {
            s.probability = conditioned
                .iter()
                .map(|e| {
                    let qe = q[*e as usize];
                    if s.down.contains(e) { qe } else { 1.0 - qe }
                })
                .product();
        }
    }
    out
}

/// The domain events a component's local gate reads.
fn local_domains(graph: &FaultGraph, c: ComponentId) -> Vec<EventId> {
    let node = &graph.components[c];
    let mut out: Vec<EventId> = node
        .groups
        .iter()
        .flat_map(|g| g.domain_events.iter().copied())
        .collect();
    for group in &node.groups {
        for ((target, _), domain) in node.scoped.iter().zip(&group.scope_domains) {
            if domain.is_some() {
                out.extend(
                    graph.components[*target]
                        .groups
                        .iter()
                        .flat_map(|g| g.domain_events.iter().copied()),
                );
            }
        }
    }
    out
}

/// Variables numbered in the order first met.
struct Vars {
    of: FxHashMap<EventId, Var>,
    events: Vec<EventId>,
}

impl Vars {
    fn get(&mut self, bdd: &mut Bdd, e: EventId) -> Result<Ref, TooLarge> {
        let next = self.events.len() as Var;
        let v = *self.of.entry(e).or_insert(next);
        if v == next {
            self.events.push(e);
        }
        bdd.var(v)
    }
}

/// The local gate of `c` on its own diagram, and its probability in each scenario.
fn local_probabilities(
    graph: &FaultGraph,
    c: ComponentId,
    q: &[f64],
    conditioned: &[EventId],
    scenarios: &[Scenario],
) -> Result<Vec<f64>, TooLarge> {
    if let Some(local) = tree::Local::new(graph, c) {
        // Scenarios that differ only in domains the gate does not read give the same value.
        let reads: FxHashMap<EventId, ()> = local_domains(graph, c)
            .into_iter()
            .map(|e| (e, ()))
            .collect();
        let mut memo: FxHashMap<Vec<EventId>, Option<f64>> = FxHashMap::default();
        let values: Option<Vec<f64>> = scenarios
            .iter()
            .map(|s| {
                let key: Vec<EventId> = s
                    .down
                    .iter()
                    .copied()
                    .filter(|e| reads.contains_key(e))
                    .collect();
                *memo.entry(key).or_insert_with(|| {
                    let fixed: FxHashMap<EventId, bool> = conditioned
                        .iter()
                        .map(|&e| (e, s.down.contains(&e)))
                        .collect();
                    local.probability(q, &fixed)
                })
            })
            .collect();
        if let Some(values) = values {
            return Ok(values);
        }
    }
    local_bdd(graph, c, q, conditioned, scenarios)
}

/// The local gate on a decision diagram of its own.
fn local_bdd(
    graph: &FaultGraph,
    c: ComponentId,
    q: &[f64],
    conditioned: &[EventId],
    scenarios: &[Scenario],
) -> Result<Vec<f64>, TooLarge> {
    let node = &graph.components[c];
    let mut bdd = Bdd::new();
    bdd.node_limit = LOCAL_NODE_LIMIT;
    let mut vars = Vars {
        of: FxHashMap::default(),
        events: Vec::new(),
    };
    // Instances in the order of the placement tree: by their domains, outermost first.
    let chain = |g: usize| -> Vec<EventId> {
        let mut events = graph.components[c].groups[g].domain_events.clone();
        events.sort_by_key(|&e| (depth(graph, e), e));
        events
    };
    let chains: Vec<Vec<EventId>> = (0..node.groups.len()).map(chain).collect();
    let mut order: Vec<usize> = (0..node.n).collect();
    order.sort_by(|&a, &b| {
        chains[node.group_of[a] as usize]
            .cmp(&chains[node.group_of[b] as usize])
            .then(a.cmp(&b))
    });
    let mut wide = dd::FALSE;
    for &e in &node.wide_events {
        let v = vars.get(&mut bdd, e)?;
        wide = bdd.apply(Op::Or, wide, v)?;
    }
    let mut scoped_cache: FxHashMap<(usize, usize), Ref> = FxHashMap::default();
    let mut instance = vec![dd::FALSE; node.n];
    for &i in &order {
        let g = node.group_of[i] as usize;
        let mut f = dd::FALSE;
        for &e in &chains[g] {
            let v = vars.get(&mut bdd, e)?;
            f = bdd.apply(Op::Or, f, v)?;
        }
        for (k, ((target, _), domain)) in node
            .scoped
            .iter()
            .zip(&node.groups[g].scope_domains)
            .enumerate()
        {
            let group = match (scoped_cache.get(&(k, g)), domain) {
                (Some(&r), _) => r,
                (None, None) => dd::FALSE,
                (None, Some(d)) => {
                    let r = scoped_group(
                        graph,
                        *target,
                        graph.domain_events[*d],
                        &mut bdd,
                        &mut vars,
                        &mut vec![c],
                    )?;
                    scoped_cache.insert((k, g), r);
                    r
                }
            };
            f = bdd.apply(Op::Or, f, group)?;
        }
        if let Some(e) = graph.instance_event(c, i) {
            let v = vars.get(&mut bdd, e)?;
            f = bdd.apply(Op::Or, f, v)?;
        }
        instance[i] = f;
    }
    let inputs: Vec<Ref> = order.iter().map(|&i| instance[i]).collect();
    let mut down = bdd.at_least(node.threshold, &inputs)?;
    if node.active_passive == Some(Failover::Manual) {
        down = bdd.apply(Op::Or, down, instance[node.primary as usize])?;
    }
    down = bdd.apply(Op::Or, down, wide)?;
    let p: Vec<f64> = vars.events.iter().map(|&e| q[e as usize]).collect();
    let condition: Vec<Option<usize>> = vars
        .events
        .iter()
        .map(|e| conditioned.iter().position(|x| x == e))
        .collect();
    Ok(probabilities(
        &bdd,
        down,
        &p,
        &condition,
        scenarios,
        conditioned,
    ))
}

/// How many domains enclose a domain event's domain (0 for the outermost).
fn depth(graph: &FaultGraph, e: EventId) -> u32 {
    match graph.events[e as usize] {
        EventKind::Domain(d) => graph.domain_depth[d],
        _ => u32::MAX,
    }
}

/// Every instance of `target` in the domain of event `domain` failed on its own event, its
/// domains or the target's whole-component events; `FALSE` when none is there (the caller
/// then needs the whole target, whose failure `bounds` counts with the target's own gates).
fn scoped_group(
    graph: &FaultGraph,
    target: ComponentId,
    domain: EventId,
    bdd: &mut Bdd,
    vars: &mut Vars,
    visiting: &mut Vec<ComponentId>,
) -> Result<Ref, TooLarge> {
    let node = &graph.components[target];
    let mut wide = dd::FALSE;
    for &e in &node.wide_events {
        let v = vars.get(bdd, e)?;
        wide = bdd.apply(Op::Or, wide, v)?;
    }
    let mut all = dd::TRUE;
    let mut any = false;
    for i in 0..node.n {
        let group = &node.groups[node.group_of[i] as usize];
        if group.domain_events.binary_search(&domain).is_err() {
            continue;
        }
        any = true;
        let mut f = wide;
        for &e in &group.domain_events {
            let v = vars.get(bdd, e)?;
            f = bdd.apply(Op::Or, f, v)?;
        }
        if let Some(e) = graph.instance_event(target, i) {
            let v = vars.get(bdd, e)?;
            f = bdd.apply(Op::Or, f, v)?;
        }
        // Nested scopes: the target's instance also fails with its own scoped group (a
        // cycle of scoped dependencies is cut: from everything up it adds nothing).
        if !visiting.contains(&target) {
            visiting.push(target);
            for ((t2, _), d2) in node.scoped.iter().zip(&group.scope_domains) {
                if let Some(d2) = d2 {
                    let nested =
                        scoped_group(graph, *t2, graph.domain_events[*d2], bdd, vars, visiting)?;
                    f = bdd.apply(Op::Or, f, nested)?;
                }
            }
            visiting.pop();
        }
        all = bdd.apply(Op::And, all, f)?;
    }
    Ok(if any { all } else { dd::FALSE })
}

/// The probability of `f` in every scenario, in one walk: a conditioned variable is 1 in the
/// scenarios that have it down and 0 in the others; the rest keep `p`.
fn probabilities(
    bdd: &Bdd,
    f: Ref,
    p: &[f64],
    condition: &[Option<usize>],
    scenarios: &[Scenario],
    conditioned: &[EventId],
) -> Vec<f64> {
    let s = scenarios.len();
    // Which scenarios have each conditioned domain down.
    let down: Vec<Vec<bool>> = conditioned
        .iter()
        .map(|e| scenarios.iter().map(|sc| sc.down.contains(e)).collect())
        .collect();
    // Nodes reachable from `f`, children before parents.
    let mut post: Vec<Ref> = Vec::new();
    let mut index: FxHashMap<Ref, usize> = FxHashMap::default();
    let mut stack: Vec<(Ref, bool)> = vec![(f, false)];
    while let Some((r, expanded)) = stack.pop() {
        if r <= dd::TRUE || index.contains_key(&r) {
            continue;
        }
        if expanded {
            index.insert(r, post.len());
            post.push(r);
        } else {
            stack.push((r, true));
            stack.push((bdd.hi(r), false));
            stack.push((bdd.lo(r), false));
        }
    }
    let mut values = vec![0.0; post.len() * s];
    let value = |values: &[f64], r: Ref, k: usize| match r {
        dd::FALSE => 0.0,
        dd::TRUE => 1.0,
        _ => values[index[&r] * s + k],
    };
    for (at, &r) in post.iter().enumerate() {
        let var = bdd.var_of(r) as usize;
        let (lo, hi) = (bdd.lo(r), bdd.hi(r));
        for k in 0..s {
            let v = match condition[var] {
                Some(d) => {
                    if down[d][k] {
                        value(&values, hi, k)
                    } else {
                        value(&values, lo, k)
                    }
                }
                None => p[var] * value(&values, hi, k) + (1.0 - p[var]) * value(&values, lo, k),
            };
            values[at * s + k] = v;
        }
    }
    (0..s).map(|k| value(&values, f, k)).collect()
}
