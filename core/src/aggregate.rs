//! Aggregation of indicator states at every level and scope, in one pass over the rows.
//!
//! Results and marks are counted into class cells (class × scope) through a dense
//! lookup table, with no per-row allocation; every higher level is a merge of the cells
//! below it (class → grade → school → municipality → region; class × subject → teacher).
//! Because states merge exactly, a school's median is the median of all its students,
//! not a median of class medians.

use crate::dataset::{Dataset, NO_SCORE};
use crate::ids::{FastMap, FastSet};
use crate::indicators::{
    CellState, Indicator, IndicatorValue, ScoreHistogram, Source, Threshold, Thresholds, compute,
};
use crate::procedure::{AcademicYear, Period, ProcedureKind};
use crate::scale::ScaleSet;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// A level of the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A class (5А).
    Class,
    /// A grade within a school (all grade-5 classes of a school).
    Grade,
    /// A teacher (through the classes and subjects they teach).
    Teacher,
    /// A school.
    School,
    /// A municipality.
    Municipality,
    /// The region (everything in the dataset).
    Region,
    /// A student: rules read (student, subject) profiles at this level (see
    /// [`Profiles`](crate::Profiles)); it has no aggregated cells and is not in [`Level::ALL`].
    Student,
}

impl Level {
    /// All levels, lowest first.
    pub const ALL: [Level; 6] = [
        Level::Class,
        Level::Grade,
        Level::Teacher,
        Level::School,
        Level::Municipality,
        Level::Region,
    ];

    /// Identifier used in rules and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Class => "class",
            Level::Grade => "grade",
            Level::Teacher => "teacher",
            Level::School => "school",
            Level::Municipality => "municipality",
            Level::Region => "region",
            Level::Student => "student",
        }
    }

    /// Parses an identifier (any level, `student` included).
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL
            .into_iter()
            .chain([Level::Student])
            .find(|l| l.as_str() == s)
    }
}

/// What a cell aggregates over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Scope {
    /// The results of one procedure (index into [`Dataset::procedures`]).
    Procedure {
        /// Procedure index.
        procedure: u32,
    },
    /// Internal marks in one subject, year and period.
    Internal {
        /// Subject index.
        subject: u32,
        /// Academic year.
        year: AcademicYear,
        /// Period.
        period: Period,
    },
    /// Student outcomes (attestat, olympiads).
    Outcomes,
    /// Teacher training in one academic year.
    Staff {
        /// Academic year.
        year: AcademicYear,
    },
}

impl Scope {
    /// The data source of indicators that apply to this scope.
    pub fn applies(&self, source: Source) -> bool {
        matches!(
            (self, source),
            (Scope::Procedure { .. }, Source::Marks | Source::Scores)
                | (Scope::Internal { .. }, Source::Marks)
                | (Scope::Procedure { .. }, Source::Objectivity)
                | (Scope::Outcomes, Source::Outcomes)
                | (Scope::Staff { .. }, Source::Staff)
        )
    }

    /// A readable label, e.g. `vpr math 5 2025/26` or `marks math 2025/26 t2`.
    pub fn label(&self, ds: &Dataset) -> String {
        match *self {
            Scope::Procedure { procedure } => ds.procedures()[procedure as usize].label(),
            Scope::Internal {
                subject,
                year,
                period,
            } => {
                format!(
                    "marks {} {} {}",
                    ds.subjects().name(subject),
                    year,
                    period.as_text()
                )
            }
            Scope::Outcomes => "outcomes".to_owned(),
            Scope::Staff { year } => format!("staff {year}"),
        }
    }
}

/// Options of aggregation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AggregateOptions {
    /// Below this n a value is marked as a limited sample (DOMAIN.md: 10).
    pub min_sample: u64,
    /// Which internal mark external results are paired with, and the heaping window; a
    /// ruleset sets them in its `[objectivity]` section.
    pub objectivity: crate::objectivity::ObjectivityOptions,
}

impl Default for AggregateOptions {
    fn default() -> Self {
        AggregateOptions {
            min_sample: 10,
            objectivity: Default::default(),
        }
    }
}

/// One cell: an entity of a level in a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    /// Scope index into [`Aggregates::scopes`].
    pub scope: u32,
    /// Entity index at the level (class, grade, teacher, school, municipality; 0 for region).
    pub entity: u32,
}

