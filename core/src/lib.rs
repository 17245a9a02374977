//! oko: an education-quality rule engine.
//!
//! Build a [`Dataset`] with [`DatasetBuilder`], aggregate indicators at every level with
//! [`aggregate`], and read the results from [`Aggregates`]. See ARCHITECTURE.md for the map.

mod dataset;
mod date;
mod error;
mod ids;
mod mark;
mod procedure;
mod scale;

pub use dataset::*;
pub use date::Date;
pub use error::{DataError, DataErrorKind, DataErrors, Location, TableName};
pub use ids::Interner;
pub use mark::{Mark, MarkValue};
pub use procedure::{AcademicYear, Period, Procedure, ProcedureKind, Task};
pub use scale::{Band, GroupCondition, MinimumScores, Scale, ScaleError};
mod aggregate;
mod generate;
mod indicators;

pub use aggregate::{AggregateOptions, Aggregates, Cell, Level, Scope, aggregate};
pub use generate::{Generated, GeneratorConfig, GroundTruth, generate};
pub use indicators::{
    CellState, Indicator, IndicatorInfo, IndicatorValue, MarkCounts, OutcomeCounts, ScoreHistogram,
    Source, StaffCounts, Threshold, Thresholds, Unit, compute, median,
};
pub use scale::ScaleSet;

pub mod expr;
