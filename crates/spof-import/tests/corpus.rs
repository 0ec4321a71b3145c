//! The Kubernetes and compose importers on the shared corpus (`shared/corpus/kubernetes/*`,
//! `shared/corpus/compose/*`): every data set imports without error and renders to a model
//! the reader accepts; its SPOFs are compared with the data set's EXPECTED.md twice, from the
//! import alone (recall and precision pinned here and stated in docs/importers.md) and with
//! the overlay in `tests/overlays/`, which supplies only what EXPECTED.md says the format
//! cannot express (hard or optional calls known from the source code, journeys) and must give
//! exactly the expected SPOFs.

use spof_import::{Format, SourceFile, overlay};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A data set: its input, the SPOFs EXPECTED.md names (components, and `host` for the Docker
/// host domain), and what the import alone finds (true positives, SPOFs found).
struct Case {
    name: &'static str,
    format: Format,
    /// Relative to the corpus root: a folder or a file.
    input: &'static str,
    overlay: &'static str,
    expected: &'static [&'static str],
    /// The import alone: (expected SPOFs found, SPOFs found).
    alone: (usize, usize),
}

const CASES: &[Case] = &[
    Case {
        name: "kubernetes/online-boutique",
        format: Format::Kubernetes,
        input: "kubernetes/online-boutique",
        overlay: "online-boutique",
        expected: &[
            "frontend",
            "currencyservice",
            "productcatalogservice",
            "cartservice",
            "redis-cart",
            "shippingservice",
            "checkoutservice",
            "paymentservice",
        ],
        // adservice, recommendationservice and emailservice are optional in the code.
        alone: (8, 11),
    },
    Case {
        name: "kubernetes/guestbook",
        format: Format::Kubernetes,
        input: "kubernetes/guestbook",
        overlay: "guestbook",
        expected: &["redis-master"],
        alone: (1, 1),
    },
    Case {
        name: "kubernetes/hotel-reservation",
        format: Format::Kubernetes,
        input: "kubernetes/hotel-reservation",
        overlay: "hotel-reservation-k8s",
        expected: &[
            "consul",
            "frontend",
            "search",
            "geo",
            "rate",
            "reservation",
            "profile",
            "recommendation",
            "user",
            "mongodb-geo",
            "mongodb-rate",
            "mongodb-reservation",
            "mongodb-profile",
            "mongodb-recommendation",
            "mongodb-user",
            "memcached-rate",
            "memcached-reserve",
            "memcached-profile",
        ],
        alone: (18, 18),
    },
    Case {
        name: "kubernetes/argocd",
        format: Format::Kubernetes,
        input: "kubernetes/argocd",
        overlay: "argocd",
        expected: &[
            "argocd-server",
            "argocd-repo-server",
            "argocd-application-controller",
            "argocd-applicationset-controller",
            "argocd-notifications-controller",
        ],
        // argocd-redis (a cache) and argocd-dex-server (SSO not configured) too.
        alone: (5, 7),
    },
    Case {
        name: "kubernetes/argocd-ha",
        format: Format::Kubernetes,
        input: "kubernetes/argocd-ha",
        overlay: "argocd-ha",
        expected: &[
            "argocd-application-controller",
            "argocd-applicationset-controller",
            "argocd-notifications-controller",
        ],
        // argocd-dex-server too.
        alone: (3, 4),
    },
    Case {
        name: "compose/example-voting-app (docker-compose.yml)",
        format: Format::Compose,
        input: "compose/example-voting-app/docker-compose.yml",
        overlay: "example-voting-app",
        expected: &["host", "vote", "redis", "result", "db", "worker"],
        alone: (6, 6),
    },
    Case {
        name: "compose/example-voting-app (docker-stack.yml)",
        format: Format::Compose,
        input: "compose/example-voting-app/docker-stack.yml",
        overlay: "example-voting-app",
        expected: &["redis", "db", "result"],
        alone: (3, 3),
    },
    Case {
        name: "compose/hotel-reservation",
        format: Format::Compose,
        input: "compose/hotel-reservation",
        overlay: "hotel-reservation-compose",
        expected: &[
            "host",
            "consul",
            "frontend",
            "search",
            "geo",
            "rate",
            "reservation",
            "profile",
            "recommendation",
            "user",
            "review",
            "attractions",
            "mongodb-geo",
            "mongodb-rate",
            "mongodb-reservation",
            "mongodb-profile",
            "mongodb-recommendation",
            "mongodb-user",
            "mongodb-review",
            "mongodb-attractions",
            "memcached-rate",
            "memcached-reserve",
            "memcached-profile",
            "memcached-review",
        ],
        alone: (24, 24),
    },
    Case {
        name: "compose/nginx-nodejs-redis",
        format: Format::Compose,
        input: "compose/nginx-nodejs-redis",
        overlay: "nginx-nodejs-redis",
        expected: &["host", "nginx", "redis"],
        alone: (3, 3),
    },
];

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// The input files of a case, as the CLI reads them: a folder's .yaml, .yml and .json files
/// (recursively, sorted), or the one file; paths relative to the corpus.
fn files(root: &Path, input: &str) -> Vec<SourceFile> {
    let path = root.join(input);
    let mut paths = Vec::new();
    if path.is_dir() {
        collect(&path, &mut paths);
    } else {
        paths.push(path);
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| SourceFile {
            path: p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/"),
            text: std::fs::read_to_string(&p).expect("corpus files are UTF-8 text"),
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable corpus folder") {
        let path = entry.expect("a readable entry").path();
        let name = path.to_string_lossy().to_ascii_lowercase();
        if path.is_dir() {
            collect(&path, out);
        } else if [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e)) {
            out.push(path);
        }
    }
}

