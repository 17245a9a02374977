//! `Rules`: compiled rulesets, from rule files (TOML or JSON), from text, from a plain JS
//! object, or several files together (`loadRules`). The core checks everything and reports
//! every problem with its code, file, line:column and key path; this file only reads the
//! JS arguments and the files, and turns the core's diagnostics into a JS `Error`.

use crate::errors::{Failure, Fallible, JsRuleDiagnostic, guard};
use crate::js::{self, type_name};
use napi::bindgen_prelude::{
    ClassInstance, FnArgs, FromNapiValue, Function, JsObjectValue, JsValue, Object, Unknown,
};
use napi::{Env, ValueType};
use napi_derive::napi;
use oko::rules::{
    DiagnosticLevel, RuleDiagnostic, RuleErrors, RuleLimits, RuleSource, Rules as CoreRules,
    compile,
};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Compiled, checked rulesets, ready for `evaluate`. Build them with `Rules.fromPath`,
/// `Rules.fromString`, `Rules.fromObject` or `loadRules`. A ruleset that does not compile
/// throws an `Error` with `code` (`rule.*` or `limit.*`), `location` (`{ file, line,
/// column, path }` of the first error) and `errors` (every diagnostic). Rule files are
/// treated as untrusted: size, rule count and expression size are limited.
#[napi]
pub struct Rules {
    pub(crate) inner: Arc<CoreRules>,
}

/// A diagnostic about a rule source that could not be read (it never reached the compiler).
fn io_error(file: &str, message: String) -> Box<RuleDiagnostic> {
    Box::new(RuleDiagnostic {
        level: DiagnosticLevel::Error,
        code: "input.io",
        message,
        file: file.to_owned(),
        line: None,
        column: None,
        path: String::new(),
        snippet: None,
    })
}

/// Reads a rule file (`.json` is JSON, anything else TOML). A file larger than the limit is
/// refused before it is read, with the core's `limit.file_size` diagnostic.
/// (Diagnostics are boxed to keep the `Result` small.)
fn read_file(path: &str, limits: &RuleLimits) -> Result<RuleSource, Box<RuleDiagnostic>> {
    let too_large = |bytes: u64| {
        Box::new(RuleDiagnostic {
            level: DiagnosticLevel::Error,
            code: oko::rules::codes::FILE_SIZE,
            message: format!(
                "the file has {bytes} bytes; the limit is {}",
                limits.max_file_bytes
            ),
            file: path.to_owned(),
            line: None,
            column: None,
            path: String::new(),
            snippet: None,
        })
    };
    let io = |e: std::io::Error| io_error(path, format!("cannot read the rule file: {e}"));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io_error(
            path,
            "is a folder, not a rule file (pass its files to loadRules)".to_owned(),
        ));
    }
    let max = limits.max_file_bytes as u64;
    if meta.len() > max {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&mut file)
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| io_error(path, "the rule file is not UTF-8 text".to_owned()))?;
    let json = Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    Ok(if json {
        RuleSource::json(path, text)
    } else {
        RuleSource::toml(path, text)
    })
}

/// Compiles sources, or fails with every diagnostic.
fn compile_all(sources: &[RuleSource]) -> Fallible<Rules> {
    let rules = compile(sources, &RuleLimits::default())?;
    Ok(Rules {
        inner: Arc::new(rules),
    })
}

/// A string argument, or `input.argument` naming it.
fn string_arg(u: Unknown<'_>, what: &str) -> Fallible<String> {
    let t = u.get_type()?;
    if t != ValueType::String {
        return Err(Failure::argument(
            format!("{what} must be a string, got {}", type_name(t)),
            None,
        ));
    }
    Ok(String::from_unknown(u)?)
}

/// The `{ text, name, format }` of a ruleset given as text. `format` defaults to `toml`;
/// `name` (shown in errors) to `default_name`.
fn text_source(
    text: String,
    name: Option<String>,
    format: Option<String>,
    default_name: &str,
) -> Fallible<RuleSource> {
    let name = name.unwrap_or_else(|| default_name.to_owned());
    match format.as_deref() {
        None | Some("toml") => Ok(RuleSource::toml(name, text)),
        Some("json") => Ok(RuleSource::json(name, text)),
        Some(_) => Err(Failure::option("format must be 'toml' or 'json'")),
    }
}

