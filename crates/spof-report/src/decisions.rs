//! The risk register (`spof decisions`): every decision of the model with where it stands
//! (active, review due, expired, RTO exceeded, incomplete, matching nothing) and the findings
//! it covers, as text and JSON.

use crate::json::{SCHEMA_VERSION, Tool, tool};
use crate::text::Painter;
use owo_colors::Style;
use serde::Serialize;
use spof_engine::Report;
use spof_engine::findings::decisions::{DecisionReport, REVIEW_DUE_DAYS, Standing};
use spof_engine::graph::event_id;
use spof_model::{Date, Model};
use std::fmt::Write;

/// The register as text.
pub fn text(
    model: &Model,
    report: &Report,
    register: &[DecisionReport],
    file: &str,
    today: Option<Date>,
    color: bool,
) -> String {
    let p = Painter { color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        p.heading(&format!("spof decisions: {file}")),
        p.dim(&format!(
            "({} decision{}{})",
            register.len(),
            if register.len() == 1 { "" } else { "s" },
            today.map(|t| format!("; today {t}")).unwrap_or_default()
        ))
    );
    if register.is_empty() {
        let _ = writeln!(
            out,
            "\n  none: record one with `spof accept FINDING --owner NAME --reason TEXT --rto DURATION --review-by DATE`"
        );
    }
    for entry in register {
        let decision = &model.decisions[entry.index];
        let mut about = decision.finding.clone();
        if let Some(c) = decision.component {
            let _ = write!(about, " on `{}`", model.components[c].name);
        }
        if let Some(e) = &decision.event {
            let _ = write!(about, " for event `{e}`");
        }
        let style = match entry.standing {
            Standing::Active => Style::new().green(),
            Standing::ReviewDue => Style::new().yellow(),
            _ => Style::new().red(),
        };
        let _ = writeln!(
            out,
            "\n  {}  {about}  {}",
            p.paint(&format!("{:<12}", entry.standing.as_str()), style),
            p.dim(&format!("line {}", decision.span.line))
        );
        let _ = writeln!(
            out,
            "      {} by {}{}{}",
            decision.status.as_str(),
            decision.owner.as_deref().unwrap_or("nobody named"),
            decision
                .review_by
                .map(|d| format!(", review by {d}"))
                .unwrap_or_default(),
            decision
                .rto
                .map(|r| format!(", accepted RTO {r}"))
                .unwrap_or_default()
        );
        if let Some(reason) = &decision.reason {
            let _ = writeln!(out, "      reason: {reason}");
        }
        if let Some(remediation) = &decision.remediation {
            let _ = writeln!(out, "      remediation: {remediation}");
        }
        let _ = writeln!(out, "      {}", standing_phrase(entry, report));
        for &i in &entry.findings {
            let f = &report.findings[i];
            let _ = writeln!(out, "      covers {} {}: {}", f.code, f.name, f.message);
        }
    }
    let summary = summary(register);
    let _ = writeln!(
        out,
        "\n{}",
        p.heading(&format!(
            "{} active, {} review due, {} expired, {} RTO exceeded, {} incomplete, {} matching nothing",
            summary.active,
            summary.review_due,
            summary.expired,
            summary.rto_exceeded,
            summary.incomplete,
            summary.unmatched
        ))
    );
    out
}

/// What a standing means, in words.
fn standing_phrase(entry: &DecisionReport, report: &Report) -> String {
    let days = |d: i64| format!("{d} day{}", if d == 1 { "" } else { "s" });
    match entry.standing {
        Standing::Active => format!(
            "in force: hides {} finding{}",
            entry.findings.len(),
            if entry.findings.len() == 1 { "" } else { "s" }
        ),
        Standing::ReviewDue => format!(
            "in force, review due {} (within {REVIEW_DUE_DAYS} days)",
            match entry.days_left {
                Some(0) => "today".to_string(),
                Some(d) => format!("in {}", days(d)),
                None => "soon".to_string(),
            }
        ),
        Standing::Expired => format!(
            "expired {} ago: the finding shows again and fails the run",
            days(-entry.days_left.unwrap_or(0))
        ),
        Standing::RtoExceeded => {
            let found = entry
                .findings
                .iter()
                .filter_map(|&i| report.findings[i].decision.as_ref()?.rto_exceeded)
                .next();
            match found.map(|e| e.found) {
                Some(Some(t)) => format!(
                    "hides nothing: recovery takes {t}, over the RTO the decision accepts"
                ),
                _ => "hides nothing: recovery takes an unknown time, so the accepted RTO may not hold"
                    .to_string(),
            }
        }
        Standing::Incomplete => format!(
            "hides nothing: no {} (SPOF024)",
            entry
                .missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(" and no ")
        ),
        Standing::Unmatched => "matches no finding (SPOF022): remove it or correct it".to_string(),
    }
}

