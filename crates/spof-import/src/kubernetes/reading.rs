//! Reading the input: the objects of each document (the items of a `List`), custom resources
//! read as workloads, and the objects left out of the model with the reason.

use super::network::{ingress_backends, openshift_backends, route_backends};
use super::workloads::pod_labels;
use super::{Custom, Importer, Object, WORKLOADS, operators};
use crate::{ImportReport, Mapped, Unmapped, Yaml, YamlValue};
use std::collections::{BTreeMap, BTreeSet};

/// Adds the objects of one document (the items of a `List`) to `objects`.
pub(super) fn collect(
    file: &str,
    document: Yaml,
    objects: &mut Vec<Object>,
    report: &mut ImportReport,
) {
    let place = format!("{file}:{}", document.line);
    if !document.is_map() {
        report.unmapped.push(Unmapped {
            object: format!("document at line {}", document.line),
            why: format!(
                "a Kubernetes document is a mapping with apiVersion and kind, not {}",
                document.type_name()
            ),
            source: place,
            runs: false,
        });
        return;
    }
    let Some(kind) = document
        .get("kind")
        .and_then(Yaml::as_str)
        .map(str::to_string)
    else {
        report.unmapped.push(Unmapped {
            object: format!("document at line {}", document.line),
            why: "no kind: not a Kubernetes object".into(),
            source: place,
            runs: false,
        });
        return;
    };
    if kind.ends_with("List") && document.get("items").is_some() {
        for item in take(document, "items").map(seq_items).unwrap_or_default() {
            collect(file, item, objects, report);
        }
        return;
    }
    let line = document.key("kind").map_or(document.line, |k| k.line);
    let metadata = document.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name").or_else(|| m.get("generateName")))
        .and_then(Yaml::text);
    let Some(name) = name else {
        let templated = metadata
            .and_then(|m| m.get("name"))
            .is_some_and(|n| !n.is_null());
        report.unmapped.push(Unmapped {
            object: kind,
            why: if templated {
                "metadata.name is not a name (an unrendered Helm template? run `helm template` first)".into()
            } else {
                "no metadata.name".into()
            },
            source: format!("{file}:{line}"), runs: false,
        });
        return;
    };
    let namespace = metadata
        .and_then(|m| m.get("namespace"))
        .and_then(Yaml::text)
        .unwrap_or_default();
    let group = document
        .get("apiVersion")
        .and_then(Yaml::as_str)
        .and_then(|v| v.split_once('/'))
        .map(|(group, _)| group.to_string())
        .unwrap_or_default();
    // A Knative Service is a workload, not a Kubernetes Service.
    let kind = if group == "serving.knative.dev" && kind == "Service" {
        "KnativeService".to_string()
    } else {
        kind
    };
    objects.push(Object {
        kind,
        name,
        namespace,
        file: file.to_string(),
        line,
        node: document,
        group,
        custom: None,
    });
}

