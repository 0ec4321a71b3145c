//! The Backstage importer on small inline catalogs: APIs provided and consumed, Location
//! targets, `dependencyOf`, libraries, entities defined twice and located YAML errors.

mod corpus_check;

use corpus_check::{read_model, set, spofs};
use spof_import::{Import, SourceFile, backstage};

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        text: text.into(),
    }
}

fn import(files: &[SourceFile]) -> Import {
    backstage::import(files).unwrap_or_else(|e| panic!("{e}"))
}

const SHOP: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
spec:
  type: website
  owner: team-a
  consumesApis: [orders-api]
  dependsOn: [resource:sessions]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders
spec:
  type: service
  providesApis: [orders-api]
  dependsOn: [resource:default/orders-db]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: orders-api
spec:
  type: openapi
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: orders-db
spec:
  type: database
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: sessions
spec:
  type: redis
  dependencyOf: [component:orders]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: utils
spec:
  type: library
";

#[test]
fn consumed_apis_become_inferred_dependencies_on_their_providers() {
    let import = import(&[file("catalog/shop.yaml", SHOP)]);
    let web = &import.model.components["web"];
    let deps: Vec<(&str, bool)> = web
        .depends_on
        .iter()
        .map(|d| (d.component.as_str(), d.inferred.is_some()))
        .collect();
    assert_eq!(deps, [("sessions", false), ("orders", true)]);
    assert!(
        import.report.inferred.iter().any(|i| i.from == "web"
            && i.to == "orders"
            && i.evidence.contains("consumesApis api:orders-api")),
        "{:#?}",
        import.report.inferred
    );
    // dependencyOf is the reverse edge.
    let orders = &import.model.components["orders"];
    assert!(orders.depends_on.iter().any(|d| d.component == "sessions"));
    assert_eq!(import.model.components["sessions"].kind.as_str(), "cache");
    assert_eq!(web.kind.as_str(), "web");
    assert_eq!(web.owner.as_deref(), Some("team-a"));
    assert_eq!(web.source.as_deref(), Some("catalog/shop.yaml:1"));
    assert_eq!(
        import.model.components["orders"].source.as_deref(),
        Some("catalog/shop.yaml:11")
    );
    // No redundancy is guessed: every component is one instance and says so.
    assert!(
        import
            .model
            .components
            .values()
            .all(|c| c.replicas.is_none())
    );
    assert_eq!(
        import
            .report
            .not_modelled
            .iter()
            .filter(|n| n.contains("redundancy not in the catalog"))
            .count(),
        4
    );
    assert!(
        import
            .report
            .unmapped
            .iter()
            .any(|u| u.object == "Component:utils")
    );
    assert_eq!(
        spofs(&read_model(&import.model.to_yaml("test"))),
        set(&["orders", "orders-db", "sessions", "web"])
    );
}

#[test]
fn locations_are_followed_and_missing_targets_reported() {
    let files = [
        file(
            "catalog/all.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./sub/a.json, ../elsewhere/missing.yaml, https://example.com/c.yaml]\n",
        ),
        file(
            "catalog/sub/a.json",
            r#"{"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "a"}, "spec": {"type": "service", "consumesApis": ["nowhere"]}}"#,
        ),
        file("catalog/openapi.json", r#"{"openapi": "3.0.0"}"#),
        file(
            "catalog/dup.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: b}\nspec: {type: service}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: b}\nspec: {type: website}\n",
        ),
    ];
    let import = import(&files);
    assert!(import.model.components.contains_key("a"));
    let unresolved: Vec<&str> = import
        .report
        .unresolved
        .iter()
        .map(|u| u.reference.as_str())
        .collect();
    assert!(
        unresolved
            .iter()
            .any(|u| u.contains("../elsewhere/missing.yaml") && u.contains("no such file"))
    );
    assert!(
        unresolved
            .iter()
            .any(|u| u.contains("https://example.com/c.yaml") && u.contains("not fetched"))
    );
    assert!(
        unresolved
            .iter()
            .any(|u| u.contains("consumesApis api:nowhere"))
    );
    let unmapped: Vec<(&str, &str)> = import
        .report
        .unmapped
        .iter()
        .map(|u| (u.object.as_str(), u.why.as_str()))
        .collect();
    assert!(unmapped.iter().any(|(o, _)| *o == "catalog/openapi.json"));
    assert!(
        unmapped
            .iter()
            .any(|(o, w)| *o == "Component:b" && w.contains("defined twice"))
    );
}

#[test]
fn broken_yaml_is_a_located_error() {
    let e = backstage::import(&[file("c.yaml", "kind: Component\nmetadata: [\n")]).unwrap_err();
    assert_eq!(e.file, "c.yaml");
    assert!(e.line.is_some(), "{e}");
}

#[test]
fn names_the_model_reader_refuses_are_renamed() {
    let import = import(&[file(
        "c.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: \"a\\tb\"}\nspec: {type: service, dependsOn: [\"resource:c\\td\"]}\n---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: \"c\\td\"}\nspec: {type: database}\n",
    )]);
    let a = &import.model.components["a\\tb"];
    assert_eq!(a.depends_on[0].component, "c\\td");
    read_model(&import.model.to_yaml("test"));
}
