//! Student × subject profiles: the rows of the student level (the ГИА risk group, seed 000
//! cl. 3.2–3.3, seed 001 cl. 4.3.2).
//!
//! One profile per (student, subject, academic year) that has internal marks or trial-type
//! results, in columns. Built in one linear pass: marks and results are bucketed by student
//! (counting sort, no hashing, no per-row allocation), then each student's few entries are
//! folded per (subject, year). 1,000,000 students with a few marks and trials each cost a few
//! hundred milliseconds.
//!
//! | column | meaning | unknown when |
//! |---|---|---|
//! | `internal_marks` | internal marks of the subject in the year (exempt excluded) | never (0) |
//! | `failing_marks` | of those, marks 1, 2 or «н/а» | there are no internal marks |
//! | `last_internal_mark` | the mark of the latest period (t1 < t2 = h1 < t3 < t4 = h2 < year) | no marks, or the latest is «н/а» / «осв.» |
//! | `trials` | results of trial-type procedures (default: trial, diagnostic, rdr) | never (0) |
//! | `trials_below_min` | of those, below the minimum: primary score below the scale's «3», ЕГЭ test score below the attestat minimum, else a reported mark below 3 | no trial result can be judged |
//! | `trial_trend` | completion (% of max) of the latest dated trial minus the one before, in percentage points | fewer than two dated trials with a score |
//! | `last_trial_percent` | completion (% of max) of the latest dated trial | no dated trial with a score |
//! | `attendance` | the student's attendance, percent of lessons | not given |
//!
//! Profiles carry dense indices, never ids: nothing here can leak a student id into a message.

use crate::aggregate::{Scope, scope_thresholds};
use crate::dataset::{Dataset, NO_SCORE};
use crate::indicators::{Threshold, Thresholds};
use crate::procedure::{AcademicYear, Period, ProcedureKind};
use crate::scale::ScaleSet;
use rust_decimal::Decimal;

/// Which data a profile reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProfileOptions {
    /// Procedure kinds counted as trials (empty: trial, diagnostic, rdr).
    pub kinds: Vec<ProcedureKind>,
    /// Periods of internal marks counted (empty: all).
    pub periods: Vec<Period>,
}

impl ProfileOptions {
    /// The trial kinds in effect.
    pub fn trial_kinds(&self) -> Vec<ProcedureKind> {
        if self.kinds.is_empty() {
            vec![
                ProcedureKind::Trial,
                ProcedureKind::Diagnostic,
                ProcedureKind::Rdr,
            ]
        } else {
            self.kinds.clone()
        }
    }
}

/// Student × subject × year profiles in columns; row `i` of every column is one profile.
/// Rows are sorted by (student, subject name, year), so the order does not depend on the
/// order of the input rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profiles {
    pub(crate) student: Vec<u32>,
    pub(crate) subject: Vec<u32>,
    pub(crate) year: Vec<u16>,
    pub(crate) internal_marks: Vec<u16>,
    pub(crate) failing_marks: Vec<u16>,
    /// Storage code of the latest period's mark (1..=7), 0 when none.
    pub(crate) last_mark: Vec<u8>,
    pub(crate) trials: Vec<u16>,
    pub(crate) trials_judged: Vec<u16>,
    pub(crate) trials_below_min: Vec<u16>,
    pub(crate) trial_trend: Vec<Option<Decimal>>,
    pub(crate) last_trial_percent: Vec<Option<Decimal>>,
}

