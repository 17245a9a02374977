//! Loading a [`Dataset`] from files: a folder of tables, or a file per table.
//!
//! ```no_run
//! use oko_cli::load::{LoadOptions, load_dir};
//! let (dataset, report) = load_dir("data/".as_ref(), &LoadOptions::default())?;
//! print!("{report}");
//! # Ok::<(), oko_cli::load::LoadError>(())
//! ```
//!
//! # How
//!
//! Each file is opened by the input layer ([`crate::input`]: CSV in any of the
//! usual encodings and separators, XLSX, JSON), its headers are mapped to oko's
//! canonical column names by a [`Mapping`], and its rows are handed to the core's
//! [`DatasetBuilder::add_table`] as text cells, in chunks of
//! [`LoadOptions::chunk_rows`] rows: a CSV file is read on a second thread while
//! the builder validates the previous chunk, and is never held in memory whole.
//! Tables go in dependency order ([`TABLES`]), so every reference resolves the
//! moment its row arrives.
//!
//! The mapping given applies to the tables it names; the other tables use the
//! identity mapping `oko` (headers are the canonical names). So a federal ВПР
//! export can sit beside a folder of oko tables:
//! `--data dir --results vpr.xlsx --mapping fis-oko-vpr --procedure vpr-4-rus`.
//!
//! # Errors in the user's terms
//!
//! The builder numbers the rows it was offered; the loader keeps, per table, a
//! compact map from that number to the file's own row number (the CSV line, the
//! Excel row, the JSON record: see [`crate::input`]), and from canonical column
//! names back to the file's headers. Every [`Problem`] names the file, the row
//! as a person sees it and the column as the file heads it, with a stable code;
//! never a cell's value.
//!
//! Bad rows are either fatal ([`Policy::Strict`]: [`LoadError::Rejected`] lists
//! all of them) or skipped and reported ([`Policy::Lenient`]:
//! [`LoadReport::problems`]). Rows the input layer cannot read (a ragged row, a
//! cell in a broken encoding) count as bad rows too. Problems with a whole file
//! (missing, not a table, a required column absent, a broken mapping) fail the
//! load under either policy ([`LoadError::Input`], [`LoadError::Table`]).

use std::collections::HashMap;
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use oko::{
    CellValue, DataError, DataErrors, DataLimits, Dataset, DatasetBuilder, Policy, TableName,
    TableSource,
};

use crate::input::{
    self, BatchEnd, ColumnMap, Detected, EncodingOption, ErrorKind, FormatOption, IDENTITY_MAPPING,
    InputError, Location, Mapping, ReadOptions, RowBatch, SeparatorOption, TABLES, TASK_PATTERN,
    TableReader,
};

/// A column whose every cell is one value given by the user, for files that
/// do not have it: e.g. the procedure of a federal ВПР export
/// (`--procedure vpr-4-rus`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constant {
    /// The table whose file gets the column.
    pub table: TableName,
    /// The canonical column name, e.g. `procedure`.
    pub column: String,
    /// The value of every cell.
    pub value: String,
    /// How the user gave it, e.g. `--procedure`: names the column in messages.
    pub origin: String,
}

/// How to load: reading, mapping, policy and limits.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// How to read every file (format, encoding, separator, sheet); one for all.
    pub read: ReadOptions,
    /// A built-in mapping name or a mapping file, for the tables it names;
    /// `None` (or for the other tables): the identity mapping `oko`.
    pub mapping: Option<String>,
    /// Fail on any bad row (strict, the default) or skip and report them.
    pub policy: Policy,
    /// Size limits for untrusted data.
    pub limits: DataLimits,
    /// Columns given as one value for a whole file.
    pub constants: Vec<Constant>,
    /// Show a progress bar per file on stderr when stderr is a terminal.
    pub progress: bool,
    /// Rows handed to the builder at once (memory per table in flight is about
    /// three chunks).
    pub chunk_rows: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            read: ReadOptions::default(),
            mapping: None,
            policy: Policy::Strict,
            limits: DataLimits::default(),
            constants: Vec::new(),
            progress: false,
            chunk_rows: 65_536,
        }
    }
}

impl LoadOptions {
    /// The same options, skipping bad rows instead of failing.
    pub fn lenient(mut self) -> Self {
        self.policy = Policy::Lenient;
        self
    }

    /// The same options with a mapping (a built-in name or a TOML file).
    pub fn with_mapping(mut self, mapping: impl Into<String>) -> Self {
        self.mapping = Some(mapping.into());
        self
    }

    /// The same options with the `procedure` of every result given
    /// (`--procedure`), for a results file without a procedure column.
    pub fn with_procedure(mut self, id: impl Into<String>) -> Self {
        self.constants.push(Constant {
            table: TableName::Results,
            column: "procedure".into(),
            value: id.into(),
            origin: "--procedure".into(),
        });
        self
    }

