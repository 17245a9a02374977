//! Tests of the tabular input layer against the fixture files in
//! `tests/fixtures/input/` (made by `make_fixtures.py` and `make_xlsx.py`).

use std::path::PathBuf;

use oko_cli::input::{
    Encoding, EncodingOption, Format, FormatOption, InputError, Mapping, ReadOptions, Row,
    SeparatorOption, Table, open_path, parse_decimal_cell, read_bytes, read_path,
};
use rust_decimal::Decimal;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/input")
        .join(name)
}

fn read(name: &str) -> Table {
    read_with(name, &ReadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read_with(name: &str, options: &ReadOptions) -> Result<Table, InputError> {
    read_path(fixture(name), options)
}

fn read_err(name: &str, options: &ReadOptions) -> InputError {
    match read_with(name, options) {
        Ok(t) => panic!("{name}: expected an error, read {} rows", t.rows.len()),
        Err(e) => e,
    }
}

/// Asserts an error's code, row, column and that its message does not
/// contain any of the given values.
fn assert_error(e: &InputError, code: &str, file: &str, row: Option<u64>, column: Option<&str>) {
    assert_eq!(e.code(), code, "{e}");
    assert_eq!(e.location().file, file, "{e}");
    assert_eq!(e.location().row, row, "{e}");
    assert_eq!(e.location().column.as_deref(), column, "{e}");
}

fn cells(rows: &[Row]) -> Vec<(u64, Vec<&str>)> {
    rows.iter().map(|r| (r.number(), r.to_vec())).collect()
}

const HEADER: [&str; 6] = [
    "Код участника",
    "Класс",
    "Задание 1",
    "Задание 2",
    "Первичный балл",
    "Отметка",
];

fn expected(score: &str) -> Vec<(u64, Vec<&str>)> {
    vec![
        (2, vec!["1001", "4А", "1", "2", score, "4"]),
        (3, vec!["1002", "4Б", "0", "1", "7", "2"]),
        (4, vec!["1003", "4А", "2", "2", "20", "5"]),
    ]
}

#[test]
fn same_table_in_every_text_encoding_and_separator() {
    for (name, score, encoding, separator) in [
        ("results_utf8.csv", "12.5", Encoding::Utf8, b','),
        ("results_utf8_bom.csv", "12.5", Encoding::Utf8, b','),
        ("results_crlf.csv", "12.5", Encoding::Utf8, b','),
        ("results_semicolon.csv", "12,5", Encoding::Utf8, b';'),
        ("results_cp1251.csv", "12,5", Encoding::Windows1251, b';'),
        ("results_tab.tsv", "12.5", Encoding::Utf8, b'\t'),
        ("results_utf16.txt", "12.5", Encoding::Utf16Le, b'\t'),
    ] {
        let reader = open_path(fixture(name), &ReadOptions::default()).unwrap();
        assert_eq!(reader.detected().format, Format::Csv, "{name}");
        assert_eq!(reader.detected().encoding, Some(encoding), "{name}");
        assert_eq!(reader.detected().separator, Some(separator), "{name}");
        let table = reader.into_table().unwrap();
        assert_eq!(table.source, name);
        assert_eq!(table.headers, HEADER, "{name}");
        assert_eq!(cells(&table.rows), expected(score), "{name}");
    }
}

#[test]
fn decimal_comma_and_point_read_the_same() {
    let a = read("results_semicolon.csv");
    let b = read("results_utf8.csv");
    for (ra, rb) in a.rows.iter().zip(&b.rows) {
        let score = |t: &Table, r: &Row| {
            parse_decimal_cell(r.get(t.column_index("Первичный балл").unwrap()).unwrap())
        };
        assert_eq!(score(&a, ra), score(&b, rb));
    }
    assert_eq!(
        parse_decimal_cell(a.rows[0].get(4).unwrap()),
        Ok(Decimal::new(125, 1))
    );
}

#[test]
fn overrides_of_encoding_and_separator() {
    // Forcing the right values gives the same table.
    let forced = ReadOptions {
        encoding: EncodingOption::Windows1251,
        separator: SeparatorOption::Fixed(b';'),
        ..ReadOptions::default()
    };
    let t = read_with("results_cp1251.csv", &forced).unwrap();
    assert_eq!(cells(&t.rows), expected("12,5"));
    // Forcing UTF-8 on a cp1251 file fails on the header, at line 1.
    let utf8 = ReadOptions {
        encoding: EncodingOption::Utf8,
        ..ReadOptions::default()
    };
    let e = read_err("results_cp1251.csv", &utf8);
    assert_error(&e, "input.encoding", "results_cp1251.csv", Some(1), None);
    // Forcing a separator the file does not use gives one column.
    let comma = ReadOptions {
        separator: SeparatorOption::Fixed(b','),
        ..ReadOptions::default()
    };
    let t = read_with("results_semicolon.csv", &comma);
    // "12,5" splits the first data row into two fields: a ragged row.
    let e = t.unwrap_err();
    assert_error(
        &e,
        "input.ragged_row",
        "results_semicolon.csv",
        Some(2),
        None,
    );
}

#[test]
fn quoted_fields_keep_separators_quotes_and_line_breaks() {
    let t = read("results_quoted.csv");
    assert_eq!(t.headers.last().map(String::as_str), Some("Комментарий"));
    assert_eq!(
        cells(&t.rows),
        vec![
            (
                2,
                vec!["1001", "4А", "1", "2", "12,5", "4", "болел, писал позже"]
            ),
            (
                3,
                vec!["1002", "4Б", "0", "1", "7", "2", "сказал \"не знаю\""]
            ),
            // Line 4 is blank; the record on line 5 spans two lines.
            (
                5,
                vec!["1003", "4А", "2", "2", "20", "5", "строка 1\nстрока 2"]
            ),
            (7, vec!["1004", "4В", "1", "0", "1 234,5", "3", ""]),
        ]
    );
    assert_eq!(
        parse_decimal_cell(t.rows[3].get(4).unwrap()),
        Ok(Decimal::new(12345, 1))
    );
}

#[test]
fn excel_trailing_separators_and_blank_rows() {
    let t = read("results_excel_trailing.csv");
    assert_eq!(t.headers, ["Код участника", "Класс", "Первичный балл"]);
    assert_eq!(
        cells(&t.rows),
        vec![
            (2, vec!["1001", "4А", "12,5"]),
            (4, vec!["1002", "4Б", "7"])
        ]
    );
}

#[test]
fn header_only_is_an_empty_table() {
    let t = read("header_only.csv");
    assert_eq!(t.headers, HEADER);
    assert!(t.rows.is_empty());
}

#[test]
fn empty_file() {
    let e = read_err("empty.csv", &ReadOptions::default());
    assert_error(&e, "input.empty", "empty.csv", None, None);
}

#[test]
fn ragged_rows() {
    let e = read_err("bad_ragged.csv", &ReadOptions::default());
    assert_error(&e, "input.ragged_row", "bad_ragged.csv", Some(3), None);
    assert_eq!(
        e.to_string(),
        "file bad_ragged.csv, row 3: the row has 2 fields, the header has 3"
    );
    let e = read_err("bad_too_many.csv", &ReadOptions::default());
    assert_error(&e, "input.ragged_row", "bad_too_many.csv", Some(2), None);
    assert!(!e.to_string().contains("лишнее"));
}

#[test]
fn streaming_continues_after_a_bad_row() {
    let reader = open_path(fixture("bad_ragged.csv"), &ReadOptions::default()).unwrap();
    let results: Vec<Result<Row, InputError>> = reader.collect();
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[0].as_ref().unwrap().to_vec(),
        ["1001", "4А", "12,5"]
    );
    assert_eq!(results[1].as_ref().unwrap_err().code(), "input.ragged_row");
}

#[test]
fn invalid_bytes_in_a_utf8_file() {
    // Valid Cyrillic UTF-8 first, then a stray byte on line 3: an error,
    // not a silent switch to cp1251.
    let e = read_err("bad_bytes.csv", &ReadOptions::default());
    assert_error(&e, "input.encoding", "bad_bytes.csv", Some(3), None);
    // Forced UTF-8: the error names the row and the column.
    let utf8 = ReadOptions {
        encoding: EncodingOption::Utf8,
        ..ReadOptions::default()
    };
    let e = read_err("bad_bytes.csv", &utf8);
    assert_error(
        &e,
        "input.encoding",
        "bad_bytes.csv",
        Some(3),
        Some("Класс"),
    );
}

#[test]
fn binary_and_nul_bytes_are_not_text() {
    let e = read_bytes("x.csv", b"a,b\n1,\0\n".to_vec(), &ReadOptions::default()).unwrap_err();
    assert_error(&e, "input.encoding", "x.csv", Some(2), Some("b"));
    let e = read_bytes("x.csv", b"PK\x03\x04....".to_vec(), &ReadOptions::default()).unwrap_err();
    assert_error(&e, "input.encoding", "x.csv", None, None);
}

#[test]
fn ambiguous_separator() {
    let e = read_err("bad_separator.csv", &ReadOptions::default());
    assert_error(&e, "input.separator", "bad_separator.csv", Some(1), None);
    let t = read_with(
        "bad_separator.csv",
        &ReadOptions {
            separator: SeparatorOption::Fixed(b';'),
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(t.headers, ["Код", "Класс,Балл"]);
}

#[test]
fn bad_decimal_names_row_and_column_but_not_the_value() {
    let t = read("bad_decimal.csv");
    let mapping = Mapping::load("fis-oko-vpr").unwrap();
    let map = mapping.resolve("results", &t.headers, &t.source).unwrap();
    let mut errors = Vec::new();
    for row in &t.rows {
        let cell = map.get(row, "primary_score").unwrap();
        if let Err(e) = parse_decimal_cell(cell) {
            errors.push(e.at(map.location(&t.source, row, "primary_score")));
        }
    }
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert_error(
        e,
        "input.decimal",
        "bad_decimal.csv",
        Some(3),
        Some("Первичный балл"),
    );
    assert_eq!(
        e.to_string(),
        "file bad_decimal.csv, row 3, column \"Первичный балл\": not a number"
    );
}

#[test]
fn xlsx_first_sheet() {
    let reader = open_path(fixture("results.xlsx"), &ReadOptions::default()).unwrap();
    assert_eq!(reader.detected().format, Format::Xlsx);
    assert_eq!(reader.detected().sheet.as_deref(), Some("Результаты"));
    let t = reader.into_table().unwrap();
    assert_eq!(
        t.headers,
        [
            "Код участника",
            "Класс",
            "Задание 1",
            "Задание 2",
            "Первичный балл",
            "Отметка",
            "Дата",
            "Доля"
        ]
    );
    assert_eq!(
        cells(&t.rows),
        vec![
            (
                2,
                vec!["1001", "4А", "1", "2", "12.5", "4", "2025-04-15", "0.1"]
            ),
            (
                3,
                vec!["1002", "4Б", "0", "1", "7", "2", "2025-04-16", "0.3"]
            ),
            // Row 4 is empty in Excel and skipped.
            (
                5,
                vec![
                    "1003",
                    "4А",
                    "2",
                    "",
                    "20",
                    "5",
                    "2025-04-17T09:30:00",
                    "0.333333333333333"
                ]
            ),
        ]
    );
}

#[test]
fn xlsx_named_sheet_keeps_excel_row_numbers() {
    let options = ReadOptions {
        sheet: Some("Лист2".into()),
        ..ReadOptions::default()
    };
    let t = read_with("results.xlsx", &options).unwrap();
    assert_eq!(t.headers, ["Код", "Балл"]);
    assert_eq!(
        cells(&t.rows),
        vec![(4, vec!["A-1", "3"]), (5, vec!["A-2", "4.75"])]
    );
}

#[test]
fn xlsx_errors() {
    let missing = ReadOptions {
        sheet: Some("Нет такого".into()),
        ..ReadOptions::default()
    };
    let e = read_err("results.xlsx", &missing);
    assert_error(&e, "input.xlsx", "results.xlsx", None, None);
    assert!(e.message().contains("\"Результаты\""), "{e}");

    let extra = ReadOptions {
        sheet: Some("Лишнее".into()),
        ..ReadOptions::default()
    };
    let e = read_err("results.xlsx", &extra);
    assert_error(&e, "input.ragged_row", "results.xlsx", Some(2), None);

    let e = read_err("not_a_zip.xlsx", &ReadOptions::default());
    assert_error(&e, "input.xlsx", "not_a_zip.xlsx", None, None);
    assert_eq!(
        e.to_string(),
        "file not_a_zip.xlsx: not an XLSX workbook (not a zip archive)"
    );
    // A zip that is not a workbook.
    let e = read_bytes(
        "fake.xlsx",
        b"PK\x03\x04garbage".to_vec(),
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert_error(&e, "input.xlsx", "fake.xlsx", None, None);
}

#[test]
fn json_array_of_objects() {
    let t = read("results_array.json");
    // The union of keys in first-seen order.
    assert_eq!(
        t.headers,
        [
            "Код участника",
            "Класс",
            "Первичный балл",
            "Отметка",
            "Комментарий"
        ]
    );
    assert_eq!(
        cells(&t.rows),
        vec![
            // Numbers keep their spelling: 12.50, 0.1, 1e1.
            (1, vec!["1001", "4А", "12.50", "4", ""]),
            (2, vec!["1002", "4Б", "0.1", "", ""]),
            (3, vec!["1003", "4А", "1e1", "5", "a\"b"]),
        ]
    );
    assert_eq!(parse_decimal_cell("1e1"), Ok(Decimal::new(10, 0)));
}

#[test]
fn json_columns() {
    let t = read("results_columns.json");
    assert_eq!(
        t.headers,
        ["Код участника", "Класс", "Первичный балл", "Отметка"]
    );
    assert_eq!(
        cells(&t.rows),
        vec![
            (1, vec!["1001", "4А", "12.5", "4"]),
            (2, vec!["1002", "4Б", "7", "2"]),
            (3, vec!["1003", "4А", "20.0", "true"]),
        ]
    );
}

#[test]
fn json_errors() {
    let d = ReadOptions::default();
    let e = read_err("bad_nested.json", &d);
    assert_error(
        &e,
        "input.json",
        "bad_nested.json",
        Some(1),
        Some("Первичный балл"),
    );
    let e = read_err("bad_syntax.json", &d);
    assert_error(&e, "input.json", "bad_syntax.json", None, None);
    assert!(e.message().contains("line 2"), "{e}");
    let e = read_err("bad_shape.json", &d);
    assert_error(&e, "input.json", "bad_shape.json", None, None);
    let e = read_err("bad_columns.json", &d);
    assert_error(
        &e,
        "input.ragged_row",
        "bad_columns.json",
        None,
        Some("Первичный балл"),
    );
    let e = read_bytes("e.json", b"[]".to_vec(), &d).unwrap_err();
    assert_eq!(e.code(), "input.empty");
    // The value "secret" never reaches the message.
    let e = read_bytes("s.json", br#"[{"a": ["secret"]}]"#.to_vec(), &d).unwrap_err();
    assert!(!e.to_string().contains("secret"), "{e}");
    let e = read_bytes("s.json", br#"[{"a": "secret"} "x"]"#.to_vec(), &d).unwrap_err();
    assert!(!e.to_string().contains("secret"), "{e}");
}

#[test]
fn format_detection_by_content_and_override() {
    let d = ReadOptions::default();
    let t = read_bytes("data", br#"[{"a": 1}]"#.to_vec(), &d).unwrap();
    assert_eq!(cells(&t.rows), vec![(1, vec!["1"])]);
    let t = read_bytes("data", b"a;b\n1;2\n".to_vec(), &d).unwrap();
    assert_eq!(cells(&t.rows), vec![(2, vec!["1", "2"])]);
    let as_csv = ReadOptions {
        format: FormatOption::Fixed(Format::Csv),
        ..ReadOptions::default()
    };
    let t = read_bytes("data.json", b"a\n[1]\n".to_vec(), &as_csv).unwrap();
    assert_eq!(cells(&t.rows), vec![(2, vec!["[1]"])]);
}

#[test]
fn io_error_for_a_missing_file() {
    let e = read_err("no_such_file.csv", &ReadOptions::default());
    assert_error(&e, "input.io", "no_such_file.csv", None, None);
}

#[test]
fn mapping_fis_oko_vpr_on_every_format() {
    let mapping = Mapping::load("fis-oko-vpr").unwrap();
    for name in [
        "results_utf8.csv",
        "results_cp1251.csv",
        "results.xlsx",
        "results_array.json",
    ] {
        let t = read(name);
        let map = mapping.resolve("results", &t.headers, &t.source).unwrap();
        assert_eq!(map.index("student"), Some(0), "{name}");
        assert_eq!(map.index("class"), Some(1), "{name}");
        assert_eq!(map.get(&t.rows[0], "student"), Some("1001"), "{name}");
        assert!(map.index("primary_score").is_some(), "{name}");
    }
    let t = read("results.xlsx");
    let map = mapping.resolve("results", &t.headers, &t.source).unwrap();
    let tasks: Vec<(&str, usize)> = map
        .matching("task_{n}")
        .map(|m| (m.canonical.as_str(), m.index))
        .collect();
    assert_eq!(tasks, [("task_1", 2), ("task_2", 3)]);
    // Unmapped columns are reported, not dropped.
    let unmapped: Vec<&str> = map.unmapped().iter().map(|u| u.header.as_str()).collect();
    assert_eq!(unmapped, ["Дата", "Доля"]);
    assert_eq!(
        map.warnings(),
        [
            "column 7 \"Дата\" is not used by table results of mapping fis-oko-vpr",
            "column 8 \"Доля\" is not used by table results of mapping fis-oko-vpr"
        ]
    );
}

#[test]
fn mapping_is_case_space_and_yo_insensitive_with_task_patterns() {
    let mapping = Mapping::load("fis-oko-vpr").unwrap();
    let headers: Vec<String> = [
        "  КОД  УЧАСТНИКА ",
        "класс",
        "1",
        "2",
        "3(1)",
        "3.2",
        "Задание 04",
        "№5",
        "Сумма\u{a0}баллов",
        "оценка",
        "№ п/п",
        "",
    ]
    .map(String::from)
    .to_vec();
    let map = mapping.resolve("results", &headers, "f.csv").unwrap();
    let got: Vec<(&str, usize)> = map
        .columns()
        .iter()
        .map(|m| (m.canonical.as_str(), m.index))
        .collect();
    assert_eq!(
        got,
        [
            ("student", 0),
            ("class", 1),
            ("task_1", 2),
            ("task_2", 3),
            ("task_3.1", 4),
            ("task_3.2", 5),
            ("task_4", 6),
            ("task_5", 7),
            ("primary_score", 8),
            ("mark", 9),
        ]
    );
    assert_eq!(map.unmapped().len(), 1);
    assert_eq!(map.unmapped()[0].header, "№ п/п");
    assert_eq!(map.unnamed(), [11]);
}

#[test]
fn mapping_missing_required_column() {
    let t = read("bad_no_score.csv");
    let mapping = Mapping::load("fis-oko-vpr").unwrap();
    let e = mapping
        .resolve("results", &t.headers, &t.source)
        .unwrap_err();
    assert_error(
        &e,
        "input.missing_column",
        "bad_no_score.csv",
        None,
        Some("primary_score"),
    );
    let msg = e.to_string();
    assert!(msg.contains("\"Первичный балл\""), "{msg}");
    assert!(
        msg.contains("the headers found are \"Код участника\", \"Класс\", \"Отметка\""),
        "{msg}"
    );

    // A mapping file that requires a column the data lacks.
    let path = fixture("mapping_requires_mark.toml");
    let mapping = Mapping::load(path.to_str().unwrap()).unwrap();
    assert_eq!(mapping.name(), "requires-mark");
    let t = read("results_utf8.csv");
    let e = mapping
        .resolve("results", &t.headers, &t.source)
        .unwrap_err();
    assert_error(
        &e,
        "input.missing_column",
        "results_utf8.csv",
        None,
        Some("mark"),
    );
}

#[test]
fn mapping_file_errors() {
    let path = fixture("mapping_undefined_required.toml");
    let e = Mapping::load(path.to_str().unwrap()).unwrap_err();
    assert_error(
        &e,
        "input.mapping",
        "mapping_undefined_required.toml",
        None,
        Some("results.primary_score"),
    );
    let e = Mapping::load("no-such-mapping").unwrap_err();
    assert_eq!(e.code(), "input.mapping");
    assert!(e.message().contains("fis-oko-vpr"), "{e}");
    let e = Mapping::from_toml("x.toml", "[tables.results]\nrequired = 5\n").unwrap_err();
    assert_error(&e, "input.mapping", "x.toml", Some(2), None);
    let e = Mapping::from_toml(
        "x.toml",
        "[tables.t.columns]\na = [\"Балл\"]\nb = [\"балл\"]\n",
    )
    .unwrap_err();
    assert_eq!(e.code(), "input.mapping");
    let mapping = Mapping::load("fis-oko-vpr").unwrap();
    let e = mapping.resolve("marks", &[], "f.csv").unwrap_err();
    assert_eq!(e.code(), "input.mapping");
}

#[test]
fn mapping_two_headers_for_one_column() {
    let mapping = Mapping::load("fis-oko-vpr").unwrap();
    let headers = ["Код участника", "Балл", "Первичный балл"].map(String::from);
    let e = mapping.resolve("results", &headers, "f.csv").unwrap_err();
    assert_error(&e, "input.mapping", "f.csv", None, Some("Первичный балл"));
}

#[test]
fn school_journal_wide_and_long() {
    let mapping = Mapping::load("school-journal").unwrap();
    let wide = [
        "ФИО",
        "Класс",
        "Предмет",
        "1 четверть",
        "2-я четверть",
        "Четверть 3",
        "Годовая",
    ]
    .map(String::from);
    let map = mapping.resolve("marks", &wide, "j.csv").unwrap();
    let periods: Vec<&str> = map
        .matching("period_{n}")
        .map(|m| m.canonical.as_str())
        .collect();
    assert_eq!(periods, ["period_1", "period_2", "period_3"]);
    assert_eq!(map.index("year_mark"), Some(6));
    assert_eq!(map.index("student_name"), Some(0));

    let long = ["Код ученика", "Класс", "Предмет", "Период", "Отметка"].map(String::from);
    let map = mapping.resolve("marks", &long, "j.csv").unwrap();
    assert_eq!(map.index("period"), Some(3));
    assert_eq!(map.index("mark"), Some(4));

    let none = ["Класс", "Предмет", "Отметка"].map(String::from);
    let e = mapping.resolve("marks", &none, "j.csv").unwrap_err();
    assert_error(&e, "input.missing_column", "j.csv", None, Some("student"));
}

#[test]
fn identity_mapping() {
    let mapping = Mapping::load("oko").unwrap();
    let headers = [
        "student",
        "Procedure",
        "Primary_Score",
        "task_1",
        "task_2.1",
        "extra",
    ]
    .map(String::from);
    let map = mapping.resolve("results", &headers, "r.csv").unwrap();
    assert_eq!(map.index("primary_score"), Some(2));
    assert_eq!(map.index("task_2.1"), Some(4));
    assert_eq!(map.unmapped()[0].header, "extra");
    // The identity mapping requires what the core requires.
    let e = mapping
        .resolve("results", &headers[..1], "r.csv")
        .unwrap_err();
    assert_error(&e, "input.missing_column", "r.csv", None, Some("procedure"));
    // ... unless the caller supplies the column itself.
    let map = mapping
        .resolve_with("results", &headers[..1], "r.csv", &["procedure"])
        .unwrap();
    assert_eq!(map.index("procedure"), None);
    assert_eq!(
        mapping.table_names().collect::<Vec<_>>(),
        [
            "assignments",
            "classes",
            "competency_tests",
            "marks",
            "muko_evidence",
            "municipalities",
            "procedures",
            "results",
            "schools",
            "students",
            "teachers",
            "trainings"
        ]
    );
}

#[test]
fn many_rows_stream() {
    // 100 000 rows generated in memory: streamed, numbered, one buffer each.
    let mut text = String::from("Код;Балл\n");
    for i in 0..100_000 {
        text.push_str(&format!("{i};{},5\n", i % 30));
    }
    let reader =
        oko_cli::input::open_bytes("big.csv", text.into_bytes(), &ReadOptions::default()).unwrap();
    let mut count = 0u64;
    for row in reader {
        let row = row.unwrap();
        count += 1;
        assert_eq!(row.number(), count + 1);
    }
    assert_eq!(count, 100_000);
}
