//! The names a rule can read, resolved at compile time into input columns.
//!
//! | name | meaning |
//! |---|---|
//! | `median_score`, `self.median_score` | an indicator of the row's entity in the row's scope |
//! | `municipality.median_score` | the same indicator of an ancestor (class → grade → school → municipality → region; teacher → school) |
//! | `prev_year.median_score`, `prev_year.school.x` | the same scope one academic year earlier |
//! | `param.relative_gap` | a parameter of the ruleset |
//! | `gap` | a derived value of the rule (`values` table) |
//! | `school.kind`, `school.selective`, `school.rural`, `context.low_income` | attributes of the row's school |
//! | `teacher.years_since_training`, `teacher.competency_score` (%), `teacher.category` | attributes of the row's teacher (teacher level): whole years from the latest training to the end of the row's academic year (31 August; rows without a scope: the ruleset's last year, else the data's latest), the latest competency test in percent of its maximum |
//! | `school.social_index` | the school's social-welfare index (the ruleset's `[social_index]`, else the last one loaded before it); higher is more favourable |
//! | `procedure.kind`, `procedure.subject`, `procedure.grade` | the row's procedure |
//! | `findings("rule")`, `undetermined("rule")` | how many findings (or unknown outcomes) an earlier rule of the same level gave the row's entity |
//! | `failing_marks`, `internal_marks`, `last_internal_mark`, `trials`, `trials_below_min`, `trial_trend` (pp), `last_trial_percent`, `attendance`, `subject`, `grade` (also as `student.<name>`) | columns of the row's student profile (student level, `profiles` rows; see `oko::Profiles`) |

use super::ir::{Attr, Input, ParamConst, ProfileField, RowSource};
use crate::aggregate::Level;
use crate::expr::{Binding, Catalogue, Type};
use crate::indicators::{Indicator, Source, Unit};
use std::cell::RefCell;

/// An earlier rule that `findings(...)` may name.
pub(crate) struct KnownRule<'a> {
    pub index: usize,
    pub id: &'a str,
    pub ruleset_id: &'a str,
    pub level: Level,
}

pub(crate) struct RuleCatalogue<'a> {
    pub level: Level,
    pub source: RowSource,
    pub params: &'a [(String, ParamConst)],
    pub derived: Vec<(String, Type)>,
    pub rules: &'a [KnownRule<'a>],
    pub ruleset_id: &'a str,
    pub inputs: RefCell<Vec<Input>>,
    /// The social index `school.social_index` reads, when one is defined.
    pub social_index: Option<usize>,
}

pub(crate) fn indicator_type(i: Indicator) -> Type {
    match i.info().unit {
        Unit::Percent => Type::Percent,
        Unit::Points => Type::Points,
        _ => Type::Number,
    }
}

/// True when `up` is `level` or one of its ancestors.
pub(crate) fn is_ancestor(level: Level, up: Level) -> bool {
    use Level::*;
    match level {
        Class => matches!(up, Class | Grade | School | Municipality | Region),
        Grade => matches!(up, Grade | School | Municipality | Region),
        Teacher => matches!(up, Teacher | School | Municipality | Region),
        School => matches!(up, School | Municipality | Region),
        Municipality => matches!(up, Municipality | Region),
        Region => up == Region,
        Student => matches!(up, Student | Class | Grade | School | Municipality | Region),
    }
}

impl RuleCatalogue<'_> {
    fn bind(&self, input: Input, ty: Type) -> Binding {
        let mut inputs = self.inputs.borrow_mut();
        let slot = match inputs.iter().position(|i| *i == input) {
            Some(i) => i,
            None => {
                inputs.push(input);
                inputs.len() - 1
            }
        };
        Binding { slot, ty }
    }

    fn indicator(&self, at: Option<Level>, prev_year: bool, name: &str) -> Option<Binding> {
        let ind: Indicator = name.parse().ok()?;
        let applies = match self.source {
            RowSource::Procedures if ind.info().source == Source::Objectivity => true,
            RowSource::Procedures => matches!(ind.info().source, Source::Marks | Source::Scores),
            RowSource::Marks => ind.info().source == Source::Marks,
            RowSource::Outcomes => ind.info().source == Source::Outcomes,
            RowSource::Staff => ind.info().source == Source::Staff,
            RowSource::Entity | RowSource::Profiles => false,
        };
        if !applies || at.is_some_and(|l| !is_ancestor(self.level, l)) {
            return None;
        }
        let at = at.filter(|&l| l != self.level);
        Some(self.bind(
            Input::Indicator {
                at,
                prev_year,
                indicator: ind,
            },
            indicator_type(ind),
        ))
    }
}