impl Profiles {
    /// Number of profiles.
    pub fn len(&self) -> usize {
        self.student.len()
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.student.is_empty()
    }
    /// Student index of each profile.
    pub fn student(&self) -> &[u32] {
        &self.student
    }
    /// Subject index of each profile.
    pub fn subject(&self) -> &[u32] {
        &self.subject
    }
    /// Academic year of profile `i`.
    pub fn year(&self, i: usize) -> AcademicYear {
        AcademicYear(self.year[i])
    }
    /// Internal marks counted (exempt excluded).
    pub fn internal_marks(&self, i: usize) -> u16 {
        self.internal_marks[i]
    }
    /// Failing internal marks (1, 2, «н/а»); `None` without internal marks.
    pub fn failing_marks(&self, i: usize) -> Option<u16> {
        (self.internal_marks[i] > 0).then_some(self.failing_marks[i])
    }
    /// The latest period's mark 1..=5; `None` when there is none or it is «н/а» / «осв.».
    pub fn last_internal_mark(&self, i: usize) -> Option<u8> {
        Some(self.last_mark[i]).filter(|m| (1..=5).contains(m))
    }
    /// Trial-type results.
    pub fn trials(&self, i: usize) -> u16 {
        self.trials[i]
    }
    /// Trial-type results below the minimum; `None` when none could be judged.
    pub fn trials_below_min(&self, i: usize) -> Option<u16> {
        (self.trials_judged[i] > 0).then_some(self.trials_below_min[i])
    }
    /// Latest minus previous trial completion, in percentage points.
    pub fn trial_trend(&self, i: usize) -> Option<Decimal> {
        self.trial_trend[i]
    }
    /// Completion of the latest trial, percent of the maximum.
    pub fn last_trial_percent(&self, i: usize) -> Option<Decimal> {
        self.last_trial_percent[i]
    }
}

/// One entry of a student's bucket: a mark (index into marks) or a result.
#[derive(Clone, Copy)]
enum Entry {
    Mark(u32),
    Result(u32),
}

