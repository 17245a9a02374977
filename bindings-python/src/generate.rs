//! `oko.generate`: the core's deterministic synthetic district or region, with its ground
//! truth, for demos and notebooks.

use crate::convert::json_to_py;
use crate::dataset::PyDataset;
use crate::errors::guard;
use oko::GeneratorConfig;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt};
use serde_json::{Map, Value};

/// A generated dataset with what was planted in it.
#[pyclass(frozen, module = "oko", name = "Generated")]
pub struct PyGenerated {
    dataset: Py<PyDataset>,
    truth: Value,
    config: Value,
}

/// The ground truth as JSON, with `schools` as an object of id → anomalies.
fn truth_json(t: &oko::GroundTruth) -> Value {
    let mut v = serde_json::to_value(t).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut()
        && let Some(Value::Array(pairs)) = o.get("schools")
    {
        let schools: Map<String, Value> = pairs
            .iter()
            .filter_map(|p| match p.as_array()?.as_slice() {
                [Value::String(id), anomalies] => Some((id.clone(), anomalies.clone())),
                _ => None,
            })
            .collect();
        o.insert("schools".to_owned(), Value::Object(schools));
    }
    v
}

#[pymethods]
impl PyGenerated {
    /// The generated :class:`Dataset` (it carries the generator's scales, which
    /// :func:`oko.aggregate` uses).
    #[getter]
    fn dataset(&self, py: Python<'_>) -> Py<PyDataset> {
        self.dataset.clone_ref(py)
    }

    /// What was planted: ``{"schools": {school id: [anomaly, ...]}, "students_at_risk":
    /// [student id, ...], "teachers_with_deficit": [teacher id, ...]}``. Anomalies are
    /// ``inflated_external``, ``helped_hard_tasks``, ``heaping``, ``inflated_internal``,
    /// ``low_results``.
    #[getter]
    fn truth<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.truth)
    }

    /// The generator's configuration (preset with overrides applied), as a dict.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.config)
    }

    /// The generated data as a dict of pyarrow Tables with oko's canonical columns (see
    /// :meth:`Dataset.tables`).
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.dataset.bind(py).call_method0("tables")
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Generated({})", self.dataset.bind(py).repr()?))
    }
}

/// A keyword override as JSON: bool, int or float only.
fn override_value(key: &str, v: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if v.is_instance_of::<PyInt>() {
        return match v.extract::<i64>() {
            Ok(i) => Ok(Value::from(i)),
            Err(_) => Err(PyValueError::new_err(format!(
                "override {key} is out of range"
            ))),
        };
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err(format!("override {key} must be finite")));
    }
    Err(PyTypeError::new_err(format!(
        "override {key} must be a bool, an int or a float"
    )))
}

/// Generates a synthetic district with planted anomalies, deterministically (same preset,
/// seed and overrides → the same data on every machine).
///
/// ``preset``: ``"tiny"`` (2 municipalities, 6 schools, 600 students), ``"district"``
/// (3, 24, about 6,000; the data of ``oko demo``) or ``"region"`` (40, 2,000, 1,000,000).
/// ``**overrides`` set fields of the generator's configuration, e.g. ``students=2000``,
/// ``schools=10``, ``year=2025``, ``trials=False``, ``history=False``,
/// ``task_scores=False``, and the anomaly rates ``inflated_external``,
/// ``helped_hard_tasks``, ``heaping``, ``inflated_internal``, ``low_results``, ``at_risk``,
/// ``teacher_deficit`` (shares 0..1); :attr:`Generated.config` shows them all. Runs with
/// the GIL released.
#[pyfunction]
#[pyo3(signature = (preset="district", seed=1, **overrides))]
pub fn generate(
    py: Python<'_>,
    preset: &str,
    seed: u64,
    overrides: Option<&Bound<'_, PyDict>>,
) -> PyResult<PyGenerated> {
    let base = match preset {
        "tiny" => GeneratorConfig::tiny(seed),
        "district" => GeneratorConfig::district(seed),
        "region" => GeneratorConfig::region(seed),
        _ => {
            return Err(PyValueError::new_err(
                "preset must be \"tiny\", \"district\" or \"region\"",
            ));
        }
    };
    let mut json = serde_json::to_value(&base)
        .map_err(|e| PyValueError::new_err(format!("configuration: {e}")))?;
    if let (Some(o), Some(kw)) = (json.as_object_mut(), overrides) {
        for (k, v) in kw.iter() {
            let key: String = k.extract()?;
            if key == "seed" || !o.contains_key(&key) {
                return Err(PyTypeError::new_err(format!(
                    "generate() got an unexpected keyword argument {key:?}"
                )));
            }
            let value = override_value(&key, &v)?;
            o.insert(key, value);
        }
    }
    let config: GeneratorConfig = serde_json::from_value(json.clone()).map_err(|e| {
        PyValueError::new_err(format!(
            "invalid override ({e}); counts are non-negative integers, rates are floats, \
             trials/history/task_scores are bools"
        ))
    })?;
    if config.municipalities == 0 || config.schools < config.municipalities || config.students == 0
    {
        return Err(PyValueError::new_err(
            "need at least one municipality, at least one school per municipality and one student",
        ));
    }
    let generated = py.detach(|| guard(|| oko::generate(&config)))?;
    let truth = truth_json(&generated.truth);
    let dataset = Py::new(
        py,
        PyDataset::new(generated.dataset, Some(generated.scales)),
    )?;
    Ok(PyGenerated {
        dataset,
        truth,
        config: json,
    })
}

/// Registers `Generated` and `generate`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyGenerated>()?;
    m.add_function(wrap_pyfunction!(generate, m)?)?;
    Ok(())
}
