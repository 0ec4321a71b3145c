//! Custom rules from a policy: for every requirement, a model that misses it fires the rule
//! and the same model fixed does not; selectors pick what they say; severity overrides and
//! decisions apply to custom findings as to any other.

use spof_engine::{Config, Severity, check};
use spof_model::policy::{KnownCode, Policy, parse_policy};
use spof_model::{ParseLimits, parse_model};

fn policy(text: &str) -> Policy {
    let known: Vec<KnownCode> = spof_engine::findings::RULES
        .iter()
        .map(|r| KnownCode {
            code: r.code,
            name: r.name,
        })
        .collect();
    let parsed = parse_policy(text, &known);
    assert!(
        parsed.diagnostics.is_empty(),
        "{:#?}\n{text}",
        parsed.diagnostics
    );
    parsed.policy.expect("a policy")
}

fn report(model: &str, policy_text: &str) -> spof_engine::Report {
    let parsed = parse_model(model, &ParseLimits::default());
    let model = parsed
        .model
        .unwrap_or_else(|| panic!("{:#?}\n{model}", parsed.diagnostics));
    let config = Config {
        today: None,
        policy: policy(policy_text),
        ..Default::default()
    };
    check(&model, &config)
}

/// The messages of the findings with code POL001.
fn fired(model: &str, policy_text: &str) -> Vec<String> {
    report(model, policy_text)
        .findings
        .iter()
        .filter(|f| f.code == "POL001")
        .map(|f| f.message.clone())
        .collect()
}

fn rule(select: &str, require: &str) -> String {
    format!(
        "[[rules]]\ncode = \"POL001\"\nmessage = \"the rule holds\"\nselect = {{ {select} }}\nrequire = {{ {require} }}\n"
    )
}

fn journey_rule(require: &str) -> String {
    format!(
        "[[rules]]\ncode = \"POL001\"\nmessage = \"the rule holds\"\napplies_to = \"journeys\"\nrequire = {{ {require} }}\n"
    )
}

/// One requirement: the policy, a model that misses it (and what the finding says), the
/// model fixed.
struct Case {
    policy: String,
    misses: &'static str,
    says: &'static str,
    fixed: &'static str,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            policy: rule("kind = \"cache\"", "min_instances = 2"),
            misses: "components:\n  c:\n    kind: cache\n",
            says: "`c` (cache) has 1 instance, not 2",
            fixed: "components:\n  c:\n    kind: cache\n    replicas: 2\n",
        },
        Case {
            policy: rule("kind = \"service\"", "min_zones = 2"),
            misses: "domains:\n  a: { kind: zone }\n  b: { kind: zone }\ncomponents:\n  s:\n    kind: service\n    replicas: 2\n    in: [a]\n",
            says: "`s` (service) runs in 1 zone, not 2",
            fixed: "domains:\n  a: { kind: zone }\n  b: { kind: zone }\ncomponents:\n  s:\n    kind: service\n    replicas: 2\n    spread: [a, b]\n",
        },
        Case {
            policy: rule("kind = \"database\"", "failover = \"automatic\""),
            misses: "components:\n  db:\n    kind: database\n    replicas: 2\n    failover: manual\n    failover_time: 30m\n",
            says: "`db` (database) fails over by hand",
            fixed: "components:\n  db:\n    kind: database\n    replicas: 2\n    failover: automatic\n    failover_time: 30s\n",
        },
        Case {
            policy: rule("kind = \"database\"", "failover = \"manual\""),
            misses: "components:\n  db:\n    kind: database\n",
            says: "`db` (database) has no standby (1 instance)",
            fixed: "components:\n  db:\n    kind: database\n    replicas: 2\n    failover: manual\n    failover_time: 30m\n",
        },
        Case {
            policy: rule("kind = \"database\"", "max_failover_time = \"90s\""),
            misses: "components:\n  db:\n    kind: database\n    replicas: 2\n    failover: automatic\n    failover_time: 5m\n",
            says: "`db` (database) fails over in 5m, more than 90s",
            fixed: "components:\n  db:\n    kind: database\n    replicas: 2\n    failover: automatic\n    failover_time: 30s\n",
        },
        Case {
            policy: rule("kind = \"web\"", "health_check = true"),
            misses: "components:\n  w:\n    kind: web\n    replicas: 2\n    health_check: false\n",
            says: "`w` (web) has no health check",
            fixed: "components:\n  w:\n    kind: web\n    replicas: 2\n    health_check: true\n",
        },
        Case {
            policy: rule("layer = \"data\"", "restore_time = true"),
            misses: "components:\n  q:\n    kind: queue\n    replicas: 3\n",
            says: "`q` (queue) has no `restore_time`",
            fixed: "components:\n  q:\n    kind: queue\n    replicas: 3\n    restore_time: 2h\n",
        },
        Case {
            policy: rule("kind = \"database\"", "max_restore_time = \"4h\""),
            misses: "components:\n  db:\n    kind: database\n    restore_time: 1d\n",
            says: "`db` (database) takes 1d to restore, more than 4h",
            fixed: "components:\n  db:\n    kind: database\n    restore_time: 3h\n",
        },
        Case {
            policy: rule("shared_state = true", "backups = true"),
            misses: "components:\n  files:\n    kind: file_storage\n",
            says: "`files` (file storage) has no backups",
            fixed: "components:\n  files:\n    kind: file_storage\n    backups: true\n",
        },
        Case {
            policy: rule("name = \"pay*\"", "owner = true"),
            misses: "components:\n  payments:\n    kind: service\n  other:\n    kind: service\n",
            says: "`payments` (service) has no `owner`",
            fixed: "components:\n  payments:\n    kind: service\n    owner: team-pay\n  other:\n    kind: service\n",
        },
        Case {
            policy: rule("kind = \"service\"", "safe_deploy = true"),
            misses: "components:\n  s:\n    kind: service\n    replicas: 2\n    deploy: all-at-once\n",
            says: "`s` (service) is deployed all at once",
            fixed: "components:\n  s:\n    kind: service\n    replicas: 2\n    deploy: rolling\n",
        },
        Case {
            policy: journey_rule("rto_target = true"),
            misses: "components:\n  s:\n    kind: service\njourneys:\n  checkout:\n    path: [s]\n",
            says: "journey `checkout` has no `rto_target`",
            fixed: "components:\n  s:\n    kind: service\njourneys:\n  checkout:\n    path: [s]\n    rto_target: 1h\n",
        },
        Case {
            policy: journey_rule("max_rto_target = \"1h\""),
            misses: "components:\n  s:\n    kind: service\njourneys:\n  checkout:\n    path: [s]\n    rto_target: 4h\n",
            says: "journey `checkout` has an `rto_target` of 4h, more than 1h",
            fixed: "components:\n  s:\n    kind: service\njourneys:\n  checkout:\n    path: [s]\n    rto_target: 30m\n",
        },
        Case {
            policy: journey_rule("max_rto = \"1h\""),
            misses: "components:\n  s:\n    kind: service\n    restore_time: 4h\njourneys:\n  checkout:\n    path: [s]\n",
            says: "journey `checkout` recovers in 4h, more than 1h",
            fixed: "components:\n  s:\n    kind: service\n    replicas: 2\n    restore_time: 4h\njourneys:\n  checkout:\n    path: [s]\n",
        },
    ]
}

