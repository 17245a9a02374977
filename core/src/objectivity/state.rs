//! The mergeable objectivity state of a cell (entity × procedure): the journal × external
//! mark table, the journal mark × primary score joint histogram, per-task score sums and the
//! cohort links. Merging two states equals the state of the union of their results, so every
//! level from class to region has exact statistics.

use crate::stats::{ConfusionTable, JointHistogram};

/// The categories of both marks in [`ObjectivityState::table`]: 1..=5. Mark 1 is rare; an
/// empty category changes neither the shares nor kappa (its row and column are zero).
pub const MARK_MIN: u32 = 1;
/// Number of mark categories (1..=5).
pub const MARK_CATEGORIES: usize = 5;

/// Per-task score sums of the results that carry per-task scores.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskSums {
    /// Results with per-task scores.
    pub n: u64,
    /// Σ points per task, in the procedure's task order.
    pub sums: Vec<u64>,
}

impl TaskSums {
    /// Adds one result's per-task scores (nothing when it has none).
    pub fn add(&mut self, scores: &[u16]) {
        if scores.is_empty() {
            return;
        }
        if self.sums.len() < scores.len() {
            self.sums.resize(scores.len(), 0);
        }
        self.n += 1;
        for (s, &p) in self.sums.iter_mut().zip(scores) {
            *s += u64::from(p);
        }
    }

    /// Adds another state.
    pub fn merge(&mut self, o: &TaskSums) {
        if self.sums.len() < o.sums.len() {
            self.sums.resize(o.sums.len(), 0);
        }
        self.n += o.n;
        for (a, b) in self.sums.iter_mut().zip(&o.sums) {
            *a += b;
        }
    }
}

/// The same students' external marks in this procedure and in its predecessor a year
/// earlier (same kind and subject, one grade lower: grade-4 ВПР of last year for this
/// year's grade-5 ВПР).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CohortCounts {
    /// Students with an external mark in both.
    pub linked: u64,
    /// Σ of their marks in the predecessor.
    pub prev_sum: u64,
    /// Σ of their marks in this procedure.
    pub cur_sum: u64,
}

impl CohortCounts {
    /// Adds one linked student.
    pub fn add(&mut self, prev: u8, cur: u8) {
        self.linked += 1;
        self.prev_sum += u64::from(prev);
        self.cur_sum += u64::from(cur);
    }

    /// Adds another state.
    pub fn merge(&mut self, o: &CohortCounts) {
        self.linked += o.linked;
        self.prev_sum += o.prev_sum;
        self.cur_sum += o.cur_sum;
    }
}

/// The objectivity part of a procedure cell's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectivityState {
    /// Journal (rows) × external (columns) marks over 1..=5: the federal «Понизили /
    /// Подтвердили / Повысили» table and every agreement statistic.
    pub table: ConfusionTable,
    /// Journal mark (1..=5) × primary score (0..=max) of the paired results with a score,
    /// for Spearman's ρ; `None` until the first such pair.
    pub joint: Option<JointHistogram>,
    /// Results with an external mark but no numeric internal mark under the pairing policy
    /// (none recorded, "н/а" or "осв.", or a procedure without a date): counted, not paired.
    pub unpaired: u64,
    /// Per-task score sums.
    pub tasks: TaskSums,
    /// Cohort links to the predecessor procedure.
    pub cohort: CohortCounts,
}

impl Default for ObjectivityState {
    fn default() -> Self {
        ObjectivityState {
            table: ConfusionTable::new(MARK_MIN, MARK_CATEGORIES).expect("1..=5 is a valid range"),
            joint: None,
            unpaired: 0,
            tasks: TaskSums::default(),
            cohort: CohortCounts::default(),
        }
    }
}

impl ObjectivityState {
    /// Adds a pair: the journal mark and the external mark (both 1..=5), and the primary
    /// score when known (`max_score` sizes the joint histogram on the first pair).
    pub fn add_pair(&mut self, journal: u8, external: u8, score: Option<u16>, max_score: u16) {
        // Cannot fail: both marks are 1..=5 and counts of rows fit in u64.
        let _ = self.table.add(u32::from(journal), u32::from(external));
        if let Some(score) = score {
            let joint = self.joint.get_or_insert_with(|| empty_joint(max_score));
            if joint.add(u32::from(journal), u32::from(score)).is_err() {
                // A score above the histogram's range (only when states of procedures with
                // different maxima were merged): widen, then count.
                let wider = widen(joint, u32::from(score));
                *joint = wider;
                let _ = joint.add(u32::from(journal), u32::from(score));
            }
        }
    }

    /// Adds another state of the same procedure.
    pub fn merge(&mut self, o: &ObjectivityState) {
        // Cannot fail: both tables are 1..=5 and their totals are counts of rows.
        let _ = self.table.merge(&o.table);
        match (&mut self.joint, &o.joint) {
            (_, None) => {}
            (None, Some(b)) => self.joint = Some(b.clone()),
            (Some(a), Some(b)) => {
                if a.merge(b).is_err() {
                    // Different score ranges (states of different procedures): widen both.
                    let top = (*a.y_range().end()).max(*b.y_range().end());
                    let mut wide = widen(a, top);
                    add_all(&mut wide, b);
                    *a = wide;
                }
            }
        }
        self.unpaired += o.unpaired;
        self.tasks.merge(&o.tasks);
        self.cohort.merge(&o.cohort);
    }
}

fn empty_joint(max_score: u16) -> JointHistogram {
    JointHistogram::new(
        MARK_MIN..=MARK_MIN + MARK_CATEGORIES as u32 - 1,
        0..=u32::from(max_score),
    )
    .expect("small ranges")
}

/// A copy of `h` over scores `0..=top` (at least its own range).
fn widen(h: &JointHistogram, top: u32) -> JointHistogram {
    let top = top.max(*h.y_range().end());
    let mut out = JointHistogram::new(h.x_range(), 0..=top).expect("small ranges");
    add_all(&mut out, h);
    out
}

fn add_all(into: &mut JointHistogram, from: &JointHistogram) {
    for x in from.x_range() {
        for y in from.y_range() {
            if let Some(c) = from.count(x, y).filter(|&c| c > 0) {
                let _ = into.add_count(x, y, c);
            }
        }
    }
}

/// Merges optional states (the field of [`CellState`](crate::CellState)).
pub(crate) fn merge_into(a: &mut Option<Box<ObjectivityState>>, b: &Option<Box<ObjectivityState>>) {
    match (a.as_mut(), b) {
        (_, None) => {}
        (None, Some(b)) => *a = Some(b.clone()),
        (Some(a), Some(b)) => a.merge(b),
    }
}
