//! What the diagrams (Graphviz DOT and Mermaid) draw, worked out once for both: each component
//! placed in the innermost zone or region that holds all its instances (nested clusters), the
//! dependencies with their style (hard, optional, scoped per zone), the SPOFs, and the
//! journey to highlight. `dot.rs` and `mermaid.rs` only write it out.

use spof_engine::Report;
use spof_engine::graph::EventKind;
use spof_model::{ComponentId, DomainId, DomainKind, JourneyId, Model, Scope};

/// A diagram, ready to be written.
pub struct Diagram {
    pub nodes: Vec<Node>,
    /// The zones and regions that hold components, each with its parent cluster (a region),
    /// outermost first.
    pub clusters: Vec<Cluster>,
    pub edges: Vec<Edge>,
}

pub struct Node {
    pub component: ComponentId,
    /// The component's name, kind and instances, one item per line.
    pub label: Vec<String>,
    /// Index into `clusters`, or `None` at the top level.
    pub cluster: Option<usize>,
    pub spof: bool,
    /// On the highlighted journey.
    pub highlighted: bool,
}

pub struct Cluster {
    pub domain: DomainId,
    pub label: String,
    pub parent: Option<usize>,
    /// The domain's loss is a SPOF.
    pub spof: bool,
}

pub struct Edge {
    pub from: ComponentId,
    pub to: ComponentId,
    /// Optional, or served from a local copy: drawn dashed.
    pub soft: bool,
    /// "per zone", "only browse", joined.
    pub label: Option<String>,
    pub highlighted: bool,
}

impl Diagram {
    /// The nodes of a cluster (or of the top level), in model order.
    pub fn nodes_in(&self, cluster: Option<usize>) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(move |n| n.cluster == cluster)
    }

    /// The clusters directly inside a cluster (or at the top level).
    pub fn clusters_in(&self, parent: Option<usize>) -> impl Iterator<Item = (usize, &Cluster)> {
        self.clusters
            .iter()
            .enumerate()
            .filter(move |(_, c)| c.parent == parent)
    }
}

/// The levels a diagram groups by.
fn groups(kind: &DomainKind) -> bool {
    matches!(kind, DomainKind::Zone | DomainKind::Region)
}

pub fn diagram(model: &Model, report: &Report, journey: Option<JourneyId>) -> Diagram {
    let closure: &[ComponentId] = journey
        .map(|j| report.analysis.graph.journey_closures[j].as_slice())
        .unwrap_or(&[]);
    let on_journey = |c: ComponentId| closure.binary_search(&c).is_ok();
    let spof_domains: Vec<DomainId> = report
        .analysis
        .spofs()
        .filter_map(|e| match e.kind {
            EventKind::Domain(d) => Some(d),
            _ => None,
        })
        .collect();

    // The innermost zone or region that holds every instance of each component.
    let placement: Vec<Option<DomainId>> = (0..model.components.len())
        .map(|c| home(model, c))
        .collect();
    // Clusters: the homes and their enclosing zones and regions, outermost first.
    let mut used: Vec<DomainId> = Vec::new();
    for &d in placement.iter().flatten() {
        for ancestor in model.domain_chain(d) {
            if groups(&model.domains[ancestor].kind) && !used.contains(&ancestor) {
                used.push(ancestor);
            }
        }
    }
    let depth = |d: DomainId| model.domain_chain(d).count();
    used.sort_by_key(|&d| (depth(d), d));
    let mut clusters: Vec<Cluster> = Vec::new();
    for &d in &used {
        let parent = model
            .domain_chain(d)
            .skip(1)
            .find(|a| used.contains(a))
            .and_then(|a| clusters.iter().position(|c| c.domain == a));
        let domain = &model.domains[d];
        clusters.push(Cluster {
            domain: d,
            label: format!("{} {}", domain.kind.as_str(), domain.name),
            parent,
            spof: spof_domains.contains(&d),
        });
    }
    let cluster_of = |d: DomainId| clusters.iter().position(|c| c.domain == d);

    let nodes = model
        .components
        .iter()
        .enumerate()
        .map(|(c, component)| {
            let n = component.instances.len();
            let mut label = vec![
                component.name.clone(),
                component.kind.as_str().replace('_', " "),
            ];
            let zones = model.zones_of(c);
            let mut detail = if component.managed {
                "managed".to_string()
            } else {
                crate::text::count(n, "instance")
            };
            if zones.len() > 1 {
                let names: Vec<&str> = zones
                    .iter()
                    .map(|&z| model.domains[z].name.as_str())
                    .collect();
                detail.push_str(&format!(" over zones {}", names.join(", ")));
            }
            label.push(detail);
            if report.analysis.components[c].spof {
                label.push("SPOF".into());
            }
            Node {
                component: c,
                label,
                cluster: placement[c].and_then(cluster_of),
                spof: report.analysis.components[c].spof,
                highlighted: on_journey(c),
            }
        })
        .collect();

    let mut edges = Vec::new();
    for (c, component) in model.components.iter().enumerate() {
        for dependency in &component.depends_on {
            let mut words = Vec::new();
            if dependency.startup {
                words.push("to start".to_string());
            }
            if let Some(scope) = dependency.scope {
                words.push(format!("per {}", scope_word(scope)));
            }
            if let Some(list) = &dependency.journeys {
                let names: Vec<&str> = list
                    .iter()
                    .map(|&j| model.journeys[j].name.as_str())
                    .collect();
                words.push(format!("only {}", names.join(", ")));
            }
            edges.push(Edge {
                from: c,
                to: dependency.target,
                soft: dependency.is_soft() || dependency.startup,
                label: (!words.is_empty()).then(|| words.join("; ")),
                highlighted: journey.is_some_and(|j| {
                    on_journey(c) && on_journey(dependency.target) && dependency.applies_to(j)
                }),
            });
        }
    }
    Diagram {
        nodes,
        clusters,
        edges,
    }
}

fn scope_word(scope: Scope) -> &'static str {
    match scope {
        Scope::Host => "host",
        Scope::Rack => "rack",
        Scope::Zone => "zone",
        Scope::Region => "region",
    }
}

/// The innermost zone or region that every instance of `c` is in.
fn home(model: &Model, c: ComponentId) -> Option<DomainId> {
    let component = &model.components[c];
    let mut common: Option<Vec<DomainId>> = None;
    for instance in &component.instances {
        let mut mine: Vec<DomainId> = instance
            .domains
            .iter()
            .flat_map(|&d| model.domain_chain(d))
            .filter(|&d| groups(&model.domains[d].kind))
            .collect();
        mine.sort_unstable();
        mine.dedup();
        common = Some(match common {
            None => mine,
            Some(previous) => previous.into_iter().filter(|d| mine.contains(d)).collect(),
        });
    }
    common?
        .into_iter()
        .min_by_key(|&d| (model.domains[d].kind.rank(), d))
}
