//! Workloads to components: which objects are workloads and what they own, their names,
//! kinds, replicas, placement, disruption budgets and volumes.

use super::{
    ASSUMED_DAEMONSET_NODES, ASSUMED_ZONES, BATCH, HOST_KEYS, Importer, Object, POD_RESTART,
    Placement, WORKLOADS, Workload, ZONE_KEYS,
};
use crate::builder::Numbering;
use crate::infer::DATA_KINDS;
use crate::{ComponentDoc, DomainDoc, Inferred, Unmapped, Yaml, infer};
use spof_model::{DomainKind, Kind};
use std::collections::{BTreeMap, HashMap};

impl Importer {
    pub(super) fn find_workloads(&mut self) {
        let index: HashMap<(&str, &str, &str), usize> = self
            .objects
            .iter()
            .enumerate()
            .filter(|(_, o)| is_workload(o))
            .map(|(i, o)| ((o.kind.as_str(), o.namespace.as_str(), o.name.as_str()), i))
            .collect();
        // The topmost owner in the input of each owned workload.
        let top_owner = |i: usize| -> Option<usize> {
            let mut current = i;
            for _ in 0..8 {
                let o = &self.objects[current];
                let next = owner_refs(&o.node).into_iter().find_map(|(kind, name)| {
                    index
                        .get(&(kind.as_str(), o.namespace.as_str(), name.as_str()))
                        .copied()
                });
                match next {
                    Some(n) if n != current => current = n,
                    _ => break,
                }
            }
            (current != i).then_some(current)
        };
        let mut owned = Vec::new();
        let mut top = Vec::new();
        let mut pod_groups: BTreeMap<(String, String, String), Vec<usize>> = BTreeMap::new();
        for (i, o) in self.objects.iter().enumerate() {
            if !is_workload(o) {
                continue;
            }
            if let Some(owner) = top_owner(i) {
                owned.push((i, owner));
            } else if o.kind == "Pod"
                && let Some((kind, name)) = owner_refs(&o.node).into_iter().next()
            {
                pod_groups
                    .entry((o.namespace.clone(), kind, name))
                    .or_default()
                    .push(i);
            } else {
                top.push(i);
            }
        }
        let mut order: Vec<(usize, Workload)> = Vec::new();
        for i in top {
            let o = &self.objects[i];
            let replicas = spec_replicas(o);
            let batch = BATCH.contains(&o.kind.as_str());
            if replicas == Some(0) && self.autoscaler(i).is_none() {
                self.out.report.unmapped.push(Unmapped {
                    object: o.id(),
                    why: if batch {
                        "runs no pod (parallelism: 0)".into()
                    } else {
                        "scaled to zero (replicas: 0): nothing runs".into()
                    },
                    source: o.source(),
                    runs: false,
                });
                continue;
            }
            if o.kind == "CronJob"
                && o.node.at(&["spec", "suspend"]).and_then(Yaml::as_bool) == Some(true)
            {
                self.out.report.unmapped.push(Unmapped {
                    object: o.id(),
                    why: "suspended (spec.suspend: true): it starts no Job".into(),
                    source: o.source(),
                    runs: false,
                });
                continue;
            }
            order.push((
                i,
                Workload {
                    object: i,
                    parts: Vec::new(),
                    name: o.name.clone(),
                    owner: None,
                    namespace: o.namespace.clone(),
                    labels: pod_labels(o),
                    replicas: replicas.unwrap_or(1).max(1),
                    entry: false,
                    kind: o.kind.clone(),
                    object_name: o.name.clone(),
                    batch,
                },
            ));
        }
        for ((namespace, owner_kind, owner_name), pods) in pod_groups {
            let first = pods[0];
            let o = &self.objects[first];
            let mut labels = pod_labels(o);
            // A ReplicaSet is named after its Deployment and its pod template hash.
            let name = match labels.get("pod-template-hash") {
                Some(hash) if owner_kind == "ReplicaSet" => owner_name
                    .strip_suffix(&format!("-{hash}"))
                    .unwrap_or(&owner_name)
                    .to_string(),
                _ => owner_name.clone(),
            };
            for volatile in [
                "pod-template-hash",
                "controller-revision-hash",
                "statefulset.kubernetes.io/pod-name",
                "apps.kubernetes.io/pod-index",
            ] {
                labels.remove(volatile);
            }
            order.push((
                first,
                Workload {
                    object: first,
                    parts: pods[1..].to_vec(),
                    name,
                    owner: Some(format!("{owner_kind}/{owner_name}")),
                    namespace,
                    labels,
                    replicas: pods.len() as u64,
                    entry: false,
                    kind: "Pod".into(),
                    object_name: owner_name.clone(),
                    batch: BATCH.contains(&owner_kind.as_str()),
                },
            ));
        }
        // Input order, so that the model reads like the manifests.
        order.sort_by_key(|(i, _)| *i);
        self.workloads = order.into_iter().map(|(_, w)| w).collect();
        let by_object: HashMap<usize, usize> = self
            .workloads
            .iter()
            .enumerate()
            .map(|(w, wl)| (wl.object, w))
            .collect();
        for (part, owner) in owned {
            match by_object.get(&owner) {
                Some(&w) => self.workloads[w].parts.push(part),
                None => {
                    let o = &self.objects[part];
                    self.out.report.unmapped.push(Unmapped {
                        object: o.id(),
                        why: format!("owned by {}, which is not mapped", self.objects[owner].id()),
                        source: o.source(),
                        runs: false,
                    });
                }
            }
        }
    }

