//! `oko.aggregate`, `oko.Indicators` and `oko.indicator_catalogue`: the core's aggregates
//! as an Arrow table of values, with lookups by ids and labels.
//!
//! Values are exact. In Arrow they are decimal128(38, 28): rust_decimal holds at most 28
//! decimal places, and every indicator value is below 10^10 (percents, marks, scores and
//! counts of rows), so each value fits exactly; rounding is left to presentation
//! (`_repr_html_` shows one decimal place, half away from zero).

use crate::dataset::PyDataset;
use crate::dataset::export::scaled;
use crate::errors::{Failure, guard};
use arrow_array::builder::{BooleanBuilder, Decimal128Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use oko::{AggregateOptions, Aggregates, Dataset, Indicator, Level, ScaleSet};
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3_arrow::PyTable;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Scale of the `value` column.
const SCALE: u32 = 28;

/// Indicator values of a dataset at every level (class, grade, teacher, school,
/// municipality, region) and scope (a procedure, internal marks of a subject and period,
/// outcomes, staff of a year). Each value carries its sample size ``n`` and ``limited``
/// (n below ``min_sample``: shown, but no conclusion is drawn from it).
///
/// Entity ids are the input ids; a grade is ``"<school id>/<grade>"`` (e.g. ``"s01/5"``);
/// the region is ``"region"``. Scopes are labels such as ``"vpr math 5 2025/26"`` or
/// ``"marks math 2025/26 t2"``.
#[pyclass(frozen, module = "oko", name = "Indicators")]
pub struct PyIndicators {
    ds: Arc<Dataset>,
    agg: Arc<Aggregates>,
    labels: Vec<String>,
    /// Label → scope; `None` when two scopes share a label.
    by_label: HashMap<String, Option<u32>>,
    batches: OnceLock<Vec<RecordBatch>>,
}

/// The id of an entity of a level.
fn entity_id(ds: &Dataset, level: Level, entity: u32) -> String {
    let i = entity as usize;
    match level {
        Level::Class => ds.classes()[i].id.clone(),
        Level::Grade => {
            let g = ds.grades()[i];
            format!("{}/{}", ds.schools()[g.school as usize].id, g.grade)
        }
        Level::Teacher => ds.teachers()[i].id.clone(),
        Level::School => ds.schools()[i].id.clone(),
        Level::Municipality => ds.municipalities()[i].id.clone(),
        _ => "region".to_owned(),
    }
}

/// The index of an entity id at a level.
pub(crate) fn entity_index(ds: &Dataset, level: Level, id: &str) -> Option<u32> {
    match level {
        Level::Class => ds.class_index(id),
        Level::Grade => {
            let (school, grade) = id.rsplit_once('/')?;
            let school = ds.school_index(school)?;
            let grade: u8 = grade.parse().ok()?;
            ds.grades()
                .iter()
                .position(|g| g.school == school && g.grade == grade)
                .map(|i| i as u32)
        }
        Level::Teacher => ds.teacher_index(id),
        Level::School => ds.school_index(id),
        Level::Municipality => ds.municipality_index(id),
        _ => (id == "region").then_some(0),
    }
}

pub(crate) fn level_of(s: &str) -> PyResult<Level> {
    Level::parse(s).ok_or_else(|| {
        PyValueError::new_err(
            "level must be one of class, grade, teacher, school, municipality, region",
        )
    })
}

fn indicator_of(s: &str) -> PyResult<Indicator> {
    s.parse().map_err(|_| {
        PyValueError::new_err(format!(
            "unknown indicator {s:?}; oko.indicator_catalogue() lists them"
        ))
    })
}

/// The columns of the values table.
fn schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("level", DataType::Utf8, false),
        Field::new("entity", DataType::Utf8, false),
        Field::new("scope", DataType::Utf8, false),
        Field::new("indicator", DataType::Utf8, false),
        Field::new("value", DataType::Decimal128(38, SCALE as i8), true),
        Field::new("n", DataType::Int64, false),
        Field::new("limited", DataType::Boolean, false),
    ]))
}

/// One cell of the output: its level, position in `cells(level)`, entity id and the
/// indicators that apply to its scope (one row each).
struct CellRows<'a> {
    level: Level,
    index: usize,
    id: String,
    indicators: &'a [Indicator],
}

