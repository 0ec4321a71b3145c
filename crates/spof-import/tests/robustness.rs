//! Hostile and broken inputs: the Kubernetes and compose importers and the overlay reader on
//! thousands of mutations of real-looking files (truncated, lines dropped or repeated, bytes
//! replaced by YAML's punctuation) never panic, and whatever they import is a model the reader
//! accepts. A deterministic stand-in for fuzzing that runs with the other tests.

use spof_import::{SourceFile, overlay};

/// Mutations per test; `SPOF_ROBUSTNESS_ROUNDS` runs more (and `SPOF_ROBUSTNESS_SEED` others).
fn rounds() -> usize {
    std::env::var("SPOF_ROBUSTNESS_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(600)
}

fn seed(default: u64) -> u64 {
    std::env::var("SPOF_ROBUSTNESS_SEED")
        .ok()
        .and_then(|r| r.parse::<u64>().ok())
        .map_or(default, |s| s | 1)
}

const MANIFEST: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1
        env:
        - name: API_URL
          value: http://api.shop.svc.cluster.local:8080
        - name: DB
          valueFrom:
            configMapKeyRef: {name: cfg, key: db}
        args: [--cache=cache:6379, -h, api]
        readinessProbe: {httpGet: {path: /, port: 80}}
      volumes:
      - name: data
        persistentVolumeClaim: {claimName: data}
      topologySpreadConstraints:
      - topologyKey: topology.kubernetes.io/zone
        labelSelector: {matchLabels: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data:
  db: postgres://u:p@db:5432/x
  conf: |
    upstream api:8080
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 3}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {minAvailable: 50%, selector: {matchLabels: {app: web}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec: {accessModes: [ReadWriteOnce]}
";

const COMPOSE: &str = "services:
  web:
    build: ./web
    ports: [\"80:80\"]
    depends_on:
      db: {condition: service_healthy}
      cache: {condition: service_started, required: false}
    environment:
      - DB_URL=postgres://u:p@db:5432/x
      - API_HOST=api
    deploy: {replicas: 2}
  worker:
    image: example/worker
    environment: {QUEUE: amqp://mq:5672}
    links: [db]
    profiles: [jobs]
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data]
    healthcheck: {test: [CMD, pg_isready]}
  cache: {image: redis:7, container_name: cache-box}
  mq: {image: rabbitmq:3}
volumes: {data: {}}
";

const OVERLAY: &str = "components:
  web:
    replicas: 3
    depends_on:
      - component: api
        optional: true
      - db
  stripe: {kind: external}
journeys:
  shop: {path: [web]}
decisions:
  - {finding: SPOF001, component: db, status: accepted}
";

/// A small deterministic generator (xorshift).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A mutation of `text`: truncated, a line dropped or repeated, or characters replaced.
fn mutate(text: &str, random: &mut Random) -> String {
    let lines: Vec<&str> = text.lines().collect();
    match random.below(4) {
        0 => {
            let cut = random.below(text.len());
            let cut = (0..=cut)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            text[..cut].to_string()
        }
        1 => {
            let drop = random.below(lines.len());
            lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != drop)
                .map(|(_, l)| format!("{l}\n"))
                .collect()
        }
        2 => {
            let repeat = random.below(lines.len());
            let mut out = String::new();
            for (i, l) in lines.iter().enumerate() {
                out.push_str(l);
                out.push('\n');
                if i == repeat {
                    out.push_str(l);
                    out.push('\n');
                }
            }
            out
        }
        _ => {
            const PUNCTUATION: &[char] = &[
                ':', '-', ' ', '{', '}', '[', ']', '"', '\'', '\n', '&', '*', '!', '|', '>', '#',
                ',', '~', '0', 'x',
            ];
            let mut chars: Vec<char> = text.chars().collect();
            for _ in 0..1 + random.below(4) {
                let at = random.below(chars.len());
                chars[at] = PUNCTUATION[random.below(PUNCTUATION.len())];
            }
            chars.into_iter().collect()
        }
    }
}

fn check_model(yaml: &str, what: &str) {
    let parsed = spof_model::parse_model(yaml, &spof_model::ParseLimits::default());
    let errors: Vec<String> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == spof_model::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}\n{yaml}");
}

#[test]
fn mutated_inputs_never_panic_and_imports_are_valid_models() {
    let mut random = Random(seed(0x5eed_1234_abcd_0001));
    for round in 0..rounds() {
        let manifest = mutate(MANIFEST, &mut random);
        let files = [SourceFile {
            path: "m.yaml".into(),
            text: manifest.clone(),
        }];
        if let Ok(import) = spof_import::kubernetes::import(&files)
            && !import.model.components.is_empty()
        {
            let yaml = import.model.to_yaml("mutated");
            check_model(&yaml, &format!("kubernetes round {round}:\n{manifest}"));
            let overlay_text = mutate(OVERLAY, &mut random);
            let _ = overlay::apply(
                &yaml,
                "the import",
                &[SourceFile {
                    path: "o.yaml".into(),
                    text: overlay_text,
                }],
            );
        }
        let compose = mutate(COMPOSE, &mut random);
        let files = [SourceFile {
            path: "compose.yaml".into(),
            text: compose.clone(),
        }];
        if let Ok(import) = spof_import::compose::import(&files)
            && !import.model.components.is_empty()
        {
            check_model(
                &import.model.to_yaml("mutated"),
                &format!("compose round {round}:\n{compose}"),
            );
        }
    }
}

#[test]
fn overlays_on_a_valid_import_give_located_errors_or_a_model() {
    let import = spof_import::kubernetes::import(&[SourceFile {
        path: "m.yaml".into(),
        text: MANIFEST.into(),
    }])
    .unwrap();
    let yaml = import.model.to_yaml("import");
    let mut random = Random(seed(0x0e7e_1a75_05e5_0003));
    for _ in 0..rounds() {
        let text = mutate(OVERLAY, &mut random);
        match overlay::apply(
            &yaml,
            "the import",
            &[SourceFile {
                path: "o.yaml".into(),
                text: text.clone(),
            }],
        ) {
            Ok(result) => {
                // The merged text is YAML the reader can read (values may be of the wrong
                // type: those are the reader's diagnostics, located through the origins).
                let parsed =
                    spof_model::parse_model(&result.text, &spof_model::ParseLimits::default());
                for d in parsed.diagnostics {
                    if let Some(span) = d.span {
                        assert!(
                            (span.line as usize) <= result.origins.len() + 1,
                            "{text}\n{}",
                            result.text
                        );
                    }
                    assert_ne!(d.code, "yaml", "{}\n{text}\n{}", d.message, result.text);
                }
            }
            Err(errors) => {
                for e in errors {
                    assert_eq!(e.file, "o.yaml");
                    assert!(e.line.is_some(), "{e}");
                }
            }
        }
    }
}
