//! `oko.evaluate`, `oko.Evaluation` and `oko.View`: the core's evaluation of rules over a
//! dataset, its report as Arrow tables (`tables.rs`) and notebook HTML (`html.rs`), one
//! entity's explanation, and the report's JSON exactly as the core serialises it.

pub(crate) mod html;
mod tables;

use crate::convert::json_to_py;
use crate::dataset::PyDataset;
use crate::errors::{Failure, guard};
use crate::indicators::{PyIndicators, entity_index, enum_text, level_of, scope_labels};
use crate::rules::PyRules;
use arrow_array::RecordBatch;
use oko::Dataset;
use oko::rules::{EntityRef, EvalOptions, Evidence, EvidenceValue, Report};
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3_arrow::PyTable;
use serde::Serialize;
use std::sync::{Arc, OnceLock};

/// The tables of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableKind {
    Findings,
    Labels,
    Undetermined,
    Summary,
    Warnings,
    RejectedRows,
}

impl TableKind {
    const ALL: [TableKind; 6] = [
        TableKind::Findings,
        TableKind::Labels,
        TableKind::Undetermined,
        TableKind::Summary,
        TableKind::Warnings,
        TableKind::RejectedRows,
    ];

    fn name(self) -> &'static str {
        match self {
            TableKind::Findings => "findings",
            TableKind::Labels => "labels",
            TableKind::Undetermined => "undetermined",
            TableKind::Summary => "summary",
            TableKind::Warnings => "warnings",
            TableKind::RejectedRows => "rejected_rows",
        }
    }

    fn parse(s: &str) -> PyResult<TableKind> {
        TableKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                PyValueError::new_err(
                    "table must be one of findings, labels, undetermined, summary, warnings, \
                     rejected_rows",
                )
            })
    }

    /// Rows of this table in a report.
    pub(crate) fn len(self, r: &Report) -> usize {
        match self {
            TableKind::Findings => r.findings.len(),
            TableKind::Labels => r.labels.len(),
            TableKind::Undetermined => r.undetermined.len(),
            TableKind::Summary => r.summary.len(),
            TableKind::Warnings => r.warnings.len(),
            TableKind::RejectedRows => r.rejected_rows.len(),
        }
    }
}

/// A record batch as a pyarrow Table.
fn to_pyarrow<'py>(py: Python<'py>, batch: RecordBatch) -> PyResult<Bound<'py, PyAny>> {
    let schema = batch.schema();
    PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)
}

/// The result of :func:`oko.evaluate`: findings (rules whose condition held for an entity),
/// labels (classifications), undetermined outcomes (not decidable, and why), per-rule
/// counts, rule warnings and rejected data rows, each with the evidence that explains it,
/// plus every indicator value.
///
/// Tables (pyarrow, one row per item, exact): :attr:`findings`, :attr:`labels`,
/// :attr:`undetermined`, :attr:`summary`, :attr:`warnings`, :attr:`rejected_rows`; also by
/// name with :meth:`table`, :meth:`to_pandas` and :meth:`to_polars`. ``evidence`` is a
/// ``list<struct>`` column: ``name``, ``role`` (indicator, reference, parameter, derived,
/// attribute, findings), ``value`` (decimal128(38, 28); or ``value_bool`` /
/// ``value_text``; all null when unknown), ``unit``, ``n``, ``limited``,
/// ``unknown_reason``. Texts come in both languages (``message_ru``, ``message_en``, ...).
///
/// :meth:`explain` answers "why is this school flagged?"; :meth:`to_json` is the core's
/// report, byte for byte; :meth:`view` and the notebook display render readable tables.
#[pyclass(frozen, module = "oko", name = "Evaluation")]
pub struct PyEvaluation {
    ds: Arc<Dataset>,
    report: Arc<Report>,
    indicators: Py<PyIndicators>,
    min_sample: u64,
    tables: [OnceLock<RecordBatch>; 6],
}

impl PyEvaluation {
    /// A table, built on first use with the GIL released.
    fn batch(&self, py: Python<'_>, kind: TableKind) -> PyResult<RecordBatch> {
        let cell = &self.tables[kind as usize];
        if let Some(b) = cell.get() {
            return Ok(b.clone());
        }
        let report = Arc::clone(&self.report);
        let b = py.detach(|| guard(|| tables::build(kind, &report)))??;
        Ok(cell.get_or_init(|| b).clone())
    }

    fn table_of<'py>(&self, py: Python<'py>, kind: TableKind) -> PyResult<Bound<'py, PyAny>> {
        to_pyarrow(py, self.batch(py, kind)?)
    }
}

