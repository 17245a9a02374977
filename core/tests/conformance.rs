//! The shared conformance cases in tests/cases/: rules + data + expected report, run here and
//! by the Python and Node suites, which must produce the same bytes.
//! `OKO_UPDATE_CASES=1 cargo test -p oko --test conformance` rewrites the expectations (check
//! the diff by hand before committing).

use oko::rules::{EvalOptions, RuleLimits, RuleSource, compile, evaluate};
use oko::{CellValue, DatasetBuilder, Policy, TableName, TableSource};
use serde_json::Value;
use std::path::{Path, PathBuf};

struct JsonRows<'a> {
    names: Vec<String>,
    rows: &'a [Value],
}

impl TableSource for JsonRows<'_> {
    fn column_names(&self) -> Vec<String> {
        self.names.clone()
    }
    fn row_count(&self) -> usize {
        self.rows.len()
    }
    fn cell(&self, row: usize, column: usize) -> CellValue<'_> {
        match self.rows[row].get(&self.names[column]) {
            None | Some(Value::Null) => CellValue::Null,
            Some(Value::String(s)) => CellValue::Str(s),
            Some(Value::Bool(b)) => CellValue::Bool(*b),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => CellValue::Int(i),
                None => CellValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Some(_) => CellValue::Str("<nested>"),
        }
    }
}

const TABLES: [(&str, TableName); 12] = [
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
    ("muko_evidence", TableName::MukoEvidence),
];

/// Runs one case and returns the report as pretty JSON.
pub fn run_case(case: &Value, repo: &Path) -> String {
    let mut b = DatasetBuilder::new(Policy::Strict);
    for (key, table) in TABLES {
        if let Some(Value::Array(rows)) = case["data"].get(key) {
            let mut names: Vec<String> = Vec::new();
            for r in rows {
                for k in r.as_object().expect("rows are objects").keys() {
                    if !names.contains(k) {
                        names.push(k.clone());
                    }
                }
            }
            b.add_table(table, &JsonRows { names, rows })
                .expect("case tables have their columns");
        }
    }
    let ds = b.build().expect("case data is valid");
    let sources: Vec<RuleSource> = case["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let text = r.as_str().expect("rule text or path");
            if text.ends_with(".toml") && !text.contains('\n') {
                RuleSource::toml(
                    text,
                    std::fs::read_to_string(repo.join(text)).expect("rule file"),
                )
            } else {
                RuleSource::toml(format!("rules[{i}]"), text)
            }
        })
        .collect();
    let rules = compile(&sources, &RuleLimits::default()).unwrap_or_else(|e| panic!("{e}"));
    let min_sample = case["options"]["min_sample"].as_u64().unwrap_or(10);
    let mut out = evaluate(&rules, &ds, &EvalOptions { min_sample }).expect("evaluation");
    if let Some(key) = case["options"]["pseudonymise_key"].as_str() {
        let p = oko::privacy::Pseudonymiser::new(key.as_bytes()).expect("a long enough key");
        p.pseudonymise_students(&mut out.report);
    }
    let mut json = serde_json::to_string_pretty(&out.report).expect("report serialises");
    json.push('\n');
    json
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn conformance_cases() {
    let dir = repo().join("tests/cases");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".expected.json")
        })
        .collect();
    names.sort();
    assert!(!names.is_empty());
    let mut failures = Vec::new();
    for path in names {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let got = run_case(&case, &repo());
        let expected_path = path.with_extension("expected.json");
        if std::env::var_os("OKO_UPDATE_CASES").is_some() {
            std::fs::write(&expected_path, &got).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(path.display().to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "cases differ from their expectations: {failures:?}"
    );
}
