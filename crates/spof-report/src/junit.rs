//! JUnit XML for CI systems that show test reports: one test suite for the check, one test case
//! per finding. A finding at or above `--fail-on` that no decision covers is a failure; one a
//! decision covers is skipped (with the decision); the others pass. One suite rather than one
//! per journey: a finding about several journeys would otherwise be counted several times.

use crate::{Options, selected_findings};
use spof_engine::Report;
use spof_engine::findings::Finding;
use spof_model::Model;
use std::fmt::Write;

enum Outcome {
    Failed,
    Skipped(String),
    Passed,
}

pub fn junit(model: &Model, report: &Report, options: &Options) -> String {
    let findings: Vec<&Finding> = selected_findings(report, options).collect();
    let outcome = |f: &Finding| {
        if f.is_decided() {
            let decision = &model.decisions[f.decision.as_ref().expect("decided").index];
            let mut text = format!(
                "{} by {}",
                decision.status.as_str(),
                decision.owner.as_deref().unwrap_or("nobody named")
            );
            if let Some(date) = decision.review_by {
                let _ = write!(text, " until {date}");
            }
            if let Some(reason) = &decision.reason {
                let _ = write!(text, ": {reason}");
            }
            Outcome::Skipped(text)
        } else if options.fail_on.is_some_and(|level| f.severity >= level) {
            Outcome::Failed
        } else {
            Outcome::Passed
        }
    };
    let outcomes: Vec<Outcome> = findings.iter().map(|f| outcome(f)).collect();
    let failures = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Failed))
        .count();
    let skipped = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Skipped(_)))
        .count();
    let name = format!(
        "spof check: {}",
        model.name.as_deref().unwrap_or(&options.file)
    );
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"spof\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        findings.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        escape(&name),
        findings.len()
    );
    if let Some(level) = options.fail_on {
        let _ = writeln!(
            out,
            "    <properties>\n      <property name=\"fail_on\" value=\"{}\"/>\n    </properties>",
            level.as_str()
        );
    }
    for (finding, outcome) in findings.iter().zip(&outcomes) {
        let components: Vec<&str> = finding
            .components
            .iter()
            .map(|&c| model.components[c].name.as_str())
            .collect();
        let subject = if components.is_empty() {
            finding
                .journeys
                .iter()
                .map(|&j| model.journeys[j].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            components.join(", ")
        };
        let mut attributes = format!(
            "classname=\"spof.{}\" name=\"{} {}: {}\"",
            escape(&finding.name),
            finding.code,
            escape(&finding.name),
            escape(&subject)
        );
        if let Some(span) = finding.span.filter(|s| s.line > 0) {
            let _ = write!(
                attributes,
                " file=\"{}\" line=\"{}\"",
                escape(&options.file),
                span.line
            );
        }
        let details = details(model, options, finding);
        match outcome {
            Outcome::Failed => {
                let _ = writeln!(out, "    <testcase {attributes}>");
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    escape(&finding.message),
                    finding.severity.as_str(),
                    escape(&details)
                );
                let _ = writeln!(out, "    </testcase>");
            }
            Outcome::Skipped(why) => {
                let _ = writeln!(out, "    <testcase {attributes}>");
                let _ = writeln!(out, "      <skipped message=\"{}\"/>", escape(why));
                let _ = writeln!(out, "      <system-out>{}</system-out>", escape(&details));
                let _ = writeln!(out, "    </testcase>");
            }
            Outcome::Passed => {
                let _ = writeln!(out, "    <testcase {attributes}>");
                let _ = writeln!(out, "      <system-out>{}</system-out>", escape(&details));
                let _ = writeln!(out, "    </testcase>");
            }
        }
    }
    let _ = writeln!(out, "  </testsuite>\n</testsuites>");
    out
}

fn details(model: &Model, options: &Options, finding: &Finding) -> String {
    let mut text = format!(
        "{} {} ({})\n{}\nfix: {}",
        finding.code,
        finding.name,
        finding.severity.as_str(),
        finding.message,
        finding.fix
    );
    if let Some(span) = finding.span.filter(|s| s.line > 0) {
        let _ = write!(text, "\nat {}:{}:{}", options.file, span.line, span.column);
    }
    let sources: Vec<&str> = finding
        .components
        .iter()
        .filter_map(|&c| model.components[c].source.as_deref())
        .collect();
    if !sources.is_empty() {
        let _ = write!(text, "\nfrom {}", sources.join(", "));
    }
    text
}

/// Text for XML attributes and content: the five special characters as entities, and
/// characters XML 1.0 cannot carry (control characters other than tab and line breaks)
/// dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            other => out.push(other),
        }
    }
    out
}
