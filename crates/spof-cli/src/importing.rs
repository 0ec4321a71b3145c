//! `spof import` and `spof check --from`: finding the input files (folders walked in sorted
//! order, skipping what the policy ignores), telling their formats, running the importers and
//! applying overlays. The importers themselves do no I/O; this is where files are read. The
//! import report is rendered by `spof_report::import`.

use spof_import::overlay::{self, Overlaid};
use spof_import::{Format, Import, ImportReport, ModelDoc, SourceFile};
use spof_model::policy::Pattern;
use std::collections::BTreeMap;
use std::path::Path;

/// Extensions read when a folder is walked.
const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "dsl"];

/// How many times the files that compose files point at are followed (an include of an
/// include...).
const MAX_REFERENCE_ROUNDS: usize = 16;

/// An input as given on the command line: a path, with the format when the user named it.
pub struct Input {
    pub format: Option<Format>,
    pub path: String,
}

impl Input {
    /// Parses `[FORMAT:]PATH`. A prefix that names no format is part of the path.
    pub fn parse(text: &str) -> Input {
        if let Some((prefix, rest)) = text.split_once(':')
            && let Some(format) = Format::parse(prefix)
            && !rest.is_empty()
        {
            return Input {
                format: Some(format),
                path: rest.to_string(),
            };
        }
        Input {
            format: None,
            path: text.to_string(),
        }
    }
}

/// The outcome of importing: the model's text, what produced each of its lines, the report.
pub struct Imported {
    pub text: String,
    /// Per line of `text` (0-based), where it came from; made when needed (see
    /// [`Imported::origin`]) when no overlay applied.
    origins: Option<Vec<String>>,
    /// The import, in messages ("the kubernetes import").
    origin: String,
    pub report: ImportReport,
    /// What the overlays changed that the import had set (conflicts), as notes.
    pub notes: Vec<String>,
    /// How many components the import found.
    pub components: usize,
    /// An overlay declares journeys (so they are not the import's guess).
    pub journeys_declared: bool,
}

impl Imported {
    /// Where a line of the model's text (1-based) came from: the import and the input's
    /// source of the component, or an overlay's place.
    pub fn origin(&self, line: u32) -> Option<String> {
        let index = line.checked_sub(1)? as usize;
        match &self.origins {
            Some(origins) => origins.get(index).cloned(),
            None => import_origins(&self.text, &self.origin).get(index).cloned(),
        }
    }
}

