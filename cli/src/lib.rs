//! Library part of the `oko` command line: everything the binary uses that is
//! worth testing on its own.
//!
//! - [`input`]: files (CSV, XLSX, JSON) into tables of text cells, and column mappings;
//! - [`load`]: those tables into a validated [`oko::Dataset`], errors in the file's terms;
//! - [`export`]: a dataset back into oko's canonical CSV tables;
//! - [`output`]: what `oko evaluate` and `oko explain` print (JSON, CSV, text);
//! - [`report`]: the self-contained HTML report of `oko report` and `oko demo`;
//! - [`text`]: language, rounding for display and names shared by the outputs.

pub mod export;
pub mod input;
pub mod load;
pub mod output;
pub mod report;
pub mod shipped;
pub mod summary;
pub mod text;
