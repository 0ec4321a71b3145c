//! Regression tests for wrong answers users found, each named after what it checks. Every
//! test is a small model in YAML and the answer docs/analysis.md gives for it.

use spof_engine::analysis::{Recovery, WhatIf, what_if};
use spof_engine::evaluate::Outcome;
use spof_engine::graph::resolve_events;
use spof_engine::{Config, Report, check};
use spof_model::{Duration, Model, ParseLimits, parse_model};

fn model(yaml: &str) -> Model {
    let parsed = parse_model(yaml, &ParseLimits::default());
    match parsed.model {
        Some(model) => model,
        None => panic!("model rejected: {:#?}", parsed.diagnostics),
    }
}

fn report(yaml: &str) -> (Model, Report) {
    let model = model(yaml);
    let report = check(&model, &Config::default());
    (model, report)
}

/// The recovery of `event` on `journey`, or `Recovery::None`.
fn recovery(model: &Model, report: &Report, event: &str, journey: &str) -> Recovery {
    let events = resolve_events(model, &report.analysis.graph, event).expect("event");
    let j = model.journey(journey).expect("journey");
    report
        .analysis
        .event(events[0])
        .and_then(|r| r.effects.iter().find(|e| e.journey == j))
        .map(|e| e.recovery.clone())
        .unwrap_or(Recovery::None)
}

fn is_spof(model: &Model, report: &Report, event: &str) -> bool {
    let events = resolve_events(model, &report.analysis.graph, event).expect("event");
    report.analysis.event(events[0]).is_some_and(|r| r.spof)
}

fn whatif(model: &Model, report: &Report, events: &[&str]) -> WhatIf {
    let ids: Vec<u32> = events
        .iter()
        .flat_map(|e| resolve_events(model, &report.analysis.graph, e).expect("event"))
        .collect();
    what_if(&report.analysis.graph, &ids)
}

fn minutes(m: u64) -> Duration {
    Duration(m * 60)
}

#[test]
fn whatif_names_the_right_person_beside_a_certificate() {
    let (model, report) = report(
        "components:
  db: {kind: database, replicas: 2, failover: manual, failover_time: 5m}
  cert: {kind: certificate, certificate: {renewal: manual}}
people:
  alice: {can: ['failover:db']}
  bob: {can: []}
journeys:
  j: {path: [db, cert]}
",
    );
    // The primary and alice down together: nobody left to fail over.
    let down = whatif(&model, &report, &["db/1", "person:alice"]);
    assert_eq!(down.outcomes, vec![Outcome::DownUntilRepair]);
    // The primary and bob: alice fails over.
    let down = whatif(&model, &report, &["db/1", "person:bob"]);
    assert_eq!(down.outcomes, vec![Outcome::DownUntilManual]);
}

const PER_ZONE_DISK: &str = "domains:
  a: {kind: zone}
  b: {kind: zone}
components:
  db:
    kind: database
    replicas: 2
    spread: [a, b]
    failover: FAILOVER
    failover_time: 10m
    restore_time: 2h
    depends_on: [{component: disk, per: zone}]
  disk: {kind: file_storage, replicas: 2, spread: [a, b], restore_time: 1h}
journeys:
  j: {path: [db], rto_target: 5m}
";

#[test]
fn per_zone_dependency_keeps_the_failover_time_of_what_it_takes_down() {
    let (model, report) = report(&PER_ZONE_DISK.replace("FAILOVER", "automatic"));
    assert!(is_spof(&model, &report, "db/1"));
    assert!(is_spof(&model, &report, "disk/1"));
    match recovery(&model, &report, "disk/1", "j") {
        Recovery::Interrupted { time, .. } => assert_eq!(time, minutes(10)),
        other => panic!("disk/1: {other:?}"),
    }
    assert!(!is_spof(&model, &report, "disk/2"));
}

#[test]
fn per_zone_dependency_names_the_manual_step_it_waits_for() {
    let (model, report) = report(&PER_ZONE_DISK.replace("FAILOVER", "manual"));
    match recovery(&model, &report, "disk/1", "j") {
        Recovery::Manual { steps, time, .. } => {
            assert_eq!(steps.len(), 1);
            assert_eq!(steps[0].component(), model.component("db").unwrap());
            assert_eq!(time, minutes(10));
        }
        other => panic!("disk/1: {other:?}"),
    }
}