    /// The same options with the academic `year` of every mark given
    /// (`--year`), for a journal export without a year column.
    pub fn with_year(mut self, year: impl Into<String>) -> Self {
        self.constants.push(Constant {
            table: TableName::Marks,
            column: "year".into(),
            value: year.into(),
            origin: "--year".into(),
        });
        self
    }
}

/// One problem with one row (or with a table, `row` `None`), in the file's
/// terms. Displayed as
/// `data.mark_out_of_range: file results.csv, row 17, column "Отметка": a mark must be 1..5, н/а or осв.`;
/// never with a cell's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Stable code: `data.*` from validation, `input.*` from reading.
    pub code: &'static str,
    /// The table.
    pub table: TableName,
    /// The file name (no directories).
    pub file: String,
    /// The row as a person sees it in the file (CSV line, Excel row, JSON record).
    pub row: Option<u64>,
    /// The column as the file heads it (or the canonical name when the file
    /// has no such column, or the option that gave it, e.g. `--procedure`).
    pub column: Option<String>,
    /// For duplicates: the file row of the first occurrence.
    pub first_row: Option<u64>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: file {}", self.code, self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column:?}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(first) = self.first_row {
            write!(f, " (first seen in row {first})")?;
        }
        Ok(())
    }
}

impl Problem {
    fn from_input(table: TableName, e: &InputError) -> Problem {
        let loc = e.location();
        Problem {
            code: e.code(),
            table,
            file: loc.file.clone(),
            row: loc.row,
            column: loc.column.clone(),
            first_row: None,
            message: e.message().to_owned(),
        }
    }
}

/// What was read from one file.
#[derive(Debug, Clone)]
pub struct TableLoad {
    /// The table.
    pub table: TableName,
    /// The file name, as in messages.
    pub file: String,
    /// The path read.
    pub path: PathBuf,
    /// The mapping used for it.
    pub mapping: String,
    /// Format, encoding, separator or sheet, as detected or given.
    pub detected: Detected,
    /// Data rows in the file (blank rows not counted).
    pub rows: u64,
    /// Rows skipped or failing: unreadable ones and those validation rejected.
    pub rejected: u64,
    /// Headers of the columns that oko did not read (not in the mapping, or
    /// mapped to a name the core does not use, such as `sex`).
    pub ignored_columns: Vec<String>,
    /// Notes about the columns (one per column not read) and the reading,
    /// ready to show.
    pub warnings: Vec<String>,
    /// Time spent reading and validating the file.
    pub elapsed: Duration,
}

/// What a load did: per table, and every problem found.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    /// One entry per file read, in dependency order.
    pub tables: Vec<TableLoad>,
    /// Rows rejected, in table and file-row order (lenient: the rows skipped).
    /// At most [`DataLimits::max_errors_kept`] validation problems are kept.
    pub problems: Vec<Problem>,
    /// The exact number of problem rows, kept or not.
    pub problem_count: u64,
    /// Files in the folder that are not tables (e.g. `ground_truth.json`).
    pub unused_files: Vec<String>,
    /// Notes about the load as a whole.
    pub warnings: Vec<String>,
}

impl LoadReport {
    /// The entry of a table, if a file was read for it.
    pub fn table(&self, table: TableName) -> Option<&TableLoad> {
        self.tables.iter().find(|t| t.table == table)
    }
}

impl fmt::Display for LoadReport {
    /// One line per table, then the warnings and problems (the first 20).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for t in &self.tables {
            write!(
                f,
                "{:<17} {:<28} {:>10} rows {:>7.2} s",
                t.table.as_str(),
                t.file,
                t.rows,
                t.elapsed.as_secs_f64()
            )?;
            if t.rejected > 0 {
                write!(f, ", {} rejected", t.rejected)?;
            }
            writeln!(f)?;
            for w in &t.warnings {
                writeln!(f, "  note: {w}")?;
            }
        }
        if !self.unused_files.is_empty() {
            writeln!(f, "files not read: {}", self.unused_files.join(", "))?;
        }
        for w in &self.warnings {
            writeln!(f, "note: {w}")?;
        }
        for p in self.problems.iter().take(20) {
            writeln!(f, "{p}")?;
        }
        if self.problem_count > 20 {
            writeln!(f, "... {} problem(s) in all", self.problem_count)?;
        }
        Ok(())
    }
}

/// Strict mode's failure: every bad row, and the report of what was read.
#[derive(Debug, Clone)]
pub struct Rejected {
    /// The problems, in table and file-row order (capped like the report's).
    pub problems: Vec<Problem>,
    /// The exact number of bad rows.
    pub count: u64,
    /// What was read.
    pub report: LoadReport,
}

/// Whose fault an error is, for exit codes and exception classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCategory {
    /// A file could not be found, read, parsed or mapped (`input.*`).
    Input,
    /// The data was read but is not valid (`data.*`, `limit.*`).
    Data,
}

