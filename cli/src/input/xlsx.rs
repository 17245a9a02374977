//! XLSX workbooks through calamine: one sheet into rows of display text.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{Read, Seek};
use std::panic::AssertUnwindSafe;

use calamine::{Data, Reader, Xlsx, XlsxError};

use super::cell::format_spreadsheet_number;
use super::detect;
use super::error::{ErrorKind, InputError, Location};
use super::{Row, Source};

/// The most a workbook may unpack to (the sizes its zip directory declares), so that a small
/// file cannot make calamine unpack gigabytes of XML (a "zip bomb").
pub(crate) const MAX_UNPACKED_BYTES: u64 = 256 << 20;

/// The most cells (data rows × header width) a sheet may have.
pub(crate) const MAX_SHEET_CELLS: u64 = 1 << 26;

/// A sheet read into memory.
pub(crate) struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// Reads the named sheet, or the first one, of a workbook.
pub(crate) fn read(source: &Source, file: &str, sheet: Option<&str>) -> Result<Sheet, InputError> {
    let loc = || Location::file(file);
    let mut head = Vec::with_capacity(8);
    source
        .open()
        .and_then(|r| r.take(8).read_to_end(&mut head))
        .map_err(|e| InputError::io(loc(), "cannot read the file", e))?;
    if detect::is_legacy_xls(&head) {
        return Err(InputError::new(
            ErrorKind::Xlsx,
            loc(),
            "this is a legacy .xls workbook; open it in Excel and save it as .xlsx",
        ));
    }
    if !head.starts_with(b"PK\x03\x04") {
        return Err(InputError::new(
            ErrorKind::Xlsx,
            loc(),
            "not an XLSX workbook (not a zip archive)",
        ));
    }
    match source {
        Source::Path(path) => {
            let open = || {
                std::fs::File::open(path)
                    .map(std::io::BufReader::new)
                    .map_err(|e| InputError::io(loc(), "cannot open the file", e))
            };
            check_unpacked_size(open()?, file)?;
            read_workbook(open()?, file, sheet)
        }
        Source::Bytes(bytes) => {
            check_unpacked_size(std::io::Cursor::new(bytes.clone()), file)?;
            read_workbook(std::io::Cursor::new(bytes.clone()), file, sheet)
        }
    }
}

/// Fails when the zip directory declares more than [`MAX_UNPACKED_BYTES`] in all. A zip that
/// cannot be read here is left to calamine, which says what is wrong with it.
fn check_unpacked_size<RS: Read + Seek>(rs: RS, file: &str) -> Result<(), InputError> {
    let Ok(mut archive) = zip::ZipArchive::new(rs) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        if let Ok(entry) = archive.by_index_raw(i) {
            total = total.saturating_add(entry.size());
        }
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(InputError::new(
            ErrorKind::Xlsx,
            Location::file(file),
            format!(
                "the workbook unpacks to {} MiB, more than the {} MiB oko reads; split it or save the sheet as CSV",
                total >> 20,
                MAX_UNPACKED_BYTES >> 20
            ),
        ));
    }
    Ok(())
}

fn read_workbook<RS: Read + Seek>(
    rs: RS,
    file: &str,
    sheet: Option<&str>,
) -> Result<Sheet, InputError> {
    let loc = || Location::file(file);
    let mut workbook: Xlsx<RS> = Xlsx::new(rs).map_err(|e| xlsx_error(file, &e))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().to_lowercase() == wanted.trim().to_lowercase())
            })
            .cloned()
            .ok_or_else(|| {
                InputError::new(
                    ErrorKind::Xlsx,
                    loc(),
                    format!(
                        "no sheet named {wanted:?}; the sheets are {}",
                        quoted_list(&names)
                    ),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| InputError::new(ErrorKind::Xlsx, loc(), "the workbook has no sheets"))?,
    };
    let cells = sheet_cells(&mut workbook, &name, file)?;
    let sheet_loc = || Location::file(file);
    // The sheet's cells as calamine's range would anchor them: columns counted from the
    // leftmost cell of the sheet, rows in order. Kept sparse: a workbook with one cell in A1
    // and one in XFD1048576 must not make a dense grid of 17 billion cells.
    let Some(min_col) = cells.values().flatten().map(|(c, _)| *c).min() else {
        return Err(InputError::new(
            ErrorKind::Empty,
            sheet_loc(),
            format!("the sheet {name:?} is empty: no header row"),
        ));
    };
    let mut rows_iter = cells.into_iter();
    let mut headers: Vec<String> = Vec::new();
    for (_, row_cells) in rows_iter.by_ref() {
        if row_cells.iter().all(|(_, t)| t.trim().is_empty()) {
            continue;
        }
        let width = row_cells
            .iter()
            .map(|(c, _)| (c - min_col) as usize + 1)
            .max();
        headers = vec![String::new(); width.unwrap_or(0)];
        for (c, text) in row_cells {
            headers[(c - min_col) as usize] = text;
        }
        while headers.last().is_some_and(String::is_empty) {
            headers.pop();
        }
        break;
    }
    if headers.is_empty() {
        return Err(InputError::new(
            ErrorKind::Empty,
            sheet_loc(),
            format!("the sheet {name:?} is empty: no header row"),
        ));
    }
    let width = headers.len();
    if (rows_iter.len() as u64).saturating_mul(width as u64) > MAX_SHEET_CELLS {
        return Err(InputError::new(
            ErrorKind::Xlsx,
            sheet_loc(),
            format!(
                "the sheet {name:?} has more than {MAX_SHEET_CELLS} cells under its header; split it or save it as CSV"
            ),
        ));
    }
    let mut rows = Vec::with_capacity(rows_iter.len());
    for (r, row_cells) in rows_iter {
        if row_cells.iter().all(|(_, t)| t.trim().is_empty()) {
            continue;
        }
        let number = u64::from(r) + 1;
        if let Some(extra) = row_cells
            .iter()
            .filter(|(c, t)| (c - min_col) as usize >= width && !t.trim().is_empty())
            .map(|(c, _)| (c - min_col) as usize)
            .min()
        {
            return Err(InputError::new(
                ErrorKind::RaggedRow,
                Location::file(file).at_row(number),
                format!(
                    "a value in sheet column {} past the last header (the header has {width} columns)",
                    extra + 1
                ),
            ));
        }
        // As calamine's ranges, a cell written twice keeps its last value.
        let mut line: Vec<&str> = vec![""; width];
        for (c, text) in &row_cells {
            line[(c - min_col) as usize] = text;
        }
        let mut row = Row::with_capacity(number, width, 8 * width);
        for text in &line {
            row.push(text);
        }
        rows.push(row);
    }
    Ok(Sheet {
        name,
        headers,
        rows,
    })
}

