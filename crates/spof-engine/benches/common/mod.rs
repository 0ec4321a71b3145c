//! Shared by the criterion bench (`benches/analysis.rs`) and the memory/phase measurement
//! (`examples/bench_memory.rs`): a deterministic generator of large models and the baseline
//! traversal of a compiled fault graph.
//!
//! The generated model for `n` instances: one provider, 2 regions of 3 zones, racks of 20
//! hosts, about 20 instances per host; about `n / 100` components of about 100 instances in
//! 8 layers, each component of a layer depending on 1 to 3 components of the next (some
//! optional, some scoped per zone); replicas spread round-robin over the zones of both regions
//! (or of one region) and over random hosts in each zone; k-of-n with `min_healthy` in
//! 1..n-1, with a few single-instance, all-at-once, active-passive and health-check-less
//! components; 5 journeys whose paths are top-layer components.

use spof_engine::graph::FaultGraph;
use spof_model::{
    Component, Dependency, DeployStrategy, Domain, DomainId, DomainKind, Duration, Failover,
    Instance, Journey, Kind, Model, Redundancy, Scope, Span,
};

/// Instances per host, hosts per rack, dependency layers, journeys.
const INSTANCES_PER_HOST: usize = 20;
const HOSTS_PER_RACK: usize = 20;
const LAYERS: usize = 8;
const JOURNEYS: usize = 5;

/// A 64-bit linear congruential generator (Knuth's MMIX constants): deterministic, no crate.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// Uniform in `0..bound` (bound > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn domain(name: String, kind: DomainKind, parent: Option<DomainId>) -> Domain {
    Domain {
        name,
        kind,
        parent,
        restore_time: None,
        failures_per_year: None,
        common_cause: None,
        span: Span::default(),
    }
}

/// A model of exactly `instances` instances (at least 100), the same for the same argument.
#[allow(dead_code)] // the example calls `model_sized`
pub fn model(instances: usize) -> Model {
    model_sized(instances, 100)
}

/// Like `model`, with components of about `per_component` instances (at least 2) instead of
/// 100: to see how the cost grows with the size of one component rather than their number.
pub fn model_sized(instances: usize, per_component: usize) -> Model {
    let instances = instances.max(100);
    let per_component = per_component.max(2);
    let mut rng = Lcg::new((instances as u64) << 20 ^ per_component as u64);
    let mut model = Model {
        name: Some(format!("generated-{instances}")),
        ..Model::default()
    };

    // Failure domains: provider > 2 regions > 3 zones each > racks > hosts.
    model
        .domains
        .push(domain("cloud".into(), DomainKind::Provider, None));
    let mut zones = Vec::new();
    for r in 0..2 {
        let region = model.domains.len();
        model
            .domains
            .push(domain(format!("region-{r}"), DomainKind::Region, Some(0)));
        for z in 0..3 {
            zones.push(model.domains.len());
            let mut zone = domain(format!("zone-{r}{z}"), DomainKind::Zone, Some(region));
            zone.restore_time = Some(Duration(4 * 3600));
            model.domains.push(zone);
        }
    }
    let hosts_per_zone = (instances / INSTANCES_PER_HOST / zones.len()).max(2);
    let racks_per_zone = hosts_per_zone.div_ceil(HOSTS_PER_RACK);
    let mut zone_hosts: Vec<Vec<DomainId>> = Vec::new();
    for (z, &zone) in zones.iter().enumerate() {
        let racks: Vec<DomainId> = (0..racks_per_zone)
            .map(|r| {
                model.domains.push(domain(
                    format!("rack-{z}-{r}"),
                    DomainKind::Rack,
                    Some(zone),
                ));
                model.domains.len() - 1
            })
            .collect();
        let hosts = (0..hosts_per_zone)
            .map(|h| {
                model.domains.push(domain(
                    format!("host-{z}-{h}"),
                    DomainKind::Host,
                    Some(racks[h / HOSTS_PER_RACK]),
                ));
                model.domains.len() - 1
            })
            .collect();
        zone_hosts.push(hosts);
    }

    // Component sizes: about 100 instances each, a few single-instance and active-passive
    // pairs, summing to exactly `instances`.
    struct Shape {
        n: usize,
        active_passive: bool,
    }
    let mut shapes = Vec::new();
    let mut remaining = instances;
    while remaining > 0 {
        let (mut n, active_passive) = match rng.below(100) {
            0..2 => (1, false),
            2..7 => (2 + rng.below(2), true),
            _ => (per_component / 2 + rng.below(per_component + 1), false),
        };
        n = n.min(remaining);
        if remaining - n == 1 && n > 2 {
            n += 1;
        }
        remaining -= n;
        shapes.push(Shape { n, active_passive });
    }
    let count = shapes.len();
    let layer_of = |c: usize| c * LAYERS / count;
    let layer_start = |l: usize| (l * count).div_ceil(LAYERS);

    for (c, shape) in shapes.iter().enumerate() {
        let layer = layer_of(c);
        let n = shape.n;
        // Zones used: both regions (most), or one region.
        let zone_list: Vec<usize> = if rng.percent(80) {
            (0..zones.len()).collect()
        } else {
            let r = rng.below(2);
            (3 * r..3 * r + 3).collect()
        };
        let offset = rng.below(zone_list.len());
        let instances = (0..n)
            .map(|i| {
                let z = zone_list[(offset + i) % zone_list.len()];
                let host = zone_hosts[z][rng.below(hosts_per_zone)];
                Instance {
                    name: i.to_string(),
                    domains: vec![host],
                    span: Span::default(),
                }
            })
            .collect();
        let (redundancy, min_healthy) = if shape.active_passive {
            let failover = if rng.percent(50) {
                Failover::Automatic
            } else {
                Failover::Manual
            };
            let failover_time = Duration(if failover == Failover::Automatic {
                60
            } else {
                900
            });
            (
                Redundancy::ActivePassive {
                    failover,
                    failover_time,
                },
                1,
            )
        } else {
            let health_check = n == 1 || !rng.percent(2);
            let min_healthy = if n == 1 { 1 } else { 1 + rng.below(n - 1) };
            (Redundancy::ActiveActive { health_check }, min_healthy)
        };
        let mut depends_on: Vec<Dependency> = Vec::new();
        let (start, end) = (layer_start(layer + 1), layer_start(layer + 2).min(count));
        if layer + 1 < LAYERS && start < end {
            for _ in 0..1 + rng.below(3) {
                let target = start + rng.below(end - start);
                if depends_on.iter().any(|d| d.target == target) {
                    continue;
                }
                let roll = rng.below(100);
                let spread = shapes[target].n >= 3;
                depends_on.push(Dependency {
                    target,
                    optional: roll < 15,
                    scope: ((15..35).contains(&roll) && spread).then_some(Scope::Zone),
                    timeout: Some(Duration(2)),
                    retries: None,
                    circuit_breaker: false,
                    fallback: None,
                    local_cache: false,
                    startup: false,
                    journeys: None,
                    inferred: None,
                    span: Span::default(),
                });
            }
        }
        let kind = match layer {
            0 => Kind::Web,
            l if l + 2 == LAYERS => Kind::Cache,
            l if l + 1 == LAYERS => Kind::Database,
            _ => Kind::Service,
        };
        model.components.push(Component {
            name: format!("{}-{c}", kind.as_str()),
            kind,
            description: None,
            instances,
            min_healthy,
            redundancy,
            primary: 0,
            restore_time: Some(Duration(3600)),
            managed: false,
            depends_on,
            deploy: Some(if rng.percent(3) {
                DeployStrategy::AllAtOnce
            } else {
                DeployStrategy::Rolling
            }),
            backups: true,
            floating_address: false,
            dns: None,
            certificate: None,
            monitoring: None,
            owner: Some(format!("team-{}", c % 17)),
            source: None,
            failures_per_year: None,
            cost_per_month: None,
            capacity: None,
            span: Span::default(),
            placement_span: None,
            endpoints: Vec::new(),
        });
    }

    // Journeys over the top layer.
    let top = layer_start(1).max(1);
    for j in 0..JOURNEYS {
        let mut path: Vec<usize> = (0..3).map(|_| rng.below(top)).collect();
        path.sort_unstable();
        path.dedup();
        model.journeys.push(Journey {
            name: format!("journey-{j}"),
            description: None,
            path,
            critical: j < 3,
            rto_target: Some(Duration(1800)),
            traffic: None,
            downtime_cost_per_hour: None,
            load: None,
            declared: true,
            span: Span::default(),
        });
    }
    model
}

