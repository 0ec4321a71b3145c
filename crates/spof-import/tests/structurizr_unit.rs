//! The Structurizr importer on inline input: located errors. The small workspaces (replicas
//! as the product of nested deployment nodes' instances, zones, regions and providers, shared
//! hosts, infrastructure nodes and deployment relationships, a workspace without deployment,
//! primaries and standbys) are cases in `tests/cases/structurizr/`.

use spof_import::{SourceFile, structurizr};

#[test]
fn include_and_unbalanced_blocks_are_located_errors() {
    let e = structurizr::import(&[SourceFile {
        path: "w.dsl".into(),
        text: "workspace {\n    model {\n        !include people.dsl\n    }\n}\n".into(),
    }])
    .unwrap_err();
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        ("w.dsl", Some(3), Some(9))
    );
    assert!(e.message.contains("!include"), "{e}");
    let e = structurizr::import(&[SourceFile {
        path: "w.dsl".into(),
        text: "workspace {\n    model {\n}\n}\n}\n".into(),
    }])
    .unwrap_err();
    assert_eq!(e.line, Some(5));
    let e = structurizr::import(&[SourceFile {
        path: "w.dsl".into(),
        text: "model {\n}\n".into(),
    }])
    .unwrap_err();
    assert!(e.message.contains("no `workspace"), "{e}");
}
