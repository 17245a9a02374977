//! Cohen's kappa between internal (journal) and external marks.
//!
//! Why: the share of confirmed marks alone rewards a school whose marks agree by chance (e.g.
//! everyone gets 3); kappa corrects agreement for the agreement expected from the two mark
//! distributions alone. Weighted kappa additionally counts a 5-vs-2 disagreement as worse than
//! a 5-vs-4 one, which matches how gaps of ≥ 2 marks are treated as a stronger sign.
//!
//! Formula (Cohen 1960, 1968; identical to `sklearn.metrics.cohen_kappa_score`): with the
//! k × k table `n_ij` (rows internal, columns external), row sums `r_i`, column sums `c_j`,
//! `N = Σ n_ij` and disagreement weights `w_ij`,
//!
//! ```text
//! κ = 1 − (Σ w_ij n_ij) / (Σ w_ij r_i c_j / N)
//! ```
//!
//! with `w_ij = [i ≠ j]` (unweighted), `|i − j|` (linear) or `(i − j)²` (quadratic), where `i`,
//! `j` are category *indices*. The weights are integers, so both sums are computed exactly in
//! integers and κ = (S − N·O) / S is rounded once to `f64` (a floating-point fallback is used
//! only if the integers would overflow `u128`).
//!
//! Note on sklearn: `cohen_kappa_score` builds its weights from the labels *present in the
//! data* unless `labels=` is given; this module always uses the table's full category range
//! (as sklearn does with `labels=[2, 3, 4, 5]`), so that an absent mark does not shrink the
//! distance between the others.
//!
//! Degenerate cases: sklearn returns NaN (0/0) when the expected weighted disagreement is
//! zero, i.e. the table is empty or both raters put every student in one and the same
//! category; here those cases are an explicit [`KappaUndefined`] instead of NaN.

use super::ConfusionTable;

/// The disagreement weighting of Cohen's kappa.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KappaWeights {
    /// `w_ij = 1` if `i ≠ j`, else 0 (Cohen 1960; sklearn `weights=None`).
    Unweighted,
    /// `w_ij = |i − j|` (sklearn `weights="linear"`).
    Linear,
    /// `w_ij = (i − j)²` (Fleiss & Cohen 1973; sklearn `weights="quadratic"`).
    Quadratic,
}

impl KappaWeights {
    /// All three weightings, in the order unweighted, linear, quadratic.
    pub const ALL: [KappaWeights; 3] = [Self::Unweighted, Self::Linear, Self::Quadratic];

    /// The weight of a disagreement between category indices `i` and `j`.
    fn weight(self, i: usize, j: usize) -> u128 {
        let d = i.abs_diff(j) as u128;
        match self {
            Self::Unweighted => u128::from(d != 0),
            Self::Linear => d,
            Self::Quadratic => d * d,
        }
    }
}

/// Why kappa is undefined for a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum KappaUndefined {
    /// The table has no students (N = 0).
    #[error("kappa is undefined for an empty table")]
    EmptyTable,
    /// The expected disagreement is zero: both raters put every student in the same single
    /// category, so agreement cannot be told apart from chance (sklearn returns NaN).
    #[error("kappa is undefined: all students are in one and the same category for both raters")]
    NoExpectedDisagreement,
}

/// Cohen's kappa of the table with the given weighting; see the module docs for the formula.
///
/// The result lies in [−1, 1] (up to rounding): 1 is perfect agreement, 0 chance-level
/// agreement, negative values agreement below chance.
pub fn cohen_kappa(table: &ConfusionTable, weights: KappaWeights) -> Result<f64, KappaUndefined> {
    let n = table.total();
    if n == 0 {
        return Err(KappaUndefined::EmptyTable);
    }
    // The margins on the stack for the usual 4–5 marks: kappa is computed three times for
    // every cell of every level, and two heap allocations per call were a fifth of its cost.
    let k = (table.max_category() - table.min_category()) as usize + 1;
    let (mut stack, mut heap) = ([0u64; 16], Vec::new());
    let margins: &mut [u64] = if 2 * k <= stack.len() {
        &mut stack[..2 * k]
    } else {
        heap.resize(2 * k, 0);
        &mut heap
    };
    let (rows, cols) = margins.split_at_mut(k);
    for (i, row) in table.rows().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            rows[i] += c;
            cols[j] += c;
        }
    }
    let (rows, cols) = (&*rows, &*cols);
    match exact_sums(table, rows, cols, weights, n) {
        Some((observed_times_n, expected_times_n)) => {
            if expected_times_n == 0 {
                return Err(KappaUndefined::NoExpectedDisagreement);
            }
            // κ = (S − N·O) / S, S = Σ w r c, both exact.
            let s = expected_times_n as f64;
            let num = if expected_times_n >= observed_times_n {
                (expected_times_n - observed_times_n) as f64
            } else {
                -((observed_times_n - expected_times_n) as f64)
            };
            Ok(num / s)
        }
        None => float_kappa(table, rows, cols, weights, n),
    }
}