#[derive(Debug, Default, Clone)]
struct LevelCells {
    cells: Vec<Cell>,
    states: Vec<CellState>,
    index: FastMap<Cell, u32>,
}

/// Cells of a level while they are being counted: the states in one vector, a map from
/// cell to position beside it. (A map holding the states themselves took twice their
/// size in empty buckets, and as much again while it grew.)
#[derive(Debug, Default)]
struct CellMap {
    index: FastMap<Cell, u32>,
    pairs: Vec<(Cell, CellState)>,
}

impl CellMap {
    /// The state of a cell, added empty when new.
    fn entry(&mut self, cell: Cell) -> &mut CellState {
        let next = self.pairs.len() as u32;
        let i = *self.index.entry(cell).or_insert(next);
        if i == next {
            self.pairs.push((cell, CellState::default()));
        }
        &mut self.pairs[i as usize].1
    }

    /// Sets the state of a cell.
    fn insert(&mut self, cell: Cell, state: CellState) {
        *self.entry(cell) = state;
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = (&Cell, &mut CellState)> {
        self.pairs.iter_mut().map(|(c, s)| (&*c, s))
    }
}

impl LevelCells {
    fn from_map(map: CellMap) -> Self {
        let CellMap { index, mut pairs } = map;
        drop(index);
        // Sort the cells with their positions and move each state once: sorting the pairs
        // themselves moved the (large) states again and again.
        let mut order: Vec<(Cell, u32)> = pairs
            .iter()
            .enumerate()
            .map(|(i, (c, _))| (*c, i as u32))
            .collect();
        order.sort_unstable();
        let cells: Vec<Cell> = order.iter().map(|(c, _)| *c).collect();
        let states = order
            .iter()
            .map(|&(_, i)| std::mem::take(&mut pairs[i as usize].1))
            .collect();
        let index = cells
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, i as u32))
            .collect();
        LevelCells {
            cells,
            states,
            index,
        }
    }

    fn roll_up(&self, parent: impl Fn(Cell) -> Option<Cell>) -> CellMap {
        let mut out = CellMap::default();
        for (c, s) in self.cells.iter().zip(&self.states) {
            if let Some(p) = parent(*c) {
                out.entry(p).merge(s);
            }
        }
        out
    }
}

/// Indicator states for every level and scope of a dataset.
#[derive(Debug, Clone)]
pub struct Aggregates {
    scopes: Vec<Scope>,
    thresholds: Vec<Thresholds>,
    max_scores: Vec<u16>,
    levels: Vec<LevelCells>,
    options: AggregateOptions,
    /// Per scope: what the objectivity indicators need besides states.
    pub(crate) objectivity: Vec<crate::objectivity::ScopeMeta>,
}

const NONE: u32 = u32::MAX;

