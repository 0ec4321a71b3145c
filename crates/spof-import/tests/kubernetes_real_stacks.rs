//! The Kubernetes importer on the shapes of real stacks: operators' custom resources,
//! disruption budgets read as Kubernetes reads them, flags, per-node agents, sidecars,
//! connection strings, initContainers that wait, and observability edges.

use spof_import::{Import, SourceFile};

fn import(text: &str) -> Import {
    let import = spof_import::kubernetes::import(&[SourceFile {
        path: "m.yaml".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    if !import.model.components.is_empty() {
        let yaml = import.model.to_yaml("test");
        let parsed = spof_model::parse_model(&yaml, &spof_model::ParseLimits::default());
        assert!(parsed.model.is_some(), "{:#?}\n{yaml}", parsed.diagnostics);
    }
    import
}

fn workload(kind: &str, name: &str, replicas: u32, containers: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n{containers}"
    )
}

fn service(name: &str, kind: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: {kind}\n  selector:\n    app: {name}\n  ports:\n  - port: 80\n"
    )
}

fn join(docs: &[String]) -> String {
    docs.join("---\n")
}

fn targets(import: &Import, component: &str) -> Vec<(String, bool)> {
    import.model.components[component]
        .depends_on
        .iter()
        .map(|d| (d.component.clone(), d.optional == Some(true)))
        .collect()
}

fn notes(import: &Import) -> String {
    import.report.not_modelled.join("\n")
}

#[test]
fn max_unavailable_one_on_one_replica_lets_the_pod_go_and_is_said_to_protect_nothing() {
    let text = join(&[
        workload(
            "StatefulSet",
            "db",
            1,
            "      containers:\n      - name: db\n        image: postgres:16\n",
        ),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: db-pdb\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: db\n".to_string(),
    ]);
    let import = import(&text);
    let db = &import.model.components["db"];
    assert_eq!(db.min_healthy, None);
    let evidence: Vec<&str> = import
        .report
        .inferred
        .iter()
        .filter(|i| i.to.starts_with("min_healthy"))
        .map(|i| i.evidence.as_str())
        .collect();
    assert!(
        evidence[0].contains("0 of 1 pod must stay up (it lets every pod go)"),
        "{evidence:?}"
    );
    assert!(
        notes(&import)
            .contains("db: PodDisruptionBudget db-pdb is on a single replica: it protects nothing")
    );
    assert!(!notes(&import).contains("blocks every drain"));
}

#[test]
fn a_budget_that_keeps_every_pod_up_is_said_to_block_every_drain() {
    let text = join(&[
        workload(
            "Deployment",
            "api",
            3,
            "      containers:\n      - name: api\n        image: example/api:1\n        readinessProbe: {httpGet: {path: /, port: 80}}\n",
        ),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api-pdb\nspec:\n  minAvailable: 3\n  selector:\n    matchLabels:\n      app: api\n".to_string(),
    ]);
    let import = import(&text);
    assert_eq!(import.model.components["api"].min_healthy, Some(3));
    assert!(
        notes(&import).contains("api: PodDisruptionBudget api-pdb blocks every drain"),
        "{}",
        notes(&import)
    );
}

#[test]
fn boolean_and_numeric_flag_values_never_become_hosts() {
    let text = workload(
        "Deployment",
        "app",
        2,
        "      containers:\n      - name: app\n        image: example/app:1\n        args: [\"--enable-host-check=true\", \"--upstream-timeout=30s\", \"--server-port=8080\", \"--db-host=false\"]\n        env:\n        - {name: USE_HOST_NETWORK, value: \"off\"}\n",
    );
    let import = import(&text);
    let unresolved: Vec<&str> = import
        .report
        .unresolved
        .iter()
        .map(|u| u.reference.as_str())
        .collect();
    assert!(unresolved.is_empty(), "{unresolved:?}");
}

#[test]
fn a_daemonset_is_per_node_agents_not_a_pool_behind_a_balancer() {
    let text = workload(
        "DaemonSet",
        "node-agent",
        1,
        "      containers:\n      - name: agent\n        image: example/agent:1\n",
    );
    let import = import(&text);
    let agent = &import.model.components["node-agent"];
    assert_eq!(agent.health_check, None);
    assert!(notes(&import).contains("node-agent: a DaemonSet runs one agent per node"));
}

#[test]
fn kinds_come_from_every_container_and_sidecars_never_decide() {
    let text = join(&[
        workload(
            "Deployment",
            "dashboards",
            1,
            "      containers:\n      - name: grafana-sc-dashboard\n        image: quay.io/kiwigrid/k8s-sidecar:1.25\n      - name: grafana\n        image: docker.io/grafana/grafana:10.4\n",
        ),
        workload(
            "StatefulSet",
            "orders-db",
            1,
            "      containers:\n      - name: metrics\n        image: prometheuscommunity/postgres-exporter:0.15\n      - name: postgresql\n        image: docker.io/bitnami/postgresql:16\n",
        ),
        workload(
            "Deployment",
            "events",
            1,
            "      containers:\n      - name: istio-proxy\n        image: docker.io/istio/proxyv2:1.20\n      - name: broker\n        image: confluentinc/cp-kafka:7.6\n",
        ),
    ]);
    let import = import(&text);
    assert_eq!(
        import.model.components["dashboards"].kind.as_str(),
        "monitoring"
    );
    assert_eq!(
        import.model.components["orders-db"].kind.as_str(),
        "database"
    );
    assert_eq!(import.model.components["events"].kind.as_str(), "queue");
}

#[test]
fn ado_net_connection_strings_give_dependencies() {
    let text = join(&[
        workload(
            "Deployment",
            "cart",
            2,
            "      containers:\n      - name: cart\n        image: example/cart:1\n        readinessProbe: {tcpSocket: {port: 80}}\n        env:\n        - {name: ConnectionStrings__Db, value: \"Host=postgresql;Port=5432;Database=cart;Username=app;Password=secret\"}\n        - {name: SQL, value: \"Server=tcp:mssql,1433;Initial Catalog=x\"}\n",
        ),
        workload(
            "StatefulSet",
            "postgresql",
            1,
            "      containers:\n      - name: pg\n        image: postgres:16\n",
        ),
        service("postgresql", "ClusterIP"),
        workload(
            "StatefulSet",
            "mssql",
            1,
            "      containers:\n      - name: m\n        image: mcr.microsoft.com/mssql/server:2022\n",
        ),
        service("mssql", "ClusterIP"),
    ]);
    let import = import(&text);
    let t = targets(&import, "cart");
    assert!(t.contains(&("postgresql".into(), false)), "{t:?}");
    assert!(t.contains(&("mssql".into(), false)), "{t:?}");
    let evidence = &import.model.components["cart"].depends_on[0].inferred;
    assert!(!format!("{evidence:?}").contains("secret"), "{evidence:?}");
}

#[test]
fn an_init_container_that_waits_for_a_service_is_a_startup_dependency() {
    let text = join(&[
        workload(
            "Deployment",
            "checkout",
            2,
            "      initContainers:\n      - name: wait-for-kafka\n        image: busybox\n        command: [\"sh\", \"-c\", \"until nc -z -w 2 kafka 9092; do echo waiting; sleep 2; done\"]\n      containers:\n      - name: checkout\n        image: example/checkout:1\n        readinessProbe: {tcpSocket: {port: 80}}\n",
        ),
        workload(
            "StatefulSet",
            "kafka",
            1,
            "      containers:\n      - name: kafka\n        image: apache/kafka:3.7\n",
        ),
        service("kafka", "ClusterIP"),
    ]);
    let import = import(&text);
    assert_eq!(targets(&import, "checkout"), [("kafka".to_string(), false)]);
    let dep = &import.model.components["checkout"].depends_on[0];
    assert_eq!(dep.startup, Some(true), "{dep:?}");
    assert!(
        dep.inferred
            .as_deref()
            .unwrap_or("")
            .contains("startup: named only by an initContainer"),
        "{dep:?}"
    );
    // Named by the main container too: needed to run.
    let both = text.replace(
        "        readinessProbe: {tcpSocket: {port: 80}}\n",
        "        readinessProbe: {tcpSocket: {port: 80}}\n        env:\n        - {name: KAFKA_BOOTSTRAP, value: \"kafka:9092\"}\n",
    );
    let import = self::import(&both);
    let dep = &import.model.components["checkout"].depends_on[0];
    assert_eq!(
        (dep.component.as_str(), dep.startup),
        ("kafka", None),
        "{dep:?}"
    );
}

#[test]
fn a_collector_polling_services_depends_on_them_optionally_and_leaves_them_on_user_journeys() {
    let text = join(&[
        workload(
            "Deployment",
            "frontend",
            1,
            "      containers:\n      - name: frontend\n        image: example/frontend:1\n        env:\n        - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: \"http://otel-collector:4317\"}\n",
        ),
        service("frontend", "LoadBalancer"),
        workload(
            "Deployment",
            "otel-collector",
            1,
            "      containers:\n      - name: otel\n        image: otel/opentelemetry-collector-contrib:0.98\n        args: [\"--set=receivers.httpcheck.targets[0].endpoint=http://frontend:80\", \"--set=receivers.redis.endpoint=cache:6379\"]\n",
        ),
        service("otel-collector", "ClusterIP"),
        workload(
            "Deployment",
            "cache",
            1,
            "      containers:\n      - name: c\n        image: redis:7\n",
        ),
        service("cache", "ClusterIP"),
        workload(
            "Deployment",
            "load-generator",
            1,
            "      containers:\n      - name: locust\n        image: example/loadgenerator:1\n        env:\n        - {name: LOCUST_HOST, value: \"http://frontend:80\"}\n",
        ),
    ]);
    let import = import(&text);
    // The monitor depends on its targets, optionally; the services' calls to it are optional.
    assert_eq!(targets(&import, "otel-collector").len(), 2);
    for (target, optional) in targets(&import, "otel-collector") {
        assert!(optional, "otel-collector -> {target} should be optional");
    }
    assert!(
        targets(&import, "frontend")
            .iter()
            .all(|(_, optional)| *optional)
    );
    // The user journey is the frontend's; the cache, polled only by the monitor, is
    // background work of its own, never part of the monitor's journey.
    let journeys = &import.model.journeys;
    assert_eq!(journeys["frontend"].path, ["frontend"]);
    assert!(
        journeys
            .values()
            .all(|j| !j.path.contains(&"otel-collector".to_string()))
    );
    assert!(
        journeys
            .values()
            .all(|j| !j.path.contains(&"load-generator".to_string()))
    );
    assert!(journeys.contains_key("cache"), "{journeys:#?}");
    assert_eq!(import.report.entry_points, ["frontend"]);
}

const MONITORING_STACK: &str = "\
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  replicas: 2
---
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main, namespace: monitoring}
spec:
  replicas: 3
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana, namespace: monitoring}
spec:
  replicas: 1
  selector: {matchLabels: {app: grafana}}
  template:
    metadata: {labels: {app: grafana}}
    spec:
      containers:
      - {name: grafana-sc-dashboard, image: quay.io/kiwigrid/k8s-sidecar:1.25}
      - name: grafana
        image: grafana/grafana:10
        env:
        - {name: GF_DATASOURCE_URL, value: 'http://prometheus-operated:9090'}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: kube-state-metrics, namespace: monitoring}
