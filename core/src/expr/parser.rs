//! Pratt parser with an explicit depth counter and error recovery.
//!
//! Safety against hostile input: the source length is checked before lexing; recursion depth
//! is counted on entry to every recursive call and errors out before it can exhaust the stack
//! (and is capped at [`Limits::DEPTH_CEILING`] whatever the configuration); every node added is
//! counted and its subtree height checked, so long flat chains like `a or b or ...` also stop
//! early. A limit error aborts parsing at once.

use super::ast::{Ast, BinaryOp, ExprKind, Literal, Node, NodeId, UnaryOp};
use super::error::{ExprError, Span, codes, floor_boundary};
use super::lexer::{Tok, Token, lex};

/// Bounds on what an untrusted expression may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest accepted source text, in bytes (checked before lexing).
    pub max_source_bytes: usize,
    /// Deepest accepted nesting: both parser recursion and syntax-tree height. Values above
    /// [`Limits::DEPTH_CEILING`] act as the ceiling.
    pub max_depth: usize,
    /// Most syntax-tree nodes accepted.
    pub max_nodes: usize,
}

impl Limits {
    /// Hard ceiling on nesting depth, whatever `max_depth` says: keeps the parser's stack use
    /// far below a 2 MiB thread stack even in debug builds.
    pub const DEPTH_CEILING: usize = 256;
}

impl Default for Limits {
    /// 64 KiB of source, depth 64, 4096 nodes.
    fn default() -> Limits {
        Limits {
            max_source_bytes: 64 * 1024,
            max_depth: 64,
            max_nodes: 4096,
        }
    }
}

/// At most this many errors are reported for one expression.
const MAX_ERRORS: usize = 50;

/// Parses an expression, reporting all syntax errors it can (sorted by position).
///
/// ```
/// use oko::expr::{parse, Limits};
/// let ast = parse("school.pass_rate >= 90%", &Limits::default()).unwrap();
/// assert_eq!(ast.len(), 3);
/// let errors = parse("min(a, , b) + (c", &Limits::default()).unwrap_err();
/// assert_eq!(errors.len(), 2);
/// ```
pub fn parse(src: &str, limits: &Limits) -> Result<Ast, Vec<ExprError>> {
    if src.len() > limits.max_source_bytes {
        let at = floor_boundary(src, limits.max_source_bytes);
        return Err(vec![ExprError::new(
            codes::EXPRESSION_SIZE,
            format!(
                "expression is {} bytes long; the limit is {} bytes",
                src.len(),
                limits.max_source_bytes
            ),
            Span::new(at, at),
        )]);
    }
    let mut errors = Vec::new();
    let tokens = lex(src, &mut errors);
    let mut p = Parser {
        tokens,
        pos: 0,
        nodes: Vec::new(),
        errors,
        depth: 0,
        max_depth: limits.max_depth.min(Limits::DEPTH_CEILING),
        max_nodes: limits.max_nodes.min(u32::MAX as usize),
    };
    let result = p.parse_root();
    let mut errors = p.errors;
    match result {
        Ok(root) if errors.is_empty() => Ok(Ast {
            nodes: p.nodes,
            root,
        }),
        _ => {
            errors.sort_by_key(|e| (e.span.start, e.span.end));
            errors.truncate(MAX_ERRORS);
            Err(errors)
        }
    }
}

/// Parsing stopped on a limit; the limit error is already recorded.
struct Abort;

type PResult = Result<NodeId, Abort>;

// Binding powers (left, right); higher binds tighter.
const OR_BP: (u8, u8) = (1, 2);
const AND_BP: (u8, u8) = (3, 4);
const NOT_BP: u8 = 5;
const CMP_BP: (u8, u8) = (7, 8);
const ADD_BP: (u8, u8) = (9, 10);
const MUL_BP: (u8, u8) = (11, 12);
const NEG_BP: u8 = 13;

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    nodes: Vec<Node>,
    errors: Vec<ExprError>,
    depth: usize,
    max_depth: usize,
    max_nodes: usize,
}