/// Reads the custom resources that run pods: those of the operators in the table (with the
/// Services each operator makes, so that their host names resolve), and any other with
/// `spec.replicas`. Strimzi KafkaNodePools count the brokers of their Kafka.
pub(super) fn read_custom_resources(objects: &mut Vec<Object>, report: &mut ImportReport) {
    // Brokers of each Strimzi cluster (namespace, name) from its node pools.
    let mut pools: BTreeMap<(String, String), (u64, Vec<usize>)> = BTreeMap::new();
    for (i, o) in objects.iter().enumerate() {
        if o.group != "kafka.strimzi.io" || o.kind != "KafkaNodePool" {
            continue;
        }
        let Some(cluster) = o
            .node
            .at(&["metadata", "labels", "strimzi.io/cluster"])
            .and_then(Yaml::text)
        else {
            continue;
        };
        let broker = o
            .node
            .at(&["spec", "roles"])
            .is_none_or(|roles| roles.items().iter().any(|r| r.as_str() == Some("broker")));
        let replicas = o
            .node
            .at(&["spec", "replicas"])
            .and_then(Yaml::as_int)
            .map_or(0, |n| n.clamp(0, i128::from(u32::MAX)) as u64);
        let entry = pools.entry((o.namespace.clone(), cluster)).or_default();
        if broker {
            entry.0 += replicas;
        }
        entry.1.push(i);
    }
    let mut services: BTreeSet<(String, String)> = objects
        .iter()
        .filter(|o| o.kind == "Service")
        .map(|o| (o.namespace.clone(), o.name.clone()))
        .collect();
    let mut made: Vec<Object> = Vec::new();
    for i in 0..objects.len() {
        let o = &objects[i];
        if WORKLOADS.contains(&o.kind.as_str())
            || !operators::is_custom(&o.group)
            || pools.values().any(|(_, parts)| parts.contains(&i))
        {
            continue;
        }
        let row = operators::operated(&o.group, &o.kind);
        let replicas = match row {
            Some(row) => operators::count(row, &o.node).or_else(|| {
                pools
                    .get(&(o.namespace.clone(), o.name.clone()))
                    .map(|p| p.0)
            }),
            None => o
                .node
                .at(&["spec", "replicas"])
                .and_then(Yaml::as_int)
                .map(|n| n.clamp(0, i128::from(u32::MAX)) as u64),
        };
        let Some(replicas) = replicas else {
            continue;
        };
        if replicas == 0 {
            report.unmapped.push(Unmapped {
                object: o.id(),
                why: "a custom resource that runs no pod (a count of 0, or none stated)".into(),
                source: o.source(),
                runs: false,
            });
            continue;
        }
        let mut labels = pod_labels(o);
        if let Some(row) = row {
            labels.extend(
                row.labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), operators::named(v, &o.name))),
            );
            let pairs: Vec<(String, String)> = row
                .labels
                .iter()
                .map(|(k, v)| (k.to_string(), operators::named(v, &o.name)))
                .collect();
            for pattern in row.services {
                let name = operators::named(pattern, &o.name);
                if !services.insert((o.namespace.clone(), name.clone())) {
                    continue;
                }
                made.push(Object {
                    kind: "Service".into(),
                    name,
                    namespace: o.namespace.clone(),
                    file: o.file.clone(),
                    line: o.line,
                    node: operators::service_node(&pairs, o.line),
                    group: String::new(),
                    custom: None,
                });
            }
        }
        if row.is_some_and(|r| r.kind == "Kafka")
            && let Some((_, parts)) = pools.get(&(o.namespace.clone(), o.name.clone()))
        {
            for &p in parts {
                objects[p].custom = Some(Custom {
                    row: None,
                    replicas: 0,
                    labels: BTreeMap::new(),
                    part_of: Some(i),
                });
            }
        }
        objects[i].custom = Some(Custom {
            row,
            replicas,
            labels,
            part_of: None,
        });
    }
    objects.extend(made);
}

/// The value of `key` in a mapping, taken out of it.
pub(super) fn take(node: Yaml, key: &str) -> Option<Yaml> {
    let YamlValue::Map(entries) = node.value else {
        return None;
    };
    entries
        .into_iter()
        .rev()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

pub(super) fn seq_items(node: Yaml) -> Vec<Yaml> {
    match node.value {
        YamlValue::Seq(items) => items,
        _ => Vec::new(),
    }
}

/// Why objects of a kind that nothing uses are not components.
pub(super) fn unmapped_reason(kind: &str) -> String {
    match kind {
        "ServiceAccount" | "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
            "access control, not a runtime component".into()
        }
        "NetworkPolicy" => {
            "says which pods may talk, not which do; no dependency is inferred from it".into()
        }
        "CustomResourceDefinition" => "a resource type definition, not a runtime component".into(),
        "Namespace" | "StorageClass" | "PriorityClass" | "LimitRange" | "ResourceQuota"
        | "RuntimeClass" | "IngressClass" => {
            "cluster configuration, not a runtime component".into()
        }
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" | "APIService" => {
            "an API server extension; its failure modes are not modelled".into()
        }
        "Endpoints" | "EndpointSlice" => {
            "endpoints are kept by the cluster; Services and workloads are read instead".into()
        }
        "VerticalPodAutoscaler" => "changes resources, not the number of replicas".into(),
        "ConfigMap" => "used by no workload in the input".into(),
        "Secret" => "used by no workload in the input".into(),
        "PersistentVolumeClaim" => "mounted by no workload in the input".into(),
        "PersistentVolume" => "bound to no claim that a workload mounts".into(),
        "HorizontalPodAutoscaler" => "scales a workload that is not in the input".into(),
        "PodDisruptionBudget" => "selects no workload in the input".into(),
        "Service" => "selects no workload in the input (no selector, or no matching pods)".into(),
        _ => format!(
            "kind {kind} is not modelled (a custom resource or a kind the importer does not read)"
        ),
    }
}

