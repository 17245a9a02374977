//! Errors as JS `Error` objects with a stable `code` and a `location`, and the guard that
//! turns a Rust panic into an `internal.panic` error instead of a crash.
//!
//! Codes are the core's (`data.*`, `limit.rows`; for rules `rule.*` and `limit.*`, located
//! by file, line, column and key path) plus the binding's own:
//! - `input.argument`: an argument or a cell has the wrong JS type or shape;
//! - `input.option`: an option has a value oko does not know;
//! - `input.arrow`: bytes that are not Arrow IPC, or a column of an unsupported Arrow type;
//! - `input.io`: a rule file that cannot be read (missing, a folder, not UTF-8);
//! - `internal.engine`: the rule engine reported an internal error (a bug in oko);
//! - `internal.panic`: a bug in oko (reported, never a crash).
//!
//! Messages cite table, row and column only, never a cell's value.

use napi::bindgen_prelude::{JsValue, Object, Unknown};
use napi::{Env, ScopedTask, Status};
use napi_derive::napi;
use oko::rules::{DiagnosticLevel, RuleDiagnostic, RuleErrors};
use oko::{DataError, DataErrors};
use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Where an error is: a table, a 1-based data row (0 for the whole table, `None` when not
/// known) and a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Loc {
    pub table: Cow<'static, str>,
    pub row: Option<u64>,
    pub column: Option<Cow<'static, str>>,
}

impl Loc {
    /// A whole table.
    pub fn table(table: impl Into<Cow<'static, str>>) -> Self {
        Loc {
            table: table.into(),
            row: None,
            column: None,
        }
    }

    /// The same location at a row (1-based).
    pub fn row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }

    /// The same location in a column.
    pub fn column(mut self, column: impl Into<Cow<'static, str>>) -> Self {
        self.column = Some(column.into());
        self
    }
}

/// A failure on its way to JS: everything needed to build the `Error` object, so that it
/// can be made on a worker thread and turned into JS on the main thread.
#[derive(Debug)]
pub(crate) enum Failure {
    /// An oko error.
    Oko {
        code: Cow<'static, str>,
        message: String,
        /// Boxed to keep `Result<T, Failure>` small.
        location: Option<Box<Loc>>,
        /// For a dataset that failed to build: every rejected row.
        errors: Vec<Failure>,
    },
    /// Rule files that do not compile: every diagnostic, located in its file.
    Rules(Box<RuleErrors>),
    /// A JS exception is already pending (e.g. a getter of an input object threw):
    /// napi rethrows it as it is.
    Js(napi::Error),
}

/// The binding's result type.
pub(crate) type Fallible<T> = Result<T, Failure>;

impl Failure {
    /// A failure with a code and a message (which must not contain any cell value).
    pub fn new(code: &'static str, message: impl Into<String>, location: Option<Loc>) -> Self {
        Failure::Oko {
            code: Cow::Borrowed(code),
            message: message.into(),
            location: location.map(Box::new),
            errors: Vec::new(),
        }
    }

    /// `input.argument`: wrong JS type or shape.
    pub fn argument(message: impl Into<String>, location: Option<Loc>) -> Self {
        Failure::new("input.argument", message, location)
    }

    /// `input.option`: an option value oko does not know.
    pub fn option(message: impl Into<String>) -> Self {
        Failure::new("input.option", message, None)
    }

    /// `internal.panic`: a Rust panic, caught.
    pub fn panic() -> Self {
        Failure::new(
            "internal.panic",
            "internal error in oko (a Rust panic was caught); please report it",
            None,
        )
    }

    /// Builds the JS `Error` (with `code`, `location` and, for a failed dataset, `errors`)
    /// and wraps it so napi throws or rejects with exactly that object.
    pub fn into_napi(self, env: &Env) -> napi::Error {
        match self {
            Failure::Js(e) => e,
            Failure::Rules(r) => match rules_to_js(env, &r) {
                Ok(obj) => napi::Error::from(obj.to_unknown()),
                Err(e) => e,
            },
            oko @ Failure::Oko { .. } => match oko.to_js(env) {
                Ok(obj) => napi::Error::from(obj.to_unknown()),
                // The env refused to build an object: napi builds a plain error instead
                // (its `code` is the status string), or rethrows what is pending.
                Err(e) => e,
            },
        }
    }

    fn to_js<'e>(&self, env: &'e Env) -> napi::Result<Object<'e>> {
        let Failure::Oko {
            code,
            message,
            location,
            errors,
        } = self
        else {
            return Err(napi::Error::from_status(Status::PendingException));
        };
        let mut obj =
            env.create_error(napi::Error::new(Status::GenericFailure, message.clone()))?;
        obj.set("code", code.as_ref())?;
        obj.set("location", location.as_deref().map(ErrorLocation::from))?;
        if !errors.is_empty() {
            obj.set(
                "errors",
                errors.iter().map(ErrorInfo::from).collect::<Vec<_>>(),
            )?;
        }
        Ok(obj)
    }
}

