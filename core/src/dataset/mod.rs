//! The dataset: entities, procedures, results and marks in columnar storage with interned
//! ids, built and validated row by row through [`DatasetBuilder`].

mod builder;
mod columns;
mod replay;
mod rows;

pub use builder::{DatasetBuilder, Limits as DataLimits, Policy};
pub use columns::{CellValue, ColumnSpec, TableReport, TableSource, columns_of, parse_decimal};
pub use replay::shuffled_order;
pub use rows::{
    AssignmentRow, ClassRow, CompetencyTestRow, MarkRow, MukoEvidenceRow, MukoStatus,
    MunicipalityRow, Olympiad, ProcedureRow, ResultRow, SchoolKind, SchoolRow, StudentRow,
    TeacherRow, TrainingRow,
};

use crate::date::Date;
use crate::error::DataError;
use crate::ids::Interner;
use crate::mark::MarkValue;
use crate::procedure::{AcademicYear, Period, Procedure};
use rust_decimal::Decimal;

/// Sentinel for "no value" in `u16` score columns.
pub(crate) const NO_SCORE: u16 = u16::MAX;

/// A municipality.
#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A school.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Index of its municipality.
    pub municipality: u32,
    /// Kind.
    pub kind: SchoolKind,
    /// Rural location.
    pub rural: Option<bool>,
    /// Context values aligned with [`Dataset::context_fields`].
    pub context: Vec<Option<Decimal>>,
}

/// A class.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    /// Id.
    pub id: String,
    /// Index of its school.
    pub school: u32,
    /// Grade 1..=11.
    pub grade: u8,
    /// Display name.
    pub name: String,
    /// Index of its (school, grade) entity in [`Dataset::grades`].
    pub grade_entity: u32,
}

/// A grade (parallel) within a school, e.g. all grade-5 classes of school 12.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grade {
    /// School index.
    pub school: u32,
    /// Grade 1..=11.
    pub grade: u8,
}

/// A teacher.
#[derive(Debug, Clone, PartialEq)]
pub struct Teacher {
    /// Id.
    pub id: String,
    /// School index.
    pub school: u32,
    /// Qualification category.
    pub category: Option<String>,
}

/// A teaching assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    /// Teacher index.
    pub teacher: u32,
    /// Class index.
    pub class: u32,
    /// Subject index.
    pub subject: u32,
}

/// A training record.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    /// Teacher index.
    pub teacher: u32,
    /// Date completed.
    pub date: Date,
    /// Topic.
    pub topic: String,
    /// On assessment quality.
    pub assessment: bool,
}

/// A competency-test result.
#[derive(Debug, Clone, PartialEq)]
pub struct CompetencyTest {
    /// Teacher index.
    pub teacher: u32,
    /// Date.
    pub date: Date,
    /// Subject index.
    pub subject: u32,
    /// Score.
    pub score: Decimal,
    /// Maximum score.
    pub max_score: Decimal,
}

/// An item of a school's МУКО self-evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MukoEvidence {
    /// School index.
    pub school: u32,
    /// Direction id.
    pub direction: String,
    /// Component id.
    pub component: String,
    /// State.
    pub status: MukoStatus,
    /// Link to the evidence.
    pub link: Option<String>,
}

/// Students in columns.
#[derive(Debug, Clone, Default)]
pub struct Students {
    pub(crate) ids: Interner,
    pub(crate) class: Vec<u32>,
    pub(crate) attestat: Vec<Option<bool>>,
    pub(crate) honours: Vec<Option<bool>>,
    pub(crate) olympiad: Vec<Option<Olympiad>>,
    pub(crate) attendance: Vec<Option<Decimal>>,
}

impl Students {
    /// Number of students.
    pub fn len(&self) -> usize {
        self.class.len()
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.class.is_empty()
    }
    /// Id of student `i`.
    pub fn id(&self, i: u32) -> &str {
        self.ids.name(i)
    }
    /// Index of a student id.
    pub fn index(&self, id: &str) -> Option<u32> {
        self.ids.get(id)
    }
    /// Current class of each student.
    pub fn class(&self) -> &[u32] {
        &self.class
    }
    /// Attestat received.
    pub fn attestat(&self) -> &[Option<bool>] {
        &self.attestat
    }
    /// Attestat with honours.
    pub fn honours(&self) -> &[Option<bool>] {
        &self.honours
    }
    /// Olympiad outcome.
    pub fn olympiad(&self) -> &[Option<Olympiad>] {
        &self.olympiad
    }
    /// Attendance in percent.
    pub fn attendance(&self) -> &[Option<Decimal>] {
        &self.attendance
    }
}

