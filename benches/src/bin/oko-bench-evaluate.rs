//! The pure Rust side of `benches/python/bench_binding.py`: evaluation of the shipped rules
//! from in-memory tables, timed the way the Python benchmark times `Dataset.from_tables` over
//! pyarrow Tables plus `oko.evaluate`.
//!
//! Usage: `oko-bench-evaluate <folder of canonical CSVs> [runs | --serve] [--report <path>]`
//! (the folder `oko generate --preset region` writes). The CSVs are read into typed columns
//! first (not timed), with the types pyarrow's CSV reader infers (integers, floats, booleans,
//! text), so that both sides start from the same typed cells. Then each run builds the dataset
//! (strict), compiles the shipped rules and evaluates them, and prints a JSON line with the
//! wall-clock and CPU seconds of each stage. `--serve` runs once per `run` line on stdin (the Python driver
//! interleaves its runs with these); `--report` writes the first run's report JSON (the bytes
//! of `Evaluation.to_json()`, which the driver compares).

use oko::rules::{EvalOptions, RuleLimits, compile, evaluate, shipped};
use oko::{CellValue, DatasetBuilder, Policy, TableName, TableSource};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// Text cells laid out as Arrow lays them out: one buffer and offsets (no allocation per
/// cell, as in the pyarrow Tables of the Python side).
struct Text {
    data: String,
    offsets: Vec<usize>,
    valid: Vec<bool>,
}

/// A column as pyarrow's CSV reader would type it.
enum Column {
    Null,
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Text(Text),
}

/// A cell, None when empty.
fn opt(c: &str) -> Option<&str> {
    (!c.is_empty()).then_some(c)
}

impl Column {
    /// The narrowest type every non-empty cell fits: int64, float64, bool, else text.
    fn infer(cells: Vec<String>) -> Column {
        let present = || cells.iter().filter(|c| !c.is_empty());
        if present().next().is_none() {
            return Column::Null;
        }
        if present().all(|c| c.parse::<i64>().is_ok()) {
            return Column::Int(
                cells
                    .iter()
                    .map(|c| opt(c).and_then(|c| c.parse().ok()))
                    .collect(),
            );
        }
        if present().all(|c| c.parse::<f64>().is_ok()) {
            return Column::Float(
                cells
                    .iter()
                    .map(|c| opt(c).and_then(|c| c.parse().ok()))
                    .collect(),
            );
        }
        if present().all(|c| c == "true" || c == "false") {
            return Column::Bool(cells.iter().map(|c| opt(c).map(|c| c == "true")).collect());
        }
        let mut t = Text {
            data: String::with_capacity(cells.iter().map(String::len).sum()),
            offsets: Vec::with_capacity(cells.len() + 1),
            valid: Vec::with_capacity(cells.len()),
        };
        t.offsets.push(0);
        for c in &cells {
            t.data.push_str(c);
            t.offsets.push(t.data.len());
            t.valid.push(!c.is_empty());
        }
        Column::Text(t)
    }

    fn cell(&self, row: usize) -> CellValue<'_> {
        let v = match self {
            Column::Null => None,
            Column::Int(v) => v[row].map(CellValue::Int),
            Column::Float(v) => v[row].map(CellValue::Float),
            Column::Bool(v) => v[row].map(CellValue::Bool),
            Column::Text(t) => {
                t.valid[row].then(|| CellValue::Str(&t.data[t.offsets[row]..t.offsets[row + 1]]))
            }
        };
        v.unwrap_or(CellValue::Null)
    }
}

/// A table of typed columns.
struct Table {
    names: Vec<String>,
    rows: usize,
    columns: Vec<Column>,
}

impl TableSource for Table {
    fn column_names(&self) -> Vec<String> {
        self.names.clone()
    }
    fn row_count(&self) -> usize {
        self.rows
    }
    fn cell(&self, row: usize, column: usize) -> CellValue<'_> {
        self.columns[column].cell(row)
    }
}

fn read(path: &Path) -> Result<Table, Box<dyn std::error::Error>> {
    let mut r = csv::Reader::from_path(path)?;
    let names: Vec<String> = r.headers()?.iter().map(str::to_owned).collect();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); names.len()];
    let mut rows = 0;
    for rec in r.records() {
        let rec = rec?;
        for (i, c) in rec.iter().enumerate() {
            cells[i].push(c.to_owned());
        }
        rows += 1;
    }
    let columns = cells.into_iter().map(Column::infer).collect();
    Ok(Table {
        names,
        rows,
        columns,
    })
}

