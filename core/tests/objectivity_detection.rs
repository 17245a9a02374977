//! Detection quality of the objectivity signs (rules/objectivity.toml) on the synthetic region
//! of `oko::generate`, with non-objective schools planted at the generator's default effect
//! sizes. Precision and recall are per sign, at the school level (a school is flagged by a
//! sign when the rule has a finding for it in any procedure).
//!
//! Which planted anomaly each sign detects (recall is measured against it), and which other
//! anomalies produce the same phenomenon, so that flagging them is a true positive too
//! (precision counts them as correct):
//!
//! | rule | detects | also true |
//! |---|---|---|
//! | `marks_lowered` | InflatedInternal | — |
//! | `marks_raised` | InflatedExternal | HelpedHardTasks, Heaping (both raise ВПР marks above the journal) |
//! | `vpr_above_region_not_gia` | InflatedExternal | HelpedHardTasks (raises ВПР results, not ГИА) |
//! | `task_inversion` | HelpedHardTasks | — |
//! | `cohort_drop` | InflatedExternal | — |
//! | `score_heaping` | Heaping | — |
//! | `top_marks_above_region` | InflatedExternal | HelpedHardTasks (more «5» on the ВПР) |
//!
//! The figures are printed (`cargo test -p oko --test objectivity_detection -- --nocapture`);
//! the region-sized run is `#[ignore]`d (run it with `--release -- --ignored --nocapture`).

use oko::rules::{EvalOptions, RuleLimits, RuleSource, compile, evaluate};
use oko::{Anomaly, GeneratorConfig, Level, generate};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

struct Sign {
    rule: &'static str,
    detects: Anomaly,
    also: &'static [Anomaly],
}

const SIGNS: &[Sign] = &[
    Sign {
        rule: "marks_lowered",
        detects: Anomaly::InflatedInternal,
        also: &[],
    },
    Sign {
        rule: "marks_raised",
        detects: Anomaly::InflatedExternal,
        also: &[Anomaly::HelpedHardTasks, Anomaly::Heaping],
    },
    Sign {
        rule: "vpr_above_region_not_gia",
        detects: Anomaly::InflatedExternal,
        also: &[Anomaly::HelpedHardTasks],
    },
    Sign {
        rule: "task_inversion",
        detects: Anomaly::HelpedHardTasks,
        also: &[],
    },
    Sign {
        rule: "cohort_drop",
        detects: Anomaly::InflatedExternal,
        also: &[],
    },
    Sign {
        rule: "score_heaping",
        detects: Anomaly::Heaping,
        also: &[],
    },
    Sign {
        rule: "top_marks_above_region",
        detects: Anomaly::InflatedExternal,
        also: &[Anomaly::HelpedHardTasks],
    },
];

/// Counts of one sign.
#[derive(Debug, Default, Clone, Copy)]
struct Figures {
    planted: usize,
    flagged: usize,
    found: usize,
    also_true: usize,
    false_pos: usize,
}

impl Figures {
    fn precision(&self) -> f64 {
        if self.flagged == 0 {
            1.0
        } else {
            (self.found + self.also_true) as f64 / self.flagged as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.planted == 0 {
            1.0
        } else {
            self.found as f64 / self.planted as f64
        }
    }
}

fn shipped() -> Vec<RuleSource> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    ["rules/scales-2025.toml", "rules/objectivity.toml"]
        .iter()
        .map(|f| RuleSource::toml(*f, std::fs::read_to_string(repo.join(f)).unwrap()))
        .collect()
}

