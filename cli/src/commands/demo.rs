//! `oko demo`: the main job on an embedded sample district.

use crate::Failure;
use crate::summary::completion_table;

/// Options of `oko demo`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Seed of the sample district.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Runs the command.
pub fn run(a: Args) -> Result<(), Failure> {
    let g = oko::generate(&oko::GeneratorConfig::district(a.seed));
    let ds = &g.dataset;
    let agg = oko::aggregate(ds, &g.scales, oko::AggregateOptions::default());
    println!(
        "oko demo: sample district, {} municipalities, {} schools, {} students, {} results, {} internal marks",
        ds.municipalities().len(),
        ds.schools().len(),
        ds.students().len(),
        ds.results().len(),
        ds.marks().len()
    );
    println!("\nCompletion rate (коэффициент выполнения, %) per school against its municipality.");
    println!("* = 15% or more below the municipality (relative gap), ~ = limited sample (n < 10)");
    print!("{}", completion_table(ds, &agg));
    Ok(())
}
