//! Results × social context: one point per school, x a context measure, y the mean gap of
//! its completion rates to its municipality's (percentage points, external procedures of
//! the latest year, limited samples left out), lines at the medians, and the four
//! quadrants; resilient schools (unfavourable context, results above the median) listed.
//!
//! The context measure is, in order of preference: a `social_index` value that a ruleset
//! computes for schools (a derived value in the evidence of school labels or findings), a
//! `social_index` context field of the schools, or the share of low-income families
//! (`low_income`). A social-welfare index is higher where the context is favourable; the
//! low-income share is higher where it is not.

use super::Section;
use crate::report::html::{Td, esc, p, table};
use crate::report::svg::{Point, ScatterText, clip, scatter};
use crate::report::{Ctx, f};
use crate::text;
use oko::rules::EvidenceValue;
use oko::{Indicator, Level};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Where the context measure comes from.
enum Measure {
    /// From the rules' evidence, per school id.
    Derived(HashMap<String, Decimal>),
    /// A context field of the schools (index into the fields).
    Field(usize),
}

fn median(v: &mut [Decimal]) -> Option<Decimal> {
    if v.is_empty() {
        return None;
    }
    v.sort();
    let k = v.len();
    Some(if k % 2 == 1 {
        v[k / 2]
    } else {
        (v[k / 2 - 1] + v[k / 2]) / Decimal::TWO
    })
}