/// Where an error is. `row` is the 1-based position among the table's rows (the array
/// index + 1); 0 means the table as a whole; `null` when not known.
#[napi(object, use_nullable = true, object_from_js = false)]
pub struct ErrorLocation {
    /// Table, as named in the input object (`results`, `competencyTests`, ...).
    pub table: String,
    /// 1-based row, 0 for the whole table, `null` when not known.
    pub row: Option<i64>,
    /// Column, `null` when the error is about a whole row or table.
    pub column: Option<String>,
}

impl From<&Loc> for ErrorLocation {
    fn from(l: &Loc) -> Self {
        ErrorLocation {
            table: l.table.to_string(),
            row: l.row.map(|r| i64::try_from(r).unwrap_or(i64::MAX)),
            column: l.column.as_ref().map(|c| c.to_string()),
        }
    }
}

/// An error as data: a rejected row of a lenient dataset, or an entry of a strict
/// failure's `errors`. The message never contains a cell's value.
#[napi(object, use_nullable = true, object_from_js = false)]
pub struct ErrorInfo {
    /// Stable machine code, e.g. `data.mark_out_of_range`.
    pub code: String,
    /// Readable message with the location.
    pub message: String,
    /// Where, or `null`.
    pub location: Option<ErrorLocation>,
}

impl From<&Failure> for ErrorInfo {
    fn from(f: &Failure) -> Self {
        match f {
            Failure::Oko {
                code,
                message,
                location,
                ..
            } => ErrorInfo {
                code: code.to_string(),
                message: message.clone(),
                location: location.as_deref().map(ErrorLocation::from),
            },
            Failure::Rules(r) => ErrorInfo {
                code: r.code().to_owned(),
                message: r.render(),
                location: None,
            },
            Failure::Js(e) => ErrorInfo {
                code: e.status.as_ref().to_owned(),
                message: e.reason.clone(),
                location: None,
            },
        }
    }
}

impl From<napi::Error> for Failure {
    /// A napi call failed while reading an argument: either a JS exception is pending
    /// (rethrown as it is) or the value has the wrong type.
    fn from(e: napi::Error) -> Self {
        if e.status == Status::PendingException {
            Failure::Js(e)
        } else {
            Failure::argument(
                "an argument has the wrong type or shape; see the package's index.d.ts",
                None,
            )
        }
    }
}

/// The location of a core error, as JS sees it (`competency_tests` is `competencyTests`).
pub(crate) fn core_location(l: &oko::Location) -> Loc {
    Loc {
        table: Cow::Borrowed(crate::dataset::js_table_name(l.table)),
        row: Some(l.row),
        column: (!l.column.is_empty()).then_some(Cow::Borrowed(l.column)),
    }
}

impl From<&DataError> for Failure {
    fn from(e: &DataError) -> Self {
        Failure::Oko {
            code: Cow::Borrowed(e.code()),
            message: e.to_string(),
            location: Some(Box::new(core_location(&e.location))),
            errors: Vec::new(),
        }
    }
}

impl From<DataErrors> for Failure {
    /// A dataset that failed to build: the first error's code and location, every error in
    /// `errors`.
    fn from(e: DataErrors) -> Self {
        let first = e.errors.first();
        Failure::Oko {
            code: Cow::Borrowed(first.map_or("data.invalid_value", |f| f.code())),
            message: e.to_string(),
            location: first.map(|f| Box::new(core_location(&f.location))),
            errors: e.errors.iter().map(Failure::from).collect(),
        }
    }
}

/// Where a rule problem is: the file (as named by the caller), 1-based line and column
/// (`null` when not known, e.g. for a file that is too large) and the key path
/// (`rules[2].when`; empty for the whole file).
#[napi(object, use_nullable = true, object_from_js = false)]
pub struct RuleLocation {
    /// File name: the path given, or the `name` of a ruleset given as text or object.
    pub file: String,
    /// 1-based line, or `null`.
    pub line: Option<u32>,
    /// 1-based column (in characters), or `null`.
    pub column: Option<u32>,
    /// Key path such as `rules[2].when`; empty for the whole file.
    pub path: String,
}

