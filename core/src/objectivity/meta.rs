//! What the objectivity indicators need to know about a scope besides its states: the
//! procedure's maximum, its scale's mark boundaries, and the scopes of
//! the state final exams (ОГЭ, ЕГЭ) that back or do not back its results, and its tasks'
//! difficulty groups in the region.

use crate::aggregate::Scope;
use crate::dataset::Dataset;
use crate::procedure::ProcedureKind;
use crate::scale::ScaleSet;

use super::state::TaskSums;
use super::tasks::TaskProfile;

/// Per-scope facts, built once per aggregation.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ScopeMeta {
    /// Maximum primary score.
    pub max_score: u16,
    /// The lowest primary scores of the marks «3» and «4»: the boundaries of the pass rate
    /// (успеваемость) and the quality rate (качество знаний), where pulling a work over the
    /// line changes what a school reports.
    pub boundaries: Vec<u16>,
    /// Scopes of ОГЭ and ЕГЭ in the same subject and academic year.
    pub gia: Vec<u32>,
    /// The easy and hard tasks by the region's completion rates (`None` without task scores
    /// in the region or with fewer than 3 tasks).
    pub tasks: Option<TaskProfile>,
}

/// Builds the facts of every scope (empty for scopes that are not procedures);
/// `region_tasks` gives the region's per-task sums of a scope.
pub(crate) fn scope_meta<'a>(
    ds: &Dataset,
    scales: &ScaleSet,
    scopes: &[Scope],
    region_tasks: impl Fn(u32) -> Option<&'a TaskSums>,
) -> Vec<ScopeMeta> {
    let procs = ds.procedures();
    scopes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let Scope::Procedure { procedure } = *s else {
                return ScopeMeta::default();
            };
            let p = &procs[procedure as usize];
            let boundaries = p
                .scale
                .as_deref()
                .and_then(|id| scales.get(id))
                .map(|scale| {
                    let mut b: Vec<u16> = [3, 4]
                        .into_iter()
                        .filter_map(|m| scale.min_score_for(m))
                        .filter(|&m| m > 0)
                        .collect();
                    b.dedup();
                    b
                })
                .unwrap_or_default();
            let gia = scopes
                .iter()
                .enumerate()
                .filter(|(_, t)| match **t {
                    Scope::Procedure { procedure: q } => {
                        let q = &procs[q as usize];
                        matches!(q.kind, ProcedureKind::Oge | ProcedureKind::Ege)
                            && q.subject == p.subject
                            && q.year == p.year
                    }
                    _ => false,
                })
                .map(|(i, _)| i as u32)
                .collect();
            let task_max: Vec<u16> = p.tasks.iter().map(|t| t.max_score).collect();
            let tasks = region_tasks(i as u32).and_then(|r| TaskProfile::new(r, &task_max));
            ScopeMeta {
                max_score: p.max_score,
                boundaries,
                gia,
                tasks,
            }
        })
        .collect()
}
