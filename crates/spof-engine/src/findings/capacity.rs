//! Capacity after a failure domain's loss: the instances left must carry the load. The
//! definitions here (the load on a component, the capacity its instances left carry, and an
//! overload) are the only ones: the rule uses them for each domain's loss, and `spof whatif`
//! for any set of failed events.

use super::{Rule, RuleKind, Severity, check_finding, join_and};
use crate::evaluate::{Phase, evaluate};
use crate::graph::{EventId, FaultGraph};
use spof_model::{Component, ComponentId, DomainId, Model};

/// The load on a component: the sum of the `load` of the journeys that use it (through hard
/// dependencies).
pub fn load_on(model: &Model, graph: &FaultGraph, c: ComponentId) -> f64 {
    (0..model.journeys.len())
        .filter(|&j| graph.journey_closures[j].binary_search(&c).is_ok())
        .filter_map(|j| model.journeys[j].load)
        .sum()
}

/// What `up` instances of a component carry: its per-instance `capacity` each; `None` when it
/// gives no capacity.
pub fn capacity_left(component: &Component, up: usize) -> Option<f64> {
    component.capacity.map(|capacity| capacity * up as f64)
}

/// An overload: some instances are up (none is an outage, not an overload) and what they carry
/// is less than the load.
pub fn overloaded(up: usize, left: f64, load: f64) -> bool {
    up > 0 && left < load
}

/// The capacity of one component after some events fail together.
#[derive(Clone, Debug, PartialEq)]
pub struct CapacityLeft {
    pub component: ComponentId,
    pub instances: usize,
    /// Instances still up after automatic failovers (not hit by the events, by a domain they
    /// are in, or by a dependency).
    pub instances_up: usize,
    /// What every instance carries together.
    pub total: f64,
    /// What the instances up carry.
    pub left: f64,
    pub load: f64,
    pub overloaded: bool,
}

/// The capacity left of every component with a `capacity` and a load on it, when `events` fail
/// together (after automatic failovers), in component order.
pub fn after_events(model: &Model, graph: &FaultGraph, events: &[EventId]) -> Vec<CapacityLeft> {
    let mut failed = vec![false; graph.event_count()];
    for &e in events {
        failed[e as usize] = true;
    }
    let state = evaluate(graph, &failed, Phase::AfterAutomatic, false);
    model
        .components
        .iter()
        .enumerate()
        .filter_map(|(c, component)| {
            let load = load_on(model, graph, c);
            if load <= 0.0 {
                return None;
            }
            let instances = component.instances.len();
            let up = state.instance_down[c].iter().filter(|&&down| !down).count();
            let total = capacity_left(component, instances)?;
            let left = capacity_left(component, up)?;
            Some(CapacityLeft {
                component: c,
                instances,
                instances_up: up,
                total,
                left,
                load,
                overloaded: overloaded(up, left, load),
            })
        })
        .collect()
}

pub static AFTER_DOMAIN_LOSS: Rule = Rule {
    code: "SPOF023",
    name: "capacity-after-domain-loss",
    summary: "Losing one failure domain leaves too little capacity for the load.",
    what: "A component with a per-instance `capacity` whose journeys put a `load` on it that the instances outside some failure domain (a zone, a host, a rack) cannot carry: the domain's loss overloads the rest. Also fires when the instances cannot carry the load even with nothing lost.",
    why: "Redundancy is capacity, not a count. Two zones each at 60% of their capacity do not survive the loss of one: the survivor receives 120% and falls over, often taking the retries of the whole system with it. Three equal zones keep two thirds of the capacity.",
    fix: "Add instances so that each domain's loss leaves enough (N+1 per domain: with z equal zones, run each below (z-1)/z of its capacity), or spread over more domains.",
    example: r#"
domains:
  a: {kind: zone}
  b: {kind: zone}
components:
  app:
    kind: service
    replicas: 2
    spread: [a, b]
    capacity: 100
journeys:
  shop:
    path: [app]
    load: 120
"#,
    fixed: r#"
domains:
  a: {kind: zone}
  b: {kind: zone}
  c: {kind: zone}
components:
  app:
    kind: service
    replicas: 3
    spread: [a, b, c]
    capacity: 100
journeys:
  shop:
    path: [app]
    load: 120
"#,
    kind: RuleKind::Check(|cx, out| {
        let model = cx.model;
        for (c, component) in model.components.iter().enumerate() {
            let n = component.instances.len();
            let (Some(capacity), Some(total)) = (component.capacity, capacity_left(component, n))
            else {
                continue;
            };
            let load = load_on(model, &cx.analysis.graph, c);
            if load <= 0.0 {
                continue;
            }
            let mut message = None;
            if overloaded(n, total, load) {
                let all = if n == 1 {
                    "its one instance".to_string()
                } else {
                    format!("all {n} instances")
                };
                message = Some(format!(
                    "`{}` carries {} with {all} up, less than its load of {}",
                    component.name,
                    figure(total),
                    figure(load)
                ));
            } else {
                // Every domain holding some of its instances, with how many it would take.
                let mut lost: Vec<(DomainId, usize)> = Vec::new();
                for instance in &component.instances {
                    let mut chain: Vec<DomainId> = instance
                        .domains
                        .iter()
                        .flat_map(|&d| model.domain_chain(d))
                        .collect();
                    chain.sort_unstable();
                    chain.dedup();
                    for d in chain {
                        match lost.iter_mut().find(|(x, _)| *x == d) {
                            Some(entry) => entry.1 += 1,
                            None => lost.push((d, 1)),
                        }
                    }
                }
                lost.sort_unstable();
                let overloading: Vec<String> = lost
                    .iter()
                    .filter_map(|&(d, count)| {
                        let up = n - count;
                        let left = capacity_left(component, up)?;
                        overloaded(up, left, load).then(|| {
                            format!(
                                "{} {} ({} left)",
                                model.domains[d].kind.as_str(),
                                model.domains[d].name,
                                figure(left)
                            )
                        })
                    })
                    .collect();
                if !overloading.is_empty() {
                    message = Some(format!(
                        "`{}` carries a load of {} on {} of capacity; losing {} overloads the rest",
                        component.name,
                        figure(load),
                        figure(total),
                        join_and(&overloading.iter().map(String::as_str).collect::<Vec<_>>())
                    ));
                }
            }
            if let Some(message) = message {
                let needed = (load / capacity).ceil() as usize;
                let fix = if component.kind == spof_model::Kind::External {
                    format!(
                        "`{}` is a third party's: raise its quota to at least {} with the provider, or share the load with a second provider; guard the calls (timeouts, circuit breakers, a fallback) so that an overload degrades the journey instead of stalling it",
                        component.name,
                        figure(load)
                    )
                } else {
                    format!(
                        "run enough instances of `{}` that any one domain's loss leaves at least {} ({needed} instances of {})",
                        component.name,
                        figure(load),
                        figure(capacity)
                    )
                };
                let mut finding = check_finding(
                    cx,
                    &AFTER_DOMAIN_LOSS,
                    vec![c],
                    message,
                    fix,
                    Some(component.span),
                );
                if cx.analysis.components[c].on_critical_path {
                    finding.severity = Severity::High;
                }
                out.push(finding);
            }
        }
    }),
};

/// A capacity or a load as messages show it: whole when it is, else one decimal.
pub fn figure(value: f64) -> String {
    // Adding a plain zero turns a negative zero (a sum of nothing) into a plain one.
    let value = value + 0.0;
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}
