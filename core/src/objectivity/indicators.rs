//! The objectivity indicators ([`Source::Objectivity`](crate::Source)), computed from a
//! cell's [`ObjectivityState`](super::ObjectivityState) and, for the comparative ones, the
//! region's state of the same procedure or the entity's ГИА scopes.
//!
//! Shares, gaps and the cohort drop are exact `Decimal`s. Kappa, Spearman's ρ, Wilson bounds,
//! the task inversion and the heaping statistics are computed in `f64` (they involve square
//! roots, logarithms or tail sums) and become `Decimal` only for the catalogue, by
//! [`present`]: rounded half away from zero to [`F64_DECIMALS`] places from the `f64`'s exact
//! binary value.

use super::heaping::heaping;
use super::tasks::Group;
use crate::aggregate::{Aggregates, Level};
use crate::indicators::{CellState, Indicator, IndicatorValue};
use crate::stats::{KappaWeights, Share, cohen_kappa, wilson_interval_95};
use rust_decimal::{Decimal, RoundingStrategy};

/// Decimal places of indicators computed in `f64`.
pub const F64_DECIMALS: u32 = 6;

/// An `f64` statistic as a catalogue `Decimal`: rounded half away from zero to
/// [`F64_DECIMALS`] places; `None` when it is not finite or beyond `Decimal`'s range.
///
/// ```
/// use oko::objectivity::present;
/// use rust_decimal::Decimal;
/// assert_eq!(present(0.35087719298), Some(Decimal::new(350877, 6)));
/// assert_eq!(present(1e-12), Some(Decimal::ZERO));
/// assert_eq!(present(f64::NAN), None);
/// ```
pub fn present(x: f64) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    if x.abs() < 1e-9 {
        return Some(Decimal::ZERO);
    }
    present_scaled(x).or_else(|| present_exact(x))
}

