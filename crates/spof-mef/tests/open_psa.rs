//! spof's fault-tree analysis against the published results on the Open-PSA corpus
//! (`../shared/corpus/open-psa/`, beside the project; the tests are skipped with a message when
//! it is absent). Expected values are read from the corpus' SOURCES.md where they are written
//! in a regular form (SCRAM runs measured on the same files), and listed by hand below for the
//! assertions of SCRAM's own test suite. Probabilities must agree to the printed precision.

use spof_fta::fta::{FaultTree, FtaConfig, FtaResult, analyze};
use spof_mef::{Input, Settings, read};
use std::path::{Path, PathBuf};

// The skip message goes to the test's output on purpose: a silent skip would look like a pass.
#[allow(clippy::print_stderr)]
fn corpus() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/open-psa");
    if path.join("SOURCES.md").exists() {
        Some(path)
    } else {
        eprintln!(
            "skipped: the Open-PSA corpus is not at {} (it is kept beside the project, in shared/corpus)",
            path.display()
        );
        None
    }
}

fn load(root: &Path, files: &[&str]) -> Result<FaultTree, spof_mef::MefError> {
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read_to_string(root.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")),
            )
        })
        .collect();
    let inputs: Vec<Input> = texts
        .iter()
        .map(|(name, text)| Input { name, text })
        .collect();
    read(&inputs, &Settings::default())
}

fn run(root: &Path, files: &[&str], max_order: u32) -> FtaResult {
    let tree = load(root, files).unwrap_or_else(|e| panic!("{e}"));
    let top = tree.top_gates()[0];
    let config = FtaConfig {
        max_order,
        top: 3,
        mcub_limit: 0,
    };
    // Deep trees recurse deeply in the decision diagrams.
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(1 << 30)
            .spawn_scoped(s, || {
                analyze(&tree, top, &config).expect("within the node limit")
            })
            .unwrap()
            .join()
            .unwrap()
    })
}

/// Agreement to `digits` significant digits.
fn close(actual: f64, expected: f64, digits: i32) -> bool {
    if expected == 0.0 {
        return actual.abs() < 1e-300;
    }
    let scale = 10f64.powi(expected.abs().log10().floor() as i32 - digits + 1);
    (actual - expected).abs() <= 0.5 * scale * (1.0 + 1e-9)
}

/// Significant digits as printed: `0.000101708` has 6.
fn printed_digits(text: &str) -> i32 {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    digits.trim_start_matches('0').len().max(1) as i32
}

/// One regular "measured here" run of SOURCES.md: a file, an order limit, the number of
/// products (and per order), and P.
struct Measured {
    file: String,
    max_order: u32,
    count: u128,
    by_order: Option<Vec<u128>>,
    probability: Option<(f64, i32)>,
    line: String,
}

fn measured_runs(sources: &str) -> Vec<Measured> {
    let mut out = Vec::new();
    for row in sources.lines().filter(|l| l.starts_with("| scram/")) {
        let file = row.split('|').nth(1).unwrap().trim().to_string();
        for entry in row.split("<br>") {
            let Some(rest) = entry.split("measured here: `").nth(1) else {
                continue;
            };
            let Some((command, result)) = rest.split_once("`: ") else {
                continue;
            };
            if !command.contains("--bdd") || result.starts_with("no result") {
                continue;
            }
            let max_order = command
                .split(" -l ")
                .nth(1)
                .and_then(|l| l.split_whitespace().next())
                .map_or(20, |l| l.parse().unwrap());
            let count: u128 = result.split_whitespace().next().unwrap().parse().unwrap();
            let by_order = result.split("per order 1..: ").nth(1).map(|p| {
                p.split(')')
                    .next()
                    .unwrap()
                    .split_whitespace()
                    .map(|n| n.parse().unwrap())
                    .collect()
            });
            let probability = result.split("P=").nth(1).map(|p| {
                let text = p
                    .trim()
                    .trim_end_matches(['|', ' '])
                    .split_whitespace()
                    .next()
                    .unwrap();
                (text.parse::<f64>().unwrap(), printed_digits(text))
            });
            out.push(Measured {
                file: file.clone(),
                max_order,
                count,
                by_order,
                probability,
                line: entry.trim().to_string(),
            });
        }
    }
    out
}

