//! The model's edits keep what the reader guarantees, and the check of those guarantees finds
//! what a careless edit breaks.

use spof_model::{Failover, Model, ParseLimits, Redundancy, parse_model};

fn model(yaml: &str) -> Model {
    let parsed = parse_model(yaml, &ParseLimits::default());
    let model = parsed
        .model
        .unwrap_or_else(|| panic!("{:#?}", parsed.diagnostics));
    assert_eq!(model.invariant_errors(), Vec::<String>::new());
    model
}

const ZONES: &str = "domains:\n  us-east-1a: {kind: zone}\n  us-east-1b: {kind: zone}\n  h1: {kind: host, in: us-east-1a}\ncomponents:\n  app: {kind: service, replicas: 2, spread: [us-east-1a, us-east-1b]}\n  db: {kind: database, instances: [{name: '2', in: [h1]}]}\n  lb: {kind: load_balancer, in: [us-east-1a], depends_on: [app, db]}\n";

#[test]
fn added_instances_are_placed_in_turn_with_free_names() {
    let mut m = model(ZONES);
    let app = m.component("app").unwrap();
    m.add_instances(app, 5);
    let placed: Vec<(String, String)> = m.components[app]
        .instances
        .iter()
        .map(|i| {
            (
                i.name.clone(),
                m.domains[m.zone_of(i).unwrap()].name.clone(),
            )
        })
        .collect();
    assert_eq!(
        placed,
        [
            ("1", "us-east-1a"),
            ("2", "us-east-1b"),
            ("3", "us-east-1a"),
            ("4", "us-east-1b"),
            ("5", "us-east-1a")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // A taken name is skipped.
    let db = m.component("db").unwrap();
    m.add_instances(db, 2);
    let names: Vec<&str> = m.components[db]
        .instances
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(names, ["2", "3"]);
    assert_eq!(m.invariant_errors(), Vec::<String>::new());
}

#[test]
fn a_standby_fails_over_automatically() {
    let mut m = model(ZONES);
    let lb = m.component("lb").unwrap();
    m.add_standby(lb, spof_model::Duration(5));
    let c = &m.components[lb];
    assert_eq!(c.instances.len(), 2);
    assert_eq!(c.min_healthy, 1);
    assert!(c.floating_address);
    assert!(matches!(
        c.redundancy,
        Redundancy::ActivePassive {
            failover: Failover::Automatic,
            ..
        }
    ));
    assert_eq!(m.invariant_errors(), Vec::<String>::new());
}

#[test]
fn spreading_out_mirrors_inner_domains_and_names_siblings() {
    let mut m = model(
        "domains:\n  us-east-1a: {kind: zone}\n  h1: {kind: host, in: us-east-1a}\ncomponents:\n  db: {kind: database, replicas: 3, in: [h1]}\n",
    );
    assert_eq!(
        m.sibling_names(m.domain("us-east-1a").unwrap(), 2),
        ["us-east-1b", "us-east-1c"]
    );
    let db = m.component("db").unwrap();
    m.spread_out(m.domain("us-east-1a").unwrap(), &[db], 3);
    let zones: Vec<String> = m.components[db]
        .instances
        .iter()
        .map(|i| m.domains[m.zone_of(i).unwrap()].name.clone())
        .collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b", "us-east-1c"]);
    // The host is mirrored in each new zone.
    assert!(m.domain("h1-us-east-1b").is_some());
    assert_eq!(m.invariant_errors(), Vec::<String>::new());
}

#[test]
fn placing_in_turn_leaves_the_old_zone_and_what_is_inside_it() {
    let mut m = model(ZONES);
    let db = m.component("db").unwrap();
    m.add_instances(db, 3);
    let zones: Vec<usize> = ["us-east-1a", "us-east-1b"]
        .iter()
        .map(|z| m.domain(z).unwrap())
        .collect();
    m.place_in_turn(db, &zones);
    for (i, instance) in m.components[db].instances.iter().enumerate() {
        // No instance keeps host h1 (in zone a) while placed in zone b.
        assert_eq!(instance.domains, vec![zones[i % 2]]);
    }
    assert_eq!(m.invariant_errors(), Vec::<String>::new());
}

#[test]
fn broken_guarantees_are_found() {
    let mut m = model(ZONES);
    let app = m.component("app").unwrap();
    m.components[app].instances[1].name = "1".into();
    m.components[app].min_healthy = 3;
    let h1 = m.domain("h1").unwrap();
    let b = m.domain("us-east-1b").unwrap();
    // In host h1 (zone a) and in zone b at once.
    m.components[app].instances[0].domains = vec![h1, b];
    let errors = m.invariant_errors();
    assert!(
        errors.contains(&"`app` has two instances named `1`".to_string()),
        "{errors:?}"
    );
    assert!(
        errors.contains(&"`app` needs 3 of its 2 instances".to_string()),
        "{errors:?}"
    );
    assert!(
        errors.contains(&"instance `1` of `app` is in two domains of kind zone".to_string()),
        "{errors:?}"
    );
    let mut m = model(ZONES);
    let a = m.domain("us-east-1a").unwrap();
    m.domains[a].parent = Some(h1);
    assert!(
        m.invariant_errors()
            .iter()
            .any(|e| e.contains("is inside itself")),
        "{:?}",
        m.invariant_errors()
    );
}
