//! Evaluation: every rule over all rows of its level at once.
//!
//! For each rule the engine selects its rows (cells of one level whose scope passes the
//! filter, or entities), materialises only the input columns its programs read, runs the
//! derived values and the condition as column programs, and turns true rows into findings
//! and unknown rows into undetermined outcomes, each with the values that explain it.

use super::compile::placeholders;
use super::ir::*;
use super::output::*;
use crate::aggregate::{AggregateOptions, Aggregates, Level, Scope, aggregate};
use crate::dataset::Dataset;
use crate::expr::{Column, Datum, Frame, Program, Reason, Type, Value, eval};
use crate::indicators::IndicatorValue;
use crate::procedure::AcademicYear;
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
        },
    );
    let mut engine = Engine {
        rules,
        ds,
        agg: &agg,
        prev: prev_scopes(ds, agg.scopes()),
        findings_count: HashMap::new(),
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
    };
    for (i, rule) in rules.rules.iter().enumerate() {
        engine.run_rule(i, rule, &mut report)?;
    }
    for c in &rules.classifications {
        engine.run_classification(c, &mut report)?;
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
}

fn scope_year(ds: &Dataset, s: &Scope) -> Option<AcademicYear> {
    match *s {
        Scope::Procedure { procedure } => Some(ds.procedures()[procedure as usize].year),
        Scope::Internal { year, .. } | Scope::Staff { year } => Some(year),
        Scope::Outcomes => None,
    }
}

fn fmt_decimal(d: Decimal) -> String {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
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
                })
                .collect();
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
        self.agg
            .cells(level)
            .iter()
            .filter(|c| ok[c.scope as usize])
            .map(|c| Row {
                entity: c.entity,
                scope: Some(c.scope),
            })
            .collect()
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
            Input::Attr(a) => match a {
                Attr::SchoolKind => "school.kind".into(),
                Attr::SchoolSelective => "school.selective".into(),
                Attr::SchoolRural => "school.rural".into(),
                Attr::Context(f) => format!("context.{f}"),
                Attr::ProcedureKind => "procedure.kind".into(),
                Attr::ProcedureSubject => "procedure.subject".into(),
                Attr::ProcedureGrade => "procedure.grade".into(),
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
                    Input::Attr(_) => (EvidenceRole::Attribute, None, false, value),
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

/// Fills `{name}` placeholders from the evidence; decimals rounded to 2 places (half away
/// from zero) with their unit.
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
