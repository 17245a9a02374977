//! Internal (journal) mark × external (ВПР) mark contingency table.
//!
//! Why: the federal analytics' "Группы участников" table ("Понизили / Подтвердили / Повысили")
//! and every agreement statistic (kappa, mean gap, share of gaps ≥ 2) are functions of this
//! k × k table. Keeping the table (not the raw pairs) makes results mergeable from class to
//! school to district to region: the table of a union is the sum of the tables.
//!
//! Orientation: **rows are the internal (journal) mark, columns the external mark**, both over
//! the same consecutive categories `min..=min+k-1` (marks 2..5 by default, see
//! [`ConfusionTable::marks_2_to_5`]).
//!
//! Definitions, exactly as the federal analytics word them:
//! - lowered ("Понизили (Отметка < Отметка по журналу)"): external < journal, below the diagonal;
//! - confirmed ("Подтвердили (Отметка = Отметка по журналу)"): external = journal, the diagonal;
//! - raised ("Повысили (Отметка > Отметка по журналу)"): external > journal, above the diagonal.
//!
//! The gap of a student is `journal − external` (positive = the journal is more generous).

use std::ops::RangeInclusive;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::StatsError;

/// A k × k count table of internal (row) × external (column) categories.
///
/// Invariants: `counts.len() == k * k`, `k ≥ 1`, `min + k − 1` fits in `u32`, and the total
/// count fits in `u64` (so every partial sum does too).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawConfusionTable", into = "RawConfusionTable")]
pub struct ConfusionTable {
    min: u32,
    k: usize,
    /// Row-major: `counts[i * k + j]` = students with internal `min + i`, external `min + j`.
    counts: Vec<u64>,
    /// Σ counts, kept so that overflow is detected when counts are added.
    total: u64,
}

/// Serialised form of [`ConfusionTable`]: validated on the way in.
#[derive(Serialize, Deserialize)]
struct RawConfusionTable {
    /// Smallest category (e.g. 2 for marks 2..5).
    min: u32,
    /// Rows (internal category) of counts per external category.
    rows: Vec<Vec<u64>>,
}

impl TryFrom<RawConfusionTable> for ConfusionTable {
    type Error = StatsError;
    fn try_from(raw: RawConfusionTable) -> Result<Self, Self::Error> {
        ConfusionTable::from_rows(raw.min, &raw.rows)
    }
}

impl From<ConfusionTable> for RawConfusionTable {
    fn from(t: ConfusionTable) -> Self {
        RawConfusionTable {
            min: t.min,
            rows: t.rows().map(<[u64]>::to_vec).collect(),
        }
    }
}

impl ConfusionTable {
    /// An empty table over categories `min..=min+k-1`.
    ///
    /// Errors: `k == 0`, or the largest category does not fit in `u32`.
    pub fn new(min: u32, k: usize) -> Result<Self, StatsError> {
        if k == 0 {
            return Err(StatsError::InvalidShape(
                "a table needs at least one category",
            ));
        }
        let span =
            u32::try_from(k - 1).map_err(|_| StatsError::InvalidShape("too many categories"))?;
        min.checked_add(span)
            .ok_or(StatsError::InvalidShape("largest category overflows u32"))?;
        let cells = k
            .checked_mul(k)
            .ok_or(StatsError::InvalidShape("too many categories"))?;
        Ok(Self {
            min,
            k,
            counts: vec![0; cells],
            total: 0,
        })
    }

    /// An empty table over the school marks 2, 3, 4, 5 (the ВПР scale).
    pub fn marks_2_to_5() -> Self {
        Self {
            min: 2,
            k: 4,
            counts: vec![0; 16],
            total: 0,
        }
    }

    /// A table from its rows: `rows[i][j]` = students with internal `min + i` and external
    /// `min + j`. Accepts arrays (`&[[2, 1, 0, 0], ...]`) or vectors.
    ///
    /// Errors: no rows, a row whose length differs from the number of rows, or a total
    /// beyond `u64`.
    pub fn from_rows<R: AsRef<[u64]>>(min: u32, rows: &[R]) -> Result<Self, StatsError> {
        let mut table = Self::new(min, rows.len())?;
        for (i, row) in rows.iter().enumerate() {
            let row = row.as_ref();
            if row.len() != table.k {
                return Err(StatsError::InvalidShape("the table must be square"));
            }
            for &c in row {
                table.total = table.total.checked_add(c).ok_or(StatsError::Overflow)?;
            }
            table.counts[i * table.k..(i + 1) * table.k].copy_from_slice(row);
        }
        Ok(table)
    }

