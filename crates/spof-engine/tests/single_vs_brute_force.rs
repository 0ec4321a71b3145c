//! The single-failure analysis against brute force: on random small models (k of n, domains,
//! optional and scoped dependencies, active-passive failover, all-at-once deploys, cycles),
//! every event's effect on every journey must equal the structure function evaluated with that
//! one event failed.

use proptest::prelude::*;
use spof_engine::evaluate::{Outcome, Phase, evaluate, journey_outcomes};
use spof_engine::graph::compile;
use spof_engine::single::analyze;
use spof_model::{
    Component, Dependency, DeployStrategy, Domain, DomainKind, Failover, Instance, Journey, Kind,
    Model, Person, Redundancy, Scope, Span, Step,
};

#[derive(Debug, Clone)]
struct Spec {
    zones: usize,
    hosts_per_zone: usize,
    components: Vec<ComponentSpec>,
    journeys: Vec<Vec<usize>>,
    people: Vec<Vec<usize>>,
}

#[derive(Debug, Clone)]
struct ComponentSpec {
    n: usize,
    k: usize,
    placement: u8,
    mode: u8,
    managed: bool,
    all_at_once: bool,
    health_check: bool,
    deps: Vec<(usize, u8)>,
}

fn component_spec(count: usize) -> impl Strategy<Value = ComponentSpec> {
    (
        1usize..=4,
        0usize..4,
        0u8..4,
        0u8..3,
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.8),
        prop::collection::vec((0..count, 0u8..5), 0..3),
    )
        .prop_map(
            |(n, k, placement, mode, managed, all_at_once, health_check, deps)| ComponentSpec {
                n,
                k: 1 + k % n,
                placement,
                mode,
                managed,
                all_at_once,
                health_check,
                deps,
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..=3, 1usize..=2, 2usize..=6).prop_flat_map(|(zones, hosts_per_zone, count)| {
        (
            Just(zones),
            Just(hosts_per_zone),
            prop::collection::vec(component_spec(count), count),
            prop::collection::vec(prop::collection::vec(0..count, 1..3), 0..3),
            prop::collection::vec(prop::collection::vec(0..count, 0..2), 0..3),
        )
            .prop_map(
                |(zones, hosts_per_zone, components, journeys, people)| Spec {
                    zones,
                    hosts_per_zone,
                    components,
                    journeys,
                    people,
                },
            )
    })
}

