//! Notebook presentation: HTML tables of rulesets, evaluations and their tables, in Russian
//! (default) or English (`oko.set_language`, or a `lang=` argument).
//!
//! Presentation only: values are rounded here (two decimal places, half away from zero, as in
//! the core's messages) and nowhere else; the tables and `to_json` stay exact.

use super::TableKind;
use crate::indicators::{enum_text, escape};
use oko::rules::{
    EntityRef, Evidence, EvidenceValue, Finding, Label, Report, Rules, Severity, Undetermined,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// The language of presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    /// Russian (default).
    Ru,
    /// English.
    En,
}

impl Lang {
    fn pick<'a>(self, ru: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }

    fn text(self, t: &oko::rules::Text) -> &str {
        self.pick(&t.ru, &t.en)
    }

    pub(crate) fn code(self) -> &'static str {
        self.pick("ru", "en")
    }
}

/// True when the process-wide language is English.
static ENGLISH: AtomicBool = AtomicBool::new(false);

/// The process-wide language.
pub(crate) fn language() -> Lang {
    if ENGLISH.load(Ordering::Relaxed) {
        Lang::En
    } else {
        Lang::Ru
    }
}

/// A `lang=` argument: the process-wide language when None.
pub(crate) fn lang_arg(lang: Option<&str>) -> PyResult<Lang> {
    match lang {
        None => Ok(language()),
        Some("ru") => Ok(Lang::Ru),
        Some("en") => Ok(Lang::En),
        Some(_) => Err(PyValueError::new_err("lang must be \"ru\" or \"en\"")),
    }
}

/// Sets the language of notebook tables (``_repr_html_`` of :class:`Evaluation`,
/// :class:`View` and :class:`Rules`) for the whole process: ``"ru"`` (default) or ``"en"``.
/// A ``lang=`` argument overrides it for one call. Data (tables, ``to_json``) always carries
/// both languages.
#[pyfunction]
pub fn set_language(lang: &str) -> PyResult<()> {
    let l = lang_arg(Some(lang))?;
    ENGLISH.store(l == Lang::En, Ordering::Relaxed);
    Ok(())
}

/// The language of notebook tables: ``"ru"`` or ``"en"``.
#[pyfunction]
pub fn get_language() -> &'static str {
    language().code()
}

/// A decimal as shown: two places, half away from zero, no trailing zeros.
fn fmt_decimal(d: Decimal) -> String {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// An evidence value as shown, with its unit.
fn evidence_value(e: &Evidence, lang: Lang) -> String {
    match &e.value {
        EvidenceValue::Decimal(d) => {
            let unit = match e.unit {
                "percent" => "%",
                "points" => lang.pick(" п.п.", " pp"),
                _ => "",
            };
            format!("{}{unit}", fmt_decimal(*d))
        }
        EvidenceValue::Bool(b) => lang
            .pick(if *b { "да" } else { "нет" }, if *b { "yes" } else { "no" })
            .to_owned(),
        EvidenceValue::Text(t) => t.clone(),
        EvidenceValue::Unknown => "—".to_owned(),
    }
}

/// The evidence of an item: a collapsed list, one value per line.
fn evidence_cell(ev: &[Evidence], lang: Lang) -> String {
    if ev.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "<details><summary>{} {}</summary><ul style=\"margin:0;padding-left:1.2em\">",
        ev.len(),
        lang.pick("значений", "values")
    );
    for e in ev {
        let mut extra = Vec::new();
        if let Some(n) = e.n {
            extra.push(format!("n = {n}"));
        }
        if e.limited {
            extra.push(lang.pick("малая выборка", "limited sample").to_owned());
        }
        if let Some(r) = &e.unknown_reason {
            extra.push(escape(r));
        }
        let _ = write!(
            s,
            "<li><code>{}</code> = {}{}</li>",
            escape(&e.name),
            escape(&evidence_value(e, lang)),
            if extra.is_empty() {
                String::new()
            } else {
                format!(" ({})", extra.join(", "))
            }
        );
    }
    s.push_str("</ul></details>");
    s
}

