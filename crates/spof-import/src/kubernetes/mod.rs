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

use crate::builder::{Evidence, ModelBuilder};
use crate::infer::HostRef;
use crate::{
    DomainDoc, Import, ImportError, ImportReport, SourceFile, Unread, Unresolved, Yaml,
    parse_yaml_documents_without,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod dependencies;
mod journeys;
mod network;
mod operators;
mod reading;
mod values;
mod workloads;

use reading::{collect, read_custom_resources};
use spof_model::DomainKind;
use workloads::string_map;

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
    // Every file is read before giving up, so that all their problems are told at once.
    let mut problems = Vec::new();
    for file in files {
        let documents = match parse_yaml_documents_without(&file.path, &file.text, &UNREAD) {
            Ok(documents) => documents,
            Err(mut e) => {
                if file.text.contains("{{") {
                    e.message.push_str(
                        " (this looks like an unrendered Helm template: run `helm template` first)",
                    );
                }
                problems.push(e);
                continue;
            }
        };
        for document in documents {
            collect(&file.path, document, &mut objects, &mut report);
        }
    }
    if let Some(error) = ImportError::collected(problems) {
        return Err(error);
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
type Edges = BTreeMap<(usize, String), Vec<Evidence>>;

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
    out: ModelBuilder,
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
            workloads: Vec::new(),
            services,
            namespaces,
            selected: HashMap::new(),
            pools: Vec::new(),
            externals: BTreeMap::new(),
            entries: Vec::new(),
            out: ModelBuilder::with_report(report),
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
        self.out.finish()
    }

    fn use_object(&mut self, object: usize, component: &str) {
        self.used
            .entry(object)
            .or_default()
            .insert(component.to_string());
    }

    fn finish_report(&mut self) {
        for z in 1..=self.zones_needed {
            self.out.model.domains.insert(
                format!("zone-{z}"),
                DomainDoc {
                    kind: DomainKind::Zone,
                    description: Some(
                        "a zone of the cluster: replicas must be spread over zones, but the input does not name them (three are assumed)".into(),
                    ),
                    ..DomainDoc::default()
                },
            );
        }
        for ((from, reference), source) in std::mem::take(&mut self.unresolved) {
            self.out.report.unresolved.push(Unresolved {
                reference,
                from,
                source,
            });
        }
        let missing = std::mem::take(&mut self.missing_keys);
        self.out.report.not_modelled.extend(missing);
        if !self.unknown_placement.is_empty() {
            self.out.report.not_modelled.push(format!(
                "placement unknown (no required anti-affinity or topology spread): the pods of {} may share a node or a zone; nodes and zones are not modelled for them",
                self.unknown_placement.join(", ")
            ));
        }
        let edges = self
            .out
            .model
            .components
            .values()
            .map(|c| c.depends_on.len())
            .sum::<usize>();
        if edges == 0 {
            self.out.report.not_modelled.push(
                "dependencies: none found in environment values, arguments, commands or ConfigMaps; the calls are in the application's code or configuration baked into its images: declare them in an overlay".into(),
            );
        } else {
            self.out.report.not_modelled.push(
                "hard or optional: every dependency found is taken as hard (except on monitoring); say in an overlay which calls the code tolerates losing (optional)".into(),
            );
        }
        self.out.report.not_modelled.push(
            "the cluster itself (control plane, nodes, DNS, the ingress controller) is not in the input".into(),
        );
    }
}

// --- helpers ---------------------------------------------------------------------------------

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
