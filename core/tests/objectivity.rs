//! Objectivity statistics through the whole aggregation: they equal the `oko::stats`
//! functions applied to independently paired marks, at every level and under both pairing
//! policies; findings do not depend on row order; a school with only limited samples gets
//! no sign.

use oko::objectivity::{InternalMark, ObjectivityOptions, period_end, present};
use oko::rules::{EvalOptions, RuleLimits, RuleSource, compile, evaluate};
use oko::stats::{
    ConfusionTable, KappaWeights, Share, cohen_kappa, spearman_pairs, wilson_interval_95,
};
use oko::*;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::Path;

fn shipped() -> Vec<RuleSource> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    ["rules/scales-2025.toml", "rules/objectivity.toml"]
        .iter()
        .map(|f| RuleSource::toml(*f, std::fs::read_to_string(repo.join(f)).unwrap()))
        .collect()
}

/// (journal mark, external mark, primary score) of each paired result, per (school, procedure).
type Pairs = HashMap<(u32, u32), Vec<(u32, u32, Option<u16>)>>;

/// The pairs of every (school, procedure) found the naive way: for each result, scan all
/// marks for the student's mark in the subject under the policy.
fn naive_pairs(ds: &Dataset, scales: &ScaleSet, policy: InternalMark) -> Pairs {
    let r = ds.results();
    let m = ds.marks();
    let mut out = Pairs::new();
    for i in 0..r.len() {
        let p = &ds.procedures()[r.procedure()[i] as usize];
        let external = r.mark(i).or_else(|| {
            let scale = scales.get(p.scale.as_deref()?)?;
            scale.mark(r.score(i)?, |_| None).map(|m| m.get())
        });
        let Some(external) = external else { continue };
        let mut best: Option<(Date, bool, MarkValue)> = None;
        for k in 0..m.len() {
            if m.student()[k] != r.student()[i]
                || ds.subjects().name(m.subject()[k]) != p.subject
                || m.year(k) != p.year
            {
                continue;
            }
            let period = m.period(k);
            match policy {
                InternalMark::Year if period == Period::Year => {
                    best = Some((Date::new(2000, 1, 1).unwrap(), false, m.value(k)));
                }
                InternalMark::LastPeriodBefore if period != Period::Year => {
                    let end = period_end(p.year, period).unwrap();
                    if p.date.is_some_and(|d| end < d) {
                        let key = (end, matches!(period, Period::Term(_)));
                        if best.is_none_or(|(e, t, _)| key > (e, t)) {
                            best = Some((key.0, key.1, m.value(k)));
                        }
                    }
                }
                _ => {}
            }
        }
        let journal = match best {
            Some((_, _, MarkValue::Mark(j))) => j.get(),
            _ => continue,
        };
        let school = ds.classes()[r.class()[i] as usize].school;
        out.entry((school, r.procedure()[i])).or_default().push((
            u32::from(journal),
            u32::from(external),
            r.score(i),
        ));
    }
    out
}

fn check_against_stats(options: ObjectivityOptions) {
    let g = generate(&GeneratorConfig {
        schools: 12,
        students: 3_000,
        ..GeneratorConfig::region(11)
    });
    let ds = &g.dataset;
    let agg = aggregate(
        ds,
        &g.scales,
        AggregateOptions {
            objectivity: options,
            ..Default::default()
        },
    );
    let pairs = naive_pairs(ds, &g.scales, options.internal_mark);
    let mut checked = 0;
    for ((school, procedure), pairs) in &pairs {
        let scope = agg
            .scope_index(&Scope::Procedure {
                procedure: *procedure,
            })
            .unwrap();
        let v = |i: Indicator| {
            agg.value(Level::School, *school, scope, i)
                .and_then(|v| v.value)
        };
        let table =
            ConfusionTable::from_pairs(1, 5, pairs.iter().map(|&(j, e, _)| (j, e))).unwrap();
        let n = table.total();
        assert_eq!(v(Indicator::PairedCount), Some(Decimal::from(n)));
        assert_eq!(
            v(Indicator::ShareLowered),
            Share::new(table.lowered(), n).percent()
        );
        assert_eq!(
            v(Indicator::ShareConfirmed),
            Share::new(table.confirmed(), n).percent()
        );
        assert_eq!(
            v(Indicator::ShareRaised),
            Share::new(table.raised(), n).percent()
        );
        assert_eq!(
            v(Indicator::ShareGap2Plus),
            Share::new(table.gap_at_least(2), n).percent()
        );
        assert_eq!(v(Indicator::MeanGap), table.mean_gap());
        for (ind, w) in [
            (Indicator::Kappa, KappaWeights::Unweighted),
            (Indicator::KappaLinear, KappaWeights::Linear),
            (Indicator::KappaQuadratic, KappaWeights::Quadratic),
        ] {
            assert_eq!(
                v(ind),
                cohen_kappa(&table, w).ok().and_then(present),
                "{ind}"
            );
        }
        let scored: Vec<(u32, u32)> = pairs
            .iter()
            .filter_map(|&(j, _, s)| Some((j, u32::from(s?))))
            .collect();
        assert_eq!(
            v(Indicator::Spearman),
            spearman_pairs(&scored).and_then(present)
        );
        let (lo, hi) = wilson_interval_95(table.lowered(), n).unwrap();
        assert_eq!(v(Indicator::ShareLoweredLow), present(lo));
        assert_eq!(v(Indicator::ShareLoweredHigh), present(hi));
        let (lo, hi) = wilson_interval_95(table.raised(), n).unwrap();
        assert_eq!(v(Indicator::ShareRaisedLow), present(lo));
        assert_eq!(v(Indicator::ShareRaisedHigh), present(hi));
        checked += 1;
    }
    assert!(checked > 40, "only {checked} cells checked");
    // The region is every pair at once.
    let all: Vec<(u32, u32)> = pairs.values().flatten().map(|&(j, e, _)| (j, e)).collect();
    let mut total = 0u64;
    for (i, s) in agg.scopes().iter().enumerate() {
        if let Scope::Procedure { .. } = s
            && let Some(v) = agg.value(Level::Region, 0, i as u32, Indicator::PairedCount)
        {
            total += v.n;
        }
    }
    assert_eq!(total, all.len() as u64);
}

