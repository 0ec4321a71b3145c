//! The risk register from the command line: `spof accept` adds a decision to the model's
//! text and nothing else (comments, order, layout, line endings kept byte for byte), refuses
//! what it cannot do with the file unchanged; `spof decisions` lists every decision with where
//! it stands.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const TODAY: &str = "2026-11-23";

/// A commented model with no `decisions` key.
const SHOP: &str = "\
# The shop, as the team drew it.
name: shop  # a trailing comment
components:
  lb:
    kind: load_balancer   # one self-hosted load balancer
    restore_time: 1h
    depends_on: [app]
  app:
    kind: service
    replicas: 2
    depends_on: [db, cache, payments]
  db:
    kind: database
    restore_time: 4h
  cache:
    kind: cache
    restore_time: 30m
  payments:
    kind: external
    restore_time: 2h

# Journeys last.
journeys:
  checkout:
    path: [lb]
    critical: true
";

fn spof_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("spof")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .args(["--today", TODAY])
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

const ACCEPT_LB: [&str; 10] = [
    "--owner",
    "alice",
    "--reason",
    "a second load balancer is budgeted: Q3",
    "--rto",
    "1h",
    "--review-by",
    "2027-06-30",
    "--status",
    "accepted",
];

/// Runs `spof accept TARGET` on `model` and returns the new text, checking that it is the
/// old text with one run of bytes inserted.
fn accept(model: &str, target: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spof.yaml"), model).unwrap();
    let mut args = vec!["accept", target];
    args.extend_from_slice(&ACCEPT_LB);
    let (code, stdout, stderr) = spof_in(dir.path(), &args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("added to spof.yaml at line"), "{stderr}");
    let after = std::fs::read_to_string(dir.path().join("spof.yaml")).unwrap();
    assert_only_inserted(model, &after);
    // The finding is now covered: it no longer fails the run.
    let (_, json, _) = spof_in(dir.path(), &["check", "--format", "json"]);
    let report: Value = serde_json::from_str(&json).unwrap();
    let lb = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SPOF014")
        .unwrap();
    assert_eq!(lb["fails_run"], false, "{after}");
    assert_eq!(lb["decision"]["owner"], "alice");
    assert_eq!(lb["decision"]["in_force"], true);
    after
}

