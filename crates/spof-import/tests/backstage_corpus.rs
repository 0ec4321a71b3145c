//! The Backstage importer on the corpus (`shared/corpus/backstage`): the Janus IDP showcase
//! catalog imports without error (the unreferenced OpenAPI JSON skipped), renders to a model the
//! reader accepts, and its SPOFs are compared with EXPECTED.md from the import alone (recall and
//! precision recorded in docs/importers.md) and with the
//! overlay, which must match exactly.

mod corpus_check;

use corpus_check::{
    corpus, model_yaml, model_yaml_local, overlay, read_dir, read_model, recall_precision, set,
    spofs,
};

// Printing is the point of the debug switch (SPOF_IMPORT_DEBUG=1); tests stay silent otherwise.
#[allow(clippy::print_stderr)]
fn debug(yaml: &str, import: &spof_import::Import) {
    if std::env::var_os("SPOF_IMPORT_DEBUG").is_some() {
        eprintln!("{yaml}");
        eprintln!(
            "{}",
            serde_json::to_string_pretty(&import.report).unwrap_or_default()
        );
    }
}

// The corpus is a sibling checkout; without it this test has nothing to read and says so.
#[allow(clippy::print_stderr)]
fn skip() {
    eprintln!("shared/corpus not found next to the repository: Backstage corpus test skipped");
}

#[test]
fn janus_showcase() {
    let Some(root) = corpus() else {
        return skip();
    };
    let files = read_dir(&root.join("backstage/janus-showcase"));
    let import = spof_import::backstage::import(&files).unwrap_or_else(|e| panic!("{e}"));
    let yaml = model_yaml(&import, None);
    // Deterministic: the same input gives the same text.
    let again = spof_import::backstage::import(&files).expect("imports again");
    assert_eq!(yaml, model_yaml(&again, None));
    debug(&yaml, &import);
    let expected = set(&["backstage-showcase", "pgdb", "keycloak"]);

    // Importer only: every dependsOn is hard, redundancy unknown for all but the S3 bucket.
    let alone = spofs(&read_model(&yaml));
    let (recall, precision) = recall_precision(&alone, &expected);
    assert_eq!(recall, 1.0, "{alone:?}");
    assert!(
        !alone.contains("obc"),
        "a managed S3 bucket is not a SPOF: {alone:?}"
    );
    assert!(precision >= 0.6, "{alone:?}");

    // The report: the swagger file skipped, redundancy not modelled for each component.
    assert!(
        import
            .report
            .unmapped
            .iter()
            .any(|u| u.object == "apis/nexus-swagger.json"),
        "{:#?}",
        import.report.unmapped
    );
    for name in ["backstage-showcase", "pgdb", "keycloak", "argocd", "github"] {
        assert!(
            import
                .report
                .not_modelled
                .iter()
                .any(|n| n.starts_with(&format!("`{name}`: redundancy not in the catalog"))),
            "{name}: {:#?}",
            import.report.not_modelled
        );
    }
    assert_eq!(
        import.model.components["backstage-showcase"]
            .source
            .as_deref(),
        Some("components/showcase.yaml:1")
    );

    let with = spofs(&read_model(&model_yaml(
        &import,
        Some(&overlay("janus-showcase")),
    )));
    assert_eq!(with, expected);
    // The same under the simple local merge (components' keys override).
    let local = spofs(&read_model(&model_yaml_local(
        &import,
        &overlay("janus-showcase"),
    )));
    assert_eq!(local, expected);
}