    /// The HorizontalPodAutoscaler that scales a workload object.
    pub(super) fn autoscaler(&self, i: usize) -> Option<usize> {
        let target = &self.objects[i];
        self.autoscalers
            .get(&target.name)?
            .iter()
            .copied()
            .find(|&h| {
                let o = &self.objects[h];
                same_namespace(&o.namespace, &target.namespace)
                    && o.node
                        .at(&["spec", "scaleTargetRef", "kind"])
                        .and_then(Yaml::as_str)
                        .is_none_or(|k| k == target.kind)
            })
    }

    /// Component names: the workload's name; with its namespace when two namespaces use the
    /// same name; with its kind when that is not enough.
    pub(super) fn name_workloads(&mut self) {
        let mut count: HashMap<String, usize> = HashMap::new();
        for w in &self.workloads {
            *count.entry(w.name.clone()).or_default() += 1;
        }
        let mut names: Vec<String> = self
            .workloads
            .iter()
            .map(|w| {
                if count[&w.name] > 1 && !w.namespace.is_empty() {
                    format!("{}.{}", w.name, w.namespace)
                } else {
                    w.name.clone()
                }
            })
            .collect();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for n in &names {
            *seen.entry(n.clone()).or_default() += 1;
        }
        for (w, name) in names.iter_mut().enumerate() {
            if seen[name.as_str()] > 1 {
                *name = format!("{name}-{}", self.workloads[w].kind.to_ascii_lowercase());
            }
        }
        for (w, name) in names.into_iter().enumerate() {
            self.workloads[w].name = self.out.unique_name(&name, Numbering::Dashed);
        }
    }

