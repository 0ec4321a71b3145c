//! docker-compose files (and Docker Swarm stack files) to a model.
//!
//! - The project is what `docker compose` reads: each file after the files it `include`s;
//!   a service that `extends` another (in the same file or one named by `file`) has that
//!   service's definition under its own, but for the keys that name other services. Files the
//!   project only extends from add no service of their own. The files pointed at must be among
//!   the inputs (the CLI reads them): what is not is reported as unresolved.
//! - Each service is a component: `deploy.replicas` or `scale` (default 1), `deploy.mode:
//!   global`, a `healthcheck` (without one, a dead replica keeps getting traffic), a restart
//!   policy (without one, a crashed container stays down: its repair time is unknown).
//! - Dependencies: `depends_on` in both forms (a list, or a map with conditions: a service that
//!   must complete successfully is a start-up task, not a runtime dependency; `required: false`
//!   is optional), `links`, `network_mode: service:x`, and service names in environment
//!   values, commands and the files a service reads (`env_file`, `configs`) when they are in
//!   the input; each marked as inferred with its evidence. Names resolve to service names,
//!   `container_name`s, network aliases and link aliases, never to `hostname` (Compose DNS does
//!   not resolve it).
//! - Placement: every container on one Docker host (a `host` domain), unless the file deploys
//!   to a swarm (a stack file, swarm-only `deploy` keys, or several replicas publishing one
//!   host port): then placement is per swarm node, unknown.
//! - Services that are copies of each other (the same definition but for their names, host
//!   names and ports) and serve the same callers are one component with an instance each.
//! - Journeys: one per service that publishes a port, and one per service that nothing calls
//!   and no published port reaches (background work); services only started with a profile
//!   are on none.

use crate::builder::{Evidence, ModelBuilder, is_client_of_the_system};
use crate::infer::{self, DATA_KINDS};
use crate::{
    ComponentDoc, DomainDoc, Import, ImportError, ImportReport, Inferred, InstanceDoc, JourneyDoc,
    SourceFile, Unmapped, Unresolved, Yaml, YamlValue, parse_yaml_documents,
};
use spof_model::{DomainKind, Kind};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How long Docker takes to restart a container with a restart policy.
const CONTAINER_RESTART: &str = "1m";
/// Swarm nodes assumed for a global service.
const ASSUMED_SWARM_NODES: u64 = 2;
/// The domain every container of a single-host deployment shares.
const HOST: &str = "host";

/// Runs the importer. Files without a top-level `services:` mapping are read only when a
/// service refers to them (`env_file`, `configs`); others are reported as not mapped.
pub fn import(files: &[SourceFile]) -> Result<Import, ImportError> {
    let mut report = ImportReport {
        format: "compose".into(),
        ..ImportReport::default()
    };
    let mut composes: Vec<(&SourceFile, Yaml)> = Vec::new();
    let mut others: Vec<&SourceFile> = Vec::new();
    // Every file is read before giving up, so that all their problems are told at once.
    let mut problems: Vec<ImportError> = Vec::new();
    for file in files {
        let documents = parse_yaml_documents(&file.path, &file.text);
        let document = match documents {
            Ok(mut documents) if documents.len() == 1 && documents[0].get("services").is_some() => {
                documents.remove(0)
            }
            Ok(documents) if documents.iter().any(|d| d.get("services").is_some()) => {
                problems.push(ImportError::new(
                    file.path.clone(),
                    documents.get(1).map(|d| d.line),
                    None,
                    "a compose file is one YAML document".into(),
                ));
                continue;
            }
            Err(e) if detect_compose(&file.text) => {
                problems.push(e);
                continue;
            }
            _ => {
                others.push(file);
                continue;
            }
        };
        if !document.get("services").is_some_and(Yaml::is_map) {
            problems.push(ImportError::new(
                file.path.clone(),
                document.get("services").map(|s| s.line),
                document.get("services").map(|s| s.column),
                "`services` must be a mapping of service names to definitions".into(),
            ));
            continue;
        }
        composes.push((file, document));
    }
    if let Some(error) = ImportError::collected(problems) {
        return Err(error);
    }
    if composes.is_empty() {
        return Err(ImportError::new(
            files.first().map(|f| f.path.clone()).unwrap_or_default(),
            None,
            None,
            "no compose file (a YAML file with a top-level `services:` mapping)".into(),
        ));
    }
    let project = project(&composes, &mut report);
    let mut importer = Importer::new(&project, &others, report);
    importer.run();
    let used = std::mem::take(&mut importer.used_files);
    let mut import = importer.out.finish();
    for file in others {
        if !used.contains(&file.path) {
            import.report.unmapped.push(Unmapped {
                object: file.path.clone(),
                why: "not a compose file (no top-level `services:`), and no service reads it"
                    .into(),
                source: file.path.clone(),
                runs: false,
            });
        }
    }
    import.make_usable();
    Ok(import)
}

/// The files that compose files point at: those their services read (`env_file`, `configs`
/// with a `file`), and the compose files they `include` or `extends` from, as paths joined to
/// each compose file's folder. The caller reads those that exist and passes them in too (and
/// asks again for the files those point at), so that host names in them are seen and the
/// project is whole; the import reports what it could not follow.
pub fn referenced_files(files: &[SourceFile]) -> Vec<String> {
    let mut found = BTreeSet::new();
    for file in files {
        let Ok(documents) = parse_yaml_documents(&file.path, &file.text) else {
            continue;
        };
        let folder = folder_of(&file.path);
        for document in &documents {
            for reference in references(document) {
                if let Reference::Include { path, .. }
                | Reference::Extends {
                    file: Some(path), ..
                } = reference
                    && !is_remote(&path)
                {
                    found.insert(join(&folder, &path));
                }
            }
            for (_, service) in document
                .get("services")
                .map(Yaml::entries)
                .unwrap_or_default()
            {
                match service.get("env_file") {
                    Some(Yaml {
                        value: YamlValue::Str(path),
                        ..
                    }) => {
                        found.insert(join(&folder, path));
                    }
                    Some(list) => {
                        for item in list.items() {
                            if let Some(path) = item
                                .text()
                                .or_else(|| item.get("path").and_then(Yaml::text))
                            {
                                found.insert(join(&folder, &path));
                            }
                        }
                    }
                    None => {}
                }
            }
            for (_, config) in document
                .get("configs")
                .map(Yaml::entries)
                .unwrap_or_default()
            {
                if let Some(path) = config.get("file").and_then(Yaml::text) {
                    found.insert(join(&folder, &path));
                }
            }
        }
    }
    found.into_iter().collect()
}