fn build(spec: &Spec) -> Model {
    let mut model = Model::default();
    model.domains.push(Domain {
        name: "region".into(),
        kind: DomainKind::Region,
        parent: None,
        restore_time: None,
        failures_per_year: None,
        common_cause: None,
        span: Span::default(),
    });
    for z in 0..spec.zones {
        model.domains.push(Domain {
            name: format!("zone-{z}"),
            kind: DomainKind::Zone,
            parent: Some(0),
            restore_time: None,
            failures_per_year: None,
            common_cause: None,
            span: Span::default(),
        });
    }
    let zone = |z: usize| 1 + z;
    let host_base = model.domains.len();
    for z in 0..spec.zones {
        for h in 0..spec.hosts_per_zone {
            model.domains.push(Domain {
                name: format!("host-{z}-{h}"),
                kind: DomainKind::Host,
                parent: Some(zone(z)),
                restore_time: None,
                failures_per_year: None,
                common_cause: None,
                span: Span::default(),
            });
        }
    }
    let power = model.domains.len();
    model.domains.push(Domain {
        name: "power".into(),
        kind: DomainKind::Custom("power".into()),
        parent: None,
        restore_time: None,
        failures_per_year: None,
        common_cause: None,
        span: Span::default(),
    });
    for (c, s) in spec.components.iter().enumerate() {
        let instances = (0..s.n)
            .map(|i| {
                let domains = match s.placement {
                    0 => vec![],
                    1 => vec![zone(i % spec.zones)],
                    2 => vec![host_base + (i * 7 + c) % (spec.zones * spec.hosts_per_zone)],
                    _ => vec![zone(0), power],
                };
                Instance {
                    name: (i + 1).to_string(),
                    domains,
                    span: Span::default(),
                }
            })
            .collect();
        let redundancy = match s.mode {
            0 => Redundancy::ActiveActive {
                health_check: s.health_check,
            },
            1 => Redundancy::ActivePassive {
                failover: Failover::Automatic,
                failover_time: spof_model::Duration(60),
            },
            _ => Redundancy::ActivePassive {
                failover: Failover::Manual,
                failover_time: spof_model::Duration(600),
            },
        };
        let mut depends_on: Vec<Dependency> = Vec::new();
        for &(target, flavour) in &s.deps {
            if target == c || depends_on.iter().any(|d| d.target == target) {
                continue;
            }
            depends_on.push(Dependency {
                target,
                optional: flavour == 1,
                scope: (flavour == 2)
                    .then_some(Scope::Zone)
                    .or((flavour == 3).then_some(Scope::Host)),
                timeout: None,
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
        model.components.push(Component {
            name: format!("c{c}"),
            kind: Kind::Service,
            description: None,
            instances,
            min_healthy: s.k,
            redundancy,
            primary: s.n - 1,
            restore_time: None,
            managed: s.managed,
            depends_on,
            deploy: s.all_at_once.then_some(DeployStrategy::AllAtOnce),
            backups: false,
            floating_address: false,
            dns: None,
            certificate: None,
            monitoring: None,
            owner: None,
            source: None,
            failures_per_year: None,
            cost_per_month: None,
            capacity: None,
            span: Span::default(),
            placement_span: None,
            endpoints: Vec::new(),
        });
    }
    for (p, can) in spec.people.iter().enumerate() {
        model.people.push(Person {
            name: format!("p{p}"),
            can: can.iter().map(|&c| Step::Failover(c)).collect(),
            on_call: true,
            span: Span::default(),
        });
    }
    let mut journeys = spec.journeys.clone();
    if journeys.is_empty() {
        journeys.push((0..spec.components.len()).collect());
    }
    for (j, path) in journeys.into_iter().enumerate() {
        let mut path = path;
        path.sort_unstable();
        path.dedup();
        model.journeys.push(Journey {
            name: format!("j{j}"),
            description: None,
            path,
            critical: true,
            rto_target: None,
            traffic: None,
            downtime_cost_per_hour: None,
            load: None,
            declared: true,
            span: Span::default(),
        });
    }
    model
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn single_failures_match_brute_force(spec in spec()) {
        let model = build(&spec);
        let graph = compile(&model);
        let fast = analyze(&graph);
        for event in 0..graph.event_count() {
            let mut failed = vec![false; graph.event_count()];
            failed[event] = true;
            let expected = journey_outcomes(&graph, &failed);
            for (j, outcome) in expected.iter().enumerate() {
                let has = |set: &Vec<u32>| set.binary_search(&(event as u32)).is_ok();
                let got = if has(&fast.journey[Phase::AfterManual][j]) {
                    Outcome::DownUntilRepair
                } else if has(&fast.journey[Phase::AfterAutomatic][j]) {
                    Outcome::DownUntilManual
                } else if has(&fast.journey[Phase::Immediate][j]) {
                    Outcome::Interrupted
                } else if has(&fast.degraded[j]) {
                    Outcome::Degraded
                } else {
                    Outcome::Up
                };
                prop_assert_eq!(got, *outcome, "event {:?}, journey {}", graph.events[event], j);
            }
            // Component by component too, in every phase, and the directly hit ones.
            for phase in Phase::ALL {
                let full = evaluate(&graph, &failed, phase, false);
                let direct = evaluate(&graph, &failed, phase, true);
                for c in 0..graph.components.len() {
                    let has = |set: &Vec<u32>| set.binary_search(&(event as u32)).is_ok();
                    prop_assert_eq!(fast.takes_down(phase, c, event as u32), full.component_down[c], "event {:?}, component {}, phase {:?}", graph.events[event], c, phase);
                    prop_assert_eq!(has(&fast.direct[phase][c]), direct.component_down[c], "direct: event {:?}, component {}, phase {:?}", graph.events[event], c, phase);
                }
            }
        }
    }
}

/// Risk groups (minimal cut sets of order ≤ 3, from the BDD and ZBDD) against brute force:
/// every set of at most three events that takes the journey down after automatic failovers,
/// with no smaller such set inside it.
fn brute_force_cut_sets(
    graph: &spof_engine::graph::FaultGraph,
    journey: usize,
    max_order: usize,
) -> Vec<Vec<u32>> {
    let n = graph.event_count();
    let down = |set: &[u32]| {
        let mut failed = vec![false; n];
        for &e in set {
            failed[e as usize] = true;
        }
        let eval = evaluate(graph, &failed, Phase::AfterAutomatic, false);
        graph.journey_paths[journey]
            .iter()
            .any(|&c| eval.component_down[c])
    };
    let mut found: Vec<Vec<u32>> = Vec::new();
    let mut candidates: Vec<Vec<u32>> = vec![vec![]];
    for _ in 0..max_order {
        let mut next = Vec::new();
        for set in &candidates {
            let start = set.last().map_or(0, |&l| l + 1);
            for e in start..n as u32 {
                let mut bigger = set.clone();
                bigger.push(e);
                if found.iter().any(|f| f.iter().all(|x| bigger.contains(x))) {
                    continue;
                }
                if down(&bigger) {
                    found.push(bigger);
                } else {
                    next.push(bigger);
                }
            }
        }
        candidates = next;
    }
    found.sort();
    found
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn risk_groups_match_brute_force(spec in spec()) {
        let model = build(&spec);
        let graph = compile(&model);
        let config = spof_engine::risks::RiskConfig { max_order: 3, top: 100_000 };
        let risks = spof_engine::risks::risks(&model, &graph, &config).unwrap();
        for result in &risks {
            let expected = brute_force_cut_sets(&graph, result.journey, 3);
            let mut got: Vec<Vec<u32>> = result.groups.iter().map(|g| g.events.clone()).collect();
            got.extend(result.singles.iter().map(|&e| vec![e]));
            for set in &mut got {
                set.sort_unstable();
            }
            got.sort();
            let expected_nonempty: Vec<Vec<u32>> = expected.into_iter().filter(|s| !s.is_empty()).collect();
            prop_assert_eq!(got, expected_nonempty, "journey {}", result.journey);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// The plan on random models: every frame's model is valid for the engine (checking it
    /// again gives the frame's SPOFs), SPOFs never come back, and each fix improves what it
    /// claims (the expected downtime, the SPOFs, or the findings).
    #[test]
    fn plan_frames_hold(spec in spec()) {
        use spof_engine::plan::{PlanConfig, plan};
        let model = build(&spec);
        let config = PlanConfig { today: None, max_steps: 12 };
        let result = plan(&model, &config, &|_, _, _| {});
        for pair in result.frames.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            prop_assert!(after.spofs.iter().all(|s| before.spofs.contains(s)), "{:?} -> {:?}", before.spofs, after.spofs);
            let downtime = |f: &spof_engine::plan::Frame| f.journeys.iter().filter_map(|j| j.downtime_hours).sum::<f64>();
            prop_assert!(downtime(after) <= downtime(before) * (1.0 + 1e-9) + 1e-12 || after.spofs.len() < before.spofs.len(),
                "downtime rose: {} -> {}", downtime(before), downtime(after));
        }
        for frame in &result.frames {
            let report = spof_engine::check(&frame.model, &spof_engine::Config::default());
            let spofs: Vec<String> = report
                .analysis
                .spofs()
                .map(|e| spof_engine::graph::event_id(&frame.model, e.kind))
                .collect();
            prop_assert_eq!(&spofs, &frame.spofs);
            // The frame's model keeps the reader's guarantees.
            prop_assert_eq!(frame.model.invariant_errors(), Vec::<String>::new());
        }
        // Every candidate fix, not only the chosen ones, keeps them too.
        let report = spof_engine::check(&model, &spof_engine::Config::default());
        for fix in spof_engine::plan::candidates(&model, &report) {
            let mut next = model.clone();
            spof_engine::plan::apply(&mut next, &fix);
            prop_assert_eq!(next.invariant_errors(), Vec::<String>::new(), "{:?}", fix);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Groups of two without a decision diagram (`pairs.rs`, used when the BDD is too large)
    /// against brute force: every minimal set of one or two events that takes a journey down.
    #[test]
    fn pair_families_match_brute_force(spec in spec()) {
        let model = build(&spec);
        let graph = compile(&model);
        let budget = spof_engine::pairs::Budget { limit: 1_000_000 };
        let families = spof_engine::pairs::families(&graph, &budget).unwrap().journeys;
        for (j, family) in families.iter().enumerate() {
            let expected = brute_force_cut_sets(&graph, j, 2);
            let mut got: Vec<Vec<u32>> = family.singles.iter().map(|&e| vec![e]).collect();
            got.extend(family.pairs.iter().map(|&(a, b)| vec![a, b]));
            got.sort();
            let expected: Vec<Vec<u32>> = expected.into_iter().filter(|s| !s.is_empty()).collect();
            prop_assert_eq!(got, expected, "journey {}", j);
        }
        // And `spof risks` gives the same groups whichever way it finds them.
        let config = spof_engine::risks::RiskConfig { max_order: 2, top: 100_000 };
        let by_pairs = spof_engine::risks::pair_risks(&model, &graph, &config).unwrap();
        let by_bdd = spof_engine::risks::risks(&model, &graph, &config).unwrap();
        for (a, b) in by_pairs.iter().zip(&by_bdd) {
            let sets = |r: &spof_engine::risks::JourneyRisks| {
                let mut v: Vec<(Vec<u32>, Vec<usize>)> = r.groups.iter().map(|g| (g.events.clone(), g.together.clone())).collect();
                v.sort();
                v
            };
            prop_assert_eq!(sets(a), sets(b));
            prop_assert_eq!(&a.singles, &b.singles);
            prop_assert_eq!(a.by_order.get(2).copied().unwrap_or(0), b.by_order.get(2).copied().unwrap_or(0));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// The bounds for models too large for one decision diagram hold the exact
    /// unavailability of the whole structure's BDD.
    #[test]
    fn availability_bounds_hold_the_exact_value(spec in spec()) {
        let model = build(&spec);
        let graph = compile(&model);
        let Some(exact) = spof_engine::availability::availability(&model, &graph, 1_000_000) else {
            return Ok(());
        };
        let bounds = spof_engine::bounds::bounds(&model, &graph).unwrap();
        for (e, b) in exact.iter().zip(&bounds) {
            let u = e.unavailability;
            prop_assert!(b.lower <= u * (1.0 + 1e-9) + 1e-15, "lower {} > exact {}", b.lower, u);
            prop_assert!(u <= b.upper * (1.0 + 1e-9) + 1e-15, "exact {} > upper {}", u, b.upper);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// The counting over the placement tree gives each component's local gate the same
    /// probability as its decision diagram.
    #[test]
    fn tree_counting_matches_the_local_diagram(spec in spec()) {
        let model = build(&spec);
        let graph = compile(&model);
        for c in 0..graph.components.len() {
            let Some(by_tree) = spof_engine::bounds::local_probability(&model, &graph, c, true) else { continue };
            let by_bdd = spof_engine::bounds::local_probability(&model, &graph, c, false).unwrap();
            prop_assert!((by_tree - by_bdd).abs() <= 1e-12 + 1e-9 * by_bdd, "component {}: tree {} bdd {}", c, by_tree, by_bdd);
        }
    }
}
