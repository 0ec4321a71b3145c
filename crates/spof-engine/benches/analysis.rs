//! The analysis against a plain traversal of the same graph, on generated models of 10k, 100k
//! and 1M instances (see BENCHMARKS.md). One criterion group per size:
//! - `traversal`: one pass over the compiled fault graph (the baseline);
//! - `compile`: `graph::compile`;
//! - `single_failures`: `single::analyze` on the compiled graph;
//! - `full_analysis`: `analysis::analyze` (compile, single failures and per-event effects).

mod common;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use spof_engine::{analysis, graph, single};
use std::hint::black_box;
use std::time::Duration;

const SIZES: [(&str, usize); 3] = [("10k", 10_000), ("100k", 100_000), ("1M", 1_000_000)];

fn bench(c: &mut Criterion) {
    for (label, n) in SIZES {
        let model = common::model(n);
        let graph = graph::compile(&model);
        let mut group = c.benchmark_group(label);
        if n >= 1_000_000 {
            group
                .sample_size(10)
                .sampling_mode(SamplingMode::Flat)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(10));
        } else if n >= 100_000 {
            group
                .sample_size(20)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(5));
        } else {
            group
                .sample_size(30)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3));
        }
        group.bench_function("traversal", |b| {
            b.iter(|| common::traverse(black_box(&graph)))
        });
        group.bench_function("compile", |b| b.iter(|| graph::compile(black_box(&model))));
        group.bench_function("single_failures", |b| {
            b.iter(|| single::analyze(black_box(&graph)))
        });
        group.bench_function("full_analysis", |b| {
            b.iter(|| analysis::analyze(black_box(&model)))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
