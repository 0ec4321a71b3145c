//! Findings: each kind has a stable code and name, a rule that finds it, and its documentation
//! written next to the rule (what it finds, why it matters, an example, the fix). Codes are
//! never reused; a snapshot test of the registry shows renames.
//!
//! Two sorts of rule: a *SPOF rule* names a single point of failure that the analysis found
//! (each SPOF event gets exactly one finding, from the first SPOF rule in registry order that
//! claims it), and a *check* looks at the model and the analysis for hidden SPOFs that no single
//! event shows (an external call without a timeout, a record with one address).

mod calls;
pub mod capacity;
mod certificates;
pub mod decisions;
mod dns;
pub mod evidence;
mod operations;
pub mod policy;
mod structural;
pub(crate) use structural::nat_callers;

use crate::analysis::{Analysis, EventReport, Recovery, is_spof_effect};
use crate::graph::{EventId, EventKind, describe_event, event_id};
use spof_model::policy::Policy;
use spof_model::{ComponentId, Date, DecisionStatus, JourneyId, Layer, Model, Span};
use std::borrow::Cow;
use std::fmt::Write;

/// How much a finding matters, from its impact on critical journeys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// What the team decided about a finding, as matched from the model's `decisions`.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionState {
    /// Index into the model's decisions.
    pub index: usize,
    pub status: DecisionStatus,
    /// The review date has passed: the decision no longer hides the finding.
    pub expired: bool,
    /// What the decision lacks to be in force (`owner`, `review_by`): an incomplete decision
    /// hides nothing, and is reported itself (SPOF024).
    pub missing: Vec<&'static str>,
    /// The decision accepts a recovery time (`rto`) that the analysis finds exceeded.
    pub rto_exceeded: Option<RtoExceeded>,
}

impl DecisionState {
    /// Whether the decision hides its finding: complete, not expired, and its accepted
    /// recovery time (if any) not exceeded.
    pub fn in_force(&self) -> bool {
        !self.expired && self.missing.is_empty() && self.rto_exceeded.is_none()
    }
}

/// A decision's accepted recovery time against the one the analysis finds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RtoExceeded {
    /// The decision's `rto`.
    pub accepted: spof_model::Duration,
    /// The recovery time of what the finding covers; `None` when unknown.
    pub found: Option<spof_model::Duration>,
}

#[derive(Clone, Debug)]
pub struct Finding {
    /// The rule's code: a built-in rule's (`SPOF001`), or a custom rule's from the policy
    /// (`POL001`), which is why it may be owned.
    pub code: Cow<'static, str>,
    pub name: Cow<'static, str>,
    pub severity: Severity,
    /// One sentence: what is wrong, with names.
    pub message: String,
    pub components: Vec<ComponentId>,
    pub journeys: Vec<JourneyId>,
    /// The SPOF event, for findings that name one.
    pub event: Option<EventId>,
    pub blast_radius: Option<f64>,
    /// How recovery happens after the event (the worst over journeys).
    pub recovery: Option<Recovery>,
    pub fix: String,
    /// Where in the model to look.
    pub span: Option<Span>,
    pub layer: Layer,
    pub decision: Option<DecisionState>,
    /// For a SPOF event: its importance for the critical journey where it matters most.
    pub importance: Option<crate::availability::Importance>,
    /// For a finding from a probe: when it was observed (`2026-12-06T10:00:00Z`). Static
    /// findings, read from the model alone, have none.
    pub observed: Option<String>,
}

impl Finding {
    /// Whether a decision in force covers the finding (so it does not fail the run).
    pub fn is_decided(&self) -> bool {
        self.decision.as_ref().is_some_and(DecisionState::in_force)
    }
}

/// What a rule sees.
pub struct Context<'a> {
    pub model: &'a Model,
    pub analysis: &'a Analysis,
    pub today: Option<Date>,
    /// The custom rules and severity overrides in force.
    pub policy: &'a Policy,
    /// What drills measured and probes observed.
    pub evidence: &'a crate::evidence::Evidence,
}

