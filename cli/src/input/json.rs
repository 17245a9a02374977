//! JSON tables: an array of objects, or `{"columns": {"name": [..], ..}}`.
//!
//! Values are taken from the raw JSON text, so numbers keep their exact
//! spelling (`0.1` stays `"0.1"`, `12.50` stays `"12.50"`): no float ever
//! comes between the file and the cell.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::error::{ErrorKind, InputError, Location};
use super::{Row, Source};

/// A JSON table read into memory.
pub(crate) struct JsonTable {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// Reads a JSON table.
pub(crate) fn read(source: &Source, file: &str) -> Result<JsonTable, InputError> {
    let loc = || Location::file(file);
    let bytes = source
        .read_all()
        .map_err(|e| InputError::io(loc(), "cannot read the file", e))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        InputError::new(
            ErrorKind::Encoding,
            loc(),
            format!("invalid UTF-8 at line {line}; JSON must be UTF-8"),
        )
    })?;
    let top: &RawValue = serde_json::from_str(text).map_err(|e| syntax_error(file, &e))?;
    match first_char(top) {
        b'[' => read_records(top, file),
        b'{' => read_columns(top, file),
        _ => Err(InputError::new(
            ErrorKind::Json,
            loc(),
            "expected an array of objects or an object {\"columns\": {...}}",
        )),
    }
}

/// An `input.json` error from a serde_json error, by its place and category
/// only: serde_json's messages may quote values.
fn syntax_error(file: &str, e: &serde_json::Error) -> InputError {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "the JSON ends too early",
        serde_json::error::Category::Syntax => "JSON syntax error",
        serde_json::error::Category::Data => "unexpected JSON value",
        serde_json::error::Category::Io => "cannot read the JSON",
    };
    InputError::new(
        ErrorKind::Json,
        Location::file(file),
        format!("{what} at line {}, column {}", e.line(), e.column()),
    )
}

fn first_char(raw: &RawValue) -> u8 {
    raw.get()
        .bytes()
        .find(|b| !b.is_ascii_whitespace())
        .unwrap_or(b' ')
}

fn read_records(top: &RawValue, file: &str) -> Result<JsonTable, InputError> {
    let elements: Vec<&RawValue> =
        serde_json::from_str(top.get()).map_err(|e| syntax_error(file, &e))?;
    let mut headers: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut records: Vec<Vec<(usize, &RawValue)>> = Vec::with_capacity(elements.len());
    for (k, element) in elements.iter().enumerate() {
        let number = k as u64 + 1;
        let loc = || Location::file(file).at_row(number);
        if first_char(element) != b'{' {
            return Err(InputError::new(
                ErrorKind::Json,
                loc(),
                "the record is not a JSON object",
            ));
        }
        let Entries(entries) =
            serde_json::from_str(element.get()).map_err(|e| syntax_error(file, &e))?;
        let mut record = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let key = key.trim();
            let i = match index.get(key) {
                Some(&i) => i,
                None => {
                    index.insert(key.to_owned(), headers.len());
                    headers.push(key.to_owned());
                    headers.len() - 1
                }
            };
            if record.iter().any(|&(j, _)| j == i) {
                return Err(InputError::new(
                    ErrorKind::Json,
                    loc().in_column(key),
                    "the key appears twice in the record",
                ));
            }
            record.push((i, value));
        }
        records.push(record);
    }
    if headers.is_empty() {
        return Err(InputError::new(
            ErrorKind::Empty,
            Location::file(file),
            "no records with keys, so no columns",
        ));
    }
    let width = headers.len();
    let mut rows = Vec::with_capacity(records.len());
    let mut cells: Vec<Option<&RawValue>> = vec![None; width];
    for (k, record) in records.into_iter().enumerate() {
        let number = k as u64 + 1;
        cells.iter_mut().for_each(|c| *c = None);
        let mut bytes = 0;
        for (i, value) in record {
            bytes += value.get().len();
            cells[i] = Some(value);
        }
        let mut row = Row::with_capacity(number, width, bytes);
        for (i, cell) in cells.iter().enumerate() {
            let text = match cell {
                Some(raw) => scalar_text(raw, file, number, &headers[i])?,
                None => Cow::Borrowed(""),
            };
            row.push(text.trim());
        }
        rows.push(row);
    }
    Ok(JsonTable { headers, rows })
}

