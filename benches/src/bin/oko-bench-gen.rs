//! Writes the comparison workload of `benches/compare/run.sh`:
//!
//! - `OUT/region/*.csv`: a generated region as oko's canonical CSV tables (the 8 procedures of
//!   the current year, internal marks for each; no trials, no history), written with
//!   `oko_cli::export::write_dataset`, the same writer as `oko generate`;
//! - `OUT/risk.csv`: one row per grade-9/11 student × exam subject with the inputs of the ГИА
//!   risk-group decision table (year mark, two trial scores, the scale's minimum for a «3»,
//!   attendance), from a second generation of the same region with trials switched on;
//! - `OUT/meta.json`: the configuration and row counts.
//!
//! ```text
//! oko-bench-gen --out DIR [--students N] [--schools S] [--municipalities M] [--seed K]
//! ```
//! Without `--schools`, a school has about 500 students (2,000 schools at 1,000,000), so the
//! class sizes, and the cost per student, stay the same from 10,000 to 1,000,000 students.

use oko::{GeneratorConfig, Period, generate};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}: cannot parse `{v}`"))
        })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out: PathBuf =
        arg(&args, "--out").ok_or("usage: oko-bench-gen --out DIR [--students N]")?;
    let students: u32 = arg(&args, "--students").unwrap_or(1_000_000);
    let schools: u32 = arg(&args, "--schools").unwrap_or_else(|| (students / 500).clamp(1, 2_000));
    let municipalities: u32 =
        arg(&args, "--municipalities").unwrap_or_else(|| (schools / 50).clamp(2, 40));
    let seed: u64 = arg(&args, "--seed").unwrap_or(1);
    let config = GeneratorConfig {
        students,
        schools,
        municipalities,
        trials: false,
        history: false,
        ..GeneratorConfig::region(seed)
    };
    let t = Instant::now();
    let g = generate(&config);
    let ds = &g.dataset;
    oko_cli::export::write_dataset(ds, &out.join("region"))?;
    let (n_students, n_results, n_marks) =
        (ds.students().len(), ds.results().len(), ds.marks().len());
    drop(g);
    eprintln!(
        "region: {n_students} students, {schools} schools, {municipalities} municipalities, \
         {n_results} results, {n_marks} marks ({:.1} s)",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let risk_rows = write_risk(
        &GeneratorConfig {
            trials: true,
            ..config.clone()
        },
        &out.join("risk.csv"),
    )?;
    eprintln!(
        "risk inputs: {risk_rows} rows ({:.1} s)",
        t.elapsed().as_secs_f64()
    );

    let meta = serde_json::json!({
        "config": config,
        "students": n_students,
        "results": n_results,
        "marks": n_marks,
        "risk_rows": risk_rows,
    });
    std::fs::write(out.join("meta.json"), serde_json::to_string_pretty(&meta)?)?;
    Ok(())
}

/// (trial 1 score, trial 2 score, the scale's lowest score of a «3»).
type Trials = (Option<u16>, Option<u16>, u16);

/// One row per (student, subject) of grades 9 and 11: the year mark in the subject, the two
/// trial exams' primary scores, the lowest score of a «3» on the exam's scale, attendance.
fn write_risk(
    config: &GeneratorConfig,
    path: &std::path::Path,
) -> Result<usize, Box<dyn std::error::Error>> {
    let g = generate(config);
    let ds = &g.dataset;
    let procs = ds.procedures();
    // (student, subject) → (trial1, trial2, min3)
    let mut trials: HashMap<(u32, u32), Trials> = HashMap::new();
    let r = ds.results();
    for i in 0..r.len() {
        let p = &procs[r.procedure()[i] as usize];
        let slot = if p.id.starts_with("trial1") {
            0
        } else if p.id.starts_with("trial2") {
            1
        } else {
            continue;
        };
        let min3 = p
            .scale
            .as_deref()
            .and_then(|s| g.scales.get(s))
            .and_then(|s| s.min_score_for(3))
            .ok_or("a trial without a scale")?;
        let subject = ds.procedure_subjects()[r.procedure()[i] as usize];
        let e = trials
            .entry((r.student()[i], subject))
            .or_insert((None, None, min3));
        if slot == 0 {
            e.0 = r.score(i);
        } else {
            e.1 = r.score(i);
        }
    }
    let m = ds.marks();
    let mut year_mark: HashMap<(u32, u32), &str> = HashMap::new();
    for i in 0..m.len() {
        if m.period(i) == Period::Year && m.year(i).0 == config.year {
            year_mark.insert((m.student()[i], m.subject()[i]), m.value(i).as_text());
        }
    }
    let mut keys: Vec<(u32, u32)> = trials.keys().copied().collect();
    keys.sort_unstable();
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(w, "student,subject,year_mark,trial1,trial2,min3,attendance")?;
    let st = ds.students();
    let mut rows = 0;
    for (student, subject) in keys {
        let (t1, t2, min3) = trials[&(student, subject)];
        let (Some(t1), Some(t2), Some(ym), Some(att)) = (
            t1,
            t2,
            year_mark.get(&(student, subject)),
            st.attendance()[student as usize],
        ) else {
            continue;
        };
        writeln!(
            w,
            "{},{},{ym},{t1},{t2},{min3},{}",
            st.id(student),
            ds.subjects().name(subject),
            att.normalize()
        )?;
        rows += 1;
    }
    w.flush()?;
    Ok(rows)
}