#[test]
fn repair_time_is_the_failed_events_own() {
    let yaml = PER_ZONE_DISK
        .replace("FAILOVER", "manual")
        .replace("journeys:", "people:\n  carol: {can: []}\njourneys:");
    let (model, report) = report(&yaml);
    // Nobody can fail db over: disk/1 takes the journey down until disk/1 is repaired.
    match recovery(&model, &report, "disk/1", "j") {
        Recovery::Repair { time, .. } => assert_eq!(time, Some(minutes(60))),
        other => panic!("disk/1: {other:?}"),
    }
    // A zone without restore_time has no known repair time, whatever runs in it.
    match recovery(&model, &report, "zone:a", "j") {
        Recovery::Repair { time, .. } => assert_eq!(time, None),
        other => panic!("zone:a: {other:?}"),
    }
}

#[test]
fn journey_waits_for_the_longest_failover_it_needs() {
    let (model, report) = report(
        "domains:
  a: {kind: zone}
  b: {kind: zone}
components:
  app:
    kind: service
    replicas: 2
    spread: [a, b]
    depends_on: [db, cache]
  db: {kind: database, replicas: 2, spread: [a, b], failover: manual, failover_time: 5m}
  cache: {kind: cache, replicas: 2, spread: [a, b], failover: automatic, failover_time: 1h}
journeys:
  j: {path: [app], rto_target: 30m}
",
    );
    match recovery(&model, &report, "zone:a", "j") {
        Recovery::Manual { time, steps, .. } => {
            assert_eq!(time, minutes(60));
            assert_eq!(steps.len(), 1);
        }
        other => panic!("zone:a: {other:?}"),
    }
    let j = &report.analysis.journeys[0];
    assert_eq!(j.rto, Some(minutes(60)));
    assert_eq!(j.meets_target, Some(false));
}

#[test]
fn cache_on_a_config_dependency_degrades_instead_of_taking_down() {
    let (model, report) = report(
        "components:
  app: {kind: service, replicas: 2, depends_on: [{component: cfg, cache: true}]}
  cfg: {kind: config}
journeys:
  j: {path: [app]}
",
    );
    assert!(!is_spof(&model, &report, "cfg/1"));
    assert!(matches!(
        recovery(&model, &report, "cfg/1", "j"),
        Recovery::Degraded { .. }
    ));
}

const STOREFRONT: &str = "components:
  web: {kind: web, replicas: 2, depends_on: [shop]}
  shop:
    kind: service
    replicas: 2
    depends_on:
      - {component: catalogue, journeys: [browse]}
      - {component: orders, journeys: [checkout]}
      - sessions
  catalogue: {kind: database}
  orders: {kind: database, replicas: 2, failover: automatic, failover_time: 30s}
  sessions: {kind: cache, replicas: 2}
journeys:
  browse: {path: [web]}
  checkout: {path: [web]}
  login: {path: [web]}
";

#[test]
fn request_scoped_dependency_takes_down_only_its_journeys() {
    let (model, report) = report(STOREFRONT);
    assert!(is_spof(&model, &report, "catalogue/1"));
    assert!(matches!(
        recovery(&model, &report, "catalogue/1", "browse"),
        Recovery::Repair { .. }
    ));
    assert_eq!(
        recovery(&model, &report, "catalogue/1", "checkout"),
        Recovery::None
    );
    assert_eq!(
        recovery(&model, &report, "catalogue/1", "login"),
        Recovery::None
    );
    let events = resolve_events(&model, &report.analysis.graph, "catalogue/1").unwrap();
    let event = report.analysis.event(events[0]).unwrap();
    assert!((event.blast_radius - 1.0 / 3.0).abs() < 1e-9);
    // whatif agrees.
    let down = whatif(&model, &report, &["catalogue/1"]);
    assert_eq!(
        down.outcomes,
        vec![Outcome::DownUntilRepair, Outcome::Up, Outcome::Up]
    );
    // The orders failover interrupts checkout only.
    assert!(matches!(
        recovery(&model, &report, "orders/1", "checkout"),
        Recovery::Interrupted { .. }
    ));
    assert_eq!(
        recovery(&model, &report, "orders/1", "browse"),
        Recovery::None
    );
}

#[test]
fn request_scoped_dependency_must_name_a_journey() {
    let parsed = parse_model(
        "components:
  a: {kind: service, depends_on: [{component: b, journeys: [brwose]}]}
  b: {kind: service}
journeys:
  browse: {path: [a]}
",
        &ParseLimits::default(),
    );
    assert!(parsed.model.is_none());
    let message = format!("{:?}", parsed.diagnostics);
    assert!(message.contains("browse"), "{message}");
}

