//! `oko.Rules`, `oko.load_rules` and `oko.shipped_rules`: rule files (TOML, JSON, or a dict)
//! compiled by the core into checked rules, or every problem raised at once as
//! `oko.RuleError` / `oko.LimitError`.
//!
//! A `Rules` keeps its sources, so that several can be loaded together (`load_rules(a, b)`,
//! `a + b`): they are compiled again as one set, in order, which is what lets a later ruleset
//! count an earlier one's findings and use its scales.

use crate::convert::{json_to_py, py_to_json};
use crate::errors::{diagnostic_dict, from_rule_errors, guard};
use crate::evaluation::html;
use oko::rules::{Format, ParamConst, RuleLimits, RuleSource, Rules};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use std::path::PathBuf;
use std::sync::Arc;

/// Compiled rulesets, ready for :func:`oko.evaluate`: rules (a condition per entity, giving
/// findings), classifications (bands giving labels), scales (primary score → mark) and
/// minimum scores, with their parameters and the regulation each encodes.
///
/// Make one with :func:`oko.load_rules` (paths, dicts or other ``Rules``, loaded together),
/// :meth:`Rules.from_path`, :meth:`Rules.from_string`, :meth:`Rules.from_dict` or
/// :func:`oko.shipped_rules`. ``a + b`` loads both sets together (``a`` first). Problems
/// raise :class:`oko.RuleError` (or :class:`oko.LimitError` for ``limit.*``) listing every
/// problem found, each with file, line, column and key path.
#[pyclass(frozen, module = "oko", name = "Rules")]
pub struct PyRules {
    sources: Vec<RuleSource>,
    pub(crate) rules: Arc<Rules>,
}

/// Compiles sources with the GIL released.
fn compile(py: Python<'_>, sources: Vec<RuleSource>) -> PyResult<PyRules> {
    let compiled = py.detach(|| guard(|| oko::rules::compile(&sources, &RuleLimits::default())))?;
    match compiled {
        Ok(rules) => Ok(PyRules {
            sources,
            rules: Arc::new(rules),
        }),
        Err(e) => Err(from_rule_errors(py, &e)),
    }
}

/// A rule file read from a path (UTF-8; JSON when the name ends in ``.json``, else TOML),
/// named as given.
fn read_path(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<RuleSource> {
    let name: PathBuf = path.extract()?;
    let name = name.to_string_lossy().into_owned();
    let kwargs = PyDict::new(py);
    kwargs.set_item("encoding", "utf-8")?;
    let text: String = py
        .import("pathlib")?
        .getattr("Path")?
        .call1((path,))?
        .call_method("read_text", (), Some(&kwargs))?
        .extract()?;
    Ok(if name.to_ascii_lowercase().ends_with(".json") {
        RuleSource::json(name, text)
    } else {
        RuleSource::toml(name, text)
    })
}

/// A ruleset given as a dict, serialised to JSON (pretty, so that locations point at a line).
fn dict_source(d: &Bound<'_, PyAny>, name: &str) -> PyResult<RuleSource> {
    if !d.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err("from_dict expects a dict"));
    }
    let value = py_to_json(d, "")?;
    let text = serde_json::to_string_pretty(&value)
        .map_err(|e| PyValueError::new_err(format!("could not serialise the dict ({e})")))?;
    Ok(RuleSource::json(name, text))
}

/// The sources of one argument of `load_rules`.
fn sources_of(py: Python<'_>, arg: &Bound<'_, PyAny>) -> PyResult<Vec<RuleSource>> {
    if let Ok(r) = arg.cast::<PyRules>() {
        return Ok(r.get().sources.clone());
    }
    if arg.is_instance_of::<PyDict>() {
        return Ok(vec![dict_source(arg, "<dict>")?]);
    }
    if let Ok(s) = arg.cast::<PyString>()
        && s.extract::<String>()?.contains('\n')
    {
        return Err(PyValueError::new_err(
            "load_rules takes paths, dicts or Rules; for rule text use Rules.from_string(text)",
        ));
    }
    if arg.extract::<PathBuf>().is_ok() {
        return Ok(vec![read_path(py, arg)?]);
    }
    Err(PyTypeError::new_err(format!(
        "load_rules takes paths (str or os.PathLike), dicts or Rules; got {}",
        arg.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    )))
}

/// A parameter's value as Python (`Decimal`, bool or str) and its unit.
fn param_value<'py>(
    py: Python<'py>,
    v: &ParamConst,
) -> PyResult<(Bound<'py, PyAny>, &'static str)> {
    Ok(match v {
        ParamConst::Number(d) => (d.into_pyobject(py)?.into_any(), "number"),
        ParamConst::Percent(d) => (d.into_pyobject(py)?.into_any(), "percent"),
        ParamConst::Points(d) => (d.into_pyobject(py)?.into_any(), "points"),
        ParamConst::Bool(b) => (b.into_pyobject(py)?.to_owned().into_any(), "bool"),
        ParamConst::Str(s) => (s.into_pyobject(py)?.into_any(), "text"),
    })
}

