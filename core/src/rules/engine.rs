//! Evaluation: every rule over all rows of its level at once.
//!
//! For each rule the engine selects its rows (cells of one level whose scope passes the
//! filter, or entities), materialises only the input columns its programs read, runs the
//! derived values and the condition as column programs, and turns true rows into findings
//! and unknown rows into undetermined outcomes, each with the values that explain it.

use super::compile::placeholders;
use super::ir::*;
use super::output::*;
use super::raw::Text;
use crate::aggregate::{AggregateOptions, Aggregates, Level, Scope, aggregate};
use crate::dataset::Dataset;
use crate::date::Date;
use crate::expr::{Column, Datum, Frame, Program, Reason, Type, Value, eval};
use crate::indicators::IndicatorValue;
use crate::pairing::{PairCandidate, PairingOptions, Unpaired, pair_schools};
use crate::procedure::AcademicYear;
use crate::profiles::{ProfileOptions, Profiles, student_profiles};
use crate::social::{SocialIndex, social_index};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;

/// Options of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalOptions {
    /// Below this n an indicator value is a limited sample (DOMAIN.md: 10).
    pub min_sample: u64,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions { min_sample: 10 }
    }
}

/// The result of evaluating rules over a dataset.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Every indicator state, for tables and charts.
    pub aggregates: Aggregates,
    /// Findings, labels and their evidence.
    pub report: Report,
}

/// A failure inside the engine (never caused by data or rules: a bug, reported, not a panic).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("internal.engine: {0}")]
pub struct EngineError(pub String);

/// Evaluates compiled rules over a dataset.
///
/// ```
/// use oko::rules::{compile, evaluate, EvalOptions, RuleLimits, RuleSource};
/// let rules = compile(&[RuleSource::toml("r.toml", r#"
/// schema_version = 1
/// id = "demo"
/// version = "1"
/// title = { ru = "Демо", en = "Demo" }
/// source = { document = "DOMAIN.md" }
/// parameters = { gap = "15%" }
/// [[rules]]
/// id = "low_completion"
/// level = "school"
/// when = "rel_gap(completion_rate, municipality.completion_rate) >= param.gap"
/// message = { ru = "{completion_rate} против {municipality.completion_rate}", en = "{completion_rate} vs {municipality.completion_rate}" }
/// "#)], &RuleLimits::default()).unwrap();
/// let g = oko::generate(&oko::GeneratorConfig::tiny(1));
/// let out = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap();
/// for f in &out.report.findings {
///     assert_eq!(f.rule, "low_completion");
///     assert!(f.evidence.iter().any(|e| e.name == "municipality.completion_rate"));
/// }
/// ```
pub fn evaluate(
    rules: &Rules,
    ds: &Dataset,
    opts: &EvalOptions,
) -> Result<Evaluation, EngineError> {
    crate::debug::panic_hook(ds);
    let agg = aggregate(
        ds,
        &rules.scales,
        AggregateOptions {
            min_sample: opts.min_sample,
            objectivity: rules.objectivity.unwrap_or_default(),
        },
    );
    let mut engine = Engine {
        rules,
        ds,
        agg: &agg,
        prev: prev_scopes(ds, agg.scopes()),
        findings_count: HashMap::new(),
        profiles: profile_sets(rules, ds),
        social: rules
            .social_indexes
            .iter()
            .map(|(_, spec)| social_index(ds, spec))
            .collect(),
    };
    let mut report = Report {
        rulesets: rules.rulesets.clone(),
        findings: Vec::new(),
        undetermined: Vec::new(),
        labels: Vec::new(),
        summary: Vec::new(),
        warnings: rules.warnings.clone(),
        rejected_rows: ds
            .rejected()
            .iter()
            .map(|e| RejectedRow {
                code: e.code(),
                table: e.location.table.as_str(),
                row: e.location.row,
                column: e.location.column,
            })
            .collect(),
        pairings: Vec::new(),
        targets: Vec::new(),
        muko: Vec::new(),
    };
    for (i, rule) in rules.rules.iter().enumerate() {
        engine.run_rule(i, rule, &mut report)?;
    }
    for c in &rules.classifications {
        engine.run_classification(c, &mut report)?;
    }
    for p in &rules.pairings {
        engine.run_pairing(p, &mut report);
    }
    for t in &rules.targets {
        engine.run_target(t, &mut report)?;
    }
    for m in &rules.muko {
        engine.run_muko(m, &mut report);
    }
    // Output order does not depend on row order: rule order, then entity id, then scope.
    let rule_pos = |rs: &str, r: &str| {
        rules
            .rules
            .iter()
            .position(|x| x.id == r && rules.rulesets[x.ruleset].id == rs)
            .unwrap_or(usize::MAX)
    };
    report.findings.sort_by(|a, b| {
        (rule_pos(&a.ruleset, &a.rule), &a.entity.id, &a.scope).cmp(&(
            rule_pos(&b.ruleset, &b.rule),
            &b.entity.id,
            &b.scope,
        ))
    });
    report.undetermined.sort_by(|a, b| {
        (&a.ruleset, &a.rule, &a.entity.id, &a.scope).cmp(&(
            &b.ruleset,
            &b.rule,
            &b.entity.id,
            &b.scope,
        ))
    });
    let target_pos = |rs: &str, t: &str| {
        rules
            .targets
            .iter()
            .position(|x| x.id == t && rules.rulesets[x.ruleset].id == rs)
            .unwrap_or(usize::MAX)
    };
    report.targets.sort_by(|a, b| {
        (target_pos(&a.ruleset, &a.target), &a.entity.id, &a.scope).cmp(&(
            target_pos(&b.ruleset, &b.target),
            &b.entity.id,
            &b.scope,
        ))
    });
    report.labels.sort_by(|a, b| {
        (&a.ruleset, &a.classification, &a.entity.id, &a.scope).cmp(&(
            &b.ruleset,
            &b.classification,
            &b.entity.id,
            &b.scope,
        ))
    });
    Ok(Evaluation {
        aggregates: agg,
        report,
    })
}

