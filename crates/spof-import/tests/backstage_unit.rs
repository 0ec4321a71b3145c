//! The Backstage importer on inline input: located YAML errors. The other small catalogs (APIs
//! provided and consumed, Location targets, entities defined twice, renamed names) are cases
//! in `tests/cases/backstage/`.

use spof_import::{SourceFile, backstage};

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        text: text.into(),
    }
}

#[test]
fn broken_yaml_is_a_located_error() {
    let e = backstage::import(&[file("c.yaml", "kind: Component\nmetadata: [\n")]).unwrap_err();
    assert_eq!(e.file, "c.yaml");
    assert!(e.line.is_some(), "{e}");
}
