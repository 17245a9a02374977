//! `oko evaluate`: rules over data, as the JSON report or CSV tables.

use super::common::{Inputs, parse_level, spinner, stdout_failure};
use crate::Failure;
use oko::Level;
use oko_cli::output::{What, write_csv, write_report_json};
use oko_cli::text::Lang;
use std::io::Write;
use std::path::PathBuf;

/// Output formats of `oko evaluate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The whole report, exactly as the Python and Node bindings serialise it.
    Json,
    /// One table (see --what).
    Csv,
}

/// Options of `oko evaluate`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  oko evaluate --data data/ > report.json
  oko evaluate --data data/ --format csv --out findings.csv
  oko evaluate --data data/ --format csv --what labels --lang en
  oko evaluate --data data/ --format csv --what indicators --level school --out schools.csv
  oko evaluate --data data/ --results vpr.xlsx --mapping fis-oko-vpr --procedure vpr-math-5-2025 \\
               --rules my-rules.toml --with-shipped

JSON is serde_json's pretty form of the report (rulesets, findings, undetermined, labels,
summary, warnings, rejected_rows), byte for byte what the Python and Node bindings give.
CSV evidence reads `name=value (n=…)`, joined by `; `, rounded to 2 places half away from
zero; indicator values are exact.

Exit codes: 0 success, 1 internal or I/O error, 2 bad usage, 3 bad data, 4 bad rules,
5 an input file that cannot be read or mapped.")]
pub struct Args {
    #[command(flatten)]
    inputs: Inputs,
    /// Output format: json (the whole report) or csv (one table, see --what).
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// With --format csv: the table to write (findings by default).
    #[arg(long, value_enum)]
    what: Option<What>,
    /// With --format csv: keep the rows of one level only (school, class, ...).
    #[arg(long, value_parser = parse_level, value_name = "LEVEL")]
    level: Option<Level>,
    /// Output file (stdout by default).
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Language of titles and advice in CSV (findings carry both messages): ru or en.
    #[arg(long, value_enum, default_value_t = Lang::Ru)]
    lang: Lang,
}

/// Runs the command.
pub fn run(a: Args) -> Result<(), Failure> {
    if a.format == Format::Json && (a.what.is_some() || a.level.is_some()) {
        return Err(Failure::with_code(
            2,
            "--what and --level apply to --format csv; the JSON report holds everything",
        ));
    }
    let p = a.inputs.pseudonymiser()?;
    let rules = a.inputs.compile_rules()?;
    let (ds, _) = a.inputs.load_data()?;
    let ev = a.inputs.evaluate(&rules, &ds, p.as_ref())?;
    match a.format {
        Format::Json => {
            // Streamed: the same bytes as `report_json`, without the whole text in memory.
            match &a.out {
                Some(p) => std::fs::File::create(p)
                    .and_then(|file| {
                        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
                        write_report_json(&mut w, &ev.report).and_then(|()| w.flush())
                    })
                    .map_err(|e| Failure::internal(format!("writing {}: {e}", p.display()))),
                None => {
                    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
                    write_report_json(&mut w, &ev.report)
                        .and_then(|()| w.flush())
                        .map_err(stdout_failure)
                }
            }
        }
        Format::Csv => {
            let what = a.what.unwrap_or_default();
            let sp = spinner("writing CSV");
            let result = match &a.out {
                Some(p) => {
                    let file = std::fs::File::create(p)
                        .map_err(|e| Failure::internal(format!("writing {}: {e}", p.display())))?;
                    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
                    write_csv(
                        &mut w,
                        what,
                        &ev.report,
                        &ds,
                        &ev.aggregates,
                        a.lang,
                        a.level,
                    )
                    .map_err(|e| e.to_string())
                    .and_then(|()| w.flush().map_err(|e| e.to_string()))
                    .map_err(|e| Failure::internal(format!("writing {}: {e}", p.display())))
                }
                None => {
                    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
                    write_csv(
                        &mut w,
                        what,
                        &ev.report,
                        &ds,
                        &ev.aggregates,
                        a.lang,
                        a.level,
                    )
                    .map_err(|e| match e.kind() {
                        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe => {
                            Failure::closed_output()
                        }
                        _ => Failure::internal(format!("writing to stdout: {e}")),
                    })
                    .and_then(|()| w.flush().map_err(stdout_failure))
                }
            };
            if let Some(s) = sp {
                s.finish_and_clear();
            }
            result
        }
    }
}
