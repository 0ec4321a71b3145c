//! What an import leaves unjudged (`spof_import::coverage`): never a silent pass.

use spof_import::coverage::assess;
use spof_import::{Format, SourceFile, import};
use spof_model::{ParseLimits, parse_model};

/// Imports `text` as `format` and judges the coverage of the model it gives.
fn coverage_of(format: Format, text: &str) -> spof_import::coverage::Coverage {
    let files = [SourceFile {
        path: "input.yaml".into(),
        text: text.into(),
    }];
    let imported = import(format, &files).expect("imports");
    let yaml = imported.model.to_yaml("test");
    let parsed = parse_model(&yaml, &ParseLimits::default());
    let model = parsed.model.expect("a valid model");
    assert!(!model.components.is_empty());
    assert!(!yaml.is_empty());
    assess(&imported.report, &model, false)
}

const MONITORING_ONLY: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: grafana
          image: grafana/grafana:10
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: kube-state-metrics}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: ksm
          image: registry.k8s.io/kube-state-metrics/kube-state-metrics:v2
";

#[test]
fn guessed_journeys_without_a_user_facing_component_are_said_and_unjudged_components_listed() {
    let coverage = coverage_of(Format::Kubernetes, MONITORING_ONLY);
    assert!(!coverage.complete);
    assert!(coverage.journeys_guessed);
    assert!(!coverage.user_facing_on_journeys);
    assert!(
        coverage.reasons[0].starts_with("no user-facing entry point found: add a journey"),
        "{:?}",
        coverage.reasons
    );
    assert_eq!(coverage.not_judged, ["grafana", "kube-state-metrics"]);
    assert!(
        coverage.reasons[1]
            .starts_with("2 single-instance components were not judged (on no journey): grafana, kube-state-metrics"),
        "{:?}",
        coverage.reasons
    );
}

#[test]
fn an_entry_point_on_a_journey_with_every_component_reached_is_complete() {
    let coverage = coverage_of(
        Format::Compose,
        "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n    depends_on: [db]\n    restart: always\n  db:\n    image: postgres\n    restart: always\n",
    );
    assert!(coverage.complete, "{:?}", coverage.reasons);
    assert!(!coverage.journeys_guessed);
    assert!(coverage.user_facing_on_journeys);
    assert!(coverage.not_judged.is_empty());
}

#[test]
fn journeys_declared_in_an_overlay_are_not_guessed() {
    let files = [SourceFile {
        path: "input.yaml".into(),
        text: MONITORING_ONLY.into(),
    }];
    let imported = import(Format::Kubernetes, &files).unwrap();
    let yaml = format!(
        "{}journeys:\n  dashboards:\n    path: [grafana, kube-state-metrics]\n",
        imported.model.to_yaml("test")
    );
    let model = parse_model(&yaml, &ParseLimits::default()).model.unwrap();
    let coverage = assess(&imported.report, &model, true);
    assert!(coverage.complete, "{:?}", coverage.reasons);
}

#[test]
fn a_large_share_of_running_objects_not_modelled_is_said() {
    let mut report = spof_import::ImportReport::default();
    report.entry_points.push("web".into());
    for name in ["a", "b"] {
        report.unmapped.push(spof_import::Unmapped {
            object: format!("Widget/{name}"),
            why: "not modelled".into(),
            source: "x.yaml:1".into(),
            runs: true,
        });
    }
    let model = parse_model(
        "version: 1\ncomponents:\n  web:\n    kind: web\n    replicas: 2\n",
        &ParseLimits::default(),
    )
    .model
    .unwrap();
    let coverage = assess(&report, &model, false);
    assert!(!coverage.complete);
    assert_eq!(coverage.not_modelled_running, ["Widget/a", "Widget/b"]);
    assert!(
        coverage.reasons[0]
            .starts_with("2 of 3 running objects of the input (67%) are not in the model"),
        "{:?}",
        coverage.reasons
    );
}

#[test]
fn a_load_generator_left_off_the_journeys_on_purpose_is_not_unjudged() {
    let coverage = coverage_of(
        Format::Compose,
        "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n    restart: always\n  locust:\n    image: locustio/locust:2\n    environment:\n      - TARGET=http://web:80\n",
    );
    assert!(coverage.not_judged.is_empty(), "{:?}", coverage.not_judged);
    assert!(coverage.complete, "{:?}", coverage.reasons);
}