impl ErrorCategory {
    /// The process exit code: 3 for bad data (as `oko`'s other commands),
    /// 5 for an input file that cannot be read or mapped.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorCategory::Data => 3,
            ErrorCategory::Input => 5,
        }
    }
}

/// A load that failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be found, read, parsed or mapped, or the options do
    /// not fit the files.
    #[error("{code}: {0}", code = .0.code())]
    Input(#[from] InputError),
    /// A table cannot be used at all (a required column is missing).
    #[error("{0}")]
    Table(Box<Problem>),
    /// Strict mode: rows were rejected; all of them are listed.
    #[error("{} row(s) rejected; first: {}", .0.count, .0.problems.first().map(ToString::to_string).unwrap_or_default())]
    Rejected(Box<Rejected>),
}

impl LoadError {
    /// Stable code: the input error's, the table problem's, or the first
    /// rejected row's.
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Input(e) => e.code(),
            LoadError::Table(p) => p.code,
            LoadError::Rejected(r) => r.problems.first().map_or("data.rejected", |p| p.code),
        }
    }

    /// Input (files) or data (rows).
    pub fn category(&self) -> ErrorCategory {
        match self {
            LoadError::Input(_) => ErrorCategory::Input,
            LoadError::Table(_) | LoadError::Rejected(_) => ErrorCategory::Data,
        }
    }

    /// The process exit code of the category.
    pub fn exit_code(&self) -> u8 {
        self.category().exit_code()
    }

    /// The rejected rows (strict mode) or the one table problem; empty for an
    /// input error, which is one message.
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Input(_) => &[],
            LoadError::Table(p) => std::slice::from_ref(&**p),
            LoadError::Rejected(r) => &r.problems,
        }
    }
}

/// The table files found in a folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// One file per table found, in dependency order.
    pub files: Vec<(TableName, PathBuf)>,
    /// Other files in the folder (names only).
    pub unused: Vec<String>,
}

impl Sources {
    /// Sets (or replaces) the file of a table, keeping dependency order.
    pub fn set(&mut self, table: TableName, path: PathBuf) {
        self.files.retain(|(t, _)| *t != table);
        self.files.push((table, path));
        self.files.sort_by_key(|(t, _)| *t);
    }
}

/// The extensions of table files in a folder.
const EXTENSIONS: [&str; 3] = ["csv", "xlsx", "json"];

/// Finds `<table>.{csv,xlsx,json}` for every table in a folder (names
/// compared ignoring case). Two files for one table are an error
/// (`input.option`); a folder with no table file is `input.empty`.
pub fn find_tables(dir: &Path) -> Result<Sources, LoadError> {
    let dir_name = dir.display().to_string();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| InputError::io(Location::file(&dir_name), "cannot read the folder", e))?;
    let mut found: HashMap<TableName, Vec<PathBuf>> = HashMap::new();
    let mut unused = Vec::new();
    for entry in entries {
        let entry = entry
            .map_err(|e| InputError::io(Location::file(&dir_name), "cannot read the folder", e))?;
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let lower = name.to_lowercase();
        let table = lower.rsplit_once('.').and_then(|(stem, ext)| {
            EXTENSIONS
                .contains(&ext)
                .then(|| input::table_from_name(stem))
                .flatten()
        });
        match table {
            Some(t) => found.entry(t).or_default().push(path),
            None => unused.push(name),
        }
    }
    let mut files = Vec::new();
    for table in TABLES {
        let Some(mut paths) = found.remove(&table) else {
            continue;
        };
        if paths.len() > 1 {
            paths.sort();
            let names: Vec<String> = paths.iter().map(|p| file_name(p)).collect();
            return Err(InputError::new(
                ErrorKind::Option,
                Location::file(&dir_name),
                format!(
                    "two files for table {table}: {}; keep one, or name the one to read with --{}",
                    names.join(" and "),
                    table.as_str().replace('_', "-")
                ),
            )
            .into());
        }
        files.push((table, paths.remove(0)));
    }
    if files.is_empty() {
        return Err(InputError::new(
            ErrorKind::Empty,
            Location::file(&dir_name),
            "no table files in this folder: expected names such as schools.csv, students.xlsx, results.json",
        )
        .into());
    }
    unused.sort();
    Ok(Sources { files, unused })
}

/// Loads every table file found in a folder (see [`find_tables`]).
pub fn load_dir(dir: &Path, options: &LoadOptions) -> Result<(Dataset, LoadReport), LoadError> {
    load_sources(&find_tables(dir)?, options)
}

/// Loads the given file of each table (in any order: they are read in
/// dependency order). A table may appear once.
pub fn load_files(
    files: &[(TableName, PathBuf)],
    options: &LoadOptions,
) -> Result<(Dataset, LoadReport), LoadError> {
    let mut sources = Sources::default();
    for (table, path) in files {
        if sources.files.iter().any(|(t, _)| t == table) {
            return Err(InputError::new(
                ErrorKind::Option,
                Location::file(file_name(path)),
                format!("a second file for table {table}"),
            )
            .into());
        }
        sources.set(*table, path.clone());
    }
    load_sources(&sources, options)
}

