//! Scales (шкалы перевода): primary score → mark, with conditions on task groups,
//! and minimum scores keyed by year and scheme. Scales are data from rule files.

use crate::mark::Mark;
use crate::procedure::AcademicYear;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One band of a scale: primary scores `min..=max` give `mark`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    /// The mark of this band.
    pub mark: Mark,
    /// Lowest primary score of the band.
    pub min: u16,
    /// Highest primary score of the band.
    pub max: u16,
}

/// A condition on a task group that a mark and every higher mark require, e.g. ОГЭ maths:
/// a "3" needs at least 2 points from the geometry tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCondition {
    /// The lowest mark the condition applies to (it applies to higher marks too).
    pub from_mark: Mark,
    /// The task group whose points are summed.
    pub group: String,
    /// The least points from that group.
    pub min_points: u16,
}

/// Why a scale definition was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScaleError {
    /// The bands leave a primary score without a mark.
    #[error("scale `{scale}`: no band covers primary score {score}")]
    Gap {
        /// Scale id.
        scale: String,
        /// First uncovered score.
        score: u16,
    },
    /// Two bands cover the same score, or bands are out of order.
    #[error("scale `{scale}`: bands overlap or are out of order at primary score {score}")]
    Overlap {
        /// Scale id.
        scale: String,
        /// Score covered twice.
        score: u16,
    },
    /// Marks must rise with scores.
    #[error("scale `{scale}`: marks must rise with scores")]
    NotMonotonic {
        /// Scale id.
        scale: String,
    },
}

impl ScaleError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            ScaleError::Gap { .. } => "rule.scale_gap",
            ScaleError::Overlap { .. } => "rule.scale_overlap",
            ScaleError::NotMonotonic { .. } => "rule.scale_not_monotonic",
        }
    }
}

/// A primary-score → mark scale.
///
/// ```
/// use oko::{Mark, Scale};
/// // ВПР grade 4 Russian (DOMAIN.md T3).
/// let s = Scale::from_bands("vpr-4-russian", 24, &[(2, 0, 9), (3, 10, 15), (4, 16, 20), (5, 21, 24)], vec![]).unwrap();
/// let marks: Vec<u8> = [9, 10, 15, 16, 20, 21, 24].iter().map(|&p| s.mark(p, |_| None).unwrap().get()).collect();
/// assert_eq!(marks, [2, 3, 3, 4, 4, 5, 5]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    id: String,
    max_score: u16,
    bands: Vec<Band>,
    conditions: Vec<GroupCondition>,
    /// `mark_by_score[p]` is the band mark for primary score `p`.
    #[serde(skip)]
    mark_by_score: Vec<u8>,
}

impl Scale {
    /// Builds a scale from bands `(mark, min, max)` that must cover `0..=max_score` exactly once.
    pub fn from_bands(
        id: &str,
        max_score: u16,
        bands: &[(u8, u16, u16)],
        conditions: Vec<GroupCondition>,
    ) -> Result<Scale, ScaleError> {
        let mut list = Vec::with_capacity(bands.len());
        for &(mark, min, max) in bands {
            let mark =
                Mark::new(mark).ok_or_else(|| ScaleError::NotMonotonic { scale: id.into() })?;
            list.push(Band { mark, min, max });
        }
        Scale::new(id, max_score, list, conditions)
    }

    /// Builds and checks a scale.
    pub fn new(
        id: &str,
        max_score: u16,
        mut bands: Vec<Band>,
        conditions: Vec<GroupCondition>,
    ) -> Result<Scale, ScaleError> {
        bands.sort_by_key(|b| b.min);
        let mut next = 0u16;
        let mut last_mark = 0u8;
        for b in &bands {
            if b.min > next {
                return Err(ScaleError::Gap {
                    scale: id.into(),
                    score: next,
                });
            }
            if b.min < next || b.max < b.min {
                return Err(ScaleError::Overlap {
                    scale: id.into(),
                    score: b.min,
                });
            }
            if b.mark.get() <= last_mark {
                return Err(ScaleError::NotMonotonic { scale: id.into() });
            }
            last_mark = b.mark.get();
            next = b.max.saturating_add(1);
        }
        if bands.is_empty() || next <= max_score {
            return Err(ScaleError::Gap {
                scale: id.into(),
                score: next,
            });
        }
        if next != max_score + 1 {
            return Err(ScaleError::Overlap {
                scale: id.into(),
                score: max_score + 1,
            });
        }
        let mut mark_by_score = vec![0u8; usize::from(max_score) + 1];
        for b in &bands {
            for p in b.min..=b.max {
                mark_by_score[usize::from(p)] = b.mark.get();
            }
        }
        Ok(Scale {
            id: id.into(),
            max_score,
            bands,
            conditions,
            mark_by_score,
        })
    }

    /// Scale id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Maximum primary score.
    pub fn max_score(&self) -> u16 {
        self.max_score
    }

