//! The rule expression language (`oko::expr`): compiling a rule condition, and evaluating it
//! over 100,000 rows held in a `VecFrame`.
//!
//! `OKO_BENCH_ROWS` sets the number of rows (default 100,000).
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use oko::expr::{Binding, Column, Limits, MapCatalogue, Reason, Type, VecFrame, compile_str, eval};
use rust_decimal::Decimal;
use std::hint::black_box;
use std::time::Duration;

const GAP: &str = "rel_gap(completion_rate, municipality.completion_rate) >= 15%";
const DISTRICT: &str = "rel_gap(median_score, municipality.median_score) >= 15% \
     or rel_gap(completion_rate, municipality.completion_rate) >= 15% \
     or rel_gap(mean_score, municipality.mean_score) >= 15%";
const RISK: &str = r#"if year_mark <= 2 then "high" else if trial2 < min3 then "high"
     else if trial2 < trial1 then "medium" else if attendance < 75% then "medium" else "low""#;

/// A deterministic pseudo-random stream (xorshift), so runs compare.
struct Stream(u64);
impl Stream {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn catalogue(names: &[(&str, Type)]) -> MapCatalogue {
    names
        .iter()
        .enumerate()
        .fold(MapCatalogue::new(), |c, (slot, (name, ty))| {
            c.with_name(name, Binding { slot, ty: *ty })
        })
}

/// A column like the engine builds from indicator values: two decimal places, 1 row in 50
/// missing and 1 in 50 a limited sample.
fn column(rows: usize, ty: Type, lo: u64, hi: u64, s: &mut Stream) -> Column {
    let name = "x".to_owned();
    let values = (0..rows)
        .map(|i| {
            (i % 50 != 7).then(|| Decimal::new((lo * 100 + s.next((hi - lo) * 100)) as i64, 2))
        })
        .collect();
    let mut c = match ty {
        Type::Percent => Column::percents(values, Reason::Missing { name: name.clone() }),
        _ => Column::numbers(values, Reason::Missing { name: name.clone() }),
    };
    for i in (13..rows).step_by(50) {
        c.set_unknown(
            i,
            Reason::LimitedSample {
                name: name.clone(),
                size: 7,
            },
        );
    }
    c
}

fn expr(c: &mut Criterion) {
    let rows: usize = std::env::var("OKO_BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let limits = Limits::default();
    let mut s = Stream(0x9E37_79B9_7F4A_7C15);

    let mut group = c.benchmark_group("expr");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));

    let gap_cat = catalogue(&[
        ("completion_rate", Type::Percent),
        ("municipality.completion_rate", Type::Percent),
    ]);
    group.bench_function("compile_gap", |b| {
        b.iter(|| compile_str(black_box(GAP), &limits, &gap_cat).unwrap())
    });
    let district_cat = catalogue(&[
        ("median_score", Type::Number),
        ("municipality.median_score", Type::Number),
        ("completion_rate", Type::Percent),
        ("municipality.completion_rate", Type::Percent),
        ("mean_score", Type::Number),
        ("municipality.mean_score", Type::Number),
    ]);
    group.bench_function("compile_district", |b| {
        b.iter(|| compile_str(black_box(DISTRICT), &limits, &district_cat).unwrap())
    });

    group.throughput(Throughput::Elements(rows as u64));
    let gap = compile_str(GAP, &limits, &gap_cat).unwrap();
    let frame = VecFrame::new(
        rows,
        vec![
            column(rows, Type::Percent, 30, 80, &mut s),
            column(rows, Type::Percent, 50, 70, &mut s),
        ],
    );
    group.bench_with_input(BenchmarkId::new("eval_gap", rows), &frame, |b, f| {
        b.iter(|| eval(&gap, f).unwrap())
    });

    let district = compile_str(DISTRICT, &limits, &district_cat).unwrap();
    let frame = VecFrame::new(
        rows,
        vec![
            column(rows, Type::Number, 5, 30, &mut s),
            column(rows, Type::Number, 15, 25, &mut s),
            column(rows, Type::Percent, 30, 80, &mut s),
            column(rows, Type::Percent, 50, 70, &mut s),
            column(rows, Type::Number, 5, 30, &mut s),
            column(rows, Type::Number, 15, 25, &mut s),
        ],
    );
    group.bench_with_input(BenchmarkId::new("eval_district", rows), &frame, |b, f| {
        b.iter(|| eval(&district, f).unwrap())
    });

    let risk_cat = catalogue(&[
        ("year_mark", Type::Number),
        ("trial1", Type::Number),
        ("trial2", Type::Number),
        ("min3", Type::Number),
        ("attendance", Type::Percent),
    ]);
    let risk = compile_str(RISK, &limits, &risk_cat).unwrap();
    let ints = |lo: i64, hi: u64, s: &mut Stream| {
        Column::numbers(
            (0..rows)
                .map(|_| Some(Decimal::from(lo + s.next(hi) as i64)))
                .collect(),
            Reason::Null,
        )
    };
    let frame = VecFrame::new(
        rows,
        vec![
            ints(2, 4, &mut s),
            ints(0, 33, &mut s),
            ints(0, 33, &mut s),
            ints(8, 4, &mut s),
            ints(50, 51, &mut s),
        ],
    );
    group.bench_with_input(BenchmarkId::new("eval_risk_table", rows), &frame, |b, f| {
        b.iter(|| eval(&risk, f).unwrap())
    });
    group.finish();
}

criterion_group!(benches, expr);
criterion_main!(benches);
