//! Plain-text tables for the terminal.

use oko::{Aggregates, Dataset, Indicator, Level, Scope};
use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds half away from zero for presentation (comparisons use exact values).
pub fn fmt_dp(d: Decimal, dp: u32) -> String {
    format!(
        "{:.*}",
        dp as usize,
        d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
    )
}

/// Pads or truncates to `w` characters (by chars, not bytes: names are Cyrillic).
pub fn cell(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.chars().take(w).collect()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

/// Right-aligned cell.
pub fn rcell(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_owned()
    } else {
        format!("{}{s}", " ".repeat(w - n))
    }
}

/// Per-school completion rates of the external procedures of the latest year against the
/// municipality, one table per municipality; `*` marks a value 15% or more below the
/// municipality (relative), `~` a limited sample.
pub fn completion_table(ds: &Dataset, agg: &Aggregates) -> String {
    let latest = ds.procedures().iter().map(|p| p.year).max();
    let scopes: Vec<(u32, &oko::Procedure)> = agg
        .scopes()
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match *s {
            Scope::Procedure { procedure } => {
                let p = &ds.procedures()[procedure as usize];
                (Some(p.year) == latest
                    && matches!(
                        p.kind,
                        oko::ProcedureKind::Vpr | oko::ProcedureKind::Oge | oko::ProcedureKind::Ege
                    ))
                .then_some((i as u32, p))
            }
            _ => None,
        })
        .collect();
    let mut out = String::new();
    let head: Vec<String> = scopes
        .iter()
        .map(|(_, p)| {
            rcell(
                &format!(
                    "{}{}{}",
                    p.kind.as_str(),
                    &p.subject[..1.min(p.subject.len())],
                    p.grade
                ),
                7,
            )
        })
        .collect();
    let threshold = Decimal::new(15, 2);
    for (m, muni) in ds.municipalities().iter().enumerate() {
        out.push_str(&format!("\n{} ({})\n", muni.name, muni.id));
        out.push_str(&format!("{} {}\n", cell("school", 26), head.join(" ")));
        for (s, school) in ds
            .schools()
            .iter()
            .enumerate()
            .filter(|(_, s)| s.municipality as usize == m)
        {
            let cells: Vec<String> = scopes
                .iter()
                .map(|&(scope, _)| {
                    let v = agg.value(Level::School, s as u32, scope, Indicator::CompletionRate);
                    let r = agg.value(
                        Level::Municipality,
                        m as u32,
                        scope,
                        Indicator::CompletionRate,
                    );
                    match (v, r) {
                        (Some(v), Some(r)) => match (v.value, r.value) {
                            (Some(x), Some(rv)) => {
                                let low = rv > Decimal::ZERO && (rv - x) / rv >= threshold;
                                let mark = if v.limited {
                                    "~"
                                } else if low {
                                    "*"
                                } else {
                                    " "
                                };
                                rcell(&format!("{}{mark}", fmt_dp(x, 1)), 7)
                            }
                            _ => rcell("-", 7),
                        },
                        _ => rcell("", 7),
                    }
                })
                .collect();
            out.push_str(&format!("{} {}\n", cell(&school.name, 26), cells.join(" ")));
        }
        let cells: Vec<String> = scopes
            .iter()
            .map(|&(scope, _)| {
                agg.value(
                    Level::Municipality,
                    m as u32,
                    scope,
                    Indicator::CompletionRate,
                )
                .and_then(|v| v.value)
                .map(|x| rcell(&format!("{} ", fmt_dp(x, 1)), 7))
                .unwrap_or_else(|| rcell("", 7))
            })
            .collect();
        out.push_str(&format!(
            "{} {}\n",
            cell("= municipality", 26),
            cells.join(" ")
        ));
    }
    out
}

/// Per-school labels with the findings behind them, in Russian or English.
pub fn findings_table(report: &oko::rules::Report, en: bool) -> String {
    let mut out = String::new();
    for rs in &report.rulesets {
        let labels: Vec<&oko::rules::Label> = report
            .labels
            .iter()
            .filter(|l| l.ruleset == rs.id)
            .collect();
        let findings: Vec<&oko::rules::Finding> = report
            .findings
            .iter()
            .filter(|f| f.ruleset == rs.id)
            .collect();
        if labels.is_empty() && findings.is_empty() {
            continue;
        }
        let title = if en { &rs.title.en } else { &rs.title.ru };
        let clause = rs
            .source
            .clause
            .as_deref()
            .map(|c| format!(", cl. {c}"))
            .unwrap_or_default();
        out.push_str(&format!("\n{title} ({}{clause})\n", rs.id));
        for l in &labels {
            let t = if en { &l.title.en } else { &l.title.ru };
            let n = findings
                .iter()
                .filter(|f| f.entity.id == l.entity.id)
                .count();
            out.push_str(&format!(
                "  {} {} — {t}: {n} finding(s)\n",
                cell(&l.entity.id, 6),
                l.entity.name
            ));
            for f in findings.iter().filter(|f| f.entity.id == l.entity.id) {
                out.push_str(&format!(
                    "      · {}\n",
                    if en { &f.message.en } else { &f.message.ru }
                ));
            }
        }
        let unlabelled: Vec<&&oko::rules::Finding> = findings
            .iter()
            .filter(|f| !labels.iter().any(|l| l.entity.id == f.entity.id))
            .collect();
        // Findings of classes and grades are summed up per school; the JSON report has them.
        let mut below: std::collections::BTreeMap<&str, (usize, Vec<&str>)> = Default::default();
        for f in unlabelled {
            match (f.entity.level, f.entity.school.as_deref()) {
                (Level::Class | Level::Grade, Some(school)) => {
                    let e = below.entry(school).or_default();
                    e.0 += 1;
                    let name = f.entity.name.split(',').next().unwrap_or("");
                    if !e.1.contains(&name) {
                        e.1.push(name);
                    }
                }
                _ => out.push_str(&format!(
                    "  {} {} · {}\n",
                    cell(&f.entity.id, 6),
                    f.entity.name,
                    if en { &f.message.en } else { &f.message.ru }
                )),
            }
        }
        for (school, (n, classes)) in below {
            out.push_str(&format!(
                "  {} {n} finding(s) in classes {}\n",
                cell(school, 6),
                classes.join(", ")
            ));
        }
        let undetermined = report
            .undetermined
            .iter()
            .filter(|u| u.ruleset == rs.id)
            .count();
        if undetermined > 0 {
            out.push_str(&format!("  ({undetermined} undetermined: limited samples or missing data, no conclusion drawn)\n"));
        }
    }
    out
}

