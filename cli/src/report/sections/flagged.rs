//! Flagged entities by level (students, classes, teachers, schools, ...): their labels and
//! findings, each finding with its message and compact evidence. An entity is flagged when
//! it has a finding or a label of a band (an `otherwise` label is not a flag). Students are
//! shown by id only.

use super::Section;
use crate::report::Ctx;
use crate::report::html::{Td, esc, p, table};
use crate::text;
use oko::rules::{Finding, Label, Severity};
use std::collections::BTreeMap;

/// At most this many entities per level are shown (most findings first).
const MAX_PER_LEVEL: usize = 150;

#[derive(Default)]
struct Entry<'a> {
    name: String,
    school: Option<String>,
    municipality: Option<String>,
    labels: Vec<&'a Label>,
    findings: Vec<&'a Finding>,
}

pub(crate) fn render(cx: &Ctx<'_>) -> Section {
    let report = &cx.ev.report;
    let lang = cx.lang;
    // level id → entity id → entry
    let mut by: BTreeMap<(usize, &str), BTreeMap<&str, Entry<'_>>> = BTreeMap::new();
    for l in report.labels.iter().filter(|l| !l.bands.is_empty()) {
        let level = l.entity.level.as_str();
        let en = by
            .entry((text::level_rank(level), level))
            .or_default()
            .entry(l.entity.id.as_str())
            .or_insert_with(|| Entry {
                name: crate::output::entity_name(&l.entity),
                school: l.entity.school.clone(),
                municipality: l.entity.municipality.clone(),
                ..Entry::default()
            });
        en.labels.push(l);
    }
    for f in &report.findings {
        let level = f.entity.level.as_str();
        let en = by
            .entry((text::level_rank(level), level))
            .or_default()
            .entry(f.entity.id.as_str())
            .or_insert_with(|| Entry {
                name: crate::output::entity_name(&f.entity),
                school: f.entity.school.clone(),
                municipality: f.entity.municipality.clone(),
                ..Entry::default()
            });
        en.findings.push(f);
    }

    let mut h = String::new();
    h.push_str(&p(
        "note",
        cx.t(
            "Сущности с метками классификаций или находками правил. У каждой находки — сообщение правила и прочитанные значения (имя=значение, n — число участников).",
            "Entities with classification labels or rule findings. Each finding shows the rule's message and the values read (name=value, n = number of participants).",
        ),
    ));
    if by.is_empty() {
        h.push_str(&p(
            "empty",
            cx.t(
                "Ни одна сущность не отмечена правилами.",
                "No entity is flagged by the rules.",
            ),
        ));
    }
    for ((_, level), entities) in &by {
        let mut list: Vec<(&&str, &Entry<'_>)> = entities.iter().collect();
        list.sort_by(|a, b| {
            let worst = |e: &Entry<'_>| e.findings.iter().map(|f| f.severity).max();
            (worst(b.1), b.1.findings.len(), b.1.labels.len(), a.0).cmp(&(
                worst(a.1),
                a.1.findings.len(),
                a.1.labels.len(),
                b.0,
            ))
        });
        h.push_str(&format!(
            "<h3>{} ({})</h3>",
            esc(text::level_plural(level, lang)),
            list.len()
        ));
        let undetermined = report
            .undetermined
            .iter()
            .filter(|u| u.entity.level.as_str() == *level)
            .count();
        if undetermined > 0 {
            h.push_str(&p(
                "note",
                &format!(
                    "{}: {undetermined}",
                    cx.t(
                        "Не определено (малые выборки или нет данных, выводы не сделаны)",
                        "Undetermined (limited samples or missing data, no conclusion drawn)"
                    )
                ),
            ));
        }
        if text::is_person_level(level) {
            h.push_str(&students(cx, &list));
        } else {
            for (id, e) in list.iter().take(MAX_PER_LEVEL) {
                h.push_str(&card(cx, level, id, e));
            }
        }
        let cap = if text::is_person_level(level) {
            MAX_PER_LEVEL * 4
        } else {
            MAX_PER_LEVEL
        };
        if list.len() > cap {
            h.push_str(&p(
                "note",
                &format!(
                    "{} {cap} {} {}. {}",
                    cx.t("Показаны первые", "Shown: the first"),
                    cx.t("из", "of"),
                    list.len(),
                    cx.t(
                        "Полный список: oko evaluate --format csv.",
                        "The full list: oko evaluate --format csv."
                    )
                ),
            ));
        }
    }
    (
        "flagged",
        cx.t(
            "Отмеченные школы, классы, обучающиеся и педагоги",
            "Flagged schools, classes, students and teachers",
        )
        .to_owned(),
        h,
    )
}

fn chip_class(label: &Label, findings: &[&Finding]) -> &'static str {
    let worst = findings.iter().map(|f| f.severity).max();
    if label.label.contains("risk") || worst == Some(Severity::Critical) {
        "chip"
    } else if worst == Some(Severity::Info) {
        "chip info"
    } else {
        "chip mild"
    }
}

