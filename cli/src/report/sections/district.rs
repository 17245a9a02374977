//! Each school against its municipality: the completion rate of every external procedure
//! of the latest year, one bar per school, grouped by municipality, with a solid line at
//! the municipality's value and a dashed line at the threshold `municipality × (1 − gap)`,
//! the gap being the ruleset parameter `relative_gap` (seed 001: 15%) when one is loaded.
//! Red bars are at or below the threshold (relative gap ≥ the parameter, exact
//! comparison); grey ones are limited samples. With many schools, municipalities are drawn
//! against the region instead.

use super::Section;
use crate::report::html::{esc, p};
use crate::report::svg::{Bar, BarGroup, hbar_groups};
use crate::report::{Ctx, f, pct};
use crate::text;
use oko::{Indicator, IndicatorValue, Level};
use rust_decimal::Decimal;

pub(crate) fn render(cx: &Ctx<'_>) -> Section {
    let title = cx
        .t(
            "Школы на фоне муниципалитета",
            "Schools against their municipality",
        )
        .to_owned();
    let mut h = String::new();
    let gap = cx.percent_param("relative_gap");
    let ind = Indicator::CompletionRate;
    let name = match cx.lang {
        text::Lang::Ru => ind.info().name_ru,
        text::Lang::En => ind.info().name_en,
    };
    match &gap {
        Some((g, ruleset)) => h.push_str(&p(
            "note",
            &format!(
                "{name}, %. {} {}% ({} relative_gap, {ruleset}): {}",
                cx.t("Порог", "Threshold"),
                text::round_normalized(*g, 2),
                cx.t("параметр", "parameter"),
                cx.t(
                    "школа отмечается, если её значение ниже значения муниципалитета на эту долю и более — (муниципалитет − школа) / муниципалитет ≥ порога.",
                    "a school is marked when its value is this share or more below the municipality's: (municipality − school) / municipality ≥ the threshold.",
                )
            ),
        )),
        None => h.push_str(&p(
            "note",
            &format!(
                "{name}, %. {}",
                cx.t(
                    "Ни один загруженный набор правил не задаёт параметр relative_gap, поэтому линия порога не проводится.",
                    "No loaded ruleset sets the parameter relative_gap, so no threshold line is drawn.",
                )
            ),
        )),
    }
    h.push_str(&format!(
        "<p class=\"legend\"><i class=\"bar\"></i>{}<i class=\"bar-low\"></i>{}<i class=\"bar-lim\"></i>{}<i class=\"line\"></i>{}<i class=\"dash\"></i>{}</p>",
        esc(if cx.many_schools() { cx.t("муниципалитет", "municipality") } else { cx.t("школа", "school") }),
        esc(cx.t("на пороге или ниже", "at or below the threshold")),
        esc(cx.t("малая выборка (n < 10)", "limited sample (n < 10)")),
        esc(if cx.many_schools() { cx.t("регион", "region") } else { cx.t("муниципалитет", "municipality") }),
        esc(cx.t("порог", "threshold")),
    ));
    let scopes = cx.latest_procedures();
    if scopes.is_empty() {
        h.push_str(&p(
            "empty",
            cx.t(
                "Нет результатов внешних процедур.",
                "No results of external procedures.",
            ),
        ));
        return ("district", title, h);
    }
    if cx.many_schools() {
        h.push_str(&p(
            "note",
            &format!(
                "{} {}.",
                cx.t(
                    "Школ больше, чем помещается на графике, поэтому муниципалитеты показаны на фоне региона; отмеченные школы — в разделе 2. Школ:",
                    "There are more schools than a chart can hold, so municipalities are shown against the region; flagged schools are listed in section 2. Schools:",
                ),
                cx.ds.schools().len()
            ),
        ));
    }
    let agg = &cx.ev.aggregates;
    let threshold = |r: Decimal| {
        gap.as_ref()
            .map(|(g, _)| r * (Decimal::ONE - *g / Decimal::ONE_HUNDRED))
    };
    let bar = |label: String, v: IndicatorValue, reference: Option<Decimal>| -> Option<Bar> {
        let x = v.value?;
        let low = match (reference, &gap) {
            (Some(r), Some((g, _))) if r > Decimal::ZERO => {
                (r - x) / r * Decimal::ONE_HUNDRED >= *g
            }
            _ => false,
        };
        let class = if v.limited {
            "bar-lim"
        } else if low {
            "bar-low"
        } else {
            "bar"
        };
        let mut text = pct(x);
        if v.limited {
            text.push_str(" ~");
        }
        let tip = format!(
            "{label}: {} (n = {}){}",
            pct(x),
            v.n,
            if v.limited {
                cx.t(", малая выборка", ", limited sample")
            } else {
                ""
            }
        );
        Some(Bar {
            label,
            value: f(x),
            text,
            class,
            tip,
        })
    };
    for (scope, _) in &scopes {
        let scope = *scope;
        let mut groups = Vec::new();
        let group_title = |name: &str, r: Option<Decimal>| {
            let mut t = name.to_owned();
            if let Some(r) = r {
                t.push_str(&format!(": {}", pct(r)));
                if let Some(th) = threshold(r) {
                    t.push_str(&format!(" · {} {}", cx.t("порог", "threshold"), pct(th)));
                }
            }
            t
        };
        if cx.many_schools() {
            let r = agg
                .value(Level::Region, 0, scope, ind)
                .and_then(|v| v.value);
            let bars = cx
                .ds
                .municipalities()
                .iter()
                .enumerate()
                .filter_map(|(m, muni)| {
                    bar(
                        muni.name.clone(),
                        agg.value(Level::Municipality, m as u32, scope, ind)?,
                        r,
                    )
                })
                .collect();
            groups.push(BarGroup {
                title: group_title(cx.t("Регион", "Region"), r),
                reference: r.map(f),
                threshold: r.and_then(threshold).map(f),
                bars,
            });
        } else {
            for (m, muni) in cx.ds.municipalities().iter().enumerate() {
                let r = agg
                    .value(Level::Municipality, m as u32, scope, ind)
                    .and_then(|v| v.value);
                let bars: Vec<Bar> = cx
                    .ds
                    .schools()
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.municipality as usize == m)
                    .filter_map(|(s, school)| {
                        bar(
                            school.name.clone(),
                            agg.value(Level::School, s as u32, scope, ind)?,
                            r,
                        )
                    })
                    .collect();
                if bars.is_empty() {
                    continue;
                }
                groups.push(BarGroup {
                    title: group_title(&format!("{} ({})", muni.name, muni.id), r),
                    reference: r.map(f),
                    threshold: r.and_then(threshold).map(f),
                    bars,
                });
            }
        }
        if groups.iter().all(|g| g.bars.is_empty()) {
            continue;
        }
        let scope_title = cx.scope_title(scope);
        h.push_str(&format!(
            "<figure><figcaption>{}</figcaption>{}</figure>",
            esc(&scope_title),
            hbar_groups(&groups, 100.0, "%", &format!("{scope_title}: {name}"))
        ));
    }
    ("district", title, h)
}
