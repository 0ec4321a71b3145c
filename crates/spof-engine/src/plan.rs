//! The remediation plan: candidate fixes for what the check found, chosen greedily by effect
//! per cost and applied one at a time to a copy of the model. Each step is a frame: the SPOFs
//! left, each journey's availability, the downtime cost and the redundancy cost so far.
//!
//! A fix is a change to the validated model that keeps its invariants (indices exist, counts
//! are at least one, one domain of each kind per instance), so every frame is checked by the
//! same analysis as the user's own model. The effect of a fix is measured, never estimated:
//! the copy is checked with the fix applied.
//!
//! Ranking, at each step, among the fixes that add no SPOF:
//! 1. fixes that lower the expected downtime (money where every journey has a downtime cost,
//!    else hours weighted by the journeys' weights), by that reduction per monthly cost;
//! 2. then fixes that remove SPOFs without a measured availability gain (when availability is
//!    out of reach for the decision diagram), by SPOFs removed per cost;
//! 3. then fixes that only clear findings (monitoring, guards on calls), by severity cleared
//!    per cost.
//!
//! Costs are the added instances at the component's `cost_per_month`, or at the default of
//! its kind ([`default_cost`], estimates from public list prices) when the model gives none.

use crate::analysis::{Config, journey_weights};
use crate::findings::Severity;
use crate::graph::{EventKind, event_id};
use crate::{Report, check};
use spof_model::{
    Backoff, ComponentId, DeployStrategy, DomainId, DomainKind, Duration, Failover, Instance, Kind,
    Model, Person, Redundancy, Renewal, Scope, Step,
};
use std::collections::BTreeSet;

/// A default monthly price of one more instance of a kind, with where the figure comes from.
#[derive(Clone, Copy, Debug)]
pub struct CostDefault {
    pub per_month: f64,
    pub source: &'static str,
}

const VM: CostDefault = CostDefault {
    per_month: 70.0,
    source: "a general-purpose 2-vCPU, 8 GiB virtual machine on demand (AWS m5.large, us-east-1: $0.096/h)",
};

/// What one more instance of a kind costs a month when the model does not say.
pub fn default_cost(kind: Kind) -> CostDefault {
    match kind {
        Kind::LoadBalancer => CostDefault {
            per_month: 30.0,
            source: "a small 2-vCPU virtual machine for HAProxy/keepalived (AWS t3.medium, us-east-1: $0.0416/h)",
        },
        Kind::Database | Kind::Search => CostDefault {
            per_month: 125.0,
            source: "a 2-vCPU, 8 GiB managed database instance (AWS RDS db.m5.large, us-east-1: $0.171/h)",
        },
        Kind::Cache => CostDefault {
            per_month: 115.0,
            source: "a 2-vCPU cache node (AWS ElastiCache cache.m5.large, us-east-1: $0.156/h)",
        },
        Kind::NatGateway => CostDefault {
            per_month: 33.0,
            source: "one NAT gateway before data charges (AWS, us-east-1: $0.045/h)",
        },
        Kind::Dns => CostDefault {
            per_month: 25.0,
            source: "estimate: an entry plan of a second authoritative DNS provider",
        },
        Kind::ObjectStorage | Kind::FileStorage => CostDefault {
            per_month: 25.0,
            source: "estimate: a second copy of about a terabyte in another place (object storage list prices)",
        },
        _ => VM,
    }
}

/// What a fix does, with the components and domains it touches.
#[derive(Clone, Debug, PartialEq)]
pub enum Fix {
    /// Active-active replicas (health-checked) up to `to` instances.
    AddReplicas {
        component: ComponentId,
        to: usize,
    },
    /// A standby that takes over automatically (a floating address for a load balancer).
    AddStandby {
        component: ComponentId,
    },
    /// A manual failover made automatic.
    AutomateFailover {
        component: ComponentId,
    },
    HealthCheck {
        component: ComponentId,
    },
    /// Move the replicas confined to a domain so they alternate with new sibling domains.
    Spread {
        domain: DomainId,
        components: Vec<ComponentId>,
        domains: usize,
    },
    /// One NAT gateway per zone its callers run in, each zone routed through its own.
    NatPerZone {
        component: ComponentId,
    },
    SecondDnsProvider {
        component: ComponentId,
    },
    HealthCheckedRecord {
        component: ComponentId,
        record: usize,
    },
    RollingDeploy {
        component: ComponentId,
    },
    AutomatedRenewal {
        component: ComponentId,
    },
    /// A second person able to perform the steps only one person (or nobody) can.
    SecondPerson {
        steps: Vec<Step>,
    },
    /// The caller keeps a local copy of configuration or secrets.
    LocalCache {
        caller: ComponentId,
        target: ComponentId,
    },
    /// A timeout and a circuit breaker on a call to an external service.
    GuardCall {
        caller: ComponentId,
        target: ComponentId,
    },
    /// Monitoring moved out of the failure domains it shares with what it watches.
    MonitorFromOutside {
        component: ComponentId,
    },
    /// Enough instances of a component (`to` in all) that losing any one zone leaves its load
    /// carried, placed in turn over the zones it runs in and, when `new_zone`, one more.
    ZoneCapacity {
        component: ComponentId,
        to: usize,
        new_zone: bool,
        /// The load the component carries (from its journeys), for the description.
        load: f64,
    },
}

