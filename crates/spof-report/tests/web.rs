//! The interactive diagram's data: the layout of the examples (snapshots), its invariants on
//! every example (every instance drawn once, inside its boxes, no two nodes on one spot),
//! the answers precomputed in the HTML report equal to `spof whatif`'s, and a page that
//! reaches for nothing outside itself.

use spof_engine::analysis::what_if;
use spof_engine::{Config, Report, check};
use spof_model::{Date, Model, ParseLimits, parse_model};
use spof_report::Options;
use spof_report::web::{self, layout};

const EXAMPLES: [(&str, &str); 4] = [
    (
        "ecommerce-2009",
        include_str!("../../../examples/ecommerce-2009.yaml"),
    ),
    (
        "three-tier",
        include_str!("../../../examples/three-tier.yaml"),
    ),
    (
        "nat-gateway",
        include_str!("../../../examples/nat-gateway.yaml"),
    ),
    (
        "deploy-and-monitoring",
        include_str!("../../../examples/deploy-and-monitoring.yaml"),
    ),
];

fn analyse(yaml: &str) -> (Model, Report) {
    let parsed = parse_model(yaml, &ParseLimits::default());
    let model = parsed
        .model
        .unwrap_or_else(|| panic!("{:#?}", parsed.diagnostics));
    let report = check(
        &model,
        &Config {
            today: Some(Date::parse("2026-11-23").unwrap()),
            ..Default::default()
        },
    );
    (model, report)
}

#[test]
fn layouts_of_the_examples() {
    for (name, yaml) in EXAMPLES {
        let (model, report) = analyse(yaml);
        let scene = layout::layout(&model, &report.analysis.graph);
        insta::assert_json_snapshot!(format!("layout-{name}"), scene);
    }
}

/// A model with nested domains (region, zones, hosts), a custom domain beside them, a
/// dependency per zone, one per journey, an optional one, and a cycle.
const NESTED: &str = r#"
version: 1
domains:
  east: {kind: region}
  a: {kind: zone, in: east}
  b: {kind: zone, in: east}
  h1: {kind: host, in: a}
  h2: {kind: host, in: b}
  feed: {kind: power}
components:
  web:
    kind: web
    instances:
      - {name: w1, in: [h1, feed]}
      - {name: w2, in: [h2]}
    depends_on:
      - {component: api, per: zone}
      - {component: search, optional: true}
      - {component: pay, journeys: [buy]}
  api:
    kind: service
    replicas: 6
    spread: [a, b]
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    spread: [a, b]
    failover: automatic
    failover_time: 30s
    depends_on: [audit]
  audit:
    kind: service
    in: [a]
    depends_on: [db]
  search: {kind: search, in: [b]}
  pay: {kind: external, managed: true}
journeys:
  browse: {path: [web]}
  buy: {path: [web]}
"#;

#[test]
fn every_instance_is_drawn_once_inside_its_boxes() {
    let models: Vec<&str> = EXAMPLES.iter().map(|(_, y)| *y).chain([NESTED]).collect();
    for yaml in models {
        let (model, report) = analyse(yaml);
        let scene = layout::layout(&model, &report.analysis.graph);
        let mut drawn: Vec<(usize, u32)> = scene
            .nodes
            .iter()
            .flat_map(|n| n.i.iter().map(move |&i| (n.c, i)))
            .collect();
        drawn.sort_unstable();
        let all: Vec<(usize, u32)> = model
            .components
            .iter()
            .enumerate()
            .flat_map(|(c, x)| (0..x.instances.len() as u32).map(move |i| (c, i)))
            .collect();
        assert_eq!(drawn, all, "each instance once");
        for (k, n) in scene.nodes.iter().enumerate() {
            // Inside every box around it.
            let mut at = n.in_box;
            while let Some(b) = at {
                let b = &scene.boxes[b];
                assert!(
                    n.x >= b.x
                        && n.y >= b.y
                        && n.x + layout::NODE_W <= b.x + b.w
                        && n.y + layout::NODE_H <= b.y + b.h,
                    "{} outside {}",
                    n.label,
                    b.name
                );
                at = b.parent;
            }
            // On no other node.
            for m in &scene.nodes[k + 1..] {
                let apart =
                    (n.x - m.x).abs() >= layout::NODE_W || (n.y - m.y).abs() >= layout::NODE_H;
                assert!(apart, "{} and {} overlap", n.label, m.label);
            }
            assert!(n.x + layout::NODE_W <= scene.width && n.y + layout::NODE_H <= scene.height);
        }
        // Callers to the left of what they call, but in a cycle.
        for e in &scene.edges {
            let (a, b) = (&scene.nodes[e.a], &scene.nodes[e.b]);
            let cycle = scene.ranks[a.c] == scene.ranks[b.c];
            assert!(cycle || a.x < b.x, "{} -> {}", a.label, b.label);
        }
    }
}

