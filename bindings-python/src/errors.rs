//! Errors: one Python exception class per error category, chosen by the code's prefix
//! (`data.` → `DataError`, `rule.` → `RuleError`, `limit.` → `LimitError`, anything else →
//! `OkoError`), each instance carrying `code`, `location` and `errors`.
//!
//! Messages come from the core's `Display`, which cites table, row and column and never a
//! cell's value. A Rust panic is caught at the boundary ([`guard`]) and raised as `OkoError`
//! with code `internal.panic`; its payload is not shown (it could quote data).

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::panic::{AssertUnwindSafe, catch_unwind};

create_exception!(
    oko,
    OkoError,
    PyException,
    "Base class of every oko error.\n\n\
     Attributes:\n\
     - ``code``: a stable machine code such as ``data.mark_out_of_range`` (``internal.panic``\n\
       for a bug in oko).\n\
     - ``location``: ``{\"table\", \"row\", \"column\"}`` or None.\n\
     - ``errors``: every error found, as dicts with ``code``, ``location``, ``message``\n\
       (a strict build reports all rejected rows at once).\n\n\
     Messages cite tables, rows and columns, never a cell's value."
);
create_exception!(
    oko,
    DataError,
    OkoError,
    "Bad input data (codes ``data.*``): a missing column, a value of the wrong form, an \
     unknown reference, a duplicate."
);
create_exception!(
    oko,
    RuleError,
    OkoError,
    "A rule or scale that cannot be used (codes ``rule.*``)."
);
create_exception!(
    oko,
    LimitError,
    OkoError,
    "A configured size limit was exceeded (codes ``limit.*``)."
);

/// Where an error is: the table, the 1-based data row (0 for the table itself) and the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Where {
    /// Table name as in `Dataset.from_tables` (`results`, ...).
    pub table: String,
    /// 1-based data row, 0 for the whole table.
    pub row: u64,
    /// Column name.
    pub column: String,
}

impl From<&oko::Location> for Where {
    fn from(l: &oko::Location) -> Self {
        Where {
            table: l.table.as_str().to_owned(),
            row: l.row,
            column: l.column.to_owned(),
        }
    }
}

/// One error on the Rust side, converted to a Python exception by [`to_py`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// Stable code.
    pub code: String,
    /// Message without cell values.
    pub message: String,
    /// Location, when the error has one.
    pub location: Option<Where>,
    /// For duplicates: the row first seen.
    pub first_row: Option<u64>,
}

impl From<&oko::DataError> for Failure {
    fn from(e: &oko::DataError) -> Self {
        Failure {
            code: e.code().to_owned(),
            message: e.to_string(),
            location: Some(Where::from(&e.location)),
            first_row: e.first_row,
        }
    }
}

impl Failure {
    /// The error of a caught panic.
    pub(crate) fn panic() -> Self {
        Failure {
            code: "internal.panic".to_owned(),
            message: "internal.panic: an internal error occurred in oko (a bug); \
                      please report it with the steps that led to it"
                .to_owned(),
            location: None,
            first_row: None,
        }
    }
}

/// Runs `f`, turning a panic into [`Failure::panic`]. Use it around every call into the core
/// (and around the binding's own table sources, which the core calls back).
pub(crate) fn guard<T>(f: impl FnOnce() -> T) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| Failure::panic())
}

fn location_dict<'py>(py: Python<'py>, w: &Where) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("table", &w.table)?;
    d.set_item("row", w.row)?;
    d.set_item("column", &w.column)?;
    Ok(d)
}

/// A failure as a dict: `code`, `location`, `message` and, for duplicates, `first_row`.
pub(crate) fn failure_dict<'py>(py: Python<'py>, f: &Failure) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("code", &f.code)?;
    match &f.location {
        Some(w) => d.set_item("location", location_dict(py, w)?)?,
        None => d.set_item("location", py.None())?,
    }
    d.set_item("message", &f.message)?;
    if let Some(r) = f.first_row {
        d.set_item("first_row", r)?;
    }
    Ok(d)
}

/// The exception for `first` (class by code prefix), with `errors` listing `all`.
pub(crate) fn to_py_all(py: Python<'_>, first: &Failure, message: &str, all: &[Failure]) -> PyErr {
    let err = match first.code.split_once('.').map(|(p, _)| p) {
        Some("data") => DataError::new_err(message.to_owned()),
        Some("rule") => RuleError::new_err(message.to_owned()),
        Some("limit") => LimitError::new_err(message.to_owned()),
        _ => OkoError::new_err(message.to_owned()),
    };
    let set = || -> PyResult<()> {
        let v = err.value(py);
        v.setattr("code", &first.code)?;
        match &first.location {
            Some(w) => v.setattr("location", location_dict(py, w)?)?,
            None => v.setattr("location", py.None())?,
        }
        let list = PyList::empty(py);
        for f in all {
            list.append(failure_dict(py, f)?)?;
        }
        v.setattr("errors", list)?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// The exception for one failure.
pub(crate) fn to_py(py: Python<'_>, f: &Failure) -> PyErr {
    to_py_all(py, f, &f.message, std::slice::from_ref(f))
}

/// The exception for a dataset that could not be built: the class and code of the first
/// error, and every error in `errors`.
pub(crate) fn from_data_errors(py: Python<'_>, e: &oko::DataErrors) -> PyErr {
    let all: Vec<Failure> = e.errors.iter().map(Failure::from).collect();
    match all.first() {
        Some(first) => to_py_all(py, first, &e.to_string(), &all),
        None => to_py(py, &Failure::panic()),
    }
}

impl From<Failure> for PyErr {
    fn from(f: Failure) -> Self {
        Python::attach(|py| to_py(py, &f))
    }
}

/// Test hook: panics inside [`guard`], as a bug in the core would.
#[cfg(feature = "debug-hooks")]
#[pyfunction]
pub(crate) fn _debug_panic(py: Python<'_>) -> PyResult<()> {
    py.detach(|| guard(|| -> () { panic!("debug panic from oko._oko._debug_panic") }))?;
    Ok(())
}

/// Test hook: raises the exception that the binding raises for `code`.
#[cfg(feature = "debug-hooks")]
#[pyfunction]
pub(crate) fn _debug_raise(code: &str) -> PyResult<()> {
    Err(Failure {
        code: code.to_owned(),
        message: format!("{code}: raised by oko._oko._debug_raise"),
        location: Some(Where {
            table: "results".to_owned(),
            row: 3,
            column: "mark".to_owned(),
        }),
        first_row: None,
    }
    .into())
}

/// Registers the exception classes (and the test hooks when compiled in).
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("OkoError", py.get_type::<OkoError>())?;
    m.add("DataError", py.get_type::<DataError>())?;
    m.add("RuleError", py.get_type::<RuleError>())?;
    m.add("LimitError", py.get_type::<LimitError>())?;
    #[cfg(feature = "debug-hooks")]
    {
        // Not in `__all__`: hidden test hooks.
        m.setattr("_debug_panic", wrap_pyfunction!(_debug_panic, m)?)?;
        m.setattr("_debug_raise", wrap_pyfunction!(_debug_raise, m)?)?;
    }
    Ok(())
}