impl RuleCatalogue<'_> {
    fn profile(&self, name: &str) -> Option<Binding> {
        let f = ProfileField::ALL.into_iter().find(|f| f.name() == name)?;
        let ty = match f {
            ProfileField::TrialTrend => Type::Points,
            ProfileField::LastTrialPercent | ProfileField::Attendance => Type::Percent,
            ProfileField::Subject => Type::Str,
            _ => Type::Number,
        };
        Some(self.bind(Input::Profile(f), ty))
    }
}

impl Catalogue for RuleCatalogue<'_> {
    fn name(&self, path: &[&str]) -> Option<Binding> {
        match path {
            [name] => {
                if let Some(k) = self.derived.iter().position(|(n, _)| n == name) {
                    return Some(self.bind(Input::Derived(k), self.derived[k].1));
                }
                if self.source == RowSource::Profiles {
                    return self.profile(name);
                }
                self.indicator(None, false, name)
            }
            ["student", name] if self.source == RowSource::Profiles => self.profile(name),
            ["self", name] => self.indicator(None, false, name),
            ["param", p] => {
                let k = self.params.iter().position(|(n, _)| n == p)?;
                let ty = match &self.params[k].1 {
                    ParamConst::Number(_) => Type::Number,
                    ParamConst::Percent(_) => Type::Percent,
                    ParamConst::Points(_) => Type::Points,
                    ParamConst::Bool(_) => Type::Bool,
                    ParamConst::Str(_) => Type::Str,
                };
                Some(self.bind(Input::Param(k), ty))
            }
            ["prev_year", name] => self.indicator(None, true, name),
            ["prev_year", level, name] => self.indicator(Some(Level::parse(level)?), true, name),
            ["school", "kind"] => Some(self.bind(Input::Attr(Attr::SchoolKind), Type::Str)),
            ["school", "selective"] => {
                Some(self.bind(Input::Attr(Attr::SchoolSelective), Type::Bool))
            }
            ["school", "rural"] => Some(self.bind(Input::Attr(Attr::SchoolRural), Type::Bool)),
            ["teacher", attr] if self.level == Level::Teacher => {
                let (a, ty) = match *attr {
                    "years_since_training" => (Attr::TeacherYearsSinceTraining, Type::Number),
                    "competency_score" => (Attr::TeacherCompetencyScore, Type::Percent),
                    "category" => (Attr::TeacherCategory, Type::Str),
                    _ => return self.indicator(Some(Level::Teacher), false, attr),
                };
                Some(self.bind(Input::Attr(a), ty))
            }
            ["school", "social_index"] => {
                let k = self.social_index?;
                Some(self.bind(Input::Attr(Attr::SocialIndex(k)), Type::Number))
            }
            ["context", field] | ["school", "context", field] => Some(self.bind(
                Input::Attr(Attr::Context((*field).to_owned())),
                Type::Percent,
            )),
            ["procedure", attr] if self.source == RowSource::Procedures => {
                let (a, ty) = match *attr {
                    "kind" => (Attr::ProcedureKind, Type::Str),
                    "subject" => (Attr::ProcedureSubject, Type::Str),
                    "grade" => (Attr::ProcedureGrade, Type::Number),
                    _ => return None,
                };
                Some(self.bind(Input::Attr(a), ty))
            }
            [level, name] => self.indicator(Some(Level::parse(level)?), false, name),
            _ => None,
        }
    }

    fn call(&self, func: &str, args: &[&str]) -> Option<Binding> {
        let undetermined = match func {
            "findings" => false,
            "undetermined" => true,
            _ => return None,
        };
        let [id] = args else { return None };
        let (ruleset, rule) = match id.split_once('.') {
            Some((rs, r)) => (rs, r),
            None => (self.ruleset_id, *id),
        };
        let known = self
            .rules
            .iter()
            .find(|k| k.id == rule && k.ruleset_id == ruleset && k.level == self.level)?;
        Some(self.bind(
            Input::Findings {
                rule: known.index,
                undetermined,
            },
            Type::Number,
        ))
    }
}
