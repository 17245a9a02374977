//! Bad rows: each gives its own code and location, never the row's values; strict fails
//! with every error, lenient skips and reports every skipped row.

use oko::*;

fn base(policy: Policy) -> DatasetBuilder {
    let mut b = DatasetBuilder::new(policy);
    b.add_municipality(MunicipalityRow {
        id: "m1".into(),
        name: "Район".into(),
    })
    .unwrap();
    b.add_school(SchoolRow {
        id: "s1".into(),
        name: "СОШ 1".into(),
        municipality: "m1".into(),
        kind: SchoolKind::Regular,
        rural: None,
        context: vec![],
    })
    .unwrap();
    b.add_class(ClassRow {
        id: "c1".into(),
        school: "s1".into(),
        grade: 4,
        name: "4А".into(),
    })
    .unwrap();
    for id in ["Иванов Пётр", "p2"] {
        b.add_student(StudentRow {
            id,
            class: "c1",
            attestat: None,
            honours: None,
            olympiad: None,
            attendance: None,
        })
        .unwrap();
    }
    b.add_procedure(Procedure {
        id: "vpr-r-4".into(),
        kind: ProcedureKind::Vpr,
        subject: "russian".into(),
        grade: 4,
        year: AcademicYear(2025),
        date: None,
        max_score: 24,
        tasks: vec![],
        scale: None,
    })
    .unwrap();
    b
}

fn result<'a>(
    student: &'a str,
    procedure: &'a str,
    score: Option<u32>,
    mark: Option<u32>,
) -> ResultRow<'a> {
    ResultRow {
        student,
        procedure,
        class: None,
        primary_score: score,
        task_scores: None,
        mark,
        test_score: None,
    }
}

fn one_error(f: impl FnOnce(&mut DatasetBuilder) -> Result<(), DataError>) -> DataError {
    let mut b = base(Policy::Strict);
    let e = f(&mut b).unwrap_err();
    let all = b.build().unwrap_err();
    assert_eq!(all.errors, vec![e.clone()]);
    e
}

#[test]
fn mark_out_of_range() {
    let e = one_error(|b| b.add_result(result("p2", "vpr-r-4", Some(10), Some(7))));
    assert_eq!(e.code(), "data.mark_out_of_range");
    assert_eq!(
        e.location,
        Location {
            table: TableName::Results,
            row: 1,
            column: "mark"
        }
    );
    let e = one_error(|b| {
        b.add_mark(MarkRow {
            student: "p2",
            subject: "math",
            year: AcademicYear(2025),
            period: Period::Year,
            mark: "7",
        })
    });
    assert_eq!(e.code(), "data.mark_out_of_range");
    assert_eq!(e.location.table, TableName::Marks);
}

#[test]
fn score_above_max() {
    let e = one_error(|b| b.add_result(result("p2", "vpr-r-4", Some(25), None)));
    assert_eq!(e.code(), "data.score_above_max");
    assert_eq!(e.location.column, "primary_score");
}

#[test]
fn unknown_procedure() {
    let e = one_error(|b| b.add_result(result("p2", "oge-9", Some(5), None)));
    assert_eq!(e.code(), "data.unknown_procedure");
    assert_eq!(e.location.column, "procedure");
}

#[test]
fn duplicate_result_names_the_first_row() {
    let mut b = base(Policy::Strict);
    b.add_result(result("p2", "vpr-r-4", Some(10), None))
        .unwrap();
    b.add_result(result("Иванов Пётр", "vpr-r-4", Some(11), None))
        .unwrap();
    let e = b
        .add_result(result("p2", "vpr-r-4", Some(12), None))
        .unwrap_err();
    assert_eq!(e.code(), "data.duplicate_result");
    assert_eq!(e.location.row, 3);
    assert_eq!(e.first_row, Some(1));
    assert!(e.to_string().contains("first seen in row 1"));
}

#[test]
fn empty_id() {
    let e = one_error(|b| {
        b.add_student(StudentRow {
            id: " ",
            class: "c1",
            attestat: None,
            honours: None,
            olympiad: None,
            attendance: None,
        })
    });
    assert_eq!(e.code(), "data.empty_id");
    assert_eq!(
        e.location,
        Location {
            table: TableName::Students,
            row: 3,
            column: "id"
        }
    );
}