/// Loads the files of `sources` (see [`find_tables`], [`Sources::set`]).
pub fn load_sources(
    sources: &Sources,
    options: &LoadOptions,
) -> Result<(Dataset, LoadReport), LoadError> {
    let mut files = sources.files.clone();
    files.sort_by_key(|(t, _)| *t);
    for c in &options.constants {
        if !files.iter().any(|(t, _)| *t == c.table) {
            return Err(InputError::new(
                ErrorKind::Option,
                Location::file(&c.origin),
                format!("given, but no {} file is read", c.table),
            )
            .into());
        }
    }
    let identity = Mapping::identity();
    let custom = options.mapping.as_deref().map(Mapping::load).transpose()?;
    let mut report = LoadReport {
        unused_files: sources.unused.clone(),
        ..LoadReport::default()
    };
    if let Some(m) = &custom
        && !files.iter().any(|(t, _)| m.table(t.as_str()).is_some())
    {
        report.warnings.push(format!(
            "mapping {} names none of the tables read (it has {}); the identity mapping {IDENTITY_MAPPING} was used",
            m.name(),
            m.table_names().collect::<Vec<_>>().join(", ")
        ));
    }
    let mut builder = DatasetBuilder::with_limits(options.policy, options.limits);
    let mut tracks: Vec<Track> = Vec::new();
    let mut input_problems: Vec<Problem> = Vec::new();
    // Row batches, filled by the reading thread and reused from table to table.
    let mut pool: Vec<RowBatch> = Vec::new();
    std::thread::scope(|s| -> Result<(), LoadError> {
        // The next file is opened (its encoding detected over the whole file, its header
        // read) on another thread while this one is built: the builder is the slower side.
        let files = &files;
        let open_on_thread = |k: usize| {
            let path = &files[k].1;
            s.spawn(move || {
                let mut warnings = Vec::new();
                let reader = open(path, options, &mut warnings);
                (reader, warnings)
            })
        };
        let mut next = (!files.is_empty()).then(|| open_on_thread(0));
        for (k, (table, path)) in files.iter().enumerate() {
            let opened = next
                .take()
                .expect("each table is opened before it is built")
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            next = (k + 1 < files.len()).then(|| open_on_thread(k + 1));
            let mapping = custom
                .as_ref()
                .filter(|m| m.table(table.as_str()).is_some())
                .unwrap_or(&identity);
            let (track, load) = load_table(
                &mut builder,
                &mut pool,
                *table,
                path,
                opened,
                mapping,
                options,
                &mut input_problems,
            )?;
            tracks.push(track);
            report.tables.push(load);
        }
        Ok(())
    })?;
    let data_count = builder.error_count();
    let (dataset, errors) = match builder.build() {
        Ok(ds) => {
            let errors = ds.rejected().to_vec();
            (Some(ds), errors)
        }
        Err(DataErrors { errors }) => (None, errors),
    };
    report.problem_count = data_count + input_problems.len() as u64;
    let mut problems = input_problems;
    problems.extend(errors.iter().map(|e| translate(e, &tracks)));
    problems.sort_by_key(|p| (p.table, p.row, p.column.clone()));
    match dataset {
        Some(ds) if report.problem_count == 0 || options.policy == Policy::Lenient => {
            report.problems = problems;
            Ok((ds, report))
        }
        _ => Err(LoadError::Rejected(Box::new(Rejected {
            problems,
            count: report.problem_count,
            report,
        }))),
    }
}

/// What is remembered of a table to put its builder errors in the file's terms.
struct Track {
    table: TableName,
    file: String,
    rows: RowMap,
    /// Name offered to the builder → the file's header or the option that gave it.
    origin: HashMap<String, String>,
    /// Headers of the per-task score columns.
    task_headers: Vec<String>,
}

impl Track {
    fn column(&self, name: &str) -> Option<String> {
        if name.is_empty() {
            return None;
        }
        if let Some(h) = self.origin.get(name) {
            return Some(h.clone());
        }
        if name == "task_scores" {
            match self.task_headers.as_slice() {
                [] => {}
                [one] => return Some(one.clone()),
                [first, .., last] => return Some(format!("{first} … {last}")),
            }
        }
        Some(name.to_owned())
    }
}

/// The builder's row numbers (1, 2, 3, ... in the order offered) to the
/// file's, stored as runs: one entry for a file without gaps.
#[derive(Debug, Default, Clone)]
struct RowMap {
    /// (first builder row of a run, its file row).
    runs: Vec<(u64, u64)>,
    len: u64,
}

impl RowMap {
    fn push(&mut self, file_row: u64) {
        let b = self.len + 1;
        match self.runs.last() {
            Some(&(b0, f0)) if f0 + (b - b0) == file_row => {}
            _ => self.runs.push((b, file_row)),
        }
        self.len = b;
    }

