//! The `oko` command line: generate sample data, run the demo, validate and evaluate rules,
//! and write reports.
//!
//! Commands: `demo`, `generate`, `validate`, `evaluate`, `explain`, `report`, `schema`;
//! `oko <command> --help` shows each one's options and examples.
//!
//! Exit codes, the same for every command:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | an internal error, or a file that cannot be written |
//! | 2 | bad command-line usage (unknown option, missing value, unknown entity) |
//! | 3 | bad input data (rows that fail validation; `--lenient` skips them) |
//! | 4 | bad rules (rule files that do not compile) |
//! | 5 | an input file that cannot be read or mapped (missing, not a table, no such column) |

/// `print!` for commands: a closed standard output (`oko demo | head`) ends the command
/// quietly instead of panicking. Returns from the enclosing `Result<_, Failure>` function.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::commands::common::print(format_args!($($arg)*))?
    };
}

/// `println!` with the behaviour of [`out!`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::commands::common::print(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// oko: education-quality monitoring (ВСОКО) as rules over data.
#[derive(Parser, Debug)]
#[command(
    name = "oko",
    version,
    about,
    long_about = None,
    after_help = "Exit codes: 0 success, 1 internal or I/O error, 2 bad usage, 3 bad data, 4 bad rules,\n5 an input file that cannot be read or mapped."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the main job on the embedded sample district: print a per-school summary and
    /// write the HTML report (its path is the last line).
    ///
    /// Example: oko demo --out demo.html
    Demo(commands::demo::Args),
    /// Write a deterministic synthetic district or region as CSV files plus ground truth.
    ///
    /// Example: oko generate --out data/ --schools 24 --students 6000 --seed 1
    Generate(commands::generate::Args),
    /// Check rule files and/or data: print every problem with its location; exit 4 on bad
    /// rules, 3 on bad data, 5 on unreadable input.
    ///
    /// Examples: oko validate rules/district-low-results.toml my-rules.toml
    ///           oko validate --data data/ --results vpr.xlsx --mapping fis-oko-vpr --procedure vpr-4-rus
    Validate(Box<commands::validate::Args>),
    /// Evaluate rules over data and write the report as JSON, or findings, labels,
    /// undetermined outcomes or indicator values as CSV.
    ///
    /// Example: oko evaluate --data data/ --format csv --out findings.csv
    Evaluate(Box<commands::evaluate::Args>),
    /// Explain one entity: its findings, labels and undetermined outcomes with every value
    /// read, the thresholds and the messages.
    ///
    /// Example: oko explain --data data/ --level school --entity S0012
    Explain(Box<commands::explain::Args>),
    /// Write the HTML report: one self-contained, printable file.
    ///
    /// Example: oko report --data data/ --out report.html
    Report(Box<commands::report::Args>),
    /// Print the JSON Schema of rule files.
    ///
    /// Example: oko schema > ruleset.schema.json
    Schema,
}

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// Bad input data (exit code 3).
    pub fn data(message: impl Into<String>) -> Self {
        Failure {
            code: 3,
            message: message.into(),
        }
    }
    /// A failure with an explicit exit code.
    pub fn with_code(code: u8, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }
    /// Bad rules (exit code 4).
    pub fn rules(message: impl Into<String>) -> Self {
        Failure {
            code: 4,
            message: message.into(),
        }
    }
    /// The reader of standard output went away (`oko demo | head`): not an error of oko's,
    /// so the command stops with success and says nothing.
    pub fn closed_output() -> Self {
        Failure {
            code: 0,
            message: String::new(),
        }
    }
    /// An I/O or internal error (exit code 1).
    pub fn internal(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(a) => commands::demo::run(a),
        Command::Generate(a) => commands::generate::run(a),
        Command::Validate(a) => commands::validate::run(*a),
        Command::Evaluate(a) => commands::evaluate::run(*a),
        Command::Explain(a) => commands::explain::run(*a),
        Command::Report(a) => commands::report::run(*a),
        Command::Schema => commands::common::print(format_args!("{}", oko::rules::json_schema())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("oko: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}
