//! Evaluation work is linear in the data: doubling the district doubles the engine's work,
//! counted (not timed) as rows read by the aggregation plus, per rule, rows evaluated ×
//! column instructions run. Timed tests are banned here; counts are exact and repeatable.
//!
//! The bounds that keep the rest linear are limits, each with its own test in the
//! bad-inputs corpus: scopes (evaluation pairs each scope with last year's),
//! (scope × class) cells (the aggregation's dense tables), message placeholders (filled per
//! finding) and expression size (instructions per row).

use oko::rules::{
    BandTest, EvalOptions, Evaluation, RuleLimits, RuleSource, Rules, compile, evaluate,
};
use oko::{Dataset, GeneratorConfig, generate};

fn shipped() -> Rules {
    compile(
        &[
            RuleSource::toml(
                "rules/scales-2025.toml",
                include_str!("../../rules/scales-2025.toml"),
            ),
            RuleSource::toml(
                "rules/district-low-results.toml",
                include_str!("../../rules/district-low-results.toml"),
            ),
        ],
        &RuleLimits::default(),
    )
    .unwrap()
}

/// Rows read by the aggregation plus Σ over rules of rows × instructions.
fn work(rules: &Rules, ds: &Dataset, out: &Evaluation) -> u64 {
    let instructions = |id: &str| -> u64 {
        if let Some(r) = rules.rules().iter().find(|r| r.id == id) {
            let values: usize = r.values.iter().map(|(_, p)| p.instruction_count()).sum();
            return (values + r.when.instruction_count() + 1) as u64;
        }
        let c = rules
            .classifications()
            .iter()
            .find(|c| c.id == id)
            .expect("every summary names a rule or classification");
        let bands: usize = c
            .bands
            .iter()
            .map(|b| match &b.test {
                BandTest::When(p) => p.instruction_count() + 1,
                BandTest::Range(..) => 1,
            })
            .sum();
        let values: usize = c.values.iter().map(|(_, p)| p.instruction_count()).sum();
        (bands + values + c.value.as_ref().map_or(0, |p| p.instruction_count()) + 1) as u64
    };
    let engine: u64 = out
        .report
        .summary
        .iter()
        .map(|s| s.rows * instructions(&s.rule))
        .sum();
    let aggregation = (ds.results().len() + ds.marks().len() + ds.students().len()) as u64;
    engine + aggregation
}

fn district(schools: u32, students: u32) -> Dataset {
    let mut c = GeneratorConfig::tiny(5);
    c.municipalities = 2;
    c.schools = schools;
    c.students = students;
    generate(&c).dataset
}

#[test]
fn doubling_the_data_doubles_the_work() {
    let rules = shipped();
    let small = district(8, 800);
    let large = district(16, 1600);
    let w = |ds: &Dataset| {
        work(
            &rules,
            ds,
            &evaluate(&rules, ds, &EvalOptions::default()).unwrap(),
        )
    };
    let (a, b) = (w(&small), w(&large));
    assert!(a > 1000, "the work is counted: {a}");
    let ratio = b as f64 / a as f64;
    assert!(
        (1.6..=2.4).contains(&ratio),
        "work {a} → {b}, ratio {ratio:.2}"
    );
    // The evaluation's rows grow like the data, not like its square.
    let rows = |ds: &Dataset| -> u64 {
        evaluate(&rules, ds, &EvalOptions::default())
            .unwrap()
            .report
            .summary
            .iter()
            .map(|s| s.rows)
            .sum()
    };
    let r = rows(&large) as f64 / rows(&small) as f64;
    assert!((1.6..=2.4).contains(&r), "rows ratio {r:.2}");
}
