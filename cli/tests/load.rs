//! Tests of the loader: exact round trips through the exported tables (as
//! written, and re-encoded the way Russian Excel saves CSV), an XLSX export
//! with a mapping and a constant column, and malformed files reported in the
//! file's own terms without their values. Fixtures: `tests/fixtures/load/`
//! (made by `make_fixtures.py`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use oko::{
    AggregateOptions, Dataset, Indicator, IndicatorValue, Level, ScaleSet, Scope, TableName,
    aggregate,
};
use oko_cli::export::write_dataset;
use oko_cli::input::{Encoding, Format};
use oko_cli::load::{
    ErrorCategory, LoadArgs, LoadError, LoadOptions, LoadReport, Problem, Sources, find_tables,
    load_dir, load_files, load_sources,
};

/// A planted personal value: it is in the fixtures' cells and must never be
/// in a message.
const PLANTED: [&str; 2] = ["Секретова", "Анна"];

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/load")
        .join(path)
}

/// A fresh folder under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "oko-load-test-{tag}-{}-{nanos}",
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

type Key = (&'static str, String, String, &'static str);

/// Every indicator value at every level, keyed by entity ids and scope labels
/// (not by the dense indices, which a loader is free to assign differently).
fn snapshot(ds: &Dataset, scales: &ScaleSet) -> BTreeMap<Key, IndicatorValue> {
    let agg = aggregate(ds, scales, AggregateOptions::default());
    let mut out = BTreeMap::new();
    for level in Level::ALL {
        for cell in agg.cells(level) {
            let scope = match agg.scopes()[cell.scope as usize] {
                Scope::Procedure { procedure } => {
                    format!("procedure {}", ds.procedures()[procedure as usize].id)
                }
                s => s.label(ds),
            };
            let e = cell.entity as usize;
            let entity = match level {
                Level::Class => ds.classes()[e].id.clone(),
                Level::Grade => {
                    let g = ds.grades()[e];
                    format!("{}/{}", ds.schools()[g.school as usize].id, g.grade)
                }
                Level::Teacher => ds.teachers()[e].id.clone(),
                Level::School => ds.schools()[e].id.clone(),
                Level::Municipality => ds.municipalities()[e].id.clone(),
                Level::Region => "region".to_owned(),
                Level::Student => ds.students().id(cell.entity).to_owned(),
            };
            for &ind in Indicator::ALL {
                if let Some(v) = agg.value(level, cell.entity, cell.scope, ind) {
                    out.insert((level.as_str(), entity.clone(), scope.clone(), ind.id()), v);
                }
            }
        }
    }
    out
}

/// What aggregates do not show: entity attributes, context fields, students' data.
fn assert_same_entities(a: &Dataset, b: &Dataset) {
    assert_eq!(a.municipalities(), b.municipalities());
    assert_eq!(a.schools(), b.schools());
    assert_eq!(a.context_fields(), b.context_fields());
    assert_eq!(a.classes(), b.classes());
    assert_eq!(a.teachers(), b.teachers());
    assert_eq!(a.procedures(), b.procedures());
    assert_eq!(a.trainings(), b.trainings());
    assert_eq!(a.competency_tests(), b.competency_tests());
    let (sa, sb) = (a.students(), b.students());
    assert_eq!(sa.len(), sb.len());
    assert_eq!(sa.attendance(), sb.attendance());
    assert_eq!(sa.olympiad(), sb.olympiad());
    assert_eq!(sa.attestat(), sb.attestat());
    // Results and marks row by row (same order in, same order out), by ids.
    let (ra, rb) = (a.results(), b.results());
    assert_eq!(ra.len(), rb.len());
    for i in 0..ra.len() {
        let row = |d: &Dataset, i: usize| {
            let r = d.results();
            (
                d.students().id(r.student()[i]).to_owned(),
                d.procedures()[r.procedure()[i] as usize].id.clone(),
                d.classes()[r.class()[i] as usize].id.clone(),
                r.score(i),
                r.mark(i),
                r.test_score(i),
                r.task_scores(i).to_vec(),
            )
        };
        assert_eq!(row(a, i), row(b, i), "result {i}");
    }
    let (ma, mb) = (a.marks(), b.marks());
    assert_eq!(ma.len(), mb.len());
    for i in 0..ma.len() {
        let row = |d: &Dataset, i: usize| {
            let m = d.marks();
            (
                d.students().id(m.student()[i]).to_owned(),
                d.subjects().name(m.subject()[i]).to_owned(),
                m.year(i),
                m.period(i),
                m.value(i),
            )
        };
        assert_eq!(row(a, i), row(b, i), "mark {i}");
    }
}