impl Importer {
    pub(super) fn map_other_objects(&mut self) {
        let workload_objects: BTreeSet<usize> = self
            .workloads
            .iter()
            .flat_map(|w| std::iter::once(w.object).chain(w.parts.iter().copied()))
            .collect();
        let mut mapped = Vec::new();
        let mut unmapped = Vec::new();
        for (i, o) in self.objects.iter().enumerate() {
            if workload_objects.contains(&i) || WORKLOADS.contains(&o.kind.as_str()) {
                continue;
            }
            let mut components: BTreeSet<String> = self.used.get(&i).cloned().unwrap_or_default();
            if let Some(owner) = o.custom.as_ref().and_then(|c| c.part_of)
                && let Some(w) = self.workloads.iter().find(|w| w.object == owner)
            {
                components.insert(w.name.clone());
            }
            match o.kind.as_str() {
                "Service" => {
                    if self.externals.contains_key(&i) {
                        // Mapped when its external component was made.
                        continue;
                    }
                    if o.node.at(&["spec", "type"]).and_then(Yaml::as_str) == Some("ExternalName") {
                        unmapped.push(Unmapped {
                            object: o.id(),
                            why: "an ExternalName Service that nothing in the input uses".into(),
                            source: o.source(),
                            runs: false,
                        });
                        continue;
                    }
                    for &w in self.selected.get(&i).map(Vec::as_slice).unwrap_or_default() {
                        components.insert(self.workloads[w].name.clone());
                    }
                }
                "Ingress" | "HTTPRoute" | "GRPCRoute" | "TCPRoute" | "TLSRoute" | "UDPRoute"
                | "Route" => {
                    let backends = match o.kind.as_str() {
                        "Ingress" => ingress_backends(&o.node),
                        "Route" => openshift_backends(&o.node),
                        _ => route_backends(&o.node),
                    };
                    for backend in backends {
                        if let Some(s) = self.service(&o.namespace, &backend) {
                            for &w in self.selected.get(&s).map(Vec::as_slice).unwrap_or_default() {
                                components.insert(self.workloads[w].name.clone());
                            }
                        }
                    }
                    if components.is_empty() {
                        unmapped.push(Unmapped {
                            object: o.id(),
                            why: "routes to no workload in the input".into(),
                            source: o.source(),
                            runs: false,
                        });
                        continue;
                    }
                }
                _ => {}
            }
            if components.is_empty() {
                let runs = operators::is_custom(&o.group) && operators::looks_running(&o.node);
                unmapped.push(Unmapped {
                    object: o.id(),
                    why: if runs {
                        format!(
                            "custom resource {} of {}: its operator may run pods, which the importer does not know how to count; add them in an overlay",
                            o.kind, o.group
                        )
                    } else {
                        unmapped_reason(&o.kind)
                    },
                    source: o.source(),
                    runs,
                });
            }
            for component in components {
                mapped.push(Mapped {
                    object: o.id(),
                    component,
                    source: o.source(),
                });
            }
        }
        self.out.report.mapped.extend(mapped);
        self.out.report.unmapped.extend(unmapped);
    }
}
