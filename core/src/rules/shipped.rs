//! The rulesets shipped in the repository's `rules/` folder, embedded at compile time so that
//! the CLI and the Python and Node packages work without a checkout. This is the one list of
//! them: a new file in `rules/` goes here too (a test fails until it does).

use super::source::RuleSource;

/// (file name, text) of every shipped ruleset, in load order: scales first, and any ruleset
/// that counts another's findings (`findings("rule")`) after it.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "rules/scales-2025.toml",
        include_str!("../../../rules/scales-2025.toml"),
    ),
    (
        "rules/district-low-results.toml",
        include_str!("../../../rules/district-low-results.toml"),
    ),
    (
        "rules/objectivity.toml",
        include_str!("../../../rules/objectivity.toml"),
    ),
    (
        "rules/gia-risk-group.toml",
        include_str!("../../../rules/gia-risk-group.toml"),
    ),
    (
        "rules/school-context.toml",
        include_str!("../../../rules/school-context.toml"),
    ),
    (
        "rules/teacher-deficits.toml",
        include_str!("../../../rules/teacher-deficits.toml"),
    ),
    (
        "rules/objectivity-plan.toml",
        include_str!("../../../rules/objectivity-plan.toml"),
    ),
    ("rules/muko.toml", include_str!("../../../rules/muko.toml")),
    (
        "rules/class-risk-zone.toml",
        include_str!("../../../rules/class-risk-zone.toml"),
    ),
];

/// The shipped rulesets as sources, in load order, named `rules/<file>.toml` as in the
/// repository.
///
/// ```
/// use oko::rules::{RuleLimits, compile, shipped};
/// let rules = compile(&shipped(), &RuleLimits::default()).unwrap();
/// assert!(rules.rulesets().iter().any(|r| r.id == "district-low-results"));
/// ```
pub fn shipped() -> Vec<RuleSource> {
    SHIPPED
        .iter()
        .map(|(name, text)| RuleSource::toml(*name, *text))
        .collect()
}
