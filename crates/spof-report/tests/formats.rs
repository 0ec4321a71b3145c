//! The report formats on the built-in examples and on small models: SARIF valid against the
//! official SARIF 2.1.0 schema with fingerprints that survive edits elsewhere in the model,
//! JUnit that parses as XML whatever the names hold, Markdown and diagrams with what a
//! reader looks for, and the checklist's text and JSON.

use serde_json::Value;
use spof_engine::{Config, Report, Severity, check};
use spof_model::{Date, Model, ParseLimits, parse_model};
use spof_report::Options;

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

fn options(file: &str) -> Options {
    Options {
        file: file.to_string(),
        journey: None,
        fail_on: Some(Severity::High),
        color: false,
        baseline: None,
        incomplete: Vec::new(),
    }
}

/// The official schema is not redistributed with spof: `SARIF_SCHEMA` names a copy, else a
/// `shared/schemas` folder beside the workspace is read. Without either the validation is
/// skipped, with a message in the test's output (a silent skip would look like a pass).
#[allow(clippy::print_stderr)]
fn sarif_validator() -> Option<jsonschema::Validator> {
    let path = std::env::var("SARIF_SCHEMA").unwrap_or_else(|_| {
        format!(
            "{}/../../../shared/schemas/sarif-schema-2.1.0.json",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipped: the SARIF 2.1.0 schema is not at {path}; set SARIF_SCHEMA to a copy of https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
        );
        return None;
    };
    let schema: Value = serde_json::from_str(&text).unwrap();
    Some(jsonschema::draft4::new(&schema).expect("the SARIF schema compiles"))
}

#[test]
fn sarif_of_every_example_is_valid() {
    let Some(validator) = sarif_validator() else {
        return;
    };
    for (name, yaml) in EXAMPLES {
        let (model, report) = analyse(yaml);
        let text = spof_report::sarif::sarif(&model, &report, &options("spof.yaml"), &[]);
        let log: Value = serde_json::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), spof_engine::findings::RULES.len());
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), report.findings.len(), "{name}");
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
            assert!(
                rules[index]["helpUri"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!(
                        "docs/findings/{}.md",
                        result["ruleId"].as_str().unwrap()
                    ))
            );
            assert!(
                result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "spof.yaml"
            );
        }
        // Every SPOF is a result.
        let events: Vec<&str> = results
            .iter()
            .filter_map(|r| r["properties"]["event"].as_str())
            .collect();
        assert_eq!(events.len(), report.analysis.spofs().count(), "{name}");
    }
}

#[test]
fn sarif_of_a_decided_finding_is_suppressed_and_valid() {
    let yaml = r#"
components:
  app:
    kind: service
    restore_time: 1h
decisions:
  - finding: SPOF001
    component: app
    status: accepted
    owner: "alice <alice@example.com>"
    reason: "a second instance & a \"proper\" plan"
    rto: 2h
    review_by: 2027-01-31
"#;
    let (model, report) = analyse(yaml);
    let text =
        spof_report::sarif::sarif(&model, &report, &options("dir with space/spof.yaml"), &[]);
    let log: Value = serde_json::from_str(&text).unwrap();
    let Some(validator) = sarif_validator() else {
        return;
    };
    assert!(validator.is_valid(&log), "{text}");
    // The validator does reject what the schema forbids.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["suppressions"][0]["kind"], "inSource");
    assert_eq!(result["suppressions"][0]["status"], "accepted");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "dir%20with%20space/spof.yaml"
    );
}

#[test]
fn sarif_of_an_import_points_at_the_input_lines() {
    let yaml = r#"
components:
  app:
    kind: service
    source: k8s/app.yaml:12
  db:
    kind: database
    source: aws_db_instance.main
    depends_on: []
journeys:
  j:
    path: [app, db]
"#;
    let (model, report) = analyse(yaml);
    let text = spof_report::sarif::sarif(
        &model,
        &report,
        &options("k8s/, plan.json"),
        &["plan.json".to_string()],
    );
    let log: Value = serde_json::from_str(&text).unwrap();
    if let Some(validator) = sarif_validator() {
        assert!(validator.is_valid(&log), "{text}");
    }
    let results = log["runs"][0]["results"].as_array().unwrap();
    let location_of = |component: &str| {
        results
            .iter()
            .find(|r| r["properties"]["components"][0] == component)
            .unwrap()["locations"][0]
            .clone()
    };
    let app = location_of("app");
    assert_eq!(
        app["physicalLocation"]["artifactLocation"]["uri"],
        "k8s/app.yaml"
    );
    assert_eq!(app["physicalLocation"]["region"]["startLine"], 12);
    let db = location_of("db");
    assert_eq!(
        db["physicalLocation"]["artifactLocation"]["uri"],
        "plan.json"
    );
    assert_eq!(
        db["logicalLocations"][0]["fullyQualifiedName"],
        "aws_db_instance.main"
    );
}

