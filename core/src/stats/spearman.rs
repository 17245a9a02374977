//! Spearman rank correlation of journal marks with primary (raw) scores.
//!
//! Why: if journal marks are objective, students with higher ВПР/ОГЭ primary scores should
//! tend to have higher journal marks; a weak correlation inside a school is a sign that journal
//! marks do not follow measured performance. Marks (1..5) and scores (0..~100) are small
//! integers, so the correlation is computed from a mergeable mark × score count table
//! ([`JointHistogram`]) in O(n + kx·ky) time, never by sorting students.
//!
//! Formula (Spearman 1904; identical to `scipy.stats.spearmanr`): ρ is the Pearson correlation
//! of the ranks, tied values getting the average of the ranks they span. For a value with
//! `a` observations after `c` smaller ones, the average rank is `c + (a + 1)/2`, and its
//! deviation from the mean rank `(n + 1)/2` is `u/2` with the integer `u = 2c + a − n`. Hence
//!
//! ```text
//! ρ = Σ n_xy · u_x · v_y / sqrt(Σ a_x · u_x² · Σ b_y · v_y²)
//! ```
//!
//! with `a_x`, `b_y` the marginal counts; the three sums are exact integers (`i128`, with an
//! `f64` fallback beyond its range) and ρ is rounded only at the final division.
//! ρ is undefined (`None`) when either variable is constant (including n < 2): SciPy returns
//! NaN there.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::StatsError;

/// A count table of two small integer variables, x (rows; the journal mark) × y (columns; the
/// primary score), over consecutive ranges of values.
///
/// Reason: this is the sufficient statistic for Spearman's ρ and it merges by addition, so ρ
/// of a district is computed from its schools' tables without revisiting students.
/// Invariants: both ranges non-empty, `counts.len() == x_len · y_len`, total fits in `u64`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "RawJointHistogram", into = "RawJointHistogram")]
pub struct JointHistogram {
    x_min: u32,
    x_len: usize,
    y_min: u32,
    y_len: usize,
    /// Row-major: `counts[i * y_len + j]` = observations with x = `x_min + i`, y = `y_min + j`.
    counts: Counts,
    total: u64,
}

impl PartialEq for JointHistogram {
    fn eq(&self, o: &Self) -> bool {
        (self.x_min, self.x_len, self.y_min, self.y_len, self.total)
            == (o.x_min, o.x_len, o.y_min, o.y_len, o.total)
            && self.counts.iter().eq(o.counts.iter())
    }
}

impl Eq for JointHistogram {}

impl std::hash::Hash for JointHistogram {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (self.x_min, self.x_len, self.y_min, self.y_len, self.total).hash(h);
        for c in self.counts.iter() {
            c.hash(h);
        }
    }
}

/// The cells of a table: `u32` while every count fits (a table per class and procedure
/// exists for every level of a region, so this halves their memory), `u64` beyond.
#[derive(Debug, Clone)]
enum Counts {
    Small(Vec<u32>),
    Large(Vec<u64>),
}

impl Counts {
    fn zeros(n: usize) -> Counts {
        Counts::Small(vec![0; n])
    }

    fn len(&self) -> usize {
        match self {
            Counts::Small(v) => v.len(),
            Counts::Large(v) => v.len(),
        }
    }

    fn get(&self, i: usize) -> u64 {
        match self {
            Counts::Small(v) => u64::from(v[i]),
            Counts::Large(v) => v[i],
        }
    }

    fn iter(&self) -> impl Iterator<Item = u64> + Clone + '_ {
        let (small, large) = match self {
            Counts::Small(v) => (&v[..], &[][..]),
            Counts::Large(v) => (&[][..], &v[..]),
        };
        small
            .iter()
            .map(|&c| u64::from(c))
            .chain(large.iter().copied())
    }

    /// The row `i` of a row-major table with rows of `width`.
    fn row(&self, i: usize, width: usize) -> Vec<u64> {
        (i * width..(i + 1) * width).map(|k| self.get(k)).collect()
    }

    /// The `u64` cells, converting once.
    fn large(&mut self) -> &mut Vec<u64> {
        if let Counts::Small(v) = self {
            *self = Counts::Large(v.iter().map(|&c| u64::from(c)).collect());
        }
        match self {
            Counts::Large(v) => v,
            Counts::Small(_) => unreachable!("converted above"),
        }
    }

    /// Adds `c` to cell `i`; the caller has checked that the table's total fits in `u64`,
    /// so no cell can overflow it.
    fn add(&mut self, i: usize, c: u64) {
        if let Counts::Small(v) = self
            && let Some(sum) = u32::try_from(c).ok().and_then(|c| v[i].checked_add(c))
        {
            v[i] = sum;
            return;
        }
        self.large()[i] += c;
    }
}

