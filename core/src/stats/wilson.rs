//! Wilson score interval for a share k/n.
//!
//! Why: shares of small groups (a class of 12) are noisy; reports show an interval so that a
//! 25% "lowered" share of 12 students is not read like the same share of 1200. The Wilson
//! interval (E. B. Wilson, "Probable inference, the law of succession, and statistical
//! inference", JASA 22, 1927) keeps good coverage for small n and for shares near 0 or 1,
//! where the textbook Wald interval p̂ ± z·√(p̂(1 − p̂)/n) collapses to a point.
//!
//! Formula, with p̂ = k/n:
//!
//! ```text
//! centre    = (p̂ + z²/(2n)) / (1 + z²/n)       = (k + z²/2) / (n + z²)
//! half-width = z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/(4n²)) = z · √(k(n − k)/n + z²/4) / (n + z²)
//! ```
//!
//! (the right-hand forms, used here, avoid dividing before multiplying). Identical to
//! `statsmodels.stats.proportion.proportion_confint(k, n, alpha, method="wilson")` with
//! z = Φ⁻¹(1 − α/2); checked in the fixture tests.

/// The conventional z for a 95% interval (rounded; the exact Φ⁻¹(0.975) is
/// 1.959963984540054, see [`super::z_for_confidence`]).
pub const Z_95: f64 = 1.96;

/// The Wilson score interval of the share `k / n` with critical value `z`, as
/// `(low, high)` in **percent** (0..=100).
///
/// `None` when `n == 0`, `k > n`, or `z` is negative or not finite. Results are clamped to
/// [0, 100] against rounding at k = 0 and k = n.
pub fn wilson_interval(k: u64, n: u64, z: f64) -> Option<(f64, f64)> {
    if n == 0 || k > n || !z.is_finite() || z < 0.0 {
        return None;
    }
    let (kf, nf) = (k as f64, n as f64);
    let z2 = z * z;
    let denom = nf + z2;
    let centre = (kf + z2 / 2.0) / denom;
    let half = z * (kf * ((n - k) as f64) / nf + z2 / 4.0).sqrt() / denom;
    let low = ((centre - half) * 100.0).clamp(0.0, 100.0);
    let high = ((centre + half) * 100.0).clamp(0.0, 100.0);
    Some((low, high))
}

/// The 95% Wilson interval with the conventional z = 1.96 ([`Z_95`]), in percent.
pub fn wilson_interval_95(k: u64, n: u64) -> Option<(f64, f64)> {
    wilson_interval(k, n, Z_95)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        // k = 0, n = 10, z = 1.96: low = 0, high = z²/(n + z²) = 3.8416/13.8416 = 27.75%.
        let (lo, hi) = wilson_interval_95(0, 10).unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - 100.0 * 3.8416 / 13.8416).abs() < 1e-12, "{hi}");
        // Symmetric around 50% for k = n/2.
        let (lo, hi) = wilson_interval_95(5, 10).unwrap();
        assert!((lo + hi - 100.0).abs() < 1e-12);
        let (lo, hi) = wilson_interval_95(10, 10).unwrap();
        assert_eq!(hi, 100.0);
        assert!((lo - 100.0 * 10.0 / 13.8416).abs() < 1e-12, "{lo}");
    }

    #[test]
    fn invalid_inputs() {
        assert_eq!(wilson_interval_95(0, 0), None);
        assert_eq!(wilson_interval_95(3, 2), None);
        assert_eq!(wilson_interval(1, 2, f64::NAN), None);
        assert_eq!(wilson_interval(1, 2, -1.0), None);
        assert_eq!(wilson_interval(1, 4, 0.0), Some((25.0, 25.0)));
    }
}