#[test]
fn every_measured_scram_run_is_reproduced() {
    let Some(root) = corpus() else { return };
    let sources = std::fs::read_to_string(root.join("SOURCES.md")).unwrap();
    let runs = measured_runs(&sources);
    assert!(
        runs.len() >= 70,
        "only {} runs found in SOURCES.md",
        runs.len()
    );
    for m in &runs {
        let result = run(&root, &[&m.file], m.max_order);
        assert_eq!(result.cut_sets, m.count, "{}: cut sets; {}", m.file, m.line);
        if let Some(by_order) = &m.by_order {
            let ours: Vec<u128> = (1..=by_order.len())
                .map(|k| result.by_order.get(k).copied().unwrap_or(0))
                .collect();
            assert_eq!(&ours, by_order, "{}: by order; {}", m.file, m.line);
        }
        if let Some((p, digits)) = m.probability {
            assert!(
                close(result.probability, p, digits),
                "{}: P {} vs {p}; {}",
                m.file,
                result.probability,
                m.line
            );
        }
    }
}

/// Counts that no SCRAM run gives, confirmed by a second engine in SOURCES.md (relibmss), with
/// no order limit; and the openpra table's counts for the models SCRAM cannot enumerate.
#[test]
fn counts_beyond_scram() {
    let Some(root) = corpus() else { return };
    let cases: &[(&str, u128, f64)] = &[
        ("scram/input/Aralia/das9209.xml", 82_000_000_000, 1.058e-13),
        ("scram/input/Aralia/edf9206.xml", 7_159_688_704, 8.615e-12),
        ("scram/input/Aralia/edf9203.xml", 20_807_446, 5.99589e-1),
        ("scram/input/Aralia/edfpa14b.xml", 105_955_422, 2.95620e-1),
        ("scram/input/Aralia/edfpa14p.xml", 415_500, 8.07059e-2),
    ];
    for &(file, count, p) in cases {
        let result = run(&root, &[file], u32::MAX);
        assert_eq!(result.cut_sets, count, "{file}");
        assert!(
            close(result.probability, p, 4),
            "{file}: P {}",
            result.probability
        );
    }
}

/// das9701: no module below the top, 266 of its 267 events negated; the openpra table's
/// P(top) to its 6 printed digits and its count of minimal cut sets (negative literals
/// dropped), which SCRAM does not reach. One to two minutes in a release build, far longer in a
/// debug one: `cargo test --release -p spof-mef --test open_psa -- --ignored`.
#[test]
#[ignore = "one to two minutes in release: cargo test --release -p spof-mef --test open_psa -- --ignored"]
fn das9701_beyond_scram() {
    let Some(root) = corpus() else { return };
    let result = run(&root, &["scram/input/Aralia/das9701.xml"], u32::MAX);
    assert!(
        close(result.probability, 7.44694e-2, 6),
        "P {}",
        result.probability
    );
    assert_eq!(result.cut_sets, 26_299_506);
    assert_eq!(
        result.by_order,
        [
            0, 6, 163, 5_497, 170_518, 985_095, 9_178_704, 14_713_603, 1_196_996, 48_012, 912
        ]
    );
}

