//! JSON values to and from Python objects, for the generator's configuration and truth, rule
//! metadata, and rulesets given as dicts. Decimals never pass through floats: a
//! `decimal.Decimal` becomes its exact text, which rule files accept wherever a number goes.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Value};

/// A JSON value as Python objects (dicts, lists, str, int, float, bool, None).
pub(crate) fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.into_pyobject(py)?.into_any(),
            (_, Some(u), _) => u.into_pyobject(py)?.into_any(),
            (_, _, f) => f.unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(a) => {
            let list = PyList::empty(py);
            for x in a {
                list.append(json_to_py(py, x)?)?;
            }
            list.into_any()
        }
        Value::Object(o) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, json_to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// Python data (dict with str keys, list, tuple, str, int, float, bool, None,
/// `decimal.Decimal`) as JSON; `at` is the key path shown in a TypeError. A float keeps its
/// shortest repr (0.1 stays 0.1); a Decimal becomes its exact text.
pub(crate) fn py_to_json(v: &Bound<'_, PyAny>, at: &str) -> PyResult<Value> {
    let py = v.py();
    if v.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if v.is_instance_of::<PyInt>() {
        if let Ok(i) = v.extract::<i64>() {
            return Ok(Value::from(i));
        }
        return Err(PyValueError::new_err(format!("{at}: integer out of range")));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err(format!("{at}: a float must be finite")));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Value::String(s.extract::<String>()?));
    }
    if v.is_instance(&py.import("decimal")?.getattr("Decimal")?)? {
        if !v.call_method0("is_finite")?.is_truthy()? {
            return Err(PyValueError::new_err(format!(
                "{at}: a Decimal must be finite"
            )));
        }
        return Ok(Value::String(v.str()?.extract::<String>()?));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut o = Map::new();
        for (k, x) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err(format!("{at}: keys must be str")))?
                .extract::<String>()?;
            let path = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            o.insert(key, py_to_json(&x, &path)?);
        }
        return Ok(Value::Object(o));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let mut a = Vec::new();
        for (i, x) in v.try_iter()?.enumerate() {
            a.push(py_to_json(&x?, &format!("{at}[{i}]"))?);
        }
        return Ok(Value::Array(a));
    }
    Err(PyTypeError::new_err(format!(
        "{at}: values of type {} are not supported (use dict, list, str, int, float, bool, \
         None or decimal.Decimal)",
        v.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    )))
}