fn fingerprints(yaml: &str) -> Vec<(String, String)> {
    let (model, report) = analyse(yaml);
    let text = spof_report::sarif::sarif(&model, &report, &options("spof.yaml"), &[]);
    let log: Value = serde_json::from_str(&text).unwrap();
    let mut out: Vec<(String, String)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["partialFingerprints"]["spofFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn fingerprints_survive_moving_lines_and_reordering() {
    let yaml = include_str!("../../../examples/ecommerce-2009.yaml");
    let before = fingerprints(yaml);
    // Comments added above, and two components swapped: every line moves.
    let moved = format!("# a comment\n# another\n{yaml}").replace(
        "  tls:\n    kind: certificate",
        "  tls:\n\n    kind: certificate",
    );
    assert_eq!(fingerprints(&moved), before);
    // All fingerprints are different from one another.
    let mut unique: Vec<&String> = before.iter().map(|(_, f)| f).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len());
}

#[test]
fn fingerprint_depends_on_what_the_finding_is_about() {
    use spof_report::sarif::fingerprint;
    let a = fingerprint("SPOF001", &["app", "db"], &["checkout"], Some("app/1"));
    assert_eq!(
        a,
        fingerprint("SPOF001", &["db", "app"], &["checkout"], Some("app/1"))
    );
    assert_ne!(
        a,
        fingerprint("SPOF002", &["app", "db"], &["checkout"], Some("app/1"))
    );
    assert_ne!(
        a,
        fingerprint("SPOF001", &["app"], &["db", "checkout"], Some("app/1"))
    );
    assert_ne!(
        a,
        fingerprint("SPOF001", &["app", "db"], &["browse"], Some("app/1"))
    );
    assert_eq!(a.len(), 16);
}

#[test]
fn junit_parses_and_counts_failures() {
    for (name, yaml) in EXAMPLES {
        let (model, report) = analyse(yaml);
        let xml = spof_report::junit::junit(&model, &report, &options("spof.yaml"));
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}\n{xml}"));
        let suite = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite"))
            .unwrap();
        let cases = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .count();
        assert_eq!(cases, report.findings.len());
        let failures = suite
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count();
        assert_eq!(
            suite.attribute("failures"),
            Some(failures.to_string().as_str())
        );
        let expected = report
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::High && !f.is_decided())
            .count();
        assert_eq!(failures, expected, "{name}");
    }
}

#[test]
fn junit_escapes_names_and_skips_decided_findings() {
    let yaml = r#"
name: "<shop> & \"co\""
components:
  app:
    kind: service
    restore_time: 1h
decisions:
  - finding: SPOF001
    component: app
    status: accepted
    owner: "a <b> & 'c'"
    review_by: 2027-01-31
"#;
    let (model, report) = analyse(yaml);
    let xml = spof_report::junit::junit(&model, &report, &options("a&b.yaml"));
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("name"), Some("spof check: <shop> & \"co\""));
    let skipped = doc
        .descendants()
        .find(|n| n.has_tag_name("skipped"))
        .unwrap();
    assert!(
        skipped
            .attribute("message")
            .unwrap()
            .contains("a <b> & 'c'")
    );
    assert_eq!(spof_report::junit::escape("a\u{1}b"), "ab");
}

#[test]
fn markdown_has_the_sections_and_a_mermaid_diagram() {
    let (model, report) = analyse(EXAMPLES[0].1);
    let text = spof_report::markdown::markdown(&model, &report, &options("spof.yaml"));
    for heading in [
        "# spof check: ecommerce-2009",
        "## Single points of failure (4)",
        "## Findings (7)",
        "## Checklist",
        "## Diagram",
        "```mermaid\nflowchart LR",
        "**Fix:**",
        "| Result | ❌ fails at `--fail-on high` |",
    ] {
        assert!(text.contains(heading), "{heading} missing:\n{text}");
    }
}

