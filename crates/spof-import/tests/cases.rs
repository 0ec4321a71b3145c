//! The importers on cases kept as data: `tests/cases/<format>/<case>/` holds the input files,
//! `expected.yaml` (the model as the importer writes it) and `expected.txt` (the import report
//! and the single points of failure the engine finds in the model, or the import's errors).
//! Adding a case is adding a folder; `SPOF_UPDATE_CASES=1` writes the expected files from what
//! the importers do now (review the difference before committing it). See
//! `tests/cases/README.md`.

mod corpus_check;

use corpus_check::{read_model, spofs};
use spof_import::{Format, Import, ImportReport, SourceFile};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The files of a case that are not its input.
const EXPECTED: &[&str] = &["expected.yaml", "expected.txt", "README.md"];

#[test]
fn every_case_gives_its_expected_model_and_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let update = std::env::var_os("SPOF_UPDATE_CASES").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for format in Format::ALL {
        for case in folders(&root.join(format.as_str())) {
            count += 1;
            let name = format!("{}/{}", format.as_str(), file_name(&case));
            let (yaml, text) = run(format, &case);
            for (file, actual) in [("expected.yaml", yaml), ("expected.txt", Some(text))] {
                let path = case.join(file);
                let expected = std::fs::read_to_string(&path).ok();
                if expected == actual {
                    continue;
                }
                if update {
                    match &actual {
                        Some(actual) => std::fs::write(&path, actual).expect("writable case"),
                        None => std::fs::remove_file(&path).expect("removable case file"),
                    }
                } else {
                    failures.push(difference(&name, file, expected, actual));
                }
            }
        }
    }
    assert!(count > 0, "no case under {}", root.display());
    assert!(
        failures.is_empty(),
        "{} case file(s) differ (SPOF_UPDATE_CASES=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Imports a case: the model as YAML (none when the import fails) and the report text.
fn run(format: Format, case: &Path) -> (Option<String>, String) {
    let files = inputs(case);
    assert!(!files.is_empty(), "{}: no input file", case.display());
    match spof_import::import(format, &files) {
        Ok(import) => {
            let yaml = import
                .model
                .to_yaml("Imported by spof from the case's input.");
            let model = read_model(&yaml);
            let mut text = report_text(&import);
            text.push_str("single points of failure:\n");
            for spof in spofs(&model) {
                let _ = writeln!(text, "  {spof}");
            }
            (Some(yaml), text)
        }
        Err(error) => (
            None,
            error
                .problems()
                .iter()
                .map(|problem| format!("error: {problem}\n"))
                .collect(),
        ),
    }
}

/// The report, one entry a line, in the importer's order.
fn report_text(import: &Import) -> String {
    let ImportReport {
        format,
        mapped,
        inferred,
        unmapped,
        unresolved,
        not_modelled,
        entry_points,
    } = &import.report;
    let mut text = format!("format: {format}\n");
    let mut section = |title: &str, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(text, "{title}:");
        for line in lines {
            let _ = writeln!(text, "  {line}");
        }
    };
    section(
        "mapped",
        mapped
            .iter()
            .map(|m| format!("{} -> {} ({})", m.object, m.component, m.source))
            .collect(),
    );
    section(
        "inferred",
        inferred
            .iter()
            .map(|i| format!("{} -> {}: {} ({})", i.from, i.to, i.evidence, i.source))
            .collect(),
    );
    section(
        "unmapped",
        unmapped
            .iter()
            .map(|u| {
                let runs = if u.runs { " [runs]" } else { "" };
                format!("{}: {}{runs} ({})", u.object, u.why, u.source)
            })
            .collect(),
    );
    section(
        "unresolved",
        unresolved
            .iter()
            .map(|u| format!("{} -> {} ({})", u.from, u.reference, u.source))
            .collect(),
    );
    section("not modelled", not_modelled.clone());
    section("entry points", entry_points.clone());
    text
}

/// The input files of a case, sorted, named relative to the case folder.
fn inputs(case: &Path) -> Vec<SourceFile> {
    let mut paths = Vec::new();
    collect(case, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.parent() != Some(case) || !EXPECTED.contains(&file_name(p).as_str()))
        .map(|p| SourceFile {
            path: p
                .strip_prefix(case)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/"),
            text: std::fs::read_to_string(&p).expect("case files are UTF-8 text"),
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable case folder") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The case folders of a format, sorted (none when it has no folder).
fn folders(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut folders: Vec<PathBuf> = entries
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The first line that differs, with the whole actual text.
fn difference(case: &str, file: &str, expected: Option<String>, actual: Option<String>) -> String {
    match (expected, actual) {
        (None, Some(_)) => format!("{case}/{file}: missing"),
        (Some(_), None) => format!("{case}/{file}: expected, but the import failed"),
        (Some(expected), Some(actual)) => {
            let line = expected
                .lines()
                .zip(actual.lines())
                .position(|(e, a)| e != a)
                .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
            format!(
                "{case}/{file}: differs from line {}:\n  expected: {:?}\n  actual:   {:?}\n--- actual ---\n{actual}",
                line + 1,
                expected.lines().nth(line).unwrap_or("(end)"),
                actual.lines().nth(line).unwrap_or("(end)"),
            )
        }
        (None, None) => unreachable!("equal"),
    }
}
