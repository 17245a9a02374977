//! Compilation: name resolution, type and unit checking, constant folding, and lowering to a
//! flat list of column instructions (a register machine).
//!
//! The syntax tree is stored in post-order, so compilation is one loop over the nodes: no
//! recursion, whatever the shape of the tree.

use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::ast::{Ast, BinaryOp, ExprKind, Literal, Node, NodeId, UnaryOp};
use super::catalogue::Catalogue;
use super::column::{Column, Reason};
use super::error::{ExprError, Span, codes};
use super::kernels::{Cmp, Kind, Op, exec};
use super::types::{self, Binding, Type};

/// Where an instruction reads an argument from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operand {
    /// A folded constant (index into the program's constants).
    Const(usize),
    /// A frame column (index into the program's inputs).
    Input(usize),
    /// The result of an earlier instruction.
    Reg(usize),
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Const(i) => write!(f, "c{i}"),
            Operand::Input(i) => write!(f, "in{i}"),
            Operand::Reg(i) => write!(f, "r{i}"),
        }
    }
}

/// One column instruction: `dst = op(args)`, then free the registers in `frees`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Instr {
    pub(crate) op: Op,
    pub(crate) args: Vec<Operand>,
    pub(crate) ty: Type,
    pub(crate) dst: usize,
    pub(crate) frees: Vec<usize>,
}

/// A name or catalogue call that an expression reads, for explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reference {
    /// The name as written (`school.pass_rate`, `findings("low_median")`).
    pub text: String,
    /// What the catalogue resolved it to.
    pub binding: Binding,
    /// Its first occurrence in the source.
    pub span: Span,
}

/// A compiled expression: column instructions ready for [`eval`](super::eval).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub(crate) instrs: Vec<Instr>,
    /// One-row constant columns, broadcast at evaluation.
    pub(crate) consts: Vec<Column>,
    /// Frame columns read, as (slot, bound type), in first-use order.
    pub(crate) inputs: Vec<(usize, Type)>,
    pub(crate) slots: Vec<usize>,
    pub(crate) result: Operand,
    pub(crate) ty: Type,
    pub(crate) regs: usize,
    pub(crate) references: Vec<Reference>,
    /// The source text, when compiled from text.
    pub(crate) source: String,
}

impl Program {
    /// The expression's source text (empty when compiled from a syntax tree alone).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The type of the expression's value.
    pub fn ty(&self) -> Type {
        self.ty
    }

    /// The frame slots the program reads, sorted and without repeats: only these columns need
    /// to be materialised.
    pub fn inputs(&self) -> &[usize] {
        &self.slots
    }

    /// The names and catalogue calls the source uses, in order of first appearance.
    pub fn referenced_names(&self) -> &[Reference] {
        &self.references
    }

    /// Number of column instructions (0 when the expression folded to a constant or is a
    /// single input).
    pub fn instruction_count(&self) -> usize {
        self.instrs.len()
    }

    /// True when the value does not depend on any input.
    pub fn is_constant(&self) -> bool {
        matches!(self.result, Operand::Const(_))
    }
}

impl fmt::Display for Program {
    /// A listing of the instructions, one per line, for debugging and explanations.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.consts.iter().enumerate() {
            match c.get(0) {
                Some(d) => writeln!(f, "c{i} = {d} : {}", c.ty())?,
                None => writeln!(f, "c{i} = ? : {}", c.ty())?,
            }
        }
        for (i, (slot, ty)) in self.inputs.iter().enumerate() {
            writeln!(f, "in{i} = slot {slot} : {ty}")?;
        }
        for ins in &self.instrs {
            let args: Vec<String> = ins.args.iter().map(ToString::to_string).collect();
            writeln!(
                f,
                "r{} = {:?}({}) : {}",
                ins.dst,
                ins.op,
                args.join(", "),
                ins.ty
            )?;
        }
        write!(f, "result {} : {}", self.result, self.ty)
    }
}

