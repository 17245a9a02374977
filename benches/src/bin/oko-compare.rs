//! The oko side of `benches/compare/run.sh`: loads a folder of CSV tables into a
//! [`oko::Dataset`] (timed as `load`), then (timed as `compute`) compiles the shipped scales and
//! the 15% district rule, evaluates it (which aggregates every indicator state at every level)
//! and computes the values polars and pandas compute: the compared indicators of every
//! procedure cell at five levels (each value consumed as it is computed, as a report writer
//! would; the cells split across the cores). Then, timed apart (`all_values_s`), every
//! indicator of every cell of all six levels.
//!
//! ```text
//! oko-compare REGION_DIR --rules RULES_DIR [--out DIR]
//! ```
//! Prints one JSON object: `load_s`, `compute_s` (of which `evaluate_s`: compiling and
//! evaluating the rules, aggregation included), `peak_rss_bytes` (VmHWM) and counts.
//! With `--out`, also writes (untimed) `values.csv` (level, entity, procedure, indicator,
//! value: exact decimals, empty when undefined) for the procedure scopes and the indicators
//! the Python implementations compute, and `flagged.csv` (school, procedure) of the rule's
//! findings, for `check.py`.

use oko::rules::{EvalOptions, RuleLimits, RuleSource, compile, evaluate};
use oko::{Indicator, IndicatorValue, Level, Scope};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// The indicators compared with polars and pandas, by id. An id this build of oko does not
/// know is reported as pending (compared between pandas and polars only).
pub const COMPARED: &[&str] = &[
    "count",
    "pass_rate",
    "quality_rate",
    "sou",
    "mean_mark",
    "share_mark_5",
    "share_mark_4",
    "share_mark_3",
    "share_mark_2",
    "share_mark_1",
    "share_not_assessed",
    "score_count",
    "mean_score",
    "median_score",
    "completion_rate",
    "share_lowered",
    "share_confirmed",
    "share_raised",
];

const LEVELS: [Level; 5] = [
    Level::Class,
    Level::Grade,
    Level::School,
    Level::Municipality,
    Level::Region,
];