spec:
  replicas: 1
  selector: {matchLabels: {app: ksm}}
  template:
    metadata: {labels: {app: ksm}}
    spec:
      containers:
      - {name: ksm, image: registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.10.0}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: grafana, namespace: monitoring}
spec:
  selector: {matchLabels: {app: grafana}}
";

#[test]
fn operator_custom_resources_are_components_with_their_replicas() {
    let import = import(MONITORING_STACK);
    let prometheus = &import.model.components["k8s"];
    assert_eq!(prometheus.kind.as_str(), "monitoring");
    assert_eq!(prometheus.replicas, Some(2));
    assert_eq!(import.model.components["main"].replicas, Some(3));
    assert_eq!(
        import.model.components["grafana"].kind.as_str(),
        "monitoring"
    );
    // The Service the operator makes resolves to the Prometheus resource.
    assert_eq!(targets(&import, "grafana"), [("k8s".to_string(), true)]);
    assert!(
        import.report.unresolved.is_empty(),
        "{:?}",
        import.report.unresolved
    );
    assert!(notes(&import).contains("k8s: run by the operator of monitoring.coreos.com"));
    // A ServiceMonitor runs nothing: not mapped, and not counted as running.
    let monitor = import
        .report
        .unmapped
        .iter()
        .find(|u| u.object == "ServiceMonitor/grafana")
        .unwrap();
    assert!(!monitor.runs);
}