fn assert_same_snapshot(a: &BTreeMap<Key, IndicatorValue>, b: &BTreeMap<Key, IndicatorValue>) {
    assert_eq!(a.len(), b.len(), "number of values");
    for (k, v) in a {
        assert_eq!(b.get(k), Some(v), "{k:?}");
    }
}

fn assert_no_values(text: &str) {
    for p in PLANTED {
        assert!(!text.contains(p), "a cell value leaked into: {text}");
    }
}

#[test]
fn round_trip_through_exported_tables_is_exact() {
    let g = oko::generate(&oko::GeneratorConfig::tiny(1));
    let dir = TempDir::new("roundtrip");
    write_dataset(&g.dataset, &dir.0).unwrap();
    let (ds, report) = load_dir(&dir.0, &LoadOptions::default()).unwrap();
    assert_eq!(report.tables.len(), 12);
    assert_eq!(report.problem_count, 0);
    assert!(ds.rejected().is_empty());
    assert_eq!(report.unused_files, Vec::<String>::new());
    for t in &report.tables {
        assert_eq!(t.rejected, 0, "{}", t.file);
        assert_eq!(t.ignored_columns, Vec::<String>::new(), "{}", t.file);
        assert_eq!(t.mapping, "oko");
        assert_eq!(t.detected.format, Format::Csv);
    }
    assert_eq!(
        report.table(TableName::Results).unwrap().rows,
        g.dataset.results().len() as u64
    );
    assert_same_entities(&g.dataset, &ds);
    let want = snapshot(&g.dataset, &g.scales);
    assert!(want.len() > 1000, "{}", want.len());
    assert_same_snapshot(&want, &snapshot(&ds, &g.scales));

    // Fed in chunks of 7 rows: the same.
    let small = LoadOptions {
        chunk_rows: 7,
        ..LoadOptions::default()
    };
    let (ds, _) = load_dir(&dir.0, &small).unwrap();
    assert_same_snapshot(&want, &snapshot(&ds, &g.scales));
}

/// Rewrites every CSV of `from` into `to` the way Russian Excel saves it:
/// windows-1251, `;` separators, decimal commas.
fn excel_russian_copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("csv") {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&path)
            .unwrap();
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::new());
        for record in reader.records() {
            let record = record.unwrap();
            let cells: Vec<String> = record
                .iter()
                .map(|c| {
                    let numeric = c.chars().filter(|&ch| ch == '.').count() == 1
                        && c.chars()
                            .all(|ch| ch.is_ascii_digit() || ch == '.' || ch == '-');
                    if numeric {
                        c.replace('.', ",")
                    } else {
                        c.to_owned()
                    }
                })
                .collect();
            writer.write_record(&cells).unwrap();
        }
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let (bytes, _, lossy) = encoding_rs::WINDOWS_1251.encode(&text);
        assert!(
            !lossy,
            "{} has characters outside windows-1251",
            path.display()
        );
        std::fs::write(to.join(path.file_name().unwrap()), bytes).unwrap();
    }
}

