//! Statistics behind the objectivity-of-assessment checks (DOMAIN.md, "Objectivity of
//! assessment").
//!
//! Why this module exists: the federal analytics report, for every class, school, district and
//! region, how each student's external (ВПР) mark compares with the journal mark, and
//! Rosobrnadzor's signs of non-objective results rest on a handful of agreement and
//! distribution statistics. They are kept here as pure functions (no I/O, no allocation beyond
//! the count tables) so that the rule engine can compute them on merged, pre-aggregated counts
//! and so that every number can be checked against an independent implementation
//! (scikit-learn, SciPy, statsmodels; see `tests/fixtures/stats/`).
//!
//! - [`confusion`]: internal × external mark table, lowered / confirmed / raised counts, gaps
//!   and exact [`rust_decimal::Decimal`] shares.
//! - [`kappa`]: Cohen's kappa, unweighted, linear and quadratic.
//! - [`spearman`]: Spearman rank correlation from a mergeable mark × score histogram.
//! - [`wilson`]: Wilson score interval for a share.
//! - [`heaping`]: exact binomial test for scores heaped just above a mark boundary.
//! - [`binomial`]: binomial probabilities and tail p-values, stable for n in the millions.
//! - [`normal`]: standard normal quantile (for a confidence level → z).
//!
//! Results are *signs with evidence*, never verdicts: the callers attach sample sizes and mark
//! small groups as such.

pub mod binomial;
pub mod confusion;
pub mod heaping;
pub mod kappa;
pub mod normal;
pub mod spearman;
pub mod wilson;

mod error;

pub use binomial::{binomial_cdf, binomial_pmf, binomial_sf, ln_binomial_pmf, ln_binomial_sf};
pub use confusion::{AgreementSummary, ConfusionTable, Share};
pub use error::StatsError;
pub use heaping::{HeapingTest, HeapingVsReference, heaping_test, heaping_test_against_reference};
pub use kappa::{KappaUndefined, KappaWeights, cohen_kappa};
pub use normal::{normal_quantile, z_for_confidence};
pub use spearman::{JointHistogram, spearman_pairs};
pub use wilson::{Z_95, wilson_interval, wilson_interval_95};