/// The baseline: one pass over the compiled graph. A depth-first walk from the journeys (then
/// from every component not yet reached) over hard, scoped and optional dependency edges,
/// touching every component once, every placement group with its domain events, scope
/// domains and members, every instance event and every whole-component event. Returns a
/// checksum so that nothing is optimised away.
pub fn traverse(graph: &FaultGraph) -> u64 {
    let mut seen_component = vec![false; graph.components.len()];
    let mut seen_event = vec![false; graph.event_count()];
    let mut stack: Vec<usize> = Vec::new();
    let mut sum = 0u64;
    let roots = graph
        .journey_paths
        .iter()
        .flatten()
        .copied()
        .chain(0..graph.components.len());
    for root in roots {
        stack.push(root);
        while let Some(c) = stack.pop() {
            if std::mem::replace(&mut seen_component[c], true) {
                continue;
            }
            let node = &graph.components[c];
            if let Some(first) = node.first_instance_event {
                for e in first..first + node.n as u32 {
                    seen_event[e as usize] = true;
                }
            }
            for &e in &node.wide_events {
                seen_event[e as usize] = true;
            }
            for group in &node.groups {
                for &e in &group.domain_events {
                    if !std::mem::replace(&mut seen_event[e as usize], true) {
                        sum += u64::from(e);
                    }
                }
                for d in group.scope_domains.iter().flatten() {
                    sum += *d as u64;
                }
                for &m in &group.members {
                    sum += u64::from(m);
                }
            }
            for &g in &node.group_of {
                sum += u64::from(g);
            }
            let edges = node
                .hard
                .iter()
                .chain(node.scoped.iter().map(|(t, _)| t))
                .chain(&node.optional);
            for &t in edges {
                sum += t as u64;
                if !seen_component[t] {
                    stack.push(t);
                }
            }
        }
    }
    sum + seen_event.iter().filter(|&&s| s).count() as u64
}

/// Sizes of the compiled graph, for the record (printed by the example only).
#[allow(dead_code)]
pub struct Stats {
    pub components: usize,
    pub events: usize,
    pub groups: usize,
    pub edges: usize,
    pub scoped_edges: usize,
}

#[allow(dead_code)]
pub fn stats(graph: &FaultGraph) -> Stats {
    Stats {
        components: graph.components.len(),
        events: graph.event_count(),
        groups: graph.components.iter().map(|c| c.groups.len()).sum(),
        edges: graph
            .components
            .iter()
            .map(|c| c.hard.len() + c.scoped.len() + c.optional.len())
            .sum(),
        scoped_edges: graph.components.iter().map(|c| c.scoped.len()).sum(),
    }
}
