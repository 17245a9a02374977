//! Heaping of primary scores just above the mark boundaries of a procedure's scale, tested
//! against the rest of the region.
//!
//! At each boundary b of the scale that a school's reported rates depend on — the lowest
//! score of «3» (the pass rate, успеваемость) and of «4» (the quality rate, качество знаний)
//! — the group's scores in the window `b−w..b−1` are compared with those in `b..b+w−1` by
//! [`heaping_test_against_reference`]: the null share of "at or above" is the one of the
//! region *without the group* (the region's histogram minus the group's, exactly), so the
//! local slope of the distribution is taken into account. Boundaries whose windows do not fit
//! in `0..=max` or where the reference has nobody are skipped. The boundary of «5» is not
//! tested: no reported rate depends on it, and a school that is stronger as a whole than the
//! region has a different shape there (its distribution is pressed against the maximum)
//! without any heaping.
//!
//! - `heaping_p_value`: the one-sided p-values of the boundaries combined by Fisher's method
//!   (−2 Σ ln p against χ² with 2k degrees of freedom, k boundaries tested): markers who pull
//!   works over one boundary usually do it at the others too, and a school's windows hold few
//!   pupils each, so the evidence is pooled. (With discrete p-values the combination is
//!   conservative.)
//! - `heaping_ratio`: the group's pooled above/below ratio over the reference's, summed over
//!   the tested boundaries, each sum plus ½ (Haldane–Anscombe) so that a group whose windows
//!   below are empty — the strongest heaping — still has a finite ratio. About 1 without
//!   heaping.
//!
//! n is the number of the group's students in the tested windows.

use crate::indicators::ScoreHistogram;
use crate::stats::{HeapingVsReference, heaping_test_against_reference};

/// The heaping statistics of a group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Heaping {
    pub p_value: f64,
    pub ratio: f64,
    pub n: u64,
}

/// Tests `group` against `region` minus `group` at every boundary; `None` when no boundary
/// can be tested.
pub(crate) fn heaping(
    group: &ScoreHistogram,
    region: &ScoreHistogram,
    boundaries: &[u16],
    width: u8,
) -> Option<Heaping> {
    let len = group.counts().len().max(region.counts().len());
    let mut g = vec![0u64; len];
    let mut r = vec![0u64; len];
    for (a, &c) in g.iter_mut().zip(group.counts()) {
        *a = u64::from(c);
    }
    for (a, &c) in r.iter_mut().zip(region.counts()) {
        *a = u64::from(c);
    }
    for (a, b) in r.iter_mut().zip(&g) {
        *a = a.saturating_sub(*b);
    }
    let tests: Vec<_> = boundaries
        .iter()
        .filter_map(|&b| {
            heaping_test_against_reference(&g, &r, u32::from(b), u32::from(width)).ok()
        })
        .collect();
    if tests.is_empty() {
        return None;
    }
    // Fisher's combination: −2 Σ ln p ~ χ² with 2k degrees of freedom under the null.
    let statistic: f64 = tests
        .iter()
        .map(|t| -2.0 * t.p_value.max(f64::MIN_POSITIVE).ln())
        .sum();
    let sum = |f: fn(&HeapingVsReference) -> u64| tests.iter().map(f).sum::<u64>() as f64 + 0.5;
    Some(Heaping {
        p_value: chi2_sf_even(statistic, tests.len()),
        ratio: (sum(|t| t.at_or_above) / sum(|t| t.below))
            / (sum(|t| t.reference_at_or_above) / sum(|t| t.reference_below)),
        n: tests.iter().map(|t| t.below + t.at_or_above).sum(),
    })
}

/// P(X ≥ x) for X ~ χ² with 2k degrees of freedom: e^(−x/2) Σ_{i<k} (x/2)^i / i!
/// (exact for even degrees of freedom), summed in log space so large x does not underflow
/// before the end.
fn chi2_sf_even(x: f64, k: usize) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let h = x / 2.0;
    let mut term = 1.0f64; // h^i / i!
    let mut total = 1.0f64;
    for i in 1..k {
        term *= h / i as f64;
        total += term;
    }
    (total.ln() - h).exp().min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(counts: &[u32]) -> ScoreHistogram {
        ScoreHistogram::from_counts(counts.to_vec())
    }

    #[test]
    fn a_heap_above_a_boundary_is_found_and_the_rest_is_not() {
        // Region: flat 100 per score over 0..=20; group: flat 10, but 8 and 9 moved to 10, 11.
        let region_rest = vec![100u32; 21];
        let mut group = vec![10u32; 21];
        group[8] = 1;
        group[9] = 1;
        group[10] = 19;
        group[11] = 19;
        let mut region = region_rest.clone();
        for (a, b) in region.iter_mut().zip(&group) {
            *a += b;
        }
        let h = heaping(&hist(&group), &hist(&region), &[10, 15], 2).unwrap();
        assert!(h.p_value < 1e-6, "{h:?}");
        // Pooled over both boundaries: (38 + 20 + ½) / (2 + 20 + ½) against 1.
        assert!((h.ratio - 58.5 / 22.5).abs() < 1e-12, "{h:?}");
        assert_eq!(h.n, 2 + 38 + 40);
        let flat = heaping(&hist(&[10; 21]), &hist(&[110; 21]), &[10, 15], 2).unwrap();
        assert!(flat.p_value > 0.5, "{flat:?}");
        assert!((flat.ratio - 1.0).abs() < 1e-12);
    }

    #[test]
    fn fisher_combination_matches_chi2_tables() {
        // χ²(2) survival is e^(−x/2); χ²(4) at 9.4877 is 0.05; χ²(6) at 16.812 is 0.01.
        assert!((chi2_sf_even(3.0, 1) - (-1.5f64).exp()).abs() < 1e-15);
        assert!((chi2_sf_even(9.4877, 2) - 0.05).abs() < 1e-5);
        assert!((chi2_sf_even(16.812, 3) - 0.01).abs() < 1e-5);
        assert_eq!(chi2_sf_even(0.0, 3), 1.0);
    }

    #[test]
    fn untestable_boundaries_are_skipped() {
        assert!(heaping(&hist(&[1; 5]), &hist(&[2; 5]), &[1, 4], 2).is_none());
    }
}
