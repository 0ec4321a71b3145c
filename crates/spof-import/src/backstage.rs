//! Backstage catalog entities to a spof model. Components (services, websites) and Resources
//! (databases, caches, buckets, identity providers...) become components; `dependsOn` (and the
//! reverse `dependencyOf`) become dependencies; a component that consumes an API depends on the
//! components that provide it. Systems, Groups, Users, Domains and Locations are structure, not
//! failure points, and are listed as such; Location targets are checked against the files read.
//!
//! A catalog says nothing of replicas, zones or failover, so the importer guesses none: every
//! component keeps the default single instance and the report says, component by component,
//! that its redundancy is not modelled and should come from an overlay. The one exception is a
//! resource whose type names a provider's managed service (an S3 bucket), which is marked
//! `managed` and reported as inferred.

use crate::builder::{ModelBuilder, Numbering};
use crate::{
    ComponentDoc, Import, ImportError, ImportReport, SourceFile, Unmapped, Unresolved, Yaml,
    parse_yaml_documents,
};
use indexmap::{IndexMap, IndexSet};
use spof_model::Kind;
use std::collections::BTreeMap;

/// Reads Backstage catalog files (YAML, several documents each) and maps their entities.
pub fn import(files: &[SourceFile]) -> Result<Import, ImportError> {
    if files.is_empty() {
        return Err(ImportError::new(
            String::new(),
            None,
            None,
            "no Backstage catalog file given".into(),
        ));
    }
    let mut report = ImportReport {
        format: "backstage".into(),
        ..ImportReport::default()
    };
    let paths: IndexMap<String, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (normalise(&f.path), i))
        .collect();
    // Files listed by a Location are read whatever their extension; others only when YAML.
    let mut entities: Vec<Entity> = Vec::new();
    let mut read: Vec<bool> = vec![false; files.len()];
    let mut queue: Vec<usize> = (0..files.len())
        .filter(|&i| is_yaml(&files[i].path))
        .collect();
    let mut skipped: Vec<usize> = Vec::new();
    let mut locations: Vec<(String, String)> = Vec::new();
    // Every file is read before giving up, so that all their problems are told at once.
    let mut problems: Vec<ImportError> = Vec::new();
    while let Some(i) = queue.first().copied() {
        queue.remove(0);
        if read[i] {
            continue;
        }
        read[i] = true;
        let file = &files[i];
        let documents = match parse_yaml_documents(&file.path, &file.text) {
            Ok(documents) => documents,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        for doc in documents {
            let Some(entity) = Entity::read(&file.path, &doc) else {
                skipped.push(i);
                continue;
            };
            if entity.kind == "location" {
                for target in entity.location_targets() {
                    let source = format!("{}:{}", file.path, entity.line);
                    if target.contains("://") {
                        report.unresolved.push(Unresolved {
                            reference: format!("Location target {target} (not fetched: the importer reads only the files given)"),
                            from: entity.display(),
                            source,
                        });
                        continue;
                    }
                    let path = normalise(&join(&file.path, &target));
                    match paths.get(&path) {
                        Some(&t) => {
                            if !read[t] {
                                queue.push(t);
                            }
                        }
                        None => report.unresolved.push(Unresolved {
                            reference: format!(
                                "Location target {target} (no such file in the input)"
                            ),
                            from: entity.display(),
                            source,
                        }),
                    }
                }
                locations.push((entity.display(), format!("{}:{}", file.path, entity.line)));
                continue;
            }
            entities.push(entity);
        }
    }
    if let Some(error) = ImportError::collected(problems) {
        return Err(error);
    }
    for (i, file) in files.iter().enumerate() {
        if !read[i] {
            report.unmapped.push(Unmapped {
                object: file.path.clone(),
                why: "not a YAML catalog file and no Location lists it: skipped".into(),
                source: file.path.clone(),
                runs: false,
            });
        }
    }
    skipped.dedup();
    for i in skipped {
        report.unmapped.push(Unmapped {
            object: files[i].path.clone(),
            why: "a document that is not a Backstage entity (no apiVersion and kind): skipped"
                .into(),
            source: files[i].path.clone(),
            runs: false,
        });
    }
    if !locations.is_empty() {
        report.unmapped.push(Unmapped {
            object: format!("Location ({})", locations.len()),
            why: "lists catalog files; the files it lists were read".into(),
            source: locations
                .iter()
                .map(|(_, s)| s.clone())
                .collect::<Vec<_>>()
                .join(", "),
            runs: false,
        });
    }
    let mut builder = Builder {
        out: ModelBuilder::with_report(report),
        by_ref: IndexMap::new(),
    };
    builder.build(entities);
    let mut import = builder.finish(files);
    import.make_usable();
    if import.model.components.is_empty() {
        return Err(ImportError::new(
            files[0].path.clone(),
            None,
            None,
            "nothing to model: no Component or Resource entity in the catalog files given (Systems, Groups, APIs and Locations are not failure points)".into(),
        ));
    }
    Ok(import)
}

