//! Node bindings for oko: the package `oko` for school and district portals.
//!
//! Thin by design: each module converts JS values to the core's types and errors back to JS,
//! one module per core concept (`dataset`, `aggregate`, `rules`, `evaluate`, `indicators`,
//! `generate`, `errors`).
//! Every entry point runs under a panic guard, so a bug in oko becomes a JS `Error` with
//! code `internal.panic`, never a crashed process; slow work has an async form that runs on
//! the libuv thread pool.

mod aggregate;
mod dataset;
mod errors;
mod evaluate;
mod generate;
mod indicators;
mod js;
mod rules;

pub use aggregate::{AggregateRow, aggregate, aggregate_async};
pub use dataset::{Dataset, DatasetCounts, IgnoredColumn};
pub use errors::PoolTask;
pub use errors::{ErrorInfo, ErrorLocation, JsRuleDiagnostic, RuleLocation};
pub use evaluate::{evaluate, evaluate_async};
pub use generate::{Generated, SchoolTruth, Truth, generate};
pub use indicators::{JsIndicatorInfo, indicator_catalogue};
pub use rules::{Rules, load_rules};

/// Test hooks, compiled only with the cargo feature `debug-panic` (the test build enables
/// it; releases never do). They are left out of `index.d.ts` on purpose.
#[cfg(feature = "debug-panic")]
pub mod debug {
    use crate::errors::{Failure, catch, guard};
    use napi::bindgen_prelude::AsyncTask;
    use napi::{Env, Status, Task};
    use napi_derive::napi;

    /// Panics inside the same guard every entry point uses: throws `internal.panic`.
    #[napi(skip_typescript)]
    pub fn debug_panic(env: Env) -> napi::Result<()> {
        guard(&env, || -> Result<(), Failure> {
            panic!("debug-panic hook")
        })
    }

    /// Panics on the libuv thread pool, inside the guard of the async tasks: the Promise
    /// rejects with `internal.panic`.
    pub struct PanicTask(Option<Failure>);

    impl Task for PanicTask {
        type Output = ();
        type JsValue = ();

        fn compute(&mut self) -> napi::Result<()> {
            catch(|| -> Result<(), Failure> { panic!("debug-panic hook (async)") }).map_err(|f| {
                self.0 = Some(f);
                napi::Error::from_status(Status::GenericFailure)
            })
        }

        fn resolve(&mut self, _env: Env, _output: ()) -> napi::Result<()> {
            Ok(())
        }

        fn reject(&mut self, env: Env, err: napi::Error) -> napi::Result<()> {
            Err(self.0.take().map_or(err, |f| f.into_napi(&env)))
        }
    }

    /// The async hook.
    #[napi(skip_typescript)]
    pub fn debug_panic_async() -> AsyncTask<PanicTask> {
        AsyncTask::new(PanicTask(None))
    }
}
