//! Python bindings for oko: the extension module `oko._oko`, re-exported by the pure-Python
//! package `oko` (`python/oko/__init__.py`).
//!
//! The binding is thin: it converts types and errors and holds no domain logic. One file
//! per core concept, mirrored by the Python tests (`tests/test_<concept>.py`):
//! - [`dataset`]: `Dataset.from_tables` (Arrow, pandas, polars, lists of dicts) and the
//!   canonical tables out;
//! - [`indicators`]: `aggregate`, `Indicators`, `indicator_catalogue`;
//! - [`generate`]: the synthetic district;
//! - [`rules`]: `Rules`, `load_rules`, `shipped_rules` (rule files compiled by the core);
//! - [`evaluation`]: `evaluate`, `Evaluation` (report tables, `explain`, `to_json`), `View`
//!   and the notebook language;
//! - [`errors`]: exception classes by code prefix, panics caught at the boundary;
//! - [`convert`]: JSON values to and from Python objects.

mod convert;
mod dataset;
mod errors;
mod evaluation;
mod generate;
mod indicators;
mod rules;

use pyo3::prelude::*;

/// The native part of the `oko` package; import `oko` instead.
#[pymodule]
fn _oko(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    dataset::register(m)?;
    indicators::register(m)?;
    generate::register(m)?;
    rules::register(m)?;
    evaluation::register(m)?;
    Ok(())
}