/// `JSON.stringify(value, null, 2)`, or `null` when the value cannot be serialised (a cycle,
/// a BigInt, a function): indented, so that errors point at a line and column.
const STRINGIFY: &str = r#"(function (value) {
  try {
    const s = JSON.stringify(value, null, 2)
    return typeof s === 'string' ? s : null
  } catch (e) {
    return null
  }
})"#;

/// Reads a JS value as JSON text through `JSON.stringify`.
fn stringify(env: &Env, value: Unknown<'_>) -> Fallible<String> {
    let f: Function<'_, FnArgs<(Unknown<'_>,)>, Option<String>> = env.run_script(STRINGIFY)?;
    f.call(FnArgs::from((value,)))?.ok_or_else(|| {
        Failure::argument(
            "the ruleset object cannot be serialised as JSON (a cycle, a BigInt or a function)",
            None,
        )
    })
}

/// JSON text as JS values (`JSON.parse`).
pub(crate) fn parse_json<'e>(env: &'e Env, json: String) -> napi::Result<Unknown<'e>> {
    let f: Function<'e, FnArgs<(String,)>, Unknown<'e>> =
        env.run_script("(function (json) { return JSON.parse(json) })")?;
    f.call(FnArgs::from((json,)))
}

#[napi]
impl Rules {
    /// Compiles one rule file: `.json` files are JSON, any other TOML. Throws an `Error` with
    /// `code` (`rule.syntax`, `rule.schema`, `rule.unknown_name`, `limit.file_size`, ..., or
    /// `input.io` when the file cannot be read), `location` and `errors`.
    #[napi(factory, ts_args_type = "path: string")]
    pub fn from_path(env: Env, path: Unknown<'_>) -> napi::Result<Rules> {
        guard(&env, || {
            let path = string_arg(path, "path")?;
            let limits = RuleLimits::default();
            let source = read_file(&path, &limits).map_err(|d| RuleErrors {
                diagnostics: vec![*d],
            })?;
            compile_all(&[source])
        })
    }

    /// Compiles a ruleset given as text. Options: `name` (shown in errors; default `rules`)
    /// and `format` (`toml`, the default, or `json`).
    #[napi(factory, ts_args_type = "text: string, options?: RuleTextOptions")]
    pub fn from_string(
        env: Env,
        text: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Rules> {
        guard(&env, || {
            let text = string_arg(text, "text")?;
            let o = js::options(options, "options", &["name", "format"])?;
            let (name, format) = match &o {
                Some(o) => (
                    js::opt_string(o, "name", "options")?,
                    js::opt_string(o, "format", "options")?,
                ),
                None => (None, None),
            };
            compile_all(&[text_source(text, name, format, "rules")?])
        })
    }

    /// Compiles a ruleset given as a plain object with the structure of a rule file (as
    /// `JSON.parse` of a JSON rule file gives it). It is serialised with `JSON.stringify`
    /// (indented) and compiled as JSON, so error locations are lines of that text. Option:
    /// `name` (shown in errors; default `object`).
    #[napi(factory, ts_args_type = "ruleset: object, options?: { name?: string }")]
    pub fn from_object(
        env: Env,
        ruleset: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Rules> {
        guard(&env, || {
            let name = match js::options(options, "options", &["name"])? {
                Some(o) => js::opt_string(&o, "name", "options")?,
                None => None,
            };
            let obj = js::object(ruleset, "ruleset")?;
            let text = stringify(&env, obj.to_unknown())?;
            compile_all(&[text_source(text, name, Some("json".to_owned()), "object")?])
        })
    }

    /// The rulesets, in load order: id, version, title, source regulation, years,
    /// parameters and file, as in a report's `rulesets`.
    #[napi(getter, ts_return_type = "Array<RulesetInfo>")]
    pub fn rulesets<'e>(&self, env: &'e Env) -> napi::Result<Unknown<'e>> {
        let json = guard(env, || {
            serde_json::to_string(self.inner.rulesets())
                .map_err(|e| Failure::new("internal.engine", e.to_string(), None))
        })?;
        parse_json(env, json)
    }

