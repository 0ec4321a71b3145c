//! Decisions: matching the model's `decisions` to findings, expiry, what a decision needs to
//! be in force (an owner, a review date, an accepted recovery time that holds), and decisions
//! that match nothing or are incomplete (which are findings themselves, so stale or careless
//! suppressions do not pile up).

use super::{Context, DecisionState, Finding, RULES, RtoExceeded, Rule, RuleKind, Severity};
use crate::graph::event_id;
use spof_model::{Decision, Duration, Layer, suggest};

pub static UNMATCHED_DECISION: Rule = Rule {
    code: "SPOF022",
    name: "unmatched-decision",
    summary: "A decision that matches no finding.",
    what: "An entry under `decisions` whose finding code, component or event matches no current finding, or that names a code that does not exist.",
    why: "Decisions outlive the problems they were about. A stale one hides nothing today but will silently hide a new finding that happens to match it tomorrow; and a typo in a code means the finding it meant is not covered.",
    fix: "Remove the decision if the finding is gone, or correct its `finding`, `component` or `event`.",
    example: r#"
components:
  app:
    kind: service
    replicas: 2
decisions:
  - finding: SPOF001
    component: app
    status: accepted
    owner: alice
    reason: a second instance is planned
"#,
    fixed: r#"
components:
  app:
    kind: service
    replicas: 2
"#,
    kind: RuleKind::Decisions,
};

pub static INCOMPLETE_DECISION: Rule = Rule {
    code: "SPOF024",
    name: "incomplete-decision",
    summary: "A decision without an owner or a review date: it hides nothing.",
    what: "An entry under `decisions` that matches a finding but lacks an `owner` or a `review_by` date. Every decision (accepted, mitigating or planned) needs both to hide its finding; until it has them, the finding it matches is reported and fails the run as if there were no decision.",
    why: "A decision is a promise that someone looks at the risk again. Without an owner nobody does; without a review date the finding stays hidden for ever, long after the reason for accepting it is gone. A line with only `finding` and `status` would otherwise silence a critical SPOF with exit code 0.",
    fix: "Give the decision an `owner` (who answers for it) and a `review_by` date (when it is looked at again), or remove it.",
    example: r#"
components:
  app:
    kind: service
decisions:
  - finding: SPOF001
    component: app
    status: accepted
"#,
    fixed: r#"
components:
  app:
    kind: service
decisions:
  - finding: SPOF001
    component: app
    status: accepted
    owner: alice
    reason: a second instance is planned for the next quarter
    review_by: 2099-01-31
"#,
    kind: RuleKind::Decisions,
};

/// What a decision lacks to be in force.
fn missing(decision: &Decision) -> Vec<&'static str> {
    let mut out = Vec::new();
    if decision
        .owner
        .as_deref()
        .is_none_or(|o| o.trim().is_empty())
    {
        out.push("owner");
    }
    if decision.review_by.is_none() {
        out.push("review_by");
    }
    out
}

/// The recovery time of what a finding covers, as the analysis gives it: the SPOF event's
/// worst recovery, or for a journey's RTO finding the journey's RTO. `None` when the finding
/// has no recovery time to compare; `Some(None)` when it is unknown.
fn recovery_time(cx: &Context, finding: &Finding) -> Option<Option<Duration>> {
    if let Some(event) = finding.event {
        return cx.analysis.event(event).map(|e| e.worst().time());
    }
    if finding.code == super::operations::RTO_OVER_TARGET.code
        && let [journey] = finding.journeys[..]
    {
        return Some(cx.analysis.journeys[journey].rto);
    }
    None
}

