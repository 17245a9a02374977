//! The rulesets shipped in `rules/`, embedded in the binary so that `oko demo` and
//! `oko evaluate` work without a checkout; `--rules` replaces them.

use oko::rules::RuleSource;

/// (file name, text) of every shipped ruleset, in load order (scales first).
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "rules/scales-2025.toml",
        include_str!("../../rules/scales-2025.toml"),
    ),
    (
        "rules/district-low-results.toml",
        include_str!("../../rules/district-low-results.toml"),
    ),
    (
        "rules/gia-risk-group.toml",
        include_str!("../../rules/gia-risk-group.toml"),
    ),
    (
        "rules/school-context.toml",
        include_str!("../../rules/school-context.toml"),
    ),
    (
        "rules/teacher-deficits.toml",
        include_str!("../../rules/teacher-deficits.toml"),
    ),
    (
        "rules/objectivity-plan.toml",
        include_str!("../../rules/objectivity-plan.toml"),
    ),
    ("rules/muko.toml", include_str!("../../rules/muko.toml")),
    (
        "rules/class-risk-zone.toml",
        include_str!("../../rules/class-risk-zone.toml"),
    ),
];

/// The shipped rulesets as sources.
pub fn sources() -> Vec<RuleSource> {
    SHIPPED
        .iter()
        .map(|(name, text)| RuleSource::toml(*name, *text))
        .collect()
}

/// Reads rule files from paths (`.toml` or `.json`).
pub fn read(paths: &[std::path::PathBuf]) -> Result<Vec<RuleSource>, String> {
    paths
        .iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(p).map_err(|e| format!("reading {}: {e}", p.display()))?;
            let name = p.display().to_string();
            Ok(if p.extension().is_some_and(|e| e == "json") {
                RuleSource::json(name, text)
            } else {
                RuleSource::toml(name, text)
            })
        })
        .collect()
}
