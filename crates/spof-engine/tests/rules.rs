//! Every rule's documented example fires it, and the documented fix silences it. The examples
//! are the fixtures: documentation and tests cannot drift apart.

use spof_engine::findings::{RULES, rule};
use spof_engine::{Config, check};
use spof_model::{Date, ParseLimits, parse_model};

fn codes(yaml: &str) -> Vec<&'static str> {
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
    };
    check(&model, &config)
        .findings
        .iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn every_example_fires_and_every_fix_silences() {
    for rule in RULES {
        let fired = codes(rule.example);
        assert!(
            fired.contains(&rule.code),
            "{} does not fire on its example; got {fired:?}",
            rule.code
        );
        let fixed = codes(rule.fixed);
        assert!(
            !fixed.contains(&rule.code),
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
