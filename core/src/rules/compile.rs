//! From raw rule files to [`Rules`]: every problem is reported at once, each with its code
//! and location, and nothing half-checked is ever evaluated.

use super::catalogue::{KnownRule, RuleCatalogue};
use super::error::{Locator, RuleDiagnostic, RuleErrors};
use super::ir::*;
use super::lint::lint_ranges;
use super::raw::{ParamValue, RawClassification, RawParam, RawRule, RawRuleset, RawScope};
use super::source::{Format, KeyPath, RuleSource};
use crate::aggregate::Level;
use crate::expr::{self, Catalogue, Program, Type};
use crate::mark::Mark;
use crate::procedure::{AcademicYear, Period, ProcedureKind};
use crate::scale::{Band as ScaleBand, GroupCondition, Scale, ScaleSet};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::str::FromStr;

/// Limits for untrusted rule files, on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleLimits {
    /// Largest file, in bytes.
    pub max_file_bytes: usize,
    /// Most rules plus classifications in one file.
    pub max_rules: usize,
    /// Most bands in one classification and derived values in one rule.
    pub max_items: usize,
    /// Limits of each expression.
    pub expr: expr::Limits,
    /// Longest message template of a rule (each language), in bytes (`limit.message`).
    pub max_message_bytes: usize,
    /// Most `{placeholders}` in one message template (`limit.message`): each finding fills
    /// every one of them, so this bounds the work per finding.
    pub max_placeholders: usize,
}

impl Default for RuleLimits {
    fn default() -> Self {
        RuleLimits {
            max_file_bytes: 1 << 20,
            max_rules: 1000,
            max_items: 100,
            expr: expr::Limits::default(),
            max_message_bytes: 8 * 1024,
            max_placeholders: 64,
        }
    }
}

/// The codes of rule-file problems found outside expressions.
pub mod codes {
    /// The file is not valid TOML or JSON.
    pub const SYNTAX: &str = "rule.syntax";
    /// A field is unknown, missing or of the wrong type.
    pub const SCHEMA: &str = "rule.schema";
    /// `schema_version` is not supported.
    pub const SCHEMA_VERSION: &str = "rule.schema_version";
    /// Two rulesets, rules, classifications or bands share an id.
    pub const DUPLICATE_ID: &str = "rule.duplicate_id";
    /// A value is not one of the allowed words (level, severity, kind, hit policy, ...).
    pub const INVALID_VALUE: &str = "rule.invalid_value";
    /// A `{placeholder}` in a message names nothing readable.
    pub const UNKNOWN_PLACEHOLDER: &str = "rule.unknown_placeholder";
    /// A band has neither or both of `when` and `range`, or `range` without `value`.
    pub const BAND_TEST: &str = "rule.band_test";
    /// The file is larger than allowed.
    pub const FILE_SIZE: &str = "limit.file_size";
    /// The file has more rules than allowed.
    pub const RULES: &str = "limit.rules";
    /// A rule has more items than allowed.
    pub const ITEMS: &str = "limit.items";
    /// Two rulesets set an `[objectivity]` option to different values.
    pub const OPTION_CONFLICT: &str = "rule.option_conflict";
    /// A message template is longer, or has more placeholders, than allowed.
    pub const MESSAGE: &str = "limit.message";
}

/// The `[objectivity]` keys set so far, with the ruleset that set each.
#[derive(Default)]
struct ObjectivityKeys {
    internal_mark: Option<(crate::objectivity::InternalMark, String)>,
    heaping_width: Option<(u8, String)>,
    /// Rulesets (indices) that have a section.
    with_section: Vec<usize>,
}

struct Ctx<'a> {
    loc: Locator<'a>,
    diags: &'a mut Vec<RuleDiagnostic>,
    /// The social index `school.social_index` reads (index into `Rules::social_indexes`).
    social_index: Option<usize>,
}

impl Ctx<'_> {
    fn err(&mut self, code: &'static str, msg: impl Into<String>, path: &KeyPath) {
        let d = self.loc.error(code, msg, path);
        self.diags.push(d);
    }

    /// Compiles one expression against a catalogue, reporting its errors at `path`.
    fn expr(
        &mut self,
        src: &str,
        cat: &dyn Catalogue,
        limits: &expr::Limits,
        path: &KeyPath,
    ) -> Option<Program> {
        match expr::compile_str(src, limits, cat) {
            Ok(p) => Some(p),
            Err(errors) => {
                for e in errors {
                    let d = self.loc.expr_error(
                        e.code,
                        e.message.clone(),
                        path,
                        src,
                        e.span.start,
                        e.span.end,
                    );
                    self.diags.push(d);
                }
                None
            }
        }
    }
}

fn parse_param(v: &ParamValue) -> Option<ParamConst> {
    Some(match v {
        ParamValue::Bool(b) => ParamConst::Bool(*b),
        ParamValue::Int(i) => ParamConst::Number(Decimal::from(*i)),
        ParamValue::Float(f) => ParamConst::Number(Decimal::from_str(&f.to_string()).ok()?),
        ParamValue::Text(t) => {
            let t = t.trim();
            if let Some(p) = t.strip_suffix('%') {
                ParamConst::Percent(Decimal::from_str(p.trim()).ok()?)
            } else if let Some(p) = t.strip_suffix("pp") {
                ParamConst::Points(Decimal::from_str(p.trim()).ok()?)
            } else if let Ok(d) = Decimal::from_str(t) {
                ParamConst::Number(d)
            } else {
                ParamConst::Str(t.to_owned())
            }
        }
    })
}

fn parse_level(s: &str) -> Option<Level> {
    Level::parse(s.trim())
}

