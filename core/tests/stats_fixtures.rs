//! Cross-checks of `oko::stats` against independent implementations.
//!
//! The reference values in `tests/fixtures/stats/agreement.json` were computed by
//! `tests/fixtures/stats/make_fixtures.py` with scikit-learn (Cohen's kappa), SciPy
//! (Spearman, exact binomial test, normal quantile), statsmodels (Wilson interval) and 40- to
//! 50-digit mpmath (binomial tails and log-pmf); see that script for how to regenerate them.
//! No Python is needed here.

use std::path::PathBuf;

use oko::stats::{
    ConfusionTable, JointHistogram, KappaWeights, binomial_sf, cohen_kappa, heaping_test,
    heaping_test_against_reference, ln_binomial_pmf, ln_binomial_sf, normal_quantile,
    spearman_pairs, wilson_interval, z_for_confidence,
};
use serde_json::Value;

fn fixtures() -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/stats/agreement.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid fixture JSON")
}

fn cases<'a>(root: &'a Value, key: &str) -> &'a [Value] {
    root[key]
        .as_array()
        .unwrap_or_else(|| panic!("fixture section {key} missing"))
}

fn u64_of(v: &Value) -> u64 {
    v.as_u64().expect("non-negative integer")
}

fn u32_list(v: &Value) -> Vec<u32> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| u32::try_from(u64_of(x)).expect("small integer"))
        .collect()
}

fn rel_diff(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / b.abs().max(f64::MIN_POSITIVE)
    }
}

#[test]
fn kappa_matches_sklearn() {
    let root = fixtures();
    let mut defined = 0;
    for case in cases(&root, "kappa") {
        let id = case["id"].as_str().unwrap();
        let min = u32::try_from(u64_of(&case["min"])).unwrap();
        let rows: Vec<Vec<u64>> = case["table"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_array().unwrap().iter().map(u64_of).collect())
            .collect();
        let table = ConfusionTable::from_rows(min, &rows).unwrap();
        for (weights, key) in [
            (KappaWeights::Unweighted, "unweighted"),
            (KappaWeights::Linear, "linear"),
            (KappaWeights::Quadratic, "quadratic"),
        ] {
            let ours = cohen_kappa(&table, weights);
            match case[key].as_f64() {
                Some(expected) => {
                    let got = ours.unwrap_or_else(|e| panic!("{id} {key}: {e}"));
                    assert!(
                        (got - expected).abs() <= 1e-9,
                        "{id} {key}: ours {got}, sklearn {expected}"
                    );
                    defined += 1;
                }
                None => assert!(ours.is_err(), "{id} {key}: sklearn NaN, ours {ours:?}"),
            }
        }
    }
    assert!(defined >= 3 * 50, "only {defined} defined kappa values");
}

#[test]
fn spearman_matches_scipy() {
    let root = fixtures();
    let mut defined = 0;
    for case in cases(&root, "spearman") {
        let id = case["id"].as_str().unwrap();
        let marks = u32_list(&case["marks"]);
        let scores = u32_list(&case["scores"]);
        let pairs: Vec<(u32, u32)> = marks.iter().copied().zip(scores.iter().copied()).collect();
        let from_pairs = spearman_pairs(&pairs);
        // The mergeable table over the usual ranges: marks 1..=5, scores 0..=max.
        let max_score = scores.iter().copied().max().unwrap_or(0);
        let mut hist = JointHistogram::new(1..=5, 0..=max_score).unwrap();
        for &(m, s) in &pairs {
            hist.add(m, s).unwrap();
        }
        let from_table = hist.spearman();
        match case["rho"].as_f64() {
            Some(expected) => {
                for (how, got) in [("pairs", from_pairs), ("table", from_table)] {
                    let got = got.unwrap_or_else(|| panic!("{id} {how}: undefined"));
                    assert!(
                        (got - expected).abs() <= 1e-9,
                        "{id} {how}: ours {got}, scipy {expected}"
                    );
                }
                defined += 1;
            }
            None => {
                assert_eq!(from_pairs, None, "{id}");
                assert_eq!(from_table, None, "{id}");
            }
        }
    }
    assert!(defined >= 50, "only {defined} defined Spearman values");
}