/// External results in columns; row `i` of every column is one result.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub(crate) student: Vec<u32>,
    pub(crate) class: Vec<u32>,
    pub(crate) procedure: Vec<u32>,
    pub(crate) score: Vec<u16>,
    pub(crate) mark: Vec<u8>,
    pub(crate) test_score: Vec<u16>,
    pub(crate) task_start: Vec<u32>,
    pub(crate) task_scores: Vec<u16>,
}

impl Results {
    /// Number of results.
    pub fn len(&self) -> usize {
        self.student.len()
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.student.is_empty()
    }
    /// Student index per result.
    pub fn student(&self) -> &[u32] {
        &self.student
    }
    /// Class index per result (the class it was written in).
    pub fn class(&self) -> &[u32] {
        &self.class
    }
    /// Procedure index per result.
    pub fn procedure(&self) -> &[u32] {
        &self.procedure
    }
    /// Primary score of result `i`.
    pub fn score(&self, i: usize) -> Option<u16> {
        Some(self.score[i]).filter(|&s| s != NO_SCORE)
    }
    /// Reported mark of result `i` (not derived).
    pub fn mark(&self, i: usize) -> Option<u8> {
        Some(self.mark[i]).filter(|&m| m != 0)
    }
    /// Test score of result `i`.
    pub fn test_score(&self, i: usize) -> Option<u16> {
        Some(self.test_score[i]).filter(|&s| s != NO_SCORE)
    }
    /// Per-task scores of result `i` (empty when not given).
    pub fn task_scores(&self, i: usize) -> &[u16] {
        let end = self
            .task_start
            .get(i + 1)
            .copied()
            .unwrap_or(self.task_scores.len() as u32);
        &self.task_scores[self.task_start[i] as usize..end as usize]
    }
}

/// Internal marks in columns.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    pub(crate) student: Vec<u32>,
    pub(crate) subject: Vec<u32>,
    pub(crate) year: Vec<u16>,
    pub(crate) period: Vec<u8>,
    pub(crate) value: Vec<u8>,
}

impl Marks {
    /// Number of marks.
    pub fn len(&self) -> usize {
        self.student.len()
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.student.is_empty()
    }
    /// Student index per mark.
    pub fn student(&self) -> &[u32] {
        &self.student
    }
    /// Subject index per mark.
    pub fn subject(&self) -> &[u32] {
        &self.subject
    }
    /// Academic year of mark `i`.
    pub fn year(&self, i: usize) -> AcademicYear {
        AcademicYear(self.year[i])
    }
    /// Period of mark `i`.
    pub fn period(&self, i: usize) -> Period {
        Period::from_code(self.period[i])
    }
    /// Value of mark `i`.
    pub fn value(&self, i: usize) -> MarkValue {
        MarkValue::from_code(self.value[i])
    }
}

/// A validated dataset. Build it with [`DatasetBuilder`].
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub(crate) municipality_ids: Interner,
    pub(crate) municipalities: Vec<Municipality>,
    pub(crate) school_ids: Interner,
    pub(crate) schools: Vec<School>,
    pub(crate) context_fields: Vec<String>,
    pub(crate) class_ids: Interner,
    pub(crate) classes: Vec<Class>,
    pub(crate) grades: Vec<Grade>,
    pub(crate) teacher_ids: Interner,
    pub(crate) teachers: Vec<Teacher>,
    pub(crate) assignments: Vec<Assignment>,
    pub(crate) subjects: Interner,
    pub(crate) students: Students,
    pub(crate) procedure_ids: Interner,
    pub(crate) procedures: Vec<Procedure>,
    pub(crate) procedure_subject: Vec<u32>,
    pub(crate) results: Results,
    pub(crate) marks: Marks,
    pub(crate) trainings: Vec<Training>,
    pub(crate) competency_tests: Vec<CompetencyTest>,
    pub(crate) muko_evidence: Vec<MukoEvidence>,
    pub(crate) rejected: Vec<DataError>,
}

