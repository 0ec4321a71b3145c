//! Measured evidence in the analysis: a drill's measured failover replaces a shorter declared
//! one in recovery times, and the report says so; a recent drill that met its target proves
//! the claim; an old one does not; without evidence nothing changes.

use spof_engine::evidence::{DrillRecord, Evidence};
use spof_engine::{Config, check};
use spof_model::{Date, ParseLimits, parse_model};

const MODEL: &str = "
components:
  app:
    kind: service
    replicas: 2
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    failover: automatic
    failover_time: 30s
journeys:
  checkout: {path: [app], rto_target: 1m}
";

fn drill(date: &str, interruption_ms: Option<u64>, met: bool) -> DrillRecord {
    DrillRecord {
        drill: "db-failover".into(),
        component: "db".into(),
        date: Date::parse(date).unwrap(),
        interruption_ms,
        met,
    }
}

fn run(drills: Vec<DrillRecord>) -> (spof_model::Model, spof_engine::Report) {
    let model = parse_model(MODEL, &ParseLimits::default()).model.unwrap();
    let report = check(
        &model,
        &Config {
            today: Some(Date::parse("2026-12-06").unwrap()),
            evidence: Evidence {
                in_use: true,
                drills,
                ..Evidence::default()
            },
            ..Default::default()
        },
    );
    (model, report)
}

fn codes(report: &spof_engine::Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.code.as_ref()).collect()
}

#[test]
fn a_measured_failover_longer_than_declared_is_used_and_said() {
    let (model, report) = run(vec![drill("2026-12-01", Some(95_000), false)]);
    let checkout = &report.analysis.journeys[0];
    assert_eq!(checkout.rto.map(|d| d.seconds()), Some(95));
    assert_eq!(checkout.meets_target, Some(false));
    let note = &report.evidence[0];
    assert!(note.used_instead);
    assert_eq!(
        note.sentence(&model),
        "`db`: failover drill missed its target 2026-12-01 by drill `db-failover`, measured 95 s (declared 30s); the measured time is used in recovery and availability instead of the declared one"
    );
    assert!(codes(&report).contains(&"SPOF026"));
    assert!(!codes(&report).contains(&"SPOF025"));
}

#[test]
fn a_recent_drill_that_met_proves_the_claim() {
    let (model, report) = run(vec![drill("2026-12-01", Some(12_400), true)]);
    assert_eq!(
        report.analysis.journeys[0].rto.map(|d| d.seconds()),
        Some(30)
    );
    assert_eq!(
        report.evidence[0].sentence(&model),
        "`db`: failover tested 2026-12-01 by drill `db-failover`, measured 12 s (declared 30s)"
    );
    assert!(!codes(&report).contains(&"SPOF025"));
    assert!(!codes(&report).contains(&"SPOF026"));
}

#[test]
fn an_old_drill_or_none_leaves_the_claim_untested() {
    let (_, report) = run(vec![drill("2026-01-02", Some(12_000), true)]);
    let untested = report
        .findings
        .iter()
        .find(|f| f.code == "SPOF025")
        .unwrap();
    assert!(
        untested.message.contains(
            "its last drill (`db-failover`, 2026-01-02) is more than 90 days old: claimed, untested"
        ),
        "{}",
        untested.message
    );
    let (_, report) = run(vec![]);
    let untested = report
        .findings
        .iter()
        .find(|f| f.code == "SPOF025")
        .unwrap();
    assert!(
        untested
            .message
            .contains("no drill has measured it: claimed, untested")
    );
    assert!(untested.fix.contains("declare a drill under `drills:`"));
}

#[test]
fn a_journey_down_until_restored_makes_the_failover_manual() {
    let (_, report) = run(vec![drill("2026-12-01", None, false)]);
    assert!(report.evidence[0].used_instead);
    // The automatic failover did not happen: recovery waits for someone, so the database's
    // failure is a SPOF (a manual failover) where the model alone shows none.
    assert!(report.analysis.spofs().count() > 0);
    let (_, before) = run(vec![drill("2026-12-01", Some(5_000), true)]);
    assert_eq!(before.analysis.spofs().count(), 0);
}

#[test]
fn without_evidence_nothing_changes() {
    let model = parse_model(MODEL, &ParseLimits::default()).model.unwrap();
    let report = check(&model, &Config::default());
    assert!(report.evidence.is_empty());
    assert!(
        !codes(&report)
            .iter()
            .any(|c| ["SPOF025", "SPOF026"].contains(c))
    );
}
