//! Mergeable partial states. Every indicator is a function of one of these, and merging two
//! states equals the state of the union of their rows: the base for aggregating at every
//! level from the class cells up, and for incremental or distributed evaluation.

use crate::mark::MarkValue;

/// Counts of marks: index 1..=5 the marks, 6 "н/а", 7 "осв." (index 0 unused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MarkCounts(pub [u32; 8]);

impl MarkCounts {
    /// Counts one mark.
    #[inline]
    pub fn add(&mut self, v: MarkValue) {
        self.0[usize::from(v.code())] += 1;
    }

    /// Counts one mark by its storage code (1..=7).
    #[inline]
    pub(crate) fn add_code(&mut self, code: u8) {
        self.0[usize::from(code)] += 1;
    }

    /// Adds another state.
    pub fn merge(&mut self, other: &MarkCounts) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    /// Count of mark `m` (1..=5).
    pub fn mark(&self, m: u8) -> u32 {
        self.0[usize::from(m)]
    }

    /// "н/а" count.
    pub fn not_assessed(&self) -> u32 {
        self.0[6]
    }

    /// "осв." count (excluded from every indicator).
    pub fn exempt(&self) -> u32 {
        self.0[7]
    }

    /// N of the mark indicators: every mark plus "н/а"; exempt excluded.
    pub fn n(&self) -> u32 {
        self.0[1..=6].iter().sum()
    }
}

/// A histogram of integer primary scores `0..=max`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScoreHistogram {
    counts: Vec<u32>,
}

impl ScoreHistogram {
    /// An empty histogram for scores `0..=max`.
    pub fn new(max: u16) -> Self {
        ScoreHistogram {
            counts: vec![0; usize::from(max) + 1],
        }
    }

    /// A histogram over existing counts.
    pub fn from_counts(counts: Vec<u32>) -> Self {
        ScoreHistogram { counts }
    }

    /// Counts one score (must be `<= max`).
    #[inline]
    pub fn add(&mut self, score: u16) {
        self.counts[usize::from(score)] += 1;
    }

    /// Adds another histogram of the same range.
    pub fn merge(&mut self, other: &ScoreHistogram) {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// Counts per score.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }

    /// Number of scores.
    pub fn n(&self) -> u64 {
        self.counts.iter().map(|&c| u64::from(c)).sum()
    }

    /// Sum of scores.
    pub fn sum(&self) -> u64 {
        self.counts
            .iter()
            .enumerate()
            .map(|(s, &c)| s as u64 * u64::from(c))
            .sum()
    }

    /// Number of scores below `t`.
    pub fn below(&self, t: u16) -> u64 {
        self.counts
            .iter()
            .take(usize::from(t))
            .map(|&c| u64::from(c))
            .sum()
    }

    /// The `k`-th smallest score (0-based).
    pub fn nth(&self, k: u64) -> Option<u16> {
        let mut seen = 0u64;
        for (s, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if seen > k {
                return Some(s as u16);
            }
        }
        None
    }
}

/// Counts for the seed-003 student outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutcomeCounts {
    /// Graduates whose attestat status is known.
    pub graduates: u32,
    /// Graduates without an attestat.
    pub without_attestat: u32,
    /// Graduates with honours.
    pub honours: u32,
    /// Students whose olympiad status is known.
    pub students: u32,
    /// Olympiad participants (any outcome).
    pub olympiad_participants: u32,
    /// Olympiad winners and prize-winners.
    pub olympiad_winners: u32,
}

impl OutcomeCounts {
    /// Adds another state.
    pub fn merge(&mut self, o: &OutcomeCounts) {
        self.graduates += o.graduates;
        self.without_attestat += o.without_attestat;
        self.honours += o.honours;
        self.students += o.students;
        self.olympiad_participants += o.olympiad_participants;
        self.olympiad_winners += o.olympiad_winners;
    }
}

/// Counts for teacher indicators in one academic year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StaffCounts {
    /// Teachers.
    pub teachers: u32,
    /// Teachers with any training completed in the year.
    pub trained: u32,
    /// Teachers with training on assessment quality completed in the year.
    pub trained_assessment: u32,
}

impl StaffCounts {
    /// Adds another state.
    pub fn merge(&mut self, o: &StaffCounts) {
        self.teachers += o.teachers;
        self.trained += o.trained;
        self.trained_assessment += o.trained_assessment;
    }
}

/// The partial state of one cell (entity × scope). Only the part that fits the scope is
/// filled: marks and scores for a procedure, marks for internal marks, outcome or staff
/// counts for those scopes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CellState {
    /// Mark counts.
    pub marks: MarkCounts,
    /// Primary-score histogram (procedures only).
    pub scores: ScoreHistogram,
    /// ЕГЭ test-score histogram 0..=100 (empty unless test scores were given).
    pub test_scores: ScoreHistogram,
    /// Results with a score but no mark (no reported mark and no scale to derive one).
    pub unmarked: u32,
    /// Student outcomes.
    pub outcomes: OutcomeCounts,
    /// Staff counts.
    pub staff: StaffCounts,
    /// External results paired with internal marks, per-task sums and cohort links
    /// (procedure scopes only; `None` elsewhere).
    pub objectivity: Option<Box<crate::objectivity::ObjectivityState>>,
    /// Students enrolled in the entity's classes of the procedure's grade (this year's
    /// procedures only; 0 otherwise): the denominator of the participation rate.
    pub enrolled: u32,
}

impl CellState {
    /// Adds another state of the same scope.
    pub fn merge(&mut self, o: &CellState) {
        self.marks.merge(&o.marks);
        self.scores.merge(&o.scores);
        self.test_scores.merge(&o.test_scores);
        self.unmarked += o.unmarked;
        self.outcomes.merge(&o.outcomes);
        self.staff.merge(&o.staff);
        crate::objectivity::merge_into(&mut self.objectivity, &o.objectivity);
        self.enrolled += o.enrolled;
    }

    /// Results counted in the cell: every mark (н/а and exempt too) and every result without
    /// a mark.
    pub fn results(&self) -> u64 {
        self.marks.0[1..=7]
            .iter()
            .map(|&c| u64::from(c))
            .sum::<u64>()
            + u64::from(self.unmarked)
    }
}