    fn file_row(&self, b: u64) -> Option<u64> {
        if b == 0 || b > self.len {
            return None;
        }
        let i = self.runs.partition_point(|&(b0, _)| b0 <= b) - 1;
        let (b0, f0) = self.runs[i];
        Some(f0 + (b - b0))
    }
}

fn translate(e: &DataError, tracks: &[Track]) -> Problem {
    let track = tracks.iter().find(|t| t.table == e.location.table);
    let file_row = |r: u64| track.and_then(|t| t.rows.file_row(r));
    Problem {
        code: e.code(),
        table: e.location.table,
        file: track.map_or_else(|| e.location.table.as_str().to_owned(), |t| t.file.clone()),
        row: file_row(e.location.row),
        column: match track {
            Some(t) => t.column(e.location.column),
            None => Some(e.location.column.to_owned()).filter(|c| !c.is_empty()),
        },
        first_row: e.first_row.and_then(file_row),
        message: e.kind.describe().to_owned(),
    }
}

/// Where a cell offered to the builder comes from.
#[derive(Debug, Clone, Copy)]
enum Feed {
    /// A column of the file (0-based).
    File(usize),
    /// A constant (index into the plan's values).
    Const(usize),
}

/// Rows of one chunk of a file, as the builder's table of text cells.
struct ChunkSource<'a> {
    names: &'a [String],
    feeds: &'a [Feed],
    values: &'a [String],
    rows: &'a RowBatch,
}

impl TableSource for ChunkSource<'_> {
    fn column_names(&self) -> Vec<String> {
        self.names.to_vec()
    }

    fn row_count(&self) -> usize {
        self.rows.len()
    }

    fn cell(&self, row: usize, column: usize) -> CellValue<'_> {
        match self.feeds[column] {
            Feed::File(i) => CellValue::Str(self.rows.cell(row, i).unwrap_or("")),
            Feed::Const(k) => CellValue::Str(&self.values[k]),
        }
    }
}

