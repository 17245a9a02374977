//! The rule-file format as written by people: serde and JSON Schema types, no semantics.
//! [`compile`](super::compile) turns them into checked rules and reports every problem
//! with its location.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Text in Russian and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Russian.
    pub ru: String,
    /// English.
    pub en: String,
}

/// Where a ruleset comes from: the regulation and clause it encodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// The regulation (положение, программа, план).
    pub document: String,
    /// Clause or item, e.g. "2.2.1".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    /// A link or reference number, when public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A parameter value: a number, a string such as `"15%"`, `"15pp"` or `"0.15"` (exact), or a
/// boolean. Prefer strings or integers for decimals: TOML floats are binary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ParamValue {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float (converted through its shortest decimal form).
    Float(f64),
    /// Text: a decimal (`"0.15"`), percent (`"15%"`), percentage points (`"15pp"`) or a word.
    Text(String),
}

/// A named constant of a ruleset, with its documentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawParam {
    /// Just the value.
    Value(ParamValue),
    /// The value with a description and a source.
    Documented {
        /// The value.
        value: ParamValue,
        /// What it means.
        #[serde(default)]
        doc: Option<String>,
        /// Where the value comes from (regulation, common practice).
        #[serde(default)]
        source: Option<String>,
    },
}

/// One band of a scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    /// The mark.
    pub mark: u8,
    /// Lowest primary score.
    pub min: u16,
    /// Highest primary score.
    pub max: u16,
}

/// A task-group condition of a scale (ОГЭ maths: "3" needs 2 geometry points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    /// Lowest mark it applies to.
    pub from_mark: u8,
    /// Task group.
    pub group: String,
    /// Least points from the group.
    pub min_points: u16,
}

/// A primary score → mark scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScale {
    /// Scale id, referenced by procedures.
    pub id: String,
    /// Maximum primary score.
    pub max_score: u16,
    /// Bands covering 0..=max_score.
    pub bands: Vec<RawBand>,
    /// Task-group conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<RawCondition>,
    /// Source of the scale (e.g. ФИПИ demo version 2026).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A minimum score keyed by year, scheme and subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMinimum {
    /// Academic year, e.g. "2025/26".
    pub year: String,
    /// Scheme: `attestat`, `high`, `university-minobr`, `university-minpros`, ...
    pub scheme: String,
    /// Subject.
    pub subject: String,
    /// The minimum (test score for ЕГЭ).
    pub min: u16,
}

/// Which cells a rule looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScope {
    /// `procedures` (external results, the default for rules), `marks` (internal marks),
    /// `outcomes`, `staff`, `entity` (one row per entity, no scope: the default for
    /// classifications), or `profiles` (one row per student × subject × year: the student
    /// level; `kinds` then chooses the trial-type procedures, `periods` the marks counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Procedure kinds (`vpr`, `oge`, ...); empty = all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
    /// Subjects; empty = all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<String>,
    /// Grades; empty = all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grades: Vec<u8>,
    /// Periods of internal marks (`t1`..`t4`, `h1`, `h2`, `year`); empty = all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<String>,
    /// Only scopes that have the same scope one academic year earlier in the data (for
    /// rules on dynamics that read `prev_year.*`: the others are not applicable rather than
    /// unknown).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub with_previous_year: bool,
}

/// A rule: a condition over an entity's indicators that, when true, is a finding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// Id, unique in the ruleset.
    pub id: String,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// Level: class, grade, teacher, school, municipality, region.
    pub level: String,
    /// Cells looked at.
    #[serde(default)]
    pub scope: RawScope,
    /// Derived values, computed before `when` and shown in the evidence; `when` and
    /// messages refer to them by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
    /// The condition (expression language, see the docs of `oko::expr`).
    pub when: String,
    /// `info`, `warning` or `critical`.
    #[serde(default = "default_severity")]
    pub severity: String,
    /// A category to group findings (`low_results`, `objectivity`, ...).
    #[serde(default)]
    pub category: String,
    /// Message with `{name}` placeholders for any value read, derived value or parameter,
    /// and `{entity}`, `{scope}`.
    pub message: Text,
    /// Draw conclusions from limited samples too (off by default: they are unknown).
    #[serde(default)]
    pub allow_limited: bool,
}