/// A problem in a rule file: an entry of a rule error's `errors`, or a lint warning
/// (`rules.warnings`, `report.warnings`). The same shape as the core's JSON.
#[napi(
    object,
    js_name = "RuleDiagnostic",
    use_nullable = true,
    object_from_js = false
)]
pub struct JsRuleDiagnostic {
    /// `error` (the ruleset cannot be used) or `warning` (it works but probably does not say
    /// what was meant, e.g. a gap between bands).
    #[napi(ts_type = "'error' | 'warning'")]
    pub level: String,
    /// Stable code: `rule.*`, `limit.*`, `lint.*` (or `input.io` for an unreadable file).
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// File name.
    pub file: String,
    /// 1-based line, or `null`.
    pub line: Option<u32>,
    /// 1-based column, or `null`.
    pub column: Option<u32>,
    /// Key path such as `rules[2].when`.
    pub path: String,
    /// The source line with a caret under the problem, or `null`.
    pub snippet: Option<String>,
}

fn small(n: Option<usize>) -> Option<u32> {
    n.map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

impl From<&RuleDiagnostic> for JsRuleDiagnostic {
    fn from(d: &RuleDiagnostic) -> Self {
        JsRuleDiagnostic {
            level: match d.level {
                DiagnosticLevel::Error => "error",
                DiagnosticLevel::Warning => "warning",
            }
            .to_owned(),
            code: d.code.to_owned(),
            message: d.message.clone(),
            file: d.file.clone(),
            line: small(d.line),
            column: small(d.column),
            path: d.path.clone(),
            snippet: d.snippet.clone(),
        }
    }
}

/// The JS `Error` for rules that do not compile: `code` and `location` of the first error,
/// every diagnostic (errors and warnings, in file order) in `errors`, and the message with
/// every diagnostic rendered like a compiler's.
fn rules_to_js<'e>(env: &'e Env, r: &RuleErrors) -> napi::Result<Object<'e>> {
    let mut obj = env.create_error(napi::Error::new(Status::GenericFailure, r.render()))?;
    obj.set("code", r.code())?;
    let first = r.diagnostics.iter().find(|d| d.is_error());
    obj.set(
        "location",
        first.map(|d| RuleLocation {
            file: d.file.clone(),
            line: small(d.line),
            column: small(d.column),
            path: d.path.clone(),
        }),
    )?;
    obj.set(
        "errors",
        r.diagnostics
            .iter()
            .map(JsRuleDiagnostic::from)
            .collect::<Vec<_>>(),
    )?;
    Ok(obj)
}

impl From<RuleErrors> for Failure {
    fn from(e: RuleErrors) -> Self {
        Failure::Rules(Box::new(e))
    }
}

/// Runs `f`, turning a panic into `internal.panic`. Used by every entry point.
pub(crate) fn catch<T>(f: impl FnOnce() -> Fallible<T>) -> Fallible<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(Failure::panic()))
}

/// Runs a synchronous entry point: a failure becomes a thrown JS `Error`, a panic becomes
/// `internal.panic`.
pub(crate) fn guard<T>(env: &Env, f: impl FnOnce() -> Fallible<T>) -> napi::Result<T> {
    catch(f).map_err(|e| e.into_napi(env))
}

/// A job run on the libuv thread pool by an `*_async` entry point. The arguments are parsed on
/// the main thread (a bad one is kept and rejects the Promise); `run` works off the main
/// thread, a panic in it becomes `internal.panic`; `to_js` builds the result on the main
/// thread.
pub struct PoolTask<J, O> {
    job: Option<Fallible<J>>,
    run: fn(&J) -> Fallible<O>,
    to_js: for<'e> fn(&'e Env, O) -> napi::Result<Unknown<'e>>,
    failure: Option<Failure>,
}

impl<J, O> PoolTask<J, O> {
    /// The task for `job` (already parsed, or the reason it could not be).
    pub(crate) fn new(
        job: Fallible<J>,
        run: fn(&J) -> Fallible<O>,
        to_js: for<'e> fn(&'e Env, O) -> napi::Result<Unknown<'e>>,
    ) -> Self {
        PoolTask {
            job: Some(job),
            run,
            to_js,
            failure: None,
        }
    }
}

impl<'task, J: Send, O: Send + 'static> ScopedTask<'task> for PoolTask<J, O> {
    type Output = O;
    type JsValue = Unknown<'task>;

    fn compute(&mut self) -> napi::Result<O> {
        let (job, run) = (self.job.take(), self.run);
        let out = catch(|| match job {
            Some(Ok(job)) => run(&job),
            Some(Err(f)) => Err(f),
            None => Err(Failure::panic()),
        });
        out.map_err(|f| {
            self.failure = Some(f);
            napi::Error::from_status(Status::GenericFailure)
        })
    }

    fn resolve(&mut self, env: &'task Env, output: O) -> napi::Result<Unknown<'task>> {
        (self.to_js)(env, output)
    }

    fn reject(&mut self, env: &'task Env, err: napi::Error) -> napi::Result<Unknown<'task>> {
        Err(match self.failure.take() {
            Some(f) => f.into_napi(env),
            None => err,
        })
    }
}
