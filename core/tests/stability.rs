//! Classifications are stable under row order and under adding an unrelated school's data.
//! The one legitimate exception: the social-welfare index is normalised across the region,
//! so adding a school moves every index a little; a label that changes must then read the
//! index, whose evidence gives the new number of schools it is computed across.

use oko::rules::{EvalOptions, EvidenceValue, Report, RuleLimits, RuleSource, compile, evaluate};
use oko::*;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const SHIPPED: &[&str] = &[
    "rules/scales-2025.toml",
    "rules/district-low-results.toml",
    "rules/gia-risk-group.toml",
    "rules/school-context.toml",
    "rules/teacher-deficits.toml",
    "rules/objectivity-plan.toml",
    "rules/muko.toml",
    "rules/class-risk-zone.toml",
];

fn rules() -> oko::rules::Rules {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let src: Vec<RuleSource> = SHIPPED
        .iter()
        .map(|f| RuleSource::toml(*f, std::fs::read_to_string(root.join(f)).unwrap()))
        .collect();
    compile(&src, &RuleLimits::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Re-feeds every table of `ds` in a shuffled order (seed 0: as is, but for the
/// municipalities, which go backwards either way), optionally with one more municipality
/// holding one more school, whose students wrote every procedure.
fn rebuild(ds: &Dataset, seed: u64, extra_school: bool) -> Dataset {
    let mut b = DatasetBuilder::new(Policy::Strict);
    let shuffle = shuffled_order(seed);
    ds.replay_into(&mut b, |table, n| {
        let mut rows = if seed == 0 {
            (0..n).collect()
        } else {
            shuffle(table, n)
        };
        if table == TableName::Municipalities {
            rows.reverse();
        }
        rows
    })
    .unwrap();
    if extra_school {
        add_extra_school(&mut b, ds);
    }
    b.build().unwrap()
}

/// Municipality MX with school SX: a class per procedure grade, 12 students in each, and a
/// result of each in every procedure of their grade (added after `ds`'s rows, so `ds`'s
/// entities keep their indices).
fn add_extra_school(b: &mut DatasetBuilder, ds: &Dataset) {
    b.add_municipality(MunicipalityRow {
        id: "MX".into(),
        name: "Новый".into(),
    })
    .unwrap();
    let context = ds
        .context_fields()
        .iter()
        .map(|f| (f.clone(), Some(Decimal::from(20))))
        .collect();
    b.add_school(SchoolRow {
        id: "SX".into(),
        name: "СОШ X".into(),
        municipality: "MX".into(),
        kind: SchoolKind::Regular,
        rural: Some(true),
        context,
    })
    .unwrap();
    let grades: BTreeSet<u8> = ds.procedures().iter().map(|p| p.grade).collect();
    for &g in &grades {
        b.add_class(ClassRow {
            id: format!("SX-{g}"),
            school: "SX".into(),
            grade: g,
            name: format!("{g}А"),
        })
        .unwrap();
    }
    let extra_ids: Vec<(u8, String)> = grades
        .iter()
        .flat_map(|&g| (0..12).map(move |k| (g, format!("SX-{g}-{k}"))))
        .collect();
    for (g, id) in &extra_ids {
        b.add_student(StudentRow {
            id,
            class: &format!("SX-{g}"),
            attestat: None,
            honours: None,
            olympiad: None,
            attendance: Some(Decimal::from(90)),
        })
        .unwrap();
    }
    for p in ds.procedures() {
        for (k, (g, id)) in extra_ids.iter().enumerate() {
            if *g == p.grade {
                b.add_result(ResultRow {
                    student: id,
                    procedure: &p.id,
                    class: None,
                    primary_score: Some(u32::from(p.max_score) * (k as u32 % 10) / 10),
                    task_scores: None,
                    mark: None,
                    test_score: None,
                })
                .unwrap();
            }
        }
    }
}

/// Labels keyed by (ruleset, classification, entity, scope).
fn labels(r: &Report) -> BTreeMap<(String, String, String, String), String> {
    let mut out = BTreeMap::new();
    for l in &r.labels {
        let key = (
            l.ruleset.clone(),
            l.classification.clone(),
            l.entity.id.clone(),
            l.scope.clone().unwrap_or_default(),
        );
        let e = out.entry(key).or_insert_with(String::new);
        e.push_str(&l.label);
        e.push(' ');
    }
    out
}

fn pairs(r: &Report) -> BTreeSet<(String, String, u32)> {
    r.pairings
        .iter()
        .map(|p| (p.school.id.clone(), p.partner.id.clone(), p.rank))
        .collect()
}

#[test]
fn classifications_do_not_depend_on_row_order() {
    let rules = rules();
    let g = generate(&GeneratorConfig::district(5));
    let base = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap();
    let base_json = serde_json::to_string(&base.report).unwrap();
    for seed in [3u64, 17] {
        let ds = rebuild(&g.dataset, seed, false);
        let out = evaluate(&rules, &ds, &EvalOptions::default()).unwrap();
        assert_eq!(labels(&base.report), labels(&out.report), "seed {seed}");
        assert_eq!(pairs(&base.report), pairs(&out.report), "seed {seed}");
        // The whole report, evidence and messages included, is byte-identical.
        let json = serde_json::to_string(&out.report).unwrap();
        let at = base_json
            .bytes()
            .zip(json.bytes())
            .position(|(x, y)| x != y)
            .unwrap_or(base_json.len().min(json.len()));
        assert!(
            base_json == json,
            "seed {seed}: reports differ from byte {at}: {}",
            json.get(at.saturating_sub(200)..(at + 200).min(json.len()))
                .unwrap_or("(not at a character boundary)")
        );
    }
}

#[test]
fn adding_an_unrelated_school_changes_only_what_its_reference_explains() {
    let rules = rules();
    let g = generate(&GeneratorConfig::district(6));
    let base = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap();
    let ds = rebuild(&g.dataset, 0, true);
    let out = evaluate(&rules, &ds, &EvalOptions::default()).unwrap();
    let (a, b) = (labels(&base.report), labels(&out.report));
    let n_schools = g.dataset.schools().len() as u64;
    let mut changed = 0;
    for (key, before) in &a {
        let after = b.get(key);
        if after == Some(before) {
            continue;
        }
        changed += 1;
        // Only labels that read the region-wide social index may move, and they explain it.
        let l = out
            .report
            .labels
            .iter()
            .find(|l| l.ruleset == key.0 && l.classification == key.1 && l.entity.id == key.2)
            .unwrap_or_else(|| panic!("{key:?} lost its label"));
        let idx = l
            .evidence
            .iter()
            .find(|e| e.name == "school.social_index")
            .unwrap_or_else(|| panic!("{key:?} changed without reading the social index"));
        assert_eq!(idx.n, Some(n_schools + 1), "{key:?}");
        assert!(matches!(idx.value, EvidenceValue::Decimal(_)));
    }
    // Every label of the new school's own is new; no old entity lost its label.
    for key in b.keys() {
        if !a.contains_key(key) {
            assert!(
                key.2 == "SX" || key.2.starts_with("SX-"),
                "new label for an old entity: {key:?}"
            );
        }
    }
    println!("labels changed by the new school's share of the region: {changed}");
    // Outside the social index nothing moved: rulesets that do not read it are identical.
    for rs in [
        "district-low-results",
        "gia-risk-group",
        "teacher-deficits",
        "class-risk-zone",
    ] {
        let only = |m: &BTreeMap<(String, String, String, String), String>| {
            m.iter()
                .filter(|(k, _)| k.0 == rs && k.2 != "SX" && !k.2.starts_with("SX-"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(only(&a), only(&b), "{rs}");
    }
}