/// A field of /proc/self/status in bytes (`VmHWM`: peak resident set; `VmRSS`: current).
fn status_bytes(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// CPU time of the process so far (user + system, every thread), from /proc/self/stat.
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at `) `.
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat(5), i.e. 11 and 12 after the name;
    // clock ticks are 100 per second on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// Computes `indicators` for each of `cells` from the aggregated states, each value consumed
/// as it is computed (as a report writer would), not kept; the cells are cut into one
/// contiguous part per core, as the Python package's `Indicators.to_arrow()` does. Returns
/// (values, defined values).
fn values_in_parts(
    agg: &oko::Aggregates,
    cells: &[(Level, usize)],
    indicators: &[Indicator],
) -> (usize, usize) {
    let parts = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        let handles: Vec<_> = cells
            .chunks(cells.len().div_ceil(parts).max(1))
            .map(|part| {
                s.spawn(move || {
                    let (mut n_values, mut n_defined) = (0usize, 0usize);
                    for &(level, ci) in part {
                        for &i in indicators {
                            let v: Option<IndicatorValue> =
                                std::hint::black_box(agg.value_at(level, ci, i));
                            n_values += 1;
                            n_defined += usize::from(v.is_some_and(|v| v.value.is_some()));
                        }
                    }
                    (n_values, n_defined)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a part of the indicator values panicked"))
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d))
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: oko-compare REGION_DIR --rules RULES_DIR [--out DIR]";
    let region = PathBuf::from(args.get(1).ok_or(usage)?);
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    let rules_dir = opt("--rules").ok_or(usage)?;
    let out = opt("--out");
    let sources = ["scales-2025.toml", "district-low-results.toml"]
        .iter()
        .map(|f| {
            let p = rules_dir.join(f);
            std::fs::read_to_string(&p)
                .map(|text| RuleSource::toml(p.display().to_string(), text))
                .map_err(|e| format!("{}: {e}", p.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;

    let (t, c) = (Instant::now(), cpu_s());
    let (ds, _report) = oko_cli::load::load_dir(&region, &oko_cli::load::LoadOptions::default())
        .map_err(|e| format!("loading {}: {e}", region.display()))?;
    let load_s = t.elapsed().as_secs_f64();
    let load_cpu_s = cpu_s() - c;
    let (peak_after_load, rss_after_load) = (status_bytes("VmHWM:"), status_bytes("VmRSS:"));

    let (t, c) = (Instant::now(), cpu_s());
    let rules = compile(&sources, &RuleLimits::default()).map_err(|e| format!("rules: {e}"))?;
    let ev = evaluate(&rules, &ds, &EvalOptions::default())?;
    let evaluate_s = t.elapsed().as_secs_f64();
    let agg = &ev.aggregates;
    // The same values as polars and pandas: the compared indicators of every procedure cell
    // at the five levels they compute.
    let compared: Vec<Indicator> = COMPARED.iter().filter_map(|id| id.parse().ok()).collect();
    let procedure_cells: Vec<(Level, usize)> = LEVELS
        .into_iter()
        .flat_map(|l| {
            agg.cells(l)
                .iter()
                .enumerate()
                .filter(|(_, c)| matches!(agg.scopes()[c.scope as usize], Scope::Procedure { .. }))
                .map(move |(i, _)| (l, i))
        })
        .collect();
    let (n_values, n_defined) = values_in_parts(agg, &procedure_cells, &compared);
    let compute_s = t.elapsed().as_secs_f64();
    let compute_cpu_s = cpu_s() - c;
    // Beyond the comparison (timed apart): every indicator of every cell of all six levels,
    // what a full report or `Indicators.to_arrow()` computes.
    let (t, c) = (Instant::now(), cpu_s());
    let every_cell: Vec<(Level, usize)> = Level::ALL
        .into_iter()
        .flat_map(|l| (0..agg.cells(l).len()).map(move |i| (l, i)))
        .collect();
    let (all_values, all_defined) = values_in_parts(agg, &every_cell, Indicator::ALL);
    let all_values_s = t.elapsed().as_secs_f64();
    let all_values_cpu_s = cpu_s() - c;
    let findings = ev
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "low_results")
        .count();

    let pending: Vec<&str> = COMPARED
        .iter()
        .copied()
        .filter(|id| id.parse::<Indicator>().is_err())
        .collect();
    let peak = status_bytes("VmHWM:");

    if let Some(dir) = out {
        std::fs::create_dir_all(&dir)?;
        let inds: Vec<Indicator> = COMPARED.iter().filter_map(|id| id.parse().ok()).collect();
        let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("values.csv"))?);
        writeln!(w, "level,entity,procedure,indicator,value")?;
        for level in LEVELS {
            let mut ids: HashMap<u32, String> = HashMap::new();
            for cell in agg.cells(level) {
                let Scope::Procedure { procedure } = agg.scopes()[cell.scope as usize] else {
                    continue;
                };
                let pid = &ds.procedures()[procedure as usize].id;
                let eid = ids
                    .entry(cell.entity)
                    .or_insert_with(|| ds.entity_id(level, cell.entity));
                for &i in &inds {
                    let v = agg
                        .value(level, cell.entity, cell.scope, i)
                        .and_then(|v| v.value)
                        .map(|d| d.normalize().to_string())
                        .unwrap_or_default();
                    writeln!(w, "{},{eid},{pid},{},{v}", level.as_str(), i.id())?;
                }
            }
        }
        w.flush()?;
        let by_label: HashMap<String, &str> = ds
            .procedures()
            .iter()
            .map(|p| (p.label(), p.id.as_str()))
            .collect();
        let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("flagged.csv"))?);
        writeln!(w, "school,procedure")?;
        for f in ev
            .report
            .findings
            .iter()
            .filter(|f| f.rule == "low_results")
        {
            let label = f.scope.as_deref().unwrap_or_default();
            let pid = by_label
                .get(label)
                .ok_or_else(|| format!("no procedure labelled `{label}`"))?;
            writeln!(w, "{},{pid}", f.entity.id)?;
        }
        w.flush()?;
    }

    let json = serde_json::json!({
        "tool": "oko (Rust)",
        "load_s": load_s,
        "compute_s": compute_s,
        "load_cpu_s": load_cpu_s,
        "compute_cpu_s": compute_cpu_s,
        "evaluate_s": evaluate_s,
        "peak_rss_bytes": peak,
        "peak_after_load_bytes": peak_after_load,
        "rss_after_load_bytes": rss_after_load,
        "students": ds.students().len(),
        "results": ds.results().len(),
        "marks": ds.marks().len(),
        "values": n_values,
        "defined_values": n_defined,
        "all_values_s": all_values_s,
        "all_values_cpu_s": all_values_cpu_s,
        "all_values": all_values,
        "all_defined_values": all_defined,
        "findings": findings,
        "pending": pending,
    });
    println!("{json}");
    Ok(())
}
