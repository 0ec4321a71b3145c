//! The guided `spof init`, fed its answers without a terminal (`--answers FILE`,
//! `--from-stdin`): the model it writes is accepted by `spof check`, which finds the SPOFs the
//! answers describe. Without a terminal and without answers it writes the template and says so.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn spof(dir: &Path, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut command = Command::cargo_bin("spof").unwrap();
    command
        .current_dir(dir)
        .args(args)
        .env("SPOF_TODAY", "2026-11-23");
    if let Some(text) = stdin {
        command.write_stdin(text);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The SPOF events and finding codes of `spof check` on the model.
fn check(dir: &Path, model: &str) -> (i32, BTreeSet<String>, BTreeSet<String>) {
    let (code, stdout, stderr) = spof(dir, &["check", model, "--format", "json"], None);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    assert!(stderr.is_empty(), "warnings: {stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let events = report["spofs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap().to_string())
        .collect();
    let codes = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    (code, events, codes)
}

#[test]
fn answers_from_a_file_make_a_model_with_the_spofs_they_describe() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("answers.txt"),
        "# in front\ndns, load_balancer\n# DNS providers\n1\n# managed load balancer?\nno\n# load balancer instances\n1\n# app instances\n2\n# zones\na, b\n# database?\nyes\n# failover\nmanual\n30m\n# restore\n4h\n# who fails over, who restores\nalice\nalice\n# journey\ncheckout\n",
    )
    .unwrap();
    let (code, _, stderr) = spof(dir.path(), &["init", "--answers", "answers.txt"], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("wrote spof.yaml"), "{stderr}");
    let (code, events, codes) = check(dir.path(), "spof.yaml");
    assert_eq!(code, 1);
    let expected: BTreeSet<String> = ["zone:a", "dns/provider-1", "lb/1", "db/1"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(events, expected);
    for code in ["SPOF003", "SPOF005", "SPOF014", "SPOF019"] {
        assert!(codes.contains(code), "{code} missing from {codes:?}");
    }
}

#[test]
fn answers_on_standard_input_describe_a_system_without_spofs() {
    let dir = tempfile::tempdir().unwrap();
    let answers = "cdn load_balancer\nyes\n3\na b c\nyes\nautomatic\n30s\n2h\nalice, bob\nlogin\n";
    let (code, _, stderr) = spof(
        dir.path(),
        &["init", "model.yaml", "--from-stdin"],
        Some(answers),
    );
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(dir.path().join("model.yaml")).unwrap();
    assert!(text.contains("\"login\":"), "{text}");
    let (_, events, _) = check(dir.path(), "model.yaml");
    assert!(events.is_empty(), "{events:?}\n{text}");
}

#[test]
fn every_default_is_a_model_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = spof(dir.path(), &["init", "--from-stdin"], Some(""));
    assert_eq!(code, 0, "{stderr}");
    let (_, events, _) = check(dir.path(), "spof.yaml");
    // One load balancer, one DNS provider, one database: each a SPOF.
    let expected: BTreeSet<String> = ["dns/provider-1", "lb/1", "db/1"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(events, expected);
}

#[test]
fn without_a_terminal_or_answers_the_template_is_written_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = spof(dir.path(), &["init"], Some("dns\n"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("standard input is not a terminal: writing the commented template"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(dir.path().join("spof.yaml")).unwrap();
    assert_eq!(text, include_str!("../src/template.yaml"));
    // --template says nothing about the terminal.
    let (code, _, stderr) = spof(dir.path(), &["init", "t.yaml", "--template"], None);
    assert_eq!(code, 0);
    assert!(!stderr.contains("terminal"), "{stderr}");
}

#[test]
fn nothing_is_overwritten_and_bad_answers_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spof.yaml"), "mine\n").unwrap();
    let (code, _, stderr) = spof(dir.path(), &["init", "--from-stdin"], Some(""));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("spof.yaml already exists; pass --force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("spof.yaml")).unwrap(),
        "mine\n"
    );
    std::fs::write(dir.path().join("answers.txt"), "dns\nmany\n").unwrap();
    let (code, _, stderr) = spof(
        dir.path(),
        &["init", "--force", "--answers", "answers.txt"],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("answers.txt:2: `many` is not a number from 1 to 1000"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("spof.yaml")).unwrap(),
        "mine\n"
    );
    let (code, _, stderr) = spof(dir.path(), &["init", "--force", "--from-stdin"], Some(""));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        std::fs::read_to_string(dir.path().join("spof.yaml"))
            .unwrap()
            .starts_with("# Written by `spof init`")
    );
}