#[test]
fn other_codes() {
    type Case = Box<dyn FnOnce(&mut DatasetBuilder) -> Result<(), DataError>>;
    let cases: Vec<(&str, Case)> = vec![
        (
            "data.unknown_student",
            Box::new(|b| b.add_result(result("nobody", "vpr-r-4", Some(1), None))),
        ),
        (
            "data.missing_value",
            Box::new(|b| b.add_result(result("p2", "vpr-r-4", None, None))),
        ),
        (
            "data.grade_out_of_range",
            Box::new(|b| {
                b.add_class(ClassRow {
                    id: "c9".into(),
                    school: "s1".into(),
                    grade: 12,
                    name: "12".into(),
                })
            }),
        ),
        (
            "data.unknown_school",
            Box::new(|b| {
                b.add_class(ClassRow {
                    id: "c9".into(),
                    school: "s9".into(),
                    grade: 5,
                    name: "5".into(),
                })
            }),
        ),
        (
            "data.duplicate_id",
            Box::new(|b| {
                b.add_class(ClassRow {
                    id: "c1".into(),
                    school: "s1".into(),
                    grade: 5,
                    name: "5".into(),
                })
            }),
        ),
        (
            "data.test_score_out_of_range",
            Box::new(|b| {
                b.add_result(ResultRow {
                    test_score: Some(101),
                    ..result("p2", "vpr-r-4", Some(3), None)
                })
            }),
        ),
        (
            "data.task_scores",
            Box::new(|b| {
                b.add_result(ResultRow {
                    task_scores: Some(&[1, 2]),
                    ..result("p2", "vpr-r-4", Some(3), None)
                })
            }),
        ),
        (
            "data.invalid_value",
            Box::new(|b| {
                b.add_mark(MarkRow {
                    student: "p2",
                    subject: "math",
                    year: AcademicYear(2025),
                    period: Period::Year,
                    mark: "отл",
                })
            }),
        ),
    ];
    for (code, f) in cases {
        assert_eq!(one_error(f).code(), code);
    }
}

#[test]
fn duplicate_mark() {
    let mut b = base(Policy::Strict);
    let row = MarkRow {
        student: "p2",
        subject: "math",
        year: AcademicYear(2025),
        period: Period::Term(2),
        mark: "4",
    };
    b.add_mark(row).unwrap();
    b.add_mark(MarkRow {
        period: Period::Term(3),
        ..row
    })
    .unwrap();
    assert_eq!(b.add_mark(row).unwrap_err().code(), "data.duplicate_mark");
}

#[test]
fn messages_never_echo_values() {
    let mut b = base(Policy::Strict);
    b.add_result(result("Иванов Пётр", "vpr-r-4", Some(23), None))
        .unwrap();
    let e = b
        .add_result(result("Иванов Пётр", "vpr-r-4", Some(23), None))
        .unwrap_err();
    let e2 = b
        .add_result(result("Сидорова Анна", "vpr-r-4", Some(23), None))
        .unwrap_err();
    for msg in [
        e.to_string(),
        e2.to_string(),
        b.build().unwrap_err().to_string(),
    ] {
        assert!(
            !msg.contains("Иванов") && !msg.contains("Сидорова") && !msg.contains("23"),
            "{msg}"
        );
    }
}

#[test]
fn lenient_skips_and_reports_every_bad_row() {
    let mut b = base(Policy::Lenient);
    b.add_result(result("p2", "vpr-r-4", Some(10), None))
        .unwrap();
    let _ = b.add_result(result("p2", "vpr-r-4", Some(30), None));
    let _ = b.add_result(result("ghost", "vpr-r-4", Some(3), None));
    b.add_result(result("Иванов Пётр", "vpr-r-4", Some(12), None))
        .unwrap();
    let ds = b.build().unwrap();
    assert_eq!(ds.results().len(), 2);
    let codes: Vec<(&str, u64)> = ds
        .rejected()
        .iter()
        .map(|e| (e.code(), e.location.row))
        .collect();
    assert_eq!(
        codes,
        [("data.score_above_max", 2), ("data.unknown_student", 3)]
    );
}

#[test]
fn strict_reports_all_errors_in_order() {
    let mut b = base(Policy::Strict);
    let _ = b.add_result(result("ghost", "vpr-r-4", Some(3), None));
    let _ = b.add_result(result("p2", "nope", Some(3), None));
    let _ = b.add_mark(MarkRow {
        student: "p2",
        subject: "",
        year: AcademicYear(2025),
        period: Period::Year,
        mark: "5",
    });
    let err = b.build().unwrap_err();
    let codes: Vec<&str> = err.errors.iter().map(|e| e.code()).collect();
    assert_eq!(
        codes,
        [
            "data.unknown_student",
            "data.unknown_procedure",
            "data.missing_value"
        ]
    );
    assert!(err.to_string().starts_with(
        "3 row(s) rejected; first: data.unknown_student: results, row 1, column student"
    ));
}

#[test]
fn row_limit_is_enforced() {
    let limits = DataLimits {
        max_rows_per_table: 1,
        ..Default::default()
    };
    let mut b = DatasetBuilder::with_limits(Policy::Strict, limits);
    b.add_municipality(MunicipalityRow {
        id: "a".into(),
        name: "A".into(),
    })
    .unwrap();
    let e = b
        .add_municipality(MunicipalityRow {
            id: "b".into(),
            name: "B".into(),
        })
        .unwrap_err();
    assert_eq!(e.code(), "limit.rows");
}
