//! The audit checklist (`spof checklist`), as text grouped by layer and as versioned JSON
//! (docs/json-output.md); and the one-line summary `spof check` prints. The verdicts are the
//! engine's (`spof_engine::checklist`); this module only words them.

use crate::json::{DecisionJson, RecoveryJson, decision_json, recovery_json};
use crate::text::Painter;
use owo_colors::Style;
use serde::Serialize;
use spof_engine::Report;
use spof_engine::checklist::{Checklist, Item, ItemResult, State};
use spof_engine::findings::{Finding, recovery_phrase};
use spof_engine::graph::event_id;
use spof_model::{Layer, Model};
use std::fmt::Write;

/// The layers of a review, in the order the checklist is grouped.
pub const LAYERS: [Layer; 6] = [
    Layer::Physical,
    Layer::Network,
    Layer::Compute,
    Layer::Data,
    Layer::Application,
    Layer::Operations,
];

/// "checklist: 2 redundant, 4 SPOFs, 0 accepted, 10 not modelled".
pub fn summary_line(checklist: &Checklist) -> String {
    let spofs = checklist.count(State::Spof);
    format!(
        "checklist: {} redundant, {spofs} SPOF{}, {} accepted, {} not modelled",
        checklist.count(State::Redundant),
        if spofs == 1 { "" } else { "s" },
        checklist.count(State::Accepted),
        checklist.count(State::NotModelled),
    )
}

/// The checklist for people: the items grouped by layer, each with its verdict and why.
pub fn text(model: &Model, report: &Report, file: &str, color: bool) -> String {
    let p = Painter { color };
    let checklist = &report.checklist;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        p.heading(&format!(
            "spof checklist: {}",
            model.name.as_deref().unwrap_or(file)
        )),
        p.dim(&format!(
            "({} components, {} journey{})",
            model.components.len(),
            model.journeys.len(),
            if model.journeys.len() == 1 { "" } else { "s" }
        ))
    );
    let width = Item::ALL.iter().map(|i| i.title().len()).max().unwrap_or(0);
    for layer in LAYERS {
        let items: Vec<&ItemResult> = checklist
            .items
            .iter()
            .filter(|i| i.item.layer() == layer)
            .collect();
        let domains: Vec<&Finding> = domain_spofs(report).collect();
        if items.is_empty() && (layer != Layer::Physical || domains.is_empty()) {
            continue;
        }
        let _ = writeln!(out, "\n{}", p.heading(&capitalised(layer.as_str())));
        if layer == Layer::Physical {
            for finding in &domains {
                let _ = writeln!(
                    out,
                    "  {:width$}  {}",
                    "Failure domains",
                    state_label(&p, finding_state(finding))
                );
                let _ = writeln!(out, "    {}", spof_line(model, report, finding));
            }
        }
        for item in items {
            let _ = writeln!(
                out,
                "  {:width$}  {}",
                item.item.title(),
                state_label(&p, item.state)
            );
            item_body(&mut out, model, report, item);
        }
    }
    let _ = writeln!(out, "\n{}", p.heading(&summary_line(checklist)));
    out
}

fn item_body(out: &mut String, model: &Model, report: &Report, item: &ItemResult) {
    for entry in &item.components {
        let marker = match entry.state {
            State::Spof => " (SPOF)",
            State::Accepted => " (accepted)",
            _ => "",
        };
        let _ = writeln!(
            out,
            "    {}{marker}: {}",
            model.components[entry.component].name, entry.how
        );
    }
    for &index in &item.spof_findings {
        let _ = writeln!(
            out,
            "    {}",
            spof_line(model, report, &report.findings[index])
        );
    }
    for &index in &item.findings {
        if item.spof_findings.contains(&index) {
            continue;
        }
        let finding = &report.findings[index];
        let _ = writeln!(
            out,
            "    also {} {}: {}",
            finding.code, finding.name, finding.message
        );
    }
    for note in &item.notes {
        let _ = writeln!(out, "    {note}");
    }
    if item.state == State::NotModelled {
        let _ = writeln!(out, "    ask: {}", item.item.question());
        let _ = writeln!(out, "    add: {}", item.item.to_add());
        if let Some(formats) = &item.not_expressible_in {
            let _ = writeln!(
                out,
                "    the {formats} import cannot express this: add it in an overlay (docs/importers.md)"
            );
        }
    }
}

