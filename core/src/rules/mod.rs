//! Rules as data: rule files (TOML or JSON) compiled into checked, typed rules, evaluated
//! over a dataset into findings and labels with their evidence.
//!
//! ```text
//! raw.rs (serde + JSON Schema) → compile.rs (+ catalogue.rs, lint.rs) → ir.rs → engine.rs → output.rs
//! ```

mod catalogue;
mod compile;
mod engine;
mod error;
mod ir;
mod lint;
mod output;
mod raw;
mod shipped;
mod source;

pub use compile::{RuleLimits, codes, compile};
pub use engine::{EngineError, EvalOptions, Evaluation, evaluate};
pub use error::{DiagnosticLevel, RuleDiagnostic, RuleErrors};
pub use ir::{
    Attr, Band, BandTest, Classification, HitPolicy, Input, MukoRule, PairingRule, Param,
    ParamConst, ProfileField, RowSource, Rule, Rules, RulesetInfo, ScopeFilter, Severity,
    TargetRule,
};
pub use lint::{codes as lint_codes, lint_ranges};
pub use output::{
    EntityRef, Evidence, EvidenceRole, EvidenceValue, Finding, Label, MukoGap, MukoScore, Pairing,
    RejectedRow, Report, RuleSummary, TargetResult, TargetStatus, Undetermined,
};
pub use raw::{
    ParamValue, RawBand, RawClassBand, RawClassification, RawCondition, RawIndexComponent,
    RawLabelRef, RawMinimum, RawMuko, RawMukoItem, RawMukoLevel, RawMukoPoints, RawObjectivity,
    RawPairing, RawParam, RawRange, RawRule, RawRuleset, RawScale, RawScope, RawSocialIndex,
    RawTarget, SourceRef, Text, json_schema,
};
pub use shipped::{SHIPPED, shipped};
pub use source::{Format, KeyPath, PathStep, Position, RuleSource};