/// Serialised form of [`JointHistogram`], validated on the way in.
#[derive(Serialize, Deserialize)]
struct RawJointHistogram {
    x_min: u32,
    y_min: u32,
    /// `rows[i][j]`: observations with x = `x_min + i`, y = `y_min + j`.
    rows: Vec<Vec<u64>>,
}

impl TryFrom<RawJointHistogram> for JointHistogram {
    type Error = StatsError;
    fn try_from(raw: RawJointHistogram) -> Result<Self, Self::Error> {
        JointHistogram::from_rows(raw.x_min, raw.y_min, &raw.rows)
    }
}

impl From<JointHistogram> for RawJointHistogram {
    fn from(h: JointHistogram) -> Self {
        RawJointHistogram {
            x_min: h.x_min,
            y_min: h.y_min,
            rows: (0..h.x_len).map(|i| h.counts.row(i, h.y_len)).collect(),
        }
    }
}

fn range_len(r: &RangeInclusive<u32>) -> Result<usize, StatsError> {
    if r.start() > r.end() {
        return Err(StatsError::InvalidShape("empty range of values"));
    }
    usize::try_from(r.end() - r.start())
        .ok()
        .and_then(|d| d.checked_add(1))
        .ok_or(StatsError::InvalidShape("range of values too large"))
}

impl JointHistogram {
    /// An empty table over x ∈ `x`, y ∈ `y` (e.g. marks `1..=5` × scores `0..=max_score`).
    ///
    /// Errors: an empty range, or a table too large to allocate the index of.
    pub fn new(x: RangeInclusive<u32>, y: RangeInclusive<u32>) -> Result<Self, StatsError> {
        let x_len = range_len(&x)?;
        let y_len = range_len(&y)?;
        let cells = x_len
            .checked_mul(y_len)
            .ok_or(StatsError::InvalidShape("table too large"))?;
        Ok(Self {
            x_min: *x.start(),
            x_len,
            y_min: *y.start(),
            y_len,
            counts: Counts::zeros(cells),
            total: 0,
        })
    }

    /// A table from its rows: `rows[i][j]` = observations with x = `x_min + i`, y = `y_min + j`.
    ///
    /// Errors: no rows, empty or ragged rows, values beyond `u32`, or a total beyond `u64`.
    pub fn from_rows<R: AsRef<[u64]>>(
        x_min: u32,
        y_min: u32,
        rows: &[R],
    ) -> Result<Self, StatsError> {
        let y_len = rows.first().map_or(0, |r| r.as_ref().len());
        if rows.is_empty() || y_len == 0 {
            return Err(StatsError::InvalidShape("a table needs at least one cell"));
        }
        let last = |min: u32, len: usize| {
            u32::try_from(len - 1)
                .ok()
                .and_then(|d| min.checked_add(d))
                .ok_or(StatsError::InvalidShape("largest value overflows u32"))
        };
        let mut h = Self::new(
            x_min..=last(x_min, rows.len())?,
            y_min..=last(y_min, y_len)?,
        )?;
        for (i, row) in rows.iter().enumerate() {
            let row = row.as_ref();
            if row.len() != y_len {
                return Err(StatsError::InvalidShape("rows of different lengths"));
            }
            for (j, &c) in row.iter().enumerate() {
                h.total = h.total.checked_add(c).ok_or(StatsError::Overflow)?;
                h.counts.add(i * y_len + j, c);
            }
        }
        Ok(h)
    }

    /// A table over the given ranges built from `(x, y)` pairs.
    pub fn from_pairs<I>(
        x: RangeInclusive<u32>,
        y: RangeInclusive<u32>,
        pairs: I,
    ) -> Result<Self, StatsError>
    where
        I: IntoIterator<Item = (u32, u32)>,
    {
        let mut h = Self::new(x, y)?;
        for (a, b) in pairs {
            h.add(a, b)?;
        }
        Ok(h)
    }

    fn index(value: u32, min: u32, len: usize) -> Result<usize, StatsError> {
        let out = || StatsError::OutOfRange {
            value,
            min,
            // len ≥ 1 and min + len − 1 fits in u32 by construction.
            max: min + (len - 1) as u32,
        };
        let off = value.checked_sub(min).ok_or_else(out)? as usize;
        if off < len { Ok(off) } else { Err(out()) }
    }

    /// Adds one observation (x, y).
    pub fn add(&mut self, x: u32, y: u32) -> Result<(), StatsError> {
        self.add_count(x, y, 1)
    }