/// What may follow an operand.
enum Infix {
    Binary(BinaryOp, (u8, u8)),
    In { negated: bool },
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].tok
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        let i = (self.pos + ahead).min(self.tokens.len() - 1);
        &self.tokens[i].tok
    }

    fn span(&self) -> Span {
        self.tokens[self.pos].span
    }

    fn bump(&mut self) -> Token {
        let t = self.tokens[self.pos].clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    /// Records a syntax error, unless one was just recorded at the same place (a cascade).
    fn error(&mut self, message: impl Into<String>, span: Span) {
        let repeat = self.errors.last().is_some_and(|e| e.span == span);
        if !repeat && self.errors.len() < MAX_ERRORS {
            self.errors
                .push(ExprError::new(codes::SYNTAX, message, span));
        }
    }

    fn limit(&mut self, code: &'static str, message: String, span: Span) -> Abort {
        self.errors.push(ExprError::new(code, message, span));
        Abort
    }

    fn depth_error(&mut self, span: Span) -> Abort {
        let message = format!(
            "expression is nested more than {} levels deep (each operator of a chain such as \
             `a or b or c` adds a level); split the rule or use count(...)/share(...)",
            self.max_depth
        );
        self.limit(codes::EXPRESSION_DEPTH, message, span)
    }

    /// Adds a node, checking the node count and the subtree height.
    fn push(&mut self, kind: ExprKind, span: Span) -> PResult {
        if self.nodes.len() >= self.max_nodes {
            let message = format!(
                "expression has more than {} nodes; split the rule",
                self.max_nodes
            );
            return Err(self.limit(codes::EXPRESSION_NODES, message, span));
        }
        let child_depth = |id: &NodeId| self.nodes[id.index()].depth;
        let below = match &kind {
            ExprKind::Literal(_) | ExprKind::Name(_) => 0,
            ExprKind::Unary { operand, .. } => child_depth(operand),
            ExprKind::Binary { lhs, rhs, .. } => child_depth(lhs).max(child_depth(rhs)),
            ExprKind::In { value, list, .. } => list
                .iter()
                .map(child_depth)
                .fold(child_depth(value), u32::max),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => child_depth(cond)
                .max(child_depth(then))
                .max(child_depth(otherwise)),
            ExprKind::Call { args, .. } => args.iter().map(child_depth).fold(0, u32::max),
        };
        let depth = below + 1;
        if depth as usize > self.max_depth {
            return Err(self.depth_error(span));
        }
        let id = NodeId(self.nodes.len() as u32);
        self.nodes.push(Node { kind, span, depth });
        Ok(id)
    }

    /// A placeholder node standing for text that failed to parse.
    fn placeholder(&mut self, span: Span) -> PResult {
        self.push(ExprKind::Literal(Literal::Null), span)
    }

    fn parse_root(&mut self) -> PResult {
        let root = self.parse_expr(0)?;
        if *self.peek() != Tok::Eof {
            let t = self.bump();
            self.error(
                format!(
                    "unexpected {} after the end of the expression",
                    t.tok.describe()
                ),
                t.span,
            );
        }
        Ok(root)
    }

    fn parse_expr(&mut self, min_bp: u8) -> PResult {
        self.depth += 1;
        if self.depth > self.max_depth {
            let span = self.span();
            return Err(self.depth_error(span));
        }
        let result = self.parse_expr_inner(min_bp);
        self.depth -= 1;
        result
    }

    fn infix(&self) -> Option<Infix> {
        Some(match self.peek() {
            Tok::Or => Infix::Binary(BinaryOp::Or, OR_BP),
            Tok::And => Infix::Binary(BinaryOp::And, AND_BP),
            Tok::Lt => Infix::Binary(BinaryOp::Lt, CMP_BP),
            Tok::Le => Infix::Binary(BinaryOp::Le, CMP_BP),
            Tok::Gt => Infix::Binary(BinaryOp::Gt, CMP_BP),
            Tok::Ge => Infix::Binary(BinaryOp::Ge, CMP_BP),
            Tok::EqEq => Infix::Binary(BinaryOp::Eq, CMP_BP),
            Tok::Ne => Infix::Binary(BinaryOp::Ne, CMP_BP),
            Tok::Plus => Infix::Binary(BinaryOp::Add, ADD_BP),
            Tok::Minus => Infix::Binary(BinaryOp::Sub, ADD_BP),
            Tok::Star => Infix::Binary(BinaryOp::Mul, MUL_BP),
            Tok::Slash => Infix::Binary(BinaryOp::Div, MUL_BP),
            Tok::In => Infix::In { negated: false },
            Tok::Not if *self.peek_at(1) == Tok::In => Infix::In { negated: true },
            _ => return None,
        })
    }

    fn parse_expr_inner(&mut self, min_bp: u8) -> PResult {
        let mut lhs = self.parse_prefix()?;
        let mut compared = false;
        while let Some(infix) = self.infix() {
            let (left_bp, right_bp) = match infix {
                Infix::Binary(_, bp) => bp,
                Infix::In { .. } => CMP_BP,
            };
            if left_bp < min_bp {
                break;
            }
            let op_span = self.span();
            if left_bp == CMP_BP.0 {
                if compared {
                    self.error(
                        "comparisons cannot be chained; join them with `and`",
                        op_span,
                    );
                }
                compared = true;
            }
            self.bump();
            let start = self.nodes[lhs.index()].span;
            lhs = match infix {
                Infix::Binary(op, _) => {
                    let rhs = self.parse_expr(right_bp)?;
                    let span = start.to(self.nodes[rhs.index()].span);
                    self.push(
                        ExprKind::Binary {
                            op,
                            op_span,
                            lhs,
                            rhs,
                        },
                        span,
                    )?
                }
                Infix::In { negated } => {
                    let op_span = if negated {
                        op_span.to(self.bump().span)
                    } else {
                        op_span
                    };
                    let (list, end) = self.parse_list(op_span)?;
                    self.push(
                        ExprKind::In {
                            value: lhs,
                            list,
                            negated,
                        },
                        start.to(end),
                    )?
                }
            };
        }
        Ok(lhs)
    }

    fn parse_prefix(&mut self) -> PResult {
        let span = self.span();
        let literal = |tok: &Tok| {
            Some(match tok {
                Tok::Num(d) => Literal::Number(*d),
                Tok::Percent(d) => Literal::Percent(*d),
                Tok::Points(d) => Literal::Points(*d),
                Tok::Str(s) => Literal::Str(s.clone()),
                Tok::True => Literal::Bool(true),
                Tok::False => Literal::Bool(false),
                Tok::Null => Literal::Null,
                _ => return None,
            })
        };
        if let Some(lit) = literal(self.peek()) {
            self.bump();
            return self.push(ExprKind::Literal(lit), span);
        }
        match self.peek().clone() {
            Tok::Minus | Tok::Not => {
                let op = if *self.peek() == Tok::Minus {
                    UnaryOp::Neg
                } else {
                    UnaryOp::Not
                };
                self.bump();
                let bp = if op == UnaryOp::Neg { NEG_BP } else { NOT_BP };
                let operand = self.parse_expr(bp)?;
                let span = span.to(self.nodes[operand.index()].span);
                self.push(ExprKind::Unary { op, operand }, span)
            }
            Tok::LParen => {
                self.bump();
                let inner = self.parse_expr(0)?;
                self.expect_close(Tok::RParen, span);
                Ok(inner)
            }
            Tok::If => {
                self.bump();
                let cond = self.parse_expr(0)?;
                self.expect_keyword(Tok::Then, "`then` after the condition of `if`");
                let then = self.parse_expr(0)?;
                self.expect_keyword(Tok::Else, "`else`: every `if` needs an `else` branch");
                let otherwise = self.parse_expr(0)?;
                let span = span.to(self.nodes[otherwise.index()].span);
                self.push(
                    ExprKind::If {
                        cond,
                        then,
                        otherwise,
                    },
                    span,
                )
            }
            Tok::Ident(first) => self.parse_name_or_call(first, span),
            Tok::LBracket => {
                self.error("a list `[...]` is only allowed after `in`", span);
                self.recover(span)
            }
            other => {
                self.error(
                    format!("expected an expression, found {}", other.describe()),
                    span,
                );
                self.recover(span)
            }
        }
    }

    fn parse_name_or_call(&mut self, first: String, start: Span) -> PResult {
        self.bump();
        let mut path = vec![first];
        let mut span = start;
        while *self.peek() == Tok::Dot {
            self.bump();
            match self.peek().clone() {
                Tok::Ident(seg) => {
                    span = span.to(self.bump().span);
                    path.push(seg);
                }
                other => {
                    let at = self.span();
                    self.error(
                        format!("expected a name after `.`, found {}", other.describe()),
                        at,
                    );
                    break;
                }
            }
        }
        if *self.peek() != Tok::LParen {
            return self.push(ExprKind::Name(path), span);
        }
        if path.len() > 1 {
            self.error("only simple names can be called as functions", span);
        }
        let open = self.bump().span;
        let mut args = Vec::new();
        let end = self.parse_items(&mut args, Tok::RParen, open)?;
        self.push(
            ExprKind::Call {
                name: path.join("."),
                name_span: span,
                args,
            },
            start.to(end),
        )
    }

    /// Parses `[a, b, ...]` after `in`.
    fn parse_list(&mut self, op_span: Span) -> Result<(Vec<NodeId>, Span), Abort> {
        if *self.peek() != Tok::LBracket {
            let at = self.span();
            self.error(
                format!(
                    "expected `[` to start the list after `in`, found {}",
                    self.peek().describe()
                ),
                at,
            );
            let node = self.recover(at)?;
            return Ok((vec![node], at));
        }
        let open = self.bump().span;
        let mut items = Vec::new();
        let end = self.parse_items(&mut items, Tok::RBracket, open)?;
        if items.is_empty() {
            self.error(
                "the list after `in` needs at least one element",
                op_span.to(end),
            );
        }
        Ok((items, end))
    }

    /// Parses comma-separated expressions up to `close`; recovers at commas and brackets.
    /// Returns the span of the closing token (or of where it was expected).
    fn parse_items(
        &mut self,
        items: &mut Vec<NodeId>,
        close: Tok,
        open: Span,
    ) -> Result<Span, Abort> {
        loop {
            if *self.peek() == close {
                return Ok(self.bump().span);
            }
            if *self.peek() == Tok::Eof {
                let at = self.span();
                self.error(
                    format!(
                        "unclosed {}: expected {}",
                        describe_open(&close),
                        close.describe()
                    ),
                    open.to(at),
                );
                return Ok(at);
            }
            items.push(self.parse_expr(0)?);
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                }
                t if *t == close => {}
                Tok::Eof => {}
                other => {
                    let at = self.span();
                    self.error(
                        format!(
                            "expected `,` or {}, found {}",
                            close.describe(),
                            other.describe()
                        ),
                        at,
                    );
                    self.skip_to_sync();
                    // Consume a comma, or a stray `]`/`)`/`then`/`else`, so the loop advances.
                    if *self.peek() != close && *self.peek() != Tok::Eof {
                        self.bump();
                    }
                }
            }
        }
    }

    fn expect_close(&mut self, close: Tok, open: Span) {
        if *self.peek() == close {
            self.bump();
            return;
        }
        let at = self.span();
        let found = self.peek().describe();
        self.error(
            format!(
                "expected {} to close {} opened here, found {found}",
                close.describe(),
                describe_open(&close)
            ),
            open.to(at),
        );
        self.skip_to_sync();
        if *self.peek() == close {
            self.bump();
        }
    }

    fn expect_keyword(&mut self, kw: Tok, what: &str) {
        if *self.peek() == kw {
            self.bump();
        } else {
            let at = self.span();
            let found = self.peek().describe();
            self.error(format!("expected {what}, found {found}"), at);
        }
    }

    /// Skips the bad text of a failed operand and stands a placeholder node in for it.
    fn recover(&mut self, span: Span) -> PResult {
        self.skip_to_sync();
        self.placeholder(span)
    }

    /// Skips tokens up to (not including) a `,`, `)`, `]`, `then`, `else` or the end that is
    /// not nested inside brackets opened while skipping.
    fn skip_to_sync(&mut self) {
        let mut nesting = 0usize;
        loop {
            match self.peek() {
                Tok::Eof => return,
                Tok::LParen | Tok::LBracket => nesting += 1,
                Tok::RParen | Tok::RBracket if nesting > 0 => nesting -= 1,
                Tok::Comma | Tok::RParen | Tok::RBracket | Tok::Then | Tok::Else
                    if nesting == 0 =>
                {
                    return;
                }
                _ => {}
            }
            self.bump();
        }
    }
}

