//! The tabular input layer: a file in, a table of trimmed string cells out,
//! each row with the number a person sees for it.
//!
//! # Design
//!
//! This layer knows files, not the domain: it yields [`Table`]s of text
//! cells and, through a [`Mapping`], where oko's canonical columns are.
//! Turning cells into marks and scores is the caller's business (with
//! helpers such as [`parse_decimal_cell`]).
//!
//! **Detected, and how to override it** (all in [`ReadOptions`]):
//! - *format* — by extension (`.csv`/`.tsv`/`.txt`, `.xlsx`/`.xlsm`,
//!   `.json`), else by content (a ZIP is XLSX, `[`/`{` is JSON, anything else
//!   CSV); `format` overrides it.
//! - *encoding* (CSV) — a UTF-8 BOM or a whole file of valid UTF-8 means
//!   UTF-8, a UTF-16 BOM means UTF-16, anything else Windows-1251 (the code
//!   page of Russian Excel); `encoding` forces UTF-8 or Windows-1251.
//!   Detection reads the file once before parsing, so it never guesses from
//!   a prefix.
//! - *separator* (CSV) — the most frequent of `,` `;` and tab outside quotes
//!   in the header line; a tie is an error (`input.separator`), no separator
//!   at all means one column; `separator` overrides it.
//! - *sheet* (XLSX) — the first sheet unless `sheet` names one.
//!
//! Fixed rules: cells are trimmed; rows whose cells are all blank are
//! skipped (their numbers are not reused); trailing empty fields past the
//! header are ignored, while a missing field or a value past the header is
//! `input.ragged_row`; an empty header after the last named one is dropped.
//! A file with a header and no rows is an empty table, not an error (the
//! caller decides); a file with no header at all is `input.empty`. In JSON,
//! strings are unescaped, numbers keep their exact spelling (`12.50`, `0.1`),
//! `null` and missing keys are empty cells, nested values are `input.json`.
//!
//! **Row numbers** are what a person sees: for CSV the line in a text editor
//! where the record starts (the header is usually line 1), for XLSX the row
//! number in Excel, for JSON the 1-based position of the record (or of the
//! value in each column array).
//!
//! **Large files**: CSV is streamed one record at a time ([`open_path`] gives
//! an iterator), each [`Row`] keeps its cells in one string buffer. XLSX and
//! JSON are read whole (calamine and the JSON text need it).
//!
//! **No values in errors.** Cells hold children's personal data: names,
//! ids, scores. Every [`InputError`] says what is wrong and where (file,
//! row, column header) — `file results.csv, row 17, column "Балл": not a
//! number` — and never quotes a cell. Messages of the libraries underneath
//! (csv, serde_json, calamine) can quote the input, so they are replaced by
//! our own text chosen from the error's kind. Headers may appear in messages.

mod cell;
mod csv;
mod detect;
mod error;
mod json;
mod mapping;
mod xlsx;

use std::fmt;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use cell::parse_decimal_cell;
pub use detect::{
    Encoding, EncodingOption, Format, FormatOption, SeparatorOption, format_from_content,
    format_from_extension,
};
pub use error::{CellError, ErrorKind, InputError, Location};
pub use mapping::{
    BUILTIN_MAPPINGS, BUILTIN_NAMES, ColumnMap, ColumnSpec, IDENTITY_MAPPING, MappedColumn,
    Mapping, TABLES, TASK_PATTERN, TableMapping, UnmappedColumn, normalize_header, table_from_name,
};

/// One data row: its number as a person sees it, and its trimmed cells in
/// one buffer.
#[derive(Clone, PartialEq, Eq)]
pub struct Row {
    number: u64,
    text: String,
    ends: Vec<u32>,
}

impl Row {
    /// A row from its number and cells (the cells are trimmed).
    pub fn new<I, S>(number: u64, cells: I) -> Row
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut row = Row::with_capacity(number, 0, 0);
        for c in cells {
            row.push(c.as_ref().trim());
        }
        row
    }

    pub(crate) fn with_capacity(number: u64, cells: usize, bytes: usize) -> Row {
        Row {
            number,
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(cells),
        }
    }

    /// Appends a cell as is.
    pub(crate) fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        // A row beyond 4 GiB of text cannot come from any file we read into
        // memory; saturate rather than wrap.
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// The row's number: the CSV line, the Excel row, or the JSON record.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cell at a 0-based column position.
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = if index == 0 {
            0
        } else {
            self.ends[index - 1] as usize
        };
        self.text.get(start..end)
    }

    /// The cells in order.
    pub fn cells(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.get(i).unwrap_or(""))
    }

    /// The cells, collected (handy in tests).
    pub fn to_vec(&self) -> Vec<&str> {
        self.cells().collect()
    }
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Row")
            .field("number", &self.number)
            .field("cells", &self.to_vec())
            .finish()
    }
}

