//! Kubernetes manifests (a folder of files, or multi-document files as `kubectl` or
//! `helm template` render them) to a model.
//!
//! - Workloads (Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers,
//!   bare Pods, OpenShift DeploymentConfigs, Argo Rollouts, Jobs, CronJobs) become
//!   components; objects owned by another workload in the input (a Deployment's ReplicaSets
//!   and Pods) are part of it, and pods whose owner is not in the input are grouped by owner.
//! - Replicas: `spec.replicas` (default 1), the floor of a HorizontalPodAutoscaler
//!   (`minReplicas`), a PodDisruptionBudget's `minAvailable` or `maxUnavailable` as
//!   `min_healthy`; without a readiness probe a dead pod keeps getting traffic
//!   (`health_check: false`).
//! - Placement: a required topology spread or anti-affinity over zones spreads the replicas
//!   over zone domains (the cluster's zones are not in the input: three are assumed, and the
//!   report says so); a node selector on one zone or node puts every pod in it; otherwise
//!   placement is unknown and the report says so.
//! - Volumes: `emptyDir` data is lost on restart, `hostPath` and ReadWriteOnce claims pin the
//!   data to a node; a ReadWriteOnce claim shared by several replicas puts them on one node.
//! - Jobs and CronJobs are batch work: `worker` components (whatever their image) with a
//!   journey each that is not critical, since a failed run is retried or runs again.
//! - Services map to the workloads they select; a Service that selects the pods of several
//!   workloads pools them into one component with all their instances (a call goes to any
//!   ready pod). LoadBalancer and NodePort Services, Ingresses, Gateway API routes and
//!   OpenShift Routes are entry points, each a journey.
//! - Dependencies: service host names (`svc`, `svc.ns`, `svc.ns.svc.cluster.local`,
//!   `host:port`, URLs) in environment values (also through ConfigMap and Secret keys),
//!   arguments, commands and mounted ConfigMaps, each marked as inferred with its evidence;
//!   names that no Service in the input has are reported as unresolved.

use crate::infer::{self, HostRef};
use crate::{
    ComponentDoc, DependencyDoc, DomainDoc, Import, ImportError, ImportReport, Inferred,
    JourneyDoc, Mapped, ModelDoc, SourceFile, Unmapped, Unread, Unresolved, Yaml, YamlValue,
    parse_yaml_documents_without,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod operators;

/// How long Kubernetes takes to restart or reschedule a pod: the repair time of a
/// controller-managed workload.
const POD_RESTART: &str = "1m";
/// Zones assumed when replicas must be spread over zones that the input does not name.
const ASSUMED_ZONES: u64 = 3;
/// Nodes assumed for a DaemonSet (one pod per node; the input does not say how many).
const ASSUMED_DAEMONSET_NODES: u64 = 2;

const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DeploymentConfig",
    "Rollout",
    "Job",
    "CronJob",
];

/// Workloads that run to completion, once or on a schedule: batch work, not on a request path.
const BATCH: &[&str] = &["Job", "CronJob"];

/// What the importer never reads, left out while parsing: in a `kubectl get` dump,
/// `managedFields` and the last-applied annotation can be most of the text. A key read one day
/// must leave this list. ConfigMap and Secret `data` are kept whole (their keys are data).
pub(crate) const UNREAD: Unread = Unread {
    keys: &[
        "managedFields",
        "annotations",
        "status",
        "resources",
        "securityContext",
        "livenessProbe",
        "startupProbe",
        "ports",
        "volumeMounts",
        "tolerations",
        "imagePullPolicy",
        "imagePullSecrets",
        "terminationMessagePath",
        "terminationMessagePolicy",
        "terminationGracePeriodSeconds",
        "dnsPolicy",
        "schedulerName",
        "lifecycle",
        "creationTimestamp",
        "resourceVersion",
        "uid",
        "generation",
        "selfLink",
        "finalizers",
        "strategy",
        "updateStrategy",
        "revisionHistoryLimit",
        "progressDeadlineSeconds",
        "clusterIP",
        "clusterIPs",
        "ipFamilies",
        "ipFamilyPolicy",
        "sessionAffinity",
        "internalTrafficPolicy",
    ],
    // Only whether a container has one is read.
    presence: &["readinessProbe"],
    verbatim: &["data", "stringData"],
};

/// Kinds whose loss of data on a restart matters.
const DATA_KINDS: &[&str] = &[
    "database",
    "cache",
    "queue",
    "search",
    "object_storage",
    "file_storage",
];

/// Labels the controllers add to pods (not in the pod template).
const CONTROLLER_LABELS: &[&str] = &[
    "statefulset.kubernetes.io/pod-name",
    "pod-template-hash",
    "controller-revision-hash",
    "apps.kubernetes.io/pod-index",
];

const ZONE_KEYS: &[&str] = &[
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];
const HOST_KEYS: &[&str] = &["kubernetes.io/hostname"];

/// Runs the importer on the files.
pub fn import(files: &[SourceFile]) -> Result<Import, ImportError> {
    let mut objects = Vec::new();
    let mut report = ImportReport {
        format: "kubernetes".into(),
        ..ImportReport::default()
    };
    for file in files {
        let documents =
            parse_yaml_documents_without(&file.path, &file.text, &UNREAD).map_err(|mut e| {
                if file.text.contains("{{") {
                    e.message.push_str(
                        " (this looks like an unrendered Helm template: run `helm template` first)",
                    );
                }
                e
            })?;
        for document in documents {
            collect(&file.path, document, &mut objects, &mut report);
        }
    }
    read_custom_resources(&mut objects, &mut report);
    let mut import = Importer::new(objects, report).run();
    import.make_usable();
    Ok(import)
}