/// Attaches to each finding the first decision that matches it (in force only when complete,
/// not expired and within its accepted recovery time), and adds a finding for every decision
/// that matches nothing and for every incomplete one.
pub fn apply(cx: &Context, findings: &mut Vec<Finding>) {
    let model = cx.model;
    let mut used = vec![false; model.decisions.len()];
    // The components of the findings each decision matched, for SPOF024.
    let mut matched: Vec<Vec<spof_model::ComponentId>> = vec![Vec::new(); model.decisions.len()];
    for finding in findings.iter_mut() {
        let event = finding
            .event
            .map(|e| event_id(model, cx.analysis.graph.events[e as usize]));
        for (i, decision) in model.decisions.iter().enumerate() {
            let code_matches = decision.finding.eq_ignore_ascii_case(&finding.code)
                || decision.finding == finding.name;
            let component_matches = decision
                .component
                .is_none_or(|c| finding.components.contains(&c));
            let event_matches = decision
                .event
                .as_ref()
                .is_none_or(|e| event.as_ref() == Some(e));
            if code_matches && component_matches && event_matches {
                used[i] = true;
                let expired = match (decision.review_by, cx.today) {
                    (Some(review), Some(today)) => today > review,
                    _ => false,
                };
                let rto_exceeded = decision.rto.and_then(|accepted| {
                    let found = recovery_time(cx, finding)?;
                    let within = found.is_some_and(|t| t <= accepted);
                    (!within).then_some(RtoExceeded { accepted, found })
                });
                if let Some(exceeded) = rto_exceeded {
                    finding.message.push_str(&match exceeded.found {
                        Some(found) => format!(
                            "; recovery takes {found}, over the RTO of {} that the decision accepts",
                            exceeded.accepted
                        ),
                        None => format!(
                            "; recovery takes an unknown time, so the RTO of {} that the decision accepts may not hold",
                            exceeded.accepted
                        ),
                    });
                }
                for &c in &finding.components {
                    if !matched[i].contains(&c) {
                        matched[i].push(c);
                    }
                }
                finding.decision = Some(DecisionState {
                    index: i,
                    status: decision.status,
                    expired,
                    missing: missing(decision),
                    rto_exceeded,
                });
                break;
            }
        }
    }
    for (i, decision) in model.decisions.iter().enumerate() {
        if used[i] {
            let lacks = missing(decision);
            if !lacks.is_empty() {
                findings.push(incomplete(cx, i, &lacks, std::mem::take(&mut matched[i])));
            }
            continue;
        }
        let known = RULES
            .iter()
            .any(|r| decision.finding.eq_ignore_ascii_case(r.code) || decision.finding == r.name)
            || cx.policy.rule(&decision.finding).is_some();
        let message = if known {
            let mut about = Vec::new();
            if let Some(c) = decision.component {
                about.push(format!("component `{}`", model.components[c].name));
            }
            if let Some(e) = &decision.event {
                about.push(format!("event `{e}`"));
            }
            let about = if about.is_empty() {
                String::new()
            } else {
                format!(" for {}", about.join(" and "))
            };
            format!(
                "the decision about {}{about} matches no finding",
                decision.finding
            )
        } else {
            let codes = RULES.iter().flat_map(|r| [r.code, r.name]).chain(
                cx.policy
                    .rules
                    .iter()
                    .flat_map(|r| [r.code.as_str(), r.name.as_str()]),
            );
            let hint = suggest(&decision.finding, codes)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            format!(
                "the decision names `{}`, which is not a finding code or name{hint}",
                decision.finding
            )
        };
        findings.push(Finding {
            code: UNMATCHED_DECISION.code.into(),
            name: UNMATCHED_DECISION.name.into(),
            severity: if known {
                Severity::Low
            } else {
                Severity::Medium
            },
            message,
            components: decision.component.into_iter().collect(),
            journeys: Vec::new(),
            event: None,
            blast_radius: None,
            recovery: None,
            fix: "remove the decision, or correct its `finding`, `component` or `event`".into(),
            span: Some(if known {
                decision.span
            } else {
                decision.finding_span
            }),
            layer: Layer::Operations,
            decision: None,
            importance: None,
            observed: None,
        });
    }
}

