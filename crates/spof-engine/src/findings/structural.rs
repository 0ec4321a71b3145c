//! SPOF rules: each names a kind of single point of failure that the single-failure analysis
//! found. The registry order decides which rule names an event: specific before general.

use super::{
    Context, Rule, RuleKind, event_words, external_fix, impact_phrase, is_external, join_and, named,
};
use crate::analysis::{EventReport, Recovery};
use crate::graph::EventKind;
use spof_model::{ComponentId, DeployStrategy, DomainId, DomainKind, Failover, Kind, Model, Step};
use std::collections::BTreeSet;

fn instance_of(report: &EventReport) -> Option<(ComponentId, u32)> {
    match report.kind {
        EventKind::Instance {
            component,
            instance,
        } => Some((component, instance)),
        _ => None,
    }
}

/// When the event is the loss of the primary of a component that has a standby, what is wrong
/// and its fix: the standby takes over only by hand (and maybe nobody listed can do it), or by
/// itself but more slowly than a journey's RTO target. `None` for any other event.
fn standby_problem(cx: &Context, report: &EventReport) -> Option<(String, String)> {
    let (c, i) = instance_of(report)?;
    let component = &cx.model.components[c];
    let (failover, time) = component.failover()?;
    if component.instances.len() < 2 || component.primary != i as usize {
        return None;
    }
    let name = &component.name;
    let impact = impact_phrase(cx.model, report);
    Some(match failover {
        Failover::Manual => {
            let nobody =
                cx.model.has_people() && cx.model.people_for(&Step::Failover(c)).is_empty();
            if nobody {
                (
                    format!(
                        "`{name}` has a standby, but it takes over only by hand and nobody listed under `people` can fail it over: losing its primary {impact}"
                    ),
                    format!(
                        "add someone able to fail over `{name}` (`can: [failover:{name}]`), then automate the failover (`failover: automatic`) and drill it"
                    ),
                )
            } else {
                (
                    format!(
                        "`{name}` has a standby, but it takes over only by hand: losing its primary {impact}"
                    ),
                    format!(
                        "automate the failover of `{name}` (`failover: automatic`) so that its standby takes over by itself, and drill it; until then keep more than one person on call able to do it"
                    ),
                )
            }
        }
        Failover::Automatic => {
            let target = report
                .effects
                .iter()
                .filter(|e| crate::analysis::is_spof_effect(cx.model, e))
                .filter_map(|e| cx.model.journeys[e.journey].rto_target)
                .min();
            let over = target.map_or(String::new(), |t| {
                format!(", more than the RTO target of {t}")
            });
            let faster = target.map_or(String::new(), |t| format!(" take less than {t}"));
            (
                format!(
                    "`{name}` fails over to its standby by itself, but only after {time}{over}: losing its primary {impact}"
                ),
                format!(
                    "make the failover of `{name}`{faster} (faster failure detection, a standby kept in sync and warm, a shorter `failover_time`), or agree on a longer `rto_target`"
                ),
            )
        }
    })
}