/// The `level` of the item at `path`, or `None` after reporting an unknown one (`hint`
/// follows the message, e.g. a list of the levels).
fn level_or_report(ctx: &mut Ctx<'_>, text: &str, hint: &str, path: &KeyPath) -> Option<Level> {
    let level = parse_level(text);
    if level.is_none() {
        ctx.err(
            codes::INVALID_VALUE,
            format!("unknown level `{text}`{hint}"),
            &path.key("level"),
        );
    }
    level
}

fn parse_severity(s: &str) -> Option<Severity> {
    match s.trim() {
        "info" => Some(Severity::Info),
        "warning" => Some(Severity::Warning),
        "critical" => Some(Severity::Critical),
        _ => None,
    }
}

fn parse_scope(
    ctx: &mut Ctx<'_>,
    raw: &RawScope,
    default: RowSource,
    path: &KeyPath,
) -> (RowSource, ScopeFilter) {
    let source = match raw.source.as_deref() {
        None => default,
        Some("procedures") => RowSource::Procedures,
        Some("marks") => RowSource::Marks,
        Some("outcomes") => RowSource::Outcomes,
        Some("staff") => RowSource::Staff,
        Some("entity") => RowSource::Entity,
        Some("profiles") => RowSource::Profiles,
        Some(other) => {
            ctx.err(
                codes::INVALID_VALUE,
                format!(
                    "unknown scope source `{other}` (procedures, marks, outcomes, staff, entity, profiles)"
                ),
                &path.key("source"),
            );
            default
        }
    };
    let mut f = ScopeFilter {
        subjects: raw.subjects.clone(),
        grades: raw.grades.clone(),
        with_previous_year: raw.with_previous_year,
        ..Default::default()
    };
    for (i, k) in raw.kinds.iter().enumerate() {
        match ProcedureKind::from_str(k) {
            Ok(kind) => f.kinds.push(kind),
            Err(()) => ctx.err(
                codes::INVALID_VALUE,
                format!("unknown procedure kind `{k}`"),
                &path.key("kinds").index(i),
            ),
        }
    }
    for (i, p) in raw.periods.iter().enumerate() {
        match Period::from_str(p) {
            Ok(period) => f.periods.push(period),
            Err(()) => ctx.err(
                codes::INVALID_VALUE,
                format!("unknown period `{p}`"),
                &path.key("periods").index(i),
            ),
        }
    }
    (source, f)
}

/// The student level reads profiles only, and profiles belong to the student level.
fn check_student_source(ctx: &mut Ctx<'_>, level: Level, source: RowSource, path: &KeyPath) {
    if (level == Level::Student) != (source == RowSource::Profiles) {
        ctx.err(
            codes::INVALID_VALUE,
            "the student level reads `profiles` rows (scope.source = \"profiles\"), and only it does",
            &path.key("scope").key("source"),
        );
    }
}

/// Placeholders `{name}` in a message template.
pub(crate) fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                out.push(after[..j].trim());
                rest = &after[j + 1..];
            }
            None => break,
        }
    }
    out
}

/// Compiles the derived values and checks message placeholders, which become inputs too.
fn values_and_placeholders(
    ctx: &mut Ctx<'_>,
    values: &std::collections::BTreeMap<String, String>,
    templates: &[(&str, KeyPath)],
    cat: &mut RuleCatalogue<'_>,
    limits: &expr::Limits,
    path: &KeyPath,
) -> Vec<(String, Program)> {
    let mut out = Vec::new();
    for (name, src) in values {
        // Derived values read indicators and parameters, not each other: order is free.
        if let Some(p) = ctx.expr(src, &*cat, limits, &path.key("values").key(name)) {
            out.push((name.clone(), p));
        }
    }
    cat.derived = out.iter().map(|(n, p)| (n.clone(), p.ty())).collect();
    for (template, tpath) in templates {
        for ph in placeholders(template) {
            if matches!(ph, "entity" | "scope") {
                continue;
            }
            let parts: Vec<&str> = ph.split('.').collect();
            if cat.name(&parts).is_none() {
                ctx.err(
                    codes::UNKNOWN_PLACEHOLDER,
                    format!("`{{{ph}}}` names no value this rule can read"),
                    tpath,
                );
            }
        }
    }
    out
}

/// Compiles rule sources into [`Rules`], or returns every problem found.
///
/// ```
/// use oko::rules::{compile, RuleLimits, RuleSource};
/// let src = RuleSource::toml("bad.toml", "schema_version = 1\nid = \"x\"\n");
/// let err = compile(&[src], &RuleLimits::default()).unwrap_err();
/// assert_eq!(err.code(), "rule.schema");
/// ```
pub fn compile(sources: &[RuleSource], limits: &RuleLimits) -> Result<Rules, RuleErrors> {
    let mut diags = Vec::new();
    let mut rules = Rules {
        rulesets: Vec::new(),
        scales: ScaleSet::default(),
        rules: Vec::new(),
        classifications: Vec::new(),
        warnings: Vec::new(),
        objectivity: None,
        social_indexes: Vec::new(),
        pairings: Vec::new(),
        targets: Vec::new(),
        muko: Vec::new(),
    };
    // (index, id, ruleset id, level) of every compiled rule, for `findings(...)`.
    let mut known: Known = Vec::new();
    let mut keys = ObjectivityKeys::default();
    for source in sources {
        compile_source(
            source, limits, &mut rules, &mut known, &mut keys, &mut diags,
        );
    }
    if !keys.with_section.is_empty() {
        let defaults = crate::objectivity::ObjectivityOptions::default();
        let effective = crate::objectivity::ObjectivityOptions {
            internal_mark: keys
                .internal_mark
                .map_or(defaults.internal_mark, |(v, _)| v),
            heaping_width: keys
                .heaping_width
                .map_or(defaults.heaping_width, |(v, _)| v),
        };
        rules.objectivity = Some(effective);
        for &i in &keys.with_section {
            rules.rulesets[i].objectivity = Some(effective);
        }
    }
    if diags.iter().any(|d| d.is_error()) {
        diags.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        return Err(RuleErrors { diagnostics: diags });
    }
    rules.warnings = diags;
    Ok(rules)
}

