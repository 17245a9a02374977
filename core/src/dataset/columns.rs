//! Building a dataset from tables of loosely typed cells: the one conversion that the CLI
//! (CSV, XLSX, JSON), the Python binding (Arrow, pandas, polars) and the Node binding (row
//! objects, columns, Arrow IPC) all share, so that a cell means the same everywhere.
//!
//! Each table has canonical column names (see [`columns_of`]). A required column that is
//! missing fails the table; a cell of the wrong form rejects its row with
//! `data.invalid_value` and the row's location; columns oko does not know are returned in
//! [`TableReport::ignored_columns`], never dropped silently (for schools, every other column
//! is a numeric context field).

use super::*;
use crate::error::{DataError, DataErrorKind, Location, TableName};
use crate::procedure::{ProcedureKind, Task};
use std::str::FromStr;

/// One cell as it arrives from a file, a DataFrame or a JS object.
// A whole word for the tag puts every payload at offset 8: with the default layout the
// payload started at offset 1, and copying a returned cell read bytes across the callee's
// separate stores, a store-forwarding stall on every cell of every table loaded.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(u64)]
pub enum CellValue<'a> {
    /// Empty, null, NaN or undefined.
    Null,
    /// Text.
    Str(&'a str),
    /// An integer.
    Int(i64),
    /// An exact decimal.
    Decimal(Decimal),
    /// A boolean.
    Bool(bool),
    /// A float (from pandas, JS numbers): accepted where its shortest decimal form is exact
    /// enough: integral for ids, scores and marks; as written for decimals (0.1 is 0.1).
    Float(f64),
}

/// A table of cells, column by column.
pub trait TableSource {
    /// Column names (headers), in order.
    fn column_names(&self) -> Vec<String>;
    /// Number of rows.
    fn row_count(&self) -> usize;
    /// The cell at (`row`, `column`).
    fn cell(&self, row: usize, column: usize) -> CellValue<'_>;
}

/// A canonical column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Canonical name.
    pub name: &'static str,
    /// Must be present.
    pub required: bool,
    /// What it holds.
    pub doc: &'static str,
}

const fn req(name: &'static str, doc: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        required: true,
        doc,
    }
}
const fn opt(name: &'static str, doc: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        required: false,
        doc,
    }
}

/// The canonical columns of each table. Results may also carry per-task scores as columns
/// `task_1`, `task_2`, ... instead of `task_scores`.
pub const fn columns_of(table: TableName) -> &'static [ColumnSpec] {
    match table {
        TableName::Municipalities => {
            const C: &[ColumnSpec] = &[req("id", "municipality id"), opt("name", "name")];
            C
        }
        TableName::Schools => {
            const C: &[ColumnSpec] = &[
                req("id", "school id"),
                opt("name", "name"),
                req("municipality", "municipality id"),
                opt("kind", "regular, lyceum, gymnasium, in_depth, special"),
                opt("rural", "true/false"),
            ];
            C
        }
        TableName::Classes => {
            const C: &[ColumnSpec] = &[
                req("id", "class id"),
                req("school", "school id"),
                req("grade", "1..11"),
                opt("name", "e.g. 5А"),
            ];
            C
        }
        TableName::Teachers => {
            const C: &[ColumnSpec] = &[
                req("id", "teacher id"),
                req("school", "school id"),
                opt("category", "qualification"),
            ];
            C
        }
        TableName::Assignments => {
            const C: &[ColumnSpec] = &[
                req("teacher", "teacher id"),
                req("class", "class id"),
                req("subject", "subject id"),
            ];
            C
        }
        TableName::Students => {
            const C: &[ColumnSpec] = &[
                req("id", "student id"),
                req("class", "class id"),
                opt("attestat", "true/false, graduates"),
                opt("honours", "true/false, graduates"),
                opt("olympiad", "none, participant, prize_winner, winner"),
                opt("attendance", "percent of lessons"),
            ];
            C
        }
        TableName::Procedures => {
            const C: &[ColumnSpec] = &[
                req("id", "procedure id"),
                req(
                    "kind",
                    "vpr, oge, ege, rdr, diagnostic, trial, niko, intl, internal",
                ),
                req("subject", "subject id"),
                req("grade", "1..11"),
                req("year", "academic year, 2025/26"),
                opt("date", "YYYY-MM-DD"),
                req("max_score", "maximum primary score"),
                opt("scale", "scale id in the rules"),
                opt(
                    "tasks",
                    "task maxima separated by ';', with ':group', e.g. 1;1;2:geometry",
                ),
            ];
            C
        }
        TableName::Results => {
            const C: &[ColumnSpec] = &[
                req("student", "student id"),
                req("procedure", "procedure id"),
                opt("class", "class written in, when not the current one"),
                opt("primary_score", "primary score"),
                opt("mark", "mark 1..5"),
                opt("test_score", "ЕГЭ test score 0..100"),
                opt("task_scores", "per-task scores separated by ';'"),
            ];
            C
        }
        TableName::Marks => {
            const C: &[ColumnSpec] = &[
                req("student", "student id"),
                req("subject", "subject id"),
                req("year", "academic year"),
                req("period", "t1..t4, h1, h2, year"),
                req("mark", "2..5, 1, н/а, осв."),
            ];
            C
        }
        TableName::Trainings => {
            const C: &[ColumnSpec] = &[
                req("teacher", "teacher id"),
                req("date", "YYYY-MM-DD"),
                opt("topic", "programme"),
                opt("assessment", "true when on assessment quality"),
            ];
            C
        }
        TableName::MukoEvidence => {
            const C: &[ColumnSpec] = &[
                req("school", "school id"),
                req("direction", "МУКО direction id of the rules (1..9)"),
                req(
                    "component",
                    "management-cycle component id: goals, indicators, methods, monitoring, analysis, recommendations, measures, decisions, effectiveness",
                ),
                req("status", "present, partial, absent (есть, частично, нет)"),
                opt("link", "link to the document or page"),
            ];
            C
        }
        TableName::CompetencyTests => {
            const C: &[ColumnSpec] = &[
                req("teacher", "teacher id"),
                req("date", "YYYY-MM-DD"),
                opt("subject", "subject id"),
                req("score", "score"),
                req("max_score", "maximum score"),
            ];
            C
        }
    }
}