/// Builds the profiles of every student of `ds`. Marks missing from trial results are taken
/// as reported; minimums come from the procedures' scales in `scales` (as in aggregation).
///
/// ```
/// use oko::{GeneratorConfig, ProfileOptions, generate, student_profiles};
/// let g = generate(&GeneratorConfig::tiny(1));
/// let p = student_profiles(&g.dataset, &g.scales, &ProfileOptions::default());
/// assert!(p.len() > 0);
/// // Graduates wrote two trials per subject: each has a trend.
/// let i = (0..p.len()).find(|&i| p.trials(i) == 2).unwrap();
/// assert!(p.trial_trend(i).is_some());
/// ```
pub fn student_profiles(ds: &Dataset, scales: &ScaleSet, opts: &ProfileOptions) -> Profiles {
    let kinds = opts.trial_kinds();
    let procs = ds.procedures();
    let trial: Vec<bool> = procs.iter().map(|p| kinds.contains(&p.kind)).collect();
    let thresholds: Vec<Thresholds> = (0..procs.len() as u32)
        .map(|p| scope_thresholds(ds, scales, &Scope::Procedure { procedure: p }).0)
        .collect();
    let marks = ds.marks();
    let results = ds.results();
    let period_ok: [bool; 21] = std::array::from_fn(|code| {
        opts.periods.is_empty() || opts.periods.contains(&Period::from_code(code as u8))
    });

    // Bucket entries by student: count, prefix sums, fill (counting sort, linear).
    let n_students = ds.students().len();
    let mut start = vec![0u32; n_students + 1];
    for i in 0..marks.len() {
        if period_ok[usize::from(marks.period[i]) % 21] {
            start[marks.student[i] as usize + 1] += 1;
        }
    }
    for i in 0..results.len() {
        if trial[results.procedure[i] as usize] {
            start[results.student[i] as usize + 1] += 1;
        }
    }
    for s in 0..n_students {
        start[s + 1] += start[s];
    }
    let mut fill = start.clone();
    let mut entries = vec![Entry::Mark(0); start[n_students] as usize];
    for i in 0..marks.len() {
        if period_ok[usize::from(marks.period[i]) % 21] {
            let s = marks.student[i] as usize;
            entries[fill[s] as usize] = Entry::Mark(i as u32);
            fill[s] += 1;
        }
    }
    for i in 0..results.len() {
        if trial[results.procedure[i] as usize] {
            let s = results.student[i] as usize;
            entries[fill[s] as usize] = Entry::Result(i as u32);
            fill[s] += 1;
        }
    }
    drop(fill);

    let subject_rank = subject_ranks(ds);
    let key = |e: &Entry| -> (u32, u16) {
        match *e {
            Entry::Mark(i) => (marks.subject[i as usize], marks.year[i as usize]),
            Entry::Result(i) => {
                let p = results.procedure[i as usize] as usize;
                (ds.procedure_subjects()[p], procs[p].year.0)
            }
        }
    };
    let mut out = Profiles::default();
    let mut bucket: Vec<Entry> = Vec::new();
    // (date day number, procedure id, completion percent) of the group's dated trials.
    let mut dated: Vec<(i64, &str, Decimal)> = Vec::new();
    for s in 0..n_students {
        let (a, b) = (start[s] as usize, start[s + 1] as usize);
        if a == b {
            continue;
        }
        bucket.clear();
        bucket.extend_from_slice(&entries[a..b]);
        bucket.sort_by_key(|e| {
            let (subj, year) = key(e);
            (subject_rank[subj as usize], year)
        });
        let mut g = 0;
        while g < bucket.len() {
            let (subj, year) = key(&bucket[g]);
            let mut h = g;
            while h < bucket.len() && key(&bucket[h]) == (subj, year) {
                h += 1;
            }
            let (mut n_marks, mut failing, mut trials, mut judged, mut below) = (0u16, 0, 0, 0, 0);
            let mut last: Option<((u8, u8), u8)> = None; // ((end quarter, code), mark code)
            dated.clear();
            for e in &bucket[g..h] {
                match *e {
                    Entry::Mark(i) => {
                        let i = i as usize;
                        let v = marks.value[i];
                        let period = Period::from_code(marks.period[i]);
                        let order = (period.end_quarter(), marks.period[i]);
                        if last.is_none_or(|(o, _)| order > o) {
                            last = Some((order, v));
                        }
                        if v == 7 {
                            continue; // exempt: excluded like a missing mark
                        }
                        n_marks = n_marks.saturating_add(1);
                        if v <= 2 || v == 6 {
                            failing += 1;
                        }
                    }
                    Entry::Result(i) => {
                        let i = i as usize;
                        trials += 1;
                        let p = results.procedure[i] as usize;
                        let score = results.score[i];
                        let mark = results.mark[i];
                        let verdict = match thresholds[p].below_min {
                            Some(Threshold::Primary(t)) if score != NO_SCORE => Some(score < t),
                            Some(Threshold::Test(t)) if results.test_score[i] != NO_SCORE => {
                                Some(results.test_score[i] < t)
                            }
                            _ if mark != 0 => Some(mark < 3),
                            _ => None,
                        };
                        if let Some(v) = verdict {
                            judged += 1;
                            below += u16::from(v);
                        }
                        if let (Some(date), true) = (procs[p].date, score != NO_SCORE) {
                            let pct = Decimal::from(score) * Decimal::ONE_HUNDRED
                                / Decimal::from(procs[p].max_score);
                            dated.push((date.day_number(), procs[p].id.as_str(), pct));
                        }
                    }
                }
            }
            dated.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
            let last_pct = dated.last().map(|d| d.2);
            let trend =
                (dated.len() >= 2).then(|| dated[dated.len() - 1].2 - dated[dated.len() - 2].2);
            out.student.push(s as u32);
            out.subject.push(subj);
            out.year.push(year);
            out.internal_marks.push(n_marks);
            out.failing_marks.push(failing);
            out.last_mark.push(last.map_or(0, |(_, v)| v));
            out.trials.push(trials);
            out.trials_judged.push(judged);
            out.trials_below_min.push(below);
            out.trial_trend.push(trend);
            out.last_trial_percent.push(last_pct);
            g = h;
        }
    }
    out
}