/// The values table, in order, as one batch per part: the cells are cut into as many
/// contiguous parts as there are cores, each computed and written on its own thread.
fn build_batches(
    ds: &Dataset,
    agg: &Aggregates,
    labels: &[String],
) -> Result<Vec<RecordBatch>, Failure> {
    let applicable: Vec<Vec<Indicator>> = agg
        .scopes()
        .iter()
        .map(|s| {
            Indicator::ALL
                .iter()
                .copied()
                .filter(|i| s.applies(i.info().source))
                .collect()
        })
        .collect();
    let cells: Vec<CellRows> = Level::ALL
        .into_iter()
        .flat_map(|level| {
            let applicable = &applicable;
            agg.cells(level)
                .iter()
                .enumerate()
                .map(move |(index, c)| CellRows {
                    level,
                    index,
                    id: entity_id(ds, level, c.entity),
                    indicators: &applicable[c.scope as usize],
                })
        })
        .collect();
    let rows: usize = cells.iter().map(|c| c.indicators.len()).sum();
    let parts = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Cut where each part has about the same number of rows.
    let mut bounds = vec![0];
    let mut seen = 0;
    for (i, c) in cells.iter().enumerate() {
        seen += c.indicators.len();
        if seen * parts >= rows * bounds.len() && bounds.len() < parts {
            bounds.push(i + 1);
        }
    }
    bounds.push(cells.len());
    bounds.dedup();
    let schema = schema();
    std::thread::scope(|s| {
        let handles: Vec<_> = bounds
            .windows(2)
            .map(|w| {
                let (part, schema) = (&cells[w[0]..w[1]], schema.clone());
                s.spawn(move || build_batch(agg, labels, part, schema))
            })
            .collect();
        // A panic on a part's thread is the caller's (`guard` turns it into OkoError).
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// The rows of `cells`, straight into Arrow builders of their exact sizes (a `String` per
/// row for the entity, as before, made a region's table cost several times its size).
fn build_batch(
    agg: &Aggregates,
    labels: &[String],
    cells: &[CellRows],
    schema: Arc<Schema>,
) -> Result<RecordBatch, Failure> {
    let (mut rows, mut bytes) = (0, [0usize; 4]);
    for c in cells {
        let k = c.indicators.len();
        let scope = agg.cells(c.level)[c.index].scope as usize;
        rows += k;
        bytes[0] += k * c.level.as_str().len();
        bytes[1] += k * c.id.len();
        bytes[2] += k * labels[scope].len();
        bytes[3] += c.indicators.iter().map(|i| i.id().len()).sum::<usize>();
    }
    let mut level = StringBuilder::with_capacity(rows, bytes[0]);
    let mut entity = StringBuilder::with_capacity(rows, bytes[1]);
    let mut scope = StringBuilder::with_capacity(rows, bytes[2]);
    let mut ind = StringBuilder::with_capacity(rows, bytes[3]);
    let mut value = Decimal128Builder::with_capacity(rows);
    let mut n = Int64Builder::with_capacity(rows);
    let mut limited = BooleanBuilder::with_capacity(rows);
    for c in cells {
        let label = &labels[agg.cells(c.level)[c.index].scope as usize];
        for &i in c.indicators {
            let Some(v) = agg.value_at(c.level, c.index, i) else {
                continue;
            };
            level.append_value(c.level.as_str());
            entity.append_value(&c.id);
            scope.append_value(label);
            ind.append_value(i.id());
            value.append_option(match v.value {
                None => None,
                Some(d) => Some(
                    scaled(d, SCALE).ok_or_else(|| Failure::decimal_range("an indicator value"))?,
                ),
            });
            n.append_value(i64::try_from(v.n).unwrap_or(i64::MAX));
            limited.append_value(v.limited);
        }
    }
    let value = value
        .finish()
        .with_precision_and_scale(38, SCALE as i8)
        .map_err(|_| Failure::panic())?;
    let columns: Vec<ArrayRef> = vec![
        Arc::new(level.finish()),
        Arc::new(entity.finish()),
        Arc::new(scope.finish()),
        Arc::new(ind.finish()),
        Arc::new(value),
        Arc::new(n.finish()),
        Arc::new(limited.finish()),
    ];
    RecordBatch::try_new(schema, columns).map_err(|_| Failure::panic())
}

/// Presentation: one decimal place, half away from zero.
pub(crate) fn fmt1(d: Decimal) -> String {
    format!(
        "{:.1}",
        d.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    )
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Indicators shown by `_repr_html_`.
const SUMMARY: [Indicator; 10] = [
    Indicator::Count,
    Indicator::PassRate,
    Indicator::QualityRate,
    Indicator::Sou,
    Indicator::MeanMark,
    Indicator::MeanScore,
    Indicator::CompletionRate,
    Indicator::ShareWithoutAttestat,
    Indicator::ShareHonours,
    Indicator::ShareTeachersTrained,
];

/// Scopes listed by `_repr_html_` before "... more".
const SUMMARY_ROWS: usize = 40;

impl PyIndicators {
    fn batches(&self) -> Result<&[RecordBatch], Failure> {
        if let Some(b) = self.batches.get() {
            return Ok(b);
        }
        let b = guard(|| build_batches(&self.ds, &self.agg, &self.labels))??;
        Ok(self.batches.get_or_init(|| b))
    }

    fn scope_of(&self, label: &str) -> PyResult<u32> {
        match self.by_label.get(label) {
            Some(Some(s)) => Ok(*s),
            Some(None) => Err(PyValueError::new_err(format!(
                "scope label {label:?} names several scopes; use to_arrow() and filter"
            ))),
            None => Err(PyKeyError::new_err(format!("unknown scope {label:?}"))),
        }
    }
}

#[pymethods]
impl PyIndicators {
    /// All values as a pyarrow Table with columns ``level``, ``entity``, ``scope``,
    /// ``indicator``, ``value`` (decimal128(38, 28), exact; null when undefined), ``n``
    /// (int64) and ``limited`` (bool). Rows are ordered by level (class first), scope,
    /// entity and indicator (catalogue order).
    fn to_arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let batches = py.detach(|| self.batches().map(<[RecordBatch]>::to_vec))?;
        PyTable::try_new(batches, schema())?.into_pyarrow(py)
    }

    /// :meth:`to_arrow` as a pandas DataFrame (``value`` holds ``decimal.Decimal``).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_arrow(py)?.call_method0("to_pandas")
    }

    /// :meth:`to_arrow` as a polars DataFrame (``value`` is ``Decimal(38, 28)``).
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let table = self.to_arrow(py)?;
        py.import("polars")?.call_method1("from_arrow", (table,))
    }

    /// The exact value of ``indicator`` for an entity in a scope, as ``decimal.Decimal``;
    /// None when the entity has no data in the scope, the indicator does not apply to it,
    /// or the value is undefined. Raises ValueError for an unknown level or indicator and
    /// KeyError for an unknown entity id or scope label.
    fn value(
        &self,
        level: &str,
        entity_id: &str,
        scope_label: &str,
        indicator: &str,
    ) -> PyResult<Option<Decimal>> {
        let level = level_of(level)?;
        let ind = indicator_of(indicator)?;
        let entity = entity_index(&self.ds, level, entity_id).ok_or_else(|| {
            PyKeyError::new_err(format!("no {} with id {entity_id:?}", level.as_str()))
        })?;
        let scope = self.scope_of(scope_label)?;
        let v = guard(|| self.agg.value(level, entity, scope, ind))?;
        Ok(v.and_then(|v| v.value).map(|d| d.normalize()))
    }

    /// The scope labels, in the order of the output.
    #[getter]
    fn scopes(&self) -> Vec<String> {
        self.labels.clone()
    }

    /// The minimum sample used: below it a value is ``limited``.
    #[getter]
    fn min_sample(&self) -> u64 {
        self.agg.options().min_sample
    }

    /// Number of rows of :meth:`to_arrow`.
    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(py.detach(|| {
            self.batches()
                .map(|b| b.iter().map(RecordBatch::num_rows).sum())
        })?)
    }

    fn __repr__(&self) -> String {
        let cells: Vec<String> = Level::ALL
            .iter()
            .map(|l| format!("{}={}", l.as_str(), self.agg.cells(*l).len()))
            .collect();
        format!(
            "Indicators(scopes={}, cells: {}, min_sample={})",
            self.labels.len(),
            cells.join(", "),
            self.agg.options().min_sample
        )
    }

    /// A summary for notebooks: region-level values of the main indicators per scope,
    /// one decimal place; ``~`` marks a limited sample.
    fn _repr_html_(&self) -> PyResult<String> {
        let region = |scope: u32, i: Indicator| self.agg.value(Level::Region, 0, scope, i);
        let mut html = String::from("<div class=\"oko-indicators\">");
        html.push_str(&format!(
            "<p><b>oko Indicators</b>: {} scopes; cells: {}; min_sample = {}. \
             Region-level values (<code>~</code>: limited sample). \
             All values: <code>.to_pandas()</code> / <code>.to_polars()</code>.</p>",
            self.labels.len(),
            Level::ALL
                .iter()
                .map(|l| format!("{} {}", self.agg.cells(*l).len(), l.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            self.agg.options().min_sample
        ));
        html.push_str("<table><thead><tr><th style=\"text-align:left\">scope</th>");
        for i in SUMMARY {
            html.push_str(&format!(
                "<th title=\"{}\">{}</th>",
                escape(i.info().name_ru),
                i.id()
            ));
        }
        html.push_str("</tr></thead><tbody>");
        let rows = guard(|| {
            let mut rows = String::new();
            for (s, label) in self.labels.iter().enumerate().take(SUMMARY_ROWS) {
                rows.push_str(&format!(
                    "<tr><td style=\"text-align:left\">{}</td>",
                    escape(label)
                ));
                for i in SUMMARY {
                    let cell = match region(s as u32, i) {
                        Some(v) => {
                            match v.value {
                                Some(d) if i == Indicator::Count => d.normalize().to_string(),
                                Some(d) => fmt1(d),
                                None => "–".to_owned(),
                            }
                            .to_string()
                                + if v.limited { "~" } else { "" }
                        }
                        None => String::new(),
                    };
                    rows.push_str(&format!("<td>{cell}</td>"));
                }
                rows.push_str("</tr>");
            }
            rows
        })?;
        html.push_str(&rows);
        html.push_str("</tbody></table>");
        if self.labels.len() > SUMMARY_ROWS {
            html.push_str(&format!(
                "<p>… and {} more scopes.</p>",
                self.labels.len() - SUMMARY_ROWS
            ));
        }
        html.push_str("</div>");
        Ok(html)
    }
}

/// Aggregates every indicator of ``dataset`` at every level and scope.
///
/// ``min_sample``: below this n a value is marked ``limited`` (DOMAIN: 10). The scales that
/// derive missing marks from primary scores are the generator's for a dataset from
/// :func:`oko.generate`, and none otherwise (until rules provide them). Runs with the GIL
/// released, so several aggregations can run in threads at once.
#[pyfunction]
#[pyo3(signature = (dataset, min_sample=10))]
pub fn aggregate(
    py: Python<'_>,
    dataset: &Bound<'_, PyDataset>,
    min_sample: u64,
) -> PyResult<PyIndicators> {
    let d = dataset.get();
    let ds = Arc::clone(&d.inner);
    let scales = d.scales.clone();
    let options = AggregateOptions {
        min_sample,
        ..Default::default()
    };
    let (agg, labels) = py.detach(|| {
        guard(|| {
            let empty = ScaleSet::default();
            let agg = oko::aggregate(&ds, scales.as_deref().unwrap_or(&empty), options);
            let labels = scope_labels(&ds, &agg);
            (agg, labels)
        })
    })?;
    Ok(PyIndicators::new(ds, agg, labels))
}

/// The label of every scope of `agg`, in its order (compute with the GIL released).
pub(crate) fn scope_labels(ds: &Dataset, agg: &Aggregates) -> Vec<String> {
    agg.scopes().iter().map(|s| s.label(ds)).collect()
}

impl PyIndicators {
    /// Wraps aggregates (from `aggregate` or an evaluation) with their scope labels.
    pub(crate) fn new(ds: Arc<Dataset>, agg: Aggregates, labels: Vec<String>) -> Self {
        let mut by_label: HashMap<String, Option<u32>> = HashMap::new();
        for (i, l) in labels.iter().enumerate() {
            by_label
                .entry(l.clone())
                .and_modify(|e| *e = None)
                .or_insert(Some(i as u32));
        }
        PyIndicators {
            ds,
            agg: Arc::new(agg),
            labels,
            by_label,
            batches: OnceLock::new(),
        }
    }
}

/// The built-in indicators: a list of dicts with ``id``, ``name_ru``, ``name_en``,
/// ``unit`` (percent, mark, score, count, points, number), ``source`` (marks, scores,
/// outcomes, staff, objectivity), ``formula`` and ``reference`` (the regulation or source).
#[pyfunction]
pub fn indicator_catalogue(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let list = PyList::empty(py);
    for &i in Indicator::ALL {
        let info = i.info();
        let d = PyDict::new(py);
        d.set_item("id", info.id)?;
        d.set_item("name_ru", info.name_ru)?;
        d.set_item("name_en", info.name_en)?;
        d.set_item("unit", enum_text(&info.unit))?;
        d.set_item("source", enum_text(&info.source))?;
        d.set_item("formula", info.formula)?;
        d.set_item("reference", info.reference)?;
        list.append(d)?;
    }
    Ok(list)
}

/// The serde name of a unit enum (`percent`, `marks`, ...).
pub(crate) fn enum_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Registers `Indicators`, `aggregate` and `indicator_catalogue`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyIndicators>()?;
    m.add_function(wrap_pyfunction!(aggregate, m)?)?;
    m.add_function(wrap_pyfunction!(indicator_catalogue, m)?)?;
    Ok(())
}
