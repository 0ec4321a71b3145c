//! The command line at its boundary: exit codes, decisions, cycles, explain and whatif errors.

use assert_cmd::Command;

fn run(args: &[&str], model: Option<&str>) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::cargo_bin("spof").unwrap();
    command
        .current_dir(dir.path())
        .args(args)
        .args(["--color", "never"]);
    if args[0] != "schema" {
        command.args(["--today", "2026-11-23"]);
    }
    if let Some(text) = model {
        std::fs::write(dir.path().join("spof.yaml"), text).unwrap();
    }
    let output = command.output().unwrap();
    if let Some(text) = model {
        assert_eq!(
            std::fs::read_to_string(dir.path().join("spof.yaml")).unwrap(),
            text,
            "the model was changed"
        );
    }
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const SINGLE_DB: &str = "components:\n  app:\n    kind: service\n    replicas: 2\n    depends_on: [db]\n  db:\n    kind: database\n    restore_time: 1h\n";

#[test]
fn a_cycle_is_analysed_with_a_located_warning() {
    let model = "components:\n  a:\n    kind: service\n    replicas: 2\n    depends_on: [b]\n  b:\n    kind: service\n    depends_on: [a]\n";
    let (code, stdout, stderr) = run(&["check", "--format", "json"], Some(model));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("dependency cycle: a, b depend on each other"),
        "{stderr}"
    );
    assert!(stderr.contains("spof.yaml:5:18"), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["warnings"][0]["code"], "dependency-cycle");
    // b's only instance takes both down; a's replicas do not; the cycle alone fails nothing.
    let events: Vec<&str> = report["spofs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["b/1"]);
    assert_eq!(
        report["spofs"][0]["components_down"],
        serde_json::json!(["a", "b"])
    );
}

#[test]
fn decisions_cover_findings_until_they_expire_and_stale_ones_are_reported() {
    let accepted = format!(
        "{SINGLE_DB}decisions:\n  - finding: single-instance\n    component: db\n    status: accepted\n    owner: alice\n    reason: managed backups restore in an hour\n    review_by: 2027-01-31\n"
    );
    let (code, stdout, _) = run(&["check"], Some(&accepted));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("decision: accepted by alice"), "{stdout}");

    let expired = accepted.replace("2027-01-31", "2026-01-31");
    let (code, stdout, _) = run(&["check"], Some(&expired));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("EXPIRED"), "{stdout}");

    let stale = format!(
        "{SINGLE_DB}decisions:\n  - finding: SPOF001\n    component: app\n    status: planned\n  - finding: SPOF0001\n    status: accepted\n"
    );
    let (code, stdout, _) = run(
        &["check", "--format", "json", "--fail-on", "never"],
        Some(&stale),
    );
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SPOF022")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("for component `app` matches no finding")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("did you mean `SPOF001`?")),
        "{messages:?}"
    );
}

#[test]
fn explain_and_whatif_errors_suggest_near_names() {
    let (code, _, stderr) = run(&["explain", "dbb"], Some(SINGLE_DB));
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `db`?"), "{stderr}");
    let (code, _, stderr) = run(&["explain", "SPOF999"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("no finding code `SPOF999`"), "{stderr}");
    let (code, _, stderr) = run(&["whatif", "app/3"], Some(SINGLE_DB));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `app/1`?") || stderr.contains("did you mean `app/2`?"),
        "{stderr}"
    );
    let (code, stdout, _) = run(&["whatif", "app/1", "app/2"], Some(SINGLE_DB));
    assert_eq!(code, 0);
    assert!(stdout.contains("system  down until repaired"), "{stdout}");
    let (code, stdout, _) = run(&["explain", "SPOF013"], None);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("# SPOF013 shared-nat-gateway"),
        "{stdout}"
    );
}

#[test]
fn missing_model_and_unknown_example() {
    let (code, _, stderr) = run(&["check"], None);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("spof.yaml") && stderr.contains("spof init"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["check", "--example", "three-teir"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `three-tier`?"), "{stderr}");
}

#[test]
fn errors_in_json_mode_are_json_too() {
    let (code, stdout, _) = run(
        &["check", "--format", "json"],
        Some("components:\n  app:\n    kind: servce\n"),
    );
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["errors"][0]["line"], 3);
    assert_eq!(report["errors"][0]["column"], 11);
}

#[test]
fn schema_is_json_schema_and_output_is_deterministic() {
    let (code, stdout, _) = run(&["schema"], None);
    assert_eq!(code, 0);
    let schema: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let first = run(
        &[
            "check",
            "--example",
            "deploy-and-monitoring",
            "--format",
            "json",
        ],
        None,
    )
    .1;
    for _ in 0..3 {
        assert_eq!(
            run(
                &[
                    "check",
                    "--example",
                    "deploy-and-monitoring",
                    "--format",
                    "json"
                ],
                None
            )
            .1,
            first
        );
    }
}

#[test]
fn explain_a_managed_component_fails_every_place_it_runs() {
    let (code, stdout, _) = run(&["explain", "--example", "nat-gateway", "db"], None);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("Losing every place it runs in at once (zone:a, zone:b): browse down"),
        "{stdout}"
    );
    assert!(!stdout.contains("no journey is affected"), "{stdout}");
}
