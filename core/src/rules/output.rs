//! What evaluation produces: findings, undetermined outcomes and labels, each with the
//! evidence that explains it. "Why is this school flagged?" is answered by the output alone.

use super::RuleDiagnostic;
use super::ir::{RulesetInfo, Severity};
use super::raw::Text;
use crate::aggregate::Level;
use rust_decimal::Decimal;
use serde::Serialize;

/// An entity named in the output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EntityRef {
    /// Level.
    pub level: Level,
    /// Id (for a grade: `school/grade`; for the region: `region`).
    pub id: String,
    /// Name shown to people.
    pub name: String,
    /// Its school's id, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    /// Its municipality's id, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
}

/// A value in evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EvidenceValue {
    /// A decimal (serialised as a string, exact).
    Decimal(Decimal),
    /// A boolean.
    Bool(bool),
    /// Text.
    Text(String),
    /// Unknown.
    Unknown,
}

/// What an evidence item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceRole {
    /// An indicator of the entity itself.
    Indicator,
    /// An indicator of an ancestor or of the previous year: a reference compared against.
    Reference,
    /// A parameter (threshold).
    Parameter,
    /// A derived value of the rule.
    Derived,
    /// An attribute of the entity.
    Attribute,
    /// A count of findings of another rule.
    Findings,
}

/// One value a rule read, with its sample size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The name as rules write it (`municipality.median_score`).
    pub name: String,
    /// What it is.
    pub role: EvidenceRole,
    /// The exact value.
    pub value: EvidenceValue,
    /// Unit: `number`, `percent`, `points`, `bool`, `text`.
    pub unit: &'static str,
    /// Sample size of an indicator value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// True when the indicator's sample is limited.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub limited: bool,
    /// Why the value is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_reason: Option<String>,
}

/// A rule whose condition held for an entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Ruleset id.
    pub ruleset: String,
    /// Ruleset version.
    pub version: String,
    /// Rule id.
    pub rule: String,
    /// Rule title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// The entity.
    pub entity: EntityRef,
    /// The scope (procedure, marks period), when the rule has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Severity.
    pub severity: Severity,
    /// Category.
    pub category: String,
    /// Always `true`: findings are the rows where the condition held.
    pub outcome: bool,
    /// The condition as written.
    pub condition: String,
    /// Every value read.
    pub evidence: Vec<Evidence>,
    /// The message, placeholders filled.
    pub message: Text,
}

/// A rule or classification that could not be decided for an entity, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Undetermined {
    /// Ruleset id.
    pub ruleset: String,
    /// Rule or classification id.
    pub rule: String,
    /// The entity.
    pub entity: EntityRef,
    /// The scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Stable code of the reason (`unknown.limited_sample`, `unknown.missing`, ...).
    pub reason_code: &'static str,
    /// The reason.
    pub reason: String,
    /// Every value read.
    pub evidence: Vec<Evidence>,
}

/// A label given by a classification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Label {
    /// Ruleset id.
    pub ruleset: String,
    /// Classification id.
    pub classification: String,
    /// The entity.
    pub entity: EntityRef,
    /// The scope, for scoped classifications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Label id.
    pub label: String,
    /// Title.
    pub title: Text,
    /// Suggested action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<Text>,
    /// Which bands were true (all of them under `collect`; for others, the deciding one).
    pub bands: Vec<String>,
    /// Every value read.
    pub evidence: Vec<Evidence>,
}

/// Counts per rule: how many rows were looked at and what came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleSummary {
    /// Ruleset id.
    pub ruleset: String,
    /// Rule or classification id.
    pub rule: String,
    /// Level.
    pub level: Level,
    /// Rows evaluated.
    pub rows: u64,
    /// Findings (or labels).
    pub findings: u64,
    /// Undetermined rows.
    pub undetermined: u64,
}

