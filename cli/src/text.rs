//! Presentation helpers shared by the terminal outputs and the HTML report: the language,
//! rounding for display, names of levels, procedures and evidence values.

use oko::rules::{Evidence, EvidenceRole, EvidenceValue, Severity, Text};
use oko::{Level, Procedure, ProcedureKind};
use rust_decimal::{Decimal, RoundingStrategy};

/// The language of messages and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// Russian (the default).
    #[default]
    Ru,
    /// English.
    En,
}

impl Lang {
    /// `ru` or `en`, as in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Picks one of two literals.
    pub fn t<'a>(self, ru: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }

    /// The text of a bilingual [`Text`] in this language.
    pub fn pick(self, text: &Text) -> &str {
        match self {
            Lang::Ru => &text.ru,
            Lang::En => &text.en,
        }
    }
}

/// Rounds half away from zero to `dp` places and drops trailing zeros (`16.67`, `15`).
pub fn round_normalized(d: Decimal, dp: u32) -> String {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// Rounds half away from zero to exactly `dp` places (`41.0`).
pub fn round_fixed(d: Decimal, dp: u32) -> String {
    crate::summary::fmt_dp(d, dp)
}

/// An evidence value for people: decimals rounded to 2 places (half away from zero) with
/// their unit (`%`, ` п.п.`/` pp`), booleans as да/нет or yes/no, unknown as `—`.
pub fn evidence_value(e: &Evidence, lang: Lang) -> String {
    match &e.value {
        EvidenceValue::Decimal(d) => {
            let unit = match e.unit {
                "percent" => "%",
                "points" => lang.t(" п.п.", " pp"),
                _ => "",
            };
            format!("{}{unit}", round_normalized(*d, 2))
        }
        EvidenceValue::Bool(b) => match (b, lang) {
            (true, Lang::Ru) => "да",
            (false, Lang::Ru) => "нет",
            (true, Lang::En) => "yes",
            (false, Lang::En) => "no",
        }
        .to_owned(),
        EvidenceValue::Text(s) => s.clone(),
        EvidenceValue::Unknown => "—".to_owned(),
    }
}

/// One evidence item compactly: `name=value (n=…)`, with `, limited` or `, малая выборка`
/// for a limited sample.
pub fn evidence_item(e: &Evidence, lang: Lang) -> String {
    let mut s = format!("{}={}", e.name, evidence_value(e, lang));
    match (e.n, e.limited) {
        (Some(n), true) => s.push_str(&format!(
            " (n={n}, {})",
            lang.t("малая выборка", "limited sample")
        )),
        (Some(n), false) => s.push_str(&format!(" (n={n})")),
        (None, true) => s.push_str(&format!(" ({})", lang.t("малая выборка", "limited sample"))),
        (None, false) => {}
    }
    s
}

/// Every evidence item compactly, joined by `; `.
pub fn evidence_compact(evidence: &[Evidence], lang: Lang) -> String {
    evidence
        .iter()
        .map(|e| evidence_item(e, lang))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The role of an evidence item in words.
pub fn role_name(role: EvidenceRole, lang: Lang) -> &'static str {
    match role {
        EvidenceRole::Indicator => lang.t("показатель", "indicator"),
        EvidenceRole::Reference => lang.t("эталон", "reference"),
        EvidenceRole::Parameter => lang.t("параметр", "parameter"),
        EvidenceRole::Derived => lang.t("вычислено", "derived"),
        EvidenceRole::Attribute => lang.t("атрибут", "attribute"),
        EvidenceRole::Findings => lang.t("находки", "findings"),
    }
}

/// The identifier of a severity (`info`, `warning`, `critical`), as in JSON and CSV.
pub fn severity_id(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    }
}

/// A severity in words.
pub fn severity_name(s: Severity, lang: Lang) -> &'static str {
    match s {
        Severity::Info => lang.t("к сведению", "info"),
        Severity::Warning => lang.t("внимание", "warning"),
        Severity::Critical => lang.t("требует мер", "critical"),
    }
}

/// Levels in the order reports list them, by identifier: students first. Identifiers, not
/// [`Level`] values, so that levels added to the core later still sort.
pub const LEVEL_ORDER: [&str; 7] = [
    "student",
    "class",
    "grade",
    "teacher",
    "school",
    "municipality",
    "region",
];

/// Sort key of a level identifier in [`LEVEL_ORDER`] (unknown levels last).
pub fn level_rank(id: &str) -> usize {
    LEVEL_ORDER
        .iter()
        .position(|l| *l == id)
        .unwrap_or(LEVEL_ORDER.len())
}

/// A level in words, singular.
pub fn level_name(level: Level, lang: Lang) -> String {
    level_name_id(level.as_str(), lang).to_owned()
}