/// Aggregates every indicator state of `ds`. Marks missing from results are derived from
/// the procedure's scale in `scales` when it has one.
///
/// ```
/// # use oko::*;
/// let ds = oko::generate(&GeneratorConfig::tiny(1)).dataset;
/// let agg = aggregate(&ds, &ScaleSet::default(), AggregateOptions::default());
/// let region = agg.value(Level::Region, 0, 0, Indicator::Count).unwrap();
/// assert!(region.n > 0);
/// ```
pub fn aggregate(ds: &Dataset, scales: &ScaleSet, options: AggregateOptions) -> Aggregates {
    // Scopes in a stable order that does not depend on row order.
    let mut scopes: Vec<Scope> = (0..ds.procedures().len() as u32)
        .map(|p| Scope::Procedure { procedure: p })
        .collect();
    scopes.sort_by_cached_key(|s| scope_key(ds, s));
    let marks = ds.marks();
    // Distinct (subject, year, period) keys without a string per row; ordered by subject
    // name so that the order does not depend on which subject was interned first.
    let distinct: FastSet<(u32, u16, u8)> = (0..marks.len())
        .map(|i| (marks.subject[i], marks.year[i], marks.period[i]))
        .collect();
    let mut internal: Vec<(u32, u16, u8)> = distinct.into_iter().collect();
    internal.sort_by(|a, b| {
        (ds.subjects().name(a.0), a.1, a.2).cmp(&(ds.subjects().name(b.0), b.1, b.2))
    });
    for (subject, year, period) in internal {
        scopes.push(Scope::Internal {
            subject,
            year: AcademicYear(year),
            period: Period::from_code(period),
        });
    }
    scopes.push(Scope::Outcomes);
    // Staff indicators are reported for the years under monitoring: those with procedures.
    let staff_years: BTreeSet<AcademicYear> = ds.procedures().iter().map(|p| p.year).collect();
    scopes.extend(staff_years.iter().map(|&year| Scope::Staff { year }));
    let scope_index: HashMap<Scope, u32> = scopes
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i as u32))
        .collect();

    let (thresholds, max_scores) = scopes
        .iter()
        .map(|s| scope_thresholds(ds, scales, s))
        .unzip();

    let classes = ds.classes().len();
    // Results and marks are counted side by side (two cores); their cells differ in scope.
    let (marks_map, mut class_map) = crate::parallel::join(
        || count_marks(ds, &scope_index, classes),
        || count_results(ds, scales, &scope_index, classes, &options),
    );
    for (cell, state) in marks_map.pairs {
        class_map.insert(cell, state);
    }
    count_outcomes(ds, scope_index[&Scope::Outcomes], &mut class_map);
    enrolment(ds, &scopes, &mut class_map, Level::Class);

    let class = LevelCells::from_map(class_map);
    // Teachers and grades both come from classes: side by side.
    let (teacher, (grade, mut school_map)) = crate::parallel::join(
        || {
            LevelCells::from_map(teacher_cells(
                ds,
                &scopes,
                &class,
                &staff_years,
                &scope_index,
            ))
        },
        || {
            let mut grade_map = class.roll_up(|c| {
                Some(Cell {
                    scope: c.scope,
                    entity: ds.classes()[c.entity as usize].grade_entity,
                })
            });
            // A grade's roster includes its classes that wrote nothing.
            enrolment(ds, &scopes, &mut grade_map, Level::Grade);
            let grade = LevelCells::from_map(grade_map);
            let school_map = grade.roll_up(|c| {
                Some(Cell {
                    scope: c.scope,
                    entity: ds.grades()[c.entity as usize].school,
                })
            });
            (grade, school_map)
        },
    );
    // Staff counts reach schools from teachers; everything else from grades.
    for (cell, state) in teacher.cells.iter().zip(&teacher.states) {
        if matches!(scopes[cell.scope as usize], Scope::Staff { .. }) {
            let school = ds.teachers()[cell.entity as usize].school;
            school_map
                .entry(Cell {
                    scope: cell.scope,
                    entity: school,
                })
                .merge(state);
        }
    }
    let school = LevelCells::from_map(school_map);
    let municipality = LevelCells::from_map(school.roll_up(|c| {
        Some(Cell {
            scope: c.scope,
            entity: ds.schools()[c.entity as usize].municipality,
        })
    }));
    let region = LevelCells::from_map(municipality.roll_up(|c| {
        Some(Cell {
            scope: c.scope,
            entity: 0,
        })
    }));
    let objectivity = crate::objectivity::scope_meta(ds, scales, &scopes, |scope| {
        let i = *region.index.get(&Cell { scope, entity: 0 })?;
        Some(&region.states[i as usize].objectivity.as_deref()?.tasks)
    });
    Aggregates {
        scopes,
        thresholds,
        max_scores,
        // The student level has no cells: its rules read profiles (crate::profiles).
        levels: vec![
            class,
            grade,
            teacher,
            school,
            municipality,
            region,
            LevelCells::default(),
        ],
        options,
        objectivity,
    }
}

fn scope_key(ds: &Dataset, s: &Scope) -> (u8, String, u8, AcademicYear, String) {
    match *s {
        Scope::Procedure { procedure } => {
            let p = &ds.procedures()[procedure as usize];
            (
                p.kind as u8,
                p.subject.clone(),
                p.grade,
                p.year,
                p.id.clone(),
            )
        }
        _ => (u8::MAX, String::new(), 0, AcademicYear(0), String::new()),
    }
}

