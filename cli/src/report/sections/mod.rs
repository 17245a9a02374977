//! The report's sections: each renders its id, its title and its HTML.

pub(crate) mod context;
pub(crate) mod district;
pub(crate) mod flagged;
pub(crate) mod histograms;
pub(crate) mod objectivity;
pub(crate) mod summary;

/// A rendered section: id, title, HTML.
pub(crate) type Section = (&'static str, String, String);
