//! Random small models that use every feature of the model format.
//!
//! A model is decoded from a fixed-length string of random bytes: each byte answers one choice,
//! and a zero byte always picks the simplest answer. Proptest shrinks bytes towards zero, so a
//! failing model shrinks to a small one that still fails.

use proptest::prelude::*;

use super::spec::{
    CommonCauseSpec, ComponentSpec, DependencyKind, DependencySpec, DomainSpec, Instances,
    JourneySpec, Mode, NamedInstance, PersonSpec, Spec,
};

/// How many choices a model may make; unused bytes are ignored.
const CHOICE_BYTES: usize = 640;

/// The strategy: random bytes, decoded by [`decode`].
pub fn choices() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), CHOICE_BYTES)
}

/// Reads choices from the bytes, one byte each; past the end every answer is the simplest.
struct Choices<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Choices<'_> {
    /// A number in `0..n`.
    fn pick(&mut self, n: usize) -> usize {
        let byte = self.bytes.get(self.position).copied().unwrap_or(0);
        self.position += 1;
        usize::from(byte) % n.max(1)
    }

    /// True with about this chance in a hundred (false for a zero byte).
    fn chance(&mut self, percent: usize) -> bool {
        self.pick(100) >= 100 - percent
    }

    fn one_of<T: Copy>(&mut self, values: &[T]) -> T {
        values[self.pick(values.len())]
    }

    /// One of the values with about this chance in a hundred, else none; always two bytes, so
    /// that shrinking one choice does not shift the ones after it.
    fn maybe<T: Copy>(&mut self, percent: usize, values: &[T]) -> Option<T> {
        let present = self.chance(percent);
        let value = self.one_of(values);
        present.then_some(value)
    }
}

const DURATIONS: &[u64] = &[30, 90, 300, 900, 1800, 3600, 7200, 21600];
const FAILOVER_TIMES: &[u64] = &[5, 30, 90, 300, 900, 3600];
const RTO_TARGETS: &[u64] = &[30, 60, 300, 900, 3600, 14400];
const KINDS: &[&str] = &[
    "service",
    "web",
    "database",
    "cache",
    "queue",
    "external",
    "dns",
    "config",
    "secrets",
    "worker",
    "search",
    "load_balancer",
    "api_gateway",
    "identity",
];

/// Builds a model from the bytes.
pub fn decode(bytes: &[u8]) -> Spec {
    let mut choices = Choices { bytes, position: 0 };
    let choices = &mut choices;
    let mut spec = Spec {
        domains: Vec::new(),
        components: Vec::new(),
        journeys: Vec::new(),
        people: Vec::new(),
        common_causes: Vec::new(),
    };
    let layout = add_domains(choices, &mut spec);
    // Mostly two to five components, sometimes up to eight.
    let extra = if choices.chance(20) {
        choices.pick(4)
    } else {
        0
    };
    let main_count = 2 + choices.pick(4) + extra;
    let journey_count = choices.pick(4);
    // Journeys are named before the dependencies that may be scoped to them.
    for j in 0..journey_count {
        spec.journeys.push(JourneySpec {
            name: format!("j{j}"),
            path: Vec::new(),
            critical: None,
            rto_target_seconds: None,
            traffic: None,
            downtime_cost_per_hour: None,
        });
    }
    let zonal = zonal_chain(choices, &layout, main_count);
    for index in 0..main_count {
        let component = main_component(choices, &spec, &layout, index, zonal.contains(&index));
        spec.components.push(component);
    }
    add_dependencies(choices, &mut spec, main_count, &zonal);
    add_certificate(choices, &mut spec, main_count);
    add_monitoring(choices, &mut spec, &layout, main_count);
    fill_journeys(choices, &mut spec, main_count);
    add_people(choices, &mut spec);
    add_common_causes(choices, &mut spec);
    spec
}

