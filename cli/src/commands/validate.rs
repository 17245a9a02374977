//! `oko validate`: load the data, validate every row, print what was read and every problem.

use crate::Failure;
use oko_cli::load::{LoadArgs, LoadError};

/// Options of `oko validate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    load: LoadArgs,
    /// Print at most this many problems.
    #[arg(long, default_value_t = 50)]
    max_problems: usize,
}

/// Runs the command.
pub fn run(a: Args) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    match a.load.load() {
        Ok((ds, report)) => {
            print!("{report}");
            println!(
                "ok: {} schools, {} students, {} results, {} marks in {:.2} s{}",
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
            print!("{report}");
            for p in r.problems.iter().take(a.max_problems) {
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
