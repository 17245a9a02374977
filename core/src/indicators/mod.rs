//! The indicator library: what each indicator means, its formula and source, and how it is
//! computed from a mergeable [`CellState`].
//!
//! All arithmetic is exact (`rust_decimal`); values are rounded only when presented.
//! Every value carries its `n` and a limited-sample mark below the configured minimum.

mod state;

pub use state::{CellState, MarkCounts, OutcomeCounts, ScoreHistogram, StaffCounts};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What an indicator's value measures, so rules cannot mix percent with points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A share in percent, 0..=100.
    Percent,
    /// A mark on the 1..5 scale (means may be fractional).
    Mark,
    /// Primary or test score points.
    Score,
    /// A count.
    Count,
    /// A difference of two percents, in percentage points.
    Points,
    /// A dimensionless statistic: a kappa, a correlation, a p-value, a ratio.
    Number,
}

/// Which data an indicator is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Marks: external (reported or from the scale) or internal.
    Marks,
    /// Primary scores of a procedure.
    Scores,
    /// Student outcomes (attestat, olympiads).
    Outcomes,
    /// Teacher training.
    Staff,
    /// External results paired with internal marks, per-task scores and cohort links
    /// (procedure scopes only; see [`crate::objectivity`]).
    Objectivity,
}

impl Unit {
    /// Identifier used in output: `percent`, `mark`, `score`, `count`, `points`, `number`.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Mark => "mark",
            Unit::Score => "score",
            Unit::Count => "count",
            Unit::Points => "points",
            Unit::Number => "number",
        }
    }
}

impl Source {
    /// Identifier used in output: `marks`, `scores`, `outcomes`, `staff`, `objectivity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Marks => "marks",
            Source::Scores => "scores",
            Source::Outcomes => "outcomes",
            Source::Staff => "staff",
            Source::Objectivity => "objectivity",
        }
    }
}