#[test]
fn indicators_equal_the_stats_functions_last_period_before() {
    check_against_stats(ObjectivityOptions::default());
}

#[test]
fn indicators_equal_the_stats_functions_year_mark() {
    check_against_stats(ObjectivityOptions {
        internal_mark: InternalMark::Year,
        ..Default::default()
    });
}

/// Re-feeds every table of a dataset with its rows in a shuffled order.
fn shuffled(ds: &Dataset, seed: u64) -> Dataset {
    let mut b = DatasetBuilder::new(Policy::Strict);
    ds.replay_into(&mut b, shuffled_order(seed)).unwrap();
    b.build().unwrap()
}

#[test]
fn findings_do_not_depend_on_row_order() {
    let g = generate(&GeneratorConfig {
        schools: 30,
        students: 12_000,
        trials: false,
        ..GeneratorConfig::region(5)
    });
    let rules = compile(&shipped(), &RuleLimits::default()).unwrap();
    let report = |ds: &Dataset| {
        let out = evaluate(&rules, ds, &EvalOptions::default()).unwrap();
        let mut r = out.report;
        r.summary
            .sort_by(|a, b| (&a.ruleset, &a.rule).cmp(&(&b.ruleset, &b.rule)));
        serde_json::to_string(&r).unwrap()
    };
    let base = report(&g.dataset);
    assert!(
        base.contains("\"category\":\"objectivity\""),
        "no sign found"
    );
    for seed in [3u64, 17] {
        assert_eq!(base, report(&shuffled(&g.dataset, seed)), "seed {seed}");
    }
}

/// Two schools: A with 40 pupils whose journal marks agree with their ВПР marks, B with 6
/// pupils whose every result contradicts the journal (all «5» in the journal, «2» on the
/// ВПР, scores heaped at a boundary): B's values are shown, but no sign is concluded.
#[test]
fn a_school_with_only_limited_samples_gets_no_sign() {
    let mut b = DatasetBuilder::new(Policy::Strict);
    b.add_municipality(MunicipalityRow {
        id: "M".into(),
        name: "M".into(),
    })
    .unwrap();
    for (s, grade) in [("A", 4u8), ("B", 4)] {
        b.add_school(SchoolRow {
            id: s.into(),
            name: format!("Школа {s}"),
            municipality: "M".into(),
            kind: SchoolKind::Regular,
            rural: None,
            context: Vec::new(),
        })
        .unwrap();
        b.add_class(ClassRow {
            id: format!("c{s}"),
            school: s.into(),
            grade,
            name: "4А".into(),
        })
        .unwrap();
    }
    b.add_procedure(Procedure {
        id: "vpr".into(),
        kind: ProcedureKind::Vpr,
        subject: "russian".into(),
        grade: 4,
        year: AcademicYear(2025),
        date: Date::new(2026, 4, 15),
        max_score: 24,
        tasks: vec![],
        scale: Some("vpr-russian-4".into()),
    })
    .unwrap();
    let scores_a = [5u32, 8, 11, 12, 14, 16, 17, 19, 21, 23];
    let mut add = |id: String, class: &str, score: u32, journal: &str| {
        b.add_student(StudentRow {
            id: &id,
            class,
            attestat: None,
            honours: None,
            olympiad: None,
            attendance: None,
        })
        .unwrap();
        b.add_result(ResultRow {
            student: &id,
            procedure: "vpr",
            class: None,
            primary_score: Some(score),
            task_scores: None,
            mark: None,
            test_score: None,
        })
        .unwrap();
        b.add_mark(MarkRow {
            student: &id,
            subject: "russian",
            year: AcademicYear(2025),
            period: Period::Term(3),
            mark: journal,
        })
        .unwrap();
    };
    for k in 0..40 {
        let score = scores_a[k % scores_a.len()];
        let journal = match score {
            0..=9 => "2",
            10..=15 => "3",
            16..=20 => "4",
            _ => "5",
        };
        add(format!("a{k}"), "cA", score, journal);
    }
    for k in 0..6 {
        add(format!("b{k}"), "cB", 9, "5");
    }
    let ds = b.build().unwrap();
    let rules = compile(&shipped(), &RuleLimits::default()).unwrap();
    let out = evaluate(&rules, &ds, &EvalOptions::default()).unwrap();
    let of_b = |school: Option<&str>, id: &str| id == "B" || school == Some("B");
    assert!(
        !out.report
            .findings
            .iter()
            .any(|f| of_b(f.entity.school.as_deref(), &f.entity.id)),
        "{:#?}",
        out.report.findings
    );
    assert!(
        !out.report
            .labels
            .iter()
            .any(|l| of_b(l.entity.school.as_deref(), &l.entity.id))
    );
    let undetermined: Vec<&str> = out
        .report
        .undetermined
        .iter()
        .filter(|u| u.entity.id == "B")
        .map(|u| u.rule.as_str())
        .collect();
    assert!(undetermined.contains(&"marks_lowered"), "{undetermined:?}");
    assert!(
        out.report
            .undetermined
            .iter()
            .filter(|u| u.entity.id == "B")
            .all(
                |u| u.reason_code == "unknown.limited_sample" || u.reason_code == "unknown.missing"
            )
    );
    // The evidence still shows B's values, marked limited.
    let u = out
        .report
        .undetermined
        .iter()
        .find(|u| u.entity.id == "B" && u.rule == "marks_lowered")
        .unwrap();
    let e = u
        .evidence
        .iter()
        .find(|e| e.name == "share_lowered_low")
        .unwrap();
    assert!(e.limited && e.n == Some(6));
}

