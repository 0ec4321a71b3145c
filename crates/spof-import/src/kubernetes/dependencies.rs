//! Dependencies: host names resolved to Services and the workloads they select (or to
//! ExternalName Services), the edges of operators, and the edges written to the model with
//! their evidence.

use super::values::{data_entries, push_lines};
use super::workloads::{container_images, pod_spec, same_namespace};
use super::{Edges, INIT_ONLY, Importer, Resolution, Scanned, operators};
use crate::builder::Evidence;
use crate::infer::HostRef;
use crate::{ComponentDoc, Yaml, infer};
use spof_model::Kind;
use std::collections::{BTreeMap, HashMap};

impl Importer {
    pub(super) fn dependencies(&mut self, w: usize) {
        let wl = &self.workloads[w];
        let name = wl.name.clone();
        let namespace = wl.namespace.clone();
        let o = &self.objects[wl.object];
        let Some(pod) = pod_spec(o) else {
            return;
        };
        let mut values: Vec<Scanned> = Vec::new();
        let mut used: Vec<usize> = Vec::new();
        let mut missing: Vec<String> = Vec::new();
        // What only initContainers name is needed to start, not to run.
        let mut init_values: Vec<Scanned> = Vec::new();
        for (key, into) in [
            ("initContainers", &mut init_values),
            ("containers", &mut values),
        ] {
            for container in pod.get(key).map(Yaml::items).unwrap_or_default() {
                self.container_values(o, container, &namespace, into, &mut used, &mut missing);
            }
        }
        for volume in pod.get("volumes").map(Yaml::items).unwrap_or_default() {
            let mut sources: Vec<(&str, String)> = Vec::new();
            if let Some(cm) = volume.at(&["configMap", "name"]).and_then(Yaml::text) {
                sources.push(("ConfigMap", cm));
            }
            if let Some(secret) = volume.at(&["secret", "secretName"]).and_then(Yaml::text) {
                sources.push(("Secret", secret));
            }
            for source in volume
                .at(&["projected", "sources"])
                .map(Yaml::items)
                .unwrap_or_default()
            {
                if let Some(cm) = source.at(&["configMap", "name"]).and_then(Yaml::text) {
                    sources.push(("ConfigMap", cm));
                }
                if let Some(s) = source.at(&["secret", "name"]).and_then(Yaml::text) {
                    sources.push(("Secret", s));
                }
            }
            for (kind, object) in sources {
                let Some(i) = self.find(kind, &object, &namespace) else {
                    continue;
                };
                used.push(i);
                let source = &self.objects[i];
                for (key, value, line) in data_entries(source) {
                    if value.contains('\n') {
                        push_lines(
                            &mut values,
                            &format!("{kind} {object} key {key} (mounted)"),
                            &value,
                            line,
                            &source.file,
                            kind == "Secret",
                        );
                        continue;
                    }
                    let found = infer::hosts_in(&value, true);
                    if found.is_empty() {
                        continue;
                    }
                    values.push(Scanned {
                        label: format!("{kind} {object} key {key} (mounted)"),
                        found,
                        hint: infer::names_an_address(&key),
                        whole: true,
                        report: true,
                        secret: kind == "Secret",
                        text: value,
                        place: format!("{}:{line}", source.file),
                    });
                }
            }
        }
        for i in used {
            self.use_object(i, &name);
        }
        for note in missing {
            self.missing_keys.insert(format!("{name}: {note}"));
        }
        for (at_start, list) in [(false, values), (true, init_values)] {
            for value in list {
                for found in &value.found {
                    self.reference(w, &name, &namespace, &value, found, at_start);
                }
            }
        }
    }

    /// A ConfigMap or Secret by name, as seen from a namespace.
    pub(super) fn find(&self, kind: &str, name: &str, namespace: &str) -> Option<usize> {
        self.by_name
            .get(kind, name)?
            .iter()
            .copied()
            .find(|&i| same_namespace(&self.objects[i].namespace, namespace))
    }

    /// Records what a host name found in a workload's values refers to.
    pub(super) fn reference(
        &mut self,
        w: usize,
        name: &str,
        namespace: &str,
        value: &Scanned,
        found: &HostRef,
        at_start: bool,
    ) {
        let evidence = || {
            if value.secret {
                format!("{} names {} ({})", value.label, found.host, value.place)
            } else if value.whole {
                format!(
                    "{}={} ({})",
                    value.label,
                    infer::redact(&value.text),
                    value.place
                )
            } else {
                format!(
                    "{}: {} ({})",
                    value.label,
                    infer::redact(&value.text),
                    value.place
                )
            }
        };
        match self.resolve(&found.host, namespace) {
            Resolution::Service {
                name: service,
                workloads,
            } => {
                if workloads.is_empty() {
                    if value.report {
                        self.unresolved.insert(
                            (name.to_string(), found.host.clone()),
                            format!(
                                "{}: Service {service} selects no workload in the input",
                                evidence()
                            ),
                        );
                    }
                    return;
                }
                let evidence = Evidence {
                    startup: at_start.then_some(INIT_ONLY),
                    ..Evidence::new(evidence(), value.place.clone())
                };
                for target in workloads {
                    if target == w {
                        continue;
                    }
                    let to = self.workloads[target].name.clone();
                    self.edges
                        .entry((w, to))
                        .or_default()
                        .push(evidence.clone());
                }
            }
            Resolution::External(component) => {
                self.edges
                    .entry((w, component))
                    .or_default()
                    .push(Evidence {
                        startup: at_start.then_some(INIT_ONLY),
                        ..Evidence::new(evidence(), value.place.clone())
                    });
            }
            Resolution::Nothing { cluster } => {
                if !value.report || !(found.strict || value.hint || cluster) {
                    return;
                }
                let why = if cluster || !found.host.contains('.') {
                    "no Service of that name in the input"
                } else {
                    "a host outside the input (an external service?)"
                };
                self.unresolved
                    .entry((name.to_string(), found.host.clone()))
                    .or_insert_with(|| format!("{}: {why}", evidence()));
            }
        }
    }

