//! Library part of the `oko` command line: everything the binary uses that is
//! worth testing on its own.
//!
//! - [`input`]: files (CSV, XLSX, JSON) into tables of text cells, and column mappings;
//! - [`load`]: those tables into a validated [`oko::Dataset`], errors in the file's terms;
//! - [`export`]: a dataset back into oko's canonical CSV tables.

pub mod export;
pub mod input;
pub mod load;
pub mod shipped;
pub mod summary;