/// Whether an input error concerns one row only (the next rows can be read).
fn row_level(e: &InputError) -> bool {
    e.location().row.is_some()
        && (e.kind() == ErrorKind::RaggedRow
            || (e.kind() == ErrorKind::Encoding && e.location().column.is_some()))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Opens a file; lenient, a UTF-8 file with damaged lines is read as UTF-8 so
/// that only those rows are skipped.
fn open(
    path: &Path,
    options: &LoadOptions,
    warnings: &mut Vec<String>,
) -> Result<TableReader, InputError> {
    match input::open_path(path, &options.read) {
        Err(e)
            if options.policy == Policy::Lenient
                && e.kind() == ErrorKind::Encoding
                && options.read.encoding == EncodingOption::Auto
                && e.location().row.is_some() =>
        {
            warnings.push(format!(
                "the file is UTF-8 with bytes that are not UTF-8 (first at row {}); read as UTF-8, those rows skipped",
                e.location().row.unwrap_or(0)
            ));
            let read = ReadOptions {
                encoding: EncodingOption::Utf8,
                ..options.read.clone()
            };
            input::open_path(path, &read)
        }
        r => r,
    }
}

/// A batch from the pool, or a new one.
fn take_batch(pool: &Mutex<Vec<RowBatch>>) -> RowBatch {
    let mut batch = pool
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .pop()
        .unwrap_or_default();
    batch.clear();
    batch
}

/// Puts a batch the builder is done with back into the pool.
fn give_batch(pool: &Mutex<Vec<RowBatch>>, batch: RowBatch) {
    pool.lock().unwrap_or_else(|e| e.into_inner()).push(batch);
}

/// A message from the reading thread.
enum Msg {
    Rows(RowBatch),
    RowError(InputError),
    Fatal(InputError),
}

/// The columns offered to the builder and where each comes from.
struct Plan {
    names: Vec<String>,
    feeds: Vec<Feed>,
    values: Vec<String>,
}

fn plan(
    table: TableName,
    map: &ColumnMap,
    constants: &[&Constant],
    file: &str,
    track: &mut Track,
) -> Result<Plan, InputError> {
    let mut p = Plan {
        names: Vec::new(),
        feeds: Vec::new(),
        values: Vec::new(),
    };
    for m in map.columns() {
        p.names.push(m.canonical.clone());
        p.feeds.push(Feed::File(m.index));
        track.origin.insert(m.canonical.clone(), m.header.clone());
        if m.spec == TASK_PATTERN {
            track.task_headers.push(m.header.clone());
        }
    }
    for c in constants {
        if let Some(i) = map.index(&c.column) {
            let header = map
                .columns()
                .iter()
                .find(|m| m.index == i)
                .map_or_else(|| c.column.clone(), |m| m.header.clone());
            return Err(InputError::new(
                ErrorKind::Option,
                Location::file(file).in_column(header),
                format!(
                    "the file has the {} column and {} gives it too; drop one",
                    c.column, c.origin
                ),
            ));
        }
        p.names.push(c.column.clone());
        p.feeds.push(Feed::Const(p.values.len()));
        p.values.push(c.value.clone());
        track.origin.insert(c.column.clone(), c.origin.clone());
    }
    // Every other column of a schools table is a numeric context field, named
    // by its header; in other tables unmapped columns are not read.
    if table == TableName::Schools {
        let core: Vec<&str> = oko::columns_of(table).iter().map(|c| c.name).collect();
        // A set, not a scan of the names so far: a file may have 100 000 columns.
        let mut seen: std::collections::HashSet<String> = p.names.iter().cloned().collect();
        for u in map.unmapped() {
            let name = u.header.trim();
            if core.contains(&name) || !seen.insert(name.to_owned()) {
                continue;
            }
            p.names.push(name.to_owned());
            p.feeds.push(Feed::File(u.index));
            track.origin.insert(name.to_owned(), u.header.clone());
        }
    }
    Ok(p)
}

fn progress_bar(options: &LoadOptions, file: &str) -> Option<ProgressBar> {
    if !options.progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new_spinner();
    let style = ProgressStyle::with_template(
        "{spinner} {prefix:<28} {human_pos:>12} rows  {rate}  {elapsed}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_spinner())
    .with_key(
        "rate",
        |state: &indicatif::ProgressState, w: &mut dyn fmt::Write| {
            let _ = write!(w, "{:>9.0} rows/s", state.per_sec());
        },
    );
    pb.set_style(style);
    pb.set_prefix(file.to_owned());
    pb.enable_steady_tick(Duration::from_millis(120));
    Some(pb)
}

/// Builds one table from its opened file (`opened`: [`open`]'s reader and warnings).
#[allow(clippy::too_many_arguments)]
fn load_table(
    builder: &mut DatasetBuilder,
    pool: &mut Vec<RowBatch>,
    table: TableName,
    path: &Path,
    opened: (Result<TableReader, InputError>, Vec<String>),
    mapping: &Mapping,
    options: &LoadOptions,
    input_problems: &mut Vec<Problem>,
) -> Result<(Track, TableLoad), LoadError> {
    let start = Instant::now();
    let (reader, mut warnings) = opened;
    let reader = reader?;
    let file = reader.source().to_owned();
    let detected = reader.detected().clone();
    let headers = reader.headers().to_vec();
    let constants: Vec<&Constant> = options
        .constants
        .iter()
        .filter(|c| c.table == table)
        .collect();
    let supplied: Vec<&str> = constants.iter().map(|c| c.column.as_str()).collect();
    let map = mapping.resolve_with(table.as_str(), &headers, &file, &supplied)?;
    let mut track = Track {
        table,
        file: file.clone(),
        rows: RowMap::default(),
        origin: HashMap::new(),
        task_headers: Vec::new(),
    };
    let plan = plan(table, &map, &constants, &file, &mut track)?;

    let chunk_rows = options.chunk_rows.max(1);
    let pb = progress_bar(options, &file);
    let mut rows = 0u64;
    let mut unreadable = 0u64;
    let mut rejected = 0u64;
    let mut core_ignored: Option<Vec<String>> = None;
    let mut fatal: Option<LoadError> = None;

    let mut feed = |chunk: &RowBatch, track: &mut Track| -> Result<(), LoadError> {
        let source = ChunkSource {
            names: &plan.names,
            feeds: &plan.feeds,
            values: &plan.values,
            rows: chunk,
        };
        let before = builder.rows_seen(table);
        let r = builder
            .add_table(table, &source)
            .map_err(|e| missing_column(&e, &track.file, &plan.names, &constants))?;
        debug_assert_eq!(builder.rows_seen(table) - before, chunk.len() as u64);
        for &number in chunk.numbers() {
            track.rows.push(number);
        }
        rejected += r.rejected;
        if core_ignored.is_none() {
            core_ignored = Some(r.ignored_columns);
        }
        Ok(())
    };

    let shared_pool = Mutex::new(std::mem::take(pool));
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::sync_channel::<Msg>(2);
        // Batches the builder is done with come back to be filled again.
        let shared = &shared_pool;
        s.spawn(move || {
            let mut reader = reader;
            loop {
                let mut batch = take_batch(shared);
                let end = reader.read_batch(&mut batch, chunk_rows);
                // Keep row order: the rows before an error go first.
                if !batch.is_empty() && tx.send(Msg::Rows(batch)).is_err() {
                    return;
                }
                let msg = match end {
                    BatchEnd::Full => continue,
                    BatchEnd::End => return,
                    BatchEnd::Error(e) if row_level(&e) => Msg::RowError(e),
                    BatchEnd::Error(e) => Msg::Fatal(e),
                };
                let stop = matches!(msg, Msg::Fatal(_));
                if tx.send(msg).is_err() || stop {
                    return;
                }
            }
        });
        let mut fed = false;
        for msg in rx {
            match msg {
                Msg::Rows(chunk) => {
                    rows += chunk.len() as u64;
                    if let Err(e) = feed(&chunk, &mut track) {
                        fatal = Some(e);
                        break;
                    }
                    give_batch(&shared_pool, chunk);
                    fed = true;
                    if let Some(pb) = &pb {
                        pb.set_position(rows);
                    }
                }
                Msg::RowError(e) => {
                    rows += 1;
                    unreadable += 1;
                    input_problems.push(Problem::from_input(table, &e));
                }
                Msg::Fatal(e) => {
                    fatal = Some(e.into());
                    break;
                }
            }
        }
        // An empty file still goes through the builder: its columns are checked.
        if !fed
            && fatal.is_none()
            && let Err(e) = feed(&RowBatch::new(), &mut track)
        {
            fatal = Some(e);
        }
    });
    *pool = shared_pool.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    if let Some(e) = fatal {
        return Err(e);
    }
    // Headers of every column not read: unmapped, or mapped to a name the core ignores.
    let core_ignored = core_ignored.unwrap_or_default();
    let read: std::collections::HashSet<usize> = plan
        .names
        .iter()
        .zip(&plan.feeds)
        .filter_map(|(n, f)| match f {
            Feed::File(i) if !core_ignored.contains(n) => Some(*i),
            _ => None,
        })
        .collect();
    let mut ignored_columns = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        if read.contains(&i) {
            continue;
        }
        if header.trim().is_empty() {
            warnings.push(format!(
                "column {} has no header; its cells are not read",
                i + 1
            ));
            continue;
        }
        let canonical = map.columns().iter().find(|m| m.index == i);
        warnings.push(match canonical {
            Some(m) => format!(
                "column {} {header:?} ({}) is not read by oko for table {table}",
                i + 1,
                m.canonical
            ),
            None => format!(
                "column {} {header:?} is not a column of table {table} in mapping {}; not read",
                i + 1,
                mapping.name()
            ),
        });
        ignored_columns.push(header.clone());
    }
    let load = TableLoad {
        table,
        file,
        path: path.to_owned(),
        mapping: mapping.name().to_owned(),
        detected,
        rows,
        rejected: rejected + unreadable,
        ignored_columns,
        warnings,
        elapsed: start.elapsed(),
    };
    Ok((track, load))
}

