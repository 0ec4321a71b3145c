//! The model every importer builds, and the account of how: components added under unique
//! names, dependencies stated or inferred (with the evidence and where it was found), and the
//! report of what was mapped and inferred. One builder for every format, so that names,
//! dependencies and evidence are handled alike.

use crate::{
    ComponentDoc, DependencyDoc, Import, ImportReport, Inferred, Mapped, ModelDoc, Unmapped,
};
use indexmap::IndexMap;
use spof_model::Kind;
use std::collections::BTreeSet;

/// A model under construction with its import report.
///
/// Dependencies come in two ways: [`ModelBuilder::depend`] and
/// [`ModelBuilder::depend_inferred`] record links read one at a time (a reference, an
/// attribute) and write them into the components at the end, in the order found, while
/// [`ModelBuilder::depend_on_evidence`] writes at once a dependency whose evidence has all been
/// gathered (host names in values, `depends_on`), and [`ModelBuilder::add_dependency`] one the
/// input states.
pub(crate) struct ModelBuilder {
    pub(crate) model: ModelDoc,
    pub(crate) report: ImportReport,
    /// Names given out by [`ModelBuilder::unique_name`] and of components added.
    taken: BTreeSet<String>,
    /// Dependencies by (from, to), in the order found, written into the components by
    /// [`ModelBuilder::write_dependencies`].
    dependencies: IndexMap<(String, String), DependencyDoc>,
}

/// How a name already taken is told apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Numbering {
    /// `name-2`, `name-3`.
    Dashed,
    /// `name (2)`, `name (3)`.
    Parenthesised,
}

/// One piece of evidence of a dependency found in the input (an environment value, a
/// `depends_on`), with where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Evidence {
    /// What was found, as the report shows it (`env REDIS_ADDR=redis-cart:6379 (file:12)`).
    pub(crate) text: String,
    /// `file:line`; empty when the evidence has no one place.
    pub(crate) place: String,
    /// The input says the dependency is optional (`required: false`).
    pub(crate) optional: bool,
    /// The evidence shows a need only to start (an initContainer, an operator): why.
    pub(crate) startup: Option<&'static str>,
}

impl Evidence {
    pub(crate) fn new(text: String, place: String) -> Evidence {
        Evidence {
            text,
            place,
            optional: false,
            startup: None,
        }
    }
}

impl ModelBuilder {
    /// An empty model (version 1) and an empty report for `format`.
    pub(crate) fn new(format: &str) -> ModelBuilder {
        ModelBuilder::with_report(ImportReport {
            format: format.into(),
            ..ImportReport::default()
        })
    }

    /// An empty model and a report already started (by the reading of the files).
    pub(crate) fn with_report(report: ImportReport) -> ModelBuilder {
        ModelBuilder {
            model: ModelDoc {
                version: 1,
                ..ModelDoc::default()
            },
            report,
            taken: BTreeSet::new(),
            dependencies: IndexMap::new(),
        }
    }

    /// A name no other call has given: `wanted` when free, otherwise `wanted` numbered from 2
    /// (an empty name is `unnamed`).
    pub(crate) fn unique_name(&mut self, wanted: &str, numbering: Numbering) -> String {
        let base = if wanted.trim().is_empty() {
            "unnamed".to_string()
        } else {
            wanted.to_string()
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = match numbering {
                Numbering::Dashed => format!("{base}-{n}"),
                Numbering::Parenthesised => format!("{base} ({n})"),
            };
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// Whether a name has been given out or a component has it.
    pub(crate) fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name) || self.model.components.contains_key(name)
    }

    /// Adds (or replaces) a component; returns its name.
    pub(crate) fn add_component(&mut self, name: String, doc: ComponentDoc) -> String {
        self.taken.insert(name.clone());
        self.model.components.insert(name.clone(), doc);
        name
    }

    /// Whether the component exists and is of `kind`.
    pub(crate) fn is_kind(&self, component: &str, kind: Kind) -> bool {
        self.model
            .components
            .get(component)
            .is_some_and(|c| c.kind == kind)
    }

    /// Reports that an input object became (a part of) a component.
    pub(crate) fn map(&mut self, object: String, component: &str, source: String) {
        self.report.mapped.push(Mapped {
            object,
            component: component.to_string(),
            source,
        });
    }

