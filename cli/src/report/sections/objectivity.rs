//! Objectivity: the external mark against the journal mark, per school, as the federal
//! analytics draw it: 100% bars of «Понизили» (lowered: mark < journal mark),
//! «Подтвердили» (confirmed) and «Повысили» (raised), with counts and %.
//!
//! Built from the indicators `share_lowered`, `share_confirmed`, `share_raised` and
//! `paired_count`, looked up by id in the catalogue: when they are not there, or no scope
//! has paired marks, the section says so and draws nothing.

use super::Section;
use crate::report::html::{Td, esc, p, table};
use crate::report::svg::{StackRow, stacked_rows};
use crate::report::{Ctx, f, pct};
use oko::{Indicator, IndicatorValue, Level};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

const CLASSES: [&str; 3] = ["seg-lowered", "seg-confirmed", "seg-raised"];

/// The three shares and the pairs count, when the catalogue has them.
struct Ids {
    shares: [Indicator; 3],
    paired: Option<Indicator>,
}

fn ids() -> Option<Ids> {
    let get = |s: &str| s.parse::<Indicator>().ok();
    Some(Ids {
        shares: [
            get("share_lowered")?,
            get("share_confirmed")?,
            get("share_raised")?,
        ],
        paired: get("paired_count"),
    })
}

/// One row's numbers: shares, counts and the number of pairs.
struct Row {
    shares: [Decimal; 3],
    counts: [u64; 3],
    total: u64,
    limited: bool,
}

