//! Fault-tree analysis against brute force on random small trees: the exact probability
//! against the sum over all 2^n assignments (any gate, negations included), and the minimal
//! cut sets against the minimal true points (coherent gates).

use proptest::prelude::*;
use spof_fta::fta::{BasicEvent, FaultTree, Formula, FtaConfig, Gate, analyze};

fn eval(tree: &FaultTree, f: &Formula, on: &[bool]) -> bool {
    let all = |args: &[Formula]| args.iter().map(|a| eval(tree, a, on)).collect::<Vec<_>>();
    match f {
        Formula::Event(e) => on[*e],
        Formula::Gate(g) => eval(tree, &tree.gates[*g].formula, on),
        Formula::Constant(b) => *b,
        Formula::And(args) => all(args).iter().all(|&x| x),
        Formula::Or(args) => all(args).iter().any(|&x| x),
        Formula::AtLeast(k, args) => all(args).iter().filter(|&&x| x).count() >= *k,
        Formula::Cardinality(lo, hi, args) => {
            (*lo..=*hi).contains(&all(args).iter().filter(|&&x| x).count())
        }
        Formula::Not(a) => !eval(tree, a, on),
        Formula::Xor(args) => all(args).iter().filter(|&&x| x).count() % 2 == 1,
        Formula::Nand(args) => !all(args).iter().all(|&x| x),
        Formula::Nor(args) => !all(args).iter().any(|&x| x),
        Formula::Iff(args) => all(args).iter().filter(|&&x| x).count() % 2 == 0,
        Formula::Imply(a, b) => !eval(tree, a, on) || eval(tree, b, on),
    }
}

/// A random tree: gate g may use events and gates after it (so the first gate is the top).
fn tree(coherent: bool) -> impl Strategy<Value = FaultTree> {
    (3usize..=7, 2usize..=5).prop_flat_map(move |(events, gates)| {
        let arg = (0..events + gates, any::<bool>());
        prop::collection::vec(
            (
                0u8..if coherent { 3 } else { 7 },
                prop::collection::vec(arg, 1..4),
                1usize..3,
            ),
            gates,
        )
        .prop_flat_map(move |specs| {
            prop::collection::vec(0.01f64..0.9, events).prop_map(move |probabilities| {
                let gate_count = specs.len();
                let gates = specs
                    .iter()
                    .enumerate()
                    .map(|(g, (op, args, k))| {
                        let args: Vec<Formula> = args
                            .iter()
                            .map(|&(a, negate)| {
                                // Gates refer only to later gates, so there is no cycle.
                                let f = if a >= probabilities.len()
                                    && a - probabilities.len() > g
                                    && a - probabilities.len() < gate_count
                                {
                                    Formula::Gate(a - probabilities.len())
                                } else {
                                    Formula::Event(a % probabilities.len())
                                };
                                if negate && !coherent {
                                    Formula::Not(Box::new(f))
                                } else {
                                    f
                                }
                            })
                            .collect();
                        let formula = match op {
                            0 => Formula::And(args),
                            1 => Formula::Or(args),
                            2 => Formula::AtLeast((*k).min(args.len()), args),
                            3 => Formula::Xor(args),
                            4 => Formula::Nand(args),
                            5 => Formula::Iff(args),
                            _ => Formula::Nor(args),
                        };
                        Gate {
                            name: format!("g{g}"),
                            formula,
                        }
                    })
                    .collect();
                let events = probabilities
                    .iter()
                    .enumerate()
                    .map(|(i, &p)| BasicEvent {
                        name: format!("e{i}"),
                        probability: p,
                    })
                    .collect();
                FaultTree { events, gates }
            })
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn probability_is_exact(tree in tree(false)) {
        let result = analyze(&tree, 0, &FtaConfig::default()).unwrap();
        let n = tree.events.len();
        let mut expected = 0.0;
        for bits in 0u32..(1 << n) {
            let on: Vec<bool> = (0..n).map(|i| bits & (1 << i) != 0).collect();
            if eval(&tree, &Formula::Gate(0), &on) {
                expected += (0..n).map(|i| if on[i] { tree.events[i].probability } else { 1.0 - tree.events[i].probability }).product::<f64>();
            }
        }
        prop_assert!((result.probability - expected).abs() < 1e-12, "{} vs {}", result.probability, expected);
    }

    #[test]
    fn cut_sets_are_the_minimal_true_points(tree in tree(true), max_order in 1u32..5) {
        let n = tree.events.len();
        let on = |bits: u32| (0..n).map(|i| bits & (1 << i) != 0).collect::<Vec<bool>>();
        let true_points: Vec<u32> = (0u32..(1 << n)).filter(|&b| eval(&tree, &Formula::Gate(0), &on(b))).collect();
        let minimal: Vec<u32> = true_points.iter().copied().filter(|&b| !true_points.iter().any(|&o| o != b && o & b == o)).filter(|b| b.count_ones() <= max_order).collect();
        let config = FtaConfig { max_order, top: 1_000, mcub_limit: 0 };
        let result = analyze(&tree, 0, &config).unwrap();
        prop_assert_eq!(result.cut_sets, minimal.len() as u128);
        let mut got: Vec<u32> = result.most_probable.iter().map(|(events, _)| events.iter().map(|&e| 1u32 << e).sum()).collect();
        got.sort_unstable();
        let mut want = minimal.clone();
        want.sort_unstable();
        prop_assert_eq!(got, want);
        let rare: f64 = minimal.iter().map(|&b| (0..n).filter(|&i| b & (1 << i) != 0).map(|i| tree.events[i].probability).product::<f64>()).sum();
        prop_assert!((result.rare_event - rare.min(1.0)).abs() < 1e-9);
    }
}
