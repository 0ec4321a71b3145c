//! Overlays: what the user knows and the input cannot say, applied to an imported model.
//!
//! An overlay is a YAML file shaped like a model (docs/model.md), every part optional:
//!
//! ```yaml
//! components:
//!   frontend:                 # an imported component: these keys are added or replaced
//!     depends_on:             # edges are merged by target, not replaced
//!       - component: adservice
//!         optional: true      # the call tolerates failure
//!       - redis               # a bare name: a hard dependency (added, or made hard)
//!       - component: cache
//!         remove: true        # drop an edge the import inferred
//!   stripe:                   # a new component: it must have a kind
//!     kind: external
//!   loadgenerator: ~          # remove an imported component (and the edges to it)
//! journeys:
//!   checkout: {path: [frontend, checkoutservice]}
//!   frontend-external: ~      # remove a journey the import guessed
//! people: {...}
//! decisions: [...]            # appended
//! ```
//!
//! A key set to `~` (null) is removed. A value that replaces one the import set from the
//! input is a conflict, reported as a note. Entries that match nothing (a component the
//! import does not have and that declares no `kind`, a removal of something absent) and
//! unknown keys are errors, located in the overlay. Several overlays apply in order.
//!
//! The result is the model's text with, for each line, where it came from (the import and
//! the input's source, or an overlay's file, line and column), so that the model reader's
//! diagnostics on the merged text can name the overlay or import that produced the line.

use crate::{ImportError, SourceFile, Yaml, YamlValue, parse_yaml_one};
use spof_model::schema::{self, Object};
use std::fmt::Write as _;

/// A model with overlays applied.
#[derive(Debug)]
pub struct Overlaid {
    /// The merged model, as YAML.
    pub text: String,
    /// For each line of `text` (0-based), where it came from.
    pub origins: Vec<String>,
    /// Conflicts (an overlay replacing a value the import set) and what each overlay did.
    pub notes: Vec<String>,
}

/// Applies `overlays`, in order, to the model text `base` (an import's output); `origin`
/// names the import in messages ("the kubernetes import").
pub fn apply(
    base: &str,
    origin: &str,
    overlays: &[SourceFile],
) -> Result<Overlaid, Vec<ImportError>> {
    let base_tree = parse_yaml_one(origin, base)
        .map_err(|e| vec![e])?
        .unwrap_or(Yaml {
            value: YamlValue::Map(Vec::new()),
            line: 1,
            column: 1,
        });
    let mut model = Node::from_base(&base_tree, origin);
    let mut cx = Cx {
        files: overlays.iter().map(|f| f.path.clone()).collect(),
        errors: Vec::new(),
        notes: Vec::new(),
        file: 0,
        counts: Counts::default(),
    };
    for (i, overlay) in overlays.iter().enumerate() {
        cx.file = i;
        cx.counts = Counts::default();
        let tree = match parse_yaml_one(&overlay.path, &overlay.text) {
            Ok(Some(tree)) => tree,
            Ok(None) => {
                cx.notes
                    .push(format!("{}: the overlay is empty", overlay.path));
                continue;
            }
            Err(e) => {
                cx.errors.push(e);
                continue;
            }
        };
        if !tree.is_map() {
            cx.error(
                &tree,
                format!(
                    "an overlay is a mapping shaped like a model, not {}",
                    tree.type_name()
                ),
            );
            continue;
        }
        cx.merge_model(&mut model, &tree);
        cx.check_references(&model);
        let c = &cx.counts;
        cx.notes.push(format!(
            "{}: {} components added, {} changed, {} removed; {} dependencies added, {} changed, {} removed; {} journeys added or changed, {} removed",
            overlay.path, c.added, c.changed, c.removed, c.edges_added, c.edges_changed, c.edges_removed, c.journeys, c.journeys_removed
        ));
    }
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    let mut out = Emitter::default();
    for line in base.lines().take_while(|l| l.starts_with('#')) {
        out.line(
            line.to_string(),
            &Origin::Base(origin.to_string()),
            &cx.files,
        );
    }
    if !overlays.is_empty() {
        let names: Vec<&str> = overlays.iter().map(|o| o.path.as_str()).collect();
        out.line(
            format!("# With overlays: {}.", names.join(", ")),
            &Origin::Base(origin.to_string()),
            &cx.files,
        );
    }
    out.map_body(&model, 0, &cx.files);
    Ok(Overlaid {
        text: out.text,
        origins: out.origins,
        notes: cx.notes,
    })
}

/// Where a value of the merged model came from.
#[derive(Clone, Debug)]
enum Origin {
    /// The import; the text says which, and the input's source for a component.
    Base(String),
    /// An overlay: file index, line, column.
    Overlay(usize, u32, u32),
}