    /// Lint warnings of rules that compiled (gaps and overlaps between bands, ...).
    #[napi(getter)]
    pub fn warnings(&self) -> Vec<JsRuleDiagnostic> {
        self.inner
            .warnings()
            .iter()
            .map(JsRuleDiagnostic::from)
            .collect()
    }

    /// Number of rules plus classifications.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.rules().len() + self.inner.classifications().len())
            .unwrap_or(u32::MAX)
    }
}

/// Reads one entry of `loadRules`' array: a path, or `{ text, name, format }`.
fn load_entry(
    i: u32,
    u: Unknown<'_>,
    limits: &RuleLimits,
) -> Fallible<Result<RuleSource, Box<RuleDiagnostic>>> {
    match u.get_type()? {
        ValueType::String => Ok(read_file(&String::from_unknown(u)?, limits)),
        ValueType::Object if !u.is_array()? => {
            let what = format!("sources[{i}]");
            let o = js::options(Some(u), &what, &["text", "name", "format"])?
                .ok_or_else(|| Failure::argument(format!("{what} must not be null"), None))?;
            let text = js::opt_string(&o, "text", &what)?.ok_or_else(|| {
                Failure::argument(format!("{what}.text must be the ruleset's text"), None)
            })?;
            let name = js::opt_string(&o, "name", &what)?;
            let format = js::opt_string(&o, "format", &what)?;
            Ok(Ok(text_source(text, name, format, &what)?))
        }
        t => Err(Failure::argument(
            format!(
                "sources[{i}] must be a path or {{ text, name?, format? }}, got {}",
                type_name(t)
            ),
            None,
        )),
    }
}

/// Compiles several rule files together, in the order given: paths (`.json` files are
/// JSON, others TOML) and/or `{ text, name?, format? }` objects. Rules may refer to rules
/// of files before them (`findings(...)`), and scales of every file apply to all.
/// Throws like `Rules.fromPath`, with the problems of every file in `errors` (files that
/// cannot be read are reported together, with code `input.io`, before anything compiles).
#[napi(ts_args_type = "sources: ReadonlyArray<string | RuleText>")]
pub fn load_rules(env: Env, sources: Unknown<'_>) -> napi::Result<Rules> {
    guard(&env, || {
        if !sources.is_array()? {
            return Err(Failure::argument(
                format!(
                    "sources must be an array of paths or {{ text, name?, format? }} objects, got {}",
                    type_name(sources.get_type()?)
                ),
                None,
            ));
        }
        let arr = Object::from_unknown(sources)?;
        let limits = RuleLimits::default();
        let mut read = Vec::new();
        let mut unreadable = Vec::new();
        for i in 0..arr.get_array_length()? {
            match load_entry(i, arr.get_element(i)?, &limits)? {
                Ok(s) => read.push(s),
                Err(d) => unreadable.push(*d),
            }
        }
        if !unreadable.is_empty() {
            return Err(RuleErrors {
                diagnostics: unreadable,
            }
            .into());
        }
        compile_all(&read)
    })
}

/// Unwraps a `Rules` argument into a shared handle (so a worker thread can read it), or
/// fails with `input.argument`.
pub(crate) fn rules_arg(u: Unknown<'_>) -> Fallible<Arc<CoreRules>> {
    let t = u.get_type()?;
    let got = if t == ValueType::Object {
        match ClassInstance::<Rules>::from_unknown(u) {
            Ok(r) => return Ok(Arc::clone(&r.inner)),
            Err(_) => "another object",
        }
    } else {
        type_name(t)
    };
    Err(Failure::argument(
        format!("the first argument must be Rules, got {got}"),
        None,
    ))
}
