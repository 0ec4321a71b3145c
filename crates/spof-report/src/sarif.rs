//! SARIF 2.1.0 for code-scanning tools: one run, a rule per finding code (with its documentation
//! page as `helpUri`), a result per finding (every SPOF has one) located at the model's line, or
//! for an import at the input file and line its component came from. Each result carries a
//! fingerprint made from what it is about (code, components, journeys, event), not where it
//! is written, so a code-scanning tool follows it across commits. Findings a decision covers
//! are results with an in-source suppression (the decision is written in the model).

use crate::{Options, selected_findings};
use serde_json::{Value, json};
use spof_engine::Report;
use spof_engine::Severity;
use spof_engine::findings::{Finding, RULES, RuleKind};
use spof_engine::graph::event_id;
use spof_model::Model;

/// The fingerprint of `partialFingerprints`: the one baselines match findings by.
pub use crate::baseline::fingerprint;

/// The schema the output follows.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where the finding pages live, for `helpUri`.
fn help_uri(code: &str) -> String {
    format!(
        "{}/blob/main/docs/findings/{code}.md",
        env!("CARGO_PKG_REPOSITORY")
    )
}

/// The SARIF log of a check. `inputs` are the files an imported model was read from (empty for
/// a model file, whose name is `options.file`).
pub fn sarif(model: &Model, report: &Report, options: &Options, inputs: &[String]) -> String {
    let mut rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.what.trim() },
                "help": { "text": rule.fix.trim(), "markdown": rule.markdown() },
                "helpUri": help_uri(rule.code),
                "defaultConfiguration": { "level": rule_level(&rule.kind) },
            })
        })
        .collect();
    // The policy's own rules: documented by the policy, so no page to link to.
    rules.extend(report.custom_rules.iter().map(|rule| {
        json!({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": { "text": rule.message },
            "help": { "text": rule.fix },
            "defaultConfiguration": { "level": level(rule.severity.into()) },
            "properties": { "policy": true },
        })
    }));
    let results: Vec<Value> = selected_findings(report, options)
        .map(|finding| result(model, report, options, inputs, finding))
        .collect();
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "spof",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    crate::number::to_json(&log)
}

/// The default level of a rule: a SPOF is an error, a hidden SPOF a warning, a problem with
/// the model's decisions a note. Each result has its own level from its severity.
fn rule_level(kind: &RuleKind) -> &'static str {
    match kind {
        RuleKind::Spof { .. } => "error",
        RuleKind::Check(_) | RuleKind::Evidence(_) => "warning",
        RuleKind::Decisions => "note",
    }
}

/// A finding's SARIF level from its severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn result(
    model: &Model,
    report: &Report,
    options: &Options,
    inputs: &[String],
    finding: &Finding,
) -> Value {
    let rule_index = RULES
        .iter()
        .map(|r| r.code)
        .chain(report.custom_rules.iter().map(|r| r.code.as_str()))
        .position(|code| code == finding.code)
        .expect("every finding comes from a rule");
    let components: Vec<&str> = finding
        .components
        .iter()
        .map(|&c| model.components[c].name.as_str())
        .collect();
    let journeys: Vec<&str> = finding
        .journeys
        .iter()
        .map(|&j| model.journeys[j].name.as_str())
        .collect();
    let event = finding
        .event
        .map(|e| event_id(model, report.analysis.graph.events[e as usize]));
    let mut properties = json!({
        "severity": finding.severity.as_str(),
        "layer": finding.layer.as_str(),
        "components": components,
        "journeys": journeys,
        "fix": finding.fix,
    });
    if let Some(event) = &event {
        properties["event"] = json!(event);
    }
    if let Some(radius) = finding.blast_radius {
        properties["blastRadius"] = json!(crate::json::round(radius));
    }
    if let Some(time) = finding.recovery.as_ref().and_then(|r| r.time()) {
        properties["rto"] = json!(time.to_string());
        properties["rtoSeconds"] = json!(time.seconds());
    }
    let mut result = json!({
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": { "text": format!("{}. Fix: {}.", finding.message.trim_end_matches('.'), finding.fix.trim_end_matches('.')) },
        "partialFingerprints": { "spofFinding/v1": fingerprint(&finding.code, &components, &journeys, event.as_deref()) },
        "properties": properties,
    });
    let locations = locations(model, options, inputs, finding);
    if !locations.is_empty() {
        result["locations"] = Value::Array(locations);
    }
    if finding.is_decided()
        && let Some(state) = &finding.decision
    {
        let decision = &model.decisions[state.index];
        let mut justification = format!(
            "{} by {}",
            decision.status.as_str(),
            decision.owner.as_deref().unwrap_or("nobody named")
        );
        if let Some(date) = decision.review_by {
            justification.push_str(&format!(" until {date}"));
        }
        if let Some(rto) = decision.rto {
            justification.push_str(&format!(", accepted RTO {rto}"));
        }
        if let Some(reason) = &decision.reason {
            justification.push_str(&format!(": {reason}"));
        }
        let mut suppression = json!({
            "kind": "inSource",
            "status": "accepted",
            "justification": justification,
        });
        if decision.span.line > 0 && inputs.is_empty() {
            suppression["location"] = physical(
                &options.file,
                Some(decision.span.line),
                Some(decision.span.column),
            );
        }
        result["suppressions"] = json!([suppression]);
    }
    result
}

