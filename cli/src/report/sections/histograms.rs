//! Score distributions of the region: for each procedure of the latest year, the histogram
//! of primary scores with dashed lines at the lowest score of each mark band of its scale
//! (heaping just above a boundary is one of the known signs of non-objective marking).

use super::Section;
use crate::report::html::{esc, p};
use crate::report::svg::histogram;
use crate::report::{Ctx, pct};
use crate::text;
use oko::{Indicator, Level};

pub(crate) fn render(cx: &Ctx<'_>) -> Section {
    let title = cx
        .t(
            "Распределение первичных баллов и границы отметок",
            "Primary score distributions and mark boundaries",
        )
        .to_owned();
    let mut h = String::new();
    h.push_str(&p(
        "note",
        cx.t(
            "Регион целиком. Пунктир — наименьший балл отметки по шкале перевода; скопление результатов сразу за границей — один из признаков необъективности.",
            "The whole region. Dashed lines: the lowest score of each mark on the conversion scale; results heaped just above a boundary are one of the signs of non-objective marking.",
        ),
    ));
    let agg = &cx.ev.aggregates;
    let mut any = false;
    for (scope, proc) in cx.latest_procedures() {
        let Some(state) = agg.state(Level::Region, 0, scope) else {
            continue;
        };
        let hist = &state.scores;
        if hist.n() == 0 {
            continue;
        }
        any = true;
        let mut counts = hist.counts().to_vec();
        let len = (usize::from(proc.max_score) + 1).max(counts.len());
        counts.resize(len, 0);
        let scale = proc
            .scale
            .as_deref()
            .and_then(|id| cx.rules.scales().get(id));
        let mut bounds = Vec::new();
        if let Some(s) = scale {
            let mut bands: Vec<_> = s.bands().iter().collect();
            bands.sort_by_key(|b| b.min);
            for b in bands.into_iter().filter(|b| b.min > 0) {
                bounds.push((b.min, format!("«{}» ≥ {}", b.mark.get(), b.min)));
            }
        }
        let scope_title = cx.scope_title(scope);
        let mut facts = vec![format!("N = {}", super::summary::thousands(hist.n()))];
        for ind in [
            Indicator::MedianScore,
            Indicator::MeanScore,
            Indicator::CompletionRate,
        ] {
            if let Some(v) = agg
                .value(Level::Region, 0, scope, ind)
                .and_then(|v| v.value)
            {
                let name = match cx.lang {
                    text::Lang::Ru => ind.info().name_ru,
                    text::Lang::En => ind.info().name_en,
                };
                let shown = if ind == Indicator::CompletionRate {
                    pct(v)
                } else {
                    text::round_fixed(v, 1)
                };
                facts.push(format!("{} {shown}", name.to_lowercase()));
            }
        }
        h.push_str(&format!(
            "<figure><figcaption>{}</figcaption><p class=\"legend\">{}</p>",
            esc(&scope_title),
            esc(&facts.join(" · "))
        ));
        h.push_str(&histogram(
            &counts,
            &bounds,
            &format!(
                "{} (0–{})",
                cx.t("первичный балл", "primary score"),
                proc.max_score
            ),
            &scope_title,
        ));
        match scale {
            None => h.push_str(&p(
                "note",
                cx.t(
                    "Для этой процедуры нет шкалы перевода в загруженных правилах: границы отметок не показаны.",
                    "The loaded rules have no conversion scale for this procedure: no mark boundaries shown.",
                ),
            )),
            Some(s) if !s.conditions().is_empty() => {
                let conds: Vec<String> = s
                    .conditions()
                    .iter()
                    .map(|c| {
                        format!(
                            "«{}»+: ≥ {} {} «{}»",
                            c.from_mark.get(),
                            c.min_points,
                            cx.t("балла в группе заданий", "points in task group"),
                            c.group
                        )
                    })
                    .collect();
                h.push_str(&p(
                    "note",
                    &format!(
                        "{}: {}",
                        cx.t(
                            "Кроме границ, шкала требует",
                            "Besides the boundaries, the scale requires"
                        ),
                        conds.join("; ")
                    ),
                ));
            }
            Some(_) => {}
        }
        h.push_str("</figure>");
    }
    if !any {
        h.push_str(&p(
            "empty",
            cx.t(
                "Нет первичных баллов за последний учебный год.",
                "No primary scores in the latest academic year.",
            ),
        ));
    }
    ("histograms", title, h)
}