macro_rules! indicators {
    ($( $(#[$doc:meta])* $var:ident = $id:literal, $unit:ident, $src:ident, $ru:literal, $en:literal, $formula:literal, $source:literal; )*) => {
        /// A built-in indicator.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum Indicator {
            $( $(#[$doc])* $var, )*
        }

        impl Indicator {
            /// Every built-in indicator, in catalogue order.
            pub const ALL: &'static [Indicator] = &[$(Indicator::$var),*];

            /// Metadata: id, names, unit, formula and source.
            pub fn info(self) -> &'static IndicatorInfo {
                match self {
                    $( Indicator::$var => &IndicatorInfo {
                        id: $id, unit: Unit::$unit, source: Source::$src, name_ru: $ru, name_en: $en,
                        formula: $formula, reference: $source,
                    }, )*
                }
            }
        }
    };
}

indicators! {
    /// Number of participants with a mark ("н/а" counted, exempt excluded).
    Count = "count", Count, Marks, "Количество участников", "Participants",
        "N = n5 + n4 + n3 + n2 + n1 + n_na", "DOMAIN.md; federal ВПР tables «Кол-во участников»";
    /// успеваемость.
    PassRate = "pass_rate", Percent, Marks, "Успеваемость", "Pass rate",
        "(n5 + n4 + n3) / N × 100", "standard school reporting; DOMAIN.md";
    /// качество знаний.
    QualityRate = "quality_rate", Percent, Marks, "Качество знаний", "Quality rate",
        "(n5 + n4) / N × 100", "standard school reporting; DOMAIN.md; seed 003 ind. 1";
    /// СОУ, Simonov's degree of learning.
    Sou = "sou", Percent, Marks, "Степень обученности (СОУ)", "Degree of learning (SOU)",
        "(100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·(n1 + n_na)) / N", "В.П. Симонов, 1999";
    /// средний балл (отметка).
    MeanMark = "mean_mark", Mark, Marks, "Средняя отметка", "Mean mark",
        "Σ marks / (N − n_na)", "DOMAIN.md";
    /// Share of mark 5.
    ShareMark5 = "share_mark_5", Percent, Marks, "Доля отметок «5»", "Share of mark 5",
        "n5 / N × 100", "federal ВПР tables «5»";
    /// Share of mark 4.
    ShareMark4 = "share_mark_4", Percent, Marks, "Доля отметок «4»", "Share of mark 4",
        "n4 / N × 100", "federal ВПР tables «4»";
    /// Share of mark 3.
    ShareMark3 = "share_mark_3", Percent, Marks, "Доля отметок «3»", "Share of mark 3",
        "n3 / N × 100", "federal ВПР tables «3»";
    /// Share of mark 2.
    ShareMark2 = "share_mark_2", Percent, Marks, "Доля отметок «2»", "Share of mark 2",
        "n2 / N × 100", "federal ВПР tables «2»";
    /// Share of mark 1.
    ShareMark1 = "share_mark_1", Percent, Marks, "Доля отметок «1»", "Share of mark 1",
        "n1 / N × 100", "school reporting";
    /// Share not assessed.
    ShareNotAssessed = "share_not_assessed", Percent, Marks, "Доля «н/а»", "Share not assessed",
        "n_na / N × 100", "school reporting";
    /// Participants with a primary score.
    ScoreCount = "score_count", Count, Scores, "Количество участников с баллом", "Participants with a score",
        "number of primary scores", "DOMAIN.md";
    /// средний первичный балл.
    MeanScore = "mean_score", Score, Scores, "Средний первичный балл", "Mean primary score",
        "Σ scores / n", "seed 001 cl. 2.2.1 («среднее значение»)";
    /// медиана первичного балла.
    MedianScore = "median_score", Score, Scores, "Медиана первичного балла", "Median primary score",
        "exact median of the integer scores; mean of the two middle ones for even n", "seed 001 cl. 2.2.1 («медианы результатов»)";
    /// коэффициент выполнения.
    CompletionRate = "completion_rate", Percent, Scores, "Коэффициент выполнения", "Completion rate",
        "Σ primary scores / Σ max scores × 100 (within one procedure this equals the mean of per-student percentages)",
        "seed 001 cl. 2.2.1 («коэффициенты выполнения работы»)";
    /// Share below the minimum: primary score below the scale's lowest score for a «3»,
    /// or for ЕГЭ with test scores, below the attestat minimum of the year.
    ShareBelowMin = "share_below_min", Percent, Scores, "Доля ниже минимального балла", "Share below the minimum score",
        "n(score < min) / n × 100; min from the scale («3») or the ЕГЭ attestat minimum", "seed 003 ind. 4";
    /// Share of high scorers: at or above the scale's lowest «5», or the ЕГЭ `high` minimum.
    ShareHigh = "share_high", Percent, Scores, "Доля высокобалльников", "Share of high scorers",
        "n(score ≥ high) / n × 100; high from the scale («5») or the ЕГЭ `high` scheme (e.g. 81)", "regional ГИА reports";
    /// Mean ЕГЭ test score.
    MeanTestScore = "mean_test_score", Score, Scores, "Средний тестовый балл", "Mean test score",
        "Σ test scores / n", "seed 003 ind. 3";
    /// Graduates without attestat.
    ShareWithoutAttestat = "share_without_attestat", Percent, Outcomes, "Доля выпускников без аттестата", "Share of graduates without attestat",
        "graduates without attestat / graduates × 100", "seed 003 ind. 5";
    /// Attestat with honours.
    ShareHonours = "share_honours", Percent, Outcomes, "Доля аттестатов с отличием", "Share of attestats with honours",
        "graduates with honours / graduates × 100", "seed 003 ind. 6";
    /// Olympiad participants.
    ShareOlympiadParticipants = "share_olympiad_participants", Percent, Outcomes, "Доля участников олимпиад", "Share of olympiad participants",
        "participants / students × 100", "seed 003 ind. 7";
    /// Olympiad winners and prize-winners.
    ShareOlympiadWinners = "share_olympiad_winners", Percent, Outcomes, "Доля победителей и призёров", "Share of winners and prize-winners",
        "winners and prize-winners / students × 100", "seed 003 ind. 8";
    /// Teachers trained in the year.
    ShareTeachersTrained = "share_teachers_trained", Percent, Staff, "Доля педагогов, прошедших ПК", "Share of teachers trained",
        "teachers with training completed in the academic year / teachers × 100", "seed 004 plan targets; seed 003";
    /// Participation in a procedure: results over the students of the grade.
    ParticipationRate = "participation_rate", Percent, Scores, "Доля участников от обучающихся параллели", "Participation rate",
        "results / students enrolled in the procedure's grade × 100 (this year's procedures; the roster is the current one)", "seed 004 items 3.3, 4.1 («100% участников»)";
    /// Teachers trained in assessment quality in the year.
    ShareTeachersTrainedAssessment = "share_teachers_trained_assessment", Percent, Staff, "Доля педагогов, обученных оцениванию", "Share of teachers trained in assessment",
        "teachers with assessment training in the academic year / teachers × 100", "seed 003 ind. 9";
    // Objectivity of assessment (crate::objectivity; DOMAIN.md «Objectivity of assessment»).
    // Pairs: each external result with a mark (reported or from the scale) and the student's
    // internal mark in the same subject chosen by the ruleset's [objectivity] internal_mark.
    /// Results paired with a journal mark («Всего» of the federal table).
    PairedCount = "paired_count", Count, Objectivity, "Кол-во участников с отметкой по журналу", "Participants paired with a journal mark",
        "N = external results with a mark and a numeric journal mark in the subject ([objectivity] internal_mark)", "federal ВПР analytics «Всего»; seed 004 item 6.4";
    /// «Понизили»: the external mark is below the journal mark.
    ShareLowered = "share_lowered", Percent, Objectivity, "Понизили (Отметка < Отметка по журналу)", "Lowered (external mark < journal mark)",
        "n(external < journal) / N × 100, exact", "federal ВПР analytics «Понизили»; seed 004 item 6.4";
    /// «Подтвердили»: the external mark equals the journal mark.
    ShareConfirmed = "share_confirmed", Percent, Objectivity, "Подтвердили (Отметка = Отметка по журналу)", "Confirmed (external mark = journal mark)",
        "n(external = journal) / N × 100, exact", "federal ВПР analytics «Подтвердили»; seed 004 item 6.4";
    /// «Повысили»: the external mark is above the journal mark.
    ShareRaised = "share_raised", Percent, Objectivity, "Повысили (Отметка > Отметка по журналу)", "Raised (external mark > journal mark)",
        "n(external > journal) / N × 100, exact", "federal ВПР analytics «Повысили»; seed 004 item 6.4";
    /// Gaps of two marks or more in either direction.
    ShareGap2Plus = "share_gap_2plus", Percent, Objectivity, "Доля расхождений на 2 балла и более", "Share with a gap of 2 marks or more",
        "n(|journal − external| ≥ 2) / N × 100, exact", "DOMAIN.md (gaps of ≥ 2 marks highlighted)";
    /// Mean of journal − external marks (positive: the journal is more generous).
    MeanGap = "mean_gap", Mark, Objectivity, "Средняя разница «журнал − внешняя отметка»", "Mean gap (journal − external)",
        "Σ (journal − external) / N, exact", "DOMAIN.md";
    /// Cohen's kappa of journal and external marks, unweighted.
    Kappa = "kappa", Number, Objectivity, "Каппа Коэна", "Cohen's kappa",
        "(p_o − p_e) / (1 − p_e) over marks 1..5 (Cohen 1960); 6 decimals", "DOMAIN.md; oko::stats::cohen_kappa";
    /// Cohen's kappa with linear weights.
    KappaLinear = "kappa_linear", Number, Objectivity, "Каппа Коэна (линейные веса)", "Cohen's kappa, linear weights",
        "1 − Σ|i−j|·n_ij / Σ|i−j|·r_i·c_j/N (Cohen 1968); 6 decimals", "DOMAIN.md; oko::stats::cohen_kappa";
    /// Cohen's kappa with quadratic weights.
    KappaQuadratic = "kappa_quadratic", Number, Objectivity, "Каппа Коэна (квадратичные веса)", "Cohen's kappa, quadratic weights",
        "1 − Σ(i−j)²·n_ij / Σ(i−j)²·r_i·c_j/N (Fleiss & Cohen 1973); 6 decimals", "DOMAIN.md; oko::stats::cohen_kappa";
    /// Spearman's rank correlation of journal marks with primary scores.
    Spearman = "spearman", Number, Objectivity, "Корреляция Спирмена: отметка по журналу и первичный балл", "Spearman correlation of journal marks and primary scores",
        "Pearson correlation of mid-ranks (Spearman 1904), n = paired results with a score; 6 decimals", "DOMAIN.md; oko::stats::JointHistogram::spearman";
    /// Wilson 95% lower bound of `share_lowered`.
    ShareLoweredLow = "share_lowered_low", Percent, Objectivity, "Понизили: нижняя граница 95% интервала", "Lowered: lower 95% Wilson bound",
        "Wilson score interval, z = 1.96 (Wilson 1927); 6 decimals", "oko::stats::wilson_interval_95";
    /// Wilson 95% upper bound of `share_lowered`.
    ShareLoweredHigh = "share_lowered_high", Percent, Objectivity, "Понизили: верхняя граница 95% интервала", "Lowered: upper 95% Wilson bound",
        "Wilson score interval, z = 1.96 (Wilson 1927); 6 decimals", "oko::stats::wilson_interval_95";
    /// Wilson 95% lower bound of `share_raised`.
    ShareRaisedLow = "share_raised_low", Percent, Objectivity, "Повысили: нижняя граница 95% интервала", "Raised: lower 95% Wilson bound",
        "Wilson score interval, z = 1.96 (Wilson 1927); 6 decimals", "oko::stats::wilson_interval_95";
    /// Wilson 95% upper bound of `share_raised`.
    ShareRaisedHigh = "share_raised_high", Percent, Objectivity, "Повысили: верхняя граница 95% интервала", "Raised: upper 95% Wilson bound",
        "Wilson score interval, z = 1.96 (Wilson 1927); 6 decimals", "oko::stats::wilson_interval_95";
    /// Wilson 95% lower bound of the share of external marks «5».
    ShareMark5Low = "share_mark_5_low", Percent, Objectivity, "Доля «5»: нижняя граница 95% интервала", "Share of mark 5: lower 95% Wilson bound",
        "Wilson score interval of n5 / N, z = 1.96; 6 decimals", "oko::stats::wilson_interval_95";
    /// Easy tasks (the third with the region's highest completion rates): the group's pooled
    /// completion rate minus the region's.
    EasyTaskGap = "easy_task_gap", Points, Objectivity, "Лёгкие задания: отклонение от региона", "Easy tasks: gap to the region",
        "Σ points / Σ max over the easy third of tasks × 100, minus the region's; exact", "Rosobrnadzor signs of non-objective ВПР results (DOMAIN.md)";
    /// Hard tasks (the third with the region's lowest completion rates): the group's pooled
    /// completion rate minus the region's.
    HardTaskGap = "hard_task_gap", Points, Objectivity, "Трудные задания: отклонение от региона", "Hard tasks: gap to the region",
        "Σ points / Σ max over the hard third of tasks × 100, minus the region's; exact", "Rosobrnadzor signs of non-objective ВПР results (DOMAIN.md)";
    /// Hard tasks done better than the easy tasks predict (see `crate::objectivity` tasks).
    TaskInversion = "task_inversion", Points, Objectivity, "Инверсия трудности заданий", "Task-difficulty inversion",
        "observed − predicted pooled hard-task rate (pp); prediction: region's task logits shifted to fit the group's easy tasks; 6 decimals",
        "Rosobrnadzor signs of non-objective ВПР results (DOMAIN.md)";
    /// The same students' mean mark in the predecessor procedure (last year, one grade lower)
    /// minus their mean mark in this one.
    CohortDrop = "cohort_drop", Mark, Objectivity, "Снижение отметок когорты за год", "Cohort's mark drop over a year",
        "Σ (mark last year one grade lower − mark now) / linked students, exact", "Rosobrnadzor signs of non-objective ВПР results (DOMAIN.md)";
    /// Bonferroni-corrected p-value of heaping just above a mark boundary, against the rest
    /// of the region.
    HeapingPValue = "heaping_p_value", Number, Objectivity, "Скопление баллов у границы отметки: p-значение", "Heaping above a mark boundary: p-value",
        "min over boundaries of the exact binomial p (null share from the region without the group) × boundaries tested; 6 decimals",
        "Rosobrnadzor signs of non-objective results (DOMAIN.md); oko::stats::heaping_test_against_reference";
    /// Above/below ratio at the most significant boundary over the rest of the region's.
    HeapingRatio = "heaping_ratio", Number, Objectivity, "Скопление баллов у границы отметки: отношение", "Heaping above a mark boundary: ratio",
        "((above + ½)/(below + ½)) / ((ref above + ½)/(ref below + ½)) at the boundary of the p-value; 6 decimals",
        "Rosobrnadzor signs of non-objective results (DOMAIN.md)";
    /// The entity's ОГЭ and ЕГЭ completion rate in the procedure's subject and year.
    GiaCompletionRate = "gia_completion_rate", Percent, Objectivity, "Коэффициент выполнения ГИА по предмету", "ГИА completion rate in the subject",
        "Σ primary scores / Σ max scores × 100 over the ОГЭ and ЕГЭ of the same subject and academic year",
        "Rosobrnadzor: ВПР results not backed by ГИА (DOMAIN.md)";
}

/// Catalogue metadata of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IndicatorInfo {
    /// Identifier used in rules and output.
    pub id: &'static str,
    /// Unit of the value.
    pub unit: Unit,
    /// The data it is computed from.
    pub source: Source,
    /// Russian name.
    pub name_ru: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Formula.
    pub formula: &'static str,
    /// Regulation or source.
    pub reference: &'static str,
}

impl Indicator {
    /// Identifier used in rules and output.
    pub fn id(self) -> &'static str {
        self.info().id
    }
}

