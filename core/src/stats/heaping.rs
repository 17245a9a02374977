//! Heaping of primary scores just above a mark boundary.
//!
//! Why: when markers "pull" a work over the threshold of a mark (e.g. 14 points → 15 points,
//! the minimum for a "3"), the score histogram shows a dip just below the boundary and a heap
//! at and just above it. Rosobrnadzor lists such distributions among the signs of
//! non-objective results (DOMAIN.md, "Objectivity of assessment").
//!
//! Test: take the window of `w` scores just below the boundary `b` (scores `b−w..=b−1`) and
//! the window of `w` scores from the boundary up (`b..=b+w−1`). If the histogram is smooth
//! around `b`, a student whose score falls in either window is about equally likely to be in
//! each, so the count above, given the total `n` in both windows, is Binomial(n, ½). The
//! p-value of the exact one-sided binomial test is `P(X ≥ above)` (as
//! `scipy.stats.binomtest(above, n, 0.5, alternative="greater")`), computed stably by
//! [`super::binomial`] for n in the millions.
//!
//! The ½ null assumes a locally flat histogram; on a slope (a wide window on the steep side of
//! the distribution) it is biased. [`heaping_test_against_reference`] instead takes the
//! null share from a reference histogram (the region, preferably without the group under
//! test), i.e. it tests whether the group's above/below ratio exceeds the region's
//! ("ratio of ratios"), conditionally on the group's count in both windows.
//!
//! A small p-value is a *sign* with evidence (the counts are returned), never a verdict.

use serde::{Deserialize, Serialize};

use super::{StatsError, binomial_sf};

/// Result of [`heaping_test`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeapingTest {
    /// The boundary b: the minimum score of the mark.
    pub boundary: u32,
    /// The window width w (scores per side).
    pub width: u32,
    /// Students with scores `b−w..=b−1`.
    pub below: u64,
    /// Students with scores `b..=b+w−1`.
    pub at_or_above: u64,
    /// `at_or_above / below`; `None` when `below == 0`. About 1 for a smooth histogram.
    pub ratio: Option<f64>,
    /// P(X ≥ at_or_above) for X ~ Binomial(below + at_or_above, ½); 1 when both windows are
    /// empty (no evidence).
    pub p_value: f64,
}

/// Result of [`heaping_test_against_reference`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeapingVsReference {
    /// The boundary b: the minimum score of the mark.
    pub boundary: u32,
    /// The window width w (scores per side).
    pub width: u32,
    /// The group's students with scores `b−w..=b−1`.
    pub below: u64,
    /// The group's students with scores `b..=b+w−1`.
    pub at_or_above: u64,
    /// The reference's students with scores `b−w..=b−1`.
    pub reference_below: u64,
    /// The reference's students with scores `b..=b+w−1`.
    pub reference_at_or_above: u64,
    /// The null share `reference_at_or_above / (reference_below + reference_at_or_above)`.
    pub null_share: f64,
    /// `(at_or_above / below) / (reference_at_or_above / reference_below)`; `None` when a
    /// denominator or `reference_at_or_above` is 0. About 1 when the group follows the
    /// reference's shape.
    pub ratio_of_ratios: Option<f64>,
    /// P(X ≥ at_or_above) for X ~ Binomial(below + at_or_above, null_share); 1 when the
    /// group has nobody in either window.
    pub p_value: f64,
}

/// Sums of the windows `(b−w..=b−1, b..=b+w−1)` of a histogram indexed by score.
fn windows(histogram: &[u64], boundary: u32, width: u32) -> Result<(u64, u64), StatsError> {
    if width == 0 {
        return Err(StatsError::InvalidParameter(
            "the window width must be at least 1",
        ));
    }
    let b = boundary as usize;
    let w = width as usize;
    if b < w {
        return Err(StatsError::InvalidParameter(
            "the window below the boundary starts before score 0",
        ));
    }
    if b.checked_add(w).is_none_or(|end| end > histogram.len()) {
        return Err(StatsError::InvalidParameter(
            "the window above the boundary ends past the histogram",
        ));
    }
    let sum = |s: &[u64]| {
        s.iter()
            .try_fold(0u64, |a, &c| a.checked_add(c))
            .ok_or(StatsError::Overflow)
    };
    let below = sum(&histogram[b - w..b])?;
    let above = sum(&histogram[b..b + w])?;
    below.checked_add(above).ok_or(StatsError::Overflow)?;
    Ok((below, above))
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den != 0).then(|| num as f64 / den as f64)
}

