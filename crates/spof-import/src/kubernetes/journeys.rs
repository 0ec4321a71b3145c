//! Journeys: one from each entry point (or, without any, from the roots of the dependency
//! graph), and one for each batch workload.

use super::Importer;
use crate::builder::is_client_of_the_system;
use crate::{JourneyDoc, ModelDoc};
use spof_model::Kind;
use std::collections::{BTreeSet, HashMap};

impl Importer {
    /// One journey per entry point; with entry points, one more per component that nothing
    /// calls and no entry point reaches (background work), except clients of the system.
    pub(super) fn journeys(&mut self) {
        let batch: Vec<String> = self
            .workloads
            .iter()
            .filter(|w| w.batch)
            .map(|w| w.name.clone())
            .collect();
        if self.entries.is_empty() && batch.is_empty() {
            self.out.report.not_modelled.push(
                "journeys: no entry point (LoadBalancer or NodePort Service, Ingress, route) in the input, so the whole system is one journey; declare journeys in an overlay".into(),
            );
            return;
        }
        if self.entries.is_empty() {
            // The whole system is one journey, as the model reader makes it when none is
            // declared (every component nothing calls), but without the batch work, which has
            // journeys of its own: declared here, since declaring those leaves no implicit one.
            let batch_set: BTreeSet<&str> = batch.iter().map(String::as_str).collect();
            let path: Vec<String> = roots(&self.out.model)
                .into_iter()
                .filter(|c| !batch_set.contains(c.as_str()))
                .collect();
            let mut journeys = Vec::new();
            if !path.is_empty() {
                journeys.push((
                    spof_model::validate::IMPLICIT_JOURNEY.to_string(),
                    JourneyDoc {
                        path,
                        description: Some(
                            "the whole system (no entry point in the input): every component nothing calls, batch work aside".into(),
                        ),
                        ..JourneyDoc::default()
                    },
                ));
            }
            journeys.extend(self.batch_journeys(&batch));
            self.insert_journeys(journeys);
            self.out.report.not_modelled.push(
                "journeys: no entry point (LoadBalancer or NodePort Service, Ingress, route) in the input, so the whole system is one journey (system), and each Job and CronJob one that is not critical; declare journeys in an overlay".into(),
            );
            return;
        }
        let mut journeys: Vec<(String, JourneyDoc)> = Vec::new();
        let mut entry_components: BTreeSet<String> = BTreeSet::new();
        for entry in &self.entries {
            let mut path: Vec<String> = entry
                .workloads
                .iter()
                .map(|&w| self.workloads[w].name.clone())
                .filter(|n| !self.load_generators.contains(n))
                .collect();
            path.sort();
            path.dedup();
            if path.is_empty() {
                // A load generator's own web page: not a user journey.
                continue;
            }
            entry_components.extend(path.iter().cloned());
            journeys.push((
                entry.name.clone(),
                JourneyDoc {
                    path,
                    description: Some(format!("entry point: {}", entry.label)),
                    ..JourneyDoc::default()
                },
            ));
        }
        self.out.report.entry_points = entry_components.iter().cloned().collect();
        let reached = self.out.reached_from(entry_components.iter().cloned());
        let called = self.out.called_outside_monitoring();
        let mut background = Vec::new();
        for (name, component) in &self.out.model.components {
            if self.load_generators.contains(name) {
                continue;
            }
            if reached.contains(name)
                || called.contains(name)
                || matches!(component.kind, Kind::Monitoring | Kind::DeployPipeline)
                || batch.contains(name)
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
                        "it calls the entry point {entry}: a client of the system (a load generator, a test), not part of a journey"
                    )
                },
            ) {
                continue;
            }
            background.push(name.clone());
        }
        for name in background {
            let source = self.out.model.components[&name]
                .source
                .clone()
                .unwrap_or_default();
            self.out.infer(
                &name,
                &format!("journey: {name}"),
                "nothing in the input calls it and no entry point reaches it: background work, a journey of its own".into(),
                &source,
            );
            journeys.push((
                name.clone(),
                JourneyDoc {
                    path: vec![name],
                    description: Some(
                        "background work: nothing in the input calls it and no entry point reaches it".into(),
                    ),
                    ..JourneyDoc::default()
                },
            ));
        }
        journeys.extend(self.batch_journeys(&batch));
        self.insert_journeys(journeys);
        self.out.report.not_modelled.push(
            if batch.is_empty() {
                "journeys: one per entry point, and one per component that nothing calls (background work); the real user journeys are not in the manifests: declare them in an overlay"
            } else {
                "journeys: one per entry point, one per component that nothing calls (background work), and one per Job and CronJob (not critical); the real user journeys are not in the manifests: declare them in an overlay"
            }
            .into(),
        );
    }

    /// A journey for each Job and CronJob, not critical: a failed run is retried, or runs again
    /// at the next schedule; it is not an outage of the request path. What only batch work
    /// uses is therefore on no critical journey.
    pub(super) fn batch_journeys(&mut self, batch: &[String]) -> Vec<(String, JourneyDoc)> {
        let mut journeys = Vec::new();
        for name in batch {
            let source = self.out.model.components[name]
                .source
                .clone()
                .unwrap_or_default();
            self.out.infer(
                name,
                &format!("journey: {name} (critical: false)"),
                "batch work: a failed run is retried (backoffLimit) or runs again at the next schedule, not an outage of the request path; an overlay can make it critical".into(),
                &source,
            );
            journeys.push((
                name.clone(),
                JourneyDoc {
                    path: vec![name.clone()],
                    critical: Some(false),
                    description: Some(
                        "batch work (a Job or CronJob): losing a run is not an outage".into(),
                    ),
                },
            ));
        }
        journeys
    }

    /// Adds journeys under names no other journey has.
    pub(super) fn insert_journeys(&mut self, journeys: Vec<(String, JourneyDoc)>) {
        for (name, journey) in journeys {
            let mut unique = name.clone();
            let mut n = 2;
            while self.out.model.journeys.contains_key(&unique) {
                unique = format!("{name}-{n}");
                n += 1;
            }
            self.out.model.journeys.insert(unique, journey);
        }
    }
}

