//! Binomial probabilities and exact tail p-values, accurate for n in the millions.
//!
//! Why: the heaping test is an exact one-sided binomial test on counts that, for a region,
//! reach hundreds of thousands. The naive `C(n, k) pᵏ qⁿ⁻ᵏ` overflows, and `ln Γ` differences
//! lose ~n·ε of absolute accuracy in the exponent (10⁻⁹ relative error at n = 10⁷), so this
//! module follows Loader's saddle-point algorithm, the one behind R's `dbinom`:
//!
//! ```text
//! ln P(X = x) = δ(n) − δ(x) − δ(n − x) − D(x, np) − D(n − x, nq) − ½ ln(2π x (n − x)/n)
//! ```
//!
//! where δ(m) = ln m! − ln(√(2πm) (m/e)^m) is Stirling's-series error (tabulated for m ≤ 15,
//! series beyond) and D(x, M) = x ln(x/M) + M − x is the deviance term, summed as a series
//! when x ≈ M so it has no cancellation (C. Loader, "Fast and accurate computation of binomial
//! probabilities", 2000).
//!
//! Tails are sums of pmf terms by the exact term ratios, always over the side that does not
//! contain the mode (every ratio < 1, so the sum stops once the geometric remainder is below
//! half an ulp), and computed relative to the first term so that nothing under- or
//! overflows: `ln P(X ≥ k)` stays finite even where `P(X ≥ k)` underflows to 0. Cost is
//! O(√n · log(1/ε)) terms at most. `core/tests/stats_fixtures.rs` checks the tails to 10⁻⁹
//! relative against SciPy (`binomtest`, Boost's incomplete beta) and to 10⁻¹² against a
//! 40-digit mpmath sum, for n up to 5·10⁶ (SciPy itself is off by ~3·10⁻¹² in the far tails).
//!
//! Every function returns `None` for `p` outside [0, 1] (or NaN); results are never NaN.

// Coefficients are kept verbatim as published (or as computed to 25 digits), so that they can
// be audited against the source; the compiler rounds them to the nearest f64.
#![allow(clippy::excessive_precision)]

use std::f64::consts::PI;

/// δ(m) = ln m! − ln(√(2πm) (m/e)^m) for m = 0..=15 (δ(0) unused); computed with 40-digit
/// arithmetic (mpmath) and checked against scipy in the fixture tests.
const STIRLING_ERROR: [f64; 16] = [
    0.0,
    0.081_061_466_795_327_258_219_670_26,
    0.041_340_695_955_409_294_093_822_08,
    0.027_677_925_684_998_339_148_789_29,
    0.020_790_672_103_765_093_111_522_77,
    0.016_644_691_189_821_192_163_194_87,
    0.013_876_128_823_070_747_998_745_73,
    0.011_896_709_945_891_770_095_055_72,
    0.010_411_265_261_972_096_497_478_57,
    0.009_255_462_182_712_732_917_728_637,
    0.008_330_563_433_362_871_256_469_319,
    0.007_573_675_487_951_840_794_972_024,
    0.006_942_840_107_209_529_865_664_153,
    0.006_408_994_188_004_207_068_439_631,
    0.005_951_370_112_758_847_735_624_416,
    0.005_554_733_551_962_801_371_038_69,
];

/// δ(m), Stirling's-series error of ln m!: the table for m ≤ 15, beyond it the Stirling
/// series δ(m) = Σ B₂ⱼ / (2j(2j − 1) m^(2j−1)) to j = 6, whose first omitted term,
/// 1/(156 m¹³), is below 10⁻¹⁷ at m = 16.
fn stirling_error(m: u64) -> f64 {
    if m <= 15 {
        return STIRLING_ERROR[m as usize];
    }
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    const S5: f64 = 691.0 / 360_360.0;
    let x = m as f64;
    let xx = x * x;
    (S0 - (S1 - (S2 - (S3 - (S4 - S5 / xx) / xx) / xx) / xx) / xx) / x
}

/// D(x, M) = x ln(x/M) + M − x ≥ 0, without cancellation when x ≈ M (Loader 2000).
fn deviance(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        // x ln(x/M) + M − x = (x − M)·v + 2x Σ_{j≥1} v^(2j+1)/(2j+1), v = (x − M)/(x + M).
        let v = (x - m) / (x + m);
        let v2 = v * v;
        let mut s = (x - m) * v;
        let mut ej = 2.0 * x * v;
        let mut j = 1.0;
        loop {
            ej *= v2;
            let s1 = s + ej / (2.0 * j + 1.0);
            if s1 == s {
                return s;
            }
            s = s1;
            j += 1.0;
        }
    }
    x * (x / m).ln() + m - x
}

