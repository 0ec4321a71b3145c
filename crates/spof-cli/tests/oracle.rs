//! An independent oracle for the `spof` binary: random small models, a naive evaluator written
//! from the documentation alone (docs/analysis.md, docs/availability.md, docs/json-output.md,
//! docs/plan.md), and a comparison through every command.
//!
//! Each kind of check is its own test, so a failure says which part disagrees. Every test runs
//! the same models: a fixed seed, `PROPTEST_CASES` cases (default [`DEFAULT_CASES`]);
//! `ORACLE_SEED` picks another seed for long runs, and `ORACLE_MAX_ENUMERATED` (default 14)
//! the most events whose every subset is enumerated for the exact availability. A failing model
//! is shrunk and printed as YAML.

/// The oracle's parts, in `tests/oracle/`.
mod oracle {
    pub mod eval;
    pub mod generate;
    pub mod prob;
    pub mod run;
    pub mod spec;
}

use std::collections::{BTreeMap, BTreeSet};

use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde_json::Value;

use oracle::eval::{Effect, EventKind, Oracle, Phase};
use oracle::run::{ModelFile, close, close_relative, items, spof, spof_json, string_set, strings};
use oracle::spec::{self, Spec};
use oracle::{generate, prob};

/// Models per test by default: enough to meet every feature many times, small enough for CI.
const DEFAULT_CASES: u32 = 192;

/// One generated model, written and compiled.
struct Case {
    oracle: Oracle,
    file: ModelFile,
    domain_count: usize,
    common_cause_count: usize,
    /// Per component: managed, and the failover level docs/analysis.md gives it.
    failover_levels: Vec<(bool, u64)>,
}

impl Case {
    fn new(spec: &Spec) -> Case {
        let yaml = spec.to_yaml();
        Case {
            oracle: Oracle::new(spec),
            file: ModelFile::new(&yaml),
            domain_count: spec.domains.len(),
            common_cause_count: spec.common_causes.len(),
            failover_levels: spec
                .components
                .iter()
                .map(|c| (c.managed, failover_level(c)))
                .collect(),
        }
    }

    fn model(&self) -> String {
        self.file.path_text()
    }

    fn component_names(&self, indices: &[usize]) -> BTreeSet<String> {
        indices
            .iter()
            .map(|&c| self.oracle.components[c].name.clone())
            .collect()
    }

    fn journey_index(&self, name: &str) -> Result<usize, String> {
        self.oracle
            .journeys
            .iter()
            .position(|j| j.name == name)
            .ok_or_else(|| format!("unknown journey `{name}`"))
    }

    fn event_index(&self, id: &str) -> Result<usize, String> {
        self.oracle
            .event_index(id)
            .ok_or_else(|| format!("an event the model does not have: `{id}`"))
    }

    /// `spof check MODEL --format json`.
    fn check_report(&self) -> Result<(String, Value), String> {
        spof_json(&args(&["check", &self.model(), "--format", "json"]))
    }
}

/// 1 none (no spare instance), 2 manual (active-passive manual, or active-active without
/// health checks), 3 automatic (active-passive automatic), 4 fault-tolerant (active-active with
/// health checks and a spare, or managed).
fn failover_level(component: &spec::ComponentSpec) -> u64 {
    let spare = component.instance_count() > component.min_healthy.unwrap_or(1);
    match component.mode {
        _ if component.managed => 4,
        _ if !spare => 1,
        spec::Mode::ActivePassive { automatic, .. } => {
            if automatic {
                3
            } else {
                2
            }
        }
        spec::Mode::ActiveActive { health_check, .. } => {
            if health_check.unwrap_or(true) {
                4
            } else {
                2
            }
        }
    }
}

fn args(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    Config {
        cases,
        failure_persistence: None,
        max_shrink_time: 20_000,
        max_shrink_iters: 4096,
        ..Config::default()
    }
}