/// Rank of each subject index by name, so profiles are ordered by subject name (interning
/// order depends on row order).
fn subject_ranks(ds: &Dataset) -> Vec<u32> {
    let names: Vec<&str> = ds.subjects().names().collect();
    let mut order: Vec<u32> = (0..names.len() as u32).collect();
    order.sort_by_key(|&i| names[i as usize]);
    let mut rank = vec![0u32; names.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::*;
    use crate::procedure::Procedure;

    fn ds() -> Dataset {
        let mut b = DatasetBuilder::new(Policy::Strict);
        b.add_municipality(MunicipalityRow {
            id: "m".into(),
            name: "m".into(),
        })
        .unwrap();
        b.add_school(SchoolRow {
            id: "s".into(),
            name: "s".into(),
            municipality: "m".into(),
            kind: SchoolKind::Regular,
            rural: None,
            context: vec![],
        })
        .unwrap();
        b.add_class(ClassRow {
            id: "c".into(),
            school: "s".into(),
            grade: 9,
            name: "9А".into(),
        })
        .unwrap();
        for id in ["p1", "p2", "p3"] {
            b.add_student(StudentRow {
                id,
                class: "c",
                attestat: None,
                honours: None,
                olympiad: None,
                attendance: None,
            })
            .unwrap();
        }
        for (id, month, kind) in [
            ("t1", 12, ProcedureKind::Trial),
            ("t2", 3, ProcedureKind::Trial),
            ("o", 5, ProcedureKind::Oge),
        ] {
            b.add_procedure(Procedure {
                id: id.into(),
                kind,
                subject: "math".into(),
                grade: 9,
                year: AcademicYear(2025),
                date: crate::Date::new(if month == 12 { 2025 } else { 2026 }, month, 10),
                max_score: 20,
                tasks: vec![],
                scale: None,
            })
            .unwrap();
        }
        let r = |b: &mut DatasetBuilder, s, p, score, mark| {
            b.add_result(ResultRow {
                student: s,
                procedure: p,
                class: None,
                primary_score: score,
                task_scores: None,
                mark,
                test_score: None,
            })
            .unwrap()
        };
        // Written in reverse date order: the trend must still be t2 − t1.
        r(&mut b, "p1", "t2", Some(5), Some(2));
        r(&mut b, "p1", "t1", Some(10), Some(3));
        r(&mut b, "p1", "o", Some(4), Some(2));
        r(&mut b, "p2", "t1", Some(15), None);
        for (s, period, mark) in [
            ("p1", Period::Term(2), "2"),
            ("p1", Period::Term(3), "3"),
            ("p1", Period::Year, "н/а"),
            ("p2", Period::Term(3), "4"),
            ("p3", Period::Term(3), "осв."),
        ] {
            b.add_mark(MarkRow {
                student: s,
                subject: "math",
                year: AcademicYear(2025),
                period,
                mark,
            })
            .unwrap();
        }
        b.build().unwrap()
    }

    #[test]
    fn profile_columns() {
        let ds = ds();
        let p = student_profiles(&ds, &ScaleSet::default(), &ProfileOptions::default());
        assert_eq!(p.len(), 3);
        // p1: marks 2, 3, н/а → 2 failing; latest period (year) is н/а → unknown mark.
        assert_eq!(p.failing_marks(0), Some(2));
        assert_eq!(p.internal_marks(0), 3);
        assert_eq!(p.last_internal_mark(0), None);
        // Trials only (the ОГЭ is not a trial): marks 2 and 3 without a scale → 1 below.
        assert_eq!(p.trials(0), 2);
        assert_eq!(p.trials_below_min(0), Some(1));
        // 5/20 = 25 % after 10/20 = 50 %: −25 pp.
        assert_eq!(p.trial_trend(0), Some(Decimal::from(-25)));
        assert_eq!(p.last_trial_percent(0), Some(Decimal::from(25)));
        // p2: one trial without mark or scale → cannot be judged; one trial → no trend.
        assert_eq!(p.trials_below_min(1), None);
        assert_eq!(p.trial_trend(1), None);
        assert_eq!(p.last_internal_mark(1), Some(4));
        assert_eq!(p.failing_marks(1), Some(0));
        // p3: only an exemption → no marks counted, failing unknown.
        assert_eq!(p.failing_marks(2), None);
        assert_eq!(p.trials_below_min(2), None);
    }

    #[test]
    fn period_filter() {
        let ds = ds();
        let opts = ProfileOptions {
            kinds: vec![],
            periods: vec![Period::Term(3)],
        };
        let p = student_profiles(&ds, &ScaleSet::default(), &opts);
        assert_eq!(p.failing_marks(0), Some(0));
        assert_eq!(p.last_internal_mark(0), Some(3));
    }
}