/// A compiled node: a constant (one-row column) or a column computed at evaluation.
#[derive(Debug, Clone)]
enum V {
    Const(Column),
    Dyn(Operand),
}

#[derive(Debug, Clone)]
struct Val {
    ty: Type,
    v: V,
}

/// Highest `round` precision a decimal supports.
const MAX_ROUND_DIGITS: u32 = 28;

/// Resolves names against `catalogue`, checks types and units, and lowers `ast` to a
/// [`Program`]. Reports every problem found (sorted by position), not just the first.
///
/// ```
/// use oko::expr::{compile, parse, Binding, Limits, MapCatalogue, Type};
/// let cat = MapCatalogue::new()
///     .with_name("school.pass_rate", Binding { slot: 0, ty: Type::Percent });
/// let ast = parse("school.pass_rate >= 90%", &Limits::default()).unwrap();
/// let program = compile(&ast, &cat).unwrap();
/// assert_eq!(program.ty(), Type::Bool);
/// assert_eq!(program.inputs(), &[0]);
///
/// let ast = parse("school.pass_rate >= 15pp", &Limits::default()).unwrap();
/// let errors = compile(&ast, &cat).unwrap_err();
/// assert_eq!(errors[0].code, "rule.unit_mismatch");
/// ```
pub fn compile(ast: &Ast, catalogue: &dyn Catalogue) -> Result<Program, Vec<ExprError>> {
    let mut c = Compiler {
        catalogue,
        errors: Vec::new(),
        instrs: Vec::new(),
        consts: Vec::new(),
        inputs: Vec::new(),
        references: Vec::new(),
    };
    let mut vals: Vec<Option<Val>> = Vec::with_capacity(ast.len());
    for node in ast.nodes() {
        let val = c.node(ast, node, &vals);
        vals.push(val);
    }
    let root = vals.get(ast.root().index()).cloned().flatten();
    match root {
        Some(root) if c.errors.is_empty() => Ok(c.finish(root)),
        _ => {
            let mut errors = c.errors;
            errors.sort_by_key(|e| (e.span.start, e.span.end));
            Err(errors)
        }
    }
}

struct Compiler<'c> {
    catalogue: &'c dyn Catalogue,
    errors: Vec<ExprError>,
    instrs: Vec<Instr>,
    consts: Vec<Column>,
    inputs: Vec<(usize, Type)>,
    references: Vec<Reference>,
}

fn literal(lit: &Literal) -> Val {
    let one = |ty, d: Decimal| Column::decimals(ty, vec![d]);
    let (ty, col) = match lit {
        Literal::Number(d) => (Type::Number, one(Type::Number, *d)),
        Literal::Percent(d) => (Type::Percent, one(Type::Percent, *d)),
        Literal::Points(d) => (Type::Points, one(Type::Points, *d)),
        Literal::Str(s) => (
            Type::Str,
            Some(Column::strings(vec![Some(s.clone())], Reason::Null)),
        ),
        Literal::Bool(b) => (
            Type::Bool,
            Some(Column::bools(vec![Some(*b)], Reason::Null)),
        ),
        Literal::Null => (Type::Null, Some(Column::unknown(1, Reason::Null))),
    };
    let col = col.unwrap_or_else(|| Column::unknown(1, Reason::Null));
    Val {
        ty,
        v: V::Const(col),
    }
}