/// An evidence item as a dict; decimals as ``decimal.Decimal``.
fn evidence_list<'py>(py: Python<'py>, ev: &[Evidence]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for e in ev {
        let d = PyDict::new(py);
        d.set_item("name", &e.name)?;
        d.set_item("role", enum_text(&e.role))?;
        match &e.value {
            EvidenceValue::Decimal(x) => d.set_item("value", *x)?,
            EvidenceValue::Bool(b) => d.set_item("value", *b)?,
            EvidenceValue::Text(t) => d.set_item("value", t)?,
            EvidenceValue::Unknown => d.set_item("value", py.None())?,
        }
        d.set_item("unit", e.unit)?;
        d.set_item("n", e.n)?;
        d.set_item("limited", e.limited)?;
        d.set_item("unknown_reason", e.unknown_reason.as_deref())?;
        list.append(d)?;
    }
    Ok(list)
}

/// An output item as a dict (its JSON form), with `evidence` as dicts holding Decimals.
fn item_dict<'py, T: Serialize>(
    py: Python<'py>,
    item: &T,
    evidence: &[Evidence],
) -> PyResult<Bound<'py, PyDict>> {
    let json = serde_json::to_value(item)
        .map_err(|e| PyValueError::new_err(format!("could not convert the item ({e})")))?;
    let d = json_to_py(py, &json)?.cast_into::<PyDict>()?;
    d.set_item("evidence", evidence_list(py, evidence)?)?;
    Ok(d)
}