/// Reads, detects, imports, merges and applies overlays. Files of a folder that match an
/// `ignore` pattern (the policy's) are skipped, and listed as not mapped with the pattern.
pub fn run(inputs: &[Input], overlays: &[String], ignore: &[Pattern]) -> Result<Imported, String> {
    let mut by_format: BTreeMap<usize, Vec<SourceFile>> = BTreeMap::new();
    let mut skipped: Vec<spof_import::Unmapped> = Vec::new();
    for input in inputs {
        let paths = walk(&input.path)?;
        if paths.is_empty() {
            return Err(format!(
                "{} has no .yaml, .yml, .json or .dsl file to import",
                input.path
            ));
        }
        let explicit_file = paths.len() == 1 && paths[0] == input.path;
        for path in paths {
            // A file named on the command line is read whatever the patterns say.
            let relative = path
                .strip_prefix(input.path.as_str())
                .unwrap_or(&path)
                .trim_start_matches(['/', '\\']);
            if let Some(pattern) = ignore
                .iter()
                .find(|p| !explicit_file && p.matches_path(relative))
            {
                skipped.push(spof_import::Unmapped {
                    object: path.clone(),
                    why: format!("ignored by the policy's import pattern `{}`", pattern.text),
                    source: path.clone(),
                    runs: false,
                });
                continue;
            }
            let text = crate::files::read_text(&path)?;
            let format = input.format.or_else(|| spof_import::detect(&path, &text));
            match format {
                Some(format) => by_format
                    .entry(format_index(format))
                    .or_default()
                    .push(SourceFile { path, text }),
                None if explicit_file => {
                    return Err(format!(
                        "cannot tell the format of {path}; name it: `spof import kubernetes {path}` (formats: {})",
                        Format::ALL.map(Format::as_str).join(", ")
                    ));
                }
                None => skipped.push(spof_import::Unmapped {
                    object: path.clone(),
                    why: "not recognised as a Kubernetes, compose, Terraform, Backstage or Structurizr file".into(),
                    source: path, runs: false,
                }),
            }
        }
    }
    if by_format.is_empty() {
        return Err(format!(
            "no file of a known format in {}",
            inputs
                .iter()
                .map(|i| i.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // The files compose files point at: those services read (env_file, configs), so that host
    // names in them count, and the compose files they include or extend from, and what those
    // point at in turn. What cannot be read is left to the import, which reports it.
    if let Some(files) = by_format.get_mut(&format_index(Format::Compose)) {
        for _ in 0..MAX_REFERENCE_ROUNDS {
            let mut added = false;
            for path in spof_import::compose::referenced_files(files) {
                let known = files.iter().any(|f| same_path(&f.path, &path));
                if known || !Path::new(&path).is_file() {
                    continue;
                }
                let text = crate::files::read_text(&path)?;
                skipped.retain(|s| !same_path(&s.object, &path));
                files.push(SourceFile { path, text });
                added = true;
            }
            if !added {
                break;
            }
        }
    }
    let mut imports: Vec<(Format, Vec<String>, Import)> = Vec::new();
    for (index, files) in by_format {
        let format = Format::ALL[index];
        let names = files.iter().map(|f| f.path.clone()).collect();
        // Every problem the importer found, each on its own `error:` line.
        let import = spof_import::import(format, &files).map_err(|e| {
            e.problems()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\nerror: ")
        })?;
        imports.push((format, names, import));
    }
    let formats: Vec<Format> = imports.iter().map(|(f, _, _)| *f).collect();
    let (doc, mut report) = merge(imports)?;
    report.unmapped.extend(skipped);
    let components = doc.components.len();
    let header = format!(
        "Imported by spof from {} ({}).\nEdit it: the import cannot know journeys or which calls are optional; see the import report.",
        formats
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        inputs
            .iter()
            .map(|i| i.path.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let text = doc.to_yaml(&header);
    let origin = format!(
        "the {} import",
        formats
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(" and ")
    );
    if overlays.is_empty() {
        return Ok(Imported {
            text,
            origins: None,
            origin,
            report,
            notes: Vec::new(),
            components,
            journeys_declared: false,
        });
    }
    let files: Vec<SourceFile> = overlays
        .iter()
        .map(|path| {
            crate::files::read_text(path).map(|text| SourceFile {
                path: path.clone(),
                text,
            })
        })
        .collect::<Result<_, _>>()?;
    let Overlaid {
        text,
        origins,
        notes,
    } = overlay::apply(&text, &origin, &files).map_err(|errors| {
        let count = errors.len();
        let mut message = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\nerror: ");
        message.push_str(&format!(
            "\n{count} error{} in the overlay{}",
            if count == 1 { "" } else { "s" },
            if files.len() == 1 { "" } else { "s" }
        ));
        message
    })?;
    // A top-level `journeys:` key with entries in an overlay declares journeys.
    let journeys_declared = files.iter().any(|f| {
        f.text.lines().any(|l| {
            l.strip_prefix("journeys:")
                .is_some_and(|rest| !matches!(rest.trim(), "{}" | "~" | "null"))
        })
    });
    Ok(Imported {
        text,
        origins: Some(origins),
        origin,
        report,
        notes,
        components,
        journeys_declared,
    })
}

/// Every line of an imported model comes from the import; a component's lines from its
/// source in the input.
fn import_origins(text: &str, origin: &str) -> Vec<String> {
    let mut origins = Vec::new();
    let mut current = origin.to_string();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        // A component starts at two spaces of indentation under `components:`; its source is
        // one of its keys.
        if line.starts_with("  ") && !line.starts_with("   ") && line.trim_end().ends_with(':') {
            current = origin.to_string();
            for next in &lines[i + 1..] {
                if !next.starts_with("    ") {
                    break;
                }
                if let Some(source) = next.trim().strip_prefix("source: ") {
                    current = format!("{origin} ({})", source.trim_matches(['"', '\'']));
                    break;
                }
            }
        } else if !line.starts_with(' ') {
            current = origin.to_string();
        }
        origins.push(current.clone());
    }
    origins
}

fn same_path(a: &str, b: &str) -> bool {
    let clean = |p: &str| p.trim_start_matches("./").replace("/./", "/");
    clean(a) == clean(b)
}

fn format_index(format: Format) -> usize {
    Format::ALL.iter().position(|&f| f == format).unwrap_or(0)
}

/// The files to read for a path: the file itself, or a folder's files with a known extension,
/// recursively, sorted (hidden folders such as `.git` skipped).
pub fn walk(path: &str) -> Result<Vec<String>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| {
        format!(
            "cannot read {path}: {}",
            if e.kind() == std::io::ErrorKind::NotFound {
                "no such file or folder".to_string()
            } else {
                e.to_string()
            }
        )
    })?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_string()]);
    }
    let mut found = Vec::new();
    let mut folders = vec![Path::new(path).to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| format!("cannot read folder {}: {e}", folder.display()))?;
        for entry in entries {
            let entry =
                entry.map_err(|e| format!("cannot read folder {}: {e}", folder.display()))?;
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            let file_type = entry
                .file_type()
                .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
            if file_type.is_dir() {
                folders.push(entry.path());
            } else if EXTENSIONS
                .iter()
                .any(|ext| name.to_ascii_lowercase().ends_with(&format!(".{ext}")))
            {
                found.push(entry.path().to_string_lossy().to_string());
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Several imports as one model: components, domains and journeys united (a name used by two
/// imports is an error), reports put together.
fn merge(imports: Vec<(Format, Vec<String>, Import)>) -> Result<(ModelDoc, ImportReport), String> {
    let mut iter = imports.into_iter();
    let Some((_, _, first)) = iter.next() else {
        return Ok((ModelDoc::default(), ImportReport::default()));
    };
    let Import {
        model: mut doc,
        mut report,
    } = first;
    for (format, files, import) in iter {
        report.format = format!("{}+{}", report.format, import.report.format);
        for (name, component) in import.model.components {
            if doc.components.contains_key(&name) {
                return Err(format!(
                    "component `{name}` comes from two imports (the {} import of {} has it too); import them separately or rename one",
                    format.as_str(),
                    files.join(", ")
                ));
            }
            doc.components.insert(name, component);
        }
        for (name, domain) in import.model.domains {
            doc.domains.entry(name).or_insert(domain);
        }
        for (name, journey) in import.model.journeys {
            doc.journeys.entry(name).or_insert(journey);
        }
        report.mapped.extend(import.report.mapped);
        report.inferred.extend(import.report.inferred);
        report.unmapped.extend(import.report.unmapped);
        report.unresolved.extend(import.report.unresolved);
        report.not_modelled.extend(import.report.not_modelled);
        report.entry_points.extend(import.report.entry_points);
    }
    Ok((doc, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_name_their_format_or_not() {
        let input = Input::parse("k8s:manifests/");
        assert_eq!(input.format, Some(Format::Kubernetes));
        assert_eq!(input.path, "manifests/");
        let input = Input::parse("docs:x.yaml");
        assert_eq!(input.format, None);
        assert_eq!(input.path, "docs:x.yaml");
        assert_eq!(Input::parse("compose").path, "compose");
    }

    #[test]
    fn lines_of_a_component_come_from_its_source() {
        let text = "version: 1\ncomponents:\n  a:\n    kind: service\n    source: x.yaml:3\n";
        let origins = import_origins(text, "the kubernetes import");
        assert_eq!(origins[0], "the kubernetes import");
        assert_eq!(origins[3], "the kubernetes import (x.yaml:3)");
    }
}