pub enum RuleKind {
    /// Claims SPOF events; builds the message and the fix for one it claims.
    Spof {
        claims: fn(&Context, &EventReport) -> bool,
        describe: fn(&Context, &EventReport) -> (String, String, Vec<ComponentId>),
    },
    /// Looks for the problem on its own.
    Check(fn(&Context, &mut Vec<Finding>)),
    /// Produced while the model's decisions are matched to the other findings.
    Decisions,
    /// Looks at measured evidence (drills from the history, probe observations): its
    /// documented example fires only with the evidence `findings::evidence::example_evidence`
    /// gives for its code.
    Evidence(fn(&Context, &mut Vec<Finding>)),
}

/// A kind of finding and its documentation.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    /// One line for listings.
    pub summary: &'static str,
    /// What it finds.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// A model on which it fires.
    pub example: &'static str,
    /// The same model fixed: it must not fire.
    pub fixed: &'static str,
    pub kind: RuleKind,
}

impl Rule {
    /// The rule's documentation as Markdown, as `spof explain CODE` shows it and as
    /// `docs/findings/` keeps it.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {} {}\n\n{}\n", self.code, self.name, self.summary);
        let _ = writeln!(out, "## What it finds\n\n{}\n", self.what.trim());
        let _ = writeln!(out, "## Why it matters\n\n{}\n", self.why.trim());
        let _ = writeln!(out, "## Example\n\n```yaml\n{}\n```\n", self.example.trim());
        let _ = writeln!(
            out,
            "## How to fix\n\n{}\n\n```yaml\n{}\n```",
            self.fix.trim(),
            self.fixed.trim()
        );
        out
    }
}

/// Every rule, in precedence order: for a SPOF event, the first SPOF rule that claims it
/// names it, so specific rules come before general ones.
pub static RULES: &[&Rule] = &[
    &structural::SHARED_NAT_GATEWAY,
    &structural::LOAD_BALANCER_WITHOUT_STANDBY,
    &structural::SINGLE_DNS_PROVIDER,
    &structural::MANUAL_FAILOVER,
    &structural::NO_SPARE_CAPACITY,
    &structural::BACKUP_AS_STANDBY,
    &structural::UNREPLICATED_SHARED_STATE,
    &structural::SINGLE_INSTANCE,
    &structural::SINGLE_ZONE,
    &structural::COMMON_CAUSE,
    &structural::SINGLE_DOMAIN,
    &structural::ALL_AT_ONCE_DEPLOY,
    &certificates::MANUAL_RENEWAL,
    &dns::SINGLE_ADDRESS,
    &certificates::SINGLE_COPY,
    &certificates::EXPIRY,
    &calls::UNGUARDED_EXTERNAL_CALL,
    &calls::CONFIG_WITHOUT_LOCAL_CACHE,
    &operations::MONITORING_IN_FAILURE_DOMAIN,
    &operations::BUS_FACTOR_ONE,
    &operations::NO_HEALTH_CHECK,
    &operations::STARTUP_DEPENDENCY,
    &operations::RTO_OVER_TARGET,
    &capacity::AFTER_DOMAIN_LOSS,
    &decisions::UNMATCHED_DECISION,
    &decisions::INCOMPLETE_DECISION,
    &evidence::FAILOVER_UNTESTED,
    &evidence::DRILL_MISSED,
    &evidence::CERTIFICATE_EXPIRY_OBSERVED,
    &evidence::CERTIFICATE_INVALID_OBSERVED,
    &evidence::DECLARED_EXPIRY_WRONG,
    &evidence::SINGLE_PROVIDER_OBSERVED,
    &evidence::SINGLE_ADDRESS_OBSERVED,
    &evidence::ENDPOINT_UNHEALTHY,
];

