//! `oko explain`: one entity's findings, labels and undetermined outcomes with their full
//! evidence, as readable text.

use super::common::{Inputs, parse_level, write_out};
use crate::Failure;
use oko::Level;
use oko_cli::output::{explain, find_entity};
use oko_cli::text::Lang;
use std::path::PathBuf;

/// Options of `oko explain`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  oko explain --data data/ --level school --entity S0012
  oko explain --data data/ --level class --entity C0123 --lang en
  oko explain --data data/ --level school --entity S0012 --rules my-rules.toml --with-shipped

For each finding: the rule's title, its condition, a table of every value read (name, value
rounded for display, n, limited-sample flag, role), the thresholds with their sources, and
the message. Then the labels and the outcomes that could not be decided, and why.

Exit codes: 0 success, 1 internal or I/O error, 2 bad usage (including an unknown entity),
3 bad data, 4 bad rules, 5 an input file that cannot be read or mapped.")]
pub struct Args {
    #[command(flatten)]
    inputs: Inputs,
    /// Level of the entity: student, class, grade, teacher, school, municipality or region.
    #[arg(long, value_parser = parse_level, value_name = "LEVEL")]
    level: Level,
    /// Id of the entity as in the data (`S0012`; a grade is `S0012/5`; the region `region`);
    /// with --pseudonymise-key-file, a student's id or pseudonym.
    #[arg(long, value_name = "ID")]
    entity: String,
    /// Language: ru or en.
    #[arg(long, value_enum, default_value_t = Lang::Ru)]
    lang: Lang,
    /// Output file (stdout by default).
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs the command.
pub fn run(a: Args) -> Result<(), Failure> {
    let p = a.inputs.pseudonymiser()?;
    let rules = a.inputs.compile_rules()?;
    let (ds, _) = a.inputs.load_data()?;
    // With a key, a student may be named by id or by pseudonym.
    let by_pseudonym = || {
        let p = p.as_ref().filter(|_| a.level == Level::Student)?;
        (0..ds.entity_count(a.level) as u32)
            .find(|&e| p.pseudonymise(&ds.entity_id(a.level, e)) == a.entity)
    };
    let Some(entity) = find_entity(&ds, a.level, &a.entity).or_else(by_pseudonym) else {
        return Err(Failure::with_code(
            2,
            format!("no {} with id `{}` in the data", a.level.as_str(), a.entity),
        ));
    };
    let ev = a.inputs.evaluate(&rules, &ds, p.as_ref())?;
    let text = explain(&ev.report, &rules, &ds, a.level, entity, a.lang, p.as_ref());
    write_out(a.out.as_deref(), &text)
}