fn parse_raw(source: &RuleSource, diags: &mut Vec<RuleDiagnostic>) -> Option<RawRuleset> {
    let loc = Locator::new(source);
    let root = KeyPath::default();
    match source.format {
        Format::Toml => {
            if let Err(e) = toml::de::DeTable::parse(&source.text) {
                let span = e.span().map(|r| (r.start, r.end));
                diags.push(loc.at_span(
                    super::DiagnosticLevel::Error,
                    codes::SYNTAX,
                    first_line(e.message()),
                    &root,
                    span,
                ));
                return None;
            }
            match toml::from_str::<RawRuleset>(&source.text) {
                Ok(r) => Some(r),
                Err(e) => {
                    let span = e.span().map(|r| (r.start, r.end));
                    diags.push(loc.at_span(
                        super::DiagnosticLevel::Error,
                        codes::SCHEMA,
                        first_line(e.message()),
                        &root,
                        span,
                    ));
                    None
                }
            }
        }
        Format::Json => match serde_json::from_str::<RawRuleset>(&source.text) {
            Ok(r) => Some(r),
            Err(e) => {
                let code = if e.is_data() {
                    codes::SCHEMA
                } else {
                    codes::SYNTAX
                };
                let offset = line_col_offset(&source.text, e.line(), e.column());
                let msg = e.to_string();
                let msg = msg
                    .rsplit_once(" at line")
                    .map_or(msg.as_str(), |(m, _)| m)
                    .to_owned();
                diags.push(loc.at_span(
                    super::DiagnosticLevel::Error,
                    code,
                    msg,
                    &root,
                    Some((offset, offset + 1)),
                ));
                None
            }
        },
    }
}

/// What the rules, classifications, pairings and targets of one ruleset compile against.
struct Env<'a> {
    /// The ruleset's index in `Rules::rulesets` (once compiled).
    ruleset: usize,
    /// Its id.
    ruleset_id: &'a str,
    /// Its parameters.
    params: &'a [(String, ParamConst)],
    limits: &'a RuleLimits,
}

impl Env<'_> {
    /// The names an expression at `level` over `source` may read: the ruleset's parameters,
    /// the rules compiled before it (`known`) and the social index in force.
    fn catalogue<'k>(
        &'k self,
        ctx: &Ctx<'_>,
        level: Level,
        source: RowSource,
        known: &'k [KnownRule<'k>],
    ) -> RuleCatalogue<'k> {
        RuleCatalogue {
            level,
            source,
            params: self.params,
            derived: Vec::new(),
            rules: known,
            ruleset_id: self.ruleset_id,
            inputs: RefCell::new(Vec::new()),
            social_index: ctx.social_index,
        }
    }
}

/// (index, id, ruleset id, level) of every rule compiled so far, for `findings(...)`.
type Known = Vec<(usize, String, String, Level)>;

/// The rules compiled so far as a catalogue reads them.
fn known_rules(known: &[(usize, String, String, Level)]) -> Vec<KnownRule<'_>> {
    known
        .iter()
        .map(|(i, id, rs, l)| KnownRule {
            index: *i,
            id,
            ruleset_id: rs,
            level: *l,
        })
        .collect()
}

/// Records the id of a rule, classification, pairing or target, reporting one that the
/// ruleset already has (`what` names the kind in the message, e.g. "rule ").
fn claim_id<'r>(
    ctx: &mut Ctx<'_>,
    seen: &mut Vec<&'r str>,
    id: &'r str,
    what: &str,
    path: &KeyPath,
) {
    if seen.contains(&id) {
        ctx.err(
            codes::DUPLICATE_ID,
            format!("{what}`{id}` is defined twice"),
            &path.key("id"),
        );
    }
    seen.push(id);
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_owned()
}

fn line_col_offset(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + col.saturating_sub(1)).min(text.len())
}

