//! Bad models get located diagnostics with what was expected and near names, all at once.

use spof_model::{ParseLimits, Severity, parse_model};

/// (severity, line, column, message, help) of every diagnostic.
fn diagnose(yaml: &str) -> Vec<(Severity, u32, u32, String, String)> {
    let parsed = parse_model(yaml, &ParseLimits::default());
    let has_error = parsed
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    assert_eq!(
        parsed.model.is_none(),
        has_error,
        "a model exactly when there is no error"
    );
    parsed
        .diagnostics
        .into_iter()
        .map(|d| {
            let span = d.span.unwrap_or_default();
            (
                d.severity,
                span.line,
                span.column,
                d.message,
                d.help.unwrap_or_default(),
            )
        })
        .collect()
}

fn only_error(yaml: &str) -> (u32, u32, String, String) {
    let diags = diagnose(yaml);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let (severity, line, column, message, help) = diags.into_iter().next().unwrap();
    assert_eq!(severity, Severity::Error);
    (line, column, message, help)
}

#[test]
fn dangling_dependency_suggests_the_near_name() {
    let (line, column, message, help) = only_error(
        "components:\n  app:\n    kind: service\n    depends_on: [dbb]\n  db:\n    kind: database\n",
    );
    assert_eq!((line, column), (4, 18));
    assert_eq!(message, "no component `dbb`");
    assert_eq!(help, "did you mean `db`?");
}

#[test]
fn unknown_key_suggests_the_near_key() {
    let (line, column, message, help) =
        only_error("components:\n  app:\n    kind: service\n    replica: 2\n");
    assert_eq!((line, column), (4, 5));
    assert_eq!(message, "unknown key `replica` in component `app`");
    assert_eq!(help, "did you mean `replicas`?");
}

#[test]
fn unknown_kind_lists_the_vocabulary_and_the_near_one() {
    let (line, _, message, help) = only_error("components:\n  db:\n    kind: databse\n");
    assert_eq!(line, 3);
    assert!(message.contains("`databse` is not known"), "{message}");
    assert!(help.starts_with("did you mean `database`?"), "{help}");
    assert!(help.contains("load_balancer"), "{help}");
}

