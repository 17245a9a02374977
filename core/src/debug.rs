//! Test-only hooks, compiled in with the cargo feature `debug-panic` and nowhere else.
//!
//! With the feature, [`crate::rules::evaluate`] panics when the dataset has a municipality
//! with the id [`DEBUG_PANIC_MUNICIPALITY`]: the bindings' tests use it to prove that a panic
//! inside evaluation reaches Python and Node as an error, never as an abort. Never enable
//! the feature in a build that serves users.

use crate::dataset::Dataset;

/// The municipality id that makes evaluation panic when the `debug-panic` feature is on.
#[cfg(feature = "debug-panic")]
pub const DEBUG_PANIC_MUNICIPALITY: &str = "__oko_debug_panic__";

/// Panics for the debug municipality when the feature is on; does nothing otherwise.
#[inline]
pub(crate) fn panic_hook(ds: &Dataset) {
    #[cfg(feature = "debug-panic")]
    if ds.municipality_index(DEBUG_PANIC_MUNICIPALITY).is_some() {
        panic!("oko debug panic: the dataset has the debug municipality (feature debug-panic)");
    }
    let _ = ds;
}