/// Assertions of SCRAM's own test suite (tests/bench_*.cc), as SOURCES.md quotes them.
#[test]
fn scram_test_suite_values() {
    let Some(root) = corpus() else { return };
    struct Case {
        files: &'static [&'static str],
        max_order: u32,
        count: u128,
        by_order: &'static [u128],
        exact: Option<f64>,
        rare: Option<f64>,
        digits: i32,
    }
    let cases = [
        Case {
            files: &[
                "scram/input/Baobab/baobab1.xml",
                "scram/input/Baobab/baobab1-basic-events.xml",
            ],
            max_order: 20,
            count: 46188,
            by_order: &[0, 1, 1, 70, 400, 2212, 14748, 8460, 10624, 6600, 3072],
            exact: Some(1.2823e-6),
            rare: Some(1.6815e-6),
            digits: 5,
        },
        Case {
            files: &[
                "scram/input/Baobab/baobab1.xml",
                "scram/input/Baobab/baobab1-basic-events.xml",
            ],
            max_order: 4,
            count: 72,
            by_order: &[],
            exact: None,
            rare: None,
            digits: 5,
        },
        Case {
            files: &[
                "scram/input/Baobab/baobab2.xml",
                "scram/input/Baobab/baobab2-basic-events.xml",
            ],
            max_order: 20,
            count: 4805,
            by_order: &[0, 6, 121, 268, 630, 3780],
            exact: None,
            rare: None,
            digits: 5,
        },
        Case {
            files: &[
                "scram/input/CEA9601/CEA9601.xml",
                "scram/input/CEA9601/CEA9601-basic-events.xml",
            ],
            max_order: 4,
            count: 54436,
            by_order: &[0, 0, 1144, 53292],
            exact: Some(2.38155e-6),
            rare: None,
            digits: 6,
        },
        Case {
            files: &[
                "scram/input/CEA9601/CEA9601.xml",
                "scram/input/CEA9601/CEA9601-basic-events.xml",
            ],
            max_order: 3,
            count: 1144,
            by_order: &[0, 0, 1144],
            exact: None,
            rare: Some(3.316e-8),
            digits: 4,
        },
        Case {
            files: &[
                "scram/input/Chinese/chinese.xml",
                "scram/input/Chinese/chinese-basic-events.xml",
            ],
            max_order: 20,
            count: 392,
            by_order: &[0, 12, 0, 24, 188, 168],
            exact: Some(0.0045691),
            rare: Some(0.004804),
            digits: 4,
        },
        Case {
            files: &["scram/input/Autogenerated/200_event.xml"],
            max_order: 15,
            count: 287,
            by_order: &[],
            exact: Some(0.55985),
            rare: Some(0.794828),
            digits: 5,
        },
        Case {
            files: &["scram/input/Autogenerated/200_event.xml"],
            max_order: 20,
            count: 15347,
            by_order: &[],
            exact: None,
            rare: None,
            digits: 5,
        },
        Case {
            files: &["scram/input/BSCU/BSCU.xml"],
            max_order: 20,
            count: 10,
            by_order: &[2, 8],
            exact: Some(0.1124087),
            rare: Some(0.135372),
            digits: 6,
        },
        Case {
            files: &["scram/input/HIPPS/HIPPS.xml"],
            max_order: 20,
            count: 9,
            by_order: &[6, 3],
            exact: Some(0.0016209),
            rare: Some(0.00162188),
            digits: 5,
        },
        Case {
            files: &["scram/input/Lift/lift.xml"],
            max_order: 20,
            count: 12,
            by_order: &[12],
            exact: Some(1.19999e-5),
            rare: None,
            digits: 6,
        },
        Case {
            files: &["scram/input/SmallTree/SmallTree.xml"],
            max_order: 20,
            count: 2,
            by_order: &[0, 2],
            exact: Some(0.02678),
            rare: Some(0.02696),
            digits: 4,
        },
        Case {
            files: &["scram/input/Theatre/theatre.xml"],
            max_order: 20,
            count: 2,
            by_order: &[0, 2],
            exact: Some(0.00207),
            rare: Some(0.00210),
            digits: 3,
        },
        Case {
            files: &["scram/input/ThreeMotor/three_motor.xml"],
            max_order: 20,
            count: 12,
            by_order: &[1, 3, 0, 8],
            exact: Some(0.0211538),
            rare: Some(0.0212013),
            digits: 6,
        },
        Case {
            files: &["scram/input/TwoTrain/two_train.xml"],
            max_order: 20,
            count: 4,
            by_order: &[0, 4],
            exact: Some(0.7225),
            rare: Some(1.0),
            digits: 4,
        },
        Case {
            files: &["scram/input/ne574/ne574.xml"],
            max_order: 20,
            count: 7,
            by_order: &[1, 3, 3],
            exact: Some(0.662208),
            rare: Some(1.0),
            digits: 6,
        },
        Case {
            files: &["scram/tests/input/core/a_and_not_a.xml"],
            max_order: 20,
            count: 0,
            by_order: &[],
            exact: Some(0.0),
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/a_and_not_b.xml"],
            max_order: 20,
            count: 1,
            by_order: &[1],
            exact: Some(0.08),
            rare: Some(0.1),
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/a_or_not_a.xml"],
            max_order: 20,
            count: 1,
            by_order: &[],
            exact: Some(1.0),
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/a_or_not_ab.xml"],
            max_order: 20,
            count: 2,
            by_order: &[2],
            exact: Some(0.28),
            rare: Some(0.3),
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/a_or_not_b.xml"],
            max_order: 20,
            count: 1,
            by_order: &[],
            exact: Some(0.82),
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/ab_bc.xml"],
            max_order: 20,
            count: 2,
            by_order: &[0, 2],
            exact: Some(0.074),
            rare: Some(0.08),
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/ab_or_not_ac.xml"],
            max_order: 20,
            count: 2,
            by_order: &[1, 1],
            exact: Some(0.29),
            rare: Some(0.32),
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/abc.xml"],
            max_order: 20,
            count: 3,
            by_order: &[3],
            exact: Some(0.496),
            rare: Some(0.6),
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/atleast.xml"],
            max_order: 20,
            count: 3,
            by_order: &[0, 3],
            exact: Some(0.098),
            rare: Some(0.11),
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/cardinality.xml"],
            max_order: 20,
            count: 3,
            by_order: &[3],
            exact: Some(0.49),
            rare: Some(0.6),
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/complement_module.xml"],
            max_order: 20,
            count: 1,
            by_order: &[0, 0, 1],
            exact: None,
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/iff.xml"],
            max_order: 20,
            count: 3,
            by_order: &[3],
            exact: Some(0.404),
            rare: Some(0.6),
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/imply.xml"],
            max_order: 20,
            count: 1,
            by_order: &[],
            exact: Some(0.986),
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/multiple_parent_negative_gate.xml"],
            max_order: 20,
            count: 1,
            by_order: &[],
            exact: Some(0.9),
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/nand.xml"],
            max_order: 20,
            count: 1,
            by_order: &[],
            exact: None,
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/nand_or_equality.xml"],
            max_order: 20,
            count: 1,
            by_order: &[],
            exact: Some(1.0),
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/nor.xml"],
            max_order: 20,
            count: 1,
            by_order: &[],
            exact: None,
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/not_a.xml"],
            max_order: 20,
            count: 1,
            by_order: &[],
            exact: None,
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/not_and_or_equality.xml"],
            max_order: 20,
            count: 1,
            by_order: &[],
            exact: Some(1.0),
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/null.xml"],
            max_order: 20,
            count: 0,
            by_order: &[],
            exact: Some(0.0),
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/null_a.xml"],
            max_order: 20,
            count: 1,
            by_order: &[1],
            exact: None,
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/subtle_null.xml"],
            max_order: 20,
            count: 0,
            by_order: &[],
            exact: None,
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/subtle_unity.xml"],
            max_order: 20,
            count: 1,
            by_order: &[],
            exact: None,
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/unity.xml"],
            max_order: 20,
            count: 1,
            by_order: &[],
            exact: Some(1.0),
            rare: None,
            digits: 3,
        },
        Case {
            files: &["scram/tests/input/core/xor.xml"],
            max_order: 20,
            count: 3,
            by_order: &[3],
            exact: Some(0.404),
            rare: Some(0.6),
            digits: 3,
        },
    ];
    for case in &cases {
        let result = run(&root, case.files, case.max_order);
        let name = case.files[0];
        assert_eq!(
            result.cut_sets, case.count,
            "{name} -l {}: cut sets",
            case.max_order
        );
        if !case.by_order.is_empty() {
            let ours: Vec<u128> = (1..=case.by_order.len())
                .map(|k| result.by_order.get(k).copied().unwrap_or(0))
                .collect();
            assert_eq!(ours, case.by_order, "{name}: by order");
        }
        // "unity" is the one empty cut set.
        if case.count == 1 && case.by_order.is_empty() {
            assert_eq!(
                result.by_order.first(),
                Some(&1),
                "{name}: unity is the empty set"
            );
        }
        if let Some(p) = case.exact {
            assert!(
                close(result.probability, p, case.digits),
                "{name}: exact P {} vs {p}",
                result.probability
            );
        }
        if let Some(p) = case.rare {
            assert!(
                close(result.rare_event, p, case.digits),
                "{name}: rare-event {} vs {p}",
                result.rare_event
            );
        }
    }
}

