//! Cohorts: the same students' external marks in a procedure and in its predecessor a year
//! earlier (same kind and subject, one grade lower), e.g. this year's grade-5 ВПР and last
//! year's grade-4 ВПР written by the same children.
//!
//! Why: Rosobrnadzor lists grade-4 results far above the same students' grade-5 results
//! among the signs of non-objective results (DOMAIN.md): the grade-4 ВПР is written and
//! marked in primary school, the grade-5 one by other teachers.
//!
//! The predecessor's marks are kept per student in a dense byte vector (one per predecessor
//! procedure); results of successor procedures are linked once every result has been seen,
//! so row order does not matter. When a procedure has several predecessors (several
//! procedure ids for the same ВПР), the one with the lowest index that has a mark for the
//! student is used.

use crate::dataset::Dataset;

/// A result of a successor procedure waiting for its link.
#[derive(Debug, Clone, Copy)]
struct Pending {
    slot: u32,
    student: u32,
    mark: u8,
    procedure: u32,
}

/// Cohort links, built during the aggregation pass.
pub(crate) struct Cohort {
    /// Per procedure: its predecessors, ascending.
    pred: Vec<Vec<u32>>,
    /// Per procedure: its index in `marks` when it is a predecessor of some procedure.
    dense: Vec<Option<usize>>,
    /// Per predecessor procedure: external mark by student (0 = none).
    marks: Vec<Vec<u8>>,
    pending: Vec<Pending>,
}

impl Cohort {
    /// Finds every procedure's predecessors.
    pub(crate) fn new(ds: &Dataset) -> Cohort {
        let procs = ds.procedures();
        let pred: Vec<Vec<u32>> = procs
            .iter()
            .map(|p| {
                procs
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| {
                        q.kind == p.kind
                            && q.subject == p.subject
                            && p.grade >= 2
                            && q.grade == p.grade - 1
                            && p.year.0 >= 1
                            && q.year == p.year.prev()
                    })
                    .map(|(i, _)| i as u32)
                    .collect()
            })
            .collect();
        let mut dense = vec![None; procs.len()];
        let mut marks = Vec::new();
        for &q in pred.iter().flatten() {
            if dense[q as usize].is_none() {
                dense[q as usize] = Some(marks.len());
                marks.push(vec![0u8; ds.students().len()]);
            }
        }
        Cohort {
            pred,
            dense,
            marks,
            pending: Vec::new(),
        }
    }

    /// Records a result with an external mark.
    pub(crate) fn record(&mut self, procedure: usize, student: u32, mark: u8, slot: u32) {
        if let Some(k) = self.dense[procedure] {
            self.marks[k][student as usize] = mark;
        }
        if !self.pred[procedure].is_empty() {
            self.pending.push(Pending {
                slot,
                student,
                mark,
                procedure: procedure as u32,
            });
        }
    }

    /// Calls `link(slot, predecessor mark, mark)` for every linked result.
    pub(crate) fn finish(self, mut link: impl FnMut(u32, u8, u8)) {
        for p in &self.pending {
            let prev = self.pred[p.procedure as usize].iter().find_map(|&q| {
                let k = self.dense[q as usize]?;
                Some(self.marks[k][p.student as usize]).filter(|&m| m != 0)
            });
            if let Some(prev) = prev {
                link(p.slot, prev, p.mark);
            }
        }
    }
}
