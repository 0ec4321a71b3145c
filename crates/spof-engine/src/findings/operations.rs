//! Operations: monitoring placement, people, health checks and recovery targets.

use super::{Context, Finding, Rule, RuleKind, Severity, check_finding, join_and, recovery_phrase};
use crate::analysis::Recovery;
use crate::evaluate::Phase;
use crate::graph::event_id;
use crate::single::union;
use spof_model::{Failover, Kind, Renewal, Step};

pub static MONITORING_IN_FAILURE_DOMAIN: Rule = Rule {
    code: "SPOF018",
    name: "monitoring-in-failure-domain",
    summary: "Monitoring that fails together with what it watches.",
    what: "A monitoring component that some single failure takes down together with a component it watches: it runs on the infrastructure it is meant to watch.",
    why: "Monitoring goes blind exactly when it is needed: when the cluster, zone or network it shares with the system fails, nobody is paged, and the outage is reported by customers. Alerting must run outside the failure domain it watches.",
    fix: "Run monitoring and alerting (or at least an external probe and a dead-man's switch) in another failure domain: another cluster, zone, region or provider.",
    example: r#"
domains:
  prod: {kind: cluster}
components:
  app:
    kind: service
    replicas: 2
    in: [prod]
  prometheus:
    kind: monitoring
    in: [prod]
    monitoring:
      watches: [app]
"#,
    fixed: r#"
domains:
  prod: {kind: cluster}
  ops: {kind: cluster}
components:
  app:
    kind: service
    replicas: 2
    in: [prod]
  prometheus:
    kind: monitoring
    in: [ops]
    monitoring:
      watches: [app]
"#,
    kind: RuleKind::Check(|cx, out| {
        let single = &cx.analysis.single;
        for (m, component) in cx.model.components.iter().enumerate() {
            if component.kind != Kind::Monitoring {
                continue;
            }
            let watched: Vec<usize> = match &component.monitoring {
                Some(config) if !config.watches.is_empty() => config.watches.clone(),
                _ => (0..cx.model.components.len())
                    .filter(|&c| c != m && cx.model.components[c].kind != Kind::Monitoring)
                    .collect(),
            };
            let watched_sets = union(
                single
                    .cause_closure(&watched)
                    .iter()
                    .map(|&x| single.local[Phase::Immediate][x].as_slice()),
            );
            let shared: Vec<u32> = single
                .component_set(Phase::Immediate, m)
                .into_iter()
                .filter(|e| watched_sets.binary_search(e).is_ok())
                .collect();
            if shared.is_empty() {
                continue;
            }
            let ids: Vec<String> = shared
                .iter()
                .take(3)
                .map(|&e| event_id(cx.model, cx.analysis.graph.events[e as usize]))
                .collect();
            let more = if shared.len() > 3 {
                format!(" and {} more", shared.len() - 3)
            } else {
                String::new()
            };
            // What the shared events take down, from the components whose local sets hold
            // them.
            let roots: Vec<usize> = (0..cx.model.components.len())
                .filter(|&x| {
                    single.local[Phase::Immediate][x]
                        .iter()
                        .any(|e| shared.binary_search(e).is_ok())
                })
                .collect();
            let (down, _) = single.components_down(&roots, usize::MAX);
            let blinded: Vec<usize> = watched
                .iter()
                .copied()
                .filter(|w| down.binary_search(w).is_ok())
                .collect();
            let mut components = vec![m];
            components.extend(blinded.iter().copied());
            let blinded_names: Vec<String> = blinded
                .iter()
                .map(|&w| format!("`{}`", cx.model.components[w].name))
                .collect();
            let mut finding = check_finding(
                cx,
                &MONITORING_IN_FAILURE_DOMAIN,
                components,
                format!(
                    "monitoring `{}` fails together with {} it watches: {}{more} {} both down",
                    component.name,
                    join_and(&blinded_names.iter().map(String::as_str).collect::<Vec<_>>()),
                    join_and(&ids.iter().map(String::as_str).collect::<Vec<_>>()),
                    if shared.len() == 1 { "takes" } else { "take" }
                ),
                format!(
                    "run `{}` (or an external probe with a dead-man's switch) outside the failure domain it watches",
                    component.name
                ),
                Some(component.span),
            );
            if blinded
                .iter()
                .any(|&w| cx.analysis.components[w].on_critical_path)
            {
                finding.severity = Severity::High;
            }
            out.push(finding);
        }
    }),
};

