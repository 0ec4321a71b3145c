//! The report of `spof fta`: probabilities, cut-set counts by order, the most probable sets.

use serde::Serialize;
use spof_fta::fta::{FaultTree, FtaResult};
use std::fmt::Write;

/// A count with thousands separators: 82,000,000,000.
fn grouped(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Six significant digits, as fault-tree tools print probabilities.
fn probability(p: f64) -> String {
    if p.is_nan() {
        "unknown (some basic events have no probability)".into()
    } else if p == 0.0 {
        "0".into()
    } else {
        crate::number::scientific(p, 5)
    }
}

pub fn text(
    tree: &FaultTree,
    results: &[FtaResult],
    files: &[&str],
    max_order: Option<u32>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "spof fta: {} ({} gates, {} basic events)",
        files.join(", "),
        tree.gates.len(),
        tree.events.len()
    );
    for result in results {
        let _ = writeln!(out, "\ntop event {}", tree.gates[result.top_gate].name);
        if result.exact {
            let _ = writeln!(
                out,
                "  probability       {} (exact)",
                probability(result.probability)
            );
        } else {
            let _ = writeln!(
                out,
                "  probability       not computed (the BDD grew past its limit of nodes; cut sets built without it)"
            );
        }
        let _ = writeln!(
            out,
            "  rare-event        {}",
            probability(result.rare_event)
        );
        match result.mcub {
            Some(m) => {
                let _ = writeln!(out, "  min-cut upper     {}", probability(m));
            }
            None => {
                let _ = writeln!(
                    out,
                    "  min-cut upper     not computed (too many cut sets to go through)"
                );
            }
        }
        let limit = max_order.map_or(String::new(), |k| format!(" (order at most {k})"));
        let _ = writeln!(
            out,
            "  minimal cut sets  {}{limit}",
            grouped(result.cut_sets)
        );
        let orders: Vec<String> = result
            .by_order
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, n)| format!("{i}: {}", grouped(*n)))
            .collect();
        if result.by_order.first().copied().unwrap_or(0) > 0 {
            let _ = writeln!(
                out,
                "  by order          the empty set (the top event is certain)"
            );
        }
        if !orders.is_empty() {
            let _ = writeln!(out, "  by order          {}", orders.join(", "));
        }
        let _ = writeln!(
            out,
            "  decision diagrams {} BDD nodes ({} s), {} ZBDD nodes ({} s)",
            grouped(result.bdd_nodes as u128),
            crate::number::fixed(result.bdd_time.as_secs_f64(), 2),
            grouped(result.zbdd_nodes as u128),
            crate::number::fixed(result.cut_set_time.as_secs_f64(), 2)
        );
        if !result.most_probable.is_empty() {
            let _ = writeln!(out, "  most probable cut sets:");
            for (rank, (events, p)) in result.most_probable.iter().enumerate() {
                let names: Vec<&str> = events
                    .iter()
                    .map(|&e| tree.events[e].name.as_str())
                    .collect();
                let _ = writeln!(
                    out,
                    "    {:>3}. {}  {}",
                    rank + 1,
                    probability(*p),
                    names.join(" ")
                );
            }
        }
    }
    out
}

#[derive(Serialize)]
struct FtaJson<'a> {
    schema_version: u32,
    files: &'a [&'a str],
    gates: usize,
    basic_events: usize,
    max_order: Option<u32>,
    results: Vec<ResultJson<'a>>,
}

#[derive(Serialize)]
struct ResultJson<'a> {
    top: &'a str,
    probability: Option<f64>,
    rare_event: Option<f64>,
    mcub: Option<f64>,
    /// A number when it fits a double exactly, else a string.
    cut_sets: serde_json::Value,
    by_order: Vec<serde_json::Value>,
    most_probable: Vec<CutSetJson<'a>>,
    bdd_nodes: usize,
    zbdd_nodes: usize,
}

#[derive(Serialize)]
struct CutSetJson<'a> {
    events: Vec<&'a str>,
    probability: Option<f64>,
}

fn count(n: u128) -> serde_json::Value {
    if n < (1u128 << 53) {
        serde_json::Value::from(n as u64)
    } else {
        serde_json::Value::from(n.to_string())
    }
}

pub fn json(
    tree: &FaultTree,
    results: &[FtaResult],
    files: &[&str],
    max_order: Option<u32>,
) -> String {
    let doc = FtaJson {
        schema_version: 1,
        files,
        gates: tree.gates.len(),
        basic_events: tree.events.len(),
        max_order,
        results: results
            .iter()
            .map(|r| ResultJson {
                top: &tree.gates[r.top_gate].name,
                probability: Some(r.probability).filter(|p| !p.is_nan()),
                rare_event: Some(r.rare_event).filter(|p| !p.is_nan()),
                mcub: r.mcub.filter(|p| !p.is_nan()),
                cut_sets: count(r.cut_sets),
                by_order: r.by_order.iter().map(|&n| count(n)).collect(),
                most_probable: r
                    .most_probable
                    .iter()
                    .map(|(events, p)| CutSetJson {
                        events: events
                            .iter()
                            .map(|&e| tree.events[e].name.as_str())
                            .collect(),
                        probability: Some(*p).filter(|p| !p.is_nan()),
                    })
                    .collect(),
                bdd_nodes: r.bdd_nodes,
                zbdd_nodes: r.zbdd_nodes,
            })
            .collect(),
    };
    crate::number::to_json(&doc)
}
