//! `oko.Dataset`: tables in (Arrow objects, pandas or polars DataFrames, lists of dicts),
//! validated by the core's `DatasetBuilder`; counts, rejected rows and the canonical tables
//! out.
//!
//! Arrow input is read in place through [`arrow::ArrowTable`] (no copy of the columns);
//! lists of dicts are converted once to cells ([`records::Records`]). The build itself runs
//! with the GIL released.

mod arrow;
pub(crate) mod export;
mod records;

use crate::errors::{Failure, Where, failure_dict, from_data_errors, guard, to_py};
use arrow::ArrowTable;
use oko::{DatasetBuilder, Policy, ScaleSet, TableName, TableSource};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;
use records::Records;
use std::sync::Arc;

/// A validated dataset: municipalities, schools, classes, teachers, assignments, students,
/// procedures, external results, internal marks, trainings, competency tests and МУКО
/// evidence.
///
/// Build one with :meth:`Dataset.from_tables`, or get a synthetic one from
/// :func:`oko.generate`. A dataset from ``generate`` carries the generator's scales (primary
/// score → mark), which :func:`oko.aggregate` uses; any other dataset has none until rules
/// provide them, so marks missing from results are not derived.
#[pyclass(frozen, module = "oko", name = "Dataset")]
pub struct PyDataset {
    pub(crate) inner: Arc<oko::Dataset>,
    pub(crate) scales: Option<Arc<ScaleSet>>,
    ignored: Vec<(String, Vec<String>)>,
}

impl PyDataset {
    /// Wraps a core dataset (with the scales its marks come from, when known).
    pub(crate) fn new(inner: oko::Dataset, scales: Option<ScaleSet>) -> Self {
        PyDataset {
            inner: Arc::new(inner),
            scales: scales.map(Arc::new),
            ignored: Vec::new(),
        }
    }
}

/// A table as handed over.
enum Source {
    Arrow(ArrowTable),
    Records(Records),
}

impl Source {
    fn table(&self) -> &dyn TableSource {
        match self {
            Source::Arrow(a) => a,
            Source::Records(r) => r,
        }
    }

    /// Columns holding values oko cannot read: (column, first row or 0, type).
    fn unsupported(&self) -> Vec<(String, u64, String)> {
        match self {
            Source::Arrow(a) => a
                .unsupported()
                .into_iter()
                .map(|(c, t)| (c, 0, t))
                .collect(),
            Source::Records(r) => r.unsupported(),
        }
    }
}

/// Reads one argument of `from_tables`; `None` for an absent table or an empty list.
fn read_table(table: TableName, obj: &Bound<'_, PyAny>) -> PyResult<Option<Source>> {
    let py = obj.py();
    if let Ok(list) = obj.cast::<PyList>() {
        let r = Records::read(table, list)?;
        return Ok((!r.is_empty()).then_some(Source::Records(r)));
    }
    // pandas: through pyarrow, without the index (a non-default index would otherwise
    // arrive as a column).
    let mut obj = obj.clone();
    if let Some(pd) = py
        .import("sys")?
        .getattr("modules")?
        .get_item("pandas")
        .ok()
        && obj.is_instance(&pd.getattr("DataFrame")?)?
    {
        obj = from_pandas(table, &obj)?;
    }
    let input: AnyRecordBatch = obj.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "{table}: expected a pyarrow Table or RecordBatch, a pandas or polars DataFrame, \
             an object with __arrow_c_stream__, or a list of dicts; got {}",
            obj.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })?;
    let reader = input.into_reader()?;
    let schema = reader.schema();
    let batches = reader.collect::<Result<Vec<_>, _>>().map_err(|e| {
        PyValueError::new_err(format!("{table}: could not read the Arrow data ({e})"))
    })?;
    let arrow = guard(|| ArrowTable::new(&schema, &batches))?;
    Ok(Some(Source::Arrow(arrow)))
}

/// A pandas DataFrame as a pyarrow Table. pyarrow's conversion errors quote the offending
/// value, so they are replaced by a `data.invalid_value` error naming the column.
fn from_pandas<'py>(table: TableName, df: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = df.py();
    let pa = py.import("pyarrow")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("preserve_index", false)?;
    match pa
        .getattr("Table")?
        .call_method("from_pandas", (df,), Some(&kwargs))
    {
        Ok(t) => Ok(t),
        Err(_) => {
            let column = df
                .getattr("columns")?
                .try_iter()?
                .filter_map(Result::ok)
                .find(|c| {
                    let kw = PyDict::new(py);
                    let converted = kw
                        .set_item("from_pandas", true)
                        .and_then(|()| pa.call_method("array", (df.get_item(c)?,), Some(&kw)));
                    converted.is_err()
                })
                .map(|c| c.str().map(|s| s.to_string()).unwrap_or_default())
                .unwrap_or_default();
            Err(to_py(
                py,
                &Failure {
                    code: "data.invalid_value".to_owned(),
                    message: format!(
                        "data.invalid_value: {table}, column {column}: pandas could not convert \
                         the column to Arrow (mixed types in an object column?); cast it first"
                    ),
                    location: Some(Where {
                        table: table.as_str().to_owned(),
                        row: 0,
                        column,
                    }),
                    first_row: None,
                },
            ))
        }
    }
}