impl Origin {
    fn describe(&self, files: &[String]) -> String {
        match self {
            Origin::Base(text) => text.clone(),
            Origin::Overlay(file, line, column) => {
                format!(
                    "{}:{line}:{column}",
                    files.get(*file).map_or("", String::as_str)
                )
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Value {
    Scalar(YamlValue),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Clone, Debug)]
struct Key {
    name: String,
    origin: Origin,
}

#[derive(Clone, Debug)]
struct Node {
    value: Value,
    origin: Origin,
}

impl Node {
    fn from_base(tree: &Yaml, origin: &str) -> Node {
        // A component's lines come from its source in the input.
        let mut node = Node::from_yaml(tree, &|_| Origin::Base(origin.to_string()));
        if let Value::Map(entries) = &mut node.value
            && let Some((_, components)) = entries.iter_mut().find(|(k, _)| k.name == "components")
            && let Value::Map(components) = &mut components.value
        {
            for (_, component) in components.iter_mut() {
                let source = component.get("source").and_then(Node::scalar_text);
                if let Some(source) = source {
                    component.set_origin(&Origin::Base(format!("{origin} ({source})")));
                }
            }
        }
        node
    }

    fn from_yaml(tree: &Yaml, origin: &dyn Fn(&Yaml) -> Origin) -> Node {
        let value = match &tree.value {
            YamlValue::Seq(items) => {
                Value::Seq(items.iter().map(|i| Node::from_yaml(i, origin)).collect())
            }
            YamlValue::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| {
                        (
                            Key {
                                name: k.text().unwrap_or_default(),
                                origin: origin(k),
                            },
                            Node::from_yaml(v, origin),
                        )
                    })
                    .collect(),
            ),
            scalar => Value::Scalar(scalar.clone()),
        };
        Node {
            value,
            origin: origin(tree),
        }
    }

    fn from_overlay(tree: &Yaml, file: usize) -> Node {
        Node::from_yaml(tree, &|y: &Yaml| Origin::Overlay(file, y.line, y.column))
    }

    fn set_origin(&mut self, origin: &Origin) {
        self.origin = origin.clone();
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|i| i.set_origin(origin)),
            Value::Map(entries) => {
                for (k, v) in entries {
                    k.origin = origin.clone();
                    v.set_origin(origin);
                }
            }
            Value::Scalar(_) => {}
        }
    }

    fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Map(entries) => entries
                .iter_mut()
                .find(|(k, _)| k.name == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    fn entries_mut(&mut self) -> Option<&mut Vec<(Key, Node)>> {
        match &mut self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<String> {
        match &self.value {
            Value::Map(entries) => entries.iter().map(|(k, _)| k.name.clone()).collect(),
            _ => Vec::new(),
        }
    }

    fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Scalar(YamlValue::Str(s)) => Some(s.to_string()),
            Value::Scalar(YamlValue::Int(i)) => Some(i.to_string()),
            Value::Scalar(YamlValue::Float(f)) => Some(f.to_string()),
            Value::Scalar(YamlValue::Bool(b)) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The value written compactly, for comparisons and notes.
    fn show(&self) -> String {
        let mut out = String::new();
        self.write_compact(&mut out);
        if out.chars().count() > 80 {
            let cut: String = out.chars().take(77).collect();
            return format!("{cut}...");
        }
        out
    }

    fn write_compact(&self, out: &mut String) {
        match &self.value {
            Value::Scalar(YamlValue::Null) => out.push('~'),
            Value::Scalar(_) => out.push_str(&self.scalar_text().unwrap_or_default()),
            Value::Seq(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_compact(out);
                }
                out.push(']');
            }
            Value::Map(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&k.name);
                    out.push_str(": ");
                    v.write_compact(out);
                }
                out.push('}');
            }
        }
    }

    fn empty_map(origin: Origin) -> Node {
        Node {
            value: Value::Map(Vec::new()),
            origin,
        }
    }
}

#[derive(Default)]
struct Counts {
    added: usize,
    changed: usize,
    removed: usize,
    edges_added: usize,
    edges_changed: usize,
    edges_removed: usize,
    journeys: usize,
    journeys_removed: usize,
}

struct Cx {
    files: Vec<String>,
    errors: Vec<ImportError>,
    notes: Vec<String>,
    /// The overlay being applied.
    file: usize,
    counts: Counts,
}

/// The map sections of a model, the object each entry is, and the key a new entry needs.
const SECTIONS: &[(&str, &str)] = &[
    ("domains", "kind"),
    ("components", "kind"),
    ("journeys", "path"),
    ("people", ""),
];

