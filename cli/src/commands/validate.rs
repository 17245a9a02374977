//! `oko validate`: compile rule files and/or load data, and print every problem with its
//! location, like a compiler.

use crate::Failure;
use oko::rules::{RuleLimits, compile};
use oko_cli::load::{LoadArgs, LoadError};
use std::path::PathBuf;

/// Options of `oko validate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Rule files (.toml or .json), loaded together in this order.
    files: Vec<PathBuf>,
    /// Load the shipped rulesets before the files (e.g. to use their scales).
    #[arg(long)]
    with_shipped: bool,
    #[command(flatten)]
    load: LoadArgs,
    /// Print at most this many data problems.
    #[arg(long, default_value_t = 50)]
    max_problems: usize,
}

/// Runs the command.
pub fn run(a: Args) -> Result<(), Failure> {
    let data = a.load.data.is_some() || a.load.results.is_some() || a.load.marks.is_some();
    if a.files.is_empty() && !data {
        return Err(Failure::with_code(
            2,
            "nothing to validate: give rule files and/or --data DIR (see --help)",
        ));
    }
    if !a.files.is_empty() {
        validate_rules(&a.files, a.with_shipped)?;
    }
    if data {
        validate_data(&a.load, a.max_problems)?;
    }
    Ok(())
}

fn validate_rules(files: &[PathBuf], with_shipped: bool) -> Result<(), Failure> {
    let mut sources = if with_shipped {
        oko_cli::shipped::sources()
    } else {
        Vec::new()
    };
    sources.extend(oko_cli::shipped::read(files).map_err(Failure::internal)?);
    match compile(&sources, &RuleLimits::default()) {
        Ok(rules) => {
            for w in rules.warnings() {
                eprintln!("{w}");
            }
            outln!(
                "rules ok: {} ruleset(s), {} rule(s), {} classification(s), {} warning(s)",
                rules.rulesets().len(),
                rules.rules().len(),
                rules.classifications().len(),
                rules.warnings().len()
            );
            Ok(())
        }
        Err(e) => Err(Failure::rules(e.render())),
    }
}

fn validate_data(load: &LoadArgs, max_problems: usize) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    match load.load() {
        Ok((ds, report)) => {
            out!("{report}");
            outln!(
                "data ok: {} schools, {} students, {} results, {} marks in {:.2} s{}",
                ds.schools().len(),
                ds.students().len(),
                ds.results().len(),
                ds.marks().len(),
                started.elapsed().as_secs_f64(),
                if report.problem_count > 0 {
                    format!("; {} row(s) skipped", report.problem_count)
                } else {
                    String::new()
                }
            );
            Ok(())
        }
        Err(LoadError::Rejected(r)) => {
            let mut report = r.report.clone();
            report.problems.clear();
            report.problem_count = 0;
            out!("{report}");
            for p in r.problems.iter().take(max_problems) {
                eprintln!("{p}");
            }
            Err(Failure::with_code(
                oko_cli::load::ErrorCategory::Data.exit_code(),
                format!("{} row(s) rejected (pass --lenient to skip them)", r.count),
            ))
        }
        Err(e) => Err(Failure::with_code(e.exit_code(), e.to_string())),
    }
}
