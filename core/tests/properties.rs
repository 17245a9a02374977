//! Invariants of the indicator library and aggregation, checked on generated inputs.

use oko::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn mark_value(code: u8) -> MarkValue {
    match code {
        6 => MarkValue::NotAssessed,
        7 => MarkValue::Exempt,
        m => MarkValue::Mark(Mark::new(m).unwrap()),
    }
}

fn state(marks: &[u8], scores: &[u16], max: u16) -> CellState {
    let mut s = CellState {
        scores: ScoreHistogram::new(max),
        ..Default::default()
    };
    for &m in marks {
        s.marks.add(mark_value(m));
    }
    for &p in scores {
        s.scores.add(p.min(max));
    }
    s
}

const ALL_SHARES: [Indicator; 6] = [
    Indicator::ShareMark1,
    Indicator::ShareMark2,
    Indicator::ShareMark3,
    Indicator::ShareMark4,
    Indicator::ShareMark5,
    Indicator::ShareNotAssessed,
];

proptest! {
    #[test]
    fn mark_shares_sum_to_100(marks in prop::collection::vec(1u8..=7, 1..300)) {
        let s = state(&marks, &[], 10);
        prop_assume!(s.marks.n() > 0);
        let sum: Decimal = ALL_SHARES.iter().map(|&i| compute(i, &s, 10, &Thresholds::default(), 10).value.unwrap()).sum();
        // Each share is exact to 28 significant digits; the sum is 100 up to that rounding.
        prop_assert!((sum - Decimal::ONE_HUNDRED).abs() < Decimal::new(1, 20), "sum {sum}");
    }

    #[test]
    fn merge_of_parts_equals_whole(
        marks in prop::collection::vec(1u8..=7, 0..200),
        scores in prop::collection::vec(0u16..=31, 0..200),
        cut_m in 0usize..200, cut_s in 0usize..200,
    ) {
        let (cm, cs) = (cut_m.min(marks.len()), cut_s.min(scores.len()));
        let whole = state(&marks, &scores, 31);
        let mut a = state(&marks[..cm], &scores[..cs], 31);
        let b = state(&marks[cm..], &scores[cs..], 31);
        a.merge(&b);
        prop_assert_eq!(&a, &whole);
        let th = Thresholds { below_min: Some(Threshold::Primary(8)), high: Some(Threshold::Primary(22)) };
        for &i in Indicator::ALL {
            prop_assert_eq!(compute(i, &a, 31, &th, 10), compute(i, &whole, 31, &th, 10));
        }
    }

    #[test]
    fn median_equals_sort_based_median(mut scores in prop::collection::vec(0u16..=45, 1..400)) {
        let s = state(&[], &scores, 45);
        scores.sort_unstable();
        let n = scores.len();
        let expected = if n % 2 == 1 {
            Decimal::from(scores[n / 2])
        } else {
            (Decimal::from(scores[n / 2 - 1]) + Decimal::from(scores[n / 2])) / Decimal::TWO
        };
        prop_assert_eq!(median(&s.scores), Some(expected));
    }
}

/// Re-feeds every table of a dataset with its rows in a shuffled order.
fn rebuild(ds: &Dataset, perm_seed: u64) -> Dataset {
    let mut b = DatasetBuilder::new(Policy::Strict);
    ds.replay_into(&mut b, shuffled_order(perm_seed)).unwrap();
    b.build().unwrap()
}

/// Every value at every level, keyed by entity id so that permuted ids compare equal.
fn snapshot(ds: &Dataset, agg: &Aggregates) -> Vec<String> {
    let mut out = Vec::new();
    for level in Level::ALL {
        for c in agg.cells(level) {
            let entity = match level {
                Level::Class => ds.classes()[c.entity as usize].id.clone(),
                Level::Grade => {
                    let g = ds.grades()[c.entity as usize];
                    format!("{}/{}", ds.schools()[g.school as usize].id, g.grade)
                }
                Level::Teacher => ds.teachers()[c.entity as usize].id.clone(),
                Level::School => ds.schools()[c.entity as usize].id.clone(),
                Level::Municipality => ds.municipalities()[c.entity as usize].id.clone(),
                Level::Region => "region".into(),
                Level::Student => ds.students().id(c.entity).to_owned(),
            };
            let scope = agg.scopes()[c.scope as usize].label(ds);
            for &i in Indicator::ALL {
                if let Some(v) = agg.value(level, c.entity, c.scope, i) {
                    out.push(format!(
                        "{level:?} {entity} {scope} {i} {:?} {} {}",
                        v.value, v.n, v.limited
                    ));
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn results_do_not_depend_on_row_order() {
    let g = generate(&GeneratorConfig::tiny(3));
    let base = snapshot(
        &g.dataset,
        &aggregate(&g.dataset, &g.scales, AggregateOptions::default()),
    );
    assert!(base.len() > 1000);
    for seed in [1u64, 2, 99] {
        let shuffled = rebuild(&g.dataset, seed);
        let again = snapshot(
            &shuffled,
            &aggregate(&shuffled, &g.scales, AggregateOptions::default()),
        );
        assert_eq!(base, again, "seed {seed}");
    }
}

#[test]
fn school_state_is_the_merge_of_its_classes() {
    let g = generate(&GeneratorConfig::tiny(5));
    let ds = &g.dataset;
    let agg = aggregate(ds, &g.scales, AggregateOptions::default());
    for c in agg.cells(Level::School) {
        if matches!(agg.scopes()[c.scope as usize], Scope::Staff { .. }) {
            continue; // staff counts come from teachers, not classes
        }
        let mut merged = CellState::default();
        for (k, class) in ds.classes().iter().enumerate() {
            if class.school == c.entity
                && let Some(s) = agg.state(Level::Class, k as u32, c.scope)
            {
                merged.merge(s);
            }
        }
        let whole = agg.state(Level::School, c.entity, c.scope).unwrap();
        assert_eq!(&merged.marks, &whole.marks);
        assert_eq!(merged.scores.counts(), whole.scores.counts());
    }
}