fn compile_source(
    source: &RuleSource,
    limits: &RuleLimits,
    out: &mut Rules,
    known: &mut Known,
    keys: &mut ObjectivityKeys,
    diags: &mut Vec<RuleDiagnostic>,
) {
    let root = KeyPath::default();
    if source.text.len() > limits.max_file_bytes {
        diags.push(RuleDiagnostic {
            level: super::DiagnosticLevel::Error,
            code: codes::FILE_SIZE,
            message: format!(
                "the file has {} bytes; the limit is {}",
                source.text.len(),
                limits.max_file_bytes
            ),
            file: source.name.clone(),
            line: None,
            column: None,
            path: String::new(),
            snippet: None,
        });
        return;
    }
    let Some(raw) = parse_raw(source, diags) else {
        return;
    };
    let mut ctx = Ctx {
        loc: Locator::new(source),
        diags,
        social_index: out.social_indexes.len().checked_sub(1),
    };
    if raw.schema_version != 1 {
        ctx.err(
            codes::SCHEMA_VERSION,
            format!(
                "schema_version {} is not supported (1 is)",
                raw.schema_version
            ),
            &root.key("schema_version"),
        );
    }
    if raw.rules.len() + raw.classifications.len() > limits.max_rules {
        ctx.err(
            codes::RULES,
            format!(
                "{} rules and classifications; the limit is {}",
                raw.rules.len() + raw.classifications.len(),
                limits.max_rules
            ),
            &root.key("rules"),
        );
        return;
    }
    if out.rulesets.iter().any(|r| r.id == raw.id) {
        ctx.err(
            codes::DUPLICATE_ID,
            format!("ruleset `{}` is already loaded", raw.id),
            &root.key("id"),
        );
    }
    let mut years = Vec::new();
    for (i, y) in raw.years.iter().enumerate() {
        match AcademicYear::from_str(y) {
            Ok(y) => years.push(y),
            Err(()) => ctx.err(
                codes::INVALID_VALUE,
                format!("`{y}` is not an academic year like 2025/26"),
                &root.key("years").index(i),
            ),
        }
    }
    let mut params = Vec::new();
    let mut param_consts = Vec::new();
    for (name, p) in &raw.parameters {
        let (value, doc, src) = match p {
            RawParam::Value(v) => (v, None, None),
            RawParam::Documented { value, doc, source } => (value, doc.clone(), source.clone()),
        };
        match parse_param(value) {
            Some(c) => {
                param_consts.push((name.clone(), c.clone()));
                params.push(Param {
                    name: name.clone(),
                    value: c,
                    doc,
                    source: src,
                });
            }
            None => ctx.err(
                codes::INVALID_VALUE,
                format!("parameter `{name}` is not a number, percent, points, boolean or word"),
                &root.key("parameters").key(name),
            ),
        }
    }
    // Scales and minimum scores.
    for (i, s) in raw.scales.iter().enumerate() {
        let path = root.key("scales").index(i);
        let mut bands = Vec::new();
        let mut conditions = Vec::new();
        for (j, b) in s.bands.iter().enumerate() {
            match Mark::new(b.mark) {
                Some(mark) => bands.push(ScaleBand {
                    mark,
                    min: b.min,
                    max: b.max,
                }),
                None => ctx.err(
                    codes::INVALID_VALUE,
                    "a mark must be 1..5",
                    &path.key("bands").index(j).key("mark"),
                ),
            }
        }
        for (j, c) in s.conditions.iter().enumerate() {
            match Mark::new(c.from_mark) {
                Some(from_mark) => conditions.push(GroupCondition {
                    from_mark,
                    group: c.group.clone(),
                    min_points: c.min_points,
                }),
                None => ctx.err(
                    codes::INVALID_VALUE,
                    "a mark must be 1..5",
                    &path.key("conditions").index(j).key("from_mark"),
                ),
            }
        }
        match Scale::new(&s.id, s.max_score, bands, conditions) {
            Ok(scale) => match out.scales.get(&s.id) {
                Some(existing) if *existing != scale => {
                    ctx.err(
                        codes::DUPLICATE_ID,
                        format!("scale `{}` is defined differently by an earlier file", s.id),
                        &path.key("id"),
                    );
                }
                _ => out.scales.insert(scale),
            },
            Err(e) => ctx.err(e.code(), e.to_string(), &path.key("bands")),
        }
    }
    for (i, m) in raw.minimum_scores.iter().enumerate() {
        match AcademicYear::from_str(&m.year) {
            Ok(y) => out.scales.minimums.insert(y, &m.scheme, &m.subject, m.min),
            Err(()) => ctx.err(
                codes::INVALID_VALUE,
                format!("`{}` is not an academic year", m.year),
                &root.key("minimum_scores").index(i).key("year"),
            ),
        }
    }
    let ruleset = out.rulesets.len();
    if let Some(o) = &raw.objectivity {
        objectivity_section(
            &mut ctx,
            o,
            &raw.id,
            ruleset,
            keys,
            &root.key("objectivity"),
        );
    }
    if let Some(si) = &raw.social_index
        && let Some(spec) = compile_social_index(&mut ctx, si, &root.key("social_index"))
    {
        out.social_indexes.push((ruleset, spec));
        ctx.social_index = Some(out.social_indexes.len() - 1);
    }
    let env = Env {
        ruleset,
        ruleset_id: &raw.id,
        params: &param_consts,
        limits,
    };
    let mut seen_ids: Vec<&str> = Vec::new();
    let mut local_known = known.clone();
    for (i, r) in raw.rules.iter().enumerate() {
        let path = root.key("rules").index(i);
        claim_id(&mut ctx, &mut seen_ids, &r.id, "rule ", &path);
        if let Some(rule) = compile_rule(&mut ctx, r, &env, &local_known, &path) {
            let index = out.rules.len();
            local_known.push((index, rule.id.clone(), raw.id.clone(), rule.level));
            out.rules.push(rule);
        }
    }
    for (i, c) in raw.classifications.iter().enumerate() {
        let path = root.key("classifications").index(i);
        claim_id(&mut ctx, &mut seen_ids, &c.id, "", &path);
        if let Some(cl) = compile_classification(&mut ctx, c, &env, &local_known, &path) {
            out.classifications.push(cl);
        }
    }
    for (i, p) in raw.pairings.iter().enumerate() {
        let path = root.key("pairings").index(i);
        claim_id(&mut ctx, &mut seen_ids, &p.id, "", &path);
        if let Some(pr) = compile_pairing(&mut ctx, p, &env, out, &path) {
            out.pairings.push(pr);
        }
    }
    for (i, t) in raw.targets.iter().enumerate() {
        let path = root.key("targets").index(i);
        claim_id(&mut ctx, &mut seen_ids, &t.id, "", &path);
        if let Some(tr) = compile_target(&mut ctx, t, &env, &local_known, &path) {
            out.targets.push(tr);
        }
    }
    if let Some(m) = &raw.muko
        && let Some(spec) = compile_muko(&mut ctx, m, &root.key("muko"))
    {
        out.muko.push(MukoRule {
            ruleset,
            title: m.title.clone(),
            spec,
        });
    }
    *known = local_known;
    out.rulesets.push(RulesetInfo {
        id: raw.id.clone(),
        version: raw.version.clone(),
        title: raw.title.clone(),
        source: raw.source.clone(),
        years,
        parameters: params,
        file: source.name.clone(),
        objectivity: None,
    });
}

