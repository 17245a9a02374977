//! What `evaluate`, `explain` and `report` share: the data and rules options, loading,
//! compiling and evaluating with a spinner on a terminal.

use crate::Failure;
use indicatif::{ProgressBar, ProgressStyle};
use oko::privacy::Pseudonymiser;
use oko::rules::{EvalOptions, Evaluation, RuleLimits, Rules, compile, evaluate};
use oko::{Dataset, Level};
use oko_cli::load::{LoadArgs, LoadError, LoadReport};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

/// Data and rules options.
#[derive(clap::Args, Debug)]
pub struct Inputs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// Rule files (.toml or .json) to use instead of the shipped rulesets (scales-2025,
    /// district-low-results), loaded together in this order.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub rules: Vec<PathBuf>,
    /// With --rules: load the shipped rulesets first (e.g. to use their scales).
    #[arg(long)]
    pub with_shipped: bool,
    /// Below this number of participants a value is a limited sample: shown, marked, and
    /// no conclusion drawn from it.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub min_sample: u64,
    /// Replace every student id in the output (JSON, CSV, text, HTML) by its pseudonym:
    /// HMAC-SHA256 with the key in this file, first 16 hex characters, the same as
    /// `oko generate --pseudonymise-key-file` and the Python and Node `pseudonymise_key`.
    /// The file's bytes are the key (a trailing newline is dropped); at least 16 bytes.
    #[arg(long, value_name = "FILE")]
    pub pseudonymise_key_file: Option<PathBuf>,
}

impl Inputs {
    /// Compiles the rules (exit 4 on bad rules, 1 when a file cannot be read).
    pub fn compile_rules(&self) -> Result<Rules, Failure> {
        let mut sources = if self.rules.is_empty() || self.with_shipped {
            oko_cli::shipped::sources()
        } else {
            Vec::new()
        };
        sources.extend(oko_cli::shipped::read(&self.rules).map_err(Failure::internal)?);
        let rules =
            compile(&sources, &RuleLimits::default()).map_err(|e| Failure::rules(e.render()))?;
        if !self.rules.is_empty() {
            for w in rules.warnings() {
                eprintln!("{w}");
            }
        }
        Ok(rules)
    }

    /// Loads the data (exit 3 on bad rows, 5 on unreadable files); skipped rows under
    /// `--lenient` are counted on stderr.
    pub fn load_data(&self) -> Result<(Dataset, LoadReport), Failure> {
        match self.load.load() {
            Ok((ds, report)) => {
                if report.problem_count > 0 {
                    eprintln!(
                        "oko: {} bad row(s) skipped (--lenient); the first: {}",
                        report.problem_count,
                        report
                            .problems
                            .first()
                            .map(|p| p.to_string())
                            .unwrap_or_default()
                    );
                }
                Ok((ds, report))
            }
            Err(LoadError::Rejected(r)) => {
                for p in r.problems.iter().take(50) {
                    eprintln!("{p}");
                }
                if r.count > 50 {
                    eprintln!("... {} bad row(s) in all", r.count);
                }
                Err(Failure::with_code(
                    oko_cli::load::ErrorCategory::Data.exit_code(),
                    format!("{} row(s) rejected (pass --lenient to skip them)", r.count),
                ))
            }
            Err(e) => Err(Failure::with_code(e.exit_code(), e.to_string())),
        }
    }

    /// The pseudonymiser of `--pseudonymise-key-file`, if given (exit 2 for a key file that
    /// cannot be read or a key that is too short).
    pub fn pseudonymiser(&self) -> Result<Option<Pseudonymiser>, Failure> {
        self.pseudonymise_key_file
            .as_deref()
            .map(pseudonymiser)
            .transpose()
    }

    /// Evaluates the rules over the data, with a spinner when stderr is a terminal; with a
    /// pseudonymiser, the report's student ids are pseudonymised
    /// ([`Pseudonymiser::pseudonymise_students`]), so every output made from it is.
    pub fn evaluate(
        &self,
        rules: &Rules,
        ds: &Dataset,
        p: Option<&Pseudonymiser>,
    ) -> Result<Evaluation, Failure> {
        let spinner = spinner("evaluating rules");
        let out = evaluate(
            rules,
            ds,
            &EvalOptions {
                min_sample: self.min_sample,
            },
        )
        .map_err(|e| Failure::internal(e.to_string()))
        .map(|mut ev| {
            if let Some(p) = p {
                p.pseudonymise_students(&mut ev.report);
            }
            ev
        });
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        out
    }

    /// Where the data came from, for report headers.
    pub fn source_label(&self) -> String {
        match &self.load.data {
            Some(d) => d.display().to_string(),
            None => self
                .load
                .results
                .as_ref()
                .or(self.load.marks.as_ref())
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        }
    }
}

/// The pseudonymiser of a key file: its bytes without a trailing newline. Neither the key
/// nor the file's content is ever printed (exit 2 when it cannot be read or is too short).
pub fn pseudonymiser(path: &std::path::Path) -> Result<Pseudonymiser, Failure> {
    let mut key = std::fs::read(path)
        .map_err(|e| Failure::with_code(2, format!("reading the key file: {}", e.kind())))?;
    while key.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        key.pop();
    }
    Pseudonymiser::new(&key).map_err(|e| Failure::with_code(2, e.to_string()))
}

/// A spinner on stderr when it is a terminal; `None` otherwise (quiet in pipes and CI).
pub fn spinner(message: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
        pb.set_style(style);
    }
    pb.set_message(message.to_owned());
    pb.enable_steady_tick(Duration::from_millis(100));
    Some(pb)
}

/// Parses a level identifier (`school`, `class`, ...) for clap.
pub fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
        format!("unknown level `{s}`; one of {}", all.join(", "))
    })
}

/// Writes to standard output (see the `out!` macro).
pub fn print(args: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    use std::io::Write;
    std::io::stdout()
        .lock()
        .write_fmt(args)
        .map_err(stdout_failure)
}

/// The failure for an error writing standard output: a closed pipe ends the command quietly.
pub fn stdout_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::closed_output()
    } else {
        Failure::internal(format!("writing to stdout: {e}"))
    }
}

/// Writes text to a file, or to stdout without `--out`.
pub fn write_out(out: Option<&std::path::Path>, text: &str) -> Result<(), Failure> {
    use std::io::Write;
    match out {
        Some(p) => std::fs::write(p, text)
            .map_err(|e| Failure::internal(format!("writing {}: {e}", p.display()))),
        None => {
            let mut o = std::io::stdout().lock();
            o.write_all(text.as_bytes())
                .and_then(|()| o.flush())
                .map_err(stdout_failure)
        }
    }
}
