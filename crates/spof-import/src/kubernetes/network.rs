//! Services and entry points: what each Service selects, workloads pooled behind a Service,
//! and the Ingresses, Gateway API routes, OpenShift Routes and exposed Services users reach.

use super::workloads::{same_namespace, selects, string_map};
use super::{CONTROLLER_LABELS, Entry, Importer, Object, Pool};
use crate::{ComponentDoc, Yaml};
use spof_model::Kind;
use std::collections::{BTreeMap, BTreeSet, HashMap};

impl Importer {
    /// Which workloads each Service selects; ExternalName Services become external components
    /// when something uses them.
    pub(super) fn map_services(&mut self) {
        let mut services: Vec<usize> = self.services.values().copied().collect();
        services.sort_unstable();
        // Workloads by each label of their pods: a Service's candidates are those with the
        // rarest of its labels, so that large inputs are not quadratic.
        let mut by_label: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (w, workload) in self.workloads.iter().enumerate() {
            for (k, v) in &workload.labels {
                by_label
                    .entry((k.as_str(), v.as_str()))
                    .or_default()
                    .push(w);
            }
        }
        let all: Vec<usize> = (0..self.workloads.len()).collect();
        let mut selected = HashMap::new();
        for s in services {
            let o = &self.objects[s];
            let selector: BTreeMap<String, String> = o
                .node
                .at(&["spec", "selector"])
                .map(string_map)
                .unwrap_or_default();
            if selector.is_empty() {
                continue;
            }
            let candidates = selector
                .iter()
                .filter(|(k, _)| !CONTROLLER_LABELS.contains(&k.as_str()))
                .map(|(k, v)| {
                    by_label
                        .get(&(k.as_str(), v.as_str()))
                        .map_or(&[][..], Vec::as_slice)
                })
                .min_by_key(|c| c.len())
                .unwrap_or(&all);
            let chosen: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&w| {
                    let w = &self.workloads[w];
                    same_namespace(&w.namespace, &o.namespace) && selects(&selector, w)
                })
                .collect();
            selected.insert(s, chosen);
        }
        self.selected = selected;
        self.find_pools();
    }

    /// Services that select the pods of several workloads: a call to one goes to any ready
    /// pod, so its workloads are pooled into one component with all their instances, unless
    /// one of them is also selected apart from the others (another Service selects it alone
    /// or with other workloads), or is batch work; then a call is modelled as needing each,
    /// and the report says why.
    pub(super) fn find_pools(&mut self) {
        let mut services: Vec<usize> = self.selected.keys().copied().collect();
        services.sort_unstable();
        let mut selecting: HashMap<usize, Vec<usize>> = HashMap::new();
        for &s in &services {
            for &w in &self.selected[&s] {
                selecting.entry(w).or_default().push(s);
            }
        }
        let mut pools: Vec<Pool> = Vec::new();
        let mut notes = Vec::new();
        for &s in &services {
            let chosen = &self.selected[&s];
            if chosen.len() < 2 {
                continue;
            }
            let o = &self.objects[s];
            let names: Vec<&str> = chosen
                .iter()
                .map(|&w| self.workloads[w].name.as_str())
                .collect();
            let apart = chosen.iter().find_map(|&w| {
                selecting[&w]
                    .iter()
                    .find(|&&other| self.selected[&other] != *chosen)
                    .map(|&other| (w, other))
            });
            let batch = chosen.iter().find(|&&w| self.workloads[w].batch);
            if let Some((w, other)) = apart {
                notes.push(format!(
                    "Service {} ({}) selects the pods of several workloads ({}): any of them can answer a call to it, but {} is also selected by Service {} without the others, so they are not pooled into one component and a call to {} is modelled as needing each",
                    o.name,
                    o.source(),
                    names.join(", "),
                    self.workloads[w].name,
                    self.objects[other].name,
                    o.name
                ));
                continue;
            }
            if let Some(&w) = batch {
                notes.push(format!(
                    "Service {} ({}) selects the pods of several workloads ({}), one of them batch work ({}): they are not pooled, and a call to {} is modelled as needing each",
                    o.name,
                    o.source(),
                    names.join(", "),
                    self.workloads[w].name,
                    o.name
                ));
                continue;
            }
            match pools.iter_mut().find(|p| p.members == *chosen) {
                // Another Service with the same pods (a headless one beside it).
                Some(pool) => pool.services.push(s),
                None => pools.push(Pool {
                    services: vec![s],
                    members: chosen.clone(),
                    name: String::new(),
                }),
            }
        }
        self.pools = pools;
        self.out.report.not_modelled.extend(notes);
    }

    /// Finds the entry points and marks the workloads behind them.
    pub(super) fn map_entry_points(&mut self) {
        let mut entries = Vec::new();
        let mut unresolved = Vec::new();
        for o in &self.objects {
            let backends: Vec<String> = match o.kind.as_str() {
                "Service" => {
                    let spec = o.node.get("spec");
                    let kind = spec
                        .and_then(|s| s.get("type"))
                        .and_then(Yaml::as_str)
                        .unwrap_or("ClusterIP");
                    let external_ips = spec
                        .and_then(|s| s.get("externalIPs"))
                        .is_some_and(|e| !e.items().is_empty());
                    if kind == "LoadBalancer" || kind == "NodePort" || external_ips {
                        vec![o.name.clone()]
                    } else {
                        continue;
                    }
                }
                "Ingress" => ingress_backends(&o.node),
                "HTTPRoute" | "GRPCRoute" | "TCPRoute" | "TLSRoute" | "UDPRoute" => {
                    route_backends(&o.node)
                }
                "Route" if o.node.at(&["spec", "to"]).is_some() => openshift_backends(&o.node),
                _ => continue,
            };
            let multiple = backends.len() > 1;
            for backend in backends {
                let what = format!("{}/{}", o.kind, o.name);
                let Some(s) = self.service(&o.namespace, &backend) else {
                    unresolved.push((
                        what.clone(),
                        format!("Service {backend}"),
                        format!(
                            "{what} routes to Service {backend}, which is not in the input ({})",
                            o.source()
                        ),
                    ));
                    continue;
                };
                let workloads = self.selected.get(&s).cloned().unwrap_or_default();
                if workloads.is_empty() {
                    self.out.report.not_modelled.push(format!(
                        "entry point {what} ({}) leads to Service {backend}, which selects no workload in the input",
                        o.source()
                    ));
                    continue;
                }
                let label = if o.kind == "Service" {
                    let kind = o
                        .node
                        .at(&["spec", "type"])
                        .and_then(Yaml::as_str)
                        .unwrap_or("ClusterIP");
                    format!("Service {} of type {kind} ({})", o.name, o.source())
                } else {
                    format!(
                        "{} {} to Service {backend} ({})",
                        o.kind,
                        o.name,
                        o.source()
                    )
                };
                let name = if multiple {
                    format!("{}-{backend}", o.name)
                } else {
                    o.name.clone()
                };
                entries.push(Entry {
                    name,
                    label,
                    workloads,
                });
            }
        }
        for (from, reference, evidence) in unresolved {
            self.unresolved.insert((from, reference), evidence);
        }
        for entry in &entries {
            for &w in &entry.workloads {
                self.workloads[w].entry = true;
            }
        }
        self.entries = entries;
    }

    /// The Service named `name` as seen from `namespace`.
    pub(super) fn service(&self, namespace: &str, name: &str) -> Option<usize> {
        if let Some(&s) = self.services.get(namespace, name) {
            return Some(s);
        }
        // Manifests without namespaces are applied to one namespace: an unset namespace
        // matches any.
        self.by_name
            .get("Service", name)?
            .iter()
            .copied()
            .find(|&s| same_namespace(&self.objects[s].namespace, namespace))
    }

    /// Pools the workloads behind each Service of [`Importer::find_pools`] into one component
    /// (named after the Service): all their instances, each in its workload's place, and all
    /// their dependencies. The workloads take the pool's name, so that calls to them, entry
    /// points and the report follow.
    pub(super) fn merge_pools(&mut self) {
        if self.pools.is_empty() {
            return;
        }
        let mut pools = std::mem::take(&mut self.pools);
        let mut renamed: HashMap<String, String> = HashMap::new();
        let mut pooled: HashMap<String, (String, ComponentDoc)> = HashMap::new();
        let members: BTreeSet<String> = pools
            .iter()
            .flat_map(|p| p.members.iter().map(|&w| self.workloads[w].name.clone()))
            .collect();
        let mut taken: BTreeSet<String> = self
            .out
            .model
            .components
            .keys()
            .filter(|n| !members.contains(*n))
            .cloned()
            .collect();
        for pool in &mut pools {
            let service = &self.objects[pool.services[0]];
            let mut name = service.name.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{}-{n}", service.name);
                n += 1;
            }
            taken.insert(name.clone());
            pool.name = name.clone();
            let docs: Vec<(String, &ComponentDoc)> = pool
                .members
                .iter()
                .map(|&w| {
                    let member = &self.workloads[w].name;
                    (member.clone(), &self.out.model.components[member])
                })
                .collect();
            let (doc, notes) = pool_doc(&name, service, &docs);
            let member_names: Vec<String> = docs.iter().map(|(n, _)| n.clone()).collect();
            let count: u64 = docs
                .iter()
                .map(|(_, d)| d.replicas.unwrap_or(1).max(d.instances.len() as u64))
                .sum();
            self.out.infer(&name, &format!("pool: {}", member_names.join(", ")), format!(
                    "Service {} selects the pods of {}: a call to it goes to any ready pod, so they are one component of {count} instances",
                    service.name,
                    member_names.join(" and ")
                ), &service.source());
            self.out.report.not_modelled.extend(notes);
            for member in &member_names {
                renamed.insert(member.clone(), name.clone());
            }
            pooled.insert(member_names[0].clone(), (name, doc));
        }
        // The pooled component takes its first workload's place among the components.
        let components = std::mem::take(&mut self.out.model.components);
        for (name, doc) in components {
            if let Some((pool, pooled)) = pooled.remove(&name) {
                self.out.model.components.insert(pool, pooled);
            } else if !renamed.contains_key(&name) {
                self.out.model.components.insert(name, doc);
            }
        }
        for pool in &pools {
            for &w in &pool.members {
                self.workloads[w].name = pool.name.clone();
            }
        }
        let rename = |name: &mut String| {
            if let Some(new) = renamed.get(name.as_str()) {
                *name = new.clone();
            }
        };
        for m in &mut self.out.report.mapped {
            rename(&mut m.component);
        }
        for i in &mut self.out.report.inferred {
            if let Some(new) = renamed.get(&i.from)
                && *new != i.from
            {
                i.to = format!("{} (workload {})", i.to, i.from);
                i.from = new.clone();
            }
        }
        for components in self.used.values_mut() {
            *components = std::mem::take(components)
                .into_iter()
                .map(|mut c| {
                    rename(&mut c);
                    c
                })
                .collect();
        }
        let edges = std::mem::take(&mut self.edges);
        for ((from, mut to), evidence) in edges {
            rename(&mut to);
            self.edges.entry((from, to)).or_default().extend(evidence);
        }
        let unresolved = std::mem::take(&mut self.unresolved);
        for ((mut from, reference), evidence) in unresolved {
            rename(&mut from);
            self.unresolved.entry((from, reference)).or_insert(evidence);
        }
        let mut seen = BTreeSet::new();
        for name in &mut self.unknown_placement {
            rename(name);
        }
        self.unknown_placement.retain(|n| seen.insert(n.clone()));
        self.pools = pools;
    }
}