pub(crate) fn scope_thresholds(ds: &Dataset, scales: &ScaleSet, s: &Scope) -> (Thresholds, u16) {
    let Scope::Procedure { procedure } = *s else {
        return (Thresholds::default(), 0);
    };
    let p = &ds.procedures()[procedure as usize];
    let scale = p.scale.as_deref().and_then(|id| scales.get(id));
    let test = |scheme: &str| {
        scales
            .minimums
            .get(p.year, scheme, &p.subject)
            .map(Threshold::Test)
    };
    let primary = |mark: u8| {
        scale
            .and_then(|s| s.min_score_for(mark))
            .map(Threshold::Primary)
    };
    let th = if p.kind == ProcedureKind::Ege {
        Thresholds {
            below_min: test("attestat").or(primary(3)),
            high: test("high").or(primary(5)),
        }
    } else {
        Thresholds {
            below_min: primary(3),
            high: primary(5),
        }
    };
    (th, p.max_score)
}

fn count_results(
    ds: &Dataset,
    scales: &ScaleSet,
    scope_index: &HashMap<Scope, u32>,
    classes: usize,
    options: &AggregateOptions,
) -> CellMap {
    let mut pairing = crate::objectivity::Pairing::new(ds, &options.objectivity);
    let procs = ds.procedures();
    let scope_of: Vec<u32> = (0..procs.len() as u32)
        .map(|p| scope_index[&Scope::Procedure { procedure: p }])
        .collect();
    let scale_of: Vec<_> = procs
        .iter()
        .map(|p| p.scale.as_deref().and_then(|id| scales.get(id)))
        .collect();
    // Dense (procedure, class) → slot table: one lookup per row, no hashing.
    let mut slot = vec![NONE; procs.len() * classes];
    let mut states: Vec<CellState> = Vec::new();
    let mut keys: Vec<Cell> = Vec::new();
    let r = ds.results();
    let mut group_points: Vec<(&str, u16)> = Vec::new();
    for i in 0..r.len() {
        let p = r.procedure[i] as usize;
        let c = r.class[i] as usize;
        let si = &mut slot[p * classes + c];
        if *si == NONE {
            *si = states.len() as u32;
            states.push(CellState {
                scores: ScoreHistogram::new(procs[p].max_score),
                ..Default::default()
            });
            keys.push(Cell {
                scope: scope_of[p],
                entity: c as u32,
            });
        }
        let st = &mut states[*si as usize];
        let score = r.score[i];
        if score != NO_SCORE {
            st.scores.add(score);
        }
        if r.test_score[i] != NO_SCORE {
            if st.test_scores.counts().is_empty() {
                st.test_scores = ScoreHistogram::new(100);
            }
            st.test_scores.add(r.test_score[i]);
        }
        let mark = match (r.mark[i], scale_of[p]) {
            (m, _) if m != 0 => Some(m),
            (_, Some(scale)) if score != NO_SCORE => {
                let tasks = r.task_scores(i);
                if scale.conditions().is_empty() || tasks.is_empty() {
                    scale.mark(score, |_| None).map(|m| m.get())
                } else {
                    group_points.clear();
                    for (t, &pts) in procs[p].tasks.iter().zip(tasks) {
                        if let Some(g) = &t.group {
                            match group_points.iter_mut().find(|(name, _)| name == g) {
                                Some((_, sum)) => *sum += pts,
                                None => group_points.push((g, pts)),
                            }
                        }
                    }
                    let gp = &group_points;
                    scale
                        .mark(score, |g| {
                            Some(
                                gp.iter()
                                    .find(|(name, _)| *name == g)
                                    .map_or(0, |(_, s)| *s),
                            )
                        })
                        .map(|m| m.get())
                }
            }
            _ => None,
        };
        match mark {
            Some(m) => st.marks.add_code(m),
            None => st.unmarked += 1,
        }
        pairing.add(ds, i, *si, st, mark);
    }
    pairing.finish(&mut states);
    let mut out = CellMap::default();
    for (k, s) in keys.into_iter().zip(states) {
        out.insert(k, s);
    }
    out
}

