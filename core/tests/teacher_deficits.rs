//! Objectivity signs are never turned into a teacher's deficit (rules/teacher-deficits.toml).

use oko::rules::{EvalOptions, Input, RowSource, RuleLimits, RuleSource, compile, evaluate};
use oko::*;
use rust_decimal::Decimal;
use std::path::Path;

fn file(name: &str) -> RuleSource {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    RuleSource::toml(name, std::fs::read_to_string(root.join(name)).unwrap())
}

/// An objectivity ruleset of the kind a district loads beside: a teacher whose journal
/// marks are far above the external results (category `objectivity`).
const OBJECTIVITY: &str = r#"
schema_version = 1
id = "objectivity-signs"
version = "1"
title = { ru = "Признаки необъективности", en = "Objectivity signs" }
source = { document = "test" }

[[rules]]
id = "journal_above_external"
level = "teacher"
scope = { source = "marks" }
category = "objectivity"
when = "mean_mark >= 4.5"
allow_limited = true
message = { ru = "средняя отметка по журналу {mean_mark}", en = "journal mean mark {mean_mark}" }
"#;

#[test]
fn the_ruleset_reads_no_objectivity_sign() {
    let rules = compile(
        &[
            RuleSource::toml("objectivity.toml", OBJECTIVITY),
            file("rules/teacher-deficits.toml"),
        ],
        &RuleLimits::default(),
    )
    .unwrap();
    let rs = rules
        .rulesets()
        .iter()
        .position(|r| r.id == "teacher-deficits")
        .unwrap();
    let mine = rules.rules().iter().filter(|r| r.ruleset == rs);
    let mut n = 0;
    for r in mine {
        n += 1;
        assert_eq!(r.category, "teacher_deficit", "{}", r.id);
        // No internal marks (where journal-versus-external gaps live), no ВПР.
        assert_ne!(r.source, RowSource::Marks, "{}", r.id);
        assert!(!r.filter.kinds.contains(&ProcedureKind::Vpr), "{}", r.id);
        for input in &r.inputs {
            if let Input::Findings { rule, .. } = input {
                let other = &rules.rules()[*rule];
                assert_eq!(other.ruleset, rs, "{} reads another ruleset", r.id);
                assert_ne!(other.category, "objectivity", "{}", r.id);
            }
        }
    }
    assert_eq!(n, 3);
    for c in rules.classifications().iter().filter(|c| c.ruleset == rs) {
        for input in &c.inputs {
            if let Input::Findings { rule, .. } = input {
                let other = &rules.rules()[*rule];
                assert_eq!(other.ruleset, rs);
                assert_eq!(other.category, "teacher_deficit");
            }
        }
    }
}

/// One school, two grade-9 classes: T1 gives everyone «5» in the journal while the ОГЭ says
/// «3» (an objectivity sign), T2 marks as the exam does. Both have good results, a recent
/// training and a good competency test.
fn school() -> Dataset {
    let mut b = DatasetBuilder::new(Policy::Strict);
    b.add_municipality(MunicipalityRow {
        id: "M".into(),
        name: "M".into(),
    })
    .unwrap();
    b.add_school(SchoolRow {
        id: "S".into(),
        name: "S".into(),
        municipality: "M".into(),
        kind: SchoolKind::Regular,
        rural: None,
        context: vec![],
    })
    .unwrap();
    for (class, teacher) in [("c1", "T1"), ("c2", "T2")] {
        b.add_class(ClassRow {
            id: class.into(),
            school: "S".into(),
            grade: 9,
            name: class.into(),
        })
        .unwrap();
        b.add_teacher(TeacherRow {
            id: teacher.into(),
            school: "S".into(),
            category: None,
        })
        .unwrap();
        b.add_assignment(AssignmentRow {
            teacher: teacher.into(),
            class: class.into(),
            subject: "math".into(),
        })
        .unwrap();
        b.add_training(TrainingRow {
            teacher: teacher.into(),
            date: Date::new(2025, 11, 1).unwrap(),
            topic: "ПК".into(),
            assessment: true,
        })
        .unwrap();
        b.add_competency_test(CompetencyTestRow {
            teacher: teacher.into(),
            date: Date::new(2026, 2, 1).unwrap(),
            subject: "math".into(),
            score: Decimal::from(85),
            max_score: Decimal::ONE_HUNDRED,
        })
        .unwrap();
    }
    let ids: Vec<String> = (0..24).map(|i| format!("p{i}")).collect();
    for (i, id) in ids.iter().enumerate() {
        b.add_student(StudentRow {
            id,
            class: if i < 12 { "c1" } else { "c2" },
            attestat: None,
            honours: None,
            olympiad: None,
            attendance: None,
        })
        .unwrap();
    }
    b.add_procedure(Procedure {
        id: "oge".into(),
        kind: ProcedureKind::Oge,
        subject: "math".into(),
        grade: 9,
        year: AcademicYear(2025),
        date: None,
        max_score: 20,
        tasks: vec![],
        scale: None,
    })
    .unwrap();
    for (i, id) in ids.iter().enumerate() {
        b.add_result(ResultRow {
            student: id,
            procedure: "oge",
            class: None,
            primary_score: Some(12),
            task_scores: None,
            mark: Some(3),
            test_score: None,
        })
        .unwrap();
        b.add_mark(MarkRow {
            student: id,
            subject: "math",
            year: AcademicYear(2025),
            period: Period::Year,
            mark: if i < 12 { "5" } else { "3" },
        })
        .unwrap();
    }
    b.build().unwrap()
}

#[test]
fn an_objectivity_sign_is_not_a_deficit() {
    let rules = compile(
        &[
            RuleSource::toml("objectivity.toml", OBJECTIVITY),
            file("rules/teacher-deficits.toml"),
        ],
        &RuleLimits::default(),
    )
    .unwrap();
    let out = evaluate(&rules, &school(), &EvalOptions::default()).unwrap();
    let r = &out.report;
    // The sign is there, for T1 only ...
    let signs: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.category == "objectivity")
        .map(|f| f.entity.id.as_str())
        .collect();
    assert_eq!(signs, ["T1"]);
    // ... and neither teacher has a deficit, nor a deficit finding.
    assert!(
        r.labels.iter().all(|l| l.ruleset != "teacher-deficits"),
        "{:?}",
        r.labels
    );
    assert!(
        r.findings.iter().all(|f| f.ruleset != "teacher-deficits"),
        "{:?}",
        r.findings.iter().map(|f| &f.message.en).collect::<Vec<_>>()
    );
}
