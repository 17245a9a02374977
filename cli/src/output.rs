//! What `oko evaluate` and `oko explain` print: the JSON report, CSV tables of findings,
//! labels, undetermined outcomes or indicator values, and one entity's findings as text.

use crate::text::{self, Lang};
use oko::rules::{Evidence, EvidenceRole, Report, Rules};
use oko::{Aggregates, Dataset, Indicator, Level};
use std::io::Write;

/// The JSON of a report: exactly `serde_json::to_string_pretty(report)` and a newline, the
/// same bytes as the Python and Node bindings give.
pub fn report_json(report: &Report) -> serde_json::Result<String> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}

/// Writes the bytes of [`report_json`] to `w` as they are made, never holding the whole
/// text (a region's report, with every student's labels and their evidence, runs to
/// gigabytes).
pub fn write_report_json<W: Write>(w: &mut W, report: &Report) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report).map_err(std::io::Error::from)?;
    w.write_all(b"\n")
}

/// Which table `oko evaluate --format csv` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum What {
    /// One row per finding.
    #[default]
    Findings,
    /// One row per label of a classification.
    Labels,
    /// One row per rule or classification that could not be decided.
    Undetermined,
    /// One row per indicator value (level × entity × scope × indicator).
    Indicators,
}

/// Writes one CSV table (UTF-8, comma, header row) of an evaluation. Evidence is
/// `name=value (n=…)` joined by `; `, values rounded to 2 places half away from zero;
/// indicator values are exact. `lang` chooses the language of titles and advice (findings
/// carry both messages); `level` keeps the rows of one level only.
#[allow(clippy::too_many_arguments)]
pub fn write_csv<W: Write>(
    out: W,
    what: What,
    report: &Report,
    ds: &Dataset,
    agg: &Aggregates,
    lang: Lang,
    level: Option<Level>,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let keep = |l: Level| level.is_none_or(|x| x == l);
    match what {
        What::Findings => {
            w.write_record([
                "ruleset",
                "rule",
                "level",
                "entity_id",
                "entity_name",
                "scope",
                "severity",
                "category",
                "message_ru",
                "message_en",
                "evidence",
            ])?;
            for f in report.findings.iter().filter(|f| keep(f.entity.level)) {
                w.write_record([
                    f.ruleset.as_str(),
                    &f.rule,
                    f.entity.level.as_str(),
                    &f.entity.id,
                    &entity_name(&f.entity),
                    f.scope.as_deref().unwrap_or(""),
                    text::severity_id(f.severity),
                    &f.category,
                    &f.message.ru,
                    &f.message.en,
                    &text::evidence_compact(&f.evidence, lang),
                ])?;
            }
        }
        What::Labels => {
            w.write_record([
                "ruleset",
                "classification",
                "level",
                "entity_id",
                "entity_name",
                "scope",
                "label",
                "title",
                "advice",
                "bands",
                "evidence",
            ])?;
            for l in report.labels.iter().filter(|l| keep(l.entity.level)) {
                w.write_record([
                    l.ruleset.as_str(),
                    &l.classification,
                    l.entity.level.as_str(),
                    &l.entity.id,
                    &entity_name(&l.entity),
                    l.scope.as_deref().unwrap_or(""),
                    &l.label,
                    lang.pick(&l.title),
                    l.advice.as_ref().map_or("", |a| lang.pick(a)),
                    &l.bands.join(";"),
                    &text::evidence_compact(&l.evidence, lang),
                ])?;
            }
        }
        What::Undetermined => {
            w.write_record([
                "ruleset",
                "rule",
                "level",
                "entity_id",
                "entity_name",
                "scope",
                "reason_code",
                "reason",
                "evidence",
            ])?;
            for u in report.undetermined.iter().filter(|u| keep(u.entity.level)) {
                w.write_record([
                    u.ruleset.as_str(),
                    &u.rule,
                    u.entity.level.as_str(),
                    &u.entity.id,
                    &entity_name(&u.entity),
                    u.scope.as_deref().unwrap_or(""),
                    u.reason_code,
                    &u.reason,
                    &text::evidence_compact(&u.evidence, lang),
                ])?;
            }
        }
        What::Indicators => {
            w.write_record([
                "level",
                "entity_id",
                "entity_name",
                "scope",
                "indicator",
                "value",
                "n",
                "limited",
            ])?;
            let labels: Vec<String> = agg.scopes().iter().map(|s| s.label(ds)).collect();
            for l in Level::ALL.into_iter().filter(|l| keep(*l)) {
                let person = text::is_person_level(l.as_str());
                let mut last: Option<(u32, String, String)> = None;
                for (ci, c) in agg.cells(l).iter().enumerate() {
                    let (id, name) = match &last {
                        Some((e, id, name)) if *e == c.entity => (id.clone(), name.clone()),
                        _ => {
                            let id = ds.entity_id(l, c.entity);
                            let name = if person {
                                id.clone()
                            } else {
                                ds.entity_name(l, c.entity)
                            };
                            last = Some((c.entity, id.clone(), name.clone()));
                            (id, name)
                        }
                    };
                    for &ind in Indicator::ALL {
                        let Some(v) = agg.value_at(l, ci, ind) else {
                            continue;
                        };
                        w.write_record([
                            l.as_str(),
                            &id,
                            &name,
                            &labels[c.scope as usize],
                            ind.id(),
                            &v.value
                                .map(|d| d.normalize().to_string())
                                .unwrap_or_default(),
                            &v.n.to_string(),
                            if v.limited { "true" } else { "false" },
                        ])?;
                    }
                }
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// The name of an entity as outputs show it: students by id only.
pub fn entity_name(e: &oko::rules::EntityRef) -> String {
    if text::is_person_level(e.level.as_str()) {
        e.id.clone()
    } else {
        e.name.clone()
    }
}

/// Finds an entity by level and id; `None` when the dataset has none.
pub fn find_entity(ds: &Dataset, level: Level, id: &str) -> Option<u32> {
    (0..ds.entity_count(level) as u32).find(|&e| ds.entity_id(level, e) == id)
}

/// Lays out rows of cells as a plain-text table with a header, two spaces between columns
/// (widths by characters: names are Cyrillic); columns listed in `right` are right-aligned.
pub fn text_table(header: &[&str], rows: &[Vec<String>], right: &[usize], indent: &str) -> String {
    let cols = header.len();
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(cols) {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::from(indent);
        for (i, c) in cells.enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            if right.contains(&i) {
                s.push_str(&crate::summary::rcell(c, width[i]));
            } else if i + 1 == cols {
                s.push_str(c);
            } else {
                s.push_str(&crate::summary::cell(c, width[i]));
            }
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut out = line(&mut header.iter().copied());
    let rule: Vec<String> = width.iter().map(|w| "─".repeat(*w)).collect();
    out.push_str(&line(&mut rule.iter().map(String::as_str)));
    for r in rows {
        out.push_str(&line(&mut r.iter().map(String::as_str)));
    }
    out
}

fn evidence_table(evidence: &[Evidence], lang: Lang, indent: &str) -> String {
    let rows: Vec<Vec<String>> = evidence
        .iter()
        .map(|e| {
            let mut value = text::evidence_value(e, lang);
            if let Some(r) = &e.unknown_reason
                && matches!(e.value, oko::rules::EvidenceValue::Unknown)
            {
                value = format!("— ({r})");
            }
            vec![
                e.name.clone(),
                value,
                e.n.map(|n| n.to_string()).unwrap_or_default(),
                if e.limited {
                    lang.t("да", "yes").to_owned()
                } else {
                    String::new()
                },
                text::role_name(e.role, lang).to_owned(),
            ]
        })
        .collect();
    text_table(
        &[
            lang.t("имя", "name"),
            lang.t("значение", "value"),
            "n",
            lang.t("малая выборка", "limited"),
            lang.t("роль", "role"),
        ],
        &rows,
        &[1, 2],
        indent,
    )
}

/// The thresholds among the evidence: parameters, with their documentation and source from
/// the ruleset.
fn thresholds(evidence: &[Evidence], ruleset: &str, rules: &Rules, lang: Lang) -> Vec<String> {
    let info = rules.rulesets().iter().find(|r| r.id == ruleset);
    evidence
        .iter()
        .filter(|e| e.role == EvidenceRole::Parameter)
        .map(|e| {
            let mut s = format!("{} = {}", e.name, text::evidence_value(e, lang));
            let name = e.name.strip_prefix("param.").unwrap_or(&e.name);
            if let Some(p) = info.and_then(|i| i.parameters.iter().find(|p| p.name == name)) {
                if let Some(d) = &p.doc {
                    s.push_str(&format!(" — {d}"));
                }
                if let Some(src) = &p.source {
                    s.push_str(&format!(" [{}: {src}]", lang.t("источник", "source")));
                }
            }
            s
        })
        .collect()
}

/// One entity's findings, labels and undetermined outcomes with their full evidence, as
/// readable text: for each finding the rule title, the condition, a table of every value
/// read (name, value rounded for display, n, limited flag, role), the thresholds and the
/// message.
///
/// With `pseudonymiser` (the one the report's student ids were pseudonymised with), a
/// student is looked up and shown by pseudonym.
pub fn explain(
    report: &Report,
    rules: &Rules,
    ds: &Dataset,
    level: Level,
    entity: u32,
    lang: Lang,
    pseudonymiser: Option<&oko::privacy::Pseudonymiser>,
) -> String {
    let mut id = ds.entity_id(level, entity);
    if let Some(p) = pseudonymiser.filter(|_| level == Level::Student) {
        id = p.pseudonymise(&id);
    }
    let person = text::is_person_level(level.as_str());
    let mine = |e: &oko::rules::EntityRef| e.level == level && e.id == id;
    let findings: Vec<_> = report.findings.iter().filter(|f| mine(&f.entity)).collect();
    let labels: Vec<_> = report.labels.iter().filter(|l| mine(&l.entity)).collect();
    let undetermined: Vec<_> = report
        .undetermined
        .iter()
        .filter(|u| mine(&u.entity))
        .collect();
    let mut out = String::new();
    let name = if person {
        String::new()
    } else {
        format!(" «{}»", ds.entity_name(level, entity))
    };
    let mut up = Vec::new();
    for l in [Level::School, Level::Municipality] {
        if l != level
            && let Some(a) = ds.ancestor(level, entity, l)
        {
            up.push(format!(
                "{} {}",
                text::level_name(l, lang),
                ds.entity_id(l, a)
            ));
        }
    }
    let head = text::capitalize(&text::level_name(level, lang));
    out.push_str(&format!("{head} {id}{name}"));
    if !up.is_empty() {
        out.push_str(&format!(" ({})", up.join(", ")));
    }
    out.push('\n');
    let sets: Vec<String> = report
        .rulesets
        .iter()
        .map(|r| format!("{} {}", r.id, r.version))
        .collect();
    out.push_str(&format!(
        "{}: {}\n",
        lang.t("Наборы правил", "Rulesets"),
        sets.join(", ")
    ));
    out.push_str(&format!(
        "{}: {}, {}: {}, {}: {}\n",
        lang.t("Находок", "Findings"),
        findings.len(),
        lang.t("меток", "labels"),
        labels.len(),
        lang.t("не определено", "undetermined"),
        undetermined.len()
    ));
    out.push_str(lang.t(
        "Это признаки с обоснованием, а не выводы; по малым выборкам (n < 10) выводы не делаются.\n",
        "These are signs with their evidence, not verdicts; no conclusion is drawn from limited samples (n < 10).\n",
    ));

    if !labels.is_empty() {
        out.push_str(&format!("\n{}\n", lang.t("МЕТКИ", "LABELS")));
        for (k, l) in labels.iter().enumerate() {
            let class_title = rules
                .classifications()
                .iter()
                .find(|c| c.id == l.classification && rules.rulesets()[c.ruleset].id == l.ruleset)
                .map(|c| lang.pick(&c.title).to_owned())
                .unwrap_or_else(|| l.classification.clone());
            out.push_str(&format!(
                "\n[{}] {} — {class_title} ({}/{})\n",
                k + 1,
                lang.pick(&l.title),
                l.ruleset,
                l.classification
            ));
            if let Some(s) = &l.scope {
                out.push_str(&format!("    {}: {s}\n", lang.t("Область", "Scope")));
            }
            if !l.bands.is_empty() {
                out.push_str(&format!(
                    "    {}: {}\n",
                    lang.t("Полосы", "Bands"),
                    l.bands.join(", ")
                ));
            }
            if let Some(a) = &l.advice {
                out.push_str(&format!(
                    "    {}: {}\n",
                    lang.t("Рекомендация", "Advice"),
                    lang.pick(a)
                ));
            }
            out.push_str(&format!(
                "    {}:\n",
                lang.t("Прочитанные значения", "Values read")
            ));
            out.push_str(&evidence_table(&l.evidence, lang, "      "));
            let th = thresholds(&l.evidence, &l.ruleset, rules, lang);
            if !th.is_empty() {
                out.push_str(&format!("    {}:\n", lang.t("Пороги", "Thresholds")));
                for t in th {
                    out.push_str(&format!("      {t}\n"));
                }
            }
        }
    }

    out.push_str(&format!("\n{}\n", lang.t("НАХОДКИ", "FINDINGS")));
    if findings.is_empty() {
        out.push_str(&format!("  {}\n", lang.t("нет", "none")));
    }
    for (k, f) in findings.iter().enumerate() {
        let title = f
            .title
            .as_ref()
            .map(|t| lang.pick(t).to_owned())
            .unwrap_or_else(|| f.rule.clone());
        out.push_str(&format!("\n[{}] {title}\n", k + 1));
        out.push_str(&format!(
            "    {}: {}/{} {}",
            lang.t("Правило", "Rule"),
            f.ruleset,
            f.rule,
            f.version
        ));
        if let Some(s) = &f.scope {
            out.push_str(&format!(" · {}: {s}", lang.t("область", "scope")));
        }
        out.push_str(&format!(
            " · {}: {} · {}: {}\n",
            lang.t("важность", "severity"),
            text::severity_name(f.severity, lang),
            lang.t("категория", "category"),
            f.category
        ));
        out.push_str(&format!(
            "    {}: {}\n",
            lang.t("Условие", "Condition"),
            f.condition
        ));
        out.push_str(&format!(
            "    {}:\n",
            lang.t("Прочитанные значения", "Values read")
        ));
        out.push_str(&evidence_table(&f.evidence, lang, "      "));
        let th = thresholds(&f.evidence, &f.ruleset, rules, lang);
        if !th.is_empty() {
            out.push_str(&format!("    {}:\n", lang.t("Пороги", "Thresholds")));
            for t in th {
                out.push_str(&format!("      {t}\n"));
            }
        }
        out.push_str(&format!(
            "    {}: {}\n",
            lang.t("Сообщение", "Message"),
            lang.pick(&f.message)
        ));
    }

    if !undetermined.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            lang.t(
                "НЕ ОПРЕДЕЛЕНО (вывод не сделан)",
                "UNDETERMINED (no conclusion drawn)"
            )
        ));
        for (k, u) in undetermined.iter().enumerate() {
            out.push_str(&format!("\n[{}] {}/{}", k + 1, u.ruleset, u.rule));
            if let Some(s) = &u.scope {
                out.push_str(&format!(" · {s}"));
            }
            out.push_str(&format!(
                "\n    {}: {} ({})\n",
                lang.t("Причина", "Reason"),
                u.reason,
                u.reason_code
            ));
            out.push_str(&format!(
                "    {}:\n",
                lang.t("Прочитанные значения", "Values read")
            ));
            out.push_str(&evidence_table(&u.evidence, lang, "      "));
        }
    }
    out
}