    /// Reports something inferred rather than stated.
    pub(crate) fn infer(&mut self, from: &str, to: &str, evidence: String, source: &str) {
        self.report.inferred.push(Inferred {
            from: from.to_string(),
            to: to.to_string(),
            evidence,
            source: source.to_string(),
        });
    }

    /// `from` depends on `to` (a component already added), as the input states it
    /// (`inferred: None`) or as inferred. A stated link anywhere makes the dependency stated.
    pub(crate) fn depend(&mut self, from: &str, to: &str, inferred: Option<String>) {
        if from == to || !self.model.components.contains_key(to) {
            return;
        }
        let entry = self
            .dependencies
            .entry((from.to_string(), to.to_string()))
            .or_insert_with(|| DependencyDoc {
                component: to.to_string(),
                inferred: inferred.clone(),
                ..DependencyDoc::default()
            });
        if inferred.is_none() {
            entry.inferred = None;
        }
    }

    /// `from` depends on `to`, inferred from `evidence` found at `source`: recorded (and
    /// reported) unless the dependency is known already.
    pub(crate) fn depend_inferred(&mut self, from: &str, to: &str, evidence: String, source: &str) {
        if from == to || !self.model.components.contains_key(to) {
            return;
        }
        let key = (from.to_string(), to.to_string());
        if self.dependencies.contains_key(&key) {
            return;
        }
        self.dependencies.insert(
            key,
            DependencyDoc {
                component: to.to_string(),
                inferred: Some(evidence.clone()),
                ..DependencyDoc::default()
            },
        );
        self.infer(from, to, evidence, source);
    }

    /// The dependency of `from` on `to`, made with `make` if there is none yet.
    pub(crate) fn dependency_or_insert_with(
        &mut self,
        from: &str,
        to: &str,
        make: impl FnOnce() -> DependencyDoc,
    ) -> &mut DependencyDoc {
        self.dependencies
            .entry((from.to_string(), to.to_string()))
            .or_insert_with(make)
    }

    /// The dependency of `from` on `to`, if there is one.
    pub(crate) fn dependency_mut(&mut self, from: &str, to: &str) -> Option<&mut DependencyDoc> {
        self.dependencies
            .get_mut(&(from.to_string(), to.to_string()))
    }

    /// The dependency of `from` on `to` shown by all the `evidence` found for it (in the order
    /// found): inferred, its evidence the first piece (and how many more), optional when all of
    /// it says so or when monitoring or a load generator is at either end, and a start-up one
    /// when every piece shows a need only to start. Reported as inferred, with the place of the
    /// first piece.
    pub(crate) fn depend_on_evidence(
        &mut self,
        from: &str,
        to: &str,
        evidence: Vec<Evidence>,
        load_generators: &BTreeSet<String>,
    ) {
        let Some(first) = evidence.first() else {
            return;
        };
        let source = first.place.clone();
        let startup = evidence.iter().all(|e| e.startup.is_some());
        let why = evidence.iter().find_map(|e| e.startup);
        let stated_optional = evidence.iter().all(|e| e.optional);
        let mut texts: Vec<String> = evidence.into_iter().map(|e| e.text).collect();
        texts.dedup();
        let to_monitoring = self.is_kind(to, Kind::Monitoring);
        let from_monitoring = self.is_kind(from, Kind::Monitoring);
        let to_load_generator = load_generators.contains(to);
        let monitoring = to_monitoring || from_monitoring || to_load_generator;
        let mut text = texts[0].clone();
        if texts.len() > 1 {
            text.push_str(&format!(" (and {} more)", texts.len() - 1));
        }
        if to_monitoring {
            text.push_str("; optional: monitoring (traces, metrics) is not on the request path");
        } else if from_monitoring {
            text.push_str(
                "; optional: monitoring polls or scrapes its targets (a lost target loses its metrics, not the monitor)",
            );
        } else if to_load_generator {
            text.push_str("; optional: a load generator is a test client, nothing needs it");
        } else if startup && let Some(why) = why {
            text.push_str(&format!("; startup: {why}"));
        }
        self.infer(from, to, text.clone(), &source);
        if let Some(c) = self.model.components.get_mut(from) {
            let optional = stated_optional || monitoring;
            c.depends_on.push(DependencyDoc {
                component: to.to_string(),
                optional: optional.then_some(true),
                startup: (startup && !optional).then_some(true),
                inferred: Some(text),
                ..DependencyDoc::default()
            });
        }
    }