const TABLES: [(&str, TableName); 11] = [
    ("municipalities", TableName::Municipalities),
    ("schools", TableName::Schools),
    ("classes", TableName::Classes),
    ("teachers", TableName::Teachers),
    ("assignments", TableName::Assignments),
    ("students", TableName::Students),
    ("procedures", TableName::Procedures),
    ("results", TableName::Results),
    ("marks", TableName::Marks),
    ("trainings", TableName::Trainings),
    ("competency_tests", TableName::CompetencyTests),
];

/// CPU time of this thread in seconds (Linux: `/proc/thread-self/schedstat`, in ns), which
/// machine load does not inflate as it does wall time; None elsewhere. The core is
/// single-threaded, so this is all the work of a stage.
fn cpu() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// A point in time: wall clock and CPU time.
#[derive(Clone, Copy)]
struct Mark(Instant, Option<f64>);

impl Mark {
    fn now() -> Mark {
        Mark(Instant::now(), cpu())
    }
    /// (wall, cpu) seconds since `earlier`.
    fn since(self, earlier: Mark) -> (f64, Option<f64>) {
        let wall = (self.0 - earlier.0).as_secs_f64();
        (wall, self.1.zip(earlier.1).map(|(a, b)| a - b))
    }
}

/// Seconds (wall, cpu) of each stage of one run, and its report.
struct Run {
    stages: [(&'static str, (f64, Option<f64>)); 4],
    report: oko::rules::Report,
}

/// Builds the dataset, compiles the shipped rules and evaluates them.
fn run(tables: &[(TableName, Table)]) -> Result<Run, Box<dyn std::error::Error>> {
    let t0 = Mark::now();
    let mut b = DatasetBuilder::new(Policy::Strict);
    for (table, source) in tables {
        b.add_table(*table, source)?;
    }
    let ds = b.build()?;
    let t1 = Mark::now();
    let compiled = compile(&shipped(), &RuleLimits::default())?;
    let t2 = Mark::now();
    let out = evaluate(&compiled, &ds, &EvalOptions::default())?;
    let t3 = Mark::now();
    Ok(Run {
        stages: [
            ("build", t1.since(t0)),
            ("compile", t2.since(t1)),
            ("evaluate", t3.since(t2)),
            ("total", t3.since(t0)),
        ],
        report: out.report,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: oko-bench-evaluate <csv folder> [runs | --serve] [--report <path>]";
    let dir = Path::new(args.get(1).ok_or(usage)?);
    let serve = args.iter().any(|a| a == "--serve");
    let report_path = args
        .iter()
        .position(|a| a == "--report")
        .and_then(|i| args.get(i + 1));
    let runs: usize = match args.get(2) {
        Some(s) if !s.starts_with("--") => s.parse()?,
        _ => 5,
    };
    let mut tables = Vec::new();
    for (name, table) in TABLES {
        let path = dir.join(format!("{name}.csv"));
        if path.exists() {
            tables.push((table, read(&path)?));
        }
    }
    let mut stdout = std::io::stdout().lock();
    let mut report_written = false;
    let mut one = |stdout: &mut std::io::StdoutLock<'_>| -> Result<(), Box<dyn std::error::Error>> {
        let r = run(&tables)?;
        if let (Some(path), false) = (report_path, report_written) {
            let mut json = serde_json::to_string_pretty(&r.report)?;
            json.push('\n');
            std::fs::write(path, json)?;
            report_written = true;
        }
        let wall: serde_json::Map<String, serde_json::Value> = r
            .stages
            .iter()
            .map(|(name, (w, _))| ((*name).to_owned(), (*w).into()))
            .collect();
        let cpu: serde_json::Map<String, serde_json::Value> = r
            .stages
            .iter()
            .filter_map(|(name, (_, c))| Some(((*name).to_owned(), (*c)?.into())))
            .collect();
        let line = serde_json::json!({
            "wall": wall, "cpu": cpu,
            "findings": r.report.findings.len(), "labels": r.report.labels.len(),
        });
        writeln!(stdout, "{line}")?;
        stdout.flush()?;
        Ok(())
    };
    if serve {
        // One run per line on stdin ("run"), so that a driver can interleave them with its
        // own under the same machine load; "ready" once the tables are in memory.
        writeln!(stdout, "ready")?;
        stdout.flush()?;
        for line in std::io::stdin().lines() {
            if line?.trim() == "run" {
                one(&mut stdout)?;
            }
        }
    } else {
        for _ in 0..runs {
            one(&mut stdout)?;
        }
    }
    Ok(())
}