/// The components that the event hits directly on the journeys it takes down (its root
/// causes).
fn roots(cx: &Context, report: &EventReport) -> Vec<ComponentId> {
    let mut out: Vec<ComponentId> = report
        .effects
        .iter()
        .filter(|e| crate::analysis::is_spof_effect(cx.model, e))
        .flat_map(|e| match &e.recovery {
            Recovery::Repair { components, .. } | Recovery::Interrupted { components, .. } => {
                components.clone()
            }
            Recovery::Manual { steps, .. } => steps.iter().map(|s| s.component()).collect(),
            Recovery::None | Recovery::Degraded { .. } => Vec::new(),
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn names(model: &Model, components: &[ComponentId]) -> String {
    let names: Vec<String> = components
        .iter()
        .map(|&c| format!("`{}`", model.components[c].name))
        .collect();
    join_and(&names.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The components whose traffic goes out through a NAT gateway without a per-zone scope, and
/// the zones they run in. Callers that are not placed (an external API reached through the
/// gateway) pass the question on to their own callers.
pub(crate) fn nat_callers(
    model: &Model,
    nat: ComponentId,
) -> (Vec<ComponentId>, BTreeSet<DomainId>) {
    let mut seen = vec![false; model.components.len()];
    let mut queue = vec![nat];
    let mut callers = Vec::new();
    let mut zones = BTreeSet::new();
    seen[nat] = true;
    while let Some(target) = queue.pop() {
        for (c, component) in model.components.iter().enumerate() {
            let uses = component
                .depends_on
                .iter()
                .any(|d| d.target == target && !(target == nat && d.scope.is_some()));
            if !uses || std::mem::replace(&mut seen[c], true) {
                continue;
            }
            let placed = model.zones_of(c);
            if placed.is_empty() {
                queue.push(c);
            } else {
                callers.push(c);
                zones.extend(placed);
            }
        }
    }
    callers.sort_unstable();
    (callers, zones)
}

pub static SHARED_NAT_GATEWAY: Rule = Rule {
    code: "SPOF013",
    name: "shared-nat-gateway",
    summary: "One NAT gateway carries the outbound traffic of several zones.",
    what: "A NAT gateway whose loss takes a critical journey down while its callers run in two or more zones: the zones are redundant, their way out is not.",
    why: "Spreading servers over zones protects against a zone's loss only if each zone can work alone. With one NAT gateway in zone A, losing zone A (or the gateway) cuts every zone off from the payment provider, the package mirror or any other outside service. This is the most common hidden SPOF in cloud networks (terraform-aws-modules/vpc `single_nat_gateway`).",
    fix: "Run one NAT gateway per zone and route each zone's private subnets through its own gateway; in the model, give the dependency `per: zone`.",
    example: r#"
domains:
  a: {kind: zone}
  b: {kind: zone}
components:
  app:
    kind: service
    replicas: 2
    spread: [a, b]
    depends_on: [nat]
  nat:
    kind: nat_gateway
    in: [a]
"#,
    fixed: r#"
domains:
  a: {kind: zone}
  b: {kind: zone}
components:
  app:
    kind: service
    replicas: 2
    spread: [a, b]
    depends_on:
      - {component: nat, per: zone}
  nat:
    kind: nat_gateway
    replicas: 2
    spread: [a, b]
"#,
    kind: RuleKind::Spof {
        claims: |cx, report| {
            instance_of(report).is_some_and(|(c, _)| {
                cx.model.components[c].kind == Kind::NatGateway
                    && nat_callers(cx.model, c).1.len() >= 2
            })
        },
        describe: |cx, report| {
            let (c, _) = instance_of(report).expect("claimed an instance");
            let (callers, zones) = nat_callers(cx.model, c);
            let zone_names: Vec<&str> = zones
                .iter()
                .map(|&z| cx.model.domains[z].name.as_str())
                .collect();
            let message = format!(
                "NAT gateway `{}` carries the outbound traffic of {} in zones {}: its loss {}",
                cx.model.components[c].name,
                names(cx.model, &callers),
                join_and(&zone_names),
                impact_phrase(cx.model, report)
            );
            let fix = format!(
                "run a NAT gateway in each of {} and route each zone through its own (`per: zone` on the dependency)",
                join_and(&zone_names)
            );
            (message, fix, vec![c])
        },
    },
};

pub static LOAD_BALANCER_WITHOUT_STANDBY: Rule = Rule {
    code: "SPOF014",
    name: "load-balancer-without-standby",
    summary: "A self-hosted load balancer with no standby and floating address.",
    what: "A load balancer that is not a managed service, whose loss takes a critical journey down: one instance, or a standby that cannot take over by itself.",
    why: "Everything behind a load balancer may be redundant, but every request still enters through it. A self-hosted one (HAProxy, nginx) on one machine is the classic SPOF of the 2000s web stack, and it often terminates TLS too, so its loss is total.",
    fix: "Add a standby that takes over the address automatically (keepalived/VRRP floating address, or an anycast address), or use the provider's managed load balancer.",
    example: r#"
components:
  lb:
    kind: load_balancer
    depends_on: [app]
  app:
    kind: service
    replicas: 2
"#,
    fixed: r#"
components:
  lb:
    kind: load_balancer
    replicas: 2
    mode: active-passive
    failover: automatic
    failover_time: 5s
    floating_address: true
    depends_on: [app]
  app:
    kind: service
    replicas: 2
"#,
    kind: RuleKind::Spof {
        claims: |cx, report| {
            instance_of(report)
                .is_some_and(|(c, _)| cx.model.components[c].kind == Kind::LoadBalancer)
        },
        describe: |cx, report| {
            let (c, _) = instance_of(report).expect("claimed an instance");
            let component = &cx.model.components[c];
            if let Some((message, fix)) = standby_problem(cx, report) {
                let fix = if component.floating_address {
                    fix
                } else {
                    format!(
                        "{fix}; give it a floating address that moves to the standby (keepalived/VRRP)"
                    )
                };
                return (message, fix, vec![c]);
            }
            let (id, _) = event_words(cx.model, report);
            let what = if component.instances.len() == 1 {
                "is one self-hosted load balancer with no standby".to_string()
            } else {
                format!(
                    "has {} instances but cannot lose {id}",
                    component.instances.len()
                )
            };
            let message = format!(
                "`{}` {what}: its loss {}",
                component.name,
                impact_phrase(cx.model, report)
            );
            let fix = format!(
                "give `{}` a standby with a floating address and automatic failover (keepalived/VRRP), or use a managed load balancer",
                component.name
            );
            (message, fix, vec![c])
        },
    },
};

pub static SINGLE_DNS_PROVIDER: Rule = Rule {
    code: "SPOF005",
    name: "single-dns-provider",
    summary: "The DNS zone is served by one provider.",
    what: "A dns component whose provider is a SPOF: one provider serves the zone, so its outage makes every name unresolvable.",
    why: "DNS is the first step of every request. Large DNS provider outages (Dyn 2016, several since) took down sites whose servers were all healthy. Name server diversity is checked by Zonemaster (CONNECTIVITY03/04) for this reason.",
    fix: "Serve the zone from two providers (primary and secondary, or multi-provider with zone transfers or an API sync).",
    example: r#"
components:
  dns:
    kind: dns
    dns:
      providers: [route53]
    depends_on: [web]
  web:
    kind: web
    replicas: 2
"#,
    fixed: r#"
components:
  dns:
    kind: dns
    dns:
      providers: [route53, cloudflare]
    depends_on: [web]
  web:
    kind: web
    replicas: 2
"#,
    kind: RuleKind::Spof {
        claims: |cx, report| {
            instance_of(report).is_some_and(|(c, _)| cx.model.components[c].kind == Kind::Dns)
        },
        describe: |cx, report| {
            let (c, i) = instance_of(report).expect("claimed an instance");
            let component = &cx.model.components[c];
            let provider = &component.instances[i as usize].name;
            let message = if component.instances.len() == 1 {
                format!(
                    "`{}` is served by one DNS provider ({provider}): its outage {}",
                    component.name,
                    impact_phrase(cx.model, report)
                )
            } else {
                format!(
                    "DNS provider {provider} of `{}` {}",
                    component.name,
                    impact_phrase(cx.model, report)
                )
            };
            (
                message,
                format!("serve `{}` from a second DNS provider", component.name),
                vec![c],
            )
        },
    },
};

pub static MANUAL_FAILOVER: Rule = Rule {
    code: "SPOF003",
    name: "manual-failover",
    summary: "A standby that takes over only when someone acts.",
    what: "An active-passive component whose failover is manual: losing the primary takes a critical journey down until a person notices, decides and fails over.",
    why: "A manual failover's real duration is detection plus paging plus diagnosis plus the switch, at three in the morning, by whoever is on call; and an untested runbook often fails. The standby makes the component recoverable, not available.",
    fix: "Automate the failover (a cluster manager, a managed service's Multi-AZ, Patroni, Sentinel) and drill it; until then, name who can do it and write down the RTO in a decision.",
    example: r#"
components:
  app:
    kind: service
    replicas: 2
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    failover: manual
    failover_time: 30m
"#,
    fixed: r#"
components:
  app:
    kind: service
    replicas: 2
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    failover: automatic
    failover_time: 30s
"#,
    kind: RuleKind::Spof {
        claims: |cx, report| {
            instance_of(report).is_some_and(|(c, i)| {
                let component = &cx.model.components[c];
                component
                    .failover()
                    .is_some_and(|(f, _)| f == Failover::Manual)
                    && component.primary == i as usize
                    && component.instances.len() > 1
            })
        },
        describe: |cx, report| {
            let (c, _) = instance_of(report).expect("claimed an instance");
            let name = &cx.model.components[c].name;
            let message = format!(
                "`{name}` fails over only by hand: losing its primary {}",
                impact_phrase(cx.model, report)
            );
            let fix = if is_external(cx.model, c) {
                format!(
                    "switch the callers of `{name}` to its standby provider by themselves (a circuit breaker that falls back to it), and drill it"
                )
            } else {
                format!("automate the failover of `{name}` (`failover: automatic`) and drill it")
            };
            (message, fix, vec![c])
        },
    },
};

pub static NO_SPARE_CAPACITY: Rule = Rule {
    code: "SPOF004",
    name: "no-spare-capacity",
    summary: "Every instance is needed: losing one is losing the component.",
    what: "A component with several instances that needs all of them (`min_healthy` equal to the instance count): one loss drops it below what it must have.",
    why: "Replicas are redundancy only when there are more of them than the load needs (N+1). Three servers that must all be up are three SPOFs, and fail three times as often as one.",
    fix: "Run at least one instance more than `min_healthy`, or lower the load each instance must carry.",
    example: r#"
components:
  app:
    kind: service
    replicas: 3
    min_healthy: 3
"#,
    fixed: r#"
components:
  app:
    kind: service
    replicas: 4
    min_healthy: 3
"#,
    kind: RuleKind::Spof {
        claims: |cx, report| {
            instance_of(report).is_some_and(|(c, _)| {
                let component = &cx.model.components[c];
                component.instances.len() > 1 && component.spare() == 0
            })
        },
        describe: |cx, report| {
            let (c, _) = instance_of(report).expect("claimed an instance");
            let component = &cx.model.components[c];
            let n = component.instances.len();
            let (id, _) = event_words(cx.model, report);
            let message = format!(
                "`{}` needs all {n} of its instances (min_healthy {n}): losing {id} {}",
                component.name,
                impact_phrase(cx.model, report)
            );
            let fix = if is_external(cx.model, c) {
                external_fix(cx.model, c)
            } else {
                format!(
                    "run {} instances of `{}`, one more than it needs",
                    n + 1,
                    component.name
                )
            };
            (message, fix, vec![c])
        },
    },
};

pub static BACKUP_AS_STANDBY: Rule = Rule {
    code: "SPOF016",
    name: "backup-as-standby",
    summary: "Backups offered as if they were a standby.",
    what: "A component with backups but a single instance whose loss takes a critical journey down: recovery is a restore, not a failover.",
    why: "A backup protects data, not availability. Restoring means provisioning a machine, fetching the backup and replaying it: hours, during which the journey is down. Reviews often hear \"we have backups\" as the answer to \"what if the database dies?\".",
    fix: "Add a standby replica with automatic failover; keep the backups for data loss and corruption.",
    example: r#"
components:
  app:
    kind: service
    replicas: 2
    depends_on: [db]
  db:
    kind: database
    backups: true
    restore_time: 4h
"#,
    fixed: r#"
components:
  app:
    kind: service
    replicas: 2
    depends_on: [db]
  db:
    kind: database
    backups: true
    restore_time: 4h
    replicas: 2
    failover: automatic
    failover_time: 30s
"#,
    kind: RuleKind::Spof {
        claims: |cx, report| {
            instance_of(report).is_some_and(|(c, _)| {
                cx.model.components[c].backups && cx.model.components[c].instances.len() == 1
            })
        },
        describe: |cx, report| {
            let (c, _) = instance_of(report).expect("claimed an instance");
            let name = &cx.model.components[c].name;
            let message = format!(
                "`{name}` has backups but no standby: its loss {}",
                impact_phrase(cx.model, report)
            );
            let fix = if is_external(cx.model, c) {
                external_fix(cx.model, c)
            } else {
                format!(
                    "add a standby of `{name}` with automatic failover; a backup is not a standby"
                )
            };
            (message, fix, vec![c])
        },
    },
};

pub static UNREPLICATED_SHARED_STATE: Rule = Rule {
    code: "SPOF011",
    name: "unreplicated-shared-state",
    summary: "Shared state (sessions, a queue, a search index) in one instance.",
    what: "A cache, queue, search or file store with one instance, used by a critical journey: the state every caller shares lives in one place.",
    why: "Stateless tiers scale out easily, so the state moves into one shared store, often added late (\"just a Redis for sessions\") and never made redundant. When it dies, every app server is healthy and every user is logged out, or every order waits.",
    fix: "Replicate the store (Redis Sentinel or Cluster, a managed service, a queue cluster), or make callers survive its loss (an optional dependency with a fallback).",
    example: r#"
components:
  app:
    kind: service
    replicas: 3
    depends_on: [sessions]
  sessions:
    kind: cache
"#,
    fixed: r#"
components:
  app:
    kind: service
    replicas: 3
    depends_on: [sessions]
  sessions:
    kind: cache
    replicas: 3
    failover: automatic
    failover_time: 10s
"#,
    kind: RuleKind::Spof {
        claims: |cx, report| {
            instance_of(report).is_some_and(|(c, _)| {
                let component = &cx.model.components[c];
                matches!(
                    component.kind,
                    Kind::Cache | Kind::Queue | Kind::Search | Kind::FileStorage
                ) && component.instances.len() == 1
            })
        },
        describe: |cx, report| {
            let (c, _) = instance_of(report).expect("claimed an instance");
            let message = format!(
                "{} holds shared state in one instance: its loss {}",
                named(cx.model, c),
                impact_phrase(cx.model, report)
            );
            (
                message,
                format!(
                    "replicate `{}` (with automatic failover) or make its callers survive without it",
                    cx.model.components[c].name
                ),
                vec![c],
            )
        },
    },
};

pub static SINGLE_INSTANCE: Rule = Rule {
    code: "SPOF001",
    name: "single-instance",
    summary: "A component with one instance on a critical journey.",
    what: "A component whose only instance takes a critical journey down when it fails. It also names the loss of an instance that no more specific rule claims, such as a primary whose standby takes over by itself but more slowly than the journey's `rto_target`: the fix is then a faster failover, not another instance.",
    why: "One instance fails whenever its machine, its process or its disk does, and every deploy or patch is an outage. Nothing else in the system can make up for it.",
    fix: "Run a second instance: active-active behind a health-checked load balancer, or a standby with automatic failover. A third party's service (`kind: external`) is not yours to run twice: guard the calls to it (timeouts, circuit breakers, fallbacks), make the dependency optional where the journey can do without it, or add a second provider.",
    example: r#"
components:
  app:
    kind: service
"#,
    fixed: r#"
components:
  app:
    kind: service
    replicas: 2
"#,
    kind: RuleKind::Spof {
        claims: |_, report| instance_of(report).is_some(),
        describe: |cx, report| {
            let (c, _) = instance_of(report).expect("claimed an instance");
            let (id, words) = event_words(cx.model, report);
            if is_external(cx.model, c) {
                let message = format!(
                    "external `{}` is one provider with nothing to fall back on: its outage {}",
                    cx.model.components[c].name,
                    impact_phrase(cx.model, report)
                );
                return (message, external_fix(cx.model, c), vec![c]);
            }
            if let Some((message, fix)) = standby_problem(cx, report) {
                return (message, fix, vec![c]);
            }
            let message = if cx.model.components[c].instances.len() == 1 {
                format!(
                    "{} has one instance: its loss {}",
                    named(cx.model, c),
                    impact_phrase(cx.model, report)
                )
            } else {
                format!("{words} ({id}) {}", impact_phrase(cx.model, report))
            };
            (
                message,
                format!(
                    "run a second instance of `{}` (replicas with health checks, or a standby with automatic failover)",
                    cx.model.components[c].name
                ),
                vec![c],
            )
        },
    },
};

/// The fix for what a domain holds: `ours` for the components the team runs (given them; not
/// called when every one is a third party's), the third-party fix for each external one.
fn split_fix(
    model: &Model,
    held: &[ComponentId],
    ours: impl FnOnce(&[ComponentId]) -> String,
) -> String {
    let (external, own): (Vec<ComponentId>, Vec<ComponentId>) =
        held.iter().partition(|&&c| is_external(model, c));
    let mut parts = Vec::new();
    if !own.is_empty() || external.is_empty() {
        parts.push(ours(&own));
    }
    parts.extend(external.into_iter().map(|c| external_fix(model, c)));
    parts.join("; ")
}

/// Components that the domain event hits directly and whose instances are all in it.
fn confined_components(cx: &Context, report: &EventReport, domain: DomainId) -> Vec<ComponentId> {
    roots(cx, report)
        .into_iter()
        .filter(|&c| {
            let component = &cx.model.components[c];
            component.instances.len() > 1
                && component.instances.iter().all(|i| {
                    i.domains
                        .iter()
                        .any(|&d| cx.model.domain_chain(d).any(|x| x == domain))
                })
        })
        .collect()
}

pub static SINGLE_ZONE: Rule = Rule {
    code: "SPOF015",
    name: "single-zone",
    summary: "All replicas of a component in one zone.",
    what: "A zone whose loss takes a critical journey down because every replica of some component runs in it.",
    why: "Replicas in one zone protect against a machine's loss, not the zone's: power, cooling, network or a provider's control plane fail a whole zone at once, and cloud providers' availability commitments assume you spread over zones.",
    fix: "Spread the replicas over two or more zones (`spread: [a, b, c]`, topology spread constraints, an auto scaling group over several subnets).",
    example: r#"
domains:
  a: {kind: zone}
  b: {kind: zone}
components:
  app:
    kind: service
    replicas: 2
    in: [a]
"#,
    fixed: r#"
domains:
  a: {kind: zone}
  b: {kind: zone}
components:
  app:
    kind: service
    replicas: 2
    spread: [a, b]
"#,
    kind: RuleKind::Spof {
        claims: |cx, report| match report.kind {
            EventKind::Domain(d) => {
                cx.model.domains[d].kind == DomainKind::Zone
                    && !confined_components(cx, report, d).is_empty()
            }
            _ => false,
        },
        describe: |cx, report| {
            let EventKind::Domain(d) = report.kind else {
                unreachable!("claimed a domain")
            };
            let confined = confined_components(cx, report, d);
            let zone = &cx.model.domains[d].name;
            let message = format!(
                "every replica of {} is in zone `{zone}`: its loss {}",
                names(cx.model, &confined),
                impact_phrase(cx.model, report)
            );
            let fix = split_fix(cx.model, &confined, |own| {
                format!("spread {} over two or more zones", names(cx.model, own))
            });
            (message, fix, confined)
        },
    },
};

pub static COMMON_CAUSE: Rule = Rule {
    code: "SPOF033",
    name: "common-cause",
    summary: "A common cause (one image, one config push, one vendor) that fails redundant instances together.",
    what: "A group declared under `common_causes:` whose one failure takes down every member at once and with them a critical journey: the replicas are redundant against each other's failures, not against what they share.",
    why: "Replicas built from one image, configured by one push or bought from one vendor fail together when that one thing is bad. A beta factor of a few percent is typical (NUREG/CR-5485): small beside the members' own failures, but it is the failure that redundancy does nothing for, so it stays when every member is replicated.",
    fix: "Stage what the members share so that one bad change never reaches all of them at once: roll a config or image out to one instance (a canary) or one zone at a time, and stop on errors; or diversify part of the members (a second vendor, image or authority). The group then holds the staged part only.",
    example: r#"
components:
  api:
    kind: service
    replicas: 3
common_causes:
  config-push:
    members: [api]
    description: one bad config push
    restore_time: 30m
"#,
    fixed: r#"
components:
  api:
    kind: service
    replicas: 3
common_causes:
  config-push:
    members: [api/1]
    description: one bad config push reaches the canary first
    restore_time: 30m
"#,
    kind: RuleKind::Spof {
        claims: |cx, report| matches!(report.kind, EventKind::Domain(d) if cx.model.domains[d].kind == DomainKind::CommonCause),
        describe: |cx, report| {
            let EventKind::Domain(d) = report.kind else {
                unreachable!("claimed a common cause")
            };
            let model = cx.model;
            let domain = &model.domains[d];
            let mut members: Vec<String> = Vec::new();
            let mut whole: Vec<ComponentId> = Vec::new();
            for (c, component) in model.components.iter().enumerate() {
                let inside = component
                    .instances
                    .iter()
                    .filter(|i| i.domains.contains(&d))
                    .count();
                let n = component.instances.len();
                let name = &component.name;
                members.push(match (inside, n) {
                    (0, _) => continue,
                    (1, 1) => format!("the only instance of `{name}`"),
                    (2, 2) => {
                        whole.push(c);
                        format!("both instances of `{name}`")
                    }
                    (i, n) if i == n => {
                        whole.push(c);
                        format!("all {n} instances of `{name}`")
                    }
                    (i, n) => format!("{i} of the {n} instances of `{name}`"),
                });
            }
            let cause = match domain
                .common_cause
                .as_ref()
                .and_then(|x| x.description.as_deref())
            {
                Some(description) => format!("`{}` ({description})", domain.name),
                None => format!("`{}`", domain.name),
            };
            let message = format!(
                "common cause {cause} fails {} at once: its loss {}",
                join_and(&members.iter().map(String::as_str).collect::<Vec<_>>()),
                impact_phrase(model, report)
            );
            let fix = format!(
                "stage what {} share{}: one instance (a canary) or one zone at a time, stopping on errors, or a second vendor or image for part of them",
                if whole.is_empty() {
                    "the members".to_string()
                } else {
                    names(model, &whole)
                },
                if whole.len() == 1 { "s" } else { "" },
            );
            let mut held = roots(cx, report);
            if held.is_empty() {
                held = whole;
            }
            (message, fix, held)
        },
    },
};

pub static SINGLE_DOMAIN: Rule = Rule {
    code: "SPOF002",
    name: "single-domain",
    summary: "A failure domain (host, rack, zone, region, provider, power feed) whose loss is an outage.",
    what: "A failure domain whose failure alone takes a critical journey down: the components it holds have nowhere else to run.",
    why: "Redundant components that share a host, a rack, a power feed or a zone are not redundant against that domain's failure. The blast radius of a domain is everything placed in it.",
    fix: "Place the instances of each component it holds in two or more domains of that level (hosts, racks, zones), or add the missing replicas elsewhere. A component already spread over several such domains, with more instances in this one than it can lose, needs enough outside it to keep `min_healthy`: more instances, or more domains.",
    example: r#"
domains:
  h1: {kind: host}
  h2: {kind: host}
components:
  app:
    kind: service
    replicas: 2
    in: [h1]
"#,
    fixed: r#"
domains:
  h1: {kind: host}
  h2: {kind: host}
components:
  app:
    kind: service
    replicas: 2
    spread: [h1, h2]
"#,
    kind: RuleKind::Spof {
        claims: |_, report| matches!(report.kind, EventKind::Domain(_)),
        describe: |cx, report| {
            let EventKind::Domain(d) = report.kind else {
                unreachable!("claimed a domain")
            };
            let domain = &cx.model.domains[d];
            let held = roots(cx, report);
            let (what, fix) = if held.is_empty() {
                (
                    "what the journeys need".to_string(),
                    format!(
                        "place what it holds in more than one {}",
                        level_words(&domain.kind).0
                    ),
                )
            } else {
                domain_holds(cx.model, d, &held)
            };
            let message = format!(
                "{} `{}` holds {what}: its loss {}",
                domain.kind.as_str(),
                domain.name,
                impact_phrase(cx.model, report)
            );
            (message, fix, held)
        },
    },
};

/// A level of failure domains in words, singular and plural: `zone`, `zones`; a kind of the
/// model's own: `` `power` domain``, `` `power` domains``.
fn level_words(kind: &DomainKind) -> (String, String) {
    match kind {
        DomainKind::Custom(name) => (format!("`{name}` domain"), format!("`{name}` domains")),
        other => (other.as_str().to_string(), format!("{}s", other.as_str())),
    }
}

/// How a domain holds a component that its loss takes down.
enum Hold {
    /// The component's only instance is in it.
    Only,
    /// Every instance is in it; kept apart at another level, where (" (though they run in
    /// zones a and b)").
    Every(String),
    /// The primary of an active-passive component (its standby is elsewhere).
    Primary,
    /// More instances than the component can lose.
    Thin {
        inside: usize,
        n: usize,
        needed: usize,
    },
    /// A third party's service.
    External,
    /// Through something else (a scoped dependency).
    Other,
}

/// How domain `d` holds component `c`, which its loss takes down.
fn domain_hold(model: &Model, d: DomainId, c: ComponentId) -> Hold {
    let component = &model.components[c];
    let in_domain = |i: &spof_model::Instance| {
        i.domains
            .iter()
            .any(|&x| model.domain_chain(x).any(|y| y == d))
    };
    let n = component.instances.len();
    let inside = component.instances.iter().filter(|i| in_domain(i)).count();
    if is_external(model, c) {
        Hold::External
    } else if inside == n && n == 1 {
        Hold::Only
    } else if inside == n {
        // Instances kept apart at another level but all sharing this domain: say where they
        // are apart, so that the message is about the domain they share.
        let apart = [
            DomainKind::Zone,
            DomainKind::Rack,
            DomainKind::Host,
            DomainKind::Region,
        ]
        .into_iter()
        .filter(|kind| *kind != model.domains[d].kind)
        .find_map(|kind| {
            let places: BTreeSet<DomainId> = component
                .instances
                .iter()
                .filter_map(|i| {
                    i.domains
                        .iter()
                        .flat_map(|&x| model.domain_chain(x))
                        .find(|&x| model.domains[x].kind == kind)
                })
                .collect();
            let outside = places
                .iter()
                .all(|&p| !model.domain_chain(p).any(|x| x == d));
            (places.len() > 1 && outside).then(|| {
                let names: Vec<&str> = places
                    .iter()
                    .map(|&p| model.domains[p].name.as_str())
                    .collect();
                format!(
                    " (though they run in {}s {})",
                    kind.as_str(),
                    join_and(&names)
                )
            })
        })
        .unwrap_or_default();
        Hold::Every(apart)
    } else if component.is_active_passive() && in_domain(&component.instances[component.primary]) {
        Hold::Primary
    } else if n - inside < component.min_healthy {
        Hold::Thin {
            inside,
            n,
            needed: component.min_healthy,
        }
    } else {
        Hold::Other
    }
}

/// What domain `d` holds of the components its loss takes down, in words ("the only instances
/// of `lb` and `app`, 2 of the 3 instances of `web`, which needs 2"), and the fixes that fit:
/// a component confined to the domain is to be placed in another one as well, one spread too
/// thinly is to keep what it needs, a third party's service gets a third party's fix.
fn domain_holds(model: &Model, d: DomainId, held: &[ComponentId]) -> (String, String) {
    let domain = &model.domains[d];
    let (level, levels) = level_words(&domain.kind);
    let quoted = |c: ComponentId| format!("`{}`", model.components[c].name);
    let holds: Vec<(ComponentId, Hold)> = held
        .iter()
        .map(|&c| (c, domain_hold(model, d, c)))
        .collect();
    let mut what: Vec<String> = Vec::new();
    let mut fixes: Vec<String> = Vec::new();
    let only: Vec<ComponentId> = holds
        .iter()
        .filter(|(_, h)| matches!(h, Hold::Only))
        .map(|&(c, _)| c)
        .collect();
    if !only.is_empty() {
        let list = names(model, &only);
        what.push(if only.len() == 1 {
            format!("the only instance of {list}")
        } else {
            format!("the only instances of {list}")
        });
        fixes.push(format!(
            "run a second instance of {}{list} outside {} `{}`",
            if only.len() == 1 { "" } else { "each of " },
            domain.kind.as_str(),
            domain.name
        ));
    }
    let every: Vec<ComponentId> = holds
        .iter()
        .filter(|(_, h)| matches!(h, Hold::Every(apart) if apart.is_empty()))
        .map(|&(c, _)| c)
        .collect();
    if !every.is_empty() {
        let list = names(model, &every);
        what.push(format!("every instance of {list}"));
        fixes.push(format!(
            "place the instances of {list} in more than one {level}"
        ));
    }
    for (c, hold) in &holds {
        let name = quoted(*c);
        match hold {
            Hold::Only => {}
            Hold::Every(apart) if apart.is_empty() => {}
            Hold::Every(apart) => {
                what.push(format!("every instance of {name}{apart}"));
                fixes.push(format!(
                    "place the instances of {name} in more than one {level}"
                ));
            }
            Hold::Primary => {
                what.push(format!("the primary of {name}"));
                fixes.push(format!(
                    "make the failover of {name} automatic and fast enough, so that its standby outside {} `{}` takes over",
                    domain.kind.as_str(),
                    domain.name
                ));
            }
            Hold::Thin { inside, n, needed } => {
                what.push(format!(
                    "{inside} of the {n} instances of {name}, which needs {needed}"
                ));
                fixes.push(format!(
                    "spread {name} so that losing any one {level} leaves the {needed} instance{} it needs (more instances, or more {levels})",
                    if *needed == 1 { "" } else { "s" }
                ));
            }
            Hold::External => {
                what.push(name);
                fixes.push(external_fix(model, *c));
            }
            Hold::Other => {
                what.push(name.clone());
                fixes.push(format!("place {name} in more than one {level}"));
            }
        }
    }
    let what: Vec<&str> = what.iter().map(String::as_str).collect();
    (join_and(&what), fixes.join("; "))
}

pub static ALL_AT_ONCE_DEPLOY: Rule = Rule {
    code: "SPOF017",
    name: "all-at-once-deploy",
    summary: "A deployment that replaces every instance at once.",
    what: "A component deployed all at once (`deploy: all-at-once`) on a critical journey: one bad build fails every instance together, whatever the replica count.",
    why: "Most outages follow a change. Replicas protect against independent failures; a bad deploy is a common cause that reaches all of them. Rolling, blue-green and canary deploys stop at the first failing health check.",
    fix: "Deploy with `rolling`, `blue-green` or `canary`, gated on health checks, with an automatic rollback.",
    example: r#"
components:
  app:
    kind: service
    replicas: 3
    deploy: all-at-once
"#,
    fixed: r#"
components:
  app:
    kind: service
    replicas: 3
    deploy: rolling
"#,
    kind: RuleKind::Spof {
        claims: |_, report| matches!(report.kind, EventKind::Deploy(_)),
        describe: |cx, report| {
            let EventKind::Deploy(c) = report.kind else {
                unreachable!("claimed a deploy")
            };
            let name = &cx.model.components[c].name;
            debug_assert_eq!(
                cx.model.components[c].deploy,
                Some(DeployStrategy::AllAtOnce)
            );
            let message = format!(
                "`{name}` deploys all at once: one bad deploy fails every instance and {}",
                impact_phrase(cx.model, report)
            );
            (
                message,
                format!("deploy `{name}` rolling, blue-green or canary, gated on health checks"),
                vec![c],
            )
        },
    },
};
