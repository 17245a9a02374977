//! Lexer: expression text to tokens. Never fails: problems become [`ExprError`]s and lexing
//! goes on after the bad character.

use rust_decimal::Decimal;

use super::error::{ExprError, Span, codes};

/// A token kind (with its value for literals and names).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Num(Decimal),
    Percent(Decimal),
    Points(Decimal),
    Str(String),
    Ident(String),
    True,
    False,
    Null,
    And,
    Or,
    Not,
    In,
    If,
    Then,
    Else,
    Plus,
    Minus,
    Star,
    Slash,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Eof,
}

impl Tok {
    /// How the token is named in messages.
    pub(crate) fn describe(&self) -> String {
        let sym = match self {
            Tok::Num(d) => return format!("number `{d}`"),
            Tok::Percent(d) => return format!("percent `{d}%`"),
            Tok::Points(d) => return format!("points `{d}pp`"),
            Tok::Str(_) => return "a string".to_owned(),
            Tok::Ident(name) => return format!("name `{name}`"),
            Tok::Eof => return "end of input".to_owned(),
            Tok::True => "true",
            Tok::False => "false",
            Tok::Null => "null",
            Tok::And => "and",
            Tok::Or => "or",
            Tok::Not => "not",
            Tok::In => "in",
            Tok::If => "if",
            Tok::Then => "then",
            Tok::Else => "else",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::EqEq => "==",
            Tok::Ne => "!=",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Dot => ".",
        };
        format!("`{sym}`")
    }
}

/// A token with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

fn keyword(word: &str) -> Option<Tok> {
    Some(match word {
        "true" => Tok::True,
        "false" => Tok::False,
        "null" => Tok::Null,
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "in" => Tok::In,
        "if" => Tok::If,
        "then" => Tok::Then,
        "else" => Tok::Else,
        _ => return None,
    })
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits `src` into tokens, ending with [`Tok::Eof`]. Problems are pushed to `errors`.
pub(crate) fn lex(src: &str, errors: &mut Vec<ExprError>) -> Vec<Token> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |errors: &mut Vec<ExprError>, msg: String, start: usize, end: usize| {
        errors.push(ExprError::new(codes::SYNTAX, msg, Span::new(start, end)));
    };
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let simple = |tok: Tok, len: usize| (tok, len);
        let (tok, len) = match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'0'..=b'9' => {
                let (tok, end) = lex_number(src, start, errors);
                out.push(Token {
                    tok,
                    span: Span::new(start, end),
                });
                i = end;
                continue;
            }
            b'"' => {
                let (tok, end) = lex_string(src, start, errors);
                out.push(Token {
                    tok,
                    span: Span::new(start, end),
                });
                i = end;
                continue;
            }
            _ if is_ident_start(b) => {
                let mut end = i + 1;
                while end < bytes.len() && is_ident_continue(bytes[end]) {
                    end += 1;
                }
                let word = &src[start..end];
                let tok = keyword(word).unwrap_or_else(|| Tok::Ident(word.to_owned()));
                (tok, end - start)
            }
            b'+' => simple(Tok::Plus, 1),
            b'-' => simple(Tok::Minus, 1),
            b'*' => simple(Tok::Star, 1),
            b'/' => simple(Tok::Slash, 1),
            b'(' => simple(Tok::LParen, 1),
            b')' => simple(Tok::RParen, 1),
            b'[' => simple(Tok::LBracket, 1),
            b']' => simple(Tok::RBracket, 1),
            b',' => simple(Tok::Comma, 1),
            b'.' => simple(Tok::Dot, 1),
            b'<' if bytes.get(i + 1) == Some(&b'=') => simple(Tok::Le, 2),
            b'<' => simple(Tok::Lt, 1),
            b'>' if bytes.get(i + 1) == Some(&b'=') => simple(Tok::Ge, 2),
            b'>' => simple(Tok::Gt, 1),
            b'=' if bytes.get(i + 1) == Some(&b'=') => simple(Tok::EqEq, 2),
            b'!' if bytes.get(i + 1) == Some(&b'=') => simple(Tok::Ne, 2),
            b'=' => {
                err(errors, "use `==` to compare for equality".into(), i, i + 1);
                simple(Tok::EqEq, 1)
            }
            b'!' => {
                err(errors, "use `not` for negation".into(), i, i + 1);
                simple(Tok::Not, 1)
            }
            b'&' if bytes.get(i + 1) == Some(&b'&') => {
                err(errors, "use `and` instead of `&&`".into(), i, i + 2);
                simple(Tok::And, 2)
            }
            b'|' if bytes.get(i + 1) == Some(&b'|') => {
                err(errors, "use `or` instead of `||`".into(), i, i + 2);
                simple(Tok::Or, 2)
            }
            b'%' => {
                err(
                    errors,
                    "`%` must directly follow a number, as in `15%`".into(),
                    i,
                    i + 1,
                );
                i += 1;
                continue;
            }
            _ => {
                let c = src[i..].chars().next().unwrap_or('\u{fffd}');
                let len = c.len_utf8();
                err(errors, format!("unexpected character `{c}`"), i, i + len);
                i += len;
                continue;
            }
        };
        out.push(Token {
            tok,
            span: Span::new(start, start + len),
        });
        i += len;
    }
    out.push(Token {
        tok: Tok::Eof,
        span: Span::new(src.len(), src.len()),
    });
    out
}

