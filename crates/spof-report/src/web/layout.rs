//! The diagram's layout, computed here and sent to the page as coordinates: failure domains as
//! nested boxes (provider, region, zone, rack, host, and custom domains that contain others),
//! each instance drawn inside the innermost box it runs in, and components in columns by
//! their depth in the dependency graph (entry points on the left, what they call to the
//! right), so that every box reads left to right the same way.
//!
//! Deterministic: the same model gives the same coordinates (snapshot-tested), and linear in
//! the size of the model apart from the per-dependency choice of the target drawn.

use serde::Serialize;
use spof_engine::graph::{FaultGraph, event_id};
use spof_model::{ComponentId, DomainId, Model};
use std::collections::HashMap;

/// Node size and spacing, in the page's units (CSS pixels at zoom 1).
pub const NODE_W: f64 = 136.0;
pub const NODE_H: f64 = 30.0;
const ROW_GAP: f64 = 10.0;
const SUB_GAP: f64 = 14.0;
const RANK_GAP: f64 = 64.0;
const HEADER: f64 = 26.0;
const PAD: f64 = 12.0;
const INDENT: f64 = 14.0;
/// Nodes stacked in one column of a box before the column wraps.
const MAX_STACK: usize = 24;
/// Instances of one component in one box drawn one by one; more are drawn as one node.
const MAX_SINGLE: usize = 4;
/// Above this many nodes, each dependency is drawn once per box of its caller, not once per
/// instance.
const EDGE_DETAIL_LIMIT: usize = 2_000;

#[derive(Serialize, Debug)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    pub boxes: Vec<BoxJson>,
    pub nodes: Vec<NodeJson>,
    pub edges: Vec<EdgeJson>,
    /// Each component's column: its depth below the entry points.
    pub ranks: Vec<u32>,
}

