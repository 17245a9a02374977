//! Compiled rules: checked, typed, with expressions compiled to vectorised programs.

use super::raw::{SourceRef, Text};
use crate::aggregate::Level;
use crate::expr::Program;
use crate::indicators::Indicator;
use crate::procedure::{AcademicYear, Period, ProcedureKind};
use crate::scale::ScaleSet;
use crate::social::SocialIndexSpec;
use rust_decimal::Decimal;
use serde::Serialize;

/// A parameter's value, typed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum ParamConst {
    /// A plain number.
    Number(Decimal),
    /// A percent (`15%` is 15).
    Percent(Decimal),
    /// Percentage points (`15pp` is 15).
    Points(Decimal),
    /// A boolean.
    Bool(bool),
    /// A word.
    Str(String),
}

/// A documented parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// Name, referenced as `param.<name>`.
    pub name: String,
    /// Value.
    pub value: ParamConst,
    /// What it means.
    pub doc: Option<String>,
    /// Where the value comes from.
    pub source: Option<String>,
}

/// What a loaded ruleset is: its identity, source and parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RulesetInfo {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: Text,
    /// Regulation.
    pub source: SourceRef,
    /// Years it applies to (empty = all).
    pub years: Vec<AcademicYear>,
    /// Parameters.
    pub parameters: Vec<Param>,
    /// File it was loaded from.
    pub file: String,
    /// The objectivity options its `[objectivity]` section sets, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objectivity: Option<crate::objectivity::ObjectivityOptions>,
}

/// Which data source a rule's rows come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowSource {
    /// One row per (entity, procedure).
    Procedures,
    /// One row per (entity, subject × year × period of internal marks).
    Marks,
    /// One row per entity: student outcomes.
    Outcomes,
    /// One row per (entity, year): teacher training.
    Staff,
    /// One row per entity, no scope.
    Entity,
    /// One row per (student, subject, year) profile; the student level only.
    Profiles,
}

/// A column of a student profile (see [`Profiles`](crate::Profiles)), readable by rules of
/// the student level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileField {
    /// `internal_marks`: internal marks counted (exempt excluded).
    InternalMarks,
    /// `failing_marks`: internal marks 1, 2 or «н/а».
    FailingMarks,
    /// `last_internal_mark`: the latest period's mark.
    LastInternalMark,
    /// `trials`: trial-type results.
    Trials,
    /// `trials_below_min`: trial-type results below the minimum.
    TrialsBelowMin,
    /// `trial_trend`: latest minus previous trial completion, percentage points.
    TrialTrend,
    /// `last_trial_percent`: completion of the latest trial, percent.
    LastTrialPercent,
    /// `attendance`: the student's attendance, percent.
    Attendance,
    /// `subject`: the profile's subject.
    Subject,
    /// `grade`: the student's grade.
    Grade,
}

impl ProfileField {
    /// Every field, in catalogue order.
    pub const ALL: [ProfileField; 10] = [
        ProfileField::InternalMarks,
        ProfileField::FailingMarks,
        ProfileField::LastInternalMark,
        ProfileField::Trials,
        ProfileField::TrialsBelowMin,
        ProfileField::TrialTrend,
        ProfileField::LastTrialPercent,
        ProfileField::Attendance,
        ProfileField::Subject,
        ProfileField::Grade,
    ];

    /// The name rules use.
    pub fn name(self) -> &'static str {
        match self {
            ProfileField::InternalMarks => "internal_marks",
            ProfileField::FailingMarks => "failing_marks",
            ProfileField::LastInternalMark => "last_internal_mark",
            ProfileField::Trials => "trials",
            ProfileField::TrialsBelowMin => "trials_below_min",
            ProfileField::TrialTrend => "trial_trend",
            ProfileField::LastTrialPercent => "last_trial_percent",
            ProfileField::Attendance => "attendance",
            ProfileField::Subject => "subject",
            ProfileField::Grade => "grade",
        }
    }
}

/// A filter on scopes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScopeFilter {
    /// Kinds (empty = all).
    pub kinds: Vec<ProcedureKind>,
    /// Subjects (empty = all).
    pub subjects: Vec<String>,
    /// Grades (empty = all).
    pub grades: Vec<u8>,
    /// Periods (empty = all).
    pub periods: Vec<Period>,
    /// Only scopes with the same scope one year earlier.
    pub with_previous_year: bool,
}