fn default_severity() -> String {
    "warning".to_owned()
}

/// One band (outcome) of a classification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClassBand {
    /// Label id, e.g. `risk_group`.
    pub label: String,
    /// Title shown to people.
    pub title: Text,
    /// Condition; or use `range` with the classification's `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// `[from, to)` on the classification's `value`; either end may be omitted (open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<RawRange>,
    /// Priority under the `priority` hit policy (higher wins).
    #[serde(default)]
    pub priority: i64,
    /// Suggested action or support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice: Option<Text>,
}

/// A half-open numeric band `[from, to)`, ends as decimals or percents in strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRange {
    /// Inclusive lower end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Exclusive upper end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// A classification: labels per entity from findings and indicators, with a hit policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClassification {
    /// Id, unique in the ruleset.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Level.
    pub level: String,
    /// Cells looked at (default: one row per entity).
    #[serde(default)]
    pub scope: RawScope,
    /// `first` (the first true band, in order), `priority` (the true band of highest
    /// priority), `collect` (every true band), `unique` (exactly one band may be true).
    pub hit_policy: String,
    /// The value that `range` bands cut, as an expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Derived values, as in rules.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
    /// The bands.
    pub bands: Vec<RawClassBand>,
    /// Label when no band is true (omit to give no label).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otherwise: Option<String>,
    /// Decide on limited samples too (off by default: they are unknown). For counts of a
    /// whole population, such as a school's teachers, which are not samples.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_limited: bool,
}

/// One component of the social-welfare index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIndexComponent {
    /// A context field of the schools table (percent), or `rural` (100 when rural, else 0).
    pub field: String,
    /// Weight, a decimal in a string (`"0.3"`) or an integer; weights need not add up to 1
    /// (the index divides by their sum).
    pub weight: String,
    /// `favourable` when a higher value means better conditions (parents with higher
    /// education), `unfavourable` when worse (low-income families).
    pub direction: String,
    /// Where the component and its weight come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The social-welfare index (индекс социального благополучия): a weighted mean of the
/// schools' normalised context fields, computed across the schools of the region or of each
/// municipality and read by rules as `school.social_index` (higher = more favourable).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSocialIndex {
    /// `zscore` ((x − mean) / standard deviation, population SD; 0 when all are equal) or
    /// `percentile` (mid-rank percentile 0..100: share below plus half the share equal).
    pub normalisation: String,
    /// `region` (all schools of the dataset) or `municipality` (each municipality apart).
    #[serde(default = "default_across")]
    pub across: String,
    /// The components.
    pub components: Vec<RawIndexComponent>,
}

fn default_across() -> String {
    "region".to_owned()
}

/// Labels of a classification, named by id (`id` in this ruleset, `ruleset.id` elsewhere).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLabelRef {
    /// The classification (school level).
    pub classification: String,
    /// Its labels that select schools.
    pub labels: Vec<String>,
}

/// Partner schools (seed 001, task 8): for each school with one of the `weak` labels, up to
/// `k` schools with one of the `strong` labels, nearest in social context (the social index
/// in effect for this ruleset), same municipality first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPairing {
    /// Id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Schools that get partners.
    pub weak: RawLabelRef,
    /// Schools that can be partners.
    pub strong: RawLabelRef,
    /// Partners per school: an integer or `"param.<name>"`.
    pub k: ParamValue,
    /// Partners from the school's own municipality come first (then the nearest others).
    #[serde(default = "default_true")]
    pub same_municipality_first: bool,
    /// Largest difference of the social index for a partner: a number or `"param.<name>"`;
    /// omit for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_distance: Option<ParamValue>,
}

fn default_true() -> bool {
    true
}

/// A direction or component of the МУКО scoring table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMukoItem {
    /// Id, as the evidence table's `direction` or `component` column names it.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Weight, a decimal in a string (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
}