/// Checks an `[objectivity]` section and records its keys; a key set differently by an
/// earlier ruleset is an error (one aggregation serves every ruleset).
fn objectivity_section(
    ctx: &mut Ctx<'_>,
    o: &super::raw::RawObjectivity,
    ruleset_id: &str,
    ruleset: usize,
    keys: &mut ObjectivityKeys,
    path: &KeyPath,
) {
    keys.with_section.push(ruleset);
    if let Some(v) = o.internal_mark {
        match &keys.internal_mark {
            Some((w, by)) if *w != v => ctx.err(
                codes::OPTION_CONFLICT,
                format!(
                    "internal_mark `{}` conflicts with `{}` set by ruleset `{by}`",
                    v.as_str(),
                    w.as_str()
                ),
                &path.key("internal_mark"),
            ),
            Some(_) => {}
            None => keys.internal_mark = Some((v, ruleset_id.to_owned())),
        }
    }
    if let Some(v) = o.heaping_width {
        if v == 0 {
            ctx.err(
                codes::INVALID_VALUE,
                "heaping_width must be at least 1",
                &path.key("heaping_width"),
            );
            return;
        }
        match &keys.heaping_width {
            Some((w, by)) if *w != v => ctx.err(
                codes::OPTION_CONFLICT,
                format!("heaping_width {v} conflicts with {w} set by ruleset `{by}`"),
                &path.key("heaping_width"),
            ),
            Some(_) => {}
            None => keys.heaping_width = Some((v, ruleset_id.to_owned())),
        }
    }
}

/// A decimal from a string such as `"0.3"` (or `"30%"`), for weights and limits.
fn decimal_text(t: &str) -> Option<Decimal> {
    let t = t.trim();
    let t = t.strip_suffix('%').unwrap_or(t).trim();
    Decimal::from_str(t).ok()
}

fn compile_social_index(
    ctx: &mut Ctx<'_>,
    raw: &super::raw::RawSocialIndex,
    path: &KeyPath,
) -> Option<crate::social::SocialIndexSpec> {
    use crate::social::{IndexComponent, IndexGroup, Normalisation, SocialIndexSpec};
    let normalisation = match raw.normalisation.trim() {
        "zscore" | "z-score" | "z_score" => Some(Normalisation::ZScore),
        "percentile" => Some(Normalisation::Percentile),
        other => {
            ctx.err(
                codes::INVALID_VALUE,
                format!("unknown normalisation `{other}` (zscore, percentile)"),
                &path.key("normalisation"),
            );
            None
        }
    };
    let group = match raw.across.trim() {
        "region" => Some(IndexGroup::Region),
        "municipality" => Some(IndexGroup::Municipality),
        other => {
            ctx.err(
                codes::INVALID_VALUE,
                format!("unknown group `{other}` (region, municipality)"),
                &path.key("across"),
            );
            None
        }
    };
    if raw.components.is_empty() {
        ctx.err(
            codes::INVALID_VALUE,
            "the social index needs at least one component",
            &path.key("components"),
        );
    }
    let mut components = Vec::new();
    for (i, c) in raw.components.iter().enumerate() {
        let cpath = path.key("components").index(i);
        let weight = decimal_text(&c.weight).filter(|w| *w > Decimal::ZERO);
        if weight.is_none() {
            ctx.err(
                codes::INVALID_VALUE,
                "a weight must be a positive decimal such as \"0.3\"",
                &cpath.key("weight"),
            );
        }
        let favourable = match c.direction.trim() {
            "favourable" => Some(true),
            "unfavourable" => Some(false),
            other => {
                ctx.err(
                    codes::INVALID_VALUE,
                    format!("unknown direction `{other}` (favourable, unfavourable)"),
                    &cpath.key("direction"),
                );
                None
            }
        };
        if c.field.trim().is_empty() {
            ctx.err(
                codes::INVALID_VALUE,
                "a component needs a context field",
                &cpath.key("field"),
            );
        }
        if let (Some(weight), Some(favourable)) = (weight, favourable) {
            components.push(IndexComponent {
                field: c.field.trim().to_owned(),
                weight,
                favourable,
            });
        }
    }
    Some(SocialIndexSpec {
        normalisation: normalisation?,
        group: group?,
        components,
    })
}

fn compile_target(
    ctx: &mut Ctx<'_>,
    t: &super::raw::RawTarget,
    env: &Env<'_>,
    known: &[(usize, String, String, Level)],
    path: &KeyPath,
) -> Option<TargetRule> {
    let limits = env.limits;
    let level = level_or_report(ctx, &t.level, "", path);
    let comparison = t.comparison.trim();
    if !matches!(comparison, ">=" | ">" | "<=" | "<" | "==") {
        ctx.err(
            codes::INVALID_VALUE,
            format!("unknown comparison `{comparison}` (>=, >, <=, <, ==)"),
            &path.key("comparison"),
        );
        return None;
    }
    let period = match &t.period {
        None => Some(None),
        Some(p) => match AcademicYear::from_str(p) {
            Ok(y) => Some(Some(y)),
            Err(()) => {
                ctx.err(
                    codes::INVALID_VALUE,
                    format!("`{p}` is not an academic year like 2025/26"),
                    &path.key("period"),
                );
                None
            }
        },
    };
    let (source, filter) = parse_scope(ctx, &t.scope, RowSource::Procedures, &path.key("scope"));
    let level = level?;
    check_student_source(ctx, level, source, path);
    let kr = known_rules(known);
    let cat = env.catalogue(ctx, level, source, &kr);
    let measure = ctx.expr(&t.indicator, &cat, &limits.expr, &path.key("indicator"));
    let target = ctx.expr(&t.target, &cat, &limits.expr, &path.key("target"));
    for (p, key) in [(&measure, "indicator"), (&target, "target")] {
        if p.as_ref()
            .is_some_and(|p| !p.ty().is_numeric() && p.ty() != Type::Null)
        {
            ctx.err(
                expr::codes::TYPE_MISMATCH,
                format!("`{key}` must be a number"),
                &path.key(key),
            );
            return None;
        }
    }
    // The comparison as one expression, so that units are checked as in any rule.
    let met_src = format!("({}) {comparison} ({})", t.indicator, t.target);
    let met = ctx.expr(&met_src, &cat, &limits.expr, &path.key("comparison"));
    let inputs = cat.inputs.into_inner();
    Some(TargetRule {
        ruleset: env.ruleset,
        id: t.id.clone(),
        title: t.title.clone(),
        plan_item: t.plan_item.clone(),
        level,
        source,
        filter,
        inputs,
        measure: measure?,
        target: target?,
        met: met?,
        comparison: comparison.to_owned(),
        period: period?,
        responsible: t.responsible.clone(),
        allow_limited: t.allow_limited,
    })
}