impl Cx {
    fn error(&mut self, at: &Yaml, message: String) {
        self.errors.push(ImportError::new(
            self.files[self.file].clone(),
            Some(at.line),
            Some(at.column),
            message,
        ));
    }

    fn here(&self, at: &Yaml) -> String {
        format!("{}:{}:{}", self.files[self.file], at.line, at.column)
    }

    fn merge_model(&mut self, model: &mut Node, overlay: &Yaml) {
        for (key, value) in overlay.entries() {
            let Some(name) = key.text() else {
                self.error(key, "keys of an overlay are names".into());
                continue;
            };
            match name.as_str() {
                "version" => {
                    if value.as_int() != Some(1) {
                        self.error(value, "the model format version is 1".into());
                    }
                }
                "name" | "description" => {
                    self.set_field(model, &name, key, value, "the model");
                }
                "decisions" => {
                    if !matches!(value.value, YamlValue::Seq(_)) {
                        self.error(
                            value,
                            format!(
                                "`decisions` is a list of decisions, not {}",
                                value.type_name()
                            ),
                        );
                        continue;
                    }
                    for item in value.items() {
                        self.check_keys(item, &schema::DECISION, &[], "a decision");
                    }
                    let origin = Origin::Overlay(self.file, key.line, key.column);
                    let decisions = ensure(model, "decisions", origin, || Value::Seq(Vec::new()));
                    if let Value::Seq(items) = &mut decisions.value {
                        items.extend(
                            value
                                .items()
                                .iter()
                                .map(|i| Node::from_overlay(i, self.file)),
                        );
                    }
                }
                section if SECTIONS.iter().any(|(s, _)| *s == section) => {
                    self.merge_section(model, section, key, value);
                }
                _ => {
                    let names = schema::MODEL.field_names();
                    let hint = spof_model::suggest(&name, names)
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_else(|| {
                            format!(
                                "; an overlay has {}",
                                schema::MODEL.field_names().collect::<Vec<_>>().join(", ")
                            )
                        });
                    self.error(key, format!("unknown key `{name}` in the overlay{hint}"));
                }
            }
        }
    }

    fn merge_section(&mut self, model: &mut Node, section: &str, key: &Yaml, value: &Yaml) {
        if value.is_null() {
            return;
        }
        if !value.is_map() {
            self.error(
                value,
                format!(
                    "`{section}` is a mapping of names to entries, not {}",
                    value.type_name()
                ),
            );
            return;
        }
        let (object, required): (&Object, &str) = match section {
            "domains" => (&schema::DOMAIN, "kind"),
            "components" => (&schema::COMPONENT, "kind"),
            "journeys" => (&schema::JOURNEY, "path"),
            _ => (&schema::PERSON, ""),
        };
        let singular = object.name;
        let origin = Origin::Overlay(self.file, key.line, key.column);
        for (entry_key, entry) in value.entries() {
            let Some(name) = entry_key.text() else {
                self.error(entry_key, format!("a {singular}'s name is text"));
                continue;
            };
            let existing_names = model.get(section).map(Node::keys).unwrap_or_default();
            let exists = existing_names.contains(&name);
            if entry.is_null() {
                if exists {
                    let entries = model.get_mut(section).and_then(Node::entries_mut);
                    if let Some(entries) = entries {
                        entries.retain(|(k, _)| k.name != name);
                    }
                    match section {
                        "components" => {
                            self.counts.removed += 1;
                            self.cascade_removal(model, &name);
                        }
                        "journeys" => self.counts.journeys_removed += 1,
                        _ => {}
                    }
                } else {
                    let hint = did_you_mean(&name, &existing_names);
                    self.error(
                        entry_key,
                        format!("no {singular} `{name}` in the import to remove{hint}"),
                    );
                }
                continue;
            }
            if !entry.is_map() {
                self.error(
                    entry,
                    format!(
                        "{singular} `{name}`: expected a mapping of its keys, not {}",
                        entry.type_name()
                    ),
                );
                continue;
            }
            self.check_keys(entry, object, &[], &format!("{singular} `{name}`"));
            if exists && let Some(target) = model.get_mut(section).and_then(|s| s.get_mut(&name)) {
                let description = format!("{section}.{name}");
                self.merge_entry(target, entry, &description);
                match section {
                    "components" => self.counts.changed += 1,
                    "journeys" => self.counts.journeys += 1,
                    _ => {}
                }
                continue;
            }
            if !required.is_empty() && entry.get(required).is_none() {
                let hint = did_you_mean(&name, &existing_names);
                self.error(
                    entry_key,
                    format!(
                        "no {singular} `{name}` in the import{hint}; a new {singular} needs `{required}`"
                    ),
                );
                continue;
            }
            let mut node = Node::from_overlay(entry, self.file);
            if section == "components" {
                node = normalise_dependencies(node);
                if node.get("source").is_none()
                    && let Some(entries) = node.entries_mut()
                {
                    let here = Origin::Overlay(self.file, entry_key.line, entry_key.column);
                    entries.push((
                        Key {
                            name: "source".into(),
                            origin: here.clone(),
                        },
                        Node {
                            value: Value::Scalar(YamlValue::Str(
                                format!("{}:{}", self.files[self.file], entry_key.line).into(),
                            )),
                            origin: here,
                        },
                    ));
                }
                self.counts.added += 1;
            } else if section == "journeys" {
                self.counts.journeys += 1;
            }
            let section_node = ensure(model, section, origin.clone(), || Value::Map(Vec::new()));
            if let Some(entries) = section_node.entries_mut() {
                entries.push((
                    Key {
                        name,
                        origin: Origin::Overlay(self.file, entry_key.line, entry_key.column),
                    },
                    node,
                ));
            }
        }
    }

