//! oko: an education-quality rule engine.

pub mod stats;