fn measure(configs: &[GeneratorConfig]) -> Vec<Figures> {
    let rules = compile(&shipped(), &RuleLimits::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut figures = vec![Figures::default(); SIGNS.len()];
    for config in configs {
        let g = generate(config);
        let out = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap();
        let truth: BTreeMap<&str, &[Anomaly]> = g
            .truth
            .schools
            .iter()
            .map(|(s, a)| (s.as_str(), a.as_slice()))
            .collect();
        for (sign, fig) in SIGNS.iter().zip(&mut figures) {
            let flagged: BTreeSet<&str> = out
                .report
                .findings
                .iter()
                .filter(|f| {
                    f.ruleset == "objectivity"
                        && f.rule == sign.rule
                        && f.entity.level == Level::School
                })
                .map(|f| f.entity.id.as_str())
                .collect();
            let has = |s: &str, a: Anomaly| truth.get(s).is_some_and(|v| v.contains(&a));
            fig.planted += truth.values().filter(|v| v.contains(&sign.detects)).count();
            fig.flagged += flagged.len();
            for s in flagged {
                if has(s, sign.detects) {
                    fig.found += 1;
                } else if sign.also.iter().any(|&a| has(s, a)) {
                    fig.also_true += 1;
                } else {
                    fig.false_pos += 1;
                    println!(
                        "  false positive of {}: {s} (seed {})",
                        sign.rule, config.seed
                    );
                }
            }
            let missed: Vec<&str> = truth
                .iter()
                .filter(|(s, v)| {
                    v.contains(&sign.detects)
                        && !out.report.findings.iter().any(|f| {
                            f.rule == sign.rule
                                && f.entity.level == Level::School
                                && f.entity.id == **s
                        })
                })
                .map(|(s, _)| *s)
                .collect();
            if !missed.is_empty() {
                println!(
                    "  missed by {}: {missed:?} (seed {})",
                    sign.rule, config.seed
                );
            }
        }
    }
    figures
}

fn report(title: &str, figures: &[Figures]) {
    println!("\n{title}");
    println!(
        "{:<26} {:<17} {:>7} {:>7} {:>5} {:>5} {:>3} {:>9} {:>6}",
        "sign", "detects", "planted", "flagged", "found", "also", "fp", "precision", "recall"
    );
    for (sign, f) in SIGNS.iter().zip(figures) {
        println!(
            "{:<26} {:<17} {:>7} {:>7} {:>5} {:>5} {:>3} {:>9.3} {:>6.3}",
            sign.rule,
            format!("{:?}", sign.detects),
            f.planted,
            f.flagged,
            f.found,
            f.also_true,
            f.false_pos,
            f.precision(),
            f.recall()
        );
    }
}

fn check(figures: &[Figures]) {
    for (sign, f) in SIGNS.iter().zip(figures) {
        assert!(f.planted > 0, "{}: nothing planted", sign.rule);
        assert!(
            f.precision() >= 0.9,
            "{}: precision {:.3}",
            sign.rule,
            f.precision()
        );
        assert!(f.recall() >= 0.9, "{}: recall {:.3}", sign.rule, f.recall());
    }
}

/// A moderate region (200 schools, 100,000 students) at the generator's default anomaly
/// rates and effect sizes, seed 1 (or the seeds of `OKO_SEEDS`, e.g. `OKO_SEEDS=1,2,3`; and
/// the size of `OKO_STUDENTS`).
#[test]
fn detection_quality_moderate_region() {
    let seeds: Vec<u64> = std::env::var("OKO_SEEDS")
        .ok()
        .map(|s| s.split(",").map(|x| x.parse().unwrap()).collect())
        .unwrap_or(vec![1]);
    let configs: Vec<GeneratorConfig> = seeds
        .iter()
        .map(|&seed| GeneratorConfig {
            schools: 200,
            students: std::env::var("OKO_STUDENTS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(100_000),
            // Trial exams play no part in these signs; without them generation is faster.
            trials: false,
            ..GeneratorConfig::region(seed)
        })
        .collect();
    let figures = measure(&configs);
    report(
        &format!(
            "Objectivity signs: {} × (200 schools, 100,000 students), seeds {seeds:?}",
            seeds.len()
        ),
        &figures,
    );
    check(&figures);
}

/// The full `region` preset: 2,000 schools, 1,000,000 students.
#[test]
#[ignore = "region-sized; run with --release -- --ignored"]
fn detection_quality_full_region() {
    let figures = measure(&[GeneratorConfig::region(7)]);
    report(
        "Objectivity signs: 2,000 schools, 1,000,000 students (seed 7)",
        &figures,
    );
    check(&figures);
}