/// Rows read in one go, their cells in one buffer: reading a large file this way
/// allocates nothing per row (the loader reuses batches).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RowBatch {
    text: String,
    /// End of each cell in `text`, cells of all rows in order.
    ends: Vec<u32>,
    /// Per row, the index in `ends` of its first cell; one more entry than rows.
    firsts: Vec<u32>,
    numbers: Vec<u64>,
}

/// Cells past this many bytes of text end a batch early, so that `u32` offsets hold.
const BATCH_TEXT_LIMIT: usize = 1 << 30;

impl RowBatch {
    /// An empty batch.
    pub fn new() -> RowBatch {
        RowBatch::default()
    }

    /// Empties the batch, keeping its buffers.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.firsts.clear();
        self.numbers.clear();
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    /// The rows' numbers, as [`Row::number`].
    pub fn numbers(&self) -> &[u64] {
        &self.numbers
    }

    /// The cell at a 0-based row and column position of the batch.
    pub fn cell(&self, row: usize, column: usize) -> Option<&str> {
        let first = *self.firsts.get(row)? as usize;
        let next = self
            .firsts
            .get(row + 1)
            .map_or(self.ends.len(), |&n| n as usize);
        let k = first + column;
        if k >= next {
            return None;
        }
        let end = self.ends[k] as usize;
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        self.text.get(start..end)
    }

    /// The row at a position, as a [`Row`].
    pub fn row(&self, row: usize) -> Option<Row> {
        let number = *self.numbers.get(row)?;
        let mut out = Row::with_capacity(number, 0, 0);
        let mut c = 0;
        while let Some(cell) = self.cell(row, c) {
            out.push(cell);
            c += 1;
        }
        Some(out)
    }

    /// Starts a row; its cells follow with [`RowBatch::push_cell`].
    pub(crate) fn start_row(&mut self, number: u64) {
        self.numbers.push(number);
        self.firsts
            .push(u32::try_from(self.ends.len()).unwrap_or(u32::MAX));
    }

    /// Appends a cell as is to the last row started.
    pub(crate) fn push_cell(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// Drops the last row started (a row that turned out bad while being copied).
    pub(crate) fn abandon_row(&mut self) {
        if let (Some(_), Some(first)) = (self.numbers.pop(), self.firsts.pop()) {
            let first = first as usize;
            let start = if first == 0 {
                0
            } else {
                self.ends[first - 1] as usize
            };
            self.ends.truncate(first);
            self.text.truncate(start);
        }
    }

    /// Appends a whole row.
    pub fn push_row(&mut self, row: &Row) {
        self.start_row(row.number());
        for cell in row.cells() {
            self.push_cell(cell);
        }
    }

    /// Whether the batch's text is large enough to end it.
    pub(crate) fn text_full(&self) -> bool {
        self.text.len() >= BATCH_TEXT_LIMIT
    }
}

impl fmt::Debug for RowBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries((0..self.len()).filter_map(|r| self.row(r)))
            .finish()
    }
}

/// How [`TableReader::read_batch`] ended.
#[derive(Debug)]
pub enum BatchEnd {
    /// The batch holds the rows asked for; more may follow.
    Full,
    /// No more rows.
    End,
    /// A row (or the file) could not be read; the rows before it are in the batch.
    /// After an error that concerns one row, reading can go on.
    Error(InputError),
}

/// A whole table read into memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The file name (without directories), used in messages.
    pub source: String,
    /// The headers, trimmed, in file order.
    pub headers: Vec<String>,
    /// The data rows, in file order.
    pub rows: Vec<Row>,
}

impl Table {
    /// The 0-based position of the first column with this header (exact
    /// match after trimming).
    pub fn column_index(&self, header: &str) -> Option<usize> {
        let header = header.trim();
        self.headers.iter().position(|h| h == header)
    }