/// The component of a pool: the instances of every workload, each where its workload places
/// it, and what the workloads say of their pods when they agree; and the notes of what they do
/// not agree on.
pub(super) fn pool_doc(
    name: &str,
    service: &Object,
    docs: &[(String, &ComponentDoc)],
) -> (ComponentDoc, Vec<String>) {
    let mut notes = Vec::new();
    let kinds: BTreeSet<Kind> = docs.iter().map(|(_, d)| d.kind).collect();
    let kind = match kinds.len() {
        1 => kinds.into_iter().next().unwrap_or(Kind::Service),
        _ if kinds.contains(&Kind::Web) => Kind::Web,
        _ => Kind::Service,
    };
    let placed = docs
        .iter()
        .any(|(_, d)| !d.domains.is_empty() || !d.spread.is_empty() || !d.instances.is_empty());
    let mut c = ComponentDoc {
        kind,
        source: Some(service.source()),
        ..ComponentDoc::default()
    };
    if placed {
        for (member, d) in docs {
            let count = d.replicas.unwrap_or(1);
            for i in 0..count as usize {
                let mut domains = d.domains.clone();
                if !d.spread.is_empty() {
                    domains.push(d.spread[i % d.spread.len()].clone());
                }
                c.instances.push(crate::InstanceDoc {
                    name: format!("{member}-{}", i + 1),
                    domains,
                    role: None,
                });
            }
        }
    } else {
        c.replicas = Some(docs.iter().map(|(_, d)| d.replicas.unwrap_or(1)).sum());
    }
    if docs.iter().any(|(_, d)| d.health_check == Some(false)) {
        c.health_check = Some(false);
    }
    let restore: BTreeSet<Option<&String>> =
        docs.iter().map(|(_, d)| d.restore_time.as_ref()).collect();
    if restore.len() == 1 {
        c.restore_time = restore.into_iter().next().flatten().cloned();
    }
    let with_budget: Vec<&str> = docs
        .iter()
        .filter(|(_, d)| d.min_healthy.is_some())
        .map(|(n, _)| n.as_str())
        .collect();
    if !with_budget.is_empty() {
        notes.push(format!(
            "{name}: the disruption budgets of {} are for their own pods; the pool of Service {} keeps no min_healthy",
            with_budget.join(", "),
            service.name
        ));
    }
    c.description = Some(format!(
        "the pods behind Service {}, any of which answers a call to it: {}",
        service.name,
        docs.iter()
            .map(|(_, d)| d.description.as_deref().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    (c, notes)
}

/// The Services an Ingress routes to.
pub(super) fn ingress_backends(node: &Yaml) -> Vec<String> {
    let backend_name = |b: &Yaml| {
        b.at(&["service", "name"])
            .or_else(|| b.get("serviceName"))
            .and_then(Yaml::text)
    };
    let mut names: Vec<String> = Vec::new();
    let spec = node.get("spec");
    for key in ["defaultBackend", "backend"] {
        if let Some(name) = spec.and_then(|s| s.get(key)).and_then(backend_name) {
            names.push(name);
        }
    }
    for rule in spec
        .and_then(|s| s.get("rules"))
        .map(Yaml::items)
        .unwrap_or_default()
    {
        for path in rule
            .at(&["http", "paths"])
            .map(Yaml::items)
            .unwrap_or_default()
        {
            if let Some(name) = path.get("backend").and_then(backend_name) {
                names.push(name);
            }
        }
    }
    dedup(names)
}

/// The Services a Gateway API route sends to.
pub(super) fn route_backends(node: &Yaml) -> Vec<String> {
    let mut names = Vec::new();
    for rule in node
        .at(&["spec", "rules"])
        .map(Yaml::items)
        .unwrap_or_default()
    {
        for backend in rule.get("backendRefs").map(Yaml::items).unwrap_or_default() {
            let kind = backend
                .get("kind")
                .and_then(Yaml::as_str)
                .unwrap_or("Service");
            if kind == "Service"
                && let Some(name) = backend.get("name").and_then(Yaml::text)
            {
                names.push(name);
            }
        }
    }
    dedup(names)
}

/// The Services an OpenShift Route sends to.
pub(super) fn openshift_backends(node: &Yaml) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(name) = node.at(&["spec", "to", "name"]).and_then(Yaml::text) {
        names.push(name);
    }
    for alternate in node
        .at(&["spec", "alternateBackends"])
        .map(Yaml::items)
        .unwrap_or_default()
    {
        if let Some(name) = alternate.get("name").and_then(Yaml::text) {
            names.push(name);
        }
    }
    dedup(names)
}

pub(super) fn dedup(mut names: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names
}
