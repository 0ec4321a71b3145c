//! Shared by the Terraform, Backstage and Structurizr corpus tests: reading a data set, checking
//! that an import renders to a model the reader accepts, the SPOFs the engine finds in it, an
//! overlay applied by a local merge (components' keys override, journeys, people and decisions
//! added), and recall and precision against a data set's expected SPOFs.

#![allow(dead_code)]

use spof_import::{Import, SourceFile};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The shared corpus, or `None` when this checkout does not have it.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// Every file under `dir` (recursively, sorted), with paths relative to `dir`.
pub fn read_dir(dir: &Path) -> Vec<SourceFile> {
    let mut paths = Vec::new();
    collect(dir, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "EXPECTED.md"))
        .map(|p| SourceFile {
            path: p
                .strip_prefix(dir)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/"),
            text: std::fs::read_to_string(&p).expect("corpus files are UTF-8 text"),
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable corpus folder") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The YAML of an import, checked by the model reader: no error diagnostics.
pub fn read_model(yaml: &str) -> spof_model::Model {
    let parsed = spof_model::parse_model(yaml, &spof_model::ParseLimits::default());
    let errors: Vec<String> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == spof_model::Severity::Error)
        .map(|d| format!("{}: {} ({:?})", d.code, d.message, d.span))
        .collect();
    assert!(errors.is_empty(), "model errors: {errors:#?}\n{yaml}");
    parsed.model.expect("a model when there is no error")
}

/// The SPOF events of a model: a component's name, or `KIND:NAME` for a domain.
pub fn spofs(model: &spof_model::Model) -> BTreeSet<String> {
    let report = spof_engine::check(model, &spof_engine::Config::default());
    report
        .analysis
        .spofs()
        .filter_map(|event| match event.component() {
            Some(c) => Some(model.components[c].name.clone()),
            None => match event.kind {
                spof_engine::graph::EventKind::Domain(d) => Some(format!(
                    "{}:{}",
                    model.domains[d].kind.as_str(),
                    model.domains[d].name
                )),
                _ => None,
            },
        })
        .collect()
}

/// The import's model as YAML, with an overlay applied by `spof_import::overlay` when given.
pub fn model_yaml(import: &Import, overlay: Option<&str>) -> String {
    let yaml = import.model.to_yaml("imported");
    let Some(overlay) = overlay else {
        return yaml;
    };
    let file = SourceFile {
        path: "overlay.yaml".into(),
        text: overlay.to_string(),
    };
    spof_import::overlay::apply(&yaml, "the import", &[file])
        .unwrap_or_else(|e| panic!("the overlay does not apply: {e:#?}"))
        .text
}

/// The import's model as YAML with an overlay merged by the simple local rule (components'
/// keys override, journeys and people added by name, decisions appended), to check that the
/// overlays mean the same under either merge.
pub fn model_yaml_local(import: &Import, overlay: &str) -> String {
    let mut model = serde_json::to_value(&import.model).expect("a model serialises");
    let overlay: serde_json::Value =
        serde_saphyr::from_str(overlay).expect("the overlay is valid YAML");
    merge_overlay(&mut model, &overlay);
    serde_saphyr::to_string(&model).expect("a merged model serialises")
}

/// Components' keys override (new components are added), journeys and people are added or
/// replaced by name, decisions are appended.
pub fn merge_overlay(model: &mut serde_json::Value, overlay: &serde_json::Value) {
    let Some(overlay) = overlay.as_object() else {
        return;
    };
    let model = model.as_object_mut().expect("a model is a mapping");
    for section in ["components", "journeys", "people"] {
        let Some(entries) = overlay.get(section).and_then(|v| v.as_object()) else {
            continue;
        };
        let target = model
            .entry(section)
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()))
            .as_object_mut()
            .expect("a section is a mapping");
        for (name, value) in entries {
            match (target.get_mut(name), value.as_object()) {
                (Some(serde_json::Value::Object(existing)), Some(keys))
                    if section == "components" =>
                {
                    for (k, v) in keys {
                        existing.insert(k.clone(), v.clone());
                    }
                }
                _ => {
                    target.insert(name.clone(), value.clone());
                }
            }
        }
    }
    if let Some(decisions) = overlay.get("decisions").and_then(|v| v.as_array()) {
        let target = model
            .entry("decisions")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()))
            .as_array_mut()
            .expect("decisions are a list");
        target.extend(decisions.iter().cloned());
    }
}

/// Recall and precision of `found` against `expected` (1 when there is nothing to find or
/// nothing found).
pub fn recall_precision(found: &BTreeSet<String>, expected: &BTreeSet<String>) -> (f64, f64) {
    let hits = found.intersection(expected).count() as f64;
    let recall = if expected.is_empty() {
        1.0
    } else {
        hits / expected.len() as f64
    };
    let precision = if found.is_empty() {
        1.0
    } else {
        hits / found.len() as f64
    };
    (recall, precision)
}

pub fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

/// The overlay file of a data set, kept under tests/overlays.
pub fn overlay(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/overlays")
        .join(format!("{name}.yaml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