    /// Adds `count` observations (x, y). On error the table is unchanged.
    pub fn add_count(&mut self, x: u32, y: u32, count: u64) -> Result<(), StatsError> {
        let i = Self::index(x, self.x_min, self.x_len)?;
        let j = Self::index(y, self.y_min, self.y_len)?;
        self.total = self.total.checked_add(count).ok_or(StatsError::Overflow)?;
        // Cannot overflow: a cell is at most the total.
        self.counts.add(i * self.y_len + j, count);
        Ok(())
    }

    /// Adds `other` into `self` (the table of the union of two groups).
    ///
    /// Errors: different ranges, or overflow; on error `self` is unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), StatsError> {
        if (self.x_min, self.x_len, self.y_min, self.y_len)
            != (other.x_min, other.x_len, other.y_min, other.y_len)
        {
            return Err(StatsError::ShapeMismatch);
        }
        self.total = self
            .total
            .checked_add(other.total)
            .ok_or(StatsError::Overflow)?;
        match (&mut self.counts, &other.counts) {
            (Counts::Small(a), Counts::Small(b))
                if a.iter().zip(b).all(|(x, y)| x.checked_add(*y).is_some()) =>
            {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
            }
            (a, b) => {
                for (x, y) in a.large().iter_mut().zip(b.iter()) {
                    *x += y;
                }
            }
        }
        Ok(())
    }

    /// The range of x values.
    pub fn x_range(&self) -> RangeInclusive<u32> {
        self.x_min..=self.x_min + (self.x_len - 1) as u32
    }

    /// The range of y values.
    pub fn y_range(&self) -> RangeInclusive<u32> {
        self.y_min..=self.y_min + (self.y_len - 1) as u32
    }

    /// Observations with the given x and y; `None` outside the ranges.
    pub fn count(&self, x: u32, y: u32) -> Option<u64> {
        let i = Self::index(x, self.x_min, self.x_len).ok()?;
        let j = Self::index(y, self.y_min, self.y_len).ok()?;
        Some(self.counts.get(i * self.y_len + j))
    }

    /// Number of observations n.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Counts per x value (the row sums), e.g. the journal mark distribution.
    pub fn x_marginal(&self) -> Vec<u64> {
        (0..self.x_len)
            .map(|i| self.row_cells(i).map(|(_, c)| c).sum())
            .collect()
    }

    /// Counts per y value (the column sums), e.g. the primary score histogram.
    pub fn y_marginal(&self) -> Vec<u64> {
        let mut out = vec![0u64; self.y_len];
        for i in 0..self.x_len {
            for (j, c) in self.row_cells(i) {
                out[j] += c;
            }
        }
        out
    }

    /// `(y index, count)` of the cells of row `i` (x index `i`). Rows are walked instead of
    /// splitting a flat index with `/` and `%`: ρ is computed for every cell of every level,
    /// and the divisions were most of its cost.
    fn row_cells(&self, i: usize) -> impl Iterator<Item = (usize, u64)> + Clone + '_ {
        let start = i * self.y_len;
        (0..self.y_len).map(move |j| (j, self.counts.get(start + j)))
    }

    /// The same table with x and y swapped.
    pub fn transposed(&self) -> Self {
        let mut counts = Counts::zeros(self.counts.len());
        for i in 0..self.x_len {
            for j in 0..self.y_len {
                counts.add(j * self.x_len + i, self.counts.get(i * self.y_len + j));
            }
        }
        Self {
            x_min: self.y_min,
            x_len: self.y_len,
            y_min: self.x_min,
            y_len: self.x_len,
            counts,
            total: self.total,
        }
    }

    /// Spearman's ρ between x and y with average ranks for ties (as `scipy.stats.spearmanr`);
    /// `None` when x or y is constant (including n < 2).
    pub fn spearman(&self) -> Option<f64> {
        // Both marginals in one pass and one buffer (x values, then y values): ρ is computed
        // for every cell of every level, and allocations were a large part of its cost.
        let mut ranks = vec![(0i128, 0u64); self.x_len + self.y_len];
        let (u, v) = ranks.split_at_mut(self.x_len);
        for (i, ui) in u.iter_mut().enumerate() {
            for (j, c) in self.row_cells(i) {
                ui.1 += c;
                v[j].1 += c;
            }
        }
        centre(u, self.total);
        centre(v, self.total);
        let cells = (0..self.x_len).flat_map(|i| {
            self.row_cells(i)
                .filter(|&(_, c)| c != 0)
                .map(move |(j, c)| (i, j, c))
        });
        rho_from_parts(u, v, cells)
    }
}

