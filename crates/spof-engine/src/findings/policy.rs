//! The policy's custom rules, applied to a model: each selected component or journey that
//! misses a requirement is one finding with the rule's code, message, fix and severity. And the
//! policy's severity overrides, applied to every finding. The rules arrive read and checked
//! (`spof_model::policy`); nothing here can fail.

use super::{Context, Finding, join_and, named};
use crate::Severity;
use spof_model::policy::{
    AppliesTo, ComponentSelector, JourneySelector, Level, PolicyRule, Requirement,
};
use spof_model::{ComponentId, DeployStrategy, Failover, JourneyId, Layer, Redundancy};
use std::borrow::Cow;

impl From<Level> for Severity {
    fn from(level: Level) -> Severity {
        match level {
            Level::Info => Severity::Info,
            Level::Low => Severity::Low,
            Level::Medium => Severity::Medium,
            Level::High => Severity::High,
            Level::Critical => Severity::Critical,
        }
    }
}

/// Runs the policy's custom rules.
pub fn check(cx: &Context, findings: &mut Vec<Finding>) {
    for rule in &cx.policy.rules {
        match &rule.applies_to {
            AppliesTo::Components(selector) => {
                for c in 0..cx.model.components.len() {
                    if !selects_component(cx, selector, c) {
                        continue;
                    }
                    let mut missed: Vec<String> = Vec::new();
                    let mut failover_said = false;
                    for &requirement in &rule.requirements {
                        let Some(miss) = component_misses(cx, c, requirement) else {
                            continue;
                        };
                        // A component without automatic failover misses both `failover` and
                        // `max_failover_time` for one reason: say it once.
                        let about_failover = matches!(
                            requirement,
                            Requirement::Failover(_) | Requirement::MaxFailoverTime(_)
                        );
                        if about_failover && failover_said {
                            continue;
                        }
                        failover_said |= about_failover;
                        missed.push(miss);
                    }
                    if !missed.is_empty() {
                        findings.push(component_finding(cx, rule, c, &missed));
                    }
                }
            }
            AppliesTo::Journeys(selector) => {
                for j in 0..cx.model.journeys.len() {
                    if !selects_journey(cx, selector, j) {
                        continue;
                    }
                    let missed: Vec<String> = rule
                        .requirements
                        .iter()
                        .filter_map(|r| journey_misses(cx, j, *r))
                        .collect();
                    if !missed.is_empty() {
                        findings.push(journey_finding(cx, rule, j, &missed));
                    }
                }
            }
        }
    }
}

/// Gives findings the severity the policy sets for their code.
pub fn override_severities(cx: &Context, findings: &mut [Finding]) {
    if cx.policy.severity.is_empty() {
        return;
    }
    for finding in findings {
        if let Some(level) = cx.policy.severity_of(&finding.code) {
            finding.severity = level.into();
        }
    }
}

fn selects_component(cx: &Context, selector: &ComponentSelector, c: ComponentId) -> bool {
    let component = &cx.model.components[c];
    let on_journey = |patterns: &[spof_model::policy::Pattern]| {
        (0..cx.model.journeys.len()).any(|j| {
            patterns
                .iter()
                .any(|p| p.matches(&cx.model.journeys[j].name))
                && cx.analysis.graph.journey_closures[j]
                    .binary_search(&c)
                    .is_ok()
        })
    };
    (selector.kinds.is_empty() || selector.kinds.contains(&component.kind))
        && (selector.layers.is_empty() || selector.layers.contains(&component.kind.layer()))
        && (selector.names.is_empty() || selector.names.iter().any(|p| p.matches(&component.name)))
        && (selector.journeys.is_empty() || on_journey(&selector.journeys))
        && selector
            .on_critical_journey
            .is_none_or(|want| cx.analysis.components[c].on_critical_path == want)
        && selector
            .managed
            .is_none_or(|want| component.managed == want)
        && selector
            .shared_state
            .is_none_or(|want| component.kind.holds_shared_state() == want)
}

