//! The Structurizr importer on the corpus (`shared/corpus/structurizr`): the Big Bank plc
//! workspace imports without error, renders to a model the reader accepts, and its SPOFs are
//! compared with EXPECTED.md from the import alone (recall and precision recorded in
//! docs/importers.md) and with the overlay, which must match
//! exactly.

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
    eprintln!("shared/corpus not found next to the repository: Structurizr corpus test skipped");
}

#[test]
fn big_bank_plc() {
    let Some(root) = corpus() else {
        return skip();
    };
    let files = read_dir(&root.join("structurizr/big-bank-plc"));
    let import = spof_import::structurizr::import(&files).unwrap_or_else(|e| panic!("{e}"));
    let yaml = model_yaml(&import, None);
    // Deterministic: the same input gives the same text.
    let again = spof_import::structurizr::import(&files).expect("imports again");
    assert_eq!(yaml, model_yaml(&again, None));
    debug(&yaml, &import);
    let expected = set(&["mainframe", "email", "zone:Big Bank plc"]);

    // Importer only: the database's failover mode is not stated and is taken as manual.
    let alone = spofs(&read_model(&yaml));
    let (recall, _) = recall_precision(&alone, &expected);
    assert_eq!(recall, 1.0, "{alone:?}");
    for not in ["webApplication", "apiApplication"] {
        assert!(!alone.contains(not), "{not}: {alone:?}");
    }

    let web = &import.model.components["webApplication"];
    assert_eq!(web.replicas, Some(4));
    let api = &import.model.components["apiApplication"];
    assert_eq!(api.replicas, Some(8));
    let db = &import.model.components["database"];
    let roles: Vec<&str> = db
        .instances
        .iter()
        .filter_map(|i| i.role.as_deref())
        .collect();
    assert_eq!(roles, ["primary", "standby"]);
    assert!(
        import
            .report
            .not_modelled
            .iter()
            .any(|n| n.starts_with("`database`: failover mode not stated")),
        "{:#?}",
        import.report.not_modelled
    );
    // The other environment is listed, not mapped; views are skipped with a note.
    assert!(
        import
            .report
            .unmapped
            .iter()
            .any(|u| u.object == "deployment environment Development")
    );
    assert!(import.report.unmapped.iter().any(|u| u.object == "views"));

    let with = spofs(&read_model(&model_yaml(
        &import,
        Some(&overlay("big-bank-plc")),
    )));
    assert_eq!(with, expected);
    // The same under the simple local merge (components' keys override).
    let local = spofs(&read_model(&model_yaml_local(
        &import,
        &overlay("big-bank-plc"),
    )));
    assert_eq!(local, expected);
}