fn valid_p(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

/// `(ln p, ln q)` with q = 1 − p, each computed from whichever of p, q is exact.
fn ln_p_q(p: f64) -> (f64, f64) {
    if p <= 0.5 {
        (p.ln(), (-p).ln_1p())
    } else {
        let q = 1.0 - p; // exact for p ≥ 0.5 (Sterbenz)
        ((-q).ln_1p(), q.ln())
    }
}

/// ln P(X = k) for X ~ Binomial(n, p) (Loader's saddle-point form, see the module docs);
/// `−∞` where the probability is 0; `None` for invalid `p`.
pub fn ln_binomial_pmf(k: u64, n: u64, p: f64) -> Option<f64> {
    if !valid_p(p) {
        return None;
    }
    if k > n {
        return Some(f64::NEG_INFINITY);
    }
    let q = 1.0 - p;
    if p == 0.0 {
        return Some(if k == 0 { 0.0 } else { f64::NEG_INFINITY });
    }
    if q == 0.0 {
        return Some(if k == n { 0.0 } else { f64::NEG_INFINITY });
    }
    let (ln_p, ln_q) = ln_p_q(p);
    if k == 0 {
        return Some(n as f64 * ln_q);
    }
    if k == n {
        return Some(n as f64 * ln_p);
    }
    let (nf, kf) = (n as f64, k as f64);
    let rest = n - k;
    let lc = stirling_error(n)
        - stirling_error(k)
        - stirling_error(rest)
        - deviance(kf, nf * p)
        - deviance(rest as f64, nf * q);
    // ln(2π k (n − k)/n) without forming the product.
    let lf = (2.0 * PI).ln() + kf.ln() + (-kf / nf).ln_1p();
    Some(lc - 0.5 * lf)
}

/// P(X = k) for X ~ Binomial(n, p); `None` for invalid `p`.
pub fn binomial_pmf(k: u64, n: u64, p: f64) -> Option<f64> {
    ln_binomial_pmf(k, n, p).map(f64::exp)
}

/// Σ_{j≥k} P(X = j) / P(X = k) for k > np (every term ratio < 1).
fn upper_ratio_sum(k: u64, n: u64, p_over_q: f64) -> f64 {
    let (mut term, mut sum) = (1.0f64, 1.0f64);
    let mut j = k;
    while j < n {
        // P(j + 1)/P(j) = (n − j)/(j + 1) · p/q.
        let r = (n - j) as f64 / (j + 1) as f64 * p_over_q;
        term *= r;
        sum += term;
        j += 1;
        // Remaining terms ≤ term · r/(1 − r) since the ratios decrease.
        if term * r <= sum * f64::EPSILON * 0.25 * (1.0 - r) {
            break;
        }
    }
    sum
}

/// Σ_{j≤m} P(X = j) / P(X = m) for m < np (every term ratio < 1).
fn lower_ratio_sum(m: u64, n: u64, q_over_p: f64) -> f64 {
    let (mut term, mut sum) = (1.0f64, 1.0f64);
    let mut j = m;
    while j > 0 {
        // P(j − 1)/P(j) = j/(n − j + 1) · q/p.
        let r = j as f64 / (n - j + 1) as f64 * q_over_p;
        term *= r;
        sum += term;
        j -= 1;
        if term * r <= sum * f64::EPSILON * 0.25 * (1.0 - r) {
            break;
        }
    }
    sum
}

/// Which side a tail is summed on, and its log.
enum Tail {
    /// ln P(X ≥ k), summed directly (k above the mean).
    Upper(f64),
    /// ln P(X ≤ k − 1), the complement (k at or below the mean, so P(X ≥ k) ≥ ½).
    LowerComplement(f64),
}

/// Tail of X ~ Binomial(n, p), 0 < p < 1, 1 ≤ k ≤ n.
fn tail(k: u64, n: u64, p: f64) -> Tail {
    let q = 1.0 - p;
    if k as f64 > n as f64 * p {
        let ln_pmf = ln_binomial_pmf(k, n, p).unwrap_or(f64::NEG_INFINITY);
        Tail::Upper(ln_pmf + upper_ratio_sum(k, n, p / q).ln())
    } else {
        let m = k - 1;
        let ln_pmf = ln_binomial_pmf(m, n, p).unwrap_or(f64::NEG_INFINITY);
        Tail::LowerComplement(ln_pmf + lower_ratio_sum(m, n, q / p).ln())
    }
}

/// ln P(X ≥ k) for X ~ Binomial(n, p), finite even where the probability underflows `f64`;
/// `None` for invalid `p`.
pub fn ln_binomial_sf(k: u64, n: u64, p: f64) -> Option<f64> {
    if !valid_p(p) {
        return None;
    }
    if k == 0 {
        return Some(0.0);
    }
    if k > n || p == 0.0 {
        return Some(f64::NEG_INFINITY);
    }
    if p == 1.0 {
        return Some(0.0);
    }
    Some(match tail(k, n, p) {
        Tail::Upper(ln) => ln.min(0.0),
        Tail::LowerComplement(ln_cdf) => (-ln_cdf.exp().min(1.0)).ln_1p(),
    })
}

/// P(X ≥ k) for X ~ Binomial(n, p): the p-value of the exact one-sided binomial test of "k
/// successes out of n is more than chance p would give" (`scipy.stats.binomtest(k, n, p,
/// alternative="greater")`). In [0, 1]; `None` for invalid `p`.
pub fn binomial_sf(k: u64, n: u64, p: f64) -> Option<f64> {
    if !valid_p(p) {
        return None;
    }
    if k == 0 {
        return Some(1.0);
    }
    if k > n || p == 0.0 {
        return Some(0.0);
    }
    if p == 1.0 {
        return Some(1.0);
    }
    Some(match tail(k, n, p) {
        Tail::Upper(ln) => ln.exp().min(1.0),
        Tail::LowerComplement(ln_cdf) => (1.0 - ln_cdf.exp()).clamp(0.0, 1.0),
    })
}

/// P(X ≤ k) for X ~ Binomial(n, p), i.e. `1 − P(X ≥ k + 1)`; `None` for invalid `p`.
pub fn binomial_cdf(k: u64, n: u64, p: f64) -> Option<f64> {
    if k >= n {
        return valid_p(p).then_some(1.0);
    }
    // Lower tail of X is the upper tail of n − X ~ Binomial(n, 1 − p).
    binomial_sf(n - k, n, 1.0 - p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        if a == b { 0.0 } else { (a - b).abs() / b.abs() }
    }

    #[test]
    fn small_exact_values() {
        // Binomial(10, 1/2): P(X ≥ 8) = (45 + 10 + 1)/1024.
        assert!(rel(binomial_sf(8, 10, 0.5).unwrap(), 56.0 / 1024.0) < 1e-14);
        // P(X = 5) = 252/1024.
        assert!(rel(binomial_pmf(5, 10, 0.5).unwrap(), 252.0 / 1024.0) < 1e-14);
        // P(X ≥ 3) for k below the mean goes through the complement: 1 − (1 + 10 + 45)/1024.
        assert!(rel(binomial_sf(3, 10, 0.5).unwrap(), 968.0 / 1024.0) < 1e-14);
        assert!(rel(binomial_cdf(2, 10, 0.5).unwrap(), 56.0 / 1024.0) < 1e-14);
        // Binomial(3, 0.2): P(X = 1) = 3 · 0.2 · 0.64 = 0.384.
        assert!(rel(binomial_pmf(1, 3, 0.2).unwrap(), 0.384) < 1e-14);
    }

    #[test]
    fn pmf_sums_to_one() {
        for &(n, p) in &[(1u64, 0.3), (7, 0.5), (40, 0.1), (200, 0.77)] {
            let s: f64 = (0..=n).map(|k| binomial_pmf(k, n, p).unwrap()).sum();
            assert!((s - 1.0).abs() < 1e-13, "n={n} p={p} sum={s}");
        }
    }

    #[test]
    fn edges() {
        assert_eq!(binomial_sf(0, 0, 0.5), Some(1.0));
        assert_eq!(binomial_sf(1, 0, 0.5), Some(0.0));
        assert_eq!(binomial_sf(3, 5, 0.0), Some(0.0));
        assert_eq!(binomial_sf(5, 5, 1.0), Some(1.0));
        assert_eq!(binomial_sf(6, 5, 1.0), Some(0.0));
        assert_eq!(binomial_sf(1, 5, f64::NAN), None);
        assert_eq!(binomial_sf(1, 5, 1.5), None);
        assert_eq!(binomial_cdf(5, 5, 0.3), Some(1.0));
        assert_eq!(ln_binomial_sf(1, 0, 0.5), Some(f64::NEG_INFINITY));
        assert_eq!(ln_binomial_pmf(2, 1, 0.5), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn extreme_tail_stays_finite_in_log_space() {
        // P(X ≥ n) = 2^−n for p = ½.
        let n = 10_000_000u64;
        let ln = ln_binomial_sf(n, n, 0.5).unwrap();
        assert!(rel(ln, -(n as f64) * 2f64.ln()) < 1e-14);
        assert_eq!(binomial_sf(n, n, 0.5), Some(0.0));
        let mid = binomial_sf(n / 2, n, 0.5).unwrap();
        assert!(mid > 0.5 && mid < 0.501, "{mid}");
        let ln_far = ln_binomial_sf(n / 2 + 100_000, n, 0.5).unwrap();
        assert!(ln_far.is_finite() && ln_far < -1900.0, "{ln_far}");
    }

    #[test]
    fn stirling_series_meets_exact_values() {
        // δ(m) from 40-digit mpmath.
        for (m, exact) in [
            (16, 0.005_207_655_919_609_640_440_718),
            (36, 0.002_314_755_290_514_683_866_814),
            (81, 0.001_028_801_357_710_777_509_445),
            (501, 0.000_166_333_976_579_932_705_181_2),
        ] {
            assert!(rel(stirling_error(m), exact) < 1e-15, "m={m}");
        }
    }
}
