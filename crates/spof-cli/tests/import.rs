//! `spof import` at its boundary: the files an input points at are read from disk.

use assert_cmd::Command;

#[test]
fn compose_includes_and_extends_are_read_from_disk_and_what_is_missing_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "app/compose.yaml",
        "include:\n  - db/compose.yaml\n  - missing.yaml\nservices:\n  web:\n    extends:\n      file: ../common/services.yml\n      service: webapp\n    ports: ['8080:80']\n",
    );
    write(
        "app/db/compose.yaml",
        "services:\n  db:\n    image: postgres:16\n",
    );
    // A chain: the base extends a base of its own, in a third file.
    write(
        "common/services.yml",
        "services:\n  webapp:\n    extends:\n      file: base.yml\n      service: root\n    environment:\n      - DB_URL=postgres://db:5432/app\n",
    );
    write(
        "common/base.yml",
        "services:\n  root:\n    image: example/web:1\n    restart: always\n",
    );
    let output = Command::cargo_bin("spof")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "import",
            "compose",
            "app/compose.yaml",
            "-o",
            "-",
            "--report",
            "report.json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("  db:\n"), "{stdout}");
    assert!(
        stdout.contains(
            "inferred: environment DB_URL=postgres://db:5432/app (common/services.yml:7)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("restore_time: 1m"), "{stdout}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let unresolved = report["unresolved"].as_array().unwrap();
    assert_eq!(unresolved.len(), 1, "{unresolved:#?}");
    assert_eq!(unresolved[0]["reference"], "missing.yaml");
}

/// `spof check --from` never passes silently: an import whose journeys miss every
/// user-facing component says so first, does not print "passes", exits 1 and carries it in
/// the JSON under `import.coverage`.
#[test]
fn check_from_an_incomplete_import_says_so_first_and_does_not_pass() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("monitoring.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: grafana}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - {name: grafana, image: grafana/grafana:10}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: exporter}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - {name: e, image: prom/node-exporter:1}\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        Command::cargo_bin("spof")
            .unwrap()
            .args(["check", "--from"])
            .arg(&manifest)
            .args(extra)
            .output()
            .unwrap()
    };
    let output = run(&[]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let first = stdout.find("Incomplete import").expect(&stdout);
    assert!(first < stdout.find("Single points of failure").unwrap());
    assert!(stdout.contains("no user-facing entry point found: add a journey in an overlay"));
    assert!(stdout.contains("exporter"), "{stdout}");
    assert!(!stdout.contains("passes"), "{stdout}");
    assert!(stdout.contains("does not pass"), "{stdout}");

    let output = run(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["import"]["coverage"]["complete"], false);
    assert_eq!(json["import"]["coverage"]["not_judged"][0], "exporter");
    assert_eq!(json["summary"]["failed"], true);

    // Not gated: said, but exit 0.
    let output = run(&["--fail-on", "never"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("Incomplete import")
    );

    // An overlay that declares the journeys makes it complete.
    let overlay = dir.path().join("overlay.yaml");
    std::fs::write(
        &overlay,
        "journeys:\n  dashboards:\n    path: [grafana]\n  metrics:\n    path: [exporter]\n    critical: false\n",
    )
    .unwrap();
    let output = run(&["--overlay", overlay.to_str().unwrap()]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains("Incomplete import"), "{stdout}");
    assert_eq!(output.status.code(), Some(0), "{stdout}");
}

/// `spof import` says what a check of the written model would leave unjudged, since `spof
/// check` on that file no longer knows it was imported; the report carries it as `coverage`.
#[test]
fn import_warns_of_an_incomplete_import_and_reports_its_coverage() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("m.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: exporter}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - {name: e, image: prom/node-exporter:1}\n",
    )
    .unwrap();
    let output = Command::cargo_bin("spof")
        .unwrap()
        .current_dir(dir.path())
        .args(["import", "m.yaml", "-o", "-", "--report", "report.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: incomplete import: 1 single-instance component was not judged (on no journey): exporter"),
        "{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["coverage"]["complete"], false);
    assert_eq!(report["coverage"]["not_judged"][0], "exporter");
}
