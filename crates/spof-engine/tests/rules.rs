//! Every rule's documented example fires it, and the documented fix silences it. The examples
//! are the fixtures: documentation and tests cannot drift apart.

use spof_engine::evidence::Evidence;
use spof_engine::findings::evidence::example_evidence;
use spof_engine::findings::{RULES, rule};
use spof_engine::{Config, check};
use spof_model::{Date, ParseLimits, parse_model};

fn codes(yaml: &str) -> Vec<String> {
    codes_with(yaml, Evidence::default())
}

/// The codes that fire on `yaml` with this evidence (drills measured, probes observed).
fn codes_with(yaml: &str, evidence: Evidence) -> Vec<String> {
    let parsed = parse_model(yaml, &ParseLimits::default());
    let errors: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == spof_model::Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "example does not parse: {errors:#?}\n{yaml}"
    );
    let model = parsed.model.expect("a model");
    let config = Config {
        today: Some(Date::parse("2000-01-01").unwrap()),
        evidence,
        ..Default::default()
    };
    check(&model, &config)
        .findings
        .iter()
        .map(|f| f.code.to_string())
        .collect()
}

#[test]
fn every_example_fires_and_every_fix_silences() {
    for rule in RULES {
        // Rules on measured evidence fire on their example with the evidence documented for
        // them, and not on the fixed model with the evidence that fixes it.
        let (example_evidence, fixed_evidence) = example_evidence(rule.code).unwrap_or_default();
        let fired = codes_with(rule.example, example_evidence);
        assert!(
            fired.iter().any(|c| c == rule.code),
            "{} does not fire on its example; got {fired:?}",
            rule.code
        );
        let fixed = codes_with(rule.fixed, fixed_evidence);
        assert!(
            !fixed.iter().any(|c| c == rule.code),
            "{} still fires on its fixed example; got {fixed:?}",
            rule.code
        );
    }
}

#[test]
fn codes_are_unique_and_lookups_work() {
    let mut seen = std::collections::BTreeSet::new();
    for each in RULES {
        assert!(seen.insert(each.code), "{} is used twice", each.code);
        assert!(seen.insert(each.name), "{} is used twice", each.name);
        assert_eq!(
            rule(&each.code.to_lowercase()).map(|r| r.code),
            Some(each.code)
        );
        assert_eq!(rule(each.name).map(|r| r.code), Some(each.code));
    }
    assert!(rule("SPOF999").is_none());
}

#[test]
fn external_component_gets_third_party_fix() {
    // Third parties as a single provider (stripe), as endpoints all needed (mail, with a quota
    // too small for the load), in one provider's domain (geo), with a manual switch-over
    // (sms), with active endpoints and no health check (maps), with backups (crm).
    let yaml = r#"
domains:
  a: {kind: zone}
  b: {kind: zone}
  saas: {kind: provider}
components:
  app:
    kind: service
    replicas: 2
    spread: [a, b]
    depends_on:
      - {component: stripe, timeout: 2s, circuit_breaker: true}
      - {component: mail, timeout: 2s, circuit_breaker: true}
      - {component: geo, timeout: 2s, circuit_breaker: true}
      - {component: sms, timeout: 2s, circuit_breaker: true}
      - {component: maps, timeout: 2s, circuit_breaker: true}
      - {component: crm, timeout: 2s, circuit_breaker: true}
  stripe:
    kind: external
    restore_time: 1h
  mail:
    kind: external
    replicas: 2
    min_healthy: 2
    capacity: 20
  geo:
    kind: external
    replicas: 2
    in: [saas]
  sms:
    kind: external
    replicas: 2
    failover: manual
  maps:
    kind: external
    replicas: 2
    health_check: false
  crm:
    kind: external
    backups: true
journeys:
  pay:
    path: [app]
    load: 60
"#;
    let model = parse_model(yaml, &ParseLimits::default())
        .model
        .expect("a model");
    let config = Config {
        today: Some(Date::parse("2000-01-01").unwrap()),
        ..Default::default()
    };
    let report = check(&model, &config);
    let external = |c: &usize| model.components[*c].kind == spof_model::Kind::External;
    let mut seen = std::collections::BTreeSet::new();
    for finding in &report.findings {
        if !finding.components.iter().any(external) {
            continue;
        }
        seen.insert(finding.code.clone());
        let fix = &finding.fix;
        for wrong in [
            "second instance",
            "run ",
            "instances of",
            "spread",
            "place ",
            "standby of",
            "automate the failover",
            "health-check the instances",
        ] {
            assert!(
                !fix.contains(wrong),
                "{} tells a third party's service to {wrong:?}: {fix}",
                finding.code
            );
        }
        assert!(
            ["circuit breaker", "provider", "callers"]
                .iter()
                .any(|w| fix.contains(w)),
            "{}: {fix}",
            finding.code
        );
    }
    for code in [
        "SPOF001", "SPOF002", "SPOF003", "SPOF004", "SPOF016", "SPOF020", "SPOF023",
    ] {
        assert!(seen.contains(code), "{code} did not fire: {seen:?}");
    }
    // The plan adds no instance to a third party's service and moves none.
    let plan = spof_engine::plan::plan(&model, &Default::default(), &|_, _, _| {});
    for frame in &plan.frames[1..] {
        let step = frame.step.as_ref().unwrap();
        assert!(
            !step.components.iter().any(external),
            "the plan changes a third party's service: {}",
            step.title
        );
    }
    assert!(
        plan.left
            .iter()
            .any(|(event, why)| event == "provider:saas" && why.contains("second provider")),
        "{:?}",
        plan.left
    );
}