/// Keys that name other services: a base of `extends` cannot have them (Compose refuses it),
/// and they are not inherited from one.
const NOT_INHERITED: &[&str] = &["depends_on", "links", "volumes_from", "network_mode"];

/// How many `extends` a service may chain.
const MAX_EXTENDS: usize = 16;

/// The project the compose files make, as `docker compose` reads it.
struct Project<'a> {
    /// The files whose services are the project's, in merge order: each file after those it
    /// `include`s; files that others only include or extend from are not here by themselves.
    files: Vec<(&'a SourceFile, &'a Yaml)>,
    /// For a service definition (file, service) that `extends` another, the definitions it
    /// inherits, the outermost base first.
    bases: HashMap<(String, String), Vec<(&'a str, &'a Yaml)>>,
}

/// Where a compose file points: `include` entries and `extends` with a `file`.
enum Reference<'a> {
    Include {
        path: String,
        line: u32,
    },
    Extends {
        service: String,
        file: Option<String>,
        line: u32,
        from: &'a str,
    },
}

/// The references of a compose document, paths as written.
fn references(document: &Yaml) -> Vec<Reference<'_>> {
    let mut found = Vec::new();
    for entry in document.get("include").map(Yaml::items).unwrap_or_default() {
        match entry.text() {
            Some(path) => found.push(Reference::Include {
                path,
                line: entry.line,
            }),
            None => match entry.get("path") {
                Some(paths) if paths.items().is_empty() => {
                    if let Some(path) = paths.text() {
                        found.push(Reference::Include {
                            path,
                            line: paths.line,
                        });
                    }
                }
                Some(paths) => {
                    for path in paths.items() {
                        if let Some(text) = path.text() {
                            found.push(Reference::Include {
                                path: text,
                                line: path.line,
                            });
                        }
                    }
                }
                None => {}
            },
        }
    }
    for (key, service) in document
        .get("services")
        .map(Yaml::entries)
        .unwrap_or_default()
    {
        let (Some(name), Some(extends)) = (key.as_str(), service.get("extends")) else {
            continue;
        };
        let (target, file) = match extends.text() {
            Some(target) => (Some(target), None),
            None => (
                extends.get("service").and_then(Yaml::text),
                extends.get("file").and_then(Yaml::text),
            ),
        };
        if let Some(service) = target {
            found.push(Reference::Extends {
                service,
                file,
                line: extends.line,
                from: name,
            });
        }
    }
    found
}

/// A path that is not a file of the machine: a Git repository or an OCI artifact.
fn is_remote(path: &str) -> bool {
    path.contains("://") || path.starts_with("git@")
}

