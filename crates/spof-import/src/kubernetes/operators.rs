//! Custom resources of common operators, as the components they run: one table row per
//! resource kind says where its pod count is, what kind of component it is, the labels the
//! operator puts on its pods and the Services it creates (so that host names such as
//! `db-rw` or `prometheus-operated` resolve to it).

use crate::{Yaml, YamlValue};
use spof_model::Kind;

/// How a custom resource states its pod count.
pub(super) enum Count {
    /// A number at a path (`spec.replicas`), with the operator's default.
    At(&'static [&'static str], u64),
    /// The sum of a key over a list (`spec.nodeSets[].count`), each item defaulting to 1.
    Sum(&'static [&'static str], &'static str),
}

/// One operator's custom resource kind.
pub(super) struct Operated {
    /// The API group, as in `apiVersion: GROUP/VERSION`.
    pub group: &'static str,
    pub kind: &'static str,
    /// The component kind (`database`, `queue`...).
    pub model_kind: Kind,
    pub count: Count,
    /// The labels on its pods; `{name}` stands for the resource's name.
    pub labels: &'static [(&'static str, &'static str)],
    /// The Services the operator makes for it; `{name}` stands for the resource's name.
    pub services: &'static [&'static str],
    /// How it fails over, said in the report.
    pub failover: Option<&'static str>,
}

pub(super) const OPERATED: &[Operated] = &[
    Operated {
        group: "monitoring.coreos.com",
        kind: "Prometheus",
        model_kind: Kind::Monitoring,
        count: Count::At(&["spec", "replicas"], 1),
        labels: &[
            ("app.kubernetes.io/name", "prometheus"),
            ("prometheus", "{name}"),
        ],
        services: &["prometheus-operated"],
        failover: None,
    },
    Operated {
        group: "monitoring.coreos.com",
        kind: "Alertmanager",
        model_kind: Kind::Monitoring,
        count: Count::At(&["spec", "replicas"], 1),
        labels: &[
            ("app.kubernetes.io/name", "alertmanager"),
            ("alertmanager", "{name}"),
        ],
        services: &["alertmanager-operated"],
        failover: None,
    },
    Operated {
        group: "monitoring.coreos.com",
        kind: "ThanosRuler",
        model_kind: Kind::Monitoring,
        count: Count::At(&["spec", "replicas"], 1),
        labels: &[
            ("app.kubernetes.io/name", "thanos-ruler"),
            ("thanos-ruler", "{name}"),
        ],
        services: &["thanos-ruler-operated"],
        failover: None,
    },
    Operated {
        group: "kafka.strimzi.io",
        kind: "Kafka",
        model_kind: Kind::Queue,
        // With node pools, the brokers are counted from the KafkaNodePools instead.
        count: Count::At(&["spec", "kafka", "replicas"], 0),
        labels: &[
            ("strimzi.io/cluster", "{name}"),
            ("strimzi.io/kind", "Kafka"),
        ],
        services: &["{name}-kafka-bootstrap", "{name}-kafka-brokers"],
        failover: Some("partition leaders move to other brokers (with replicated topics)"),
    },
    Operated {
        group: "postgresql.cnpg.io",
        kind: "Cluster",
        model_kind: Kind::Database,
        count: Count::At(&["spec", "instances"], 1),
        labels: &[("cnpg.io/cluster", "{name}")],
        services: &["{name}-rw", "{name}-ro", "{name}-r"],
        failover: Some("the operator promotes a standby when the primary fails"),
    },
    Operated {
        group: "acid.zalan.do",
        kind: "postgresql",
        model_kind: Kind::Database,
        count: Count::At(&["spec", "numberOfInstances"], 1),
        labels: &[("cluster-name", "{name}"), ("application", "spilo")],
        services: &["{name}", "{name}-repl"],
        failover: Some("Patroni promotes a replica when the primary fails"),
    },
    Operated {
        group: "rabbitmq.com",
        kind: "RabbitmqCluster",
        model_kind: Kind::Queue,
        count: Count::At(&["spec", "replicas"], 1),
        labels: &[("app.kubernetes.io/name", "{name}")],
        services: &["{name}", "{name}-nodes"],
        failover: None,
    },
    Operated {
        group: "elasticsearch.k8s.elastic.co",
        kind: "Elasticsearch",
        model_kind: Kind::Search,
        count: Count::Sum(&["spec", "nodeSets"], "count"),
        labels: &[("elasticsearch.k8s.elastic.co/cluster-name", "{name}")],
        services: &[
            "{name}-es-http",
            "{name}-es-transport",
            "{name}-es-internal-http",
        ],
        failover: Some("shards' replicas on other nodes take over (with replicas configured)"),
    },
    Operated {
        group: "mongodbcommunity.mongodb.com",
        kind: "MongoDBCommunity",
        model_kind: Kind::Database,
        count: Count::At(&["spec", "members"], 1),
        labels: &[("app", "{name}-svc")],
        services: &["{name}-svc"],
        failover: Some("the replica set elects a new primary"),
    },
    Operated {
        group: "databases.spotahome.com",
        kind: "RedisFailover",
        model_kind: Kind::Cache,
        count: Count::At(&["spec", "redis", "replicas"], 3),
        labels: &[
            ("app.kubernetes.io/name", "{name}"),
            ("app.kubernetes.io/component", "redis"),
        ],
        services: &["rfr-{name}", "rfs-{name}", "rfrm-{name}"],
        failover: Some("Sentinel promotes a replica when the master fails"),
    },
    Operated {
        group: "redis.redis.opstreelabs.in",
        kind: "RedisCluster",
        model_kind: Kind::Cache,
        count: Count::At(&["spec", "clusterSize"], 3),
        labels: &[("app", "{name}-leader")],
        services: &["{name}-leader", "{name}-follower", "{name}"],
        failover: Some("a follower takes over its leader's slots"),
    },
    Operated {
        group: "redis.redis.opstreelabs.in",
        kind: "RedisReplication",
        model_kind: Kind::Cache,
        count: Count::At(&["spec", "clusterSize"], 3),
        labels: &[("app", "{name}")],
        services: &["{name}", "{name}-master", "{name}-replica"],
        failover: Some("with a RedisSentinel, a replica is promoted"),
    },
    Operated {
        group: "redis.redis.opstreelabs.in",
        kind: "Redis",
        model_kind: Kind::Cache,
        count: Count::At(&["spec", "replicas"], 1),
        labels: &[("app", "{name}")],
        services: &["{name}"],
        failover: None,
    },
    Operated {
        group: "serving.knative.dev",
        kind: "KnativeService",
        model_kind: Kind::Service,
        count: Count::At(&["spec", "replicas"], 1),
        labels: &[("serving.knative.dev/service", "{name}")],
        services: &["{name}"],
        failover: None,
    },
];