/// A Kubernetes object of the input.
struct Object {
    kind: String,
    name: String,
    /// Empty when the manifest does not say (the namespace it is applied to).
    namespace: String,
    file: String,
    /// The line of `kind:`.
    line: u32,
    node: Yaml,
    /// The API group (`apps`, `monitoring.coreos.com`; empty for the core group).
    group: String,
    /// A custom resource that runs pods (an operator's, or one with `spec.replicas`).
    custom: Option<Custom>,
}

/// Dependencies by (workload, target component): each piece of evidence and, when it shows a
/// need only to start (an initContainer, an operator), why.
type Edges = BTreeMap<(usize, String), Vec<(String, Option<&'static str>)>>;

/// Why a dependency named only by initContainers is a start-up one.
const INIT_ONLY: &str = "named only by an initContainer, needed to start and not to run";

/// A custom resource read as a workload.
struct Custom {
    /// The operator's table row; `None` for a kind the importer does not know.
    row: Option<&'static operators::Operated>,
    replicas: u64,
    /// The labels on its pods.
    labels: BTreeMap<String, String>,
    /// For a part of another resource (a Strimzi KafkaNodePool): that resource's object.
    part_of: Option<usize>,
}

impl Object {
    fn id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    fn source(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    fn at(&self, node: &Yaml) -> String {
        format!("{}:{}", self.file, node.line)
    }
}

/// Adds the objects of one document (the items of a `List`) to `objects`.
fn collect(file: &str, document: Yaml, objects: &mut Vec<Object>, report: &mut ImportReport) {
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
fn read_custom_resources(objects: &mut Vec<Object>, report: &mut ImportReport) {
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
fn take(node: Yaml, key: &str) -> Option<Yaml> {
    let YamlValue::Map(entries) = node.value else {
        return None;
    };
    entries
        .into_iter()
        .rev()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

fn seq_items(node: Yaml) -> Vec<Yaml> {
    match node.value {
        YamlValue::Seq(items) => items,
        _ => Vec::new(),
    }
}

/// Why objects of a kind that nothing uses are not components.
fn unmapped_reason(kind: &str) -> String {
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

/// A workload that becomes a component.
struct Workload {
    /// The object (for a group of pods, the first pod).
    object: usize,
    /// Other objects that are part of it (ReplicaSets, Pods, the other pods of a group).
    parts: Vec<usize>,
    name: String,
    /// For pods grouped by an owner that is not in the input, `Kind/name` of the owner.
    owner: Option<String>,
    namespace: String,
    labels: BTreeMap<String, String>,
    replicas: u64,
    /// Behind an entry point.
    entry: bool,
    kind: String,
    /// The object's own name (pods of a StatefulSet are named after it).
    object_name: String,
    /// A Job or CronJob (or pods one of them owns): batch work, not on a request path.
    batch: bool,
}

/// Where a workload's pods run.
#[derive(Debug, PartialEq)]
enum Placement {
    /// Required spread over zones (topology spread with DoNotSchedule, or required
    /// anti-affinity on the zone key): the evidence.
    Zones(String),
    /// Required spread over nodes.
    Hosts(String),
    /// Every pod in one zone or on one node (a node selector or required node affinity).
    Pinned {
        kind: &'static str,
        name: String,
        evidence: String,
    },
    /// A spread that is only preferred.
    Preferred(String),
    Unknown,
}

/// Workloads pooled into one component: the pods a Service (or several with the same
/// selection) sends calls to.
struct Pool {
    /// The Services, in input order; the first names the component.
    services: Vec<usize>,
    /// The workloads, in input order.
    members: Vec<usize>,
    /// The component's name, once chosen.
    name: String,
}

/// An entry point: a journey's start.
struct Entry {
    name: String,
    label: String,
    workloads: Vec<usize>,
}

/// A value in which host names are looked for, with where it came from.
struct Scanned {
    /// `env REDIS_ADDR`, `args`, `ConfigMap c key k`.
    label: String,
    text: String,
    /// The host names in it (values without any are not kept).
    found: Vec<HostRef>,
    /// The whole value is one name (an environment value): a bare name counts.
    whole: bool,
    /// The variable's name says it is an address, so a bare unknown name is worth reporting.
    hint: bool,
    /// Report names that resolve to nothing (not for scripts and files, where most host-like
    /// words are not addresses).
    report: bool,
    /// The value is secret: show the host, never the value.
    secret: bool,
    place: String,
}

/// What a host name refers to.
enum Resolution {
    /// A Service of the input and the workloads it selects.
    Service {
        name: String,
        workloads: Vec<usize>,
    },
    /// An ExternalName Service, modelled as an external component.
    External(String),
    Nothing {
        cluster: bool,
    },
}

struct Importer {
    objects: Vec<Object>,
    report: ImportReport,
    workloads: Vec<Workload>,
    /// Services by (namespace, name).
    services: Index2<usize>,
    namespaces: BTreeSet<String>,
    /// What each Service selects.
    selected: HashMap<usize, Vec<usize>>,
    /// Workloads pooled behind a Service.
    pools: Vec<Pool>,
    /// External components made from ExternalName Services: object -> component.
    externals: BTreeMap<usize, String>,
    entries: Vec<Entry>,
    doc: ModelDoc,
    /// Dependencies: (from workload, to component) -> evidence.
    /// Dependencies found, with their evidence and, for evidence of a need only to start
    /// (an initContainer, an operator), why.
    edges: Edges,
    /// (component, reference) -> evidence, for references to nothing in the input.
    unresolved: BTreeMap<(String, String), String>,
    /// Supporting objects used by components: object -> components.
    used: BTreeMap<usize, BTreeSet<String>>,
    zones_needed: u64,
    unknown_placement: Vec<String>,
    missing_keys: BTreeSet<String>,
    /// Objects by kind and name (any namespace), for lookups in large inputs.
    by_name: Index2<Vec<usize>>,
    /// HorizontalPodAutoscalers by the name of what they scale.
    autoscalers: HashMap<String, Vec<usize>>,
    /// PodDisruptionBudgets by a label their selector requires, and those without one.
    budgets_by_label: HashMap<(String, String), Vec<usize>>,
    budgets_other: Vec<usize>,
    /// PersistentVolumes.
    volumes: Vec<usize>,
    /// Components that are load generators (test clients of the system).
    load_generators: BTreeSet<String>,
}

impl Importer {
    fn new(objects: Vec<Object>, report: ImportReport) -> Self {
        let mut services = Index2::default();
        let mut namespaces = BTreeSet::new();
        let mut by_name: Index2<Vec<usize>> = Index2::default();
        let mut autoscalers: HashMap<String, Vec<usize>> = HashMap::new();
        let mut budgets_by_label: HashMap<(String, String), Vec<usize>> = HashMap::new();
        let mut budgets_other = Vec::new();
        let mut volumes = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            by_name.entry(&o.kind, &o.name).push(i);
            match o.kind.as_str() {
                "HorizontalPodAutoscaler" => {
                    if let Some(target) = o
                        .node
                        .at(&["spec", "scaleTargetRef", "name"])
                        .and_then(Yaml::text)
                    {
                        autoscalers.entry(target).or_default().push(i);
                    }
                }
                "PodDisruptionBudget" => {
                    let labels = o
                        .node
                        .at(&["spec", "selector", "matchLabels"])
                        .map(string_map)
                        .unwrap_or_default();
                    match labels.into_iter().next() {
                        Some(pair) => budgets_by_label.entry(pair).or_default().push(i),
                        None => budgets_other.push(i),
                    }
                }
                "PersistentVolume" => volumes.push(i),
                _ => {}
            }
            if !o.namespace.is_empty() {
                namespaces.insert(o.namespace.clone());
            }
            if o.kind == "Namespace" {
                namespaces.insert(o.name.clone());
            }
            if o.kind == "Service" {
                *services.entry(&o.namespace, &o.name) = i;
            }
        }
        Importer {
            objects,
            report,
            workloads: Vec::new(),
            services,
            namespaces,
            selected: HashMap::new(),
            pools: Vec::new(),
            externals: BTreeMap::new(),
            entries: Vec::new(),
            doc: ModelDoc {
                version: 1,
                ..ModelDoc::default()
            },
            edges: BTreeMap::new(),
            unresolved: BTreeMap::new(),
            used: BTreeMap::new(),
            zones_needed: 0,
            unknown_placement: Vec::new(),
            missing_keys: BTreeSet::new(),
            by_name,
            autoscalers,
            budgets_by_label,
            budgets_other,
            volumes,
            load_generators: BTreeSet::new(),
        }
    }

    fn run(mut self) -> Import {
        self.find_workloads();
        self.name_workloads();
        self.map_services();
        self.map_entry_points();
        for w in 0..self.workloads.len() {
            self.component(w);
        }
        for w in 0..self.workloads.len() {
            self.dependencies(w);
        }
        self.operator_edges();
        self.merge_pools();
        self.write_edges();
        self.journeys();
        self.map_other_objects();
        self.finish_report();
        Import {
            model: self.doc,
            report: self.report,
        }
    }

    fn use_object(&mut self, object: usize, component: &str) {
        self.used
            .entry(object)
            .or_default()
            .insert(component.to_string());
    }

    // --- workloads -------------------------------------------------------------------------

    fn find_workloads(&mut self) {
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
                self.report.unmapped.push(Unmapped {
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
                self.report.unmapped.push(Unmapped {
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
                    self.report.unmapped.push(Unmapped {
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
    fn autoscaler(&self, i: usize) -> Option<usize> {
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
    fn name_workloads(&mut self) {
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
        let mut taken: BTreeSet<String> = BTreeSet::new();
        for (w, mut name) in names.into_iter().enumerate() {
            let base = name.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            self.workloads[w].name = name;
        }
    }

    // --- services and entry points ---------------------------------------------------------

    /// Which workloads each Service selects; ExternalName Services become external components
    /// when something uses them.
    fn map_services(&mut self) {
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
    fn find_pools(&mut self) {
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
        self.report.not_modelled.extend(notes);
    }

    /// Finds the entry points and marks the workloads behind them.
    fn map_entry_points(&mut self) {
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
                    self.report.not_modelled.push(format!(
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
    fn service(&self, namespace: &str, name: &str) -> Option<usize> {
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

    // --- components ------------------------------------------------------------------------

    fn component(&mut self, w: usize) {
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
            kind: "service".into(),
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
        self.report.mapped.push(Mapped {
            object: wl.owner.clone().unwrap_or_else(|| o.id()),
            component: name.clone(),
            source: o.source(),
        });
        for &part in &wl.parts {
            let p = &self.objects[part];
            self.report.mapped.push(Mapped {
                object: p.id(),
                component: name.clone(),
                source: p.source(),
            });
        }

        // Kind, from the main container's image; batch work is a worker whatever it runs (a
        // Job's image is the tool it uses: `postgres` for a dump, not a database).
        if wl.batch {
            c.kind = "worker".into();
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
                c.kind = kind.into();
                inferred.push(Inferred {
                    from: name.clone(),
                    to: format!("kind: {kind}"),
                    evidence: format!("guessed from image {image} ({word})"),
                    source: o.source(),
                });
            } else if wl.entry {
                c.kind = "web".into();
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
                    if row.model_kind != "service" {
                        c.kind = row.model_kind.into();
                    }
                    inferred.push(Inferred {
                        from: name.clone(),
                        to: format!("kind: {}, replicas: {}", row.model_kind, custom.replicas),
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
                    if row.failover.is_some() && custom.replicas > 1 && c.kind == "database" {
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
                self.doc
                    .domains
                    .entry(domain.clone())
                    .or_insert_with(|| DomainDoc {
                        kind: (*kind).into(),
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
                    if !DATA_KINDS.contains(&c.kind.as_str()) {
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
            self.doc.domains.insert(
                domain.clone(),
                DomainDoc {
                    kind: "host".into(),
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
        self.doc.components.insert(name, c);
        self.report.inferred.extend(inferred);
        self.report.not_modelled.extend(notes);
    }

    /// The PodDisruptionBudget that selects a workload's pods, with the pods it keeps up.
    fn disruption_budget(&self, w: usize, replicas: u64) -> Option<(usize, u64)> {
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
    fn claim(&self, claim: &str, namespace: &str, used: &mut Vec<usize>) -> (String, bool) {
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

    // --- dependencies ----------------------------------------------------------------------

    fn dependencies(&mut self, w: usize) {
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

    /// The values of a container in which host names are looked for.
    fn container_values(
        &self,
        o: &Object,
        container: &Yaml,
        namespace: &str,
        values: &mut Vec<Scanned>,
        used: &mut Vec<usize>,
        missing: &mut Vec<String>,
    ) {
        for env in container.get("env").map(Yaml::items).unwrap_or_default() {
            let Some(var) = env.get("name").and_then(Yaml::text) else {
                continue;
            };
            if let Some(value) = env.get("value") {
                if let Some(text) = value.text() {
                    let found = infer::hosts_in(&text, true);
                    if found.is_empty() {
                        continue;
                    }
                    values.push(Scanned {
                        label: format!("env {var}"),
                        found,
                        hint: infer::names_an_address(&var),
                        whole: true,
                        report: true,
                        secret: false,
                        text,
                        place: o.at(value),
                    });
                }
                continue;
            }
            for (kind, key_ref) in [("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")] {
                let Some(reference) = env.at(&["valueFrom", key_ref]) else {
                    continue;
                };
                let object = reference
                    .get("name")
                    .and_then(Yaml::text)
                    .unwrap_or_default();
                let key = reference
                    .get("key")
                    .and_then(Yaml::text)
                    .unwrap_or_default();
                let found = self.find(kind, &object, namespace);
                let entry = found.and_then(|i| {
                    data_entries(&self.objects[i])
                        .into_iter()
                        .find(|(k, _, _)| *k == key)
                        .map(|e| (i, e))
                });
                match entry {
                    Some((i, (_, text, line))) => {
                        used.push(i);
                        let found = infer::hosts_in(&text, true);
                        if found.is_empty() {
                            continue;
                        }
                        values.push(Scanned {
                            label: format!("env {var} from {kind} {object} key {key}"),
                            found,
                            hint: infer::names_an_address(&var) || infer::names_an_address(&key),
                            whole: true,
                            report: true,
                            secret: kind == "Secret",
                            text,
                            place: format!("{}:{line}", self.objects[i].file),
                        });
                    }
                    None if infer::names_an_address(&var) || infer::names_an_address(&key) => {
                        if let Some(i) = found {
                            used.push(i);
                        }
                        missing.push(format!(
                            "env {var} reads key {key} of {kind} {object}, which {} ({}); if it names a service, the address is the program's default and the dependency is not in the input",
                            if found.is_some() { "does not set it" } else { "is not in the input" },
                            o.at(env)
                        ));
                    }
                    None => {
                        if let Some(i) = found {
                            used.push(i);
                        }
                    }
                }
            }
        }
        for env_from in container
            .get("envFrom")
            .map(Yaml::items)
            .unwrap_or_default()
        {
            let prefix = env_from
                .get("prefix")
                .and_then(Yaml::text)
                .unwrap_or_default();
            for (kind, key_ref) in [("ConfigMap", "configMapRef"), ("Secret", "secretRef")] {
                let Some(object) = env_from.at(&[key_ref, "name"]).and_then(Yaml::text) else {
                    continue;
                };
                let Some(i) = self.find(kind, &object, namespace) else {
                    continue;
                };
                used.push(i);
                for (key, text, line) in data_entries(&self.objects[i]) {
                    let found = infer::hosts_in(&text, true);
                    if found.is_empty() {
                        continue;
                    }
                    values.push(Scanned {
                        label: format!("env {prefix}{key} from {kind} {object}"),
                        found,
                        hint: infer::names_an_address(&key),
                        whole: true,
                        report: true,
                        secret: kind == "Secret",
                        text,
                        place: format!("{}:{line}", self.objects[i].file),
                    });
                }
            }
        }
        // `$(VAR)` in a command or its arguments is the container's variable, as Kubernetes
        // expands it.
        let literal_env: HashMap<String, String> = container
            .get("env")
            .map(Yaml::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| {
                Some((
                    e.get("name").and_then(Yaml::text)?,
                    e.get("value").and_then(Yaml::text)?,
                ))
            })
            .collect();
        for key in ["command", "args"] {
            let mut host_flag = false;
            for item in container.get(key).map(Yaml::items).unwrap_or_default() {
                let Some(text) = item.text() else { continue };
                let text = expand_variables(&text, &literal_env);
                let multi_line = text.contains('\n');
                if multi_line {
                    push_lines(values, key, &text, item.line, &o.file, false);
                    host_flag = false;
                    continue;
                }
                // `--redis=host:6379`: the value after `=` is a whole value.
                let (flag, value) = match text.split_once('=') {
                    Some((flag, value)) if flag.starts_with('-') && !multi_line => {
                        (Some(flag.to_string()), value.to_string())
                    }
                    _ => (None, text.clone()),
                };
                let flag_hint = flag.as_deref().is_some_and(infer::is_host_flag);
                let whole = !multi_line && (host_flag || flag_hint);
                let found = infer::hosts_in(&value, whole);
                let next_flag = !multi_line && flag.is_none() && infer::is_host_flag(&text);
                if found.is_empty() {
                    host_flag = next_flag;
                    continue;
                }
                values.push(Scanned {
                    label: key.to_string(),
                    found,
                    hint: host_flag || flag_hint,
                    whole,
                    report: !multi_line,
                    secret: false,
                    text: value,
                    place: o.at(item),
                });
                host_flag = next_flag;
            }
        }
    }

    /// A ConfigMap or Secret by name, as seen from a namespace.
    fn find(&self, kind: &str, name: &str, namespace: &str) -> Option<usize> {
        self.by_name
            .get(kind, name)?
            .iter()
            .copied()
            .find(|&i| same_namespace(&self.objects[i].namespace, namespace))
    }

    /// Records what a host name found in a workload's values refers to.
    fn reference(
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
                let evidence = evidence();
                for target in workloads {
                    if target == w {
                        continue;
                    }
                    let to = self.workloads[target].name.clone();
                    self.edges
                        .entry((w, to))
                        .or_default()
                        .push((evidence.clone(), at_start.then_some(INIT_ONLY)));
                }
            }
            Resolution::External(component) => {
                self.edges
                    .entry((w, component))
                    .or_default()
                    .push((evidence(), at_start.then_some(INIT_ONLY)));
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
    fn resolve(&mut self, host: &str, namespace: &str) -> Resolution {
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
    fn external_service(&mut self, s: usize) -> Option<String> {
        let o = &self.objects[s];
        let target = o.node.at(&["spec", "externalName"]).and_then(Yaml::text)?;
        if o.node.at(&["spec", "type"]).and_then(Yaml::as_str) != Some("ExternalName") {
            return None;
        }
        if let Some(name) = self.externals.get(&s) {
            return Some(name.clone());
        }
        let mut name = o.name.clone();
        while self.doc.components.contains_key(&name) {
            name.push_str("-external");
        }
        self.doc.components.insert(
            name.clone(),
            ComponentDoc {
                kind: "external".into(),
                description: Some(format!("ExternalName Service {} for {target}", o.name)),
                source: Some(o.source()),
                ..ComponentDoc::default()
            },
        );
        self.report.mapped.push(Mapped {
            object: o.id(),
            component: name.clone(),
            source: o.source(),
        });
        self.report.inferred.push(Inferred {
            from: name.clone(),
            to: "kind: external".into(),
            evidence: format!("ExternalName Service for {target}: a service outside the cluster"),
            source: o.source(),
        });
        self.externals.insert(s, name.clone());
        Some(name)
    }

    /// Pools the workloads behind each Service of [`Importer::find_pools`] into one component
    /// (named after the Service): all their instances, each in its workload's place, and all
    /// their dependencies. The workloads take the pool's name, so that calls to them, entry
    /// points and the report follow.
    fn merge_pools(&mut self) {
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
            .doc
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
                    (member.clone(), &self.doc.components[member])
                })
                .collect();
            let (doc, notes) = pool_doc(&name, service, &docs);
            let member_names: Vec<String> = docs.iter().map(|(n, _)| n.clone()).collect();
            let count: u64 = docs
                .iter()
                .map(|(_, d)| d.replicas.unwrap_or(1).max(d.instances.len() as u64))
                .sum();
            self.report.inferred.push(Inferred {
                from: name.clone(),
                to: format!("pool: {}", member_names.join(", ")),
                evidence: format!(
                    "Service {} selects the pods of {}: a call to it goes to any ready pod, so they are one component of {count} instances",
                    service.name,
                    member_names.join(" and ")
                ),
                source: service.source(),
            });
            self.report.not_modelled.extend(notes);
            for member in &member_names {
                renamed.insert(member.clone(), name.clone());
            }
            pooled.insert(member_names[0].clone(), (name, doc));
        }
        // The pooled component takes its first workload's place among the components.
        let components = std::mem::take(&mut self.doc.components);
        for (name, doc) in components {
            if let Some((pool, pooled)) = pooled.remove(&name) {
                self.doc.components.insert(pool, pooled);
            } else if !renamed.contains_key(&name) {
                self.doc.components.insert(name, doc);
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
        for m in &mut self.report.mapped {
            rename(&mut m.component);
        }
        for i in &mut self.report.inferred {
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

    /// What an operator of the input runs needs the operator to start: while the operator is
    /// down the running pods go on, but one that fails is not recreated (and the changes and
    /// failovers it drives stop). A start-up dependency of each custom resource it runs on
    /// the operator's workload.
    fn operator_edges(&mut self) {
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
        for (w, operator, evidence) in found {
            self.edges
                .entry((w, operator))
                .or_default()
                .push((evidence, Some("the operator recreates its pods")));
        }
    }

    /// Writes the dependencies into the components, each with its evidence. The workloads of
    /// a pool write theirs into the pool, in the order of its first workload.
    fn write_edges(&mut self) {
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
        for ((from, to), found) in edges {
            // Needed only to start (every piece of evidence says so), and why.
            let startup = found.iter().all(|(_, why)| why.is_some());
            let why = found.iter().find_map(|(_, why)| *why);
            let mut evidence: Vec<String> = found.into_iter().map(|(e, _)| e).collect();
            evidence.dedup();
            let name = self.workloads[from].name.clone();
            let to_monitoring = self
                .doc
                .components
                .get(&to)
                .is_some_and(|c| c.kind == "monitoring");
            let from_monitoring = self
                .doc
                .components
                .get(&name)
                .is_some_and(|c| c.kind == "monitoring");
            let to_load_generator = self.load_generators.contains(&to);
            let optional = to_monitoring || from_monitoring || to_load_generator;
            let mut text = evidence[0].clone();
            if evidence.len() > 1 {
                text.push_str(&format!(" (and {} more)", evidence.len() - 1));
            }
            if to_monitoring {
                text.push_str(
                    "; optional: monitoring (traces, metrics) is not on the request path",
                );
            } else if from_monitoring {
                text.push_str(
                    "; optional: monitoring polls or scrapes its targets (a lost target loses its metrics, not the monitor)",
                );
            } else if to_load_generator {
                text.push_str("; optional: a load generator is a test client, nothing needs it");
            } else if startup && let Some(why) = why {
                text.push_str(&format!("; startup: {why}"));
            }
            self.report.inferred.push(Inferred {
                from: name.clone(),
                to: to.clone(),
                evidence: text.clone(),
                source: evidence[0]
                    .rsplit_once(" (")
                    .map(|(_, place)| place.trim_end_matches(')').to_string())
                    .unwrap_or_default(),
            });
            if let Some(c) = self.doc.components.get_mut(&name) {
                c.depends_on.push(DependencyDoc {
                    component: to,
                    optional: optional.then_some(true),
                    startup: (startup && !optional).then_some(true),
                    inferred: Some(text),
                    ..DependencyDoc::default()
                });
            }
        }
    }

    // --- journeys --------------------------------------------------------------------------

    /// One journey per entry point; with entry points, one more per component that nothing
    /// calls and no entry point reaches (background work), except clients of the system.
    fn journeys(&mut self) {
        let batch: Vec<String> = self
            .workloads
            .iter()
            .filter(|w| w.batch)
            .map(|w| w.name.clone())
            .collect();
        if self.entries.is_empty() && batch.is_empty() {
            self.report.not_modelled.push(
                "journeys: no entry point (LoadBalancer or NodePort Service, Ingress, route) in the input, so the whole system is one journey; declare journeys in an overlay".into(),
            );
            return;
        }
        if self.entries.is_empty() {
            // The whole system is one journey, as the model reader makes it when none is
            // declared (every component nothing calls), but without the batch work, which has
            // journeys of its own: declared here, since declaring those leaves no implicit one.
            let batch_set: BTreeSet<&str> = batch.iter().map(String::as_str).collect();
            let path: Vec<String> = roots(&self.doc)
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
            self.report.not_modelled.push(
                "journeys: no entry point (LoadBalancer or NodePort Service, Ingress, route) in the input, so the whole system is one journey (system), and each Job and CronJob one that is not critical; declare journeys in an overlay".into(),
            );
            return;
        }
        let mut reached: BTreeSet<String> = BTreeSet::new();
        let mut stack: Vec<String> = Vec::new();
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
            stack.extend(path.iter().cloned());
            journeys.push((
                entry.name.clone(),
                JourneyDoc {
                    path,
                    description: Some(format!("entry point: {}", entry.label)),
                    ..JourneyDoc::default()
                },
            ));
        }
        self.report.entry_points = entry_components.iter().cloned().collect();
        while let Some(c) = stack.pop() {
            if !reached.insert(c.clone()) {
                continue;
            }
            // What monitoring polls is not reached through it.
            if let Some(component) = self.doc.components.get(&c)
                && component.kind != "monitoring"
            {
                stack.extend(component.depends_on.iter().map(|d| d.component.clone()));
            }
        }
        // Calls by monitoring (its targets) make nothing part of another journey.
        let called: BTreeSet<&str> = self
            .doc
            .components
            .values()
            .filter(|c| c.kind != "monitoring")
            .flat_map(|c| c.depends_on.iter().map(|d| d.component.as_str()))
            .collect();
        let mut background = Vec::new();
        for (name, component) in &self.doc.components {
            if self.load_generators.contains(name) {
                continue;
            }
            if reached.contains(name)
                || called.contains(name.as_str())
                || matches!(component.kind.as_str(), "monitoring" | "deploy_pipeline")
                || batch.contains(name)
            {
                continue;
            }
            // A client (a load generator, a test) calls only the system's user-facing
            // entry points; a service calling infrastructure that publishes a port (service
            // discovery, a database) is not one.
            let client = !component.depends_on.is_empty()
                && component.depends_on.iter().all(|d| {
                    entry_components.contains(&d.component)
                        && self.doc.components.get(&d.component).is_some_and(|c| {
                            matches!(
                                c.kind.as_str(),
                                "web" | "load_balancer" | "api_gateway" | "cdn" | "service"
                            )
                        })
                });
            if client && let Some(entry) = component.depends_on.first() {
                self.report.inferred.push(Inferred {
                    from: name.clone(),
                    to: "journey: none".into(),
                    evidence: format!(
                        "it calls the entry point {}: a client of the system (a load generator, a test), not part of a journey",
                        entry.component
                    ),
                    source: component.source.clone().unwrap_or_default(),
                });
                continue;
            }
            background.push(name.clone());
        }
        for name in background {
            self.report.inferred.push(Inferred {
                from: name.clone(),
                to: format!("journey: {name}"),
                evidence: "nothing in the input calls it and no entry point reaches it: background work, a journey of its own".into(),
                source: self.doc.components[&name].source.clone().unwrap_or_default(),
            });
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
        self.report.not_modelled.push(
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
    fn batch_journeys(&mut self, batch: &[String]) -> Vec<(String, JourneyDoc)> {
        let mut journeys = Vec::new();
        for name in batch {
            let source = self.doc.components[name].source.clone().unwrap_or_default();
            self.report.inferred.push(Inferred {
                from: name.clone(),
                to: format!("journey: {name} (critical: false)"),
                evidence: "batch work: a failed run is retried (backoffLimit) or runs again at the next schedule, not an outage of the request path; an overlay can make it critical".into(),
                source,
            });
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
    fn insert_journeys(&mut self, journeys: Vec<(String, JourneyDoc)>) {
        for (name, journey) in journeys {
            let mut unique = name.clone();
            let mut n = 2;
            while self.doc.journeys.contains_key(&unique) {
                unique = format!("{name}-{n}");
                n += 1;
            }
            self.doc.journeys.insert(unique, journey);
        }
    }

    // --- the rest of the input -------------------------------------------------------------

    fn map_other_objects(&mut self) {
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
        self.report.mapped.extend(mapped);
        self.report.unmapped.extend(unmapped);
    }

    fn finish_report(&mut self) {
        for z in 1..=self.zones_needed {
            self.doc.domains.insert(
                format!("zone-{z}"),
                DomainDoc {
                    kind: "zone".into(),
                    description: Some(
                        "a zone of the cluster: replicas must be spread over zones, but the input does not name them (three are assumed)".into(),
                    ),
                    ..DomainDoc::default()
                },
            );
        }
        for ((from, reference), source) in std::mem::take(&mut self.unresolved) {
            self.report.unresolved.push(Unresolved {
                reference,
                from,
                source,
            });
        }
        let missing = std::mem::take(&mut self.missing_keys);
        self.report.not_modelled.extend(missing);
        if !self.unknown_placement.is_empty() {
            self.report.not_modelled.push(format!(
                "placement unknown (no required anti-affinity or topology spread): the pods of {} may share a node or a zone; nodes and zones are not modelled for them",
                self.unknown_placement.join(", ")
            ));
        }
        let edges = self
            .doc
            .components
            .values()
            .map(|c| c.depends_on.len())
            .sum::<usize>();
        if edges == 0 {
            self.report.not_modelled.push(
                "dependencies: none found in environment values, arguments, commands or ConfigMaps; the calls are in the application's code or configuration baked into its images: declare them in an overlay".into(),
            );
        } else {
            self.report.not_modelled.push(
                "hard or optional: every dependency found is taken as hard (except on monitoring); say in an overlay which calls the code tolerates losing (optional)".into(),
            );
        }
        self.report.not_modelled.push(
            "the cluster itself (control plane, nodes, DNS, the ingress controller) is not in the input".into(),
        );
    }
}

// --- helpers ---------------------------------------------------------------------------------

/// The component of a pool: the instances of every workload, each where its workload places
/// it, and what the workloads say of their pods when they agree; and the notes of what they do
/// not agree on.
fn pool_doc(
    name: &str,
    service: &Object,
    docs: &[(String, &ComponentDoc)],
) -> (ComponentDoc, Vec<String>) {
    let mut notes = Vec::new();
    let kinds: BTreeSet<&str> = docs.iter().map(|(_, d)| d.kind.as_str()).collect();
    let kind = match kinds.len() {
        1 => kinds.into_iter().next().unwrap_or("service").to_string(),
        _ if kinds.contains("web") => "web".into(),
        _ => "service".into(),
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

/// The components nothing calls, as the model reader finds them for the implicit journey:
/// those of the groups of mutually dependent components (strongly connected, optional calls
/// counted) that no other group calls, monitoring and the deploy pipeline aside.
fn roots(doc: &ModelDoc) -> Vec<String> {
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
            if c.kind == "monitoring" {
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
            !called[group[*i]] && !matches!(c.kind.as_str(), "monitoring" | "deploy_pipeline")
        })
        .map(|(_, (name, _))| name.clone())
        .collect()
}

/// The strongly connected group of each node (Kosaraju's algorithm, without recursion).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
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

/// A map keyed by two strings (kind and name, namespace and name), looked up without making a
/// key.
struct Index2<V>(HashMap<String, HashMap<String, V>>);

impl<V> Default for Index2<V> {
    fn default() -> Self {
        Index2(HashMap::new())
    }
}

impl<V: Default> Index2<V> {
    fn get(&self, a: &str, b: &str) -> Option<&V> {
        self.0.get(a)?.get(b)
    }

    fn entry(&mut self, a: &str, b: &str) -> &mut V {
        if !self.0.contains_key(a) {
            self.0.insert(a.to_string(), HashMap::new());
        }
        let inner = self.0.get_mut(a).expect("inserted above");
        if !inner.contains_key(b) {
            inner.insert(b.to_string(), V::default());
        }
        inner.get_mut(b).expect("inserted above")
    }

    fn values(&self) -> impl Iterator<Item = &V> {
        self.0.values().flat_map(HashMap::values)
    }
}

/// The pod spec of a workload object.
/// The images of a workload's containers (not its initContainers), in order.
fn container_images(o: &Object) -> Vec<String> {
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

fn pod_spec(o: &Object) -> Option<&Yaml> {
    match o.kind.as_str() {
        "Pod" => o.node.get("spec"),
        "CronJob" => o
            .node
            .at(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => o.node.at(&["spec", "template", "spec"]),
    }
}

/// The labels of a workload's pods.
fn pod_labels(o: &Object) -> BTreeMap<String, String> {
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
fn is_workload(o: &Object) -> bool {
    WORKLOADS.contains(&o.kind.as_str()) || o.custom.as_ref().is_some_and(|c| c.part_of.is_none())
}

/// The pods a workload runs at a time: `spec.replicas`, or for a Job the pods it runs in
/// parallel (`parallelism`, default 1); a custom resource's count as its operator reads it.
fn spec_replicas(o: &Object) -> Option<u64> {
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

fn owner_refs(node: &Yaml) -> Vec<(String, String)> {
    node.at(&["metadata", "ownerReferences"])
        .map(Yaml::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| Some((r.get("kind")?.text()?, r.get("name")?.text()?)))
        .collect()
}

fn string_map(node: &Yaml) -> BTreeMap<String, String> {
    node.entries()
        .iter()
        .filter_map(|(k, v)| Some((k.text()?, v.text().unwrap_or_default())))
        .collect()
}

/// An unset namespace (a manifest applied to whichever namespace) matches any.
fn same_namespace(a: &str, b: &str) -> bool {
    a == b || a.is_empty() || b.is_empty()
}

/// Whether a Service selector picks a workload's pods. The labels the controllers add
/// (a StatefulSet pod's name) match the workload they come from.
fn selects(selector: &BTreeMap<String, String>, w: &Workload) -> bool {
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
fn label_selector_matches(selector: &Yaml, labels: &BTreeMap<String, String>) -> bool {
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
fn placement(pod: &Yaml, labels: &BTreeMap<String, String>) -> Placement {
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

fn access_modes(spec: Option<&Yaml>) -> Vec<String> {
    spec.and_then(|s| s.get("accessModes"))
        .map(Yaml::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Yaml::text)
        .collect()
}

/// The Services an Ingress routes to.
fn ingress_backends(node: &Yaml) -> Vec<String> {
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
fn route_backends(node: &Yaml) -> Vec<String> {
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
fn openshift_backends(node: &Yaml) -> Vec<String> {
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

fn dedup(mut names: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names
}

/// The entries of a ConfigMap (`data`) or Secret (`stringData`, and `data` decoded from
/// base64 when it is text): key, value and line.
fn data_entries(o: &Object) -> Vec<(String, String, u32)> {
    let mut entries = Vec::new();
    for key in ["data", "stringData"] {
        let decode = o.kind == "Secret" && key == "data";
        for (k, v) in o.node.get(key).map(Yaml::entries).unwrap_or_default() {
            let (Some(name), Some(text)) = (k.text(), v.text()) else {
                continue;
            };
            let text = if decode {
                match base64_text(&text) {
                    Some(t) => t,
                    None => continue,
                }
            } else {
                text
            };
            entries.push((name, text, k.line));
        }
    }
    entries
}

/// Decodes base64 text; `None` when it is not base64 or not UTF-8 text.
fn base64_text(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    String::from_utf8(bytes).ok()
}

/// The lines of a script or a file, each scanned on its own with its line (block scalars start
/// on the line after their key).
fn push_lines(
    values: &mut Vec<Scanned>,
    label: &str,
    text: &str,
    line: u32,
    file: &str,
    secret: bool,
) {
    for (i, content) in text.lines().enumerate() {
        let found = infer::hosts_in(content.trim(), false);
        if found.is_empty() {
            continue;
        }
        values.push(Scanned {
            label: label.to_string(),
            found,
            hint: false,
            whole: false,
            report: false,
            secret,
            text: content.trim().to_string(),
            place: format!("{file}:{}", line as usize + 1 + i),
        });
    }
}

/// `$(NAME)` replaced by the variable's value where the container sets it; `$$(NAME)` is
/// kept as `$(NAME)`, and a variable it does not set is left as written (Kubernetes' rules).
fn expand_variables(text: &str, env: &HashMap<String, String>) -> String {
    if !text.contains("$(") || env.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("$(") {
        // A hostile input (a large value referenced many times) is not expanded without end.
        if out.len() > 100_000 {
            break;
        }
        if rest[..i].ends_with('$') {
            out.push_str(&rest[..i - 1]);
            out.push_str("$(");
            rest = &rest[i + 2..];
            continue;
        }
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find(')') {
            Some(end) if env.contains_key(&after[..end]) => {
                out.push_str(&env[&after[..end]]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("$(");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