fn seed() -> [u8; 32] {
    let number: u64 = std::env::var("ORACLE_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(20_261_123);
    let mut seed = [0u8; 32];
    for chunk in seed.chunks_mut(8) {
        chunk.copy_from_slice(&number.to_le_bytes());
    }
    seed
}

/// Runs the check on every generated model; on a failure, panics with the shrunk model.
fn for_each_model(check: impl Fn(&Case) -> Result<(), String>) {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed());
    let mut runner = TestRunner::new_with_rng(config(), rng);
    let result = runner.run(&generate::choices(), |bytes| {
        let spec = generate::decode(&bytes);
        check(&Case::new(&spec)).map_err(TestCaseError::fail)
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, bytes)) => {
            let yaml = generate::decode(&bytes).to_yaml();
            panic!("{reason}\n\nminimal model:\n{yaml}");
        }
        Err(TestError::Abort(reason)) => panic!("aborted: {reason}"),
    }
}

/// The entries of `spofs[]` and `other_effects[]` by event id.
fn event_entries(report: &Value) -> Result<BTreeMap<String, Value>, String> {
    let mut entries = BTreeMap::new();
    for list in ["spofs", "other_effects"] {
        for entry in items(&report[list]) {
            let id = entry["event"].as_str().unwrap_or_default().to_string();
            if entries.insert(id.clone(), entry.clone()).is_some() {
                return Err(format!("event `{id}` listed twice"));
            }
        }
    }
    Ok(entries)
}

/// An entry's journeys, by name.
fn entry_journeys(entry: &Value) -> BTreeMap<String, Value> {
    items(&entry["journeys"])
        .iter()
        .map(|j| {
            (
                j["journey"].as_str().unwrap_or_default().to_string(),
                j.clone(),
            )
        })
        .collect()
}