/// For each scope, the same scope one academic year earlier.
fn prev_scopes(ds: &Dataset, scopes: &[Scope]) -> Vec<Option<u32>> {
    let procs = ds.procedures();
    scopes
        .iter()
        .map(|s| {
            let found = scopes.iter().position(|t| match (*s, *t) {
                (Scope::Procedure { procedure: a }, Scope::Procedure { procedure: b }) => {
                    let (p, q) = (&procs[a as usize], &procs[b as usize]);
                    p.kind == q.kind
                        && p.subject == q.subject
                        && p.grade == q.grade
                        && q.year == p.year.prev()
                        && p.date.map(|d| d.month()) == q.date.map(|d| d.month())
                }
                (
                    Scope::Internal {
                        subject: a,
                        year: ya,
                        period: pa,
                    },
                    Scope::Internal {
                        subject: b,
                        year: yb,
                        period: pb,
                    },
                ) => a == b && pa == pb && yb == ya.prev(),
                (Scope::Staff { year: a }, Scope::Staff { year: b }) => b == a.prev(),
                _ => false,
            });
            found.map(|i| i as u32)
        })
        .collect()
}

/// One row: an entity, and its scope when the rule has one.
#[derive(Debug, Clone, Copy)]
struct Row {
    entity: u32,
    scope: Option<u32>,
    /// For `profiles` rows: (profile set, profile row).
    profile: Option<(u32, u32)>,
}

/// The profile options a rule's scope asks for.
fn profile_options(filter: &ScopeFilter) -> ProfileOptions {
    ProfileOptions {
        kinds: filter.kinds.clone(),
        periods: filter.periods.clone(),
    }
}

/// The student profiles every `profiles` rule needs, computed once per distinct options.
fn profile_sets(rules: &Rules, ds: &Dataset) -> Vec<(ProfileOptions, Profiles)> {
    let mut out: Vec<(ProfileOptions, Profiles)> = Vec::new();
    let filters = rules
        .rules
        .iter()
        .filter(|r| r.source == RowSource::Profiles)
        .map(|r| &r.filter)
        .chain(
            rules
                .classifications
                .iter()
                .filter(|c| c.source == RowSource::Profiles)
                .map(|c| &c.filter),
        );
    for f in filters {
        let opts = profile_options(f);
        if !out.iter().any(|(o, _)| *o == opts) {
            let p = student_profiles(ds, &rules.scales, &opts);
            out.push((opts, p));
        }
    }
    out
}

struct Cols {
    rows: usize,
    cols: Vec<Option<Column>>,
}

impl Frame for Cols {
    fn rows(&self) -> usize {
        self.rows
    }
    fn column(&self, slot: usize) -> Option<&Column> {
        self.cols.get(slot)?.as_ref()
    }
}

struct Engine<'a> {
    rules: &'a Rules,
    ds: &'a Dataset,
    agg: &'a Aggregates,
    prev: Vec<Option<u32>>,
    /// Per rule index: (findings, undetermined) per entity of its level.
    findings_count: HashMap<usize, (Vec<u32>, Vec<u32>)>,
    /// Student profiles per distinct options of the `profiles` rules.
    profiles: Vec<(ProfileOptions, Profiles)>,
    /// The social indexes of the rules, per school.
    social: Vec<SocialIndex>,
}

fn scope_year(ds: &Dataset, s: &Scope) -> Option<AcademicYear> {
    match *s {
        Scope::Procedure { procedure } => Some(ds.procedures()[procedure as usize].year),
        Scope::Internal { year, .. } | Scope::Staff { year } => Some(year),
        Scope::Outcomes => None,
    }
}

/// Two decimal places; a value that is not zero but would round to zero there (a p-value
/// such as 0.0001) keeps up to 6, so that a message never shows a small value as 0.
fn fmt_decimal(d: Decimal) -> String {
    let dp = if !d.is_zero() && d.abs() < Decimal::new(5, 3) {
        6
    } else {
        2
    };
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

fn unit_of(ty: Type) -> &'static str {
    match ty {
        Type::Number => "number",
        Type::Percent => "percent",
        Type::Points => "points",
        Type::Bool => "bool",
        Type::Str => "text",
        Type::Null => "unknown",
    }
}