#[test]
fn cp1251_semicolons_and_decimal_commas_load_the_same() {
    let g = oko::generate(&oko::GeneratorConfig::tiny(1));
    let dir = TempDir::new("utf8");
    write_dataset(&g.dataset, &dir.0).unwrap();
    let russian = TempDir::new("cp1251");
    excel_russian_copy(&dir.0, &russian.0);
    // The copy really differs: a decimal comma and cp1251 bytes.
    let schools = std::fs::read(russian.0.join("schools.csv")).unwrap();
    assert!(std::str::from_utf8(&schools).is_err());
    assert!(
        schools
            .windows(2)
            .any(|w| w[0].is_ascii_digit() && w[1] == b',')
    );

    let options = LoadOptions {
        chunk_rows: 100,
        ..LoadOptions::default()
    };
    let (ds, report) = load_dir(&russian.0, &options).unwrap();
    for t in &report.tables {
        // An all-ASCII file is valid UTF-8 too, and read as that: the same text.
        let ascii = std::fs::read(&t.path).unwrap().is_ascii();
        let encoding = if ascii {
            Encoding::Utf8
        } else {
            Encoding::Windows1251
        };
        assert_eq!(t.detected.encoding, Some(encoding), "{}", t.file);
        assert_eq!(t.detected.separator, Some(b';'), "{}", t.file);
    }
    let cp1251 = report
        .tables
        .iter()
        .filter(|t| t.detected.encoding == Some(Encoding::Windows1251))
        .count();
    assert!(cp1251 >= 5, "{cp1251}");
    assert_same_entities(&g.dataset, &ds);
    assert_same_snapshot(&snapshot(&g.dataset, &g.scales), &snapshot(&ds, &g.scales));
}

fn base_with(table: TableName, file: PathBuf) -> Sources {
    let mut s = find_tables(&fixture("base")).unwrap();
    s.set(table, file);
    s
}

#[test]
fn xlsx_export_with_mapping_and_procedure_loads_like_the_csv() {
    let (csv_ds, csv_report) = load_dir(&fixture("base"), &LoadOptions::default()).unwrap();
    assert_eq!(csv_report.problem_count, 0);
    let options = LoadOptions::default()
        .with_mapping("fis-oko-vpr")
        .with_procedure("vpr-rus-4");
    let sources = base_with(TableName::Results, fixture("results_vpr.xlsx"));
    let (ds, report) = load_sources(&sources, &options).unwrap();
    let results = report.table(TableName::Results).unwrap();
    assert_eq!(results.detected.format, Format::Xlsx);
    assert_eq!(results.mapping, "fis-oko-vpr");
    assert_eq!(results.rows, 12);
    // A name the mapping does not know and a known column oko does not read:
    // both reported, by the file's headers.
    assert_eq!(results.ignored_columns, ["ФИО", "Пол"]);
    assert!(
        results.warnings.iter().any(|w| w.contains("\"Пол\"")),
        "{:?}",
        results.warnings
    );
    // The other tables keep oko's own names.
    assert_eq!(report.table(TableName::Schools).unwrap().mapping, "oko");
    assert_no_values(&report.to_string());
    let scales = ScaleSet::default();
    assert_same_entities(&csv_ds, &ds);
    assert_same_snapshot(&snapshot(&csv_ds, &scales), &snapshot(&ds, &scales));
    for i in 0..ds.results().len() {
        assert_eq!(ds.results().task_scores(i), csv_ds.results().task_scores(i));
    }
}

struct Case {
    file: &'static str,
    code: &'static str,
    row: Option<u64>,
    column: Option<&'static str>,
    first_row: Option<u64>,
}

const CASES: &[Case] = &[
    Case {
        file: "mark.csv",
        code: "data.mark_out_of_range",
        row: Some(6),
        column: Some("Отметка"),
        first_row: None,
    },
    Case {
        file: "score_above_max.csv",
        code: "data.score_above_max",
        row: Some(6),
        column: Some("Первичный балл"),
        first_row: None,
    },
    Case {
        file: "unknown_procedure.csv",
        code: "data.unknown_procedure",
        row: Some(6),
        column: Some("Код работы"),
        first_row: None,
    },
    Case {
        file: "duplicate_result.csv",
        code: "data.duplicate_result",
        row: Some(6),
        column: Some("Код участника"),
        first_row: Some(3),
    },
    Case {
        file: "empty_id.csv",
        code: "data.empty_id",
        row: Some(6),
        column: Some("Код участника"),
        first_row: None,
    },
    Case {
        file: "ragged.csv",
        code: "input.ragged_row",
        row: Some(6),
        column: None,
        first_row: None,
    },
];

fn assert_problem(p: &Problem, file: &str, case: &Case) {
    assert_eq!(p.code, case.code, "{p}");
    assert_eq!(p.table, TableName::Results, "{p}");
    assert_eq!(p.file, file, "{p}");
    assert_eq!(p.row, case.row, "{p}");
    assert_eq!(p.column.as_deref(), case.column, "{p}");
    assert_eq!(p.first_row, case.first_row, "{p}");
    assert_no_values(&p.to_string());
}