pub static BUS_FACTOR_ONE: Rule = Rule {
    code: "SPOF019",
    name: "bus-factor-one",
    summary: "One person (or nobody) can perform a required manual step.",
    what: "A manual step that recovery needs (failing over a manual standby, renewing a certificate by hand, or a restore or deploy the model's people list) that only one person, or nobody, can perform. Checked only when the model lists people.",
    why: "A runbook that one person can run is a SPOF with a holiday calendar. The step will be needed when that person is asleep, ill, on a plane or gone; the team then learns it during the outage.",
    fix: "Teach the step to a second person (and add them to `can`), write the runbook down and drill it, or automate the step away.",
    example: r#"
people:
  alice:
    can: ["failover:db"]
components:
  app:
    kind: service
    replicas: 2
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    failover: manual
"#,
    fixed: r#"
people:
  alice:
    can: ["failover:db"]
  bob:
    can: ["failover:db"]
components:
  app:
    kind: service
    replicas: 2
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    failover: manual
"#,
    kind: RuleKind::Check(check_bus_factor),
};

fn check_bus_factor(cx: &Context, out: &mut Vec<Finding>) {
    let model = cx.model;
    if !model.has_people() {
        return;
    }
    // Steps recovery needs by design, and steps someone listed.
    let mut steps: Vec<(Step, bool)> = Vec::new();
    for (c, component) in model.components.iter().enumerate() {
        if component
            .failover()
            .is_some_and(|(f, _)| f == Failover::Manual)
            && component.instances.len() > 1
        {
            steps.push((Step::Failover(c), true));
        }
        if component
            .certificate
            .as_ref()
            .is_some_and(|cert| cert.renewal == Some(Renewal::Manual))
        {
            steps.push((Step::Renew(c), true));
        }
    }
    for person in &model.people {
        for &step in &person.can {
            if !steps.iter().any(|(s, _)| *s == step) {
                steps.push((step, false));
            }
        }
    }
    steps.sort();
    for (step, required) in steps {
        let able = model.people_for(&step);
        let c = step.component();
        let name = &model.components[c].name;
        let message = match able.as_slice() {
            [] if required => format!("nobody listed under `people` can {} `{name}`", step.verb()),
            [only] => format!(
                "only {} can {} `{name}`",
                model.people[*only].name,
                step.verb()
            ),
            _ => continue,
        };
        let mut finding = check_finding(
            cx,
            &BUS_FACTOR_ONE,
            vec![c],
            message,
            format!(
                "teach a second person to {} `{name}` (add `{}:{name}` to their `can`), or automate it",
                step.verb(),
                step.verb()
            ),
            Some(
                able.first()
                    .map_or(model.components[c].span, |&p| model.people[p].span),
            ),
        );
        if cx.analysis.components[c].on_critical_path {
            finding.severity = Severity::High;
        }
        out.push(finding);
    }
}

pub static NO_HEALTH_CHECK: Rule = Rule {
    code: "SPOF020",
    name: "no-health-check",
    summary: "Active-active instances without a health check.",
    what: "A component with several active instances and `health_check: false`: a dead instance keeps receiving its share of requests until someone removes it by hand.",
    why: "Redundancy needs detection. Without a health check (or a Kubernetes readiness probe) the load balancer keeps sending a third of the traffic to the dead third of the servers: the journey is partly down and stays so until a person notices.",
    fix: "Give the load balancer a health check on each instance (a readiness probe in Kubernetes) that takes a dead or unready instance out of rotation.",
    example: r#"
components:
  app:
    kind: service
    replicas: 3
    health_check: false
"#,
    fixed: r#"
components:
  app:
    kind: service
    replicas: 3
    health_check: true
"#,
    kind: RuleKind::Check(|cx, out| {
        for (c, node) in cx.analysis.graph.components.iter().enumerate() {
            if !node.no_health_check {
                continue;
            }
            let component = &cx.model.components[c];
            out.push(check_finding(
                cx,
                &NO_HEALTH_CHECK,
                vec![c],
                format!("`{}` has {} active instances and no health check: a dead one keeps getting 1/{} of the requests", component.name, node.n, node.n),
                if component.kind == Kind::External {
                    format!("have the callers of `{}` check each of its endpoints and stop calling a dead one (client-side health checks or outlier detection)", component.name)
                } else {
                    format!("health-check the instances of `{}` so that a dead one leaves the rotation", component.name)
                },
                Some(component.span),
            ));
        }
    }),
};

