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

/// Most labelled entities listed per classification; the rest are counted.
const MAX_LABELS_SHOWN: usize = 6;
/// Most findings listed under one label.
const MAX_FINDINGS_SHOWN: usize = 4;

/// Labels with the findings behind them, in Russian or English: per ruleset and
/// classification the count of each label, then the first labelled entities (labels other
/// than `otherwise` first) with their findings; findings of entities without a label last.
pub fn findings_table(report: &oko::rules::Report, en: bool) -> String {
    let t = |x: &oko::rules::Text| if en { x.en.clone() } else { x.ru.clone() };
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
        let clause = rs
            .source
            .clause
            .as_deref()
            .map(|c| format!(", cl. {c}"))
            .unwrap_or_default();
        out.push_str(&format!("\n{} ({}{clause})\n", t(&rs.title), rs.id));
        let width = labels
            .iter()
            .map(|l| l.entity.id.chars().count())
            .chain(findings.iter().map(|f| f.entity.id.chars().count()))
            .max()
            .unwrap_or(6)
            .max(6);
        let mut classifications: Vec<&str> = Vec::new();
        for l in &labels {
            if !classifications.contains(&l.classification.as_str()) {
                classifications.push(&l.classification);
            }
        }
        // With several whole-entity classifications, every finding of an entity would be
        // repeated under each of its labels: list findings only under scoped labels then.
        let several = classifications.len() > 1;
        for c in classifications {
            let mine: Vec<&&oko::rules::Label> =
                labels.iter().filter(|l| l.classification == c).collect();
            let mut counts: Vec<(String, usize)> = Vec::new();
            for l in &mine {
                let title = t(&l.title);
                match counts.iter_mut().find(|(x, _)| *x == title) {
                    Some(x) => x.1 += 1,
                    None => counts.push((title, 1)),
                }
            }
            let counts: Vec<String> = counts.iter().map(|(x, n)| format!("{x} {n}")).collect();
            out.push_str(&format!("  [{c}] {}\n", counts.join("; ")));
            // Labels from bands (they have advice or a band) before the `otherwise` ones.
            let mut shown: Vec<&&&oko::rules::Label> =
                mine.iter().filter(|l| !l.bands.is_empty()).collect();
            shown.extend(mine.iter().filter(|l| l.bands.is_empty()));
            for l in shown.iter().take(MAX_LABELS_SHOWN) {
                let scope = l
                    .scope
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default();
                let fs: Vec<&&oko::rules::Finding> = findings
                    .iter()
                    .filter(|f| {
                        f.entity.id == l.entity.id
                            && (l.scope.is_none() || f.scope == l.scope)
                            && !(several && l.scope.is_none())
                    })
                    .collect();
                out.push_str(&format!(
                    "    {} {}{scope} — {}\n",
                    cell(&l.entity.id, width),
                    l.entity.name,
                    t(&l.title)
                ));
                for f in fs.iter().take(MAX_FINDINGS_SHOWN) {
                    out.push_str(&format!("        · {}\n", t(&f.message)));
                }
                if fs.len() > MAX_FINDINGS_SHOWN {
                    out.push_str(&format!(
                        "        · … {} more finding(s)\n",
                        fs.len() - MAX_FINDINGS_SHOWN
                    ));
                }
            }
            if mine.len() > MAX_LABELS_SHOWN {
                out.push_str(&format!(
                    "    … and {} more label(s)\n",
                    mine.len() - MAX_LABELS_SHOWN
                ));
            }
        }
        let unlabelled: Vec<&&oko::rules::Finding> = findings
            .iter()
            .filter(|f| !labels.iter().any(|l| l.entity.id == f.entity.id))
            .collect();
        for f in unlabelled.iter().take(MAX_LABELS_SHOWN) {
            out.push_str(&format!(
                "  {} {} · {}\n",
                cell(&f.entity.id, width),
                f.entity.name,
                t(&f.message)
            ));
        }
        if unlabelled.len() > MAX_LABELS_SHOWN {
            out.push_str(&format!(
                "  … and {} more finding(s) without a label\n",
                unlabelled.len() - MAX_LABELS_SHOWN
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

/// Partner schools proposed by the pairings, one line per pair with its reason.
pub fn pairings_table(report: &oko::rules::Report, en: bool) -> String {
    let mut out = String::new();
    let mut current = String::new();
    for p in &report.pairings {
        let key = format!("{}/{}", p.ruleset, p.pairing);
        if key != current {
            let title = if en { &p.title.en } else { &p.title.ru };
            out.push_str(&format!("\n{title} ({key})\n"));
            current = key;
        }
        out.push_str(&format!(
            "  {} {} → {}. {} {}: {}\n",
            cell(&p.school.id, 6),
            p.school.name,
            p.rank,
            p.partner.id,
            p.partner.name,
            if en { &p.reason.en } else { &p.reason.ru }
        ));
    }
    out
}

/// Plan targets: per target, how many entities met it, did not, or are unknown, then the
/// entities that did not meet it (up to a few) with the value measured.
pub fn targets_table(report: &oko::rules::Report, en: bool) -> String {
    use oko::rules::{EvidenceValue, TargetStatus};
    let mut out = String::new();
    let mut ids: Vec<(&str, &str)> = Vec::new();
    for t in &report.targets {
        if !ids.contains(&(t.ruleset.as_str(), t.target.as_str())) {
            ids.push((&t.ruleset, &t.target));
        }
    }
    for (rs, id) in ids {
        let rows: Vec<&oko::rules::TargetResult> = report
            .targets
            .iter()
            .filter(|t| t.ruleset == rs && t.target == id)
            .collect();
        let first = rows[0];
        let count = |s: TargetStatus| rows.iter().filter(|t| t.status == s).count();
        let item = first
            .plan_item
            .as_deref()
            .map(|i| format!(" (п. {i})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "\n{}{item}: {} {} {} — {}\n",
            if en { &first.title.en } else { &first.title.ru },
            first.indicator,
            first.comparison,
            first.target_value,
            if en {
                &first.responsible.en
            } else {
                &first.responsible.ru
            },
        ));
        out.push_str(&format!(
            "  met {}, not met {}, unknown {}\n",
            count(TargetStatus::Met),
            count(TargetStatus::NotMet),
            count(TargetStatus::Unknown)
        ));
        for t in rows
            .iter()
            .filter(|t| t.status != TargetStatus::Met)
            .take(MAX_LABELS_SHOWN)
        {
            let value = match &t.value {
                EvidenceValue::Decimal(d) => fmt_dp(*d, 1),
                _ => "—".to_owned(),
            };
            let scope = t
                .scope
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            let why = t
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "    {} {}{scope}: {value}{why}\n",
                cell(&t.entity.id, 6),
                t.entity.name
            ));
        }
    }
    out
}

/// МУКО: per school the overall score and level, the levels of its directions, and its
/// weakest direction with the components missing there.
pub fn muko_table(report: &oko::rules::Report, en: bool) -> String {
    let t = |x: &oko::rules::Text| if en { x.en.clone() } else { x.ru.clone() };
    let mut out = String::new();
    let overall: Vec<&oko::rules::MukoScore> = report
        .muko
        .iter()
        .filter(|m| m.direction.is_none())
        .collect();
    if overall.is_empty() {
        return out;
    }
    out.push_str(&format!("\n{}\n", t(&overall[0].title)));
    out.push_str(&format!(
        "  {} {} {} {}  {}\n",
        cell("school", 6),
        rcell("%", 6),
        cell("level", 16),
        cell("directions H/M/L", 16),
        "weakest direction: gaps"
    ));
    for o in &overall {
        let dirs: Vec<&oko::rules::MukoScore> = report
            .muko
            .iter()
            .filter(|m| {
                m.ruleset == o.ruleset && m.school.id == o.school.id && m.direction.is_some()
            })
            .collect();
        let n = |l: &str| {
            dirs.iter()
                .filter(|d| d.level.as_deref() == Some(l))
                .count()
        };
        let weakest = dirs.iter().min_by(|a, b| a.percent.cmp(&b.percent));
        let weak = weakest
            .map(|w| {
                let gaps: Vec<String> = w
                    .gaps
                    .iter()
                    .filter(|g| g.status != "partial")
                    .map(|g| t(&g.title))
                    .collect();
                format!(
                    "{} {} ({}%): {}",
                    w.direction.as_deref().unwrap_or(""),
                    t(&w.title),
                    fmt_dp(w.percent, 0),
                    gaps.join(", ")
                )
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "  {} {} {} {}  {}\n",
            cell(&o.school.id, 6),
            rcell(&fmt_dp(o.percent, 1), 6),
            cell(&o.level_title.as_ref().map(&t).unwrap_or_default(), 16),
            cell(&format!("{}/{}/{}", n("high"), n("medium"), n("low")), 16),
            weak
        ));
    }
    let missing = report
        .undetermined
        .iter()
        .filter(|u| u.rule == "muko")
        .map(|u| u.entity.id.as_str())
        .collect::<Vec<_>>();
    if !missing.is_empty() {
        out.push_str(&format!("  no self-evaluation: {}\n", missing.join(", ")));
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