/// [`present`] through the exact binary value: `Decimal::from_f64_retain` and rounding.
fn present_exact(x: f64) -> Option<Decimal> {
    Decimal::from_f64_retain(x).map(|d| {
        d.round_dp_with_strategy(F64_DECIMALS, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    })
}

/// [`present`] in integer millionths, for the common case where that is provably the same:
/// `y = x·10⁶` rounded to f64 is within `|y|·2⁻⁵³ ≤ 2⁻¹³` of the exact product when
/// `|y| < 2⁴⁰`, so unless `y` lies within 2⁻¹⁰ of a midpoint both round to the same integer.
/// `None` for the rest (far from every figure oko presents), which takes the exact path.
/// The exact path costs a 96-bit conversion and a decimal rounding per value, and every
/// kappa, ρ and Wilson bound of every cell goes through here.
fn present_scaled(x: f64) -> Option<Decimal> {
    const MILLION: f64 = 1e6;
    let y = x * MILLION;
    // x is finite (checked by `present`), so y is finite or infinite, never NaN.
    if y.abs() >= (1u64 << 40) as f64 {
        return None;
    }
    // Exact for |y| < 2⁵²: the fraction of y and its distance from a midpoint.
    let fraction = (y - y.trunc()).abs();
    if (fraction - 0.5).abs() <= 1.0 / 1024.0 {
        return None;
    }
    // f64::round rounds half away from zero, as the exact path does.
    Some(Decimal::new(y.round() as i64, F64_DECIMALS).normalize())
}

fn share(k: u64, n: u64) -> Option<Decimal> {
    Share::new(k, n).percent()
}

fn wilson(k: u64, n: u64, high: bool) -> Option<Decimal> {
    wilson_interval_95(k, n).and_then(|(lo, hi)| present(if high { hi } else { lo }))
}

/// `(n, value)` of an objectivity indicator from the cell's state alone. The comparative
/// indicators (task gaps and inversion, heaping, ГИА completion) need the region or other
/// scopes: here they are `None`, with the cell's own n (use
/// [`Aggregates::value`](crate::Aggregates::value) for them).
pub(crate) fn compute_alone(ind: Indicator, s: &CellState) -> (u64, Option<Decimal>) {
    let marks_n = u64::from(s.marks.n());
    if ind == Indicator::ShareMark5Low {
        return (marks_n, wilson(u64::from(s.marks.mark(5)), marks_n, false));
    }
    let Some(o) = s.objectivity.as_deref() else {
        return (0, None);
    };
    let t = &o.table;
    let n = t.total();
    let kappa = |w| (n, cohen_kappa(t, w).ok().and_then(present));
    match ind {
        Indicator::PairedCount => (n, Some(Decimal::from(n))),
        Indicator::ShareLowered => (n, share(t.lowered(), n)),
        Indicator::ShareConfirmed => (n, share(t.confirmed(), n)),
        Indicator::ShareRaised => (n, share(t.raised(), n)),
        Indicator::ShareGap2Plus => (n, share(t.gap_at_least(2), n)),
        Indicator::MeanGap => (n, t.mean_gap()),
        Indicator::Kappa => kappa(KappaWeights::Unweighted),
        Indicator::KappaLinear => kappa(KappaWeights::Linear),
        Indicator::KappaQuadratic => kappa(KappaWeights::Quadratic),
        Indicator::Spearman => match &o.joint {
            Some(j) => (j.total(), j.spearman().and_then(present)),
            None => (0, None),
        },
        Indicator::ShareLoweredLow => (n, wilson(t.lowered(), n, false)),
        Indicator::ShareLoweredHigh => (n, wilson(t.lowered(), n, true)),
        Indicator::ShareRaisedLow => (n, wilson(t.raised(), n, false)),
        Indicator::ShareRaisedHigh => (n, wilson(t.raised(), n, true)),
        Indicator::CohortDrop => {
            let c = &o.cohort;
            let v = (c.linked > 0).then(|| {
                (Decimal::from(c.prev_sum) - Decimal::from(c.cur_sum)) / Decimal::from(c.linked)
            });
            (c.linked, v)
        }
        Indicator::EasyTaskGap | Indicator::HardTaskGap | Indicator::TaskInversion => {
            (o.tasks.n, None)
        }
        Indicator::HeapingPValue | Indicator::HeapingRatio => (s.scores.n(), None),
        _ => (0, None),
    }
}

/// An objectivity indicator of a cell, with the region and other scopes at hand; `None`
/// when the entity has no data in the scope.
pub(crate) fn value(
    agg: &Aggregates,
    level: Level,
    entity: u32,
    scope: u32,
    ind: Indicator,
) -> Option<IndicatorValue> {
    let s = agg.state(level, entity, scope)?;
    let meta = &agg.objectivity[scope as usize];
    let region = || agg.state(Level::Region, 0, scope);
    let (n, v) = match ind {
        Indicator::EasyTaskGap | Indicator::HardTaskGap | Indicator::TaskInversion => {
            let empty = Default::default();
            let cell = s.objectivity.as_deref().map_or(&empty, |o| &o.tasks);
            let v = meta.tasks.as_ref().and_then(|profile| match ind {
                Indicator::EasyTaskGap => profile.gap(cell, Group::Easy),
                Indicator::HardTaskGap => profile.gap(cell, Group::Hard),
                _ => profile.inversion(cell).and_then(present),
            });
            (cell.n, v)
        }
        Indicator::HeapingPValue | Indicator::HeapingRatio => {
            let width = agg.options().objectivity.heaping_width;
            match region().and_then(|r| heaping(&s.scores, &r.scores, &meta.boundaries, width)) {
                Some(h) if ind == Indicator::HeapingPValue => (h.n, present(h.p_value)),
                Some(h) => (h.n, present(h.ratio)),
                None => (0, None),
            }
        }
        Indicator::GiaCompletionRate => {
            let (mut points, mut max, mut n) = (0u64, 0u64, 0u64);
            for &q in &meta.gia {
                if let Some(g) = agg.state(level, entity, q) {
                    let k = g.scores.n();
                    n += k;
                    points += g.scores.sum();
                    max += k * u64::from(agg.objectivity[q as usize].max_score);
                }
            }
            (n, share(points, max))
        }
        _ => compute_alone(ind, s),
    };
    Some(IndicatorValue {
        value: v,
        n,
        limited: n < agg.options().min_sample,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn near_midpoints_take_the_exact_path() {
        // 0.0000125 is not a binary fraction: its f64 lies just below or above the midpoint,
        // which only the exact path can tell.
        for x in [
            0.0000125,
            -0.0000125,
            2.5e-6,
            1.0000005,
            123.4567895,
            -7.0000015,
        ] {
            assert_eq!(present_scaled(x), None, "{x}");
            assert_eq!(present(x), present_exact(x), "{x}");
        }
        assert_eq!(present_scaled(1e30), None);
        assert_eq!(present(-3e-7), Some(Decimal::ZERO));
        assert_eq!(present(0.1234564999), Some(Decimal::new(123456, 6)));
        assert_eq!(present(-0.5), Some(Decimal::new(-5, 1)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn the_scaled_path_agrees_with_the_exact_one(
            x in prop_oneof![
                -1.0f64..1.0,
                -200.0f64..200.0,
                -1.0e7f64..1.0e7,
                (-2_000_000_000i64..2_000_000_000).prop_map(|k| k as f64 / 1e6),
                (-2_000_000i64..2_000_000).prop_map(|k| (k as f64 + 0.5) / 1e6),
                any::<f64>(),
            ]
        ) {
            prop_assume!(x.is_finite() && x.abs() >= 1e-9);
            if let Some(fast) = present_scaled(x) {
                prop_assert_eq!(Some(fast), present_exact(x));
                prop_assert_eq!(fast.to_string(), present_exact(x).unwrap().to_string());
            }
        }
    }
}
