//! Invariants of rule evaluation, checked on generated data:
//! - tightening a threshold never adds a finding (the district rule's `relative_gap`);
//! - merge equals whole for rule outcomes: a school-level rule that compares schools with
//!   their municipality gives, over the whole region, exactly the findings and labels it gives
//!   over each municipality alone;
//! - evaluation never panics on datasets built through `add_table` from random cells,
//!   garbage included, and its report always serialises.

use std::collections::BTreeSet;

use oko::rules::{EvalOptions, Report, RuleLimits, RuleSource, Rules, compile, evaluate};
use oko::*;
use proptest::prelude::*;

const SCALES: &str = include_str!("../../rules/scales-2025.toml");
const DISTRICT: &str = include_str!("../../rules/district-low-results.toml");

fn shipped_with_gap(gap_percent: u32) -> Rules {
    const NEEDLE: &str = "relative_gap = { value = \"15%\"";
    assert!(DISTRICT.contains(NEEDLE), "the parameter moved");
    let district = DISTRICT.replacen(
        NEEDLE,
        &format!("relative_gap = {{ value = \"{gap_percent}%\""),
        1,
    );
    compile(
        &[
            RuleSource::toml("rules/scales-2025.toml", SCALES),
            RuleSource::toml("rules/district-low-results.toml", district),
        ],
        &RuleLimits::default(),
    )
    .unwrap()
}

/// (rule, entity id, scope) of every finding.
fn findings(report: &Report) -> BTreeSet<(String, String, Option<String>)> {
    report
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.entity.id.clone(), f.scope.clone()))
        .collect()
}

fn small_config(seed: u64, students: u32) -> GeneratorConfig {
    let mut c = GeneratorConfig::tiny(seed);
    c.students = students;
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn tightening_the_gap_never_adds_a_finding(
        seed in 0u64..1000,
        p in 0u32..40,
        dp in 1u32..30,
    ) {
        let g = generate(&small_config(seed, 400));
        let loose = evaluate(&shipped_with_gap(p), &g.dataset, &EvalOptions::default()).unwrap();
        let tight =
            evaluate(&shipped_with_gap(p + dp), &g.dataset, &EvalOptions::default()).unwrap();
        let (fl, ft) = (findings(&loose.report), findings(&tight.report));
        prop_assert!(ft.is_subset(&fl), "{:?}", ft.difference(&fl).collect::<Vec<_>>());
    }
}

/// The rows of `ds` that belong to municipality `m`, as a dataset of their own.
fn municipality_part(ds: &Dataset, m: u32) -> Dataset {
    let mut b = DatasetBuilder::new(Policy::Strict);
    let mu = &ds.municipalities()[m as usize];
    b.add_municipality(MunicipalityRow {
        id: mu.id.clone(),
        name: mu.name.clone(),
    })
    .unwrap();
    let school_in = |s: u32| ds.schools()[s as usize].municipality == m;
    for s in ds.schools().iter().filter(|s| s.municipality == m) {
        b.add_school(SchoolRow {
            id: s.id.clone(),
            name: s.name.clone(),
            municipality: mu.id.clone(),
            kind: s.kind,
            rural: s.rural,
            context: ds
                .context_fields()
                .iter()
                .cloned()
                .zip(s.context.iter().copied())
                .collect(),
        })
        .unwrap();
    }
    let class_in = |c: u32| school_in(ds.classes()[c as usize].school);
    for c in ds.classes().iter().filter(|c| school_in(c.school)) {
        b.add_class(ClassRow {
            id: c.id.clone(),
            school: ds.schools()[c.school as usize].id.clone(),
            grade: c.grade,
            name: c.name.clone(),
        })
        .unwrap();
    }
    for t in ds.teachers().iter().filter(|t| school_in(t.school)) {
        b.add_teacher(TeacherRow {
            id: t.id.clone(),
            school: ds.schools()[t.school as usize].id.clone(),
            category: t.category.clone(),
        })
        .unwrap();
    }
    for a in ds.assignments().iter().filter(|a| class_in(a.class)) {
        b.add_assignment(AssignmentRow {
            teacher: ds.teachers()[a.teacher as usize].id.clone(),
            class: ds.classes()[a.class as usize].id.clone(),
            subject: ds.subjects().name(a.subject).to_owned(),
        })
        .unwrap();
    }
    let st = ds.students();
    for i in 0..st.len() {
        if class_in(st.class()[i]) {
            b.add_student(StudentRow {
                id: st.id(i as u32),
                class: &ds.classes()[st.class()[i] as usize].id,
                attestat: st.attestat()[i],
                honours: st.honours()[i],
                olympiad: st.olympiad()[i],
                attendance: st.attendance()[i],
            })
            .unwrap();
        }
    }
    for p in ds.procedures() {
        b.add_procedure(p.clone()).unwrap();
    }
    let r = ds.results();
    for i in 0..r.len() {
        if !class_in(r.class()[i]) {
            continue;
        }
        let tasks: Vec<u32> = r.task_scores(i).iter().map(|&t| u32::from(t)).collect();
        b.add_result(ResultRow {
            student: st.id(r.student()[i]),
            procedure: &ds.procedures()[r.procedure()[i] as usize].id,
            class: Some(&ds.classes()[r.class()[i] as usize].id),
            primary_score: r.score(i).map(u32::from),
            task_scores: (!tasks.is_empty()).then_some(&tasks[..]),
            mark: r.mark(i).map(u32::from),
            test_score: r.test_score(i).map(u32::from),
        })
        .unwrap();
    }
    b.build().unwrap()
}

