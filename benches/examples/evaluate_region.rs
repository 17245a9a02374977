//! The pure Rust side of `benches/node/bench.mjs`: the same job as the Node binding's
//! `Dataset.fromColumns` + `evaluateAsync`, in process, from the same columns.
//!
//! Reads the canonical CSV tables of a folder (written by `oko generate --out DIR`) into
//! in-memory columns (untimed; a column whose every cell is an integer without leading zeros
//! becomes integers, as bench.mjs turns it into a `Float64Array`), then runs `RUNS` times:
//! build the dataset from the columns (`DatasetBuilder`, strict), and evaluate the rules and
//! serialise the report as the CLI does (`serde_json::to_string_pretty`). Prints one JSON
//! line with every run's milliseconds.
//!
//! Usage: cargo run --release -p oko-benches --example evaluate_region -- DIR RUNS RULE_FILE...

use oko::rules::{EvalOptions, RuleLimits, RuleSource, compile, evaluate};
use oko::{CellValue, DatasetBuilder, Policy, TableName, TableSource};
use std::path::Path;
use std::time::Instant;

const TABLES: [TableName; 11] = {
    // Every table but the last, the МУКО evidence, in dependency order.
    let [t @ .., TableName::MukoEvidence] = TableName::ALL else {
        unreachable!()
    };
    t
};

enum Column {
    Int(Vec<i64>),
    /// Empty strings are missing cells.
    Str(Vec<String>),
}

struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
    rows: usize,
}

impl TableSource for Table {
    fn column_names(&self) -> Vec<String> {
        self.names.clone()
    }
    fn row_count(&self) -> usize {
        self.rows
    }
    fn cell(&self, row: usize, column: usize) -> CellValue<'_> {
        match &self.columns[column] {
            Column::Int(v) => CellValue::Int(v[row]),
            Column::Str(v) if v[row].is_empty() => CellValue::Null,
            Column::Str(v) => CellValue::Str(&v[row]),
        }
    }
}

/// The integer of a cell that bench.mjs would also read as one: `0` or an optional `-` and
/// 1..=15 digits without a leading zero.
fn int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let ok = s == "0"
        || (!digits.is_empty()
            && digits.len() <= 15
            && !digits.starts_with('0')
            && digits.bytes().all(|b| b.is_ascii_digit()));
    if ok { s.parse().ok() } else { None }
}

fn read(path: &Path) -> Result<Table, Box<dyn std::error::Error>> {
    let mut r = csv::Reader::from_path(path)?;
    let names: Vec<String> = r.headers()?.iter().map(str::to_owned).collect();
    let mut cols: Vec<Vec<String>> = vec![Vec::new(); names.len()];
    for rec in r.records() {
        let rec = rec?;
        for (c, col) in cols.iter_mut().enumerate() {
            col.push(rec.get(c).unwrap_or("").to_owned());
        }
    }
    let rows = cols.first().map_or(0, Vec::len);
    let columns = cols
        .into_iter()
        .map(
            |col| match col.iter().map(|s| int(s)).collect::<Option<Vec<_>>>() {
                Some(ints) if !ints.is_empty() => Column::Int(ints),
                _ => Column::Str(col),
            },
        )
        .collect();
    Ok(Table {
        names,
        columns,
        rows,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, runs, rule_files @ ..] = args.as_slice() else {
        return Err("usage: evaluate_region DIR RUNS RULE_FILE...".into());
    };
    let runs: usize = runs.parse()?;
    let dir = Path::new(dir);
    let t = Instant::now();
    let mut tables = Vec::new();
    for name in TABLES {
        let path = dir.join(format!("{}.csv", name.as_str()));
        if path.exists() {
            tables.push((name, read(&path)?));
        }
    }
    let read_ms = t.elapsed().as_secs_f64() * 1e3;
    let sources = rule_files
        .iter()
        .map(|f| Ok(RuleSource::toml(f.as_str(), std::fs::read_to_string(f)?)))
        .collect::<Result<Vec<_>, std::io::Error>>()?;
    let rules = compile(&sources, &RuleLimits::default()).map_err(|e| e.render())?;
    let (mut build_ms, mut eval_ms, mut findings, mut bytes) = (Vec::new(), Vec::new(), 0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let mut b = DatasetBuilder::new(Policy::Strict);
        for (name, table) in &tables {
            b.add_table(*name, table)?;
        }
        let ds = b.build()?;
        build_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let out = evaluate(&rules, &ds, &EvalOptions::default())?;
        let json = serde_json::to_string_pretty(&out.report)?;
        eval_ms.push(t.elapsed().as_secs_f64() * 1e3);
        findings = out.report.findings.len();
        bytes = json.len();
    }
    println!(
        "{}",
        serde_json::json!({
            "read_ms": read_ms,
            "build_ms": build_ms,
            "evaluate_ms": eval_ms,
            "findings": findings,
            "report_bytes": bytes,
        })
    );
    Ok(())
}
