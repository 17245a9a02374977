//! Errors with stable machine codes and locations that never carry personal values.
//!
//! A code is `category.name`; the category (`data`, `rule`, `limit`) tells bindings which
//! exception class to raise. Messages cite table, row and column, never a cell's content:
//! cells hold children's names, ids and scores.

use std::fmt;

/// The input tables of a [`Dataset`](crate::Dataset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableName {
    /// Municipalities.
    Municipalities,
    /// Schools.
    Schools,
    /// Classes.
    Classes,
    /// Teachers.
    Teachers,
    /// Teaching assignments (teacher × class × subject).
    Assignments,
    /// Students.
    Students,
    /// Procedures.
    Procedures,
    /// External results.
    Results,
    /// Internal marks.
    Marks,
    /// Teacher training records.
    Trainings,
    /// Teacher competency-test results.
    CompetencyTests,
    /// МУКО self-evaluation evidence (school × direction × management-cycle component).
    MukoEvidence,
}

impl TableName {
    /// Every table, in dependency order (the order of declaration): a table's rows refer
    /// only to tables before it, so a builder takes them in this order.
    ///
    /// ```
    /// use oko::TableName;
    /// assert_eq!(TableName::ALL[0], TableName::Municipalities);
    /// assert!(TableName::ALL.is_sorted());
    /// ```
    pub const ALL: [TableName; 12] = [
        TableName::Municipalities,
        TableName::Schools,
        TableName::Classes,
        TableName::Teachers,
        TableName::Assignments,
        TableName::Students,
        TableName::Procedures,
        TableName::Results,
        TableName::Marks,
        TableName::Trainings,
        TableName::CompetencyTests,
        TableName::MukoEvidence,
    ];

    /// File-style name: `schools`, `results`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Municipalities => "municipalities",
            Self::Schools => "schools",
            Self::Classes => "classes",
            Self::Teachers => "teachers",
            Self::Assignments => "assignments",
            Self::Students => "students",
            Self::Procedures => "procedures",
            Self::Results => "results",
            Self::Marks => "marks",
            Self::Trainings => "trainings",
            Self::CompetencyTests => "competency_tests",
            Self::MukoEvidence => "muko_evidence",
        }
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a data error is: table, 1-based data row (not counting a header) and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Table.
    pub table: TableName,
    /// 1-based row number among the table's data rows.
    pub row: u64,
    /// Column name.
    pub column: &'static str,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, row {}, column {}",
            self.table, self.row, self.column
        )
    }
}

/// What is wrong with a data row. Each variant has its own stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DataErrorKind {
    /// A required id is empty.
    EmptyId,
    /// A required value is missing.
    MissingValue,
    /// A required column is missing from a table (row 0).
    MissingColumn,
    /// The same entity id appears twice.
    DuplicateId,
    /// A value is not of the expected form (number, enum, date).
    InvalidValue,
    /// A mark outside 1..5 (and not н/а or осв.).
    MarkOutOfRange,
    /// A grade outside 1..11.
    GradeOutOfRange,
    /// A primary score above the procedure's maximum.
    ScoreAboveMax,
    /// Per-task scores do not fit the procedure's tasks or do not add up.
    TaskScores,
    /// A test score outside 0..100.
    TestScoreOutOfRange,
    /// A result names a procedure that was not defined.
    UnknownProcedure,
    /// A row names a student that was not defined.
    UnknownStudent,
    /// A row names a class that was not defined.
    UnknownClass,
    /// A row names a school that was not defined.
    UnknownSchool,
    /// A row names a municipality that was not defined.
    UnknownMunicipality,
    /// A row names a teacher that was not defined.
    UnknownTeacher,
    /// The same student has two results for one procedure.
    DuplicateResult,
    /// The same student has two internal marks for one subject, year and period.
    DuplicateMark,
    /// A table is larger than the configured limit.
    TooManyRows,
    /// An id or reference (or a subject) is longer than the configured limit.
    IdTooLong,
    /// A text cell is longer than the configured limit.
    CellTooLong,
    /// A table has more columns than the configured limit (row 0).
    TooManyColumns,
    /// More distinct subjects than the configured limit.
    TooManySubjects,
    /// More scopes (procedures plus internal-mark periods) than the configured limit.
    TooManyScopes,
    /// The dataset would need more (scope × class) cells than the configured limit (row 0).
    TooManyClassScopes,
}