    /// A table over `min..=min+k-1` built from `(internal, external)` pairs.
    ///
    /// Errors: as [`ConfusionTable::new`], or a value outside the categories.
    pub fn from_pairs<I>(min: u32, k: usize, pairs: I) -> Result<Self, StatsError>
    where
        I: IntoIterator<Item = (u32, u32)>,
    {
        let mut table = Self::new(min, k)?;
        for (internal, external) in pairs {
            table.add(internal, external)?;
        }
        Ok(table)
    }

    fn index_of(&self, value: u32) -> Result<usize, StatsError> {
        let out = || StatsError::OutOfRange {
            value,
            min: self.min,
            max: self.max_category(),
        };
        let offset = value.checked_sub(self.min).ok_or_else(out)?;
        let offset = usize::try_from(offset).map_err(|_| out())?;
        if offset < self.k {
            Ok(offset)
        } else {
            Err(out())
        }
    }

    /// Adds one student with the given internal (journal) and external marks.
    pub fn add(&mut self, internal: u32, external: u32) -> Result<(), StatsError> {
        self.add_count(internal, external, 1)
    }

    /// Adds `count` students with the given internal and external marks.
    ///
    /// Errors: a mark outside the categories, or the total overflowing `u64`. On error the
    /// table is unchanged.
    pub fn add_count(
        &mut self,
        internal: u32,
        external: u32,
        count: u64,
    ) -> Result<(), StatsError> {
        let i = self.index_of(internal)?;
        let j = self.index_of(external)?;
        self.total = self.total.checked_add(count).ok_or(StatsError::Overflow)?;
        // Cannot overflow: the cell is at most the total.
        self.counts[i * self.k + j] += count;
        Ok(())
    }