/// The rule with this code (`SPOF001`) or name (`single-instance`).
pub fn rule(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// Runs every rule (the built-in ones, then the policy's), applies the model's decisions and
/// the policy's severity overrides. Findings come out ordered by severity, then code, then the
/// first component's name, so output is deterministic.
pub fn find(
    model: &Model,
    analysis: &Analysis,
    today: Option<Date>,
    policy: &Policy,
    evidence: &crate::evidence::Evidence,
) -> Vec<Finding> {
    let cx = Context {
        model,
        analysis,
        today,
        policy,
        evidence,
    };
    let mut findings = Vec::new();
    for report in analysis.spofs() {
        for rule in RULES {
            if let RuleKind::Spof { claims, describe } = rule.kind
                && claims(&cx, report)
            {
                let (message, fix, components) = describe(&cx, report);
                findings.push(spof_finding(&cx, rule, report, message, fix, components));
                break;
            }
        }
    }
    for rule in RULES {
        if let RuleKind::Check(check) = rule.kind {
            check(&cx, &mut findings);
        }
        // Evidence is asked for when the caller says so or when the model declares drills.
        if let RuleKind::Evidence(check) = rule.kind
            && (evidence.in_use || !model.drills.is_empty())
        {
            check(&cx, &mut findings);
        }
    }
    policy::check(&cx, &mut findings);
    decisions::apply(&cx, &mut findings);
    policy::override_severities(&cx, &mut findings);
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.code.cmp(&b.code))
            .then_with(|| first_name(model, a).cmp(first_name(model, b)))
            .then(a.event.cmp(&b.event))
            .then_with(|| a.message.cmp(&b.message))
    });
    findings
}

/// Attaches each SPOF finding's importance (the largest Fussell-Vesely over critical journeys)
/// and orders findings of the same severity by it, so the worst are fixed first.
pub fn rank_by_importance(
    model: &Model,
    findings: &mut [Finding],
    journeys: &[crate::availability::JourneyAvailability],
) {
    for finding in findings.iter_mut() {
        let Some(event) = finding.event else { continue };
        finding.importance = journeys
            .iter()
            .filter(|j| model.journeys[j.journey].critical)
            .map(|j| j.importance[event as usize])
            .max_by(|a, b| a.fussell_vesely.total_cmp(&b.fussell_vesely));
    }
    let key = |f: &Finding| f.importance.map_or(0.0, |i| i.fussell_vesely);
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(key(b).total_cmp(&key(a))));
}

fn first_name<'m>(model: &'m Model, finding: &Finding) -> &'m str {
    finding
        .components
        .first()
        .map_or("", |&c| model.components[c].name.as_str())
}

/// The severity of a SPOF: critical when it takes down critical journeys carrying at least
/// half the weight (traffic, cost, or count), high otherwise.
fn spof_severity(cx: &Context, report: &EventReport) -> Severity {
    let critical_weight: f64 = report
        .effects
        .iter()
        .filter(|e| is_spof_effect(cx.model, e))
        .map(|e| cx.analysis.journeys[e.journey].weight)
        .sum();
    if critical_weight >= 0.5 - 1e-9 {
        Severity::Critical
    } else {
        Severity::High
    }
}

fn spof_finding(
    cx: &Context,
    rule: &Rule,
    report: &EventReport,
    message: String,
    fix: String,
    components: Vec<ComponentId>,
) -> Finding {
    let model = cx.model;
    let span = match report.kind {
        EventKind::Domain(d) => Some(model.domains[d].span),
        EventKind::Instance {
            component,
            instance,
        } => {
            let c = &model.components[component];
            Some(if c.instances.len() > 1 {
                c.instances[instance as usize].span
            } else {
                c.span
            })
        }
        _ => report.component().map(|c| model.components[c].span),
    };
    let layer = components
        .first()
        .map_or(Layer::Physical, |&c| model.components[c].kind.layer());
    Finding {
        code: Cow::Borrowed(rule.code),
        name: Cow::Borrowed(rule.name),
        severity: spof_severity(cx, report),
        message,
        components,
        journeys: report
            .effects
            .iter()
            .filter(|e| is_spof_effect(model, e))
            .map(|e| e.journey)
            .collect(),
        event: Some(report.event),
        blast_radius: Some(report.blast_radius),
        recovery: Some(report.worst().clone()),
        fix,
        span,
        layer,
        decision: None,
        importance: None,
        observed: None,
    }
}