fn read_model(yaml: &str, case: &str) -> spof_model::Model {
    let parsed = spof_model::parse_model(yaml, &spof_model::ParseLimits::default());
    let errors: Vec<String> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == spof_model::Severity::Error)
        .map(|d| format!("{}: {} ({:?})", d.code, d.message, d.span))
        .collect();
    assert!(
        errors.is_empty(),
        "{case}: model errors {errors:#?}\n{yaml}"
    );
    parsed.model.expect("a model when there is no error")
}

/// The SPOF events of a model, as names: a component's, or a domain's.
fn spofs(model: &spof_model::Model) -> BTreeSet<String> {
    let report = spof_engine::check(model, &spof_engine::Config::default());
    report
        .analysis
        .spofs()
        .filter_map(|event| match event.component() {
            Some(c) => Some(model.components[c].name.clone()),
            None => match event.kind {
                spof_engine::graph::EventKind::Domain(d) => Some(model.domains[d].name.clone()),
                _ => None,
            },
        })
        .collect()
}

// The table of results is the point of this test's output (`cargo test -- --nocapture`); the
// corpus is a sibling checkout, and without it the test says it has nothing to read.
#[allow(clippy::print_stderr)]
#[test]
fn corpus_kubernetes_and_compose() {
    let Some(root) = corpus() else {
        eprintln!("shared/corpus not found next to the repository: corpus test skipped");
        return;
    };
    let overlays = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/overlays");
    let mut table = String::from(
        "| data set | expected | import alone: recall | precision | with overlay: recall | precision |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for case in CASES {
        let input = files(&root, case.input);
        let import = spof_import::import(case.format, &input)
            .unwrap_or_else(|e| panic!("{}: the import fails: {e}", case.name));
        let yaml = import.model.to_yaml("corpus test");
        let expected: BTreeSet<String> = case.expected.iter().map(|s| s.to_string()).collect();

        let alone = spofs(&read_model(&yaml, case.name));
        let found = alone.intersection(&expected).count();
        assert_eq!(
            (found, alone.len()),
            case.alone,
            "{}: the import alone finds {alone:?}, expected {expected:?}",
            case.name
        );

        let path = overlays.join(format!("{}.yaml", case.overlay));
        let overlay_file = SourceFile {
            path: format!("tests/overlays/{}.yaml", case.overlay),
            text: std::fs::read_to_string(&path).expect("the overlay"),
        };
        let merged = overlay::apply(&yaml, "the import", &[overlay_file])
            .unwrap_or_else(|e| panic!("{}: the overlay fails: {e:#?}", case.name));
        let with = spofs(&read_model(&merged.text, case.name));
        assert_eq!(with, expected, "{}: with the overlay", case.name);

        let ratio = |a: usize, b: usize| {
            if b == 0 {
                "n/a".to_string()
            } else {
                format!("{a}/{b} = {:.2}", a as f64 / b as f64)
            }
        };
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            case.name,
            expected.len(),
            ratio(found, expected.len()),
            ratio(found, alone.len()),
            ratio(expected.len(), expected.len()),
            ratio(expected.len(), with.len()),
        ));
    }
    eprintln!("{table}");
}