fn vpr() -> LoadOptions {
    LoadOptions::default().with_mapping("fis-oko-vpr")
}

#[test]
fn bad_rows_are_named_by_file_row_and_header_strict_and_lenient() {
    for case in CASES {
        let sources = base_with(TableName::Results, fixture("bad").join(case.file));
        // Strict: the load fails, listing the row.
        let e = load_sources(&sources, &vpr()).unwrap_err();
        assert_eq!(e.code(), case.code, "{e}");
        assert_eq!(e.category(), ErrorCategory::Data);
        assert_eq!(e.exit_code(), 3);
        assert_no_values(&e.to_string());
        let LoadError::Rejected(r) = &e else {
            panic!("{}: {e}", case.file)
        };
        assert_eq!(r.count, 1, "{}: {:?}", case.file, r.problems);
        assert_problem(&r.problems[0], case.file, case);
        assert_no_values(&r.report.to_string());

        // Lenient: the row is skipped and reported, the others are in.
        let (ds, report) = load_sources(&sources, &vpr().lenient()).unwrap();
        assert_eq!(report.problem_count, 1, "{}", case.file);
        assert_problem(&report.problems[0], case.file, case);
        let results = report.table(TableName::Results).unwrap();
        assert_eq!((results.rows, results.rejected), (5, 1), "{}", case.file);
        assert_eq!(ds.results().len(), 4, "{}", case.file);
        assert_eq!(results.ignored_columns, ["ФИО"], "{}", case.file);
        assert_no_values(&report.to_string());
    }
}

#[test]
fn bad_row_in_xlsx_is_named_by_excel_row() {
    let case = Case {
        file: "mark.xlsx",
        code: "data.mark_out_of_range",
        row: Some(9),
        column: Some("Отметка"),
        first_row: None,
    };
    let sources = base_with(TableName::Results, fixture("bad/mark.xlsx"));
    let options = vpr().with_procedure("vpr-rus-4");
    let e = load_sources(&sources, &options).unwrap_err();
    assert_problem(&e.problems()[0], case.file, &case);
    let (ds, report) = load_sources(&sources, &options.lenient()).unwrap();
    assert_problem(&report.problems[0], case.file, &case);
    assert_eq!(ds.results().len(), 11);
}

#[test]
fn bad_encoding_fails_the_file_strict_and_skips_the_row_lenient() {
    let sources = base_with(TableName::Results, fixture("bad/encoding.csv"));
    let e = load_sources(&sources, &vpr()).unwrap_err();
    assert_eq!(e.code(), "input.encoding", "{e}");
    assert_eq!(e.category(), ErrorCategory::Input);
    assert_eq!(e.exit_code(), 5);
    let LoadError::Input(input) = &e else {
        panic!("{e}")
    };
    assert_eq!(input.location().file, "encoding.csv");
    assert_eq!(input.location().row, Some(6));
    assert_no_values(&e.to_string());

    let (ds, report) = load_sources(&sources, &vpr().lenient()).unwrap();
    let case = Case {
        file: "encoding.csv",
        code: "input.encoding",
        row: Some(6),
        column: Some("ФИО"),
        first_row: None,
    };
    assert_eq!(report.problem_count, 1);
    assert_problem(&report.problems[0], case.file, &case);
    assert_eq!(ds.results().len(), 4);
    let results = report.table(TableName::Results).unwrap();
    assert!(
        results.warnings.iter().any(|w| w.contains("not UTF-8")),
        "{:?}",
        results.warnings
    );
    assert_no_values(&report.to_string());
}

