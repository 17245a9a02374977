//! `oko validate`: compile rule files and print every problem, like a compiler.

use crate::Failure;
use oko::rules::{RuleLimits, compile};
use std::path::PathBuf;

/// Options of `oko validate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Rule files (.toml or .json), loaded together in this order.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Also load the shipped rulesets first (e.g. to use their scales).
    #[arg(long)]
    with_shipped: bool,
}

/// Runs the command.
pub fn run(a: Args) -> Result<(), Failure> {
    let mut sources = if a.with_shipped {
        oko_cli::shipped::sources()
    } else {
        Vec::new()
    };
    sources.extend(oko_cli::shipped::read(&a.files).map_err(Failure::internal)?);
    match compile(&sources, &RuleLimits::default()) {
        Ok(rules) => {
            for w in rules.warnings() {
                eprintln!("{w}");
            }
            let n_rules = rules.rules().len();
            let n_class = rules.classifications().len();
            println!(
                "ok: {} ruleset(s), {n_rules} rule(s), {n_class} classification(s), {} warning(s)",
                rules.rulesets().len(),
                rules.warnings().len()
            );
            Ok(())
        }
        Err(e) => Err(Failure::rules(e.render())),
    }
}