#[test]
fn diagrams_group_by_zone_and_mark_spofs_and_the_journey() {
    let (model, report) = analyse(EXAMPLES[2].1);
    let checkout = model.journey("checkout");
    let dot = spof_report::dot::dot(&model, &report, checkout);
    assert!(
        dot.contains("subgraph cluster_0 {\n    label=\"zone a (SPOF)\";"),
        "{dot}"
    );
    assert!(
        dot.contains("n1 -> n3 [style=dashed, color=\"#1d4ed8\", penwidth=2.5];"),
        "{dot}"
    );
    assert!(dot.contains("style=\"rounded,bold,filled\""), "{dot}");
    let mermaid = spof_report::mermaid::mermaid(&model, &report, checkout);
    assert!(
        mermaid.starts_with("flowchart LR\n  subgraph c0 [\"zone a (SPOF)\"]"),
        "{mermaid}"
    );
    assert!(mermaid.contains("n1 -.-> n3"), "{mermaid}");
    assert!(mermaid.contains("class n4 spofJourney"), "{mermaid}");
    assert!(mermaid.contains("linkStyle "), "{mermaid}");
}

#[test]
fn diagrams_nest_zones_in_regions_and_label_scoped_edges() {
    let yaml = r#"
domains:
  eu: {kind: region}
  a: {kind: zone, in: eu}
  b: {kind: zone, in: eu}
components:
  app:
    kind: service
    spread: [a, b]
    replicas: 2
    depends_on:
      - component: nat
        per: zone
  nat:
    kind: nat_gateway
    instances:
      - {name: nat-a, in: [a]}
      - {name: nat-b, in: [b]}
  "odd \"name\"":
    kind: worker
    in: [a]
"#;
    let (model, report) = analyse(yaml);
    let dot = spof_report::dot::dot(&model, &report, None);
    assert!(dot.contains("label=\"region eu"), "{dot}");
    assert!(dot.contains("label=\"per zone\""), "{dot}");
    assert!(dot.contains("odd \\\"name\\\""), "{dot}");
    let mermaid = spof_report::mermaid::mermaid(&model, &report, None);
    assert!(mermaid.contains("-->|\"per zone\"|"), "{mermaid}");
    assert!(mermaid.contains("odd #quot;name#quot;"), "{mermaid}");
    // The region holds the components spread over its zones; the worker sits in zone a.
    assert!(
        mermaid.contains("subgraph c0 [\"region eu (SPOF)\"]\n    subgraph c1 [\"zone a (SPOF)\"]"),
        "{mermaid}"
    );
}

#[test]
fn checklist_text_and_json() {
    let (model, report) = analyse(EXAMPLES[0].1);
    let text = spof_report::checklist::text(&model, &report, "spof.yaml", false);
    assert!(
        text.contains("  Load balancers                SPOF\n"),
        "{text}"
    );
    assert!(text.ends_with("checklist: 2 redundant, 4 SPOFs, 0 accepted, 10 not modelled\n"));
    let json: Value =
        serde_json::from_str(&spof_report::checklist::json(&model, &report, "spof.yaml")).unwrap();
    assert_eq!(json["summary"]["not_modelled"], 10);
    let layers: Vec<&str> = json["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["layer"].as_str().unwrap())
        .collect();
    assert_eq!(
        layers,
        [
            "physical",
            "network",
            "compute",
            "data",
            "application",
            "operations"
        ]
    );
}

#[test]
fn sarif_with_a_policy_lists_its_rules_and_stays_valid() {
    let yaml =
        "components:\n  sessions:\n    kind: cache\n    replicas: 2\n  db:\n    kind: database\n";
    let policy = spof_model::policy::parse_policy(
        "[[rules]]\ncode = \"POL001\"\nname = \"replicated-state\"\nmessage = \"shared state runs on 3 instances\"\nfix = \"add instances\"\nseverity = \"low\"\nselect = { shared_state = true }\nrequire = { min_instances = 3 }\n",
        &[],
    )
    .policy
    .expect("a policy");
    let model = parse_model(yaml, &ParseLimits::default()).model.unwrap();
    let report = check(
        &model,
        &Config {
            today: None,
            policy,
            ..Default::default()
        },
    );
    let text = spof_report::sarif::sarif(&model, &report, &options("spof.yaml"), &[]);
    let log: Value = serde_json::from_str(&text).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let custom: Vec<&Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "POL001")
        .collect();
    assert_eq!(custom.len(), 2, "{text}");
    for result in custom {
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], "POL001");
        assert_eq!(rule["name"], "replicated-state");
        assert_eq!(result["level"], "note");
    }
    if let Some(validator) = sarif_validator() {
        assert!(validator.is_valid(&log), "{text}");
    }
}