impl Engine<'_> {
    fn rows(
        &self,
        level: Level,
        source: RowSource,
        filter: &ScopeFilter,
        years: &[AcademicYear],
    ) -> Vec<Row> {
        if source == RowSource::Entity {
            return (0..self.ds.entity_count(level) as u32)
                .map(|entity| Row {
                    entity,
                    scope: None,
                    profile: None,
                })
                .collect();
        }
        if source == RowSource::Profiles {
            return self.profile_rows(filter, years);
        }
        let scopes = self.agg.scopes();
        let ok: Vec<bool> = scopes
            .iter()
            .map(|s| {
                let in_years =
                    years.is_empty() || scope_year(self.ds, s).is_some_and(|y| years.contains(&y));
                let fits = match (*s, source) {
                    (Scope::Procedure { procedure }, RowSource::Procedures) => {
                        let p = &self.ds.procedures()[procedure as usize];
                        (filter.kinds.is_empty() || filter.kinds.contains(&p.kind))
                            && (filter.subjects.is_empty() || filter.subjects.contains(&p.subject))
                            && (filter.grades.is_empty() || filter.grades.contains(&p.grade))
                    }
                    (
                        Scope::Internal {
                            subject, period, ..
                        },
                        RowSource::Marks,
                    ) => {
                        let name = self.ds.subjects().name(subject);
                        (filter.subjects.is_empty() || filter.subjects.iter().any(|s| s == name))
                            && (filter.periods.is_empty() || filter.periods.contains(&period))
                    }
                    (Scope::Outcomes, RowSource::Outcomes) => true,
                    (Scope::Staff { .. }, RowSource::Staff) => true,
                    _ => false,
                };
                fits && in_years
            })
            .collect();
        let ok: Vec<bool> = if filter.with_previous_year {
            ok.iter()
                .zip(&self.prev)
                .map(|(&o, p)| o && p.is_some())
                .collect()
        } else {
            ok
        };
        self.agg
            .cells(level)
            .iter()
            .filter(|c| ok[c.scope as usize])
            .map(|c| Row {
                entity: c.entity,
                scope: Some(c.scope),
                profile: None,
            })
            .collect()
    }

    /// The profile rows of the student level that pass the filter (subjects, the student's
    /// grade) and the ruleset's years.
    fn profile_rows(&self, filter: &ScopeFilter, years: &[AcademicYear]) -> Vec<Row> {
        let opts = profile_options(filter);
        let Some(set) = self.profiles.iter().position(|(o, _)| *o == opts) else {
            return Vec::new();
        };
        let p = &self.profiles[set].1;
        let subjects: Vec<bool> = self
            .ds
            .subjects()
            .names()
            .map(|n| filter.subjects.is_empty() || filter.subjects.iter().any(|s| s == n))
            .collect();
        let class = self.ds.students().class();
        let classes = self.ds.classes();
        (0..p.len())
            .filter(|&i| {
                let grade = classes[class[p.student[i] as usize] as usize].grade;
                subjects[p.subject[i] as usize]
                    && (filter.grades.is_empty() || filter.grades.contains(&grade))
                    && (years.is_empty() || years.contains(&p.year(i)))
            })
            .map(|i| Row {
                entity: p.student[i],
                scope: None,
                profile: Some((set as u32, i as u32)),
            })
            .collect()
    }

    /// The end of the academic year a row is judged at: its scope's year, else the
    /// ruleset's last year, else the latest year of the data's procedures.
    fn reference_year(&self, row: &Row, ruleset: usize) -> Option<AcademicYear> {
        row.scope
            .and_then(|s| scope_year(self.ds, &self.agg.scopes()[s as usize]))
            .or_else(|| self.rules.rulesets[ruleset].years.iter().max().copied())
            .or_else(|| self.ds.procedures().iter().map(|p| p.year).max())
    }

    /// Teacher attributes: years since the latest training, latest competency score,
    /// category; unknown for rows that are not teachers or have no record.
    fn teacher_column(
        &self,
        a: &Attr,
        level: Level,
        rows: &[Row],
        ruleset: usize,
        missing: Reason,
    ) -> Column {
        let teacher = |r: &Row| (level == Level::Teacher).then_some(r.entity as usize);
        match a {
            Attr::TeacherCategory => Column::strings(
                rows.iter()
                    .map(|r| self.ds.teachers().get(teacher(r)?)?.category.clone())
                    .collect(),
                missing,
            ),
            Attr::TeacherYearsSinceTraining => {
                let mut by_teacher: Vec<Vec<Date>> = vec![Vec::new(); self.ds.teachers().len()];
                for t in self.ds.trainings() {
                    by_teacher[t.teacher as usize].push(t.date);
                }
                Column::numbers(
                    rows.iter()
                        .map(|r| {
                            let end = Date::new(self.reference_year(r, ruleset)?.0 + 1, 8, 31)?;
                            let last = by_teacher[teacher(r)?]
                                .iter()
                                .filter(|d| **d <= end)
                                .max()?;
                            let mut years = i64::from(end.year()) - i64::from(last.year());
                            if (end.month(), end.day()) < (last.month(), last.day()) {
                                years -= 1;
                            }
                            Some(Decimal::from(years))
                        })
                        .collect(),
                    missing,
                )
            }
            _ => {
                let mut by_teacher: Vec<Vec<(Date, Decimal)>> =
                    vec![Vec::new(); self.ds.teachers().len()];
                for t in self.ds.competency_tests() {
                    by_teacher[t.teacher as usize]
                        .push((t.date, t.score * Decimal::ONE_HUNDRED / t.max_score));
                }
                Column::percents(
                    rows.iter()
                        .map(|r| {
                            let end = Date::new(self.reference_year(r, ruleset)?.0 + 1, 8, 31)?;
                            // The latest test; on one date, the best result.
                            by_teacher[teacher(r)?]
                                .iter()
                                .filter(|(d, _)| *d <= end)
                                .max()
                                .map(|(_, p)| *p)
                        })
                        .collect(),
                    missing,
                )
            }
        }
    }

    /// A column of the rows' profiles.
    fn profile_column(&self, f: ProfileField, rows: &[Row], missing: Reason) -> Column {
        let get = |r: &Row| {
            r.profile
                .map(|(set, i)| (&self.profiles[set as usize].1, i as usize))
        };
        let num = |g: &dyn Fn(&Profiles, usize) -> Option<Decimal>| {
            rows.iter()
                .map(|r| get(r).and_then(|(p, i)| g(p, i)))
                .collect::<Vec<_>>()
        };
        let students = self.ds.students();
        match f {
            ProfileField::InternalMarks => Column::numbers(
                num(&|p, i| Some(Decimal::from(p.internal_marks(i)))),
                missing,
            ),
            ProfileField::FailingMarks => {
                Column::numbers(num(&|p, i| p.failing_marks(i).map(Decimal::from)), missing)
            }
            ProfileField::LastInternalMark => Column::numbers(
                num(&|p, i| p.last_internal_mark(i).map(Decimal::from)),
                missing,
            ),
            ProfileField::Trials => {
                Column::numbers(num(&|p, i| Some(Decimal::from(p.trials(i)))), missing)
            }
            ProfileField::TrialsBelowMin => Column::numbers(
                num(&|p, i| p.trials_below_min(i).map(Decimal::from)),
                missing,
            ),
            ProfileField::TrialTrend => Column::points(num(&|p, i| p.trial_trend(i)), missing),
            ProfileField::LastTrialPercent => {
                Column::percents(num(&|p, i| p.last_trial_percent(i)), missing)
            }
            ProfileField::Attendance => Column::percents(
                num(&|p, i| students.attendance()[p.student[i] as usize]),
                missing,
            ),
            ProfileField::Subject => Column::strings(
                rows.iter()
                    .map(|r| get(r).map(|(p, i)| self.ds.subjects().name(p.subject[i]).to_owned()))
                    .collect(),
                missing,
            ),
            ProfileField::Grade => Column::numbers(
                num(&|p, i| {
                    let c = students.class()[p.student[i] as usize];
                    Some(Decimal::from(self.ds.classes()[c as usize].grade))
                }),
                missing,
            ),
        }
    }

    fn input_name(&self, input: &Input, ruleset: usize, values: &[(String, Program)]) -> String {
        match input {
            Input::Indicator {
                at,
                prev_year,
                indicator,
            } => {
                let mut s = String::new();
                if *prev_year {
                    s.push_str("prev_year.");
                }
                if let Some(l) = at {
                    s.push_str(l.as_str());
                    s.push('.');
                }
                s.push_str(indicator.id());
                s
            }
            Input::Param(k) => {
                format!("param.{}", self.rules.rulesets[ruleset].parameters[*k].name)
            }
            Input::Derived(k) => values[*k].0.clone(),
            Input::Profile(f) => f.name().to_owned(),
            Input::Attr(a) => match a {
                Attr::SchoolKind => "school.kind".into(),
                Attr::SchoolSelective => "school.selective".into(),
                Attr::SchoolRural => "school.rural".into(),
                Attr::Context(f) => format!("context.{f}"),
                Attr::ProcedureKind => "procedure.kind".into(),
                Attr::ProcedureSubject => "procedure.subject".into(),
                Attr::ProcedureGrade => "procedure.grade".into(),
                Attr::SocialIndex(_) => "school.social_index".into(),
                Attr::TeacherYearsSinceTraining => "teacher.years_since_training".into(),
                Attr::TeacherCompetencyScore => "teacher.competency_score".into(),
                Attr::TeacherCategory => "teacher.category".into(),
            },
            Input::Findings { rule, undetermined } => {
                let f = if *undetermined {
                    "undetermined"
                } else {
                    "findings"
                };
                format!("{f}(\"{}\")", self.rules.rules[*rule].id)
            }
        }
    }

    /// The indicator value an input reads for a row.
    fn indicator_value(
        &self,
        level: Level,
        row: Row,
        at: Option<Level>,
        prev_year: bool,
        ind: crate::Indicator,
    ) -> Option<IndicatorValue> {
        let target_level = at.unwrap_or(level);
        let entity = self.ds.ancestor(level, row.entity, target_level)?;
        let mut scope = row.scope?;
        if prev_year {
            scope = self.prev[scope as usize]?;
        }
        self.agg.value(target_level, entity, scope, ind)
    }

    fn school_of(&self, level: Level, e: u32) -> Option<u32> {
        self.ds.ancestor(level, e, Level::School)
    }

    fn build_column(
        &self,
        input: &Input,
        name: &str,
        level: Level,
        rows: &[Row],
        ruleset: usize,
        allow_limited: bool,
    ) -> Column {
        let missing = || Reason::Missing {
            name: name.to_owned(),
        };
        match input {
            Input::Indicator {
                at,
                prev_year,
                indicator,
            } => {
                let ty = super::catalogue::indicator_type(*indicator);
                let mut limited = Vec::new();
                let values: Vec<Option<Decimal>> = rows
                    .iter()
                    .enumerate()
                    .map(|(i, &r)| {
                        let v = self.indicator_value(level, r, *at, *prev_year, *indicator)?;
                        if v.limited && !allow_limited && v.value.is_some() {
                            limited.push((i, v.n));
                        }
                        v.value
                    })
                    .collect();
                let mut col = match ty {
                    Type::Percent => Column::percents(values, missing()),
                    Type::Points => Column::points(values, missing()),
                    _ => Column::numbers(values, missing()),
                };
                for (i, n) in limited {
                    col.set_unknown(
                        i,
                        Reason::LimitedSample {
                            name: name.to_owned(),
                            size: n,
                        },
                    );
                }
                col
            }
            Input::Param(k) => {
                let n = rows.len();
                match &self.rules.rulesets[ruleset].parameters[*k].value {
                    ParamConst::Number(d) => Column::numbers(vec![Some(*d); n], missing()),
                    ParamConst::Percent(d) => Column::percents(vec![Some(*d); n], missing()),
                    ParamConst::Points(d) => Column::points(vec![Some(*d); n], missing()),
                    ParamConst::Bool(b) => Column::bools(vec![Some(*b); n], missing()),
                    ParamConst::Str(s) => Column::strings(vec![Some(s.clone()); n], missing()),
                }
            }
            Input::Derived(_) => Column::unknown(rows.len(), missing()),
            Input::Profile(f) => self.profile_column(*f, rows, missing()),
            Input::Attr(a) => {
                let school = |r: &Row| {
                    self.school_of(level, r.entity)
                        .map(|s| &self.ds.schools()[s as usize])
                };
                let procedure = |r: &Row| match r.scope.map(|s| self.agg.scopes()[s as usize]) {
                    Some(Scope::Procedure { procedure }) => {
                        Some(&self.ds.procedures()[procedure as usize])
                    }
                    _ => None,
                };
                match a {
                    Attr::SchoolKind => Column::strings(
                        rows.iter()
                            .map(|r| school(r).map(|s| s.kind.as_str().to_owned()))
                            .collect(),
                        missing(),
                    ),
                    Attr::SchoolSelective => Column::bools(
                        rows.iter()
                            .map(|r| school(r).map(|s| s.kind.is_selective()))
                            .collect(),
                        missing(),
                    ),
                    Attr::SchoolRural => Column::bools(
                        rows.iter()
                            .map(|r| school(r).and_then(|s| s.rural))
                            .collect(),
                        missing(),
                    ),
                    Attr::Context(f) => {
                        let k = self.ds.context_fields().iter().position(|x| x == f);
                        Column::percents(
                            rows.iter()
                                .map(|r| k.and_then(|k| school(r).and_then(|s| s.context[k])))
                                .collect(),
                            missing(),
                        )
                    }
                    Attr::ProcedureKind => Column::strings(
                        rows.iter()
                            .map(|r| procedure(r).map(|p| p.kind.as_str().to_owned()))
                            .collect(),
                        missing(),
                    ),
                    Attr::ProcedureSubject => Column::strings(
                        rows.iter()
                            .map(|r| procedure(r).map(|p| p.subject.clone()))
                            .collect(),
                        missing(),
                    ),
                    Attr::ProcedureGrade => Column::numbers(
                        rows.iter()
                            .map(|r| procedure(r).map(|p| Decimal::from(p.grade)))
                            .collect(),
                        missing(),
                    ),
                    Attr::TeacherYearsSinceTraining
                    | Attr::TeacherCompetencyScore
                    | Attr::TeacherCategory => {
                        self.teacher_column(a, level, rows, ruleset, missing())
                    }
                    Attr::SocialIndex(k) => Column::numbers(
                        rows.iter()
                            .map(|r| {
                                let s = self.school_of(level, r.entity)?;
                                self.social[*k].values[s as usize]
                            })
                            .collect(),
                        missing(),
                    ),
                }
            }
            Input::Findings { rule, undetermined } => {
                let counts = self.findings_count.get(rule);
                Column::numbers(
                    rows.iter()
                        .map(|r| {
                            counts.map(|(f, u)| {
                                Decimal::from(if *undetermined {
                                    u[r.entity as usize]
                                } else {
                                    f[r.entity as usize]
                                })
                            })
                        })
                        .collect(),
                    missing(),
                )
            }
        }
    }

    /// Builds the frame: inputs, then derived values into their slots.
    #[allow(clippy::too_many_arguments)]
    fn frame(
        &self,
        inputs: &[Input],
        values: &[(String, Program)],
        level: Level,
        rows: &[Row],
        ruleset: usize,
        allow_limited: bool,
    ) -> Result<(Cols, Vec<String>), EngineError> {
        let names: Vec<String> = inputs
            .iter()
            .map(|i| self.input_name(i, ruleset, values))
            .collect();
        let mut frame = Cols {
            rows: rows.len(),
            cols: Vec::with_capacity(inputs.len()),
        };
        for (input, name) in inputs.iter().zip(&names) {
            frame.cols.push(Some(self.build_column(
                input,
                name,
                level,
                rows,
                ruleset,
                allow_limited,
            )));
        }
        for (slot, input) in inputs.iter().enumerate() {
            if let Input::Derived(k) = input {
                let col = eval(&values[*k].1, &frame).map_err(|e| EngineError(e.to_string()))?;
                frame.cols[slot] = Some(col);
            }
        }
        Ok((frame, names))
    }

    fn evidence(
        &self,
        inputs: &[Input],
        names: &[String],
        frame: &Cols,
        level: Level,
        row_i: usize,
        row: Row,
    ) -> Vec<Evidence> {
        inputs
            .iter()
            .zip(names)
            .enumerate()
            .map(|(slot, (input, name))| {
                let col = frame.cols[slot].as_ref().expect("every slot is filled");
                let (value, reason) = match col.get(row_i) {
                    Some(Datum::Known(Value::Decimal(d))) => (EvidenceValue::Decimal(d), None),
                    Some(Datum::Known(Value::Bool(b))) => (EvidenceValue::Bool(b), None),
                    Some(Datum::Known(Value::Str(s))) => (EvidenceValue::Text(s.to_owned()), None),
                    Some(Datum::Unknown(r)) => (EvidenceValue::Unknown, Some(r.to_string())),
                    None => (EvidenceValue::Unknown, None),
                };
                let (role, n, limited, value) = match input {
                    Input::Indicator {
                        at,
                        prev_year,
                        indicator,
                    } => {
                        let v = self.indicator_value(level, row, *at, *prev_year, *indicator);
                        let role = if at.is_some() || *prev_year {
                            EvidenceRole::Reference
                        } else {
                            EvidenceRole::Indicator
                        };
                        // A limited-sample value is unknown to the condition but shown here.
                        let shown = match (&value, v.and_then(|v| v.value)) {
                            (EvidenceValue::Unknown, Some(d)) => EvidenceValue::Decimal(d),
                            _ => value,
                        };
                        (role, v.map(|v| v.n), v.is_some_and(|v| v.limited), shown)
                    }
                    Input::Param(_) => (EvidenceRole::Parameter, None, false, value),
                    Input::Derived(_) => (EvidenceRole::Derived, None, false, value),
                    // The index is computed across schools: n says across how many.
                    Input::Attr(Attr::SocialIndex(k)) => {
                        let n = self
                            .school_of(level, row.entity)
                            .map(|s| u64::from(self.social[*k].group_size[s as usize]));
                        (EvidenceRole::Attribute, n, false, value)
                    }
                    Input::Attr(_) => (EvidenceRole::Attribute, None, false, value),
                    Input::Profile(_) => (EvidenceRole::Indicator, None, false, value),
                    Input::Findings { .. } => (EvidenceRole::Findings, None, false, value),
                };
                Evidence {
                    name: name.clone(),
                    role,
                    value,
                    unit: unit_of(col.ty()),
                    n,
                    limited,
                    unknown_reason: reason,
                }
            })
            .collect()
    }

    fn entity(&self, level: Level, e: u32) -> EntityRef {
        let school = self.ds.ancestor(level, e, Level::School);
        let municipality = self.ds.ancestor(level, e, Level::Municipality);
        EntityRef {
            level,
            id: self.ds.entity_id(level, e),
            name: self.ds.entity_name(level, e),
            school: school
                .filter(|_| level != Level::School)
                .map(|s| self.ds.schools()[s as usize].id.clone()),
            municipality: municipality
                .filter(|_| level != Level::Municipality)
                .map(|m| self.ds.municipalities()[m as usize].id.clone()),
        }
    }

    fn scope_label(&self, row: Row) -> Option<String> {
        if let Some((set, i)) = row.profile {
            let p = &self.profiles[set as usize].1;
            let i = i as usize;
            return Some(format!(
                "{} {}",
                self.ds.subjects().name(p.subject[i]),
                p.year(i)
            ));
        }
        row.scope
            .map(|s| self.agg.scopes()[s as usize].label(self.ds))
    }

    fn run_rule(
        &mut self,
        index: usize,
        rule: &Rule,
        report: &mut Report,
    ) -> Result<(), EngineError> {
        let rs = &self.rules.rulesets[rule.ruleset];
        let rows = self.rows(rule.level, rule.source, &rule.filter, &rs.years);
        let (frame, names) = self.frame(
            &rule.inputs,
            &rule.values,
            rule.level,
            &rows,
            rule.ruleset,
            rule.allow_limited,
        )?;
        let out = eval(&rule.when, &frame).map_err(|e| EngineError(e.to_string()))?;
        let n_entities = self.ds.entity_count(rule.level);
        let (mut found, mut unknown) = (vec![0u32; n_entities], vec![0u32; n_entities]);
        let (mut n_true, mut n_unknown) = (0u64, 0u64);
        for (i, &row) in rows.iter().enumerate() {
            match out.get(i) {
                Some(Datum::Known(Value::Bool(true))) => {
                    n_true += 1;
                    found[row.entity as usize] += 1;
                    let evidence = self.evidence(&rule.inputs, &names, &frame, rule.level, i, row);
                    let entity = self.entity(rule.level, row.entity);
                    let scope = self.scope_label(row);
                    let message = fill(&rule.message, &evidence, &entity, scope.as_deref());
                    report.findings.push(Finding {
                        ruleset: rs.id.clone(),
                        version: rs.version.clone(),
                        rule: rule.id.clone(),
                        title: rule.title.clone(),
                        entity,
                        scope,
                        severity: rule.severity,
                        category: rule.category.clone(),
                        outcome: true,
                        condition: rule.when.source().to_owned(),
                        evidence,
                        message,
                    });
                }
                Some(Datum::Unknown(reason)) => {
                    n_unknown += 1;
                    unknown[row.entity as usize] += 1;
                    report.undetermined.push(Undetermined {
                        ruleset: rs.id.clone(),
                        rule: rule.id.clone(),
                        entity: self.entity(rule.level, row.entity),
                        scope: self.scope_label(row),
                        reason_code: reason.code(),
                        reason: reason.to_string(),
                        evidence: self.evidence(&rule.inputs, &names, &frame, rule.level, i, row),
                    });
                }
                _ => {}
            }
        }
        self.findings_count.insert(index, (found, unknown));
        report.summary.push(RuleSummary {
            ruleset: rs.id.clone(),
            rule: rule.id.clone(),
            level: rule.level,
            rows: rows.len() as u64,
            findings: n_true,
            undetermined: n_unknown,
        });
        Ok(())
    }

    fn run_classification(
        &mut self,
        c: &Classification,
        report: &mut Report,
    ) -> Result<(), EngineError> {
        let rs = &self.rules.rulesets[c.ruleset];
        let rows = self.rows(c.level, c.source, &c.filter, &rs.years);
        let (frame, names) = self.frame(&c.inputs, &c.values, c.level, &rows, c.ruleset, false)?;
        let value = match &c.value {
            Some(p) => Some(eval(p, &frame).map_err(|e| EngineError(e.to_string()))?),
            None => None,
        };
        // Each band's truth per row: Some(true/false) or None (unknown, with its reason).
        let mut tests: Vec<Column> = Vec::with_capacity(c.bands.len());
        for b in &c.bands {
            let col = match &b.test {
                BandTest::When(p) => eval(p, &frame).map_err(|e| EngineError(e.to_string()))?,
                BandTest::Range(from, to) => {
                    let v = value
                        .as_ref()
                        .ok_or_else(|| EngineError("range band without value".into()))?;
                    let mut col = Column::bools(
                        (0..rows.len())
                            .map(|i| {
                                v.decimal(i).map(|d| {
                                    from.is_none_or(|f| d >= f) && to.is_none_or(|t| d < t)
                                })
                            })
                            .collect(),
                        Reason::Null,
                    );
                    for i in 0..rows.len() {
                        if let Some(r) = v.reason(i) {
                            col.set_unknown(i, r.clone());
                        }
                    }
                    col
                }
            };
            tests.push(col);
        }
        let (mut n_labels, mut n_unknown) = (0u64, 0u64);
        for (i, &row) in rows.iter().enumerate() {
            let truth: Vec<Option<bool>> = tests.iter().map(|t| t.bool(i)).collect();
            let first_unknown = || tests.iter().find_map(|t| t.reason(i).cloned());
            let decided: Result<Vec<usize>, Reason> = match c.hit_policy {
                HitPolicy::First => {
                    let mut res = Ok(Vec::new());
                    for (k, t) in truth.iter().enumerate() {
                        match t {
                            Some(true) => {
                                res = Ok(vec![k]);
                                break;
                            }
                            None => {
                                res = Err(tests[k].reason(i).cloned().unwrap_or(Reason::Null));
                                break;
                            }
                            Some(false) => {}
                        }
                    }
                    res
                }
                HitPolicy::Priority => {
                    let best = truth
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| **t == Some(true))
                        .max_by_key(|(k, _)| (c.bands[*k].priority, std::cmp::Reverse(*k)))
                        .map(|(k, _)| k);
                    let best_p = best.map(|k| c.bands[k].priority);
                    let blocking = truth.iter().enumerate().find(|(k, t)| {
                        t.is_none() && best_p.is_none_or(|p| c.bands[*k].priority > p)
                    });
                    match blocking {
                        Some((k, _)) => Err(tests[k].reason(i).cloned().unwrap_or(Reason::Null)),
                        None => Ok(best.into_iter().collect()),
                    }
                }
                HitPolicy::Collect => Ok(truth
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| **t == Some(true))
                    .map(|(k, _)| k)
                    .collect()),
                HitPolicy::Unique => {
                    let hits: Vec<usize> = truth
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| **t == Some(true))
                        .map(|(k, _)| k)
                        .collect();
                    if hits.len() > 1 {
                        let labels: Vec<&str> =
                            hits.iter().map(|&k| c.bands[k].label.as_str()).collect();
                        Err(Reason::Other(format!(
                            "hit policy `unique` violated: bands {} are all true",
                            labels.join(", ")
                        )))
                    } else if hits.is_empty() && truth.iter().any(Option::is_none) {
                        Err(first_unknown().unwrap_or(Reason::Null))
                    } else {
                        Ok(hits)
                    }
                }
            };
            match decided {
                Ok(hits) => {
                    let evidence = || self.evidence(&c.inputs, &names, &frame, c.level, i, row);
                    if hits.is_empty() {
                        if let Some(label) = &c.otherwise {
                            report.labels.push(Label {
                                ruleset: rs.id.clone(),
                                classification: c.id.clone(),
                                entity: self.entity(c.level, row.entity),
                                scope: self.scope_label(row),
                                label: label.clone(),
                                title: c.title.clone(),
                                advice: None,
                                bands: Vec::new(),
                                evidence: evidence(),
                            });
                            n_labels += 1;
                        }
                        continue;
                    }
                    // Under `collect` every hit is a label; otherwise the one decided.
                    for &k in &hits {
                        let b = &c.bands[k];
                        report.labels.push(Label {
                            ruleset: rs.id.clone(),
                            classification: c.id.clone(),
                            entity: self.entity(c.level, row.entity),
                            scope: self.scope_label(row),
                            label: b.label.clone(),
                            title: b.title.clone(),
                            advice: b.advice.clone(),
                            bands: vec![b.label.clone()],
                            evidence: evidence(),
                        });
                        n_labels += 1;
                    }
                }
                Err(reason) => {
                    n_unknown += 1;
                    report.undetermined.push(Undetermined {
                        ruleset: rs.id.clone(),
                        rule: c.id.clone(),
                        entity: self.entity(c.level, row.entity),
                        scope: self.scope_label(row),
                        reason_code: reason.code(),
                        reason: reason.to_string(),
                        evidence: self.evidence(&c.inputs, &names, &frame, c.level, i, row),
                    });
                }
            }
        }
        report.summary.push(RuleSummary {
            ruleset: rs.id.clone(),
            rule: c.id.clone(),
            level: c.level,
            rows: rows.len() as u64,
            findings: n_labels,
            undetermined: n_unknown,
        });
        Ok(())
    }
}

