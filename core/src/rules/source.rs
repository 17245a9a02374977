//! Rule sources and locations: every problem found in a rule file points at a file,
//! line:column and key path, with a caret snippet, like a compiler.

use std::fmt;
use toml::de::{DeTable, DeValue};

/// The text form of a rule file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML (the form people edit).
    Toml,
    /// JSON (the same structure, for portals that hold rules as JSON).
    Json,
}

/// A rule file's name and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSource {
    /// Name shown in errors (a path or an upload name).
    pub name: String,
    /// The text.
    pub text: String,
    /// Its format.
    pub format: Format,
}

impl RuleSource {
    /// A TOML source.
    pub fn toml(name: impl Into<String>, text: impl Into<String>) -> Self {
        RuleSource {
            name: name.into(),
            text: text.into(),
            format: Format::Toml,
        }
    }

    /// A JSON source.
    pub fn json(name: impl Into<String>, text: impl Into<String>) -> Self {
        RuleSource {
            name: name.into(),
            text: text.into(),
            format: Format::Json,
        }
    }
}

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// A key.
    Key(String),
    /// An index.
    Index(usize),
}

/// A path to a value in a rule file, e.g. `rules[2].when`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<PathStep>);

impl KeyPath {
    /// The path extended by a key.
    pub fn key(&self, k: &str) -> KeyPath {
        let mut p = self.clone();
        p.0.push(PathStep::Key(k.to_owned()));
        p
    }
    /// The path extended by an index.
    pub fn index(&self, i: usize) -> KeyPath {
        let mut p = self.clone();
        p.0.push(PathStep::Index(i));
        p
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                PathStep::Key(k) if i == 0 => write!(f, "{k}")?,
                PathStep::Key(k) => write!(f, ".{k}")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A resolved position in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// Byte offset.
    pub offset: usize,
}

/// Line and column (1-based, in characters) of a byte offset.
pub fn position(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line,
        column: before[line_start..].chars().count() + 1,
        offset,
    }
}

/// A caret snippet under `span` (bytes) of `text`: the line, then `^^^` under the span.
pub fn snippet(text: &str, start: usize, end: usize) -> String {
    let start = text.floor_char_boundary(start.min(text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    let col = text[line_start..start].chars().count();
    let end = text.floor_char_boundary(end.clamp(start, line_end));
    let width = text[start..end].chars().count().max(1);
    // Very long lines (minified JSON) are shown as a window around the caret.
    let (shown, col) = if line.chars().count() > 160 && col > 60 {
        let skip = col - 60;
        (
            format!("…{}", line.chars().skip(skip).take(140).collect::<String>()),
            61,
        )
    } else {
        (line.chars().take(200).collect(), col)
    };
    format!("{shown}\n{}{}", " ".repeat(col), "^".repeat(width.min(80)))
}

/// The byte span of the value at `path` in a TOML document, when the path exists.
pub fn toml_span(doc: &toml::Spanned<DeTable<'_>>, path: &KeyPath) -> Option<(usize, usize)> {
    let mut span = doc.span();
    let mut table: Option<&DeTable<'_>> = Some(doc.get_ref());
    let mut value: Option<&DeValue<'_>> = None;
    for step in &path.0 {
        let next = match (step, table, value) {
            (PathStep::Key(k), Some(t), _) => t.get(k.as_str()),
            (PathStep::Key(k), None, Some(DeValue::Table(t))) => t.get(k.as_str()),
            (PathStep::Index(i), _, Some(DeValue::Array(a))) => a.get(*i),
            _ => None,
        };
        let Some(next) = next else { break };
        span = next.span();
        value = Some(next.get_ref());
        table = None;
    }
    Some((span.start, span.end))
}

/// Best-effort span of a key path in JSON text: the position of the last key found in order.
pub fn json_span(text: &str, path: &KeyPath) -> Option<(usize, usize)> {
    let mut from = 0;
    let mut found = None;
    for step in &path.0 {
        if let PathStep::Key(k) = step {
            let needle = format!("\"{k}\"");
            if let Some(i) = text[from..].find(&needle) {
                let at = from + i;
                found = Some((at, at + needle.len()));
                from = at + needle.len();
            }
        }
    }
    found
}