/// The project of the compose files: which files are its own, in which order, and what each
/// `extends` inherits. What cannot be followed (a file not among the inputs, a remote include,
/// a service the file does not have, a cycle) is reported as unresolved.
fn project<'a>(composes: &'a [(&'a SourceFile, Yaml)], report: &mut ImportReport) -> Project<'a> {
    let index: HashMap<String, usize> = composes
        .iter()
        .enumerate()
        .map(|(i, (f, _))| (normalise(&f.path), i))
        .collect();
    let mut includes: Vec<Vec<usize>> = vec![Vec::new(); composes.len()];
    let mut pointed_at: Vec<Vec<String>> = vec![Vec::new(); composes.len()];
    let mut unresolved = Vec::new();
    for (i, (file, document)) in composes.iter().enumerate() {
        let folder = folder_of(&file.path);
        for reference in references(document) {
            let (path, line, how) = match &reference {
                Reference::Include { path, line } => (path.clone(), *line, "include".to_string()),
                Reference::Extends {
                    file: Some(path),
                    line,
                    from,
                    ..
                } => (path.clone(), *line, format!("extends in service {from}")),
                Reference::Extends { file: None, .. } => continue,
            };
            if is_remote(&path) {
                unresolved.push(Unresolved {
                    reference: path.clone(),
                    from: file.path.clone(),
                    source: format!(
                        "{how} {path} ({}:{line}): a remote file, not fetched (the importer reads no network)",
                        file.path
                    ),
                });
                continue;
            }
            match index.get(&join(&folder, &path)) {
                Some(&j) if j != i => {
                    if matches!(reference, Reference::Include { .. }) {
                        includes[i].push(j);
                    }
                    pointed_at[j].push(format!("{how} of {} ({}:{line})", file.path, file.path));
                }
                Some(_) => {}
                None => unresolved.push(Unresolved {
                    reference: path.clone(),
                    from: file.path.clone(),
                    source: format!(
                        "{how} {path} ({}:{line}): the file is not among the inputs (or could not be read)",
                        file.path
                    ),
                }),
            }
        }
    }
    // The project's own files: those nothing else points at (all of them, if they point at
    // each other in a circle), each after what it includes.
    let mut roots: Vec<usize> = (0..composes.len())
        .filter(|&i| pointed_at[i].is_empty())
        .collect();
    if roots.is_empty() {
        roots = (0..composes.len()).collect();
    }
    let mut order = Vec::new();
    let mut state = vec![0u8; composes.len()];
    for root in roots {
        include_order(root, &includes, &mut state, &mut order);
    }
    let files: Vec<(&SourceFile, &Yaml)> = order
        .iter()
        .map(|&i| (composes[i].0, &composes[i].1))
        .collect();
    for (i, (file, _)) in composes.iter().enumerate() {
        let included = order.contains(&i);
        if !pointed_at[i].is_empty() {
            report.not_modelled.push(format!(
                "{} is read through {}: {}",
                file.path,
                pointed_at[i].join(", "),
                if included {
                    "its services are part of the project"
                } else {
                    "only the services extended from it are used, in the services that extend them"
                }
            ));
        }
    }
    // What each `extends` inherits, followed through chains of them.
    let mut bases = HashMap::new();
    let mut extended: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    for &i in &order {
        let (file, document) = (composes[i].0, &composes[i].1);
        for reference in references(document) {
            let Reference::Extends {
                service,
                file: target,
                line,
                from,
            } = reference
            else {
                continue;
            };
            let mut chain = Vec::new();
            let mut seen = vec![(i, from.to_string())];
            let mut next = Some((i, target, service));
            let mut via: Option<String> = None;
            while let Some((at, target, service)) = next.take() {
                let folder = folder_of(&composes[at].0.path);
                let j = match &target {
                    Some(path) => match index.get(&join(&folder, path)) {
                        Some(&j) => j,
                        // Reported above.
                        None => break,
                    },
                    None => at,
                };
                let (base_file, base_document) = (composes[j].0, &composes[j].1);
                let Some(definition) = base_document
                    .get("services")
                    .and_then(|s| s.get(&service))
                    .filter(|d| d.is_map())
                else {
                    unresolved.push(Unresolved {
                        reference: format!("extends {service}"),
                        from: from.to_string(),
                        source: format!(
                            "service {from} extends service {service} of {} ({}:{line}), which has no such service",
                            base_file.path, file.path
                        ),
                    });
                    break;
                };
                if seen.contains(&(j, service.clone())) || seen.len() > MAX_EXTENDS {
                    unresolved.push(Unresolved {
                        reference: format!("extends {service}"),
                        from: from.to_string(),
                        source: format!(
                            "service {from} ({}:{line}) extends a chain of services that comes back to {service} of {} or is longer than {MAX_EXTENDS}",
                            file.path, base_file.path
                        ),
                    });
                    break;
                }
                seen.push((j, service.clone()));
                chain.push((base_file.path.as_str(), definition));
                let by = extended.entry((j, service.clone())).or_default();
                if !by.iter().any(|b| b == from) {
                    by.push(from.to_string());
                }
                report.inferred.push(Inferred {
                    from: from.to_string(),
                    to: format!("extends {service}"),
                    evidence: format!(
                        "service {from} {} service {service} of {} ({}:{line}): it has its definition, but for what names other services",
                        match &via {
                            Some(via) => format!("extends, through {via},"),
                            None => "extends".into(),
                        },
                        base_file.path,
                        file.path
                    ),
                    source: format!("{}:{line}", file.path),
                });
                via = Some(service.clone());
                next = references(base_document).into_iter().find_map(|r| match r {
                    Reference::Extends {
                        service: s,
                        file: f,
                        from: by,
                        ..
                    } if by == service => Some((j, f, s)),
                    _ => None,
                });
            }
            if !chain.is_empty() {
                chain.reverse();
                bases.insert((file.path.clone(), from.to_string()), chain);
            }
        }
    }
    // The services of files the project only extends from are not services of the project.
    for (i, (file, document)) in composes.iter().enumerate() {
        if order.contains(&i) {
            continue;
        }
        for (key, _) in document
            .get("services")
            .map(Yaml::entries)
            .unwrap_or_default()
        {
            let Some(name) = key.text() else { continue };
            report.unmapped.push(Unmapped {
                object: format!("service {name}"),
                why: match extended.get(&(i, name.clone())) {
                    Some(by) => format!(
                        "defined in a file the project only extends from: part of {}, which extend{} it",
                        by.iter().map(|b| format!("service {b}")).collect::<Vec<_>>().join(", "),
                        if by.len() == 1 { "s" } else { "" }
                    ),
                    None => "defined in a file the project only extends from, and no service extends it".into(),
                },
                source: format!("{}:{}", file.path, key.line), runs: false,
            });
        }
    }
    report.unresolved.extend(unresolved);
    Project { files, bases }
}

/// Files in merge order: what a file includes before it, each once.
fn include_order(i: usize, includes: &[Vec<usize>], state: &mut [u8], order: &mut Vec<usize>) {
    // 0: not seen, 1: being ordered (a cycle comes back), 2: ordered.
    if state[i] != 0 {
        return;
    }
    state[i] = 1;
    let mut stack = vec![(i, 0usize)];
    while let Some((at, next)) = stack.pop() {
        match includes[at].get(next) {
            Some(&j) => {
                stack.push((at, next + 1));
                if state[j] == 0 {
                    state[j] = 1;
                    stack.push((j, 0));
                }
            }
            None => {
                state[at] = 2;
                order.push(at);
            }
        }
    }
}

fn detect_compose(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("services:"))
}

/// A service, from one or more files (later files override earlier keys, as
/// `docker compose -f a -f b` does).
struct Service<'a> {
    name: String,
    /// The definitions, in file order, with their file; those a definition `extends` come
    /// just before it.
    definitions: Vec<(&'a str, &'a Yaml)>,
    /// For each definition, whether it is the base of an `extends`: keys that name other
    /// services (`depends_on`, `links`...) are not inherited from it.
    inherited: Vec<bool>,
    /// Where the service is first named.
    source: String,
    /// The file's folder, for relative paths.
    folder: String,
}

impl<'a> Service<'a> {
    /// The definitions a key is read from: all but the bases of `extends` for keys that
    /// name other services (Compose does not let a base have them).
    fn read_from(&self, key: &str) -> impl DoubleEndedIterator<Item = &(&'a str, &'a Yaml)> {
        let names_services = NOT_INHERITED.contains(&key);
        self.definitions
            .iter()
            .zip(&self.inherited)
            .filter(move |(_, inherited)| !(names_services && **inherited))
            .map(|(definition, _)| definition)
    }

    /// A key's value in the last definition that has it.
    fn get(&self, key: &str) -> Option<(&'a str, &'a Yaml)> {
        self.read_from(key)
            .rev()
            .find_map(|(file, d)| d.get(key).map(|v| (*file, v)))
    }

    /// A key's values in every definition (lists and maps that add up).
    fn all(&self, key: &str) -> Vec<(&'a str, &'a Yaml)> {
        self.read_from(key)
            .filter_map(|(file, d)| d.get(key).map(|v| (*file, v)))
            .collect()
    }

    fn at(&self, path: &[&str]) -> Option<(&'a str, &'a Yaml)> {
        self.read_from(path.first().copied().unwrap_or_default())
            .rev()
            .find_map(|(file, d)| d.at(path).map(|v| (*file, v)))
    }

    fn text(&self, key: &str) -> Option<String> {
        self.get(key).and_then(|(_, v)| v.text())
    }
}