/// `(u, count)` per value: `u = 2·(observations below) + count − n`, twice the deviation of the
/// value's average rank from the mean rank.
fn centred_ranks(marginal: &[u64], n: u64) -> Vec<(i128, u64)> {
    let mut ranks: Vec<(i128, u64)> = marginal.iter().map(|&a| (0, a)).collect();
    centre(&mut ranks, n);
    ranks
}

/// Fills in `u` of each `(u, count)` of [`centred_ranks`] from the counts.
fn centre(ranks: &mut [(i128, u64)], n: u64) {
    let mut below: i128 = 0;
    for (u, a) in ranks {
        *u = 2 * below + i128::from(*a) - i128::from(n);
        below += i128::from(*a);
    }
}

/// ρ from the centred ranks of both variables and the non-zero cells `(x index, y index, n)`.
fn rho_from_parts(
    u: &[(i128, u64)],
    v: &[(i128, u64)],
    cells: impl Iterator<Item = (usize, usize, u64)> + Clone,
) -> Option<f64> {
    let exact = || -> Option<(i128, i128, i128)> {
        let sq = |w: &[(i128, u64)]| {
            w.iter().try_fold(0i128, |s, &(d, c)| {
                s.checked_add(d.checked_mul(d)?.checked_mul(i128::from(c))?)
            })
        };
        let num = cells.clone().try_fold(0i128, |s, (i, j, c)| {
            s.checked_add(u[i].0.checked_mul(v[j].0)?.checked_mul(i128::from(c))?)
        })?;
        Some((num, sq(u)?, sq(v)?))
    };
    let (num, dx, dy) = match exact() {
        Some((num, dx, dy)) => {
            if dx == 0 || dy == 0 {
                return None;
            }
            (num as f64, dx as f64, dy as f64)
        }
        None => {
            // Beyond i128 (n above ~5·10^12): the same sums in f64.
            let sq = |w: &[(i128, u64)]| {
                w.iter()
                    .map(|&(d, c)| (d as f64) * (d as f64) * (c as f64))
                    .sum::<f64>()
            };
            let num = cells
                .map(|(i, j, c)| u[i].0 as f64 * v[j].0 as f64 * c as f64)
                .sum::<f64>();
            let (dx, dy) = (sq(u), sq(v));
            if dx == 0.0 || dy == 0.0 {
                return None;
            }
            (num, dx, dy)
        }
    };
    // One rounding in the product, one in the root: exactly ±1 for perfectly monotone data.
    Some((num / (dx * dy).sqrt()).clamp(-1.0, 1.0))
}

/// Spearman's ρ of `(x, y)` pairs with any `u32` values, by counting distinct values
/// (O(n log k) for k distinct values); `None` when x or y is constant (including n < 2).
///
/// Reason: a convenience for callers holding raw pairs; for aggregation use
/// [`JointHistogram`], which merges.
pub fn spearman_pairs(pairs: &[(u32, u32)]) -> Option<f64> {
    let n = pairs.len() as u64;
    // Marks and scores span small ranges: count them in arrays (the same ranks and cells,
    // in the same order, so the same ρ to the last bit) rather than in ordered maps.
    if let (Some(xd), Some(yd)) = (
        Dense::new(pairs.iter().map(|p| p.0), pairs.len()),
        Dense::new(pairs.iter().map(|p| p.1), pairs.len()),
    ) {
        let u = centred_ranks(&xd.marginal, n);
        let v = centred_ranks(&yd.marginal, n);
        let cells = pairs.iter().map(|&(x, y)| (xd.rank(x), yd.rank(y), 1u64));
        return rho_from_parts(&u, &v, cells);
    }
    let mut xs: BTreeMap<u32, (usize, u64)> = BTreeMap::new();
    let mut ys: BTreeMap<u32, (usize, u64)> = BTreeMap::new();
    for &(x, y) in pairs {
        xs.entry(x).or_default().1 += 1;
        ys.entry(y).or_default().1 += 1;
    }
    let ranks = |m: &mut BTreeMap<u32, (usize, u64)>| {
        let marg: Vec<u64> = m.values().map(|e| e.1).collect();
        for (idx, e) in m.values_mut().enumerate() {
            e.0 = idx;
        }
        centred_ranks(&marg, n)
    };
    let u = ranks(&mut xs);
    let v = ranks(&mut ys);
    let cells = pairs.iter().map(|(x, y)| (xs[x].0, ys[y].0, 1u64));
    rho_from_parts(&u, &v, cells)
}

