//! The policy file through the binary: found beside the model, named with `--policy`, ignored
//! with `--no-policy`; its rules' findings in every format and gated like any other; its
//! `fail_on` under the command line's; its import patterns; its errors located.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const MODEL: &str = "components:
  lb:
    kind: load_balancer
    managed: true
    depends_on: [app]
  app:
    kind: service
    replicas: 2
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    failover: automatic
    failover_time: 5m
journeys:
  checkout:
    path: [lb]
    critical: true
";

const POLICY: &str = r#"fail_on = "medium"

[[rules]]
code = "POL001"
name = "fast-database-failover"
message = "every database on a critical journey fails over automatically within 2 minutes"
fix = "tune the failover of the database to 2 minutes or less"
severity = "medium"
select = { kind = "database", on_critical_journey = true }
require = { failover = "automatic", max_failover_time = "2m" }
"#;

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn spof(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("spof")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .args(["--color", "never"])
        .env("SPOF_TODAY", "2026-11-23")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn codes(json: &str) -> Vec<String> {
    let report: Value = serde_json::from_str(json).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn spof_toml_beside_the_model_is_found_and_its_rules_gate_the_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "system/spof.yaml", MODEL);
    write(dir.path(), "system/spof.toml", POLICY);
    // The model alone is clean.
    let (code, stdout, stderr) = spof(dir.path(), &["check", "system/spof.yaml", "--no-policy"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // With its policy, found beside it: the custom finding, and fail_on medium from the file.
    let (code, stdout, stderr) = spof(dir.path(), &["check", "system/spof.yaml"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("policy: system/spof.toml"), "{stderr}");
    assert!(
        stdout.contains("MEDIUM   POL001 fast-database-failover"),
        "{stdout}"
    );
    assert!(
        stdout.contains("`db` (database) fails over in 5m, more than 2m; policy: every database on a critical journey fails over automatically within 2 minutes"),
        "{stdout}"
    );
    assert!(stdout.contains("at system/spof.yaml:10:3"), "{stdout}");
    // The command line's --fail-on wins over the policy's.
    let (code, _, _) = spof(
        dir.path(),
        &["check", "system/spof.yaml", "--fail-on", "high"],
    );
    assert_eq!(code, 0);
    // JSON, SARIF, JUnit and Markdown carry it.
    let (_, stdout, _) = spof(
        dir.path(),
        &["check", "system/spof.yaml", "--format", "json"],
    );
    assert_eq!(codes(&stdout), ["POL001"]);
    let (_, stdout, _) = spof(
        dir.path(),
        &["check", "system/spof.yaml", "--format", "sarif"],
    );
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let index = run["results"][0]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "POL001");
    assert_eq!(run["results"][0]["ruleId"], "POL001");
    assert_eq!(
        run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
    for format in ["junit", "markdown"] {
        let (_, stdout, _) = spof(
            dir.path(),
            &["check", "system/spof.yaml", "--format", format],
        );
        assert!(stdout.contains("POL001"), "{format}: {stdout}");
    }
}

#[test]
fn a_decision_covers_a_custom_finding() {
    let dir = tempfile::tempdir().unwrap();
    let decided = format!(
        "{MODEL}decisions:\n  - finding: POL001\n    component: db\n    status: accepted\n    owner: alice\n    reason: the provider's failover takes 5m\n    review_by: 2027-06-30\n"
    );
    write(dir.path(), "spof.yaml", &decided);
    write(dir.path(), "spof.toml", POLICY);
    let (code, stdout, stderr) = spof(dir.path(), &["check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("accepted"), "{stdout}");
    // Once the decision expires, the finding fails the run again.
    let (code, _, _) = spof(dir.path(), &["check", "--today", "2027-07-01"]);
    assert_eq!(code, 1);
}

#[test]
fn policy_errors_are_located_and_end_the_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "spof.yaml", MODEL);
    write(
        dir.path(),
        "strict.toml",
        "[severity]\nSPOF02 = \"low\"\n\n[[rules]]\ncode = \"POL001\"\nmessage = \"m\"\nselect = { kind = \"databse\" }\nrequire = { min_instances = 2, max_failover_time = \"2 minutes\" }\n",
    );
    let (code, stdout, stderr) = spof(dir.path(), &["check", "--policy", "strict.toml"]);
    assert_eq!(code, 2, "{stdout}");
    for expected in [
        "strict.toml:2:1",
        "no finding code `SPOF02`",
        "did you mean `SPOF0",
        "strict.toml:7:19",
        "the component kind `databse` is not known",
        "did you mean `database`?",
        "strict.toml:8:52",
        "`max_failover_time` `2 minutes` is not a duration",
        "error: strict.toml: 3 errors in the policy",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    // Not valid TOML at all.
    write(dir.path(), "broken.toml", "fail_on = \"high\n");
    let (code, _, stderr) = spof(dir.path(), &["check", "--policy", "broken.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not valid TOML"), "{stderr}");
    assert!(stderr.contains("broken.toml:1:"), "{stderr}");
    // A missing file named on the command line.
    let (code, _, stderr) = spof(dir.path(), &["check", "--policy", "nowhere.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read nowhere.toml"), "{stderr}");
}

#[test]
fn severity_overrides_change_what_fails() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "spof.yaml",
        "components:\n  app:\n    kind: service\n",
    );
    let (code, stdout, _) = spof(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&stdout), ["SPOF001"]);
    write(
        dir.path(),
        "spof.toml",
        "[severity]\nsingle-instance = \"low\"\n",
    );
    let (code, stdout, _) = spof(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["findings"][0]["severity"], "low");
}

#[test]
fn import_ignores_the_paths_the_policy_names_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{ app: {name} }}\n  template:\n    metadata:\n      labels: {{ app: {name} }}\n    spec:\n      containers:\n        - name: {name}\n          image: example/{name}:1\n"
        )
    };
    write(dir.path(), "k8s/web.yaml", &deployment("web"));
    write(dir.path(), "k8s/tests/debug.yaml", &deployment("debug"));
    write(dir.path(), "spof.toml", "[import]\nignore = [\"tests\"]\n");
    let (code, stdout, stderr) = spof(dir.path(), &["import", "k8s", "-o", "-"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("  web:\n"), "{stdout}");
    assert!(!stdout.contains("debug"), "{stdout}");
    assert!(
        stderr.contains("ignored by the policy's import pattern `tests`"),
        "{stderr}"
    );
    // Without the policy, both are read.
    let (code, stdout, stderr) = spof(dir.path(), &["import", "k8s", "-o", "-", "--no-policy"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("  debug:\n"), "{stdout}");
    // `check --from` reads the same policy.
    let (_, stdout, stderr) = spof(
        dir.path(),
        &[
            "check",
            "--from",
            "k8s",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
    assert!(report.to_string().contains("web"));
    assert!(!stdout.contains("\"debug\""), "{stdout}");
}

/// docs/policy.md names every key the reader knows, and its TOML examples read cleanly.
#[test]
fn docs_name_every_key_and_their_examples_read() {
    use spof_model::policy::*;
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/policy.md"))
            .unwrap();
    for key in TOP_KEYS
        .iter()
        .chain(IMPORT_KEYS)
        .chain(RULE_KEYS)
        .chain(COMPONENT_SELECT_KEYS)
        .chain(JOURNEY_SELECT_KEYS)
        .chain(COMPONENT_REQUIRE_KEYS)
        .chain(JOURNEY_REQUIRE_KEYS)
    {
        assert!(
            docs.contains(&format!("| `{key}` |")),
            "docs/policy.md lacks `{key}`"
        );
    }
    let known: Vec<KnownCode> = spof_engine_codes();
    let mut blocks = 0;
    for block in docs.split("```toml\n").skip(1) {
        let text = block.split("```").next().unwrap();
        let parsed = parse_policy(text, &known);
        assert!(
            parsed.diagnostics.is_empty(),
            "{:#?}\n{text}",
            parsed.diagnostics
        );
        blocks += 1;
    }
    assert!(blocks >= 3);
}

/// The built-in codes, as the binary gives them (`spof explain` lists them).
fn spof_engine_codes() -> Vec<spof_model::policy::KnownCode<'static>> {
    let dir = tempfile::tempdir().unwrap();
    let (_, stdout, _) = spof(dir.path(), &["explain"]);
    let lines: &'static str = Box::leak(stdout.into_boxed_str());
    lines
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let code = words.next()?;
            let name = words.next()?;
            code.starts_with("SPOF")
                .then_some(spof_model::policy::KnownCode { code, name })
        })
        .collect()
}

#[test]
fn explain_shows_a_custom_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "spof.yaml", MODEL);
    write(dir.path(), "spof.toml", POLICY);
    let (code, stdout, stderr) = spof(dir.path(), &["explain", "POL001"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("explain_custom_rule", stdout);
    let (code, stdout, _) = spof(dir.path(), &["explain", "fast-database-failover"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("# POL001"), "{stdout}");
    // Without the policy the code means nothing.
    let (code, _, stderr) = spof(dir.path(), &["explain", "POL001", "--no-policy"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`POL001` is neither a component"),
        "{stderr}"
    );
}