/// Renders a string literal as source text.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Compiler<'_> {
    fn error(&mut self, code: &'static str, message: impl Into<String>, span: Span) {
        self.errors.push(ExprError::new(code, message, span));
    }

    fn check<T>(&mut self, result: Result<T, types::TypeError>, span: Span) -> Option<T> {
        result
            .map_err(|(code, message)| self.error(code, message, span))
            .ok()
    }

    /// An operand for `val`, registering its constant if it is one.
    fn operand(&mut self, val: &Val) -> Operand {
        match &val.v {
            V::Dyn(op) => *op,
            V::Const(col) => {
                self.consts.push(col.clone());
                Operand::Const(self.consts.len() - 1)
            }
        }
    }

    /// Emits `op(args)`, or folds it when every argument is a constant.
    fn emit(&mut self, op: Op, args: &[&Val], ty: Type) -> Val {
        let consts: Vec<&Column> = args
            .iter()
            .filter_map(|a| match &a.v {
                V::Const(c) => Some(c),
                V::Dyn(_) => None,
            })
            .collect();
        if consts.len() == args.len() {
            return Val {
                ty,
                v: V::Const(exec(op, &consts, 1, ty)),
            };
        }
        let args = args.iter().map(|a| self.operand(a)).collect();
        let dst = self.instrs.len();
        self.instrs.push(Instr {
            op,
            args,
            ty,
            dst,
            frees: Vec::new(),
        });
        Val {
            ty,
            v: V::Dyn(Operand::Reg(dst)),
        }
    }

    fn bind(&mut self, text: String, binding: Binding, span: Span) -> Val {
        if !self.references.iter().any(|r| r.text == text) {
            self.references.push(Reference {
                text,
                binding,
                span,
            });
        }
        let key = (binding.slot, binding.ty);
        let index = match self.inputs.iter().position(|i| *i == key) {
            Some(i) => i,
            None => {
                self.inputs.push(key);
                self.inputs.len() - 1
            }
        };
        Val {
            ty: binding.ty,
            v: V::Dyn(Operand::Input(index)),
        }
    }

    fn node(&mut self, ast: &Ast, node: &Node, vals: &[Option<Val>]) -> Option<Val> {
        let get = |id: &NodeId| vals[id.index()].as_ref();
        let span_of = |id: &NodeId| ast.node(*id).span;
        match &node.kind {
            ExprKind::Literal(lit) => Some(literal(lit)),
            ExprKind::Name(path) => {
                let parts: Vec<&str> = path.iter().map(String::as_str).collect();
                let text = path.join(".");
                match self.catalogue.name(&parts) {
                    Some(b) => Some(self.bind(text, b, node.span)),
                    None => {
                        self.error(
                            codes::UNKNOWN_NAME,
                            format!("unknown name `{text}`"),
                            node.span,
                        );
                        None
                    }
                }
            }
            ExprKind::Unary { op, operand } => {
                let a = get(operand)?;
                match op {
                    UnaryOp::Neg => {
                        let ty = self.check(types::numeric("`-`", a.ty), node.span)?;
                        Some(self.emit(Op::Neg, &[a], ty))
                    }
                    UnaryOp::Not => {
                        self.check(types::boolean("`not`", a.ty), node.span)?;
                        Some(self.emit(Op::Not, &[a], Type::Bool))
                    }
                }
            }
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => {
                let (l, r) = (get(lhs)?, get(rhs)?);
                let ty = self.check(types::binary(*op, l.ty, r.ty), *op_span)?;
                let kind = Kind::of(if l.ty == Type::Null { r.ty } else { l.ty });
                let op = match op {
                    BinaryOp::Add => Op::Add,
                    BinaryOp::Sub => Op::Sub,
                    BinaryOp::Mul => Op::Mul,
                    BinaryOp::Div => Op::Div,
                    BinaryOp::Lt => Op::Cmp(Cmp::Lt, kind),
                    BinaryOp::Le => Op::Cmp(Cmp::Le, kind),
                    BinaryOp::Gt => Op::Cmp(Cmp::Gt, kind),
                    BinaryOp::Ge => Op::Cmp(Cmp::Ge, kind),
                    BinaryOp::Eq => Op::Cmp(Cmp::Eq, kind),
                    BinaryOp::Ne => Op::Cmp(Cmp::Ne, kind),
                    BinaryOp::And => Op::And,
                    BinaryOp::Or => Op::Or,
                };
                Some(self.emit(op, &[l, r], ty))
            }
            ExprKind::In {
                value,
                list,
                negated,
            } => {
                let mut args = vec![get(value)];
                args.extend(list.iter().map(get));
                let args: Vec<&Val> = args.into_iter().collect::<Option<_>>()?;
                let mut ty = args[0].ty;
                let mut ok = true;
                for (item, id) in args[1..].iter().zip(list) {
                    match types::unify("`in`", ty, item.ty) {
                        Ok(t) => ty = t,
                        Err((code, message)) => {
                            self.error(code, message, span_of(id));
                            ok = false;
                        }
                    }
                }
                if !ok {
                    return None;
                }
                let op = Op::In {
                    negated: *negated,
                    kind: Kind::of(ty),
                };
                Some(self.emit(op, &args, Type::Bool))
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                let (c, a, b) = (get(cond), get(then), get(otherwise));
                let cond_ok = match c {
                    Some(c) => self
                        .check(types::boolean("the condition of `if`", c.ty), span_of(cond))
                        .is_some(),
                    None => false,
                };
                let (c, a, b) = (c?, a?, b?);
                let ty = self.check(
                    types::unify("`if` with branches that", a.ty, b.ty),
                    span_of(otherwise),
                )?;
                if !cond_ok {
                    return None;
                }
                Some(self.emit(Op::If(Kind::of(ty)), &[c, a, b], ty))
            }
            ExprKind::Call {
                name,
                name_span,
                args,
            } => self.call(ast, node, name, *name_span, args, vals),
        }
    }

    fn arity(&mut self, name: &str, expected: &str, found: usize, span: Span) {
        self.error(
            codes::ARITY,
            format!("`{name}` takes {expected}, found {found}"),
            span,
        );
    }

    fn call(
        &mut self,
        ast: &Ast,
        node: &Node,
        name: &str,
        name_span: Span,
        arg_ids: &[NodeId],
        vals: &[Option<Val>],
    ) -> Option<Val> {
        let n = arg_ids.len();
        let (fixed, signature) = match name {
            "abs" => (Some(1), "1 argument (x)"),
            "round" => (Some(2), "2 arguments (x, digits)"),
            "rel_gap" | "pp_gap" => (Some(2), "2 arguments (x, reference)"),
            "min" | "max" | "coalesce" | "count" | "share" => (None, "at least 1 argument"),
            _ => return self.catalogue_call(ast, node, name, name_span, arg_ids),
        };
        if fixed.map_or(n == 0, |k| k != n) {
            self.arity(name, signature, n, node.span);
            return None;
        }
        let args: Vec<&Val> = arg_ids
            .iter()
            .map(|id| vals[id.index()].as_ref())
            .collect::<Option<_>>()?;
        let spans: Vec<Span> = arg_ids.iter().map(|id| ast.node(*id).span).collect();
        let what = format!("`{name}`");
        match name {
            "abs" => {
                let ty = self.check(types::numeric(&what, args[0].ty), spans[0])?;
                Some(self.emit(Op::Abs, &args, ty))
            }
            "round" => {
                let ty = self.check(types::numeric(&what, args[0].ty), spans[0])?;
                let digits = self.round_digits(args[1], spans[1])?;
                Some(self.emit(Op::Round(digits), &args[..1], ty))
            }
            "min" | "max" | "coalesce" => {
                let mut ty = Type::Null;
                let mut ok = true;
                for (a, span) in args.iter().zip(&spans) {
                    let step = if name == "coalesce" {
                        types::unify(&what, ty, a.ty)
                    } else {
                        types::numeric(&what, a.ty).and_then(|t| types::unify(&what, ty, t))
                    };
                    match self.check(step, *span) {
                        Some(t) => ty = t,
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                let op = match name {
                    "min" => Op::Min,
                    "max" => Op::Max,
                    _ => Op::Coalesce(Kind::of(ty)),
                };
                Some(self.emit(op, &args, ty))
            }
            "count" | "share" => {
                let mut ok = true;
                for (a, span) in args.iter().zip(&spans) {
                    ok &= self.check(types::boolean(&what, a.ty), *span).is_some();
                }
                if !ok {
                    return None;
                }
                let (op, ty) = if name == "count" {
                    (Op::Count, Type::Number)
                } else {
                    (Op::Share, Type::Percent)
                };
                Some(self.emit(op, &args, ty))
            }
            "rel_gap" => {
                let x = self.check(types::numeric(&what, args[0].ty), spans[0]);
                let r = self.check(types::numeric(&what, args[1].ty), spans[1]);
                let (x, r) = (x?, r?);
                self.check(types::unify(&what, x, r), node.span)?;
                Some(self.emit(Op::RelGap, &args, Type::Percent))
            }
            _ => {
                let ty = self.check(types::pp_gap(args[0].ty, args[1].ty), node.span)?;
                Some(self.emit(Op::PpGap, &args, ty))
            }
        }
    }

    fn round_digits(&mut self, digits: &Val, span: Span) -> Option<u32> {
        let value = match (&digits.v, digits.ty) {
            (V::Const(c), Type::Number) => c.decimal(0),
            _ => None,
        };
        let dp = value
            .filter(|d| d.fract().is_zero() && !d.is_sign_negative())
            .and_then(|d| d.to_u32())
            .filter(|&d| d <= MAX_ROUND_DIGITS);
        if dp.is_none() {
            self.error(
                codes::ARGUMENT,
                format!(
                    "the digits of `round` must be a constant whole Number from 0 to \
                     {MAX_ROUND_DIGITS}"
                ),
                span,
            );
        }
        dp
    }

    fn catalogue_call(
        &mut self,
        ast: &Ast,
        node: &Node,
        name: &str,
        name_span: Span,
        arg_ids: &[NodeId],
    ) -> Option<Val> {
        let literals: Option<Vec<&str>> = arg_ids
            .iter()
            .map(|id| match &ast.node(*id).kind {
                ExprKind::Literal(Literal::Str(s)) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        let Some(literals) = literals else {
            self.error(
                codes::UNKNOWN_NAME,
                format!(
                    "unknown function `{name}`; the built-in functions are abs, min, max, round, \
                     coalesce, count, share, rel_gap and pp_gap, and catalogue functions take \
                     only string literals"
                ),
                name_span,
            );
            return None;
        };
        let text = format!(
            "{name}({})",
            literals
                .iter()
                .map(|s| quote(s))
                .collect::<Vec<_>>()
                .join(", ")
        );
        match self.catalogue.call(name, &literals) {
            Some(b) => Some(self.bind(text, b, node.span)),
            None => {
                self.error(
                    codes::UNKNOWN_NAME,
                    format!("unknown function `{text}`"),
                    node.span,
                );
                None
            }
        }
    }

    fn finish(mut self, root: Val) -> Program {
        let result = self.operand(&root);
        // Free each register right after its last use (never the result).
        let mut last = (0..self.instrs.len()).collect::<Vec<_>>();
        for (i, ins) in self.instrs.iter().enumerate() {
            for a in &ins.args {
                if let Operand::Reg(r) = a {
                    last[*r] = i;
                }
            }
        }
        for (r, &i) in last.iter().enumerate() {
            if result != Operand::Reg(r) {
                self.instrs[i].frees.push(r);
            }
        }
        let mut slots: Vec<usize> = self.inputs.iter().map(|(s, _)| *s).collect();
        slots.sort_unstable();
        slots.dedup();
        Program {
            regs: self.instrs.len(),
            instrs: self.instrs,
            consts: self.consts,
            inputs: self.inputs,
            slots,
            result,
            ty: root.ty,
            references: self.references,
            source: String::new(),
        }
    }
}