    pub(super) fn component(&mut self, w: usize) {
        let wl = &self.workloads[w];
        let o = &self.objects[wl.object];
        let name = wl.name.clone();
        let pod = pod_spec(o);
        let containers: Vec<&Yaml> = pod
            .and_then(|p| p.get("containers"))
            .map(|c| c.items().iter().collect())
            .unwrap_or_default();
        let images = container_images(o);
        let mut c = ComponentDoc {
            kind: Kind::Service,
            source: Some(o.source()),
            ..ComponentDoc::default()
        };
        let mut inferred: Vec<Inferred> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let mut used: Vec<usize> = Vec::new();
        let mut description = match &wl.owner {
            Some(owner) => format!(
                "{} pods of {owner} (the owner is not in the input)",
                wl.replicas
            ),
            None => format!("{} {}", o.kind, o.name),
        };
        if !wl.namespace.is_empty() {
            description.push_str(&format!(" in namespace {}", wl.namespace));
        }
        let schedule = o.node.at(&["spec", "schedule"]).and_then(Yaml::text);
        if o.kind == "CronJob"
            && let Some(schedule) = &schedule
        {
            description.push_str(&format!(", on schedule \"{schedule}\""));
        }
        if !images.is_empty() {
            description.push_str(&format!("; image {}", images.join(", ")));
        }
        self.out.map(
            wl.owner.clone().unwrap_or_else(|| o.id()),
            &name,
            o.source(),
        );
        for &part in &wl.parts {
            let p = &self.objects[part];
            self.out.map(p.id(), &name, p.source());
        }

        // Kind, from the main container's image; batch work is a worker whatever it runs (a
        // Job's image is the tool it uses: `postgres` for a dump, not a database).
        if wl.batch {
            c.kind = Kind::Worker;
            let what = match (&wl.owner, o.kind.as_str(), &schedule) {
                (Some(owner), _, _) => format!("pods of {owner} run to completion"),
                (None, "CronJob", Some(schedule)) => {
                    format!("a CronJob starts a Job on schedule \"{schedule}\"")
                }
                _ => format!("a {} runs its pods to completion", o.kind),
            };
            inferred.push(Inferred {
                from: name.clone(),
                to: "kind: worker".into(),
                evidence: format!("{what}: batch work, not on a request path"),
                source: o.source(),
            });
        } else if !images.is_empty() {
            let names: Vec<String> = containers
                .iter()
                .filter(|c| c.get("image").and_then(Yaml::text).is_some())
                .map(|c| c.get("name").and_then(Yaml::text).unwrap_or_default())
                .collect();
            if let Some((kind, word, image)) = infer::kind_from_containers(&names, &images) {
                c.kind = kind;
                inferred.push(Inferred {
                    from: name.clone(),
                    to: format!("kind: {}", kind.as_str()),
                    evidence: format!("guessed from image {image} ({word})"),
                    source: o.source(),
                });
            } else if wl.entry {
                c.kind = Kind::Web;
                inferred.push(Inferred {
                    from: name.clone(),
                    to: "kind: web".into(),
                    evidence: "it serves an entry point".into(),
                    source: o.source(),
                });
            }
        }

        if let Some(custom) = &o.custom {
            match custom.row {
                Some(row) => {
                    // A Knative Service's kind is its image's, as for any workload.
                    if row.model_kind != Kind::Service {
                        c.kind = row.model_kind;
                    }
                    inferred.push(Inferred {
                        from: name.clone(),
                        to: format!(
                            "kind: {}, replicas: {}",
                            row.model_kind.as_str(),
                            custom.replicas
                        ),
                        evidence: format!(
                            "custom resource {} of {}: its operator runs {} pod{}{}",
                            o.kind,
                            o.group,
                            custom.replicas,
                            if custom.replicas == 1 { "" } else { "s" },
                            row.failover.map(|f| format!("; {f}")).unwrap_or_default()
                        ),
                        source: o.source(),
                    });
                    if row.failover.is_some() && custom.replicas > 1 && c.kind == Kind::Database {
                        c.failover = Some("automatic".into());
                    }
                    notes.push(format!(
                        "{name}: run by the operator of {} (not judged): while it is down the running pods go on, but changes, scaling and the repairs and failovers it drives stop ({})",
                        o.group,
                        o.source()
                    ));
                }
                None => {
                    inferred.push(Inferred {
                        from: name.clone(),
                        to: format!("replicas: {}", custom.replicas),
                        evidence: format!(
                            "custom resource {} of {} with spec.replicas: a kind the importer does not know, read as a workload of that many pods (its kind guessed, its pods' labels and Services unknown)",
                            o.kind, o.group
                        ),
                        source: o.source(),
                    });
                }
            }
        }
        if !wl.batch
            && (infer::is_load_generator(&name, "")
                || images.iter().any(|i| infer::is_load_generator("", i)))
        {
            self.load_generators.insert(name.clone());
            inferred.push(Inferred {
                from: name.clone(),
                to: "journey: none".into(),
                evidence: "a load generator (from its name or image): a test client of the system, not an entry point or part of a journey; what calls it does not need it".into(),
                source: o.source(),
            });
        }

        // Replicas.
        let mut replicas = wl.replicas;
        if o.kind == "DaemonSet" {
            replicas = ASSUMED_DAEMONSET_NODES;
            inferred.push(Inferred {
                from: name.clone(),
                to: format!("replicas: {replicas}"),
                evidence: format!(
                    "a DaemonSet runs one pod per node; the number of nodes is not in the input (assumed {ASSUMED_DAEMONSET_NODES})"
                ),
                source: o.source(),
            });
        }
        if wl.owner.is_none()
            && let Some(h) = self.autoscaler(wl.object)
        {
            let hpa = &self.objects[h];
            let min = hpa
                .node
                .at(&["spec", "minReplicas"])
                .and_then(Yaml::as_int)
                .unwrap_or(1)
                .clamp(1, i128::from(u32::MAX)) as u64;
            inferred.push(Inferred {
                from: name.clone(),
                to: format!("replicas: {min}"),
                evidence: format!(
                    "HorizontalPodAutoscaler {} keeps at least minReplicas {min} (spec.replicas {})",
                    hpa.name, replicas
                ),
                source: hpa.source(),
            });
            replicas = min;
            used.push(h);
        }
        c.replicas = Some(replicas);

        // min_healthy from a PodDisruptionBudget, read as Kubernetes reads it: the pods a
        // voluntary disruption (a node drain) must leave running.
        if let Some((p, min)) = self.disruption_budget(w, replicas) {
            let pdb = &self.objects[p];
            inferred.push(Inferred {
                from: name.clone(),
                to: format!("min_healthy: {}", min.max(1)),
                evidence: format!(
                    "PodDisruptionBudget {} says {} of {replicas} pod{} must stay up{}",
                    pdb.name,
                    min,
                    if replicas == 1 { "" } else { "s" },
                    if min == 0 {
                        " (it lets every pod go)"
                    } else if min == replicas {
                        " (every pod: one lost pod is an outage by its own statement)"
                    } else {
                        ""
                    }
                ),
                source: pdb.source(),
            });
            if replicas == 1 {
                notes.push(format!(
                    "{name}: PodDisruptionBudget {} is on a single replica: it protects nothing (the one pod is the whole service, and {}) ({})",
                    pdb.name,
                    if min == 0 {
                        "the budget lets a drain take it"
                    } else {
                        "the budget blocks every drain of its node instead"
                    },
                    pdb.source()
                ));
            }
            if min >= replicas && replicas > 0 {
                notes.push(format!(
                    "{name}: PodDisruptionBudget {} blocks every drain: it keeps all {replicas} pod{} up, so no node running one can be drained for maintenance until the budget is changed ({})",
                    pdb.name,
                    if replicas == 1 { "" } else { "s" },
                    pdb.source()
                ));
            }
            if min > 1 {
                c.min_healthy = Some(min);
            }
            used.push(p);
        }

        // Health checks.
        let readiness = containers.iter().any(|c| c.get("readinessProbe").is_some());
        if o.kind == "DaemonSet" {
            notes.push(format!(
                "{name}: a DaemonSet runs one agent per node, each serving its own node: not a pool behind a balancer; a dead agent affects the pods of its node only ({})",
                o.source()
            ));
        } else if replicas > 1 && !readiness && !containers.is_empty() && !wl.batch {
            c.health_check = Some(false);
            inferred.push(Inferred {
                from: name.clone(),
                to: "health_check: false".into(),
                evidence: "no readinessProbe: a pod that hangs or whose node is lost keeps getting traffic until Kubernetes notices".into(),
                source: o.source(),
            });
        }

        // Placement.
        let placement = pod.map_or(Placement::Unknown, |p| placement(p, &wl.labels));
        match &placement {
            Placement::Zones(evidence) if replicas > 1 => {
                let zones = replicas.min(ASSUMED_ZONES);
                self.zones_needed = self.zones_needed.max(zones);
                c.spread = (1..=zones).map(|z| format!("zone-{z}")).collect();
                inferred.push(Inferred {
                    from: name.clone(),
                    to: format!("spread: zone-1..zone-{zones}"),
                    evidence: format!(
                        "{evidence}; the cluster's zones are not in the input (assumed {ASSUMED_ZONES})"
                    ),
                    source: o.source(),
                });
            }
            Placement::Hosts(evidence) if replicas > 1 => {
                inferred.push(Inferred {
                    from: name.clone(),
                    to: "placement: one pod per node".into(),
                    evidence: format!("{evidence}; nodes are not modelled, so a node failure takes one pod"),
                    source: o.source(),
                });
            }
            Placement::Pinned {
                kind,
                name: domain,
                evidence,
            } => {
                self.out.model
                    .domains
                    .entry(domain.clone())
                    .or_insert_with(|| DomainDoc {
                        kind: DomainKind::parse(kind),
                        description: Some(format!("named by {evidence}")),
                        ..DomainDoc::default()
                    });
                c.domains = vec![domain.clone()];
                inferred.push(Inferred {
                    from: name.clone(),
                    to: format!("in: {domain}"),
                    evidence: format!("{evidence}: every pod runs in this {kind}"),
                    source: o.source(),
                });
            }
            Placement::Preferred(evidence) if replicas > 1 => notes.push(format!(
                "{name}: the spread of its {replicas} pods is only preferred ({evidence}): they may share a node or zone; placement is not modelled"
            )),
            _ if replicas > 1 && o.kind != "DaemonSet" => self.unknown_placement.push(name.clone()),
            _ => {}
        }

        // Volumes.
        let mut data: Vec<String> = Vec::new();
        let mut shared_claim: Option<String> = None;
        if let Some(volumes) = pod.and_then(|p| p.get("volumes")) {
            for volume in volumes.items() {
                let volume_name = volume.get("name").and_then(Yaml::text).unwrap_or_default();
                if volume.get("emptyDir").is_some() {
                    // Scratch space (temporary files, sockets) is everywhere; only a data
                    // store's emptyDir holds data worth a word.
                    if !DATA_KINDS.contains(&c.kind) {
                        continue;
                    }
                    data.push(format!(
                        "data in emptyDir volume {volume_name} is lost when the pod restarts or moves"
                    ));
                } else if let Some(path) = volume.at(&["hostPath", "path"]).and_then(Yaml::text) {
                    data.push(format!(
                        "data in hostPath volume {volume_name} ({path}) stays on the node that ran the pod: a pod rescheduled elsewhere starts without it"
                    ));
                } else if let Some(claim) = volume
                    .at(&["persistentVolumeClaim", "claimName"])
                    .and_then(Yaml::text)
                {
                    let (note, rwo) = self.claim(&claim, &wl.namespace, &mut used);
                    data.push(note);
                    if rwo && replicas > 1 && o.kind != "StatefulSet" {
                        shared_claim = Some(claim);
                    }
                }
            }
        }
        if o.kind == "StatefulSet"
            && let Some(templates) = o.node.at(&["spec", "volumeClaimTemplates"])
        {
            for template in templates.items() {
                let modes = access_modes(template.get("spec"));
                if modes.iter().any(|m| m.starts_with("ReadWriteOnce")) {
                    let claim = template
                        .at(&["metadata", "name"])
                        .and_then(Yaml::text)
                        .unwrap_or_default();
                    data.push(format!(
                        "each pod keeps its data on its own ReadWriteOnce volume ({claim}): a pod can only come back where its volume can be attached"
                    ));
                }
            }
        }
        if let Some(claim) = shared_claim {
            let domain = format!("{name}-node");
            self.out.model.domains.insert(
                domain.clone(),
                DomainDoc {
                    kind: DomainKind::Host,
                    description: Some(format!(
                        "the node where every pod of {name} runs: they share the ReadWriteOnce claim {claim}"
                    )),
                    ..DomainDoc::default()
                },
            );
            c.domains = vec![domain.clone()];
            inferred.push(Inferred {
                from: name.clone(),
                to: format!("in: {domain}"),
                evidence: format!(
                    "its {replicas} pods mount the ReadWriteOnce claim {claim}, which one node at a time can mount: they all run on that node"
                ),
                source: o.source(),
            });
        }
        for note in &data {
            notes.push(format!("{name}: {note} ({})", o.source()));
        }

        // Repair.
        if wl.owner.is_none() && o.kind == "Pod" {
            notes.push(format!(
                "{name}: a bare Pod with no controller is not recreated when it fails or its node is lost; its repair time is unknown"
            ));
        } else {
            c.restore_time = Some(POD_RESTART.into());
        }

        if !data.is_empty() {
            description.push_str(". ");
            description.push_str(&capitalise(&data.join("; ")));
        }
        c.description = Some(description);
        for i in used {
            self.use_object(i, &name);
        }
        self.out.add_component(name, c);
        self.out.report.inferred.extend(inferred);
        self.out.report.not_modelled.extend(notes);
    }

