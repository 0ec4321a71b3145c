//! The Kubernetes importer on small manifests: each mapping rule, inference and report entry.
//! More manifests, with the whole model and report they give, are cases in
//! `tests/cases/kubernetes/`.

use spof_import::{Import, SourceFile};

fn import(text: &str) -> Import {
    let import = spof_import::kubernetes::import(&[SourceFile {
        path: "m.yaml".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    // Every import with components reads back as a valid model.
    if import.model.components.is_empty() {
        return import;
    }
    let yaml = import.model.to_yaml("test");
    let parsed = spof_model::parse_model(&yaml, &spof_model::ParseLimits::default());
    assert!(
        parsed
            .diagnostics
            .iter()
            .all(|d| d.severity != spof_model::Severity::Error),
        "{:#?}\n{yaml}",
        parsed.diagnostics
    );
    import
}

fn deployment(name: &str, extra_spec: &str, pod: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n{extra_spec}  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n{pod}"
    )
}

fn service(name: &str, selector: &str, kind: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: {kind}\n  selector:\n    app: {selector}\n  ports:\n  - port: 80\n"
    )
}

fn container(image: &str, env: &[(&str, &str)]) -> String {
    let mut text = format!("      containers:\n      - name: main\n        image: {image}\n");
    if !env.is_empty() {
        text.push_str("        env:\n");
        for (k, v) in env {
            text.push_str(&format!("        - name: {k}\n          value: \"{v}\"\n"));
        }
    }
    text
}

fn targets(import: &Import, component: &str) -> Vec<String> {
    import.model.components[component]
        .depends_on
        .iter()
        .map(|d| d.component.clone())
        .collect()
}

#[test]
fn names_nothing_has_are_unresolved_and_plain_words_are_not() {
    let text = deployment(
        "web",
        "",
        &container(
            "example/web:1",
            &[
                ("CART_SERVICE_ADDR", "cartservice:7070"),
                ("PAYMENT_HOST", "payments"),
                ("STRIPE_URL", "https://api.stripe.com/v1"),
                ("LOG_LEVEL", "debug"),
                ("GREETING", "hello"),
                ("LISTEN", "0.0.0.0:8080"),
                ("LOCAL", "localhost:6379"),
            ],
        ),
    );
    let import = import(&text);
    let unresolved: Vec<(&str, &str)> = import
        .report
        .unresolved
        .iter()
        .map(|u| (u.from.as_str(), u.reference.as_str()))
        .collect();
    assert_eq!(
        unresolved,
        [
            ("web", "api.stripe.com"),
            ("web", "cartservice"),
            ("web", "payments")
        ]
    );
    assert!(
        import.report.unresolved[0]
            .source
            .contains("an external service?")
    );
    assert!(import.model.components["web"].depends_on.is_empty());
}

#[test]
fn max_unavailable_gives_min_healthy_too() {
    let text = [
        deployment("api", "  replicas: 5\n", &container("example/api:1", &[])),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: api\n".to_string(),
    ]
    .join("---\n");
    assert_eq!(import(&text).model.components["api"].min_healthy, Some(4));
}

#[test]
fn without_a_readiness_probe_a_dead_replica_gets_traffic() {
    let probe = "        readinessProbe:\n          httpGet:\n            path: /ready\n            port: 8080\n";
    let text = [
        deployment("bare", "  replicas: 3\n", &container("example/a:1", &[])),
        deployment(
            "probed",
            "  replicas: 3\n",
            &format!("{}{probe}", container("example/b:1", &[])),
        ),
    ]
    .join("---\n");
    let import = import(&text);
    assert_eq!(import.model.components["bare"].health_check, Some(false));
    assert_eq!(import.model.components["probed"].health_check, None);
}

#[test]
fn required_zone_spread_spreads_replicas_over_assumed_zones() {
    let spread = format!(
        "{}      topologySpreadConstraints:\n      - maxSkew: 1\n        topologyKey: topology.kubernetes.io/zone\n        whenUnsatisfiable: DoNotSchedule\n        labelSelector:\n          matchLabels:\n            app: api\n",
        container("example/api:1", &[])
    );
    let soft = format!(
        "{}      affinity:\n        podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n          - weight: 100\n            podAffinityTerm:\n              topologyKey: kubernetes.io/hostname\n              labelSelector:\n                matchLabels:\n                  app: soft\n",
        container("example/soft:1", &[])
    );
    let pinned = format!(
        "{}      nodeSelector:\n        topology.kubernetes.io/zone: eu-west-1a\n",
        container("example/pinned:1", &[])
    );
    let text = [
        deployment("api", "  replicas: 4\n", &spread),
        deployment("soft", "  replicas: 2\n", &soft),
        deployment("pinned", "  replicas: 2\n", &pinned),
    ]
    .join("---\n");
    let import = import(&text);
    assert_eq!(
        import.model.components["api"].spread,
        ["zone-1", "zone-2", "zone-3"]
    );
    assert_eq!(import.model.domains["zone-1"].kind.as_str(), "zone");
    assert_eq!(import.model.components["pinned"].domains, ["eu-west-1a"]);
    assert!(import.model.components["soft"].spread.is_empty());
    assert!(
        import
            .report
            .not_modelled
            .iter()
            .any(|n| n.starts_with("soft: the spread of its 2 pods is only preferred")),
        "{:#?}",
        import.report.not_modelled
    );
}

#[test]
fn config_maps_and_secrets_carry_addresses() {
    let pod = "      containers:\n      - name: main\n        image: example/web:1\n        env:\n        - name: REDIS_SERVER\n          valueFrom:\n            configMapKeyRef:\n              name: params\n              key: redis.server\n        - name: REPO_SERVER\n          valueFrom:\n            configMapKeyRef:\n              name: params\n              key: repo.server\n              optional: true\n        envFrom:\n        - secretRef:\n            name: db\n";
    let text = [
        deployment("web", "", pod),
        deployment("redis", "", &container("redis:7", &[])),
        deployment("postgres", "", &container("postgres:16", &[])),
        service("redis", "redis", "ClusterIP"),
        service("postgres", "postgres", "ClusterIP"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: params\ndata:\n  redis.server: redis:6379\n".to_string(),
        // DATABASE_URL = postgres://app:pw@postgres:5432/app, base64.
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  DATABASE_URL: cG9zdGdyZXM6Ly9hcHA6cHdAcG9zdGdyZXM6NTQzMi9hcHA=\n".to_string(),
    ]
    .join("---\n");
    let import = import(&text);
    assert_eq!(targets(&import, "web"), ["postgres", "redis"]);
    let postgres = &import.model.components["web"].depends_on[0];
    let evidence = postgres.inferred.as_deref().unwrap();
    assert!(
        evidence.contains("from Secret db names postgres"),
        "{evidence}"
    );
    assert!(
        !evidence.contains("pw"),
        "a secret's value is never shown: {evidence}"
    );
    // The key that the ConfigMap does not set: the address is a default in the program.
    assert!(
        import.report.not_modelled.iter().any(|n| n.starts_with(
            "web: env REPO_SERVER reads key repo.server of ConfigMap params, which does not set it"
        )),
        "{:#?}",
        import.report.not_modelled
    );
}

#[test]
fn config_map_keys_are_read_whatever_their_names() {
    // Keys such as `status` or `ports` are left out of manifests while reading (nothing reads
    // them), but in a ConfigMap's data they are data.
    let pod = "      containers:\n      - name: main\n        image: example/web:1\n        envFrom:\n        - configMapRef:\n            name: params\n";
    let text = [
        deployment("web", "", pod),
        deployment("redis", "", &container("redis:7", &[])),
        deployment("api", "", &container("example/api:1", &[])),
        service("redis", "redis", "ClusterIP"),
        service("api", "api", "ClusterIP"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: params\ndata:\n  status: redis:6379\n  ports: http://api:8080\n".to_string(),
    ]
    .join("---\n");
    let import = import(&text);
    assert_eq!(targets(&import, "web"), ["api", "redis"]);
}

#[test]
fn entry_points_are_journeys_and_clients_are_not() {
    let text = [
        deployment("frontend", "", &container("example/frontend:1", &[("API_ADDR", "api:80")])),
        deployment("api", "", &container("example/api:1", &[])),
        deployment("worker", "", &container("example/worker:1", &[])),
        deployment("loadgen", "", &container("example/loadgen:1", &[("FRONTEND_ADDR", "frontend:80")])),
        service("frontend", "frontend", "ClusterIP"),
        service("api", "api", "ClusterIP"),
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: frontend\n            port:\n              number: 80\n".to_string(),
    ]
    .join("---\n");
    let import = import(&text);
    let journeys: Vec<(&str, Vec<&str>)> = import
        .model
        .journeys
        .iter()
        .map(|(n, j)| (n.as_str(), j.path.iter().map(String::as_str).collect()))
        .collect();
    // The Ingress; the worker nothing calls (background work); not the load generator.
    assert_eq!(
        journeys,
        [("shop", vec!["frontend"]), ("worker", vec!["worker"])]
    );
    assert_eq!(import.model.components["frontend"].kind.as_str(), "web");
    assert!(
        import
            .report
            .inferred
            .iter()
            .any(|i| i.from == "loadgen" && i.to == "journey: none")
    );
}

#[test]
fn owned_objects_are_part_of_their_owner_and_lists_are_read() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: api\n  spec:\n    replicas: 2\n    selector:\n      matchLabels: {app: api}\n    template:\n      metadata:\n        labels: {app: api}\n      spec:\n        containers:\n        - name: main\n          image: example/api:1\n- apiVersion: apps/v1\n  kind: ReplicaSet\n  metadata:\n    name: api-5d8f\n    ownerReferences:\n    - {kind: Deployment, name: api}\n  spec:\n    replicas: 2\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: api-5d8f-x1\n    labels: {app: api, pod-template-hash: 5d8f}\n    ownerReferences:\n    - {kind: ReplicaSet, name: api-5d8f}\n  spec:\n    containers:\n    - {name: main, image: example/api:1}\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: orphan-7c9-a\n    labels: {app: orphan, pod-template-hash: 7c9}\n    ownerReferences:\n    - {kind: ReplicaSet, name: orphan-7c9}\n  spec:\n    containers:\n    - {name: main, image: example/orphan:1}\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: orphan-7c9-b\n    labels: {app: orphan, pod-template-hash: 7c9}\n    ownerReferences:\n    - {kind: ReplicaSet, name: orphan-7c9}\n  spec:\n    containers:\n    - {name: main, image: example/orphan:1}\n";
    let import = import(text);
    let names: Vec<&str> = import.model.components.keys().map(String::as_str).collect();
    assert_eq!(names, ["api", "orphan"]);
    assert_eq!(import.model.components["orphan"].replicas, Some(2));
    assert!(
        import
            .report
            .mapped
            .iter()
            .any(|m| m.object == "Pod/api-5d8f-x1" && m.component == "api")
    );
}

#[test]
fn a_statefulset_pod_service_selects_the_statefulset() {
    let text = [
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: redis\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: redis}\n  template:\n    metadata:\n      labels: {app: redis}\n    spec:\n      containers:\n      - {name: redis, image: redis:7}\n".to_string(),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis-0\nspec:\n  selector:\n    app: redis\n    statefulset.kubernetes.io/pod-name: redis-0\n".to_string(),
        deployment("proxy", "", &container("haproxy:3", &[("BACKEND", "redis-0:6379")])),
    ]
    .join("---\n");
    let import = import(&text);
    assert_eq!(targets(&import, "proxy"), ["redis"]);
    assert_eq!(
        import.model.components["proxy"].kind.as_str(),
        "load_balancer"
    );
}

#[test]
fn what_is_not_a_component_is_said_why() {
    let text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\nkind: ConfigMap\nmetadata:\n  name: unused\ndata:\n  x: y\n---\n- just a list\n";
    let import = import(text);
    let unmapped: Vec<(&str, &str)> = import
        .report
        .unmapped
        .iter()
        .map(|u| (u.object.as_str(), u.source.as_str()))
        .collect();
    assert_eq!(
        unmapped,
        [
            ("document at line 17", "m.yaml:17"),
            ("ServiceAccount/a", "m.yaml:2"),
            ("Widget/w", "m.yaml:7"),
            ("ConfigMap/unused", "m.yaml:11"),
        ]
    );
    assert!(
        import.report.unmapped[2]
            .why
            .contains("kind Widget is not modelled")
    );
}

#[test]
fn a_broken_manifest_is_a_located_error() {
    let error = spof_import::kubernetes::import(&[SourceFile {
        path: "bad.yaml".into(),
        text: "apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n".into(),
    }])
    .unwrap_err();
    assert_eq!(error.file, "bad.yaml");
    assert!(error.line.is_some(), "{error}");
    let helm = spof_import::kubernetes::import(&[SourceFile {
        path: "t.yaml".into(),
        text: "{{- if .Values.enabled }}\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\n{{- end }}\n".into(),
    }])
    .unwrap_err();
    assert!(helm.message.contains("helm template"), "{helm}");
}

/// Found by fuzzing: a name with a tab became a component name the model reader refuses.
#[test]
fn names_the_model_reader_refuses_are_renamed_and_reported() {
    let tabbed = import("V:\nkind: Deployment\nmetadata:\n  name: fr\te 8\n");
    assert!(tabbed.model.components.contains_key("fr\\te 8"));
    assert!(
        tabbed
            .report
            .not_modelled
            .iter()
            .any(|n| n.starts_with("component `fr\\te 8`: not a usable name")),
        "{:#?}",
        tabbed.report.not_modelled
    );
    // A name too long for the model is cut, and one cut name does not take another's place.
    let long = "a".repeat(300);
    let text = [
        deployment(&long, "", &container("example/a:1", &[])),
        deployment(&format!("{long}b"), "", &container("example/b:1", &[])),
    ]
    .join("---\n");
    let long = import(&text);
    let names: Vec<&String> = long.model.components.keys().collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.len() <= 256), "{names:?}");
}