/// What happened to a table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableReport {
    /// Rows offered.
    pub rows: u64,
    /// Rows rejected (each is in the builder's error list).
    pub rejected: u64,
    /// Columns present in the source that oko does not read.
    pub ignored_columns: Vec<String>,
}

struct Bound<'s> {
    table: TableName,
    src: &'s dyn TableSource,
    index: Vec<Option<usize>>,
    specs: &'static [ColumnSpec],
}

type Cell<'a> = CellValue<'a>;

/// The position of a canonical column among its table's [`columns_of`], at compile time.
const fn spec_index(table: TableName, name: &str) -> usize {
    let specs = columns_of(table);
    let mut k = 0;
    while k < specs.len() {
        let (a, b) = (specs[k].name.as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut i = 0;
            while i < a.len() && a[i] == b[i] {
                i += 1;
            }
            if i == a.len() {
                return k;
            }
        }
        k += 1;
    }
    panic!("not a canonical column of the table");
}

/// Trims whitespace as `str::trim` does, without looking at a cell that starts and ends
/// with visible ASCII (most cells).
fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [a, .., b] if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        [a] if a.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// The few distinct texts of a column (a year, a period, a yes/no) and what they parse to,
/// so that each is parsed once per table rather than once per row.
struct Memo<T> {
    entries: Vec<(String, T)>,
}

impl<T: Copy> Memo<T> {
    const CAPACITY: usize = 16;

    fn new() -> Self {
        Memo {
            entries: Vec::new(),
        }
    }

    fn get(&mut self, c: Cell<'_>, parse: impl FnOnce(Cell<'_>) -> T) -> T {
        let Cell::Str(s) = c else {
            return parse(c);
        };
        if let Some((_, v)) = self.entries.iter().find(|(k, _)| k == s) {
            return *v;
        }
        let v = parse(c);
        if self.entries.len() < Self::CAPACITY {
            self.entries.push((s.to_owned(), v));
        }
        v
    }
}

/// Per-task scores written as plain digits and `;` (as most files do), parsed into
/// `out`; `false` (and `out` in any state) when the text needs the general parser.
fn plain_task_scores(t: &str, out: &mut Vec<u32>) -> bool {
    for part in t.as_bytes().split(|&b| b == b';') {
        // Up to 9 digits always fit a u32; anything else goes the general way.
        if part.is_empty() || part.len() > 9 || !part.iter().all(u8::is_ascii_digit) {
            return false;
        }
        out.push(part.iter().fold(0u32, |v, &d| v * 10 + u32::from(d - b'0')));
    }
    true
}