    /// The PodDisruptionBudget that selects a workload's pods, with the pods it keeps up.
    pub(super) fn disruption_budget(&self, w: usize, replicas: u64) -> Option<(usize, u64)> {
        let wl = &self.workloads[w];
        let mut candidates: Vec<usize> = wl
            .labels
            .iter()
            .filter_map(|(k, v)| self.budgets_by_label.get(&(k.clone(), v.clone())))
            .flatten()
            .chain(self.budgets_other.iter())
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates.into_iter().find_map(|i| {
            let o = &self.objects[i];
            if !same_namespace(&o.namespace, &wl.namespace) {
                return None;
            }
            let selector = o.node.at(&["spec", "selector"])?;
            if !label_selector_matches(selector, &wl.labels) {
                return None;
            }
            let spec = o.node.get("spec")?;
            let count = |v: &Yaml, round_up: bool| -> Option<u64> {
                match v.as_str().and_then(|s| s.strip_suffix('%')) {
                    Some(pct) => {
                        let pct: u64 = pct.trim().parse().ok()?;
                        let scaled = pct.min(100) * replicas;
                        Some(if round_up {
                            scaled.div_ceil(100)
                        } else {
                            scaled / 100
                        })
                    }
                    None => v.as_int().map(|n| n.clamp(0, i128::from(u32::MAX)) as u64),
                }
            };
            let min = if let Some(v) = spec.get("minAvailable") {
                count(v, true)?
            } else {
                let unavailable = count(spec.get("maxUnavailable")?, true)?;
                replicas.saturating_sub(unavailable)
            };
            Some((i, min.min(replicas)))
        })
    }