impl Engine<'_> {
    /// Scores every school's МУКО evidence; a school without evidence is undetermined.
    fn run_muko(&self, m: &MukoRule, report: &mut Report) {
        use crate::muko::{ComponentState, MukoResult, muko_scores};
        let rs = &self.rules.rulesets[m.ruleset];
        let spec = &m.spec;
        let level = |r: &MukoResult| {
            r.level.map(|k| {
                let l = &spec.levels[k];
                (
                    l.label.clone(),
                    Text {
                        ru: l.title_ru.clone(),
                        en: l.title_en.clone(),
                    },
                )
            })
        };
        let mut scores = muko_scores(self.ds, spec);
        scores.sort_by(|a, b| {
            self.ds.schools()[a.school as usize]
                .id
                .cmp(&self.ds.schools()[b.school as usize].id)
        });
        let (mut scored, mut unknown) = (0u64, 0u64);
        for s in scores {
            let school = self.entity(Level::School, s.school);
            let (Some(directions), Some(overall)) = (s.directions, s.overall) else {
                unknown += 1;
                report.undetermined.push(Undetermined {
                    ruleset: rs.id.clone(),
                    rule: "muko".to_owned(),
                    entity: school,
                    scope: None,
                    reason_code: "unknown.missing",
                    reason: "missing value for muko_evidence: the school gave no self-evaluation"
                        .to_owned(),
                    evidence: Vec::new(),
                });
                continue;
            };
            scored += 1;
            for (d, r) in directions.iter().enumerate() {
                let dir = &spec.directions[d];
                let (label, title) = level(r).unzip();
                report.muko.push(MukoScore {
                    ruleset: rs.id.clone(),
                    school: school.clone(),
                    direction: Some(dir.id.clone()),
                    title: Text {
                        ru: dir.title_ru.clone(),
                        en: dir.title_en.clone(),
                    },
                    score: r.score,
                    max: r.max,
                    percent: r.percent,
                    level: label,
                    level_title: title,
                    gaps: r
                        .gaps
                        .iter()
                        .map(|g| {
                            let c = &spec.components[g.component];
                            MukoGap {
                                component: c.id.clone(),
                                title: Text {
                                    ru: c.title_ru.clone(),
                                    en: c.title_en.clone(),
                                },
                                status: match g.state {
                                    ComponentState::Given(st) => st.as_str(),
                                    ComponentState::Missing => "missing",
                                },
                                link: g.link.clone(),
                            }
                        })
                        .collect(),
                    ignored_rows: None,
                });
            }
            let (label, title) = level(&overall).unzip();
            report.muko.push(MukoScore {
                ruleset: rs.id.clone(),
                school,
                direction: None,
                title: m.title.clone(),
                score: overall.score,
                max: overall.max,
                percent: overall.percent,
                level: label,
                level_title: title,
                gaps: Vec::new(),
                ignored_rows: Some(s.ignored_rows),
            });
        }
        report.summary.push(RuleSummary {
            ruleset: rs.id.clone(),
            rule: "muko".to_owned(),
            level: Level::School,
            rows: scored + unknown,
            findings: scored,
            undetermined: unknown,
        });
    }

    /// Evaluates a plan target for every row of its level and scope.
    fn run_target(&self, t: &TargetRule, report: &mut Report) -> Result<(), EngineError> {
        let rs = &self.rules.rulesets[t.ruleset];
        let years: Vec<AcademicYear> = match t.period {
            Some(y) => vec![y],
            None => rs.years.clone(),
        };
        let rows = self.rows(t.level, t.source, &t.filter, &years);
        let (frame, names) =
            self.frame(&t.inputs, &[], t.level, &rows, t.ruleset, t.allow_limited)?;
        let run = |p: &Program| eval(p, &frame).map_err(|e| EngineError(e.to_string()));
        let (measure, target, met) = (run(&t.measure)?, run(&t.target)?, run(&t.met)?);
        let datum = |c: &Column, i: usize| match c.get(i) {
            Some(Datum::Known(Value::Decimal(d))) => EvidenceValue::Decimal(d),
            Some(Datum::Known(Value::Bool(b))) => EvidenceValue::Bool(b),
            Some(Datum::Known(Value::Str(s))) => EvidenceValue::Text(s.to_owned()),
            _ => EvidenceValue::Unknown,
        };
        let (mut n_met, mut n_unknown) = (0u64, 0u64);
        for (i, &row) in rows.iter().enumerate() {
            let (status, reason) = match met.get(i) {
                Some(Datum::Known(Value::Bool(true))) => (TargetStatus::Met, None),
                Some(Datum::Known(Value::Bool(false))) => (TargetStatus::NotMet, None),
                Some(Datum::Unknown(r)) => (TargetStatus::Unknown, Some(r.to_string())),
                _ => (TargetStatus::Unknown, None),
            };
            n_met += u64::from(status == TargetStatus::Met);
            n_unknown += u64::from(status == TargetStatus::Unknown);
            let evidence = self.evidence(&t.inputs, &names, &frame, t.level, i, row);
            // The measured value's n, when the indicator is a single indicator.
            let n = evidence
                .iter()
                .find(|e| e.name == t.measure.source().trim())
                .and_then(|e| e.n);
            let value = match datum(&measure, i) {
                EvidenceValue::Unknown => evidence
                    .iter()
                    .find(|e| e.name == t.measure.source().trim())
                    .map_or(EvidenceValue::Unknown, |e| e.value.clone()),
                v => v,
            };
            report.targets.push(TargetResult {
                ruleset: rs.id.clone(),
                target: t.id.clone(),
                title: t.title.clone(),
                plan_item: t.plan_item.clone(),
                entity: self.entity(t.level, row.entity),
                scope: self.scope_label(row),
                indicator: t.measure.source().to_owned(),
                comparison: t.comparison.clone(),
                target_value: t.target.source().to_owned(),
                target_resolved: datum(&target, i),
                period: t.period.map(|y| y.to_string()),
                responsible: t.responsible.clone(),
                status,
                value,
                n,
                reason,
                evidence,
            });
        }
        report.summary.push(RuleSummary {
            ruleset: rs.id.clone(),
            rule: t.id.clone(),
            level: t.level,
            rows: rows.len() as u64,
            findings: n_met,
            undetermined: n_unknown,
        });
        Ok(())
    }

    /// Proposes partners: weak and strong schools from the labels of their classifications.
    fn run_pairing(&self, p: &PairingRule, report: &mut Report) {
        let rs = &self.rules.rulesets[p.ruleset];
        let idx = &self.social[p.social_index];
        let pick = |(c, labels): &(usize, Vec<String>)| -> Vec<(PairCandidate, String, Text)> {
            let cl = &self.rules.classifications[*c];
            let cl_rs = &self.rules.rulesets[cl.ruleset].id;
            let mut out: Vec<(PairCandidate, String, Text)> = Vec::new();
            for l in &report.labels {
                if l.ruleset != *cl_rs || l.classification != cl.id || !labels.contains(&l.label) {
                    continue;
                }
                let Some(s) = self.ds.school_index(&l.entity.id) else {
                    continue;
                };
                if out.iter().any(|(c, _, _)| c.school == s) {
                    continue;
                }
                out.push((
                    PairCandidate {
                        school: s,
                        id: l.entity.id.clone(),
                        municipality: self.ds.schools()[s as usize].municipality,
                        index: idx.values[s as usize],
                    },
                    l.label.clone(),
                    l.title.clone(),
                ));
            }
            out
        };
        let weak = pick(&p.weak);
        let strong = pick(&p.strong);
        let opts = PairingOptions {
            k: p.k,
            same_municipality_first: p.same_municipality_first,
            max_distance: p.max_distance,
        };
        let w: Vec<PairCandidate> = weak.iter().map(|x| x.0.clone()).collect();
        let s: Vec<PairCandidate> = strong.iter().map(|x| x.0.clone()).collect();
        let (pairs, unpaired) = pair_schools(&w, &s, &opts);
        let label_of = |list: &[(PairCandidate, String, Text)], school: u32| {
            list.iter()
                .find(|x| x.0.school == school)
                .map(|x| (x.1.clone(), x.2.clone()))
                .unwrap_or_default()
        };
        for m in &pairs {
            let (wl, _) = label_of(&weak, m.school);
            let (sl, st) = label_of(&strong, m.partner);
            let a = idx.values[m.school as usize].unwrap_or_default();
            let b = idx.values[m.partner as usize].unwrap_or_default();
            let muni = &self.ds.municipalities()
                [self.ds.schools()[m.partner as usize].municipality as usize];
            let (where_ru, where_en) = if m.same_municipality {
                (
                    format!("тот же муниципалитет ({})", muni.name),
                    format!("same municipality ({})", muni.name),
                )
            } else {
                (
                    format!("другой муниципалитет ({})", muni.name),
                    format!("another municipality ({})", muni.name),
                )
            };
            let (fa, fb, fd) = (fmt_decimal(a), fmt_decimal(b), fmt_decimal(m.distance));
            report.pairings.push(Pairing {
                ruleset: rs.id.clone(),
                pairing: p.id.clone(),
                title: p.title.clone(),
                school: self.entity(Level::School, m.school),
                partner: self.entity(Level::School, m.partner),
                rank: m.rank,
                same_municipality: m.same_municipality,
                social_index: a,
                partner_social_index: b,
                distance: m.distance,
                labels: (wl, sl),
                reason: Text {
                    ru: format!(
                        "{}; {where_ru}; близкий социальный контекст: индекс {fb} при {fa} у школы (разница {fd})",
                        st.ru
                    ),
                    en: format!(
                        "{}; {where_en}; near social context: index {fb} against the school's {fa} (difference {fd})",
                        st.en
                    ),
                },
            });
        }
        for (school, why) in unpaired {
            let (code, reason) = match why {
                Unpaired::UnknownIndex => (
                    "unknown.missing",
                    "missing value for school.social_index".to_owned(),
                ),
                Unpaired::NoCandidate => (
                    "unknown.other",
                    "no school with a strong label within the distance limit".to_owned(),
                ),
            };
            report.undetermined.push(Undetermined {
                ruleset: rs.id.clone(),
                rule: p.id.clone(),
                entity: self.entity(Level::School, school),
                scope: None,
                reason_code: code,
                reason,
                evidence: Vec::new(),
            });
        }
        report.summary.push(RuleSummary {
            ruleset: rs.id.clone(),
            rule: p.id.clone(),
            level: Level::School,
            rows: weak.len() as u64,
            findings: pairs.len() as u64,
            undetermined: (weak.len()
                - pairs
                    .iter()
                    .map(|m| m.school)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()) as u64,
        });
    }
}

