//! Mermaid flowcharts: the same drawing as the DOT output (`diagram.rs`), for Markdown
//! renderers that draw Mermaid (pull requests, wikis).

use crate::diagram::{Diagram, diagram};
use spof_engine::Report;
use spof_model::{JourneyId, Model};
use std::fmt::Write;

pub fn mermaid(model: &Model, report: &Report, journey: Option<JourneyId>) -> String {
    let d = diagram(model, report, journey);
    let mut out = String::from("flowchart LR\n");
    write_level(&mut out, &d, None, 1);
    let mut highlighted = Vec::new();
    for (index, edge) in d.edges.iter().enumerate() {
        let arrow = match (&edge.label, edge.soft) {
            (None, false) => "-->".to_string(),
            (None, true) => "-.->".to_string(),
            (Some(label), false) => format!("-->|\"{}\"|", text(label)),
            (Some(label), true) => format!("-.->|\"{}\"|", text(label)),
        };
        let _ = writeln!(out, "  n{} {arrow} n{}", edge.from, edge.to);
        if edge.highlighted {
            highlighted.push(index.to_string());
        }
    }
    let _ = writeln!(
        out,
        "  classDef spof stroke:#dc2626,stroke-width:3px,color:#dc2626,font-weight:bold"
    );
    let _ = writeln!(out, "  classDef journey fill:#dbeafe,stroke:#1d4ed8");
    let _ = writeln!(
        out,
        "  classDef spofJourney fill:#dbeafe,stroke:#dc2626,stroke-width:3px,color:#dc2626,font-weight:bold"
    );
    for (class, wanted) in [
        ("spof", (true, false)),
        ("journey", (false, true)),
        ("spofJourney", (true, true)),
    ] {
        let ids: Vec<String> = d
            .nodes
            .iter()
            .filter(|n| (n.spof, n.highlighted) == wanted)
            .map(|n| format!("n{}", n.component))
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(out, "  class {} {class}", ids.join(","));
        }
    }
    for (index, cluster) in d.clusters.iter().enumerate() {
        if cluster.spof {
            let _ = writeln!(out, "  style c{index} stroke:#dc2626,stroke-width:3px");
        }
    }
    if !highlighted.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:#1d4ed8,stroke-width:3px",
            highlighted.join(",")
        );
    }
    out
}

fn write_level(out: &mut String, d: &Diagram, cluster: Option<usize>, indent: usize) {
    let pad = "  ".repeat(indent);
    for (index, c) in d.clusters_in(cluster) {
        let mut label = c.label.clone();
        if c.spof {
            label.push_str(" (SPOF)");
        }
        let _ = writeln!(out, "{pad}subgraph c{index} [\"{}\"]", text(&label));
        write_level(out, d, Some(index), indent + 1);
        let _ = writeln!(out, "{pad}end");
    }
    for node in d.nodes_in(cluster) {
        let label: Vec<String> = node.label.iter().map(|l| text(l)).collect();
        let _ = writeln!(out, "{pad}n{}[\"{}\"]", node.component, label.join("<br/>"));
    }
}

/// Text inside a quoted Mermaid label: quotes and the characters Mermaid reads as markup
/// written as entity codes.
fn text(label: &str) -> String {
    let mut out = String::new();
    for ch in label.chars() {
        match ch {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' | '\r' => out.push(' '),
            other => out.push(other),
        }
    }
    out
}