#[test]
fn every_requirement_fires_on_a_model_that_misses_it_and_not_on_the_fixed_one() {
    for case in cases() {
        let messages = fired(case.misses, &case.policy);
        assert_eq!(messages.len(), 1, "{messages:?}\n{}", case.policy);
        assert_eq!(
            messages[0],
            format!("{}; policy: the rule holds", case.says),
            "{}",
            case.policy
        );
        let messages = fired(case.fixed, &case.policy);
        assert!(messages.is_empty(), "{messages:?}\n{}", case.policy);
    }
}

#[test]
fn selectors_pick_what_they_say() {
    let model = "
components:
  lb:
    kind: load_balancer
    managed: true
    depends_on: [app]
  app:
    kind: service
    depends_on: [db]
  db:
    kind: database
  reports-db:
    kind: database
  side:
    kind: worker
journeys:
  checkout:
    path: [lb]
    critical: true
  reporting:
    path: [reports-db]
    critical: false
";
    let names = |select: &str| -> Vec<String> {
        let report = report(model, &rule(select, "min_instances = 2"));
        let mut names: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.code == "POL001")
            .flat_map(|f| f.components.iter().map(|&c| c.to_string()))
            .collect();
        names.sort();
        names
    };
    // Component ids in file order: lb 0, app 1, db 2, reports-db 3, side 4.
    assert_eq!(names("kind = \"database\""), ["2", "3"]);
    assert_eq!(names("kind = [\"database\", \"worker\"]"), ["2", "3", "4"]);
    assert_eq!(
        names("kind = \"database\", on_critical_journey = true"),
        ["2"]
    );
    assert_eq!(names("on_critical_journey = false"), ["3", "4"]);
    assert_eq!(names("layer = \"compute\""), ["1", "4"]);
    assert_eq!(names("name = \"*db\""), ["2", "3"]);
    assert_eq!(names("journey = \"report*\""), ["3"]);
    assert_eq!(names("managed = true"), ["0"]);
    assert_eq!(names("shared_state = true"), ["2", "3"]);
}

#[test]
fn overrides_and_decisions_apply_to_custom_findings() {
    let model = "
components:
  c:
    kind: cache
decisions:
  - finding: POL001
    component: c
    status: accepted
    owner: alice
    reason: sessions can be lost
    review_by: 2099-01-01
";
    let text = format!(
        "{}\n[severity]\nPOL001 = \"critical\"\nunreplicated-shared-state = \"low\"\n",
        rule("kind = \"cache\"", "min_instances = 2")
    )
    .replace("[[rules]]", "[[rules]]\nseverity = \"low\"");
    let report = report(model, &text);
    let custom = report
        .findings
        .iter()
        .find(|f| f.code == "POL001")
        .expect("the custom finding");
    assert_eq!(custom.severity, Severity::Critical);
    assert!(custom.is_decided(), "{custom:?}");
    let builtin = report
        .findings
        .iter()
        .find(|f| f.code == "SPOF011")
        .expect("the built-in finding");
    assert_eq!(builtin.severity, Severity::Low);
    // The decision matched: no unmatched-decision finding.
    assert!(report.findings.iter().all(|f| f.code != "SPOF022"));
}

#[test]
fn a_decision_for_an_unknown_custom_code_is_reported_with_a_near_name() {
    let model = "
components:
  c:
    kind: cache
    replicas: 2
decisions:
  - finding: POL01
    component: c
    status: accepted
    owner: alice
    review_by: 2099-01-01
";
    let report = report(model, &rule("kind = \"cache\"", "min_instances = 2"));
    let unmatched = report
        .findings
        .iter()
        .find(|f| f.code == "SPOF022")
        .expect("an unmatched decision");
    assert!(
        unmatched.message.contains("did you mean `POL001`?"),
        "{}",
        unmatched.message
    );
}
