//! The import report of `spof import` and `spof check --from`: what the import mapped, what
//! it inferred and from what evidence, what it left out and why, what it could not resolve,
//! what the format cannot say, and what the overlays changed. Text for people (on standard
//! error) and versioned JSON for machines (`spof import --report FILE`, and the `import`
//! object of the check report).

use serde::Serialize;
use spof_import::ImportReport;
use spof_import::coverage::Coverage;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The version of the JSON written by [`json`]; it changes only when the shape does.
pub const SCHEMA_VERSION: u32 = 1;

/// The import report as JSON: the wire type, owned here.
#[derive(Serialize)]
pub struct ImportJson<'a> {
    /// Only in the file of its own; the check report carries its own version.
    #[serde(skip_serializing_if = "Option::is_none")]
    schema_version: Option<u32>,
    format: &'a str,
    mapped: Vec<MappedJson<'a>>,
    inferred: Vec<InferredJson<'a>>,
    unmapped: Vec<UnmappedJson<'a>>,
    unresolved: Vec<UnresolvedJson<'a>>,
    not_modelled: &'a [String],
    /// The components the input shows users reach; absent when it shows none.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    entry_points: &'a [String],
    overlay_notes: &'a [String],
    /// What a check of the model could not judge (docs/importers.md, "Never a silent pass").
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<&'a Coverage>,
}

#[derive(Serialize)]
struct MappedJson<'a> {
    object: &'a str,
    component: &'a str,
    source: &'a str,
}

#[derive(Serialize)]
struct InferredJson<'a> {
    from: &'a str,
    to: &'a str,
    evidence: &'a str,
    source: &'a str,
}

#[derive(Serialize)]
struct UnmappedJson<'a> {
    object: &'a str,
    why: &'a str,
    source: &'a str,
    /// It runs something the model does not have.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    runs: bool,
}

#[derive(Serialize)]
struct UnresolvedJson<'a> {
    reference: &'a str,
    from: &'a str,
    source: &'a str,
}

/// The report as the check report's `import` object.
pub fn wire<'a>(
    report: &'a ImportReport,
    overlay_notes: &'a [String],
    coverage: Option<&'a Coverage>,
) -> ImportJson<'a> {
    ImportJson {
        schema_version: None,
        format: &report.format,
        mapped: report
            .mapped
            .iter()
            .map(|m| MappedJson {
                object: &m.object,
                component: &m.component,
                source: &m.source,
            })
            .collect(),
        inferred: report
            .inferred
            .iter()
            .map(|i| InferredJson {
                from: &i.from,
                to: &i.to,
                evidence: &i.evidence,
                source: &i.source,
            })
            .collect(),
        unmapped: report
            .unmapped
            .iter()
            .map(|u| UnmappedJson {
                object: &u.object,
                why: &u.why,
                source: &u.source,
                runs: u.runs,
            })
            .collect(),
        unresolved: report
            .unresolved
            .iter()
            .map(|u| UnresolvedJson {
                reference: &u.reference,
                from: &u.from,
                source: &u.source,
            })
            .collect(),
        not_modelled: &report.not_modelled,
        entry_points: &report.entry_points,
        overlay_notes,
        coverage,
    }
}

/// The report as a JSON document of its own, with its `schema_version`.
pub fn json(
    report: &ImportReport,
    overlay_notes: &[String],
    coverage: Option<&Coverage>,
) -> String {
    let mut document = wire(report, overlay_notes, coverage);
    document.schema_version = Some(SCHEMA_VERSION);
    let mut text = serde_json::to_string_pretty(&document).expect("the import report serialises");
    text.push('\n');
    text
}

/// The report for people: counts, then each item.
pub fn text(report: &ImportReport, notes: &[String]) -> String {
    let mut out = String::new();
    let components: BTreeSet<&str> = report.mapped.iter().map(|m| m.component.as_str()).collect();
    let _ = writeln!(
        out,
        "import ({}): {} objects mapped to {} components, {} inferred, {} not mapped, {} unresolved",
        report.format,
        report.mapped.len(),
        components.len(),
        report.inferred.len(),
        report.unmapped.len(),
        report.unresolved.len()
    );
    if !report.mapped.is_empty() {
        let _ = writeln!(out, "\nmapped ({}):", report.mapped.len());
        for m in &report.mapped {
            let _ = writeln!(out, "  {} -> {}  [{}]", m.object, m.component, m.source);
        }
    }
    if !report.inferred.is_empty() {
        let _ = writeln!(out, "\ninferred ({}):", report.inferred.len());
        for i in &report.inferred {
            // An attribute (`kind: web`) reads as one; a dependency as an arrow.
            if i.to.contains(": ") {
                let _ = writeln!(out, "  {} {}: {}", i.from, i.to, i.evidence);
            } else {
                let _ = writeln!(out, "  {} -> {}: {}", i.from, i.to, i.evidence);
            }
        }
    }
    if !report.unmapped.is_empty() {
        let _ = writeln!(out, "\nnot mapped ({}):", report.unmapped.len());
        // Grouped by reason: a manifest has many objects of the same kind.
        let mut by_why: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for u in &report.unmapped {
            by_why
                .entry(u.why.as_str())
                .or_default()
                .push(format!("{} [{}]", u.object, u.source));
        }
        for (why, objects) in by_why {
            let _ = writeln!(out, "  {why}:");
            for object in objects {
                let _ = writeln!(out, "    {object}");
            }
        }
    }
    if !report.unresolved.is_empty() {
        let _ = writeln!(out, "\nunresolved ({}):", report.unresolved.len());
        for u in &report.unresolved {
            let _ = writeln!(out, "  {} (from {}): {}", u.reference, u.from, u.source);
        }
    }
    if !report.not_modelled.is_empty() {
        let _ = writeln!(out, "\nnot modelled ({}):", report.not_modelled.len());
        for n in &report.not_modelled {
            let _ = writeln!(out, "  - {n}");
        }
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "\noverlay notes ({}):", notes.len());
        for n in notes {
            let _ = writeln!(out, "  - {n}");
        }
    }
    out
}
