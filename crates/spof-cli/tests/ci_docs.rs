//! Every `spof` command in docs/ci.md's code blocks runs: each in a fresh folder holding a
//! model (`spof.yaml`, the ecommerce-2009 example), Kubernetes manifests and an overlay, as a CI
//! checkout would. A command must not end in error (exit 2), and the reports it writes with
//! `-o` must be there and well formed.

use assert_cmd::Command;
use std::path::Path;

/// The `spof` commands in the code blocks of a Markdown text: lines of shell (`spof ...`), of
/// YAML lists (`- spof ...`) and of workflow steps (`run: spof ...`, or the lines of a
/// `run: |` block), without trailing comments.
fn commands(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        let mut text = line.trim();
        for prefix in ["- ", "run: "] {
            text = text.strip_prefix(prefix).unwrap_or(text);
        }
        if let Some(comment) = text.find(" #") {
            text = &text[..comment];
        }
        if text.starts_with("spof ") {
            out.push(text.trim().to_string());
        }
    }
    out
}

fn checkout(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let model = std::fs::read_to_string(root.join("examples/ecommerce-2009.yaml")).unwrap();
    std::fs::write(dir.join("spof.yaml"), model).unwrap();
    std::fs::create_dir_all(dir.join("manifests")).unwrap();
    std::fs::write(
        dir.join("manifests/web.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: example/web:1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("spof-overlay.yaml"),
        "journeys:\n  home:\n    path: [web]\n    critical: true\n",
    )
    .unwrap();
}

#[test]
fn every_command_in_the_ci_recipes_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let docs = std::fs::read_to_string(root.join("docs/ci.md")).unwrap();
    let commands = commands(&docs);
    assert!(commands.len() >= 8, "{commands:#?}");
    let mut formats_written = Vec::new();
    for command in &commands {
        let dir = tempfile::tempdir().unwrap();
        checkout(dir.path());
        let words: Vec<&str> = command.split_whitespace().collect();
        assert!(
            words.iter().all(|w| !w.contains(['"', '\'', '$'])),
            "a command the test cannot run without a shell: {command}"
        );
        let output = Command::cargo_bin("spof")
            .unwrap()
            .current_dir(dir.path())
            .args(&words[1..])
            .env("SPOF_TODAY", "2026-11-23")
            .output()
            .unwrap();
        let code = output.status.code().unwrap_or(-1);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            code == 0 || code == 1,
            "`{command}` exited {code}:\n{stderr}"
        );
        assert!(!stderr.contains("error"), "`{command}`:\n{stderr}");
        // The gating commands fail on the example's findings, the reporting ones never.
        if command.contains("--fail-on never") {
            assert_eq!(code, 0, "{command}");
        }
        if let Some(at) = words.iter().position(|w| *w == "-o") {
            let written = std::fs::read_to_string(dir.path().join(words[at + 1]))
                .unwrap_or_else(|e| panic!("`{command}` wrote no {}: {e}", words[at + 1]));
            let format = words
                .iter()
                .position(|w| *w == "--format")
                .map_or("text", |i| words[i + 1]);
            match format {
                "sarif" => {
                    let log: serde_json::Value = serde_json::from_str(&written).unwrap();
                    assert_eq!(log["version"], "2.1.0");
                    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
                }
                "json" => {
                    let report: serde_json::Value = serde_json::from_str(&written).unwrap();
                    assert_eq!(report["schema_version"], 1);
                }
                "junit" => assert!(written.starts_with("<?xml"), "{written}"),
                "markdown" => assert!(written.contains("SPOF"), "{written}"),
                other => panic!("no check for the format {other}"),
            }
            formats_written.push(format);
        }
    }
    for format in ["sarif", "markdown", "junit", "json"] {
        assert!(
            formats_written.contains(&format),
            "docs/ci.md writes no {format} report"
        );
    }
}

#[test]
fn commands_are_found_in_every_form() {
    let markdown = "```sh\nspof check a.yaml   # gate\n```\n```yaml\n- spof check --format junit -o x.xml\nrun: spof check b.yaml\nrun: |\n  spof check c.yaml\n  other thing\n```\nspof outside a block\n";
    assert_eq!(
        commands(markdown),
        [
            "spof check a.yaml",
            "spof check --format junit -o x.xml",
            "spof check b.yaml",
            "spof check c.yaml"
        ]
    );
}