/// SCRAM's own common-cause tests (tests/bench_core_tests.cc, with CCF analysis on): three
/// trains of a valve and a pump, the pumps and the valves each a CCF group of three with
/// Q = 0.1. SCRAM checks the probabilities to 1e-5.
#[test]
fn scram_ccf_groups() {
    let Some(root) = corpus() else { return };
    // (file, cut sets, by order 1.., exact P, rare-event sum)
    let cases: &[(&str, u128, &[u128], f64, f64)] = &[
        ("beta_factor_ccf.xml", 10, &[0, 2, 0, 8], 0.04308, 0.044096),
        ("alpha_factor_ccf.xml", 34, &[0, 2, 24, 8], 0.05298, 0.05488),
        ("mgl_ccf.xml", 34, &[0, 2, 24, 8], 0.01630, 0.01771),
        ("phi_factor_ccf.xml", 34, &[0, 2, 24, 8], 0.04104, 0.04434),
    ];
    for &(file, count, by_order, exact, rare) in cases {
        let path = format!("scram/tests/input/core/{file}");
        let result = run(&root, &[&path], 20);
        assert_eq!(result.cut_sets, count, "{file}: cut sets");
        let ours: Vec<u128> = (0..by_order.len())
            .map(|k| result.by_order.get(k).copied().unwrap_or(0))
            .collect();
        assert_eq!(ours, by_order, "{file}: by order");
        assert!(
            (result.probability - exact).abs() <= 1e-5,
            "{file}: exact P {} vs {exact}",
            result.probability
        );
        assert!(
            (result.rare_event - rare).abs() <= 1e-5,
            "{file}: rare-event {} vs {rare}",
            result.rare_event
        );
    }
    // The beta-factor cut sets, as SCRAM lists them: the two groups' common failures alone,
    // and the eight ways one independent failure per train takes all three.
    let tree = load(&root, &["scram/tests/input/core/beta_factor_ccf.xml"]).unwrap();
    let config = FtaConfig {
        max_order: 20,
        top: 100,
        mcub_limit: 0,
    };
    let result = analyze(&tree, tree.top_gates()[0], &config).unwrap();
    let mut listed: Vec<Vec<String>> = result
        .most_probable
        .iter()
        .map(|(set, _)| {
            let mut names: Vec<String> = set.iter().map(|&e| tree.events[e].name.clone()).collect();
            names.sort();
            names
        })
        .collect();
    listed.sort();
    let mut expected: Vec<Vec<String>> = vec![
        vec!["[PumpOne PumpTwo PumpThree]".into()],
        vec!["[ValveOne ValveTwo ValveThree]".into()],
    ];
    for pumps in 0..8u32 {
        let mut set: Vec<String> = ["One", "Two", "Three"]
            .iter()
            .enumerate()
            .map(|(i, train)| {
                let kind = if pumps >> i & 1 == 1 { "Pump" } else { "Valve" };
                format!("[{kind}{train}]")
            })
            .collect();
        set.sort();
        expected.push(set);
    }
    expected.sort();
    assert_eq!(listed, expected);
}

