//! `evaluate` and `evaluateAsync`: rules over a dataset into a report of findings,
//! undetermined outcomes, labels and their evidence.
//!
//! The report crosses into JS as the core's JSON (`serde_json::to_string_pretty`, the CLI's
//! `--format json`) and is parsed there with `JSON.parse`, so the objects are exactly the
//! JSON (decimals stay exact strings) and `reportJson` is the core's bytes. The async form
//! evaluates and serialises on the libuv thread pool; only `JSON.parse` runs on the main
//! thread.

use crate::dataset::dataset_arg;
use crate::errors::{Failure, Fallible, PoolTask, catch, guard};
use crate::js;
use crate::rules::rules_arg;
use napi::Env;
use napi::bindgen_prelude::{AsyncTask, FnArgs, Function, Unknown};
use napi_derive::napi;
use oko::Dataset;
use oko::privacy::Pseudonymiser;
use oko::rules::{EvalOptions, Rules};
use std::sync::Arc;

/// A parsed request, ready to run on any thread.
pub struct Job {
    rules: Arc<Rules>,
    ds: Arc<Dataset>,
    options: EvalOptions,
    /// With `pseudonymiseKey`: the report's student ids become pseudonyms.
    pseudonymiser: Option<Pseudonymiser>,
}

fn parse(rules: Unknown<'_>, dataset: Unknown<'_>, options: Option<Unknown<'_>>) -> Fallible<Job> {
    let rules = rules_arg(rules)?;
    let (ds, _) = dataset_arg(dataset)
        .map_err(|_| Failure::argument("the second argument must be a Dataset".to_owned(), None))?;
    let mut job = Job {
        rules,
        ds,
        options: EvalOptions::default(),
        pseudonymiser: None,
    };
    if let Some(o) = js::options(options, "options", &["minSample", "pseudonymiseKey"])? {
        if let Some(m) = js::opt_uint(&o, "minSample", "options")? {
            job.options.min_sample = m;
        }
        if let Some(key) = js::opt_bytes(&o, "pseudonymiseKey", "options")? {
            job.pseudonymiser = Some(
                Pseudonymiser::new(&key)
                    .map_err(|e| Failure::new(e.code(), e.to_string(), None))?,
            );
        }
    }
    Ok(job)
}

/// Evaluates and serialises the report exactly as the CLI does. Pure; runs on a worker
/// thread for `evaluateAsync`.
fn run(job: &Job) -> Fallible<String> {
    let mut out = oko::rules::evaluate(&job.rules, &job.ds, &job.options)
        .map_err(|e| Failure::new("internal.engine", e.to_string(), None))?;
    if let Some(p) = &job.pseudonymiser {
        p.pseudonymise_students(&mut out.report);
    }
    serde_json::to_string_pretty(&out.report)
        .map_err(|e| Failure::new("internal.engine", e.to_string(), None))
}

/// Parses the report's JSON into the `Evaluation` object: the report's fields as plain
/// data, plus two non-enumerable members (invisible to `Object.keys`, `assert.deepEqual`
/// and `JSON.stringify`): `reportJson`, the core's bytes, and `toJSON()`, the plain
/// report, so that `JSON.stringify(evaluation, null, 2) === evaluation.reportJson`.
const WRAP: &str = r#"(function (json) {
  const report = JSON.parse(json)
  Object.defineProperty(report, 'reportJson', { value: json })
  Object.defineProperty(report, 'toJSON', {
    value: function toJSON() {
      return { ...this }
    },
  })
  return report
})"#;

fn to_js<'e>(env: &'e Env, json: String) -> napi::Result<Unknown<'e>> {
    let wrap: Function<'e, FnArgs<(String,)>, Unknown<'e>> = env.run_script(WRAP)?;
    wrap.call(FnArgs::from((json,)))
}

/// Evaluates compiled rules over a dataset (synchronously: it blocks the event loop while
/// it runs; prefer `evaluateAsync` in a server).
///
/// Returns the report as plain objects, field for field the JSON of the CLI's
/// `oko evaluate --format json` (decimals are exact strings, absent values `null` or left
/// out as in that JSON), plus `reportJson` (those bytes exactly) and `toJSON()`.
/// Options: `minSample` (default 10): indicator values with a smaller n are limited samples,
/// from which no rule draws a conclusion (they are listed as undetermined);
/// `pseudonymiseKey` (a Buffer, Uint8Array or string of at least 16 bytes): every student id
/// in the report becomes its pseudonym (HMAC-SHA256 with the key, first 16 hex characters),
/// the same bytes as `oko evaluate --pseudonymise-key-file` and Python's `pseudonymise_key`.
/// Throws `input.argument` / `input.option` for a bad argument, `privacy.key` for a key
/// that is too short (the key is never shown).
#[napi(
    ts_args_type = "rules: Rules, dataset: Dataset, options?: EvaluateOptions",
    ts_return_type = "Evaluation"
)]
pub fn evaluate<'e>(
    env: &'e Env,
    rules: Unknown<'_>,
    dataset: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<Unknown<'e>> {
    let json = guard(env, || run(&parse(rules, dataset, options)?))?;
    to_js(env, json)
}

/// Like `evaluate`, but computed on the libuv thread pool: returns a Promise and leaves the
/// event loop free while oko aggregates and evaluates (only `JSON.parse` of the report runs
/// on the main thread). A bad argument rejects the Promise (it never throws synchronously).
#[napi(
    ts_args_type = "rules: Rules, dataset: Dataset, options?: EvaluateOptions",
    ts_return_type = "Promise<Evaluation>"
)]
pub fn evaluate_async(
    rules: Unknown<'_>,
    dataset: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<PoolTask<Job, String>> {
    AsyncTask::new(PoolTask::new(
        catch(|| parse(rules, dataset, options)),
        run,
        to_js,
    ))
}