struct Importer<'a> {
    services: Vec<Service<'a>>,
    /// Top-level sections merged over the files: volumes, configs.
    volumes: BTreeMap<String, &'a Yaml>,
    configs: BTreeMap<String, (&'a str, &'a Yaml)>,
    others: &'a [&'a SourceFile],
    out: ModelBuilder,
    swarm: Option<String>,
    /// Names that resolve to a service: service names, container names, aliases.
    names: BTreeMap<String, usize>,
    /// (from, to) -> the evidence found.
    edges: BTreeMap<(usize, usize), Vec<Evidence>>,
    unresolved: BTreeMap<(String, String), String>,
    used_files: BTreeSet<String>,
    /// Services only started with a profile.
    profiled: BTreeSet<usize>,
    /// Services that publish a port, and how.
    published: BTreeMap<usize, String>,
    /// Components that are load generators (test clients of the system).
    load_generators: BTreeSet<String>,
    /// Component name of each service (pools share one).
    component_of: Vec<String>,
}

impl<'a> Importer<'a> {
    fn new(project: &Project<'a>, others: &'a [&'a SourceFile], mut report: ImportReport) -> Self {
        let mut services: Vec<Service<'a>> = Vec::new();
        let mut volumes = BTreeMap::new();
        let mut configs = BTreeMap::new();
        for &(file, document) in &project.files {
            let folder = folder_of(&file.path);
            for (key, value) in document
                .get("services")
                .map(Yaml::entries)
                .unwrap_or_default()
            {
                let Some(name) = key.text() else { continue };
                let place = format!("{}:{}", file.path, key.line);
                if !value.is_map() {
                    report.unmapped.push(Unmapped {
                        object: format!("service {name}"),
                        why: format!("a service is a mapping, not {}", value.type_name()),
                        source: place,
                        runs: false,
                    });
                    continue;
                }
                let bases = project
                    .bases
                    .get(&(file.path.clone(), name.clone()))
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let index = match services.iter().position(|s| s.name == name) {
                    Some(i) => i,
                    None => {
                        services.push(Service {
                            name,
                            definitions: Vec::new(),
                            inherited: Vec::new(),
                            source: place,
                            folder: folder.clone(),
                        });
                        services.len() - 1
                    }
                };
                let service = &mut services[index];
                for &base in bases {
                    service.definitions.push(base);
                    service.inherited.push(true);
                }
                service.definitions.push((&file.path, value));
                service.inherited.push(false);
            }
            for (key, value) in document
                .get("volumes")
                .map(Yaml::entries)
                .unwrap_or_default()
            {
                if let Some(name) = key.text() {
                    volumes.insert(name, value);
                }
            }
            for (key, value) in document
                .get("configs")
                .map(Yaml::entries)
                .unwrap_or_default()
            {
                if let Some(name) = key.text() {
                    configs.insert(name, (file.path.as_str(), value));
                }
            }
        }
        let count = services.len();
        Importer {
            services,
            volumes,
            configs,
            others,
            out: ModelBuilder::with_report(report),
            swarm: None,
            names: BTreeMap::new(),
            edges: BTreeMap::new(),
            unresolved: BTreeMap::new(),
            used_files: BTreeSet::new(),
            profiled: BTreeSet::new(),
            published: BTreeMap::new(),
            load_generators: BTreeSet::new(),
            component_of: vec![String::new(); count],
        }
    }

    fn run(&mut self) {
        self.swarm = self.detect_swarm();
        self.index_names();
        for s in 0..self.services.len() {
            self.dependencies(s);
        }
        self.pools();
        for s in 0..self.services.len() {
            self.component(s);
        }
        self.write_edges();
        self.placement();
        self.journeys();
        self.finish();
    }

    /// Why the file deploys to a swarm, if it does.
    fn detect_swarm(&self) -> Option<String> {
        for service in &self.services {
            for (file, definition) in &service.definitions {
                let name = file.rsplit('/').next().unwrap_or(file).to_ascii_lowercase();
                if name.contains("stack") {
                    return Some(format!("{file} is a stack file"));
                }
                let Some(deploy) = definition.get("deploy") else {
                    continue;
                };
                for key in [
                    "placement",
                    "update_config",
                    "rollback_config",
                    "endpoint_mode",
                ] {
                    if let Some(node) = deploy.get(key) {
                        return Some(format!(
                            "service {} has deploy.{key} ({file}:{}), which only a swarm uses",
                            service.name, node.line
                        ));
                    }
                }
                if deploy.get("mode").and_then(Yaml::as_str) == Some("global") {
                    return Some(format!(
                        "service {} has deploy.mode: global ({file}), which only a swarm uses",
                        service.name
                    ));
                }
            }
            let replicas = service
                .at(&["deploy", "replicas"])
                .and_then(|(_, v)| v.as_int())
                .unwrap_or(1);
            if replicas > 1
                && let Some(port) = fixed_host_port(service)
            {
                return Some(format!(
                    "service {} runs {replicas} replicas that publish host port {port}: only a swarm's routing mesh allows that",
                    service.name
                ));
            }
        }
        None
    }

    /// The names each service answers to on the network.
    fn index_names(&mut self) {
        let mut names = BTreeMap::new();
        for (s, service) in self.services.iter().enumerate() {
            names.insert(service.name.to_ascii_lowercase(), s);
        }
        for (s, service) in self.services.iter().enumerate() {
            if let Some(container) = service.text("container_name") {
                names.entry(container.to_ascii_lowercase()).or_insert(s);
            }
            for (_, networks) in service.all("networks") {
                for (_, network) in networks.entries() {
                    for alias in network.get("aliases").map(Yaml::items).unwrap_or_default() {
                        if let Some(alias) = alias.text() {
                            names.entry(alias.to_ascii_lowercase()).or_insert(s);
                        }
                    }
                }
            }
        }
        self.names = names;
    }

    // --- dependencies ----------------------------------------------------------------------

    fn dependencies(&mut self, s: usize) {
        let service = &self.services[s];
        let mut found: Vec<(usize, Evidence)> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let mut inferred: Vec<Inferred> = Vec::new();
        // depends_on, both forms.
        for (file, depends) in service.all("depends_on") {
            for item in depends.items() {
                if let Some(target) = item.text() {
                    match self.services.iter().position(|x| x.name == target) {
                        Some(t) => found.push((
                            t,
                            Evidence::new(
                                format!("depends_on {target} ({file}:{})", item.line),
                                format!("{file}:{}", item.line),
                            ),
                        )),
                        None => notes.push(format!(
                            "{}: depends_on {target} ({file}:{}) names no service of the input",
                            service.name, item.line
                        )),
                    }
                }
            }
            for (key, value) in depends.entries() {
                let Some(target) = key.text() else { continue };
                let condition = value
                    .get("condition")
                    .and_then(Yaml::text)
                    .unwrap_or_else(|| "service_started".into());
                let required = value
                    .get("required")
                    .and_then(Yaml::as_bool)
                    .unwrap_or(true);
                let Some(t) = self.services.iter().position(|x| x.name == target) else {
                    notes.push(format!(
                        "{}: depends_on {target} ({file}:{}) names no service of the input",
                        service.name, key.line
                    ));
                    continue;
                };
                if condition == "service_completed_successfully" {
                    inferred.push(Inferred {
                        from: service.name.clone(),
                        to: format!("not a dependency: {target}"),
                        evidence: format!(
                            "depends_on {target} with condition service_completed_successfully: a start-up task that has finished, not needed at run time"
                        ),
                        source: format!("{file}:{}", key.line),
                    });
                    continue;
                }
                found.push((
                    t,
                    Evidence {
                        optional: !required,
                        ..Evidence::new(
                            format!(
                                "depends_on {target} (condition {condition}{}) ({file}:{})",
                                if required { "" } else { ", required: false" },
                                key.line
                            ),
                            format!("{file}:{}", key.line),
                        )
                    },
                ));
            }
        }
        // links: `service` or `service:alias`.
        for (file, links) in service.all("links") {
            for item in links.items() {
                let Some(text) = item.text() else { continue };
                let target = text.split(':').next().unwrap_or_default();
                if let Some(t) = self.services.iter().position(|x| x.name == target) {
                    found.push((
                        t,
                        Evidence::new(
                            format!("links {text} ({file}:{})", item.line),
                            format!("{file}:{}", item.line),
                        ),
                    ));
                }
            }
        }
        // network_mode: service:x shares x's network: x down, its network is gone.
        if let Some((file, mode)) = service.get("network_mode")
            && let Some(target) = mode.as_str().and_then(|m| m.strip_prefix("service:"))
            && let Some(t) = self.services.iter().position(|x| x.name == target)
        {
            found.push((
                t,
                Evidence::new(
                    format!("network_mode service:{target} ({file}:{})", mode.line),
                    format!("{file}:{}", mode.line),
                ),
            ));
        }
        // Host names in values.
        let mut values: Vec<Scanned> = Vec::new();
        for (file, environment) in service.all("environment") {
            for item in environment.items() {
                if let Some(text) = item.text()
                    && let Some((var, value)) = text.split_once('=')
                {
                    values.push(Scanned::value(
                        format!("environment {var}"),
                        var,
                        value,
                        format!("{file}:{}", item.line),
                    ));
                }
            }
            for (key, value) in environment.entries() {
                if let (Some(var), Some(text)) = (key.text(), value.text()) {
                    values.push(Scanned::value(
                        format!("environment {var}"),
                        &var,
                        &text,
                        format!("{file}:{}", key.line),
                    ));
                }
            }
        }
        for key in ["command", "entrypoint"] {
            if let Some((file, node)) = service.get(key) {
                command_values(key, file, node, &mut values);
            }
        }
        // Files the service reads, when they are in the input.
        let mut read: Vec<(String, String)> = Vec::new();
        for (file, env_files) in service.all("env_file") {
            let paths: Vec<String> = match &env_files.value {
                YamlValue::Str(p) => vec![p.to_string()],
                _ => env_files
                    .items()
                    .iter()
                    .filter_map(|i| i.text().or_else(|| i.get("path").and_then(Yaml::text)))
                    .collect(),
            };
            for path in paths {
                read.push((format!("env_file {path} ({file})"), path));
            }
        }
        for (_, configs) in service.all("configs") {
            for item in configs.items() {
                let name = item
                    .text()
                    .or_else(|| item.get("source").and_then(Yaml::text));
                if let Some(name) = name
                    && let Some((file, config)) = self.configs.get(&name)
                    && let Some(path) = config.get("file").and_then(Yaml::text)
                {
                    read.push((format!("config {name} ({path}, {file})"), path));
                }
            }
        }
        for (label, path) in read {
            let full = join(&service.folder, &path);
            match self.others.iter().find(|f| normalise(&f.path) == full) {
                Some(file) => {
                    self.used_files.insert(file.path.clone());
                    let env_file = label.starts_with("env_file");
                    for (i, line) in file.text.lines().enumerate() {
                        let place = format!("{}:{}", file.path, i + 1);
                        match line.split_once('=') {
                            Some((var, value)) if env_file && !var.trim().starts_with('#') => {
                                values.push(Scanned::value(
                                    format!("{label} {}", var.trim()),
                                    var.trim(),
                                    value.trim(),
                                    place,
                                ));
                            }
                            _ if !line.trim().is_empty() => values.push(Scanned {
                                label: label.clone(),
                                text: line.trim().to_string(),
                                whole: false,
                                hint: false,
                                report: false,
                                place,
                            }),
                            _ => {}
                        }
                    }
                }
                None => notes.push(format!(
                    "{}: reads {label}, which is not in the input: host names in it are not seen (pass the file too, or declare the dependencies in an overlay)",
                    service.name
                )),
            }
        }
        for value in &values {
            for host in infer::hosts_in(&value.text, value.whole) {
                match self.names.get(&host.host) {
                    Some(&t) if t != s => {
                        found.push((t, Evidence::new(value.evidence(), value.place.clone())));
                    }
                    Some(_) => {}
                    None => {
                        if value.report && (host.strict || value.hint) {
                            let why = if host.host.contains('.') {
                                "a host outside the input (an external service?)"
                            } else {
                                "no service of that name in the input"
                            };
                            self.unresolved
                                .entry((service.name.clone(), host.host.clone()))
                                .or_insert_with(|| format!("{}: {why}", value.evidence()));
                        }
                    }
                }
            }
        }
        for (t, evidence) in found {
            self.edges.entry((s, t)).or_default().push(evidence);
        }
        for note in notes {
            self.out.report.not_modelled.push(note);
        }
        self.out.report.inferred.extend(inferred);
    }

    /// Services that are copies of each other (not data stores) and serve the same callers
    /// become one component.
    fn pools(&mut self) {
        let mut groups: BTreeMap<(String, Vec<usize>), Vec<usize>> = BTreeMap::new();
        for (s, service) in self.services.iter().enumerate() {
            let callers: Vec<usize> = self
                .edges
                .keys()
                .filter(|(_, to)| *to == s)
                .map(|(from, _)| *from)
                .collect();
            // Copies of a data store hold different data: they are not interchangeable.
            let data_store = service
                .text("image")
                .and_then(|i| infer::kind_from_image(&i))
                .is_some_and(|(kind, _)| DATA_KINDS.contains(&kind));
            if callers.is_empty() || data_store {
                continue;
            }
            groups
                .entry((canonical_service(service), callers))
                .or_default()
                .push(s);
        }
        for (s, service) in self.services.iter().enumerate() {
            self.component_of[s] = service.name.clone();
        }
        for ((_, callers), members) in groups {
            if members.len() < 2 {
                continue;
            }
            let names: Vec<&str> = members
                .iter()
                .map(|&m| self.services[m].name.as_str())
                .collect();
            let prefix = common_prefix(&names);
            let name = if prefix.len() >= 2 && !self.services.iter().any(|x| x.name == prefix) {
                prefix
            } else {
                names.join("-")
            };
            let callers: Vec<&str> = callers
                .iter()
                .map(|&c| self.services[c].name.as_str())
                .collect();
            self.out.infer(&name, &format!("instances: {}", names.join(", ")), format!(
                    "services {} have the same definition (but for names, host names and ports) and the same callers ({}): copies of one component, modelled as its instances",
                    names.join(" and "),
                    callers.join(", ")
                ), &self.services[members[0]].source);
            for &m in &members {
                self.component_of[m] = name.clone();
            }
        }
    }

    // --- components ------------------------------------------------------------------------

    fn component(&mut self, s: usize) {
        let service = &self.services[s];
        let name = self.component_of[s].clone();
        let pooled = name != service.name;
        self.out.map(
            format!("service {}", service.name),
            &name,
            service.source.clone(),
        );
        if pooled && let Some(existing) = self.out.model.components.get_mut(&name) {
            existing.instances.push(InstanceDoc {
                name: service.name.clone(),
                ..InstanceDoc::default()
            });
            return;
        }
        let mut c = ComponentDoc {
            kind: Kind::Service,
            source: Some(service.source.clone()),
            ..ComponentDoc::default()
        };
        if pooled {
            c.instances.push(InstanceDoc {
                name: service.name.clone(),
                ..InstanceDoc::default()
            });
        }
        let mut description = format!("compose service {}", service.name);
        let image = service.text("image");
        if let Some(image) = &image {
            description.push_str(&format!("; image {image}"));
        } else if let Some((_, build)) = service.get("build") {
            let context = build
                .text()
                .or_else(|| build.get("context").and_then(Yaml::text))
                .unwrap_or_else(|| ".".into());
            description.push_str(&format!("; built from {context}"));
        }
        if let Some(image) = &image
            && let Some((kind, word)) = infer::kind_from_image(image)
        {
            c.kind = kind;
            self.out.infer(
                &name,
                &format!("kind: {}", kind.as_str()),
                format!("guessed from image {image} ({word})"),
                &service.source,
            );
        }
        if infer::is_load_generator(&name, "")
            || image
                .as_deref()
                .is_some_and(|i| infer::is_load_generator("", i))
        {
            self.load_generators.insert(name.clone());
            self.out.infer(
                &name,
                "journey: none",
                "a load generator (from its name or image): a test client of the system, not an entry point or part of a journey; what calls it does not need it".into(),
                &service.source,
            );
        }
        if let Some(port) = published_port(service) {
            self.published.insert(s, port.clone());
            if c.kind == Kind::Service {
                c.kind = Kind::Web;
                self.out.infer(
                    &name,
                    "kind: web",
                    format!("it publishes port {port}"),
                    &service.source,
                );
            }
        }
        if let Some((file, profiles)) = service.get("profiles") {
            self.profiled.insert(s);
            let list: Vec<String> = profiles.items().iter().filter_map(Yaml::text).collect();
            self.out.infer(&name, "journey: none", format!(
                    "only started with profile {} ({file}:{}): not part of the running system by default",
                    list.join(", "),
                    profiles.line
                ), &service.source);
        }

        // Replicas.
        let mut replicas = 1u64;
        let stated = service
            .at(&["deploy", "replicas"])
            .or_else(|| service.get("scale"));
        if let Some((file, r)) = stated {
            let count = r.as_int().unwrap_or(1);
            if count < 1 {
                self.out.report.not_modelled.push(format!(
                    "{name}: {count} replicas ({file}:{}): it does not run; modelled with one",
                    r.line
                ));
            }
            replicas = count.clamp(1, i128::from(u32::MAX)) as u64;
        }
        if service
            .at(&["deploy", "mode"])
            .and_then(|(_, m)| m.as_str())
            == Some("global")
        {
            replicas = if self.swarm.is_some() {
                ASSUMED_SWARM_NODES
            } else {
                1
            };
            self.out.infer(&name, &format!("replicas: {replicas}"), format!(
                    "deploy.mode global runs one task per node; the number of nodes is not in the input (assumed {replicas})"
                ), &service.source);
        }
        if replicas > 1 && service.get("container_name").is_some() {
            self.out.report.not_modelled.push(format!(
                "{name}: container_name fixes the container's name, so its {replicas} replicas cannot all start"
            ));
        }
        if !pooled {
            c.replicas = Some(replicas);
        }

        // Health checks.
        let health = service.get("healthcheck").is_some_and(|(_, h)| {
            h.get("disable").and_then(Yaml::as_bool) != Some(true)
                && h.get("test")
                    .is_some_and(|t| t.items().first().and_then(Yaml::as_str) != Some("NONE"))
        });
        if replicas > 1 && !health {
            c.health_check = Some(false);
            self.out.infer(
                &name,
                "health_check: false",
                "no healthcheck: a replica that hangs keeps getting traffic".into(),
                &service.source,
            );
        }

        // Restarts.
        let restart = service.text("restart");
        let policy = service
            .at(&["deploy", "restart_policy", "condition"])
            .and_then(|(_, c)| c.text());
        let restarts = match (&restart, &policy) {
            (_, Some(p)) => p != "none",
            (Some(r), None) => r != "no",
            (None, None) => self.swarm.is_some(),
        };
        if restarts {
            c.restore_time = Some(CONTAINER_RESTART.into());
        } else {
            self.out.report.not_modelled.push(format!(
                "{name}: no restart policy: a crashed container stays down until someone starts it; its repair time is unknown"
            ));
        }

        // Data.
        let mut data = Vec::new();
        for (_, volumes) in service.all("volumes") {
            for volume in volumes.items() {
                let (source, kind) = match volume.text() {
                    Some(text) => {
                        let source = text.split(':').next().unwrap_or_default().to_string();
                        (
                            source,
                            if text.contains(':') {
                                "volume"
                            } else {
                                "anonymous"
                            },
                        )
                    }
                    None => (
                        volume
                            .get("source")
                            .and_then(Yaml::text)
                            .unwrap_or_default(),
                        match volume.get("type").and_then(Yaml::as_str) {
                            Some("tmpfs") => "tmpfs",
                            Some("bind") => "bind",
                            _ => "volume",
                        },
                    ),
                };
                let bind = source.starts_with('.')
                    || source.starts_with('/')
                    || source.starts_with('~')
                    || kind == "bind";
                if kind == "tmpfs" {
                    if DATA_KINDS.contains(&c.kind) {
                        data.push(
                            "data in a tmpfs mount is lost when the container restarts".to_string(),
                        );
                    }
                } else if !bind && kind == "volume" && self.volumes.contains_key(&source) {
                    let external = self.volumes[&source]
                        .get("external")
                        .and_then(Yaml::as_bool)
                        .unwrap_or(false);
                    let driver = self.volumes[&source]
                        .get("driver")
                        .and_then(Yaml::text)
                        .unwrap_or_else(|| "local".into());
                    if driver == "local" && !external {
                        data.push(if self.swarm.is_some() {
                            format!("data in volume {source} (local driver) stays on the node that ran the task: a task rescheduled to another node starts with an empty volume")
                        } else {
                            format!("data in volume {source} is on the Docker host's disk")
                        });
                    }
                }
            }
        }
        if !data.is_empty() {
            description.push_str(". ");
            description.push_str(&data.join("; "));
            for note in &data {
                self.out
                    .report
                    .not_modelled
                    .push(format!("{name}: {note} ({})", service.source));
            }
        }
        if let Some((file, mode)) = service.get("network_mode")
            && mode.as_str() == Some("host")
        {
            self.out.report.not_modelled.push(format!(
                "{name}: network_mode host ({file}:{}): it uses the host's network directly",
                mode.line
            ));
        }
        c.description = Some(description);
        self.out.add_component(name, c);
    }

    fn write_edges(&mut self) {
        let mut merged: BTreeMap<(String, String), Vec<Evidence>> = BTreeMap::new();
        for ((from, to), evidence) in std::mem::take(&mut self.edges) {
            let (from, to) = (
                self.component_of[from].clone(),
                self.component_of[to].clone(),
            );
            if from == to {
                continue;
            }
            merged.entry((from, to)).or_default().extend(evidence);
        }
        for ((from, to), evidence) in merged {
            self.out
                .depend_on_evidence(&from, &to, evidence, &self.load_generators);
        }
    }

    /// One host for everything, unless the file deploys to a swarm.
    fn placement(&mut self) {
        if self.out.model.components.is_empty() {
            return;
        }
        match &self.swarm {
            None => {
                self.out.model.domains.insert(
                    HOST.into(),
                    DomainDoc {
                        kind: DomainKind::Host,
                        description: Some(
                            "the Docker host: every container, volume and published port of the file runs on it".into(),
                        ),
                        ..DomainDoc::default()
                    },
                );
                for c in self.out.model.components.values_mut() {
                    c.domains = vec![HOST.into()];
                }
                self.out.infer(
                    "every component",
                    &format!("in: {HOST}"),
                    "a compose file runs on one Docker host".into(),
                    &self
                        .services
                        .first()
                        .map(|s| s.source.clone())
                        .unwrap_or_default(),
                );
            }
            Some(why) => {
                self.out.infer(
                    "every component",
                    "placement: swarm nodes",
                    format!("a swarm deployment: {why}"),
                    &self
                        .services
                        .first()
                        .map(|s| s.source.clone())
                        .unwrap_or_default(),
                );
                self.out.report.not_modelled.push(
                    "swarm placement: which node runs which task is not in the file (no node names or count); nodes are not modelled, so a node failure takes one task".into(),
                );
            }
        }
    }

    /// One journey per published port; one per service that nothing calls and nothing
    /// published reaches; none for services only started with a profile, clients of a
    /// published service, and monitoring.
    fn journeys(&mut self) {
        let mut journeys: Vec<(String, JourneyDoc)> = Vec::new();
        let mut entry_components = BTreeSet::new();
        for (&s, port) in &self.published {
            if self.profiled.contains(&s) {
                continue;
            }
            let name = self.component_of[s].clone();
            if self.out.model.components[&name].kind == Kind::Monitoring
                || self.load_generators.contains(&name)
                || !entry_components.insert(name.clone())
            {
                continue;
            }
            journeys.push((
                name.clone(),
                JourneyDoc {
                    path: vec![name.clone()],
                    description: Some(format!(
                        "entry point: service {} publishes port {port}",
                        self.services[s].name
                    )),
                    ..JourneyDoc::default()
                },
            ));
        }
        let reached = self.out.reached_from(entry_components.iter().cloned());
        let called = self.out.called_outside_monitoring();
        let profiled: BTreeSet<String> = self
            .profiled
            .iter()
            .map(|&s| self.component_of[s].clone())
            .collect();
        for (name, component) in &self.out.model.components {
            if reached.contains(name)
                || called.contains(name)
                || profiled.contains(name)
                || self.load_generators.contains(name)
                || matches!(component.kind, Kind::Monitoring | Kind::DeployPipeline)
            {
                continue;
            }
            if is_client_of_the_system(
                &self.out.model.components,
                &mut self.out.report,
                name,
                component,
                &entry_components,
                |entry| {
                    format!(
                        "it calls {entry}, which publishes a port: a client of the system (a load generator, a test), not part of a journey"
                    )
                },
            ) {
                continue;
            }
            journeys.push((
                name.clone(),
                JourneyDoc {
                    path: vec![name.clone()],
                    description: Some(
                        "background work: nothing in the file calls it and it publishes no port"
                            .into(),
                    ),
                    ..JourneyDoc::default()
                },
            ));
        }
        if journeys.is_empty() {
            self.out.report.not_modelled.push(
                "journeys: no service publishes a port, so the whole system is one journey; declare journeys in an overlay".into(),
            );
            return;
        }
        self.out.report.entry_points = entry_components.iter().cloned().collect();
        journeys.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, journey) in journeys {
            self.out.model.journeys.insert(name, journey);
        }
        self.out.report.not_modelled.push(
            "journeys: one per published port and one per service that nothing calls (background work); the real user journeys are not in the file: declare them in an overlay".into(),
        );
    }