/// The findings of a model, as (code, message, fix).
fn findings(yaml: &str) -> Vec<(String, String, String)> {
    let model = parse_model(yaml, &ParseLimits::default())
        .model
        .expect("a model");
    let config = Config {
        today: Some(Date::parse("2000-01-01").unwrap()),
        ..Default::default()
    };
    check(&model, &config)
        .findings
        .into_iter()
        .map(|f| (f.code.to_string(), f.message, f.fix))
        .collect()
}

#[test]
fn standby_primary_loss_gets_a_failover_fix_not_a_second_instance() {
    // A standby that takes over by itself, but more slowly than the journey allows.
    let slow = r#"
components:
  app:
    kind: service
    replicas: 2
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    failover: automatic
    failover_time: 10m
journeys:
  shop:
    path: [app]
    rto_target: 5m
"#;
    let found = findings(slow);
    let (_, message, fix) = found
        .iter()
        .find(|(code, ..)| *code == "SPOF001")
        .expect("the primary's loss is a SPOF");
    assert!(
        message.contains("fails over to its standby by itself, but only after 10m"),
        "{message}"
    );
    assert!(
        fix.contains("make the failover of `db` take less than 5m"),
        "{fix}"
    );
    assert!(!fix.contains("second instance"), "{fix}");

    // A load balancer pair that fails over by hand; then one that nobody listed can fail over.
    let manual = r#"
components:
  lb:
    kind: load_balancer
    replicas: 2
    failover: manual
    depends_on: [app]
  app:
    kind: service
    replicas: 2
"#;
    let found = findings(manual);
    let (_, message, fix) = found
        .iter()
        .find(|(code, ..)| *code == "SPOF014")
        .expect("the primary's loss is a SPOF");
    assert!(
        message.contains("has a standby, but it takes over only by hand"),
        "{message}"
    );
    assert!(fix.contains("automate the failover of `lb`"), "{fix}");
    assert!(fix.contains("floating address"), "{fix}");
    assert!(!fix.contains("give `lb` a standby"), "{fix}");

    let nobody = format!("{manual}people:\n  alice:\n    can: [\"restore:app\"]\n");
    let found = findings(&nobody);
    let (_, message, fix) = found
        .iter()
        .find(|(code, ..)| *code == "SPOF014")
        .expect("the primary's loss is a SPOF");
    assert!(
        message.contains("nobody listed under `people` can fail it over"),
        "{message}"
    );
    assert!(
        fix.starts_with("add someone able to fail over `lb`"),
        "{fix}"
    );

    // A single instance still gets a second one.
    let single = "components:\n  app:\n    kind: service\n";
    let found = findings(single);
    assert!(
        found[0].2.contains("run a second instance of `app`"),
        "{found:?}"
    );
}

#[test]
fn single_domain_on_a_component_spread_over_zones_names_the_real_cause() {
    // Three replicas over two zones, two of them needed: zone a holds two.
    let thin = r#"
domains:
  a: {kind: zone}
  b: {kind: zone}
components:
  app:
    kind: service
    replicas: 3
    min_healthy: 2
    spread: [a, b]
    restore_time: 1h
"#;
    let found = findings(thin);
    let (_, message, fix) = found
        .iter()
        .find(|(code, ..)| *code == "SPOF002")
        .expect("zone a is a SPOF");
    assert!(
        message.starts_with("zone `a` holds 2 of the 3 instances of `app`, which needs 2"),
        "{message}"
    );
    assert!(
        fix.starts_with("spread `app` so that losing any one zone leaves the 2 instances it needs"),
        "{fix}"
    );
    assert!(!fix.contains("more than one zone"), "{fix}");

    // Two zones, one power feed: the message is about the feed they share.
    let shared = r#"
domains:
  a: {kind: zone}
  b: {kind: zone}
  pdu: {kind: power}
components:
  app:
    kind: service
    instances:
      - {name: app1, in: [a, pdu]}
      - {name: app2, in: [b, pdu]}
    restore_time: 1h
"#;
    let found = findings(shared);
    let (_, message, fix) = found
        .iter()
        .find(|(code, ..)| *code == "SPOF002")
        .expect("the power feed is a SPOF");
    assert!(
        message.starts_with(
            "power `pdu` holds every instance of `app` (though they run in zones a and b)"
        ),
        "{message}"
    );
    assert_eq!(
        fix,
        "place the instances of `app` in more than one `power` domain"
    );
}

#[test]
fn dns_record_on_a_floating_address_over_an_automatic_pair_is_not_a_single_address() {
    let model = |lb: &str| {
        format!(
            r#"
components:
  dns:
    kind: dns
    dns:
      providers: [route53, cloudflare]
      records:
        shop.example.com: {{addresses: [lb]}}
    depends_on: [lb]
  lb:
    kind: load_balancer
{lb}    depends_on: [app]
  app:
    kind: service
    replicas: 2
"#
        )
    };
    let floating = "    replicas: 2\n    failover: automatic\n    failover_time: 5s\n    floating_address: true\n";
    assert!(!codes(&model(floating)).iter().any(|c| c == "SPOF006"));
    // The address stays put without a floating address, or when the standby waits for a
    // person, or when there is no standby.
    for lb in [
        "    replicas: 2\n    failover: automatic\n    failover_time: 5s\n",
        "    replicas: 2\n    failover: manual\n    floating_address: true\n",
        "    floating_address: true\n",
    ] {
        assert!(codes(&model(lb)).iter().any(|c| c == "SPOF006"), "{lb}");
    }
}
