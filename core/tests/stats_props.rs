//! Property tests of `oko::stats`: merging, the lowered/confirmed/raised partition, the range
//! of kappa, and Spearman against a naive sort-based implementation.

use oko::stats::{
    ConfusionTable, JointHistogram, KappaWeights, binomial_cdf, binomial_sf, cohen_kappa,
    heaping_test, spearman_pairs, wilson_interval,
};
use proptest::prelude::*;

fn mark_pairs(max_len: usize) -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop::collection::vec((2u32..=5, 2u32..=5), 0..max_len)
}

/// (min category, k, pairs within min..min+k).
fn generic_pairs() -> impl Strategy<Value = (u32, usize, Vec<(u32, u32)>)> {
    (0u32..4, 1usize..7).prop_flat_map(|(min, k)| {
        let hi = min + k as u32 - 1;
        (
            Just(min),
            Just(k),
            prop::collection::vec((min..=hi, min..=hi), 0..80),
        )
    })
}

/// A random k × k table with small counts (many zeros, so margins are often degenerate).
fn table() -> impl Strategy<Value = ConfusionTable> {
    (2usize..7).prop_flat_map(|k| {
        prop::collection::vec(prop_oneof![3 => Just(0u64), 2 => 0u64..40], k * k).prop_map(
            move |cells| {
                let rows: Vec<&[u64]> = cells.chunks(k).collect();
                ConfusionTable::from_rows(1, &rows).unwrap()
            },
        )
    })
}

/// Average ranks (1-based) of `v`, ties sharing the mean of their positions, by sorting.
fn naive_average_ranks(v: &[u32]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by_key(|&i| v[i]);
    let mut ranks = vec![0.0; v.len()];
    let mut start = 0;
    while start < idx.len() {
        let mut end = start;
        while end + 1 < idx.len() && v[idx[end + 1]] == v[idx[start]] {
            end += 1;
        }
        // Positions start..=end hold ranks start+1..=end+1.
        let avg = (start + end) as f64 / 2.0 + 1.0;
        for &i in &idx[start..=end] {
            ranks[i] = avg;
        }
        start = end + 1;
    }
    ranks
}

fn naive_pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

/// (mark, score) pairs with marks 1..=5 and scores 0..=max.
fn mark_score_pairs() -> impl Strategy<Value = Vec<(u32, u32)>> {
    (1u32..=100).prop_flat_map(|max| prop::collection::vec((1u32..=5, 0..=max), 0..120))
}

