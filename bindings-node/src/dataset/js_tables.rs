//! Tables given as JS values, either rows (an array of plain objects) or columns (an object
//! of arrays), copied into owned cells that the core reads through [`TableSource`].
//!
//! JS strings become `Str`, numbers `Int` when integral (and exactly representable) else
//! `Float`, booleans `Bool`, `null`/`undefined` `Null`. Any other JS type in a cell is an
//! `input.argument` error at the cell's location: the core cannot judge an object.

use crate::errors::{Failure, Fallible, Loc};
use crate::js::{MAX_SAFE, type_name};
use napi::ValueType;
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, JsValue, Object, Unknown};
use oko::{CellValue, TableSource};
use std::collections::HashMap;

/// A cell copied out of JS.
#[derive(Debug, Clone, PartialEq)]
enum Owned {
    Null,
    Str(Box<str>),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// A table of owned cells, column by column.
#[derive(Debug, Default)]
pub(crate) struct JsTable {
    names: Vec<String>,
    columns: Vec<Vec<Owned>>,
    rows: usize,
}

impl TableSource for JsTable {
    fn column_names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn row_count(&self) -> usize {
        self.rows
    }

    fn cell(&self, row: usize, column: usize) -> CellValue<'_> {
        match self.columns[column].get(row) {
            None | Some(Owned::Null) => CellValue::Null,
            Some(Owned::Str(s)) => CellValue::Str(s),
            Some(Owned::Int(i)) => CellValue::Int(*i),
            Some(Owned::Float(f)) => CellValue::Float(*f),
            Some(Owned::Bool(b)) => CellValue::Bool(*b),
        }
    }
}

/// Converts one JS value; `table`, `row` (0-based) and `column` only locate an error.
fn cell(u: Unknown<'_>, table: &'static str, row: usize, column: &str) -> Fallible<Owned> {
    Ok(match u.get_type()? {
        ValueType::Undefined | ValueType::Null => Owned::Null,
        ValueType::Boolean => Owned::Bool(bool::from_unknown(u)?),
        ValueType::Number => {
            let f = f64::from_unknown(u)?;
            if f.fract() == 0.0 && f.abs() <= MAX_SAFE {
                Owned::Int(f as i64)
            } else {
                Owned::Float(f)
            }
        }
        ValueType::String => Owned::Str(String::from_unknown(u)?.into_boxed_str()),
        other => {
            return Err(Failure::argument(
                format!(
                    "a cell must be a string, number, boolean, null or undefined, got {}",
                    type_name(other)
                ),
                Some(
                    Loc::table(table)
                        .row(row as u64 + 1)
                        .column(column.to_owned()),
                ),
            ));
        }
    })
}

/// The length of an array or typed array, or `None` for anything else.
fn array_len(u: &Unknown<'_>) -> Fallible<Option<u32>> {
    if u.is_array()? {
        return Ok(Some(Object::from_unknown(*u)?.get_array_length()?));
    }
    if u.is_typedarray()? {
        let obj = Object::from_unknown(*u)?;
        let len: f64 = obj.get_named_property("length")?;
        return Ok(Some(len as u32));
    }
    Ok(None)
}

/// Reads a table given as an array of row objects. Columns are the union of the rows' own
/// enumerable keys, in order of first appearance; a key missing from a row is `null`.
pub(crate) fn from_rows(table: &'static str, u: Unknown<'_>) -> Fallible<JsTable> {
    let loc = || Loc::table(table);
    if !u.is_array()? {
        return Err(Failure::argument(
            format!("table `{table}` must be an array of row objects"),
            Some(loc()),
        ));
    }
    let arr = Object::from_unknown(u)?;
    let len = arr.get_array_length()?;
    let mut t = JsTable {
        rows: len as usize,
        ..JsTable::default()
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    for i in 0..len {
        let row = i as usize;
        let r: Unknown<'_> = arr.get_element(i)?;
        let rt = r.get_type()?;
        if rt != ValueType::Object || r.is_array()? {
            let got = if rt == ValueType::Object {
                "an array"
            } else {
                type_name(rt)
            };
            return Err(Failure::argument(
                format!("each row must be a plain object, got {got}"),
                Some(loc().row(row as u64 + 1)),
            ));
        }
        let obj = Object::from_unknown(r)?;
        for key in Object::keys(&obj)? {
            let v: Unknown<'_> = obj.get_named_property(&key)?;
            let c = cell(v, table, row, &key)?;
            let col = match index.get(&key) {
                Some(&c) => c,
                None => {
                    let c = t.names.len();
                    index.insert(key.clone(), c);
                    t.names.push(key);
                    t.columns.push(Vec::with_capacity(len as usize));
                    c
                }
            };
            let column = &mut t.columns[col];
            // Rows that lacked this key so far (or a repeated key): pad with nulls.
            column.resize(row, Owned::Null);
            column.push(c);
        }
    }
    for column in &mut t.columns {
        column.resize(t.rows, Owned::Null);
    }
    Ok(t)
}

/// Reads a table given as an object of columns (arrays or typed arrays of equal length).
pub(crate) fn from_columns(table: &'static str, u: Unknown<'_>) -> Fallible<JsTable> {
    let loc = || Loc::table(table);
    let obj = crate::js::object(u, &format!("table `{table}`")).map_err(|_| {
        Failure::argument(
            format!("table `{table}` must be an object of column arrays"),
            Some(loc()),
        )
    })?;
    let mut t = JsTable::default();
    let mut rows: Option<u32> = None;
    for name in Object::keys(&obj)? {
        let col: Unknown<'_> = obj.get_named_property(&name)?;
        let Some(len) = array_len(&col)? else {
            return Err(Failure::argument(
                format!(
                    "column must be an array, got {}",
                    type_name(col.get_type()?)
                ),
                Some(loc().column(name)),
            ));
        };
        match rows {
            None => rows = Some(len),
            Some(n) if n != len => {
                return Err(Failure::argument(
                    format!("column has {len} values, but the table's first column has {n}"),
                    Some(loc().column(name)),
                ));
            }
            Some(_) => {}
        }
        let arr = Object::from_unknown(col)?;
        let mut cells = Vec::with_capacity(len as usize);
        for i in 0..len {
            let v: Unknown<'_> = arr.get_element(i)?;
            cells.push(cell(v, table, i as usize, &name)?);
        }
        t.names.push(name);
        t.columns.push(cells);
    }
    t.rows = rows.unwrap_or(0) as usize;
    Ok(t)
}