/// The builder's only table-level error, a missing required column, in the
/// file's terms.
fn missing_column(
    e: &DataError,
    file: &str,
    names: &[String],
    constants: &[&Constant],
) -> LoadError {
    let column = e.location.column;
    let mut message = e.kind.describe().to_owned();
    // The columns offered help with a missing one; for a limit (say 100 000 columns) they
    // would only make the message huge.
    if e.kind == oko::DataErrorKind::MissingColumn {
        message.push_str("; the file's columns map to ");
        message.push_str(&if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        });
    }
    if e.location.table == TableName::Results && column == "procedure" && constants.is_empty() {
        message.push_str("; give the procedure of every row with --procedure ID");
    }
    if e.location.table == TableName::Marks && column == "year" && constants.is_empty() {
        message.push_str("; give the academic year of every row with --year 2025/26");
    }
    LoadError::Table(Box::new(Problem {
        code: e.code(),
        table: e.location.table,
        file: file.to_owned(),
        row: None,
        column: Some(column.to_owned()).filter(|c| !c.is_empty()),
        first_row: None,
        message,
    }))
}

/// The command-line options of loading, to flatten into a subcommand's
/// arguments (`#[command(flatten)]`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LoadArgs {
    /// Folder with the tables as TABLE.csv, .xlsx or .json (TABLE: municipalities, schools,
    /// classes, teachers, assignments, students, procedures, results, marks, trainings,
    /// competency_tests).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// The municipalities file (instead of the folder's).
    #[arg(long, value_name = "FILE")]
    pub municipalities: Option<PathBuf>,
    /// The schools file.
    #[arg(long, value_name = "FILE")]
    pub schools: Option<PathBuf>,
    /// The classes file.
    #[arg(long, value_name = "FILE")]
    pub classes: Option<PathBuf>,
    /// The teachers file.
    #[arg(long, value_name = "FILE")]
    pub teachers: Option<PathBuf>,
    /// The teaching assignments file.
    #[arg(long, value_name = "FILE")]
    pub assignments: Option<PathBuf>,
    /// The students file.
    #[arg(long, value_name = "FILE")]
    pub students: Option<PathBuf>,
    /// The procedures file.
    #[arg(long, value_name = "FILE")]
    pub procedures: Option<PathBuf>,
    /// The results file, e.g. a ФИС ОКО ВПР export with --mapping fis-oko-vpr.
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    /// The internal marks file.
    #[arg(long, value_name = "FILE")]
    pub marks: Option<PathBuf>,
    /// The teacher trainings file.
    #[arg(long, value_name = "FILE")]
    pub trainings: Option<PathBuf>,
    /// The teacher competency tests file.
    #[arg(long = "competency-tests", value_name = "FILE")]
    pub competency_tests: Option<PathBuf>,
    /// The МУКО self-evaluation evidence file.
    #[arg(long = "muko-evidence", value_name = "FILE")]
    pub muko_evidence: Option<PathBuf>,
    /// Column mapping for the tables it names: oko (the default), fis-oko-vpr,
    /// school-journal, or a TOML mapping file.
    #[arg(long, value_name = "NAME|FILE")]
    pub mapping: Option<String>,
    /// The procedure id of every row of the results file, when it has no procedure column.
    #[arg(long, value_name = "ID")]
    pub procedure: Option<String>,
    /// The academic year (e.g. 2025/26) of every row of the marks file, when it has no
    /// year column.
    #[arg(long, value_name = "YEAR")]
    pub year: Option<String>,
    /// Skip bad rows and report them instead of failing.
    #[arg(long)]
    pub lenient: bool,
    /// Input file format: auto, csv, xlsx or json (`--format` is the output's, where a
    /// command has one).
    #[arg(
        id = "input_format",
        long = "input-format",
        value_name = "FORMAT",
        default_value = "auto"
    )]
    pub format: FormatOptionArg,
    /// CSV text encoding: auto, utf-8 or windows-1251.
    #[arg(long, value_name = "ENCODING", default_value = "auto")]
    pub encoding: EncodingOptionArg,
    /// CSV separator: auto, comma, semicolon, tab or one character.
    #[arg(long, value_name = "SEP", default_value = "auto")]
    pub separator: SeparatorOptionArg,
    /// XLSX sheet to read (the first by default).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