/// The memos of one call of [`DatasetBuilder::add_table`].
struct Memos {
    year: Memo<Result<Option<AcademicYear>, ()>>,
    period: Memo<Result<Option<Period>, ()>>,
    flag: [Memo<Result<Option<bool>, ()>>; 2],
    olympiad: Memo<Result<Option<Olympiad>, ()>>,
}

impl Memos {
    fn new() -> Self {
        Memos {
            year: Memo::new(),
            period: Memo::new(),
            flag: [Memo::new(), Memo::new()],
            olympiad: Memo::new(),
        }
    }
}

/// A cell that failed to convert: the column it is in.
struct Bad(&'static str);

fn text<'a>(c: Cell<'a>, buf: &'a mut String) -> Option<&'a str> {
    match c {
        Cell::Null => None,
        Cell::Str(s) => {
            let t = trim(s);
            (!t.is_empty()).then_some(t)
        }
        Cell::Int(i) => {
            *buf = i.to_string();
            Some(buf.as_str())
        }
        Cell::Decimal(d) => {
            *buf = d.normalize().to_string();
            Some(buf.as_str())
        }
        Cell::Float(f) if f.is_nan() => None,
        Cell::Float(f) => {
            *buf = if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", f as i64)
            } else {
                f.to_string()
            };
            Some(buf.as_str())
        }
        Cell::Bool(b) => {
            *buf = b.to_string();
            Some(buf.as_str())
        }
    }
}

fn int(c: Cell<'_>) -> Result<Option<u32>, ()> {
    match c {
        Cell::Null => Ok(None),
        Cell::Int(i) => u32::try_from(i).map(Some).map_err(|_| ()),
        Cell::Float(f) if f.is_nan() => Ok(None),
        Cell::Float(f) if f.fract() == 0.0 && (0.0..4e9).contains(&f) => Ok(Some(f as u32)),
        Cell::Decimal(d) if d.fract().is_zero() && d >= Decimal::ZERO => {
            u32::try_from(d).map(Some).map_err(|_| ())
        }
        Cell::Str(s) => {
            let t = trim(s);
            if t.is_empty() {
                return Ok(None);
            }
            // Excel exports write whole numbers as "12,0" or "12.0" at times.
            let t = t
                .strip_suffix(",0")
                .or_else(|| t.strip_suffix(".0"))
                .unwrap_or(t);
            t.parse::<u32>().map(Some).map_err(|_| ())
        }
        _ => Err(()),
    }
}

/// Parses a decimal written with a point or a comma, with spaces as thousands separators.
///
/// ```
/// use oko::parse_decimal;
/// use rust_decimal::Decimal;
/// assert_eq!(parse_decimal("12,5"), Some(Decimal::new(125, 1)));
/// assert_eq!(parse_decimal("1\u{a0}234.5"), Some(Decimal::new(12345, 1)));
/// assert_eq!(parse_decimal("abc"), None);
/// ```
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let t = trim(s);
    // Most numbers have no separators to remove: parse them without a copy.
    if !t.contains([',', ' ', '\u{a0}', '\u{202f}']) {
        return Decimal::from_str(t).ok();
    }
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    Decimal::from_str(&t.replace(',', ".")).ok()
}

fn dec(c: Cell<'_>) -> Result<Option<Decimal>, ()> {
    match c {
        Cell::Null => Ok(None),
        Cell::Int(i) => Ok(Some(Decimal::from(i))),
        Cell::Decimal(d) => Ok(Some(d)),
        Cell::Float(f) if f.is_nan() => Ok(None),
        // The shortest representation that round-trips: 0.1 arrives as 0.1, not 0.1000000000000000055.
        Cell::Float(f) => Decimal::from_str(&f.to_string()).map(Some).map_err(|_| ()),
        Cell::Str(s) if trim(s).is_empty() => Ok(None),
        Cell::Str(s) => parse_decimal(s).map(Some).ok_or(()),
        Cell::Bool(_) => Err(()),
    }
}