#[test]
fn zero_and_huge_replica_counts_are_out_of_range() {
    let (line, column, message, _) =
        only_error("components:\n  app:\n    kind: service\n    replicas: 0\n");
    assert_eq!((line, column), (4, 15));
    assert!(message.contains("must be from 1 to 1000000"), "{message}");
    let (_, _, message, _) = only_error(
        "components:\n  app:\n    kind: service\n    replicas: 99999999999999999999999999\n",
    );
    assert!(
        message.contains("must be from 1 to 1000000") || message.contains("whole number"),
        "{message}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let yaml = "components:\n  app:\n    kind: servce\n    replicas: 0\n    depends_on: [dbb]\n    replica: 3\n  db:\n    kind: database\n    failover_time: soon\n";
    let diags = diagnose(yaml);
    let lines: Vec<u32> = diags.iter().map(|d| d.1).collect();
    // Line 9 holds two problems: the value is not a duration, and the key needs a standby.
    assert_eq!(lines, [3, 4, 5, 6, 9, 9], "{diags:#?}");
    assert!(diags.iter().all(|d| d.0 == Severity::Error));
}

#[test]
fn wrong_types_say_what_was_expected() {
    let (_, _, message, _) =
        only_error("components:\n  app:\n    kind: service\n    health_check: maybe\n");
    assert!(
        message.contains("should be true or false, not a string"),
        "{message}"
    );
    let (_, _, message, _) = only_error("components: [a, b]\n");
    assert!(
        message.contains("should be a mapping from names"),
        "{message}"
    );
    let (_, _, message, _) = only_error("- a\n- b\n");
    assert!(message.contains("should be a mapping"), "{message}");
}

#[test]
fn min_healthy_above_the_instance_count() {
    let (_, _, message, help) =
        only_error("components:\n  app:\n    kind: service\n    replicas: 2\n    min_healthy: 3\n");
    assert!(
        message.contains("needs 3 healthy instances but has only 2"),
        "{message}"
    );
    assert!(help.contains("at most 2"), "{help}");
}

#[test]
fn an_instance_cannot_be_in_two_zones() {
    let yaml = "domains:\n  a: {kind: zone}\n  b: {kind: zone}\n  h: {kind: host, in: a}\ncomponents:\n  app:\n    kind: service\n    instances:\n      - {name: x, in: [h, b]}\n";
    let (line, _, message, _) = only_error(yaml);
    assert_eq!(line, 9);
    assert!(
        message.contains("zone `a`") && message.contains("zone `b`"),
        "{message}"
    );
}

#[test]
fn domain_hierarchy_nests_outward() {
    let (_, _, message, _) = only_error(
        "domains:\n  r: {kind: region}\n  z: {kind: zone}\n  bad: {kind: region, in: z}\ncomponents:\n  a: {kind: service}\n",
    );
    assert_eq!(message, "region `bad` cannot be in zone `z`");
}

#[test]
fn a_loop_of_domains_is_reported_once_where_it_closes() {
    let (line, column, message, _) = only_error(
        "domains:\n  a: {kind: power, in: c}\n  b: {kind: power2, in: a}\n  c: {kind: power3, in: b}\ncomponents:\n  x: {kind: service, in: [a]}\n",
    );
    assert_eq!(message, "domain `a` is inside itself through `in`");
    assert_eq!((line, column), (2, 24));
}

#[test]
fn domains_nest_at_most_64_deep() {
    let mut yaml = String::from("domains:\n  d0: {kind: k0}\n");
    for i in 1..=100 {
        yaml.push_str(&format!("  d{i}: {{kind: k{i}, in: d{}}}\n", i - 1));
    }
    yaml.push_str("components:\n  x: {kind: service, in: [d100]}\n");
    let (line, _, message, help) = only_error(&yaml);
    assert_eq!(
        message,
        "domain `d64` is inside 64 other domains; domains nest at most 64 deep"
    );
    assert_eq!(line, 66);
    assert!(help.contains("mistake in `in`"), "{help}");
    // 64 deep is accepted.
    let mut yaml = String::from("domains:\n  d0: {kind: k0}\n");
    for i in 1..64 {
        yaml.push_str(&format!("  d{i}: {{kind: k{i}, in: d{}}}\n", i - 1));
    }
    yaml.push_str("components:\n  x: {kind: service, in: [d63]}\n");
    assert!(diagnose(&yaml).is_empty());
}

#[test]
fn a_dependency_cycle_is_a_located_warning_and_the_model_is_usable() {
    let yaml = "components:\n  a:\n    kind: service\n    depends_on: [b]\n  b:\n    kind: service\n    depends_on: [a]\n";
    let diags = diagnose(yaml);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let (severity, line, column, message, help) = &diags[0];
    assert_eq!(*severity, Severity::Warning);
    assert_eq!((*line, *column), (4, 18));
    assert_eq!(message, "dependency cycle: a, b depend on each other");
    assert!(help.contains("the cycle alone fails nothing"), "{help}");
}

#[test]
fn durations_and_dates_are_checked() {
    let (_, _, message, help) =
        only_error("components:\n  db:\n    kind: database\n    restore_time: 4 hours\n");
    assert!(message.contains("is not a duration"), "{message}");
    assert!(help.contains("90s, 30m, 3h"), "{help}");
    let (_, _, message, _) = only_error(
        "components:\n  a: {kind: service}\ndecisions:\n  - {finding: SPOF001, status: accepted, review_by: 2027-02-30}\n",
    );
    assert!(message.contains("not a real date"), "{message}");
}

#[test]
fn kind_specific_blocks_need_their_kind() {
    let (_, _, message, help) =
        only_error("components:\n  app:\n    kind: service\n    dns: {providers: [x]}\n");
    assert_eq!(message, "`dns` applies to components of kind dns");
    assert!(help.contains("kind: dns"), "{help}");
}

#[test]
fn steps_name_a_verb_and_a_component() {
    let diags = diagnose(
        "people:\n  al:\n    can: [\"failovr:db\", \"failover:dbb\", \"nonsense\"]\ncomponents:\n  db: {kind: database}\n",
    );
    assert_eq!(diags.len(), 3, "{diags:#?}");
    assert!(
        diags[0].4.contains("did you mean `failover`?"),
        "{diags:#?}"
    );
    assert!(diags[1].4.contains("did you mean `db`?"), "{diags:#?}");
    assert!(diags[2].4.contains("VERB:COMPONENT"), "{diags:#?}");
}

#[test]
fn every_later_key_reaches_the_model() {
    let yaml = "domains:\n  z: {kind: zone, failures_per_year: 0.5, restore_time: 2h}\ncomponents:\n  app:\n    kind: service\n    source: deploy.yaml:3\n    failures_per_year: 3\n    cost_per_month: 42\n    in: [z]\n    depends_on:\n      - {component: db, inferred: env DB_HOST=db}\n  db: {kind: database}\n";
    let parsed = parse_model(yaml, &ParseLimits::default());
    let model = parsed.model.expect("a model");
    let app = &model.components[0];
    assert_eq!(app.source.as_deref(), Some("deploy.yaml:3"));
    assert_eq!(app.failures_per_year, Some(3.0));
    assert_eq!(app.cost_per_month, Some(42.0));
    assert_eq!(
        app.depends_on[0].inferred.as_deref(),
        Some("env DB_HOST=db")
    );
    assert_eq!(model.domains[0].failures_per_year, Some(0.5));
}