/// The SPOFs the engine finds in an import: component names.
fn spofs(import: &Import) -> Vec<String> {
    let yaml = import.model.to_yaml("test");
    let parsed = spof_model::parse_model(&yaml, &spof_model::ParseLimits::default());
    let model = parsed.model.expect("a valid model");
    let report = spof_engine::check(&model, &spof_engine::Config::default());
    let mut names: Vec<String> = report
        .analysis
        .spofs()
        .filter_map(|e| e.component().map(|c| model.components[c].name.clone()))
        .collect();
    names.sort();
    names.dedup();
    names
}

fn cron_job(name: &str, schedule: &str, extra_spec: &str, pod: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {name}\nspec:\n  schedule: \"{schedule}\"\n{extra_spec}  jobTemplate:\n    spec:\n      template:\n        spec:\n{}",
        pod.lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    )
}

#[test]
fn jobs_and_cron_jobs_are_batch_work_on_journeys_that_are_not_critical() {
    let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  defaultBackend:\n    service:\n      name: web\n      port: {number: 80}\n";
    let text = [
        deployment(
            "web",
            "  replicas: 2\n",
            &container("example/web:1", &[("DB_HOST", "db")]),
        ),
        service("web", "web", "ClusterIP"),
        ingress.to_string(),
        deployment("db", "", &container("postgres:16", &[])),
        service("db", "db", "ClusterIP"),
        deployment("reports", "", &container("example/reports:1", &[])),
        service("reports", "reports", "ClusterIP"),
        // pg_dump in a postgres image: a worker, not a database.
        cron_job(
            "backup",
            "0 3 * * *",
            "",
            &container("postgres:16", &[("PGHOST", "db:5432")]),
        ),
        // Only a Job calls reports: it is on no critical journey.
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: monthly\nspec:\n  parallelism: 2\n  template:\n    spec:\n      containers:\n      - name: run\n        image: example/monthly:1\n        env:\n        - {name: REPORTS_URL, value: \"http://reports:8080\"}\n".to_string(),
        cron_job("paused", "* * * * *", "  suspend: true\n", &container("busybox", &[])),
    ]
    .join("---\n");
    let import = import(&text);
    let backup = &import.model.components["backup"];
    assert_eq!(backup.kind.as_str(), "worker");
    assert!(
        backup
            .description
            .as_deref()
            .unwrap()
            .contains("on schedule \"0 3 * * *\""),
        "{:?}",
        backup.description
    );
    assert_eq!(targets(&import, "backup"), ["db"]);
    assert_eq!(import.model.components["monthly"].replicas, Some(2));
    assert_eq!(targets(&import, "monthly"), ["reports"]);
    for job in ["backup", "monthly"] {
        let journey = &import.model.journeys[job];
        assert_eq!(journey.path, [job]);
        assert_eq!(journey.critical, Some(false));
    }
    // Reports is called (by a Job): no journey of its own.
    assert!(!import.model.journeys.contains_key("reports"));
    let paused = import
        .report
        .unmapped
        .iter()
        .find(|u| u.object == "CronJob/paused")
        .expect("the suspended CronJob is listed");
    assert!(paused.why.contains("suspended"), "{}", paused.why);
    // The single pods of the batch work, and what only it uses, are no SPOF; the database on
    // the web journey is.
    assert_eq!(spofs(&import), ["db"]);
}

#[test]
fn jobs_of_a_cluster_dump_are_part_of_their_cron_job() {
    let text = [
        cron_job("sync", "*/5 * * * *", "", &container("example/sync:1", &[])),
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: sync-28890\n  ownerReferences:\n  - {kind: CronJob, name: sync}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: sync, image: example/sync:1}\n".to_string(),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: sync-28890-abcde\n  ownerReferences:\n  - {kind: Job, name: sync-28890}\nspec:\n  containers:\n  - {name: sync, image: example/sync:1}\n".to_string(),
        // Pods of a Job that is not in the input: grouped, batch work too.
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: migrate-x1\n  ownerReferences:\n  - {kind: Job, name: migrate}\nspec:\n  containers:\n  - {name: m, image: example/migrate:1}\n".to_string(),
    ]
    .join("---\n");
    let import = import(&text);
    let names: Vec<&str> = import.model.components.keys().map(String::as_str).collect();
    assert_eq!(names, ["sync", "migrate"]);
    let parts: Vec<(&str, &str)> = import
        .report
        .mapped
        .iter()
        .map(|m| (m.object.as_str(), m.component.as_str()))
        .collect();
    assert!(parts.contains(&("Job/sync-28890", "sync")), "{parts:?}");
    assert!(
        parts.contains(&("Pod/sync-28890-abcde", "sync")),
        "{parts:?}"
    );
    assert_eq!(import.model.components["migrate"].kind.as_str(), "worker");
    // No entry point: the system journey has no batch work, and each has its own.
    assert!(!import.model.journeys.contains_key("system"));
    assert_eq!(import.model.journeys["sync"].critical, Some(false));
    assert!(spofs(&import).is_empty());
}