#[test]
fn nested_domains_and_edge_kinds() {
    let (model, report) = analyse(NESTED);
    let scene = layout::layout(&model, &report.analysis.graph);
    let boxes: Vec<(&str, Option<&str>)> = scene
        .boxes
        .iter()
        .map(|b| {
            (
                b.event.as_str(),
                b.parent.map(|p| scene.boxes[p].event.as_str()),
            )
        })
        .collect();
    for expected in [
        ("region:east", None),
        ("zone:a", Some("region:east")),
        ("host:h1", Some("zone:a")),
        ("host:h2", Some("zone:b")),
    ] {
        assert!(boxes.contains(&expected), "{expected:?} in {boxes:?}");
    }
    // The power feed is beside the hierarchy: a node lists it, no box is drawn for it.
    assert!(!boxes.iter().any(|(e, _)| *e == "power:feed"));
    let w1 = scene.nodes.iter().find(|n| n.label == "web/w1").unwrap();
    assert_eq!(w1.also, ["power:feed"]);
    // Six api instances over two zones: three in each, drawn one by one.
    assert_eq!(
        scene
            .nodes
            .iter()
            .filter(|n| model.components[n.c].name == "api")
            .count(),
        6
    );
    let kinds: Vec<&str> = scene.edges.iter().map(|e| e.kind).collect();
    for kind in ["scoped", "optional", "request", "hard"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    // A per-zone call goes to the target's instance in the caller's own zone.
    for e in scene.edges.iter().filter(|e| e.kind == "scoped") {
        let zone = |n: &layout::NodeJson| {
            let mut at = n.in_box;
            while let Some(b) = at {
                if scene.boxes[b].kind == "zone" {
                    return Some(b);
                }
                at = scene.boxes[b].parent;
            }
            None
        };
        assert_eq!(zone(&scene.nodes[e.a]), zone(&scene.nodes[e.b]));
    }
    // db and audit call each other: one column.
    let rank = |name: &str| scene.ranks[model.component(name).unwrap()];
    assert_eq!(rank("db"), rank("audit"));
    assert!(rank("web") < rank("api") && rank("api") < rank("db"));
}

#[test]
fn precomputed_answers_are_whatif_answers() {
    for (name, yaml) in EXAMPLES
        .iter()
        .map(|(n, y)| (*n, *y))
        .chain([("nested", NESTED)])
    {
        let (model, report) = analyse(yaml);
        let options = Options {
            file: format!("{name}.yaml"),
            ..Default::default()
        };
        let view = web::view(&model, &report, &options, "report", true, None, None);
        let results = view.results.as_ref().expect("answers in the file");
        let graph = &report.analysis.graph;
        assert_eq!(results.len(), graph.event_count(), "{name}: every event");
        for e in 0..graph.event_count() as u32 {
            let id = spof_engine::graph::event_id(&model, graph.events[e as usize]);
            let answer = &results[&id];
            let whatif = what_if(graph, &[e]);
            let outcomes: Vec<&str> = answer.journeys.iter().map(|j| j.outcome).collect();
            let expected: Vec<&str> = whatif
                .outcomes
                .iter()
                .map(|&o| match o {
                    spof_engine::evaluate::Outcome::Up => "none",
                    spof_engine::evaluate::Outcome::Degraded => "degraded",
                    spof_engine::evaluate::Outcome::Interrupted => "interrupted",
                    spof_engine::evaluate::Outcome::DownUntilManual => "down-until-manual-step",
                    spof_engine::evaluate::Outcome::DownUntilRepair => "down-until-repair",
                })
                .collect();
            assert_eq!(outcomes, expected, "{name} {id}");
            let mut down: Vec<usize> = answer
                .repair
                .iter()
                .chain(&answer.manual)
                .chain(&answer.interrupted)
                .copied()
                .collect();
            down.sort_unstable();
            assert_eq!(
                down,
                whatif.down[spof_engine::evaluate::Phase::Immediate],
                "{name} {id}"
            );
            assert_eq!(
                answer.repair,
                whatif.down[spof_engine::evaluate::Phase::AfterManual],
                "{name} {id}"
            );
            let spof = report.analysis.event(e).is_some_and(|r| r.spof);
            assert_eq!(answer.spof, spof, "{name} {id}");
        }
    }
}

#[test]
fn the_page_is_self_contained() {
    let (model, report) = analyse(EXAMPLES[1].1);
    let options = Options {
        file: "three-tier.yaml".into(),
        ..Default::default()
    };
    let plan = spof_engine::plan::plan(
        &model,
        &spof_engine::plan::PlanConfig {
            today: None,
            max_steps: 40,
        },
        &|_, _, _| {},
    );
    let view = web::view(&model, &report, &options, "report", true, Some(&plan), None);
    let html = web::html(&view);
    for reach in ["src=\"http", "href=\"http", "url(http", "@import", "<link"] {
        assert!(!html.contains(reach), "the page reaches out: {reach}");
    }
    assert!(
        html.contains("default-src 'none'"),
        "a policy forbids loading anything"
    );
    // The data cannot close its script element, whatever the names hold.
    let data_start = html.find("<script id=\"spof-data\"").unwrap();
    let data_end = data_start + html[data_start..].find("</script>").unwrap();
    let data = &html[html[..data_end].rfind('>').unwrap() + 1..data_end];
    let parsed: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(
        parsed["plan"]["scenes"].as_array().unwrap().len(),
        plan.frames.len()
    );
    assert_eq!(parsed["report"]["spofs"].as_array().unwrap().len(), 4);
}

#[test]
fn names_with_markup_stay_text() {
    let yaml = r#"
version: 1
name: "</script><script>alert(1)</script>"
components:
  "a</script>": {kind: service}
"#;
    let (model, report) = analyse(yaml);
    let options = Options::default();
    let html = web::html(&web::view(
        &model, &report, &options, "report", true, None, None,
    ));
    assert_eq!(html.matches("</script>").count(), 2, "only the page's own");
    assert!(html.contains("<title>spof: &lt;/script&gt;"));
}
