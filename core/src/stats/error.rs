//! Errors of the statistics module.

/// Why a statistics input was rejected.
///
/// Reason: count tables have a fixed shape (categories `min..=max`); a value outside it, or
/// merging tables of different shapes, is a data error the caller must see, never something to
/// drop silently.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// A category value lies outside the table's range.
    #[error("value {value} is outside the table's categories {min}..={max}")]
    OutOfRange {
        /// The offending value.
        value: u32,
        /// Smallest category of the table.
        min: u32,
        /// Largest category of the table.
        max: u32,
    },
    /// Two tables with different category ranges were merged.
    #[error("tables have different shapes and cannot be merged")]
    ShapeMismatch,
    /// A table was requested or given with an impossible shape.
    #[error("invalid table shape: {0}")]
    InvalidShape(&'static str),
    /// A count exceeded `u64::MAX`.
    #[error("count overflow")]
    Overflow,
    /// A parameter is outside its domain (for example a window that does not fit the histogram).
    #[error("invalid parameter: {0}")]
    InvalidParameter(&'static str),
}
