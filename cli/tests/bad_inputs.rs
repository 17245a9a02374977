//! The malformed-input corpus of `tests/bad-inputs/` (see its `manifest.toml` and
//! `make_cases.py`): every case must give a typed error with the expected code and location,
//! quote none of the planted personal values, and neither crash nor hang. Pathological sizes
//! are generated here rather than committed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use oko::rules::{RuleLimits, RuleSource, compile};
use oko::{DataLimits, TableName};
use oko_cli::input::{EncodingOption, parse_decimal_cell, table_from_name};
use oko_cli::load::{LoadError, LoadOptions, Sources, load_sources};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Manifest {
    secrets: Vec<String>,
    case: Vec<Case>,
}

/// A rule column (a number) or a data column (a header).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum Col {
    Number(usize),
    Name(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Case {
    file: Option<String>,
    generate: Option<String>,
    kind: String,
    code: String,
    line: Option<usize>,
    column: Option<Col>,
    table: Option<String>,
    row: Option<u64>,
    first_row: Option<u64>,
    core_code: Option<String>,
    core_row: Option<u64>,
    core_column: Option<String>,
    level: Option<String>,
    with_shipped: bool,
    procedure: Option<String>,
    mapping: Option<String>,
    encoding: Option<String>,
    max_rows_per_table: Option<u64>,
    max_subjects: Option<usize>,
    message: Option<String>,
    note: Option<String>,
}

impl Case {
    fn name(&self) -> String {
        self.file
            .clone()
            .or_else(|| self.generate.clone().map(|g| format!("generated:{g}")))
            .unwrap_or_default()
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/bad-inputs")
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(root().join("manifest.toml")).expect("manifest");
    toml::from_str(&text).expect("manifest parses")
}

/// A fresh folder under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "oko-bad-inputs-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// No error text may contain a planted personal value.
fn assert_no_secret(case: &Case, secrets: &[String], text: &str) {
    for s in secrets {
        assert!(
            !text.contains(s.as_str()),
            "{}: an error quotes the personal value {s:?}:\n{text}",
            case.name()
        );
    }
}

// --- rules ------------------------------------------------------------------------------

const HEAD: &str = "schema_version = 1\nid = \"bad\"\nversion = \"1\"\ntitle = { ru = \"т\", en = \"t\" }\nsource = { document = \"d\" }\n";

fn rule_with(when: &str, message: &str) -> String {
    format!(
        "{HEAD}\n[[rules]]\nid = \"r\"\nlevel = \"school\"\nmessage = {{ ru = \"{message}\", en = \"m\" }}\nwhen = \"{when}\"\n"
    )
}

/// The text of a generated rule file.
fn generated_rules(name: &str) -> String {
    match name {
        "huge_file" => format!("{HEAD}# {}\n", "x".repeat(2 << 20)),
        "many_rules" => {
            let mut s = HEAD.to_owned();
            for i in 0..1001 {
                s.push_str(&format!(
                    "\n[[rules]]\nid = \"r{i}\"\nlevel = \"school\"\nwhen = \"true\"\nmessage = {{ ru = \"\", en = \"\" }}\n"
                ));
            }
            s
        }
        "deep_parens" => rule_with(
            &format!("{}1{} > 0", "(".repeat(20_000), ")".repeat(20_000)),
            "m",
        ),
        "many_nodes" => rule_with(&format!("min({}1) > 0", "1, ".repeat(5000)), "m"),
        "long_expression" => rule_with(&format!("1 {}> 0", " ".repeat(70 * 1024)), "m"),
        "deep_not" => rule_with(&format!("{}true", "not ".repeat(10_000)), "m"),
        "deep_toml_tables" => format!("{HEAD}{} = 1\n", vec!["a"; 100_000].join(".")),
        "many_placeholders" => rule_with("true", &"{entity}".repeat(100_000)),
        other => panic!("unknown rule generator {other}"),
    }
}

fn generated_json_rules(name: &str) -> String {
    match name {
        "deep_json" => format!(
            "{{\"schema_version\": 1, \"parameters\": {{\"p\": {}{}}}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
        other => panic!("unknown rule generator {other}"),
    }
}

fn run_rules(case: &Case, secrets: &[String]) {
    let json = case.kind == "rules-json";
    let text = match (&case.file, &case.generate) {
        (Some(f), _) => std::fs::read_to_string(root().join(f)).expect("rule file"),
        (None, Some(g)) if json => generated_json_rules(g),
        (None, Some(g)) => generated_rules(g),
        _ => panic!("a case needs a file or a generator"),
    };
    let name = case.name();
    let source = if json {
        RuleSource::json(&name, text)
    } else {
        RuleSource::toml(&name, text)
    };
    let mut sources = if case.with_shipped {
        oko_cli::shipped::sources()
    } else {
        Vec::new()
    };
    sources.push(source);
    let result = compile(&sources, &RuleLimits::default());
    if case.level.as_deref() == Some("warning") {
        let rules = result.unwrap_or_else(|e| panic!("{name}: must compile:\n{e}"));
        assert!(
            rules.warnings().iter().any(|w| w.code == case.code),
            "{name}: no warning {}: {:?}",
            case.code,
            rules.warnings()
        );
        return;
    }
    let err = match result {
        Ok(_) => panic!("{name}: compiled, expected {}", case.code),
        Err(e) => e,
    };
    let rendered = err.render();
    let d = err
        .diagnostics
        .iter()
        .find(|d| d.is_error() && d.code == case.code)
        .unwrap_or_else(|| panic!("{name}: no error {}:\n{rendered}", case.code));
    for d in err.diagnostics.iter().filter(|d| d.is_error()) {
        assert!(
            d.code.starts_with("rule.") || d.code.starts_with("limit."),
            "{name}: {}",
            d.code
        );
    }
    if let Some(line) = case.line {
        let want = (Some(line), case.column.clone());
        let got = (d.line, d.column.map(Col::Number));
        assert_eq!(got, want, "{name}: location of {}:\n{rendered}", case.code);
    }
    // A long snippet is windowed, so even a 2 MiB line renders small.
    assert!(rendered.len() < 64 * 1024, "{name}: rendering is huge");
    assert_no_secret(case, secrets, &rendered);
}

// --- data -------------------------------------------------------------------------------

fn table(name: &str) -> TableName {
    table_from_name(name).unwrap_or_else(|| panic!("no table {name}"))
}

/// The base tables, with `replace` instead of theirs.
fn sources(replace: &[(TableName, PathBuf)]) -> Sources {
    let mut s = Sources::default();
    for entry in std::fs::read_dir(root().join("base")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        s.set(table(&stem), path);
    }
    for (t, p) in replace {
        s.set(*t, p.clone());
    }
    s
}

fn options(case: &Case) -> LoadOptions {
    let mut o = LoadOptions::default();
    if let Some(n) = case.max_rows_per_table {
        o.limits.max_rows_per_table = n;
    }
    if let Some(n) = case.max_subjects {
        o.limits.max_subjects = n;
    }
    if case.encoding.as_deref() == Some("utf-8") {
        o.read.encoding = EncodingOption::Utf8;
    }
    if let Some(p) = &case.procedure {
        o = o.with_procedure(p.clone());
    }
    if let Some(m) = &case.mapping {
        o = o.with_mapping(root().join(m).display().to_string());
    }
    o
}

fn csv(header: &[&str], rows: impl Iterator<Item = String>) -> Vec<u8> {
    let mut s = header.join(",");
    s.push('\n');
    for r in rows {
        s.push_str(&r);
        s.push('\n');
    }
    s.into_bytes()
}

fn json_records(rows: impl Iterator<Item = String>) -> Vec<u8> {
    let v: Vec<String> = rows.collect();
    format!("[{}]", v.join(",\n")).into_bytes()
}

/// The files (table, file name, bytes) of a generated data case.
fn generated_data(name: &str) -> Vec<(TableName, &'static str, Vec<u8>)> {
    let student = |id: String| format!("{id},C4A");
    match name {
        "huge_cell" => vec![(
            TableName::Students,
            "students.csv",
            csv(
                &["id", "class"],
                [student("P01".into()), student("x".repeat(1 << 20))].into_iter(),
            ),
        )],
        "many_columns" => {
            let mut header = vec!["id".to_owned(), "name".into(), "municipality".into()];
            header.extend((0..100_000).map(|i| format!("c{i}")));
            let mut row = vec!["S1".to_owned(), "СОШ".into(), "M1".into()];
            row.extend((0..100_000).map(|_| String::new()));
            let h: Vec<&str> = header.iter().map(String::as_str).collect();
            vec![(
                TableName::Schools,
                "schools.csv",
                csv(&h, std::iter::once(row.join(","))),
            )]
        }
        "many_rows_limited" => vec![(
            TableName::Students,
            "students.csv",
            csv(
                &["id", "class"],
                (0..10_001).map(|i| student(format!("P{i}"))),
            ),
        )],
        "long_id" => vec![(
            TableName::Students,
            "students.csv",
            csv(
                &["id", "class"],
                [student("P01".into()), student("Ъ".repeat(5_000))].into_iter(),
            ),
        )],
        "many_procedures" => vec![(
            TableName::Procedures,
            "procedures.json",
            json_records((0..10_001).map(|i| {
                format!(
                    "{{\"id\": \"p{i}\", \"kind\": \"vpr\", \"subject\": \"russian\", \"grade\": \"4\", \"year\": \"2025/26\", \"max_score\": \"10\"}}"
                )
            })),
        )],
        "class_scope_cells" => vec![
            (
                TableName::Classes,
                "classes.json",
                json_records((0..20_000).map(|i| {
                    format!("{{\"id\": \"c{i}\", \"school\": \"S1\", \"grade\": \"4\"}}")
                })),
            ),
            (
                TableName::Procedures,
                "procedures.json",
                json_records((0..5_000).map(|i| {
                    format!(
                        "{{\"id\": \"p{i}\", \"kind\": \"vpr\", \"subject\": \"russian\", \"grade\": \"4\", \"year\": \"2025/26\", \"max_score\": \"10\"}}"
                    )
                })),
            ),
            // The base's students and results name classes and procedures of the base.
            (
                TableName::Students,
                "students.json",
                b"[{\"id\": \"P1\", \"class\": \"c1\"}]".to_vec(),
            ),
            (
                TableName::Results,
                "results.json",
                b"[{\"student\": \"P1\", \"procedure\": \"p1\", \"primary_score\": \"5\"}]"
                    .to_vec(),
            ),
            (
                TableName::Assignments,
                "assignments.json",
                "[{\"teacher\": \"T-Иванова\", \"class\": \"c1\", \"subject\": \"russian\"}]"
                    .as_bytes()
                    .to_vec(),
            ),
        ],
        other => panic!("unknown data generator {other}"),
    }
}

fn run_data(case: &Case, secrets: &[String]) {
    let name = case.name();
    let tmp;
    let replace: Vec<(TableName, PathBuf)> = match (&case.file, &case.generate) {
        (Some(f), _) => vec![(
            table(case.table.as_deref().expect("a data case names its table")),
            root().join(f),
        )],
        (None, Some(g)) => {
            tmp = TempDir::new(g);
            generated_data(g)
                .into_iter()
                .map(|(t, file, bytes)| {
                    let p = tmp.0.join(file);
                    std::fs::write(&p, bytes).unwrap();
                    (t, p)
                })
                .collect()
        }
        _ => panic!("a case needs a file or a generator"),
    };
    let err = match load_sources(&sources(&replace), &options(case)) {
        Ok((_, report)) => panic!(
            "{name}: loaded, expected {}; problems: {:?}",
            case.code, report.problems
        ),
        Err(e) => e,
    };
    let mut text = err.to_string();
    let (code, row, column, first_row) = match &err {
        LoadError::Input(e) => (
            e.code(),
            e.location().row,
            e.location().column.clone(),
            None,
        ),
        LoadError::Table(p) => (p.code, p.row, p.column.clone(), p.first_row),
        LoadError::Rejected(r) => {
            for p in &r.problems {
                text.push('\n');
                text.push_str(&p.to_string());
            }
            let p = r
                .problems
                .iter()
                .find(|p| p.code == case.code)
                .unwrap_or_else(|| panic!("{name}: no problem {}: {:?}", case.code, r.problems));
            (p.code, p.row, p.column.clone(), p.first_row)
        }
    };
    assert_eq!(code, case.code, "{name}: {text}");
    if case.generate.is_none() || case.row.is_some() {
        assert_eq!(row, case.row, "{name}: row: {text}");
    }
    let want_column = match &case.column {
        Some(Col::Name(c)) if !c.is_empty() => Some(c.clone()),
        Some(Col::Number(n)) => panic!("{name}: a data column is a header, not {n}"),
        _ => None,
    };
    if case.generate.is_none() || case.column.is_some() {
        assert_eq!(column, want_column, "{name}: column: {text}");
    }
    if case.first_row.is_some() {
        assert_eq!(first_row, case.first_row, "{name}: first row: {text}");
    }
    if let Some(m) = &case.message {
        assert!(
            text.contains(m.as_str()),
            "{name}: the message lacks {m:?}: {text}"
        );
    }
    assert_no_secret(case, secrets, &text);
}

fn run_cell(case: &Case) {
    let text =
        std::fs::read_to_string(root().join(case.file.as_deref().expect("cell file"))).unwrap();
    let e = parse_decimal_cell(&text).expect_err("must not parse");
    assert_eq!(e.code(), case.code, "{}", case.name());
    assert!(!e.to_string().contains(text.trim()) || text.trim().is_empty());
}

#[test]
fn every_bad_input_gives_its_code_and_location() {
    let m = manifest();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failed = Vec::new();
    for case in &m.case {
        *by_kind.entry(case.kind.as_str()).or_default() += 1;
        // Every case runs, so that one failure does not hide the others.
        let t0 = std::time::Instant::now();
        let run = std::panic::catch_unwind(|| match case.kind.as_str() {
            "rules-toml" | "rules-json" => run_rules(case, &m.secrets),
            "data-csv" | "data-json" | "data-xlsx" => run_data(case, &m.secrets),
            "cell-decimal" => run_cell(case),
            other => panic!("unknown kind {other}"),
        });
        if run.is_err() {
            failed.push(case.name());
        }
        if std::env::var_os("OKO_TIME_CASES").is_some() {
            eprintln!("{:>8.3} s  {}", t0.elapsed().as_secs_f64(), case.name());
        }
    }
    assert!(
        failed.is_empty(),
        "{} case(s) failed: {failed:#?}",
        failed.len()
    );
    assert!(m.case.len() >= 100, "{by_kind:?}");
}

#[test]
fn every_code_is_covered() {
    let m = manifest();
    let covered: Vec<&str> = m
        .case
        .iter()
        .flat_map(|c| [Some(c.code.as_str()), c.core_code.as_deref()])
        .flatten()
        .collect();
    let mut wanted: Vec<&str> = vec![
        // oko::rules::codes and oko::expr::codes
        "rule.syntax",
        "rule.schema",
        "rule.schema_version",
        "rule.duplicate_id",
        "rule.invalid_value",
        "rule.unknown_placeholder",
        "rule.band_test",
        "limit.file_size",
        "limit.rules",
        "limit.items",
        "limit.message",
        "rule.unknown_name",
        "rule.type_mismatch",
        "rule.unit_mismatch",
        "rule.arity",
        "rule.argument",
        "limit.expression_depth",
        "limit.expression_nodes",
        "limit.expression_size",
        "rule.scale_gap",
        "rule.scale_overlap",
        "rule.scale_not_monotonic",
        "lint.band_gap",
        "lint.band_overlap",
        // oko_cli::input::ErrorKind
        "input.encoding",
        "input.separator",
        "input.xlsx",
        "input.json",
        "input.mapping",
        "input.missing_column",
        "input.ragged_row",
        "input.decimal",
        "input.io",
        "input.empty",
        "input.option",
    ];
    let data_codes: Vec<&'static str> = all_data_kinds().iter().map(|k| k.code()).collect();
    wanted.extend(data_codes);
    let missing: Vec<&&str> = wanted.iter().filter(|c| !covered.contains(c)).collect();
    assert!(missing.is_empty(), "codes without a bad input: {missing:?}");
}

/// Every data error kind (the enum is non-exhaustive: a new kind must be added here and
/// get a bad input).
fn all_data_kinds() -> Vec<oko::DataErrorKind> {
    use oko::DataErrorKind as K;
    vec![
        K::EmptyId,
        K::MissingValue,
        K::MissingColumn,
        K::DuplicateId,
        K::InvalidValue,
        K::MarkOutOfRange,
        K::GradeOutOfRange,
        K::ScoreAboveMax,
        K::TaskScores,
        K::TestScoreOutOfRange,
        K::UnknownProcedure,
        K::UnknownStudent,
        K::UnknownClass,
        K::UnknownSchool,
        K::UnknownMunicipality,
        K::UnknownTeacher,
        K::DuplicateResult,
        K::DuplicateMark,
        K::TooManyRows,
        K::IdTooLong,
        K::CellTooLong,
        K::TooManyColumns,
        K::TooManySubjects,
        K::TooManyScopes,
        K::TooManyClassScopes,
    ]
}

#[test]
fn default_limits_are_on() {
    let l = DataLimits::default();
    assert!(l.max_id_bytes <= 1024 && l.max_cell_bytes <= 1 << 20 && l.max_columns <= 10_000);
    let r = RuleLimits::default();
    assert!(r.max_file_bytes <= 1 << 20 && r.max_placeholders <= 1000);
}