/// The distinct values of a variable over a small range: each present value's rank among
/// them and the count per rank.
struct Dense {
    min: u32,
    rank: Vec<u32>,
    marginal: Vec<u64>,
}

impl Dense {
    /// `None` for no values or a range much wider than the number of values.
    fn new(values: impl Iterator<Item = u32> + Clone, n: usize) -> Option<Dense> {
        let (lo, hi) = values
            .clone()
            .fold((u32::MAX, 0), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if lo > hi {
            return None;
        }
        let span = (hi - lo) as usize + 1;
        if span > n.saturating_mul(4).max(1 << 16) {
            return None;
        }
        let mut counts = vec![0u64; span];
        for v in values {
            counts[(v - lo) as usize] += 1;
        }
        let mut rank = vec![u32::MAX; span];
        let mut marginal = Vec::new();
        for (k, &c) in counts.iter().enumerate() {
            if c > 0 {
                rank[k] = marginal.len() as u32;
                marginal.push(c);
            }
        }
        Some(Dense {
            min: lo,
            rank,
            marginal,
        })
    }

    fn rank(&self, v: u32) -> usize {
        self.rank[(v - self.min) as usize] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_monotone_and_reversed() {
        let up = [(2, 5), (3, 10), (4, 20), (5, 30)];
        assert_eq!(spearman_pairs(&up), Some(1.0));
        let down: Vec<_> = up.iter().map(|&(x, y)| (x, 100 - y)).collect();
        assert_eq!(spearman_pairs(&down), Some(-1.0));
    }

    #[test]
    fn wide_values_take_the_map_path_with_the_same_result() {
        let pairs = [(1, 1), (1, 2), (2, 2), (3, 3)];
        let wide: Vec<_> = pairs
            .iter()
            .map(|&(x, y)| (x * 1_000_000_000, y * 1_000_000_000))
            .collect();
        assert_eq!(spearman_pairs(&pairs), spearman_pairs(&wide));
    }

    #[test]
    fn ties_by_hand() {
        // x = [1, 1, 2, 3], y = [1, 2, 2, 3]; ranks x = [1.5, 1.5, 3, 4], y = [1, 2.5, 2.5, 4].
        // Centred ×2: u = [-2, -2, 1, 3], v = [-3, 0, 0, 3]; Σuv = 6 + 0 + 0 + 9 = 15,
        // Σu² = 18, Σv² = 18 → ρ = 15/18.
        let pairs = [(1, 1), (1, 2), (2, 2), (3, 3)];
        let rho = spearman_pairs(&pairs).unwrap();
        assert!((rho - 15.0 / 18.0).abs() < 1e-15);
        let h = JointHistogram::from_pairs(1..=3, 0..=3, pairs).unwrap();
        assert_eq!(h.spearman(), Some(rho));
    }

    #[test]
    fn undefined_when_constant() {
        assert_eq!(spearman_pairs(&[]), None);
        assert_eq!(spearman_pairs(&[(3, 7)]), None);
        assert_eq!(spearman_pairs(&[(3, 7), (3, 9)]), None);
        assert_eq!(spearman_pairs(&[(3, 7), (4, 7)]), None);
        let h = JointHistogram::new(1..=5, 0..=30).unwrap();
        assert_eq!(h.spearman(), None);
    }

    #[test]
    fn table_shape_and_errors() {
        let mut h = JointHistogram::new(1..=5, 0..=10).unwrap();
        h.add(5, 10).unwrap();
        assert!(h.add(0, 3).is_err());
        assert!(h.add(3, 11).is_err());
        assert_eq!(h.total(), 1);
        assert_eq!(h.x_range(), 1..=5);
        assert_eq!(h.y_range(), 0..=10);
        let t = h.transposed();
        assert_eq!(t.count(10, 5), Some(1));
        assert_eq!(t.transposed(), h);
        let other = JointHistogram::new(1..=5, 0..=11).unwrap();
        assert_eq!(h.merge(&other), Err(StatsError::ShapeMismatch));
        #[allow(clippy::reversed_empty_ranges)]
        let empty = JointHistogram::new(3..=2, 0..=1);
        assert!(empty.is_err());
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<JointHistogram>(&json).unwrap(), h);
    }

    #[test]
    fn huge_counts_fall_back_to_float() {
        let big = u64::MAX / 4;
        let h = JointHistogram::from_rows(0, 0, &[[big, big / 3], [big / 3, big]]).unwrap();
        let small = JointHistogram::from_rows(0, 0, &[[3, 1], [1, 3]]).unwrap();
        let (a, b) = (h.spearman().unwrap(), small.spearman().unwrap());
        assert!((a - b).abs() < 1e-12, "{a} {b}");
    }
}