/// Exact one-sided binomial test (p = ½) for heaping at `boundary`, comparing the `width`
/// scores from the boundary up with the `width` scores just below it.
///
/// `histogram[s]` is the number of students with primary score `s` (0..=max score).
/// Errors: `width == 0`, or a window outside the histogram (`boundary < width` or
/// `boundary + width > histogram.len()`), or counts overflowing `u64`.
pub fn heaping_test(
    histogram: &[u64],
    boundary: u32,
    width: u32,
) -> Result<HeapingTest, StatsError> {
    let (below, at_or_above) = windows(histogram, boundary, width)?;
    let p_value = binomial_sf(at_or_above, below + at_or_above, 0.5).unwrap_or(1.0);
    Ok(HeapingTest {
        boundary,
        width,
        below,
        at_or_above,
        ratio: ratio(at_or_above, below),
        p_value,
    })
}

/// Heaping test of a group's histogram against a reference histogram's local shape: the null
/// share of "at or above" among the two windows is the reference's, not ½.
///
/// Both histograms are indexed by score. Errors: as [`heaping_test`] for either histogram, or
/// a reference with nobody in either window (no shape to compare with).
pub fn heaping_test_against_reference(
    histogram: &[u64],
    reference: &[u64],
    boundary: u32,
    width: u32,
) -> Result<HeapingVsReference, StatsError> {
    let (below, at_or_above) = windows(histogram, boundary, width)?;
    let (reference_below, reference_at_or_above) = windows(reference, boundary, width)?;
    let reference_n = reference_below + reference_at_or_above;
    if reference_n == 0 {
        return Err(StatsError::InvalidParameter(
            "the reference has no scores in either window",
        ));
    }
    let null_share = reference_at_or_above as f64 / reference_n as f64;
    let p_value = binomial_sf(at_or_above, below + at_or_above, null_share).unwrap_or(1.0);
    let ratio_of_ratios = match (
        ratio(at_or_above, below),
        ratio(reference_at_or_above, reference_below),
    ) {
        (Some(g), Some(r)) if r > 0.0 => Some(g / r),
        _ => None,
    };
    Ok(HeapingVsReference {
        boundary,
        width,
        below,
        at_or_above,
        reference_below,
        reference_at_or_above,
        null_share,
        ratio_of_ratios,
        p_value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heap_at_boundary_is_significant() {
        // Scores 0..=20, boundary 10 (a "3" from 10 points): 2 students at 9, 20 at 10.
        let mut h = vec![5u64; 21];
        h[9] = 2;
        h[10] = 20;
        let t = heaping_test(&h, 10, 1).unwrap();
        assert_eq!((t.below, t.at_or_above), (2, 20));
        assert_eq!(t.ratio, Some(10.0));
        // P(X ≥ 20 | n = 22, ½) = (1 + 22 + 231)/2²² = 254/4194304.
        assert!((t.p_value - 254.0 / 4_194_304.0).abs() < 1e-18);
        let w2 = heaping_test(&h, 10, 2).unwrap();
        assert_eq!((w2.below, w2.at_or_above), (7, 25));
    }

    #[test]
    fn smooth_histogram_is_not_significant() {
        let h = vec![100u64; 31];
        let t = heaping_test(&h, 15, 3).unwrap();
        assert_eq!(t.ratio, Some(1.0));
        assert!(t.p_value > 0.5);
        // Empty windows: no evidence.
        let z = heaping_test(&[0; 10], 5, 2).unwrap();
        assert_eq!((z.p_value, z.ratio), (1.0, None));
    }

    #[test]
    fn window_errors() {
        let h = [1u64; 10];
        assert!(heaping_test(&h, 5, 0).is_err());
        assert!(heaping_test(&h, 1, 2).is_err());
        assert!(heaping_test(&h, 9, 2).is_err());
        assert!(heaping_test(&h, 8, 2).is_ok());
        assert!(heaping_test(&h, u32::MAX, 2).is_err());
        assert!(heaping_test_against_reference(&h, &[0; 10], 5, 1).is_err());
    }

    #[test]
    fn against_reference_uses_its_shape() {
        // Region rises steeply: twice as many at 10 as at 9, so 2:1 in a school is expected.
        let mut region = vec![0u64; 21];
        region[9] = 1000;
        region[10] = 2000;
        let mut school = vec![0u64; 21];
        school[9] = 10;
        school[10] = 20;
        let flat = heaping_test(&school, 10, 1).unwrap();
        let rel = heaping_test_against_reference(&school, &region, 10, 1).unwrap();
        assert!(flat.p_value < 0.05);
        assert!(rel.p_value > 0.4, "{}", rel.p_value);
        assert_eq!(rel.ratio_of_ratios, Some(1.0));
        assert!((rel.null_share - 2.0 / 3.0).abs() < 1e-15);
    }
}
