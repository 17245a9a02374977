//! Assessment procedures (оценочные процедуры), academic years and marking periods.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of an assessment event.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureKind {
    /// ВПР: national diagnostic tests, grades 4–11.
    Vpr,
    /// ОГЭ (ГИА-9): state final exam after grade 9.
    Oge,
    /// ЕГЭ (ГИА-11): state final exam after grade 11, scored 0..100.
    Ege,
    /// РДР: regional diagnostic work.
    Rdr,
    /// A school or municipal diagnostic work.
    Diagnostic,
    /// A trial (mock) exam.
    Trial,
    /// НИКО: national study of education quality.
    Niko,
    /// International (PISA-like) study.
    Intl,
    /// An internal school test recorded as a procedure.
    Internal,
}

impl ProcedureKind {
    /// All kinds, in declaration order.
    pub const ALL: [ProcedureKind; 9] = [
        Self::Vpr,
        Self::Oge,
        Self::Ege,
        Self::Rdr,
        Self::Diagnostic,
        Self::Trial,
        Self::Niko,
        Self::Intl,
        Self::Internal,
    ];

    /// The identifier used in files and rules (`vpr`, `oge`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vpr => "vpr",
            Self::Oge => "oge",
            Self::Ege => "ege",
            Self::Rdr => "rdr",
            Self::Diagnostic => "diagnostic",
            Self::Trial => "trial",
            Self::Niko => "niko",
            Self::Intl => "intl",
            Self::Internal => "internal",
        }
    }

    /// True for the state final exams (ГИА): ОГЭ and ЕГЭ.
    pub fn is_gia(self) -> bool {
        matches!(self, Self::Oge | Self::Ege)
    }

    /// True for procedures run from outside the school (their marks are "external").
    pub fn is_external(self) -> bool {
        !matches!(self, Self::Internal)
    }
}

impl FromStr for ProcedureKind {
    type Err = ();
    /// Accepts the identifiers and the Russian abbreviations (ВПР, ОГЭ, ЕГЭ, РДР, НИКО).
    fn from_str(s: &str) -> Result<Self, ()> {
        let t = s.trim().to_lowercase();
        Ok(match t.as_str() {
            "vpr" | "впр" => Self::Vpr,
            "oge" | "огэ" | "гиа-9" => Self::Oge,
            "ege" | "егэ" | "гиа-11" => Self::Ege,
            "rdr" | "рдр" => Self::Rdr,
            "diagnostic" | "диагностическая" => Self::Diagnostic,
            "trial" | "пробный" => Self::Trial,
            "niko" | "нико" => Self::Niko,
            "intl" => Self::Intl,
            "internal" => Self::Internal,
            _ => return Err(()),
        })
    }
}

impl fmt::Display for ProcedureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An academic year, named by the calendar year it starts in: 2025 is "2025/26".
///
/// ```
/// use oko::AcademicYear;
/// let y: AcademicYear = "2025/26".parse().unwrap();
/// assert_eq!(y, AcademicYear(2025));
/// assert_eq!(y.to_string(), "2025/26");
/// assert_eq!("2025-2026".parse::<AcademicYear>().unwrap(), y);
/// assert_eq!("2025".parse::<AcademicYear>().unwrap(), y);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AcademicYear(pub u16);

impl AcademicYear {
    /// The year before this one.
    pub fn prev(self) -> AcademicYear {
        AcademicYear(self.0 - 1)
    }
}

impl FromStr for AcademicYear {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let t = s.trim();
        let (first, second) = match t.split_once(['/', '-']) {
            Some((a, b)) => (a, Some(b)),
            None => (t, None),
        };
        let start: u16 = first.trim().parse().map_err(|_| ())?;
        if !(1990..=2100).contains(&start) {
            return Err(());
        }
        if let Some(b) = second {
            let end: u16 = b.trim().parse().map_err(|_| ())?;
            let ok = end == start + 1 || end == (start + 1) % 100;
            if !ok {
                return Err(());
            }
        }
        Ok(AcademicYear(start))
    }
}

impl fmt::Display for AcademicYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1) % 100)
    }
}