/// An entity attribute readable by rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attr {
    /// `school.kind`.
    SchoolKind,
    /// `school.selective`: lyceum, gymnasium, in-depth study.
    SchoolSelective,
    /// `school.rural`.
    SchoolRural,
    /// `context.<field>` of the entity's school (percent).
    Context(String),
    /// `procedure.kind`.
    ProcedureKind,
    /// `procedure.subject`.
    ProcedureSubject,
    /// `procedure.grade`.
    ProcedureGrade,
    /// `school.social_index`: the index of [`Rules::social_indexes`] at this position.
    SocialIndex(usize),
    /// `teacher.years_since_training`: whole years from the teacher's latest training to the
    /// end of the row's academic year (31 August).
    TeacherYearsSinceTraining,
    /// `teacher.competency_score`: the latest competency-test result, percent of the maximum.
    TeacherCompetencyScore,
    /// `teacher.category`: the qualification category.
    TeacherCategory,
}

/// One input column of a rule's programs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// An indicator of the row's entity (`at` = None) or of an ancestor, this year or last.
    Indicator {
        /// Ancestor level, or the row's own entity.
        at: Option<Level>,
        /// The same scope one year earlier.
        prev_year: bool,
        /// Which indicator.
        indicator: Indicator,
    },
    /// A parameter of the rule's ruleset (index into its parameters).
    Param(usize),
    /// A derived value of the rule (index into its values).
    Derived(usize),
    /// An attribute.
    Attr(Attr),
    /// A column of the row's student profile.
    Profile(ProfileField),
    /// Findings (or undetermined outcomes) of an earlier rule for the row's entity.
    Findings {
        /// Rule index.
        rule: usize,
        /// Count undetermined outcomes instead of findings.
        undetermined: bool,
    },
}

/// Severity of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For information.
    Info,
    /// Needs attention.
    Warning,
    /// Needs action.
    Critical,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Index of its ruleset.
    pub ruleset: usize,
    /// Id.
    pub id: String,
    /// Title.
    pub title: Option<Text>,
    /// Level.
    pub level: Level,
    /// Row source.
    pub source: RowSource,
    /// Scope filter.
    pub filter: ScopeFilter,
    /// Input columns.
    pub inputs: Vec<Input>,
    /// Derived values.
    pub values: Vec<(String, Program)>,
    /// The condition.
    pub when: Program,
    /// Severity.
    pub severity: Severity,
    /// Category.
    pub category: String,
    /// Message template.
    pub message: Text,
    /// Conclude on limited samples.
    pub allow_limited: bool,
}

/// How a classification picks labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HitPolicy {
    /// The first true band in order.
    First,
    /// The true band with the highest priority.
    Priority,
    /// Every true band.
    Collect,
    /// Exactly one band may be true.
    Unique,
}

/// How a band decides.
#[derive(Debug, Clone)]
pub enum BandTest {
    /// A condition.
    When(Program),
    /// `[from, to)` on the classification's value.
    Range(Option<Decimal>, Option<Decimal>),
}

/// A band of a classification.
#[derive(Debug, Clone)]
pub struct Band {
    /// Label id.
    pub label: String,
    /// Title.
    pub title: Text,
    /// Test.
    pub test: BandTest,
    /// Priority.
    pub priority: i64,
    /// Suggested action.
    pub advice: Option<Text>,
}

/// A compiled classification.
#[derive(Debug, Clone)]
pub struct Classification {
    /// Ruleset index.
    pub ruleset: usize,
    /// Id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Level.
    pub level: Level,
    /// Row source.
    pub source: RowSource,
    /// Scope filter.
    pub filter: ScopeFilter,
    /// Hit policy.
    pub hit_policy: HitPolicy,
    /// Inputs shared by the value, derived values and bands.
    pub inputs: Vec<Input>,
    /// Derived values.
    pub values: Vec<(String, Program)>,
    /// The value cut by range bands.
    pub value: Option<Program>,
    /// Bands.
    pub bands: Vec<Band>,
    /// Label when nothing matches.
    pub otherwise: Option<String>,
    /// Decide on limited samples too.
    pub allow_limited: bool,
}