    /// Adds `other` into `self` cell by cell (the table of the union of two groups).
    ///
    /// Reason: aggregation class → school → district → region is a sum of tables.
    /// Errors: different categories, or overflow; on error `self` is unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), StatsError> {
        if self.min != other.min || self.k != other.k {
            return Err(StatsError::ShapeMismatch);
        }
        self.total = self
            .total
            .checked_add(other.total)
            .ok_or(StatsError::Overflow)?;
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            // Cannot overflow: each cell is at most the new total.
            *a += *b;
        }
        Ok(())
    }

    /// Number of categories k.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Smallest category (2 for marks 2..5).
    pub fn min_category(&self) -> u32 {
        self.min
    }

    /// Largest category (`min + k − 1`; 5 for marks 2..5).
    pub fn max_category(&self) -> u32 {
        // Cannot overflow: checked at construction.
        self.min + (self.k as u32 - 1)
    }

    /// The categories, `min..=max`.
    pub fn categories(&self) -> RangeInclusive<u32> {
        self.min..=self.max_category()
    }

    /// Students with internal mark `internal` and external mark `external`; `None` when either
    /// is outside the categories.
    pub fn count(&self, internal: u32, external: u32) -> Option<u64> {
        let i = self.index_of(internal).ok()?;
        let j = self.index_of(external).ok()?;
        Some(self.counts[i * self.k + j])
    }

    /// The rows of the table (internal category ascending), each over external categories.
    pub fn rows(&self) -> impl Iterator<Item = &[u64]> + '_ {
        self.counts.chunks_exact(self.k)
    }

    /// Row sums: the internal (journal) mark distribution.
    pub fn row_totals(&self) -> Vec<u64> {
        self.rows().map(|r| r.iter().sum()).collect()
    }

    /// Column sums: the external mark distribution.
    pub fn col_totals(&self) -> Vec<u64> {
        let mut out = vec![0u64; self.k];
        for row in self.rows() {
            for (o, c) in out.iter_mut().zip(row) {
                *o += c;
            }
        }
        out
    }

    /// Total number of students N ("Всего").
    pub fn total(&self) -> u64 {
        self.total
    }

    fn sum_cells(&self, keep: impl Fn(usize, usize) -> bool) -> u64 {
        // By rows rather than `idx / k, idx % k`: a division per cell cost more than the sum.
        let mut s = 0;
        for (i, row) in self.counts.chunks_exact(self.k.max(1)).enumerate() {
            for (j, &c) in row.iter().enumerate() {
                if keep(i, j) {
                    s += c;
                }
            }
        }
        s
    }

    /// "Понизили (Отметка < Отметка по журналу)": external < journal (cells below the
    /// diagonal).
    pub fn lowered(&self) -> u64 {
        self.sum_cells(|i, j| j < i)
    }

    /// "Подтвердили (Отметка = Отметка по журналу)": external = journal (the diagonal).
    pub fn confirmed(&self) -> u64 {
        self.sum_cells(|i, j| j == i)
    }

    /// "Повысили (Отметка > Отметка по журналу)": external > journal (cells above the
    /// diagonal).
    pub fn raised(&self) -> u64 {
        self.sum_cells(|i, j| j > i)
    }

    /// Students whose marks differ by at least `d` in either direction, `|journal − external| ≥ d`.
    ///
    /// Reason: DOMAIN.md highlights gaps of ≥ 2 marks as a sign of non-objective assessment.
    /// `gap_at_least(0)` is N and `gap_at_least(1)` is lowered + raised.
    pub fn gap_at_least(&self, d: u32) -> u64 {
        let d = usize::try_from(d).unwrap_or(usize::MAX);
        self.sum_cells(|i, j| i.abs_diff(j) >= d)
    }

    /// Exact sum of gaps Σ (journal − external) over all students.
    pub fn gap_sum(&self) -> i128 {
        let mut s: i128 = 0;
        for (i, row) in self.counts.chunks_exact(self.k.max(1)).enumerate() {
            for (j, &c) in row.iter().enumerate() {
                s += (i as i128 - j as i128) * i128::from(c);
            }
        }
        s
    }

    /// Mean gap Σ (journal − external) / N as a `Decimal`; positive when journal marks are
    /// higher on average.
    ///
    /// The exact value is the rational [`gap_sum`](Self::gap_sum) / [`total`](Self::total);
    /// the `Decimal` is that quotient to `Decimal`'s 28 significant digits (exact whenever the
    /// quotient terminates within them). `None` for an empty table (or a sum beyond `Decimal`'s
    /// 96-bit range).
    pub fn mean_gap(&self) -> Option<Decimal> {
        let n = self.total();
        if n == 0 {
            return None;
        }
        let sum = Decimal::try_from_i128_with_scale(self.gap_sum(), 0).ok()?;
        sum.checked_div(Decimal::from(n))
    }

    /// The lowered / confirmed / raised / gap ≥ 2 shares and the mean gap in one value, as the
    /// federal "Группы участников" table shows them.
    pub fn summary(&self) -> AgreementSummary {
        let total = self.total();
        AgreementSummary {
            total,
            lowered: Share::new(self.lowered(), total),
            confirmed: Share::new(self.confirmed(), total),
            raised: Share::new(self.raised(), total),
            gap_at_least_2: Share::new(self.gap_at_least(2), total),
            mean_gap: self.mean_gap(),
        }
    }
}

/// A share `count / total`, kept as the exact pair of integers.
///
/// Reason: reports show rounded percentages, but thresholds (e.g. "≥ 15%") must compare the
/// exact value; rounding only happens at presentation ([`Share::percent_rounded`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Share {
    /// Students in the group.
    pub count: u64,
    /// Students in the population (N).
    pub total: u64,
}

impl Share {
    /// The share `count / total`.
    pub fn new(count: u64, total: u64) -> Self {
        Self { count, total }
    }

    /// The share in percent, `100 · count / total`, as a `Decimal` to 28 significant digits;
    /// `None` when `total == 0`.
    pub fn percent(&self) -> Option<Decimal> {
        if self.total == 0 {
            return None;
        }
        Decimal::from(self.count)
            .checked_mul(Decimal::ONE_HUNDRED)?
            .checked_div(Decimal::from(self.total))
    }

    /// The percentage rounded half away from zero to `dp` decimal places, for presentation
    /// (36.666… → 36.67 with `dp = 2`); `None` when `total == 0`.
    pub fn percent_rounded(&self, dp: u32) -> Option<Decimal> {
        self.percent()
            .map(|p| p.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero))
    }
}