/// Common causes over some components and instances, with a beta factor, a rate of their own
/// or neither (the default beta), with or without a restore time.
fn add_common_causes(choices: &mut Choices, spec: &mut Spec) {
    if !choices.chance(40) {
        return;
    }
    for g in 0..1 + choices.pick(2) {
        let mut members = Vec::new();
        for _ in 0..1 + choices.pick(3) {
            let c = choices.pick(spec.components.len());
            let count = spec.components[c].instance_count();
            let member = if count > 1 && choices.chance(50) {
                (c, Some(choices.pick(count)))
            } else {
                (c, None)
            };
            if !members.contains(&member) {
                members.push(member);
            }
        }
        let (beta, failures_per_year) = match choices.pick(3) {
            0 => (Some(choices.one_of(&[0.01, 0.05, 0.2])), None),
            1 => (None, Some(choices.one_of(&[0.1, 1.0, 5.0]))),
            _ => (None, None),
        };
        spec.common_causes.push(CommonCauseSpec {
            name: format!("cc{g}"),
            members,
            beta,
            failures_per_year,
            restore_seconds: choices.maybe(60, &[600, 1800, 7200]),
        });
    }
}

/// Which domains exist, by role.
struct Layout {
    zones: Vec<usize>,
    hosts: Vec<usize>,
    region: Option<usize>,
    custom: Option<usize>,
}

fn new_domain(
    choices: &mut Choices,
    name: String,
    kind: &str,
    parent: Option<usize>,
) -> DomainSpec {
    DomainSpec {
        name,
        kind: kind.to_string(),
        parent,
        restore_seconds: choices.maybe(60, DURATIONS),
        failures_per_year: choices.maybe(20, &[0.1, 0.5, 1.0, 4.0]),
    }
}

fn add_domains(choices: &mut Choices, spec: &mut Spec) -> Layout {
    let zone_count = choices.pick(4);
    let mut layout = Layout {
        zones: Vec::new(),
        hosts: Vec::new(),
        region: None,
        custom: None,
    };
    if zone_count > 0 && choices.chance(50) {
        layout.region = Some(spec.domains.len());
        let region = new_domain(choices, "r1".to_string(), "region", None);
        spec.domains.push(region);
    }
    for z in 0..zone_count {
        layout.zones.push(spec.domains.len());
        let zone = new_domain(choices, format!("z{}", z + 1), "zone", layout.region);
        spec.domains.push(zone);
    }
    if zone_count > 0 {
        for h in 0..choices.pick(4) {
            let zone = layout.zones[choices.pick(zone_count)];
            layout.hosts.push(spec.domains.len());
            let host = new_domain(choices, format!("h{}", h + 1), "host", Some(zone));
            spec.domains.push(host);
        }
    }
    if choices.chance(50) {
        let kind = choices.one_of(&["power", "cluster", "network"]);
        layout.custom = Some(spec.domains.len());
        let custom = new_domain(choices, "feed".to_string(), kind, None);
        spec.domains.push(custom);
    }
    layout
}

/// The components (by index) of a chain that calls along itself `per: zone` (web → mid → db),
/// each spread over every zone.
fn zonal_chain(choices: &mut Choices, layout: &Layout, main_count: usize) -> Vec<usize> {
    if layout.zones.is_empty() || !choices.chance(55) {
        return Vec::new();
    }
    let start = choices.pick(main_count - 1);
    let length = (2 + choices.pick(2)).min(main_count - start);
    (start..start + length).collect()
}