#[test]
fn on_call_rota_decides_who_can_fail_over() {
    let (model, report) = report(
        "components:
  db: {kind: database, replicas: 2, failover: manual, failover_time: 5m, restore_time: 4h}
people:
  alice: {can: ['failover:db'], on_call: false}
  bob: {can: [], on_call: true}
journeys:
  j: {path: [db]}
",
    );
    // Only alice can fail over, and she is not on call: down until repaired.
    match recovery(&model, &report, "db/1", "j") {
        Recovery::Repair { time, .. } => assert_eq!(time, Some(minutes(240))),
        other => panic!("db/1: {other:?}"),
    }
}

const NESTED_PER_ZONE: &str = "domains:
  a: {kind: zone}
  b: {kind: zone}
components:
  web: {kind: web, replicas: 2, spread: [a, b], depends_on: [{component: mid, per: zone}]}
  mid: {kind: service, replicas: 2, spread: [a, b], depends_on: [{component: db, per: zone}]}
  db: {kind: database, replicas: 2, spread: [a, b]}
";

#[test]
fn nested_per_zone_dependency_counts_in_availability_and_risks() {
    let without_db = NESTED_PER_ZONE
        .replace(", depends_on: [{component: db, per: zone}]", "")
        .replace("  db: {kind: database, replicas: 2, spread: [a, b]}\n", "");
    let (_, smaller) = report(&without_db);
    let (model, report) = report(NESTED_PER_ZONE);
    let with_db = report.availability.as_ref().unwrap()[0].unavailability;
    let alone = smaller.availability.as_ref().unwrap()[0].unavailability;
    assert!(with_db > alone * 1.5, "{with_db} vs {alone}");
    // db/1 with web/2 takes the journey down: a group of two that risks lists.
    let graph = &report.analysis.graph;
    let config = spof_engine::risks::RiskConfig {
        max_order: 2,
        top: 1000,
    };
    let risks = spof_engine::risks::risks(&model, graph, &config).unwrap();
    let db1 = resolve_events(&model, graph, "db/1").unwrap()[0];
    let web2 = resolve_events(&model, graph, "web/2").unwrap()[0];
    assert!(
        risks[0]
            .groups
            .iter()
            .any(|g| g.events == vec![web2.min(db1), web2.max(db1)])
    );
    let pairs = spof_engine::risks::pair_risks(&model, graph, &config).unwrap();
    assert_eq!(risks[0].groups.len(), pairs[0].groups.len());
    // whatif agrees.
    let down = whatif(&model, &report, &["db/1", "web/2"]);
    assert_eq!(down.outcomes, vec![Outcome::DownUntilRepair]);
}

#[test]
fn dns_replicas_may_not_contradict_its_providers() {
    let parsed = parse_model(
        "components:
  dns: {kind: dns, replicas: 3, dns: {providers: [route53]}}
",
        &ParseLimits::default(),
    );
    assert!(parsed.model.is_none());
    let message = format!("{:?}", parsed.diagnostics);
    assert!(message.contains("providers"), "{message}");
    // Providers alone give one instance each.
    let model = model("components:\n  dns: {kind: dns, dns: {providers: [route53, cloudflare]}}\n");
    assert_eq!(model.components[0].instances.len(), 2);
}

#[test]
fn implicit_journey_ignores_what_monitoring_depends_on() {
    let (model, report) = report(
        "components:
  a: {kind: service, depends_on: [b]}
  b: {kind: service}
  mon: {kind: monitoring, depends_on: [a]}
",
    );
    assert_eq!(model.journeys[0].path, vec![model.component("a").unwrap()]);
    assert!(is_spof(&model, &report, "a/1"));
    assert!(is_spof(&model, &report, "b/1"));
}

#[test]
fn manual_steps_are_only_the_failovers_the_journey_waits_for() {
    let (model, report) = report(
        "components:
  web: {kind: service, replicas: 2, failover: manual, failover_time: 5m, depends_on: [db]}
  db: {kind: database, replicas: 2, failover: manual, failover_time: 1h}
people:
  alice: {can: ['failover:db']}
",
    );
    match recovery(&model, &report, "db/1", "system") {
        Recovery::Manual { steps, time, .. } => {
            assert_eq!(steps.len(), 1);
            assert_eq!(steps[0].component(), model.component("db").unwrap());
            assert_eq!(time, minutes(60));
        }
        other => panic!("db/1: {other:?}"),
    }
}