pub static RTO_OVER_TARGET: Rule = Rule {
    code: "SPOF021",
    name: "rto-over-target",
    summary: "A journey's recovery time exceeds its target.",
    what: "A journey with an `rto_target` whose worst single failure takes longer to recover from than the target, or whose recovery time is unknown because a component on it has no `restore_time`.",
    why: "The RTO is a promise to users and often to contracts. The time that counts is the worst single failure's: the manual failover at night, the restore from backup, not the average case.",
    fix: "Fix the SPOF that sets the recovery time (the finding names it), or make its recovery faster: an automatic failover instead of a manual one, a standby instead of a restore; give every component on the journey a `restore_time` so the RTO is known.",
    example: r#"
components:
  app:
    kind: service
    restore_time: 2h
journeys:
  main:
    path: [app]
    rto_target: 30m
"#,
    fixed: r#"
components:
  app:
    kind: service
    restore_time: 2h
    replicas: 2
journeys:
  main:
    path: [app]
    rto_target: 30m
"#,
    kind: RuleKind::Check(|cx, out| {
        for report in &cx.analysis.journeys {
            let journey = &cx.model.journeys[report.journey];
            let Some(target) = journey.rto_target else {
                continue;
            };
            if report.meets_target != Some(false) {
                continue;
            }
            let source = report.rto_event.and_then(|e| cx.analysis.event(e));
            let (why, components) = match source {
                Some(event) => {
                    let recovery = event
                        .effects
                        .iter()
                        .find(|x| x.journey == report.journey)
                        .map(|x| &x.recovery)
                        .unwrap_or(&Recovery::None);
                    let components = match recovery {
                        Recovery::Repair { components, .. }
                        | Recovery::Interrupted { components, .. } => components.clone(),
                        Recovery::Manual { steps, .. } => {
                            steps.iter().map(|s| s.component()).collect()
                        }
                        _ => Vec::new(),
                    };
                    (
                        format!(
                            "{} is down {}",
                            event_id(cx.model, event.kind),
                            recovery_phrase(cx.model, recovery)
                        ),
                        components,
                    )
                }
                None => (String::new(), Vec::new()),
            };
            let rto = report
                .rto
                .map_or("an unknown time".to_string(), |r| r.to_string());
            let mut finding = check_finding(
                cx,
                &RTO_OVER_TARGET,
                components,
                format!("journey `{}` recovers in {rto} against a target of {target}: {why}", journey.name),
                "fix the SPOF that sets the recovery time, or make its recovery faster (automatic failover, a standby instead of a restore)".into(),
                Some(journey.span),
            );
            finding.journeys = vec![report.journey];
            finding.severity = if journey.critical {
                Severity::High
            } else {
                Severity::Medium
            };
            out.push(finding);
        }
    }),
};

pub static STARTUP_DEPENDENCY: Rule = Rule {
    code: "SPOF034",
    name: "startup-dependency",
    summary: "A start-up dependency that one failure takes down: while it is down, nothing that needs it can restart.",
    what: "A dependency marked `startup: true` (a migration, configuration fetched at boot, an initContainer that waits for it) whose target some single failure keeps down past its automatic failovers. Running instances of the caller go on, but one that fails, is rescheduled or is redeployed while the target is down cannot come back until it is.",
    why: "A start-up dependency is invisible while everything runs and decisive when things restart: a node drain, a deploy or an autoscaler during the outage of the start-up dependency empties the caller one instance at a time, and a zone loss leaves its instances unable to come back elsewhere. The redundancy of the caller then depends on the start-up dependency's.",
    fix: "Make the start-up dependency redundant (replicas with failover), or let the caller start without it: connect in the background and retry, keep the last configuration on disk, run migrations as a separate job rather than on every start.",
    example: r#"
components:
  checkout:
    kind: service
    replicas: 3
    depends_on:
      - {component: kafka, startup: true}
  kafka:
    kind: queue
"#,
    fixed: r#"
components:
  checkout:
    kind: service
    replicas: 3
    depends_on:
      - {component: kafka, startup: true}
  kafka:
    kind: queue
    replicas: 3
"#,
    kind: RuleKind::Check(check_startup_dependencies),
};

fn check_startup_dependencies(cx: &Context, out: &mut Vec<Finding>) {
    let model = cx.model;
    let graph = &cx.analysis.graph;
    let single = &cx.analysis.single;
    for (c, component) in model.components.iter().enumerate() {
        let mut seen = Vec::new();
        for dep in component.depends_on.iter().filter(|d| d.startup) {
            let s = dep.target;
            if seen.contains(&s) {
                continue;
            }
            seen.push(s);
            // The single events that keep it down past its automatic failovers.
            let events: Vec<u32> = single
                .component_set(Phase::AfterAutomatic, s)
                .into_iter()
                .filter(|&e| {
                    !matches!(graph.events[e as usize], crate::graph::EventKind::Person(_))
                })
                .collect();
            let Some(&first) = events.first() else {
                continue;
            };
            let target = &model.components[s].name;
            let name = &component.name;
            let by = crate::graph::describe_event(model, graph.events[first as usize]);
            let more = match events.len() {
                1 => String::new(),
                2 => " and 1 other event".to_string(),
                n => format!(" and {} other events", n - 1),
            };
            out.push(check_finding(
                cx,
                &STARTUP_DEPENDENCY,
                vec![c, s],
                format!(
                    "`{target}` down blocks restarts of `{name}`: `{name}` needs it to start and one failure takes it down ({by}{more}); running instances go on, but one that fails, is rescheduled or is redeployed meanwhile cannot come back"
                ),
                format!(
                    "make `{target}` redundant, or let `{name}` start without it (connect in the background and retry)"
                ),
                Some(dep.span),
            ));
        }
    }
}