    /// Adds a dependency to `from` at once, unless it has one on the same component: whether
    /// it was added.
    pub(crate) fn add_dependency(&mut self, from: &str, dependency: DependencyDoc) -> bool {
        match self.model.components.get_mut(from) {
            Some(doc)
                if !doc
                    .depends_on
                    .iter()
                    .any(|d| d.component == dependency.component) =>
            {
                doc.depends_on.push(dependency);
                true
            }
            _ => false,
        }
    }

    /// Writes the dependencies recorded so far into the components they are from, in the
    /// order found.
    pub(crate) fn write_dependencies(&mut self) {
        for ((from, _), dependency) in std::mem::take(&mut self.dependencies) {
            if let Some(doc) = self.model.components.get_mut(&from) {
                doc.depends_on.push(dependency);
            }
        }
    }

    /// The model and the report.
    pub(crate) fn finish(mut self) -> Import {
        self.write_dependencies();
        Import {
            model: self.model,
            report: self.report,
        }
    }
}

impl ModelBuilder {
    /// The components reached from `entries` along dependencies, not through monitoring
    /// (what it polls is not part of a journey through it).
    pub(crate) fn reached_from(
        &self,
        entries: impl IntoIterator<Item = String>,
    ) -> BTreeSet<String> {
        let mut reached = BTreeSet::new();
        let mut stack: Vec<String> = entries.into_iter().collect();
        while let Some(c) = stack.pop() {
            if reached.insert(c.clone())
                && let Some(component) = self.model.components.get(&c)
                && component.kind != Kind::Monitoring
            {
                stack.extend(component.depends_on.iter().map(|d| d.component.clone()));
            }
        }
        reached
    }

    /// The components something other than monitoring depends on: what monitoring polls is
    /// not called by it for the journeys.
    pub(crate) fn called_outside_monitoring(&self) -> BTreeSet<String> {
        self.model
            .components
            .values()
            .filter(|c| c.kind != Kind::Monitoring)
            .flat_map(|c| c.depends_on.iter().map(|d| d.component.clone()))
            .collect()
    }
}

impl ModelBuilder {
    /// Reports objects of one kind that are not mapped, for one reason, as one line: the kind
    /// with their count when there are several (`aws_iam_role (3)`), and every place.
    pub(crate) fn unmapped_together(&mut self, object: String, why: String, sources: &[String]) {
        self.report.unmapped.push(Unmapped {
            object: if sources.len() == 1 {
                object
            } else {
                format!("{object} ({})", sources.len())
            },
            why,
            source: sources.join(", "),
            runs: false,
        });
    }
}