    /// The location of a cell, for errors.
    pub fn location(&self, row: &Row, column: usize) -> Location {
        let loc = Location::file(&self.source).at_row(row.number());
        match self.headers.get(column) {
            Some(h) => loc.in_column(h.clone()),
            None => loc,
        }
    }
}

/// How to read a file; the default detects everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The file format.
    pub format: FormatOption,
    /// The text encoding (CSV only).
    pub encoding: EncodingOption,
    /// The field separator (CSV only).
    pub separator: SeparatorOption,
    /// The sheet to read (XLSX only); the first sheet when `None`.
    pub sheet: Option<String>,
}

/// What was used to read a file, detected or given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The format.
    pub format: Format,
    /// The text encoding (CSV only).
    pub encoding: Option<Encoding>,
    /// The field separator (CSV only).
    pub separator: Option<u8>,
    /// The sheet read (XLSX only).
    pub sheet: Option<String>,
}

/// Where the bytes come from; a path can be opened more than once.
pub(crate) enum Source {
    Path(PathBuf),
    Bytes(Arc<[u8]>),
}

impl Source {
    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        match self {
            Source::Path(p) => Ok(Box::new(std::fs::File::open(p)?)),
            Source::Bytes(b) => Ok(Box::new(Cursor::new(b.clone()))),
        }
    }

    fn read_all(&self) -> io::Result<Vec<u8>> {
        match self {
            Source::Path(p) => std::fs::read(p),
            Source::Bytes(b) => Ok(b.to_vec()),
        }
    }
}

enum Rows {
    Csv(Box<csv::CsvRows>),
    Buffered(std::vec::IntoIter<Row>),
}

/// An open table: its headers are known, its rows come one at a time.
///
/// Iterating yields `Result<Row, InputError>`; after an error in a row the
/// next rows can still be read (except after an I/O error, which ends the
/// iteration). [`TableReader::into_table`] collects, stopping at the first
/// error.
pub struct TableReader {
    source: String,
    headers: Vec<String>,
    detected: Detected,
    rows: Rows,
}

impl TableReader {
    /// The file name, as used in messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The headers.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The format, encoding, separator or sheet used.
    pub fn detected(&self) -> &Detected {
        &self.detected
    }

    /// Reads all remaining rows into a [`Table`].
    pub fn into_table(self) -> Result<Table, InputError> {
        let TableReader {
            source,
            headers,
            rows,
            ..
        } = self;
        let rows = match rows {
            Rows::Buffered(it) => it.collect(),
            Rows::Csv(csv) => csv.collect::<Result<Vec<Row>, InputError>>()?,
        };
        Ok(Table {
            source,
            headers,
            rows,
        })
    }
}

impl TableReader {
    /// Appends up to `max_rows` rows to `batch` (at least one is asked for), stopping
    /// early at the end or at an error, as the iterator would yield them.
    pub fn read_batch(&mut self, batch: &mut RowBatch, max_rows: usize) -> BatchEnd {
        let target = batch.len() + max_rows.max(1);
        match &mut self.rows {
            Rows::Csv(csv) => csv.read_batch(batch, target),
            Rows::Buffered(it) => {
                while batch.len() < target {
                    match it.next() {
                        Some(row) => batch.push_row(&row),
                        None => return BatchEnd::End,
                    }
                }
                BatchEnd::Full
            }
        }
    }
}

impl Iterator for TableReader {
    type Item = Result<Row, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.rows {
            Rows::Csv(csv) => csv.next(),
            Rows::Buffered(it) => it.next().map(Ok),
        }
    }
}

impl fmt::Debug for TableReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TableReader")
            .field("source", &self.source)
            .field("headers", &self.headers)
            .field("detected", &self.detected)
            .finish_non_exhaustive()
    }
}

/// Opens a file for reading row by row (CSV is streamed).
pub fn open_path(path: impl AsRef<Path>, options: &ReadOptions) -> Result<TableReader, InputError> {
    let path = path.as_ref();
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    open_source(Source::Path(path.to_owned()), name, options)
}

/// Opens bytes already in memory; `name` is the file name, used for the
/// format's detection by extension and in messages.
pub fn open_bytes(
    name: &str,
    bytes: impl Into<Arc<[u8]>>,
    options: &ReadOptions,
) -> Result<TableReader, InputError> {
    open_source(Source::Bytes(bytes.into()), name.to_owned(), options)
}