fn selects_journey(cx: &Context, selector: &JourneySelector, j: JourneyId) -> bool {
    let journey = &cx.model.journeys[j];
    (selector.names.is_empty() || selector.names.iter().any(|p| p.matches(&journey.name)))
        && selector
            .critical
            .is_none_or(|want| journey.critical == want)
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// What a component lacks of a requirement, in words ("has 1 instance, not 2"), or `None`
/// when it meets it.
fn component_misses(cx: &Context, c: ComponentId, requirement: Requirement) -> Option<String> {
    let component = &cx.model.components[c];
    let instances = component.instances.len();
    // Whether losing a member is taken over without anyone acting: a standby that takes over
    // by itself, or active-active members behind a health check.
    let automatic = instances >= 2
        && match component.redundancy {
            Redundancy::ActiveActive { health_check } => health_check,
            Redundancy::ActivePassive { failover, .. } => failover == Failover::Automatic,
        };
    match requirement {
        Requirement::MinInstances(n) => {
            (instances < n).then(|| format!("has {}, not {n}", plural(instances, "instance")))
        }
        Requirement::MinZones(n) => {
            let zones = cx.model.zones_of(c).len();
            (zones < n).then(|| format!("runs in {}, not {n}", plural(zones, "zone")))
        }
        Requirement::Failover(Failover::Automatic) => (!automatic).then(|| {
            if instances < 2 {
                format!("has no standby ({})", plural(instances, "instance"))
            } else {
                match component.redundancy {
                    Redundancy::ActiveActive { .. } => {
                        "has no health check to take a dead member out".to_string()
                    }
                    Redundancy::ActivePassive { .. } => "fails over by hand".to_string(),
                }
            }
        }),
        Requirement::Failover(Failover::Manual) => {
            (instances < 2).then(|| format!("has no standby ({})", plural(instances, "instance")))
        }
        Requirement::MaxFailoverTime(limit) => match component.redundancy {
            _ if instances < 2 => Some(format!("has no standby to fail over to within {limit}")),
            Redundancy::ActiveActive { health_check: true } => None,
            Redundancy::ActiveActive {
                health_check: false,
            } => Some(format!(
                "has no health check, so a dead member is not taken out within {limit}"
            )),
            Redundancy::ActivePassive {
                failover: Failover::Manual,
                failover_time,
            } => Some(format!(
                "fails over by hand ({failover_time}), not automatically within {limit}"
            )),
            Redundancy::ActivePassive { failover_time, .. } => (failover_time > limit)
                .then(|| format!("fails over in {failover_time}, more than {limit}")),
        },
        Requirement::HealthCheck => match component.redundancy {
            Redundancy::ActiveActive { health_check } => {
                (!health_check).then(|| "has no health check".to_string())
            }
            Redundancy::ActivePassive { failover, .. } => (failover == Failover::Manual)
                .then(|| "has no health check (it fails over by hand)".to_string()),
        },
        Requirement::RestoreTime => component
            .restore_time
            .is_none()
            .then(|| "has no `restore_time`".to_string()),
        Requirement::MaxRestoreTime(limit) => match component.restore_time {
            None => Some(format!("has no `restore_time` (at most {limit} required)")),
            Some(time) => {
                (time > limit).then(|| format!("takes {time} to restore, more than {limit}"))
            }
        },
        Requirement::Backups => (!component.backups).then(|| "has no backups".to_string()),
        Requirement::Owner => component
            .owner
            .as_deref()
            .is_none_or(|o| o.trim().is_empty())
            .then(|| "has no `owner`".to_string()),
        Requirement::SafeDeploy => match component.deploy {
            None => Some("has no deployment strategy written".to_string()),
            Some(DeployStrategy::AllAtOnce) => Some("is deployed all at once".to_string()),
            Some(_) => None,
        },
        // Journey requirements are refused on component rules when the policy is read.
        Requirement::RtoTarget | Requirement::MaxRtoTarget(_) | Requirement::MaxRto(_) => None,
    }
}

/// What a journey lacks of a requirement, or `None` when it meets it.
fn journey_misses(cx: &Context, j: JourneyId, requirement: Requirement) -> Option<String> {
    let journey = &cx.model.journeys[j];
    match requirement {
        Requirement::RtoTarget => journey
            .rto_target
            .is_none()
            .then(|| "has no `rto_target`".to_string()),
        Requirement::MaxRtoTarget(limit) => match journey.rto_target {
            None => Some(format!("has no `rto_target` (at most {limit} required)")),
            Some(target) => (target > limit)
                .then(|| format!("has an `rto_target` of {target}, more than {limit}")),
        },
        Requirement::MaxRto(limit) => match cx.analysis.journeys[j].rto {
            None => Some(format!(
                "recovers in an unknown time (a `restore_time` is missing), not within {limit}"
            )),
            Some(rto) => (rto > limit).then(|| format!("recovers in {rto}, more than {limit}")),
        },
        _ => None,
    }
}

fn component_finding(
    cx: &Context,
    rule: &PolicyRule,
    c: ComponentId,
    missed: &[String],
) -> Finding {
    let missed: Vec<&str> = missed.iter().map(String::as_str).collect();
    let component = &cx.model.components[c];
    Finding {
        code: Cow::Owned(rule.code.clone()),
        name: Cow::Owned(rule.name.clone()),
        severity: rule.severity.into(),
        message: format!(
            "{} {}; policy: {}",
            named(cx.model, c),
            join_and(&missed),
            rule.message.trim_end_matches('.')
        ),
        components: vec![c],
        journeys: (0..cx.model.journeys.len())
            .filter(|&j| {
                cx.analysis.graph.journey_closures[j]
                    .binary_search(&c)
                    .is_ok()
            })
            .collect(),
        event: None,
        blast_radius: None,
        recovery: None,
        fix: rule.fix.clone(),
        span: Some(component.span),
        layer: component.kind.layer(),
        decision: None,
        importance: None,
        observed: None,
    }
}

fn journey_finding(cx: &Context, rule: &PolicyRule, j: JourneyId, missed: &[String]) -> Finding {
    let missed: Vec<&str> = missed.iter().map(String::as_str).collect();
    let journey = &cx.model.journeys[j];
    Finding {
        code: Cow::Owned(rule.code.clone()),
        name: Cow::Owned(rule.name.clone()),
        severity: rule.severity.into(),
        message: format!(
            "journey `{}` {}; policy: {}",
            journey.name,
            join_and(&missed),
            rule.message.trim_end_matches('.')
        ),
        components: Vec::new(),
        journeys: vec![j],
        event: None,
        blast_radius: None,
        recovery: None,
        fix: rule.fix.clone(),
        // The implicit journey has no place in the file.
        span: journey.declared.then_some(journey.span),
        layer: Layer::Operations,
        decision: None,
        importance: None,
        observed: None,
    }
}
