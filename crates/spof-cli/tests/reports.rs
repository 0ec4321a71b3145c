//! Snapshots of the reports of `spof risks` (every built-in example, text and JSON), `spof fta`
//! (a small MEF tree written here, and two models of the Open-PSA corpus when it is present,
//! text and JSON) and the import report of `spof import` (text and its JSON file).

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const EXAMPLES: [&str; 4] = [
    "ecommerce-2009",
    "three-tier",
    "nat-gateway",
    "deploy-and-monitoring",
];

fn spof_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("spof")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .args(["--color", "never"])
        .env("SPOF_TODAY", "2026-11-23")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Timings vary from run to run: `(0.00 s)` becomes `([time])`.
fn without_timings(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('(') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find(" s)") {
            Some(end)
                if !after[..end].is_empty()
                    && after[..end].chars().all(|c| c.is_ascii_digit() || c == '.') =>
            {
                out.push_str("([time])");
                rest = &after[end + 3..];
            }
            _ => {
                out.push('(');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn snapshots_of_risks() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for example in EXAMPLES {
        let (code, text, stderr) = spof_in(here, &["risks", "--example", example]);
        assert_eq!(code, 0, "{stderr}");
        insta::assert_snapshot!(format!("risks_text_{example}"), text);
        let (code, json, stderr) =
            spof_in(here, &["risks", "--example", example, "--format", "json"]);
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_str::<serde_json::Value>(&json).expect("risks JSON parses");
        insta::assert_snapshot!(format!("risks_json_{example}"), json);
    }
    let (_, text, _) = spof_in(
        here,
        &[
            "risks",
            "--example",
            "nat-gateway",
            "--max-order",
            "3",
            "--top",
            "3",
        ],
    );
    insta::assert_snapshot!("risks_text_nat-gateway_order_3", text);
}

/// A tree small enough to check by hand: top = (a and b) or (c and (b or d)), with a 2-of-3
/// vote below.
const TREE: &str = r#"<?xml version="1.0"?>
<opsa-mef>
  <define-fault-tree name="pumps">
    <define-gate name="top">
      <or>
        <gate name="both-pumps"/>
        <gate name="power-and-valve"/>
        <gate name="sensors"/>
      </or>
    </define-gate>
    <define-gate name="both-pumps">
      <and>
        <basic-event name="pump-a"/>
        <basic-event name="pump-b"/>
      </and>
    </define-gate>
    <define-gate name="power-and-valve">
      <and>
        <basic-event name="power"/>
        <or>
          <basic-event name="pump-b"/>
          <basic-event name="valve"/>
        </or>
      </and>
    </define-gate>
    <define-gate name="sensors">
      <atleast min="2">
        <basic-event name="sensor-1"/>
        <basic-event name="sensor-2"/>
        <basic-event name="sensor-3"/>
      </atleast>
    </define-gate>
    <define-basic-event name="pump-a"><float value="0.1"/></define-basic-event>
    <define-basic-event name="pump-b"><float value="0.2"/></define-basic-event>
    <define-basic-event name="power"><float value="0.01"/></define-basic-event>
    <define-basic-event name="valve"><float value="0.05"/></define-basic-event>
    <define-basic-event name="sensor-1"><float value="0.03"/></define-basic-event>
    <define-basic-event name="sensor-2"><float value="0.03"/></define-basic-event>
    <define-basic-event name="sensor-3"><float value="0.03"/></define-basic-event>
  </define-fault-tree>
</opsa-mef>
"#;

#[test]
fn snapshots_of_fta_on_a_small_tree() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pumps.xml"), TREE).unwrap();
    let (code, text, stderr) = spof_in(dir.path(), &["fta", "pumps.xml"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("fta_text_pumps", without_timings(&text));
    let (code, json, stderr) = spof_in(dir.path(), &["fta", "pumps.xml", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str::<serde_json::Value>(&json).expect("fta JSON parses");
    insta::assert_snapshot!("fta_json_pumps", json);
    let (code, text, stderr) = spof_in(dir.path(), &["fta", "pumps.xml", "--max-order", "2"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("fta_text_pumps_order_2", without_timings(&text));
}

// The skip message goes to the test's output on purpose: a silent skip would look like a pass.
#[allow(clippy::print_stderr)]
fn corpus() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/open-psa");
    if path.join("SOURCES.md").exists() {
        Some(path)
    } else {
        eprintln!(
            "skipped: the Open-PSA corpus is not at {} (it is kept beside the project, in shared/corpus)",
            path.display()
        );
        None
    }
}

#[test]
fn snapshots_of_fta_on_the_open_psa_corpus() {
    let Some(root) = corpus() else { return };
    for (name, file) in [
        ("small_tree", "scram/input/SmallTree/SmallTree.xml"),
        ("two_train", "scram/input/TwoTrain/two_train.xml"),
    ] {
        let (code, text, stderr) = spof_in(&root, &["fta", file]);
        assert_eq!(code, 0, "{stderr}");
        insta::assert_snapshot!(format!("fta_text_{name}"), without_timings(&text));
        let (code, json, stderr) = spof_in(&root, &["fta", file, "--format", "json"]);
        assert_eq!(code, 0, "{stderr}");
        insta::assert_snapshot!(format!("fta_json_{name}"), json);
    }
}

#[test]
fn snapshots_of_the_import_report() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "app/compose.yaml",
        "services:\n  web:\n    image: example/web:1\n    ports: [\"8080:80\"]\n    environment:\n      - DB_URL=postgres://db:5432/app\n      - CACHE=redis://cache:6379\n      - PAY=https://payments.example.com\n    depends_on: [db]\n  db:\n    image: postgres:16\n    volumes: [data:/var/lib/postgresql/data]\nvolumes:\n  data: {}\n",
    );
    write("app/notes.yaml", "hello: world\n");
    write(
        "overlay.yaml",
        "journeys:\n  checkout:\n    path: [web]\n    critical: true\n",
    );
    let (code, _, stderr) = spof_in(
        dir.path(),
        &[
            "import",
            "app",
            "-o",
            "spof.yaml",
            "--report",
            "report.json",
            "--overlay",
            "overlay.yaml",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("import_report_text", stderr);
    let json = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    insta::assert_snapshot!("import_report_json", json);
    // The check report carries the same report under `import`, without a version of its own.
    let (_, check, _) = spof_in(
        dir.path(),
        &[
            "check",
            "--from",
            "app",
            "--overlay",
            "overlay.yaml",
            "--format",
            "json",
        ],
    );
    let check: serde_json::Value = serde_json::from_str(&check).unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(file["schema_version"], 1);
    file.as_object_mut().unwrap().remove("schema_version");
    assert_eq!(check["import"], file);
}