#[derive(Serialize, Default)]
struct SummaryJson {
    active: usize,
    review_due: usize,
    expired: usize,
    rto_exceeded: usize,
    incomplete: usize,
    unmatched: usize,
}

fn summary(register: &[DecisionReport]) -> SummaryJson {
    let mut s = SummaryJson::default();
    for entry in register {
        *match entry.standing {
            Standing::Active => &mut s.active,
            Standing::ReviewDue => &mut s.review_due,
            Standing::Expired => &mut s.expired,
            Standing::RtoExceeded => &mut s.rto_exceeded,
            Standing::Incomplete => &mut s.incomplete,
            Standing::Unmatched => &mut s.unmatched,
        } += 1;
    }
    s
}

#[derive(Serialize)]
struct RegisterJson<'a> {
    schema_version: u32,
    tool: Tool,
    model: ModelJson<'a>,
    today: Option<String>,
    decisions: Vec<DecisionJson<'a>>,
    summary: SummaryJson,
}

#[derive(Serialize)]
struct ModelJson<'a> {
    name: Option<&'a str>,
    file: &'a str,
}

#[derive(Serialize)]
struct DecisionJson<'a> {
    line: u32,
    finding: &'a str,
    component: Option<&'a str>,
    event: Option<&'a str>,
    status: &'static str,
    owner: Option<&'a str>,
    reason: Option<&'a str>,
    rto: Option<String>,
    remediation: Option<&'a str>,
    review_by: Option<String>,
    /// `active`, `review-due`, `expired`, `rto-exceeded`, `incomplete` or `unmatched`.
    state: &'static str,
    /// Whether it hides the findings it matches.
    hides: bool,
    days_left: Option<i64>,
    missing: &'a [&'static str],
    covers: Vec<CoveredJson<'a>>,
}

#[derive(Serialize)]
struct CoveredJson<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'static str,
    message: &'a str,
    components: Vec<&'a str>,
    event: Option<String>,
}

/// The register as JSON (docs/json-output.md).
pub fn json(
    model: &Model,
    report: &Report,
    register: &[DecisionReport],
    file: &str,
    today: Option<Date>,
) -> String {
    let decisions = register
        .iter()
        .map(|entry| {
            let d = &model.decisions[entry.index];
            DecisionJson {
                line: d.span.line,
                finding: &d.finding,
                component: d.component.map(|c| model.components[c].name.as_str()),
                event: d.event.as_deref(),
                status: d.status.as_str(),
                owner: d.owner.as_deref(),
                reason: d.reason.as_deref(),
                rto: d.rto.map(|r| r.to_string()),
                remediation: d.remediation.as_deref(),
                review_by: d.review_by.map(|r| r.to_string()),
                state: entry.standing.as_str(),
                hides: entry.standing.hides(),
                days_left: entry.days_left,
                missing: &entry.missing,
                covers: entry
                    .findings
                    .iter()
                    .map(|&i| {
                        let f = &report.findings[i];
                        CoveredJson {
                            code: &f.code,
                            name: &f.name,
                            severity: f.severity.as_str(),
                            message: &f.message,
                            components: f
                                .components
                                .iter()
                                .map(|&c| model.components[c].name.as_str())
                                .collect(),
                            event: f
                                .event
                                .map(|e| event_id(model, report.analysis.graph.events[e as usize])),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    crate::number::to_json(&RegisterJson {
        schema_version: SCHEMA_VERSION,
        tool: tool(),
        model: ModelJson {
            name: model.name.as_deref(),
            file,
        },
        today: today.map(|t| t.to_string()),
        decisions,
        summary: summary(register),
    })
}
