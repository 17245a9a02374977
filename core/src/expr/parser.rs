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
#[derive(Clone, Copy)]
enum Infix {
    Binary(BinaryOp, (u8, u8)),
    In { negated: bool },
}

/// The closing bracket of a call's arguments or of a list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Closer {
    Paren,
    Bracket,
}

impl Closer {
    fn tok(self) -> Tok {
        match self {
            Closer::Paren => Tok::RParen,
            Closer::Bracket => Tok::RBracket,
        }
    }

    fn describe(self) -> (&'static str, &'static str) {
        match self {
            Closer::Paren => ("`(`", "`)`"),
            Closer::Bracket => ("`[`", "`]`"),
        }
    }
}

// The functions on the recursive path (parse_expr, parse_expr_inner, parse_prefix, parse_paren,
// parse_unary, parse_if, parse_name_or_call, parse_call, parse_in, parse_list, parse_items) keep
// few locals; node building and error formatting live in out-of-line helpers, so that a debug
// build needs little stack per nesting level.
impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].tok
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        let i = (self.pos + ahead).min(self.tokens.len() - 1);
        &self.tokens[i].tok
    }

    fn at(&self, closer: Closer) -> bool {
        *self.peek() == closer.tok()
    }

    fn span(&self) -> Span {
        self.tokens[self.pos].span
    }

    /// Moves past the current token (never past the end) and returns its span.
    fn advance(&mut self) -> Span {
        let span = self.tokens[self.pos].span;
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        span
    }

    fn span_of(&self, id: NodeId) -> Span {
        self.nodes[id.index()].span
    }

    /// Records a syntax error, unless one was just recorded at the same place (a cascade).
    #[cold]
    #[inline(never)]
    fn error(&mut self, message: String, span: Span) {
        let repeat = self.errors.last().is_some_and(|e| e.span == span);
        if !repeat && self.errors.len() < MAX_ERRORS {
            self.errors
                .push(ExprError::new(codes::SYNTAX, message, span));
        }
    }

    /// Records "expected WHAT, found <current token>" at the current token.
    #[cold]
    #[inline(never)]
    fn expected(&mut self, what: &str) {
        let message = format!("expected {what}, found {}", self.peek().describe());
        let span = self.span();
        self.error(message, span);
    }

    #[cold]
    #[inline(never)]
    fn limit(&mut self, code: &'static str, message: String, span: Span) -> Abort {
        self.errors.push(ExprError::new(code, message, span));
        Abort
    }

    #[cold]
    #[inline(never)]
    fn depth_error(&mut self, span: Span) -> Abort {
        let message = format!(
            "expression is nested more than {} levels deep (each operator of a chain such as \
             `a or b or c` adds a level); split the rule or use count(...)/share(...)",
            self.max_depth
        );
        self.limit(codes::EXPRESSION_DEPTH, message, span)
    }

    /// Adds a node, checking the node count and the subtree height.
    #[inline(never)]
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

    fn parse_root(&mut self) -> PResult {
        let root = self.parse_expr(0)?;
        if *self.peek() != Tok::Eof {
            self.trailing();
        }
        Ok(root)
    }

    #[cold]
    #[inline(never)]
    fn trailing(&mut self) {
        let message = format!(
            "unexpected {} after the end of the expression",
            self.peek().describe()
        );
        let span = self.span();
        self.error(message, span);
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
            if left_bp == CMP_BP.0 {
                if compared {
                    self.chained_comparison();
                }
                compared = true;
            }
            lhs = match infix {
                Infix::Binary(op, _) => {
                    let op_span = self.advance();
                    let rhs = self.parse_expr(right_bp)?;
                    self.binary(op, op_span, lhs, rhs)?
                }
                Infix::In { negated } => self.parse_in(lhs, negated)?,
            };
        }
        Ok(lhs)
    }

    #[cold]
    #[inline(never)]
    fn chained_comparison(&mut self) {
        let span = self.span();
        self.error(
            "comparisons cannot be chained; join them with `and`".to_owned(),
            span,
        );
    }

    #[inline(never)]
    fn binary(&mut self, op: BinaryOp, op_span: Span, lhs: NodeId, rhs: NodeId) -> PResult {
        let span = self.span_of(lhs).to(self.span_of(rhs));
        self.push(
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            },
            span,
        )
    }

    fn parse_in(&mut self, value: NodeId, negated: bool) -> PResult {
        let mut op_span = self.advance();
        if negated {
            op_span = op_span.to(self.advance());
        }
        let mut list = Vec::new();
        let end = self.parse_list(&mut list, op_span)?;
        self.in_node(value, list, negated, end)
    }

    #[inline(never)]
    fn in_node(&mut self, value: NodeId, list: Vec<NodeId>, negated: bool, end: Span) -> PResult {
        let span = self.span_of(value).to(end);
        self.push(
            ExprKind::In {
                value,
                list,
                negated,
            },
            span,
        )
    }

    fn parse_prefix(&mut self) -> PResult {
        match self.peek() {
            Tok::Minus => self.parse_unary(UnaryOp::Neg, NEG_BP),
            Tok::Not => self.parse_unary(UnaryOp::Not, NOT_BP),
            Tok::LParen => self.parse_paren(),
            Tok::If => self.parse_if(),
            Tok::Ident(_) => self.parse_name_or_call(),
            _ => self.parse_leaf(),
        }
    }

    fn parse_unary(&mut self, op: UnaryOp, bp: u8) -> PResult {
        let start = self.advance();
        let operand = self.parse_expr(bp)?;
        self.unary(op, start, operand)
    }

    #[inline(never)]
    fn unary(&mut self, op: UnaryOp, start: Span, operand: NodeId) -> PResult {
        let span = start.to(self.span_of(operand));
        self.push(ExprKind::Unary { op, operand }, span)
    }

    fn parse_paren(&mut self) -> PResult {
        let open = self.advance();
        let inner = self.parse_expr(0)?;
        self.expect_close(Closer::Paren, open);
        Ok(inner)
    }

    fn parse_if(&mut self) -> PResult {
        let start = self.advance();
        let cond = self.parse_expr(0)?;
        self.expect_keyword(Tok::Then, "`then` after the condition of `if`");
        let then = self.parse_expr(0)?;
        self.expect_keyword(Tok::Else, "`else`: every `if` needs an `else` branch");
        let otherwise = self.parse_expr(0)?;
        self.if_node(start, cond, then, otherwise)
    }

    #[inline(never)]
    fn if_node(&mut self, start: Span, cond: NodeId, then: NodeId, otherwise: NodeId) -> PResult {
        let span = start.to(self.span_of(otherwise));
        self.push(
            ExprKind::If {
                cond,
                then,
                otherwise,
            },
            span,
        )
    }

    /// A literal, or an error with recovery for a token that cannot start an operand.
    #[inline(never)]
    fn parse_leaf(&mut self) -> PResult {
        let span = self.span();
        let lit = match self.peek() {
            Tok::Num(d) => Literal::Number(*d),
            Tok::Percent(d) => Literal::Percent(*d),
            Tok::Points(d) => Literal::Points(*d),
            Tok::Str(s) => Literal::Str(s.clone()),
            Tok::True => Literal::Bool(true),
            Tok::False => Literal::Bool(false),
            Tok::Null => Literal::Null,
            Tok::LBracket => {
                self.error("a list `[...]` is only allowed after `in`".to_owned(), span);
                return self.recover(span);
            }
            _ => {
                self.expected("an expression");
                return self.recover(span);
            }
        };
        self.advance();
        self.push(ExprKind::Literal(lit), span)
    }

    fn parse_name_or_call(&mut self) -> PResult {
        let (path, span) = self.parse_path();
        if *self.peek() == Tok::LParen {
            self.parse_call(path, span)
        } else {
            self.push(ExprKind::Name(path), span)
        }
    }

    /// Reads `ident { "." ident }`.
    #[inline(never)]
    fn parse_path(&mut self) -> (Vec<String>, Span) {
        let mut path = Vec::new();
        let mut span = self.span();
        if let Tok::Ident(first) = self.peek() {
            path.push(first.clone());
        }
        self.advance();
        while *self.peek() == Tok::Dot {
            self.advance();
            match self.peek() {
                Tok::Ident(seg) => {
                    path.push(seg.clone());
                    span = span.to(self.advance());
                }
                _ => {
                    self.expected("a name after `.`");
                    break;
                }
            }
        }
        (path, span)
    }

    fn parse_call(&mut self, path: Vec<String>, name_span: Span) -> PResult {
        if path.len() > 1 {
            self.error(
                "only simple names can be called as functions".to_owned(),
                name_span,
            );
        }
        let open = self.advance();
        let mut args = Vec::new();
        let end = self.parse_items(&mut args, Closer::Paren, open)?;
        self.call_node(path, name_span, args, end)
    }

    #[inline(never)]
    fn call_node(
        &mut self,
        path: Vec<String>,
        name_span: Span,
        args: Vec<NodeId>,
        end: Span,
    ) -> PResult {
        self.push(
            ExprKind::Call {
                name: path.join("."),
                name_span,
                args,
            },
            name_span.to(end),
        )
    }

    /// Parses `[a, b, ...]` after `in`; returns the span of its end.
    fn parse_list(&mut self, items: &mut Vec<NodeId>, op_span: Span) -> Result<Span, Abort> {
        if *self.peek() != Tok::LBracket {
            return self.missing_list(items);
        }
        let open = self.advance();
        let end = self.parse_items(items, Closer::Bracket, open)?;
        if items.is_empty() {
            self.error(
                "the list after `in` needs at least one element".to_owned(),
                op_span.to(end),
            );
        }
        Ok(end)
    }

    #[cold]
    #[inline(never)]
    fn missing_list(&mut self, items: &mut Vec<NodeId>) -> Result<Span, Abort> {
        let at = self.span();
        self.expected("`[` to start the list after `in`");
        items.push(self.recover(at)?);
        Ok(at)
    }

    /// Parses comma-separated expressions up to `closer`; recovers at commas and brackets.
    /// Returns the span of the closing token (or of where it was expected).
    fn parse_items(
        &mut self,
        items: &mut Vec<NodeId>,
        closer: Closer,
        open: Span,
    ) -> Result<Span, Abort> {
        loop {
            if self.at(closer) {
                return Ok(self.advance());
            }
            if *self.peek() == Tok::Eof {
                return Ok(self.unclosed(closer, open));
            }
            items.push(self.parse_expr(0)?);
            match self.peek() {
                Tok::Comma => {
                    self.advance();
                }
                Tok::Eof => {}
                _ if self.at(closer) => {}
                _ => self.bad_separator(closer),
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn unclosed(&mut self, closer: Closer, open: Span) -> Span {
        let at = self.span();
        let (o, c) = closer.describe();
        self.error(format!("unclosed {o}: expected {c}"), open.to(at));
        at
    }

    #[cold]
    #[inline(never)]
    fn bad_separator(&mut self, closer: Closer) {
        self.expected(&format!("`,` or {}", closer.describe().1));
        self.skip_to_sync();
        // Consume a comma, or a stray `]`/`)`/`then`/`else`, so the loop advances.
        if !self.at(closer) && *self.peek() != Tok::Eof {
            self.advance();
        }
    }

    fn expect_close(&mut self, closer: Closer, open: Span) {
        if self.at(closer) {
            self.advance();
        } else {
            self.missing_close(closer, open);
        }
    }

    #[cold]
    #[inline(never)]
    fn missing_close(&mut self, closer: Closer, open: Span) {
        let at = self.span();
        let (o, c) = closer.describe();
        let message = format!(
            "expected {c} to close {o} opened here, found {}",
            self.peek().describe()
        );
        self.error(message, open.to(at));
        self.skip_to_sync();
        if self.at(closer) {
            self.advance();
        }
    }

    fn expect_keyword(&mut self, kw: Tok, what: &str) {
        if *self.peek() == kw {
            self.advance();
        } else {
            self.expected(what);
        }
    }

    /// Skips the bad text of a failed operand and stands a placeholder node in for it.
    #[cold]
    #[inline(never)]
    fn recover(&mut self, span: Span) -> PResult {
        self.skip_to_sync();
        self.push(ExprKind::Literal(Literal::Null), span)
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
            self.advance();
        }
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
