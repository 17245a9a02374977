#![allow(missing_docs)] // criterion_group! generates an undocumented function
//! Aggregating the full indicator set for a generated region.
//!
//! `OKO_BENCH_STUDENTS` sets the size (default 1,000,000 students, 2,000 schools,
//! 40 municipalities, the 8 procedures of the current year, internal marks for each).

use criterion::{Criterion, criterion_group, criterion_main};
use oko::{AggregateOptions, GeneratorConfig, Indicator, Level, aggregate, generate};
use std::hint::black_box;
use std::time::Duration;

fn full_indicator_set(c: &mut Criterion) {
    let students = std::env::var("OKO_BENCH_STUDENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let config = GeneratorConfig {
        students,
        trials: false,
        history: false,
        ..GeneratorConfig::region(1)
    };
    let g = generate(&config);
    let ds = &g.dataset;
    eprintln!(
        "region: {} students, {} schools, {} procedures, {} results, {} marks",
        ds.students().len(),
        ds.schools().len(),
        ds.procedures().len(),
        ds.results().len(),
        ds.marks().len()
    );
    // CPU time of the process (user + system), from /proc: on a shared, loaded machine this
    // says more than wall time. Clock ticks are 10 ms; five runs are averaged.
    let cpu = || -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: f64 =
            fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
        Some(ticks / 100.0)
    };
    if let Some(before) = cpu() {
        for _ in 0..5 {
            black_box(aggregate(ds, &g.scales, AggregateOptions::default()));
        }
        if let Some(after) = cpu() {
            eprintln!(
                "aggregate: {:.3} CPU seconds per run (mean of 5)",
                (after - before) / 5.0
            );
        }
    }
    let mut group = c.benchmark_group("aggregate");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function(format!("states_{students}"), |b| {
        b.iter(|| black_box(aggregate(ds, &g.scales, AggregateOptions::default())))
    });
    group.bench_function(format!("states_and_all_indicators_{students}"), |b| {
        b.iter(|| {
            let agg = aggregate(ds, &g.scales, AggregateOptions::default());
            let mut n = 0usize;
            for level in Level::ALL {
                for cell in agg.cells(level) {
                    for &i in Indicator::ALL {
                        n += usize::from(agg.value(level, cell.entity, cell.scope, i).is_some());
                    }
                }
            }
            black_box(n)
        })
    });
    group.finish();
}

criterion_group!(benches, full_indicator_set);
criterion_main!(benches);