/// Lexes `12`, `0.5`, `15%`, `15pp` starting at `start`; returns the token and its end.
fn lex_number(src: &str, start: usize, errors: &mut Vec<ExprError>) -> (Tok, usize) {
    let bytes = src.as_bytes();
    let mut end = start;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if end < bytes.len() && bytes[end] == b'.' {
        if bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
            end += 1;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
        } else {
            errors.push(ExprError::new(
                codes::SYNTAX,
                "expected a digit after the decimal point",
                Span::new(end, end + 1),
            ));
            end += 1;
        }
    }
    let text = src[start..end].trim_end_matches('.');
    let value = match Decimal::from_str_exact(text) {
        Ok(v) => v,
        Err(_) => {
            errors.push(ExprError::new(
                codes::SYNTAX,
                format!(
                    "number `{text}` cannot be represented exactly (at most 28 significant digits)"
                ),
                Span::new(start, end),
            ));
            Decimal::ZERO
        }
    };
    if bytes.get(end) == Some(&b'%') {
        return (Tok::Percent(value), end + 1);
    }
    if bytes.get(end).is_some_and(|&b| is_ident_start(b)) {
        let mut suffix_end = end + 1;
        while suffix_end < bytes.len() && is_ident_continue(bytes[suffix_end]) {
            suffix_end += 1;
        }
        let suffix = &src[end..suffix_end];
        if suffix == "pp" {
            return (Tok::Points(value), suffix_end);
        }
        errors.push(ExprError::new(
            codes::SYNTAX,
            format!(
                "unknown number suffix `{suffix}`: write `%` for percent or `pp` for percentage points"
            ),
            Span::new(end, suffix_end),
        ));
        return (Tok::Num(value), suffix_end);
    }
    (Tok::Num(value), end)
}

/// Lexes a `"..."` string with `\"` and `\\` escapes; returns the token and its end.
fn lex_string(src: &str, start: usize, errors: &mut Vec<ExprError>) -> (Tok, usize) {
    let mut value = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((off, c)) = chars.next() {
        let at = start + 1 + off;
        match c {
            '"' => return (Tok::Str(value), at + 1),
            '\\' => match chars.next() {
                Some((_, e @ ('"' | '\\'))) => value.push(e),
                Some((off2, e)) => {
                    let end = start + 1 + off2 + e.len_utf8();
                    errors.push(ExprError::new(
                        codes::SYNTAX,
                        format!("unknown escape `\\{e}`: only `\\\"` and `\\\\` are allowed"),
                        Span::new(at, end),
                    ));
                    if e == '\n' {
                        return unterminated(start, at, errors);
                    }
                }
                None => return unterminated(start, src.len(), errors),
            },
            '\n' => return unterminated(start, at, errors),
            _ => value.push(c),
        }
    }
    unterminated(start, src.len(), errors)
}

fn unterminated(start: usize, end: usize, errors: &mut Vec<ExprError>) -> (Tok, usize) {
    errors.push(ExprError::new(
        codes::SYNTAX,
        "unterminated string: add the closing `\"`",
        Span::new(start, end),
    ));
    (Tok::Str(String::new()), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> (Vec<Tok>, Vec<ExprError>) {
        let mut errors = Vec::new();
        let toks = lex(src, &mut errors).into_iter().map(|t| t.tok).collect();
        (toks, errors)
    }

    #[test]
    fn literals_and_suffixes() {
        let (t, e) = toks("12 0.5 15% 15pp \"a\\\"b\\\\\" x.y_1 and");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            t,
            vec![
                Tok::Num(Decimal::new(12, 0)),
                Tok::Num(Decimal::new(5, 1)),
                Tok::Percent(Decimal::new(15, 0)),
                Tok::Points(Decimal::new(15, 0)),
                Tok::Str("a\"b\\".into()),
                Tok::Ident("x".into()),
                Tok::Dot,
                Tok::Ident("y_1".into()),
                Tok::And,
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn bad_input_is_reported_and_skipped() {
        let (t, e) = toks("a = b ж 1x \"open");
        assert_eq!(e.len(), 4, "{e:?}");
        assert_eq!(e[1].span, Span::new(6, 8));
        assert!(t.contains(&Tok::EqEq));
    }

    #[test]
    fn long_number_is_an_error_not_a_rounding() {
        let (_, e) = toks("1234567890123456789012345678901234");
        assert_eq!(e.len(), 1);
    }
}
