//! The structure function after automatic failovers, compiled to one BDD per journey: what
//! exact availability and risk groups both start from. It has a module of its own so that
//! neither of those imports the other.

use crate::dd::{self, Bdd, Op, Ref, TooLarge, Var};
use crate::graph::{EventId, FaultGraph};
use spof_model::{ComponentId, DomainId, Failover, Model};

/// The structure function after automatic failovers, as BDDs: one per journey.
pub struct Structure {
    pub bdd: Bdd,
    /// The event of each BDD variable.
    pub order: Vec<EventId>,
    pub journeys: Vec<Ref>,
}

impl Structure {
    pub fn build(model: &Model, graph: &FaultGraph) -> Result<Structure, TooLarge> {
        Structure::build_with_limit(model, graph, 50_000_000)
    }

    /// As `build`, giving up past `node_limit` nodes.
    pub fn build_with_limit(
        model: &Model,
        graph: &FaultGraph,
        node_limit: usize,
    ) -> Result<Structure, TooLarge> {
        // Variables: domains first (outermost first, they are shared most), then each
        // component's events in dependency order, then people.
        let mut order: Vec<EventId> = Vec::new();
        let mut domains: Vec<DomainId> = (0..model.domains.len()).collect();
        domains.sort_by_key(|&d| std::cmp::Reverse(graph.domain_depth[d]));
        domains.reverse();
        order.extend(domains.iter().map(|&d| graph.domain_events[d]));
        for scc in &graph.order {
            for &c in scc {
                let node = &graph.components[c];
                order.extend(node.wide_events.iter().copied());
                if let Some(first) = node.first_instance_event {
                    order.extend(first..first + node.n as EventId);
                }
            }
        }
        order.extend(graph.person_events.iter().copied());
        let mut var_of = vec![Var::MAX; graph.event_count()];
        for (v, &e) in order.iter().enumerate() {
            var_of[e as usize] = v as Var;
        }
        let mut bdd = Bdd::new();
        bdd.node_limit = node_limit;
        let comp = component_refs(graph, &var_of, &mut bdd)?;
        let mut journeys = Vec::with_capacity(graph.journey_paths.len());
        for (j, path) in graph.journey_paths.iter().enumerate() {
            // With request-scoped dependencies each journey has its own view of the graph.
            let own;
            let comp = if graph.views.is_empty() {
                &comp
            } else {
                own = component_refs(&graph.views[j], &var_of, &mut bdd)?;
                &own
            };
            journeys.push(
                path.iter()
                    .try_fold(dd::FALSE, |acc, &c| bdd.apply(Op::Or, acc, comp[c]))?,
            );
        }
        Ok(Structure {
            bdd,
            order,
            journeys,
        })
    }
}

/// Each component's failure (after automatic failovers) as a BDD, in dependency order; a
/// cycle is iterated from everything up to its least fixed point.
fn component_refs(graph: &FaultGraph, var_of: &[Var], bdd: &mut Bdd) -> Result<Vec<Ref>, TooLarge> {
    let mut comp: Vec<Ref> = vec![dd::FALSE; graph.components.len()];
    let mut inst: Vec<Vec<Ref>> = graph
        .components
        .iter()
        .map(|c| vec![dd::FALSE; c.n])
        .collect();
    for scc in &graph.order {
        loop {
            let mut changed = false;
            for &c in scc {
                let (down, instances) = component_bdd(graph, c, &comp, &inst, var_of, bdd)?;
                if down != comp[c] || instances != inst[c] {
                    comp[c] = down;
                    inst[c] = instances;
                    changed = true;
                }
            }
            if !changed || scc.len() == 1 {
                break;
            }
        }
    }
    Ok(comp)
}

/// A component's failure and each of its instances' failures.
fn component_bdd(
    graph: &FaultGraph,
    c: ComponentId,
    comp: &[Ref],
    inst: &[Vec<Ref>],
    var_of: &[Var],
    bdd: &mut Bdd,
) -> Result<(Ref, Vec<Ref>), TooLarge> {
    let node = &graph.components[c];
    let mut shared = dd::FALSE;
    for &e in &node.wide_events {
        let v = bdd.var(var_of[e as usize])?;
        shared = bdd.apply(Op::Or, shared, v)?;
    }
    for &h in &node.hard {
        shared = bdd.apply(Op::Or, shared, comp[h])?;
    }
    let mut group_fail = Vec::with_capacity(node.groups.len());
    for group in &node.groups {
        let mut f = shared;
        for &e in &group.domain_events {
            let v = bdd.var(var_of[e as usize])?;
            f = bdd.apply(Op::Or, f, v)?;
        }
        for ((target, _), domain) in node.scoped.iter().zip(&group.scope_domains) {
            let scoped = scoped_bdd(graph, *target, *domain, comp, inst, bdd)?;
            f = bdd.apply(Op::Or, f, scoped)?;
        }
        group_fail.push(f);
    }
    let instance = |i: usize, bdd: &mut Bdd| -> Result<Ref, TooLarge> {
        let g = group_fail[node.group_of[i] as usize];
        match graph.instance_event(c, i) {
            Some(e) => {
                let v = bdd.var(var_of[e as usize])?;
                bdd.apply(Op::Or, g, v)
            }
            None => Ok(g),
        }
    };
    let instances: Vec<Ref> = (0..node.n)
        .map(|i| instance(i, bdd))
        .collect::<Result<_, _>>()?;
    let mut down = bdd.at_least(node.threshold, &instances)?;
    // After automatic failovers, a manual standby still waits for someone.
    if node.active_passive == Some(Failover::Manual) {
        down = bdd.apply(Op::Or, down, instances[node.primary as usize])?;
    }
    Ok((down, instances))
}

/// Every instance of `target` in `domain` down (the whole target when none is there).
fn scoped_bdd(
    graph: &FaultGraph,
    target: ComponentId,
    domain: Option<DomainId>,
    comp: &[Ref],
    inst: &[Vec<Ref>],
    bdd: &mut Bdd,
) -> Result<Ref, TooLarge> {
    let Some(domain) = domain else {
        return Ok(comp[target]);
    };
    let node = &graph.components[target];
    let event = graph.domain_events[domain];
    let mut all = dd::TRUE;
    let mut any = false;
    for (&g, &f) in node.group_of.iter().zip(&inst[target]) {
        if node.groups[g as usize]
            .domain_events
            .binary_search(&event)
            .is_err()
        {
            continue;
        }
        any = true;
        all = bdd.apply(Op::And, all, f)?;
    }
    Ok(if any { all } else { comp[target] })
}
