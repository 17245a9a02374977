//! `oko report`: the HTML report, one self-contained file.

use super::common::{Inputs, spinner};
use crate::Failure;
use oko_cli::report::{ReportInput, render};
use oko_cli::text::Lang;
use std::path::{Path, PathBuf};

/// Options of `oko report`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  oko report --data data/ --out report.html
  oko report --data data/ --out report-en.html --lang en
  oko report --data data/ --results vpr.xlsx --mapping fis-oko-vpr --procedure vpr-math-5-2025 --out vpr.html

One HTML file with inline styles and SVG charts, no scripts and nothing loaded from the
network; print it on A4 from any browser. Sections: summary; flagged schools, classes,
students and teachers with their reasons; objectivity (lowered / confirmed / raised marks);
schools against their municipality with the threshold line; score histograms with mark
boundaries; results × social context.

Exit codes: 0 success, 1 internal or I/O error, 2 bad usage, 3 bad data, 4 bad rules,
5 an input file that cannot be read or mapped.")]
pub struct Args {
    #[command(flatten)]
    inputs: Inputs,
    /// The HTML file to write.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// Language: ru or en.
    #[arg(long, value_enum, default_value_t = Lang::Ru)]
    lang: Lang,
}

/// Runs the command.
pub fn run(a: Args) -> Result<(), Failure> {
    let p = a.inputs.pseudonymiser()?;
    let rules = a.inputs.compile_rules()?;
    let (ds, load) = a.inputs.load_data()?;
    let ev = a.inputs.evaluate(&rules, &ds, p.as_ref())?;
    let input = ReportInput {
        dataset: &ds,
        rules: &rules,
        evaluation: &ev,
        lang: a.lang,
        load: Some(&load),
        source: a.inputs.source_label(),
    };
    write_report(&input, &a.out)?;
    outln!("{}", a.out.display());
    Ok(())
}

/// Renders and writes a report (creating the folder), with a spinner on a terminal.
pub fn write_report(input: &ReportInput<'_>, out: &Path) -> Result<(), Failure> {
    let sp = spinner("writing the report");
    let html = render(input);
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::internal(format!("creating {}: {e}", dir.display())))?;
    }
    let r = std::fs::write(out, html)
        .map_err(|e| Failure::internal(format!("writing {}: {e}", out.display())));
    if let Some(s) = sp {
        s.finish_and_clear();
    }
    r
}