/// Kubernetes' own API groups: a kind of any other group is a custom resource.
pub(super) fn is_custom(group: &str) -> bool {
    !(group.is_empty()
        || !group.contains('.')
        || group.ends_with(".k8s.io")
        || group == "backstage.io"
        || group.ends_with(".openshift.io"))
}

/// The table row of a resource, by its group and kind.
pub(super) fn operated(group: &str, kind: &str) -> Option<&'static Operated> {
    OPERATED.iter().find(|o| o.group == group && o.kind == kind)
}

/// The pod count a resource states, or `None` when it states none.
pub(super) fn count(row: &Operated, node: &Yaml) -> Option<u64> {
    let clamp = |n: i128| n.clamp(0, i128::from(u32::MAX)) as u64;
    match &row.count {
        Count::At(path, default) => node
            .at(path)
            .and_then(Yaml::as_int)
            .map(clamp)
            .or((*default > 0).then_some(*default)),
        Count::Sum(path, key) => {
            let items = node.at(path)?.items();
            if items.is_empty() {
                return None;
            }
            Some(
                items
                    .iter()
                    .map(|i| i.get(key).and_then(Yaml::as_int).map_or(1, clamp))
                    .sum(),
            )
        }
    }
}

/// `{name}` replaced by the resource's name.
pub(super) fn named(pattern: &str, name: &str) -> String {
    pattern.replace("{name}", name)
}

/// A Service that selects `labels`, as the operator makes it (made up: it is not in the
/// input).
pub(super) fn service_node(labels: &[(String, String)], line: u32) -> Yaml {
    let at = |value: YamlValue| Yaml {
        value,
        line,
        column: 1,
    };
    let text = |s: &str| at(YamlValue::Str(s.to_string().into()));
    let selector = at(YamlValue::Map(
        labels.iter().map(|(k, v)| (text(k), text(v))).collect(),
    ));
    let spec = at(YamlValue::Map(vec![(text("selector"), selector)]));
    at(YamlValue::Map(vec![(text("spec"), spec)]))
}

/// Whether an unknown custom resource looks like it runs pods (an image, a pod template, a
/// size), for the share of the input that is not modelled.
pub(super) fn looks_running(node: &Yaml) -> bool {
    let Some(spec) = node.get("spec") else {
        return false;
    };
    [
        "image",
        "template",
        "podTemplate",
        "containers",
        "size",
        "members",
        "instances",
        "nodes",
        "nodeSets",
    ]
    .iter()
    .any(|k| spec.get(k).is_some())
}

/// The operators' own images, by the API group of what they run: a workload of the input
/// running one of them is that group's operator. An image matches when its repository path
/// (without registry and tag) ends with one of these.
pub(super) const OPERATOR_IMAGES: &[(&str, &[&str])] = &[
    ("monitoring.coreos.com", &["prometheus-operator"]),
    ("kafka.strimzi.io", &["strimzi/operator"]),
    ("postgresql.cnpg.io", &["cloudnative-pg"]),
    ("acid.zalan.do", &["postgres-operator"]),
    ("rabbitmq.com", &["rabbitmq/cluster-operator"]),
    ("elasticsearch.k8s.elastic.co", &["eck-operator"]),
    (
        "mongodbcommunity.mongodb.com",
        &["mongodb-kubernetes-operator", "mongodb-kubernetes"],
    ),
    ("databases.spotahome.com", &["spotahome/redis-operator"]),
    (
        "redis.redis.opstreelabs.in",
        &["opstree/redis-operator", "ot-container-kit/redis-operator"],
    ),
    (
        "serving.knative.dev",
        &["knative.dev/serving/cmd/controller"],
    ),
];

/// Whether `image` is one of the images of the operator of `group`.
pub(super) fn is_operator_image(group: &str, image: &str) -> bool {
    // `registry/path/name:tag@digest` → `path/name`; the registry is the first part when it
    // has a dot, a colon or is `localhost`.
    let image = image.split('@').next().unwrap_or(image);
    let path = match image.rsplit_once(':') {
        Some((path, tag)) if !tag.contains('/') => path,
        _ => image,
    };
    let path = match path.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            rest
        }
        _ => path,
    };
    OPERATOR_IMAGES
        .iter()
        .filter(|(g, _)| *g == group)
        .flat_map(|(_, images)| images.iter())
        .any(|needle| path == *needle || path.ends_with(&format!("/{needle}")))
}
