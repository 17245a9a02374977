//! One module per subcommand.

pub mod common;
pub mod demo;
pub mod evaluate;
pub mod explain;
pub mod generate;
pub mod report;
pub mod validate;