    /// What a host name refers to, as seen from a namespace: `svc`, `svc.ns`, `svc.ns.svc`,
    /// `svc.ns.svc.cluster.local`, and a StatefulSet pod's `pod.svc[.ns...]`.
    pub(super) fn resolve(&mut self, host: &str, namespace: &str) -> Resolution {
        let (base, cluster) = match host.find(".svc.") {
            Some(i) => (&host[..i], true),
            None => match host.strip_suffix(".svc") {
                Some(base) => (base, true),
                None => (host, false),
            },
        };
        let labels: Vec<&str> = base.split('.').collect();
        let mut candidates: Vec<(&str, Option<&str>)> = Vec::new();
        match labels.as_slice() {
            [svc] => candidates.push((svc, None)),
            [first, second] => {
                candidates.push((first, Some(second)));
                candidates.push((second, None));
            }
            [.., pod, svc, ns] => {
                candidates.push((svc, Some(ns)));
                candidates.push((pod, Some(svc)));
            }
            _ => {}
        }
        for (svc, ns) in candidates {
            let found = match ns {
                None => self.service(namespace, svc),
                Some(ns) => self.services.get(ns, svc).copied().or_else(|| {
                    // Manifests without namespaces: trust a namespace that the input names, the
                    // cluster suffix, or `default`.
                    (cluster || ns == "default" || self.namespaces.contains(ns))
                        .then(|| self.services.get("", svc).copied())
                        .flatten()
                }),
            };
            let Some(s) = found else { continue };
            if let Some(component) = self.external_service(s) {
                return Resolution::External(component);
            }
            return Resolution::Service {
                name: self.objects[s].name.clone(),
                workloads: self.selected.get(&s).cloned().unwrap_or_default(),
            };
        }
        Resolution::Nothing { cluster }
    }

    /// The external component of an ExternalName Service, made on first use.
    pub(super) fn external_service(&mut self, s: usize) -> Option<String> {
        let o = &self.objects[s];
        let target = o.node.at(&["spec", "externalName"]).and_then(Yaml::text)?;
        if o.node.at(&["spec", "type"]).and_then(Yaml::as_str) != Some("ExternalName") {
            return None;
        }
        if let Some(name) = self.externals.get(&s) {
            return Some(name.clone());
        }
        let mut name = o.name.clone();
        while self.out.model.components.contains_key(&name) {
            name.push_str("-external");
        }
        self.out.add_component(
            name.clone(),
            ComponentDoc {
                kind: Kind::External,
                description: Some(format!("ExternalName Service {} for {target}", o.name)),
                source: Some(o.source()),
                ..ComponentDoc::default()
            },
        );
        self.out.map(o.id(), &name, o.source());
        self.out.infer(
            &name,
            "kind: external",
            format!("ExternalName Service for {target}: a service outside the cluster"),
            &o.source(),
        );
        self.externals.insert(s, name.clone());
        Some(name)
    }

    /// What an operator of the input runs needs the operator to start: while the operator is
    /// down the running pods go on, but one that fails is not recreated (and the changes and
    /// failovers it drives stop). A start-up dependency of each custom resource it runs on
    /// the operator's workload.
    pub(super) fn operator_edges(&mut self) {
        let operated: Vec<usize> = (0..self.workloads.len())
            .filter(|&w| {
                let o = &self.objects[self.workloads[w].object];
                o.custom.as_ref().is_some_and(|c| c.row.is_some())
            })
            .collect();
        if operated.is_empty() {
            return;
        }
        let images: Vec<Vec<String>> = self
            .workloads
            .iter()
            .map(|wl| container_images(&self.objects[wl.object]))
            .collect();
        let mut found = Vec::new();
        for w in operated {
            let o = &self.objects[self.workloads[w].object];
            for (op, other) in self.workloads.iter().enumerate() {
                if op == w {
                    continue;
                }
                let operator = &self.objects[other.object];
                if let Some(image) = images[op]
                    .iter()
                    .find(|i| operators::is_operator_image(&o.group, i))
                {
                    found.push((
                        w,
                        other.name.clone(),
                        operator.source(),
                        format!(
                            "{} {} is run by the operator {} (image {image}, {}): while it is down the running pods go on, but one that fails is not recreated and the failovers it drives stop",
                            o.kind,
                            o.name,
                            other.name,
                            operator.source()
                        ),
                    ));
                }
            }
        }
        for (w, operator, place, evidence) in found {
            self.edges.entry((w, operator)).or_default().push(Evidence {
                startup: Some("the operator recreates its pods"),
                ..Evidence::new(evidence, place)
            });
        }
    }

    /// Writes the dependencies into the components, each with its evidence. The workloads of
    /// a pool write theirs into the pool, in the order of its first workload.
    pub(super) fn write_edges(&mut self) {
        let mut edges: Edges = BTreeMap::new();
        let first: HashMap<&str, usize> = self
            .pools
            .iter()
            .map(|p| (p.name.as_str(), p.members[0]))
            .collect();
        for ((from, to), evidence) in std::mem::take(&mut self.edges) {
            let name = &self.workloads[from].name;
            if *name == to {
                // Within a pool.
                continue;
            }
            let from = first.get(name.as_str()).copied().unwrap_or(from);
            edges.entry((from, to)).or_default().extend(evidence);
        }
        for ((from, to), evidence) in edges {
            let name = self.workloads[from].name.clone();
            self.out
                .depend_on_evidence(&name, &to, evidence, &self.load_generators);
        }
    }
}
