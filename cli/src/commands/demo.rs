//! `oko demo`: the main job on an embedded sample district — indicators, the shipped
//! rulesets, a per-school summary against the district level, and the HTML report, whose
//! path is the last line printed.

use crate::Failure;
use oko::rules::{EvalOptions, RuleLimits, compile, evaluate};
use oko_cli::report::ReportInput;
use oko_cli::summary::{
    completion_table, findings_table, muko_table, objectivity_table, pairings_table, targets_table,
};
use oko_cli::text::Lang;
use std::path::PathBuf;

/// Options of `oko demo`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Seed of the sample district.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Language of messages and of the report: ru or en.
    #[arg(long, value_enum, default_value_t = Lang::Ru)]
    lang: Lang,
    /// Where to write the HTML report.
    #[arg(
        long,
        short,
        value_name = "FILE",
        default_value = "target/oko-demo/report.html"
    )]
    out: PathBuf,
}

/// Runs the command.
pub fn run(a: Args) -> Result<(), Failure> {
    let en = a.lang == Lang::En;
    let g = oko::generate(&oko::GeneratorConfig::district(a.seed));
    let ds = &g.dataset;
    let rules = compile(&oko_cli::shipped::sources(), &RuleLimits::default())
        .map_err(|e| Failure::rules(e.render()))?;
    let out = evaluate(&rules, ds, &EvalOptions::default())
        .map_err(|e| Failure::internal(e.to_string()))?;
    outln!(
        "oko demo: sample district, {} municipalities, {} schools, {} students, {} results, {} internal marks",
        ds.municipalities().len(),
        ds.schools().len(),
        ds.students().len(),
        ds.results().len(),
        ds.marks().len()
    );
    let names: Vec<String> = rules
        .rulesets()
        .iter()
        .map(|r| format!("{} {}", r.id, r.version))
        .collect();
    outln!("rulesets: {}", names.join(", "));
    outln!(
        "\nCompletion rate (коэффициент выполнения, %) per school against its municipality, 2025/26."
    );
    outln!("* = 15% or more below the municipality (relative gap), ~ = limited sample (n < 10)");
    out!("{}", completion_table(ds, &out.aggregates));
    out!(
        "{}",
        objectivity_table(ds, &out.aggregates, &out.report, en)
    );
    out!("{}", findings_table(&out.report, en));
    out!("{}", pairings_table(&out.report, en));
    out!("{}", targets_table(&out.report, en));
    out!("{}", muko_table(&out.report, en));
    let input = ReportInput {
        dataset: ds,
        rules: &rules,
        evaluation: &out,
        lang: a.lang,
        load: None,
        source: format!(
            "{} (seed {})",
            a.lang.t("демонстрационный район", "sample district"),
            a.seed
        ),
    };
    super::report::write_report(&input, &a.out)?;
    outln!(
        "\n{}:\n{}",
        a.lang.t("HTML-отчёт", "HTML report"),
        a.out.display()
    );
    Ok(())
}