/// Findings and labels as JSON lines, sorted: comparable across datasets.
fn outcomes(report: &Report) -> Vec<String> {
    let mut v: Vec<String> = report
        .findings
        .iter()
        .map(|f| serde_json::to_string(f).unwrap())
        .chain(
            report
                .labels
                .iter()
                .map(|l| serde_json::to_string(l).unwrap()),
        )
        .collect();
    v.sort();
    v
}

#[test]
fn school_outcomes_over_the_whole_equal_those_over_each_municipality() {
    let rules = shipped_with_gap(15);
    let mut cfg = GeneratorConfig::tiny(21);
    cfg.municipalities = 3;
    cfg.schools = 12;
    cfg.students = 1500;
    let g = generate(&cfg);
    let whole = outcomes(
        &evaluate(&rules, &g.dataset, &EvalOptions::default())
            .unwrap()
            .report,
    );
    assert!(!whole.is_empty());
    let mut parts: Vec<String> = Vec::new();
    for m in 0..g.dataset.municipalities().len() as u32 {
        let part = municipality_part(&g.dataset, m);
        parts.extend(outcomes(
            &evaluate(&rules, &part, &EvalOptions::default())
                .unwrap()
                .report,
        ));
    }
    parts.sort();
    assert_eq!(whole, parts);
}

// --- random tables --------------------------------------------------------------------

/// A cell as a strategy can make it (owned, so that tables can borrow from it).
#[derive(Debug, Clone)]
enum RawCell {
    Null,
    Str(String),
    Int(i64),
    Float(f64),
    Dec(rust_decimal::Decimal),
    Bool(bool),
}

#[derive(Debug)]
struct RandomTable {
    names: Vec<String>,
    rows: Vec<Vec<RawCell>>,
}

impl TableSource for RandomTable {
    fn column_names(&self) -> Vec<String> {
        self.names.clone()
    }
    fn row_count(&self) -> usize {
        self.rows.len()
    }
    fn cell(&self, row: usize, column: usize) -> CellValue<'_> {
        match self.rows[row].get(column) {
            None | Some(RawCell::Null) => CellValue::Null,
            Some(RawCell::Str(s)) => CellValue::Str(s),
            Some(RawCell::Int(i)) => CellValue::Int(*i),
            Some(RawCell::Float(f)) => CellValue::Float(*f),
            Some(RawCell::Dec(d)) => CellValue::Decimal(*d),
            Some(RawCell::Bool(b)) => CellValue::Bool(*b),
        }
    }
}

