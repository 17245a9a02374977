#![no_main]
//! Fuzz target `rules_toml`: see `oko_fuzz` (fuzz/src/lib.rs) for what it checks.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    oko_fuzz::rules(data, false);
});