/// The serialisable result of an evaluation (the CLI's JSON, the bindings' objects).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Rulesets used.
    pub rulesets: Vec<RulesetInfo>,
    /// Findings.
    pub findings: Vec<Finding>,
    /// Undetermined outcomes.
    pub undetermined: Vec<Undetermined>,
    /// Labels.
    pub labels: Vec<Label>,
    /// Per-rule counts.
    pub summary: Vec<RuleSummary>,
    /// Rule warnings (lints).
    pub warnings: Vec<RuleDiagnostic>,
    /// Data rows skipped under the lenient policy, by code and location.
    pub rejected_rows: Vec<RejectedRow>,
    /// Partner schools proposed by pairings (seed 001, task 8).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pairings: Vec<Pairing>,
    /// Plan targets, per entity and scope (seed 004).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<TargetResult>,
    /// МУКО self-evaluation scores, per school: each direction, then overall (seed 002).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub muko: Vec<MukoScore>,
}

/// A component of the management cycle that is not fully in place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MukoGap {
    /// Component id.
    pub component: String,
    /// Its title.
    pub title: Text,
    /// `partial`, `absent` or `missing` (no row in the evidence).
    pub status: &'static str,
    /// The link given, for a partial item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// A school's МУКО score in one direction, or overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MukoScore {
    /// Ruleset id.
    pub ruleset: String,
    /// The school.
    pub school: EntityRef,
    /// Direction id; `None` for the overall score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// Direction title (the self-evaluation's title for the overall score).
    pub title: Text,
    /// Points.
    pub score: Decimal,
    /// Maximum points.
    pub max: Decimal,
    /// Percent of the maximum.
    pub percent: Decimal,
    /// Level label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Level title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_title: Option<Text>,
    /// Components not fully in place (per direction).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<MukoGap>,
    /// Evidence rows naming a direction or component the rules do not know (overall only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored_rows: Option<u32>,
}

/// Whether a target is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// The comparison holds.
    Met,
    /// It does not.
    NotMet,
    /// It cannot be decided (missing data, limited sample); `reason` says why.
    Unknown,
}

/// A plan target evaluated for one entity (and scope).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetResult {
    /// Ruleset id.
    pub ruleset: String,
    /// Target id.
    pub target: String,
    /// Title.
    pub title: Text,
    /// The plan's item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_item: Option<String>,
    /// The entity.
    pub entity: EntityRef,
    /// The scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The indicator as written.
    pub indicator: String,
    /// The comparison.
    pub comparison: String,
    /// The target as written.
    pub target_value: String,
    /// The target's value.
    pub target_resolved: EvidenceValue,
    /// The period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Responsible role.
    pub responsible: Text,
    /// Met, not met or unknown.
    pub status: TargetStatus,
    /// The measured value.
    pub value: EvidenceValue,
    /// Its sample size, when it is an indicator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// Why the status is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Every value read.
    pub evidence: Vec<Evidence>,
}

/// A partner proposed for a school by a pairing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pairing {
    /// Ruleset id.
    pub ruleset: String,
    /// Pairing id.
    pub pairing: String,
    /// Pairing title.
    pub title: Text,
    /// The school that gets a partner.
    pub school: EntityRef,
    /// The partner.
    pub partner: EntityRef,
    /// 1 for the first partner of the school.
    pub rank: u32,
    /// Both in one municipality.
    pub same_municipality: bool,
    /// The school's social index.
    pub social_index: Decimal,
    /// The partner's social index.
    pub partner_social_index: Decimal,
    /// |difference| of the two.
    pub distance: Decimal,
    /// The school's label that made it weak, and the partner's that made it strong.
    pub labels: (String, String),
    /// Why this partner.
    pub reason: Text,
}

/// A data row skipped under the lenient policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    /// Code.
    pub code: &'static str,
    /// Table.
    pub table: &'static str,
    /// Row.
    pub row: u64,
    /// Column.
    pub column: &'static str,
}