fn read_columns(top: &RawValue, file: &str) -> Result<JsonTable, InputError> {
    let loc = || Location::file(file);
    let Entries(entries) = serde_json::from_str(top.get()).map_err(|e| syntax_error(file, &e))?;
    let mut columns_raw = None;
    for (key, value) in entries {
        if key == "columns" {
            columns_raw = Some(value);
        } else {
            return Err(InputError::new(
                ErrorKind::Json,
                loc(),
                format!(
                    "unexpected top-level key {key:?}; expected an object {{\"columns\": {{...}}}}"
                ),
            ));
        }
    }
    let Some(columns_raw) = columns_raw else {
        return Err(InputError::new(
            ErrorKind::Json,
            loc(),
            "expected an array of objects or an object {\"columns\": {...}}",
        ));
    };
    if first_char(columns_raw) != b'{' {
        return Err(InputError::new(
            ErrorKind::Json,
            loc(),
            "\"columns\" must be an object of arrays",
        ));
    }
    let Entries(columns) =
        serde_json::from_str(columns_raw.get()).map_err(|e| syntax_error(file, &e))?;
    let mut headers = Vec::with_capacity(columns.len());
    let mut values: Vec<Vec<&RawValue>> = Vec::with_capacity(columns.len());
    for (name, array) in columns {
        let name = name.trim().to_owned();
        if headers.contains(&name) {
            return Err(InputError::new(
                ErrorKind::Json,
                loc().in_column(name),
                "the column appears twice",
            ));
        }
        if first_char(array) != b'[' {
            return Err(InputError::new(
                ErrorKind::Json,
                loc().in_column(name),
                "the column is not an array",
            ));
        }
        let column: Vec<&RawValue> =
            serde_json::from_str(array.get()).map_err(|e| syntax_error(file, &e))?;
        if let Some(first) = values.first()
            && first.len() != column.len()
        {
            return Err(InputError::new(
                ErrorKind::RaggedRow,
                loc().in_column(name),
                format!(
                    "the column has {} values, the column {:?} has {}",
                    column.len(),
                    headers[0],
                    first.len()
                ),
            ));
        }
        headers.push(name);
        values.push(column);
    }
    if headers.is_empty() {
        return Err(InputError::new(
            ErrorKind::Empty,
            loc(),
            "\"columns\" is empty, so there are no columns",
        ));
    }
    let height = values[0].len();
    let width = headers.len();
    let mut rows = Vec::with_capacity(height);
    for r in 0..height {
        let number = r as u64 + 1;
        let mut row = Row::with_capacity(number, width, 8 * width);
        for (c, column) in values.iter().enumerate() {
            let text = scalar_text(column[r], file, number, &headers[c])?;
            row.push(text.trim());
        }
        rows.push(row);
    }
    Ok(JsonTable { headers, rows })
}

/// The text of a scalar JSON value: strings unescaped, numbers exactly as
/// written, `true`/`false`, and `null` as an empty cell.
fn scalar_text<'a>(
    raw: &'a RawValue,
    file: &str,
    row: u64,
    column: &str,
) -> Result<Cow<'a, str>, InputError> {
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'"') => {
            let inner = &text[1..text.len() - 1];
            if inner.contains('\\') {
                serde_json::from_str::<String>(text)
                    .map(Cow::Owned)
                    .map_err(|e| syntax_error(file, &e))
            } else {
                Ok(Cow::Borrowed(inner))
            }
        }
        Some(b'n') => Ok(Cow::Borrowed("")),
        Some(b'{' | b'[') => Err(InputError::new(
            ErrorKind::Json,
            Location::file(file).at_row(row).in_column(column),
            "a nested object or array where a single value was expected",
        )),
        _ => Ok(Cow::Borrowed(text)),
    }
}

/// The entries of a JSON object in the order written; keys are borrowed
/// from the input when they hold no escapes.
struct Entries<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;

        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(key) = map.next_key_seed(KeySeed)? {
                    let value: &'de RawValue = map.next_value()?;
                    entries.push((key, value));
                }
                Ok(Entries(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// Deserializes a key, borrowing it when possible.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Cow<'de, str>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}