pub(crate) fn render(cx: &Ctx<'_>) -> Section {
    let title = cx
        .t(
            "Результаты и социальный контекст",
            "Results and social context",
        )
        .to_owned();
    let mut h = String::new();
    let report = &cx.ev.report;
    let ds = cx.ds;

    // The context measure.
    let mut derived: HashMap<String, Decimal> = HashMap::new();
    for (entity, evidence) in report
        .labels
        .iter()
        .map(|l| (&l.entity, &l.evidence))
        .chain(report.findings.iter().map(|f| (&f.entity, &f.evidence)))
    {
        if entity.level != Level::School {
            continue;
        }
        if let Some(EvidenceValue::Decimal(d)) = evidence
            .iter()
            .find(|e| e.name == "social_index" || e.name == "context.social_index")
            .map(|e| &e.value)
        {
            derived.entry(entity.id.clone()).or_insert(*d);
        }
    }
    let field = |name: &str| ds.context_fields().iter().position(|f| f == name);
    let (measure, favourable_high, x_name) = if !derived.is_empty() {
        (
            Measure::Derived(derived),
            true,
            cx.t(
                "индекс социального благополучия (social_index, из правил)",
                "social-welfare index (social_index, from the rules)",
            ),
        )
    } else if let Some(i) = field("social_index") {
        (
            Measure::Field(i),
            true,
            cx.t(
                "индекс социального благополучия (social_index)",
                "social-welfare index (social_index)",
            ),
        )
    } else if let Some(i) = field("low_income") {
        (
            Measure::Field(i),
            false,
            cx.t(
                "доля семей с низким доходом, % (low_income)",
                "share of low-income families, % (low_income)",
            ),
        )
    } else {
        h.push_str(&p(
            "empty",
            cx.t(
                "Нет данных о социальном контексте школ: ни индекса social_index, ни поля low_income.",
                "No data on the schools' social context: neither a social_index nor a low_income field.",
            ),
        ));
        return ("context", title, h);
    };

    // Per school: (x, y).
    let agg = &cx.ev.aggregates;
    let scopes = cx.latest_procedures();
    let mut schools = Vec::new();
    for (s, school) in ds.schools().iter().enumerate() {
        let x = match &measure {
            Measure::Derived(m) => m.get(&school.id).copied(),
            Measure::Field(i) => school.context.get(*i).copied().flatten(),
        };
        let Some(x) = x else { continue };
        let mut gaps = Vec::new();
        for (scope, _) in &scopes {
            let v = agg.value(Level::School, s as u32, *scope, Indicator::CompletionRate);
            let r = agg.value(
                Level::Municipality,
                school.municipality,
                *scope,
                Indicator::CompletionRate,
            );
            if let (Some(v), Some(r)) = (v, r)
                && !v.limited
                && let (Some(a), Some(b)) = (v.value, r.value)
            {
                gaps.push(a - b);
            }
        }
        if gaps.is_empty() {
            continue;
        }
        let y = gaps.iter().copied().sum::<Decimal>() / Decimal::from(gaps.len());
        schools.push((s, x, y, gaps.len()));
    }
    let (Some(mx), Some(my)) = (
        median(&mut schools.iter().map(|t| t.1).collect::<Vec<_>>()),
        median(&mut schools.iter().map(|t| t.2).collect::<Vec<_>>()),
    ) else {
        h.push_str(&p(
            "empty",
            cx.t(
                "Нет школ, у которых есть и контекст, и результаты внешних процедур последнего года.",
                "No school has both a context value and results of the latest year's external procedures.",
            ),
        ));
        return ("context", title, h);
    };
    let unfavourable = |x: Decimal| if favourable_high { x < mx } else { x > mx };
    let good = |y: Decimal| y > my;

    h.push_str(&p(
        "note",
        &format!(
            "{} {}: {x_name}. {} {}",
            cx.t("Точка — школа.", "A point is a school."),
            cx.t("По горизонтали", "Horizontally"),
            cx.t(
                "По вертикали: средняя разность коэффициента выполнения школы и муниципалитета по внешним процедурам последнего года, п.п. (малые выборки не учитываются). Линии — медианы. Резильентные школы — неблагоприятный контекст и результаты выше медианы.",
                "Vertically: the mean difference between the school's and the municipality's completion rates over the latest year's external procedures, in percentage points (limited samples left out). Lines: the medians. Resilient schools: unfavourable context and results above the median.",
            ),
            format_args!(
                "{} {}, {} {} {}.",
                cx.t("Медианы:", "Medians:"),
                text::round_fixed(mx, 1),
                text::round_fixed(my, 1),
                cx.t("п.п.; школ:", "pp; schools:"),
                schools.len()
            )
        ),
    ));
    h.push_str(&format!(
        "<p class=\"legend\"><i class=\"pt-res\"></i>{}<i class=\"pt-low\"></i>{}<i class=\"pt\"></i>{}</p>",
        esc(cx.t("резильентная", "resilient")),
        esc(cx.t("низкие результаты, неблагоприятный контекст", "low results, unfavourable context")),
        esc(cx.t("другие", "others")),
    ));
    // Every point is labelled in a district; in a region, only the most resilient schools.
    let label_points = schools.len() <= 80;
    let mut resilient_ys: Vec<Decimal> = schools
        .iter()
        .filter(|t| unfavourable(t.1) && good(t.2))
        .map(|t| t.2)
        .collect();
    resilient_ys.sort_by(|a, b| b.cmp(a));
    let label_from = resilient_ys.get(7).copied();
    let points: Vec<Point> = schools
        .iter()
        .map(|&(s, x, y, k)| {
            let school = &ds.schools()[s];
            let class = match (unfavourable(x), good(y)) {
                (true, true) => "pt-res",
                (true, false) => "pt-low",
                _ => "pt",
            };
            Point {
                x: f(x),
                y: f(y),
                label: if label_points || (class == "pt-res" && label_from.is_none_or(|m| y >= m)) {
                    clip(&school.name, 16)
                } else {
                    String::new()
                },
                class,
                tip: format!(
                    "{} ({}): x = {}, y = {} {} ({} {k})",
                    school.name,
                    school.id,
                    text::round_fixed(x, 1),
                    signed(y),
                    cx.t("п.п.", "pp"),
                    cx.t("процедур:", "procedures:")
                ),
            }
        })
        .collect();
    let q = [
        cx.t(
            "высокие результаты, благоприятный контекст",
            "good results, favourable context",
        ),
        cx.t(
            "резильентные: высокие результаты, неблагоприятный контекст",
            "resilient: good results, unfavourable context",
        ),
        cx.t(
            "низкие результаты, благоприятный контекст",
            "low results, favourable context",
        ),
        cx.t(
            "низкие результаты, неблагоприятный контекст",
            "low results, unfavourable context",
        ),
    ];
    // Quadrants top-left, top-right, bottom-left, bottom-right.
    let (quadrants, shade) = if favourable_high {
        (
            [q[1], q[0], q[3], q[2]].map(str::to_owned),
            ["quad-bg", "", "quad-bad", ""],
        )
    } else {
        (
            [q[0], q[1], q[2], q[3]].map(str::to_owned),
            ["", "quad-bg", "", "quad-bad"],
        )
    };
    let st = ScatterText {
        x: x_name.to_owned(),
        y: cx
            .t(
                "разность с муниципалитетом, п.п.",
                "gap to the municipality, pp",
            )
            .to_owned(),
        quadrants,
        shade,
    };
    h.push_str(&format!(
        "<figure>{}</figure>",
        scatter(&points, f(mx), f(my), &st, &title)
    ));

    for (class_title, want_good) in [
        (cx.t("Резильентные школы", "Resilient schools"), true),
        (
            cx.t(
                "Низкие результаты в неблагоприятном контексте",
                "Low results in an unfavourable context",
            ),
            false,
        ),
    ] {
        let mut list: Vec<_> = schools
            .iter()
            .filter(|t| unfavourable(t.1) && good(t.2) == want_good)
            .collect();
        list.sort_by_key(|t| std::cmp::Reverse(t.2));
        if !want_good {
            list.reverse();
        }
        h.push_str(&format!("<h3>{} ({})</h3>", esc(class_title), list.len()));
        if list.is_empty() {
            h.push_str(&p("empty", cx.t("Нет.", "None.")));
            continue;
        }
        let shown = 100;
        let rows: Vec<Vec<Td>> = list
            .iter()
            .take(shown)
            .map(|&&(s, x, y, k)| {
                let school = &ds.schools()[s];
                vec![
                    Td::text(&school.id).with_class("code"),
                    Td::text(&school.name),
                    Td::text(&ds.municipalities()[school.municipality as usize].name),
                    Td::num(&text::round_fixed(x, 1)),
                    Td::num(&signed(y)),
                    Td::num(&k.to_string()),
                ]
            })
            .collect();
        h.push_str(&table(
            "quadrant",
            &[
                ("id", false),
                (cx.t("школа", "school"), false),
                (cx.t("муниципалитет", "municipality"), false),
                (cx.t("контекст", "context"), true),
                (cx.t("разность, п.п.", "gap, pp"), true),
                (cx.t("процедур", "procedures"), true),
            ],
            &rows,
        ));
        if list.len() > shown {
            h.push_str(&p(
                "note",
                &format!(
                    "{} {shown} {} {}.",
                    cx.t("Показаны первые", "Shown: the first"),
                    cx.t("из", "of"),
                    list.len()
                ),
            ));
        }
    }
    ("context", title, h)
}

/// A difference with its sign: `+7.2`, `−6.1` (a true minus sign), `0.0`.
fn signed(d: Decimal) -> String {
    let s = text::round_fixed(d.abs(), 1);
    if s.trim_start_matches(['0', '.']).is_empty() {
        s
    } else if d.is_sign_negative() {
        format!("−{s}")
    } else {
        format!("+{s}")
    }
}