    /// What a claim says about the data on it, and whether it is ReadWriteOnce.
    pub(super) fn claim(
        &self,
        claim: &str,
        namespace: &str,
        used: &mut Vec<usize>,
    ) -> (String, bool) {
        let Some(c) = self.find("PersistentVolumeClaim", claim, namespace) else {
            return (
                format!(
                    "data on claim {claim}, which is not in the input (its access mode and storage are unknown)"
                ),
                false,
            );
        };
        used.push(c);
        let pvc = &self.objects[c];
        let modes = access_modes(pvc.node.get("spec"));
        let rwo = modes.iter().any(|m| m.starts_with("ReadWriteOnce"));
        // The volume bound to it: by name, by claim reference, or by storage class.
        let volume_name = pvc.node.at(&["spec", "volumeName"]).and_then(Yaml::text);
        let class = pvc
            .node
            .at(&["spec", "storageClassName"])
            .and_then(Yaml::text);
        let volume = self.volumes.iter().copied().find(|&v| {
            let o = &self.objects[v];
            volume_name.as_deref() == Some(o.name.as_str())
                || o.node
                    .at(&["spec", "claimRef", "name"])
                    .and_then(Yaml::as_str)
                    == Some(claim)
                || (volume_name.is_none()
                    && class.is_some()
                    && o.node
                        .at(&["spec", "storageClassName"])
                        .and_then(Yaml::text)
                        == class)
        });
        if let Some(v) = volume {
            used.push(v);
            let pv = &self.objects[v];
            let local = pv
                .node
                .at(&["spec", "hostPath", "path"])
                .or_else(|| pv.node.at(&["spec", "local", "path"]))
                .and_then(Yaml::text);
            let affinity = pv.node.at(&["spec", "nodeAffinity"]).is_some();
            if let Some(path) = local {
                return (
                    format!(
                        "data on PersistentVolume {} at {path} on a node's own disk{}: a pod rescheduled to another node starts without it",
                        pv.name,
                        if affinity { "" } else { " (no node affinity)" }
                    ),
                    true,
                );
            }
        }
        if rwo {
            (
                format!("data on ReadWriteOnce claim {claim}: one node at a time can mount it"),
                true,
            )
        } else {
            (
                format!("data on claim {claim} ({})", modes.join(", ")),
                false,
            )
        }
    }
}

