//! Checks shared by the importer targets: what an import may return for any text, and what
//! its model document must be. Each target uses some of them.

#![allow(dead_code)]

use spof_import::{Import, ImportError, SourceFile};
use spof_model::{ParseLimits, Severity, parse_model};

/// The input as UTF-8 text; `None` (skip it) otherwise: the CLI refuses files that are not
/// UTF-8 before any importer sees them.
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// One input file named `path` holding `text`.
pub fn file(path: &str, text: &str) -> [SourceFile; 1] {
    [SourceFile {
        path: path.to_string(),
        text: text.to_string(),
    }]
}

/// The result of importing the single file `path` holding `text`:
///
/// - an error names that file, says something and, when it has a line, the line is in the
///   text (or just past its end);
/// - an import's model document renders to YAML that the model reader reads: a valid model
///   whenever the import has a component, and otherwise YAML whose only error is that the
///   model has no components (the CLI stops on that case with its own message); the one
///   error allowed besides is the reader's budget on the whole model (`too-large`: more than
///   five million instances once replicas are multiplied out), which an importer cannot
///   help when the input asks for that many;
/// - every model that comes back goes through every command (`every_command`).
pub fn check_import(result: Result<Import, ImportError>, path: &str, text: &str) {
    let import = match result {
        Ok(import) => import,
        Err(error) => {
            check_error(&error, path, text);
            return;
        }
    };
    let yaml = import.model.to_yaml("fuzz");
    let parsed = parse_model(&yaml, &ParseLimits::default());
    let errors: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if errors.iter().any(|d| d.code == "too-large") {
        return;
    }
    if import.model.components.is_empty() {
        assert!(
            errors.iter().all(|d| d.code == "empty"),
            "an import without components has other errors: {errors:#?}\n{yaml}"
        );
        return;
    }
    assert!(
        errors.is_empty(),
        "the import is not a valid model: {errors:#?}\n{yaml}"
    );
    let model = parsed.model.expect("a model when there is no error");
    every_command(&model);
}

/// An import error is located in the file it names.
pub fn check_error(error: &ImportError, path: &str, text: &str) {
    assert_eq!(error.file, path, "an error names another file: {error}");
    assert!(
        !error.message.trim().is_empty(),
        "an empty message: {error:?}"
    );
    if let Some(line) = error.line {
        let lines = lines(text);
        assert!(
            line >= 1 && line as usize <= lines,
            "an error outside the text ({lines} lines): {error}"
        );
    }
}

/// The lines of a text as YAML counts them (a line break is `\n`, `\r\n` or a lone `\r`),
/// plus one: an error at the end of the text is on the line after its last break.
fn lines(text: &str) -> usize {
    let bytes = text.as_bytes();
    let breaks = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    breaks + 1
}

/// Runs what every command runs on a valid model: `check`, `whatif` on each reported event
/// (and its id, which must name the same event again) and on the first two together, `risks`
/// and a short `plan`. None may panic.
pub fn every_command(model: &spof_model::Model) {
    use spof_engine::graph::{event_id, resolve_events};
    let report = spof_engine::check(model, &spof_engine::Config::default());
    let graph = &report.analysis.graph;
    for event in report.analysis.events.iter().take(50) {
        let id = event_id(model, event.kind);
        let resolved = resolve_events(model, graph, &id).expect("a reported event id resolves");
        assert_eq!(resolved, vec![event.event], "event id {id} names another event");
        let _ = spof_engine::analysis::what_if(graph, &resolved);
    }
    let first: Vec<u32> = report.analysis.events.iter().take(2).map(|e| e.event).collect();
    let _ = spof_engine::analysis::what_if(graph, &first);
    let config = spof_engine::risks::RiskConfig {
        max_order: 2,
        top: 10,
    };
    let _ = spof_engine::risks::risks(model, graph, &config);
    let plan = spof_engine::plan::PlanConfig {
        max_steps: 3,
        ..Default::default()
    };
    let _ = spof_engine::plan::plan(model, &plan, &|_, _, _| {});
}