    /// Merges an overlay entry's keys into an existing entry.
    fn merge_entry(&mut self, target: &mut Node, overlay: &Yaml, description: &str) {
        for (key, value) in overlay.entries() {
            let Some(name) = key.text() else { continue };
            if name == "depends_on" && description.starts_with("components.") {
                self.merge_dependencies(target, key, value, description);
                continue;
            }
            self.set_field(target, &name, key, value, description);
        }
    }

    /// Sets (or, for `~`, removes) one key, noting a conflict when the import had another
    /// value.
    fn set_field(
        &mut self,
        target: &mut Node,
        name: &str,
        key: &Yaml,
        value: &Yaml,
        description: &str,
    ) {
        let Some(entries) = target.entries_mut() else {
            return;
        };
        let existing = entries.iter().position(|(k, _)| k.name == name);
        let new = Node::from_overlay(value, self.file);
        if let Some(i) = existing {
            let old = &entries[i].1;
            if value.is_null() {
                self.notes.push(format!(
                    "{}: removes {description}.{name} ({} from {})",
                    self.here(key),
                    old.show(),
                    old.origin.describe(&self.files)
                ));
                entries.remove(i);
                return;
            }
            if old.show() != new.show() {
                self.notes.push(format!(
                    "{}: {description}.{name} is now {}; it was {} from {}",
                    self.here(key),
                    new.show(),
                    old.show(),
                    old.origin.describe(&self.files)
                ));
            }
            entries[i].1 = new;
            entries[i].0.origin = Origin::Overlay(self.file, key.line, key.column);
        } else if !value.is_null() {
            entries.push((
                Key {
                    name: name.to_string(),
                    origin: Origin::Overlay(self.file, key.line, key.column),
                },
                new,
            ));
        }
    }