/// Plausible and garbage values, with ids from a small pool so that references resolve.
fn cell() -> impl Strategy<Value = RawCell> {
    let words = prop::sample::select(vec![
        "m1",
        "m2",
        "s1",
        "s2",
        "c1",
        "c2",
        "c3",
        "t1",
        "t2",
        "p1",
        "p2",
        "p3",
        "p4",
        "vpr",
        "oge",
        "ege",
        "russian",
        "math",
        "2024/25",
        "2025/26",
        "2025-04-15",
        "t1",
        "h1",
        "year",
        "4",
        "5",
        "9",
        "11",
        "10",
        "20",
        "1;2;3:g",
        "3;3;4",
        "2;2;3",
        "н/а",
        "осв.",
        "true",
        "нет",
        "lyceum",
        "winner",
        "vpr-2025-4-rus",
        "",
        " ",
        "-1",
        "1e400",
        "NaN",
        "12,5",
        "ё",
        "\u{0}",
        "∞",
    ]);
    prop_oneof![
        4 => words.prop_map(|w| RawCell::Str(w.to_owned())),
        1 => Just(RawCell::Null),
        1 => "\\PC{0,12}".prop_map(RawCell::Str),
        1 => (-3i64..50).prop_map(RawCell::Int),
        1 => any::<i64>().prop_map(RawCell::Int),
        1 => prop_oneof![
            Just(f64::NAN), Just(f64::INFINITY), Just(-0.0), Just(4.5), Just(1e300), Just(7.0)
        ].prop_map(RawCell::Float),
        1 => (any::<i64>(), 0u32..28)
            .prop_map(|(m, s)| RawCell::Dec(rust_decimal::Decimal::new(m, s))),
        1 => any::<bool>().prop_map(RawCell::Bool),
    ]
}

const TABLES: [TableName; 11] = {
    // Every table but the last, the МУКО evidence, in dependency order.
    let [t @ .., TableName::MukoEvidence] = TableName::ALL else {
        unreachable!()
    };
    t
};

/// One table: its canonical columns (each dropped now and then), maybe a stray column, and
/// up to 8 rows of random cells.
fn table(t: TableName) -> impl Strategy<Value = RandomTable> {
    let canonical: Vec<String> = columns_of(t).iter().map(|c| c.name.to_owned()).collect();
    let n = canonical.len();
    (
        prop::collection::vec(prop::bool::weighted(0.9), n),
        prop::option::of(prop::sample::select(vec![
            "low_income",
            "task_1",
            "task_2",
            "extra",
        ])),
        0usize..8,
    )
        .prop_flat_map(move |(keep, extra, rows)| {
            let mut names: Vec<String> = canonical
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(c, _)| c.clone())
                .collect();
            if let Some(e) = extra {
                names.push(e.to_owned());
            }
            let width = names.len();
            prop::collection::vec(prop::collection::vec(cell(), width), rows).prop_map(
                move |rows| RandomTable {
                    names: names.clone(),
                    rows,
                },
            )
        })
}

fn dataset_tables() -> impl Strategy<Value = Vec<RandomTable>> {
    TABLES.iter().map(|&t| table(t)).collect::<Vec<_>>()
}

fn shipped() -> &'static Rules {
    static R: std::sync::OnceLock<Rules> = std::sync::OnceLock::new();
    R.get_or_init(|| shipped_with_gap(15))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn evaluation_never_panics_on_random_tables(
        tables in dataset_tables(),
        strict in any::<bool>(),
    ) {
        let policy = if strict { Policy::Strict } else { Policy::Lenient };
        let mut b = DatasetBuilder::new(policy);
        for (t, src) in TABLES.iter().zip(&tables) {
            match b.add_table(*t, src) {
                Ok(r) => prop_assert!(r.rejected <= r.rows),
                Err(e) => prop_assert_eq!(e.code(), "data.missing_column"),
            }
        }
        match b.build() {
            Ok(ds) => {
                let out = evaluate(shipped(), &ds, &EvalOptions::default()).unwrap();
                serde_json::to_string(&out.report).unwrap();
                for r in ds.rejected() {
                    prop_assert!(r.code().starts_with("data.") || r.code().starts_with("limit."));
                }
            }
            Err(e) => prop_assert!(!e.errors.is_empty() || strict),
        }
    }
}
