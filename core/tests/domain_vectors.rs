//! The worked test vectors of DOMAIN.md (T1–T5, T8) as tests.

use oko::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn marks(counts: &[(MarkValue, u32)]) -> CellState {
    let mut s = CellState::default();
    for &(v, k) in counts {
        for _ in 0..k {
            s.marks.add(v);
        }
    }
    s
}

fn m(v: u8) -> MarkValue {
    MarkValue::Mark(Mark::new(v).unwrap())
}

fn value(i: Indicator, s: &CellState) -> Decimal {
    compute(i, s, 0, &Thresholds::default(), 10).value.unwrap()
}

#[test]
fn t1_pass_quality_mean_sou() {
    let s = marks(&[(m(5), 5), (m(4), 10), (m(3), 8), (m(2), 2)]);
    assert_eq!(value(Indicator::Count, &s), dec!(25));
    assert_eq!(value(Indicator::PassRate, &s), dec!(92.0));
    assert_eq!(value(Indicator::QualityRate, &s), dec!(60.0));
    assert_eq!(value(Indicator::MeanMark, &s), dec!(3.72));
    assert_eq!(value(Indicator::Sou, &s), dec!(58.4));
}

#[test]
fn t2_not_assessed_counts_exempt_does_not() {
    let s = marks(&[
        (m(5), 5),
        (m(4), 10),
        (m(3), 8),
        (m(2), 2),
        (MarkValue::NotAssessed, 1),
    ]);
    assert_eq!(value(Indicator::Count, &s), dec!(26));
    assert_eq!(value(Indicator::PassRate, &s).round_dp(2), dec!(88.46));
    assert_eq!(value(Indicator::QualityRate, &s).round_dp(2), dec!(57.69));
    assert_eq!(value(Indicator::Sou, &s), dec!(1467) / dec!(26));
    assert_eq!(value(Indicator::Sou, &s).round_dp(2), dec!(56.42));
    // Mean mark ignores н/а: still 93 / 25.
    assert_eq!(value(Indicator::MeanMark, &s), dec!(3.72));
    let mut with_exempt = s.clone();
    with_exempt.marks.add(MarkValue::Exempt);
    for &i in &[
        Indicator::Count,
        Indicator::PassRate,
        Indicator::QualityRate,
        Indicator::Sou,
        Indicator::MeanMark,
    ] {
        assert_eq!(
            value(i, &with_exempt),
            value(i, &s),
            "{i} changed by an exempt student"
        );
    }
}

fn vpr4_russian() -> Scale {
    Scale::from_bands(
        "vpr-russian-4",
        24,
        &[(2, 0, 9), (3, 10, 15), (4, 16, 20), (5, 21, 24)],
        vec![],
    )
    .unwrap()
}

#[test]
fn t3_vpr_grade4_russian_scale() {
    let s = vpr4_russian();
    let got: Vec<u8> = [9, 10, 15, 16, 20, 21, 24]
        .iter()
        .map(|&p| s.mark(p, |_| None).unwrap().get())
        .collect();
    assert_eq!(got, [2, 3, 3, 4, 4, 5, 5]);
    assert_eq!(
        s.mark(25, |_| None),
        None,
        "a score above the maximum has no mark"
    );
}

#[test]
fn t4_oge_maths_geometry_condition() {
    let cond = GroupCondition {
        from_mark: Mark::new(3).unwrap(),
        group: "geometry".into(),
        min_points: 2,
    };
    let s = Scale::from_bands(
        "oge-math",
        31,
        &[(2, 0, 7), (3, 8, 14), (4, 15, 21), (5, 22, 31)],
        vec![cond],
    )
    .unwrap();
    assert_eq!(
        s.mark(8, |g| (g == "geometry").then_some(1)).unwrap().get(),
        2
    );
    assert_eq!(
        s.mark(8, |g| (g == "geometry").then_some(2)).unwrap().get(),
        3
    );
    // The condition holds for "4" and "5" too: 25 points with 1 geometry point is a "2".
    assert_eq!(s.mark(25, |_| Some(1)).unwrap().get(), 2);
    assert_eq!(s.mark(25, |_| Some(2)).unwrap().get(), 5);
}

#[test]
fn t5_ege_attestat_minimums() {
    let mut m = MinimumScores::default();
    let y = AcademicYear(2025);
    m.insert(y, "attestat", "russian", 24);
    m.insert(y, "attestat", "math_profile", 27);
    assert_eq!(m.passes(y, "attestat", "russian", 23), Some(false));
    assert_eq!(m.passes(y, "attestat", "russian", 24), Some(true));
    assert_eq!(m.passes(y, "attestat", "math_profile", 26), Some(false));
    assert_eq!(m.passes(y, "attestat", "math_profile", 27), Some(true));
    // Keyed by year and scheme: another year or scheme has its own minimum.
    assert_eq!(
        m.passes(AcademicYear(2024), "attestat", "russian", 30),
        None
    );
    m.insert(y, "university-minobr", "russian", 40);
    m.insert(y, "university-minpros", "russian", 42);
    assert_eq!(m.passes(y, "university-minobr", "russian", 41), Some(true));
    assert_eq!(
        m.passes(y, "university-minpros", "russian", 41),
        Some(false)
    );
}

#[test]
fn t8_limited_sample_is_computed_and_marked() {
    let s = marks(&[(m(5), 2), (m(4), 3), (m(3), 3), (m(2), 1)]);
    let v = compute(Indicator::QualityRate, &s, 0, &Thresholds::default(), 10);
    assert_eq!(v.n, 9);
    assert!(v.limited);
    assert_eq!(v.value.unwrap().round_dp(2), dec!(55.56));
    let ten = marks(&[(m(5), 2), (m(4), 3), (m(3), 3), (m(2), 2)]);
    assert!(!compute(Indicator::QualityRate, &ten, 0, &Thresholds::default(), 10).limited);
}

#[test]
fn scores_median_completion_thresholds() {
    let mut s = CellState {
        scores: ScoreHistogram::new(24),
        ..Default::default()
    };
    for p in [9u16, 10, 15, 16, 20, 21] {
        s.scores.add(p);
    }
    let th = Thresholds {
        below_min: Some(Threshold::Primary(10)),
        high: Some(Threshold::Primary(21)),
    };
    let v = |i| compute(i, &s, 24, &th, 10).value.unwrap();
    assert_eq!(
        v(Indicator::MedianScore),
        dec!(15.5),
        "even n: mean of the two middle scores"
    );
    assert_eq!(v(Indicator::MeanScore), dec!(91) / dec!(6));
    assert_eq!(
        v(Indicator::CompletionRate),
        dec!(91) * dec!(100) / dec!(144)
    );
    assert_eq!(v(Indicator::ShareBelowMin), dec!(100) / dec!(6));
    assert_eq!(v(Indicator::ShareHigh), dec!(100) / dec!(6));
    s.scores.add(24);
    assert_eq!(
        compute(Indicator::MedianScore, &s, 24, &th, 10).value,
        Some(dec!(16))
    );
    // No threshold known: the share is undefined rather than a guess.
    assert_eq!(
        compute(Indicator::ShareBelowMin, &s, 24, &Thresholds::default(), 10).value,
        None
    );
}

#[test]
fn indicator_catalogue_is_complete_and_round_trips() {
    for &i in Indicator::ALL {
        let info = i.info();
        assert_eq!(info.id.parse::<Indicator>(), Ok(i));
        assert!(
            !info.name_ru.is_empty()
                && !info.name_en.is_empty()
                && !info.formula.is_empty()
                && !info.reference.is_empty()
        );
    }
}