/// Why a build failed.
enum BuildError {
    One(Failure),
    Many(oko::DataErrors),
}

type Built = (oko::Dataset, Vec<(String, Vec<String>)>);

fn build(policy: Policy, sources: &[(TableName, Source)]) -> Result<Built, BuildError> {
    let mut b = DatasetBuilder::new(policy);
    let mut ignored = Vec::new();
    for (table, source) in sources {
        let report = b
            .add_table(*table, source.table())
            .map_err(|e| BuildError::One(Failure::from(&e)))?;
        // A column of a type oko does not read is an error only when oko reads it.
        if let Some((column, row, type_name)) = source
            .unsupported()
            .into_iter()
            .find(|(c, _, _)| !report.ignored_columns.contains(c))
        {
            let at = if row == 0 {
                format!("{table}, column {column}")
            } else {
                format!("{table}, row {row}, column {column}")
            };
            return Err(BuildError::One(Failure {
                code: "data.unsupported_type".to_owned(),
                message: format!(
                    "data.unsupported_type: {at}: values of type {type_name} are not supported \
                     (use strings, integers, floats, decimals, booleans or dates)"
                ),
                location: Some(Where {
                    table: table.as_str().to_owned(),
                    row,
                    column,
                }),
                first_row: None,
            }));
        }
        if !report.ignored_columns.is_empty() {
            ignored.push((table.as_str().to_owned(), report.ignored_columns));
        }
    }
    let ds = b.build().map_err(BuildError::Many)?;
    Ok((ds, ignored))
}

