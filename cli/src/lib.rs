//! Library part of the `oko` command line: everything the binary uses that is
//! worth testing on its own.

pub mod export;
pub mod input;
pub mod shipped;
pub mod summary;