/// Where a finding is: the model's line, or for an import the input's file and line its
/// components came from (the file alone when the importer recorded only a resource address).
fn locations(model: &Model, options: &Options, inputs: &[String], finding: &Finding) -> Vec<Value> {
    if inputs.is_empty() {
        return match finding.span.filter(|s| s.line > 0) {
            Some(span) => vec![physical(&options.file, Some(span.line), Some(span.column))],
            None => vec![physical(&options.file, None, None)],
        };
    }
    let mut out = Vec::new();
    for &c in &finding.components {
        let component = &model.components[c];
        let Some(source) = &component.source else {
            continue;
        };
        let location = match split_source(source) {
            Source::Line(file, line) => physical(file, Some(line), None),
            Source::File(file, address) => {
                let mut l = physical(file, None, None);
                l["logicalLocations"] = json!([{ "fullyQualifiedName": address }]);
                l
            }
            Source::Address(address) => {
                let Some(file) = inputs.first().filter(|_| inputs.len() == 1) else {
                    continue;
                };
                let mut l = physical(file, None, None);
                l["logicalLocations"] = json!([{ "fullyQualifiedName": address }]);
                l
            }
        };
        if !out.contains(&location) {
            out.push(location);
        }
    }
    if out.is_empty()
        && let [only] = inputs
    {
        out.push(physical(only, None, None));
    }
    out
}

enum Source<'a> {
    /// `file:line`.
    Line(&'a str, u32),
    /// `file: address` (several Terraform files).
    File(&'a str, &'a str),
    /// A resource address alone.
    Address(&'a str),
}

fn split_source(source: &str) -> Source<'_> {
    if let Some((file, line)) = source.rsplit_once(':')
        && let Ok(line) = line.parse::<u32>()
        && line > 0
        && !file.is_empty()
    {
        return Source::Line(file, line);
    }
    if let Some((file, address)) = source.split_once(": ") {
        return Source::File(file, address);
    }
    Source::Address(source)
}

fn physical(file: &str, line: Option<u32>, column: Option<u32>) -> Value {
    let mut location = json!({
        "physicalLocation": { "artifactLocation": { "uri": uri(file) } }
    });
    if let Some(line) = line {
        let mut region = json!({ "startLine": line });
        if let Some(column) = column.filter(|&c| c > 0) {
            region["startColumn"] = json!(column);
        }
        location["physicalLocation"]["region"] = region;
    }
    location
}

/// A file name as a relative URI reference: forward slashes, and every byte outside the
/// unreserved set and `/` percent-encoded.
pub fn uri(file: &str) -> String {
    let mut out = String::new();
    for byte in file.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