fn boolean(c: Cell<'_>) -> Result<Option<bool>, ()> {
    match c {
        Cell::Null => Ok(None),
        Cell::Bool(b) => Ok(Some(b)),
        Cell::Int(0) => Ok(Some(false)),
        Cell::Int(1) => Ok(Some(true)),
        Cell::Float(f) if f.is_nan() => Ok(None),
        Cell::Float(f) if f == 0.0 || f == 1.0 => Ok(Some(f == 1.0)),
        Cell::Str(s) => match s.trim().to_lowercase().as_str() {
            "" => Ok(None),
            "true" | "1" | "да" | "yes" | "y" | "д" | "+" => Ok(Some(true)),
            "false" | "0" | "нет" | "no" | "n" | "н" | "-" => Ok(Some(false)),
            _ => Err(()),
        },
        _ => Err(()),
    }
}

fn parsed<T: FromStr>(c: Cell<'_>) -> Result<Option<T>, ()> {
    let mut buf = String::new();
    match text(c, &mut buf) {
        None => Ok(None),
        Some(t) => t.parse::<T>().map(Some).map_err(|_| ()),
    }
}

fn owned(c: Cell<'_>) -> String {
    let mut buf = String::new();
    text(c, &mut buf).unwrap_or("").to_owned()
}

fn parse_tasks(s: &str) -> Option<Vec<Task>> {
    s.split(';')
        .filter(|t| !t.trim().is_empty())
        .map(|t| {
            let (max, group) = match t.split_once(':') {
                Some((m, g)) => (m, Some(g.trim().to_owned()).filter(|g| !g.is_empty())),
                None => (t, None),
            };
            Some(Task {
                max_score: max.trim().parse().ok()?,
                group,
            })
        })
        .collect()
}

/// Most distinct context-column names kept for error locations per process.
const MAX_STATIC_NAMES: usize = 4096;
/// Longest context-column name kept for error locations, in bytes.
const MAX_STATIC_NAME_BYTES: usize = 256;

/// A `'static` copy of a context column's name for error locations. Each distinct name is
/// allocated once per process, so repeated uploads do not grow memory; past
/// [`MAX_STATIC_NAMES`] names (or for a name longer than [`MAX_STATIC_NAME_BYTES`]) the
/// location says `context`, so that uploads with ever new headers cannot grow it either.
fn static_name(name: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(n) = names.get(name) {
        return n;
    }
    if names.len() >= MAX_STATIC_NAMES || name.len() > MAX_STATIC_NAME_BYTES {
        return "context";
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// Per-task score columns `task_1`, `task_2`, ... in numeric order.
fn task_columns(names: &[String]) -> Vec<usize> {
    let mut cols: Vec<(Vec<u32>, usize)> = names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let label = n.strip_prefix("task_")?;
            let key: Option<Vec<u32>> = label.split(['.', '_']).map(|p| p.parse().ok()).collect();
            Some((key?, i))
        })
        .collect();
    cols.sort();
    cols.into_iter().map(|(_, i)| i).collect()
}