macro_rules! option_arg {
    ($(#[$doc:meta])* $name:ident, $inner:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct $name(pub $inner);

        impl std::str::FromStr for $name {
            type Err = InputError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

option_arg!(
    /// `--input-format` as a command-line value.
    FormatOptionArg,
    FormatOption
);
option_arg!(
    /// `--encoding` as a command-line value.
    EncodingOptionArg,
    EncodingOption
);
option_arg!(
    /// `--separator` as a command-line value.
    SeparatorOptionArg,
    SeparatorOption
);

impl LoadArgs {
    /// The load options these arguments give (with a progress bar on a terminal).
    pub fn options(&self) -> LoadOptions {
        let mut o = LoadOptions {
            read: ReadOptions {
                format: self.format.0,
                encoding: self.encoding.0,
                separator: self.separator.0,
                sheet: self.sheet.clone(),
            },
            mapping: self.mapping.clone(),
            progress: true,
            ..LoadOptions::default()
        };
        if self.lenient {
            o = o.lenient();
        }
        if let Some(p) = &self.procedure {
            o = o.with_procedure(p.clone());
        }
        if let Some(y) = &self.year {
            o = o.with_year(y.clone());
        }
        o
    }

    /// The files to read: the folder's, replaced table by table by the files given.
    pub fn sources(&self) -> Result<Sources, LoadError> {
        let mut sources = match &self.data {
            Some(dir) => find_tables(dir)?,
            None => Sources::default(),
        };
        let given = [
            (TableName::Municipalities, &self.municipalities),
            (TableName::Schools, &self.schools),
            (TableName::Classes, &self.classes),
            (TableName::Teachers, &self.teachers),
            (TableName::Assignments, &self.assignments),
            (TableName::Students, &self.students),
            (TableName::Procedures, &self.procedures),
            (TableName::Results, &self.results),
            (TableName::Marks, &self.marks),
            (TableName::Trainings, &self.trainings),
            (TableName::CompetencyTests, &self.competency_tests),
            (TableName::MukoEvidence, &self.muko_evidence),
        ];
        for (table, path) in given {
            if let Some(p) = path {
                sources.set(table, p.clone());
            }
        }
        if sources.files.is_empty() {
            return Err(InputError::new(
                ErrorKind::Option,
                Location::file("--data"),
                "no data given: name a folder with --data DIR or files with --results FILE and the like",
            )
            .into());
        }
        Ok(sources)
    }

    /// Loads the dataset these arguments name.
    pub fn load(&self) -> Result<(Dataset, LoadReport), LoadError> {
        load_sources(&self.sources()?, &self.options())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_map_runs() {
        let mut m = RowMap::default();
        for r in [2, 3, 4, 6, 7, 10] {
            m.push(r);
        }
        assert_eq!(m.runs.len(), 3);
        let got: Vec<Option<u64>> = (0..=7).map(|b| m.file_row(b)).collect();
        assert_eq!(
            got,
            [
                None,
                Some(2),
                Some(3),
                Some(4),
                Some(6),
                Some(7),
                Some(10),
                None
            ]
        );
    }
}
