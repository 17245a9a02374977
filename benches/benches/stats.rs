//! The objectivity statistics (`oko::stats`) over large inputs: building confusion tables and
//! mark × score histograms from a million (journal mark, ВПР mark / score) pairs, merging
//! class tables up to the region, Cohen's kappa and Spearman's ρ.
//!
//! `OKO_BENCH_PAIRS` sets the number of pairs (default 1,000,000).
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use oko::stats::{ConfusionTable, JointHistogram, KappaWeights, cohen_kappa, spearman_pairs};
use std::hint::black_box;
use std::time::Duration;

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

/// (journal mark 2..=5, ВПР mark 2..=5, ВПР primary score 0..=45), correlated.
fn pairs(n: usize) -> Vec<(u32, u32, u32)> {
    let mut s = Stream(0x2545_F491_4F6C_DD1D);
    (0..n)
        .map(|_| {
            let score = s.next(46) as u32;
            let external = match score {
                0..=17 => 2,
                18..=28 => 3,
                29..=38 => 4,
                _ => 5,
            };
            let internal = (external as i64 + s.next(3) as i64 - 1).clamp(2, 5) as u32;
            (internal, external, score)
        })
        .collect()
}

fn stats(c: &mut Criterion) {
    let n: usize = std::env::var("OKO_BENCH_PAIRS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let data = pairs(n);
    let marks: Vec<(u32, u32)> = data.iter().map(|&(i, e, _)| (i, e)).collect();
    let scores: Vec<(u32, u32)> = data.iter().map(|&(i, _, s)| (i, s)).collect();

    let mut group = c.benchmark_group("stats");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(n as u64));
    group.bench_with_input(
        BenchmarkId::new("confusion_from_pairs", n),
        &marks,
        |b, m| b.iter(|| ConfusionTable::from_pairs(2, 4, m.iter().copied()).unwrap()),
    );
    group.bench_with_input(
        BenchmarkId::new("joint_histogram_from_pairs", n),
        &scores,
        |b, s| b.iter(|| JointHistogram::from_pairs(2..=5, 0..=45, s.iter().copied()).unwrap()),
    );
    group.bench_with_input(BenchmarkId::new("spearman_pairs", n), &scores, |b, s| {
        b.iter(|| spearman_pairs(s))
    });

    // Class tables (28 students each) merged up to one region table, as aggregation does.
    let classes: Vec<ConfusionTable> = marks
        .chunks(28)
        .map(|c| ConfusionTable::from_pairs(2, 4, c.iter().copied()).unwrap())
        .collect();
    let hists: Vec<JointHistogram> = scores
        .chunks(28)
        .map(|c| JointHistogram::from_pairs(2..=5, 0..=45, c.iter().copied()).unwrap())
        .collect();
    group.throughput(Throughput::Elements(classes.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("confusion_merge_classes", classes.len()),
        &classes,
        |b, cs| {
            b.iter(|| {
                let mut t = ConfusionTable::marks_2_to_5();
                for c in cs {
                    t.merge(c).unwrap();
                }
                t
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new("joint_histogram_merge_classes", hists.len()),
        &hists,
        |b, hs| {
            b.iter(|| {
                let mut t = JointHistogram::new(2..=5, 0..=45).unwrap();
                for h in hs {
                    t.merge(h).unwrap();
                }
                t
            })
        },
    );
    // Per-class statistics, as a report of every class computes them.
    group.bench_with_input(
        BenchmarkId::new("kappa_all_weights_per_class", classes.len()),
        &classes,
        |b, cs| {
            b.iter(|| {
                let mut sum = 0.0;
                for c in cs {
                    for w in KappaWeights::ALL {
                        sum += cohen_kappa(c, w).unwrap_or(0.0);
                    }
                }
                sum
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new("spearman_per_class", hists.len()),
        &hists,
        |b, hs| b.iter(|| hs.iter().filter_map(|h| h.spearman()).sum::<f64>()),
    );
    group.bench_with_input(
        BenchmarkId::new("summary_per_class", classes.len()),
        &classes,
        |b, cs| b.iter(|| cs.iter().map(|c| black_box(c.summary()).total).sum::<u64>()),
    );
    group.finish();
}

criterion_group!(benches, stats);
criterion_main!(benches);
