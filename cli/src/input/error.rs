//! Errors of the input layer: a stable code, a location, and a message that
//! never quotes a cell's value.

use std::fmt;

/// What went wrong, as a closed set of stable machine codes.
///
/// The code strings (see [`ErrorKind::code`]) are part of the public contract:
/// scripts and bindings match on them, so they change rarely or never.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The bytes are not text in the expected encoding (`input.encoding`).
    Encoding,
    /// The CSV separator is ambiguous or an override is invalid (`input.separator`).
    Separator,
    /// The file is not a readable XLSX workbook or the sheet is missing (`input.xlsx`).
    Xlsx,
    /// The JSON is malformed or not one of the accepted shapes (`input.json`).
    Json,
    /// A mapping file is malformed, unknown, or maps two headers to one column
    /// (`input.mapping`).
    Mapping,
    /// A required canonical column is not among the headers (`input.missing_column`).
    MissingColumn,
    /// A row has a different number of fields than the header (`input.ragged_row`).
    RaggedRow,
    /// A cell that must hold a number does not (`input.decimal`).
    Decimal,
    /// The file could not be read (`input.io`).
    Io,
    /// The file holds no header at all (`input.empty`).
    Empty,
    /// An option given by the user is not recognised (`input.option`).
    Option,
}

impl ErrorKind {
    /// The stable machine code, e.g. `"input.ragged_row"`.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Encoding => "input.encoding",
            ErrorKind::Separator => "input.separator",
            ErrorKind::Xlsx => "input.xlsx",
            ErrorKind::Json => "input.json",
            ErrorKind::Mapping => "input.mapping",
            ErrorKind::MissingColumn => "input.missing_column",
            ErrorKind::RaggedRow => "input.ragged_row",
            ErrorKind::Decimal => "input.decimal",
            ErrorKind::Io => "input.io",
            ErrorKind::Empty => "input.empty",
            ErrorKind::Option => "input.option",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Where a problem is: a file, and optionally a row and a column.
///
/// `row` is the number a person sees: the line in a text editor for CSV (the
/// line where the record starts), the row number in Excel for XLSX, and the
/// 1-based position of the record for JSON. `column` is the column's header as
/// written in the file (or a canonical column name for mapping errors).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The file name (without directories), or the mapping's name.
    pub file: String,
    /// The row, 1-based, as a person sees it.
    pub row: Option<u64>,
    /// The column's name.
    pub column: Option<String>,
}

impl Location {
    /// A location naming only a file.
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            row: None,
            column: None,
        }
    }

    /// The same location at a row.
    pub fn at_row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }

    /// The same location in a column.
    pub fn in_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "file {}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column:?}")?;
        }
        Ok(())
    }
}

/// An error of the input layer.
///
/// Displayed as `file results.csv, row 17, column "Балл": not a number`.
/// The message describes the problem and its place, never the offending
/// value: cells hold children's personal data.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {message}")]
pub struct InputError {
    kind: ErrorKind,
    location: Location,
    message: String,
    #[source]
    source: Option<std::io::Error>,
}

impl InputError {
    /// A new error. `message` must not contain any cell value.
    pub fn new(kind: ErrorKind, location: Location, message: impl Into<String>) -> Self {
        InputError {
            kind,
            location,
            message: message.into(),
            source: None,
        }
    }

    /// An `input.io` error keeping the I/O error as its source.
    pub fn io(location: Location, what: &str, source: std::io::Error) -> Self {
        InputError {
            kind: ErrorKind::Io,
            location,
            message: format!("{what}: {}", source.kind()),
            source: Some(source),
        }
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable machine code, e.g. `"input.decimal"`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// Where the problem is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The message without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Why a single cell could not be read as a value; turn it into an
/// [`InputError`] with [`CellError::at`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CellError {
    /// The cell is empty (or only whitespace).
    #[error("empty cell, a number was expected")]
    Empty,
    /// The cell is not a number.
    #[error("not a number")]
    NotANumber,
    /// The cell is a number that does not fit an exact decimal (28 digits).
    #[error("number out of range")]
    OutOfRange,
}

impl CellError {
    /// The stable machine code of this cell error.
    pub fn code(self) -> &'static str {
        self.kind().code()
    }

    /// The kind an [`InputError`] made from this error has.
    pub fn kind(self) -> ErrorKind {
        ErrorKind::Decimal
    }

    /// The error at a location, e.g. `file r.csv, row 17, column "Балл": not a number`.
    pub fn at(self, location: Location) -> InputError {
        InputError::new(self.kind(), location, self.to_string())
    }
}