fn row(cx: &Ctx<'_>, ids: &Ids, level: Level, entity: u32, scope: u32) -> Option<Row> {
    let agg = &cx.ev.aggregates;
    let v: Vec<IndicatorValue> = ids
        .shares
        .iter()
        .map(|&i| agg.value(level, entity, scope, i))
        .collect::<Option<Vec<_>>>()?;
    let shares = [v[0].value?, v[1].value?, v[2].value?];
    let total = ids
        .paired
        .and_then(|i| agg.value(level, entity, scope, i))
        .and_then(|x| x.value)
        .and_then(|d| d.round().to_u64())
        .unwrap_or(v[0].n);
    let count = |s: Decimal| {
        (s * Decimal::from(total) / Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
            .to_u64()
            .unwrap_or(0)
    };
    Some(Row {
        shares,
        counts: shares.map(count),
        total,
        limited: v.iter().any(|x| x.limited),
    })
}

pub(crate) fn render(cx: &Ctx<'_>) -> Section {
    let title = cx
        .t(
            "Объективность: отметки ВПР и отметки по журналу",
            "Objectivity: external marks against journal marks",
        )
        .to_owned();
    let mut h = String::new();
    h.push_str(&p(
        "note",
        cx.t(
            "Сравнение отметки каждого участника за внешнюю процедуру с его отметкой по журналу, как в федеральной аналитике: «Понизили (Отметка < Отметка по журналу)», «Подтвердили (Отметка = Отметка по журналу)», «Повысили (Отметка > Отметка по журналу)». Число пар и доля; блёклые полосы — малая выборка.",
            "Each participant's external mark against their journal mark, as the federal analytics show it: lowered (mark < journal mark), confirmed (=), raised (>). Counts and shares; faded bars are limited samples.",
        ),
    ));
    let Some(ids) = ids() else {
        h.push_str(&p(
            "empty",
            cx.t(
                "Нет данных о парах отметок: в каталоге показателей этой версии нет долей «понизили / подтвердили / повысили» (share_lowered, share_confirmed, share_raised).",
                "No paired marks are available: this version's indicator catalogue has no lowered / confirmed / raised shares (share_lowered, share_confirmed, share_raised).",
            ),
        ));
        return ("objectivity", title, h);
    };
    let agg = &cx.ev.aggregates;
    let mut scopes: Vec<u32> = (0..agg.scopes().len() as u32)
        .filter(|&s| row(cx, &ids, Level::Region, 0, s).is_some_and(|r| r.total > 0))
        .collect();
    if scopes
        .iter()
        .any(|&s| cx.scope_year(s) == cx.latest_year && cx.latest_year.is_some())
    {
        scopes.retain(|&s| cx.scope_year(s) == cx.latest_year);
    }
    if scopes.is_empty() {
        h.push_str(&p(
            "empty",
            cx.t(
                "Нет данных о парах отметок: ни у одного участника внешней процедуры нет отметки по журналу за тот же предмет.",
                "No paired marks are available: no participant of an external procedure has a journal mark in the same subject.",
            ),
        ));
        return ("objectivity", title, h);
    }
    h.push_str(&format!(
        "<p class=\"legend\"><i class=\"seg-lowered\"></i>{}<i class=\"seg-confirmed\"></i>{}<i class=\"seg-raised\"></i>{}</p>",
        esc(cx.t("Понизили", "Lowered")),
        esc(cx.t("Подтвердили", "Confirmed")),
        esc(cx.t("Повысили", "Raised"))
    ));
    if cx.many_schools() {
        h.push_str(&p(
            "note",
            &format!(
                "{} {}.",
                cx.t(
                    "Школ больше, чем помещается на графике, поэтому показаны регион и муниципалитеты; по школам — oko evaluate --format csv --what indicators, школ:",
                    "There are more schools than a chart can hold, so the region and the municipalities are shown; per school: oko evaluate --format csv --what indicators; schools:",
                ),
                cx.ds.schools().len()
            ),
        ));
    }
    for scope in scopes {
        let scope_title = cx.scope_title(scope);
        h.push_str(&format!(
            "<figure><figcaption>{}</figcaption>",
            esc(&scope_title)
        ));
        // The federal table for the region.
        if let Some(r) = row(cx, &ids, Level::Region, 0, scope) {
            let names = [
                cx.t(
                    "Понизили (Отметка < Отметка по журналу)",
                    "Lowered (mark < journal mark)",
                ),
                cx.t(
                    "Подтвердили (Отметка = Отметка по журналу)",
                    "Confirmed (mark = journal mark)",
                ),
                cx.t(
                    "Повысили (Отметка > Отметка по журналу)",
                    "Raised (mark > journal mark)",
                ),
            ];
            let mut rows: Vec<Vec<Td>> = (0..3)
                .map(|k| {
                    vec![
                        Td::text(names[k]),
                        Td::num(&r.counts[k].to_string()),
                        Td::num(&pct(r.shares[k])),
                    ]
                })
                .collect();
            rows.push(vec![
                Td::html(format!("<b>{}</b>", esc(cx.t("Всего", "Total")))),
                Td::num(&r.total.to_string()),
                Td::num("100%"),
            ]);
            h.push_str(&table(
                "federal",
                &[
                    (
                        cx.t(
                            "Группы участников (регион)",
                            "Groups of participants (region)",
                        ),
                        false,
                    ),
                    (cx.t("Кол-во участников", "Participants"), true),
                    ("%", true),
                ],
                &rows,
            ));
        }
        let mut rows = Vec::new();
        let push = |rows: &mut Vec<StackRow>, label: String, head: bool, r: Row| {
            let texts: Vec<String> = (0..3)
                .map(|k| format!("{} ({})", r.counts[k], pct(r.shares[k])))
                .collect();
            let tip = format!(
                "{label}: {} {}, {} {}, {} {}; N = {}{}",
                cx.t("понизили", "lowered"),
                texts[0],
                cx.t("подтвердили", "confirmed"),
                texts[1],
                cx.t("повысили", "raised"),
                texts[2],
                r.total,
                if r.limited {
                    cx.t(" (малая выборка)", " (limited sample)")
                } else {
                    ""
                }
            );
            rows.push(StackRow {
                label,
                head,
                shares: r.shares.iter().map(|d| f(*d)).collect(),
                texts,
                total: format!(
                    "N = {}{}",
                    super::summary::thousands(r.total),
                    if r.limited { " ~" } else { "" }
                ),
                muted: r.limited,
                tip,
            });
        };
        if let Some(r) = row(cx, &ids, Level::Region, 0, scope) {
            push(&mut rows, cx.t("Регион", "Region").to_owned(), true, r);
        }
        for (m, muni) in cx.ds.municipalities().iter().enumerate() {
            if let Some(r) = row(cx, &ids, Level::Municipality, m as u32, scope) {
                push(&mut rows, muni.name.clone(), true, r);
            }
            if cx.many_schools() {
                continue;
            }
            for (s, school) in cx
                .ds
                .schools()
                .iter()
                .enumerate()
                .filter(|(_, s)| s.municipality as usize == m)
            {
                if let Some(r) = row(cx, &ids, Level::School, s as u32, scope) {
                    push(&mut rows, school.name.clone(), false, r);
                }
            }
        }
        h.push_str(&stacked_rows(&rows, &CLASSES, &scope_title));
        h.push_str("</figure>");
    }
    ("objectivity", title, h)
}