impl Fix {
    /// A stable short name of the kind of fix, for JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Fix::AddReplicas { .. } => "add-replicas",
            Fix::AddStandby { .. } => "add-standby",
            Fix::AutomateFailover { .. } => "automate-failover",
            Fix::HealthCheck { .. } => "health-check",
            Fix::Spread { .. } => "spread",
            Fix::NatPerZone { .. } => "nat-gateway-per-zone",
            Fix::SecondDnsProvider { .. } => "second-dns-provider",
            Fix::HealthCheckedRecord { .. } => "health-checked-record",
            Fix::RollingDeploy { .. } => "rolling-deploy",
            Fix::AutomatedRenewal { .. } => "automated-renewal",
            Fix::SecondPerson { .. } => "second-person",
            Fix::LocalCache { .. } => "local-cache",
            Fix::GuardCall { .. } => "guard-call",
            Fix::MonitorFromOutside { .. } => "monitor-from-outside",
            Fix::ZoneCapacity { .. } => "zone-capacity",
        }
    }
}

/// A fix chosen for a frame: what it is, in words, and what it costs.
#[derive(Clone, Debug)]
pub struct Change {
    pub fix: Fix,
    /// One sentence, with names, as a reviewer would write it.
    pub title: String,
    pub components: Vec<ComponentId>,
    /// The added monthly cost.
    pub cost_per_month: f64,
    /// True when some of the cost is a default of the kind, not the model's `cost_per_month`.
    pub cost_estimated: bool,
}

/// One journey in a frame.
#[derive(Clone, Debug, PartialEq)]
pub struct JourneyFrame {
    pub journey: usize,
    /// Exact unavailability after automatic failovers; `None` when out of reach.
    pub unavailability: Option<f64>,
    /// Expected hours down a year.
    pub downtime_hours: Option<f64>,
    /// Their cost, when the journey has `downtime_cost_per_hour`.
    pub downtime_cost: Option<f64>,
    pub spofs: usize,
    pub rto: Option<Duration>,
    pub meets_target: Option<bool>,
}

/// The state of the system after the fixes so far.
#[derive(Clone, Debug)]
pub struct Frame {
    /// The fix that made this frame; `None` for the model as written.
    pub step: Option<Change>,
    /// The model after the fixes so far.
    pub model: Model,
    /// SPOF events, as ids (`lb/1`, `zone:a`).
    pub spofs: Vec<String>,
    /// Findings not covered by a decision, by severity (critical first).
    pub findings: [usize; 5],
    pub journeys: Vec<JourneyFrame>,
    /// Expected downtime cost a year over the journeys that give one.
    pub downtime_cost: Option<f64>,
    /// The redundancy added so far, a month.
    pub redundancy_cost: f64,
    /// Losing one zone: how many zones the critical journeys' components run in, and the
    /// smallest share of a component's instances left after losing any one of them (`None`
    /// when nothing runs in a zone).
    pub zone_loss: Option<ZoneLoss>,
}

/// The capacity left after losing one zone.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneLoss {
    pub zones: usize,
    /// The smallest share of its serving capacity a component keeps, 0 to 1.
    pub kept: f64,
    /// For each zone, the smallest share kept when that zone is lost.
    pub by_zone: Vec<(DomainId, f64)>,
}

/// What losing one zone leaves of the components that critical journeys need: for each zone
/// that holds one of their instances, the smallest share of a component's serving capacity
/// outside it. Active-active instances all serve, so a component keeps the share of its
/// instances outside the zone; an active-passive component (or a managed one) serves from one
/// instance, so it keeps everything while one instance is outside, and nothing otherwise.
pub fn zone_loss(model: &Model, report: &Report) -> Option<ZoneLoss> {
    let needed: Vec<usize> = report
        .analysis
        .components
        .iter()
        .filter(|c| c.on_critical_path)
        .map(|c| c.component)
        .collect();
    let mut zones: Vec<usize> = needed.iter().flat_map(|&c| model.zones_of(c)).collect();
    zones.sort_unstable();
    zones.dedup();
    if zones.is_empty() {
        return None;
    }
    let by_zone: Vec<(DomainId, f64)> = zones
        .iter()
        .map(|&zone| {
            let kept = needed
                .iter()
                .map(|&c| {
                    let component = &model.components[c];
                    let instances = &component.instances;
                    let outside = instances
                        .iter()
                        .filter(|i| model.zone_of(i) != Some(zone))
                        .count();
                    if component.is_active_passive() || component.managed {
                        if outside > 0 { 1.0 } else { 0.0 }
                    } else {
                        outside as f64 / instances.len() as f64
                    }
                })
                .fold(1.0, f64::min);
            (zone, kept)
        })
        .collect();
    Some(ZoneLoss {
        zones: zones.len(),
        kept: by_zone.iter().map(|&(_, k)| k).fold(1.0, f64::min),
        by_zone,
    })
}

#[derive(Clone, Debug)]
pub struct PlanConfig {
    pub today: Option<spof_model::Date>,
    /// At most this many fixes.
    pub max_steps: usize,
}