    fn finish(&mut self) {
        for ((from, reference), source) in std::mem::take(&mut self.unresolved) {
            self.out.report.unresolved.push(Unresolved {
                reference,
                from,
                source,
            });
        }
        let edges: usize = self
            .out
            .model
            .components
            .values()
            .map(|c| c.depends_on.len())
            .sum();
        if edges == 0 {
            self.out.report.not_modelled.push(
                "dependencies: none found (no depends_on, links or service names in environment values and commands); the calls are in the application's code: declare them in an overlay".into(),
            );
        } else {
            self.out.report.not_modelled.push(
                "hard or optional: depends_on is a start-up order, taken as a hard dependency at run time, like every other dependency found (except on monitoring); say in an overlay which calls the code tolerates losing (optional)".into(),
            );
        }
        self.out.report.not_modelled.push(
            "networks say which services can talk, not which do: no dependency is inferred from them".into(),
        );
    }
}

/// A value in which host names are looked for.
struct Scanned {
    label: String,
    text: String,
    whole: bool,
    hint: bool,
    report: bool,
    place: String,
}

impl Scanned {
    fn value(label: String, var: &str, value: &str, place: String) -> Scanned {
        Scanned {
            label,
            text: value.to_string(),
            whole: true,
            hint: infer::names_an_address(var),
            report: true,
            place,
        }
    }