#[test]
fn without_entry_points_the_system_journey_leaves_batch_work_out() {
    let text = [
        deployment(
            "api",
            "",
            &container("example/api:1", &[("CACHE", "cache:6379")]),
        ),
        deployment("cache", "", &container("redis:7", &[])),
        service("cache", "cache", "ClusterIP"),
        cron_job(
            "warm",
            "@hourly",
            "",
            &container("example/warm:1", &[("CACHE", "cache:6379")]),
        ),
    ]
    .join("---\n");
    let import = import(&text);
    assert_eq!(import.model.journeys["system"].path, ["api"]);
    assert_eq!(import.model.journeys["system"].critical, None);
    assert_eq!(import.model.journeys["warm"].critical, Some(false));
    assert_eq!(spofs(&import), ["api", "cache"]);
}

fn labelled(name: &str, app: &str, extra_spec: &str, pod: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n{extra_spec}  selector:\n    matchLabels:\n      app: {app}\n      track: {name}\n  template:\n    metadata:\n      labels:\n        app: {app}\n        track: {name}\n    spec:\n{pod}"
    )
}

#[test]
fn a_service_over_several_workloads_pools_their_pods() {
    // A stable and a canary Deployment behind one Service: a call goes to any ready pod.
    let text = [
        deployment(
            "web",
            "",
            &container("example/web:1", &[("API", "http://api:8080")]),
        ),
        labelled(
            "api-stable",
            "api",
            "  replicas: 2\n",
            &container("example/api:1", &[("DB", "db:5432")]),
        ),
        labelled(
            "api-canary",
            "api",
            "",
            &format!(
                "      nodeSelector:\n        topology.kubernetes.io/zone: eu-1a\n{}",
                container(
                    "example/api:2",
                    &[("DB", "db:5432"), ("CACHE", "cache:6379")]
                )
            ),
        ),
        service("api", "api", "ClusterIP"),
        deployment("db", "", &container("postgres:16", &[])),
        service("db", "db", "ClusterIP"),
        deployment("cache", "", &container("redis:7", &[])),
        service("cache", "cache", "ClusterIP"),
    ]
    .join("---\n");
    let import = import(&text);
    let names: Vec<&str> = import.model.components.keys().map(String::as_str).collect();
    assert_eq!(names, ["web", "api", "db", "cache"]);
    assert_eq!(targets(&import, "web"), ["api"]);
    assert_eq!(targets(&import, "api"), ["cache", "db"]);
    let api = &import.model.components["api"];
    // Each pod where its workload runs: the canary's in its zone.
    let instances: Vec<(&str, Vec<&str>)> = api
        .instances
        .iter()
        .map(|i| {
            (
                i.name.as_str(),
                i.domains.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        instances,
        [
            ("api-stable-1", vec![]),
            ("api-stable-2", vec![]),
            ("api-canary-1", vec!["eu-1a"])
        ]
    );
    assert_eq!(api.source.as_deref(), Some("m.yaml:71"));
    assert_eq!(text.lines().nth(70), Some("kind: Service"));
    let mapped: Vec<(&str, &str)> = import
        .report
        .mapped
        .iter()
        .map(|m| (m.object.as_str(), m.component.as_str()))
        .collect();
    for object in [
        "Deployment/api-stable",
        "Deployment/api-canary",
        "Service/api",
    ] {
        assert!(mapped.contains(&(object, "api")), "{object}: {mapped:?}");
    }
    assert!(
        import
            .report
            .inferred
            .iter()
            .any(|i| i.from == "api" && i.to == "pool: api-stable, api-canary"),
        "{:#?}",
        import.report.inferred
    );
    // The canary's single pod is not a SPOF: the stable pods answer without it.
    assert_eq!(spofs(&import), ["cache", "db", "web"]);
}

#[test]
fn workloads_a_service_also_selects_apart_are_not_pooled() {
    let text = [
        deployment("web", "", &container("example/web:1", &[("API", "http://api:8080")])),
        labelled("api-stable", "api", "  replicas: 2\n", &container("example/api:1", &[])),
        labelled("api-canary", "api", "", &container("example/api:2", &[])),
        service("api", "api", "ClusterIP"),
        // The canary alone, for testers.
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: api-canary\nspec:\n  selector:\n    app: api\n    track: api-canary\n".to_string(),
    ]
    .join("---\n");
    let import = import(&text);
    assert_eq!(targets(&import, "web"), ["api-canary", "api-stable"]);
    assert!(
        import.report.not_modelled.iter().any(|n| n.contains(
            "api-canary is also selected by Service api-canary without the others, so they are not pooled"
        )),
        "{:#?}",
        import.report.not_modelled
    );
}