fn level_name_id(id: &str, lang: Lang) -> &str {
    match id {
        "student" => lang.t("обучающийся", "student"),
        "class" => lang.t("класс", "class"),
        "grade" => lang.t("параллель", "grade"),
        "teacher" => lang.t("педагог", "teacher"),
        "school" => lang.t("школа", "school"),
        "municipality" => lang.t("муниципалитет", "municipality"),
        "region" => lang.t("регион", "region"),
        other => other,
    }
}

/// The text with its first letter in upper case (by characters: Cyrillic is two bytes).
pub fn capitalize(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(f) => f.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// A level in words, plural (section titles).
pub fn level_plural(id: &str, lang: Lang) -> &str {
    match id {
        "student" => lang.t("Обучающиеся", "Students"),
        "class" => lang.t("Классы", "Classes"),
        "grade" => lang.t("Параллели", "Grades"),
        "teacher" => lang.t("Педагоги", "Teachers"),
        "school" => lang.t("Школы", "Schools"),
        "municipality" => lang.t("Муниципалитеты", "Municipalities"),
        "region" => lang.t("Регион", "Region"),
        other => other,
    }
}

/// True for levels whose entities are people whose names a report must not show
/// (students: ids only).
pub fn is_person_level(id: &str) -> bool {
    id == "student"
}

/// The short name of a procedure kind (ВПР, ОГЭ, ...).
pub fn kind_name(kind: ProcedureKind, lang: Lang) -> &'static str {
    match kind {
        ProcedureKind::Vpr => lang.t("ВПР", "VPR"),
        ProcedureKind::Oge => lang.t("ОГЭ", "OGE"),
        ProcedureKind::Ege => lang.t("ЕГЭ", "EGE"),
        ProcedureKind::Rdr => lang.t("РДР", "RDR"),
        ProcedureKind::Diagnostic => lang.t("диагностика", "diagnostic"),
        ProcedureKind::Trial => lang.t("пробный экзамен", "trial exam"),
        ProcedureKind::Niko => lang.t("НИКО", "NIKO"),
        ProcedureKind::Intl => lang.t("международное исследование", "international study"),
        ProcedureKind::Internal => lang.t("внутренняя работа", "internal test"),
        #[allow(unreachable_patterns)]
        _ => kind.as_str(),
    }
}

/// A subject id in words where it is a common one (`math` → математика), else the id.
pub fn subject_name(subject: &str, lang: Lang) -> &str {
    let (ru, en) = match subject {
        "math" => ("математика", "mathematics"),
        "math_basic" => ("математика (базовая)", "mathematics (basic)"),
        "math_profile" => ("математика (профильная)", "mathematics (profile)"),
        "russian" => ("русский язык", "Russian"),
        "history" => ("история", "history"),
        "physics" => ("физика", "physics"),
        "chemistry" => ("химия", "chemistry"),
        "biology" => ("биология", "biology"),
        "geography" => ("география", "geography"),
        "informatics" => ("информатика", "computer science"),
        "literature" => ("литература", "literature"),
        "english" => ("английский язык", "English"),
        "social" | "social_studies" => ("обществознание", "social studies"),
        "world" | "environment" => ("окружающий мир", "the world around"),
        _ => return subject,
    };
    lang.t(ru, en)
}

/// A procedure for people: `ВПР, математика, 4 класс, 2025/26`.
pub fn procedure_title(p: &Procedure, lang: Lang) -> String {
    let mut s = format!(
        "{}, {}, {} {}, {}",
        kind_name(p.kind, lang),
        subject_name(&p.subject, lang),
        p.grade,
        lang.t("класс", "grade"),
        p.year
    );
    if let Some(d) = p.date
        && !matches!(
            p.kind,
            ProcedureKind::Vpr | ProcedureKind::Oge | ProcedureKind::Ege
        )
    {
        s.push_str(&format!(", {d}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_normalized(Decimal::new(1665, 2), 1), "16.7");
        assert_eq!(round_normalized(Decimal::new(-1665, 2), 1), "-16.7");
        assert_eq!(round_normalized(Decimal::new(1500, 2), 2), "15");
        assert_eq!(round_fixed(Decimal::new(125, 2), 1), "1.3");
        assert_eq!(round_fixed(Decimal::new(41, 0), 1), "41.0");
    }

    #[test]
    fn evidence_items() {
        let e = Evidence {
            name: "completion_rate".into(),
            role: EvidenceRole::Indicator,
            value: EvidenceValue::Decimal(Decimal::new(416666, 4)),
            unit: "percent",
            n: Some(9),
            limited: true,
            unknown_reason: None,
        };
        assert_eq!(
            evidence_item(&e, Lang::En),
            "completion_rate=41.67% (n=9, limited sample)"
        );
        assert_eq!(
            evidence_item(&e, Lang::Ru),
            "completion_rate=41.67% (n=9, малая выборка)"
        );
    }
}