fn describe_open(close: &Tok) -> &'static str {
    if *close == Tok::RBracket {
        "`[`"
    } else {
        "`(`"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(src: &str) -> String {
        let ast = parse(src, &Limits::default()).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        // Reconstruct a fully parenthesised form, bottom-up (children come first).
        let mut text: Vec<String> = Vec::new();
        for node in ast.nodes() {
            let t = |id: &NodeId| text[id.index()].clone();
            let s = match &node.kind {
                ExprKind::Literal(Literal::Number(d)) => d.to_string(),
                ExprKind::Literal(l) => format!("{l:?}"),
                ExprKind::Name(p) => p.join("."),
                ExprKind::Unary { op, operand } => format!("({op:?} {})", t(operand)),
                ExprKind::Binary { op, lhs, rhs, .. } => {
                    format!("({} {} {})", t(lhs), op.symbol(), t(rhs))
                }
                ExprKind::In {
                    value,
                    list,
                    negated,
                } => format!(
                    "({} {}in [{}])",
                    t(value),
                    if *negated { "not " } else { "" },
                    list.iter().map(t).collect::<Vec<_>>().join(", ")
                ),
                ExprKind::If {
                    cond,
                    then,
                    otherwise,
                } => format!("(if {} then {} else {})", t(cond), t(then), t(otherwise)),
                ExprKind::Call { name, args, .. } => {
                    format!(
                        "{name}({})",
                        args.iter().map(t).collect::<Vec<_>>().join(", ")
                    )
                }
            };
            text.push(s);
        }
        text[ast.root().index()].clone()
    }

    #[test]
    fn precedence() {
        assert_eq!(shape("1 + 2 * 3 - 4"), "((1 + (2 * 3)) - 4)");
        assert_eq!(shape("-a * b"), "((Neg a) * b)");
        assert_eq!(
            shape("not a == b and c or d"),
            "(((Not (a == b)) and c) or d)"
        );
        assert_eq!(shape("a or b and c"), "(a or (b and c))");
        assert_eq!(
            shape("x not in [1, 2] and y in [3]"),
            "((x not in [1, 2]) and (y in [3]))"
        );
        assert_eq!(
            shape("if a > 1 then b else c + 1"),
            "(if (a > 1) then b else (c + 1))"
        );
        assert_eq!(shape("f(a.b, (1 + 2) * 3,)"), "f(a.b, ((1 + 2) * 3))");
        assert_eq!(shape("10 / 2 / 5"), "((10 / 2) / 5)");
    }

    #[test]
    fn several_errors_are_reported() {
        let e = parse("min(a, , b) + (c", &Limits::default()).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(e[0].span, Span::new(7, 8));
        let e = parse("a < b < c", &Limits::default()).unwrap_err();
        assert_eq!(e[0].span, Span::new(6, 7));
        let e = parse("f(a b, c d) and ]", &Limits::default()).unwrap_err();
        assert_eq!(e.len(), 3, "{e:?}");
    }

    #[test]
    fn node_limit() {
        let limits = Limits {
            max_nodes: 3,
            ..Limits::default()
        };
        let e = parse("a + b + c", &limits).unwrap_err();
        assert_eq!(e.last().map(|e| e.code), Some(codes::EXPRESSION_NODES));
    }
}