    /// Merges `depends_on` by target: a bare name adds a hard edge (or makes one hard), a
    /// mapping adds an edge or changes its keys, `remove: true` drops one.
    fn merge_dependencies(
        &mut self,
        component: &mut Node,
        key: &Yaml,
        value: &Yaml,
        description: &str,
    ) {
        if !matches!(value.value, YamlValue::Seq(_)) {
            self.error(
                value,
                format!(
                    "`depends_on` is a list of component names or dependencies, not {}",
                    value.type_name()
                ),
            );
            return;
        }
        let origin = Origin::Overlay(self.file, key.line, key.column);
        let list = ensure(component, "depends_on", origin, || Value::Seq(Vec::new()));
        // Edges in one form: mappings with `component`.
        *list = normalise_list(std::mem::replace(
            list,
            Node::empty_map(Origin::Base(String::new())),
        ));
        let Value::Seq(edges) = &mut list.value else {
            return;
        };
        let from = description.trim_start_matches("components.");
        for item in value.items() {
            let (target, fields): (String, Option<&Yaml>) = match &item.value {
                YamlValue::Str(name) => (name.to_string(), None),
                YamlValue::Map(_) => {
                    self.check_keys(item, &schema::DEPENDENCY, &["remove"], "a dependency");
                    match item.get("component").and_then(Yaml::text) {
                        Some(name) => (name, Some(item)),
                        None => {
                            self.error(item, "a dependency names its `component`".into());
                            continue;
                        }
                    }
                }
                _ => {
                    self.error(
                        item,
                        format!(
                            "a dependency is a component name or a mapping, not {}",
                            item.type_name()
                        ),
                    );
                    continue;
                }
            };
            let position = edges.iter().position(|e| {
                e.get("component").and_then(Node::scalar_text).as_deref() == Some(&target)
            });
            let remove = fields
                .and_then(|f| f.get("remove"))
                .and_then(Yaml::as_bool)
                .unwrap_or(false);
            if remove {
                match position {
                    Some(i) => {
                        edges.remove(i);
                        self.counts.edges_removed += 1;
                    }
                    None => {
                        let targets: Vec<String> = edges
                            .iter()
                            .filter_map(|e| e.get("component").and_then(Node::scalar_text))
                            .collect();
                        let hint = did_you_mean(&target, &targets);
                        self.error(
                            item,
                            format!(
                                "`{from}` does not depend on `{target}`: nothing to remove{hint}"
                            ),
                        );
                    }
                }
                continue;
            }
            match (position, fields) {
                (Some(i), None) => {
                    // A bare name: the edge is hard.
                    let edge = &mut edges[i];
                    let was_optional = edge
                        .get("optional")
                        .and_then(|o| o.scalar_text())
                        .is_some_and(|o| o == "true");
                    if was_optional {
                        let old_origin = edge
                            .get("optional")
                            .map(|o| o.origin.describe(&self.files))
                            .unwrap_or_default();
                        self.notes.push(format!(
                            "{}: {from} -> {target} is now hard; it was optional from {old_origin}",
                            self.here(item)
                        ));
                        if let Some(entries) = edge.entries_mut() {
                            entries.retain(|(k, _)| k.name != "optional");
                        }
                        self.counts.edges_changed += 1;
                    }
                }
                (Some(i), Some(fields)) => {
                    let edge_description = format!("{from} -> {target}");
                    let edge = &mut edges[i];
                    for (k, v) in fields.entries() {
                        let Some(name) = k.text() else { continue };
                        if name == "component" || name == "remove" {
                            continue;
                        }
                        self.set_field(edge, &name, k, v, &edge_description);
                    }
                    self.counts.edges_changed += 1;
                }
                (None, _) => {
                    let mut node = Node::from_overlay(item, self.file);
                    if let Some(entries) = node.entries_mut() {
                        entries.retain(|(k, _)| k.name != "remove");
                    }
                    edges.push(normalise_edge(node));
                    self.counts.edges_added += 1;
                }
            }
        }
    }

    /// Removes the edges to a removed component and takes it out of journeys.
    fn cascade_removal(&mut self, model: &mut Node, name: &str) {
        let mut affected = Vec::new();
        if let Some(components) = model.get_mut("components").and_then(Node::entries_mut) {
            for (component, node) in components.iter_mut() {
                if let Some(list) = node.get_mut("depends_on")
                    && let Value::Seq(edges) = &mut list.value
                {
                    let before = edges.len();
                    edges.retain(|e| {
                        let target = match &e.value {
                            Value::Scalar(_) => e.scalar_text(),
                            _ => e.get("component").and_then(Node::scalar_text),
                        };
                        target.as_deref() != Some(name)
                    });
                    if edges.len() != before {
                        affected.push(component.name.clone());
                    }
                }
            }
        }
        let mut journeys_changed = Vec::new();
        if let Some(journeys) = model.get_mut("journeys").and_then(Node::entries_mut) {
            for (journey, node) in journeys.iter_mut() {
                if let Some(path) = node.get_mut("path")
                    && let Value::Seq(items) = &mut path.value
                {
                    let before = items.len();
                    items.retain(|i| i.scalar_text().as_deref() != Some(name));
                    if items.len() != before {
                        journeys_changed.push(journey.name.clone());
                    }
                }
            }
            journeys.retain(|(_, node)| {
                !matches!(node.get("path").map(|p| &p.value), Some(Value::Seq(items)) if items.is_empty())
            });
        }
        if !affected.is_empty() || !journeys_changed.is_empty() {
            self.notes.push(format!(
                "{}: removing component {name} also removes {}{}",
                self.files[self.file],
                if affected.is_empty() {
                    String::new()
                } else {
                    format!("the dependencies of {} on it", affected.join(", "))
                },
                if journeys_changed.is_empty() {
                    String::new()
                } else {
                    format!(
                        "{}it from journeys {}",
                        if affected.is_empty() { "" } else { ", and " },
                        journeys_changed.join(", ")
                    )
                }
            ));
        }
    }

    /// Unknown keys of an overlay entry, with the near name.
    fn check_keys(&mut self, entry: &Yaml, object: &Object, extra: &[&str], what: &str) {
        for (key, _) in entry.entries() {
            let Some(name) = key.text() else { continue };
            if object.field(&name).is_some() || extra.contains(&name.as_str()) {
                continue;
            }
            let mut names: Vec<&str> = object.fields.iter().map(|f| f.name).collect();
            names.extend(extra.iter().copied());
            let hint = spof_model::suggest(&name, names.iter().copied())
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_else(|| format!("; {} has {}", object.name, names.join(", ")));
            self.error(key, format!("unknown key `{name}` in {what}{hint}"));
        }
    }