impl Default for PlanConfig {
    fn default() -> Self {
        PlanConfig {
            today: None,
            max_steps: 40,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub frames: Vec<Frame>,
    /// SPOFs left at the end that no candidate fix removes, with why.
    pub left: Vec<(String, String)>,
}

/// What a checked model scores.
struct Score {
    spofs: BTreeSet<String>,
    downtime: Option<f64>,
    severity: f64,
}

fn severity_weight(s: Severity) -> f64 {
    match s {
        Severity::Critical => 8.0,
        Severity::High => 4.0,
        Severity::Medium => 2.0,
        Severity::Low => 1.0,
        Severity::Info => 0.0,
    }
}

fn score(model: &Model, report: &Report) -> Score {
    let spofs = report
        .analysis
        .spofs()
        .map(|e| event_id(model, e.kind))
        .collect();
    let weights = journey_weights(model);
    let money = model
        .journeys
        .iter()
        .all(|j| j.downtime_cost_per_hour.is_some());
    let downtime = report.availability.as_ref().map(|journeys| {
        journeys
            .iter()
            .map(|a| {
                let journey = &model.journeys[a.journey];
                let rate = if money {
                    journey.downtime_cost_per_hour.unwrap_or(0.0)
                } else {
                    weights[a.journey]
                };
                a.unavailability * 8760.0 * rate
            })
            .sum()
    });
    let severity = report
        .findings
        .iter()
        .filter(|f| !f.is_decided())
        .map(|f| severity_weight(f.severity))
        .sum();
    Score {
        spofs,
        downtime,
        severity,
    }
}

fn frame(model: Model, report: &Report, step: Option<Change>, redundancy_cost: f64) -> Frame {
    let mut findings = [0; 5];
    for f in report.findings.iter().filter(|f| !f.is_decided()) {
        let index = match f.severity {
            Severity::Critical => 0,
            Severity::High => 1,
            Severity::Medium => 2,
            Severity::Low => 3,
            Severity::Info => 4,
        };
        findings[index] += 1;
    }
    let journeys: Vec<JourneyFrame> = report
        .analysis
        .journeys
        .iter()
        .map(|j| {
            let unavailability = report
                .availability
                .as_ref()
                .and_then(|a| a.iter().find(|x| x.journey == j.journey))
                .map(|a| a.unavailability);
            let downtime_hours = unavailability.map(|u| u * 8760.0);
            JourneyFrame {
                journey: j.journey,
                unavailability,
                downtime_hours,
                downtime_cost: downtime_hours
                    .zip(model.journeys[j.journey].downtime_cost_per_hour)
                    .map(|(h, c)| h * c),
                spofs: j.spofs,
                rto: j.rto,
                meets_target: j.meets_target,
            }
        })
        .collect();
    let costs: Vec<f64> = journeys.iter().filter_map(|j| j.downtime_cost).collect();
    let downtime_cost = (!costs.is_empty()).then(|| costs.iter().sum());
    let spofs = report
        .analysis
        .spofs()
        .map(|e| event_id(&model, e.kind))
        .collect();
    let zone_loss = zone_loss(&model, report);
    Frame {
        step,
        model,
        spofs,
        findings,
        journeys,
        downtime_cost,
        redundancy_cost,
        zone_loss,
    }
}

/// Builds the plan. `progress` is told (step, candidates checked, candidates) as the work goes.
pub fn plan(model: &Model, config: &PlanConfig, progress: &dyn Fn(usize, usize, usize)) -> Plan {
    let check_config = Config {
        today: config.today,
        ..Default::default()
    };
    let mut current = model.clone();
    let mut report = check(&current, &check_config);
    let mut current_score = score(&current, &report);
    let mut total_cost = 0.0;
    let mut frames = vec![frame(current.clone(), &report, None, 0.0)];
    let mut tried: Vec<Fix> = Vec::new();
    // What each fix scored when it was last checked. A fix rarely gains from another being
    // applied first, so an earlier rank is taken as an upper bound of its rank now (lazy
    // greedy): the best-ranked fix is checked again, and chosen when it still ranks first.
    // Only new fixes and the contenders are checked at each step, not every candidate.
    let mut known: Vec<(Fix, Option<Rank>)> = Vec::new();
    for step in 0..config.max_steps {
        let candidates: Vec<Fix> = candidates(&current, &report)
            .into_iter()
            .filter(|f| !tried.contains(f))
            .collect();
        let total = candidates.len();
        let evaluate = |fix: &Fix| {
            let mut next = current.clone();
            apply(&mut next, fix);
            let next_report = check(&next, &check_config);
            let next_score = score(&next, &next_report);
            let (cost, _) = cost_of(&current, fix);
            (
                rank(&current_score, &next_score, cost),
                next,
                next_report,
                next_score,
            )
        };
        // Each candidate with its rank and whether that rank was found at this step; the
        // checked model of the best of those is kept (the others would only cost memory).
        type Held = Option<(usize, Model, Report, Score)>;
        let mut entries: Vec<(Fix, Option<Rank>, bool)> = Vec::new();
        let mut held: Held = None;
        let mut checked = 0;
        let check_entry = |entries: &mut Vec<(Fix, Option<Rank>, bool)>,
                           held: &mut Held,
                           checked: &mut usize,
                           i: usize| {
            progress(step, (*checked).min(total), total);
            *checked += 1;
            let (rank, next, next_report, next_score) = evaluate(&entries[i].0);
            entries[i].1 = rank;
            entries[i].2 = true;
            if rank.is_some()
                && held.as_ref().is_none_or(|&(h, ..)| {
                    // The first of the best, as the choice below.
                    h == i || rank > entries[h].1 || (rank == entries[h].1 && i < h)
                })
            {
                *held = Some((i, next, next_report, next_score));
            }
        };
        for fix in candidates {
            let rank = known.iter().find(|(f, _)| *f == fix).map(|(_, r)| *r);
            entries.push((fix, rank.flatten(), false));
            if rank.is_none() {
                let i = entries.len() - 1;
                check_entry(&mut entries, &mut held, &mut checked, i);
            }
        }
        let chosen = loop {
            // The first of the best ranks, as when every candidate is checked.
            let mut best: Option<usize> = None;
            for (i, entry) in entries.iter().enumerate() {
                if best.is_none_or(|b| entry.1 > entries[b].1) {
                    best = Some(i);
                }
            }
            let Some(b) = best else { break None };
            if entries[b].1.is_none() {
                // Nothing known to help: check what was not checked at this step before
                // giving up.
                let stale: Vec<usize> = (0..entries.len()).filter(|&i| !entries[i].2).collect();
                if stale.is_empty() {
                    break None;
                }
                for i in stale {
                    check_entry(&mut entries, &mut held, &mut checked, i);
                }
                continue;
            }
            if entries[b].2 && held.as_ref().is_some_and(|(h, ..)| *h == b) {
                break Some(b);
            }
            check_entry(&mut entries, &mut held, &mut checked, b);
        };
        progress(step, total, total);
        known = entries.iter().map(|(f, r, _)| (f.clone(), *r)).collect();
        let (Some(b), Some((_, next, next_report, next_score))) = (chosen, held) else {
            break;
        };
        let fix = entries.swap_remove(b).0;
        let (cost, estimated) = cost_of(&current, &fix);
        total_cost += cost;
        let step = Change {
            title: describe(&current, &fix),
            components: touched(&fix),
            fix: fix.clone(),
            cost_per_month: cost,
            cost_estimated: estimated,
        };
        tried.push(fix);
        current = next;
        report = next_report;
        current_score = next_score;
        frames.push(frame(current.clone(), &report, Some(step), total_cost));
    }
    let left = report
        .analysis
        .spofs()
        .map(|e| {
            (
                event_id(&current, e.kind),
                why_left(&current, e.kind).to_string(),
            )
        })
        .collect();
    Plan { frames, left }
}

/// Why no fix of the plan removes a SPOF that is left.
fn why_left(model: &Model, kind: EventKind) -> &'static str {
    match kind {
        EventKind::Instance { component, .. }
            if model.components[component].kind == Kind::External =>
        {
            "an external service: make the call optional with a fallback, or add a second provider"
        }
        EventKind::Domain(d)
            if model
                .components
                .iter()
                .any(|c| c.kind != Kind::External && placed_in(model, c, d))
                || !model.components.iter().any(|c| placed_in(model, c, d)) =>
        {
            "components with one instance in it, or placed in it through a host or rack: spread them by hand"
        }
        EventKind::Domain(_) => {
            "it holds only external services: guard the calls to them (timeouts, circuit breakers, fallbacks), or add a second provider"
        }
        _ => "no candidate fix improves it without adding another SPOF; see `spof explain`",
    }
}

/// Whether some instance of `component` runs in `domain` (or in a domain inside it).
fn placed_in(model: &Model, component: &spof_model::Component, domain: DomainId) -> bool {
    component.instances.iter().any(|i| {
        i.domains
            .iter()
            .any(|&d| model.domain_chain(d).any(|x| x == domain))
    })
}

/// Ranking key of a candidate: tier first, then benefit per cost, then benefit.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
struct Rank(u8, f64, f64);

fn rank(before: &Score, after: &Score, cost: f64) -> Option<Rank> {
    if !after.spofs.is_subset(&before.spofs) {
        return None;
    }
    let per = |benefit: f64| benefit / cost.max(1.0);
    if let (Some(b), Some(a)) = (before.downtime, after.downtime) {
        let gain = b - a;
        if gain > b.abs() * 1e-9 && gain > 0.0 {
            return Some(Rank(3, per(gain), gain));
        }
    }
    let removed = (before.spofs.len() - after.spofs.len()) as f64;
    if removed > 0.0 {
        return Some(Rank(2, per(removed), removed));
    }
    let cleared = before.severity - after.severity;
    (cleared > 0.0).then(|| Rank(1, per(cleared), cleared))
}

fn instance_cost(model: &Model, c: ComponentId) -> (f64, bool) {
    let component = &model.components[c];
    match component.cost_per_month {
        Some(cost) => (cost, false),
        None => (default_cost(component.kind).per_month, true),
    }
}

/// The added monthly cost of a fix on `model`, and whether a default price went into it.
pub fn cost_of(model: &Model, fix: &Fix) -> (f64, bool) {
    let added = |c: ComponentId, n: usize| {
        let (cost, estimated) = instance_cost(model, c);
        (cost * n as f64, estimated && n > 0)
    };
    match fix {
        Fix::AddReplicas { component, to } | Fix::ZoneCapacity { component, to, .. } => added(
            *component,
            to.saturating_sub(model.components[*component].instances.len()),
        ),
        Fix::AddStandby { component } | Fix::SecondDnsProvider { component } => {
            added(*component, 1)
        }
        Fix::NatPerZone { component } => {
            let zones = nat_zones(model, *component).len();
            added(
                *component,
                zones.saturating_sub(model.components[*component].instances.len()),
            )
        }
        _ => (0.0, false),
    }
}

fn touched(fix: &Fix) -> Vec<ComponentId> {
    match fix {
        Fix::AddReplicas { component, .. }
        | Fix::AddStandby { component }
        | Fix::AutomateFailover { component }
        | Fix::HealthCheck { component }
        | Fix::NatPerZone { component }
        | Fix::SecondDnsProvider { component }
        | Fix::HealthCheckedRecord { component, .. }
        | Fix::RollingDeploy { component }
        | Fix::AutomatedRenewal { component }
        | Fix::MonitorFromOutside { component }
        | Fix::ZoneCapacity { component, .. } => vec![*component],
        Fix::Spread { components, .. } => components.clone(),
        Fix::SecondPerson { steps } => {
            let mut c: Vec<_> = steps.iter().map(|s| s.component()).collect();
            c.sort_unstable();
            c.dedup();
            c
        }
        Fix::LocalCache { caller, target } | Fix::GuardCall { caller, target } => {
            vec![*caller, *target]
        }
    }
}

fn quoted(model: &Model, components: &[ComponentId]) -> String {
    let names: Vec<String> = components
        .iter()
        .map(|&c| format!("`{}`", model.components[c].name))
        .collect();
    crate::findings::join_and(&names.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The fix in one sentence, with names, on the model it applies to.
pub fn describe(model: &Model, fix: &Fix) -> String {
    let name = |c: ComponentId| model.components[c].name.as_str();
    match fix {
        Fix::AddReplicas { component, to } => {
            let n = model.components[*component].instances.len();
            if n == 1 {
                format!(
                    "run `{}` on {to} health-checked instances",
                    name(*component)
                )
            } else {
                format!(
                    "add {} to `{}` ({n} → {to}): one loss leaves enough",
                    plural(to - n, "instance"),
                    name(*component)
                )
            }
        }
        Fix::AddStandby { component } => {
            let c = &model.components[*component];
            let (_, time) = standby_settings(c.kind);
            if c.kind == Kind::LoadBalancer {
                format!(
                    "give `{}` a standby with a floating address and automatic failover ({time})",
                    c.name
                )
            } else {
                format!(
                    "give `{}` a replicated standby with automatic failover ({time})",
                    c.name
                )
            }
        }
        Fix::AutomateFailover { component } => {
            let (_, time) = standby_settings(model.components[*component].kind);
            format!(
                "make the failover of `{}` automatic ({time})",
                name(*component)
            )
        }
        Fix::HealthCheck { component } => format!(
            "health-check the instances of `{}` so a dead one leaves the rotation",
            name(*component)
        ),
        Fix::Spread {
            domain,
            components,
            domains,
        } => {
            let d = &model.domains[*domain];
            let names = model.sibling_names(*domain, domains.saturating_sub(1));
            let mut all = vec![format!("`{}`", d.name)];
            all.extend(names.iter().map(|n| format!("`{n}` (new)")));
            format!(
                "spread {} across {} {}",
                quoted(model, components),
                plural_kind(d.kind.as_str()),
                crate::findings::join_and(&all.iter().map(String::as_str).collect::<Vec<_>>())
            )
        }
        Fix::NatPerZone { component } => {
            let zones: Vec<String> = nat_zones(model, *component)
                .into_iter()
                .map(|z| format!("`{}`", model.domains[z].name))
                .collect();
            format!(
                "run a NAT gateway `{}` in each of {} and route each zone through its own",
                name(*component),
                crate::findings::join_and(&zones.iter().map(String::as_str).collect::<Vec<_>>())
            )
        }
        Fix::SecondDnsProvider { component } => format!(
            "serve the zone of `{}` from a second DNS provider",
            name(*component)
        ),
        Fix::HealthCheckedRecord { component, record } => {
            let record = &model.components[*component]
                .dns
                .as_ref()
                .expect("a record fix is made for a dns config")
                .records[*record];
            format!(
                "publish `{}` with health-checked failover between redundant addresses",
                record.name
            )
        }
        Fix::RollingDeploy { component } => format!(
            "deploy `{}` in rolling batches instead of all at once",
            name(*component)
        ),
        Fix::AutomatedRenewal { component } => format!(
            "renew the certificate `{}` automatically (ACME)",
            name(*component)
        ),
        Fix::SecondPerson { steps } => {
            let steps: Vec<String> = steps
                .iter()
                .map(|s| format!("{}:{}", s.verb(), name(s.component())))
                .collect();
            format!(
                "train a second person for {}",
                crate::findings::join_and(&steps.iter().map(String::as_str).collect::<Vec<_>>())
            )
        }
        Fix::LocalCache { caller, target } => format!(
            "have `{}` keep a local copy of what it reads from `{}`",
            name(*caller),
            name(*target)
        ),
        Fix::GuardCall { caller, target } => format!(
            "give the call from `{}` to `{}` a timeout and a circuit breaker",
            name(*caller),
            name(*target)
        ),
        Fix::ZoneCapacity {
            component,
            to,
            new_zone,
            load,
        } => {
            let zones = capacity_zones(model, *component, *new_zone);
            let names: Vec<String> = zones
                .iter()
                .map(|z| match z {
                    Ok(d) => format!("`{}`", model.domains[*d].name),
                    Err(name) => format!("`{name}` (new)"),
                })
                .collect();
            let c = &model.components[*component];
            let left = c.capacity.unwrap_or(0.0) * (to - to.div_ceil(zones.len())) as f64;
            format!(
                "run `{}` on {to} instances over zones {}: losing one leaves {} for a load of {}",
                c.name,
                crate::findings::join_and(&names.iter().map(String::as_str).collect::<Vec<_>>()),
                crate::findings::capacity::figure(left),
                crate::findings::capacity::figure(*load)
            )
        }
        Fix::MonitorFromOutside { component } => format!(
            "run `{}` outside the failure domains it watches (another cluster, or a hosted service)",
            name(*component)
        ),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("one {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn plural_kind(kind: &str) -> String {
    format!("{kind}s")
}

/// The failover time of an automatic standby of a kind.
fn standby_settings(kind: Kind) -> (Duration, &'static str) {
    match kind {
        Kind::LoadBalancer => (Duration(5), "5s"),
        Kind::Cache => (Duration(10), "10s"),
        _ => (Duration(30), "30s"),
    }
}

fn stateful(kind: Kind) -> bool {
    kind.holds_shared_state() || kind == Kind::LoadBalancer
}

/// The candidate fixes for a checked model.
pub fn candidates(model: &Model, report: &Report) -> Vec<Fix> {
    let mut out: Vec<Fix> = Vec::new();
    let mut push = |fix: Fix| {
        if !out.contains(&fix) {
            out.push(fix);
        }
    };
    let graph = &report.analysis.graph;
    for event in report.analysis.spofs() {
        match event.kind {
            EventKind::Instance { component, .. } => {
                for fix in component_fixes(model, graph, component) {
                    push(fix);
                }
            }
            EventKind::Domain(d) => {
                if let Some(fix) = spread_fix(model, d) {
                    push(fix);
                }
                for &c in &event.components_down {
                    if model.components[c].kind == Kind::NatGateway && nat_zones(model, c).len() > 1
                    {
                        push(Fix::NatPerZone { component: c });
                    }
                }
            }
            EventKind::Deploy(c) => push(Fix::RollingDeploy { component: c }),
            EventKind::Expiry(c) => push(Fix::AutomatedRenewal { component: c }),
            EventKind::Person(_) => {}
        }
    }
    for finding in report.findings.iter().filter(|f| !f.is_decided()) {
        match finding.code.as_ref() {
            "SPOF003" | "SPOF004" | "SPOF011" | "SPOF014" | "SPOF016" | "SPOF020" | "SPOF023" => {
                for &c in &finding.components {
                    for fix in component_fixes(model, graph, c) {
                        push(fix);
                    }
                    if finding.code == "SPOF023" {
                        for fix in capacity_fixes(model, graph, c) {
                            push(fix);
                        }
                    }
                }
            }
            "SPOF013" => {
                for &c in &finding.components {
                    push(Fix::NatPerZone { component: c });
                }
            }
            "SPOF005" => {
                for &c in &finding.components {
                    push(Fix::SecondDnsProvider { component: c });
                }
            }
            "SPOF006" => {
                for &c in finding.components.iter().take(1) {
                    if let Some(dns) = &model.components[c].dns {
                        for (r, record) in dns.records.iter().enumerate() {
                            if record.address_count <= 1 && !record.health_check {
                                push(Fix::HealthCheckedRecord {
                                    component: c,
                                    record: r,
                                });
                            }
                        }
                    }
                }
            }
            "SPOF008" => {
                for &c in &finding.components {
                    if model.components[c].kind == Kind::Certificate {
                        push(Fix::AutomatedRenewal { component: c });
                    }
                }
            }
            "SPOF017" => {
                for &c in &finding.components {
                    push(Fix::RollingDeploy { component: c });
                }
            }
            "SPOF010" | "SPOF012" => {
                for (caller, component) in model.components.iter().enumerate() {
                    for dep in &component.depends_on {
                        if !finding.components.contains(&dep.target)
                            || !finding.components.contains(&caller)
                        {
                            continue;
                        }
                        let target_kind = model.components[dep.target].kind;
                        if finding.code == "SPOF012"
                            && matches!(target_kind, Kind::Config | Kind::Secrets)
                            && !dep.local_cache
                        {
                            push(Fix::LocalCache {
                                caller,
                                target: dep.target,
                            });
                        }
                        if finding.code == "SPOF010"
                            && target_kind == Kind::External
                            && (dep.timeout.is_none() || !dep.circuit_breaker)
                        {
                            push(Fix::GuardCall {
                                caller,
                                target: dep.target,
                            });
                        }
                    }
                }
            }
            "SPOF018" => {
                for &c in &finding.components {
                    if model.components[c].kind == Kind::Monitoring {
                        push(Fix::MonitorFromOutside { component: c });
                    }
                }
            }
            "SPOF015" => {
                for &c in &finding.components {
                    let zones: BTreeSet<DomainId> = model.components[c]
                        .instances
                        .iter()
                        .flat_map(|i| i.domains.iter())
                        .flat_map(|&d| model.domain_chain(d))
                        .filter(|&d| model.domains[d].kind == DomainKind::Zone)
                        .collect();
                    if let [zone] = zones.into_iter().collect::<Vec<_>>()[..]
                        && let Some(fix) = spread_fix(model, zone)
                    {
                        push(fix);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(fix) = people_fix(model) {
        push(fix);
    }
    out
}

/// The fixes for a component whose instances take a journey down.
fn component_fixes(model: &Model, graph: &crate::graph::FaultGraph, c: ComponentId) -> Vec<Fix> {
    let component = &model.components[c];
    let node = &graph.components[c];
    let mut out = Vec::new();
    if component.managed || matches!(component.kind, Kind::External | Kind::Certificate) {
        return out;
    }
    let n = component.instances.len();
    if component.kind == Kind::Dns && component.dns.is_some() && n == 1 {
        out.push(Fix::SecondDnsProvider { component: c });
        return out;
    }
    if component.kind == Kind::NatGateway && nat_zones(model, c).len() > 1 {
        out.push(Fix::NatPerZone { component: c });
    }
    match component.redundancy {
        Redundancy::ActivePassive {
            failover: Failover::Manual,
            ..
        } if n > 1 => out.push(Fix::AutomateFailover { component: c }),
        Redundancy::ActiveActive {
            health_check: false,
        } if n > 1 => out.push(Fix::HealthCheck { component: c }),
        _ => {}
    }
    if n == 1 && (stateful(component.kind) || component.is_active_passive()) {
        out.push(Fix::AddStandby { component: c });
    } else if n == 1 || node.threshold == 1 || component.spare() == 0 {
        // One more than needed; a single instance of a stateless kind gets a second one.
        let to = (component.min_healthy + 1).max(n + 1).max(2);
        if !component.is_active_passive() || n > 1 {
            out.push(Fix::AddReplicas { component: c, to });
        }
    }
    out
}

/// A spread of the replicated components confined to a domain, or `None` when no component
/// with several instances is confined there.
fn spread_fix(model: &Model, domain: DomainId) -> Option<Fix> {
    // A common cause is not a place: moving instances does not take them out of it.
    if model.domains[domain].kind == DomainKind::CommonCause {
        return None;
    }
    let mut components = Vec::new();
    let mut most = 0;
    for (c, component) in model.components.iter().enumerate() {
        // A third party's instances are not the team's to move.
        if component.instances.len() < 2 || component.kind == Kind::External {
            continue;
        }
        let inside = |i: &Instance| {
            i.domains
                .iter()
                .any(|&d| model.domain_chain(d).any(|x| x == domain))
        };
        if component.instances.iter().all(inside) {
            components.push(c);
            most = most.max(component.instances.len());
        }
    }
    // Zones, racks and hosts: one per replica, up to three (two zones at 60% load do not
    // survive the loss of one); any other kind of domain (a cluster, a power feed): a second.
    let domains = if model.domains[domain].kind.rank().is_some_and(|r| r <= 2) {
        most.min(3)
    } else {
        2
    };
    (!components.is_empty()).then_some(Fix::Spread {
        domain,
        components,
        domains,
    })
}

/// The fixes for a component that losing one of its zones overloads: the fewest instances
/// that leave its load carried after any one zone's loss, over its zones and, up to three,
/// over one more (three zones need a third more capacity where two need double).
fn capacity_fixes(model: &Model, graph: &crate::graph::FaultGraph, c: ComponentId) -> Vec<Fix> {
    let component = &model.components[c];
    let Some(capacity) = component.capacity.filter(|&x| x > 0.0) else {
        return Vec::new();
    };
    if component.managed
        || component.is_active_passive()
        || matches!(component.kind, Kind::External | Kind::Certificate)
    {
        return Vec::new();
    }
    let load = crate::findings::capacity::load_on(model, graph, c);
    let zones = model.zones_of(c).len();
    if zones == 0 || load <= 0.0 {
        return Vec::new();
    }
    let needed = (load / capacity).ceil() as usize;
    let n = component.instances.len();
    let mut out = Vec::new();
    for (k, new_zone) in [(zones, false), (zones + 1, true)] {
        if new_zone && (zones < 2 || k > 3) {
            continue;
        }
        // The fewest instances, placed in turn over k zones, that keep `needed` after the
        // loss of the zone holding the most of them.
        let Some(to) =
            (n.max(k)..=n.max(k) + 4 * needed + 4).find(|&m| m - m.div_ceil(k) >= needed)
        else {
            continue;
        };
        out.push(Fix::ZoneCapacity {
            component: c,
            to,
            new_zone,
            load,
        });
    }
    out
}

/// The zones a capacity fix places `c` over: those it runs in, and with `new_zone` one more,
/// an existing zone beside them that `c` is not in, else a new one (`Err` with its name).
fn capacity_zones(model: &Model, c: ComponentId, new_zone: bool) -> Vec<Result<DomainId, String>> {
    let zones = model.zones_of(c);
    let mut out: Vec<Result<DomainId, String>> = zones.iter().map(|&z| Ok(z)).collect();
    if new_zone && let Some(&last) = zones.last() {
        let parent = model.domains[last].parent;
        let beside = (0..model.domains.len()).find(|&d| {
            model.domains[d].kind == DomainKind::Zone
                && model.domains[d].parent == parent
                && !zones.contains(&d)
        });
        out.push(match beside {
            Some(d) => Ok(d),
            None => Err(model.sibling_names(last, 1).pop().expect("one name")),
        });
    }
    out
}

/// The zones whose traffic goes out through NAT gateway `nat` without a per-zone scope: the
/// same question SPOF013 asks, answered by the same function.
fn nat_zones(model: &Model, nat: ComponentId) -> Vec<DomainId> {
    crate::findings::nat_callers(model, nat)
        .1
        .into_iter()
        .collect()
}

/// A second person for the steps that only one person, or nobody, can perform, when the
/// model has people.
fn people_fix(model: &Model) -> Option<Fix> {
    if !model.has_people() {
        return None;
    }
    let mut steps: BTreeSet<Step> = BTreeSet::new();
    for (c, component) in model.components.iter().enumerate() {
        let mut needed = Vec::new();
        if matches!(
            component.redundancy,
            Redundancy::ActivePassive {
                failover: Failover::Manual,
                ..
            }
        ) && component.instances.len() > 1
        {
            needed.push(Step::Failover(c));
        }
        if component
            .certificate
            .as_ref()
            .is_some_and(|cert| cert.renewal == Some(Renewal::Manual))
        {
            needed.push(Step::Renew(c));
        }
        for person in &model.people {
            for &step in &person.can {
                if step.component() == c {
                    needed.push(step);
                }
            }
        }
        for step in needed {
            if model.people_for(&step).len() < 2 {
                steps.insert(step);
            }
        }
    }
    (!steps.is_empty()).then(|| Fix::SecondPerson {
        steps: steps.into_iter().collect(),
    })
}

/// Applies a fix to the model, keeping its invariants.
pub fn apply(model: &mut Model, fix: &Fix) {
    match fix {
        Fix::AddReplicas { component, to } => {
            model.add_instances(*component, *to);
            if let Redundancy::ActiveActive { health_check } =
                &mut model.components[*component].redundancy
            {
                *health_check = true;
            }
        }
        Fix::AddStandby { component } => {
            let (time, _) = standby_settings(model.components[*component].kind);
            model.add_standby(*component, time);
        }
        Fix::AutomateFailover { component } => {
            let c = &mut model.components[*component];
            let (time, _) = standby_settings(c.kind);
            c.redundancy = Redundancy::ActivePassive {
                failover: Failover::Automatic,
                failover_time: time,
            };
            if c.kind == Kind::LoadBalancer {
                c.floating_address = true;
            }
        }
        Fix::HealthCheck { component } => {
            if let Redundancy::ActiveActive { health_check } =
                &mut model.components[*component].redundancy
            {
                *health_check = true;
            }
        }
        Fix::Spread {
            domain,
            components,
            domains,
        } => model.spread_out(*domain, components, *domains),
        Fix::NatPerZone { component } => nat_per_zone(model, *component),
        Fix::SecondDnsProvider { component } => {
            let c = &mut model.components[*component];
            let mut name = "secondary".to_string();
            while c.instances.iter().any(|i| i.name == name) {
                name.push('-');
                name.push('2');
            }
            let template = c.instances[0].clone();
            c.instances.push(Instance { name, ..template });
            if let Some(dns) = &mut c.dns {
                dns.providers.push("secondary".into());
            }
            if let Redundancy::ActiveActive { health_check } = &mut c.redundancy {
                *health_check = true;
            }
        }
        Fix::HealthCheckedRecord { component, record } => {
            if let Some(dns) = &mut model.components[*component].dns {
                dns.records[*record].health_check = true;
            }
        }
        Fix::RollingDeploy { component } => {
            model.components[*component].deploy = Some(DeployStrategy::Rolling);
        }
        Fix::AutomatedRenewal { component } => {
            if let Some(cert) = &mut model.components[*component].certificate {
                cert.renewal = Some(Renewal::Automated);
            }
        }
        Fix::SecondPerson { steps } => {
            let mut name = "second-on-call".to_string();
            let mut k = 2;
            while model.person(&name).is_some() {
                k += 1;
                name = format!("on-call-{k}");
            }
            let span = model.people.first().map(|p| p.span).unwrap_or_default();
            model.people.push(Person {
                name,
                can: steps.clone(),
                on_call: true,
                span,
            });
        }
        Fix::LocalCache { caller, target } => {
            for dep in &mut model.components[*caller].depends_on {
                if dep.target == *target {
                    dep.local_cache = true;
                }
            }
        }
        Fix::GuardCall { caller, target } => {
            for dep in &mut model.components[*caller].depends_on {
                if dep.target == *target {
                    dep.timeout.get_or_insert(Duration(3));
                    dep.circuit_breaker = true;
                    dep.retries.get_or_insert((1, Backoff::Exponential));
                }
            }
        }
        Fix::ZoneCapacity {
            component,
            to,
            new_zone,
            ..
        } => {
            let zones: Vec<DomainId> = capacity_zones(model, *component, *new_zone)
                .into_iter()
                .map(|z| match z {
                    Ok(d) => d,
                    Err(name) => {
                        let like = *model.zones_of(*component).last().expect("in a zone");
                        let parent = model.domains[like].parent;
                        model.add_domain(like, name, parent)
                    }
                })
                .collect();
            model.add_instances(*component, *to);
            model.place_in_turn(*component, &zones);
            if let Redundancy::ActiveActive { health_check } =
                &mut model.components[*component].redundancy
            {
                *health_check = true;
            }
        }
        Fix::MonitorFromOutside { component } => {
            let watched: Vec<ComponentId> = match &model.components[*component].monitoring {
                Some(m) if !m.watches.is_empty() => m.watches.clone(),
                _ => (0..model.components.len())
                    .filter(|&c| c != *component)
                    .collect(),
            };
            let shared: BTreeSet<DomainId> = watched
                .iter()
                .flat_map(|&w| model.components[w].instances.iter())
                .flat_map(|i| i.domains.iter())
                .flat_map(|&d| model.domain_chain(d))
                .collect();
            let leave: BTreeSet<DomainId> = (0..model.domains.len())
                .filter(|&d| model.domain_chain(d).any(|x| shared.contains(&x)))
                .collect();
            for instance in &mut model.components[*component].instances {
                instance.domains.retain(|d| !leave.contains(d));
            }
        }
    }
}

/// A NAT gateway instance in each zone its callers use, and the callers' dependencies on it
/// scoped to their zone.
fn nat_per_zone(model: &mut Model, nat: ComponentId) {
    let zones = nat_zones(model, nat);
    let c = &mut model.components[nat];
    let template = c.instances[0].clone();
    let mut instances = Vec::new();
    for (k, &zone) in zones.iter().enumerate() {
        let mut domains: Vec<DomainId> = template
            .domains
            .iter()
            .copied()
            .filter(|&d| model.domains[d].kind.rank().is_none())
            .collect();
        domains.push(zone);
        domains.sort_unstable();
        domains.dedup();
        instances.push(Instance {
            name: c
                .instances
                .get(k)
                .map(|i| i.name.clone())
                .unwrap_or_else(|| (k + 1).to_string()),
            domains,
            span: template.span,
        });
    }
    let mut seen = BTreeSet::new();
    instances.retain(|i| seen.insert(i.name.clone()));
    c.instances = instances;
    c.min_healthy = 1;
    c.redundancy = Redundancy::ActiveActive { health_check: true };
    // Callers placed in zones use the gateway of their own zone.
    for caller in 0..model.components.len() {
        if model.zones_of(caller).is_empty() {
            continue;
        }
        for dep in &mut model.components[caller].depends_on {
            if dep.target == nat {
                dep.scope = Some(Scope::Zone);
            }
        }
    }
}