#[test]
fn an_instance_is_named_by_name_or_by_number() {
    let (model, report) = report(
        "components:
  db:
    kind: database
    instances: [{name: db-a}, {name: db-b}]
",
    );
    let graph = &report.analysis.graph;
    assert_eq!(
        resolve_events(&model, graph, "db/2").unwrap(),
        resolve_events(&model, graph, "db/db-b").unwrap()
    );
    assert!(resolve_events(&model, graph, "db/3").is_err());
}

/// The fix a plan makes for a component that losing one of two zones overloads.
fn capacity_fix(load: u32) -> (String, usize, usize) {
    use spof_engine::plan::{PlanConfig, plan};
    let yaml = format!(
        "domains:\n  us-east-1a: {{kind: zone}}\n  us-east-1b: {{kind: zone}}\ncomponents:\n  app: {{kind: service, replicas: 2, spread: [us-east-1a, us-east-1b], capacity: 100, cost_per_month: 50}}\njourneys:\n  shop: {{path: [app], load: {load}}}\n"
    );
    let model = model(&yaml);
    let result = plan(&model, &PlanConfig::default(), &|_, _, _| {});
    let last = result.frames.last().unwrap();
    let app = last.model.component("app").unwrap();
    (
        last.step
            .as_ref()
            .map(|s| s.title.clone())
            .unwrap_or_default(),
        last.model.components[app].instances.len(),
        last.model.zones_of(app).len(),
    )
}

#[test]
fn plan_goes_to_three_zones_when_that_needs_fewer_instances() {
    // 150 needs two instances up: three over three zones, where two zones need four.
    let (title, instances, zones) = capacity_fix(150);
    assert_eq!((instances, zones), (3, 3), "{title}");
    assert!(title.contains("`us-east-1c` (new)"), "{title}");
    // 250 needs three up: five over three zones (two zones need six).
    let (title, instances, zones) = capacity_fix(250);
    assert_eq!((instances, zones), (5, 3), "{title}");
    // 90 fits in one instance: two zones already keep it, and no fix is made.
    let (title, instances, zones) = capacity_fix(90);
    assert_eq!((title.as_str(), instances, zones), ("", 2, 2));
}

#[test]
fn zone_loss_counts_serving_capacity() {
    use spof_engine::plan::zone_loss;
    // A standby pair keeps everything when one zone goes; three active instances keep 2/3.
    let (model, report) = report(
        "domains:\n  a: {kind: zone}\n  b: {kind: zone}\n  c: {kind: zone}\ncomponents:\n  lb: {kind: load_balancer, replicas: 2, failover: automatic, failover_time: 5s, spread: [a, b], depends_on: [app]}\n  app: {kind: service, replicas: 3, health_check: true, spread: [a, b, c]}\n",
    );
    let loss = zone_loss(&model, &report).unwrap();
    assert_eq!(loss.zones, 3);
    assert!((loss.kept - 2.0 / 3.0).abs() < 1e-9, "{loss:?}");
    assert!(
        loss.by_zone
            .iter()
            .all(|&(_, k)| (k - 2.0 / 3.0).abs() < 1e-9),
        "{loss:?}"
    );
}

const COMMON_CAUSE: &str = "domains:
  a: {kind: zone}
  b: {kind: zone}
components:
  api: {kind: service, replicas: 3, spread: [a, b], failures_per_year: 2}
  db: {kind: database, replicas: 2, spread: [a, b], failover: automatic, failover_time: 30s, failures_per_year: 4}
journeys:
  checkout: {path: [api, db], rto_target: 15m}
common_causes:
  config-push:
    members: [api]
    description: one bad config push
    restore_time: 30m
";

#[test]
fn common_cause_of_every_replica_is_a_spof_until_undone() {
    let (model, report) = report(COMMON_CAUSE);
    assert!(is_spof(&model, &report, "common-cause:config-push"));
    assert!(is_spof(&model, &report, "config-push"), "a bare name");
    match recovery(&model, &report, "common-cause:config-push", "checkout") {
        Recovery::Repair { time, .. } => assert_eq!(time, Some(minutes(30))),
        other => panic!("{other:?}"),
    }
    // Neither zone is: the replicas are spread; only what they share takes them together.
    assert!(!is_spof(&model, &report, "zone:a"));
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == "SPOF033")
        .expect("SPOF033");
    assert!(
        finding
            .message
            .contains("`config-push` (one bad config push) fails all 3 instances of `api`"),
        "{}",
        finding.message
    );
    // Not a place: the plan does not offer to spread over it, and says it is left.
    let plan = spof_engine::plan::plan(&model, &Default::default(), &|_, _, _| {});
    let last = plan.frames.last().unwrap();
    assert!(last.spofs.contains(&"common-cause:config-push".to_string()));
    assert!(
        plan.left
            .iter()
            .any(|(id, _)| id == "common-cause:config-push"),
        "{:?}",
        plan.left
    );
}

