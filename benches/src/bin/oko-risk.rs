//! The oko side of the risk-group comparison with zen-engine in `benches/compare/run.sh`.
//!
//! zen-engine's decision table (`benches/compare/risk.jdm.json`, first hit) is not the
//! shipped `rules/gia-risk-group.toml` (which counts signs over a student's profile), so
//! this times oko's expression engine (`oko::expr`, which student-level rules run on) on the
//! same table: written as one expression over the per-student columns, evaluated over all
//! rows at once.
//!
//! ```text
//! oko-risk RISK_CSV [--out FILE]
//! ```
//! Prints one JSON object (`load_s`: reading the CSV into columns; `compute_s`: compiling
//! and evaluating; `rows`, `peak_rss_bytes`). With `--out`, writes `student,subject,risk`
//! for every row in input order, for `check.py`.

use oko::expr::{Binding, Column, Limits, MapCatalogue, Reason, Type, VecFrame, compile_str, eval};
use rust_decimal::Decimal;
use std::io::Write;
use std::str::FromStr;
use std::time::Instant;

/// The decision table, first hit: a failing year mark or a trial below the minimum → high; a
/// declining trend between the trials or attendance below 75% → medium; otherwise low.
pub const RISK_TABLE: &str = r#"
    if year_mark <= 2 then "high"
    else if trial2 < min3 then "high"
    else if trial2 < trial1 then "medium"
    else if attendance < 75% then "medium"
    else "low"
"#;

const INPUTS: [(&str, Type); 5] = [
    ("year_mark", Type::Number),
    ("trial1", Type::Number),
    ("trial2", Type::Number),
    ("min3", Type::Number),
    ("attendance", Type::Percent),
];

/// CPU time of the process so far (user + system, every thread), from /proc/self/stat
/// (clock ticks of 1/100 s).
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: oko-risk RISK_CSV [--out FILE]")?;
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1));

    let (t, c) = (Instant::now(), cpu_s());
    let mut rdr = csv::Reader::from_path(path)?;
    let headers = rdr.headers()?.clone();
    let pos = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("{path}: no column `{name}`"))
    };
    let student = pos("student")?;
    let subject = pos("subject")?;
    let idx: Vec<usize> = INPUTS
        .iter()
        .map(|(n, _)| pos(n))
        .collect::<Result<_, _>>()?;
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut cols: Vec<Vec<Option<Decimal>>> = vec![Vec::new(); INPUTS.len()];
    let mut rec = csv::StringRecord::new();
    while rdr.read_record(&mut rec)? {
        if out.is_some() {
            keys.push((rec[student].to_owned(), rec[subject].to_owned()));
        }
        for (c, &i) in cols.iter_mut().zip(&idx) {
            c.push(Decimal::from_str(&rec[i]).ok());
        }
    }
    let rows = cols[0].len();
    let columns: Vec<Column> = cols
        .into_iter()
        .zip(INPUTS)
        .map(|(v, (name, ty))| {
            let missing = Reason::Missing { name: name.into() };
            match ty {
                Type::Percent => Column::percents(v, missing),
                _ => Column::numbers(v, missing),
            }
        })
        .collect();
    let frame = VecFrame::new(rows, columns);
    let load_s = t.elapsed().as_secs_f64();
    let load_cpu_s = cpu_s() - c;

    let (t, c) = (Instant::now(), cpu_s());
    let catalogue = INPUTS
        .iter()
        .enumerate()
        .fold(MapCatalogue::new(), |c, (slot, (name, ty))| {
            c.with_name(name, Binding { slot, ty: *ty })
        });
    let program = compile_str(RISK_TABLE, &Limits::default(), &catalogue).map_err(|e| {
        e.iter()
            .map(|e| e.render(RISK_TABLE, "risk", 0, 0))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let risk = eval(&program, &frame)?;
    let compute_s = t.elapsed().as_secs_f64();
    let compute_cpu_s = cpu_s() - c;

    let mut counts = [0usize; 4];
    for i in 0..rows {
        counts[match risk.str(i) {
            Some("high") => 0,
            Some("medium") => 1,
            Some("low") => 2,
            _ => 3,
        }] += 1;
    }
    if let Some(out) = out {
        let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
        writeln!(w, "student,subject,risk")?;
        for (i, (s, subj)) in keys.iter().enumerate() {
            writeln!(w, "{s},{subj},{}", risk.str(i).unwrap_or(""))?;
        }
        w.flush()?;
    }
    let json = serde_json::json!({
        "tool": "oko (Rust, oko::expr)",
        "load_s": load_s,
        "compute_s": compute_s,
        "load_cpu_s": load_cpu_s,
        "compute_cpu_s": compute_cpu_s,
        "rows": rows,
        "peak_rss_bytes": peak_rss_bytes(),
        "high": counts[0],
        "medium": counts[1],
        "low": counts[2],
        "unknown": counts[3],
    });
    println!("{json}");
    Ok(())
}
