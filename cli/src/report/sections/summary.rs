//! Summary: data volume, rulesets with versions and sources, counts of findings by
//! severity and category, labels, undetermined outcomes, rejected rows and rule warnings.

use super::Section;
use crate::report::Ctx;
use crate::report::html::{Td, esc, p, table};
use crate::text;
use oko::rules::Severity;
use std::collections::BTreeMap;

const SEVERITIES: [Severity; 3] = [Severity::Critical, Severity::Warning, Severity::Info];

pub(crate) fn render(cx: &Ctx<'_>) -> Section {
    let ds = cx.ds;
    let report = &cx.ev.report;
    let mut h = String::new();

    // Data volume.
    h.push_str(&format!(
        "<h3>{}</h3>",
        esc(cx.t("Объём данных", "Data volume"))
    ));
    let kpis = [
        (
            ds.municipalities().len(),
            cx.t("муниципалитетов", "municipalities"),
        ),
        (ds.schools().len(), cx.t("школ", "schools")),
        (ds.classes().len(), cx.t("классов", "classes")),
        (ds.students().len(), cx.t("обучающихся", "students")),
        (ds.teachers().len(), cx.t("педагогов", "teachers")),
        (
            ds.procedures().len(),
            cx.t("оценочных процедур", "procedures"),
        ),
        (ds.results().len(), cx.t("результатов", "results")),
        (
            ds.marks().len(),
            cx.t("отметок по журналу", "journal marks"),
        ),
    ];
    h.push_str("<div class=\"kpis\">");
    for (v, label) in kpis {
        h.push_str(&format!(
            "<div class=\"kpi\"><b>{}</b><span>{}</span></div>",
            thousands(v as u64),
            esc(label)
        ));
    }
    h.push_str("</div>");
    if let Some(load) = cx.load {
        let rows: Vec<Vec<Td>> = load
            .tables
            .iter()
            .map(|t| {
                vec![
                    Td::text(t.table.as_str()).with_class("code"),
                    Td::text(&t.file),
                    Td::text(&t.mapping),
                    Td::num(&thousands(t.rows)),
                    Td::num(&thousands(t.rejected)),
                ]
            })
            .collect();
        h.push_str(&table(
            "files",
            &[
                (cx.t("таблица", "table"), false),
                (cx.t("файл", "file"), false),
                (cx.t("сопоставление столбцов", "mapping"), false),
                (cx.t("строк", "rows"), true),
                (cx.t("отклонено", "rejected"), true),
            ],
            &rows,
        ));
    }

    // Rulesets.
    h.push_str(&format!(
        "<h3>{}</h3>",
        esc(cx.t("Наборы правил", "Rulesets"))
    ));
    let rows: Vec<Vec<Td>> = report
        .rulesets
        .iter()
        .map(|r| {
            let mut src = r.source.document.clone();
            if let Some(c) = &r.source.clause {
                src.push_str(&format!(", {} {c}", cx.t("п.", "cl.")));
            }
            if let Some(x) = &r.source.reference {
                src.push_str(&format!(" ({x})"));
            }
            let years: Vec<String> = r.years.iter().map(|y| y.to_string()).collect();
            vec![
                Td::text(&r.id).with_class("code"),
                Td::text(&r.version),
                Td::text(cx.lang.pick(&r.title)),
                Td::text(&src),
                Td::text(&if years.is_empty() {
                    cx.t("все", "all").to_owned()
                } else {
                    years.join(", ")
                }),
                Td::text(&r.file),
            ]
        })
        .collect();
    h.push_str(&table(
        "rulesets",
        &[
            (cx.t("набор", "ruleset"), false),
            (cx.t("версия", "version"), false),
            (cx.t("название", "title"), false),
            (cx.t("источник", "source"), false),
            (cx.t("годы", "years"), false),
            (cx.t("файл", "file"), false),
        ],
        &rows,
    ));

    // Findings by category and severity.
    h.push_str(&format!(
        "<h3>{}</h3>",
        esc(cx.t(
            "Находки по категориям и важности",
            "Findings by category and severity"
        ))
    ));
    if report.findings.is_empty() {
        h.push_str(&p("empty", cx.t("Находок нет.", "No findings.")));
    } else {
        let mut by: BTreeMap<&str, [u64; 3]> = BTreeMap::new();
        for f in &report.findings {
            let k = SEVERITIES
                .iter()
                .position(|s| *s == f.severity)
                .unwrap_or(2);
            by.entry(f.category.as_str()).or_default()[k] += 1;
        }
        let mut total = [0u64; 3];
        let mut rows: Vec<Vec<Td>> = by
            .iter()
            .map(|(cat, c)| {
                for k in 0..3 {
                    total[k] += c[k];
                }
                let mut r = vec![Td::text(cat).with_class("code")];
                r.extend(c.iter().map(|v| Td::num(&thousands(*v))));
                r.push(Td::num(&thousands(c.iter().sum())));
                r
            })
            .collect();
        let mut r = vec![Td::html(format!("<b>{}</b>", esc(cx.t("Всего", "Total"))))];
        r.extend(total.iter().map(|v| Td::num(&thousands(*v))));
        r.push(Td::num(&thousands(total.iter().sum())));
        rows.push(r);
        let mut header = vec![(cx.t("категория", "category"), false)];
        header.extend(
            SEVERITIES
                .iter()
                .map(|s| (text::severity_name(*s, cx.lang), true)),
        );
        header.push((cx.t("всего", "total"), true));
        h.push_str(&table("by-category", &header, &rows));
    }

    // Per rule.
    h.push_str(&format!(
        "<h3>{}</h3>",
        esc(cx.t("Правила и классификации", "Rules and classifications"))
    ));
    let rows: Vec<Vec<Td>> = report
        .summary
        .iter()
        .map(|s| {
            vec![
                Td::text(&format!("{}/{}", s.ruleset, s.rule)).with_class("code"),
                Td::text(&text::level_name(s.level, cx.lang)),
                Td::num(&thousands(s.rows)),
                Td::num(&thousands(s.findings)),
                Td::num(&thousands(s.undetermined)),
            ]
        })
        .collect();
    h.push_str(&table(
        "rules",
        &[
            (cx.t("правило", "rule"), false),
            (cx.t("уровень", "level"), false),
            (cx.t("проверено строк", "rows checked"), true),
            (cx.t("находок / меток", "findings / labels"), true),
            (cx.t("не определено", "undetermined"), true),
        ],
        &rows,
    ));

    // Labels.
    if !report.labels.is_empty() {
        let mut by: BTreeMap<(String, String, String), u64> = BTreeMap::new();
        for l in &report.labels {
            *by.entry((
                format!("{}/{}", l.ruleset, l.classification),
                text::level_name(l.entity.level, cx.lang),
                cx.lang.pick(&l.title).to_owned(),
            ))
            .or_default() += 1;
        }
        h.push_str(&format!("<h3>{}</h3>", esc(cx.t("Метки", "Labels"))));
        let rows: Vec<Vec<Td>> = by
            .iter()
            .map(|((c, level, title), n)| {
                vec![
                    Td::text(c).with_class("code"),
                    Td::text(level),
                    Td::text(title),
                    Td::num(&thousands(*n)),
                ]
            })
            .collect();
        h.push_str(&table(
            "labels",
            &[
                (cx.t("классификация", "classification"), false),
                (cx.t("уровень", "level"), false),
                (cx.t("метка", "label"), false),
                (cx.t("число", "count"), true),
            ],
            &rows,
        ));
    }

    // Undetermined.
    if !report.undetermined.is_empty() {
        let mut by: BTreeMap<&str, u64> = BTreeMap::new();
        for u in &report.undetermined {
            *by.entry(u.reason_code).or_default() += 1;
        }
        h.push_str(&format!(
            "<h3>{}</h3>",
            esc(cx.t(
                "Не определено: выводы не сделаны",
                "Undetermined: no conclusion drawn"
            ))
        ));
        let rows: Vec<Vec<Td>> = by
            .iter()
            .map(|(code, n)| vec![Td::text(code).with_class("code"), Td::num(&thousands(*n))])
            .collect();
        h.push_str(&table(
            "undetermined",
            &[
                (cx.t("причина", "reason"), false),
                (cx.t("число", "count"), true),
            ],
            &rows,
        ));
    }

    // Rejected rows.
    h.push_str(&format!(
        "<h3>{}</h3>",
        esc(cx.t("Отклонённые строки данных", "Rejected data rows"))
    ));
    let shown = 20;
    match cx.load.filter(|l| l.problem_count > 0) {
        Some(load) => {
            h.push_str(&p(
                "",
                &format!(
                    "{}: {}",
                    cx.t(
                        "Строк пропущено при загрузке (с обоснованием по каждой)",
                        "Rows skipped when loading (each with its reason)"
                    ),
                    thousands(load.problem_count)
                ),
            ));
            let rows: Vec<Vec<Td>> = load
                .problems
                .iter()
                .take(shown)
                .map(|pr| {
                    vec![
                        Td::text(&pr.file),
                        Td::num(&pr.row.map(|r| r.to_string()).unwrap_or_default()),
                        Td::text(pr.column.as_deref().unwrap_or("")),
                        Td::text(pr.code).with_class("code"),
                        Td::text(&pr.message),
                    ]
                })
                .collect();
            h.push_str(&table(
                "rejected",
                &[
                    (cx.t("файл", "file"), false),
                    (cx.t("строка", "row"), true),
                    (cx.t("столбец", "column"), false),
                    (cx.t("код", "code"), false),
                    (cx.t("что не так", "problem"), false),
                ],
                &rows,
            ));
        }
        None if !report.rejected_rows.is_empty() => {
            h.push_str(&p(
                "",
                &format!(
                    "{}: {}",
                    cx.t("Строк пропущено", "Rows skipped"),
                    thousands(report.rejected_rows.len() as u64)
                ),
            ));
            let rows: Vec<Vec<Td>> = report
                .rejected_rows
                .iter()
                .take(shown)
                .map(|r| {
                    vec![
                        Td::text(r.table),
                        Td::num(&r.row.to_string()),
                        Td::text(r.column),
                        Td::text(r.code).with_class("code"),
                    ]
                })
                .collect();
            h.push_str(&table(
                "rejected",
                &[
                    (cx.t("таблица", "table"), false),
                    (cx.t("строка", "row"), true),
                    (cx.t("столбец", "column"), false),
                    (cx.t("код", "code"), false),
                ],
                &rows,
            ));
        }
        None => h.push_str(&p(
            "empty",
            cx.t(
                "Нет: все строки данных прошли проверку.",
                "None: every data row passed validation.",
            ),
        )),
    }

    // Rule warnings.
    if !report.warnings.is_empty() {
        h.push_str(&format!(
            "<h3>{}</h3><ul>",
            esc(cx.t("Предупреждения о правилах", "Rule warnings"))
        ));
        for w in report.warnings.iter().take(shown) {
            h.push_str(&format!(
                "<li><span class=\"code\">{}</span> {}: {}</li>",
                esc(w.code),
                esc(&w.file),
                esc(&w.message)
            ));
        }
        h.push_str("</ul>");
    }
    ("summary", cx.t("Сводка", "Summary").to_owned(), h)
}

/// An integer with thin spaces between thousands (`1 000 000`).
pub(crate) fn thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}
