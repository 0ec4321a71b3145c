//! Capacity after a failure domain's loss: the instances left must carry the load.

use super::{Rule, RuleKind, Severity, check_finding, join_and};
use spof_model::DomainId;

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
            let Some(capacity) = component.capacity else {
                continue;
            };
            let load: f64 = (0..model.journeys.len())
                .filter(|&j| {
                    cx.analysis.graph.journey_closures[j]
                        .binary_search(&c)
                        .is_ok()
                })
                .filter_map(|j| model.journeys[j].load)
                .sum();
            if load <= 0.0 {
                continue;
            }
            let n = component.instances.len();
            let total = capacity * n as f64;
            let mut message = None;
            if total < load {
                message = Some(format!(
                    "`{}` carries {} with all {n} instances up, less than its load of {}",
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
                    .filter(|&&(_, count)| count < n && capacity * ((n - count) as f64) < load)
                    .map(|&(d, count)| {
                        format!(
                            "{} {} ({} left)",
                            model.domains[d].kind.as_str(),
                            model.domains[d].name,
                            figure(capacity * (n - count) as f64)
                        )
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

fn figure(value: f64) -> String {
    // Adding a plain zero turns a negative zero (a sum of nothing) into a plain one.
    let value = value + 0.0;
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}
