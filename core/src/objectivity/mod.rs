//! Objectivity of assessment: external results against internal marks, and the signs of
//! non-objective results (DOMAIN.md, "Objectivity of assessment"; seed 004, item 6.4:
//! «Сопоставление результатов обучающихся по итогам внешних диагностических процедур и
//! внутренних. Выявление необъективных результатов»).
//!
//! How it fits the engine:
//!
//! 1. **Pairing**: during aggregation every external result with a mark (reported, or derived
//!    from the scale) is paired with the student's internal mark in the same subject, chosen
//!    by the [`InternalMark`] policy of
//!    [`ObjectivityOptions`] (an [`AggregateOptions`](crate::AggregateOptions) field that a
//!    ruleset sets in its `[objectivity]` section).
//! 2. **State**: each procedure cell's [`CellState::objectivity`](crate::CellState) is an
//!    [`ObjectivityState`]: the journal × external [`ConfusionTable`](crate::stats::ConfusionTable),
//!    the journal mark × primary score [`JointHistogram`](crate::stats::JointHistogram),
//!    per-task score sums ([`TaskSums`]) and cohort links ([`CohortCounts`]). All merge
//!    exactly, so every level (class, grade, teacher, school, municipality, region) has them.
//! 3. **Indicators**: built-in indicators of [`Source::Objectivity`](crate::Source) read
//!    these states (`paired_count`, `share_lowered`, ..., `kappa`, `spearman`, Wilson bounds,
//!    `task_inversion`, `cohort_drop`, `heaping_p_value`, `gia_completion_rate`, ...); see
//!    [`Indicator`](crate::Indicator) for each formula.
//! 4. **Signs**: rules in `rules/objectivity.toml` compare these indicators with the region
//!    and with parameters, so every sign comes with the engine's evidence (each value read,
//!    with its n) and limited samples stay undetermined.
//!
//! Results are *signs with evidence*, never verdicts. The statistics exist at the teacher
//! level too (they are sums of class states), but no sign is drawn for a teacher: ВПР results
//! may not by law be used to evaluate individual teachers.

mod cohort;
mod heaping;
mod indicators;
mod meta;
mod options;
mod pairing;
mod state;
mod tasks;

pub(crate) use indicators::{compute_alone, value};
pub(crate) use meta::{ScopeMeta, scope_meta};
pub(crate) use pairing::Pairing;
pub(crate) use state::merge_into;

pub use indicators::{F64_DECIMALS, present};
pub use options::{DEFAULT_HEAPING_WIDTH, InternalMark, ObjectivityOptions};
pub use pairing::period_end;
pub use state::{CohortCounts, MARK_CATEGORIES, MARK_MIN, ObjectivityState, TaskSums};
