//! The options of the objectivity statistics: which internal mark an external result is
//! paired with, and the width of the heaping windows. They are aggregation options
//! ([`AggregateOptions::objectivity`](crate::AggregateOptions)) because they change the
//! states themselves; a ruleset sets them in its `[objectivity]` section.

use serde::{Deserialize, Serialize};

/// Which internal mark is paired with an external result in the same subject.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum InternalMark {
    /// The last term (четверть) or half-year (полугодие) mark of the procedure's academic
    /// year whose period ended before the procedure's date (see
    /// [`period_end`](crate::objectivity::period_end)). This is what a teacher knew when the
    /// work was written, so it is the default. A procedure without a date pairs nothing.
    #[default]
    LastPeriodBefore,
    /// The year mark (годовая) of the procedure's academic year.
    Year,
}

impl InternalMark {
    /// Identifier used in rule files: `last_period_before` or `year`.
    pub fn as_str(self) -> &'static str {
        match self {
            InternalMark::LastPeriodBefore => "last_period_before",
            InternalMark::Year => "year",
        }
    }
}

/// The default width of each heaping window, in primary-score points: markers who "pull" a
/// work over a mark boundary typically add one or two points.
pub const DEFAULT_HEAPING_WIDTH: u8 = 2;

/// Options of the objectivity statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct ObjectivityOptions {
    /// Which internal mark is paired with each external result.
    pub internal_mark: InternalMark,
    /// Scores per side of a mark boundary compared by the heaping test (`b−w..b−1` against
    /// `b..b+w−1`); at least 1.
    pub heaping_width: u8,
}

impl Default for ObjectivityOptions {
    fn default() -> Self {
        ObjectivityOptions {
            internal_mark: InternalMark::default(),
            heaping_width: DEFAULT_HEAPING_WIDTH,
        }
    }
}
