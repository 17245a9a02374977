//! Errors of the expression language: a stable code, a message and a byte span.

use std::fmt;

/// Stable machine codes of [`ExprError`]. They are meant for programs (bindings, portals) and
/// change rarely or never; messages may change at any time.
pub mod codes {
    /// The text is not a well-formed expression (bad token, missing operand, unbalanced paren).
    pub const SYNTAX: &str = "rule.syntax";
    /// A name or function that neither the language nor the catalogue knows.
    pub const UNKNOWN_NAME: &str = "rule.unknown_name";
    /// Operand kinds do not fit the operator (e.g. `true + 1`, `"a" and b`).
    pub const TYPE_MISMATCH: &str = "rule.type_mismatch";
    /// Units do not fit (e.g. comparing Percent with Points, or Number with Percent).
    pub const UNIT_MISMATCH: &str = "rule.unit_mismatch";
    /// A function called with the wrong number of arguments.
    pub const ARITY: &str = "rule.arity";
    /// An argument that must be a constant of a certain form is not (e.g. `round(x, 1.5)`).
    pub const ARGUMENT: &str = "rule.argument";
    /// The expression nests deeper than [`Limits::max_depth`](crate::expr::Limits::max_depth).
    pub const EXPRESSION_DEPTH: &str = "limit.expression_depth";
    /// The expression has more nodes than [`Limits::max_nodes`](crate::expr::Limits::max_nodes).
    pub const EXPRESSION_NODES: &str = "limit.expression_nodes";
    /// The source is longer than [`Limits::max_source_bytes`](crate::expr::Limits::max_source_bytes).
    pub const EXPRESSION_SIZE: &str = "limit.expression_size";
}

/// A half-open byte range `start..end` into the expression source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// Creates a span; `end` is raised to `start` if smaller.
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// One problem found while parsing or compiling an expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
#[non_exhaustive]
pub struct ExprError {
    /// Stable machine code, one of [`codes`].
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
    /// Where in the expression source the problem is.
    pub span: Span,
}

/// Lines longer than this (in chars) are shown as a window around the caret.
const MAX_SHOWN_LINE: usize = 120;
/// Chars shown before the caret when a long line is windowed.
const WINDOW_BEFORE: usize = 50;
/// How far past the span we look for the end of its line (bounds work on huge inputs).
const MAX_LINE_SCAN: usize = 4096;

impl ExprError {
    pub(crate) fn new(code: &'static str, message: impl Into<String>, span: Span) -> ExprError {
        ExprError {
            code,
            message: message.into(),
            span,
        }
    }

    /// Renders the error compiler-style: `file:line:col: code: message`, then the source line
    /// and carets under the span.
    ///
    /// `src` is the expression text the span refers to. When the expression is embedded in a
    /// larger file, `line_offset` is the number of file lines before the line where `src`
    /// starts, and `col_offset` the number of characters before `src` on that line; both are 0
    /// for a standalone expression. Lines and columns are 1-based and count characters.
    ///
    /// ```
    /// use oko::expr::{parse, Limits};
    /// let src = "a +";
    /// let errors = parse(src, &Limits::default()).unwrap_err();
    /// assert_eq!(
    ///     errors[0].render(src, "rules.toml", 4, 10),
    ///     "rules.toml:5:14: rule.syntax: expected an expression, found end of input\n    a +\n       ^"
    /// );
    /// ```
    pub fn render(
        &self,
        src: &str,
        file_label: &str,
        line_offset: usize,
        col_offset: usize,
    ) -> String {
        let start = floor_boundary(src, self.span.start);
        let end = floor_boundary(src, self.span.end).max(start);
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_no = src[..line_start].bytes().filter(|&b| b == b'\n').count();
        let scan_end = floor_boundary(src, start.saturating_add(MAX_LINE_SCAN));
        let line_end = src[start..scan_end]
            .find('\n')
            .map_or(scan_end, |i| start + i);
        let line = src[line_start..line_end].trim_end_matches('\r');
        let col_chars = src[line_start..start].chars().count();
        let col = if line_no == 0 { col_offset } else { 0 } + col_chars + 1;
        let width = src[start..end.min(line_start + line.len()).max(start)]
            .chars()
            .count()
            .max(1);

        let chars: Vec<char> = line.chars().collect();
        let (from, to, prefix, suffix) = if chars.len() > MAX_SHOWN_LINE {
            let from = col_chars.saturating_sub(WINDOW_BEFORE);
            let to = (from + MAX_SHOWN_LINE).min(chars.len());
            (from, to, from > 0, to < chars.len())
        } else {
            (0, chars.len(), false, false)
        };
        let mut shown = String::new();
        let mut pad = String::new();
        if prefix {
            shown.push_str("...");
            pad.push_str("   ");
        }
        for (i, &c) in chars[from..to].iter().enumerate() {
            shown.push(c);
            if from + i < col_chars {
                pad.push(if c == '\t' { '\t' } else { ' ' });
            }
        }
        if suffix {
            shown.push_str("...");
        }
        let carets = "^".repeat(width.min(to.saturating_sub(col_chars).max(1)));
        format!(
            "{file_label}:{}:{col}: {}: {}\n    {}\n    {pad}{carets}",
            line_offset + line_no + 1,
            self.code,
            self.message,
            shown.trim_end(),
        )
    }
}

/// The largest char boundary of `s` at or below `i` (clamped to `s.len()`).
pub(crate) fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
