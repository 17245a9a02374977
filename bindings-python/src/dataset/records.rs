//! `oko::TableSource` over a list of dicts (one dict a row), converted to cells once while
//! the GIL is held. Columns are the keys in first-seen order; a missing key is null.
//!
//! Values: None → null; bool; int (beyond 64 bits: an exact decimal, or text when it does
//! not fit, which oko then rejects where a number is needed); float (NaN → null; read as
//! its shortest repr, so 0.1 is Decimal("0.1"), and accepted only where oko accepts floats:
//! integral for ids, scores and marks, as written for decimals); `decimal.Decimal`
//! (NaN → null); str; `datetime.date`/`datetime` (ISO text: the date is kept); numpy
//! integers, floats and booleans. A value of any other type reads as null and is reported
//! (`data.unsupported_type`, with its row) when oko reads its column.

use oko::{CellValue, TableName, TableSource};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// An owned cell.
#[derive(Debug, Clone, PartialEq)]
enum Owned {
    Null,
    Str(String),
    Int(i64),
    Decimal(Decimal),
    Bool(bool),
    Float(f64),
}

/// Rows of owned cells.
pub(crate) struct Records {
    names: Vec<String>,
    rows: Vec<Vec<Owned>>,
    /// Per column, the first value of a type oko does not read: (1-based row, type name).
    unsupported: HashMap<usize, (u64, String)>,
}

/// `decimal.Decimal` and `datetime.date`, looked up once per list.
struct Types<'py> {
    decimal: Bound<'py, PyAny>,
    date: Bound<'py, PyAny>,
}

fn cell(v: &Bound<'_, PyAny>, types: &Types<'_>) -> PyResult<Option<Owned>> {
    if v.is_none() {
        return Ok(Some(Owned::Null));
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Some(Owned::Bool(b.is_true())));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Some(Owned::Str(s.to_cow()?.into_owned())));
    }
    if v.is_instance_of::<PyInt>() {
        return Ok(Some(match v.extract::<i64>() {
            Ok(i) => Owned::Int(i),
            Err(_) => {
                let text = v.str()?.to_cow()?.into_owned();
                text.parse::<Decimal>()
                    .map(Owned::Decimal)
                    .unwrap_or(Owned::Str(text))
            }
        }));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        let f = f.value();
        return Ok(Some(if f.is_nan() {
            Owned::Null
        } else {
            Owned::Float(f)
        }));
    }
    if v.is_instance(&types.decimal)? {
        if v.call_method0("is_nan")?.is_truthy()? {
            return Ok(Some(Owned::Null));
        }
        // pyo3 converts through str(): exact.
        return Ok(Some(match v.extract::<Decimal>() {
            Ok(d) => Owned::Decimal(d),
            Err(_) => Owned::Str(v.str()?.to_cow()?.into_owned()),
        }));
    }
    if v.is_instance(&types.date)? {
        let iso = v.call_method0("isoformat")?;
        return Ok(Some(Owned::Str(
            iso.cast::<PyString>()?.to_cow()?.into_owned(),
        )));
    }
    // numpy scalars: np.bool_, np.integer, np.floating.
    let module = v.get_type().module()?;
    if module.to_cow()?.starts_with("numpy") {
        let name = v.get_type().name()?;
        let name = name.to_cow()?;
        if name == "bool" || name == "bool_" {
            return Ok(Some(Owned::Bool(v.is_truthy()?)));
        }
        if name.starts_with("float") {
            let f: f64 = v.call_method0("item")?.extract()?;
            // item() of a float32 is its f64 value; use the float32's shortest repr.
            let f = if name == "float32" {
                v.str()?.to_cow()?.parse().unwrap_or(f)
            } else {
                f
            };
            return Ok(Some(if f.is_nan() {
                Owned::Null
            } else {
                Owned::Float(f)
            }));
        }
        if name.starts_with("int") || name.starts_with("uint") {
            return cell(&v.call_method0("item")?, types);
        }
    }
    Ok(None)
}

impl Records {
    /// Reads a list of dicts (`table` names it in errors).
    pub(crate) fn read(table: TableName, list: &Bound<'_, PyList>) -> PyResult<Records> {
        let py = list.py();
        let types = Types {
            decimal: py.import("decimal")?.getattr("Decimal")?,
            date: py.import("datetime")?.getattr("date")?,
        };
        let mut names: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut rows = Vec::with_capacity(list.len());
        let mut unsupported = HashMap::new();
        for (r, item) in list.iter().enumerate() {
            let dict = item.cast::<PyDict>().map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err(format!(
                    "{table}: row {} is not a dict (a table given as a list must be a list of dicts)",
                    r + 1
                ))
            })?;
            let mut row = vec![Owned::Null; names.len()];
            for (k, v) in dict.iter() {
                let key = k
                    .cast::<PyString>()
                    .map_err(|_| {
                        pyo3::exceptions::PyTypeError::new_err(format!(
                            "{table}: row {}: keys must be str",
                            r + 1
                        ))
                    })?
                    .to_cow()?
                    .into_owned();
                let c = *index.entry(key).or_insert_with_key(|key| {
                    names.push(key.clone());
                    names.len() - 1
                });
                if c >= row.len() {
                    row.resize(c + 1, Owned::Null);
                }
                row[c] = match cell(&v, &types)? {
                    Some(cell) => cell,
                    None => {
                        if let std::collections::hash_map::Entry::Vacant(e) = unsupported.entry(c) {
                            let type_name = v.get_type().name()?.to_cow()?.into_owned();
                            e.insert((r as u64 + 1, type_name));
                        }
                        Owned::Null
                    }
                };
            }
            rows.push(row);
        }
        Ok(Records {
            names,
            rows,
            unsupported,
        })
    }

    /// Columns with a value oko does not read: (column, first such row, type name).
    pub(crate) fn unsupported(&self) -> Vec<(String, u64, String)> {
        let mut v: Vec<(String, u64, String)> = self
            .unsupported
            .iter()
            .map(|(&c, (row, t))| (self.names[c].clone(), *row, t.clone()))
            .collect();
        v.sort_by_key(|x| x.1);
        v
    }

    /// True when the list had no rows (the table is then treated as absent).
    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

impl TableSource for Records {
    fn column_names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn row_count(&self) -> usize {
        self.rows.len()
    }

    fn cell(&self, row: usize, column: usize) -> CellValue<'_> {
        match self.rows[row].get(column) {
            None | Some(Owned::Null) => CellValue::Null,
            Some(Owned::Str(s)) => CellValue::Str(s),
            Some(Owned::Int(i)) => CellValue::Int(*i),
            Some(Owned::Decimal(d)) => CellValue::Decimal(*d),
            Some(Owned::Bool(b)) => CellValue::Bool(*b),
            Some(Owned::Float(f)) => CellValue::Float(*f),
        }
    }
}