/// The finding for a decision that matched findings but lacks what it needs to hide them.
fn incomplete(
    cx: &Context,
    index: usize,
    lacks: &[&str],
    mut components: Vec<spof_model::ComponentId>,
) -> Finding {
    let model = cx.model;
    let decision = &model.decisions[index];
    let mut about = decision.finding.clone();
    if let Some(c) = decision.component {
        about.push_str(&format!(" for component `{}`", model.components[c].name));
    }
    if let Some(e) = &decision.event {
        about.push_str(&format!(" for event `{e}`"));
    }
    let lacks: Vec<String> = lacks.iter().map(|k| format!("`{k}`")).collect();
    components.sort_unstable();
    Finding {
        code: INCOMPLETE_DECISION.code.into(),
        name: INCOMPLETE_DECISION.name.into(),
        severity: Severity::Medium,
        message: format!(
            "the {} decision about {about} has no {}: it does not hide the finding it matches",
            decision.status.as_str(),
            lacks.join(" and no ")
        ),
        components,
        journeys: Vec::new(),
        event: None,
        blast_radius: None,
        recovery: None,
        fix: format!(
            "give the decision {} (who answers for it, and when it is looked at again), or remove it",
            lacks.join(" and ")
        ),
        span: Some(decision.span),
        layer: Layer::Operations,
        decision: None,
        importance: None,
        observed: None,
    }
}

/// How close a review date must be for a decision to be "review due".
pub const REVIEW_DUE_DAYS: i64 = 30;

/// Where a decision stands, for the risk register (`spof decisions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// In force, its review more than [`REVIEW_DUE_DAYS`] away.
    Active,
    /// In force, its review within [`REVIEW_DUE_DAYS`].
    ReviewDue,
    /// Past its `review_by` date: it hides nothing.
    Expired,
    /// The recovery the analysis finds is longer than the `rto` it accepts (or unknown): it
    /// hides nothing.
    RtoExceeded,
    /// Without an owner or a review date (SPOF024): it hides nothing.
    Incomplete,
    /// It matches no finding (SPOF022).
    Unmatched,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Active => "active",
            Standing::ReviewDue => "review-due",
            Standing::Expired => "expired",
            Standing::RtoExceeded => "rto-exceeded",
            Standing::Incomplete => "incomplete",
            Standing::Unmatched => "unmatched",
        }
    }

    /// Whether a decision in this standing hides the findings it matches.
    pub fn hides(self) -> bool {
        matches!(self, Standing::Active | Standing::ReviewDue)
    }
}

/// One decision of the model, with where it stands.
#[derive(Clone, Debug)]
pub struct DecisionReport {
    /// Its index in `model.decisions`.
    pub index: usize,
    pub standing: Standing,
    /// The findings it matched (indices into the findings given), the first decision to match
    /// each.
    pub findings: Vec<usize>,
    /// Days from today to its review date (negative once past); `None` without a date or a
    /// today.
    pub days_left: Option<i64>,
    /// What it lacks to be in force: `owner`, `review_by`.
    pub missing: Vec<&'static str>,
}

/// Every decision of the model with its standing, from the findings of a check (which carry
/// the decision each matched). Pure: the same findings and today give the same register.
pub fn register(
    model: &spof_model::Model,
    findings: &[Finding],
    today: Option<spof_model::Date>,
) -> Vec<DecisionReport> {
    model
        .decisions
        .iter()
        .enumerate()
        .map(|(index, decision)| {
            let matched: Vec<usize> = findings
                .iter()
                .enumerate()
                .filter(|(_, f)| f.decision.as_ref().is_some_and(|d| d.index == index))
                .map(|(i, _)| i)
                .collect();
            let missing = missing(decision);
            let days_left = match (today, decision.review_by) {
                (Some(today), Some(review)) => Some(today.days_until(review)),
                _ => None,
            };
            let rto_exceeded = matched.iter().any(|&i| {
                findings[i]
                    .decision
                    .as_ref()
                    .is_some_and(|d| d.rto_exceeded.is_some())
            });
            let standing = if matched.is_empty() {
                Standing::Unmatched
            } else if !missing.is_empty() {
                Standing::Incomplete
            } else if days_left.is_some_and(|d| d < 0) {
                Standing::Expired
            } else if rto_exceeded {
                Standing::RtoExceeded
            } else if days_left.is_some_and(|d| d <= REVIEW_DUE_DAYS) {
                Standing::ReviewDue
            } else {
                Standing::Active
            };
            DecisionReport {
                index,
                standing,
                findings: matched,
                days_left,
                missing,
            }
        })
        .collect()
}