/// The pod spec of a workload object.
/// The images of a workload's containers (not its initContainers), in order.
pub(super) fn container_images(o: &Object) -> Vec<String> {
    pod_spec(o)
        .and_then(|p| p.get("containers"))
        .map(|c| {
            c.items()
                .iter()
                .filter_map(|c| c.get("image").and_then(Yaml::text))
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn pod_spec(o: &Object) -> Option<&Yaml> {
    match o.kind.as_str() {
        "Pod" => o.node.get("spec"),
        "CronJob" => o
            .node
            .at(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => o.node.at(&["spec", "template", "spec"]),
    }
}

/// The labels of a workload's pods.
pub(super) fn pod_labels(o: &Object) -> BTreeMap<String, String> {
    if let Some(custom) = &o.custom {
        return custom.labels.clone();
    }
    let labels = match o.kind.as_str() {
        "Pod" => o.node.at(&["metadata", "labels"]),
        "CronJob" => o.node.at(&[
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "metadata",
            "labels",
        ]),
        _ => o.node.at(&["spec", "template", "metadata", "labels"]),
    };
    labels.map(string_map).unwrap_or_default()
}

/// Whether an object is a workload: a kind of Kubernetes' own, or a custom resource that
/// runs pods (not a part of another one).
pub(super) fn is_workload(o: &Object) -> bool {
    WORKLOADS.contains(&o.kind.as_str()) || o.custom.as_ref().is_some_and(|c| c.part_of.is_none())
}

/// The pods a workload runs at a time: `spec.replicas`, or for a Job the pods it runs in
/// parallel (`parallelism`, default 1); a custom resource's count as its operator reads it.
pub(super) fn spec_replicas(o: &Object) -> Option<u64> {
    if let Some(custom) = &o.custom {
        return Some(custom.replicas);
    }
    let path: &[&str] = match o.kind.as_str() {
        "Pod" | "DaemonSet" => return Some(1),
        "Job" => &["spec", "parallelism"],
        "CronJob" => &["spec", "jobTemplate", "spec", "parallelism"],
        _ => &["spec", "replicas"],
    };
    o.node
        .at(path)
        .and_then(Yaml::as_int)
        .map(|r| r.clamp(0, i128::from(u32::MAX)) as u64)
}

pub(super) fn owner_refs(node: &Yaml) -> Vec<(String, String)> {
    node.at(&["metadata", "ownerReferences"])
        .map(Yaml::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| Some((r.get("kind")?.text()?, r.get("name")?.text()?)))
        .collect()
}

pub(super) fn string_map(node: &Yaml) -> BTreeMap<String, String> {
    node.entries()
        .iter()
        .filter_map(|(k, v)| Some((k.text()?, v.text().unwrap_or_default())))
        .collect()
}

/// An unset namespace (a manifest applied to whichever namespace) matches any.
pub(super) fn same_namespace(a: &str, b: &str) -> bool {
    a == b || a.is_empty() || b.is_empty()
}

/// Whether a Service selector picks a workload's pods. The labels the controllers add
/// (a StatefulSet pod's name) match the workload they come from.
pub(super) fn selects(selector: &BTreeMap<String, String>, w: &Workload) -> bool {
    selector.iter().all(|(key, value)| match key.as_str() {
        "statefulset.kubernetes.io/pod-name" => {
            w.kind == "StatefulSet"
                && value.rsplit_once('-').is_some_and(|(base, n)| {
                    n.bytes().all(|b| b.is_ascii_digit()) && base == w.object_name
                })
        }
        "pod-template-hash" | "controller-revision-hash" | "apps.kubernetes.io/pod-index" => true,
        _ => w.labels.get(key) == Some(value),
    })
}

/// Whether a label selector (`matchLabels`, `matchExpressions`) matches labels.
pub(super) fn label_selector_matches(selector: &Yaml, labels: &BTreeMap<String, String>) -> bool {
    let match_labels = selector
        .get("matchLabels")
        .map(string_map)
        .unwrap_or_default();
    let expressions = selector
        .get("matchExpressions")
        .map(Yaml::items)
        .unwrap_or_default();
    if match_labels.is_empty() && expressions.is_empty() {
        return false;
    }
    match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
        && expressions.iter().all(|e| {
            let key = e.get("key").and_then(Yaml::text).unwrap_or_default();
            let values: Vec<String> = e
                .get("values")
                .map(Yaml::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Yaml::text)
                .collect();
            match e.get("operator").and_then(Yaml::as_str).unwrap_or_default() {
                "In" => labels.get(&key).is_some_and(|v| values.contains(v)),
                "NotIn" => labels.get(&key).is_none_or(|v| !values.contains(v)),
                "Exists" => labels.contains_key(&key),
                "DoesNotExist" => !labels.contains_key(&key),
                _ => false,
            }
        })
}

/// Where a pod spec says its pods run, relative to each other and to zones and nodes.
pub(super) fn placement(pod: &Yaml, labels: &BTreeMap<String, String>) -> Placement {
    // Pinned to one zone or node.
    for (key, value) in pod.get("nodeSelector").map(string_map).unwrap_or_default() {
        if ZONE_KEYS.contains(&key.as_str()) {
            return Placement::Pinned {
                kind: "zone",
                name: value.clone(),
                evidence: format!("nodeSelector {key}={value}"),
            };
        }
        if HOST_KEYS.contains(&key.as_str()) {
            return Placement::Pinned {
                kind: "host",
                name: value.clone(),
                evidence: format!("nodeSelector {key}={value}"),
            };
        }
    }
    let terms = pod
        .at(&[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ])
        .map(Yaml::items)
        .unwrap_or_default();
    if terms.len() == 1 {
        for e in terms[0]
            .get("matchExpressions")
            .map(Yaml::items)
            .unwrap_or_default()
        {
            let key = e.get("key").and_then(Yaml::text).unwrap_or_default();
            let values: Vec<String> = e
                .get("values")
                .map(Yaml::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Yaml::text)
                .collect();
            let operator = e.get("operator").and_then(Yaml::as_str).unwrap_or_default();
            if operator == "In" && values.len() == 1 {
                let kind = if ZONE_KEYS.contains(&key.as_str()) {
                    "zone"
                } else if HOST_KEYS.contains(&key.as_str()) {
                    "host"
                } else {
                    continue;
                };
                return Placement::Pinned {
                    kind,
                    name: values[0].clone(),
                    evidence: format!("required node affinity {key} In [{}]", values[0]),
                };
            }
        }
    }
    let own = |selector: Option<&Yaml>| selector.is_some_and(|s| label_selector_matches(s, labels));
    let mut hosts: Option<String> = None;
    let mut preferred: Option<String> = None;
    for constraint in pod
        .get("topologySpreadConstraints")
        .map(Yaml::items)
        .unwrap_or_default()
    {
        if !own(constraint.get("labelSelector")) {
            continue;
        }
        let key = constraint
            .get("topologyKey")
            .and_then(Yaml::text)
            .unwrap_or_default();
        let when = constraint
            .get("whenUnsatisfiable")
            .and_then(Yaml::as_str)
            .unwrap_or("DoNotSchedule");
        let evidence = format!("topologySpreadConstraints on {key} ({when})");
        if when != "DoNotSchedule" {
            preferred.get_or_insert(evidence);
        } else if ZONE_KEYS.contains(&key.as_str()) {
            return Placement::Zones(evidence);
        } else if HOST_KEYS.contains(&key.as_str()) {
            hosts.get_or_insert(evidence);
        }
    }
    let anti = pod.at(&["affinity", "podAntiAffinity"]);
    for term in anti
        .and_then(|a| a.get("requiredDuringSchedulingIgnoredDuringExecution"))
        .map(Yaml::items)
        .unwrap_or_default()
    {
        if !own(term.get("labelSelector")) {
            continue;
        }
        let key = term
            .get("topologyKey")
            .and_then(Yaml::text)
            .unwrap_or_default();
        let evidence = format!("required pod anti-affinity on {key}");
        if ZONE_KEYS.contains(&key.as_str()) {
            return Placement::Zones(evidence);
        } else if HOST_KEYS.contains(&key.as_str()) {
            hosts.get_or_insert(evidence);
        }
    }
    if let Some(evidence) = hosts {
        return Placement::Hosts(evidence);
    }
    for term in anti
        .and_then(|a| a.get("preferredDuringSchedulingIgnoredDuringExecution"))
        .map(Yaml::items)
        .unwrap_or_default()
    {
        let term = term.get("podAffinityTerm").unwrap_or(term);
        if !own(term.get("labelSelector")) {
            continue;
        }
        let key = term
            .get("topologyKey")
            .and_then(Yaml::text)
            .unwrap_or_default();
        preferred.get_or_insert(format!("preferred pod anti-affinity on {key}"));
    }
    match preferred {
        Some(evidence) => Placement::Preferred(evidence),
        None => Placement::Unknown,
    }
}

pub(super) fn access_modes(spec: Option<&Yaml>) -> Vec<String> {
    spec.and_then(|s| s.get("accessModes"))
        .map(Yaml::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Yaml::text)
        .collect()
}

pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
