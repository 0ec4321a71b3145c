//! `spof check --baseline` and `spof diff`: what a change adds, removes, worsens or improves,
//! matched by fingerprints that survive reordering and renaming elsewhere in the model, and the
//! exit codes that gate a pull request on what it changed.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const TODAY: &str = "2026-11-23";

/// A shop with no SPOF: a managed load balancer, two app servers and a database with an
/// automatic standby, over two zones.
const SHOP: &str = "\
# A small shop, redundant everywhere.
name: shop
domains:
  a: { kind: zone }
  b: { kind: zone }
components:
  lb:
    kind: load_balancer
    replicas: 2
    spread: [a, b]
    depends_on: [app]
  app:
    kind: service
    replicas: 2
    spread: [a, b]
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    spread: [a, b]
    failover: automatic
    failover_time: 30s
  search:
    kind: search
    replicas: 2
    spread: [a, b]
journeys:
  checkout:
    path: [lb]
    critical: true
    rto_target: 1h
";

/// The same shop after a change that puts a single-instance cache on checkout's path.
fn with_cache() -> String {
    SHOP.replace("    depends_on: [db]\n", "    depends_on: [db, cache]\n")
        .replace(
            "journeys:",
            "  cache:\n    kind: cache\n    restore_time: 30m\njourneys:",
        )
}

fn spof_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("spof")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .args(["--today", TODAY, "--color", "never"])
        .env_remove("NO_COLOR")
        .env_remove("SPOF_TODAY")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A folder holding `old.yaml`, `new.yaml` and `old.json` (the check report of `old.yaml`).