/// `after` is `before` with one run of bytes inserted.
fn assert_only_inserted(before: &str, after: &str) {
    let prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = before[prefix..]
        .bytes()
        .rev()
        .zip(after[prefix..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    assert_eq!(
        prefix + suffix,
        before.len(),
        "bytes of the model changed, not only inserted:\n{after}"
    );
    assert!(after.len() > before.len());
}

#[test]
fn accept_on_a_commented_model_without_decisions_appends_a_block() {
    let after = accept(SHOP, "SPOF014:lb");
    assert_eq!(
        &after[SHOP.len()..],
        "\ndecisions:\n  - finding: SPOF014\n    component: lb\n    status: accepted\n    owner: alice\n    reason: \"a second load balancer is budgeted: Q3\"\n    rto: 1h\n    review_by: 2027-06-30\n"
    );
}

#[test]
fn accept_by_component_name() {
    let after = accept(SHOP, "lb");
    assert!(after.contains("  - finding: SPOF014\n    component: lb\n"));
}

#[test]
fn accept_into_an_existing_block_list_keeps_its_style_and_what_follows() {
    let model = SHOP.replace(
        "\n# Journeys last.\n",
        "decisions:\n- finding: SPOF011   # indentless, as the team writes it\n  component: cache\n  status: planned\n  owner: bob\n  review_by: 2027-01-31\n\n# Journeys last.\n",
    );
    let after = accept(&model, "SPOF014:lb");
    assert!(
        after.contains("  review_by: 2027-01-31\n- finding: SPOF014\n  component: lb\n"),
        "{after}"
    );
    assert!(after.contains("review_by: 2027-06-30\n\n# Journeys last.\n"));
}

#[test]
fn accept_into_a_flow_list() {
    let model = format!(
        "{SHOP}decisions: [{{finding: SPOF011, component: cache, status: planned, owner: bob, review_by: 2027-01-31}}]  # flow\n"
    );
    let after = accept(&model, "SPOF014:lb");
    assert!(
        after.contains("2027-01-31}, {finding: SPOF014, component: lb, status: accepted, owner: alice, reason: \"a second load balancer is budgeted: Q3\", rto: 1h, review_by: 2027-06-30}]  # flow\n"),
        "{after}"
    );
    let model = format!("{SHOP}decisions: []\n");
    let after = accept(&model, "SPOF014:lb");
    assert!(after.ends_with("decisions: [{finding: SPOF014, component: lb, status: accepted, owner: alice, reason: \"a second load balancer is budgeted: Q3\", rto: 1h, review_by: 2027-06-30}]\n"));
}

#[test]
fn accept_keeps_crlf_line_endings() {
    let model = SHOP.replace('\n', "\r\n");
    let after = accept(&model, "SPOF014:lb");
    assert!(
        !after.replace("\r\n", "").contains('\n'),
        "a bare newline: {after:?}"
    );
    assert!(after.ends_with("    review_by: 2027-06-30\r\n"));
}

#[test]
fn accept_on_a_last_line_without_newline() {
    let model = SHOP.trim_end_matches('\n');
    let after = accept(model, "SPOF014:lb");
    assert!(after.ends_with("\n    review_by: 2027-06-30"), "{after:?}");
    assert!(after.contains("    critical: true\n\ndecisions:\n"));
}

#[test]
fn accept_refuses_with_the_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spof.yaml");
    let run = |model: &str, target: &str, extra: &[&str]| {
        std::fs::write(&path, model).unwrap();
        // The options given in `extra` replace those of ACCEPT_LB.
        let mut args = vec!["accept", target];
        for pair in ACCEPT_LB.chunks(2) {
            if !extra.contains(&pair[0]) {
                args.extend_from_slice(pair);
            }
        }
        args.extend_from_slice(extra);
        let (code, _, stderr) = spof_in(dir.path(), &args);
        assert_eq!(code, 2, "{target}: {stderr}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), model, "{target}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    };
    let e = run(SHOP, "SPOF014:lbb", &[]);
    assert!(
        e.contains("no finding of spof.yaml matches `SPOF014:lbb`; did you mean `SPOF014:lb`?"),
        "{e}"
    );
    let e = run(SHOP, "cahce", &[]);
    assert!(
        e.contains(
            "`cahce` is neither a finding of spof.yaml nor a component of it; did you mean `cache`?"
        ),
        "{e}"
    );
    let e = run(SHOP, "SPOF001", &[]);
    assert!(
        e.contains(
            "`SPOF001` matches 2 findings: SPOF001:db, SPOF001:payments; name one as CODE:COMPONENT"
        ),
        "{e}"
    );
    let e = run(SHOP, "SPOF001:db", &["--rto", "10m"]);
    assert!(e.contains("the decision would not hide SPOF001:db: recovery takes 4h, over the --rto 10m it would accept; spof.yaml is unchanged"), "{e}");
    let e = run(SHOP, "SPOF014:lb", &["--review-by", "2026-01-01"]);
    assert!(e.contains("--review-by 2026-01-01 is already past"), "{e}");
    let e = run(SHOP, "SPOF014:lb", &["--rto", "soon"]);
    assert!(e.contains("--rto `soon`"), "{e}");
    let e = run(SHOP, "SPOF014:lb", &["--journey", "chekout"]);
    assert!(
        e.contains("no journey `chekout` in spof.yaml; did you mean `checkout`?"),
        "{e}"
    );
    let broken = SHOP.replace("kind: cache", "kind: cahce");
    let e = run(&broken, "SPOF014:lb", &[]);
    assert!(e.contains("spof.yaml: 1 error in the model"), "{e}");
    let decided = format!(
        "{SHOP}decisions:\n  - finding: SPOF014\n    component: lb\n    status: accepted\n    owner: bob\n    review_by: 2027-01-01\n"
    );
    let e = run(&decided, "SPOF014:lb", &[]);
    assert!(e.contains("SPOF014:lb already has a decision at spof.yaml:28 (accepted by bob); edit or remove it there"), "{e}");
}

/// A decision in every standing.
fn register_model() -> String {
    format!(
        "{SHOP}
decisions:
  - finding: SPOF014        # active
    component: lb
    status: accepted
    owner: alice
    reason: a second load balancer is budgeted
    rto: 1h
    review_by: 2027-06-30
  - finding: single-instance
    component: db
    status: mitigating
    owner: bob
    rto: 4h
    review_by: 2026-12-10
  - finding: SPOF011
    component: cache
    status: accepted
    owner: carol
    review_by: 2026-06-01
  - finding: SPOF001
    component: payments
    status: accepted
    owner: dave
    rto: 1h
    review_by: 2027-06-30
  - finding: SPOF010
    component: app
    status: planned
    remediation: add a circuit breaker
  - finding: SPOF013
    component: app
    status: accepted
    owner: erin
    review_by: 2027-01-01
"
    )
}

#[test]
fn decisions_lists_every_decision_with_its_standing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spof.yaml"), register_model()).unwrap();
    let (code, text, stderr) = spof_in(dir.path(), &["decisions", "--color", "never"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("decisions_text", text);
    let (code, json, _) = spof_in(dir.path(), &["decisions", "--format", "json"]);
    assert_eq!(code, 0);
    let register: Value = serde_json::from_str(&json).unwrap();
    let states: Vec<&str> = register["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "active",
            "review-due",
            "expired",
            "rto-exceeded",
            "incomplete",
            "unmatched"
        ]
    );
    insta::assert_snapshot!("decisions_json", json);
    // Only the first two hide their findings in check.
    let (_, json, _) = spof_in(dir.path(), &["check", "--format", "json"]);
    let report: Value = serde_json::from_str(&json).unwrap();
    let failing: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["fails_run"] == true)
        .map(|f| {
            format!(
                "{}:{}",
                f["code"].as_str().unwrap(),
                f["components"][0].as_str().unwrap_or("")
            )
        })
        .collect();
    for hidden in ["SPOF014:lb", "SPOF001:db"] {
        assert!(!failing.contains(&hidden.to_string()), "{failing:?}");
    }
    for shown in ["SPOF011:cache", "SPOF001:payments", "SPOF010:app"] {
        assert!(failing.contains(&shown.to_string()), "{shown}: {failing:?}");
    }
}