fn compile_muko(
    ctx: &mut Ctx<'_>,
    m: &super::raw::RawMuko,
    path: &KeyPath,
) -> Option<crate::muko::MukoSpec> {
    use crate::muko::{MukoItem, MukoLevel, MukoSpec};
    let mut ok = true;
    let mut points = [Decimal::ZERO; 3];
    for (i, (key, v)) in [
        ("present", &m.points.present),
        ("partial", &m.points.partial),
        ("absent", &m.points.absent),
    ]
    .into_iter()
    .enumerate()
    {
        match decimal_text(v).filter(|d| *d >= Decimal::ZERO) {
            Some(d) => points[i] = d,
            None => {
                ctx.err(
                    codes::INVALID_VALUE,
                    "points must be non-negative decimals such as \"2\"",
                    &path.key("points").key(key),
                );
                ok = false;
            }
        }
    }
    if points[0] <= Decimal::ZERO {
        ctx.err(
            codes::INVALID_VALUE,
            "a present component must score more than 0 points",
            &path.key("points").key("present"),
        );
        ok = false;
    }
    let mut items = |list: &[super::raw::RawMukoItem], key: &str| -> Vec<MukoItem> {
        let mut out: Vec<MukoItem> = Vec::new();
        if list.is_empty() {
            ctx.err(
                codes::INVALID_VALUE,
                format!("`{key}` needs at least one item"),
                &path.key(key),
            );
            ok = false;
        }
        for (i, it) in list.iter().enumerate() {
            if out.iter().any(|o| o.id == it.id) {
                ctx.err(
                    codes::DUPLICATE_ID,
                    format!("`{}` is listed twice", it.id),
                    &path.key(key).index(i).key("id"),
                );
                ok = false;
            }
            let weight = match &it.weight {
                None => Some(Decimal::ONE),
                Some(w) => decimal_text(w).filter(|w| *w > Decimal::ZERO),
            };
            match weight {
                Some(weight) => out.push(MukoItem {
                    id: it.id.trim().to_owned(),
                    title_ru: it.title.ru.clone(),
                    title_en: it.title.en.clone(),
                    weight,
                }),
                None => {
                    ctx.err(
                        codes::INVALID_VALUE,
                        "a weight must be a positive decimal",
                        &path.key(key).index(i).key("weight"),
                    );
                    ok = false;
                }
            }
        }
        out
    };
    let directions = items(&m.directions, "directions");
    let components = items(&m.components, "components");
    let mut levels = Vec::new();
    for (i, l) in m.levels.iter().enumerate() {
        match decimal_text(&l.from) {
            Some(from) => levels.push(MukoLevel {
                label: l.label.clone(),
                title_ru: l.title.ru.clone(),
                title_en: l.title.en.clone(),
                from,
            }),
            None => {
                ctx.err(
                    codes::INVALID_VALUE,
                    "`from` must be a percent such as \"80%\"",
                    &path.key("levels").index(i).key("from"),
                );
                ok = false;
            }
        }
    }
    levels.sort_by_key(|l| std::cmp::Reverse(l.from));
    ok.then_some(MukoSpec {
        directions,
        components,
        points,
        levels,
    })
}

/// A number written as a value or as `"param.<name>"`.
fn number_or_param(v: &ParamValue, params: &[(String, ParamConst)]) -> Option<Decimal> {
    match v {
        ParamValue::Text(t) if t.trim().starts_with("param.") => {
            let name = t.trim().trim_start_matches("param.");
            match &params.iter().find(|(n, _)| n == name)?.1 {
                ParamConst::Number(d) | ParamConst::Percent(d) | ParamConst::Points(d) => Some(*d),
                _ => None,
            }
        }
        other => match parse_param(other)? {
            ParamConst::Number(d) | ParamConst::Percent(d) | ParamConst::Points(d) => Some(d),
            _ => None,
        },
    }
}