fn setup(old: &str, new: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.yaml"), old).unwrap();
    std::fs::write(dir.path().join("new.yaml"), new).unwrap();
    let (code, json, stderr) = spof_in(
        dir.path(),
        &[
            "check",
            "old.yaml",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    std::fs::write(dir.path().join("old.json"), json).unwrap();
    dir
}

fn baseline_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "check",
        "new.yaml",
        "--baseline",
        "old.json",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = spof_in(dir, &args);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (code, serde_json::from_str(&stdout).unwrap())
}

fn events(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_single_instance_cache_on_a_critical_journey_is_exactly_one_new_spof() {
    let dir = setup(SHOP, &with_cache());
    let (code, report) = baseline_json(dir.path(), &[]);
    let baseline = &report["baseline"];
    assert_eq!(events(&baseline["spofs"]["new"]), ["cache/1"]);
    assert_eq!(baseline["spofs"]["resolved"], Value::Array(vec![]));
    assert_eq!(baseline["spofs"]["worse"], Value::Array(vec![]));
    assert_eq!(baseline["spofs"]["new"][0]["journeys"][0], "checkout");
    assert_eq!(baseline["summary"][0], "adds SPOF `cache` to checkout");
    assert_eq!(code, 1, "a new critical finding fails the run");
    assert_eq!(report["summary"]["failed"], true);
    assert!(baseline["failing"].as_u64().unwrap() >= 1);
    // --fail-on never: reported, not failing.
    let (code, _) = baseline_json(dir.path(), &["--fail-on", "never"]);
    assert_eq!(code, 0);
}

#[test]
fn a_baseline_of_the_same_model_hides_the_old_findings_from_the_gate() {
    // ecommerce-2009 fails a plain check; against its own report, nothing is new.
    let dir = tempfile::tempdir().unwrap();
    let (_, json, _) = spof_in(
        dir.path(),
        &["check", "--example", "ecommerce-2009", "--format", "json"],
    );
    std::fs::write(dir.path().join("old.json"), json).unwrap();
    let (code, text, stderr) = spof_in(
        dir.path(),
        &[
            "check",
            "--example",
            "ecommerce-2009",
            "--baseline",
            "old.json",
        ],
    );
    assert_eq!(code, 0, "{text}{stderr}");
    assert!(text.contains("Changes against baseline old.json"), "{text}");
    assert!(text.contains("  nothing changed\n"), "{text}");
    assert!(
        text.contains(
            "passes at --fail-on high (new or worse findings only, against the baseline)"
        )
    );
    let (code, _, _) = spof_in(dir.path(), &["check", "--example", "ecommerce-2009"]);
    assert_eq!(code, 1, "without the baseline the same model fails");
}

#[test]
fn fingerprints_survive_reordering_and_renaming_unrelated_components() {
    let before = with_cache();
    // Components in another order, the unrelated `search` renamed, comments and lines moved.
    let after = before
        .replace(
            "  search:\n    kind: search\n    replicas: 2\n    spread: [a, b]\n",
            "",
        )
        .replace(
            "components:\n",
            "components:\n  # Renamed and moved to the top.\n  index:\n    kind: search\n    replicas: 2\n    spread: [a, b]\n",
        );
    assert_ne!(before, after);
    let dir = setup(&before, &after);
    let (code, report) = baseline_json(dir.path(), &[]);
    let baseline = &report["baseline"];
    for side in ["new", "resolved", "worse", "better"] {
        assert_eq!(
            baseline["spofs"][side],
            Value::Array(vec![]),
            "spofs {side}"
        );
        assert_eq!(
            baseline["findings"][side],
            Value::Array(vec![]),
            "findings {side}"
        );
    }
    assert_eq!(baseline["spofs"]["unchanged"], 1);
    assert!(baseline["findings"]["unchanged"].as_u64().unwrap() >= 1);
    assert_eq!(code, 0, "the cache's finding was already in the baseline");
}

#[test]
fn a_longer_recovery_is_worse_and_fails_the_gate() {
    let before = with_cache();
    let after = before.replace("restore_time: 30m", "restore_time: 4h");
    let dir = setup(&before, &after);
    let (code, report) = baseline_json(dir.path(), &[]);
    let worse = &report["baseline"]["spofs"]["worse"];
    assert_eq!(events(worse), ["cache/1"]);
    assert_eq!(worse[0]["how"][0], "RTO 30m → 4h");
    assert_eq!(worse[0]["before"]["rto_seconds"], 1800);
    assert_eq!(worse[0]["rto_seconds"], 14400);
    assert_eq!(code, 1);
    let (code, text, _) = spof_in(dir.path(), &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("SPOF `cache`: RTO 30m → 4h"), "{text}");
    assert!(text.contains("checkout's RTO 30m → 4h"), "{text}");
    // The other way round, nothing got worse.
    let (code, text, _) = spof_in(dir.path(), &["diff", "new.yaml", "old.yaml"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("nothing got worse"), "{text}");
}

#[test]
fn diff_snapshots() {
    let dir = setup(SHOP, &with_cache());
    let (code, text, stderr) = spof_in(dir.path(), &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("diff_text_adds_cache", text);
    let (code, json, _) = spof_in(
        dir.path(),
        &["diff", "old.yaml", "new.yaml", "--format", "json"],
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("diff_json_adds_cache", json);
    let (code, text, _) = spof_in(dir.path(), &["diff", "new.yaml", "old.yaml"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("diff_text_removes_cache", text);
    let (code, text, _) = spof_in(dir.path(), &["diff", "old.yaml", "old.yaml"]);
    assert_eq!(code, 0);
    assert!(text.contains("  nothing changed\n"), "{text}");
}

#[test]
fn baseline_section_snapshots() {
    let dir = setup(SHOP, &with_cache());
    let (code, text, stderr) =
        spof_in(dir.path(), &["check", "new.yaml", "--baseline", "old.json"]);
    assert_eq!(code, 1, "{stderr}");
    let section = text
        .split("\nChanges against baseline")
        .nth(1)
        .expect("the section is there");
    insta::assert_snapshot!(
        "baseline_section_text",
        format!("Changes against baseline{section}")
    );
    let (_, report) = baseline_json(dir.path(), &[]);
    insta::assert_snapshot!(
        "baseline_section_json",
        serde_json::to_string_pretty(&report["baseline"]).unwrap()
    );
}

#[test]
fn a_baseline_that_is_not_a_spof_report_is_a_clear_error() {
    let dir = setup(SHOP, SHOP);
    let cases: [(&str, &str, &str); 6] = [
        ("yaml.json", SHOP, "is not JSON (line 1, column"),
        (
            "array.json",
            "[1, 2]",
            "is not a spof report (not a JSON object)",
        ),
        (
            "other.json",
            "{\"results\": []}",
            "is not a spof report (no `schema_version`)",
        ),
        (
            "v2.json",
            "{\"schema_version\": 2, \"tool\": {\"name\": \"spof\"}}",
            "is a report of JSON schema version 2; this spof reads version 1",
        ),
        (
            "errors.json",
            "{\"schema_version\": 1, \"errors\": [], \"warnings\": []}",
            "is the output of a check whose model could not be read",
        ),
        (
            "partial.json",
            "{\"schema_version\": 1, \"tool\": {\"name\": \"spof\"}, \"spofs\": [{}], \"findings\": [], \"journeys\": [], \"components\": []}",
            "is not a complete spof report: spofs[0].event is missing or not a string",
        ),
    ];
    for (file, text, expected) in cases {
        std::fs::write(dir.path().join(file), text).unwrap();
        let (code, stdout, stderr) =
            spof_in(dir.path(), &["check", "new.yaml", "--baseline", file]);
        assert_eq!(code, 2, "{file}: {stdout}");
        assert!(
            stderr.contains(&format!("error: --baseline {file} {expected}")),
            "{file}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let (code, _, stderr) = spof_in(
        dir.path(),
        &["check", "new.yaml", "--baseline", "missing.json"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read missing.json: no such file"),
        "{stderr}"
    );
    // A model with errors is refused by diff, with its diagnostics.
    std::fs::write(
        dir.path().join("bad.yaml"),
        "components:\n  app:\n    kind: servce\n",
    )
    .unwrap();
    let (code, _, stderr) = spof_in(dir.path(), &["diff", "old.yaml", "bad.yaml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("bad.yaml: 1 error in the model"),
        "{stderr}"
    );
}
