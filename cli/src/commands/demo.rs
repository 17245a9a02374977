//! `oko demo`: the main job on an embedded sample district — indicators, the shipped
//! rulesets, and a per-school summary against the district level.

use crate::Failure;
use oko::rules::{EvalOptions, RuleLimits, compile, evaluate};
use oko_cli::summary::{
    completion_table, findings_table, muko_table, pairings_table, targets_table,
};

/// Options of `oko demo`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Seed of the sample district.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Language of messages: ru or en.
    #[arg(long, default_value = "ru")]
    lang: String,
}

/// Runs the command.
pub fn run(a: Args) -> Result<(), Failure> {
    let en = a.lang == "en";
    let g = oko::generate(&oko::GeneratorConfig::district(a.seed));
    let ds = &g.dataset;
    let rules = compile(&oko_cli::shipped::sources(), &RuleLimits::default())
        .map_err(|e| Failure::rules(e.render()))?;
    let out = evaluate(&rules, ds, &EvalOptions::default())
        .map_err(|e| Failure::internal(e.to_string()))?;
    println!(
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
    println!("rulesets: {}", names.join(", "));
    println!(
        "\nCompletion rate (коэффициент выполнения, %) per school against its municipality, 2025/26."
    );
    println!("* = 15% or more below the municipality (relative gap), ~ = limited sample (n < 10)");
    print!("{}", completion_table(ds, &out.aggregates));
    print!("{}", findings_table(&out.report, en));
    print!("{}", pairings_table(&out.report, en));
    print!("{}", targets_table(&out.report, en));
    print!("{}", muko_table(&out.report, en));
    Ok(())
}
