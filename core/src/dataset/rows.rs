//! Row types: how callers hand data to the [`DatasetBuilder`](super::DatasetBuilder).
//! Large tables (students, results, marks) borrow their strings so that building a
//! dataset from millions of rows allocates only for new ids.

use crate::date::Date;
use crate::procedure::{AcademicYear, Period};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The kind of a school; lyceums and gymnasiums (and schools with in-depth study) are
/// selective, which some objectivity checks treat differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolKind {
    /// An ordinary school (СОШ, ООШ, НОШ).
    #[default]
    Regular,
    /// Лицей.
    Lyceum,
    /// Гимназия.
    Gymnasium,
    /// A school with in-depth study of subjects (СОШ с УИОП).
    InDepth,
    /// A special (correctional) or boarding school.
    Special,
}

impl SchoolKind {
    /// Identifier used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Regular => "regular",
            Self::Lyceum => "lyceum",
            Self::Gymnasium => "gymnasium",
            Self::InDepth => "in_depth",
            Self::Special => "special",
        }
    }

    /// Lyceum, gymnasium or in-depth study.
    pub fn is_selective(self) -> bool {
        matches!(self, Self::Lyceum | Self::Gymnasium | Self::InDepth)
    }
}

impl FromStr for SchoolKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let t = s.trim().to_lowercase();
        Ok(match t.as_str() {
            "" | "regular" | "сош" | "оош" | "нош" | "школа" => Self::Regular,
            "lyceum" | "лицей" => Self::Lyceum,
            "gymnasium" | "гимназия" => Self::Gymnasium,
            "in_depth" | "уиоп" | "сош с уиоп" => Self::InDepth,
            "special" | "коррекционная" | "интернат" => Self::Special,
            _ => return Err(()),
        })
    }
}

/// A student's olympiad outcome in the year (seed 003 indicators 7 and 8).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Olympiad {
    /// Took no part.
    #[default]
    None,
    /// Took part (участник).
    Participant,
    /// Prize-winner (призёр).
    PrizeWinner,
    /// Winner (победитель).
    Winner,
}

impl FromStr for Olympiad {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let t = s.trim().to_lowercase();
        Ok(match t.as_str() {
            "" | "none" | "нет" => Self::None,
            "participant" | "участник" => Self::Participant,
            "prize_winner" | "prize" | "призёр" | "призер" => Self::PrizeWinner,
            "winner" | "победитель" => Self::Winner,
            _ => return Err(()),
        })
    }
}

/// A municipality (муниципалитет).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MunicipalityRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A school with its context fields (shares of low-income families, pupils with special
/// needs, ...), which feed the social-welfare index. Context values are in percent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Municipality id.
    pub municipality: String,
    /// Kind.
    pub kind: SchoolKind,
    /// Rural location.
    pub rural: Option<bool>,
    /// Named context values (e.g. `low_income`: 23.5 percent), `None` when unknown.
    pub context: Vec<(String, Option<Decimal>)>,
}

/// A class (e.g. "5А") in a school.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassRow {
    /// Id, unique in the dataset.
    pub id: String,
    /// School id.
    pub school: String,
    /// Grade (parallel) 1..=11.
    pub grade: u8,
    /// Display name such as "5А".
    pub name: String,
}

/// A teacher.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeacherRow {
    /// Id.
    pub id: String,
    /// School id.
    pub school: String,
    /// Qualification category (высшая, первая, соответствие, ...), when known.
    pub category: Option<String>,
}

/// A teacher teaching a subject in a class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentRow {
    /// Teacher id.
    pub teacher: String,
    /// Class id.
    pub class: String,
    /// Subject.
    pub subject: String,
}

/// A student, with the year's outcome fields used by seed 003.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StudentRow<'a> {
    /// Id.
    pub id: &'a str,
    /// Class id (the current class; a result may name the class it was written in).
    pub class: &'a str,
    /// School-leaving certificate received (graduates only).
    pub attestat: Option<bool>,
    /// Certificate with honours (graduates only).
    pub honours: Option<bool>,
    /// Olympiad outcome.
    pub olympiad: Option<Olympiad>,
    /// Attendance in percent of lessons, when given.
    pub attendance: Option<Decimal>,
}

/// A procedure; see [`Procedure`](crate::Procedure) for the fields.
pub type ProcedureRow = crate::procedure::Procedure;

/// One student's external result in one procedure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResultRow<'a> {
    /// Student id.
    pub student: &'a str,
    /// Procedure id.
    pub procedure: &'a str,
    /// The class the student wrote it in, when it differs from the current class.
    pub class: Option<&'a str>,
    /// Primary score.
    pub primary_score: Option<u32>,
    /// Per-task scores, in the procedure's task order.
    pub task_scores: Option<&'a [u32]>,
    /// Mark as reported (validated to 1..5); when absent it is derived from the scale.
    pub mark: Option<u32>,
    /// ЕГЭ test score 0..100.
    pub test_score: Option<u32>,
}

/// One internal mark.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarkRow<'a> {
    /// Student id.
    pub student: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Academic year.
    pub year: AcademicYear,
    /// Period.
    pub period: Period,
    /// The mark as written: `2`..`5`, `1`, `н/а`, `осв.`.
    pub mark: &'a str,
}

/// A teacher's in-service training record (повышение квалификации).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRow {
    /// Teacher id.
    pub teacher: String,
    /// Date completed.
    pub date: Date,
    /// Topic or programme.
    pub topic: String,
    /// True when the training is on assessment quality (seed 003 indicator 9).
    pub assessment: bool,
}

/// The state of a МУКО evidence item (seed 002).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MukoStatus {
    /// The document or practice exists (есть).
    Present,
    /// Partly (частично).
    Partial,
    /// Absent (нет).
    Absent,
}

impl MukoStatus {
    /// Identifier used in files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Partial => "partial",
            Self::Absent => "absent",
        }
    }
}

impl FromStr for MukoStatus {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let t = s.trim().to_lowercase();
        Ok(match t.as_str() {
            "present" | "есть" | "да" | "yes" | "+" | "1" => Self::Present,
            "partial" | "частично" | "±" | "0.5" => Self::Partial,
            "absent" | "нет" | "no" | "-" | "0" | "отсутствует" => Self::Absent,
            _ => return Err(()),
        })
    }
}

/// One item of a school's МУКО self-evaluation: a direction's management-cycle component
/// with its state and a link to the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MukoEvidenceRow {
    /// School id.
    pub school: String,
    /// Direction id, as the rules name it ("1".."9").
    pub direction: String,
    /// Component id (goals, indicators, ..., effectiveness).
    pub component: String,
    /// Its state.
    pub status: MukoStatus,
    /// A link to the document or page.
    pub link: Option<String>,
}

/// A teacher's competency-test result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetencyTestRow {
    /// Teacher id.
    pub teacher: String,
    /// Date taken.
    pub date: Date,
    /// Subject.
    pub subject: String,
    /// Score obtained.
    pub score: Decimal,
    /// Maximum score.
    pub max_score: Decimal,
}