#[pymethods]
impl PyRules {
    /// Loads one rule file: JSON when the name ends in ``.json``, TOML otherwise (UTF-8).
    /// Errors name the file as given. Raises :class:`oko.RuleError`,
    /// :class:`oko.LimitError`, or ``OSError`` when the file cannot be read.
    #[staticmethod]
    fn from_path(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<PyRules> {
        compile(py, vec![read_path(py, path)?])
    }

    /// Compiles rule text. ``name`` is the file name shown in errors and in the report
    /// (``rulesets[].file``); ``format`` is ``"toml"`` (default) or ``"json"``.
    ///
    /// ``base``: rules loaded before this text, compiled together with it (this text last),
    /// for text that counts their findings (``findings("ruleset.rule")``); the result holds
    /// both. ``load_rules`` does the same for paths and dicts.
    #[staticmethod]
    #[pyo3(signature = (text, name="<string>", format="toml", base=None))]
    fn from_string(
        py: Python<'_>,
        text: &str,
        name: &str,
        format: &str,
        base: Option<&Bound<'_, PyRules>>,
    ) -> PyResult<PyRules> {
        let source = match format {
            "toml" => RuleSource::toml(name, text),
            "json" => RuleSource::json(name, text),
            _ => return Err(PyValueError::new_err("format must be \"toml\" or \"json\"")),
        };
        let mut sources = base.map(|b| b.get().sources.clone()).unwrap_or_default();
        sources.push(source);
        compile(py, sources)
    }

    /// Compiles a ruleset given as a dict with the structure of a rule file (the JSON form;
    /// see ``rules/schema/ruleset.schema.json``). It is serialised to JSON (keys sorted,
    /// indented) and compiled, so error locations give the JSON line and the key path.
    /// Values: dict, list, str, int, float (its shortest repr: 0.1 is 0.1), bool, None, or
    /// ``decimal.Decimal`` (its exact text, accepted wherever a rule file takes a number
    /// written as a string, e.g. parameters).
    #[staticmethod]
    #[pyo3(signature = (d, name="<dict>"))]
    fn from_dict(py: Python<'_>, d: &Bound<'_, PyAny>, name: &str) -> PyResult<PyRules> {
        compile(py, vec![dict_source(d, name)?])
    }

    /// The rulesets, in load order: dicts with ``id``, ``version``, ``title`` (``ru``,
    /// ``en``), ``source`` (``document``, ``clause``, ``reference``), ``years`` (labels
    /// such as ``"2025/26"``; empty for every year),
    /// ``parameters`` (dicts with ``name``, ``value`` (``decimal.Decimal``, bool or str),
    /// ``unit`` (``number``, ``percent``, ``points``, ``bool``, ``text``), ``doc``,
    /// ``source``) and ``file``.
    #[getter]
    fn rulesets<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for info in self.rules.rulesets() {
            let json = serde_json::to_value(info)
                .map_err(|e| PyValueError::new_err(format!("ruleset metadata: {e}")))?;
            let d = json_to_py(py, &json)?.cast_into::<PyDict>()?;
            let params = PyList::empty(py);
            for p in &info.parameters {
                let (value, unit) = param_value(py, &p.value)?;
                let pd = PyDict::new(py);
                pd.set_item("name", &p.name)?;
                pd.set_item("value", value)?;
                pd.set_item("unit", unit)?;
                pd.set_item("doc", p.doc.as_deref())?;
                pd.set_item("source", p.source.as_deref())?;
                params.append(pd)?;
            }
            d.set_item("parameters", params)?;
            let years: Vec<String> = info.years.iter().map(|y| y.to_string()).collect();
            d.set_item("years", years)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// Rules and classifications in evaluation order: dicts with ``ruleset``, ``id``,
    /// ``kind`` (``rule`` or ``classification``), ``level`` and ``title`` (``ru``, ``en``;
    /// None for an untitled rule).
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        let sets = self.rules.rulesets();
        let entry = |ruleset: usize,
                     id: &str,
                     kind: &str,
                     level: oko::Level,
                     title: Option<&oko::rules::Text>|
         -> PyResult<Bound<'py, PyDict>> {
            let d = PyDict::new(py);
            d.set_item("ruleset", sets.get(ruleset).map(|r| r.id.as_str()))?;
            d.set_item("id", id)?;
            d.set_item("kind", kind)?;
            d.set_item("level", level.as_str())?;
            match title {
                Some(t) => {
                    let td = PyDict::new(py);
                    td.set_item("ru", &t.ru)?;
                    td.set_item("en", &t.en)?;
                    d.set_item("title", td)?;
                }
                None => d.set_item("title", py.None())?,
            }
            Ok(d)
        };
        for r in self.rules.rules() {
            list.append(entry(r.ruleset, &r.id, "rule", r.level, r.title.as_ref())?)?;
        }
        for c in self.rules.classifications() {
            list.append(entry(
                c.ruleset,
                &c.id,
                "classification",
                c.level,
                Some(&c.title),
            )?)?;
        }
        Ok(list)
    }