/// One SPOF finding in a line: code, event, blast radius and recovery; or the decision that
/// accepts it; or, for a hidden SPOF, its message.
fn spof_line(model: &Model, report: &Report, finding: &Finding) -> String {
    let mut line = finding.code.to_string();
    if let Some(event) = finding.event {
        let _ = write!(
            line,
            " {}",
            event_id(model, report.analysis.graph.events[event as usize])
        );
    }
    match (&finding.recovery, finding.blast_radius) {
        (Some(recovery), Some(radius)) => {
            let journeys: Vec<&str> = finding
                .journeys
                .iter()
                .map(|&j| model.journeys[j].name.as_str())
                .collect();
            let _ = write!(
                line,
                ": blast radius {}%, {} down {}",
                crate::number::fixed(radius * 100.0, 0),
                spof_engine::findings::join_and(&journeys),
                recovery_phrase(model, recovery)
            );
        }
        _ => {
            let _ = write!(line, ": {}", finding.message);
        }
    }
    if let Some(state) = &finding.decision {
        let decision = &model.decisions[state.index];
        let mut words = vec![format!(
            "{} by {}",
            decision.status.as_str(),
            decision.owner.as_deref().unwrap_or("nobody named")
        )];
        if let Some(date) = decision.review_by {
            words.push(format!("until {date}"));
        }
        if let Some(rto) = decision.rto {
            words.push(format!("accepted RTO {rto}"));
        }
        if state.expired {
            words.push("expired".into());
        }
        if !state.missing.is_empty() {
            words.push(format!("incomplete: no {}", state.missing.join(", no ")));
        }
        if state.rto_exceeded.is_some() {
            words.push("accepted RTO exceeded".into());
        }
        let _ = write!(line, "; {}", words.join(", "));
    }
    line
}

fn finding_state(finding: &Finding) -> State {
    if finding.is_decided() {
        State::Accepted
    } else {
        State::Spof
    }
}

/// SPOF findings of failure domains (a zone, a host, a power feed): shown under physical.
fn domain_spofs(report: &Report) -> impl Iterator<Item = &Finding> {
    report.findings.iter().filter(|f| {
        f.event.is_some_and(|e| {
            matches!(
                report.analysis.graph.events[e as usize],
                spof_engine::graph::EventKind::Domain(_)
            )
        })
    })
}