#[pymethods]
impl PyEvaluation {
    /// Findings: one row per rule whose condition held for an entity (and scope). Columns
    /// ``ruleset``, ``version``, ``rule``, ``title_ru``, ``title_en``, ``level``,
    /// ``entity``, ``entity_name``, ``school``, ``municipality``, ``scope``, ``severity``
    /// (info, warning, critical), ``category``, ``condition``, ``message_ru``,
    /// ``message_en``, ``evidence``.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table_of(py, TableKind::Findings)
    }

    /// Labels given by classifications: ``ruleset``, ``classification``, the entity columns
    /// (``level``, ``entity``, ``entity_name``, ``school``, ``municipality``), ``scope``,
    /// ``label``, ``title_ru``, ``title_en``, ``advice_ru``, ``advice_en``, ``bands`` (the
    /// true bands), ``evidence``.
    #[getter]
    fn labels<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table_of(py, TableKind::Labels)
    }

    /// Rules and classifications that could not be decided for an entity: ``ruleset``,
    /// ``rule``, the entity columns, ``scope``, ``reason_code`` (``unknown.limited_sample``,
    /// ``unknown.missing``, ...), ``reason``, ``evidence``.
    #[getter]
    fn undetermined<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table_of(py, TableKind::Undetermined)
    }

    /// Per rule: ``ruleset``, ``rule``, ``level``, ``rows`` evaluated, ``findings`` (or
    /// labels) and ``undetermined``.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table_of(py, TableKind::Summary)
    }

    /// Rule warnings (``lint.*``): ``level``, ``code``, ``message``, ``file``, ``line``,
    /// ``column``, ``path``, ``snippet``.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table_of(py, TableKind::Warnings)
    }

    /// Data rows skipped under ``policy="lenient"``: ``code``, ``table``, ``row``,
    /// ``column`` (never a cell's value).
    #[getter]
    fn rejected_rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table_of(py, TableKind::RejectedRows)
    }

    /// A table by name (``findings``, ``labels``, ``undetermined``, ``summary``,
    /// ``warnings``, ``rejected_rows``) as a pyarrow Table.
    fn table<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        self.table_of(py, TableKind::parse(name)?)
    }

    /// A table by name as a pandas DataFrame (decimals as ``decimal.Decimal``; ``evidence``
    /// as lists of dicts).
    #[pyo3(signature = (name="findings"))]
    fn to_pandas<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        self.table(py, name)?.call_method0("to_pandas")
    }

    /// A table by name as a polars DataFrame (decimals as ``Decimal(38, 28)``; ``evidence``
    /// as a list of structs: ``.explode("evidence").unnest("evidence")``).
    #[pyo3(signature = (name="findings"))]
    fn to_polars<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let t = self.table(py, name)?;
        py.import("polars")?.call_method1("from_arrow", (t,))
    }

    /// Every indicator value of the evaluated dataset (the aggregates the rules read, with
    /// the rules' scales), as :class:`Indicators`.
    #[getter]
    fn indicators(&self, py: Python<'_>) -> Py<PyIndicators> {
        self.indicators.clone_ref(py)
    }

    /// The minimum sample used: below it a value is limited and no conclusion is drawn.
    #[getter]
    fn min_sample(&self) -> u64 {
        self.min_sample
    }

    /// Why an entity is (or is not) flagged: a dict with ``level``, ``id``, ``name`` (None
    /// when nothing was found for it), and ``findings``, ``labels`` and ``undetermined``:
    /// lists of dicts in the report's form (as in :meth:`to_json`), with ``evidence`` as
    /// dicts whose ``value`` is a ``decimal.Decimal``, bool, str or None.
    ///
    /// ``level``: class, grade, teacher, school, municipality or region; ``entity_id``: the
    /// input id (a grade is ``"<school id>/<grade>"``, the region ``"region"``); ``scope``:
    /// only that scope's items (e.g. ``"vpr math 5 2025/26"``), or items without a scope
    /// too when None. Raises ValueError for an unknown level and KeyError for an unknown
    /// entity.
    #[pyo3(signature = (level, entity_id, scope=None))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        level: &str,
        entity_id: &str,
        scope: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let lvl = level_of(level)?;
        if entity_index(&self.ds, lvl, entity_id).is_none() {
            return Err(PyKeyError::new_err(format!(
                "no {} with id {entity_id:?}",
                lvl.as_str()
            )));
        }
        let r = &self.report;
        let is = |e: &EntityRef, s: &Option<String>| {
            e.level == lvl && e.id == entity_id && scope.is_none_or(|x| s.as_deref() == Some(x))
        };
        let mut name: Option<&str> = None;
        let findings = PyList::empty(py);
        for f in r.findings.iter().filter(|f| is(&f.entity, &f.scope)) {
            name = Some(&f.entity.name);
            findings.append(item_dict(py, f, &f.evidence)?)?;
        }
        let labels = PyList::empty(py);
        for l in r.labels.iter().filter(|l| is(&l.entity, &l.scope)) {
            name = Some(&l.entity.name);
            labels.append(item_dict(py, l, &l.evidence)?)?;
        }
        let undetermined = PyList::empty(py);
        for u in r.undetermined.iter().filter(|u| is(&u.entity, &u.scope)) {
            name = Some(&u.entity.name);
            undetermined.append(item_dict(py, u, &u.evidence)?)?;
        }
        let d = PyDict::new(py);
        d.set_item("level", lvl.as_str())?;
        d.set_item("id", entity_id)?;
        d.set_item("name", name)?;
        d.set_item("findings", findings)?;
        d.set_item("labels", labels)?;
        d.set_item("undetermined", undetermined)?;
        Ok(d)
    }

    /// The report as JSON, exactly as the core serialises it (pretty-printed, with a final
    /// newline): the same bytes as ``oko evaluate --format json`` and the conformance cases
    /// in ``tests/cases``. Decimals are strings, so nothing is rounded.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let report = Arc::clone(&self.report);
        let json = py.detach(|| guard(|| serde_json::to_string_pretty(&*report)))?;
        let mut json = json.map_err(|e| {
            PyErr::from(Failure::internal(
                "internal.serialise",
                format!("internal.serialise: the report could not be serialised ({e})"),
            ))
        })?;
        json.push('\n');
        Ok(json)
    }

    /// A table by name for notebooks: a :class:`View` that displays as a readable HTML
    /// table (``lang``: ``"ru"`` or ``"en"``; default :func:`oko.get_language`), at most
    /// ``limit`` rows shown.
    #[pyo3(signature = (name="findings", lang=None, limit=50))]
    fn view(
        &self,
        py: Python<'_>,
        name: &str,
        lang: Option<&str>,
        limit: usize,
    ) -> PyResult<PyView> {
        let kind = TableKind::parse(name)?;
        Ok(PyView {
            kind,
            lang: html::lang_arg(lang)?,
            limit,
            report: Arc::clone(&self.report),
            batch: self.batch(py, kind)?,
        })
    }

    /// The evaluation as HTML (rulesets, counts, labels and findings), in ``lang`` (default
    /// :func:`oko.get_language`), at most ``limit`` rows per table.
    #[pyo3(signature = (lang=None, limit=20))]
    fn to_html(&self, lang: Option<&str>, limit: usize) -> PyResult<String> {
        Ok(html::evaluation(&self.report, html::lang_arg(lang)?, limit))
    }

    /// The notebook display: :meth:`to_html` in the language of :func:`oko.set_language`.
    fn _repr_html_(&self) -> String {
        html::evaluation(&self.report, html::language(), 20)
    }

    fn __repr__(&self) -> String {
        let r = &self.report;
        let sets: Vec<String> = r
            .rulesets
            .iter()
            .map(|s| format!("{} {}", s.id, s.version))
            .collect();
        format!(
            "Evaluation([{}], findings={}, labels={}, undetermined={}, warnings={}, \
             rejected_rows={})",
            sets.join(", "),
            r.findings.len(),
            r.labels.len(),
            r.undetermined.len(),
            r.warnings.len(),
            r.rejected_rows.len()
        )
    }
}