/// Whether `component` is a client of the system (a load generator, a test): it calls
/// something, and only user-facing entry points (`entries` whose kind is web, load balancer,
/// API gateway, CDN or service), so it is on no journey. A service calling infrastructure
/// that publishes a port (service discovery, a database) is not one. If it is a client, the
/// report says so, with `why` given the name of the entry point it calls first.
pub(crate) fn is_client_of_the_system(
    components: &IndexMap<String, ComponentDoc>,
    report: &mut ImportReport,
    name: &str,
    component: &ComponentDoc,
    entries: &BTreeSet<String>,
    why: impl Fn(&str) -> String,
) -> bool {
    let client = !component.depends_on.is_empty()
        && component.depends_on.iter().all(|d| {
            entries.contains(&d.component)
                && components.get(&d.component).is_some_and(|c| {
                    matches!(
                        c.kind,
                        Kind::Web
                            | Kind::LoadBalancer
                            | Kind::ApiGateway
                            | Kind::Cdn
                            | Kind::Service
                    )
                })
        });
    let Some(entry) = component.depends_on.first().filter(|_| client) else {
        return false;
    };
    report.inferred.push(Inferred {
        from: name.to_string(),
        to: "journey: none".into(),
        evidence: why(&entry.component),
        source: component.source.clone().unwrap_or_default(),
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder_with(components: &[(&str, Kind)]) -> ModelBuilder {
        let mut b = ModelBuilder::new("test");
        for (name, kind) in components {
            b.add_component(
                (*name).to_string(),
                ComponentDoc {
                    kind: *kind,
                    ..ComponentDoc::default()
                },
            );
        }
        b
    }

    #[test]
    fn names_taken_are_numbered_in_the_importers_styles() {
        let mut b = ModelBuilder::new("test");
        assert_eq!(b.unique_name("web", Numbering::Dashed), "web");
        assert_eq!(b.unique_name("web", Numbering::Dashed), "web-2");
        assert_eq!(b.unique_name("web", Numbering::Dashed), "web-3");
        assert_eq!(b.unique_name("api", Numbering::Parenthesised), "api");
        assert_eq!(b.unique_name("api", Numbering::Parenthesised), "api (2)");
        assert_eq!(b.unique_name("  ", Numbering::Parenthesised), "unnamed");
        b.add_component("db".into(), ComponentDoc::default());
        assert!(b.is_taken("db") && b.is_taken("web-2") && !b.is_taken("cache"));
        assert_eq!(b.unique_name("db", Numbering::Dashed), "db-2");
    }

    #[test]
    fn a_stated_link_makes_a_dependency_stated_and_unknown_targets_are_ignored() {
        let mut b = builder_with(&[("web", Kind::Web), ("db", Kind::Database)]);
        b.depend("web", "db", Some("env DB=db".into()));
        b.depend("web", "db", None);
        b.depend("web", "db", Some("again".into()));
        b.depend("web", "web", None);
        b.depend("web", "nowhere", None);
        b.depend_inferred("db", "web", "a reference".into(), "main.tf");
        b.depend_inferred("db", "web", "another".into(), "main.tf");
        let import = b.finish();
        let web = &import.model.components["web"].depends_on;
        assert_eq!(web.len(), 1);
        assert_eq!((web[0].component.as_str(), &web[0].inferred), ("db", &None));
        let db = &import.model.components["db"].depends_on;
        assert_eq!(db[0].inferred.as_deref(), Some("a reference"));
        assert_eq!(import.report.inferred.len(), 1);
        assert_eq!(import.report.inferred[0].source, "main.tf");
    }

    #[test]
    fn evidence_is_merged_with_its_place_and_what_it_says() {
        let no_generators = BTreeSet::new();
        let mut b = builder_with(&[
            ("web", Kind::Web),
            ("db", Kind::Database),
            ("metrics", Kind::Monitoring),
            ("operator", Kind::Service),
        ]);
        b.depend_on_evidence(
            "web",
            "db",
            vec![
                Evidence::new("env DB=db (m.yaml:10)".into(), "m.yaml:10".into()),
                Evidence::new("env DB=db (m.yaml:10)".into(), "m.yaml:10".into()),
                Evidence::new("args --db db (m.yaml:12)".into(), "m.yaml:12".into()),
            ],
            &no_generators,
        );
        b.depend_on_evidence(
            "web",
            "metrics",
            vec![Evidence::new(
                "env OTEL=metrics (m.yaml:11)".into(),
                "m.yaml:11".into(),
            )],
            &no_generators,
        );
        b.depend_on_evidence(
            "db",
            "operator",
            vec![Evidence {
                startup: Some("the operator recreates its pods"),
                ..Evidence::new(
                    "run by the operator (image o, m.yaml:2): ...".into(),
                    "m.yaml:2".into(),
                )
            }],
            &no_generators,
        );
        b.depend_on_evidence(
            "operator",
            "db",
            vec![Evidence {
                optional: true,
                ..Evidence::new(
                    "depends_on db (required: false) (c.yaml:3)".into(),
                    "c.yaml:3".into(),
                )
            }],
            &no_generators,
        );
        let import = b.finish();
        let c = &import.model.components;
        let db = &c["web"].depends_on[0];
        assert_eq!(
            db.inferred.as_deref(),
            Some("env DB=db (m.yaml:10) (and 1 more)")
        );
        assert_eq!((db.optional, db.startup), (None, None));
        let metrics = &c["web"].depends_on[1];
        assert_eq!(metrics.optional, Some(true));
        assert!(
            metrics
                .inferred
                .as_deref()
                .unwrap()
                .ends_with("not on the request path")
        );
        let operator = &c["db"].depends_on[0];
        assert_eq!(operator.startup, Some(true));
        assert!(
            operator
                .inferred
                .as_deref()
                .unwrap()
                .ends_with("; startup: the operator recreates its pods")
        );
        assert_eq!(c["operator"].depends_on[0].optional, Some(true));
        // The place comes with the evidence: never parsed back out of its text.
        let sources: Vec<&str> = import
            .report
            .inferred
            .iter()
            .map(|i| i.source.as_str())
            .collect();
        assert_eq!(sources, ["m.yaml:10", "m.yaml:11", "m.yaml:2", "c.yaml:3"]);
    }
}