fn count_marks(ds: &Dataset, scope_index: &HashMap<Scope, u32>, classes: usize) -> CellMap {
    let mut out = CellMap::default();
    let m = ds.marks();
    if m.is_empty() {
        return out;
    }
    let students = ds.students().class();
    // A dense key for (subject, year, period): no hashing per row.
    let min_year = *m.year.iter().min().expect("non-empty");
    let years = usize::from(*m.year.iter().max().expect("non-empty") - min_year) + 1;
    const PERIODS: usize = 21; // period codes are < 21
    let key_of = |i: usize| {
        (m.subject[i] as usize * years + usize::from(m.year[i] - min_year)) * PERIODS
            + usize::from(m.period[i])
    };
    let mut table_of_key: Vec<u32> = vec![NONE; ds.subjects().len() * years * PERIODS];
    let mut slot_tables: Vec<Vec<u32>> = Vec::new();
    let mut states: Vec<CellState> = Vec::new();
    let mut keys: Vec<Cell> = Vec::new();
    for i in 0..m.len() {
        let k = key_of(i);
        if table_of_key[k] == NONE {
            table_of_key[k] = slot_tables.len() as u32;
            slot_tables.push(vec![NONE; classes]);
        }
        let slots = &mut slot_tables[table_of_key[k] as usize];
        let c = students[m.student[i] as usize] as usize;
        if slots[c] == NONE {
            slots[c] = states.len() as u32;
            states.push(CellState::default());
            let scope = Scope::Internal {
                subject: m.subject[i],
                year: AcademicYear(m.year[i]),
                period: Period::from_code(m.period[i]),
            };
            keys.push(Cell {
                scope: scope_index[&scope],
                entity: c as u32,
            });
        }
        states[slots[c] as usize].marks.add_code(m.value[i]);
    }
    for (k, s) in keys.into_iter().zip(states) {
        out.insert(k, s);
    }
    out
}

fn count_outcomes(ds: &Dataset, scope: u32, out: &mut CellMap) {
    let st = ds.students();
    for i in 0..st.len() {
        let o = &mut out
            .entry(Cell {
                scope,
                entity: st.class[i],
            })
            .outcomes;
        if let Some(a) = st.attestat[i] {
            o.graduates += 1;
            o.without_attestat += u32::from(!a);
            o.honours += u32::from(a && st.honours[i] == Some(true));
        }
        if let Some(ol) = st.olympiad[i] {
            o.students += 1;
            o.olympiad_participants += u32::from(ol != crate::Olympiad::None);
            o.olympiad_winners += u32::from(matches!(
                ol,
                crate::Olympiad::Winner | crate::Olympiad::PrizeWinner
            ));
        }
    }
}

/// Sets `enrolled` on the cells of this year's procedures (the latest year of the data: the
/// students table is the current roster) for the classes or grades of the procedure's grade.
fn enrolment(ds: &Dataset, scopes: &[Scope], map: &mut CellMap, level: Level) {
    let Some(latest) = ds.procedures().iter().map(|p| p.year).max() else {
        return;
    };
    let mut size = vec![0u32; ds.entity_count(level)];
    for &c in ds.students().class() {
        let e = match level {
            Level::Grade => ds.classes()[c as usize].grade_entity,
            _ => c,
        };
        size[e as usize] += 1;
    }
    for (cell, state) in map.iter_mut() {
        let Scope::Procedure { procedure } = scopes[cell.scope as usize] else {
            continue;
        };
        let p = &ds.procedures()[procedure as usize];
        let grade = match level {
            Level::Grade => ds.grades()[cell.entity as usize].grade,
            _ => ds.classes()[cell.entity as usize].grade,
        };
        state.enrolled = if p.year == latest && p.grade == grade {
            size[cell.entity as usize]
        } else {
            0
        };
    }
}