    /// References that overlays wrote (dependencies, journey paths) to components that do not
    /// exist, located in the overlay.
    fn check_references(&mut self, model: &Node) {
        let names = model.get("components").map(Node::keys).unwrap_or_default();
        let mut missing: Vec<(Origin, String, String)> = Vec::new();
        let mut check = |node: &Node, what: String| {
            if let Origin::Overlay(file, _, _) = node.origin
                && file == self.file
                && let Some(target) = node.scalar_text()
                && !names.contains(&target)
            {
                missing.push((node.origin.clone(), target, what));
            }
        };
        if let Some(Value::Map(components)) = model.get("components").map(|c| &c.value) {
            for (component, node) in components {
                if let Some(Value::Seq(edges)) = node.get("depends_on").map(|d| &d.value) {
                    for edge in edges {
                        if let Some(target) = edge.get("component") {
                            check(target, format!("a dependency of `{}`", component.name));
                        } else {
                            check(edge, format!("a dependency of `{}`", component.name));
                        }
                    }
                }
            }
        }
        if let Some(Value::Map(journeys)) = model.get("journeys").map(|j| &j.value) {
            for (journey, node) in journeys {
                if let Some(Value::Seq(path)) = node.get("path").map(|p| &p.value) {
                    for item in path {
                        check(item, format!("the path of journey `{}`", journey.name));
                    }
                }
            }
        }
        for (origin, target, what) in missing {
            let Origin::Overlay(_, line, column) = origin else {
                continue;
            };
            let hint = did_you_mean(&target, &names);
            self.errors.push(ImportError::new(
                self.files[self.file].clone(),
                Some(line),
                Some(column),
                format!("no component `{target}` (in {what}){hint}"),
            ));
        }
    }
}

fn did_you_mean(name: &str, names: &[String]) -> String {
    spof_model::suggest(name, names.iter().map(String::as_str))
        .map(|n| format!("; did you mean `{n}`?"))
        .unwrap_or_default()
}

/// The value of `key` in a mapping node, made with `make` when absent.
fn ensure<'a>(
    node: &'a mut Node,
    key: &str,
    origin: Origin,
    make: impl FnOnce() -> Value,
) -> &'a mut Node {
    let entries = match &mut node.value {
        Value::Map(entries) => entries,
        other => {
            *other = Value::Map(Vec::new());
            match other {
                Value::Map(entries) => entries,
                _ => unreachable!("just made a mapping"),
            }
        }
    };
    let position = match entries.iter().position(|(k, _)| k.name == key) {
        Some(i) => i,
        None => {
            entries.push((
                Key {
                    name: key.to_string(),
                    origin: origin.clone(),
                },
                Node {
                    value: make(),
                    origin,
                },
            ));
            entries.len() - 1
        }
    };
    &mut entries[position].1
}

/// A component's `depends_on` in one form.
fn normalise_dependencies(mut component: Node) -> Node {
    if let Some(list) = component.get_mut("depends_on") {
        let taken = std::mem::replace(list, Node::empty_map(Origin::Base(String::new())));
        *list = normalise_list(taken);
    }
    component
}

fn normalise_list(mut list: Node) -> Node {
    if let Value::Seq(items) = &mut list.value {
        let taken = std::mem::take(items);
        *items = taken.into_iter().map(normalise_edge).collect();
    }
    list
}

/// A dependency as a mapping with `component`.
fn normalise_edge(edge: Node) -> Node {
    match &edge.value {
        Value::Scalar(_) => Node {
            origin: edge.origin.clone(),
            value: Value::Map(vec![(
                Key {
                    name: "component".into(),
                    origin: edge.origin.clone(),
                },
                edge,
            )]),
        },
        _ => edge,
    }
}

/// Writes a tree as block YAML, remembering each line's origin.
#[derive(Default)]
struct Emitter {
    text: String,
    origins: Vec<String>,
}

impl Emitter {
    fn line(&mut self, text: String, origin: &Origin, files: &[String]) {
        self.text.push_str(&text);
        self.text.push('\n');
        self.origins.push(origin.describe(files));
    }

    /// The entries of a mapping at an indentation.
    fn map_body(&mut self, node: &Node, indent: usize, files: &[String]) {
        let Value::Map(entries) = &node.value else {
            return;
        };
        for (key, value) in entries {
            self.entry(&" ".repeat(indent), key, value, indent, files);
        }
    }