/// One table of an :class:`Evaluation` for notebooks (from :meth:`Evaluation.view`): it
/// displays as a readable HTML table in Russian or English, and is also the data:
/// :attr:`table` (pyarrow), :meth:`to_pandas`, :meth:`to_polars`, ``len()``, and the Arrow
/// PyCapsule stream interface (``pyarrow.table(view)``, ``polars.DataFrame(view)``).
#[pyclass(frozen, module = "oko", name = "View")]
pub struct PyView {
    kind: TableKind,
    lang: Lang,
    limit: usize,
    report: Arc<Report>,
    batch: RecordBatch,
}

use html::Lang;

#[pymethods]
impl PyView {
    /// The table's name (``findings``, ``labels``, ...).
    #[getter]
    fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// The rows as a pyarrow Table (as :meth:`Evaluation.table`).
    #[getter]
    fn table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_pyarrow(py, self.batch.clone())
    }

    /// The rows as a pandas DataFrame.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table(py)?.call_method0("to_pandas")
    }

    /// The rows as a polars DataFrame.
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = self.table(py)?;
        py.import("polars")?.call_method1("from_arrow", (t,))
    }

    /// The Arrow PyCapsule stream of the rows.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.table(py)?
            .call_method1("__arrow_c_stream__", (requested_schema,))
    }

    /// The HTML table (what the notebook shows).
    fn to_html(&self) -> String {
        html::view(self.kind, &self.report, self.lang, self.limit)
    }

    /// The notebook display (:meth:`to_html`).
    fn _repr_html_(&self) -> String {
        self.to_html()
    }

    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    fn __repr__(&self) -> String {
        format!(
            "View({}, rows={}, lang={})",
            self.kind.name(),
            self.batch.num_rows(),
            self.lang.code()
        )
    }
}

/// Evaluates ``rules`` over ``dataset``: aggregates every indicator (with the rules'
/// scales: load ``scales-2025`` or :func:`shipped_rules` to derive marks from primary
/// scores), then runs every rule and classification over every entity of its level at
/// once, with the evidence of each outcome.
///
/// ``min_sample``: below this n an indicator value is a limited sample and no conclusion is
/// drawn from it (the outcome is undetermined).
///
/// ``pseudonymise_key`` (bytes, at least 16): every student id in the report (findings,
/// labels, undetermined, their tables and :meth:`to_json`) is replaced by its pseudonym,
/// HMAC-SHA256 with this key, first 16 hex characters: the same pseudonyms and bytes as
/// ``oko evaluate --pseudonymise-key-file`` and Node's ``pseudonymiseKey``. A shorter key
/// raises :class:`OkoError` with code ``privacy.key``; the key is never shown.
///
/// Runs with the GIL released: several evaluations can run in threads at once. Returns an
/// :class:`Evaluation`.
#[pyfunction]
#[pyo3(signature = (rules, dataset, min_sample=10, *, pseudonymise_key=None))]
pub fn evaluate(
    py: Python<'_>,
    rules: &Bound<'_, PyRules>,
    dataset: &Bound<'_, PyDataset>,
    min_sample: u64,
    pseudonymise_key: Option<&[u8]>,
) -> PyResult<PyEvaluation> {
    let compiled = Arc::clone(&rules.get().rules);
    let ds = Arc::clone(&dataset.get().inner);
    let pseudonymiser = pseudonymise_key
        .map(oko::privacy::Pseudonymiser::new)
        .transpose()
        .map_err(|e| PyErr::from(Failure::internal(e.code(), e.to_string())))?;
    let done = py.detach(|| {
        guard(|| {
            oko::rules::evaluate(&compiled, &ds, &EvalOptions { min_sample }).map(|mut e| {
                if let Some(p) = &pseudonymiser {
                    p.pseudonymise_students(&mut e.report);
                }
                let labels = scope_labels(&ds, &e.aggregates);
                (e, labels)
            })
        })
    })?;
    let (evaluation, labels) =
        done.map_err(|e| PyErr::from(Failure::internal("internal.engine", e.to_string())))?;
    let indicators = Py::new(
        py,
        PyIndicators::new(Arc::clone(&ds), evaluation.aggregates, labels),
    )?;
    Ok(PyEvaluation {
        ds,
        report: Arc::new(evaluation.report),
        indicators,
        min_sample,
        tables: Default::default(),
    })
}

/// Registers `Evaluation`, `View`, `evaluate`, `set_language` and `get_language`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEvaluation>()?;
    m.add_class::<PyView>()?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(html::set_language, m)?)?;
    m.add_function(wrap_pyfunction!(html::get_language, m)?)?;
    Ok(())
}