fn main_component(
    choices: &mut Choices,
    spec: &Spec,
    layout: &Layout,
    index: usize,
    zonal: bool,
) -> ComponentSpec {
    let kind = choices.one_of(KINDS).to_string();
    let managed = choices.chance(15);
    let mut count = 1 + choices.pick(3);
    let mode = match choices.pick(7) {
        3 | 4 if !zonal => Mode::ActivePassive {
            automatic: true,
            failover_seconds: choices.maybe(60, FAILOVER_TIMES),
            write_mode: choices.chance(50),
        },
        5 | 6 if !zonal => Mode::ActivePassive {
            automatic: false,
            failover_seconds: choices.maybe(60, FAILOVER_TIMES),
            write_mode: choices.chance(50),
        },
        _ => Mode::ActiveActive {
            health_check: match choices.pick(3) {
                0 => None,
                1 => Some(false),
                _ => Some(true),
            },
            write_mode: choices.chance(20),
        },
    };
    let mut component = ComponentSpec {
        name: format!("c{index}"),
        kind,
        instances: Instances::Replicas {
            count,
            write_key: true,
        },
        min_healthy: None,
        mode,
        restore_seconds: choices.maybe(65, DURATIONS),
        failures_per_year: choices.maybe(15, &[0.5, 1.0, 3.0, 6.0]),
        managed,
        placed_in: Vec::new(),
        spread: Vec::new(),
        depends_on: Vec::new(),
        deploy_all_at_once: false,
        manual_renewal: None,
        watches: Vec::new(),
    };
    component.deploy_all_at_once = !managed && choices.chance(15);
    if zonal {
        count = layout.zones.len() * (1 + choices.pick(2));
        component.spread = layout.zones.clone();
        if let Some(custom) = layout.custom.filter(|_| choices.chance(30)) {
            component.placed_in.push(custom);
        }
    } else if choices.chance(30) {
        component.instances = Instances::Named(named_instances(choices, layout, count));
        if let Some(custom) = layout.custom.filter(|_| choices.chance(40)) {
            component.placed_in.push(custom);
        }
    } else {
        place(choices, spec, layout, &mut component);
    }
    if let Instances::Replicas { .. } = component.instances {
        let write_key = count > 1 || !component.spread.is_empty() || choices.chance(30);
        component.instances = Instances::Replicas { count, write_key };
    }
    if choices.chance(35) {
        component.min_healthy = Some(if component.is_active_passive() {
            1
        } else {
            1 + choices.pick(count)
        });
    }
    component
}

/// Named instances, each placed in a zone, a host or nowhere; an active-passive component may
/// name its primary anywhere in the list.
fn named_instances(choices: &mut Choices, layout: &Layout, count: usize) -> Vec<NamedInstance> {
    let primary = if choices.chance(40) {
        Some(choices.pick(count))
    } else {
        None
    };
    (0..count)
        .map(|i| {
            let mut placed_in = Vec::new();
            match choices.pick(3) {
                1 if !layout.zones.is_empty() => {
                    placed_in.push(choices.one_of(&layout.zones));
                }
                2 if !layout.hosts.is_empty() => {
                    placed_in.push(choices.one_of(&layout.hosts));
                }
                _ => {}
            }
            NamedInstance {
                name: ["a", "b", "c"][i].to_string(),
                placed_in,
                primary: primary == Some(i),
            }
        })
        .collect()
}

/// Component-level placement: nothing, `in` one domain, or `spread` over zones or hosts (with
/// the custom domain beside it).
fn place(choices: &mut Choices, spec: &Spec, layout: &Layout, component: &mut ComponentSpec) {
    let style = choices.pick(5);
    match style {
        1 if !spec.domains.is_empty() => {
            component.placed_in.push(choices.pick(spec.domains.len()));
        }
        2 | 4 if !layout.zones.is_empty() => {
            component.spread = shuffled_subset(choices, &layout.zones);
            if style == 4
                && let Some(custom) = layout.custom
            {
                component.placed_in.push(custom);
            }
        }
        3 if !layout.hosts.is_empty() => {
            component.spread = shuffled_subset(choices, &layout.hosts);
        }
        _ => {}
    }
}

/// A non-empty subset of the values, in a random order.
fn shuffled_subset(choices: &mut Choices, values: &[usize]) -> Vec<usize> {
    let mut left = values.to_vec();
    let mut taken = vec![left.remove(choices.pick(left.len()))];
    while !left.is_empty() && choices.chance(60) {
        taken.push(left.remove(choices.pick(left.len())));
    }
    taken
}

