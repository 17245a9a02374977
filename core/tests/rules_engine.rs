//! The engine on the sample district with the shipped rules: findings explain themselves,
//! classifications agree with the findings they count, unknown is never a silent false.

use oko::rules::*;
use oko::{GeneratorConfig, generate};
use std::path::Path;

fn shipped(names: &[&str]) -> Rules {
    let sources: Vec<RuleSource> = names
        .iter()
        .map(|n| {
            let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../rules/{n}.toml"));
            RuleSource::toml(
                format!("rules/{n}.toml"),
                std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect();
    compile(&sources, &RuleLimits::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn district_low_results_on_the_sample_district() {
    let rules = shipped(&["scales-2025", "district-low-results"]);
    let g = generate(&GeneratorConfig::district(1));
    let out = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap();
    let r = &out.report;
    assert!(!r.findings.is_empty());
    for f in &r.findings {
        assert_eq!(f.rule, "low_results");
        assert!(
            f.scope.as_deref().is_some_and(|s| s.ends_with("2025/26")),
            "years filter: {:?}",
            f.scope
        );
        let names: Vec<&str> = f.evidence.iter().map(|e| e.name.as_str()).collect();
        for n in [
            "median_score",
            "municipality.median_score",
            "completion_rate",
            "municipality.completion_rate",
            "param.relative_gap",
        ] {
            assert!(names.contains(&n), "{n} missing from {names:?}");
        }
        // At least one gap really is 15% or more: the finding is backed by its evidence.
        let gaps: Vec<rust_decimal::Decimal> = f
            .evidence
            .iter()
            .filter(|e| e.name.starts_with("gap_"))
            .filter_map(|e| match e.value {
                EvidenceValue::Decimal(d) => Some(d),
                _ => None,
            })
            .collect();
        assert!(
            gaps.iter().any(|g| *g >= rust_decimal::Decimal::from(15)),
            "{gaps:?}"
        );
        assert!(f.message.ru.contains("ниже на") && f.message.en.contains("below"));
        assert!(
            f.evidence
                .iter()
                .filter(|e| e.role == EvidenceRole::Indicator)
                .all(|e| e.n.is_some())
        );
    }
    // Labels agree with the number of flagged procedures and the ruleset's parameters.
    let param = |name: &str| {
        let p = r.rulesets[1]
            .parameters
            .iter()
            .find(|p| p.name == name)
            .unwrap();
        match p.value {
            oko::rules::ParamConst::Number(d) => usize::try_from(d).unwrap(),
            _ => panic!("{name}"),
        }
    };
    let (risk, control) = (
        param("risk_group_min_procedures"),
        param("control_group_min_procedures"),
    );
    for l in &r.labels {
        let flagged = r
            .findings
            .iter()
            .filter(|f| f.entity.id == l.entity.id)
            .count();
        match l.label.as_str() {
            "risk_group" => assert!(flagged >= risk),
            "control_group" => assert!((control..risk).contains(&flagged)),
            other => panic!("unexpected label {other}"),
        }
    }
    let labelled: usize = r.labels.len();
    let schools_flagged = {
        let mut ids: Vec<&str> = r.findings.iter().map(|f| f.entity.id.as_str()).collect();
        ids.dedup();
        ids.len()
    };
    assert_eq!(labelled, schools_flagged);
}

#[test]
fn missing_previous_year_is_unknown_not_false() {
    let text = r#"
schema_version = 1
id = "dyn"
version = "1"
title = { ru = "д", en = "d" }
source = { document = "test" }
[[rules]]
id = "declined"
level = "school"
when = "completion_rate < prev_year.completion_rate"
message = { ru = "было {prev_year.completion_rate}", en = "was {prev_year.completion_rate}" }
"#;
    let rules = compile(
        &[RuleSource::toml("dyn.toml", text)],
        &RuleLimits::default(),
    )
    .unwrap();
    let g = generate(&GeneratorConfig::tiny(2));
    let out = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap();
    let summary = &out.report.summary[0];
    // Grade-4 ВПР has a previous year in the sample; everything else does not.
    assert!(summary.findings + summary.undetermined <= summary.rows);
    assert!(summary.undetermined > 0);
    for u in &out.report.undetermined {
        assert!(
            matches!(u.reason_code, "unknown.missing" | "unknown.limited_sample"),
            "{}",
            u.reason_code
        );
        if u.reason_code == "unknown.missing" {
            assert!(
                u.reason.contains("prev_year.completion_rate"),
                "{}",
                u.reason
            );
        }
    }
    for f in &out.report.findings {
        assert!(
            f.scope.as_deref().unwrap().starts_with("vpr")
                && f.scope.as_deref().unwrap().contains(" 4 ")
        );
    }
}

#[test]
fn output_is_identical_for_the_same_input() {
    let rules = shipped(&["scales-2025", "district-low-results"]);
    let g = generate(&GeneratorConfig::tiny(4));
    let a = serde_json::to_string(
        &evaluate(&rules, &g.dataset, &EvalOptions::default())
            .unwrap()
            .report,
    )
    .unwrap();
    let b = serde_json::to_string(
        &evaluate(&rules, &g.dataset, &EvalOptions::default())
            .unwrap()
            .report,
    )
    .unwrap();
    assert_eq!(a, b);
}