/// ВПР results may not by law be used to evaluate individual teachers: no objectivity sign
/// is drawn at the teacher level.
#[test]
fn no_sign_at_the_teacher_level() {
    let rules = compile(&shipped(), &RuleLimits::default()).unwrap();
    let signs: Vec<_> = rules
        .rules()
        .iter()
        .filter(|r| r.category == "objectivity")
        .collect();
    assert!(signs.len() >= 7);
    assert!(signs.iter().all(|r| r.level != Level::Teacher));
    assert!(
        rules
            .classifications()
            .iter()
            .all(|c| c.level != Level::Teacher)
    );
}

fn ruleset(id: &str, objectivity: &str) -> RuleSource {
    RuleSource::toml(
        format!("{id}.toml"),
        format!(
            "schema_version = 1\nid = \"{id}\"\nversion = \"1\"\ntitle = {{ ru = \"x\", en = \"x\" }}\n\
             source = {{ document = \"x\" }}\n\n[objectivity]\n{objectivity}\n"
        ),
    )
}

#[test]
fn the_ruleset_sets_the_pairing_policy_of_the_evaluation() {
    let rules = compile(
        &[ruleset("a", "internal_mark = \"year\"")],
        &RuleLimits::default(),
    )
    .unwrap();
    assert_eq!(rules.objectivity().internal_mark, InternalMark::Year);
    assert_eq!(rules.objectivity().heaping_width, 2);
    let g = generate(&GeneratorConfig::tiny(2));
    let out = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap();
    assert_eq!(
        out.aggregates.options().objectivity.internal_mark,
        InternalMark::Year
    );
    // Without a section, the default: the last period before the procedure.
    let none = compile(&shipped()[..1], &RuleLimits::default()).unwrap();
    assert_eq!(none.objectivity(), ObjectivityOptions::default());
    // Two rulesets may set different keys, or the same key alike.
    let both = compile(
        &[
            ruleset("a", "internal_mark = \"year\""),
            ruleset("b", "heaping_width = 3\ninternal_mark = \"year\""),
        ],
        &RuleLimits::default(),
    )
    .unwrap();
    assert_eq!(
        both.objectivity(),
        ObjectivityOptions {
            internal_mark: InternalMark::Year,
            heaping_width: 3
        }
    );
}

#[test]
fn conflicting_or_invalid_objectivity_sections_are_located_errors() {
    let err = compile(
        &[
            ruleset("a", "internal_mark = \"year\""),
            ruleset("b", "internal_mark = \"last_period_before\""),
        ],
        &RuleLimits::default(),
    )
    .unwrap_err();
    let d = &err.diagnostics[0];
    assert_eq!(d.code, "rule.option_conflict");
    assert_eq!(d.file, "b.toml");
    assert_eq!(d.path, "objectivity.internal_mark");
    let err = compile(&[ruleset("a", "heaping_width = 0")], &RuleLimits::default()).unwrap_err();
    assert_eq!(err.diagnostics[0].code, "rule.invalid_value");
    let err = compile(
        &[ruleset("a", "internal_mark = \"term\"")],
        &RuleLimits::default(),
    )
    .unwrap_err();
    assert_eq!(err.diagnostics[0].code, "rule.schema");
}
