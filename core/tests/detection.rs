//! Detection quality of the shipped classifications on generated data: precision and recall
//! against the planted ground truth (low-results schools, students at risk before ГИА,
//! teachers with professional deficits). The figures are printed:
//!
//! ```text
//! cargo test -p oko --release --test detection -- --nocapture
//! ```

use oko::rules::{EvalOptions, Report, RuleLimits, RuleSource, compile, evaluate};
use oko::{Anomaly, GeneratorConfig, generate};
use std::collections::BTreeSet;
use std::path::Path;

/// The shipped rule files, in load order (as `oko demo` loads them).
pub const SHIPPED: &[&str] = &[
    "rules/scales-2025.toml",
    "rules/district-low-results.toml",
    "rules/gia-risk-group.toml",
    "rules/school-context.toml",
    "rules/teacher-deficits.toml",
    "rules/objectivity-plan.toml",
    "rules/muko.toml",
    "rules/class-risk-zone.toml",
];

fn shipped() -> Vec<RuleSource> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    SHIPPED
        .iter()
        .map(|f| {
            RuleSource::toml(
                *f,
                std::fs::read_to_string(root.join(f)).expect("rule file"),
            )
        })
        .collect()
}

struct Score {
    tp: usize,
    flagged: usize,
    truth: usize,
}

impl Score {
    fn of(flagged: &BTreeSet<String>, truth: &BTreeSet<String>) -> Score {
        Score {
            tp: flagged.intersection(truth).count(),
            flagged: flagged.len(),
            truth: truth.len(),
        }
    }
    fn precision(&self) -> f64 {
        if self.flagged == 0 {
            1.0
        } else {
            self.tp as f64 / self.flagged as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.truth == 0 {
            1.0
        } else {
            self.tp as f64 / self.truth as f64
        }
    }
}

fn labelled(
    report: &Report,
    ruleset: &str,
    classification: &str,
    labels: &[&str],
) -> BTreeSet<String> {
    report
        .labels
        .iter()
        .filter(|l| {
            l.ruleset == ruleset
                && l.classification == classification
                && labels.contains(&l.label.as_str())
        })
        .map(|l| l.entity.id.clone())
        .collect()
}

fn check(name: &str, s: &Score) {
    println!(
        "{name:<28} flagged {:>6}  planted {:>6}  true positives {:>6}  precision {:.3}  recall {:.3}",
        s.flagged,
        s.truth,
        s.tp,
        s.precision(),
        s.recall()
    );
}

#[test]
fn precision_and_recall_on_generated_data() {
    let rules = compile(&shipped(), &RuleLimits::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut totals = [(0, 0, 0), (0, 0, 0), (0, 0, 0)];
    // Several districts: enough planted cases for the figures to mean something.
    for seed in 1..=8u64 {
        let cfg = GeneratorConfig {
            schools: 60,
            students: 15_000,
            ..GeneratorConfig::district(seed)
        };
        let g = generate(&cfg);
        let out = evaluate(&rules, &g.dataset, &EvalOptions::default()).expect("evaluation");
        let r = &out.report;
        let schools_truth: BTreeSet<String> = g
            .truth
            .schools
            .iter()
            .filter(|(_, a)| a.contains(&Anomaly::LowResults))
            .map(|(id, _)| id.clone())
            .collect();
        let schools = labelled(r, "district-low-results", "school_group", &["risk_group"]);
        let students_truth: BTreeSet<String> = g.truth.students_at_risk.iter().cloned().collect();
        let students = labelled(
            r,
            "gia-risk-group",
            "gia_risk_tier",
            &["high", "risk_group"],
        );
        println!("seed {seed}:");
        let s = Score::of(&schools, &schools_truth);
        check("  low-results schools", &s);
        totals[0] = (
            totals[0].0 + s.tp,
            totals[0].1 + s.flagged,
            totals[0].2 + s.truth,
        );
        let s = Score::of(&students, &students_truth);
        check("  students at risk", &s);
        totals[1] = (
            totals[1].0 + s.tp,
            totals[1].1 + s.flagged,
            totals[1].2 + s.truth,
        );
        let teachers_truth: BTreeSet<String> =
            g.truth.teachers_with_deficit.iter().cloned().collect();
        let teachers = labelled(
            r,
            "teacher-deficits",
            "teacher_deficit",
            &["subject_results", "subject_knowledge", "training_due"],
        );
        let s = Score::of(&teachers, &teachers_truth);
        check("  teachers with a deficit", &s);
        totals[2] = (
            totals[2].0 + s.tp,
            totals[2].1 + s.flagged,
            totals[2].2 + s.truth,
        );
    }
    println!("all seeds:");
    for (name, (tp, flagged, truth)) in [
        "  low-results schools",
        "  students at risk",
        "  teachers with a deficit",
    ]
    .into_iter()
    .zip(totals)
    {
        let s = Score { tp, flagged, truth };
        check(name, &s);
        assert!(
            s.precision() >= 0.9,
            "{name}: precision {:.3}",
            s.precision()
        );
        assert!(s.recall() >= 0.95, "{name}: recall {:.3}", s.recall());
    }
}
