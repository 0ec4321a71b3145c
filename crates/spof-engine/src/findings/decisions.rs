//! Decisions: matching the model's `decisions` to findings, expiry, and decisions that match
//! nothing (which are findings themselves, so stale suppressions do not pile up).

use super::{Context, DecisionState, Finding, RULES, Rule, RuleKind, Severity};
use crate::graph::event_id;
use spof_model::{Layer, suggest};

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

/// Attaches to each finding the first decision that matches it, and adds a finding for every
/// decision that matches nothing.
pub fn apply(cx: &Context, findings: &mut Vec<Finding>) {
    let model = cx.model;
    let mut used = vec![false; model.decisions.len()];
    for finding in findings.iter_mut() {
        let event = finding
            .event
            .map(|e| event_id(model, cx.analysis.graph.events[e as usize]));
        for (i, decision) in model.decisions.iter().enumerate() {
            let code_matches = decision.finding.eq_ignore_ascii_case(finding.code)
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
                finding.decision = Some(DecisionState {
                    index: i,
                    status: decision.status,
                    expired,
                });
                break;
            }
        }
    }
    for (i, decision) in model.decisions.iter().enumerate() {
        if used[i] {
            continue;
        }
        let known = RULES
            .iter()
            .any(|r| decision.finding.eq_ignore_ascii_case(r.code) || decision.finding == r.name);
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
            let codes = RULES.iter().flat_map(|r| [r.code, r.name]);
            let hint = suggest(&decision.finding, codes)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            format!(
                "the decision names `{}`, which is not a finding code or name{hint}",
                decision.finding
            )
        };
        findings.push(Finding {
            code: UNMATCHED_DECISION.code,
            name: UNMATCHED_DECISION.name,
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
        });
    }
}