#[pymethods]
impl PyDataset {
    /// Builds a dataset from tables with oko's canonical columns.
    ///
    /// Each argument may be a pyarrow Table or RecordBatch, a pandas DataFrame (converted
    /// with ``pyarrow.Table.from_pandas``, index dropped), a polars DataFrame or any object
    /// with ``__arrow_c_stream__``, or a list of dicts. Arrow data is read in place, without
    /// a copy. An empty list is the same as an absent table.
    ///
    /// Cells: strings, integers, floats (NaN is null; a float is read as its shortest repr,
    /// so 0.1 means Decimal("0.1"), and is accepted only where oko accepts floats: integral
    /// for ids, scores and marks, as written for decimals), ``decimal.Decimal`` and
    /// decimal128, booleans, dates (date32 and timestamps as ISO dates) and nulls.
    ///
    /// ``policy="strict"`` (default) raises :class:`oko.DataError` listing every bad row in
    /// ``errors``; ``policy="lenient"`` skips bad rows and lists them in
    /// :attr:`Dataset.rejected`. A missing required column raises in both.
    #[staticmethod]
    #[pyo3(signature = (*, municipalities=None, schools=None, classes=None, teachers=None,
        assignments=None, students=None, procedures=None, results=None, marks=None,
        trainings=None, competency_tests=None, muko_evidence=None, policy="strict"))]
    #[allow(clippy::too_many_arguments)]
    fn from_tables(
        py: Python<'_>,
        municipalities: Option<Bound<'_, PyAny>>,
        schools: Option<Bound<'_, PyAny>>,
        classes: Option<Bound<'_, PyAny>>,
        teachers: Option<Bound<'_, PyAny>>,
        assignments: Option<Bound<'_, PyAny>>,
        students: Option<Bound<'_, PyAny>>,
        procedures: Option<Bound<'_, PyAny>>,
        results: Option<Bound<'_, PyAny>>,
        marks: Option<Bound<'_, PyAny>>,
        trainings: Option<Bound<'_, PyAny>>,
        competency_tests: Option<Bound<'_, PyAny>>,
        muko_evidence: Option<Bound<'_, PyAny>>,
        policy: &str,
    ) -> PyResult<PyDataset> {
        let policy = match policy {
            "strict" => Policy::Strict,
            "lenient" => Policy::Lenient,
            _ => {
                return Err(PyValueError::new_err(
                    "policy must be \"strict\" or \"lenient\"",
                ));
            }
        };
        let given = [
            (TableName::Municipalities, municipalities),
            (TableName::Schools, schools),
            (TableName::Classes, classes),
            (TableName::Teachers, teachers),
            (TableName::Assignments, assignments),
            (TableName::Students, students),
            (TableName::Procedures, procedures),
            (TableName::Results, results),
            (TableName::Marks, marks),
            (TableName::Trainings, trainings),
            (TableName::CompetencyTests, competency_tests),
            (TableName::MukoEvidence, muko_evidence),
        ];
        let mut sources = Vec::new();
        for (table, obj) in given {
            if let Some(obj) = obj.filter(|o| !o.is_none())
                && let Some(source) = read_table(table, &obj)?
            {
                sources.push((table, source));
            }
        }
        let built = py.detach(|| guard(|| build(policy, &sources)));
        drop(sources);
        match built {
            Err(panic) => Err(to_py(py, &panic)),
            Ok(Err(BuildError::One(f))) => Err(to_py(py, &f)),
            Ok(Err(BuildError::Many(e))) => Err(from_data_errors(py, &e)),
            Ok(Ok((ds, ignored))) => Ok(PyDataset {
                inner: Arc::new(ds),
                scales: None,
                ignored,
            }),
        }
    }

    /// Rows kept in each table, e.g. ``{"schools": 24, "students": 6000, ...}``.
    #[getter]
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let ds = &self.inner;
        let d = PyDict::new(py);
        d.set_item("municipalities", ds.municipalities().len())?;
        d.set_item("schools", ds.schools().len())?;
        d.set_item("classes", ds.classes().len())?;
        d.set_item("teachers", ds.teachers().len())?;
        d.set_item("assignments", ds.assignments().len())?;
        d.set_item("students", ds.students().len())?;
        d.set_item("procedures", ds.procedures().len())?;
        d.set_item("results", ds.results().len())?;
        d.set_item("marks", ds.marks().len())?;
        d.set_item("trainings", ds.trainings().len())?;
        d.set_item("competency_tests", ds.competency_tests().len())?;
        d.set_item("muko_evidence", ds.muko_evidence().len())?;
        Ok(d)
    }

    /// Rows skipped under ``policy="lenient"``, in table and row order: dicts with ``code``,
    /// ``location`` (``table``, ``row``, ``column``), ``message`` and, for duplicates,
    /// ``first_row``. Never contains cell values.
    #[getter]
    fn rejected<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for e in self.inner.rejected() {
            list.append(failure_dict(py, &Failure::from(e))?)?;
        }
        Ok(list)
    }

    /// Columns present in the input that oko does not read, by table (only tables that had
    /// any). For schools every extra column is a numeric context field instead.
    #[getter]
    fn ignored_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (t, cols) in &self.ignored {
            d.set_item(t, cols)?;
        }
        Ok(d)
    }

    /// Names of the schools' context fields (extra numeric columns of ``schools``).
    #[getter]
    fn context_fields(&self) -> Vec<String> {
        self.inner.context_fields().to_vec()
    }

    /// The data as a dict of pyarrow Tables with oko's canonical columns, one per table
    /// (the layout ``from_tables`` reads): ``Dataset.from_tables(**ds.tables())`` rebuilds
    /// the same dataset. Decimals are decimal128 with the column's largest scale.
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let ds = Arc::clone(&self.inner);
        let batches = py
            .detach(|| guard(|| export::tables(&ds)))?
            .map_err(|e| PyValueError::new_err(format!("could not export the tables ({e})")))?;
        let d = PyDict::new(py);
        for (name, batch) in batches {
            let schema = batch.schema();
            let table = PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)?;
            d.set_item(name.as_str(), table)?;
        }
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let ds = &self.inner;
        format!(
            "Dataset(municipalities={}, schools={}, classes={}, teachers={}, students={}, \
             procedures={}, results={}, marks={}, rejected={})",
            ds.municipalities().len(),
            ds.schools().len(),
            ds.classes().len(),
            ds.teachers().len(),
            ds.students().len(),
            ds.procedures().len(),
            ds.results().len(),
            ds.marks().len(),
            ds.rejected().len()
        )
    }
}

/// Test hook: the address of column `column`'s first value buffer as `from_tables` sees it.
#[cfg(feature = "debug-hooks")]
#[pyfunction]
fn _debug_buffer_address(table: &Bound<'_, PyAny>, column: usize) -> PyResult<Option<usize>> {
    Ok(match read_table(TableName::Results, table)? {
        Some(Source::Arrow(a)) => a.buffer_address(column),
        _ => None,
    })
}

/// Registers `Dataset`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDataset>()?;
    #[cfg(feature = "debug-hooks")]
    m.setattr(
        "_debug_buffer_address",
        wrap_pyfunction!(_debug_buffer_address, m)?,
    )?;
    Ok(())
}