fn compile_pairing(
    ctx: &mut Ctx<'_>,
    p: &super::raw::RawPairing,
    env: &Env<'_>,
    out: &Rules,
    path: &KeyPath,
) -> Option<PairingRule> {
    let Env {
        ruleset,
        ruleset_id,
        params,
        ..
    } = *env;
    let mut find = |r: &super::raw::RawLabelRef, key: &str| -> Option<(usize, Vec<String>)> {
        let (rs, id) = match r.classification.split_once('.') {
            Some((rs, id)) => (rs, id),
            None => (ruleset_id, r.classification.as_str()),
        };
        let found = out.classifications.iter().position(|c| {
            c.id == id
                && if c.ruleset == ruleset {
                    rs == ruleset_id
                } else {
                    out.rulesets.get(c.ruleset).is_some_and(|x| x.id == rs)
                }
        });
        let Some(k) = found else {
            ctx.err(
                codes::INVALID_VALUE,
                format!(
                    "no classification `{}` in this or an earlier ruleset",
                    r.classification
                ),
                &path.key(key).key("classification"),
            );
            return None;
        };
        let c = &out.classifications[k];
        if c.level != Level::School {
            ctx.err(
                codes::INVALID_VALUE,
                format!(
                    "classification `{}` is not of the school level",
                    r.classification
                ),
                &path.key(key).key("classification"),
            );
            return None;
        }
        for (i, l) in r.labels.iter().enumerate() {
            if !c.bands.iter().any(|b| b.label == *l) && c.otherwise.as_deref() != Some(l) {
                ctx.err(
                    codes::INVALID_VALUE,
                    format!("classification `{}` has no label `{l}`", r.classification),
                    &path.key(key).key("labels").index(i),
                );
                return None;
            }
        }
        Some((k, r.labels.clone()))
    };
    let weak = find(&p.weak, "weak");
    let strong = find(&p.strong, "strong");
    let k = number_or_param(&p.k, params).filter(|k| k.fract().is_zero() && *k >= Decimal::ONE);
    if k.is_none() {
        ctx.err(
            codes::INVALID_VALUE,
            "`k` must be a whole number of at least 1, or `param.<name>` naming one",
            &path.key("k"),
        );
    }
    let max_distance = match &p.max_distance {
        None => Some(None),
        Some(v) => match number_or_param(v, params) {
            Some(d) if d >= Decimal::ZERO => Some(Some(d)),
            _ => {
                ctx.err(
                    codes::INVALID_VALUE,
                    "`max_distance` must be a non-negative number or `param.<name>` naming one",
                    &path.key("max_distance"),
                );
                None
            }
        },
    };
    if ctx.social_index.is_none() {
        ctx.err(
            codes::INVALID_VALUE,
            "a pairing needs a `[social_index]` in this or an earlier ruleset",
            &path.key("id"),
        );
    }
    Some(PairingRule {
        ruleset,
        id: p.id.clone(),
        title: p.title.clone(),
        weak: weak?,
        strong: strong?,
        k: u32::try_from(k?).unwrap_or(u32::MAX) as usize,
        same_municipality_first: p.same_municipality_first,
        max_distance: max_distance?,
        social_index: ctx.social_index?,
    })
}

fn compile_rule(
    ctx: &mut Ctx<'_>,
    r: &RawRule,
    env: &Env<'_>,
    known: &[(usize, String, String, Level)],
    path: &KeyPath,
) -> Option<Rule> {
    let limits = env.limits;
    let level = level_or_report(
        ctx,
        &r.level,
        " (class, grade, teacher, school, municipality, region)",
        path,
    );
    let severity = parse_severity(&r.severity);
    if severity.is_none() {
        ctx.err(
            codes::INVALID_VALUE,
            format!(
                "unknown severity `{}` (info, warning, critical)",
                r.severity
            ),
            &path.key("severity"),
        );
    }
    if r.values.len() > limits.max_items {
        ctx.err(
            codes::ITEMS,
            format!(
                "{} derived values; the limit is {}",
                r.values.len(),
                limits.max_items
            ),
            &path.key("values"),
        );
        return None;
    }
    for (text, lang) in [(&r.message.ru, "ru"), (&r.message.en, "en")] {
        if text.len() > limits.max_message_bytes {
            ctx.err(
                codes::MESSAGE,
                format!(
                    "the message has {} bytes; the limit is {}",
                    text.len(),
                    limits.max_message_bytes
                ),
                &path.key("message").key(lang),
            );
            return None;
        }
        let n = placeholders(text).len();
        if n > limits.max_placeholders {
            ctx.err(
                codes::MESSAGE,
                format!(
                    "the message has {n} placeholders; the limit is {}",
                    limits.max_placeholders
                ),
                &path.key("message").key(lang),
            );
            return None;
        }
    }
    let (source, filter) = parse_scope(ctx, &r.scope, RowSource::Procedures, &path.key("scope"));
    let Some(level) = level else {
        // Without a level names cannot be resolved, but syntax errors can still be shown.
        syntax_only(
            ctx,
            r.values.iter().map(|(k, v)| (v, path.key("values").key(k))),
            &limits.expr,
        );
        syntax_only(ctx, [(&r.when, path.key("when"))], &limits.expr);
        return None;
    };
    check_student_source(ctx, level, source, path);
    let kr = known_rules(known);
    let mut cat = env.catalogue(ctx, level, source, &kr);
    let templates = [
        (r.message.ru.as_str(), path.key("message").key("ru")),
        (r.message.en.as_str(), path.key("message").key("en")),
    ];
    let values = values_and_placeholders(ctx, &r.values, &templates, &mut cat, &limits.expr, path);
    let when = ctx.expr(&r.when, &cat, &limits.expr, &path.key("when"));
    if let Some(w) = &when
        && !matches!(w.ty(), Type::Bool | Type::Null)
    {
        ctx.err(
            expr::codes::TYPE_MISMATCH,
            format!("`when` must be true or false, but it is a {:?}", w.ty()),
            &path.key("when"),
        );
        return None;
    }
    let inputs = cat.inputs.into_inner();
    Some(Rule {
        ruleset: env.ruleset,
        id: r.id.clone(),
        title: r.title.clone(),
        level,
        source,
        filter,
        inputs,
        values,
        when: when?,
        severity: severity?,
        category: r.category.clone(),
        message: r.message.clone(),
        allow_limited: r.allow_limited,
    })
}

