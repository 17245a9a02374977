//! Rule errors and warnings: a stable code, the file, line:column, key path and a caret
//! snippet, so that a district methodologist can find and fix the problem.

use super::source::{Format, KeyPath, RuleSource, json_span, position, snippet, toml_span};
use std::fmt;

/// How serious a rule diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticLevel {
    /// The ruleset cannot be used.
    Error,
    /// The ruleset works but probably does not say what was meant (e.g. a gap between bands).
    Warning,
}

/// A problem in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleDiagnostic {
    /// Error or warning.
    pub level: DiagnosticLevel,
    /// Stable code: `rule.*`, `limit.*` or `lint.*`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// File name.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// Key path such as `rules[2].when`.
    pub path: String,
    /// The source line with a caret under the problem.
    pub snippet: Option<String>,
}

impl RuleDiagnostic {
    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.level == DiagnosticLevel::Error
    }
}

impl fmt::Display for RuleDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
        };
        write!(f, "{}", self.file)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {kind}[{}]: {}", self.code, self.message)?;
        if !self.path.is_empty() {
            write!(f, " (at {})", self.path)?;
        }
        if let Some(s) = &self.snippet {
            for line in s.lines() {
                write!(f, "\n    | {line}")?;
            }
        }
        Ok(())
    }
}

/// Every problem found while compiling rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct RuleErrors {
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<RuleDiagnostic>,
}

impl RuleErrors {
    /// All diagnostics, one after another.
    pub fn render(&self) -> String {
        let n = self.diagnostics.iter().filter(|d| d.is_error()).count();
        let mut s: Vec<String> = self.diagnostics.iter().map(|d| d.to_string()).collect();
        s.push(format!("{n} error(s)"));
        s.join("\n")
    }

    /// The first error's code.
    pub fn code(&self) -> &'static str {
        self.diagnostics
            .iter()
            .find(|d| d.is_error())
            .map_or("rule.invalid", |d| d.code)
    }
}

/// Turns key paths and spans into diagnostics for one source.
pub(crate) struct Locator<'a> {
    pub source: &'a RuleSource,
    pub toml: Option<toml::Spanned<toml::de::DeTable<'a>>>,
}

impl<'a> Locator<'a> {
    pub fn new(source: &'a RuleSource) -> Self {
        let toml = match source.format {
            Format::Toml => toml::de::DeTable::parse(&source.text).ok(),
            Format::Json => None,
        };
        Locator { source, toml }
    }

    /// The span of the value at `path`.
    pub fn span(&self, path: &KeyPath) -> Option<(usize, usize)> {
        match &self.toml {
            Some(doc) => toml_span(doc, path),
            None => json_span(&self.source.text, path),
        }
    }

    /// A diagnostic at a byte span.
    pub fn at_span(
        &self,
        level: DiagnosticLevel,
        code: &'static str,
        message: String,
        path: &KeyPath,
        span: Option<(usize, usize)>,
    ) -> RuleDiagnostic {
        let (line, column, snip) = match span {
            Some((s, e)) => {
                let p = position(&self.source.text, s);
                (
                    Some(p.line),
                    Some(p.column),
                    Some(snippet(&self.source.text, s, e)),
                )
            }
            None => (None, None, None),
        };
        RuleDiagnostic {
            level,
            code,
            message,
            file: self.source.name.clone(),
            line,
            column,
            path: path.to_string(),
            snippet: snip,
        }
    }

    /// An error at the value of `path`.
    pub fn error(
        &self,
        code: &'static str,
        message: impl Into<String>,
        path: &KeyPath,
    ) -> RuleDiagnostic {
        self.at_span(
            DiagnosticLevel::Error,
            code,
            message.into(),
            path,
            self.span(path),
        )
    }

    /// A warning at the value of `path`.
    pub fn warning(
        &self,
        code: &'static str,
        message: impl Into<String>,
        path: &KeyPath,
    ) -> RuleDiagnostic {
        self.at_span(
            DiagnosticLevel::Warning,
            code,
            message.into(),
            path,
            self.span(path),
        )
    }

    /// An error inside an expression string at `path`: `start..end` are byte offsets in the
    /// expression; they are mapped into the file when the string is written literally.
    pub fn expr_error(
        &self,
        code: &'static str,
        message: String,
        path: &KeyPath,
        expr: &str,
        start: usize,
        end: usize,
    ) -> RuleDiagnostic {
        let span = self.span(path).and_then(|(s, e)| {
            let raw = self.source.text.get(s..e)?;
            // The expression's text follows the opening quote(s); find it literally, which
            // holds unless the string uses escapes (then the whole value is marked).
            let inner = s + raw.find(expr)?;
            Some((inner + start, inner + end.max(start + 1)))
        });
        let span = span.or_else(|| self.span(path));
        self.at_span(DiagnosticLevel::Error, code, message, path, span)
    }
}
