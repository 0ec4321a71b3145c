//! Whole-model checks and completions that need every component read first: the implicit
//! journey when none is declared, and dependency cycles (warned about, with their meaning).

use crate::{Diagnostic, Journey, Model, Span};
// Kosaraju's, not Tarjan's: petgraph's Tarjan recurses once per node of a dependency chain
// and overflows the stack on a long one (a generated model of 20,000 chained components).
use petgraph::algo::kosaraju_scc;
use petgraph::graph::DiGraph;

/// The name of the journey spof makes up when the model declares none.
pub const IMPLICIT_JOURNEY: &str = "system";

pub fn complete(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    warn_cycles(model, diagnostics);
    if model.journeys.is_empty() && !model.components.is_empty() {
        model.journeys.push(Journey {
            name: IMPLICIT_JOURNEY.into(),
            description: Some("the whole system (no journeys are declared)".into()),
            path: entry_points(model),
            critical: true,
            rto_target: None,
            traffic: None,
            downtime_cost_per_hour: None,
            load: None,
            declared: false,
            span: Span::default(),
        });
    }
}

/// The components nothing depends on, plus every member of a dependency cycle that nothing
/// outside the cycle depends on. A request of the whole system enters through these; what is
/// reached only through optional edges stays optional.
fn entry_points(model: &Model) -> Vec<usize> {
    let graph = dependency_graph(model, true);
    let sccs = kosaraju_scc(&graph);
    let mut scc_of = vec![0; model.components.len()];
    for (i, scc) in sccs.iter().enumerate() {
        for node in scc {
            scc_of[node.index()] = i;
        }
    }
    // Monitoring and the deploy pipeline watch and change the system; requests do not pass
    // through them, so what they depend on is no entry point for that.
    let off_path = |c: usize| {
        matches!(
            model.components[c].kind,
            crate::Kind::Monitoring | crate::Kind::DeployPipeline
        )
    };
    let mut has_incoming = vec![false; sccs.len()];
    for edge in graph.raw_edges() {
        if off_path(edge.source().index()) {
            continue;
        }
        let (from, to) = (scc_of[edge.source().index()], scc_of[edge.target().index()]);
        if from != to {
            has_incoming[to] = true;
        }
    }
    let mut roots: Vec<usize> = (0..model.components.len())
        .filter(|&c| !has_incoming[scc_of[c]] && !off_path(c))
        .collect();
    roots.sort_unstable();
    roots
}

fn dependency_graph(model: &Model, include_optional: bool) -> DiGraph<(), Span> {
    let mut graph = DiGraph::new();
    let nodes: Vec<_> = model
        .components
        .iter()
        .map(|_| graph.add_node(()))
        .collect();
    for (c, component) in model.components.iter().enumerate() {
        for dep in &component.depends_on {
            if include_optional || !dep.optional {
                graph.add_edge(nodes[c], nodes[dep.target], dep.span);
            }
        }
    }
    graph
}

/// A cycle of hard dependencies is analysed as mutual dependence: a failure anywhere on it
/// takes every member down, and the cycle by itself fails nothing (the least fixed point).
/// It is still worth a warning: such a system cannot cold-start without breaking the cycle.
fn warn_cycles(model: &Model, diagnostics: &mut Vec<Diagnostic>) {
    let graph = dependency_graph(model, false);
    let mut sccs = kosaraju_scc(&graph);
    for scc in &mut sccs {
        scc.sort_unstable();
    }
    sccs.sort();
    for scc in sccs.iter().filter(|s| s.len() > 1) {
        let members: Vec<&str> = scc
            .iter()
            .map(|n| model.components[n.index()].name.as_str())
            .collect();
        // Point at one edge inside the cycle, and mention the others.
        let inside: Vec<Span> = graph
            .raw_edges()
            .iter()
            .filter(|e| scc.contains(&e.source()) && scc.contains(&e.target()))
            .map(|e| e.weight)
            .collect();
        let mut diagnostic = Diagnostic::warning(
            "dependency-cycle",
            inside[0],
            format!("dependency cycle: {} depend on each other", members.join(", ")),
        )
        .with_label("closes a cycle")
        .with_help("a failure of any member takes all of them down; the cycle alone fails nothing. Break it if the system must be able to start from cold");
        for span in inside.iter().skip(1) {
            diagnostic = diagnostic.with_related(*span, "also on the cycle");
        }
        diagnostics.push(diagnostic);
    }
}