/// Whether every instance of the component sits in a zone (so it can call `per: zone`).
fn in_zones(spec: &Spec, component: usize) -> bool {
    let zone_of = |domain: usize| -> bool {
        let mut current = Some(domain);
        while let Some(d) = current {
            if spec.domains[d].kind == "zone" {
                return true;
            }
            current = spec.domains[d].parent;
        }
        false
    };
    let spec_component = &spec.components[component];
    let shared = spec_component.placed_in.iter().any(|&d| zone_of(d));
    match &spec_component.instances {
        Instances::Named(named) => named
            .iter()
            .all(|instance| shared || instance.placed_in.iter().any(|&d| zone_of(d))),
        Instances::Replicas { .. } => {
            shared
                || (!spec_component.spread.is_empty()
                    && spec_component.spread.iter().all(|&d| zone_of(d)))
        }
    }
}

fn random_journeys(choices: &mut Choices, spec: &Spec) -> Vec<usize> {
    if spec.journeys.is_empty() || !choices.chance(25) {
        return Vec::new();
    }
    let all: Vec<usize> = (0..spec.journeys.len()).collect();
    let mut chosen = shuffled_subset(choices, &all);
    chosen.sort_unstable();
    chosen
}

fn dependency(
    choices: &mut Choices,
    spec: &Spec,
    target: usize,
    kind: DependencyKind,
) -> DependencySpec {
    let journeys = random_journeys(choices, spec);
    let short_form = kind == DependencyKind::Hard && journeys.is_empty() && choices.chance(50);
    DependencySpec {
        target,
        kind,
        journeys,
        short_form,
    }
}

/// Dependencies from each component to later ones, the zonal chain's `per: zone` calls, and
/// sometimes one edge back, which makes a cycle.
fn add_dependencies(choices: &mut Choices, spec: &mut Spec, main_count: usize, zonal: &[usize]) {
    for caller in 0..main_count {
        for target in caller + 1..main_count {
            let chained =
                zonal.contains(&caller) && zonal.contains(&target) && target == caller + 1;
            if !chained && !choices.chance(40) {
                continue;
            }
            let kind = if chained {
                DependencyKind::PerZone
            } else {
                match choices.pick(13) {
                    5 | 6 => DependencyKind::Optional,
                    7 | 8 => DependencyKind::Cache,
                    9..=11 if in_zones(spec, caller) => DependencyKind::PerZone,
                    12 => DependencyKind::Startup,
                    _ => DependencyKind::Hard,
                }
            };
            let edge = dependency(choices, spec, target, kind);
            spec.components[caller].depends_on.push(edge);
        }
    }
    if choices.chance(20) {
        let caller = 1 + choices.pick(main_count - 1);
        // With no journey declared the first component must stay a root: the implicit journey
        // is made of the components nothing depends on.
        let lowest = usize::from(spec.journeys.is_empty());
        if caller > lowest {
            let target = lowest + choices.pick(caller - lowest);
            let kind = match choices.pick(3) {
                1 if in_zones(spec, caller) => DependencyKind::PerZone,
                2 => DependencyKind::Optional,
                _ => DependencyKind::Hard,
            };
            let edge = dependency(choices, spec, target, kind);
            spec.components[caller].depends_on.push(edge);
        }
    }
}