fn effect_names(case: &Case, effects: &[Effect]) -> BTreeMap<String, String> {
    effects
        .iter()
        .enumerate()
        .filter(|(_, effect)| **effect != Effect::None)
        .map(|(j, effect)| {
            (
                case.oracle.journeys[j].name.clone(),
                effect.name().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_reader_accepts_every_generated_model() {
    for_each_model(|case| {
        let (command, report) = case.check_report()?;
        let model = &report["model"];
        let oracle = &case.oracle;
        let instances: usize = oracle.components.iter().map(|c| c.instances.len()).sum();
        let expected = [
            ("components", oracle.components.len()),
            ("domains", case.domain_count),
            ("common_causes", case.common_cause_count),
            ("instances", instances),
            ("journeys", oracle.journeys.len()),
            ("events", oracle.events.len()),
        ];
        for (field, count) in expected {
            if model[field].as_u64() != Some(count as u64) {
                return Err(format!(
                    "`{command}`: model.{field} is {}, expected {count}",
                    model[field]
                ));
            }
        }
        Ok(())
    });
}

#[test]
fn check_reports_every_effect_of_every_event() {
    for_each_model(|case| {
        let (command, report) = case.check_report()?;
        let entries = event_entries(&report)?;
        let singles = case.oracle.singles();
        for id in entries.keys() {
            case.event_index(id)?;
        }
        for (e, event) in case.oracle.events.iter().enumerate() {
            let expected = effect_names(case, &singles.effects[e]);
            let got: BTreeMap<String, String> = entries
                .get(&event.id)
                .map(entry_journeys)
                .unwrap_or_default()
                .into_iter()
                .map(|(name, j)| (name, j["effect"].as_str().unwrap_or("?").to_string()))
                .collect();
            if expected != got {
                return Err(format!(
                    "`{command}`: event `{}`: expected effects {expected:?}, got {got:?}",
                    event.id
                ));
            }
        }
        Ok(())
    });
}

#[test]
fn check_reports_recovery_kinds_times_steps_and_people() {
    for_each_model(|case| {
        let (command, report) = case.check_report()?;
        let entries = event_entries(&report)?;
        let singles = case.oracle.singles();
        for (id, entry) in &entries {
            let e = case.event_index(id)?;
            for (name, journey) in entry_journeys(entry) {
                let j = case.journey_index(&name)?;
                let effect = &singles.effects[e][j];
                let recovery = &journey["recovery"];
                let context = format!("`{command}`: event `{id}` on journey `{name}` ({effect:?})");
                if recovery["kind"].as_str() != Some(effect.recovery_kind()) {
                    return Err(format!(
                        "{context}: recovery kind {}, expected {}",
                        recovery["kind"],
                        effect.recovery_kind()
                    ));
                }
                if matches!(effect, Effect::None | Effect::Degraded) {
                    continue;
                }
                let expected = case.oracle.recovery_seconds(e, effect);
                if recovery["seconds"].as_u64() != expected {
                    return Err(format!(
                        "{context}: recovery seconds {}, expected {expected:?}",
                        recovery["seconds"]
                    ));
                }
                if let Effect::Manual { needed, done, .. } = effect {
                    let steps = string_set(&recovery["steps"]);
                    let step = |c: &usize| format!("failover:{}", case.oracle.components[*c].name);
                    let at_least: BTreeSet<String> = needed.iter().map(step).collect();
                    let at_most: BTreeSet<String> = done.iter().map(step).collect();
                    if !at_least.is_subset(&steps) || !steps.is_subset(&at_most) {
                        return Err(format!(
                            "{context}: steps {steps:?}, expected at least {at_least:?} and at most {at_most:?}"
                        ));
                    }
                    let people: BTreeSet<String> = done
                        .iter()
                        .filter(|c| steps.contains(&step(c)))
                        .flat_map(|&c| case.oracle.able_people(c))
                        .collect();
                    let got = string_set(&recovery["people"]);
                    if people != got {
                        return Err(format!(
                            "{context}: people {got:?}, expected {people:?} (able and, when some are on call, on call)"
                        ));
                    }
                }
            }
        }
        Ok(())
    });
}

#[test]
fn check_finds_the_spofs() {
    for_each_model(|case| {
        let (command, report) = case.check_report()?;
        let singles = case.oracle.singles();
        let oracle = &case.oracle;
        let expected: BTreeSet<String> = (0..oracle.events.len())
            .filter(|&e| singles.spof[e])
            .map(|e| oracle.events[e].id.clone())
            .collect();
        let got: BTreeSet<String> = items(&report["spofs"])
            .iter()
            .map(|s| s["event"].as_str().unwrap_or_default().to_string())
            .collect();
        if expected != got {
            return Err(format!("`{command}`: SPOFs {got:?}, expected {expected:?}"));
        }
        for (id, entry) in event_entries(&report)? {
            let e = case.event_index(&id)?;
            for (name, journey) in entry_journeys(&entry) {
                let j = case.journey_index(&name)?;
                let spof = oracle.makes_spof(&singles.effects[e][j], j);
                if journey["spof"].as_bool() != Some(spof) {
                    return Err(format!(
                        "`{command}`: event `{id}` on journey `{name}`: spof {}, expected {spof}",
                        journey["spof"]
                    ));
                }
            }
        }
        for journey in items(&report["journeys"]) {
            let name = journey["name"].as_str().unwrap_or_default();
            let j = case.journey_index(name)?;
            let count = (0..oracle.events.len())
                .filter(|&e| oracle.makes_spof(&singles.effects[e][j], j))
                .count();
            if journey["spofs"].as_u64() != Some(count as u64) {
                return Err(format!(
                    "`{command}`: journey `{name}` counts {} SPOFs, expected {count}",
                    journey["spofs"]
                ));
            }
        }
        Ok(())
    });
}

#[test]
fn check_gives_blast_radius_and_journey_weights() {
    for_each_model(|case| {
        let (command, report) = case.check_report()?;
        let singles = case.oracle.singles();
        for journey in items(&report["journeys"]) {
            let name = journey["name"].as_str().unwrap_or_default();
            let j = case.journey_index(name)?;
            let expected = case.oracle.journeys[j].weight;
            let got = journey["weight"].as_f64().unwrap_or(f64::NAN);
            // The report rounds weights to four decimals.
            if (expected - got).abs() > 5e-5 {
                return Err(format!(
                    "`{command}`: journey `{name}` weight {got}, expected {expected}"
                ));
            }
        }
        for (id, entry) in event_entries(&report)? {
            let e = case.event_index(&id)?;
            let expected = singles.blast_radius[e];
            let got = entry["blast_radius"].as_f64().unwrap_or(f64::NAN);
            // The report rounds blast radius to four decimals.
            let rounded = (expected * 1e4).round() / 1e4;
            if !close(expected, got) && !close(rounded, got) {
                return Err(format!(
                    "`{command}`: event `{id}` blast radius {got}, expected {expected}"
                ));
            }
        }
        Ok(())
    });
}

#[test]
fn check_lists_the_components_each_event_takes_down() {
    for_each_model(|case| {
        let (command, report) = case.check_report()?;
        let singles = case.oracle.singles();
        for (id, entry) in event_entries(&report)? {
            let e = case.event_index(&id)?;
            let lists = [
                ("components_down", &singles.components_down[e]),
                ("components_interrupted", &singles.components_interrupted[e]),
            ];
            for (field, components) in lists {
                let expected = case.component_names(components);
                let got = string_set(&entry[field]);
                if expected != got {
                    return Err(format!(
                        "`{command}`: event `{id}`: {field} {got:?}, expected {expected:?}"
                    ));
                }
            }
        }
        Ok(())
    });
}

#[test]
fn check_gives_each_journey_its_path_and_rto() {
    for_each_model(|case| {
        let (command, report) = case.check_report()?;
        let singles = case.oracle.singles();
        let oracle = &case.oracle;
        let reported: Vec<&Value> = items(&report["journeys"]).iter().collect();
        if reported.len() != oracle.journeys.len() {
            return Err(format!(
                "`{command}`: {} journeys, expected {}",
                reported.len(),
                oracle.journeys.len()
            ));
        }
        for journey in reported {
            let name = journey["name"].as_str().unwrap_or_default();
            let j = case.journey_index(name)?;
            let expected_path = case.component_names(&oracle.journeys[j].path);
            if string_set(&journey["path"]) != expected_path {
                return Err(format!(
                    "`{command}`: journey `{name}` path {}, expected {expected_path:?}",
                    journey["path"]
                ));
            }
            if journey["declared"].as_bool() != Some(oracle.declared_journeys)
                || journey["critical"].as_bool() != Some(oracle.journeys[j].critical)
            {
                return Err(format!(
                    "`{command}`: journey `{name}` declared {} critical {}",
                    journey["declared"], journey["critical"]
                ));
            }
            let got = journey["rto_seconds"].as_u64();
            let expected = singles.rto[j].flatten();
            // With no event taking the journey down the docs give no RTO; null and 0 both fit.
            let nothing_takes_it_down = singles.rto[j].is_none() && matches!(got, None | Some(0));
            if got != expected && !nothing_takes_it_down {
                return Err(format!(
                    "`{command}`: journey `{name}` RTO {got:?}, expected {expected:?} (the worst recovery over the events that take it down, unknown when one is)"
                ));
            }
            if let (Some(rto), Some(target)) = (expected, oracle.journeys[j].rto_target_seconds) {
                let meets = rto <= target;
                if journey["meets_target"].as_bool() != Some(meets) {
                    return Err(format!(
                        "`{command}`: journey `{name}` meets_target {}, expected {meets}",
                        journey["meets_target"]
                    ));
                }
            }
        }
        Ok(())
    });
}

#[test]
fn check_gives_the_exact_availability() {
    for_each_model(|case| {
        let Some(expected) = prob::unavailability(&case.oracle) else {
            return Ok(());
        };
        let (command, report) = case.check_report()?;
        for journey in items(&report["journeys"]) {
            let name = journey["name"].as_str().unwrap_or_default();
            let j = case.journey_index(name)?;
            let Some(got) = journey["unavailability"].as_f64() else {
                return Err(format!(
                    "`{command}`: journey `{name}` has no exact unavailability"
                ));
            };
            if !close_relative(expected[j], got) {
                return Err(format!(
                    "`{command}`: journey `{name}` unavailability {got:e}, expected {:e}",
                    expected[j]
                ));
            }
        }
        Ok(())
    });
}

/// `spof whatif EVENTS -m MODEL --format json` against the oracle's evaluation of the set.
fn compare_whatif(case: &Case, events: &[usize]) -> Result<(), String> {
    let oracle = &case.oracle;
    let ids: Vec<&str> = events
        .iter()
        .map(|&e| oracle.events[e].id.as_str())
        .collect();
    let mut command = vec!["whatif"];
    command.extend(&ids);
    let model = case.model();
    command.extend(["-m", &model, "--format", "json"]);
    let (command, report) = spof_json(&args(&command))?;
    let echoed = string_set(&report["events"]);
    let asked: BTreeSet<String> = ids.iter().map(|s| s.to_string()).collect();
    if echoed != asked {
        return Err(format!("`{command}`: names the events {echoed:?}"));
    }
    let failed = oracle.failed(events);
    let expected: BTreeMap<String, String> = (0..oracle.journeys.len())
        .map(|j| {
            let effect = oracle.effect(&failed, j);
            (oracle.journeys[j].name.clone(), effect.name().to_string())
        })
        .collect();
    let got: BTreeMap<String, String> = items(&report["journeys"])
        .iter()
        .map(|pair| {
            let pair = strings(pair);
            (
                pair.first().cloned().unwrap_or_default(),
                pair.get(1).cloned().unwrap_or_default(),
            )
        })
        .collect();
    if expected != got {
        return Err(format!(
            "`{command}`: journeys {got:?}, expected {expected:?}"
        ));
    }
    let phases = [
        ("components_down", Phase::Immediate),
        (
            "components_down_after_automatic_failover",
            Phase::AfterAutomatic,
        ),
        ("components_down_until_repair", Phase::AfterManual),
    ];
    for (field, phase) in phases {
        let expected = case.component_names(&oracle.components_down(&failed, phase));
        let got = string_set(&report[field]);
        if expected != got {
            return Err(format!(
                "`{command}`: {field} {got:?}, expected {expected:?}"
            ));
        }
    }
    let expected: BTreeSet<String> = oracle
        .restart_blocked(&failed)
        .into_iter()
        .map(|(c, d)| {
            format!(
                "{} needs {}",
                oracle.components[c].name, oracle.components[d].name
            )
        })
        .collect();
    let got: BTreeSet<String> = items(&report["restart_blocked"])
        .iter()
        .map(|r| {
            format!(
                "{} needs {}",
                r["component"].as_str().unwrap_or("?"),
                r["waits_for"].as_str().unwrap_or("?")
            )
        })
        .collect();
    if expected != got {
        return Err(format!(
            "`{command}`: restart_blocked {got:?}, expected {expected:?}"
        ));
    }
    Ok(())
}

#[test]
fn whatif_agrees_on_every_single_event() {
    for_each_model(|case| {
        for e in 0..case.oracle.events.len() {
            compare_whatif(case, &[e])?;
        }
        Ok(())
    });
}

#[test]
fn whatif_agrees_on_pairs_triples_and_absent_people() {
    for_each_model(|case| {
        let oracle = &case.oracle;
        let count = oracle.events.len();
        let mut sets: Vec<Vec<usize>> = (0..3)
            .map(|i| vec![(i * 5 + 1) % count, (i * 7 + 3) % count])
            .filter(|pair| pair[0] != pair[1])
            .collect();
        if count >= 3 {
            sets.push(vec![0, count / 3, 2 * count / 3]);
        }
        // An event that waits for a manual step, with each person away, then everyone.
        let singles = oracle.singles();
        if let Some(e) = (0..count).find(|&e| {
            singles.effects[e]
                .iter()
                .any(|effect| matches!(effect, Effect::Manual { .. }))
        }) {
            for person in &oracle.people {
                sets.push(vec![e, person.event]);
            }
            let mut everyone = vec![e];
            everyone.extend(oracle.people.iter().map(|p| p.event));
            sets.push(everyone);
        }
        for set in sets {
            compare_whatif(case, &set)?;
        }
        Ok(())
    });
}

#[test]
fn risks_lists_the_singles_and_every_minimal_pair() {
    for_each_model(|case| {
        let model = case.model();
        let (command, report) = spof_json(&args(&[
            "risks",
            &model,
            "--format",
            "json",
            "--max-order",
            "2",
            "--top",
            "100000",
        ]))?;
        let oracle = &case.oracle;
        let groups = prob::risk_groups(oracle);
        let exact = prob::unavailability(oracle);
        let id = |e: usize| oracle.events[e].id.clone();
        for journey in items(&report["journeys"]) {
            let name = journey["journey"].as_str().unwrap_or_default();
            let j = case.journey_index(name)?;
            let expected: BTreeSet<String> = groups.singles[j].iter().map(|&e| id(e)).collect();
            let got = string_set(&journey["singles"]);
            if expected != got {
                return Err(format!(
                    "`{command}`: journey `{name}` singles {got:?}, expected {expected:?}"
                ));
            }
            let expected: BTreeSet<BTreeSet<String>> = groups.pairs[j]
                .iter()
                .map(|&(a, b)| [id(a), id(b)].into_iter().collect())
                .collect();
            let got: BTreeSet<BTreeSet<String>> = items(&journey["groups"])
                .iter()
                .map(|group| string_set(&group["events"]))
                .collect();
            if expected != got {
                let missing: Vec<_> = expected.difference(&got).collect();
                let extra: Vec<_> = got.difference(&expected).collect();
                return Err(format!(
                    "`{command}`: journey `{name}` pairs: missing {missing:?}, unexpected {extra:?}"
                ));
            }
            if let (Some(exact), Some(got)) = (&exact, journey["unavailability"].as_f64())
                && !close_relative(exact[j], got)
            {
                return Err(format!(
                    "`{command}`: journey `{name}` unavailability {got:e}, expected {:e}",
                    exact[j]
                ));
            }
        }
        Ok(())
    });
}

/// The effects `spof explain` claims after "Losing …: ", by journey.
fn explained_effects(claims: &str) -> Result<BTreeMap<String, String>, String> {
    let claims = claims
        .trim()
        .trim_end_matches(" A SPOF.")
        .trim_end_matches('.');
    let mut effects = BTreeMap::new();
    if claims == "no journey is affected" {
        return Ok(effects);
    }
    let mut depth = 0;
    let mut start = 0;
    let mut parts = Vec::new();
    for (position, character) in claims.char_indices() {
        match character {
            '(' => depth += 1,
            ')' => depth -= 1,
            ';' if depth == 0 => {
                parts.push(&claims[start..position]);
                start = position + 1;
            }
            _ => {}
        }
    }
    parts.push(&claims[start..]);
    for part in parts {
        let part = part.trim();
        let (journey, said) = part
            .split_once(' ')
            .ok_or_else(|| format!("cannot read the claim `{part}`"))?;
        let effect = if said.starts_with("degraded") {
            "degraded"
        } else if said.starts_with("interrupted") || said.starts_with("down for") {
            "interrupted"
        } else if said.starts_with("down until repaired") {
            "down-until-repair"
        } else if said.starts_with("down until someone") || said.starts_with("down until a manual")
        {
            "down-until-manual-step"
        } else {
            return Err(format!("cannot read the claim `{part}`"));
        };
        effects.insert(journey.to_string(), effect.to_string());
    }
    Ok(effects)
}

/// The events listed after "… when any one of these fails: ".
fn listed_events(line: &str) -> BTreeSet<String> {
    let list = line.rsplit_once(": ").map_or("", |(_, list)| list);
    list.trim_end_matches('.')
        .split(", ")
        .map(str::to_string)
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn explain_tells_what_losing_a_component_does() {
    for_each_model(|case| {
        let oracle = &case.oracle;
        let model = case.model();
        for (c, component) in oracle.components.iter().enumerate() {
            let output = spof(&args(&["explain", &component.name, "-m", &model]))?;
            let command = output.command;
            for line in output.stdout.lines() {
                let Some(rest) = line.strip_prefix("Losing ") else {
                    continue;
                };
                let (what, claims) = rest
                    .split_once("): ")
                    .or_else(|| rest.split_once(": "))
                    .ok_or_else(|| format!("`{command}`: cannot read `{line}`"))?;
                let events: Vec<usize> = if what.starts_with("all ") {
                    component.instance_events.clone()
                } else if let Some(places) = what.strip_prefix("every place it runs in at once (") {
                    let mut events = Vec::new();
                    for id in places.split(", ") {
                        events.push(case.event_index(id)?);
                    }
                    events
                } else {
                    let id = what.split(' ').next().unwrap_or_default();
                    vec![case.event_index(id)?]
                };
                let failed = oracle.failed(&events);
                let effects: Vec<Effect> = (0..oracle.journeys.len())
                    .map(|j| oracle.effect(&failed, j))
                    .collect();
                let expected = effect_names(case, &effects);
                let got = explained_effects(claims)
                    .map_err(|message| format!("`{command}`: {message}"))?;
                if expected != got {
                    return Err(format!(
                        "`{command}`: `{line}`: expected {expected:?}, got {got:?}"
                    ));
                }
            }
            let others: Vec<usize> = (0..oracle.events.len())
                .filter(|e| !component.own_events.contains(e))
                .collect();
            let down_after = |e: usize, phase: Phase| {
                oracle
                    .components_down(&oracle.failed(&[e]), phase)
                    .contains(&c)
            };
            let goes_down: BTreeSet<String> = others
                .iter()
                .filter(|&&e| down_after(e, Phase::AfterAutomatic))
                .map(|&e| oracle.events[e].id.clone())
                .collect();
            let interrupted: BTreeSet<String> = others
                .iter()
                .filter(|&&e| {
                    down_after(e, Phase::Immediate) && !down_after(e, Phase::AfterAutomatic)
                })
                .map(|&e| oracle.events[e].id.clone())
                .collect();
            let lines = [
                ("It also goes down when any one of these fails", goes_down),
                (
                    "It is interrupted until an automatic failover completes",
                    interrupted,
                ),
            ];
            for (opening, expected) in lines {
                let got = output
                    .stdout
                    .lines()
                    .find(|line| line.starts_with(opening))
                    .map(listed_events)
                    .unwrap_or_default();
                if expected != got {
                    return Err(format!(
                        "`{command}`: \"{opening}\": {got:?}, expected {expected:?}"
                    ));
                }
            }
        }
        Ok(())
    });
}

#[test]
fn plan_starts_from_the_spofs_and_availability_of_check() {
    for_each_model(|case| {
        let model = case.model();
        let (command, report) = spof_json(&args(&["plan", &model, "--format", "json"]))?;
        let frame = &report["frames"][0];
        let singles = case.oracle.singles();
        let expected: BTreeSet<String> = (0..case.oracle.events.len())
            .filter(|&e| singles.spof[e])
            .map(|e| case.oracle.events[e].id.clone())
            .collect();
        let got = string_set(&frame["spofs"]);
        if expected != got {
            return Err(format!(
                "`{command}`: frame 0 SPOFs {got:?}, expected {expected:?}"
            ));
        }
        if let Some(exact) = prob::unavailability(&case.oracle) {
            for journey in items(&frame["journeys"]) {
                let name = journey["name"].as_str().unwrap_or_default();
                let j = case.journey_index(name)?;
                let got = journey["availability"].as_f64().unwrap_or(f64::NAN);
                let expected = 1.0 - exact[j];
                if (expected - got).abs() > 1e-12 {
                    return Err(format!(
                        "`{command}`: frame 0 journey `{name}` availability {got}, expected {expected}"
                    ));
                }
            }
        }
        Ok(())
    });
}

#[test]
fn event_ids_round_trip_through_whatif() {
    for_each_model(|case| {
        let (command, report) = case.check_report()?;
        let mut ids: BTreeSet<String> = event_entries(&report)?.into_keys().collect();
        ids.extend(
            items(&report["journeys"])
                .iter()
                .filter_map(|j| j["rto_event"].as_str().map(str::to_string)),
        );
        for (id, entry) in event_entries(&report)? {
            let e = case.event_index(&id)?;
            let event = &case.oracle.events[e];
            let component = event
                .component
                .map(|c| case.oracle.components[c].name.clone());
            if entry["kind"].as_str() != Some(event.kind.json_name())
                || entry["component"].as_str().map(str::to_string) != component
            {
                return Err(format!(
                    "`{command}`: event `{id}` is a {} of {}, expected a {} of {component:?}",
                    entry["kind"],
                    entry["component"],
                    event.kind.json_name()
                ));
            }
        }
        let model = case.model();
        for id in ids {
            case.event_index(&id)?;
            let (whatif, echoed) =
                spof_json(&args(&["whatif", &id, "-m", &model, "--format", "json"]))?;
            if strings(&echoed["events"]) != [id.clone()] {
                return Err(format!("`{whatif}` names the events {}", echoed["events"]));
            }
        }
        // Every person is an event too, though never a SPOF by itself.
        for e in 0..case.oracle.events.len() {
            if case.oracle.events[e].kind == EventKind::Person {
                compare_whatif(case, &[e])?;
            }
        }
        Ok(())
    });
}

#[test]
fn check_gives_each_component_its_failover_level() {
    for_each_model(|case| {
        let (command, report) = case.check_report()?;
        for component in items(&report["components"]) {
            let name = component["name"].as_str().unwrap_or_default();
            let c = case
                .oracle
                .components
                .iter()
                .position(|c| c.name == name)
                .ok_or_else(|| format!("`{command}`: unknown component `{name}`"))?;
            let (managed, level) = case.failover_levels[c];
            let instances = case.oracle.components[c].instances.len() as u64;
            let expected = (managed, level, instances);
            let got = (
                component["managed"].as_bool().unwrap_or_default(),
                component["failover_level"].as_u64().unwrap_or_default(),
                component["instances"].as_u64().unwrap_or_default(),
            );
            if expected != got {
                return Err(format!(
                    "`{command}`: component `{name}` (managed, failover level, instances) {got:?}, expected {expected:?}"
                ));
            }
        }
        Ok(())
    });
}

/// The generated models (with the default number of cases) use every feature of the model and
/// meet every kind of effect, so that a change to the generator cannot quietly drop one.
#[test]
fn generated_models_use_every_feature() {
    let seen = std::sync::Mutex::new(BTreeMap::<&str, usize>::new());
    let config = Config {
        cases: DEFAULT_CASES,
        ..config()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed());
    let mut runner = TestRunner::new_with_rng(config, rng);
    let texts = [
        "replicas:",
        "instances:",
        "min_healthy: 2",
        "health_check: false",
        "health_check: true",
        "failover: manual",
        "failover: automatic",
        "failover_time:",
        "role: primary",
        "restore_time:",
        "managed: true",
        "kind: region",
        "kind: zone",
        "kind: host",
        "feed:",
        "spread:",
        "optional: true",
        "per: zone",
        "cache: true",
        "journeys: [",
        "critical: false",
        "rto_target:",
        "traffic:",
        "downtime_cost_per_hour:",
        "on_call: true",
        "deploy: all-at-once",
        "renewal: manual",
        "kind: monitoring",
        "failures_per_year:",
        "common_causes:",
        "beta:",
        "startup: true",
    ];
    let result = runner.run(&generate::choices(), |bytes| {
        let spec = generate::decode(&bytes);
        let yaml = spec.to_yaml();
        let oracle = Oracle::new(&spec);
        let mut seen = seen.lock().unwrap();
        for text in texts {
            if yaml.contains(text) {
                *seen.entry(text).or_default() += 1;
            }
        }
        let scoped_twice = oracle.components.iter().any(|c| {
            c.dependencies.iter().any(|d| {
                d.kind == spec::DependencyKind::PerZone
                    && d.scoped
                    && oracle.components[d.target]
                        .dependencies
                        .iter()
                        .any(|inner| inner.kind == spec::DependencyKind::PerZone && inner.scoped)
            })
        });
        let cycle = spec
            .components
            .iter()
            .enumerate()
            .any(|(c, component)| component.depends_on.iter().any(|d| d.target < c));
        let flags = [
            ("nested per-zone chain", scoped_twice),
            ("dependency cycle", cycle),
            ("implicit journey", !oracle.declared_journeys),
            ("enumerable", prob::unavailability(&oracle).is_some()),
        ];
        for (name, present) in flags {
            if present {
                *seen.entry(name).or_default() += 1;
            }
        }
        for effects in oracle.singles().effects {
            for effect in effects {
                *seen.entry(effect.name()).or_default() += 1;
            }
        }
        Ok(())
    });
    assert!(result.is_ok());
    let seen = seen.into_inner().unwrap();
    let wanted = texts.iter().copied().chain([
        "nested per-zone chain",
        "dependency cycle",
        "implicit journey",
        "enumerable",
        "degraded",
        "interrupted",
        "down-until-manual-step",
        "down-until-repair",
    ]);
    let missing: Vec<&str> = wanted.filter(|w| !seen.contains_key(w)).collect();
    assert!(
        missing.is_empty(),
        "never generated: {missing:?}\nseen: {seen:#?}"
    );
}