/// Every cell of a sheet with a value, as display text, by row then column (0-based, as
/// the sheet numbers them). A panic inside calamine (a cell reference that overflows its
/// arithmetic, say) is a damaged workbook, not a crash.
fn sheet_cells<RS: Read + Seek>(
    workbook: &mut Xlsx<RS>,
    name: &str,
    file: &str,
) -> Result<BTreeMap<u32, Vec<(u32, String)>>, InputError> {
    let read = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let mut cells: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
        let mut reader = match workbook.worksheet_cells_reader(name) {
            Ok(reader) => reader,
            // A chart or dialog sheet has no cells (calamine's ranges treat it so too).
            Err(XlsxError::NotAWorksheet(_)) => return Ok(cells),
            Err(e) => return Err(e),
        };
        while let Some(cell) = reader.next_cell()? {
            let (r, c) = cell.get_position();
            let value = Data::from(cell.get_value().clone());
            if value == Data::Empty {
                continue;
            }
            cells
                .entry(r)
                .or_default()
                .push((c, format_cell(&value).into_owned()));
        }
        Ok(cells)
    }));
    match read {
        Ok(Ok(cells)) => Ok(cells),
        Ok(Err(e)) => Err(xlsx_error(file, &e)),
        Err(_) => Err(InputError::new(
            ErrorKind::Xlsx,
            Location::file(file),
            "the workbook is damaged (a sheet could not be read)",
        )),
    }
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text of a cell as Excel shows it in the General format (dates in ISO).
fn format_cell(cell: &Data) -> Cow<'_, str> {
    match cell {
        Data::Empty => Cow::Borrowed(""),
        Data::String(s) => Cow::Borrowed(s.trim()),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(f) => Cow::Owned(format_spreadsheet_number(*f)),
        Data::Bool(true) => Cow::Borrowed("TRUE"),
        Data::Bool(false) => Cow::Borrowed("FALSE"),
        Data::DateTime(dt) if dt.is_duration() => Cow::Owned(format_duration(dt.as_f64())),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                Cow::Owned(format!("{y:04}-{mo:02}-{d:02}"))
            } else {
                Cow::Owned(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"))
            }
        }
        Data::DateTimeIso(s) => Cow::Borrowed(s.strip_suffix("T00:00:00").unwrap_or(s).trim()),
        Data::DurationIso(s) => Cow::Borrowed(s.trim()),
        Data::Error(e) => Cow::Owned(e.to_string()),
    }
}

/// A duration in days as `H:MM:SS`.
fn format_duration(days: f64) -> String {
    let total = (days * 86_400.0).round();
    let negative = total < 0.0;
    let total = total.abs() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    format!("{}{h}:{m:02}:{s:02}", if negative { "-" } else { "" })
}

/// An `input.xlsx` error describing calamine's error by its kind only: its
/// own messages may quote text from the workbook.
fn xlsx_error(file: &str, e: &XlsxError) -> InputError {
    let what: Cow<'_, str> = match e {
        XlsxError::Io(io) => {
            return InputError::new(
                ErrorKind::Io,
                Location::file(file),
                format!("cannot read the workbook: {}", io.kind()),
            );
        }
        XlsxError::Zip(_) => "not an XLSX workbook (a damaged zip archive)".into(),
        XlsxError::Password => "the workbook is password protected".into(),
        XlsxError::WorksheetNotFound(n) => format!("no sheet named {n:?}").into(),
        XlsxError::NotAWorksheet(_) => {
            "the sheet is a chart or dialog sheet, not a worksheet".into()
        }
        XlsxError::FileNotFound(part) => {
            format!("not an XLSX workbook: the part {part:?} is missing").into()
        }
        XlsxError::Xml(_)
        | XlsxError::XmlAttr(_)
        | XlsxError::XmlAttribute(_)
        | XlsxError::XmlEof(_)
        | XlsxError::UnexpectedNode(_)
        | XlsxError::Encoding(_) => "the workbook's XML is damaged".into(),
        _ => "the workbook is damaged or uses a feature that cannot be read".into(),
    };
    InputError::new(ErrorKind::Xlsx, Location::file(file), what)
}