proptest! {
    #[test]
    fn merge_equals_table_of_concatenation(a in mark_pairs(60), b in mark_pairs(60)) {
        let mut ta = ConfusionTable::from_pairs(2, 4, a.iter().copied()).unwrap();
        let tb = ConfusionTable::from_pairs(2, 4, b.iter().copied()).unwrap();
        ta.merge(&tb).unwrap();
        let all = ConfusionTable::from_pairs(2, 4, a.iter().chain(&b).copied()).unwrap();
        prop_assert_eq!(ta, all);
    }

    #[test]
    fn histogram_merge_equals_histogram_of_concatenation(
        a in prop::collection::vec((1u32..=5, 0u32..=30), 0..60),
        b in prop::collection::vec((1u32..=5, 0u32..=30), 0..60),
    ) {
        let mut ha = JointHistogram::from_pairs(1..=5, 0..=30, a.iter().copied()).unwrap();
        let hb = JointHistogram::from_pairs(1..=5, 0..=30, b.iter().copied()).unwrap();
        ha.merge(&hb).unwrap();
        let all = JointHistogram::from_pairs(1..=5, 0..=30, a.iter().chain(&b).copied()).unwrap();
        prop_assert_eq!(ha.spearman(), all.spearman());
        prop_assert_eq!(ha, all);
    }

    #[test]
    fn lowered_confirmed_raised_partition_n((min, k, pairs) in generic_pairs()) {
        let t = ConfusionTable::from_pairs(min, k, pairs.iter().copied()).unwrap();
        let n = pairs.len() as u64;
        prop_assert_eq!(t.total(), n);
        prop_assert_eq!(t.lowered() + t.confirmed() + t.raised(), n);
        // Direct definitions on the pairs (internal, external).
        prop_assert_eq!(t.lowered(), pairs.iter().filter(|(i, e)| e < i).count() as u64);
        prop_assert_eq!(t.raised(), pairs.iter().filter(|(i, e)| e > i).count() as u64);
        prop_assert_eq!(
            t.gap_at_least(2),
            pairs.iter().filter(|(i, e)| i.abs_diff(*e) >= 2).count() as u64
        );
        let gap: i128 = pairs.iter().map(|&(i, e)| i128::from(i) - i128::from(e)).sum();
        prop_assert_eq!(t.gap_sum(), gap);
        let s = t.summary();
        if n > 0 {
            let pct = s.lowered.percent().unwrap() + s.confirmed.percent().unwrap()
                + s.raised.percent().unwrap();
            prop_assert!((pct - rust_decimal::Decimal::ONE_HUNDRED).abs()
                < rust_decimal::Decimal::new(1, 20));
        }
    }

    #[test]
    fn kappa_is_within_minus_one_and_one(t in table()) {
        for w in KappaWeights::ALL {
            if let Ok(k) = cohen_kappa(&t, w) {
                prop_assert!(k.is_finite());
                prop_assert!((-1.0 - 1e-12..=1.0 + 1e-12).contains(&k), "{w:?}: {k}");
            }
        }
    }

    #[test]
    fn kappa_is_symmetric_in_the_raters(t in table()) {
        let rows: Vec<Vec<u64>> = t.rows().map(<[u64]>::to_vec).collect();
        let k = rows.len();
        let transposed: Vec<Vec<u64>> =
            (0..k).map(|j| (0..k).map(|i| rows[i][j]).collect()).collect();
        let tt = ConfusionTable::from_rows(1, &transposed).unwrap();
        for w in KappaWeights::ALL {
            prop_assert_eq!(cohen_kappa(&t, w), cohen_kappa(&tt, w));
        }
    }

    #[test]
    fn spearman_symmetric_under_swap(pairs in mark_score_pairs()) {
        let swapped: Vec<(u32, u32)> = pairs.iter().map(|&(a, b)| (b, a)).collect();
        let rho = spearman_pairs(&pairs);
        let rho_swapped = spearman_pairs(&swapped);
        prop_assert_eq!(rho, rho_swapped);
        let h = JointHistogram::from_pairs(1..=5, 0..=100, pairs.iter().copied()).unwrap();
        prop_assert_eq!(h.spearman(), h.transposed().spearman());
        if let Some(r) = rho {
            prop_assert!((-1.0..=1.0).contains(&r));
        }
    }

    #[test]
    fn spearman_equals_pearson_of_naive_average_ranks(pairs in mark_score_pairs()) {
        let xs: Vec<u32> = pairs.iter().map(|p| p.0).collect();
        let ys: Vec<u32> = pairs.iter().map(|p| p.1).collect();
        let naive = if pairs.is_empty() {
            None
        } else {
            naive_pearson(&naive_average_ranks(&xs), &naive_average_ranks(&ys))
        };
        let h = JointHistogram::from_pairs(1..=5, 0..=100, pairs.iter().copied()).unwrap();
        for ours in [spearman_pairs(&pairs), h.spearman()] {
            match (ours, naive) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() <= 1e-12, "{a} vs {b}"),
                (None, None) => {}
                (a, b) => prop_assert!(false, "defined differently: ours {a:?}, naive {b:?}"),
            }
        }
    }

    #[test]
    fn wilson_contains_the_share(n in 1u64..100_000, k_frac in 0.0f64..=1.0, z in 0.0f64..4.0) {
        let k = ((n as f64) * k_frac).floor() as u64;
        let (lo, hi) = wilson_interval(k, n, z).unwrap();
        let p = 100.0 * k as f64 / n as f64;
        prop_assert!(0.0 <= lo && lo <= p + 1e-9 && p <= hi + 1e-9 && hi <= 100.0);
    }

    #[test]
    fn binomial_tails_are_complementary_and_monotone(
        n in 1u64..3_000, k_frac in 0.0f64..=1.0, p in 0.001f64..0.999,
    ) {
        let k = (((n as f64) * k_frac).floor() as u64).max(1);
        let sf = binomial_sf(k, n, p).unwrap();
        let cdf = binomial_cdf(k - 1, n, p).unwrap();
        prop_assert!((0.0..=1.0).contains(&sf));
        prop_assert!((sf + cdf - 1.0).abs() <= 1e-12, "sf {sf} + cdf {cdf}");
        let next = binomial_sf(k + 1, n, p).unwrap();
        prop_assert!(next <= sf);
    }

    #[test]
    fn heaping_p_value_is_a_probability(
        hist in prop::collection::vec(0u64..1_000, 4..60), b_frac in 0.0f64..1.0, w in 1u32..4,
    ) {
        let len = hist.len() as u32;
        if 2 * w <= len {
            let b = w + ((len - 2 * w) as f64 * b_frac) as u32;
            let t = heaping_test(&hist, b, w).unwrap();
            prop_assert!((0.0..=1.0).contains(&t.p_value));
            prop_assert!(!t.p_value.is_nan());
        }
    }
}