    /// Warnings of the compiler (``lint.*``: gaps and overlaps between bands, ...): dicts
    /// like :attr:`oko.RuleError.errors`. They are also in every evaluation's ``warnings``.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for w in self.rules.warnings() {
            list.append(diagnostic_dict(py, w)?)?;
        }
        Ok(list)
    }

    /// The sources compiled, in order: dicts with ``name``, ``format`` (``toml`` or
    /// ``json``) and ``text`` (for the shipped rules, the files as shipped).
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for s in &self.sources {
            let d = PyDict::new(py);
            d.set_item("name", &s.name)?;
            d.set_item(
                "format",
                match s.format {
                    Format::Toml => "toml",
                    Format::Json => "json",
                },
            )?;
            d.set_item("text", &s.text)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// Both sets loaded together, this one first (compiled again as one set).
    fn __add__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let Ok(other) = other.cast::<PyRules>() else {
            return Ok(py.NotImplemented());
        };
        let mut sources = self.sources.clone();
        sources.extend(other.get().sources.iter().cloned());
        Ok(Py::new(py, compile(py, sources)?)?.into_any())
    }

    /// Both sets loaded together, ``other`` first (for ``other + self`` when ``other`` is
    /// ``Rules``; pyo3 routes the reflected operand here).
    fn __radd__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let Ok(other) = other.cast::<PyRules>() else {
            return Ok(py.NotImplemented());
        };
        let mut sources = other.get().sources.clone();
        sources.extend(self.sources.iter().cloned());
        Ok(Py::new(py, compile(py, sources)?)?.into_any())
    }

    fn __repr__(&self) -> String {
        let sets: Vec<String> = self
            .rules
            .rulesets()
            .iter()
            .map(|r| format!("{} {}", r.id, r.version))
            .collect();
        format!(
            "Rules([{}], rules={}, classifications={}, warnings={})",
            sets.join(", "),
            self.rules.rules().len(),
            self.rules.classifications().len(),
            self.rules.warnings().len()
        )
    }

    /// The rulesets as an HTML table for notebooks (in the language of
    /// :func:`oko.set_language`).
    fn _repr_html_(&self) -> String {
        html::rules(&self.rules, html::language())
    }
}

/// Loads rule files and other rules together, in order, as one set: each argument is a path
/// (``str`` or ``os.PathLike``; JSON when it ends in ``.json``, TOML otherwise), a dict (as
/// :meth:`Rules.from_dict`) or a :class:`Rules` (e.g. :func:`shipped_rules`). Order
/// matters: scales and any rule whose findings another counts come first.
///
/// Example: ``oko.load_rules(oko.shipped_rules(), "my-district.toml")``.
///
/// Raises :class:`oko.RuleError` listing every problem in every file (``limit.*``:
/// :class:`oko.LimitError`), or ``OSError`` when a file cannot be read.
#[pyfunction]
#[pyo3(signature = (*sources))]
pub fn load_rules(py: Python<'_>, sources: &Bound<'_, PyTuple>) -> PyResult<PyRules> {
    let mut all = Vec::new();
    for arg in sources.iter() {
        all.extend(sources_of(py, &arg)?);
    }
    compile(py, all)
}

/// The rulesets shipped with oko (the repository's ``rules/*.toml``, embedded in the
/// package), in load order: ``scales-2025`` (mark scales and minimum scores),
/// ``district-low-results`` (schools 15% or more below the district, seed 001 cl. 2.2.1)
/// and the others as they are added. :attr:`Rules.sources` has their text.
#[pyfunction]
pub fn shipped_rules(py: Python<'_>) -> PyResult<PyRules> {
    compile(py, oko::rules::shipped())
}

/// Registers `Rules`, `load_rules` and `shipped_rules`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRules>()?;
    m.add_function(wrap_pyfunction!(load_rules, m)?)?;
    m.add_function(wrap_pyfunction!(shipped_rules, m)?)?;
    Ok(())
}
