//! oko: an education-quality rule engine.
//!
//! Build a [`Dataset`] with [`DatasetBuilder`], aggregate indicators at every level with
//! [`aggregate`], and read the results from [`Aggregates`]. See ARCHITECTURE.md for the map.

mod aggregate;
mod dataset;
mod date;
mod debug;
mod error;
pub mod expr;
mod generate;
mod hierarchy;
mod ids;
mod indicators;
mod mark;
mod muko;
pub mod objectivity;
mod pairing;
mod parallel;
pub mod privacy;
mod procedure;
mod profiles;
pub mod rules;
mod scale;
mod social;
pub mod stats;

pub use dataset::*;
pub use date::Date;
#[cfg(feature = "debug-panic")]
pub use debug::DEBUG_PANIC_MUNICIPALITY;
pub use error::{DataError, DataErrorKind, DataErrors, Location, TableName};
pub use ids::Interner;
pub use mark::{Mark, MarkValue};
pub use procedure::{AcademicYear, Period, Procedure, ProcedureKind, Task};
pub use scale::{Band, GroupCondition, MinimumScores, Scale, ScaleError};

pub use aggregate::{AggregateOptions, Aggregates, Cell, Level, Scope, aggregate};
pub use generate::{Anomaly, Generated, GeneratorConfig, GroundTruth, generate};
pub use indicators::{
    CellState, Indicator, IndicatorInfo, IndicatorValue, MarkCounts, OutcomeCounts, ScoreHistogram,
    Source, StaffCounts, Threshold, Thresholds, Unit, compute, median,
};
pub use muko::{
    ComponentState, MukoGapItem, MukoItem, MukoLevel, MukoResult, MukoSpec, SchoolMuko, muko_scores,
};
pub use objectivity::{InternalMark, ObjectivityOptions, ObjectivityState};
pub use pairing::{PairCandidate, PairMatch, PairingOptions, Unpaired, pair_schools};
pub use profiles::{ProfileOptions, Profiles, student_profiles};
pub use scale::ScaleSet;
pub use social::{
    IndexComponent, IndexGroup, Normalisation, SocialIndex, SocialIndexSpec, social_index,
};