/// TwoTrain's common-cause model (two trains, pumps and valves each a beta-factor group of
/// two, Q = 0.1, β = 0.2): no published figure, so checked against the hand expansion.
/// Independent failures (1 - β)Q = 0.08, common ones βQ = 0.02; the top event is
/// [P1 P2] or [V1 V2] or (train one fails and train two fails by independent failures).
#[test]
fn two_train_common_cause() {
    let Some(root) = corpus() else { return };
    let result = run(&root, &["scram/input/TwoTrain/common_cause.xml"], 20);
    assert_eq!(result.cut_sets, 6);
    assert_eq!(result.by_order, vec![0, 2, 4]);
    // P(train fails independently) = 1 - 0.92² for each train; with the commons c = 0.02:
    // P = 1 - (1 - c)² (1 - t²), t = 1 - 0.92².
    let t = 1.0 - 0.92f64 * 0.92;
    let expected = 1.0 - 0.98f64 * 0.98 * (1.0 - t * t);
    assert!(
        (result.probability - expected).abs() < 1e-12,
        "{} vs {expected}",
        result.probability
    );
}

/// What is not supported is a located error, never a different answer.
#[test]
fn unsupported_constructs_are_located_errors() {
    let Some(root) = corpus() else { return };
    for file in [
        "scram/input/TwoTrain/substitutions.xml",
        "scram/input/EventTrees/attack.xml",
    ] {
        let error = load(&root, &[file]).expect_err(file);
        assert!(error.line > 0, "{file}: {error}");
        assert!(
            error.message.contains("not supported") || error.message.contains("not analysed"),
            "{file}: {error}"
        );
    }
}

