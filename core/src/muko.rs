//! МУКО self-evaluation (seed 002, «механизмы управления качеством образования»): an evidence
//! table (direction × management-cycle component → present, partial, absent, with a link)
//! scored with a points table into a score and a level per direction and overall, with the
//! list of gaps.
//!
//! For each direction, each component scores `points[status] × weight` out of
//! `points[present] × weight`; a component without a row is `missing` and scores like
//! `absent` (and is listed as a gap). The percent of the maximum picks the level: the first
//! level (highest `from` first) whose `from` the percent reaches. A school with no evidence at
//! all is not scored (unknown). Rows naming a direction or component the rules do not know are
//! counted, not scored.

use crate::dataset::{Dataset, MukoStatus};
use rust_decimal::Decimal;

/// An item of the scoring table: id and titles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MukoItem {
    /// Id as the evidence table names it.
    pub id: String,
    /// Russian title.
    pub title_ru: String,
    /// English title.
    pub title_en: String,
    /// Weight (components; 1 for directions).
    pub weight: Decimal,
}

/// A level of the score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MukoLevel {
    /// Label.
    pub label: String,
    /// Russian title.
    pub title_ru: String,
    /// English title.
    pub title_en: String,
    /// Lowest percent of the maximum.
    pub from: Decimal,
}

/// The scoring table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MukoSpec {
    /// The directions.
    pub directions: Vec<MukoItem>,
    /// The management-cycle components, in cycle order.
    pub components: Vec<MukoItem>,
    /// Points for present, partial and absent.
    pub points: [Decimal; 3],
    /// Levels, highest `from` first.
    pub levels: Vec<MukoLevel>,
}

/// The state of a component in a school's evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentState {
    /// A row says so.
    Given(MukoStatus),
    /// No row.
    Missing,
}

/// A component that is not fully present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MukoGapItem {
    /// Component index in the spec.
    pub component: usize,
    /// Its state.
    pub state: ComponentState,
    /// Link given with a partial item.
    pub link: Option<String>,
}

/// A score: per direction, or overall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MukoResult {
    /// Points.
    pub score: Decimal,
    /// Maximum points.
    pub max: Decimal,
    /// Percent of the maximum.
    pub percent: Decimal,
    /// Level index in the spec (`None` when no level fits).
    pub level: Option<usize>,
    /// Gaps (per direction only).
    pub gaps: Vec<MukoGapItem>,
}

/// A school's self-evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolMuko {
    /// School index.
    pub school: u32,
    /// `None` when the school gave no evidence at all.
    pub directions: Option<Vec<MukoResult>>,
    /// Overall.
    pub overall: Option<MukoResult>,
    /// Evidence rows naming ids the spec does not know.
    pub ignored_rows: u32,
}

fn points_of(spec: &MukoSpec, state: ComponentState) -> Decimal {
    match state {
        ComponentState::Given(MukoStatus::Present) => spec.points[0],
        ComponentState::Given(MukoStatus::Partial) => spec.points[1],
        ComponentState::Given(MukoStatus::Absent) | ComponentState::Missing => spec.points[2],
    }
}

fn result(spec: &MukoSpec, score: Decimal, max: Decimal, gaps: Vec<MukoGapItem>) -> MukoResult {
    let percent = if max.is_zero() {
        Decimal::ZERO
    } else {
        score * Decimal::ONE_HUNDRED / max
    };
    let level = spec.levels.iter().position(|l| percent >= l.from);
    MukoResult {
        score,
        max,
        percent,
        level,
        gaps,
    }
}

/// Scores every school of `ds`.
pub fn muko_scores(ds: &Dataset, spec: &MukoSpec) -> Vec<SchoolMuko> {
    let (nd, nc) = (spec.directions.len(), spec.components.len());
    let n = ds.schools().len();
    // Per school, a dense (direction × component) table of states and links.
    let mut table: Vec<Vec<(ComponentState, Option<&str>)>> = vec![Vec::new(); n];
    let mut any = vec![false; n];
    let mut ignored = vec![0u32; n];
    for e in ds.muko_evidence() {
        let s = e.school as usize;
        any[s] = true;
        let d = spec.directions.iter().position(|x| x.id == e.direction);
        let c = spec.components.iter().position(|x| x.id == e.component);
        let (Some(d), Some(c)) = (d, c) else {
            ignored[s] += 1;
            continue;
        };
        if table[s].is_empty() {
            table[s] = vec![(ComponentState::Missing, None); nd * nc];
        }
        table[s][d * nc + c] = (ComponentState::Given(e.status), e.link.as_deref());
    }
    (0..n)
        .map(|s| {
            if !any[s] {
                return SchoolMuko {
                    school: s as u32,
                    directions: None,
                    overall: None,
                    ignored_rows: 0,
                };
            }
            if table[s].is_empty() {
                table[s] = vec![(ComponentState::Missing, None); nd * nc];
            }
            let mut directions = Vec::with_capacity(nd);
            let (mut total, mut total_max) = (Decimal::ZERO, Decimal::ZERO);
            for d in 0..nd {
                let (mut score, mut max) = (Decimal::ZERO, Decimal::ZERO);
                let mut gaps = Vec::new();
                for (c, comp) in spec.components.iter().enumerate() {
                    let (state, link) = table[s][d * nc + c];
                    score += points_of(spec, state) * comp.weight;
                    max += spec.points[0] * comp.weight;
                    if state != ComponentState::Given(MukoStatus::Present) {
                        gaps.push(MukoGapItem {
                            component: c,
                            state,
                            link: link.map(str::to_owned),
                        });
                    }
                }
                let w = spec.directions[d].weight;
                total += score * w;
                total_max += max * w;
                directions.push(result(spec, score, max, gaps));
            }
            SchoolMuko {
                school: s as u32,
                overall: Some(result(spec, total, total_max, Vec::new())),
                directions: Some(directions),
                ignored_rows: ignored[s],
            }
        })
        .collect()
}
