//! Graphviz DOT: components in clusters per zone and region, hard dependencies solid, optional
//! ones dashed, scoped ones labelled; SPOFs red and bold; the journey chosen with `--journey`
//! filled and its edges thick.

use crate::diagram::{Diagram, diagram};
use spof_engine::Report;
use spof_model::{JourneyId, Model};
use std::fmt::Write;

pub fn dot(model: &Model, report: &Report, journey: Option<JourneyId>) -> String {
    let d = diagram(model, report, journey);
    let mut out = String::new();
    let title = model.name.as_deref().unwrap_or("spof");
    let _ = writeln!(out, "digraph {} {{", quote(title));
    let _ = writeln!(out, "  rankdir=LR;");
    let _ = writeln!(out, "  compound=true;");
    let mut label = match &model.name {
        Some(name) => format!("spof: {name}"),
        None => "spof".to_string(),
    };
    if let Some(j) = journey {
        let _ = write!(label, " (journey {} highlighted)", model.journeys[j].name);
    }
    let _ = writeln!(out, "  label={};", quote(&label));
    let _ = writeln!(
        out,
        "  node [shape=box, style=rounded, fontname=\"Helvetica\"];"
    );
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];");
    write_level(&mut out, &d, None, 1);
    for edge in &d.edges {
        let mut attributes = Vec::new();
        if edge.soft {
            attributes.push("style=dashed".to_string());
        }
        if let Some(label) = &edge.label {
            attributes.push(format!("label={}", quote(label)));
        }
        if edge.highlighted {
            attributes.push("color=\"#1d4ed8\", penwidth=2.5".to_string());
        }
        let _ = write!(out, "  n{} -> n{}", edge.from, edge.to);
        if !attributes.is_empty() {
            let _ = write!(out, " [{}]", attributes.join(", "));
        }
        let _ = writeln!(out, ";");
    }
    let _ = writeln!(out, "}}");
    out
}

fn write_level(out: &mut String, d: &Diagram, cluster: Option<usize>, indent: usize) {
    let pad = "  ".repeat(indent);
    for (index, c) in d.clusters_in(cluster) {
        let _ = writeln!(out, "{pad}subgraph cluster_{index} {{");
        let mut label = c.label.clone();
        if c.spof {
            label.push_str(" (SPOF)");
        }
        let _ = writeln!(out, "{pad}  label={};", quote(&label));
        if c.spof {
            let _ = writeln!(out, "{pad}  color=red; fontcolor=red; penwidth=2;");
        } else {
            let _ = writeln!(out, "{pad}  color=gray50;");
        }
        write_level(out, d, Some(index), indent + 1);
        let _ = writeln!(out, "{pad}}}");
    }
    for node in d.nodes_in(cluster) {
        let mut attributes = vec![format!("label={}", quote(&node.label.join("\n")))];
        let mut style = vec!["rounded"];
        if node.spof {
            style.push("bold");
            attributes.push("color=red, fontcolor=red, penwidth=2".into());
        }
        if node.highlighted {
            style.push("filled");
            attributes.push("fillcolor=\"#dbeafe\"".into());
        }
        attributes.push(format!("style={}", quote(&style.join(","))));
        let _ = writeln!(out, "{pad}n{} [{}];", node.component, attributes.join(", "));
    }
}

/// A DOT string: quoted, with quotes and backslashes escaped and line breaks as `\n`.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            other => out.push(other),
        }
    }
    out.push('"');
    out
}