/// Fills `{name}` placeholders from the evidence; decimals rounded to 2 places (6 for
/// values below 0.005 but not zero; half away from zero) with their unit.
fn fill(
    template: &super::raw::Text,
    evidence: &[Evidence],
    entity: &EntityRef,
    scope: Option<&str>,
) -> super::raw::Text {
    let one = |t: &str, ru: bool| {
        let mut out = t.to_owned();
        for ph in placeholders(t) {
            let text = match ph {
                "entity" => entity.name.clone(),
                "scope" => scope.unwrap_or("").to_owned(),
                _ => match evidence
                    .iter()
                    .find(|e| e.name == ph || e.name == format!("param.{ph}"))
                {
                    Some(e) => match &e.value {
                        EvidenceValue::Decimal(d) => {
                            let unit = match (e.unit, ru) {
                                ("percent", _) => "%",
                                ("points", true) => " п.п.",
                                ("points", false) => " pp",
                                _ => "",
                            };
                            format!("{}{unit}", fmt_decimal(*d))
                        }
                        EvidenceValue::Bool(b) => (if ru {
                            if *b { "да" } else { "нет" }
                        } else if *b {
                            "yes"
                        } else {
                            "no"
                        })
                        .to_owned(),
                        EvidenceValue::Text(s) => s.clone(),
                        EvidenceValue::Unknown => "—".to_owned(),
                    },
                    None => "—".to_owned(),
                },
            };
            out = out.replacen(&format!("{{{ph}}}"), &text, 1);
        }
        out
    };
    super::raw::Text {
        ru: one(&template.ru, true),
        en: one(&template.en, false),
    }
}