/// The first column of a row whose text is longer than `max` bytes; `cells` are the
/// row's canonical cells (by position in `b.specs`).
fn oversized_cell(
    b: &Bound<'_>,
    cells: &[Cell<'_>],
    row: usize,
    context: &[(usize, &'static str)],
    tasks: &[usize],
    max: usize,
) -> Option<&'static str> {
    let too_long = |c: &Cell<'_>| matches!(c, Cell::Str(s) if s.len() > max);
    let long = |c: usize| too_long(&b.src.cell(row, c));
    b.specs
        .iter()
        .zip(cells)
        .find(|(_, c)| too_long(c))
        .map(|(s, _)| s.name)
        .or_else(|| context.iter().find(|(c, _)| long(*c)).map(|(_, n)| *n))
        .or_else(|| tasks.iter().any(|&c| long(c)).then_some("task_scores"))
}

impl DatasetBuilder {
    /// Adds every row of a table given as cells. Fails only when a required column is
    /// missing (`data.missing_column`); bad rows are rejected one by one as usual.
    ///
    /// ```
    /// use oko::*;
    /// struct Csvish(Vec<&'static str>, Vec<Vec<&'static str>>);
    /// impl TableSource for Csvish {
    ///     fn column_names(&self) -> Vec<String> { self.0.iter().map(|s| s.to_string()).collect() }
    ///     fn row_count(&self) -> usize { self.1.len() }
    ///     fn cell(&self, r: usize, c: usize) -> CellValue<'_> { CellValue::Str(self.1[r][c]) }
    /// }
    /// let mut b = DatasetBuilder::new(Policy::Lenient);
    /// let m = Csvish(vec!["id", "name"], vec![vec!["m1", "Район"]]);
    /// b.add_table(TableName::Municipalities, &m).unwrap();
    /// let s = Csvish(vec!["id", "municipality", "low_income"], vec![vec!["s1", "m1", "12,5"], vec!["s2", "m1", "x"]]);
    /// let report = b.add_table(TableName::Schools, &s).unwrap();
    /// assert_eq!((report.rows, report.rejected), (2, 1));
    /// let ds = b.build().unwrap();
    /// assert_eq!(ds.context_fields(), ["low_income"]);
    /// assert_eq!(ds.rejected()[0].to_string(), "data.invalid_value: schools, row 2, column low_income: the value is not of the expected form");
    /// ```
    pub fn add_table(
        &mut self,
        table: TableName,
        src: &dyn TableSource,
    ) -> Result<TableReport, DataError> {
        let names = src.column_names();
        if names.len() > self.limits().max_columns {
            return Err(DataError {
                kind: DataErrorKind::TooManyColumns,
                location: Location {
                    table,
                    row: 0,
                    column: "",
                },
                first_row: None,
            });
        }
        let specs = columns_of(table);
        let index: Vec<Option<usize>> = specs
            .iter()
            .map(|s| names.iter().position(|n| n.trim() == s.name))
            .collect();
        if let Some(missing) = specs
            .iter()
            .zip(&index)
            .find(|(s, i)| s.required && i.is_none())
        {
            return Err(DataError {
                kind: DataErrorKind::MissingColumn,
                location: Location {
                    table,
                    row: 0,
                    column: missing.0.name,
                },
                first_row: None,
            });
        }
        let tasks = if table == TableName::Results {
            task_columns(&names)
        } else {
            Vec::new()
        };
        let mut report = TableReport::default();
        let known = |i: usize| index.contains(&Some(i)) || tasks.contains(&i);
        // School context fields: every other column, with a static name for error locations.
        let context: Vec<(usize, &'static str)> = if table == TableName::Schools {
            (0..names.len())
                .filter(|&i| !known(i))
                .map(|i| (i, static_name(names[i].trim())))
                .collect()
        } else {
            report.ignored_columns = (0..names.len())
                .filter(|&i| !known(i))
                .map(|i| names[i].clone())
                .collect();
            Vec::new()
        };
        let bound = Bound {
            table,
            src,
            index,
            specs,
        };
        let before = self.error_count();
        let mut scores: Vec<u32> = Vec::new();
        let max_cell = self.limits().max_cell_bytes;
        let mut memos = Memos::new();
        // The row's canonical cells, each read from the source once.
        let mut cells: Vec<Cell<'_>> = vec![Cell::Null; specs.len()];
        for row in 0..src.row_count() {
            report.rows += 1;
            for (cell, i) in cells.iter_mut().zip(&bound.index) {
                *cell = match i {
                    Some(c) => src.cell(row, *c),
                    None => Cell::Null,
                };
            }
            if let Some(column) = oversized_cell(&bound, &cells, row, &context, &tasks, max_cell) {
                self.reject(table, column, DataErrorKind::CellTooLong);
                continue;
            }
            let outcome = self.add_bound_row(
                &bound,
                &cells,
                row,
                &context,
                &tasks,
                &mut scores,
                &mut memos,
            );
            if let Err(Bad(column)) = outcome {
                self.reject(table, column, DataErrorKind::InvalidValue);
            }
        }
        report.rejected = self.error_count() - before;
        Ok(report)
    }

    #[allow(clippy::too_many_arguments)]
    fn add_bound_row(
        &mut self,
        b: &Bound<'_>,
        cells: &[Cell<'_>],
        row: usize,
        context: &[(usize, &'static str)],
        task_cols: &[usize],
        scores: &mut Vec<u32>,
        memos: &mut Memos,
    ) -> Result<(), Bad> {
        // A canonical cell of the row, by the table's column name (checked at compile time).
        macro_rules! g {
            ($table:ident, $name:literal) => {
                cells[const { spec_index(TableName::$table, $name) }]
            };
        }
        let need = |name: &'static str, r: Result<Option<u32>, ()>| r.map_err(|_| Bad(name));
        // Errors of the row itself are recorded by the add_* call; only conversion failures
        // come back here.
        let (mut s1, mut s2) = (String::new(), String::new());
        match b.table {
            TableName::Municipalities => {
                let _ = self.add_municipality(MunicipalityRow {
                    id: owned(g!(Municipalities, "id")),
                    name: owned(g!(Municipalities, "name")),
                });
            }
            TableName::Schools => {
                let kind = parsed::<SchoolKind>(g!(Schools, "kind"))
                    .map_err(|_| Bad("kind"))?
                    .unwrap_or_default();
                let rural = boolean(g!(Schools, "rural")).map_err(|_| Bad("rural"))?;
                let mut ctx = Vec::with_capacity(context.len());
                for &(c, name) in context {
                    ctx.push((
                        name.to_owned(),
                        dec(b.src.cell(row, c)).map_err(|_| Bad(name))?,
                    ));
                }
                let _ = self.add_school(SchoolRow {
                    id: owned(g!(Schools, "id")),
                    name: owned(g!(Schools, "name")),
                    municipality: owned(g!(Schools, "municipality")),
                    kind,
                    rural,
                    context: ctx,
                });
            }
            TableName::Classes => {
                let grade = need("grade", int(g!(Classes, "grade")))?.unwrap_or(0);
                let _ = self.add_class(ClassRow {
                    id: owned(g!(Classes, "id")),
                    school: owned(g!(Classes, "school")),
                    grade: grade.min(255) as u8,
                    name: owned(g!(Classes, "name")),
                });
            }
            TableName::Teachers => {
                let _ = self.add_teacher(TeacherRow {
                    id: owned(g!(Teachers, "id")),
                    school: owned(g!(Teachers, "school")),
                    category: Some(owned(g!(Teachers, "category"))).filter(|c| !c.is_empty()),
                });
            }
            TableName::Assignments => {
                let _ = self.add_assignment(AssignmentRow {
                    teacher: owned(g!(Assignments, "teacher")),
                    class: owned(g!(Assignments, "class")),
                    subject: owned(g!(Assignments, "subject")),
                });
            }
            TableName::Students => {
                let attestat = memos.flag[0]
                    .get(g!(Students, "attestat"), boolean)
                    .map_err(|_| Bad("attestat"))?;
                let honours = memos.flag[1]
                    .get(g!(Students, "honours"), boolean)
                    .map_err(|_| Bad("honours"))?;
                let olympiad = memos
                    .olympiad
                    .get(g!(Students, "olympiad"), parsed::<Olympiad>)
                    .map_err(|_| Bad("olympiad"))?;
                let attendance = dec(g!(Students, "attendance")).map_err(|_| Bad("attendance"))?;
                let id = text(g!(Students, "id"), &mut s1).unwrap_or("");
                let class = text(g!(Students, "class"), &mut s2).unwrap_or("");
                let _ = self.add_student(StudentRow {
                    id,
                    class,
                    attestat,
                    honours,
                    olympiad,
                    attendance,
                });
            }
            TableName::Procedures => {
                let kind = parsed::<ProcedureKind>(g!(Procedures, "kind"))
                    .map_err(|_| Bad("kind"))?
                    .ok_or(Bad("kind"))?;
                let grade = need("grade", int(g!(Procedures, "grade")))?.unwrap_or(0);
                let year = parsed::<AcademicYear>(g!(Procedures, "year"))
                    .map_err(|_| Bad("year"))?
                    .ok_or(Bad("year"))?;
                let date = parsed::<Date>(g!(Procedures, "date")).map_err(|_| Bad("date"))?;
                let max =
                    need("max_score", int(g!(Procedures, "max_score")))?.ok_or(Bad("max_score"))?;
                let tasks = match text(g!(Procedures, "tasks"), &mut s1) {
                    Some(t) => parse_tasks(t).ok_or(Bad("tasks"))?,
                    None => Vec::new(),
                };
                let _ = self.add_procedure(Procedure {
                    id: owned(g!(Procedures, "id")),
                    kind,
                    subject: owned(g!(Procedures, "subject")),
                    grade: grade.min(255) as u8,
                    year,
                    date,
                    max_score: max.min(u32::from(u16::MAX)) as u16,
                    tasks,
                    scale: Some(owned(g!(Procedures, "scale"))).filter(|s| !s.is_empty()),
                });
            }
            TableName::Results => {
                let primary_score = need("primary_score", int(g!(Results, "primary_score")))?;
                let mark = need("mark", int(g!(Results, "mark")))?;
                let test_score = need("test_score", int(g!(Results, "test_score")))?;
                scores.clear();
                let mut have_tasks = false;
                if let Some(t) = text(g!(Results, "task_scores"), &mut s1) {
                    if !plain_task_scores(t, scores) {
                        scores.clear();
                        for part in t.split(';') {
                            scores.push(part.trim().parse().map_err(|_| Bad("task_scores"))?);
                        }
                    }
                    have_tasks = true;
                } else if !task_cols.is_empty() {
                    for &c in task_cols {
                        match int(b.src.cell(row, c)) {
                            Ok(Some(v)) => scores.push(v),
                            Ok(None) => scores.push(0),
                            Err(()) => return Err(Bad("task_scores")),
                        }
                    }
                    have_tasks = true;
                }
                let mut s3 = String::new();
                let student = text(g!(Results, "student"), &mut s2).unwrap_or("");
                let procedure = text(g!(Results, "procedure"), &mut s3).unwrap_or("");
                let mut s4 = String::new();
                let class = text(g!(Results, "class"), &mut s4);
                let _ = self.add_result(ResultRow {
                    student,
                    procedure,
                    class,
                    primary_score,
                    task_scores: have_tasks.then_some(&scores[..]),
                    mark,
                    test_score,
                });
            }
            TableName::Marks => {
                let year = memos
                    .year
                    .get(g!(Marks, "year"), parsed::<AcademicYear>)
                    .map_err(|_| Bad("year"))?
                    .ok_or(Bad("year"))?;
                let period = memos
                    .period
                    .get(g!(Marks, "period"), parsed::<Period>)
                    .map_err(|_| Bad("period"))?
                    .ok_or(Bad("period"))?;
                let mut s3 = String::new();
                let mut s4 = String::new();
                let student = text(g!(Marks, "student"), &mut s1).unwrap_or("");
                let subject = text(g!(Marks, "subject"), &mut s2).unwrap_or("");
                let mark = text(g!(Marks, "mark"), &mut s3).unwrap_or("");
                let _ = &mut s4;
                let _ = self.add_mark(MarkRow {
                    student,
                    subject,
                    year,
                    period,
                    mark,
                });
            }
            TableName::Trainings => {
                let date = parsed::<Date>(g!(Trainings, "date"))
                    .map_err(|_| Bad("date"))?
                    .ok_or(Bad("date"))?;
                let assessment = boolean(g!(Trainings, "assessment"))
                    .map_err(|_| Bad("assessment"))?
                    .unwrap_or(false);
                let _ = self.add_training(TrainingRow {
                    teacher: owned(g!(Trainings, "teacher")),
                    date,
                    topic: owned(g!(Trainings, "topic")),
                    assessment,
                });
            }
            TableName::MukoEvidence => {
                let status = parsed::<MukoStatus>(g!(MukoEvidence, "status"))
                    .map_err(|_| Bad("status"))?
                    .ok_or(Bad("status"))?;
                let link = Some(owned(g!(MukoEvidence, "link"))).filter(|l| !l.is_empty());
                let _ = self.add_muko_evidence(MukoEvidenceRow {
                    school: owned(g!(MukoEvidence, "school")),
                    direction: owned(g!(MukoEvidence, "direction")),
                    component: owned(g!(MukoEvidence, "component")),
                    status,
                    link,
                });
            }
            TableName::CompetencyTests => {
                let date = parsed::<Date>(g!(CompetencyTests, "date"))
                    .map_err(|_| Bad("date"))?
                    .ok_or(Bad("date"))?;
                let score = dec(g!(CompetencyTests, "score"))
                    .map_err(|_| Bad("score"))?
                    .ok_or(Bad("score"))?;
                let max_score = dec(g!(CompetencyTests, "max_score"))
                    .map_err(|_| Bad("max_score"))?
                    .ok_or(Bad("max_score"))?;
                let _ = self.add_competency_test(CompetencyTestRow {
                    teacher: owned(g!(CompetencyTests, "teacher")),
                    date,
                    subject: owned(g!(CompetencyTests, "subject")),
                    score,
                    max_score,
                });
            }
        }
        Ok(())
    }
}