#[test]
fn data_operators_give_replicated_data_stores_and_their_services_resolve() {
    let text = "\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: orders}
spec: {instances: 3}
---
apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata: {name: events}
spec: {kafka: {version: 3.7.0}}
---
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaNodePool
metadata:
  name: brokers
  labels: {strimzi.io/cluster: events}
spec: {replicas: 3, roles: [broker]}
---
apiVersion: elasticsearch.k8s.elastic.co/v1
kind: Elasticsearch
metadata: {name: logs}
spec:
  nodeSets:
  - {name: master, count: 1}
  - {name: data, count: 2}
---
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata: {name: acid-users}
spec: {numberOfInstances: 1}
---
apiVersion: rabbitmq.com/v1beta1
kind: RabbitmqCluster
metadata: {name: jobs}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: spinner}
spec: {replicas: 2}
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: gizmo}
spec: {image: example/gizmo:1}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: example/api:1
        readinessProbe: {tcpSocket: {port: 80}}
        env:
        - {name: DB_URL, value: 'postgres://orders-rw:5432/orders'}
        - {name: KAFKA_BOOTSTRAP_SERVERS, value: 'events-kafka-bootstrap:9092'}
        - {name: ES_URL, value: 'http://logs-es-http:9200'}
        - {name: USERS_DB_HOST, value: acid-users}
        - {name: AMQP_URL, value: 'amqp://jobs:5672'}