/// Every MEF file of the corpus either reads or fails with a located error.
#[test]
fn every_corpus_file_reads_or_fails_cleanly() {
    let Some(root) = corpus() else { return };
    let mut stack = vec![root.join("scram")];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "xml") {
                seen += 1;
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                match load(&root, &[&relative]) {
                    Ok(tree) => assert!(!tree.gates.is_empty(), "{relative}"),
                    Err(error) => assert!(
                        error.line > 0 && !error.message.is_empty(),
                        "{relative}: {error}"
                    ),
                }
            }
        }
    }
    assert!(seen > 100, "{seen} files");
}

/// nus9601 (1,622 gates, 1,567 events, coherent): SCRAM's ZBDD gives 0 products at -l 2 and
/// 10 (all of order 3) at -l 3; no exact probability is known. Its BDD grows past the node
/// limit, so the cut sets are built straight on the ZBDD; checked here without the BDD attempt.
#[test]
fn nus9601_cut_sets_without_the_bdd() {
    let Some(root) = corpus() else { return };
    let tree = load(&root, &["scram/input/Aralia/nus9601.xml"]).unwrap();
    let top = tree.top_gates()[0];
    for (max_order, by_order) in [
        (2, vec![0]),
        (3, vec![0, 0, 0, 10]),
        (4, vec![0, 0, 0, 10, 2]),
    ] {
        let mut zbdd = spof_fta::dd::Zbdd::new();
        let sets = spof_fta::fta::coherent_cut_sets(&tree, top, max_order, &mut zbdd)
            .unwrap()
            .expect("nus9601 is coherent")
            .sets;
        assert_eq!(zbdd.count_by_order(sets), by_order, "-l {max_order}");
    }
}

/// The same through `analyze`, which tries the BDD first (about 35 s and 3 GB before it gives
/// up): `cargo test --release -p spof-mef --test open_psa -- --ignored nus9601`.
#[test]
#[ignore = "slow: the BDD attempt takes about 35 s and 3 GB"]
fn nus9601_through_analyze() {
    let Some(root) = corpus() else { return };
    let result = run(&root, &["scram/input/Aralia/nus9601.xml"], 3);
    assert!(!result.exact && result.probability.is_nan());
    assert_eq!(result.cut_sets, 10);
    assert_eq!(result.by_order, vec![0, 0, 0, 10]);
}