impl DataErrorKind {
    /// Stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            Self::EmptyId => "data.empty_id",
            Self::MissingValue => "data.missing_value",
            Self::MissingColumn => "data.missing_column",
            Self::DuplicateId => "data.duplicate_id",
            Self::InvalidValue => "data.invalid_value",
            Self::MarkOutOfRange => "data.mark_out_of_range",
            Self::GradeOutOfRange => "data.grade_out_of_range",
            Self::ScoreAboveMax => "data.score_above_max",
            Self::TaskScores => "data.task_scores",
            Self::TestScoreOutOfRange => "data.test_score_out_of_range",
            Self::UnknownProcedure => "data.unknown_procedure",
            Self::UnknownStudent => "data.unknown_student",
            Self::UnknownClass => "data.unknown_class",
            Self::UnknownSchool => "data.unknown_school",
            Self::UnknownMunicipality => "data.unknown_municipality",
            Self::UnknownTeacher => "data.unknown_teacher",
            Self::DuplicateResult => "data.duplicate_result",
            Self::DuplicateMark => "data.duplicate_mark",
            Self::TooManyRows => "limit.rows",
            Self::IdTooLong => "limit.id_length",
            Self::CellTooLong => "limit.cell_size",
            Self::TooManyColumns => "limit.columns",
            Self::TooManySubjects => "limit.subjects",
            Self::TooManyScopes => "limit.scopes",
            Self::TooManyClassScopes => "limit.class_scopes",
        }
    }

    /// What is wrong, in a short English sentence that quotes no value (the text after
    /// the location in [`DataError`]'s message).
    pub fn describe(self) -> &'static str {
        match self {
            Self::EmptyId => "the id is empty",
            Self::MissingValue => "a required value is missing",
            Self::MissingColumn => "a required column is missing from the table",
            Self::DuplicateId => "this id was already defined in an earlier row",
            Self::InvalidValue => "the value is not of the expected form",
            Self::MarkOutOfRange => "a mark must be 1..5, н/а or осв.",
            Self::GradeOutOfRange => "a grade must be 1..11",
            Self::ScoreAboveMax => "the primary score is above the procedure's maximum",
            Self::TaskScores => "the task scores do not fit the procedure's tasks or their sum",
            Self::TestScoreOutOfRange => "a test score must be 0..100",
            Self::UnknownProcedure => "the procedure is not defined in the procedures table",
            Self::UnknownStudent => "the student is not defined in the students table",
            Self::UnknownClass => "the class is not defined in the classes table",
            Self::UnknownSchool => "the school is not defined in the schools table",
            Self::UnknownMunicipality => {
                "the municipality is not defined in the municipalities table"
            }
            Self::UnknownTeacher => "the teacher is not defined in the teachers table",
            Self::DuplicateResult => "this student already has a result for this procedure",
            Self::DuplicateMark => {
                "this student already has a mark for this subject, year and period"
            }
            Self::TooManyRows => "the table has more rows than the configured limit",
            Self::IdTooLong => "the id is longer than the configured limit",
            Self::CellTooLong => "the cell is longer than the configured limit",
            Self::TooManyColumns => "the table has more columns than the configured limit",
            Self::TooManySubjects => "more distinct subjects than the configured limit",
            Self::TooManyScopes => {
                "more procedures and internal-mark periods than the configured limit"
            }
            Self::TooManyClassScopes => {
                "more (procedure or mark period) × class combinations than the configured limit"
            }
        }
    }
}

/// A rejected data row: its code, location and (when useful) the row it collides with.
/// The message never contains the row's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {location}: {}{}", kind.code(), kind.describe(), first_row.map(|r| format!(" (first seen in row {r})")).unwrap_or_default())]
pub struct DataError {
    /// What is wrong.
    pub kind: DataErrorKind,
    /// Where.
    pub location: Location,
    /// For duplicates: the earlier row.
    pub first_row: Option<u64>,
}

impl DataError {
    /// Stable machine code, e.g. `data.mark_out_of_range`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// A dataset that could not be built: every rejected row, in table and row order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} row(s) rejected; first: {}", errors.len(), errors.first().map(|e| e.to_string()).unwrap_or_default())]
pub struct DataErrors {
    /// All errors found (the builder does not stop at the first).
    pub errors: Vec<DataError>,
}