/// The federal «Группы участников» table (lowered / confirmed / raised against the journal
/// mark) of one ВПР of the latest year: the region in the federal layout, then each school's
/// count and three shares. `*` marks a school with a sign of non-objective results in that
/// procedure (category `objectivity`), `~` a limited sample. Percentages are rounded half
/// away from zero to 2 places; the counts are exact.
pub fn objectivity_table(
    ds: &Dataset,
    agg: &Aggregates,
    report: &oko::rules::Report,
    en: bool,
) -> String {
    let latest = ds.procedures().iter().map(|p| p.year).max();
    let paired = |scope: u32| {
        agg.value(Level::Region, 0, scope, Indicator::PairedCount)
            .is_some_and(|v| v.n > 0)
    };
    let Some(scope) = agg.scopes().iter().enumerate().find_map(|(i, s)| {
        let Scope::Procedure { procedure } = *s else {
            return None;
        };
        let p = &ds.procedures()[procedure as usize];
        (p.kind == oko::ProcedureKind::Vpr && Some(p.year) == latest && paired(i as u32))
            .then_some(i as u32)
    }) else {
        return String::new();
    };
    let label = agg.scopes()[scope as usize].label(ds);
    let mut out = String::new();
    if en {
        out.push_str(&format!(
            "\nObjectivity: {label}, the ВПР mark against the journal mark (federal layout)\n"
        ));
    } else {
        out.push_str(&format!(
            "\nОбъективность: {label}, отметка ВПР против отметки по журналу\n"
        ));
    }
    if let Some(t) = agg
        .state(Level::Region, 0, scope)
        .and_then(|s| s.objectivity.as_deref())
        .map(|o| &o.table)
    {
        let total = t.total();
        let pct = |k: u64| {
            oko::stats::Share::new(k, total)
                .percent_rounded(2)
                .map_or_else(|| "-".to_owned(), |d| fmt_dp(d, 2))
        };
        out.push_str(&format!(
            "{} {} {}\n",
            cell("Группы участников", 44),
            rcell("Кол-во участников", 18),
            rcell("%", 8)
        ));
        for (name, k) in [
            ("Понизили (Отметка < Отметка по журналу)", t.lowered()),
            ("Подтвердили (Отметка = Отметка по журналу)", t.confirmed()),
            ("Повысили (Отметка > Отметка по журналу)", t.raised()),
            ("Всего", total),
        ] {
            out.push_str(&format!(
                "{} {} {}\n",
                cell(name, 44),
                rcell(&k.to_string(), 18),
                rcell(&pct(k), 8)
            ));
        }
    }
    let signs: std::collections::BTreeSet<&str> = report
        .findings
        .iter()
        .filter(|f| {
            f.category == "objectivity"
                && f.entity.level == Level::School
                && f.scope.as_deref() == Some(label.as_str())
        })
        .map(|f| f.entity.id.as_str())
        .collect();
    out.push_str(&format!(
        "\n{} {} {} {} {}\n",
        cell(if en { "school (ОО)" } else { "ОО" }, 26),
        rcell(if en { "N" } else { "Кол-во" }, 7),
        rcell(
            if en {
                "Lowered %"
            } else {
                "Понизили, %"
            },
            12
        ),
        rcell(
            if en {
                "Confirmed %"
            } else {
                "Подтвердили, %"
            },
            15
        ),
        rcell(
            if en {
                "Raised %"
            } else {
                "Повысили, %"
            },
            12
        ),
    ));
    for (s, school) in ds.schools().iter().enumerate() {
        let v = |i| agg.value(Level::School, s as u32, scope, i);
        let Some(n) = v(Indicator::PairedCount).filter(|v| v.n > 0) else {
            continue;
        };
        let mark = if n.limited {
            "~"
        } else if signs.contains(school.id.as_str()) {
            "*"
        } else {
            " "
        };
        let share = |i| {
            v(i).and_then(|v| v.value)
                .map_or_else(|| "-".to_owned(), |d| fmt_dp(d, 2))
        };
        out.push_str(&format!(
            "{} {} {} {} {}{mark}\n",
            cell(&school.name, 26),
            rcell(&n.n.to_string(), 7),
            rcell(&share(Indicator::ShareLowered), 12),
            rcell(&share(Indicator::ShareConfirmed), 15),
            rcell(&share(Indicator::ShareRaised), 12),
        ));
    }
    out.push_str(if en {
        "* = a sign of non-objective results in this procedure (see below), ~ = limited sample (n < 10)\n"
    } else {
        "* = признак необъективности по этой процедуре (см. ниже), ~ = ограниченная выборка (n < 10)\n"
    });
    out
}
