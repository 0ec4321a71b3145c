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