/// A certificate, renewed by hand or not, that one component needs.
fn add_certificate(choices: &mut Choices, spec: &mut Spec, main_count: usize) {
    if !choices.chance(35) {
        return;
    }
    let index = spec.components.len();
    spec.components.push(ComponentSpec {
        name: "tls".to_string(),
        kind: "certificate".to_string(),
        instances: Instances::Replicas {
            count: 1,
            write_key: false,
        },
        min_healthy: None,
        mode: Mode::ActiveActive {
            health_check: None,
            write_mode: false,
        },
        restore_seconds: choices.maybe(50, DURATIONS),
        failures_per_year: None,
        managed: false,
        placed_in: Vec::new(),
        spread: Vec::new(),
        depends_on: Vec::new(),
        deploy_all_at_once: false,
        manual_renewal: Some(!choices.chance(25)),
        watches: Vec::new(),
    });
    let caller = choices.pick(main_count);
    let kind = if choices.chance(20) {
        DependencyKind::Optional
    } else {
        DependencyKind::Hard
    };
    let edge = dependency(choices, spec, index, kind);
    spec.components[caller].depends_on.push(edge);
}

/// A monitoring component that nothing depends on: requests do not pass through it.
fn add_monitoring(choices: &mut Choices, spec: &mut Spec, layout: &Layout, main_count: usize) {
    if !choices.chance(20) {
        return;
    }
    let count = 1 + choices.pick(2);
    let mut monitoring = ComponentSpec {
        name: "mon".to_string(),
        kind: "monitoring".to_string(),
        instances: Instances::Replicas {
            count,
            write_key: true,
        },
        min_healthy: None,
        mode: Mode::ActiveActive {
            health_check: None,
            write_mode: false,
        },
        restore_seconds: choices.maybe(50, DURATIONS),
        failures_per_year: None,
        managed: false,
        placed_in: Vec::new(),
        spread: Vec::new(),
        depends_on: Vec::new(),
        deploy_all_at_once: false,
        manual_renewal: None,
        watches: Vec::new(),
    };
    if choices.chance(50) {
        monitoring.watches = vec![choices.pick(main_count)];
    }
    if let Some(&zone) = layout.zones.first().filter(|_| choices.chance(50)) {
        monitoring.placed_in.push(zone);
    }
    if choices.chance(30) {
        let target = choices.pick(main_count);
        let edge = dependency(choices, spec, target, DependencyKind::Hard);
        monitoring.depends_on.push(edge);
    }
    spec.components.push(monitoring);
}

/// Paths, criticality, targets and weights of the declared journeys.
fn fill_journeys(choices: &mut Choices, spec: &mut Spec, main_count: usize) {
    let weights = choices.pick(4);
    for j in 0..spec.journeys.len() {
        let mut path: Vec<usize> = (0..main_count)
            .filter(|&c| {
                if c == 0 {
                    !choices.chance(30)
                } else {
                    choices.chance(30)
                }
            })
            .collect();
        if path.is_empty() {
            path.push(choices.pick(main_count));
        }
        let journey = &mut spec.journeys[j];
        journey.path = path;
        journey.critical = match choices.pick(3) {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        };
        journey.rto_target_seconds = choices.maybe(40, RTO_TARGETS);
        let weight = match weights {
            3 => choices.pick(3),
            all => all,
        };
        match weight {
            1 => journey.traffic = Some(choices.one_of(&[0.1, 0.2, 0.25, 0.5, 0.6, 0.75, 1.0])),
            2 => {
                journey.downtime_cost_per_hour = Some(choices.one_of(&[100.0, 500.0, 2500.0]));
            }
            _ => {}
        }
    }
}

/// People who can fail over some of the manual active-passive components, some on call.
fn add_people(choices: &mut Choices, spec: &mut Spec) {
    let manual: Vec<String> = spec
        .components
        .iter()
        .filter(|c| {
            matches!(
                c.mode,
                Mode::ActivePassive {
                    automatic: false,
                    ..
                }
            )
        })
        .map(|c| c.name.clone())
        .collect();
    for p in 0..choices.pick(4) {
        let mut can: Vec<String> = manual
            .iter()
            .filter(|_| choices.chance(60))
            .map(|name| format!("failover:{name}"))
            .collect();
        if choices.chance(20) {
            can.push("restore:c0".to_string());
        }
        let on_call = match choices.pick(3) {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        };
        spec.people.push(PersonSpec {
            name: format!("p{p}"),
            can,
            on_call,
        });
    }
}