";
    let import = import(text);
    let c = &import.model.components;
    assert_eq!(
        (c["orders"].kind.as_str(), c["orders"].replicas),
        ("database", Some(3))
    );
    assert_eq!(c["orders"].failover.as_deref(), Some("automatic"));
    assert_eq!(
        (c["events"].kind.as_str(), c["events"].replicas),
        ("queue", Some(3))
    );
    assert_eq!(
        (c["logs"].kind.as_str(), c["logs"].replicas),
        ("search", Some(3))
    );
    assert_eq!(c["acid-users"].replicas, Some(1));
    assert_eq!(
        (c["jobs"].kind.as_str(), c["jobs"].replicas),
        ("queue", Some(1))
    );
    assert_eq!(c["spinner"].replicas, Some(2));
    let mut t: Vec<String> = targets(&import, "api")
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    t.sort();
    assert_eq!(t, ["acid-users", "events", "jobs", "logs", "orders"]);
    assert!(
        import
            .report
            .mapped
            .iter()
            .any(|m| m.object == "KafkaNodePool/brokers" && m.component == "events")
    );
    let gadget = import
        .report
        .unmapped
        .iter()
        .find(|u| u.object == "Gadget/gizmo")
        .unwrap();
    assert!(gadget.runs, "{gadget:?}");
}

