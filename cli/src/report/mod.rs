//! The HTML report: one self-contained file (inline CSS and SVG, no scripts, no fonts or
//! anything else from the network), Russian or English, printable on A4.
//!
//! ```no_run
//! use oko::rules::{EvalOptions, RuleLimits, compile, evaluate};
//! use oko_cli::report::{ReportInput, render};
//! use oko_cli::text::Lang;
//! let g = oko::generate(&oko::GeneratorConfig::district(1));
//! let rules = compile(&oko_cli::shipped::sources(), &RuleLimits::default()).unwrap();
//! let evaluation = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap();
//! let html = render(&ReportInput {
//!     dataset: &g.dataset,
//!     rules: &rules,
//!     evaluation: &evaluation,
//!     lang: Lang::Ru,
//!     load: None,
//!     source: "sample district".into(),
//! });
//! std::fs::write("report.html", html).unwrap();
//! ```
//!
//! Sections (each a `<section id=…>`): `summary` (data volume, rulesets, counts, rejected
//! rows), `flagged` (entities with labels or findings, by level, with their reasons and
//! evidence), `objectivity` (lowered / confirmed / raised marks per school), `district`
//! (each school against its municipality with the threshold line), `histograms` (score
//! distributions with the mark boundaries) and `context` (results × social context).
//! Numbers are rounded half away from zero for display only.

pub mod html;
mod sections;
pub mod svg;

use crate::load::LoadReport;
use crate::text::Lang;
use oko::rules::{Evaluation, ParamConst, Rules};
use oko::{AcademicYear, Dataset, Procedure, ProcedureKind, Scope};
use rust_decimal::Decimal;

/// What a report is made from.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// The data.
    pub dataset: &'a Dataset,
    /// The compiled rules (rulesets, parameters, scales).
    pub rules: &'a Rules,
    /// The evaluation of the rules over the data.
    pub evaluation: &'a Evaluation,
    /// Language.
    pub lang: Lang,
    /// How the data was read, when it came from files (rows per file, skipped rows in the
    /// files' terms).
    pub load: Option<&'a LoadReport>,
    /// Where the data came from, as shown in the header (a folder, "sample district").
    pub source: String,
}

/// The ids of the report's sections, in order.
pub const SECTIONS: [&str; 6] = [
    "summary",
    "flagged",
    "objectivity",
    "district",
    "histograms",
    "context",
];

/// Above this many schools, per-school charts show municipalities instead (the lists of
/// flagged schools stay complete up to their own cap).
pub const MAX_SCHOOL_ROWS: usize = 60;

/// Renders the report as one HTML document.
pub fn render(input: &ReportInput<'_>) -> String {
    let cx = Ctx::new(input);
    let lang = input.lang;
    let sections = [
        sections::summary::render(&cx),
        sections::flagged::render(&cx),
        sections::objectivity::render(&cx),
        sections::district::render(&cx),
        sections::histograms::render(&cx),
        sections::context::render(&cx),
    ];
    let title = lang.t(
        "Качество образования: отчёт по правилам",
        "Education quality: rules report",
    );
    let mut body = String::new();
    body.push_str(&format!(
        "<header><h1>{}</h1><p class=\"sub\">{}: {} · {}: {}</p></header>\n",
        html::esc(title),
        html::esc(lang.t("Данные", "Data")),
        html::esc(&input.source),
        html::esc(lang.t("учебный год", "academic year")),
        html::esc(
            &cx.latest_year
                .map(|y| y.to_string())
                .unwrap_or_else(|| "—".into())
        ),
    ));
    body.push_str(&html::p(
        "caveat",
        lang.t(
            "Результаты — признаки с обоснованием, а не выводы: каждое значение приведено с числом участников n; малые выборки (n < 10) отмечены, и выводы по ним не делаются. Результаты ВПР не используются для оценки работы отдельных учителей.",
            "Results are signs with their evidence, not verdicts: each value comes with its number of participants n; limited samples (n < 10) are marked and no conclusion is drawn from them. ВПР results are not used to evaluate individual teachers.",
        ),
    ));
    body.push_str(&format!(
        "<nav class=\"toc\"><b>{}</b><ol>",
        html::esc(lang.t("Содержание", "Contents"))
    ));
    for (id, title, _) in &sections {
        body.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>",
            html::esc(id),
            html::esc(title)
        ));
    }
    body.push_str("</ol></nav>\n");
    for (k, (id, title, content)) in sections.iter().enumerate() {
        body.push_str(&format!(
            "<section id=\"{}\" class=\"sec{}\">\n<h2>{}. {}</h2>\n{}\n</section>\n",
            html::esc(id),
            if k == 0 { " first" } else { "" },
            k + 1,
            html::esc(title),
            content
        ));
    }
    let sets: Vec<String> = input
        .rules
        .rulesets()
        .iter()
        .map(|r| format!("{} {}", r.id, r.version))
        .collect();
    body.push_str(&format!(
        "<footer>oko {} · {}: {}</footer>",
        env!("CARGO_PKG_VERSION"),
        html::esc(lang.t("наборы правил", "rulesets")),
        html::esc(&sets.join(", "))
    ));
    html::page(lang.code(), title, &body)
}