#[test]
fn binomial_test_matches_scipy() {
    let root = fixtures();
    let list = cases(&root, "binomtest");
    assert!(list.len() >= 30);
    let mut millions = 0;
    for case in list {
        let (k, n) = (u64_of(&case["k"]), u64_of(&case["n"]));
        let p = case["p"].as_f64().unwrap();
        let expected = case["p_value"].as_f64().unwrap();
        let got = binomial_sf(k, n, p).unwrap();
        assert!(
            rel_diff(got, expected) <= 1e-9,
            "k={k} n={n} p={p}: ours {got:e}, scipy {expected:e}"
        );
        // Against the 40-digit sum, which is more accurate than SciPy's far tails.
        let exact = case["p_value_mpmath"].as_f64().unwrap();
        assert!(
            rel_diff(got, exact) <= 1e-12,
            "k={k} n={n} p={p}: ours {got:e}, mpmath {exact:e}"
        );
        let ln = ln_binomial_sf(k, n, p).unwrap();
        assert!(
            (ln - expected.ln()).abs() <= 1e-9 * expected.ln().abs().max(1.0),
            "ln: k={k} n={n} p={p}: ours {ln}, scipy {}",
            expected.ln()
        );
        if n >= 1_000_000 {
            millions += 1;
        }
        // The same p-value through the heaping test: a two-bin histogram at boundary 1.
        let hist = [n - k, k];
        if p == 0.5 {
            let t = heaping_test(&hist, 1, 1).unwrap();
            assert_eq!((t.below, t.at_or_above), (n - k, k));
            assert_eq!(t.p_value, got);
        }
    }
    assert!(
        millions >= 5,
        "only {millions} cases with n in the millions"
    );
}

#[test]
fn heaping_reference_variant_matches_scipy_with_reference_share() {
    // binomtest(7, 10, 2/3, "greater"): the school's 3:7 split against a region split 1:2.
    let root = fixtures();
    let case = cases(&root, "binomtest")
        .iter()
        .find(|c| c["k"] == 7 && c["n"] == 10 && c["p"].as_f64() != Some(0.5))
        .expect("case k=7 n=10 p=2/3");
    let expected = case["p_value"].as_f64().unwrap();
    let t = heaping_test_against_reference(&[3, 7], &[1000, 2000], 1, 1).unwrap();
    assert!(
        rel_diff(t.p_value, expected) <= 1e-9,
        "{} {expected}",
        t.p_value
    );
    assert_eq!(t.ratio_of_ratios, Some((7.0 / 3.0) / 2.0));
}

#[test]
fn binomial_log_pmf_matches_mpmath() {
    let root = fixtures();
    for case in cases(&root, "binom_logpmf") {
        let (k, n) = (u64_of(&case["k"]), u64_of(&case["n"]));
        let p = case["p"].as_f64().unwrap();
        let expected = case["ln_pmf"].as_f64().unwrap();
        let got = ln_binomial_pmf(k, n, p).unwrap();
        assert!(
            (got - expected).abs() <= 1e-13 * expected.abs().max(1.0),
            "k={k} n={n} p={p}: ours {got}, mpmath {expected}"
        );
    }
}

#[test]
fn wilson_matches_statsmodels() {
    let root = fixtures();
    let list = cases(&root, "wilson");
    assert!(!list.is_empty());
    for case in list {
        let (k, n) = (u64_of(&case["k"]), u64_of(&case["n"]));
        let alpha = case["alpha"].as_f64().unwrap();
        let z = case["z"].as_f64().unwrap();
        let (low, high) = (
            case["low"].as_f64().unwrap(),
            case["high"].as_f64().unwrap(),
        );
        let (ours_low, ours_high) = wilson_interval(k, n, z).unwrap();
        // Ours are in percent, statsmodels' are fractions.
        assert!(
            (ours_low / 100.0 - low).abs() <= 1e-12 && (ours_high / 100.0 - high).abs() <= 1e-12,
            "k={k} n={n} alpha={alpha}: ours ({ours_low}, {ours_high})%, statsmodels ({low}, {high})"
        );
        let our_z = z_for_confidence(1.0 - alpha).unwrap();
        assert!(
            rel_diff(our_z, z) <= 1e-14,
            "alpha={alpha}: z {our_z} vs {z}"
        );
    }
}

#[test]
fn normal_quantile_matches_scipy() {
    let root = fixtures();
    for case in cases(&root, "normal_quantile") {
        let p = case["p"].as_f64().unwrap();
        let expected = case["z"].as_f64().unwrap();
        let got = normal_quantile(p).unwrap();
        assert!(
            (got - expected).abs() <= 1e-14 * expected.abs().max(1.0),
            "p={p}: ours {got}, scipy {expected}"
        );
    }
}
