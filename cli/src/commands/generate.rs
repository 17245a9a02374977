//! `oko generate`: write a synthetic district or region as CSV files.

use super::common::pseudonymiser;
use crate::Failure;
use oko_cli::export::{ExportOptions, write_dataset_with};
use std::path::PathBuf;

/// Options of `oko generate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output folder (created if missing).
    #[arg(long, short)]
    out: PathBuf,
    /// Preset: `district` (24 schools, ~6,000 students) or `region` (2,000 schools, 1,000,000 students).
    #[arg(long, default_value = "district")]
    preset: String,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Override the number of schools.
    #[arg(long)]
    schools: Option<u32>,
    /// Override the number of students.
    #[arg(long)]
    students: Option<u32>,
    /// Override the number of municipalities.
    #[arg(long)]
    municipalities: Option<u32>,
    /// Write student ids pseudonymised (HMAC-SHA256 with the key in this file, first 16 hex
    /// characters) in every table and in the ground truth. The file's bytes are the key
    /// (a trailing newline is dropped); at least 16 bytes. Keep it secret: with it, anyone
    /// can check a guessed id.
    #[arg(long, value_name = "FILE")]
    pseudonymise_key_file: Option<PathBuf>,
    /// With --pseudonymise-key-file, pseudonymise teacher ids too.
    #[arg(long, requires = "pseudonymise_key_file")]
    pseudonymise_teachers: bool,
}

/// Runs the command.
pub fn run(a: Args) -> Result<(), Failure> {
    let mut config = match a.preset.as_str() {
        "district" => oko::GeneratorConfig::district(a.seed),
        "region" => oko::GeneratorConfig::region(a.seed),
        "tiny" => oko::GeneratorConfig::tiny(a.seed),
        other => {
            return Err(Failure::data(format!(
                "unknown preset `{other}` (district, region, tiny)"
            )));
        }
    };
    if let Some(s) = a.schools {
        config.schools = s;
    }
    if let Some(s) = a.students {
        config.students = s;
    }
    if let Some(m) = a.municipalities {
        config.municipalities = m;
    }
    let p = a
        .pseudonymise_key_file
        .as_ref()
        .map(|p| pseudonymiser(p))
        .transpose()?;
    let mut g = oko::generate(&config);
    let options = ExportOptions {
        pseudonymiser: p.as_ref(),
        teachers: a.pseudonymise_teachers,
    };
    write_dataset_with(&g.dataset, &a.out, &options)
        .map_err(|e| Failure::internal(format!("writing {}: {e}", a.out.display())))?;
    if let Some(p) = &p {
        for id in &mut g.truth.students_at_risk {
            *id = p.pseudonymise(id);
        }
        if a.pseudonymise_teachers {
            for id in &mut g.truth.teachers_with_deficit {
                *id = p.pseudonymise(id);
            }
        }
    }
    let truth =
        serde_json::to_string_pretty(&g.truth).map_err(|e| Failure::internal(e.to_string()))?;
    std::fs::write(a.out.join("ground_truth.json"), truth)
        .map_err(|e| Failure::internal(e.to_string()))?;
    let cfg =
        serde_json::to_string_pretty(&config).map_err(|e| Failure::internal(e.to_string()))?;
    std::fs::write(a.out.join("generator.json"), cfg)
        .map_err(|e| Failure::internal(e.to_string()))?;
    outln!(
        "wrote {}: {} schools, {} students, {} results, {} marks",
        a.out.display(),
        g.dataset.schools().len(),
        g.dataset.students().len(),
        g.dataset.results().len(),
        g.dataset.marks().len()
    );
    Ok(())
}