    /// `key: value`, or `key:` and the nested block. `prefix` is what precedes the key on its
    /// line (indentation, or `- ` for the first key of a list item).
    fn entry(&mut self, prefix: &str, key: &Key, value: &Node, indent: usize, files: &[String]) {
        let key_text = scalar_text(&YamlValue::Str(key.name.clone().into()));
        match &value.value {
            Value::Scalar(scalar) => self.line(
                format!("{prefix}{key_text}: {}", scalar_text(scalar)),
                &value.origin,
                files,
            ),
            Value::Map(entries) if entries.is_empty() => {
                self.line(format!("{prefix}{key_text}: {{}}"), &value.origin, files)
            }
            Value::Seq(items) if items.is_empty() => {
                self.line(format!("{prefix}{key_text}: []"), &value.origin, files)
            }
            Value::Map(_) => {
                self.line(format!("{prefix}{key_text}:"), &key.origin, files);
                self.map_body(value, indent + 2, files);
            }
            Value::Seq(items) => {
                self.line(format!("{prefix}{key_text}:"), &key.origin, files);
                for item in items {
                    self.item(item, indent + 2, files);
                }
            }
        }
    }

    fn item(&mut self, item: &Node, indent: usize, files: &[String]) {
        let pad = " ".repeat(indent);
        match &item.value {
            Value::Scalar(scalar) => self.line(
                format!("{pad}- {}", scalar_text(scalar)),
                &item.origin,
                files,
            ),
            Value::Map(entries) if !entries.is_empty() => {
                for (i, (key, value)) in entries.iter().enumerate() {
                    let prefix = if i == 0 {
                        format!("{pad}- ")
                    } else {
                        " ".repeat(indent + 2)
                    };
                    self.entry(&prefix, key, value, indent + 2, files);
                }
            }
            Value::Map(_) => self.line(format!("{pad}- {{}}"), &item.origin, files),
            Value::Seq(items) if items.is_empty() => {
                self.line(format!("{pad}- []"), &item.origin, files)
            }
            Value::Seq(_) => {
                // A list in a list: flow style keeps it simple.
                let mut text = String::new();
                item.write_flow(&mut text);
                self.line(format!("{pad}- {text}"), &item.origin, files);
            }
        }
    }
}

impl Node {
    fn write_flow(&self, out: &mut String) {
        match &self.value {
            Value::Scalar(scalar) => out.push_str(&scalar_text(scalar)),
            Value::Seq(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_flow(out);
                }
                out.push(']');
            }
            Value::Map(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(
                        out,
                        "{}: ",
                        scalar_text(&YamlValue::Str(k.name.clone().into()))
                    );
                    v.write_flow(out);
                }
                out.push('}');
            }
        }
    }
}