#[test]
fn missing_columns_fail_the_table_under_either_policy() {
    // Required by the mapping: an input error naming the canonical column.
    let sources = base_with(TableName::Results, fixture("bad/missing_column.csv"));
    for options in [vpr(), vpr().lenient()] {
        let e = load_sources(&sources, &options).unwrap_err();
        assert_eq!(e.code(), "input.missing_column", "{e}");
        let LoadError::Input(input) = &e else {
            panic!("{e}")
        };
        assert_eq!(input.location().file, "missing_column.csv");
        assert_eq!(input.location().column.as_deref(), Some("primary_score"));
        assert_no_values(&e.to_string());
    }
    // Required by the core and not in the export: the procedure, with a hint.
    let sources = base_with(TableName::Results, fixture("bad/no_procedure.csv"));
    let e = load_sources(&sources, &vpr().lenient()).unwrap_err();
    assert_eq!(e.code(), "data.missing_column", "{e}");
    assert_eq!(e.category(), ErrorCategory::Data);
    let p = &e.problems()[0];
    assert_eq!(
        (p.file.as_str(), p.row, p.column.as_deref()),
        ("no_procedure.csv", None, Some("procedure"))
    );
    assert!(p.message.contains("--procedure"), "{p}");
    // Given on the command line, it loads.
    let (ds, _) = load_sources(&sources, &vpr().with_procedure("vpr-rus-4")).unwrap();
    assert_eq!(ds.results().len(), 1);
    // Given twice (column and option): refused.
    let sources = base_with(TableName::Results, fixture("bad/mark.csv"));
    let e = load_sources(&sources, &vpr().with_procedure("vpr-rus-4")).unwrap_err();
    assert_eq!(e.code(), "input.option", "{e}");
    assert!(e.to_string().contains("\"Код работы\""), "{e}");
}

#[test]
fn folders_and_files() {
    // A folder with two files for one table, or with none.
    let dir = TempDir::new("folders");
    let base = fixture("base");
    for name in ["schools.csv", "Schools.JSON"] {
        std::fs::write(dir.0.join(name), "id\n").unwrap();
    }
    std::fs::write(dir.0.join("notes.txt"), "x").unwrap();
    let e = find_tables(&dir.0).unwrap_err();
    assert_eq!(e.code(), "input.option", "{e}");
    std::fs::remove_file(dir.0.join("Schools.JSON")).unwrap();
    let s = find_tables(&dir.0).unwrap();
    assert_eq!(s.files.len(), 1);
    assert_eq!(s.unused, ["notes.txt"]);
    std::fs::remove_file(dir.0.join("schools.csv")).unwrap();
    let e = load_dir(&dir.0, &LoadOptions::default()).unwrap_err();
    assert_eq!(e.code(), "input.empty", "{e}");
    assert_eq!(e.exit_code(), 5);

    // Explicit files, in any order: read in dependency order.
    let files: Vec<(TableName, PathBuf)> = [
        TableName::Classes,
        TableName::Municipalities,
        TableName::Schools,
    ]
    .into_iter()
    .map(|t| (t, base.join(format!("{}.csv", t.as_str()))))
    .collect();
    let (ds, report) = load_files(&files, &LoadOptions::default()).unwrap();
    assert_eq!(ds.classes().len(), 3);
    let order: Vec<TableName> = report.tables.iter().map(|t| t.table).collect();
    assert_eq!(
        order,
        [
            TableName::Municipalities,
            TableName::Schools,
            TableName::Classes
        ]
    );
    // A constant for a table that is not read.
    let e = load_files(&files, &LoadOptions::default().with_procedure("x")).unwrap_err();
    assert_eq!(e.code(), "input.option", "{e}");
}

#[test]
fn command_line_arguments() {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        load: LoadArgs,
    }
    let base = fixture("base");
    let xlsx = fixture("results_vpr.xlsx");
    let cli = Cli::try_parse_from([
        "oko".as_ref(),
        "--data".as_ref(),
        base.as_os_str(),
        "--results".as_ref(),
        xlsx.as_os_str(),
        "--mapping".as_ref(),
        "fis-oko-vpr".as_ref(),
        "--procedure".as_ref(),
        "vpr-rus-4".as_ref(),
        "--separator".as_ref(),
        "auto".as_ref(),
        "--lenient".as_ref(),
    ])
    .unwrap();
    let sources = cli.load.sources().unwrap();
    assert_eq!(sources.files.len(), 11);
    assert_eq!(sources.files[7], (TableName::Results, xlsx));
    let (ds, report): (Dataset, LoadReport) = cli.load.load().unwrap();
    assert_eq!(ds.results().len(), 12);
    assert_eq!(report.problem_count, 0);
    assert!(Cli::try_parse_from(["oko", "--encoding", "koi8"]).is_err());
    let none = Cli::try_parse_from(["oko"]).unwrap();
    assert_eq!(none.load.load().unwrap_err().code(), "input.option");
}
