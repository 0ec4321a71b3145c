//! A 50 MB multi-document Kubernetes manifest imports in seconds. Ignored by default (it is a
//! measurement, best run in release):
//!
//! ```text
//! cargo test --release -p spof-import --test large -- --ignored --nocapture
//! ```
//!
//! With `SPOF_LARGE_MANIFEST=path` the manifest is also written there, to time `spof import`
//! on it (docs/importers.md gives the figure).

use spof_import::SourceFile;
use std::fmt::Write as _;
use std::time::Instant;

/// A manifest of `apps` applications: each a Deployment (with probes, resources, environment
/// naming two later applications), a Service and a ConfigMap; every tenth also a
/// HorizontalPodAutoscaler and a PodDisruptionBudget.
fn manifest(apps: usize) -> String {
    let mut out = String::with_capacity(apps * 1600);
    for i in 0..apps {
        // Calls go forward only: no dependency cycle.
        let next = (i + 1).min(apps - 1);
        let other = (i + 7).min(apps - 1);
        let replicas = if i % 2 == 0 { 1 } else { 3 };
        let _ = write!(
            out,
            "---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: shop
  labels:
    app: app-{i}
    tier: backend
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
        tier: backend
    spec:
      containers:
      - name: server
        image: registry.example.com/shop/app-{i}:v1.2.3
        ports:
        - containerPort: 8080
        env:
        - name: PORT
          value: \"8080\"
        - name: NEXT_SERVICE_ADDR
          value: \"app-{next}:8080\"
        - name: OTHER_URL
          value: \"http://app-{other}.shop.svc.cluster.local:8080/api\"
        - name: LOG_LEVEL
          value: info
        envFrom:
        - configMapRef:
            name: app-{i}-config
        readinessProbe:
          httpGet:
            path: /ready
            port: 8080
        livenessProbe:
          httpGet:
            path: /live
            port: 8080
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            cpu: 500m
            memory: 256Mi
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: shop
spec:
  selector:
    app: app-{i}
  ports:
  - name: http
    port: 8080
    targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{i}-config
  namespace: shop
data:
  FEATURE_FLAGS: \"a,b,c\"
  CACHE_TTL: \"30s\"
  GREETING: \"hello from app {i}\"
"
        );
        if i % 10 == 0 {
            let _ = write!(
                out,
                "---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app-{i}
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: app-{i}
  minReplicas: 2
  maxReplicas: 10
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app-{i}
  namespace: shop
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: app-{i}
"
            );
        }
    }
    out
}

// The figures are the point of this test's output.
#[allow(clippy::print_stderr)]
#[test]
#[ignore = "a measurement: run in release with --ignored"]
fn fifty_megabytes_import_in_seconds() {
    let apps = 34_000;
    let text = manifest(apps);
    assert!(text.len() > 50_000_000, "{} bytes", text.len());
    if let Some(path) = std::env::var_os("SPOF_LARGE_MANIFEST") {
        std::fs::write(&path, &text).expect("the manifest is written");
    }
    if std::env::var_os("SPOF_LARGE_PARSE_ONLY").is_some() {
        let start = Instant::now();
        let documents = spof_import::parse_yaml_documents("large.yaml", &text).unwrap();
        eprintln!(
            "parse only: {} documents in {:.2}s",
            documents.len(),
            start.elapsed().as_secs_f64()
        );
    }
    let start = Instant::now();
    let import = spof_import::kubernetes::import(&[SourceFile {
        path: "large.yaml".into(),
        text,
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    let elapsed = start.elapsed();
    assert_eq!(import.model.components.len(), apps);
    let edges: usize = import
        .model
        .components
        .values()
        .map(|c| c.depends_on.len())
        .sum();
    let distinct: usize = (0..apps)
        .map(|i| {
            let targets: std::collections::BTreeSet<usize> =
                [(i + 1).min(apps - 1), (i + 7).min(apps - 1)]
                    .into_iter()
                    .filter(|&t| t != i)
                    .collect();
            targets.len()
        })
        .sum();
    assert_eq!(edges, distinct);
    let start = Instant::now();
    let yaml = import.model.to_yaml("large");
    let rendered = start.elapsed();
    eprintln!(
        "{apps} applications: import {:.2}s, rendering {:.2}s ({} bytes of model)",
        elapsed.as_secs_f64(),
        rendered.as_secs_f64(),
        yaml.len()
    );
}
