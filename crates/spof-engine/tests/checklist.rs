//! The audit checklist judged on small models: each item's state comes from the findings, a
//! decision in force turns a SPOF into accepted, an expired one does not, and what the model
//! does not say is not modelled.

use spof_engine::checklist::{Checklist, Item, State};
use spof_engine::{Config, check};
use spof_model::{Date, Kind, ParseLimits, parse_model};

fn checklist(yaml: &str) -> Checklist {
    let parsed = parse_model(yaml, &ParseLimits::default());
    let model = parsed.model.unwrap_or_else(|| {
        panic!("model does not parse: {:#?}", parsed.diagnostics);
    });
    let config = Config {
        today: Some(Date::parse("2026-01-01").unwrap()),
        ..Default::default()
    };
    check(&model, &config).checklist
}

fn state(checklist: &Checklist, item: Item) -> State {
    checklist
        .items
        .iter()
        .find(|i| i.item == item)
        .expect("every item is judged")
        .state
}

const SHOP: &str = r#"
components:
  lb:
    kind: load_balancer
    restore_time: 1h
    depends_on: [app]
  app:
    kind: service
    replicas: 2
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    failover: automatic
    failover_time: 30s
"#;

#[test]
fn every_item_is_judged_once_in_order() {
    let list = checklist(SHOP);
    let items: Vec<Item> = list.items.iter().map(|i| i.item).collect();
    assert_eq!(items, Item::ALL);
    assert_eq!(State::ALL.iter().map(|&s| list.count(s)).sum::<usize>(), 16);
}

#[test]
fn spof_redundant_and_not_modelled_come_from_the_findings() {
    let list = checklist(SHOP);
    assert_eq!(state(&list, Item::LoadBalancers), State::Spof);
    assert_eq!(state(&list, Item::ApplicationServers), State::Redundant);
    assert_eq!(state(&list, Item::Databases), State::Redundant);
    for item in [Item::Dns, Item::Cdn, Item::Monitoring, Item::TeamKnowledge] {
        assert_eq!(state(&list, item), State::NotModelled, "{item:?}");
    }
    let db = list
        .items
        .iter()
        .find(|i| i.item == Item::Databases)
        .unwrap();
    assert_eq!(db.components[0].how, "2 instances, automatic failover 30s");
}

#[test]
fn a_decision_in_force_accepts_and_an_expired_one_does_not() {
    let accepted = format!(
        "{SHOP}\ndecisions:\n  - finding: SPOF014\n    component: lb\n    status: accepted\n    owner: alice\n    rto: 2h\n    review_by: 2026-06-30\n"
    );
    let list = checklist(&accepted);
    assert_eq!(state(&list, Item::LoadBalancers), State::Accepted);
    let expired = accepted.replace("2026-06-30", "2025-06-30");
    assert_eq!(
        state(&checklist(&expired), Item::LoadBalancers),
        State::Spof
    );
}

#[test]
fn team_knowledge_and_the_deploy_pipeline_come_from_people_and_deploys() {
    let yaml = r#"
people:
  alice:
    can: ["failover:db"]
components:
  app:
    kind: service
    replicas: 2
    deploy: all-at-once
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    failover: manual
    failover_time: 10m
"#;
    let list = checklist(yaml);
    assert_eq!(state(&list, Item::TeamKnowledge), State::Spof);
    assert_eq!(state(&list, Item::DeployPipeline), State::Spof);
    let two = yaml.replace(
        "people:\n  alice:\n    can: [\"failover:db\"]\n",
        "people:\n  alice:\n    can: [\"failover:db\"]\n  bob:\n    can: [\"failover:db\"]\n",
    );
    let list = checklist(&two);
    assert_eq!(state(&list, Item::TeamKnowledge), State::Redundant);
}

#[test]
fn an_import_names_the_items_its_format_cannot_express() {
    let mut list = checklist(SHOP);
    list.note_import("compose", &[Kind::Service, Kind::Cdn], false);
    let item = |i: Item| list.items.iter().find(|x| x.item == i).unwrap();
    assert_eq!(
        item(Item::Dns).not_expressible_in.as_deref(),
        Some("compose")
    );
    assert_eq!(
        item(Item::TeamKnowledge).not_expressible_in.as_deref(),
        Some("compose")
    );
    // The format could say it; this input did not.
    assert_eq!(item(Item::Cdn).not_expressible_in, None);
    // Modelled items are not marked.
    assert_eq!(item(Item::LoadBalancers).not_expressible_in, None);
}

#[test]
fn every_kind_but_plumbing_belongs_to_an_item() {
    for &kind in Kind::ALL {
        let item = Item::of_kind(kind);
        match kind {
            Kind::Network | Kind::Power | Kind::Ntp => assert_eq!(item, None),
            _ => assert!(item.is_some(), "{kind:?} is in no item"),
        }
    }
}