fn card(cx: &Ctx<'_>, level: &str, id: &str, e: &Entry<'_>) -> String {
    let lang = cx.lang;
    let mut h = String::from("<div class=\"entity\"><h4>");
    h.push_str(&esc(&e.name));
    if e.name != id {
        h.push_str(&format!(" <span class=\"id\">{}</span>", esc(id)));
    }
    for l in &e.labels {
        h.push_str(&format!(
            " <span class=\"{}\">{}</span>",
            chip_class(l, &e.findings),
            esc(lang.pick(&l.title))
        ));
    }
    h.push_str("</h4>");
    let mut up = Vec::new();
    if let Some(s) = &e.school
        && level != "school"
    {
        up.push(format!("{} {s}", cx.t("школа", "school")));
    }
    if let Some(m) = &e.municipality {
        let name = cx
            .ds
            .municipality_index(m)
            .map(|i| cx.ds.municipalities()[i as usize].name.clone())
            .unwrap_or_else(|| m.clone());
        up.push(format!("{name} ({m})"));
    }
    if !up.is_empty() {
        h.push_str(&p("note", &up.join(" · ")));
    }
    for l in &e.labels {
        if let Some(a) = &l.advice {
            h.push_str(&p(
                "",
                &format!("{}: {}", cx.t("Рекомендация", "Advice"), lang.pick(a)),
            ));
        }
    }
    if !e.findings.is_empty() {
        // Findings grouped by rule, in their order: the title once, then each scope's
        // message with its evidence.
        let mut groups: Vec<(&str, &str, Vec<&Finding>)> = Vec::new();
        for f in &e.findings {
            match groups
                .iter_mut()
                .find(|g| g.0 == f.ruleset && g.1 == f.rule)
            {
                Some(g) => g.2.push(f),
                None => groups.push((&f.ruleset, &f.rule, vec![f])),
            }
        }
        for (_, rule, list) in groups {
            let f0 = list[0];
            let sev = match f0.severity {
                Severity::Critical => "sev-critical",
                Severity::Warning => "sev-warning",
                _ => "",
            };
            let title = f0
                .title
                .as_ref()
                .map(|t| lang.pick(t).to_owned())
                .unwrap_or_else(|| rule.to_owned());
            h.push_str(&format!(
                "<p class=\"rule\"><span class=\"{sev}\">{}</span> <span class=\"note\">({}: {})</span></p><ul>",
                esc(&title),
                esc(text::severity_name(f0.severity, lang)),
                list.len()
            ));
            for f in list {
                h.push_str(&format!(
                    "<li>{}<span class=\"ev\">{}</span></li>",
                    esc(lang.pick(&f.message)),
                    esc(&text::evidence_compact(&f.evidence, lang))
                ));
            }
            h.push_str("</ul>");
        }
    } else if let Some(l) = e.labels.first() {
        h.push_str(&format!(
            "<p class=\"ev\">{}</p>",
            esc(&text::evidence_compact(&l.evidence, lang))
        ));
    }
    h.push_str("</div>");
    h
}

/// Students: a table of ids (no other personal data), their school, labels and reasons.
fn students(cx: &Ctx<'_>, list: &[(&&str, &Entry<'_>)]) -> String {
    let lang = cx.lang;
    let rows: Vec<Vec<Td>> = list
        .iter()
        .take(MAX_PER_LEVEL * 4)
        .map(|(id, e)| {
            let labels: Vec<&str> = e.labels.iter().map(|l| lang.pick(&l.title)).collect();
            let reasons: Vec<String> = e
                .findings
                .iter()
                .map(|f| lang.pick(&f.message).to_owned())
                .collect();
            vec![
                Td::text(id).with_class("students"),
                Td::text(e.school.as_deref().unwrap_or("")),
                Td::text(&labels.join(", ")),
                Td::text(&reasons.join(" · ")),
            ]
        })
        .collect();
    table(
        "students",
        &[
            (cx.t("обучающийся (id)", "student (id)"), false),
            (cx.t("школа", "school"), false),
            (cx.t("метки", "labels"), false),
            (cx.t("основания", "reasons"), false),
        ],
        &rows,
    )
}
