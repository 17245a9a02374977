//! The `oko` command line.
fn main() {}
