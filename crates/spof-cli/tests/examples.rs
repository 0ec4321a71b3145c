//! The built-in examples give the results the design asks for, read through the JSON output
//! as a CI job would; and every example's text and JSON reports are snapshot-tested.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;

const TODAY: &str = "2026-11-23";

fn spof(args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("spof")
        .unwrap()
        .args(args)
        .args(["--today", TODAY, "--color", "never"])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn check_json(example: &str) -> Value {
    let (code, stdout, stderr) = spof(&["check", "--example", example, "--format", "json"]);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    serde_json::from_str(&stdout).unwrap()
}

fn spof_components(report: &Value) -> BTreeSet<String> {
    report["spofs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["component"].as_str().map(String::from))
        .collect()
}

fn spof_events(report: &Value) -> BTreeSet<String> {
    report["spofs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ecommerce_2009_names_the_four_spofs_and_not_app_or_db() {
    let report = check_json("ecommerce-2009");
    assert_eq!(report["schema_version"], 1);
    let components = spof_components(&report);
    let expected: BTreeSet<String> = ["dns", "lb", "sessions", "db-proxy"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(components, expected);
    assert_eq!(
        spof_events(&report).len(),
        4,
        "only the four components' own events"
    );
    for spof in report["spofs"].as_array().unwrap() {
        assert_eq!(spof["blast_radius"], 1.0);
        assert_eq!(spof["recovery"]["kind"], "repair");
    }
    let codes: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for code in ["SPOF005", "SPOF006", "SPOF011", "SPOF014"] {
        assert!(codes.contains(code), "{code} missing from {codes:?}");
    }
}

#[test]
fn three_tier_everything_is_a_spof_with_full_blast_radius() {
    let report = check_json("three-tier");
    let events = spof_events(&report);
    let expected: BTreeSet<String> = ["lb/1", "app/1", "db/1", "zone:us-east-1a"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(events, expected);
    for spof in report["spofs"].as_array().unwrap() {
        assert_eq!(spof["blast_radius"], 1.0, "{spof}");
    }
}

#[test]
fn nat_gateway_takes_checkout_down_with_zone_a_but_not_browse() {
    let report = check_json("nat-gateway");
    let events = spof_events(&report);
    let expected: BTreeSet<String> = ["nat/1", "zone:a"].iter().map(|s| s.to_string()).collect();
    assert_eq!(events, expected);
    for spof in report["spofs"].as_array().unwrap() {
        let down: Vec<&str> = spof["journeys"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|j| j["spof"] == true)
            .map(|j| j["journey"].as_str().unwrap())
            .collect();
        assert_eq!(down, ["checkout"], "{}", spof["event"]);
    }
    let zone_a = report["spofs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["event"] == "zone:a")
        .unwrap();
    let browse = zone_a["journeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["journey"] == "browse")
        .unwrap();
    assert_ne!(browse["effect"], "down-until-repair");
    assert_ne!(browse["effect"], "down-until-manual-step");
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"SPOF013"), "{codes:?}");
}

#[test]
fn deploy_and_monitoring_flags_the_deploy_and_the_monitoring() {
    let report = check_json("deploy-and-monitoring");
    assert!(spof_events(&report).contains("deploy:api"));
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"SPOF017"), "{codes:?}");
    assert!(codes.contains(&"SPOF018"), "{codes:?}");
}

#[test]
fn example_files_match_the_embedded_examples() {
    for name in [
        "ecommerce-2009",
        "three-tier",
        "nat-gateway",
        "deploy-and-monitoring",
    ] {
        let path = format!("{}/../../examples/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
        let (_, from_file, _) = spof(&["check", &path, "--format", "json"]);
        let (_, embedded, _) = spof(&["check", "--example", name, "--format", "json"]);
        let strip = |text: &str| {
            text.replace(&path, "")
                .replace(&format!("examples/{name}.yaml"), "")
        };
        assert_eq!(strip(&from_file), strip(&embedded), "{name}");
    }
}

#[test]
fn snapshots_of_every_example() {
    for name in [
        "ecommerce-2009",
        "three-tier",
        "nat-gateway",
        "deploy-and-monitoring",
    ] {
        let (code, text, _) = spof(&["check", "--example", name]);
        insta::assert_snapshot!(format!("check_text_{name}"), format!("exit {code}\n{text}"));
        let (_, json, _) = spof(&["check", "--example", name, "--format", "json"]);
        insta::assert_snapshot!(format!("check_json_{name}"), json);
    }
}

#[test]
fn snapshots_of_explain_and_whatif() {
    let (_, text, _) = spof(&["explain", "db", "--example", "ecommerce-2009"]);
    insta::assert_snapshot!("explain_db", text);
    let (_, text, _) = spof(&["explain", "app", "--example", "nat-gateway"]);
    insta::assert_snapshot!("explain_app_nat", text);
    let (_, text, _) = spof(&["whatif", "zone:a", "nat", "--example", "nat-gateway"]);
    insta::assert_snapshot!("whatif_zone_a", text);
    let (_, json, _) = spof(&[
        "whatif",
        "b",
        "--example",
        "nat-gateway",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!("whatif_zone_b_json", json);
    let (_, text, _) = spof(&["explain"]);
    insta::assert_snapshot!("explain_codes", text);
}

#[test]
fn journey_filter_and_fail_on() {
    let (code, text, _) = spof(&["check", "--example", "nat-gateway", "--journey", "browse"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Single points of failure (0)"), "{text}");
    let (code, _, stderr) = spof(&["check", "--example", "nat-gateway", "--journey", "brwse"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `browse`"), "{stderr}");
    let (code, _, _) = spof(&["check", "--example", "nat-gateway", "--fail-on", "critical"]);
    assert_eq!(code, 0);
    let (code, _, _) = spof(&["check", "--example", "nat-gateway", "--fail-on", "high"]);
    assert_eq!(code, 1);
    let (code, _, _) = spof(&["check", "--example", "three-tier", "--fail-on", "never"]);
    assert_eq!(code, 0);
}

/// `spof plan --example three-tier`: the frames run from four SPOFs to none, in the order of
/// the lesson (two app servers, a standby load balancer with a floating address, a database
/// standby with automatic failover, a second zone), then a third zone for the app servers (the
/// shop's load needs two of them up after any zone's loss), and every frame's figures improve.
#[test]
fn plan_of_the_three_tier_lesson() {
    let (code, json, stderr) = spof(&["plan", "--example", "three-tier", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let plan: Value = serde_json::from_str(&json).unwrap();
    let frames = plan["frames"].as_array().unwrap();
    let kinds: Vec<(&str, Vec<&str>)> = frames[1..]
        .iter()
        .map(|f| {
            (
                f["fix"]["kind"].as_str().unwrap(),
                f["fix"]["components"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("add-replicas", vec!["app"]),
            ("add-standby", vec!["lb"]),
            ("add-standby", vec!["db"]),
            ("spread", vec!["lb", "app", "db"]),
            ("zone-capacity", vec!["app"]),
        ]
    );
    let spofs: Vec<usize> = frames
        .iter()
        .map(|f| f["spofs"].as_array().unwrap().len())
        .collect();
    assert_eq!(spofs, [4, 3, 2, 1, 0, 0]);
    let last = &frames[frames.len() - 1]["zone_loss"];
    assert_eq!(last["zones"], 3);
    assert!(
        (last["kept"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9,
        "{last}"
    );
    let availability: Vec<f64> = frames
        .iter()
        .map(|f| f["journeys"][0]["availability"].as_f64().unwrap())
        .collect();
    assert!(
        availability.windows(2).all(|w| w[1] > w[0]),
        "{availability:?}"
    );
    let redundancy: Vec<f64> = frames
        .iter()
        .map(|f| f["redundancy_cost_per_month"].as_f64().unwrap())
        .collect();
    assert_eq!(redundancy, [0.0, 50.0, 200.0, 900.0, 900.0, 950.0]);
    assert!(plan["left"].as_array().unwrap().is_empty());
}

#[test]
fn plans_of_the_other_examples_remove_every_spof() {
    for (name, first) in [
        ("ecommerce-2009", 4),
        ("nat-gateway", 2),
        ("deploy-and-monitoring", 2),
    ] {
        let (code, json, stderr) = spof(&["plan", "--example", name, "--format", "json"]);
        assert_eq!(code, 0, "{stderr}");
        let plan: Value = serde_json::from_str(&json).unwrap();
        let frames = plan["frames"].as_array().unwrap();
        let spofs = |f: &Value| f["spofs"].as_array().unwrap().len();
        assert_eq!(spofs(&frames[0]), first, "{name}");
        assert_eq!(spofs(frames.last().unwrap()), 0, "{name}");
        assert!(
            frames.windows(2).all(|w| spofs(&w[1]) <= spofs(&w[0])),
            "{name}"
        );
    }
    // The NAT gateway story is fixed by a gateway per zone.
    let (_, json, _) = spof(&["plan", "--example", "nat-gateway", "--format", "json"]);
    let plan: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(plan["frames"][1]["fix"]["kind"], "nat-gateway-per-zone");
    // The deployment story by rolling deploys.
    let (_, json, _) = spof(&[
        "plan",
        "--example",
        "deploy-and-monitoring",
        "--format",
        "json",
    ]);
    let plan: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(plan["frames"][1]["fix"]["kind"], "rolling-deploy");
}

#[test]
fn snapshots_of_plans() {
    for name in [
        "ecommerce-2009",
        "three-tier",
        "nat-gateway",
        "deploy-and-monitoring",
    ] {
        let (code, text, _) = spof(&["plan", "--example", name]);
        insta::assert_snapshot!(format!("plan_text_{name}"), format!("exit {code}\n{text}"));
    }
    let (_, json, _) = spof(&["plan", "--example", "three-tier", "--format", "json"]);
    insta::assert_snapshot!("plan_json_three-tier", json);
}