#[test]
fn common_cause_of_some_instances_is_a_risk_group_not_a_spof() {
    let yaml = COMMON_CAUSE.replace("members: [api]", "members: [api/1, api/2, db/1]");
    let (model, report) = report(&yaml);
    assert!(!is_spof(&model, &report, "common-cause:config-push"));
    // With api/3, the last instance outside it, the journey goes down; db fails over.
    let down = whatif(&model, &report, &["config-push", "api/3"]);
    assert_eq!(down.outcomes, vec![Outcome::DownUntilRepair]);
    let graph = &report.analysis.graph;
    let config = spof_engine::risks::RiskConfig {
        max_order: 2,
        top: 1000,
    };
    let risks = spof_engine::risks::risks(&model, graph, &config).unwrap();
    let cause = resolve_events(&model, graph, "config-push").unwrap()[0];
    let api3 = resolve_events(&model, graph, "api/3").unwrap()[0];
    assert!(
        risks[0]
            .groups
            .iter()
            .any(|g| g.events == vec![cause.min(api3), cause.max(api3)])
    );
}

#[test]
fn common_cause_rate_is_its_beta_of_its_members_rate() {
    let graph_event = |yaml: &str| {
        let (model, report) = report(yaml);
        let graph = &report.analysis.graph;
        let e = resolve_events(&model, graph, "config-push").unwrap()[0];
        spof_engine::availability::event_unavailability(&model, graph, e)
    };
    let q = |rate: f64, hours: f64| rate * hours / (8760.0 + rate * hours);
    // api and db/1: instances at 2, 2, 2 and 4 failures a year, a mean of 2.5; 30 minutes.
    let both = COMMON_CAUSE.replace("members: [api]", "members: [api, db/1]");
    let default_beta = graph_event(&both);
    assert!(
        (default_beta - q(0.1 * 2.5, 0.5)).abs() < 1e-15,
        "{default_beta}"
    );
    let beta = graph_event(&both.replace("restore_time: 30m", "restore_time: 30m\n    beta: 0.02"));
    assert!((beta - q(0.02 * 2.5, 0.5)).abs() < 1e-15, "{beta}");
    let own = graph_event(&both.replace("restore_time: 30m", "failures_per_year: 3"));
    assert!(
        (own - q(3.0, 1.0)).abs() < 1e-15,
        "{own}: an hour without restore_time"
    );
    // A domain of kind `common-cause` written under `domains:` strikes at the default beta of
    // its members' rate too, not never.
    let declared = "domains:\n  push: {kind: common-cause, restore_time: 30m}\ncomponents:\n  api: {kind: service, replicas: 2, in: [push], failures_per_year: 2}\n";
    let (model, checked) = report(declared);
    let graph = &checked.analysis.graph;
    let e = resolve_events(&model, graph, "common-cause:push").unwrap()[0];
    let q_declared = spof_engine::availability::event_unavailability(&model, graph, e);
    assert!(
        (q_declared - q(0.1 * 2.0, 0.5)).abs() < 1e-15,
        "{q_declared}"
    );
    // And it counts in the journey's availability: more beta, less available.
    let (_, low) = report(&both.replace("restore_time: 30m", "restore_time: 30m\n    beta: 0.01"));
    let (_, high) = report(&both.replace("restore_time: 30m", "restore_time: 30m\n    beta: 0.5"));
    let u = |r: &Report| r.availability.as_ref().unwrap()[0].unavailability;
    assert!(u(&high) > u(&low) * 2.0, "{} vs {}", u(&high), u(&low));
}

