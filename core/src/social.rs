//! The social-welfare index of schools (индекс социального благополучия, seed 001): a
//! cross-entity computation, since each school's index depends on every school of its region
//! or municipality.
//!
//! Each component (a context field in percent, or `rural` as 100/0) is normalised across the
//! schools of the group that have it: a z-score (x − mean) / SD with the population SD (0 when
//! every school has the same value), or a mid-rank percentile (share of schools below plus half
//! the share equal, × 100). Unfavourable components enter with the opposite sign (z) or as
//! 100 − p (percentile). The index is the weighted mean of the components; it is unknown for a
//! school missing any component. Higher is more favourable.
//!
//! Exact and order-free: sums of the inputs are exact decimals, the variance is
//! (n Σx² − (Σx)²) / n², and the only inexact step, the square root, is a fixed Newton
//! iteration on that value, so the index does not depend on the order of the schools.

use crate::dataset::Dataset;
use rust_decimal::Decimal;

/// How components are normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalisation {
    /// (x − mean) / population SD.
    ZScore,
    /// Mid-rank percentile, 0..100.
    Percentile,
}

/// Which schools a component is normalised across.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexGroup {
    /// All schools of the dataset.
    Region,
    /// The schools of each municipality apart.
    Municipality,
}

/// One component of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexComponent {
    /// A context field, or `rural`.
    pub field: String,
    /// Weight (> 0).
    pub weight: Decimal,
    /// True when a higher value means better conditions.
    pub favourable: bool,
}

/// The definition of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialIndexSpec {
    /// Normalisation.
    pub normalisation: Normalisation,
    /// Normalisation group.
    pub group: IndexGroup,
    /// Components.
    pub components: Vec<IndexComponent>,
}

/// The index of every school.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SocialIndex {
    /// Per school: the index, or `None` when a component is missing.
    pub values: Vec<Option<Decimal>>,
    /// Per school: how many schools of its group have a known index (the population the
    /// school is compared with; when it changes, the index may move).
    pub group_size: Vec<u32>,
}

/// Square root of a non-negative decimal by Newton's method from a fixed start, to about 20
/// significant digits; deterministic for a given input.
pub(crate) fn sqrt(v: Decimal) -> Decimal {
    if v <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let mut x = if v > Decimal::ONE { v } else { Decimal::ONE };
    for _ in 0..200 {
        let next = ((x + v / x) / Decimal::TWO).round_dp(24);
        if next == x {
            break;
        }
        x = next;
    }
    x.round_dp(20)
}

fn component_value(ds: &Dataset, school: usize, field: &str) -> Option<Decimal> {
    let s = &ds.schools()[school];
    if field == "rural" {
        return s.rural.map(|r| {
            if r {
                Decimal::ONE_HUNDRED
            } else {
                Decimal::ZERO
            }
        });
    }
    let k = ds.context_fields().iter().position(|f| f == field)?;
    s.context[k]
}

/// Computes the index of every school of `ds`.
///
/// ```
/// use oko::{IndexComponent, IndexGroup, Normalisation, SocialIndexSpec, social_index};
/// use rust_decimal::Decimal;
/// let g = oko::generate(&oko::GeneratorConfig::tiny(1));
/// let spec = SocialIndexSpec {
///     normalisation: Normalisation::ZScore,
///     group: IndexGroup::Region,
///     components: vec![IndexComponent { field: "low_income".into(), weight: Decimal::ONE, favourable: false }],
/// };
/// let idx = social_index(&g.dataset, &spec);
/// // z-scores of one component sum to zero across the region.
/// let sum: Decimal = idx.values.iter().flatten().sum();
/// assert!(sum.abs() < Decimal::new(1, 10));
/// ```
pub fn social_index(ds: &Dataset, spec: &SocialIndexSpec) -> SocialIndex {
    let n = ds.schools().len();
    let group_of = |s: usize| match spec.group {
        IndexGroup::Region => 0usize,
        IndexGroup::Municipality => ds.schools()[s].municipality as usize,
    };
    let n_groups = match spec.group {
        IndexGroup::Region => 1,
        IndexGroup::Municipality => ds.municipalities().len().max(1),
    };
    let mut total = vec![Some(Decimal::ZERO); n];
    let weights: Decimal = spec.components.iter().map(|c| c.weight).sum();
    for c in &spec.components {
        let values: Vec<Option<Decimal>> =
            (0..n).map(|s| component_value(ds, s, &c.field)).collect();
        // Per group: the known values, sorted (for percentiles), their sum and sum of squares.
        let mut members: Vec<Vec<Decimal>> = vec![Vec::new(); n_groups];
        for (s, v) in values.iter().enumerate() {
            if let Some(v) = v {
                members[group_of(s)].push(*v);
            }
        }
        let stats: Vec<(Decimal, Decimal)> = members
            .iter_mut()
            .map(|m| {
                m.sort();
                let k = Decimal::from(m.len().max(1));
                let sum: Decimal = m.iter().sum();
                let sq: Decimal = m.iter().map(|x| x * x).sum();
                let mean = sum / k;
                let var = ((k * sq - sum * sum) / (k * k)).max(Decimal::ZERO);
                (mean, sqrt(var))
            })
            .collect();
        for s in 0..n {
            let Some(x) = values[s] else {
                total[s] = None;
                continue;
            };
            let g = group_of(s);
            let score = match spec.normalisation {
                Normalisation::ZScore => {
                    let (mean, sd) = stats[g];
                    let z = if sd.is_zero() {
                        Decimal::ZERO
                    } else {
                        (x - mean) / sd
                    };
                    if c.favourable { z } else { -z }
                }
                Normalisation::Percentile => {
                    let m = &members[g];
                    let below = m.partition_point(|v| *v < x);
                    let upto = m.partition_point(|v| *v <= x);
                    let p = (Decimal::from(below) + Decimal::from(upto - below) / Decimal::TWO)
                        * Decimal::ONE_HUNDRED
                        / Decimal::from(m.len());
                    if c.favourable {
                        p
                    } else {
                        Decimal::ONE_HUNDRED - p
                    }
                }
            };
            if let Some(t) = &mut total[s] {
                *t += c.weight * score;
            }
        }
    }
    let values: Vec<Option<Decimal>> = total
        .into_iter()
        .map(|t| {
            t.filter(|_| !spec.components.is_empty() && !weights.is_zero())
                .map(|t| (t / weights).round_dp(12))
        })
        .collect();
    let mut sizes = vec![0u32; n_groups];
    for (s, v) in values.iter().enumerate() {
        if v.is_some() {
            sizes[group_of(s)] += 1;
        }
    }
    let group_size = (0..n).map(|s| sizes[group_of(s)]).collect();
    SocialIndex { values, group_size }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_roots() {
        assert_eq!(sqrt(Decimal::from(4)), Decimal::from(2));
        assert_eq!(sqrt(Decimal::new(25, 2)), Decimal::new(5, 1));
        let r = sqrt(Decimal::TWO);
        assert!((r * r - Decimal::TWO).abs() < Decimal::new(1, 18));
        assert_eq!(sqrt(Decimal::ZERO), Decimal::ZERO);
    }
}