    fn evidence(&self) -> String {
        if self.whole {
            format!(
                "{}={} ({})",
                self.label,
                infer::redact(&self.text),
                self.place
            )
        } else {
            format!(
                "{}: {} ({})",
                self.label,
                infer::redact(&self.text),
                self.place
            )
        }
    }
}

/// The values of a `command` or `entrypoint` (a string or a list).
fn command_values(key: &str, file: &str, node: &Yaml, values: &mut Vec<Scanned>) {
    let items: Vec<&Yaml> = match &node.value {
        YamlValue::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut host_flag = false;
    for item in items {
        let Some(text) = item.text() else { continue };
        for (i, line) in text.lines().enumerate() {
            for word in line.split_whitespace() {
                let (flag, value) = match word.split_once('=') {
                    Some((flag, value)) if flag.starts_with('-') => (Some(flag), value),
                    _ => (None, word),
                };
                let hint = host_flag || flag.is_some_and(infer::is_host_flag);
                values.push(Scanned {
                    label: key.to_string(),
                    text: value.to_string(),
                    whole: hint,
                    hint,
                    report: true,
                    place: format!("{file}:{}", item.line as usize + i),
                });
                host_flag = flag.is_none() && infer::is_host_flag(word);
            }
        }
    }
}

/// The first published port of a service (`8080:80`, `80`, or the long form).
fn published_port(service: &Service) -> Option<String> {
    let (_, ports) = service.get("ports")?;
    ports.items().iter().find_map(|p| {
        p.text().or_else(|| {
            let target = p.get("target").and_then(Yaml::text)?;
            Some(match p.get("published").and_then(Yaml::text) {
                Some(published) => format!("{published}:{target}"),
                None => target,
            })
        })
    })
}

/// A host port published with a fixed number (`8080:80`), which two containers of one host
/// cannot share.
fn fixed_host_port(service: &Service) -> Option<String> {
    let (_, ports) = service.get("ports")?;
    ports.items().iter().find_map(|p| match p.text() {
        Some(text) => {
            let parts: Vec<&str> = text.split(':').collect();
            (parts.len() >= 2).then(|| parts[parts.len() - 2].to_string())
        }
        None => p.get("published").and_then(Yaml::text),
    })
}

/// A service's definition without what differs between copies of one component (names, host
/// names, published ports, labels), for comparison.
fn canonical_service(service: &Service) -> String {
    let mut out = String::new();
    for (_, definition) in &service.definitions {
        for (key, value) in definition.entries() {
            let key = key.text().unwrap_or_default();
            if matches!(
                key.as_str(),
                "hostname" | "container_name" | "ports" | "labels" | "expose" | "domainname"
            ) {
                continue;
            }
            out.push_str(&key);
            out.push('=');
            canonical(value, &mut out);
            out.push(';');
        }
    }
    out
}

fn canonical(node: &Yaml, out: &mut String) {
    match &node.value {
        YamlValue::Null => out.push('~'),
        YamlValue::Bool(b) => out.push_str(&b.to_string()),
        YamlValue::Int(i) => out.push_str(&i.to_string()),
        YamlValue::Float(f) => out.push_str(&f.to_string()),
        YamlValue::Str(s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        YamlValue::Seq(items) => {
            out.push('[');
            for item in items {
                canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        YamlValue::Map(entries) => {
            out.push('{');
            for (k, v) in entries {
                canonical(k, out);
                out.push(':');
                canonical(v, out);
                out.push(',');
            }
            out.push('}');
        }
    }
}

/// The longest common prefix of names, without trailing digits and separators
/// (`web1`, `web2` -> `web`).
fn common_prefix(names: &[&str]) -> String {
    let first = names.first().copied().unwrap_or_default();
    let mut end = first.len();
    for name in &names[1..] {
        end = end.min(
            first
                .bytes()
                .zip(name.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    first[..end]
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_' || c == '.')
        .to_string()
}

fn folder_of(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path[..i].to_string(),
        None => String::new(),
    }
}

/// A relative path joined to a folder, normalised (`./`, `../`).
fn join(folder: &str, path: &str) -> String {
    if path.starts_with('/') {
        return normalise(path);
    }
    if folder.is_empty() {
        normalise(path)
    } else {
        normalise(&format!("{folder}/{path}"))
    }
}

fn normalise(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}