/// A scalar as YAML: plain when it reads back as the same string, else double-quoted.
fn scalar_text(value: &YamlValue) -> String {
    match value {
        YamlValue::Null => "null".into(),
        YamlValue::Bool(b) => b.to_string(),
        YamlValue::Int(i) => i.to_string(),
        YamlValue::Float(f) => {
            let text = f.to_string();
            if text.contains(['.', 'e', 'E', 'i', 'N']) {
                text
            } else {
                format!("{text}.0")
            }
        }
        YamlValue::Str(s) => {
            let plain = !s.is_empty()
                && s.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '/')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
                && !matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true"
                        | "false"
                        | "yes"
                        | "no"
                        | "on"
                        | "off"
                        | "null"
                        | "y"
                        | "n"
                        | "nan"
                        | "inf"
                );
            if plain {
                s.to_string()
            } else {
                serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
            }
        }
        YamlValue::Seq(_) | YamlValue::Map(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "# Imported.\nversion: 1\ncomponents:\n  frontend:\n    kind: web\n    replicas: 1\n    depends_on:\n    - component: adservice\n      inferred: env AD_ADDR=adservice:9555 (m.yaml:10)\n    - component: cart\n      inferred: env CART=cart:1 (m.yaml:11)\n    source: m.yaml:3\n  adservice:\n    kind: service\n    source: m.yaml:20\n  cart:\n    kind: service\n    source: m.yaml:30\njourneys:\n  frontend:\n    path:\n    - frontend\n";

    fn overlay(text: &str) -> Result<Overlaid, Vec<ImportError>> {
        apply(
            BASE,
            "the kubernetes import",
            &[SourceFile {
                path: "o.yaml".into(),
                text: text.into(),
            }],
        )
    }

    fn parses(text: &str) -> spof_model::Model {
        let parsed = spof_model::parse_model(text, &spof_model::ParseLimits::default());
        assert!(
            parsed
                .diagnostics
                .iter()
                .all(|d| d.severity != spof_model::Severity::Error),
            "{:?}\n{text}",
            parsed.diagnostics
        );
        parsed.model.expect("a model")
    }

    #[test]
    fn edges_are_merged_by_target() {
        let result = overlay(
            "components:\n  frontend:\n    depends_on:\n      - component: adservice\n        optional: true\n      - component: cart\n        remove: true\n      - stripe\n  stripe:\n    kind: external\n",
        )
        .unwrap();
        let model = parses(&result.text);
        let frontend = &model.components[model.component("frontend").unwrap()];
        let targets: Vec<(&str, bool)> = frontend
            .depends_on
            .iter()
            .map(|d| (model.components[d.target].name.as_str(), d.optional))
            .collect();
        assert_eq!(targets, [("adservice", true), ("stripe", false)]);
        // The inferred evidence stays; the new component says where it came from.
        assert!(
            result
                .text
                .contains("inferred: \"env AD_ADDR=adservice:9555 (m.yaml:10)\"")
        );
        assert!(
            result.text.contains("source: \"o.yaml:9\""),
            "{}",
            result.text
        );
        let line = result
            .text
            .lines()
            .position(|l| l.contains("optional: true"))
            .unwrap();
        assert_eq!(result.origins[line], "o.yaml:5:19");
        let line = result
            .text
            .lines()
            .position(|l| l.contains("kind: web"))
            .unwrap();
        assert_eq!(result.origins[line], "the kubernetes import (m.yaml:3)");
    }

    #[test]
    fn conflicts_are_notes_and_nulls_remove() {
        let result = overlay(
            "components:\n  frontend:\n    replicas: 3\n  cart: ~\njourneys:\n  frontend: ~\n  shop:\n    path: [frontend]\n",
        )
        .unwrap();
        let model = parses(&result.text);
        assert_eq!(
            model.components[model.component("frontend").unwrap()]
                .instances
                .len(),
            3
        );
        assert!(model.component("cart").is_none());
        assert_eq!(
            model
                .journeys
                .iter()
                .map(|j| j.name.as_str())
                .collect::<Vec<_>>(),
            ["shop"]
        );
        assert!(
            result.notes.iter().any(|n| n.contains(
                "o.yaml:3:5: components.frontend.replicas is now 3; it was 1 from the kubernetes import (m.yaml:3)"
            )),
            "{:?}",
            result.notes
        );
        assert!(result.notes.iter().any(|n| {
            n.contains("removing component cart also removes the dependencies of frontend on it")
        }));
    }

    #[test]
    fn entries_that_match_nothing_are_located_errors() {
        let errors = overlay(
            "components:\n  frontnd:\n    replicas: 2\n  adservice:\n    replica: 2\n  cart:\n    depends_on:\n      - component: db\n        remove: true\n  gone: ~\njourneys:\n  x:\n    path: [frontend, nope]\nextra: 1\n",
        )
        .unwrap_err();
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let expected = [
            "o.yaml:2:3: no component `frontnd` in the import; did you mean `frontend`?; a new component needs `kind`",
            "o.yaml:5:5: unknown key `replica` in component `adservice`; did you mean `replicas`?",
            "o.yaml:8:9: `cart` does not depend on `db`: nothing to remove",
            "o.yaml:10:3: no component `gone` in the import to remove",
            "o.yaml:14:1: unknown key `extra` in the overlay",
            "o.yaml:13:22: no component `nope` (in the path of journey `x`)",
        ];
        for e in expected {
            assert!(
                messages.iter().any(|m| m.starts_with(e)),
                "missing {e:?} in {messages:#?}"
            );
        }
    }

    #[test]
    fn bad_yaml_is_located() {
        let errors = overlay("components:\n  a: [\n").unwrap_err();
        assert_eq!(errors[0].file, "o.yaml");
        assert!(errors[0].line.is_some());
    }

    #[test]
    fn decisions_and_people_are_added() {
        let result = overlay(
            "people:\n  alice:\n    can: [\"restore:cart\"]\ndecisions:\n  - finding: SPOF001\n    component: cart\n    status: accepted\n    reason: \"demo: single pod\"\n",
        )
        .unwrap();
        let model = parses(&result.text);
        assert_eq!(model.decisions.len(), 1);
        assert_eq!(model.people.len(), 1);
    }

    #[test]
    fn scalars_read_back_as_written() {
        for s in [
            "1m",
            "true",
            "a: b",
            "x #y",
            "",
            "-1",
            "null",
            "plain-name_1.2/x",
            "  pad",
        ] {
            let text = format!("k: {}\n", scalar_text(&YamlValue::Str(s.into())));
            let tree = parse_yaml_one("t", &text).unwrap().unwrap();
            assert_eq!(tree.get("k").and_then(Yaml::as_str), Some(s), "{text}");
        }
    }
}