/// A level of the МУКО score, from a percent of the maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMukoLevel {
    /// Label id (`high`, `medium`, `low`).
    pub label: String,
    /// Title.
    pub title: Text,
    /// Lowest percent of the maximum (inclusive), e.g. "80%".
    pub from: String,
}

/// Points of each evidence state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMukoPoints {
    /// Points of a present component.
    pub present: String,
    /// Points of a partial one.
    pub partial: String,
    /// Points of an absent (or missing) one.
    pub absent: String,
}

/// The МУКО self-evaluation (seed 002): directions × management-cycle components, a points
/// table and levels. Scores every school that gave evidence (table `muko_evidence`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMuko {
    /// Title of the self-evaluation.
    pub title: Text,
    /// Points per state.
    pub points: RawMukoPoints,
    /// The directions.
    pub directions: Vec<RawMukoItem>,
    /// The components of the management cycle, in order.
    pub components: Vec<RawMukoItem>,
    /// Levels; the highest `from` the percent reaches wins.
    pub levels: Vec<RawMukoLevel>,
}

/// A plan target (seed 004): an indicator compared with a target value over a period, with
/// the role responsible; evaluated per entity (and scope) to met, not met or unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    /// Id, unique in the ruleset.
    pub id: String,
    /// Title.
    pub title: Text,
    /// The plan's item, e.g. "3.2".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_item: Option<String>,
    /// Level: class, grade, teacher, school, municipality, region.
    pub level: String,
    /// Cells looked at (default: procedures).
    #[serde(default)]
    pub scope: RawScope,
    /// The measured value, an expression (`share_teachers_trained`).
    pub indicator: String,
    /// `>=`, `>`, `<=`, `<` or `==`.
    pub comparison: String,
    /// The target value, an expression (`"30%"`, `"param.trained_share"`).
    pub target: String,
    /// The academic year the target is for (`"2025/26"`); default: the ruleset's years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Who is responsible (the plan's «ответственные исполнители»).
    pub responsible: Text,
    /// Decide on small groups too (default true: a target counts every teacher or student,
    /// not a sample).
    #[serde(default = "default_true")]
    pub allow_limited: bool,
}

/// The `[objectivity]` section: how the objectivity statistics are aggregated (see
/// `oko::objectivity`). Omitted keys keep their defaults; two rulesets that set a key must
/// agree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawObjectivity {
    /// Which internal mark an external result is paired with: `last_period_before` (the
    /// last term or half-year mark final before the procedure's date; the default) or
    /// `year` (the year mark).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_mark: Option<crate::objectivity::InternalMark>,
    /// Scores per side of a mark boundary in the heaping test (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heaping_width: Option<u8>,
}

/// A ruleset file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRuleset {
    /// Format version; this is version 1.
    pub schema_version: u32,
    /// Id, e.g. `district-low-results`.
    pub id: String,
    /// Version of the ruleset (the district's own numbering).
    pub version: String,
    /// Title.
    pub title: Text,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// The regulation it encodes.
    pub source: SourceRef,
    /// Academic years it applies to ("2025/26"); empty = every year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<String>,
    /// Named constants, referenced as `param.<name>`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, RawParam>,
    /// Scales.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scales: Vec<RawScale>,
    /// Minimum scores.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub minimum_scores: Vec<RawMinimum>,
    /// Rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RawRule>,
    /// Classifications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classifications: Vec<RawClassification>,
    /// Options of the objectivity statistics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objectivity: Option<RawObjectivity>,
    /// The social-welfare index of the schools, read as `school.social_index`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_index: Option<RawSocialIndex>,
    /// Partner schools, after the classifications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairings: Vec<RawPairing>,
    /// Plan targets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<RawTarget>,
    /// МУКО self-evaluation scoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muko: Option<RawMuko>,
}

/// The JSON Schema of the rule-file format (committed at rules/schema/ruleset.schema.json).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(RawRuleset);
    let mut s = serde_json::to_string_pretty(&schema).expect("schema serialises");
    s.push('\n');
    s
}
