//! `spof init`'s template is a valid model, mentions every key of the model, and is the one
//! written; the written file checks cleanly.

use spof_model::schema::ALL_OBJECTS;
use spof_model::{ParseLimits, Severity, parse_model};

const TEMPLATE: &str = include_str!("../src/template.yaml");

#[test]
fn template_parses_without_errors_or_warnings() {
    let parsed = parse_model(TEMPLATE, &ParseLimits::default());
    assert!(
        parsed
            .diagnostics
            .iter()
            .all(|d| d.severity != Severity::Error),
        "{:#?}",
        parsed.diagnostics
    );
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    assert!(parsed.model.is_some());
}

#[test]
fn template_mentions_every_key() {
    for object in ALL_OBJECTS {
        for field in object.fields {
            let key = format!("{}:", field.name);
            assert!(
                TEMPLATE.lines().any(
                    |l| l.trim_start().trim_start_matches("- ").starts_with(&key)
                        || l.contains(&format!("{{{key}"))
                        || l.contains(&format!(" {key} "))
                ),
                "the template lacks `{}` of {}",
                field.name,
                object.name
            );
        }
    }
}

#[test]
fn init_writes_the_template_and_the_result_checks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spof.yaml");
    assert_cmd::Command::cargo_bin("spof")
        .unwrap()
        .args(["init", path.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), TEMPLATE);
    let output = assert_cmd::Command::cargo_bin("spof")
        .unwrap()
        .args([
            "check",
            path.to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