fn state_label(p: &Painter, state: State) -> String {
    let (text, style) = match state {
        State::Redundant => ("redundant", Style::new().green()),
        State::Spof => ("SPOF", Style::new().red().bold()),
        State::Accepted => ("accepted", Style::new().yellow()),
        State::NotModelled => ("not modelled", Style::new().cyan()),
    };
    p.paint(text, style)
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The checklist in the JSON of `spof check` (`checklist`) and of `spof checklist`.
#[derive(Serialize)]
pub(crate) struct ChecklistJson {
    summary: SummaryJson,
    items: Vec<ItemJson>,
    layers: Vec<LayerJson>,
}

#[derive(Serialize)]
struct SummaryJson {
    redundant: usize,
    spof: usize,
    accepted: usize,
    not_modelled: usize,
}

#[derive(Serialize)]
struct ItemJson {
    id: &'static str,
    title: &'static str,
    layer: &'static str,
    /// redundant, spof, accepted or not-modelled.
    state: &'static str,
    components: Vec<ComponentJson>,
    spofs: Vec<SpofJson>,
    other_findings: Vec<OtherJson>,
    notes: Vec<String>,
    /// For an item not modelled: what to ask, and what to add to the model.
    question: Option<&'static str>,
    to_add: Option<&'static str>,
    /// For an item not modelled in an imported model whose formats cannot express it.
    not_expressible_in: Option<String>,
}

#[derive(Serialize)]
struct ComponentJson {
    name: String,
    kind: &'static str,
    state: &'static str,
    how: String,
    findings: Vec<String>,
}

#[derive(Serialize)]
struct SpofJson {
    code: String,
    name: String,
    severity: &'static str,
    event: Option<String>,
    components: Vec<String>,
    journeys: Vec<String>,
    blast_radius: Option<f64>,
    recovery: Option<RecoveryJson>,
    message: String,
    /// Accepted: a decision in force covers it.
    accepted: bool,
    decision: Option<DecisionJson>,
}

#[derive(Serialize)]
struct OtherJson {
    code: String,
    name: String,
    severity: &'static str,
    message: String,
}

#[derive(Serialize)]
struct LayerJson {
    layer: &'static str,
    items: Vec<&'static str>,
    /// SPOF events of failure domains, under `physical` (event ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    domain_spofs: Vec<String>,
}

pub(crate) fn checklist_json(model: &Model, report: &Report) -> ChecklistJson {
    let checklist = &report.checklist;
    let names = |list: &[usize]| -> Vec<String> {
        list.iter()
            .map(|&c| model.components[c].name.clone())
            .collect()
    };
    let items = checklist
        .items
        .iter()
        .map(|item| {
            let not_modelled = item.state == State::NotModelled;
            ItemJson {
                id: item.item.id(),
                title: item.item.title(),
                layer: item.item.layer().as_str(),
                state: item.state.as_str(),
                components: item
                    .components
                    .iter()
                    .map(|e| ComponentJson {
                        name: model.components[e.component].name.clone(),
                        kind: model.components[e.component].kind.as_str(),
                        state: e.state.as_str(),
                        how: e.how.clone(),
                        findings: e
                            .findings
                            .iter()
                            .map(|&i| report.findings[i].code.to_string())
                            .collect(),
                    })
                    .collect(),
                spofs: item
                    .spof_findings
                    .iter()
                    .map(|&i| {
                        let f = &report.findings[i];
                        SpofJson {
                            code: f.code.to_string(),
                            name: f.name.to_string(),
                            severity: f.severity.as_str(),
                            event: f
                                .event
                                .map(|e| event_id(model, report.analysis.graph.events[e as usize])),
                            components: names(&f.components),
                            journeys: f
                                .journeys
                                .iter()
                                .map(|&j| model.journeys[j].name.clone())
                                .collect(),
                            blast_radius: f.blast_radius.map(crate::json::round),
                            recovery: f.recovery.as_ref().map(|r| recovery_json(model, r)),
                            message: f.message.clone(),
                            accepted: f.is_decided(),
                            decision: f.decision.as_ref().map(|d| decision_json(model, d)),
                        }
                    })
                    .collect(),
                other_findings: item
                    .findings
                    .iter()
                    .filter(|i| !item.spof_findings.contains(i))
                    .map(|&i| {
                        let f = &report.findings[i];
                        OtherJson {
                            code: f.code.to_string(),
                            name: f.name.to_string(),
                            severity: f.severity.as_str(),
                            message: f.message.clone(),
                        }
                    })
                    .collect(),
                notes: item.notes.clone(),
                question: not_modelled.then(|| item.item.question()),
                to_add: not_modelled.then(|| item.item.to_add()),
                not_expressible_in: item.not_expressible_in.clone(),
            }
        })
        .collect();
    ChecklistJson {
        summary: SummaryJson {
            redundant: checklist.count(State::Redundant),
            spof: checklist.count(State::Spof),
            accepted: checklist.count(State::Accepted),
            not_modelled: checklist.count(State::NotModelled),
        },
        items,
        layers: LAYERS
            .iter()
            .map(|&layer| LayerJson {
                layer: layer.as_str(),
                items: checklist
                    .items
                    .iter()
                    .filter(|i| i.item.layer() == layer)
                    .map(|i| i.item.id())
                    .collect(),
                domain_spofs: if layer == Layer::Physical {
                    domain_spofs(report)
                        .filter_map(|f| f.event)
                        .map(|e| event_id(model, report.analysis.graph.events[e as usize]))
                        .collect()
                } else {
                    Vec::new()
                },
            })
            .collect(),
    }
}

/// The JSON of `spof checklist`.
pub fn json(model: &Model, report: &Report, file: &str) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        schema_version: u32,
        tool: crate::json::Tool,
        model: ModelJson<'a>,
        #[serde(flatten)]
        checklist: ChecklistJson,
    }
    #[derive(Serialize)]
    struct ModelJson<'a> {
        name: Option<&'a str>,
        file: &'a str,
    }
    crate::number::to_json(&Document {
        schema_version: crate::json::SCHEMA_VERSION,
        tool: crate::json::tool(),
        model: ModelJson {
            name: model.name.as_deref(),
            file,
        },
        checklist: checklist_json(model, report),
    })
}
