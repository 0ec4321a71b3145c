//! Phase timings and peak memory of the analysis on a generated model (see BENCHMARKS.md).
//!
//! `bench_memory N [MODE [PER_COMPONENT]]`: generates a model of N instances (components of
//! about PER_COMPONENT instances, 100 by default), then
//! - `generate`: nothing else (the model's own memory);
//! - `traversal`: compile and the baseline traversal;
//! - `single`: compile and the single-failure analysis;
//! - `digest`: a digest of the single-failure sets, to compare two builds;
//! - `ratio`: compile, then the traversal and the single-failure analysis alternately, 15 times
//!   each: the lowest and median times and their ratios;
//! - `full`: `analysis::analyze` (compile, single-failure analysis, per-event effects);
//! - `availability`: compile and the bounds on each journey's unavailability;
//! - `risks`: compile and the risk groups of two events (`spof risks --max-order 2`);
//! - `all` (default): every phase in turn, timed, with the baseline traversal.
//!
//! Peak RSS: run under `/usr/bin/time -v`; the peak so far (VmHWM) is also printed after each
//! phase.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../benches/common/mod.rs"]
mod common;

use spof_engine::{analysis, graph, single};
use std::hint::black_box;
use std::time::Instant;

/// The process's peak resident set so far, in MiB, from /proc (Linux only).
fn peak_mib() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or_else(|| "?".into(), |kb| format!("{:.1} MiB", kb as f64 / 1024.0))
}

fn timed<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = black_box(f());
    println!(
        "{label:<16} {:>10.2} ms   peak RSS so far {}",
        start.elapsed().as_secs_f64() * 1e3,
        peak_mib()
    );
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or_else(|| {
            eprintln!("usage: bench_memory N [generate|traversal|single|ratio|digest|full|all] [PER_COMPONENT]");
            std::process::exit(2)
        });
    let mode = args.next().unwrap_or_else(|| "all".into());
    let per_component: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    println!("instances {n}, mode {mode}, about {per_component} instances per component");
    let model = timed("generate", || common::model_sized(n, per_component));
    match mode.as_str() {
        "generate" => {}
        "traversal" => {
            let graph = timed("compile", || graph::compile(&model));
            timed("traversal", || common::traverse(&graph));
        }
        "single" => {
            let graph = timed("compile", || graph::compile(&model));
            timed("single_failures", || single::analyze(&graph));
        }
        "ratio" => {
            // The traversal and the single-failure pass alternately, 15 times each: the
            // lowest and the median time of each, and their ratio.
            let graph = timed("compile", || graph::compile(&model));
            let (mut walk, mut single) = (Vec::new(), Vec::new());
            for _ in 0..15 {
                let start = std::time::Instant::now();
                std::hint::black_box(common::traverse(&graph));
                walk.push(start.elapsed().as_secs_f64() * 1e3);
                // As `timed`: the call, not the freeing of what it returns.
                let start = std::time::Instant::now();
                let result = std::hint::black_box(single::analyze(&graph));
                single.push(start.elapsed().as_secs_f64() * 1e3);
                drop(result);
            }
            walk.sort_by(f64::total_cmp);
            single.sort_by(f64::total_cmp);
            println!(
                "traversal lowest {:.2} ms, median {:.2} ms; single failures lowest {:.2} ms, median {:.2} ms; ratio of lowest {:.2}, of medians {:.2}",
                walk[0],
                walk[7],
                single[0],
                single[7],
                single[0] / walk[0],
                single[7] / walk[7]
            );
        }
        "digest" => {
            // A digest of every set the single-failure pass gives, to compare two builds.
            use std::hash::{Hash, Hasher};
            let graph = graph::compile(&model);
            let single = single::analyze(&graph);
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            format!("{single:?}").hash(&mut hasher);
            println!("digest {:016x}", hasher.finish());
        }
        "full" => {
            timed("full_analysis", || analysis::analyze(&model));
        }
        "all" => {
            let graph = timed("compile", || graph::compile(&model));
            let s = common::stats(&graph);
            println!(
                "components {}, events {}, groups {}, edges {} ({} scoped)",
                s.components, s.events, s.groups, s.edges, s.scoped_edges
            );
            timed("traversal", || common::traverse(&graph));
            let single = timed("single_failures", || single::analyze(&graph));
            let total: usize = single
                .local
                .iter()
                .flat_map(|(_, sets)| sets)
                .map(Vec::len)
                .sum();
            let largest = single
                .local
                .iter()
                .flat_map(|(_, sets)| sets)
                .map(Vec::len)
                .max();
            println!(
                "local single-failure sets: {total} entries over all phases and components, largest {largest:?}"
            );
            drop(single);
            drop(graph);
            let analysis = timed("full_analysis", || analysis::analyze(&model));
            println!(
                "events with an effect {}, SPOF events {}",
                analysis.events.len(),
                analysis.spofs().count()
            );
            drop(analysis);
            let config = spof_engine::Config::default();
            let report = timed("check", || spof_engine::check(&model, &config));
            println!("findings {}", report.findings.len());
        }
        "availability" => {
            // Bounds on each journey's unavailability (exact is out of reach at this size).
            let graph = timed("compile", || graph::compile(&model));
            let bounds = timed("bounds", || spof_engine::bounds::bounds(&model, &graph));
            for b in bounds.iter().flatten() {
                println!(
                    "journey {}: unavailability between {:.4e} and {:.4e}",
                    b.journey, b.lower, b.upper
                );
            }
        }
        "risks" => {
            // Risk groups of two events (`spof risks --max-order 2`).
            let graph = timed("compile", || graph::compile(&model));
            let config = spof_engine::risks::RiskConfig {
                max_order: 2,
                top: 10,
            };
            let budget = spof_engine::pairs::Budget { limit: 50_000_000 };
            let _ = timed("pair_families", || {
                spof_engine::pairs::families(&graph, &budget).map(|f| f.journeys.len())
            });
            let risks = timed("risk_groups", || {
                spof_engine::risks::risks(&model, &graph, &config)
            });
            match risks {
                Ok(journeys) => {
                    for j in &journeys {
                        println!(
                            "journey {}: {} SPOFs, {} groups of two, most probable {:?}",
                            j.journey,
                            j.singles.len(),
                            j.by_order.get(2).copied().unwrap_or(0),
                            j.groups.first().map(|g| g.probability)
                        );
                    }
                }
                Err(_) => println!("risk groups: too large"),
            }
        }
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2)
        }
    }
}
