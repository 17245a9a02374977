//! Errors: one Python exception class per error category, chosen by the code's prefix
//! (`data.` → `DataError`, `rule.` → `RuleError`, `limit.` → `LimitError`, anything else →
//! `OkoError`), each instance carrying `code`, `location` and `errors`.
//!
//! Messages come from the core's `Display`, which cites table, row and column and never a
//! cell's value. A Rust panic is caught at the boundary ([`guard`]) and raised as `OkoError`
//! with code `internal.panic`; its payload is not shown (it could quote data).

use oko::rules::{DiagnosticLevel, RuleDiagnostic, RuleErrors};
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
     - ``location``: for data errors ``{\"table\", \"row\", \"column\"}``; for rule errors\n\
       ``{\"file\", \"line\", \"column\", \"path\"}``; None when there is none.\n\
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
    "A rule file that cannot be used (codes ``rule.*``): bad syntax, an unknown field or \
     name, a type error in an expression, a duplicate id. ``errors`` lists every problem \
     found (all at once, like a compiler), each with ``code``, ``level``, ``location`` \
     (``file``, ``line``, ``column``, ``path``), ``message`` and ``snippet``."
);
create_exception!(
    oko,
    LimitError,
    OkoError,
    "A configured size limit was exceeded (codes ``limit.*``): a rule file too large, too \
     many rules or items, an expression too deep; or a value beyond the output's \
     decimal128(38, 28). Raised with the same attributes as the error it limits."
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
    /// A decimal that does not fit the output's decimal128(38, 28) column (not expected in
    /// practice: every indicator and evidence value is below 10^10).
    pub(crate) fn decimal_range(what: &str) -> Self {
        Failure {
            code: "limit.decimal_range".to_owned(),
            message: format!("limit.decimal_range: {what} does not fit decimal128(38, 28)"),
            location: None,
            first_row: None,
        }
    }

    /// An internal failure with its code (`internal.*`), raised as `OkoError`.
    pub(crate) fn internal(code: &str, message: String) -> Self {
        Failure {
            code: code.to_owned(),
            message,
            location: None,
            first_row: None,
        }
    }

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

/// The exception class for a code, by its prefix, with a message.
fn exception_for(code: &str, message: &str) -> PyErr {
    match code.split_once('.').map(|(p, _)| p) {
        Some("data") => DataError::new_err(message.to_owned()),
        Some("rule") => RuleError::new_err(message.to_owned()),
        Some("limit") => LimitError::new_err(message.to_owned()),
        _ => OkoError::new_err(message.to_owned()),
    }
}

/// Where a rule diagnostic is: ``{"file", "line", "column", "path"}`` (line and column
/// 1-based, None when unknown; path a key path such as ``rules[2].when``).
fn rule_location_dict<'py>(py: Python<'py>, d: &RuleDiagnostic) -> PyResult<Bound<'py, PyDict>> {
    let l = PyDict::new(py);
    l.set_item("file", &d.file)?;
    l.set_item("line", d.line)?;
    l.set_item("column", d.column)?;
    l.set_item("path", &d.path)?;
    Ok(l)
}

/// A rule diagnostic as a dict: `code`, `level` (`error` or `warning`), `location`,
/// `message` and `snippet` (the source line with a caret, or None).
pub(crate) fn diagnostic_dict<'py>(
    py: Python<'py>,
    d: &RuleDiagnostic,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("code", d.code)?;
    out.set_item(
        "level",
        match d.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
        },
    )?;
    out.set_item("location", rule_location_dict(py, d)?)?;
    out.set_item("message", &d.message)?;
    out.set_item("snippet", d.snippet.as_deref())?;
    Ok(out)
}

/// The exception for rules that do not compile: `RuleError` (or `LimitError` when the first
/// error is a `limit.*`), with the first error's code and location, every diagnostic in
/// `errors`, and the compiler's rendering (file:line:column, key path, caret snippet) as the
/// message.
pub(crate) fn from_rule_errors(py: Python<'_>, e: &RuleErrors) -> PyErr {
    let code = e.code();
    let err = match code.split_once('.').map(|(p, _)| p) {
        Some("limit") => LimitError::new_err(e.render()),
        _ => RuleError::new_err(e.render()),
    };
    let set = || -> PyResult<()> {
        let v = err.value(py);
        v.setattr("code", code)?;
        match e.diagnostics.iter().find(|d| d.is_error()) {
            Some(d) => v.setattr("location", rule_location_dict(py, d)?)?,
            None => v.setattr("location", py.None())?,
        }
        let list = PyList::empty(py);
        for d in &e.diagnostics {
            list.append(diagnostic_dict(py, d)?)?;
        }
        v.setattr("errors", list)?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(e) => e,
    }
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
    let err = exception_for(&first.code, message);
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