#[test]
fn variables_in_arguments_are_expanded_as_kubernetes_does() {
    let text = join(&[
        workload(
            "Deployment",
            "api",
            2,
            "      containers:\n      - name: api\n        image: example/api:1\n        readinessProbe: {tcpSocket: {port: 80}}\n        env:\n        - {name: CACHE_PORT, value: \"6379\"}\n        args: [\"--redis-addr=cache:$(CACHE_PORT)\", \"--literal=other:$$(CACHE_PORT)\"]\n",
        ),
        workload(
            "Deployment",
            "cache",
            1,
            "      containers:\n      - name: c\n        image: redis:7\n",
        ),
        service("cache", "ClusterIP"),
    ]);
    let import = import(&text);
    assert_eq!(targets(&import, "api"), [("cache".to_string(), false)]);
    let evidence = import.model.components["api"].depends_on[0]
        .inferred
        .clone()
        .unwrap();
    assert!(evidence.contains("cache:6379"), "{evidence}");
    assert!(
        import.report.unresolved.is_empty(),
        "{:?}",
        import.report.unresolved
    );
}

#[test]
fn knative_services_and_redis_operators_are_workloads_not_kubernetes_services() {
    let text = "\
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello}
spec:
  template:
    spec:
      containers:
      - image: example/hello:1
        env:
        - {name: REDIS_ADDR, value: 'rfs-sessions:26379'}
---
apiVersion: databases.spotahome.com/v1
kind: RedisFailover
metadata: {name: sessions}
spec:
  sentinel: {replicas: 3}
  redis: {replicas: 3}
";
    let import = import(text);
    let c = &import.model.components;
    assert_eq!(
        (c["hello"].kind.as_str(), c["hello"].replicas),
        ("service", Some(1))
    );
    assert_eq!(
        (c["sessions"].kind.as_str(), c["sessions"].replicas),
        ("cache", Some(3))
    );
    assert_eq!(targets(&import, "hello"), [("sessions".to_string(), false)]);
    assert!(
        import
            .report
            .mapped
            .iter()
            .any(|m| m.object == "KnativeService/hello")
    );
}

#[test]
fn what_an_operator_of_the_input_runs_needs_it_to_start() {
    let text = join(&[
        "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: orders}\nspec: {instances: 3}\n".to_string(),
        workload(
            "Deployment",
            "cnpg-controller-manager",
            1,
            "      containers:\n      - name: manager\n        image: ghcr.io/cloudnative-pg/cloudnative-pg:1.23.1\n",
        ),
        workload(
            "Deployment",
            "api",
            2,
            "      containers:\n      - name: api\n        image: example/api:1\n        env:\n        - {name: DATABASE_HOST, value: orders-rw}\n",
        ),
        service("api", "LoadBalancer"),
    ]);
    let import = import(&text);
    let dep = import.model.components["orders"]
        .depends_on
        .iter()
        .find(|d| d.component == "cnpg-controller-manager")
        .expect("orders needs its operator");
    assert_eq!(dep.startup, Some(true), "{dep:?}");
    let evidence = dep.inferred.as_deref().unwrap_or("");
    assert!(
        evidence.contains("Cluster orders is run by the operator cnpg-controller-manager")
            && evidence.contains("; startup: the operator recreates its pods"),
        "{evidence}"
    );
    // The analysis: the operator is no SPOF of the journey, and its loss is reported.
    let yaml = import.model.to_yaml("test");
    let model = spof_model::parse_model(&yaml, &spof_model::ParseLimits::default())
        .model
        .unwrap();
    let report = spof_engine::check(&model, &spof_engine::Config::default());
    let spofs: Vec<String> = report
        .analysis
        .spofs()
        .map(|e| spof_engine::graph::event_id(&model, e.kind))
        .collect();
    assert!(
        spofs
            .iter()
            .all(|s| !s.starts_with("cnpg-controller-manager")),
        "{spofs:?}"
    );
    assert!(
        report.findings.iter().any(|f| f.code == "SPOF034"
            && f.message
                .starts_with("`cnpg-controller-manager` down blocks restarts of `orders`")),
        "{:#?}",
        report
            .findings
            .iter()
            .map(|f| &f.message)
            .collect::<Vec<_>>()
    );
    // Another group's operator image is not this one's.
    let other = text.replace("cloudnative-pg/cloudnative-pg", "zalando/postgres-operator");
    let import = self::import(&other);
    assert!(
        import.model.components["orders"]
            .depends_on
            .iter()
            .all(|d| d.component != "cnpg-controller-manager")
    );
}