/// A failure domain drawn as a box.
#[derive(Serialize, Debug)]
pub struct BoxJson {
    /// The domain's event id (`zone:a`), which is what clicking the box fails.
    pub event: String,
    pub name: String,
    pub kind: String,
    pub parent: Option<usize>,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// One instance of a component, or several of one component in one box.
#[derive(Serialize, Debug)]
pub struct NodeJson {
    /// Component index (into the report's `components`).
    pub c: usize,
    /// The instances drawn (indices into the component's instances).
    pub i: Vec<u32>,
    /// The event ids of those instances; empty for a managed component (no events of its own).
    pub ev: Vec<String>,
    pub label: String,
    /// The innermost box, if any.
    #[serde(rename = "box")]
    pub in_box: Option<usize>,
    /// Domains the instances are in that are not boxes around them (custom domains beside
    /// the hierarchy): failing one of them fails these instances too.
    pub also: Vec<String>,
    pub x: f64,
    pub y: f64,
}

/// A dependency, drawn from one node of the caller to the node of the target it reaches.
#[derive(Serialize, Debug)]
pub struct EdgeJson {
    pub a: usize,
    pub b: usize,
    /// hard, optional, startup, scoped or request.
    pub kind: &'static str,
    /// The scope's level for a scoped dependency (`zone`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'static str>,
    /// The journeys the call is made on, for a request-scoped dependency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journeys: Option<Vec<String>>,
}

/// Each component's depth below the entry points: 0 for a component nothing depends on, else
/// one more than the deepest caller. A dependency cycle shares one depth.
pub fn ranks(model: &Model, graph: &FaultGraph) -> Vec<u32> {
    let n = model.components.len();
    let mut callers: Vec<Vec<ComponentId>> = vec![Vec::new(); n];
    for (c, component) in model.components.iter().enumerate() {
        for d in &component.depends_on {
            callers[d.target].push(c);
        }
    }
    let mut set_of = vec![0usize; n];
    for (s, set) in graph.order.iter().enumerate() {
        for &c in set {
            set_of[c] = s;
        }
    }
    let mut rank = vec![0u32; n];
    // Dependencies come first in `order`: walking it backwards meets callers first.
    for (s, set) in graph.order.iter().enumerate().rev() {
        let r = set
            .iter()
            .flat_map(|&c| callers[c].iter())
            .filter(|&&caller| set_of[caller] != s)
            .map(|&caller| rank[caller] + 1)
            .max()
            .unwrap_or(0);
        for &c in set {
            rank[c] = r;
        }
    }
    rank
}

/// The chain of boxes an instance is drawn in, outermost first: the enclosing chain of its
/// most specific domain. Its other domains are returned beside, and common causes always are:
/// they are not places.
fn placement(model: &Model, domains: &[DomainId]) -> (Vec<DomainId>, Vec<DomainId>) {
    let chain = domains
        .iter()
        .filter(|&&d| model.domains[d].kind != spof_model::DomainKind::CommonCause)
        .map(|&d| model.domain_chain(d).collect::<Vec<_>>())
        .max_by_key(|chain| chain.len())
        .unwrap_or_default();
    let others = domains
        .iter()
        .flat_map(|&d| model.domain_chain(d))
        .filter(|d| !chain.contains(d))
        .collect::<Vec<_>>();
    let mut others = others;
    others.sort_unstable();
    others.dedup();
    (chain.into_iter().rev().collect(), others)
}

/// Places a band of nodes at a height and returns the band's height.
type PlaceBand<'a> = dyn Fn(&[usize], f64, &mut Vec<NodeJson>) -> f64 + 'a;

struct BoxNode {
    domain: DomainId,
    parent: Option<usize>,
    level: usize,
    children: Vec<usize>,
    /// Nodes drawn directly in the box.
    nodes: Vec<usize>,
}

pub fn layout(model: &Model, graph: &FaultGraph) -> Scene {
    let ranks = ranks(model, graph);
    let max_rank = ranks.iter().copied().max().unwrap_or(0) as usize;

    // Boxes: one per domain on some instance's chain, nested as the chain says.
    let mut boxes: Vec<BoxNode> = Vec::new();
    let mut box_of: HashMap<(Option<usize>, DomainId), usize> = HashMap::new();
    let mut top_boxes: Vec<usize> = Vec::new();
    let mut top_nodes: Vec<usize> = Vec::new();
    let mut nodes: Vec<NodeJson> = Vec::new();
    for (c, component) in model.components.iter().enumerate() {
        // Instances of the component by the box they are drawn in, in instance order.
        let mut by_box: Vec<(Option<usize>, Vec<u32>, Vec<DomainId>)> = Vec::new();
        for (i, instance) in component.instances.iter().enumerate() {
            let (chain, others) = placement(model, &instance.domains);
            let mut parent: Option<usize> = None;
            for &d in &chain {
                let next = *box_of.entry((parent, d)).or_insert_with(|| {
                    boxes.push(BoxNode {
                        domain: d,
                        parent,
                        level: parent.map_or(0, |p| boxes[p].level + 1),
                        children: Vec::new(),
                        nodes: Vec::new(),
                    });
                    let id = boxes.len() - 1;
                    match parent {
                        Some(p) => boxes[p].children.push(id),
                        None => top_boxes.push(id),
                    }
                    id
                });
                parent = Some(next);
            }
            match by_box.iter_mut().find(|(b, _, _)| *b == parent) {
                Some((_, list, also)) => {
                    list.push(i as u32);
                    also.extend(others);
                }
                None => by_box.push((parent, vec![i as u32], others)),
            }
        }
        for (in_box, instances, mut also) in by_box {
            also.sort_unstable();
            also.dedup();
            let also: Vec<String> = also
                .iter()
                .map(|&d| event_id(model, spof_engine::graph::EventKind::Domain(d)))
                .collect();
            let chunks: Vec<Vec<u32>> = if instances.len() <= MAX_SINGLE {
                instances.iter().map(|&i| vec![i]).collect()
            } else {
                vec![instances]
            };
            for chunk in chunks {
                let ev: Vec<String> = chunk
                    .iter()
                    .filter_map(|&i| graph.instance_event(c, i as usize))
                    .map(|e| event_id(model, graph.events[e as usize]))
                    .collect();
                let label = if chunk.len() == 1 {
                    format!(
                        "{}/{}",
                        component.name, component.instances[chunk[0] as usize].name
                    )
                } else {
                    format!("{} ×{}", component.name, chunk.len())
                };
                let id = nodes.len();
                nodes.push(NodeJson {
                    c,
                    i: chunk,
                    ev,
                    label,
                    in_box,
                    also: also.clone(),
                    x: 0.0,
                    y: 0.0,
                });
                match in_box {
                    Some(b) => boxes[b].nodes.push(id),
                    None => top_nodes.push(id),
                }
            }
        }
    }

    // Columns: each depth gets as many sub-columns as its tallest stack needs in any box.
    let mut subs = vec![1usize; max_rank + 1];
    let count_band = |list: &[usize], subs: &mut Vec<usize>| {
        let mut counts = vec![0usize; max_rank + 1];
        for &n in list {
            counts[ranks[nodes[n].c] as usize] += 1;
        }
        for (r, &k) in counts.iter().enumerate() {
            subs[r] = subs[r].max(k.div_ceil(MAX_STACK));
        }
    };
    count_band(&top_nodes, &mut subs);
    for b in &boxes {
        count_band(&b.nodes, &mut subs);
    }
    let max_level = boxes.iter().map(|b| b.level + 1).max().unwrap_or(0);
    let x0 = max_level as f64 * INDENT + INDENT + PAD;
    let mut rank_x = Vec::with_capacity(max_rank + 1);
    let mut x = x0;
    for &s in &subs {
        rank_x.push(x);
        x += s as f64 * (NODE_W + SUB_GAP) - SUB_GAP + RANK_GAP;
    }
    let width = x - RANK_GAP + x0;

    // Rows: a band of the box's own nodes, then its boxes one under the other.
    let place_band = |list: &[usize], y: f64, nodes: &mut Vec<NodeJson>| -> f64 {
        let mut next_row = vec![0usize; max_rank + 1];
        let mut rows = 0usize;
        for &n in list {
            let r = ranks[nodes[n].c] as usize;
            let k = next_row[r];
            next_row[r] += 1;
            let (sub, row) = (k / MAX_STACK, k % MAX_STACK);
            rows = rows.max(row + 1);
            nodes[n].x = rank_x[r] + sub as f64 * (NODE_W + SUB_GAP);
            nodes[n].y = y + row as f64 * (NODE_H + ROW_GAP);
        }
        if rows == 0 {
            0.0
        } else {
            rows as f64 * (NODE_H + ROW_GAP) - ROW_GAP
        }
    };
    let mut out_boxes: Vec<BoxJson> = boxes
        .iter()
        .map(|b| {
            let d = &model.domains[b.domain];
            BoxJson {
                event: event_id(model, spof_engine::graph::EventKind::Domain(b.domain)),
                name: d.name.clone(),
                kind: d.kind.as_str().to_string(),
                parent: b.parent,
                x: 0.0,
                y: 0.0,
                w: 0.0,
                h: 0.0,
            }
        })
        .collect();
    // Depth-first: a box's height is known once its children are placed. Domains nest at
    // most 64 deep (the model refuses more), so the recursion is bounded.
    fn place_box(
        b: usize,
        y: f64,
        boxes: &[BoxNode],
        out: &mut [BoxJson],
        nodes: &mut Vec<NodeJson>,
        width: f64,
        place_band: &PlaceBand,
    ) -> f64 {
        let level = boxes[b].level as f64;
        let mut cursor = y + HEADER;
        let band = place_band(&boxes[b].nodes, cursor, nodes);
        if band > 0.0 {
            cursor += band + PAD;
        }
        for &child in &boxes[b].children {
            cursor = place_box(child, cursor, boxes, out, nodes, width, place_band) + PAD;
        }
        let left = level * INDENT + PAD / 2.0;
        out[b].x = left;
        out[b].y = y;
        out[b].w = width - 2.0 * left;
        out[b].h = cursor - y;
        cursor
    }
    let mut y = PAD;
    let band = place_band(&top_nodes, y, &mut nodes);
    if band > 0.0 {
        y += band + 2.0 * PAD;
    }
    for &b in &top_boxes {
        y = place_box(b, y, &boxes, &mut out_boxes, &mut nodes, width, &place_band) + PAD;
    }
    let height = y + PAD;

    let edges = edges(model, &boxes, &nodes);
    Scene {
        width,
        height,
        boxes: out_boxes,
        nodes,
        edges,
        ranks,
    }
}

/// One edge per dependency and node of the caller (per box of the caller on a large model),
/// to the target's node nearest in the box tree: in the same box if it has one there, else in
/// the box they share the most of, else the target's primary instance.
fn edges(model: &Model, boxes: &[BoxNode], nodes: &[NodeJson]) -> Vec<EdgeJson> {
    let mut nodes_of: Vec<Vec<usize>> = vec![Vec::new(); model.components.len()];
    for (n, node) in nodes.iter().enumerate() {
        nodes_of[node.c].push(n);
    }
    let chain = |b: Option<usize>| -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = b;
        while let Some(x) = at {
            out.push(x);
            at = boxes[x].parent;
        }
        out.reverse();
        out
    };
    let shared = |a: &[usize], b: &[usize]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let detailed = nodes.len() <= EDGE_DETAIL_LIMIT;
    let mut out = Vec::new();
    for (c, component) in model.components.iter().enumerate() {
        let mut seen_boxes: Vec<Option<usize>> = Vec::new();
        for &a in &nodes_of[c] {
            if !detailed {
                if seen_boxes.contains(&nodes[a].in_box) {
                    continue;
                }
                seen_boxes.push(nodes[a].in_box);
            }
            let from = chain(nodes[a].in_box);
            for dep in &component.depends_on {
                let target = &model.components[dep.target];
                let candidates = &nodes_of[dep.target];
                let primary = candidates
                    .iter()
                    .position(|&n| nodes[n].i.contains(&(target.primary as u32)))
                    .unwrap_or(0);
                let mut best = candidates[primary];
                let mut best_shared = shared(&from, &chain(nodes[best].in_box));
                for &b in candidates {
                    let s = shared(&from, &chain(nodes[b].in_box));
                    if s > best_shared {
                        best = b;
                        best_shared = s;
                    }
                }
                let kind = if dep.startup {
                    "startup"
                } else if dep.is_soft() {
                    "optional"
                } else if dep.journeys.is_some() {
                    "request"
                } else if dep.scope.is_some() {
                    "scoped"
                } else {
                    "hard"
                };
                out.push(EdgeJson {
                    a,
                    b: best,
                    kind,
                    scope: dep.scope.map(|s| match s {
                        spof_model::Scope::Host => "host",
                        spof_model::Scope::Rack => "rack",
                        spof_model::Scope::Zone => "zone",
                        spof_model::Scope::Region => "region",
                    }),
                    journeys: dep.journeys.as_ref().map(|list| {
                        list.iter()
                            .map(|&j| model.journeys[j].name.clone())
                            .collect()
                    }),
                });
            }
        }
    }
    out
}