/// Reads a whole file into a [`Table`].
pub fn read_path(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Table, InputError> {
    open_path(path, options)?.into_table()
}

/// Reads bytes in memory into a [`Table`]; see [`open_bytes`].
pub fn read_bytes(
    name: &str,
    bytes: impl Into<Arc<[u8]>>,
    options: &ReadOptions,
) -> Result<Table, InputError> {
    open_bytes(name, bytes, options)?.into_table()
}

fn open_source(
    source: Source,
    name: String,
    options: &ReadOptions,
) -> Result<TableReader, InputError> {
    let format = match options.format {
        FormatOption::Fixed(f) => f,
        FormatOption::Auto => match format_from_extension(Path::new(&name)) {
            Some(f) => f,
            None => {
                let mut head = Vec::with_capacity(64);
                source
                    .open()
                    .and_then(|r| r.take(64).read_to_end(&mut head))
                    .map_err(|e| {
                        InputError::io(Location::file(&name), "cannot read the file", e)
                    })?;
                format_from_content(&head)
            }
        },
    };
    match format {
        Format::Csv => {
            let start = csv::open(&source, &name, options.encoding, options.separator)?;
            Ok(TableReader {
                source: name,
                headers: start.headers,
                detected: Detected {
                    format,
                    encoding: Some(start.encoding),
                    separator: Some(start.separator),
                    sheet: None,
                },
                rows: Rows::Csv(Box::new(start.rows)),
            })
        }
        Format::Xlsx => {
            let sheet = xlsx::read(&source, &name, options.sheet.as_deref())?;
            Ok(TableReader {
                source: name,
                headers: sheet.headers,
                detected: Detected {
                    format,
                    encoding: None,
                    separator: None,
                    sheet: Some(sheet.name),
                },
                rows: Rows::Buffered(sheet.rows.into_iter()),
            })
        }
        Format::Json => {
            let table = json::read(&source, &name)?;
            Ok(TableReader {
                source: name,
                headers: table.headers,
                detected: Detected {
                    format,
                    encoding: None,
                    separator: None,
                    sheet: None,
                },
                rows: Rows::Buffered(table.rows.into_iter()),
            })
        }
    }
}

#[cfg(test)]
mod batch_tests {
    use super::*;

    #[test]
    fn batches_keep_rows_and_cells_apart() {
        let mut b = RowBatch::new();
        b.push_row(&Row::new(2, ["a", "", "ccc"]));
        b.start_row(5);
        b.push_cell("x");
        b.push_cell("yy");
        b.abandon_row();
        b.push_row(&Row::new(7, ["", "ё", ""]));
        assert_eq!(b.len(), 2);
        assert_eq!(b.numbers(), [2, 7]);
        assert_eq!(b.row(0).unwrap().to_vec(), ["a", "", "ccc"]);
        assert_eq!(b.row(1).unwrap().to_vec(), ["", "ё", ""]);
        assert_eq!(b.cell(1, 1), Some("ё"));
        assert_eq!(b.cell(0, 3), None);
        assert_eq!(b.cell(2, 0), None);
        b.clear();
        assert!(b.is_empty());
        assert_eq!(b.cell(0, 0), None);
    }

    #[test]
    fn reading_in_batches_gives_the_rows_the_iterator_gives() {
        let text = "a;b\r\n1;2\r\n\r\n3;4\r\n5;6;7\r\n8; 9 \r\n";
        let rows: Vec<Result<Row, InputError>> =
            open_bytes("t.csv", text.as_bytes().to_vec(), &ReadOptions::default())
                .unwrap()
                .collect();
        for size in [1, 2, 100] {
            let mut reader =
                open_bytes("t.csv", text.as_bytes().to_vec(), &ReadOptions::default()).unwrap();
            let mut got: Vec<Result<Row, InputError>> = Vec::new();
            loop {
                let mut b = RowBatch::new();
                let end = reader.read_batch(&mut b, size);
                got.extend((0..b.len()).filter_map(|r| b.row(r)).map(Ok));
                match end {
                    BatchEnd::Full => {}
                    BatchEnd::End => break,
                    BatchEnd::Error(e) => got.push(Err(e)),
                }
            }
            assert_eq!(format!("{got:?}"), format!("{rows:?}"), "batches of {size}");
        }
        assert!(rows.iter().any(Result::is_err));
    }
}