/// A finding from a check: severity medium when the components serve a critical journey,
/// low otherwise, unless the check says more.
fn check_finding(
    cx: &Context,
    rule: &Rule,
    components: Vec<ComponentId>,
    message: String,
    fix: String,
    span: Option<Span>,
) -> Finding {
    let critical = components
        .iter()
        .any(|&c| cx.analysis.components[c].on_critical_path);
    let journeys = (0..cx.model.journeys.len())
        .filter(|&j| {
            components.iter().any(|c| {
                cx.analysis.graph.journey_closures[j]
                    .binary_search(c)
                    .is_ok()
            })
        })
        .collect();
    Finding {
        code: Cow::Borrowed(rule.code),
        name: Cow::Borrowed(rule.name),
        severity: if critical {
            Severity::Medium
        } else {
            Severity::Low
        },
        message,
        layer: components
            .first()
            .map_or(Layer::Operations, |&c| cx.model.components[c].kind.layer()),
        components,
        journeys,
        event: None,
        blast_radius: None,
        recovery: None,
        fix,
        span,
        decision: None,
        importance: None,
        observed: None,
    }
}

/// "takes checkout and browse down until repaired (4h)" for a SPOF event.
pub fn impact_phrase(model: &Model, report: &EventReport) -> String {
    let journeys: Vec<&str> = report
        .effects
        .iter()
        .filter(|e| is_spof_effect(model, e))
        .map(|e| model.journeys[e.journey].name.as_str())
        .collect();
    format!(
        "takes {} down {}",
        join_and(&journeys),
        recovery_phrase(model, report.worst())
    )
}

/// "until repaired (4h)", "until someone fails over db (30m; alice can)".
pub fn recovery_phrase(model: &Model, recovery: &Recovery) -> String {
    match recovery {
        Recovery::None => "not at all".into(),
        Recovery::Degraded { .. } => "partly (degraded)".into(),
        Recovery::Interrupted { time, .. } => format!("for {time} (automatic failover)"),
        Recovery::Manual {
            steps,
            people,
            time,
        } => {
            let what: Vec<String> = steps
                .iter()
                .map(|s| format!("fails over {}", model.components[s.component()].name))
                .collect();
            let who = if !model.has_people() {
                String::new()
            } else if people.is_empty() {
                "; nobody listed can".into()
            } else {
                let names: Vec<&str> = people
                    .iter()
                    .map(|&p| model.people[p].name.as_str())
                    .collect();
                format!("; {} can", join_and(&names))
            };
            format!(
                "until someone {} ({time}{who})",
                join_and(&what.iter().map(String::as_str).collect::<Vec<_>>())
            )
        }
        Recovery::Repair {
            time: Some(time), ..
        } => format!("until repaired ({time})"),
        Recovery::Repair { time: None, .. } => "until repaired (no restore_time given)".into(),
    }
}

pub fn join_and(items: &[&str]) -> String {
    match items {
        [] => "nothing".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `name (kind)` for messages.
fn named(model: &Model, c: ComponentId) -> String {
    format!(
        "`{}` ({})",
        model.components[c].name,
        model.components[c].kind.as_str().replace('_', " ")
    )
}

/// Whether `c` is a third party's service (`kind: external`): the team cannot add instances of
/// it, spread it or fail it over, only protect its callers from it or add another provider.
fn is_external(model: &Model, c: ComponentId) -> bool {
    model.components[c].kind == spof_model::Kind::External
}

/// The fix for a SPOF in a third party's service: what the team can change is on its side of
/// the calls.
fn external_fix(model: &Model, c: ComponentId) -> String {
    format!(
        "guard the calls to `{}`, a third party's service: a timeout, a circuit breaker and a fallback (queue the work, degrade the feature); `optional: true` where the journey can do without it; or a second provider behind the same calls",
        model.components[c].name
    )
}

/// The id and description of a report's event, for messages.
fn event_words(model: &Model, report: &EventReport) -> (String, String) {
    (
        event_id(model, report.kind),
        describe_event(model, report.kind),
    )
}
