//! oko: an education-quality rule engine.
