//! Pairing each external result with the student's internal mark in the same subject.
//!
//! Which internal mark is the [`InternalMark`] policy: the last term or half-year mark that
//! was final before the procedure's date (the default), or the year mark. Only marks of the
//! procedure's academic year are looked at, and only numeric marks (1..=5) pair: "н/а",
//! "осв." or no mark leave the result unpaired (counted in
//! [`ObjectivityState::unpaired`](super::ObjectivityState)).
//!
//! The lookup costs one scan of the student's own marks per result (a CSR index by student,
//! built once in O(marks)), and does not depend on row order: marks are unique per
//! (student, subject, year, period), and ties between a term and a half-year ending on the
//! same day go to the term.

use super::cohort::Cohort;
use super::options::{InternalMark, ObjectivityOptions};
use crate::dataset::{Dataset, NO_SCORE};
use crate::date::Date;
use crate::indicators::CellState;
use crate::procedure::{AcademicYear, Period};

/// The date by which the marks of a period are final, on the nominal calendar of Russian
/// schools: terms end on 31 October, 31 December, 31 March and 31 May; half-years on
/// 31 December and 31 May; the year mark on 31 May. `None` for a period outside these.
///
/// A mark "before" a procedure is one whose period ended strictly before the procedure's
/// date: a ВПР written on 15 April pairs with the third-term mark, one written on 15 March
/// with the second.
///
/// ```
/// use oko::{AcademicYear, Date, Period, objectivity::period_end};
/// assert_eq!(period_end(AcademicYear(2025), Period::Term(3)), Date::new(2026, 3, 31));
/// assert_eq!(period_end(AcademicYear(2025), Period::Half(1)), Date::new(2025, 12, 31));
/// ```
pub fn period_end(year: AcademicYear, period: Period) -> Option<Date> {
    let y = year.0;
    let (yy, m, d) = match period {
        Period::Term(1) => (y, 10, 31),
        Period::Term(2) | Period::Half(1) => (y, 12, 31),
        Period::Term(3) => (y.checked_add(1)?, 3, 31),
        Period::Term(4) | Period::Half(2) | Period::Year => (y.checked_add(1)?, 5, 31),
        _ => return None,
    };
    Date::new(yy, m, d)
}

/// What a procedure's results pair with.
#[derive(Debug, Clone, Copy)]
struct Target {
    subject: u32,
    year: u16,
    /// Under `last_period_before`: the procedure's date.
    before: Option<Date>,
}

/// The pairing pass, fed one result at a time from the aggregation loop.
pub(crate) struct Pairing {
    policy: InternalMark,
    /// Marks of student `s` are `order[start[s]..start[s + 1]]`.
    start: Vec<u32>,
    order: Vec<u32>,
    /// Per procedure; `None` when its results cannot pair (no date under
    /// `last_period_before`).
    target: Vec<Option<Target>>,
    max_score: Vec<u16>,
    cohort: Cohort,
}

impl Pairing {
    /// Prepares the lookups for `ds`.
    pub(crate) fn new(ds: &Dataset, options: &ObjectivityOptions) -> Pairing {
        let m = ds.marks();
        let students = ds.students().len();
        // Counting sort of marks by student.
        let mut start = vec![0u32; students + 1];
        for &s in &m.student {
            start[s as usize + 1] += 1;
        }
        for i in 0..students {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut order = vec![0u32; m.len()];
        for (i, &s) in m.student.iter().enumerate() {
            order[next[s as usize] as usize] = i as u32;
            next[s as usize] += 1;
        }
        let target = ds
            .procedures()
            .iter()
            .zip(ds.procedure_subjects())
            .map(|(p, &subject)| {
                let before = match options.internal_mark {
                    InternalMark::Year => None,
                    InternalMark::LastPeriodBefore => Some(p.date?),
                };
                Some(Target {
                    subject,
                    year: p.year.0,
                    before,
                })
            })
            .collect();
        Pairing {
            policy: options.internal_mark,
            start,
            order,
            target,
            max_score: ds.procedures().iter().map(|p| p.max_score).collect(),
            cohort: Cohort::new(ds),
        }
    }

    /// The internal mark (1..=5) result `i` pairs with, if any.
    pub(crate) fn internal_mark(&self, ds: &Dataset, i: usize) -> Option<u8> {
        let r = ds.results();
        let t = self.target[r.procedure[i] as usize]?;
        let s = r.student[i] as usize;
        let m = ds.marks();
        let mut best: Option<((Date, bool), u8)> = None;
        for &k in &self.order[self.start[s] as usize..self.start[s + 1] as usize] {
            let k = k as usize;
            if m.subject[k] != t.subject || m.year[k] != t.year {
                continue;
            }
            let period = Period::from_code(m.period[k]);
            match (self.policy, t.before) {
                (InternalMark::Year, _) => {
                    if period == Period::Year {
                        return numeric(m.value[k]);
                    }
                }
                (InternalMark::LastPeriodBefore, Some(before)) => {
                    if period == Period::Year {
                        continue;
                    }
                    let Some(end) = period_end(AcademicYear(t.year), period) else {
                        continue;
                    };
                    if end >= before {
                        continue;
                    }
                    let rank = (end, matches!(period, Period::Term(_)));
                    if best.is_none_or(|(r, _)| rank > r) {
                        best = Some((rank, m.value[k]));
                    }
                }
                (InternalMark::LastPeriodBefore, None) => return None,
            }
        }
        best.and_then(|(_, v)| numeric(v))
    }

    /// Counts result `i` (in cell slot `slot`, state `st`) whose external mark is `mark`.
    pub(crate) fn add(
        &mut self,
        ds: &Dataset,
        i: usize,
        slot: u32,
        st: &mut CellState,
        mark: Option<u8>,
    ) {
        let r = ds.results();
        let p = r.procedure[i] as usize;
        let o = st.objectivity.get_or_insert_with(Default::default);
        o.tasks.add(r.task_scores(i));
        let Some(external) = mark else {
            return;
        };
        self.cohort.record(p, r.student[i], external, slot);
        match self.internal_mark(ds, i) {
            Some(journal) => {
                let score = Some(r.score[i]).filter(|&s| s != NO_SCORE);
                o.add_pair(journal, external, score, self.max_score[p]);
            }
            None => o.unpaired += 1,
        }
    }

    /// Links the cohorts once every result has been seen.
    pub(crate) fn finish(self, states: &mut [CellState]) {
        self.cohort.finish(|slot, prev, cur| {
            states[slot as usize]
                .objectivity
                .get_or_insert_with(Default::default)
                .cohort
                .add(prev, cur);
        });
    }
}

/// A numeric mark code (1..=5), or `None` for "н/а" (6) and "осв." (7).
fn numeric(code: u8) -> Option<u8> {
    (1..=5).contains(&code).then_some(code)
}
