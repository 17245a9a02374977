#![no_main]
//! Fuzz target `input_csv`: see `oko_fuzz` (fuzz/src/lib.rs) for what it checks.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    oko_fuzz::input(data, "csv");
});
