//! Markdown for a pull-request comment or a review document: a summary table, the SPOFs, the
//! findings with their fixes, the audit checklist and a Mermaid diagram.

use crate::checklist::summary_line;
use crate::{Options, fails, selected_findings, selected_spofs};
use spof_engine::checklist::State;
use spof_engine::findings::{join_and, recovery_phrase};
use spof_engine::graph::{describe_event, event_id};
use spof_engine::{Report, Severity};
use spof_model::Model;
use std::fmt::Write;

pub fn markdown(model: &Model, report: &Report, options: &Options) -> String {
    let mut out = String::new();
    let name = model.name.as_deref().unwrap_or(&options.file);
    let _ = writeln!(out, "# spof check: {}\n", cell(name));
    if let Some(j) = options.journey {
        let _ = writeln!(out, "Journey `{}` only.\n", model.journeys[j].name);
    }
    let spofs: Vec<_> = selected_spofs(model, report, options).collect();
    let findings: Vec<_> = selected_findings(report, options).collect();
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .map(|&s| (s, findings.iter().filter(|f| f.severity == s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    let decided = findings.iter().filter(|f| f.is_decided()).count();
    let result = match options.fail_on {
        Some(level) if !options.incomplete.is_empty() => format!(
            "❌ does not pass at `--fail-on {}`: the import is incomplete ({})",
            level.as_str(),
            options.incomplete.join("; ")
        ),
        Some(level) if fails(report, options) => {
            format!("❌ fails at `--fail-on {}`", level.as_str())
        }
        Some(level) => format!("✅ passes at `--fail-on {}`", level.as_str()),
        None => "not gated (`--fail-on never`)".to_string(),
    };
    let _ = writeln!(out, "| | |\n| --- | --- |");
    let _ = writeln!(out, "| Result | {result} |");
    let _ = writeln!(out, "| SPOFs | {} |", spofs.len());
    let _ = writeln!(
        out,
        "| Findings | {}{}{} |",
        findings.len(),
        if by_severity.is_empty() {
            String::new()
        } else {
            format!(" ({})", by_severity.join(", "))
        },
        if decided > 0 {
            format!(", {decided} covered by decisions")
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "| Checklist | {} |",
        summary_line(&report.checklist).trim_start_matches("checklist: ")
    );
    let _ = writeln!(
        out,
        "| Model | {}, {} |",
        crate::text::count(model.components.len(), "component"),
        crate::text::count(model.journeys.len(), "journey")
    );

    let _ = writeln!(out, "\n## Journeys\n");
    let _ = writeln!(out, "| journey | critical | RTO | target | SPOFs |");
    let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
    for j in report
        .analysis
        .journeys
        .iter()
        .filter(|j| options.journey.is_none_or(|o| o == j.journey))
    {
        let journey = &model.journeys[j.journey];
        let target = match (journey.rto_target, j.meets_target) {
            (Some(t), Some(true)) => format!("{t} (met)"),
            (Some(t), Some(false)) => format!("{t} (missed)"),
            (Some(t), None) => format!("{t} (unknown)"),
            (None, _) => "-".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {target} | {} |",
            cell(&journey.name),
            if journey.critical { "yes" } else { "no" },
            j.rto.map_or("unknown".into(), |d| d.to_string()),
            j.spofs
        );
    }

    let _ = writeln!(out, "\n## Single points of failure ({})\n", spofs.len());
    if spofs.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        let _ = writeln!(
            out,
            "| event | what | blast radius | journeys down | recovery |"
        );
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        for e in &spofs {
            let journeys: Vec<&str> = e
                .effects
                .iter()
                .filter(|x| spof_engine::analysis::is_spof_effect(model, x))
                .map(|x| model.journeys[x.journey].name.as_str())
                .collect();
            let _ = writeln!(
                out,
                "| `{}` | {} | {}% | {} | {} |",
                event_id(model, e.kind),
                cell(&describe_event(model, e.kind)),
                crate::number::fixed(e.blast_radius * 100.0, 0),
                cell(&journeys.join(", ")),
                cell(&recovery_phrase(model, e.worst()))
            );
        }
    }

    let _ = writeln!(out, "\n## Findings ({})\n", findings.len());
    if findings.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for f in &findings {
        let _ = writeln!(
            out,
            "### {} [{}]({}/blob/main/docs/findings/{}.md) {}\n",
            f.severity.as_str().to_uppercase(),
            f.code,
            env!("CARGO_PKG_REPOSITORY"),
            f.code,
            f.name
        );
        let _ = writeln!(out, "{}\n", f.message);
        let _ = writeln!(out, "**Fix:** {}\n", f.fix);
        if let Some(span) = f.span.filter(|s| s.line > 0) {
            let _ = writeln!(
                out,
                "At `{}:{}:{}`.\n",
                options.file, span.line, span.column
            );
        }
        let sources: Vec<&str> = f
            .components
            .iter()
            .filter_map(|&c| model.components[c].source.as_deref())
            .collect();
        if !sources.is_empty() {
            let _ = writeln!(out, "From `{}`.\n", sources.join("`, `"));
        }
        if let Some(state) = &f.decision {
            let decision = &model.decisions[state.index];
            let mut words = format!(
                "Decision: {} by {}",
                decision.status.as_str(),
                decision.owner.as_deref().unwrap_or("nobody named")
            );
            if let Some(date) = decision.review_by {
                let _ = write!(words, ", review by {date}");
            }
            if let Some(rto) = decision.rto {
                let _ = write!(words, ", accepted RTO {rto}");
            }
            words.push_str(if state.in_force() {
                " (in force)."
            } else if state.expired {
                " (expired: it no longer covers the finding)."
            } else {
                " (not in force)."
            });
            let _ = writeln!(out, "{words}\n");
        }
    }

    let _ = writeln!(out, "## Checklist\n");
    let _ = writeln!(out, "| item | layer | state | details |");
    let _ = writeln!(out, "| --- | --- | --- | --- |");
    for item in &report.checklist.items {
        let state = match item.state {
            State::Redundant => "✅ redundant",
            State::Spof => "❌ SPOF",
            State::Accepted => "☑️ accepted",
            State::NotModelled => "❔ not modelled",
        };
        let details = if item.state == State::NotModelled {
            let mut text = format!("{} Add: {}", item.item.question(), item.item.to_add());
            if let Some(formats) = &item.not_expressible_in {
                let _ = write!(
                    text,
                    " (the {formats} import cannot express this: use an overlay)"
                );
            }
            text
        } else {
            let mut parts: Vec<String> = item
                .components
                .iter()
                .map(|e| {
                    let mark = match e.state {
                        State::Spof => " (SPOF)",
                        State::Accepted => " (accepted)",
                        _ => "",
                    };
                    format!("`{}`{mark}: {}", model.components[e.component].name, e.how)
                })
                .collect();
            let codes: Vec<&str> = item
                .spof_findings
                .iter()
                .map(|&i| report.findings[i].code.as_ref())
                .collect();
            if !codes.is_empty() {
                parts.push(format!("findings {}", join_and(&codes)));
            }
            parts.extend(item.notes.iter().cloned());
            parts.join("; ")
        };
        let _ = writeln!(
            out,
            "| {} | {} | {state} | {} |",
            item.item.title(),
            item.item.layer().as_str(),
            cell(&details)
        );
    }

    let _ = writeln!(out, "\n## Diagram\n");
    let _ = writeln!(
        out,
        "```mermaid\n{}```",
        crate::mermaid::mermaid(model, report, options.journey)
    );
    out
}

/// Text for a table cell: pipes escaped, line breaks as spaces.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