fn is_yaml(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// A path joined to the folder of `base`.
fn join(base: &str, target: &str) -> String {
    if target.starts_with('/') {
        return target.to_string();
    }
    match base.rfind(['/', '\\']) {
        Some(i) => format!("{}/{target}", &base[..i]),
        None => target.to_string(),
    }
}

/// A path with `.` and `..` steps resolved and `/` separators.
fn normalise(path: &str) -> String {
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    let mut steps: Vec<&str> = Vec::new();
    for step in path.split('/') {
        match step {
            "" | "." => {}
            ".." => {
                if steps.last().is_some_and(|s| *s != "..") {
                    steps.pop();
                } else if !absolute {
                    steps.push("..");
                }
            }
            s => steps.push(s),
        }
    }
    let joined = steps.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// One catalog entity.
struct Entity {
    /// Lower case: `component`, `resource`, `api`, `system`...
    kind: String,
    namespace: String,
    name: String,
    file: String,
    line: u32,
    doc: Yaml,
}

impl Entity {
    fn read(file: &str, doc: &Yaml) -> Option<Entity> {
        let api = doc.get("apiVersion")?.as_str()?;
        let kind = doc.get("kind")?.as_str()?;
        let name = doc.at(&["metadata", "name"])?.text()?;
        if !api.contains("backstage.io") && !api.contains('/') {
            return None;
        }
        Some(Entity {
            kind: kind.to_ascii_lowercase(),
            namespace: doc
                .at(&["metadata", "namespace"])
                .and_then(Yaml::text)
                .unwrap_or_else(|| "default".into())
                .to_ascii_lowercase(),
            name,
            file: file.to_string(),
            line: doc.line,
            doc: doc.clone(),
        })
    }

    fn key(&self) -> (String, String, String) {
        (
            self.kind.clone(),
            self.namespace.clone(),
            self.name.to_ascii_lowercase(),
        )
    }

    fn display(&self) -> String {
        let kind = match self.kind.as_str() {
            "api" => "API".to_string(),
            k => {
                let mut c = k.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
        };
        if self.namespace == "default" {
            format!("{kind}:{}", self.name)
        } else {
            format!("{kind}:{}/{}", self.namespace, self.name)
        }
    }

    fn source(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    fn spec(&self, key: &str) -> Option<&Yaml> {
        self.doc.at(&["spec", key])
    }

    fn spec_str(&self, key: &str) -> Option<String> {
        self.spec(key).and_then(Yaml::text)
    }

    /// The entity references of a list in `spec`, with the line each was written on.
    fn spec_refs(&self, key: &str) -> Vec<(String, u32)> {
        match self.spec(key) {
            Some(node) if !node.items().is_empty() => node
                .items()
                .iter()
                .filter_map(|item| item.text().map(|t| (t, item.line)))
                .collect(),
            Some(node) => node
                .text()
                .map(|t| vec![(t, node.line)])
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }

    fn location_targets(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .spec_refs("targets")
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        if let Some(t) = self.spec_str("target") {
            out.push(t);
        }
        out
    }
}

/// A reference `[kind:][namespace/]name`, lower case.
fn parse_ref(text: &str) -> (Option<String>, String, String) {
    let text = text.trim();
    let (kind, rest) = match text.split_once(':') {
        Some((k, r)) if !k.contains('/') => (Some(k.to_ascii_lowercase()), r),
        _ => (None, text),
    };
    let (namespace, name) = match rest.split_once('/') {
        Some((n, m)) => (n.to_ascii_lowercase(), m.to_ascii_lowercase()),
        None => ("default".to_string(), rest.to_ascii_lowercase()),
    };
    (kind, namespace, name)
}

/// A component kind and whether the service is managed, from a Resource's `spec.type`.
fn resource_kind(resource_type: &str) -> (Kind, bool) {
    let t: String = resource_type
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    // Provider services named by the type: redundant by design.
    if has(&[
        "s3",
        "gcsbucket",
        "azureblob",
        "dynamodb",
        "sqs",
        "sns",
        "cloudstorage",
    ]) {
        let kind = if has(&["sqs", "sns"]) {
            Kind::Queue
        } else if has(&["dynamodb"]) {
            Kind::Database
        } else {
            Kind::ObjectStorage
        };
        return (kind, true);
    }
    let kind = if has(&[
        "database",
        "postgres",
        "mysql",
        "mariadb",
        "mongo",
        "oracle",
        "sql",
        "rds",
        "cassandra",
        "db",
    ]) {
        Kind::Database
    } else if has(&["cache", "redis", "memcache", "valkey"]) {
        Kind::Cache
    } else if has(&[
        "queue", "topic", "kafka", "rabbit", "pubsub", "broker", "stream", "nats",
    ]) {
        Kind::Queue
    } else if has(&["bucket", "objectstor", "blob"]) {
        Kind::ObjectStorage
    } else if has(&["filesystem", "nfs", "filestor", "volume"]) {
        Kind::FileStorage
    } else if has(&["identity", "idp", "auth", "sso", "oidc", "ldap", "keycloak"]) {
        Kind::Identity
    } else if has(&["secret", "vault", "kms"]) {
        Kind::Secrets
    } else if has(&["search", "elastic", "opensearch", "solr"]) {
        Kind::Search
    } else if has(&["dns"]) {
        Kind::Dns
    } else if has(&["cdn"]) {
        Kind::Cdn
    } else if has(&["loadbalancer", "ingress"]) {
        Kind::LoadBalancer
    } else if has(&["gateway"]) {
        Kind::ApiGateway
    } else if has(&["repository", "repo", "git", "pipeline", "cicd", "registry"]) {
        Kind::DeployPipeline
    } else if has(&["monitor", "observab", "metrics", "logging"]) {
        Kind::Monitoring
    } else if has(&["config"]) {
        Kind::Config
    } else {
        Kind::External
    };
    (kind, false)
}

struct Builder {
    out: ModelBuilder,
    /// Entity key to its component name.
    by_ref: IndexMap<(String, String, String), String>,
}

impl Builder {
    fn build(&mut self, entities: Vec<Entity>) {
        // One entity per reference: the first definition wins.
        let mut seen: IndexMap<(String, String, String), String> = IndexMap::new();
        let mut unique: Vec<Entity> = Vec::new();
        for e in entities {
            if let Some(first) = seen.get(&e.key()) {
                self.out.report.unmapped.push(Unmapped {
                    object: e.display(),
                    why: format!("defined twice; the first definition ({first}) is used"),
                    source: e.source(),
                    runs: false,
                });
                continue;
            }
            seen.insert(e.key(), e.source());
            unique.push(e);
        }
        let mut structure: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut apis: Vec<&Entity> = Vec::new();
        let mut systems: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for e in &unique {
            match e.kind.as_str() {
                "component" => self.component(e),
                "resource" => self.resource(e),
                "api" => apis.push(e),
                other => {
                    if other == "system" {
                        systems.entry(e.name.to_ascii_lowercase()).or_default();
                    }
                    structure
                        .entry(other.to_string())
                        .or_default()
                        .push(e.source());
                }
            }
        }
        // Members of each system, for the report.
        for e in &unique {
            if let Some(system) = e.spec_str("system")
                && let Some(name) = self.by_ref.get(&e.key())
            {
                systems
                    .entry(parse_ref(&system).2)
                    .or_default()
                    .push(name.clone());
            }
        }
        for (kind, sources) in structure {
            let why = match kind.as_str() {
                "system" => {
                    let members: Vec<String> = systems
                        .iter()
                        .map(|(s, m)| {
                            if m.is_empty() {
                                format!("{s}: no component or resource")
                            } else {
                                format!("{s}: {}", m.join(", "))
                            }
                        })
                        .collect();
                    format!(
                        "a grouping of components, not a failure point of its own ({})",
                        members.join("; ")
                    )
                }
                "group" | "user" => "people and teams: owners, not failure points".into(),
                "domain" => "a grouping of systems, not a failure point".into(),
                "template" => "a scaffolder template: not part of the running system".into(),
                _ => "an entity kind the importer does not map".into(),
            };
            let name = {
                let mut c = kind.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            };
            self.out.unmapped_together(name, why, &sources);
        }
        // Dependencies, now that every component exists.
        for e in &unique {
            let Some(from) = self.by_ref.get(&e.key()).cloned() else {
                continue;
            };
            for (reference, line) in e.spec_refs("dependsOn") {
                match self.resolve(&reference, &["component", "resource"]) {
                    Some(to) => self.out.depend(&from, &to, None),
                    None => self.out.report.unresolved.push(Unresolved {
                        reference: format!("dependsOn {reference}"),
                        from: from.clone(),
                        source: format!("{}:{line}", e.file),
                    }),
                }
            }
            for (reference, line) in e.spec_refs("dependencyOf") {
                match self.resolve(&reference, &["component", "resource"]) {
                    Some(on) => self.out.depend(&on, &from, None),
                    None => self.out.report.unresolved.push(Unresolved {
                        reference: format!("dependencyOf {reference}"),
                        from: from.clone(),
                        source: format!("{}:{line}", e.file),
                    }),
                }
            }
        }
        self.apis(&unique, &apis);
    }

    fn resolve(&self, reference: &str, default_kinds: &[&str]) -> Option<String> {
        let (kind, namespace, name) = parse_ref(reference);
        match kind {
            Some(k) => self.by_ref.get(&(k, namespace, name)).cloned(),
            None => default_kinds.iter().find_map(|k| {
                self.by_ref
                    .get(&((*k).to_string(), namespace.clone(), name.clone()))
                    .cloned()
            }),
        }
    }

    /// A component name for an entity: its name, qualified when taken or namespaced.
    fn name_for(&mut self, e: &Entity) -> String {
        let mut name = if e.namespace == "default" {
            e.name.clone()
        } else {
            format!("{}.{}", e.namespace, e.name)
        };
        if self.out.is_taken(&name) {
            name = format!("{name}-{}", e.kind);
        }
        self.out.unique_name(&name, Numbering::Dashed)
    }

    fn describe(e: &Entity, what: &str) -> String {
        let title = e
            .doc
            .at(&["metadata", "title"])
            .and_then(Yaml::text)
            .or_else(|| {
                e.doc
                    .at(&["metadata", "description"])
                    .and_then(Yaml::text)
                    .map(|d| d.lines().next().unwrap_or_default().trim().to_string())
            });
        let mut facts = vec![what.to_string()];
        if let Some(t) = e.spec_str("type") {
            facts.push(format!("type {t}"));
        }
        if let Some(l) = e.spec_str("lifecycle") {
            facts.push(format!("lifecycle {l}"));
        }
        if let Some(s) = e.spec_str("system") {
            facts.push(format!("system {s}"));
        }
        match title {
            Some(t) if !t.is_empty() => format!("{t} (Backstage {})", facts.join(", ")),
            _ => format!("Backstage {}", facts.join(", ")),
        }
    }

    fn add(&mut self, e: &Entity, doc: ComponentDoc) {
        let name = self.name_for(e);
        self.out.map(e.display(), &name, e.source());
        let mut hint = String::new();
        if let Some(id) = e
            .doc
            .at(&["metadata", "annotations", "backstage.io/kubernetes-id"])
            .and_then(Yaml::text)
        {
            let namespace = e
                .doc
                .at(&[
                    "metadata",
                    "annotations",
                    "backstage.io/kubernetes-namespace",
                ])
                .and_then(Yaml::text)
                .map(|n| format!(", namespace {n}"))
                .unwrap_or_default();
            hint = format!(
                "; it runs on Kubernetes (kubernetes-id {id}{namespace}): importing its manifests would give replicas and spread"
            );
        }
        if doc.managed != Some(true) {
            self.out.report.not_modelled.push(format!(
                "`{name}`: redundancy not in the catalog (replicas, zones, failover): one instance until an overlay says otherwise{hint}"
            ));
        }
        self.by_ref.insert(e.key(), name.clone());
        self.out.add_component(name, doc);
    }

    fn component(&mut self, e: &Entity) {
        let component_type = e.spec_str("type").unwrap_or_default().to_ascii_lowercase();
        if matches!(
            component_type.as_str(),
            "library" | "documentation" | "docs"
        ) {
            self.out.report.unmapped.push(Unmapped {
                object: e.display(),
                why: format!(
                    "a {component_type}: it runs inside (or beside) the components that use it, not on its own"
                ),
                source: e.source(), runs: false,
            });
            return;
        }
        let kind = match component_type.as_str() {
            "website" | "frontend" | "web" => Kind::Web,
            "worker" | "job" | "batch" => Kind::Worker,
            "gateway" | "api-gateway" => Kind::ApiGateway,
            _ => Kind::Service,
        };
        let doc = ComponentDoc {
            kind,
            description: Some(Self::describe(e, "Component")),
            owner: e.spec_str("owner"),
            source: Some(e.source()),
            ..ComponentDoc::default()
        };
        self.add(e, doc);
    }

    fn resource(&mut self, e: &Entity) {
        let resource_type = e.spec_str("type").unwrap_or_default();
        let (kind, managed) = resource_kind(&resource_type);
        let doc = ComponentDoc {
            kind,
            description: Some(Self::describe(e, "Resource")),
            managed: managed.then_some(true),
            owner: e.spec_str("owner"),
            source: Some(e.source()),
            ..ComponentDoc::default()
        };
        self.add(e, doc);
        if managed {
            let name = self.by_ref.get(&e.key()).cloned().unwrap_or_default();
            self.out.infer(&name, &name, format!(
                    "managed: spec.type `{resource_type}` names a provider service that is redundant by design"
                ), &e.source());
        }
    }

    /// API entities: part of the components that provide them; consumers depend on providers.
    fn apis(&mut self, entities: &[Entity], apis: &[&Entity]) {
        let mut providers: IndexMap<(String, String, String), Vec<String>> = IndexMap::new();
        let mut consumers: IndexMap<(String, String, String), Vec<(String, String)>> =
            IndexMap::new();
        for e in entities {
            let Some(name) = self.by_ref.get(&e.key()).cloned() else {
                continue;
            };
            for (reference, _) in e.spec_refs("providesApis") {
                let (_, ns, n) = parse_ref(&reference);
                providers
                    .entry(("api".into(), ns, n))
                    .or_default()
                    .push(name.clone());
            }
            for (reference, line) in e.spec_refs("consumesApis") {
                let (_, ns, n) = parse_ref(&reference);
                consumers
                    .entry(("api".into(), ns, n))
                    .or_default()
                    .push((name.clone(), format!("{}:{line}", e.file)));
            }
        }
        let known: IndexSet<(String, String, String)> = apis.iter().map(|a| a.key()).collect();
        for api in apis {
            let key = api.key();
            let by = providers.get(&key).cloned().unwrap_or_default();
            let used = consumers.get(&key).cloned().unwrap_or_default();
            if let Some(first) = by.first() {
                self.out.map(api.display(), first, api.source());
            } else if used.is_empty() {
                self.out.report.unmapped.push(Unmapped {
                    object: api.display(),
                    why: "an API that no component in the input provides or consumes".into(),
                    source: api.source(),
                    runs: false,
                });
            }
        }
        for (key, used) in consumers {
            let by = providers.get(&key).cloned().unwrap_or_default();
            let label = format!("api:{}", key.2);
            if by.is_empty() {
                for (consumer, source) in used {
                    self.out.report.unresolved.push(Unresolved {
                        reference: if known.contains(&key) {
                            format!("consumesApis {label}: no component in the input provides it")
                        } else {
                            format!("consumesApis {label}: no such API in the input")
                        },
                        from: consumer,
                        source,
                    });
                }
                continue;
            }
            for (consumer, source) in used {
                for provider in &by {
                    let evidence =
                        format!("consumesApis {label}, which `{provider}` provides (providesApis)");
                    self.out.depend(&consumer, provider, Some(evidence.clone()));
                    self.out.infer(&consumer, provider, evidence, &source);
                }
            }
        }
    }

    fn finish(mut self, files: &[SourceFile]) -> Import {
        self.out.report.not_modelled.push(
            "runtime or operations: the catalog does not say whether a dependsOn is needed on the request path or only to deploy and build; all are taken as hard (mark the others optional in an overlay)".into(),
        );
        self.out.report.not_modelled.push(
            "journeys: the catalog names none; the whole system is one journey until an overlay names them".into(),
        );
        self.out
            .report
            .not_modelled
            .push("failure domains: the catalog has no hosts, zones or regions".into());
        let first = files.first().map(|f| f.path.as_str()).unwrap_or_default();
        self.out.model.name = Some(format!("backstage catalog {first}"));
        self.out.model.description = Some(format!(
            "Imported from a Backstage catalog ({} file(s)); redundancy is not in the catalog",
            files.len()
        ));
        self.out.finish()
    }
}
