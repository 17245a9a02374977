//! Rule files for `oko demo`, `oko evaluate` and `oko validate`: the shipped rulesets come
//! from the core ([`oko::rules::shipped`], embedded so that the binary works without a
//! checkout); `--rules` files are read here.

use oko::rules::RuleSource;

/// The shipped rulesets as sources, in load order (the core's one list).
pub fn sources() -> Vec<RuleSource> {
    oko::rules::shipped()
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