#[test]
fn common_cause_errors_are_located_with_near_names() {
    let errors = |yaml: &str| -> Vec<String> {
        let parsed = parse_model(yaml, &ParseLimits::default());
        assert!(parsed.model.is_none(), "accepted: {yaml}");
        parsed
            .diagnostics
            .iter()
            .map(|d| format!("{} {:?} {:?}", d.message, d.span.map(|s| s.line), d.help))
            .collect()
    };
    let unknown = errors(&COMMON_CAUSE.replace("members: [api]", "members: [apo]"));
    assert!(
        unknown[0].contains("no component or instance `apo`")
            && unknown[0].contains("Some(11)")
            && unknown[0].contains("`api`"),
        "{unknown:?}"
    );
    let instance = errors(&COMMON_CAUSE.replace("members: [api]", "members: [api/7]"));
    assert!(instance[0].contains("no instance `7`"), "{instance:?}");
    let clash = errors(&COMMON_CAUSE.replace("  config-push:", "  a:"));
    assert!(
        clash[0].contains("names both a domain and a common cause"),
        "{clash:?}"
    );
    let both =
        errors(&COMMON_CAUSE.replace("restore_time: 30m", "beta: 0.1\n    failures_per_year: 1"));
    assert!(
        both[0].contains("both `beta` and `failures_per_year`"),
        "{both:?}"
    );
    let range = errors(&COMMON_CAUSE.replace("restore_time: 30m", "beta: 1.5"));
    assert!(range[0].contains("beta"), "{range:?}");
    let key = errors(&COMMON_CAUSE.replace("description:", "descripton:"));
    assert!(key[0].contains("descripton"), "{key:?}");
    // Too few members to fail anything together: a warning, the model still read.
    for (members, count) in [
        ("[]", "no member instance"),
        ("[api/1, api/1]", "one member instance"),
    ] {
        let parsed = parse_model(
            &COMMON_CAUSE.replace("members: [api]", &format!("members: {members}")),
            &ParseLimits::default(),
        );
        assert!(parsed.model.is_some());
        assert!(
            parsed
                .diagnostics
                .iter()
                .any(|d| d.code == "lone-common-cause" && d.message.contains(count)),
            "{:#?}",
            parsed.diagnostics
        );
    }
}

const STARTUP: &str = "domains:
  a: {kind: zone}
  b: {kind: zone}
components:
  checkout:
    kind: service
    replicas: 2
    spread: [a, b]
    depends_on:
      - {component: kafka, startup: true}
  kafka: {kind: queue, in: [a]}
";

#[test]
fn startup_dependency_takes_nothing_down_and_blocks_restarts() {
    let (model, checked) = report(STARTUP);
    let report = &checked;
    // Losing kafka leaves the running instances of checkout up.
    assert!(!is_spof(&model, report, "kafka/1"));
    let alone = whatif(&model, report, &["kafka/1"]);
    assert_eq!(alone.outcomes, vec![Outcome::Up]);
    assert!(
        alone.restart_blocked.is_empty(),
        "nothing of checkout failed"
    );
    // Zone a takes kafka and checkout/1: checkout/1 cannot come back until kafka does.
    let zone = whatif(&model, report, &["zone:a"]);
    assert_eq!(zone.outcomes, vec![Outcome::Up]);
    let checkout = model.component("checkout").unwrap();
    let kafka = model.component("kafka").unwrap();
    assert_eq!(zone.restart_blocked, vec![(checkout, kafka)]);
    // Zone b takes checkout/2 only: kafka is up, nothing is blocked.
    assert!(
        whatif(&model, report, &["zone:b"])
            .restart_blocked
            .is_empty()
    );
    // The finding says what the loss blocks.
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == "SPOF034")
        .expect("SPOF034");
    assert!(
        finding
            .message
            .starts_with("`kafka` down blocks restarts of `checkout`"),
        "{}",
        finding.message
    );
    // A redundant kafka: no finding.
    let redundant = STARTUP.replace(
        "{kind: queue, in: [a]}",
        "{kind: queue, replicas: 2, spread: [a, b]}",
    );
    let (_, fixed) = self::report(&redundant);
    assert!(fixed.findings.iter().all(|f| f.code != "SPOF034"));
    // The same dependency at run time makes kafka a SPOF.
    let (model, hard) = self::report(&STARTUP.replace(", startup: true", ""));
    assert!(is_spof(&model, &hard, "kafka/1"));
}

#[test]
fn startup_dependency_cannot_also_be_optional_or_per_zone() {
    for other in ["optional: true", "cache: true", "per: zone"] {
        let yaml = STARTUP.replace("startup: true", &format!("startup: true, {other}"));
        let parsed = parse_model(&yaml, &ParseLimits::default());
        assert!(parsed.model.is_none(), "{other} accepted");
        let key = other.split(':').next().unwrap();
        assert!(
            parsed.diagnostics.iter().any(|d| d
                .message
                .contains(&format!("a start-up dependency cannot also be `{key}`"))
                && d.span.is_some_and(|s| s.line == 10)),
            "{:#?}",
            parsed.diagnostics
        );
    }
}