fn level_name(level: oko::Level, lang: Lang) -> &'static str {
    match (level.as_str(), lang) {
        ("class", Lang::Ru) => "класс",
        ("grade", Lang::Ru) => "параллель",
        ("teacher", Lang::Ru) => "учитель",
        ("school", Lang::Ru) => "школа",
        ("municipality", Lang::Ru) => "муниципалитет",
        ("region", Lang::Ru) => "регион",
        (other, _) => other,
    }
}

fn severity_name(s: Severity, lang: Lang) -> String {
    let id = enum_text(&s);
    match (id.as_str(), lang) {
        ("info", Lang::Ru) => "информация".to_owned(),
        ("warning", Lang::Ru) => "внимание".to_owned(),
        ("critical", Lang::Ru) => "критично".to_owned(),
        _ => id,
    }
}

fn entity_cell(e: &EntityRef, lang: Lang) -> String {
    format!(
        "{} <small style=\"color:#666\">{} {}</small>",
        escape(&e.name),
        level_name(e.level, lang),
        escape(&e.id)
    )
}

const LEFT: &str = " style=\"text-align:left;vertical-align:top\"";

/// A table: header cells and rows of (already escaped) cells, at most `limit` rows, with a
/// note on what was left out.
fn table(headers: &[&str], rows: Vec<Vec<String>>, limit: usize, lang: Lang) -> String {
    let total = rows.len();
    let mut s = String::from("<table><thead><tr>");
    for h in headers {
        let _ = write!(s, "<th{LEFT}>{}</th>", escape(h));
    }
    s.push_str("</tr></thead><tbody>");
    for row in rows.into_iter().take(limit) {
        s.push_str("<tr>");
        for cell in row {
            let _ = write!(s, "<td{LEFT}>{cell}</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    if total > limit {
        let _ = write!(
            s,
            "<p>{} {} {}</p>",
            lang.pick("… и ещё", "… and"),
            total - limit,
            lang.pick(
                "строк (все: <code>.table</code>, <code>.to_pandas()</code>)",
                "more rows (all: <code>.table</code>, <code>.to_pandas()</code>)"
            )
        );
    }
    s
}

fn opt(s: Option<&str>) -> String {
    s.map(escape).unwrap_or_default()
}

fn finding_row(f: &Finding, lang: Lang) -> Vec<String> {
    vec![
        entity_cell(&f.entity, lang),
        opt(f.scope.as_deref()),
        match &f.title {
            Some(t) => escape(lang.text(t)),
            None => escape(&f.rule),
        },
        severity_name(f.severity, lang),
        escape(lang.text(&f.message)),
        evidence_cell(&f.evidence, lang),
    ]
}

fn label_row(l: &Label, lang: Lang) -> Vec<String> {
    vec![
        entity_cell(&l.entity, lang),
        opt(l.scope.as_deref()),
        escape(&l.classification),
        format!("<b>{}</b>", escape(lang.text(&l.title))),
        opt(l.advice.as_ref().map(|a| lang.text(a))),
        evidence_cell(&l.evidence, lang),
    ]
}

fn undetermined_row(u: &Undetermined, lang: Lang) -> Vec<String> {
    vec![
        entity_cell(&u.entity, lang),
        opt(u.scope.as_deref()),
        escape(&u.rule),
        format!(
            "{} <code>{}</code>",
            escape(&u.reason),
            escape(u.reason_code)
        ),
        evidence_cell(&u.evidence, lang),
    ]
}

/// One table of the report as HTML.
pub(crate) fn view(kind: TableKind, r: &Report, lang: Lang, limit: usize) -> String {
    let h = |ru: &'static str, en: &'static str| lang.pick(ru, en);
    let (headers, rows): (Vec<&str>, Vec<Vec<String>>) = match kind {
        TableKind::Findings => (
            vec![
                h("Объект", "Entity"),
                h("Процедура", "Scope"),
                h("Правило", "Rule"),
                h("Важность", "Severity"),
                h("Сообщение", "Message"),
                h("Данные", "Evidence"),
            ],
            r.findings.iter().map(|f| finding_row(f, lang)).collect(),
        ),
        TableKind::Labels => (
            vec![
                h("Объект", "Entity"),
                h("Процедура", "Scope"),
                h("Классификация", "Classification"),
                h("Метка", "Label"),
                h("Рекомендация", "Advice"),
                h("Данные", "Evidence"),
            ],
            r.labels.iter().map(|l| label_row(l, lang)).collect(),
        ),
        TableKind::Undetermined => (
            vec![
                h("Объект", "Entity"),
                h("Процедура", "Scope"),
                h("Правило", "Rule"),
                h("Причина", "Reason"),
                h("Данные", "Evidence"),
            ],
            r.undetermined
                .iter()
                .map(|u| undetermined_row(u, lang))
                .collect(),
        ),
        TableKind::Summary => (
            vec![
                h("Набор правил", "Ruleset"),
                h("Правило", "Rule"),
                h("Уровень", "Level"),
                h("Строк", "Rows"),
                h("Выводов", "Findings"),
                h("Не определено", "Undetermined"),
            ],
            r.summary
                .iter()
                .map(|s| {
                    vec![
                        escape(&s.ruleset),
                        escape(&s.rule),
                        level_name(s.level, lang).to_owned(),
                        s.rows.to_string(),
                        s.findings.to_string(),
                        s.undetermined.to_string(),
                    ]
                })
                .collect(),
        ),
        TableKind::Warnings => (
            vec![
                h("Код", "Code"),
                h("Место", "Location"),
                h("Сообщение", "Message"),
            ],
            r.warnings
                .iter()
                .map(|w| {
                    let mut at = escape(&w.file);
                    if let (Some(l), Some(c)) = (w.line, w.column) {
                        let _ = write!(at, ":{l}:{c}");
                    }
                    if !w.path.is_empty() {
                        let _ = write!(at, " <code>{}</code>", escape(&w.path));
                    }
                    vec![
                        format!("<code>{}</code>", escape(w.code)),
                        at,
                        escape(&w.message),
                    ]
                })
                .collect(),
        ),
        TableKind::RejectedRows => (
            vec![
                h("Код", "Code"),
                h("Таблица", "Table"),
                h("Строка", "Row"),
                h("Столбец", "Column"),
            ],
            r.rejected_rows
                .iter()
                .map(|x| {
                    vec![
                        format!("<code>{}</code>", escape(x.code)),
                        escape(x.table),
                        x.row.to_string(),
                        escape(x.column),
                    ]
                })
                .collect(),
        ),
    };
    // A scope column with nothing in it (entity-level rules) is left out.
    let no_scope = match kind {
        TableKind::Findings => r.findings.iter().all(|x| x.scope.is_none()),
        TableKind::Labels => r.labels.iter().all(|x| x.scope.is_none()),
        TableKind::Undetermined => r.undetermined.iter().all(|x| x.scope.is_none()),
        _ => false,
    };
    let (headers, rows) = if no_scope {
        let drop = |mut v: Vec<String>| {
            v.remove(1);
            v
        };
        let mut headers = headers;
        headers.remove(1);
        (headers, rows.into_iter().map(drop).collect())
    } else {
        (headers, rows)
    };
    let title = match kind {
        TableKind::Findings => h("Выводы", "Findings"),
        TableKind::Labels => h("Метки", "Labels"),
        TableKind::Undetermined => h("Не определено", "Undetermined"),
        TableKind::Summary => h("Сводка по правилам", "Summary per rule"),
        TableKind::Warnings => h("Предупреждения", "Warnings"),
        TableKind::RejectedRows => h("Отклонённые строки", "Rejected rows"),
    };
    let mut s = format!(
        "<div class=\"oko-view\"><p><b>{title}</b>: {}</p>",
        kind.len(r)
    );
    if kind.len(r) > 0 {
        s.push_str(&table(&headers, rows, limit, lang));
    }
    s.push_str("</div>");
    s
}

/// An evaluation for notebooks: rulesets and counts, then labels and findings.
pub(crate) fn evaluation(r: &Report, lang: Lang, limit: usize) -> String {
    let sets: Vec<String> = r
        .rulesets
        .iter()
        .map(|s| {
            format!(
                "{} <small>({} {})</small>",
                escape(lang.text(&s.title)),
                escape(&s.id),
                escape(&s.version)
            )
        })
        .collect();
    let mut s = String::from("<div class=\"oko-evaluation\">");
    let _ = write!(
        s,
        "<p><b>{}</b>: {}</p><p>{}: {}; {}: {}; {}: {}; {}: {}; {}: {}.</p>",
        lang.pick("Оценка oko", "oko evaluation"),
        sets.join(", "),
        lang.pick("выводов", "findings"),
        r.findings.len(),
        lang.pick("меток", "labels"),
        r.labels.len(),
        lang.pick("не определено", "undetermined"),
        r.undetermined.len(),
        lang.pick("предупреждений", "warnings"),
        r.warnings.len(),
        lang.pick("отклонённых строк", "rejected rows"),
        r.rejected_rows.len(),
    );
    s.push_str(&view(TableKind::Labels, r, lang, limit));
    s.push_str(&view(TableKind::Findings, r, lang, limit));
    let _ = write!(
        s,
        "<p>{}</p></div>",
        lang.pick(
            "Все строки: <code>.findings</code>, <code>.labels</code>, <code>.undetermined</code> \
             (pyarrow), <code>.to_pandas(\"findings\")</code>; одна школа: \
             <code>.explain(\"school\", id)</code>.",
            "All rows: <code>.findings</code>, <code>.labels</code>, <code>.undetermined</code> \
             (pyarrow), <code>.to_pandas(\"findings\")</code>; one school: \
             <code>.explain(\"school\", id)</code>."
        )
    );
    s
}

/// Rulesets for notebooks: title, id and version, file, regulation, rules and parameters.
pub(crate) fn rules(rules: &Rules, lang: Lang) -> String {
    let h = |ru: &'static str, en: &'static str| lang.pick(ru, en);
    let rows = rules
        .rulesets()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let n_rules = rules.rules().iter().filter(|r| r.ruleset == i).count();
            let n_class = rules
                .classifications()
                .iter()
                .filter(|c| c.ruleset == i)
                .count();
            let params: Vec<String> = s
                .parameters
                .iter()
                .map(|p| format!("<code>{}</code>", escape(&p.name)))
                .collect();
            let mut source = escape(&s.source.document);
            if let Some(c) = &s.source.clause {
                let _ = write!(source, ", {} {}", h("п.", "cl."), escape(c));
            }
            vec![
                format!(
                    "{} <small style=\"color:#666\">{} {}</small>",
                    escape(lang.text(&s.title)),
                    escape(&s.id),
                    escape(&s.version)
                ),
                escape(&s.file),
                source,
                format!("{n_rules} / {n_class}"),
                params.join(", "),
            ]
        })
        .collect();
    let mut s = format!(
        "<div class=\"oko-rules\"><p><b>{}</b>: {}; {}: {}</p>",
        h("Наборы правил", "Rulesets"),
        rules.rulesets().len(),
        h("предупреждений", "warnings"),
        rules.warnings().len()
    );
    s.push_str(&table(
        &[
            h("Набор", "Ruleset"),
            h("Файл", "File"),
            h("Основание", "Source"),
            h("Правил / классификаций", "Rules / classifications"),
            h("Параметры", "Parameters"),
        ],
        rows,
        usize::MAX,
        lang,
    ));
    s.push_str("</div>");
    s
}