/// A marking period of internal marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Period {
    /// A term (четверть) 1..=4.
    Term(u8),
    /// A half-year (полугодие) 1..=2.
    Half(u8),
    /// The year mark (годовая).
    Year,
}

impl Period {
    /// Stable text form: `t1`..`t4`, `h1`, `h2`, `year`.
    pub fn as_text(self) -> String {
        match self {
            Period::Term(n) => format!("t{n}"),
            Period::Half(n) => format!("h{n}"),
            Period::Year => "year".to_owned(),
        }
    }

    /// Position within the year, for ordering "the last period before a date":
    /// terms and halves map onto the same quarter timeline, the year mark comes last.
    pub fn end_quarter(self) -> u8 {
        match self {
            Period::Term(n) => n,
            Period::Half(n) => n * 2,
            Period::Year => 5,
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            Period::Term(n) => n,
            Period::Half(n) => 10 + n,
            Period::Year => 20,
        }
    }

    pub(crate) fn from_code(c: u8) -> Period {
        match c {
            1..=4 => Period::Term(c),
            11 | 12 => Period::Half(c - 10),
            _ => Period::Year,
        }
    }
}

impl FromStr for Period {
    type Err = ();
    /// Accepts `t1`..`t4`, `h1`, `h2`, `year`, and Russian forms such as `1 четверть`,
    /// `2 полугодие`, `год`, `годовая`.
    fn from_str(s: &str) -> Result<Self, ()> {
        // The canonical forms first, without allocating: this runs once per mark row.
        match s.trim() {
            "t1" => return Ok(Period::Term(1)),
            "t2" => return Ok(Period::Term(2)),
            "t3" => return Ok(Period::Term(3)),
            "t4" => return Ok(Period::Term(4)),
            "h1" => return Ok(Period::Half(1)),
            "h2" => return Ok(Period::Half(2)),
            "year" => return Ok(Period::Year),
            _ => {}
        }
        let t = s.trim().to_lowercase();
        let digit = t
            .chars()
            .find(|c| c.is_ascii_digit())
            .and_then(|c| c.to_digit(10));
        let n = digit.map(|d| d as u8);
        if t == "year" || t.starts_with("год") {
            return Ok(Period::Year);
        }
        match n {
            Some(n @ 1..=4) if t.starts_with('t') || t.contains("четв") => Ok(Period::Term(n)),
            Some(n @ 1..=2) if t.starts_with('h') || t.contains("полуг") => {
                Ok(Period::Half(n))
            }
            _ => Err(()),
        }
    }
}

/// One task of a procedure with its maximum score and optional task group
/// (e.g. "geometry" for ОГЭ maths, whose mark has a condition on that group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Maximum primary score for the task.
    pub max_score: u16,
    /// Task group label, if any.
    pub group: Option<String>,
}

/// An assessment procedure: what was written, by which grade, in which year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// The users' id of the procedure.
    pub id: String,
    /// ВПР, ОГЭ, ...
    pub kind: ProcedureKind,
    /// Subject identifier (e.g. `math`, `russian`).
    pub subject: String,
    /// Grade (parallel) that wrote it, 1..=11.
    pub grade: u8,
    /// Academic year.
    pub year: AcademicYear,
    /// Date it was written, when known.
    pub date: Option<crate::Date>,
    /// Maximum primary score.
    pub max_score: u16,
    /// Per-task maxima and groups, when known.
    pub tasks: Vec<Task>,
    /// Id of the scale that turns primary scores into marks, when the ruleset has one.
    pub scale: Option<String>,
}

impl Procedure {
    /// Short human label such as `vpr math 5 2025/26`; trials and diagnostics, which run
    /// several times a year, add their date.
    pub fn label(&self) -> String {
        let base = format!(
            "{} {} {} {}",
            self.kind, self.subject, self.grade, self.year
        );
        match (self.kind, self.date) {
            (
                ProcedureKind::Trial | ProcedureKind::Diagnostic | ProcedureKind::Internal,
                Some(d),
            ) => format!("{base} {d}"),
            _ => base,
        }
    }
}