    /// The bands in rising order.
    pub fn bands(&self) -> &[Band] {
        &self.bands
    }

    /// Conditions on task groups.
    pub fn conditions(&self) -> &[GroupCondition] {
        &self.conditions
    }

    /// Lowest primary score that gives `mark` or higher (before group conditions).
    pub fn min_score_for(&self, mark: u8) -> Option<u16> {
        self.bands
            .iter()
            .find(|b| b.mark.get() >= mark)
            .map(|b| b.min)
    }

    /// The mark for a primary score; `group_points(g)` gives the points scored in task group
    /// `g`, or `None` when per-task scores are not known. Returns `None` when the score is
    /// above the maximum, or when a group condition matters and cannot be checked.
    ///
    /// ```
    /// use oko::{GroupCondition, Mark, Scale};
    /// // ОГЭ maths (DOMAIN.md T4): a "3" and above need >= 2 geometry points.
    /// let cond = GroupCondition { from_mark: Mark::new(3).unwrap(), group: "geometry".into(), min_points: 2 };
    /// let s = Scale::from_bands("oge-math", 31, &[(2, 0, 7), (3, 8, 14), (4, 15, 21), (5, 22, 31)], vec![cond]).unwrap();
    /// assert_eq!(s.mark(8, |_| Some(1)).unwrap().get(), 2);
    /// assert_eq!(s.mark(8, |_| Some(2)).unwrap().get(), 3);
    /// assert_eq!(s.mark(8, |_| None), None);
    /// assert_eq!(s.mark(5, |_| None).unwrap().get(), 2); // no condition applies to a "2"
    /// ```
    pub fn mark(&self, score: u16, group_points: impl Fn(&str) -> Option<u16>) -> Option<Mark> {
        let mut mark = *self.mark_by_score.get(usize::from(score))?;
        let lowest = self.bands[0].mark.get();
        // Step down while a condition of the current mark is not met.
        'down: while mark > lowest {
            for c in &self.conditions {
                if c.from_mark.get() <= mark {
                    match group_points(&c.group) {
                        Some(p) if p >= c.min_points => {}
                        Some(_) => {
                            mark = self
                                .bands
                                .iter()
                                .rev()
                                .find(|b| b.mark.get() < c.from_mark.get())?
                                .mark
                                .get();
                            continue 'down;
                        }
                        None => return None,
                    }
                }
            }
            break;
        }
        Mark::new(mark)
    }
}

/// Minimum scores (минимальные баллы) keyed by academic year, scheme (e.g. `attestat`,
/// `university-minpros`, `university-minobr`) and subject.
///
/// ```
/// use oko::{AcademicYear, MinimumScores};
/// let mut m = MinimumScores::default();
/// m.insert(AcademicYear(2025), "attestat", "russian", 24);
/// assert_eq!(m.get(AcademicYear(2025), "attestat", "russian"), Some(24));
/// assert!(m.passes(AcademicYear(2025), "attestat", "russian", 24) == Some(true));
/// assert!(m.passes(AcademicYear(2025), "attestat", "russian", 23) == Some(false));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinimumScores {
    table: BTreeMap<(AcademicYear, String, String), u16>,
}

impl MinimumScores {
    /// Adds or replaces a minimum.
    pub fn insert(&mut self, year: AcademicYear, scheme: &str, subject: &str, min: u16) {
        self.table
            .insert((year, scheme.into(), subject.into()), min);
    }

    /// The minimum for a year, scheme and subject.
    pub fn get(&self, year: AcademicYear, scheme: &str, subject: &str) -> Option<u16> {
        self.table
            .get(&(year, scheme.to_owned(), subject.to_owned()))
            .copied()
    }

    /// Whether `score` reaches the minimum; `None` when no minimum is defined.
    pub fn passes(
        &self,
        year: AcademicYear,
        scheme: &str,
        subject: &str,
        score: u16,
    ) -> Option<bool> {
        self.get(year, scheme, subject).map(|m| score >= m)
    }

    /// Merges another table into this one (later entries win).
    pub fn extend(&mut self, other: &MinimumScores) {
        self.table
            .extend(other.table.iter().map(|(k, v)| (k.clone(), *v)));
    }
}

/// The scales and minimum scores a ruleset provides, looked up by procedure.
#[derive(Debug, Clone, Default)]
pub struct ScaleSet {
    scales: BTreeMap<String, Scale>,
    /// Minimum scores by year, scheme and subject.
    pub minimums: MinimumScores,
}

impl ScaleSet {
    /// Adds a scale, replacing one with the same id.
    pub fn insert(&mut self, scale: Scale) {
        self.scales.insert(scale.id().to_owned(), scale);
    }

    /// The scale with this id.
    pub fn get(&self, id: &str) -> Option<&Scale> {
        self.scales.get(id)
    }

    /// All scales by id.
    pub fn iter(&self) -> impl Iterator<Item = &Scale> {
        self.scales.values()
    }
}