/// A compiled МУКО scoring table.
#[derive(Debug, Clone)]
pub struct MukoRule {
    /// Ruleset index.
    pub ruleset: usize,
    /// Title.
    pub title: Text,
    /// The table.
    pub spec: crate::muko::MukoSpec,
}

/// A compiled plan target.
#[derive(Debug, Clone)]
pub struct TargetRule {
    /// Ruleset index.
    pub ruleset: usize,
    /// Id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Plan item.
    pub plan_item: Option<String>,
    /// Level.
    pub level: Level,
    /// Row source.
    pub source: RowSource,
    /// Scope filter.
    pub filter: ScopeFilter,
    /// Input columns.
    pub inputs: Vec<Input>,
    /// The measured value.
    pub measure: Program,
    /// The target value.
    pub target: Program,
    /// `measure <comparison> target`.
    pub met: Program,
    /// The comparison as written.
    pub comparison: String,
    /// The period (academic year), when given.
    pub period: Option<AcademicYear>,
    /// Responsible role.
    pub responsible: Text,
    /// Decide on limited samples.
    pub allow_limited: bool,
}

/// A compiled pairing of weak schools with strong partners (see [`crate::pair_schools`]).
#[derive(Debug, Clone)]
pub struct PairingRule {
    /// Ruleset index.
    pub ruleset: usize,
    /// Id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// The classification (index into [`Rules::classifications`]) and labels of weak schools.
    pub weak: (usize, Vec<String>),
    /// The classification and labels of strong schools.
    pub strong: (usize, Vec<String>),
    /// Partners per school.
    pub k: usize,
    /// Own municipality first.
    pub same_municipality_first: bool,
    /// Largest index difference.
    pub max_distance: Option<Decimal>,
    /// The social index used (index into [`Rules::social_indexes`]).
    pub social_index: usize,
}

/// A compiled, checked set of rulesets, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Rules {
    pub(crate) rulesets: Vec<RulesetInfo>,
    pub(crate) scales: ScaleSet,
    pub(crate) rules: Vec<Rule>,
    pub(crate) classifications: Vec<Classification>,
    pub(crate) warnings: Vec<super::RuleDiagnostic>,
    /// Objectivity options set by the rulesets' `[objectivity]` sections (`None`: defaults).
    pub(crate) objectivity: Option<crate::objectivity::ObjectivityOptions>,
    pub(crate) social_indexes: Vec<(usize, SocialIndexSpec)>,
    pub(crate) pairings: Vec<PairingRule>,
    pub(crate) targets: Vec<TargetRule>,
    pub(crate) muko: Vec<MukoRule>,
}

impl Rules {
    /// The rulesets, in load order.
    pub fn rulesets(&self) -> &[RulesetInfo] {
        &self.rulesets
    }
    /// Scales and minimum scores of all rulesets.
    pub fn scales(&self) -> &ScaleSet {
        &self.scales
    }
    /// Rules, in evaluation order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
    /// Classifications, in evaluation order.
    pub fn classifications(&self) -> &[Classification] {
        &self.classifications
    }
    /// Lint warnings (gaps and overlaps between bands, ...).
    pub fn warnings(&self) -> &[super::RuleDiagnostic] {
        &self.warnings
    }
    /// The objectivity options the rulesets set (the defaults when none has an
    /// `[objectivity]` section); evaluation aggregates with them.
    pub fn objectivity(&self) -> crate::objectivity::ObjectivityOptions {
        self.objectivity.unwrap_or_default()
    }
    /// Social-welfare indexes, each with the index of the ruleset that defines it.
    pub fn social_indexes(&self) -> &[(usize, SocialIndexSpec)] {
        &self.social_indexes
    }
    /// Pairings, in evaluation order (after every classification).
    pub fn pairings(&self) -> &[PairingRule] {
        &self.pairings
    }
    /// Plan targets.
    pub fn targets(&self) -> &[TargetRule] {
        &self.targets
    }
    /// МУКО scoring tables.
    pub fn muko(&self) -> &[MukoRule] {
        &self.muko
    }
}
