//! The report of `spof risks`: per journey, the most probable groups of events that together
//! take it down, each explained in words.

use crate::number::{fixed, scientific};
use serde::Serialize;
use spof_engine::graph::{EventKind, FaultGraph, describe_event, event_id};
use spof_engine::risks::JourneyRisks;
use spof_model::Model;
use std::fmt::Write;

/// "zone a and zone b: together they take down app".
pub fn explain(model: &Model, graph: &FaultGraph, events: &[u32], together: &[usize]) -> String {
    let kinds: Vec<EventKind> = events.iter().map(|&e| graph.events[e as usize]).collect();
    let words: Vec<String> = kinds.iter().map(|&k| describe_event(model, k)).collect();
    let members =
        spof_engine::findings::join_and(&words.iter().map(String::as_str).collect::<Vec<_>>());
    if together.is_empty() {
        return members;
    }
    let names: Vec<&str> = together
        .iter()
        .map(|&c| model.components[c].name.as_str())
        .collect();
    format!(
        "{members}: together they take down {}",
        spof_engine::findings::join_and(&names)
    )
}

pub fn text(
    model: &Model,
    graph: &FaultGraph,
    results: &[JourneyRisks],
    max_order: u32,
    _color: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "spof risks: {} ({})",
        model.name.as_deref().unwrap_or("model"),
        if max_order < 2 {
            "single points of failure only: --max-order 1 looks for no group".to_string()
        } else {
            format!("groups of 2 to {max_order} events")
        }
    );
    for result in results {
        let journey = &model.journeys[result.journey];
        let counts: Vec<String> = result
            .by_order
            .iter()
            .enumerate()
            .skip(2)
            .map(|(k, n)| format!("{n} of {k}"))
            .collect();
        let unavailability = match result.unavailability {
            Some(u) => format!(
                "unavailability {} ({} h a year)",
                scientific(u, 3),
                fixed(u * 8760.0, 1)
            ),
            None => "unavailability not computed (too large for a decision diagram; groups found without one)".to_string(),
        };
        let groups = if max_order < 2 {
            String::new()
        } else if counts.is_empty() {
            "; risk groups: none".to_string()
        } else {
            format!("; risk groups: {}", counts.join(", "))
        };
        let _ = writeln!(out, "\njourney {}: {unavailability}{groups}", journey.name);
        if !result.singles.is_empty() {
            let ids: Vec<String> = result
                .singles
                .iter()
                .map(|&e| event_id(model, graph.events[e as usize]))
                .collect();
            let _ = writeln!(
                out,
                "  single points of failure (see spof check): {}",
                ids.join(", ")
            );
        }
        for (rank, group) in result.groups.iter().enumerate() {
            let ids: Vec<String> = group
                .events
                .iter()
                .map(|&e| event_id(model, graph.events[e as usize]))
                .collect();
            let _ = writeln!(
                out,
                "  {:>3}. {}  {}",
                rank + 1,
                scientific(group.probability, 2),
                ids.join(" + ")
            );
            let _ = writeln!(
                out,
                "             {}",
                explain(model, graph, &group.events, &group.together)
            );
        }
    }
    out
}

#[derive(Serialize)]
struct RisksJson<'a> {
    schema_version: u32,
    max_order: u32,
    journeys: Vec<JourneyJson<'a>>,
}

#[derive(Serialize)]
struct JourneyJson<'a> {
    journey: &'a str,
    /// `null` when the model is too large for the exact figure.
    unavailability: Option<f64>,
    by_order: Vec<u128>,
    singles: Vec<String>,
    groups: Vec<GroupJson<'a>>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    events: Vec<String>,
    probability: f64,
    together: Vec<&'a str>,
    explanation: String,
}

/// The number of minimal sets of each order from 0 to `max_order`: order 1 counts the single
/// points of failure (the analysis counts only the groups).
fn by_order(result: &JourneyRisks, max_order: u32) -> Vec<u128> {
    let mut counts = result.by_order.clone();
    counts.resize(counts.len().max(max_order as usize + 1), 0);
    counts[1] = result.singles.len() as u128;
    counts
}

pub fn json(model: &Model, graph: &FaultGraph, results: &[JourneyRisks], max_order: u32) -> String {
    let doc = RisksJson {
        schema_version: 1,
        max_order,
        journeys: results
            .iter()
            .map(|r| JourneyJson {
                journey: &model.journeys[r.journey].name,
                unavailability: r.unavailability,
                by_order: by_order(r, max_order),
                singles: r
                    .singles
                    .iter()
                    .map(|&e| event_id(model, graph.events[e as usize]))
                    .collect(),
                groups: r
                    .groups
                    .iter()
                    .map(|g| GroupJson {
                        events: g
                            .events
                            .iter()
                            .map(|&e| event_id(model, graph.events[e as usize]))
                            .collect(),
                        probability: g.probability,
                        together: g
                            .together
                            .iter()
                            .map(|&c| model.components[c].name.as_str())
                            .collect(),
                        explanation: explain(model, graph, &g.events, &g.together),
                    })
                    .collect(),
            })
            .collect(),
    };
    crate::number::to_json(&doc)
}
