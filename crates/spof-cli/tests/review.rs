//! The review workflow through the binary: the audit checklist of every built-in example, the
//! checklist of an imported model, and the report formats of `spof check --format`
//! (snapshots of each on each example, and the properties a consumer relies on).

use assert_cmd::Command;
use serde_json::Value;

const TODAY: &str = "2026-11-23";
const EXAMPLES: [&str; 4] = [
    "ecommerce-2009",
    "three-tier",
    "nat-gateway",
    "deploy-and-monitoring",
];

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

fn checklist_json(args: &[&str]) -> Value {
    let mut all = vec!["checklist"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (code, stdout, stderr) = spof(&all);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

fn item<'a>(checklist: &'a Value, id: &str) -> &'a Value {
    checklist["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

#[test]
fn checklist_of_ecommerce_2009() {
    let list = checklist_json(&["--example", "ecommerce-2009"]);
    assert_eq!(list["schema_version"], 1);
    assert_eq!(list["items"].as_array().unwrap().len(), 16);
    for id in ["dns", "load-balancers", "caches"] {
        assert_eq!(item(&list, id)["state"], "spof", "{id}");
    }
    assert_eq!(item(&list, "application-servers")["state"], "redundant");
    // The database cluster is redundant; the one connection proxy in front of it is a load
    // balancer, a SPOF of that item.
    assert_eq!(item(&list, "databases")["state"], "redundant");
    let proxies: Vec<&Value> = item(&list, "load-balancers")["spofs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["components"].as_array().unwrap())
        .collect();
    assert!(proxies.iter().any(|c| *c == "db-proxy"), "{proxies:?}");
    assert_eq!(
        item(&list, "caches")["spofs"][0]["components"][0],
        "sessions"
    );
    for id in [
        "cdn",
        "message-queues",
        "storage",
        "nat-gateways",
        "monitoring",
        "deploy-pipeline",
        "team-knowledge",
    ] {
        let it = item(&list, id);
        assert_eq!(it["state"], "not-modelled", "{id}");
        assert!(it["question"].as_str().unwrap().ends_with('?'), "{id}");
        assert!(!it["to_add"].as_str().unwrap().is_empty(), "{id}");
    }
    let lb = &item(&list, "load-balancers")["spofs"][0];
    assert_eq!(lb["blast_radius"], 1.0);
    assert_eq!(lb["recovery"]["time"], "2h");
}

#[test]
fn checklist_in_check_output() {
    let (_, text, _) = spof(&["check", "--example", "ecommerce-2009"]);
    assert!(
        text.contains("checklist: 2 redundant, 4 SPOFs, 0 accepted, 10 not modelled"),
        "{text}"
    );
    let (_, json, _) = spof(&["check", "--example", "ecommerce-2009", "--format", "json"]);
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["checklist"]["summary"]["spof"], 4);
    assert_eq!(report["checklist"]["items"].as_array().unwrap().len(), 16);
}

#[test]
fn checklist_of_a_compose_import_names_what_compose_cannot_express() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("compose.yaml");
    std::fs::write(
        &path,
        "services:\n  web:\n    image: nginx\n    depends_on: [api]\n  api:\n    image: example/api\n    depends_on: [redis]\n  redis:\n    image: redis:7\n",
    )
    .unwrap();
    let from = format!("compose:{}", path.display());
    let list = checklist_json(&["--from", &from]);
    for id in ["dns", "certificates", "nat-gateways", "team-knowledge"] {
        let it = item(&list, id);
        assert_eq!(it["state"], "not-modelled", "{id}");
        assert_eq!(it["not_expressible_in"], "compose", "{id}");
    }
    // Compose can name a queue (from its image); this file has none.
    assert_eq!(
        item(&list, "message-queues")["not_expressible_in"],
        Value::Null
    );
    assert_eq!(item(&list, "caches")["state"], "spof");
}

#[test]
fn checklist_errors_are_clear() {
    let (code, _, stderr) = spof(&["checklist", "--example", "nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("nope"), "{stderr}");
    let (code, _, stderr) = spof(&["checklist", "no-such-file.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no such file"), "{stderr}");
}

#[test]
fn snapshots_of_checklists() {
    for name in EXAMPLES {
        let (code, text, _) = spof(&["checklist", "--example", name]);
        assert_eq!(code, 0);
        insta::assert_snapshot!(format!("checklist_text_{name}"), text);
        let (_, json, _) = spof(&["checklist", "--example", name, "--format", "json"]);
        insta::assert_snapshot!(format!("checklist_json_{name}"), json);
    }
}

#[test]
fn snapshots_of_every_format() {
    for name in EXAMPLES {
        for format in ["sarif", "markdown", "dot", "mermaid", "junit"] {
            let (code, text, stderr) = spof(&["check", "--example", name, "--format", format]);
            assert_eq!(code, 1, "{name} {format}: {stderr}");
            insta::assert_snapshot!(format!("{format}_{name}"), text);
        }
    }
    let (_, text, _) = spof(&[
        "check",
        "--example",
        "nat-gateway",
        "--format",
        "mermaid",
        "--journey",
        "checkout",
    ]);
    insta::assert_snapshot!("mermaid_nat-gateway_checkout", text);
    let (_, text, _) = spof(&[
        "check",
        "--example",
        "nat-gateway",
        "--format",
        "dot",
        "--journey",
        "checkout",
    ]);
    insta::assert_snapshot!("dot_nat-gateway_checkout", text);
}

#[test]
fn output_file_is_written_once_and_replaced_only_with_force() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("spof.sarif");
    let file = path.to_str().unwrap();
    let args = [
        "check",
        "--example",
        "three-tier",
        "--format",
        "sarif",
        "-o",
        file,
    ];
    let (code, stdout, stderr) = spof(&args);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    let written = std::fs::read_to_string(&path).unwrap();
    let log: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(log["version"], "2.1.0");

    std::fs::write(&path, "mine").unwrap();
    let (code, _, stderr) = spof(&args);
    assert_eq!(code, 2);
    assert!(stderr.contains("already exists; pass --force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");

    let mut forced = args.to_vec();
    forced.push("--force");
    let (code, _, stderr) = spof(&forced);
    assert_eq!(code, 1, "{stderr}");
    assert_ne!(std::fs::read_to_string(&path).unwrap(), "mine");

    let (code, _, stderr) = spof(&[
        "check",
        "--example",
        "three-tier",
        "-o",
        folder.path().join("no/such/folder/x").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot write"), "{stderr}");
}

#[test]
fn sarif_of_an_import_points_at_the_compose_file() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("compose.yaml");
    std::fs::write(
        &path,
        "services:\n  web:\n    image: nginx\n    depends_on: [redis]\n  redis:\n    image: redis:7\n",
    )
    .unwrap();
    let from = format!("compose:{}", path.display());
    let (_, stdout, stderr) = spof(&["check", "--from", &from, "--format", "sarif"]);
    let log: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        assert!(
            location["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("compose.yaml"),
            "{result}"
        );
    }
    assert!(
        results
            .iter()
            .any(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].is_u64())
    );
}