impl Dataset {
    /// Releases the spare capacity the columns grew into while rows arrived (up to half
    /// of each large column).
    pub(crate) fn shrink_to_fit(&mut self) {
        let s = &mut self.students;
        s.ids.shrink_to_fit();
        s.class.shrink_to_fit();
        s.attestat.shrink_to_fit();
        s.honours.shrink_to_fit();
        s.olympiad.shrink_to_fit();
        s.attendance.shrink_to_fit();
        let r = &mut self.results;
        r.student.shrink_to_fit();
        r.class.shrink_to_fit();
        r.procedure.shrink_to_fit();
        r.score.shrink_to_fit();
        r.mark.shrink_to_fit();
        r.test_score.shrink_to_fit();
        r.task_start.shrink_to_fit();
        r.task_scores.shrink_to_fit();
        let m = &mut self.marks;
        m.student.shrink_to_fit();
        m.subject.shrink_to_fit();
        m.year.shrink_to_fit();
        m.period.shrink_to_fit();
        m.value.shrink_to_fit();
        self.class_ids.shrink_to_fit();
        self.teacher_ids.shrink_to_fit();
        self.classes.shrink_to_fit();
        self.teachers.shrink_to_fit();
        self.assignments.shrink_to_fit();
        self.trainings.shrink_to_fit();
        self.competency_tests.shrink_to_fit();
        self.muko_evidence.shrink_to_fit();
    }

    /// Municipalities.
    pub fn municipalities(&self) -> &[Municipality] {
        &self.municipalities
    }
    /// Schools.
    pub fn schools(&self) -> &[School] {
        &self.schools
    }
    /// Names of the schools' context fields, in first-seen order.
    pub fn context_fields(&self) -> &[String] {
        &self.context_fields
    }
    /// Classes.
    pub fn classes(&self) -> &[Class] {
        &self.classes
    }
    /// Grades within schools.
    pub fn grades(&self) -> &[Grade] {
        &self.grades
    }
    /// Teachers.
    pub fn teachers(&self) -> &[Teacher] {
        &self.teachers
    }
    /// Teaching assignments.
    pub fn assignments(&self) -> &[Assignment] {
        &self.assignments
    }
    /// Subject names by index.
    pub fn subjects(&self) -> &Interner {
        &self.subjects
    }
    /// Students.
    pub fn students(&self) -> &Students {
        &self.students
    }
    /// Procedures.
    pub fn procedures(&self) -> &[Procedure] {
        &self.procedures
    }
    /// Subject index of each procedure.
    pub fn procedure_subjects(&self) -> &[u32] {
        &self.procedure_subject
    }
    /// External results.
    pub fn results(&self) -> &Results {
        &self.results
    }
    /// Internal marks.
    pub fn marks(&self) -> &Marks {
        &self.marks
    }
    /// Training records.
    pub fn trainings(&self) -> &[Training] {
        &self.trainings
    }
    /// Competency-test results.
    pub fn competency_tests(&self) -> &[CompetencyTest] {
        &self.competency_tests
    }
    /// МУКО self-evaluation evidence.
    pub fn muko_evidence(&self) -> &[MukoEvidence] {
        &self.muko_evidence
    }
    /// Rows skipped under the lenient policy, each with its code and location.
    pub fn rejected(&self) -> &[DataError] {
        &self.rejected
    }
    /// Index of a school id.
    pub fn school_index(&self, id: &str) -> Option<u32> {
        self.school_ids.get(id)
    }
    /// Index of a class id.
    pub fn class_index(&self, id: &str) -> Option<u32> {
        self.class_ids.get(id)
    }
    /// Index of a teacher id.
    pub fn teacher_index(&self, id: &str) -> Option<u32> {
        self.teacher_ids.get(id)
    }
    /// Index of a municipality id.
    pub fn municipality_index(&self, id: &str) -> Option<u32> {
        self.municipality_ids.get(id)
    }
    /// Index of a procedure id.
    pub fn procedure_index(&self, id: &str) -> Option<u32> {
        self.procedure_ids.get(id)
    }
}