/// What the sections share: the input and a few lookups.
pub(crate) struct Ctx<'a> {
    pub(crate) ds: &'a Dataset,
    pub(crate) rules: &'a Rules,
    pub(crate) ev: &'a Evaluation,
    pub(crate) lang: Lang,
    pub(crate) load: Option<&'a LoadReport>,
    pub(crate) latest_year: Option<AcademicYear>,
}

impl<'a> Ctx<'a> {
    fn new(input: &ReportInput<'a>) -> Ctx<'a> {
        Ctx {
            ds: input.dataset,
            rules: input.rules,
            ev: input.evaluation,
            lang: input.lang,
            load: input.load,
            latest_year: input.dataset.procedures().iter().map(|p| p.year).max(),
        }
    }

    /// Russian or English.
    pub(crate) fn t(&self, ru: &'static str, en: &'static str) -> &'static str {
        self.lang.t(ru, en)
    }

    /// The procedure scopes of the latest year that the federal tables and seed 001 compare
    /// (ВПР, ОГЭ, ЕГЭ), in the aggregates' order (kind, subject, grade); when the year has
    /// none of those, its other external procedures.
    pub(crate) fn latest_procedures(&self) -> Vec<(u32, &'a Procedure)> {
        let procs = self.ds.procedures();
        let all: Vec<(u32, &'a Procedure)> = self
            .ev
            .aggregates
            .scopes()
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match *s {
                Scope::Procedure { procedure } => {
                    let p = &procs[procedure as usize];
                    (Some(p.year) == self.latest_year && p.kind.is_external())
                        .then_some((i as u32, p))
                }
                _ => None,
            })
            .collect();
        let federal: Vec<(u32, &'a Procedure)> = all
            .iter()
            .copied()
            .filter(|(_, p)| {
                matches!(
                    p.kind,
                    ProcedureKind::Vpr | ProcedureKind::Oge | ProcedureKind::Ege
                )
            })
            .collect();
        if federal.is_empty() { all } else { federal }
    }

    /// The year of a scope, when it has one.
    pub(crate) fn scope_year(&self, scope: u32) -> Option<AcademicYear> {
        match self.ev.aggregates.scopes()[scope as usize] {
            Scope::Procedure { procedure } => Some(self.ds.procedures()[procedure as usize].year),
            Scope::Internal { year, .. } | Scope::Staff { year } => Some(year),
            _ => None,
        }
    }

    /// A scope for people: a procedure's title, or the scope's label.
    pub(crate) fn scope_title(&self, scope: u32) -> String {
        match self.ev.aggregates.scopes()[scope as usize] {
            Scope::Procedure { procedure } => {
                crate::text::procedure_title(&self.ds.procedures()[procedure as usize], self.lang)
            }
            s => s.label(self.ds),
        }
    }

    /// A percent parameter of any ruleset (the first that has it), e.g. `relative_gap`:
    /// 15 for `15%`.
    pub(crate) fn percent_param(&self, name: &str) -> Option<(Decimal, String)> {
        self.rules.rulesets().iter().find_map(|r| {
            r.parameters
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| match &p.value {
                    ParamConst::Percent(d) | ParamConst::Points(d) => Some((*d, r.id.clone())),
                    ParamConst::Number(d) if *d < Decimal::ONE => {
                        Some((*d * Decimal::ONE_HUNDRED, r.id.clone()))
                    }
                    _ => None,
                })
        })
    }

    /// Whether per-school charts would be too long (see [`MAX_SCHOOL_ROWS`]).
    pub(crate) fn many_schools(&self) -> bool {
        self.ds.schools().len() > MAX_SCHOOL_ROWS
    }
}

/// A decimal for drawing (never for comparisons or displayed values).
pub(crate) fn f(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(0.0)
}

/// A percent for display: one decimal, half away from zero.
pub(crate) fn pct(d: Decimal) -> String {
    format!("{}%", crate::text::round_fixed(d, 1))
}
