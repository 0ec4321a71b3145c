//! The import report's renderer on its own: every section, in text and in versioned JSON.

use spof_import::{ImportReport, Inferred, Mapped, Unmapped, Unresolved};

fn report() -> ImportReport {
    ImportReport {
        format: "kubernetes".into(),
        mapped: vec![
            Mapped {
                object: "Deployment/web".into(),
                component: "web".into(),
                source: "k8s/web.yaml:1".into(),
            },
            Mapped {
                object: "Service/web".into(),
                component: "web".into(),
                source: "k8s/web.yaml:20".into(),
            },
        ],
        inferred: vec![
            Inferred {
                from: "web".into(),
                to: "db".into(),
                evidence: "env DB_HOST=db".into(),
                source: "k8s/web.yaml:14".into(),
            },
            Inferred {
                from: "web".into(),
                to: "health_check: true".into(),
                evidence: "a readiness probe".into(),
                source: "k8s/web.yaml:16".into(),
            },
        ],
        unmapped: vec![
            Unmapped {
                object: "ConfigMap/a".into(),
                why: "configuration is not a component".into(),
                source: "k8s/a.yaml:1".into(),
                runs: false,
            },
            Unmapped {
                object: "Secret/b".into(),
                why: "configuration is not a component".into(),
                source: "k8s/b.yaml:1".into(),
                runs: false,
            },
            Unmapped {
                object: "k8s/tests/x.yaml".into(),
                why: "ignored by the policy's import pattern `tests`".into(),
                source: "k8s/tests/x.yaml".into(),
                runs: false,
            },
        ],
        unresolved: vec![Unresolved {
            reference: "db".into(),
            from: "web".into(),
            source: "k8s/web.yaml:14".into(),
        }],
        not_modelled: vec!["journeys: declare them in an overlay".into()],
        entry_points: Vec::new(),
    }
}

#[test]
fn text_has_every_section() {
    let notes = vec!["overlay.yaml: 1 journeys added or changed".to_string()];
    insta::assert_snapshot!(spof_report::import::text(&report(), &notes));
    insta::assert_snapshot!(
        "empty",
        spof_report::import::text(&ImportReport::default(), &[])
    );
}

#[test]
fn json_is_versioned_and_the_check_report_form_is_not() {
    let json = spof_report::import::json(&report(), &[], None);
    insta::assert_snapshot!(json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["schema_version"], spof_report::import::SCHEMA_VERSION);
    let embedded = serde_json::to_value(spof_report::import::wire(&report(), &[], None)).unwrap();
    assert!(embedded.get("schema_version").is_none());
    assert_eq!(embedded["unmapped"].as_array().unwrap().len(), 3);
}