/// `(N · Σ w n, Σ w r c)` in exact integers, `None` on `u128` overflow.
fn exact_sums(
    table: &ConfusionTable,
    rows: &[u64],
    cols: &[u64],
    weights: KappaWeights,
    n: u64,
) -> Option<(u128, u128)> {
    let mut observed: u128 = 0;
    for (i, row) in table.rows().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            observed = observed.checked_add(weights.weight(i, j).checked_mul(u128::from(c))?)?;
        }
    }
    let mut expected: u128 = 0;
    for (i, &r) in rows.iter().enumerate() {
        for (j, &c) in cols.iter().enumerate() {
            let rc = u128::from(r).checked_mul(u128::from(c))?;
            expected = expected.checked_add(weights.weight(i, j).checked_mul(rc)?)?;
        }
    }
    Some((observed.checked_mul(u128::from(n))?, expected))
}

/// The same formula in `f64`, for tables too large for exact `u128` sums.
fn float_kappa(
    table: &ConfusionTable,
    rows: &[u64],
    cols: &[u64],
    weights: KappaWeights,
    n: u64,
) -> Result<f64, KappaUndefined> {
    let nf = n as f64;
    let mut observed = 0.0;
    for (i, row) in table.rows().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            observed += weights.weight(i, j) as f64 * (c as f64 / nf);
        }
    }
    let mut expected = 0.0;
    for (i, &r) in rows.iter().enumerate() {
        for (j, &c) in cols.iter().enumerate() {
            expected += weights.weight(i, j) as f64 * (r as f64 / nf) * (c as f64 / nf);
        }
    }
    if expected == 0.0 {
        return Err(KappaUndefined::NoExpectedDisagreement);
    }
    Ok(1.0 - observed / expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t6() -> ConfusionTable {
        ConfusionTable::from_rows(2, &[[2, 1, 0, 0], [3, 6, 1, 0], [0, 4, 5, 1], [0, 1, 3, 3]])
            .unwrap()
    }

    #[test]
    fn t6_unweighted_by_hand() {
        // p_o = 16/30; p_e = (3·5 + 10·12 + 10·9 + 7·4)/900 = 253/900.
        // κ = (16/30 − 253/900)/(1 − 253/900) = (480 − 253)/(900 − 253) = 227/647.
        let k = cohen_kappa(&t6(), KappaWeights::Unweighted).unwrap();
        assert!((k - 227.0 / 647.0).abs() < 1e-15, "{k}");
    }

    #[test]
    fn perfect_and_chance() {
        let perfect = ConfusionTable::from_rows(2, &[[3, 0], [0, 4]]).unwrap();
        for w in KappaWeights::ALL {
            assert_eq!(cohen_kappa(&perfect, w), Ok(1.0));
        }
        let opposite = ConfusionTable::from_rows(2, &[[0, 1], [1, 0]]).unwrap();
        assert_eq!(cohen_kappa(&opposite, KappaWeights::Unweighted), Ok(-1.0));
        // Independent margins: κ = 0.
        let indep = ConfusionTable::from_rows(2, &[[1, 1], [1, 1]]).unwrap();
        assert_eq!(cohen_kappa(&indep, KappaWeights::Quadratic), Ok(0.0));
    }

    #[test]
    fn degenerate_cases() {
        let empty = ConfusionTable::marks_2_to_5();
        assert_eq!(
            cohen_kappa(&empty, KappaWeights::Linear),
            Err(KappaUndefined::EmptyTable)
        );
        let mut one_cell = ConfusionTable::marks_2_to_5();
        one_cell.add_count(3, 3, 12).unwrap();
        for w in KappaWeights::ALL {
            assert_eq!(
                cohen_kappa(&one_cell, w),
                Err(KappaUndefined::NoExpectedDisagreement)
            );
        }
        // Different single categories for the two raters: defined, κ = 0.
        let mut off = ConfusionTable::marks_2_to_5();
        off.add_count(4, 3, 5).unwrap();
        assert_eq!(cohen_kappa(&off, KappaWeights::Unweighted), Ok(0.0));
    }

    #[test]
    fn huge_counts_fall_back_to_float() {
        // N · Σ w n = 3b · 9 · b overflows u128 for b = u64::MAX / 4.
        let b = u64::MAX / 4;
        let t = ConfusionTable::from_rows(2, &[[b, 0, 0, b / 2], [0; 4], [0; 4], [b / 2, 0, 0, b]])
            .unwrap();
        let small =
            ConfusionTable::from_rows(2, &[[2, 0, 0, 1], [0; 4], [0; 4], [1, 0, 0, 2]]).unwrap();
        let rows = t.row_totals();
        let cols = t.col_totals();
        assert!(exact_sums(&t, &rows, &cols, KappaWeights::Quadratic, t.total()).is_none());
        let k_big = cohen_kappa(&t, KappaWeights::Quadratic).unwrap();
        let k_small = cohen_kappa(&small, KappaWeights::Quadratic).unwrap();
        assert!((k_big - k_small).abs() < 1e-12, "{k_big} {k_small}");
    }
}