/// The federal "Группы участников" figures of one table (see [`ConfusionTable::summary`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementSummary {
    /// N, "Всего".
    pub total: u64,
    /// "Понизили": external < journal.
    pub lowered: Share,
    /// "Подтвердили": external = journal.
    pub confirmed: Share,
    /// "Повысили": external > journal.
    pub raised: Share,
    /// |journal − external| ≥ 2.
    pub gap_at_least_2: Share,
    /// Mean of journal − external; `None` for an empty table.
    pub mean_gap: Option<Decimal>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn t6() -> ConfusionTable {
        ConfusionTable::from_rows(2, &[[2, 1, 0, 0], [3, 6, 1, 0], [0, 4, 5, 1], [0, 1, 3, 3]])
            .unwrap()
    }

    /// DOMAIN.md test vector T6.
    #[test]
    fn t6_lowered_confirmed_raised() {
        let t = t6();
        assert_eq!(t.total(), 30);
        assert_eq!(t.lowered(), 11);
        assert_eq!(t.confirmed(), 16);
        assert_eq!(t.raised(), 3);
        let s = t.summary();
        assert_eq!(s.lowered.percent_rounded(2), Some(dec!(36.67)));
        assert_eq!(s.confirmed.percent_rounded(2), Some(dec!(53.33)));
        assert_eq!(s.raised.percent_rounded(2), Some(dec!(10.00)));
        // Exact internally: 11/30 = 36.666…, not 36.67.
        assert_eq!(
            s.lowered.percent(),
            Some(dec!(36.666666666666666666666666667))
        );
        assert_eq!(s.raised.percent(), Some(dec!(10)));
        // Gaps: journal 4 / ВПР 2 (0), journal 5 / ВПР 3 (1) are the only |gap| ≥ 2 cells.
        assert_eq!(t.gap_at_least(2), 1);
        // Σ gap = 1·(3+4+3) + 2·(0+1) − 1·(1+1+1) = 10 + 2 − 3 = 9; 9/30 = 0.3.
        assert_eq!(t.gap_sum(), 9);
        assert_eq!(t.mean_gap(), Some(dec!(0.3)));
        assert_eq!(t.row_totals(), vec![3, 10, 10, 7]);
        assert_eq!(t.col_totals(), vec![5, 12, 9, 4]);
    }

    #[test]
    fn pairs_orientation_rows_are_journal() {
        // journal 5, ВПР 3 → lowered.
        let t = ConfusionTable::from_pairs(2, 4, [(5, 3)]).unwrap();
        assert_eq!(t.count(5, 3), Some(1));
        assert_eq!(t.lowered(), 1);
        assert_eq!(t.raised(), 0);
        assert_eq!(t.mean_gap(), Some(dec!(2)));
    }

    #[test]
    fn out_of_range_and_shape_errors() {
        let mut t = ConfusionTable::marks_2_to_5();
        assert_eq!(
            t.add(1, 3),
            Err(StatsError::OutOfRange {
                value: 1,
                min: 2,
                max: 5
            })
        );
        assert!(t.add(2, 6).is_err());
        assert_eq!(t.total(), 0);
        let other = ConfusionTable::new(1, 5).unwrap();
        assert_eq!(t.merge(&other), Err(StatsError::ShapeMismatch));
        assert!(ConfusionTable::new(0, 0).is_err());
        assert!(ConfusionTable::new(u32::MAX, 2).is_err());
        assert!(ConfusionTable::from_rows(2, &[vec![1, 2], vec![3]]).is_err());
        let mut full = ConfusionTable::from_rows(2, &[[u64::MAX]]).unwrap();
        assert_eq!(full.add(2, 2), Err(StatsError::Overflow));
        assert_eq!(full.count(2, 2), Some(u64::MAX));
    }

    #[test]
    fn empty_table() {
        let t = ConfusionTable::marks_2_to_5();
        let s = t.summary();
        assert_eq!(s.total, 0);
        assert_eq!(s.lowered.percent(), None);
        assert_eq!(s.mean_gap, None);
    }

    #[test]
    fn serde_round_trip_validates() {
        let t = t6();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(
            json,
            r#"{"min":2,"rows":[[2,1,0,0],[3,6,1,0],[0,4,5,1],[0,1,3,3]]}"#
        );
        let back: ConfusionTable = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        assert!(serde_json::from_str::<ConfusionTable>(r#"{"min":2,"rows":[[1,2]]}"#).is_err());
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        // 1/8 = 12.5% → 13 at 0 dp (banker's rounding would give 12).
        assert_eq!(Share::new(1, 8).percent_rounded(0), Some(dec!(13)));
        // 1/6 = 16.666…% → 16.67.
        assert_eq!(Share::new(1, 6).percent_rounded(2), Some(dec!(16.67)));
    }
}