impl FromStr for Indicator {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Indicator::ALL
            .iter()
            .copied()
            .find(|i| i.id() == s)
            .ok_or(())
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A computed value with its sample size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorValue {
    /// The exact value; `None` when undefined (no data, or no scale for a threshold).
    pub value: Option<Decimal>,
    /// The sample size the value is computed from.
    pub n: u64,
    /// True when `n` is below the minimum sample: shown, but no conclusion is drawn.
    pub limited: bool,
}

/// Score thresholds of a scope, resolved from its scale or minimum scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Thresholds {
    /// Scores below this are "below the minimum".
    pub below_min: Option<Threshold>,
    /// Scores at or above this are "high".
    pub high: Option<Threshold>,
}

/// A threshold on primary or test scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// On primary scores.
    Primary(u16),
    /// On ЕГЭ test scores.
    Test(u16),
}

fn pct(k: u64, n: u64) -> Option<Decimal> {
    (n > 0).then(|| Decimal::from(k) * Decimal::ONE_HUNDRED / Decimal::from(n))
}

fn ratio(num: Decimal, n: u64) -> Option<Decimal> {
    (n > 0).then(|| num / Decimal::from(n))
}

/// Computes `ind` from a cell state. `max_score` is the procedure's maximum (scores only).
/// The comparative objectivity indicators (task gaps and inversion, heaping, ГИА completion)
/// need the region or other scopes and are `None` here: use
/// [`Aggregates::value`](crate::Aggregates::value).
///
/// ```
/// use oko::*;
/// // DOMAIN.md T1: n5=5, n4=10, n3=8, n2=2.
/// let mut s = CellState::default();
/// for (m, k) in [(5, 5), (4, 10), (3, 8), (2, 2)] {
///     for _ in 0..k { s.marks.add(MarkValue::Mark(Mark::new(m).unwrap())); }
/// }
/// let v = |i| compute(i, &s, 0, &Thresholds::default(), 10).value.unwrap().normalize().to_string();
/// assert_eq!(v(Indicator::PassRate), "92");
/// assert_eq!(v(Indicator::QualityRate), "60");
/// assert_eq!(v(Indicator::MeanMark), "3.72");
/// assert_eq!(v(Indicator::Sou), "58.4");
/// ```
pub fn compute(
    ind: Indicator,
    s: &CellState,
    max_score: u16,
    th: &Thresholds,
    min_sample: u64,
) -> IndicatorValue {
    let m = &s.marks;
    let n_marks = u64::from(m.n());
    let k = |i: u8| u64::from(m.mark(i));
    let scores = &s.scores;
    let n_scores = scores.n();
    let tests = &s.test_scores;
    let (n, value) = match ind {
        Indicator::Count => (n_marks, Some(Decimal::from(n_marks))),
        Indicator::PassRate => (n_marks, pct(k(5) + k(4) + k(3), n_marks)),
        Indicator::QualityRate => (n_marks, pct(k(5) + k(4), n_marks)),
        Indicator::Sou => {
            let w = 100 * k(5)
                + 64 * k(4)
                + 36 * k(3)
                + 16 * k(2)
                + 7 * (k(1) + u64::from(m.not_assessed()));
            (n_marks, ratio(Decimal::from(w), n_marks))
        }
        Indicator::MeanMark => {
            let graded = n_marks - u64::from(m.not_assessed());
            let sum: u64 = (1..=5).map(|i| u64::from(i) * k(i)).sum();
            (graded, ratio(Decimal::from(sum), graded))
        }
        Indicator::ShareMark5 => (n_marks, pct(k(5), n_marks)),
        Indicator::ShareMark4 => (n_marks, pct(k(4), n_marks)),
        Indicator::ShareMark3 => (n_marks, pct(k(3), n_marks)),
        Indicator::ShareMark2 => (n_marks, pct(k(2), n_marks)),
        Indicator::ShareMark1 => (n_marks, pct(k(1), n_marks)),
        Indicator::ShareNotAssessed => (n_marks, pct(u64::from(m.not_assessed()), n_marks)),
        Indicator::ScoreCount => (n_scores, Some(Decimal::from(n_scores))),
        Indicator::MeanScore => (n_scores, ratio(Decimal::from(scores.sum()), n_scores)),
        Indicator::MedianScore => (n_scores, median(scores)),
        Indicator::CompletionRate => {
            let denom = n_scores * u64::from(max_score);
            (n_scores, pct(scores.sum(), denom))
        }
        Indicator::ShareBelowMin => match th.below_min {
            Some(Threshold::Primary(t)) => (n_scores, pct(scores.below(t), n_scores)),
            Some(Threshold::Test(t)) => (tests.n(), pct(tests.below(t), tests.n())),
            None => (n_scores, None),
        },
        Indicator::ShareHigh => match th.high {
            Some(Threshold::Primary(t)) => (n_scores, pct(n_scores - scores.below(t), n_scores)),
            Some(Threshold::Test(t)) => (tests.n(), pct(tests.n() - tests.below(t), tests.n())),
            None => (n_scores, None),
        },
        Indicator::MeanTestScore => (tests.n(), ratio(Decimal::from(tests.sum()), tests.n())),
        Indicator::ShareWithoutAttestat => {
            let o = &s.outcomes;
            (
                u64::from(o.graduates),
                pct(u64::from(o.without_attestat), u64::from(o.graduates)),
            )
        }
        Indicator::ShareHonours => {
            let o = &s.outcomes;
            (
                u64::from(o.graduates),
                pct(u64::from(o.honours), u64::from(o.graduates)),
            )
        }
        Indicator::ShareOlympiadParticipants => {
            let o = &s.outcomes;
            (
                u64::from(o.students),
                pct(u64::from(o.olympiad_participants), u64::from(o.students)),
            )
        }
        Indicator::ShareOlympiadWinners => {
            let o = &s.outcomes;
            (
                u64::from(o.students),
                pct(u64::from(o.olympiad_winners), u64::from(o.students)),
            )
        }
        Indicator::ShareTeachersTrained => {
            let t = &s.staff;
            (
                u64::from(t.teachers),
                pct(u64::from(t.trained), u64::from(t.teachers)),
            )
        }
        Indicator::ParticipationRate => {
            let e = u64::from(s.enrolled);
            (e, pct(s.results(), e))
        }
        Indicator::ShareTeachersTrainedAssessment => {
            let t = &s.staff;
            (
                u64::from(t.teachers),
                pct(u64::from(t.trained_assessment), u64::from(t.teachers)),
            )
        }
        // Objectivity: from the cell alone; the comparative ones need `Aggregates::value`.
        Indicator::PairedCount
        | Indicator::ShareLowered
        | Indicator::ShareConfirmed
        | Indicator::ShareRaised
        | Indicator::ShareGap2Plus
        | Indicator::MeanGap
        | Indicator::Kappa
        | Indicator::KappaLinear
        | Indicator::KappaQuadratic
        | Indicator::Spearman
        | Indicator::ShareLoweredLow
        | Indicator::ShareLoweredHigh
        | Indicator::ShareRaisedLow
        | Indicator::ShareRaisedHigh
        | Indicator::ShareMark5Low
        | Indicator::EasyTaskGap
        | Indicator::HardTaskGap
        | Indicator::TaskInversion
        | Indicator::CohortDrop
        | Indicator::HeapingPValue
        | Indicator::HeapingRatio
        | Indicator::GiaCompletionRate => crate::objectivity::compute_alone(ind, s),
    };
    IndicatorValue {
        value,
        n,
        limited: n < min_sample,
    }
}

/// Exact median of a score histogram: the middle score, or the mean of the two middle
/// scores when n is even (so it may end in .5).
pub fn median(h: &ScoreHistogram) -> Option<Decimal> {
    let n = h.n();
    if n == 0 {
        return None;
    }
    let lo = h.nth((n - 1) / 2)?;
    let hi = h.nth(n / 2)?;
    Some((Decimal::from(lo) + Decimal::from(hi)) / Decimal::TWO)
}