/// The components nothing calls, as the model reader finds them for the implicit journey:
/// those of the groups of mutually dependent components (strongly connected, optional calls
/// counted) that no other group calls, monitoring and the deploy pipeline aside.
pub(super) fn roots(doc: &ModelDoc) -> Vec<String> {
    let names: Vec<&String> = doc.components.keys().collect();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    // Monitoring's calls to its targets make no target a non-root (as the model reader's
    // implicit journey).
    let edges: Vec<Vec<usize>> = doc
        .components
        .values()
        .map(|c| {
            if c.kind == Kind::Monitoring {
                return Vec::new();
            }
            c.depends_on
                .iter()
                .filter_map(|d| index.get(d.component.as_str()).copied())
                .collect()
        })
        .collect();
    let group = strongly_connected(&edges);
    let mut called = vec![false; names.len()];
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            if group[from] != group[to] {
                called[group[to]] = true;
            }
        }
    }
    doc.components
        .iter()
        .enumerate()
        .filter(|(i, (_, c))| {
            !called[group[*i]] && !matches!(c.kind, Kind::Monitoring | Kind::DeployPipeline)
        })
        .map(|(_, (name, _))| name.clone())
        .collect()
}

/// The strongly connected group of each node (Kosaraju's algorithm, without recursion).
pub(super) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut reverse = vec![Vec::new(); n];
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            reverse[to].push(from);
        }
    }
    // Nodes in the order their depth-first visits finish.
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.pop() {
            if let Some(&to) = edges[node].get(next) {
                stack.push((node, next + 1));
                if !seen[to] {
                    seen[to] = true;
                    stack.push((to, 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    let mut group = vec![usize::MAX; n];
    let mut groups = 0;
    for &start in order.iter().rev() {
        if group[start] != usize::MAX {
            continue;
        }
        group[start] = groups;
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for &from in &reverse[node] {
                if group[from] == usize::MAX {
                    group[from] = groups;
                    stack.push(from);
                }
            }
        }
        groups += 1;
    }
    group
}