fn teacher_cells(
    ds: &Dataset,
    scopes: &[Scope],
    class: &LevelCells,
    staff_years: &BTreeSet<AcademicYear>,
    scope_index: &HashMap<Scope, u32>,
) -> CellMap {
    let mut out = CellMap::default();
    // Class cells by class, so each assignment finds its cells without a scan of all cells.
    let mut by_class: Vec<Vec<u32>> = vec![Vec::new(); ds.classes().len()];
    for (i, c) in class.cells.iter().enumerate() {
        by_class[c.entity as usize].push(i as u32);
    }
    // A teacher may be assigned twice to one class and subject; count the class once.
    let mut seen: BTreeSet<(u32, u32, u32)> = BTreeSet::new();
    for a in ds.assignments() {
        if !seen.insert((a.teacher, a.class, a.subject)) {
            continue;
        }
        for &ci in &by_class[a.class as usize] {
            let cell = class.cells[ci as usize];
            let subject = match scopes[cell.scope as usize] {
                Scope::Procedure { procedure } => ds.procedure_subjects()[procedure as usize],
                Scope::Internal { subject, .. } => subject,
                _ => continue,
            };
            if subject == a.subject {
                out.entry(Cell {
                    scope: cell.scope,
                    entity: a.teacher,
                })
                .merge(&class.states[ci as usize]);
            }
        }
    }
    // Training years per teacher, once, so the staff cells cost O(teachers + trainings).
    let mut trained: Vec<Vec<(AcademicYear, bool)>> = vec![Vec::new(); ds.teachers().len()];
    for tr in ds.trainings() {
        trained[tr.teacher as usize].push((tr.date.academic_year(), tr.assessment));
    }
    for &year in staff_years {
        let scope = scope_index[&Scope::Staff { year }];
        for (t, records) in trained.iter().enumerate() {
            let s = &mut out
                .entry(Cell {
                    scope,
                    entity: t as u32,
                })
                .staff;
            s.teachers = 1;
            s.trained = u32::from(records.iter().any(|&(y, _)| y == year));
            s.trained_assessment = u32::from(records.iter().any(|&(y, a)| y == year && a));
        }
    }
    out
}

impl Aggregates {
    /// The scopes, indexed by [`Cell::scope`].
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// Index of a scope.
    pub fn scope_index(&self, scope: &Scope) -> Option<u32> {
        self.scopes
            .iter()
            .position(|s| s == scope)
            .map(|i| i as u32)
    }

    /// The cells of a level, sorted by scope then entity.
    pub fn cells(&self, level: Level) -> &[Cell] {
        &self.levels[level as usize].cells
    }

    /// The state of a cell.
    pub fn state(&self, level: Level, entity: u32, scope: u32) -> Option<&CellState> {
        let l = &self.levels[level as usize];
        l.index
            .get(&Cell { scope, entity })
            .map(|&i| &l.states[i as usize])
    }

    /// The options used.
    pub fn options(&self) -> AggregateOptions {
        self.options
    }

    /// Score thresholds of a scope.
    pub fn thresholds(&self, scope: u32) -> &Thresholds {
        &self.thresholds[scope as usize]
    }

    /// An indicator's value for an entity in a scope; `None` when the entity has no data in
    /// the scope or the indicator does not apply to it.
    pub fn value(
        &self,
        level: Level,
        entity: u32,
        scope: u32,
        ind: Indicator,
    ) -> Option<IndicatorValue> {
        if !self.scopes[scope as usize].applies(ind.info().source) {
            return None;
        }
        if ind.info().source == Source::Objectivity {
            return crate::objectivity::value(self, level, entity, scope, ind);
        }
        let s = self.state(level, entity, scope)?;
        Some(self.compute_in(scope, s, ind))
    }

    /// The value of an indicator for the cell at position `index` of
    /// [`cells(level)`](Self::cells): the same as [`Aggregates::value`] for that cell, without
    /// looking the cell up. For callers that walk a level's cells in order.
    ///
    /// ```
    /// # use oko::*;
    /// let ds = oko::generate(&GeneratorConfig::tiny(1)).dataset;
    /// let agg = aggregate(&ds, &ScaleSet::default(), AggregateOptions::default());
    /// for (i, c) in agg.cells(Level::School).iter().enumerate() {
    ///     for &ind in Indicator::ALL {
    ///         assert_eq!(agg.value_at(Level::School, i, ind), agg.value(Level::School, c.entity, c.scope, ind));
    ///     }
    /// }
    /// ```
    pub fn value_at(&self, level: Level, index: usize, ind: Indicator) -> Option<IndicatorValue> {
        let l = &self.levels[level as usize];
        let cell = *l.cells.get(index)?;
        if !self.scopes[cell.scope as usize].applies(ind.info().source) {
            return None;
        }
        if ind.info().source == Source::Objectivity {
            return crate::objectivity::value(self, level, cell.entity, cell.scope, ind);
        }
        Some(self.compute_in(cell.scope, &l.states[index], ind))
    }

    fn compute_in(&self, scope: u32, s: &CellState, ind: Indicator) -> IndicatorValue {
        compute(
            ind,
            s,
            self.max_scores[scope as usize],
            &self.thresholds[scope as usize],
            self.options.min_sample,
        )
    }
}