/// Reports the syntax errors of expressions that cannot be compiled further.
fn syntax_only<'s>(
    ctx: &mut Ctx<'_>,
    exprs: impl IntoIterator<Item = (&'s String, KeyPath)>,
    limits: &expr::Limits,
) {
    for (src, path) in exprs {
        if let Err(errors) = expr::parse(src, limits) {
            for e in errors {
                let d = ctx.loc.expr_error(
                    e.code,
                    e.message.clone(),
                    &path,
                    src,
                    e.span.start,
                    e.span.end,
                );
                ctx.diags.push(d);
            }
        }
    }
}

fn parse_bound(s: &Option<String>) -> Result<Option<Decimal>, ()> {
    match s {
        None => Ok(None),
        Some(t) => {
            let t = t.trim();
            let t = t
                .strip_suffix('%')
                .or_else(|| t.strip_suffix("pp"))
                .unwrap_or(t)
                .trim();
            Decimal::from_str(t).map(Some).map_err(|_| ())
        }
    }
}

fn compile_classification(
    ctx: &mut Ctx<'_>,
    c: &RawClassification,
    env: &Env<'_>,
    known: &[(usize, String, String, Level)],
    path: &KeyPath,
) -> Option<Classification> {
    let limits = env.limits;
    let level = level_or_report(ctx, &c.level, "", path);
    let hit_policy = match c.hit_policy.trim() {
        "first" => Some(HitPolicy::First),
        "priority" => Some(HitPolicy::Priority),
        "collect" => Some(HitPolicy::Collect),
        "unique" => Some(HitPolicy::Unique),
        other => {
            ctx.err(
                codes::INVALID_VALUE,
                format!("unknown hit policy `{other}` (first, priority, collect, unique)"),
                &path.key("hit_policy"),
            );
            None
        }
    };
    if c.bands.len() > limits.max_items || c.values.len() > limits.max_items {
        ctx.err(
            codes::ITEMS,
            format!("more than {} bands or values", limits.max_items),
            &path.key("bands"),
        );
        return None;
    }
    let (source, filter) = parse_scope(ctx, &c.scope, RowSource::Entity, &path.key("scope"));
    let level = level?;
    check_student_source(ctx, level, source, path);
    let kr = known_rules(known);
    let mut cat = env.catalogue(ctx, level, source, &kr);
    let values = values_and_placeholders(ctx, &c.values, &[], &mut cat, &limits.expr, path);
    let value = match &c.value {
        Some(v) => {
            let p = ctx.expr(v, &cat, &limits.expr, &path.key("value"));
            if p.as_ref()
                .is_some_and(|p| !p.ty().is_numeric() && p.ty() != Type::Null)
            {
                ctx.err(
                    expr::codes::TYPE_MISMATCH,
                    "`value` must be a number",
                    &path.key("value"),
                );
            }
            p
        }
        None => None,
    };
    let mut bands = Vec::new();
    let mut labels: Vec<&str> = Vec::new();
    for (i, b) in c.bands.iter().enumerate() {
        let bpath = path.key("bands").index(i);
        if labels.contains(&b.label.as_str()) {
            ctx.err(
                codes::DUPLICATE_ID,
                format!("band `{}` is defined twice", b.label),
                &bpath.key("label"),
            );
        }
        labels.push(&b.label);
        let test = match (&b.when, &b.range) {
            (Some(w), None) => {
                let p = ctx.expr(w, &cat, &limits.expr, &bpath.key("when"));
                if p.as_ref()
                    .is_some_and(|p| !matches!(p.ty(), Type::Bool | Type::Null))
                {
                    ctx.err(
                        expr::codes::TYPE_MISMATCH,
                        "`when` must be true or false",
                        &bpath.key("when"),
                    );
                    None
                } else {
                    p.map(BandTest::When)
                }
            }
            (None, Some(r)) => {
                if c.value.is_none() {
                    ctx.err(
                        codes::BAND_TEST,
                        "a `range` band needs the classification's `value`",
                        &bpath.key("range"),
                    );
                }
                match (parse_bound(&r.from), parse_bound(&r.to)) {
                    (Ok(from), Ok(to)) => Some(BandTest::Range(from, to)),
                    _ => {
                        ctx.err(
                            codes::INVALID_VALUE,
                            "range ends must be numbers such as \"15\" or \"15%\"",
                            &bpath.key("range"),
                        );
                        None
                    }
                }
            }
            _ => {
                ctx.err(
                    codes::BAND_TEST,
                    "a band needs exactly one of `when` and `range`",
                    &bpath,
                );
                None
            }
        };
        if let Some(test) = test {
            bands.push(Band {
                label: b.label.clone(),
                title: b.title.clone(),
                test,
                priority: b.priority,
                advice: b.advice.clone(),
            });
        }
    }
    // Lint numeric bands for gaps and overlaps.
    let ranges: Vec<(usize, Option<Decimal>, Option<Decimal>)> = bands
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b.test {
            BandTest::Range(f, t) => Some((i, f, t)),
            BandTest::When(_) => None,
        })
        .collect();
    for (i, code, msg) in lint_ranges(&ranges, c.otherwise.is_some()) {
        let d = ctx
            .loc
            .warning(code, msg, &path.key("bands").index(i).key("range"));
        ctx.diags.push(d);
    }
    let inputs = cat.inputs.into_inner();
    Some(Classification {
        ruleset: env.ruleset,
        id: c.id.clone(),
        title: c.title.clone(),
        level,
        source,
        filter,
        hit_policy: hit_policy?,
        inputs,
        values,
        value,
        bands,
        otherwise: c.otherwise.clone(),
        allow_limited: c.allow_limited,
    })
}
