//! The student level: profiles as rows, no student id in any message, the level's rules
//! checked at compile time, and the cost of profiles on a region-sized dataset.

use oko::rules::{EvalOptions, RuleLimits, RuleSource, compile, evaluate};
use oko::*;
use std::path::Path;
use std::time::Instant;

fn gia() -> RuleSource {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    RuleSource::toml(
        "rules/gia-risk-group.toml",
        std::fs::read_to_string(root.join("rules/gia-risk-group.toml")).unwrap(),
    )
}

#[test]
fn no_student_id_in_reasons_or_messages_of_errors() {
    let g = generate(&GeneratorConfig::tiny(2));
    // Remove every mark of some students: their tiers become unknown.
    let rules = compile(&[gia()], &RuleLimits::default()).unwrap();
    let out = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap();
    let ids: Vec<&str> = (0..g.dataset.students().len() as u32)
        .map(|i| g.dataset.students().id(i))
        .collect();
    for u in &out.report.undetermined {
        assert!(!ids.iter().any(|id| u.reason.contains(id)), "{}", u.reason);
    }
    // Outputs carry the users' own ids (that is their purpose) ...
    assert!(
        out.report
            .labels
            .iter()
            .any(|l| l.entity.level == Level::Student && ids.contains(&l.entity.id.as_str()))
    );
    // ... and the names shown are class and school, not the id again.
    for l in out
        .report
        .labels
        .iter()
        .filter(|l| l.entity.level == Level::Student)
    {
        assert!(!l.entity.name.contains(&l.entity.id), "{}", l.entity.name);
    }
    // A data error about a student names the table, row and column only.
    let mut b = DatasetBuilder::new(Policy::Lenient);
    b.add_municipality(MunicipalityRow {
        id: "m".into(),
        name: "m".into(),
    })
    .unwrap();
    let e = b
        .add_student(StudentRow {
            id: "Иванов-2009-secret",
            class: "nope",
            attestat: None,
            honours: None,
            olympiad: None,
            attendance: None,
        })
        .unwrap_err();
    assert!(!e.to_string().contains("Иванов"), "{e}");
}

#[test]
fn the_student_level_reads_profiles_only() {
    let bad = |level: &str, scope: &str, when: &str| {
        let text = format!(
            "schema_version = 1\nid = \"s\"\nversion = \"1\"\ntitle = {{ ru = \"s\", en = \"s\" }}\nsource = {{ document = \"t\" }}\n[[rules]]\nid = \"r\"\nlevel = \"{level}\"\nscope = {scope}\nwhen = \"{when}\"\nmessage = {{ ru = \"м\", en = \"m\" }}\n"
        );
        compile(&[RuleSource::toml("s.toml", text)], &RuleLimits::default())
    };
    // Profiles at the school level, or the student level without profiles: rejected.
    let e = bad("school", "{ source = \"profiles\" }", "failing_marks >= 1").unwrap_err();
    assert_eq!(e.code(), "rule.invalid_value");
    let e = bad("student", "{ source = \"procedures\" }", "pass_rate >= 50%").unwrap_err();
    assert_eq!(e.code(), "rule.invalid_value");
    // Indicators are not profile columns; profile columns are typed.
    assert!(bad("student", "{ source = \"profiles\" }", "pass_rate >= 50%").is_err());
    let e = bad(
        "student",
        "{ source = \"profiles\" }",
        "trial_trend <= -10%",
    )
    .unwrap_err();
    assert_eq!(e.code(), "rule.unit_mismatch");
    assert!(
        bad(
            "student",
            "{ source = \"profiles\" }",
            "trial_trend <= -10pp"
        )
        .is_ok()
    );
    assert!(
        bad(
            "student",
            "{ source = \"profiles\", grades = [9] }",
            "subject == \\\"math\\\" and student.attendance < 80% and school.rural"
        )
        .is_ok()
    );
}

/// Region scale: 1,000,000 students. Run with
/// `cargo test -p oko --release --test students -- --ignored --nocapture`.
#[test]
#[ignore = "region scale; run in release"]
fn profiles_on_a_million_students() {
    let t = Instant::now();
    let g = generate(&GeneratorConfig::region(1));
    println!(
        "generated {} students, {} results, {} marks in {:.1?}",
        g.dataset.students().len(),
        g.dataset.results().len(),
        g.dataset.marks().len(),
        t.elapsed()
    );
    let t = Instant::now();
    let p = student_profiles(&g.dataset, &g.scales, &ProfileOptions::default());
    let profiles = t.elapsed();
    println!("{} profiles in {profiles:.1?}", p.len());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let scales = RuleSource::toml(
        "rules/scales-2025.toml",
        std::fs::read_to_string(root.join("rules/scales-2025.toml")).unwrap(),
    );
    let rules = compile(&[scales, gia()], &RuleLimits::default()).unwrap();
    let t = Instant::now();
    let out = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap();
    println!(
        "gia-risk-group evaluated in {:.1?} (aggregation included): {} labels",
        t.elapsed(),
        out.report.labels.len()
    );
    assert!(profiles.as_secs_f64() < 5.0);
}
