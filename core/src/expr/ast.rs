//! Syntax tree of an expression, stored flat in post-order so that nothing ever walks it
//! recursively: every node's children come before it.

use rust_decimal::Decimal;

use super::error::Span;

/// Index of a node in an [`Ast`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// Position of the node in [`Ast::nodes`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A literal value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// `12`, `0.5`
    Number(Decimal),
    /// `15%` (value 15, unit Percent)
    Percent(Decimal),
    /// `15pp` (value 15, unit percentage points)
    Points(Decimal),
    /// `"text"`
    Str(String),
    /// `true`, `false`
    Bool(bool),
    /// `null`: an unknown value
    Null,
}

/// A prefix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

/// An infix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `and`
    And,
    /// `or`
    Or,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }

    /// True for `< <= > >= == !=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Eq | BinaryOp::Ne
        )
    }
}

/// What a node is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// A dotted name such as `municipality.median_score`, one entry per segment.
    Name(Vec<String>),
    /// `-x`, `not x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: NodeId,
    },
    /// `a op b`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Span of the operator token.
        op_span: Span,
        /// Left operand.
        lhs: NodeId,
        /// Right operand.
        rhs: NodeId,
    },
    /// `value in [a, b]` or `value not in [a, b]`.
    In {
        /// The tested value.
        value: NodeId,
        /// The list elements.
        list: Vec<NodeId>,
        /// True for `not in`.
        negated: bool,
    },
    /// `if cond then a else b`.
    If {
        /// The condition.
        cond: NodeId,
        /// Value when the condition is true.
        then: NodeId,
        /// Value when the condition is false.
        otherwise: NodeId,
    },
    /// `name(args...)`: a built-in or catalogue function.
    Call {
        /// Function name.
        name: String,
        /// Span of the function name.
        name_span: Span,
        /// Arguments.
        args: Vec<NodeId>,
    },
}

/// One node of an [`Ast`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Node {
    /// What the node is.
    pub kind: ExprKind,
    /// The source bytes it covers.
    pub span: Span,
    /// Height of the subtree (a leaf is 1).
    pub depth: u32,
}

/// A parsed expression. Built only by [`parse`](super::parse), so it always respects the
/// [`Limits`](super::Limits) it was parsed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ast {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: NodeId,
}

impl Ast {
    /// The root node.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// The node with this id.
    ///
    /// # Panics
    /// If the id comes from another tree and is out of range.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// All nodes in post-order: each node's children come before it; the root is last.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always false: a parsed expression has at least one node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}
