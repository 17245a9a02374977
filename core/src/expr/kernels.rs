//! Column kernels: each instruction of a program runs as one loop over all rows.
//!
//! Unknowns follow three-valued (Kleene) logic: `false and unknown` is false, `true or
//! unknown` is true, and otherwise an unknown operand makes the result unknown, keeping the
//! reason of the first unknown operand in argument order. Arithmetic is checked: division by
//! zero and overflow give unknown rows, never a panic.
//!
//! The same kernels fold constants at compile time (on one-row columns), so folded and
//! evaluated results cannot disagree.

use std::cmp::Ordering;
use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};

use super::column::{Column, Data, Reason};
use super::types::Type;

/// Storage kind of the operands of a kind-generic instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Dec,
    Bool,
    Str,
}

impl Kind {
    /// Storage of values of type `ty` (Null takes Dec: its rows are never read).
    pub(crate) fn of(ty: Type) -> Kind {
        match ty {
            Type::Bool => Kind::Bool,
            Type::Str => Kind::Str,
            _ => Kind::Dec,
        }
    }
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    fn test(self, ord: Ordering) -> bool {
        match self {
            Cmp::Lt => ord.is_lt(),
            Cmp::Le => ord.is_le(),
            Cmp::Gt => ord.is_gt(),
            Cmp::Ge => ord.is_ge(),
            Cmp::Eq => ord.is_eq(),
            Cmp::Ne => ord.is_ne(),
        }
    }
}

/// One column operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `-x`
    Neg,
    /// `abs(x)`
    Abs,
    /// `round(x, digits)`, half away from zero.
    Round(u32),
    /// `not x`
    Not,
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
    /// `rel_gap(x, reference)` = (reference − x) × 100 / reference
    RelGap,
    /// `pp_gap(x, reference)` = reference − x
    PpGap,
    /// A comparison of two operands of one storage kind.
    Cmp(Cmp, Kind),
    /// `a and b`
    And,
    /// `a or b`
    Or,
    /// `x in [...]`: argument 0 is `x`, the others the list.
    In { negated: bool, kind: Kind },
    /// `if c then a else b`: arguments cond, then, else.
    If(Kind),
    /// `coalesce(...)`: the first known argument.
    Coalesce(Kind),
    /// `min(...)`
    Min,
    /// `max(...)`
    Max,
    /// `count(...)`: number of true arguments.
    Count,
    /// `share(...)`: true / known, in percent.
    Share,
}

/// Builds the reason table of a result from the tables of its arguments, adding each source
/// reason at most once and only when a row uses it.
struct Sink<'a> {
    sources: Vec<&'a [Reason]>,
    maps: Vec<Vec<u32>>,
    out: Vec<Reason>,
    fixed: [u32; 2],
}

/// Reasons looked up for dedup; a bigger table just grows (still correct).
const DEDUP_WINDOW: usize = 64;

impl<'a> Sink<'a> {
    fn new(args: &[&'a Column]) -> Sink<'a> {
        Sink {
            sources: args.iter().map(|c| c.reasons.as_slice()).collect(),
            maps: args.iter().map(|c| vec![0; c.reasons.len()]).collect(),
            out: Vec::new(),
            fixed: [0; 2],
        }
    }

    /// The result code for reason `code` (non-zero) of argument `arg`.
    #[inline]
    fn take(&mut self, arg: usize, code: u32) -> u32 {
        let slot = code as usize - 1;
        let mapped = self.maps[arg][slot];
        if mapped != 0 {
            return mapped;
        }
        let mapped = self.add(self.sources[arg][slot].clone());
        self.maps[arg][slot] = mapped;
        mapped
    }

    fn add(&mut self, reason: Reason) -> u32 {
        let window = &self.out[..self.out.len().min(DEDUP_WINDOW)];
        if let Some(i) = window.iter().position(|r| *r == reason) {
            return i as u32 + 1;
        }
        self.out.push(reason);
        self.out.len() as u32
    }

    fn div_zero(&mut self) -> u32 {
        if self.fixed[0] == 0 {
            self.fixed[0] = self.add(Reason::DivisionByZero);
        }
        self.fixed[0]
    }

    fn overflow(&mut self) -> u32 {
        if self.fixed[1] == 0 {
            self.fixed[1] = self.add(Reason::Overflow);
        }
        self.fixed[1]
    }
}

/// Element types of column storage.
trait Elem: Clone + Default + 'static {
    fn slice(data: &Data) -> &[Self];
    fn wrap(values: Vec<Self>) -> Data;
}

impl Elem for Decimal {
    fn slice(data: &Data) -> &[Decimal] {
        match data {
            Data::Dec(v) => v,
            _ => &[],
        }
    }
    fn wrap(values: Vec<Decimal>) -> Data {
        Data::Dec(values)
    }
}

impl Elem for bool {
    fn slice(data: &Data) -> &[bool] {
        match data {
            Data::Bool(v) => v,
            _ => &[],
        }
    }
    fn wrap(values: Vec<bool>) -> Data {
        Data::Bool(values)
    }
}

impl Elem for Arc<str> {
    fn slice(data: &Data) -> &[Arc<str>] {
        match data {
            Data::Str(v) => v,
            _ => &[],
        }
    }
    fn wrap(values: Vec<Arc<str>>) -> Data {
        Data::Str(values)
    }
}

fn vals<T: Elem>(c: &Column) -> &[T] {
    T::slice(&c.data)
}

fn finish(ty: Type, data: Data, mut codes: Vec<u32>, mut sink: Sink<'_>) -> Column {
    if ty == Type::Null {
        // Every row of a Null-typed result is unknown; keep the invariant even if not.
        if codes.contains(&0) {
            let null = sink.add(Reason::Null);
            codes
                .iter_mut()
                .filter(|c| **c == 0)
                .for_each(|c| *c = null);
        }
        return Column {
            ty,
            data: Data::Null,
            codes,
            reasons: sink.out,
        };
    }
    Column {
        ty,
        data,
        codes,
        reasons: sink.out,
    }
}

/// Runs `op` over `args` (each `rows` long) and returns a column of type `ty`.
pub(crate) fn exec(op: Op, args: &[&Column], rows: usize, ty: Type) -> Column {
    let mut sink = Sink::new(args);
    let mut codes = vec![0u32; rows];
    let data = match op {
        Op::Neg => map_dec(args[0], &mut sink, &mut codes, |a| Ok(-a)),
        Op::Abs => map_dec(args[0], &mut sink, &mut codes, |a| Ok(a.abs())),
        Op::Round(dp) => map_dec(args[0], &mut sink, &mut codes, |a| {
            Ok(a.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero))
        }),
        Op::Add => zip_dec(args, &mut sink, &mut codes, |a, b| {
            a.checked_add(b).ok_or(Fail::Overflow)
        }),
        Op::Sub => zip_dec(args, &mut sink, &mut codes, |a, b| {
            a.checked_sub(b).ok_or(Fail::Overflow)
        }),
        Op::Mul => zip_dec(args, &mut sink, &mut codes, |a, b| {
            a.checked_mul(b).ok_or(Fail::Overflow)
        }),
        Op::Div => zip_dec(args, &mut sink, &mut codes, |a, b| {
            if b.is_zero() {
                Err(Fail::DivZero)
            } else {
                a.checked_div(b).ok_or(Fail::Overflow)
            }
        }),
        Op::RelGap => zip_dec(args, &mut sink, &mut codes, |x, r| {
            if r.is_zero() {
                return Err(Fail::DivZero);
            }
            r.checked_sub(x)
                .and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
                .and_then(|d| d.checked_div(r))
                .ok_or(Fail::Overflow)
        }),
        Op::PpGap => zip_dec(args, &mut sink, &mut codes, |x, r| {
            r.checked_sub(x).ok_or(Fail::Overflow)
        }),
        Op::Cmp(cmp, Kind::Dec) => {
            compare::<Decimal>(args, &mut sink, &mut codes, |a, b| cmp.test(a.cmp(b)))
        }
        Op::Cmp(cmp, Kind::Bool) => {
            compare::<bool>(args, &mut sink, &mut codes, |a, b| cmp.test(a.cmp(b)))
        }
        Op::Cmp(cmp, Kind::Str) => {
            compare::<Arc<str>>(args, &mut sink, &mut codes, |a, b| cmp.test(a.cmp(b)))
        }
        Op::Not => {
            let (a, ca) = (vals::<bool>(args[0]), &args[0].codes);
            let mut out = vec![false; rows];
            for i in 0..rows {
                if ca[i] != 0 {
                    codes[i] = sink.take(0, ca[i]);
                } else {
                    out[i] = !a[i];
                }
            }
            Data::Bool(out)
        }
        Op::And => kleene(args, &mut sink, &mut codes, false),
        Op::Or => kleene(args, &mut sink, &mut codes, true),
        Op::In { negated, kind } => match kind {
            Kind::Dec => member::<Decimal>(args, &mut sink, &mut codes, negated),
            Kind::Bool => member::<bool>(args, &mut sink, &mut codes, negated),
            Kind::Str => member::<Arc<str>>(args, &mut sink, &mut codes, negated),
        },
        Op::If(kind) => match kind {
            Kind::Dec => choose::<Decimal>(args, &mut sink, &mut codes),
            Kind::Bool => choose::<bool>(args, &mut sink, &mut codes),
            Kind::Str => choose::<Arc<str>>(args, &mut sink, &mut codes),
        },
        Op::Coalesce(kind) => match kind {
            Kind::Dec => coalesce::<Decimal>(args, &mut sink, &mut codes),
            Kind::Bool => coalesce::<bool>(args, &mut sink, &mut codes),
            Kind::Str => coalesce::<Arc<str>>(args, &mut sink, &mut codes),
        },
        Op::Min => fold_dec(args, &mut sink, &mut codes, Decimal::min),
        Op::Max => fold_dec(args, &mut sink, &mut codes, Decimal::max),
        Op::Count => count(args, &mut sink, &mut codes, false),
        Op::Share => count(args, &mut sink, &mut codes, true),
    };
    finish(ty, data, codes, sink)
}

/// Why an arithmetic row failed.
enum Fail {
    DivZero,
    Overflow,
}

fn fail_code(sink: &mut Sink<'_>, fail: Fail) -> u32 {
    match fail {
        Fail::DivZero => sink.div_zero(),
        Fail::Overflow => sink.overflow(),
    }
}

fn map_dec(
    a: &Column,
    sink: &mut Sink<'_>,
    codes: &mut [u32],
    f: impl Fn(Decimal) -> Result<Decimal, Fail>,
) -> Data {
    let (av, ca) = (vals::<Decimal>(a), &a.codes);
    let mut out = vec![Decimal::ZERO; codes.len()];
    for i in 0..codes.len() {
        if ca[i] != 0 {
            codes[i] = sink.take(0, ca[i]);
            continue;
        }
        match f(av[i]) {
            Ok(v) => out[i] = v,
            Err(e) => codes[i] = fail_code(sink, e),
        }
    }
    Data::Dec(out)
}

fn zip_dec(
    args: &[&Column],
    sink: &mut Sink<'_>,
    codes: &mut [u32],
    f: impl Fn(Decimal, Decimal) -> Result<Decimal, Fail>,
) -> Data {
    let (av, ca) = (vals::<Decimal>(args[0]), &args[0].codes);
    let (bv, cb) = (vals::<Decimal>(args[1]), &args[1].codes);
    let mut out = vec![Decimal::ZERO; codes.len()];
    for i in 0..codes.len() {
        if ca[i] != 0 {
            codes[i] = sink.take(0, ca[i]);
        } else if cb[i] != 0 {
            codes[i] = sink.take(1, cb[i]);
        } else {
            match f(av[i], bv[i]) {
                Ok(v) => out[i] = v,
                Err(e) => codes[i] = fail_code(sink, e),
            }
        }
    }
    Data::Dec(out)
}

fn compare<T: Elem>(
    args: &[&Column],
    sink: &mut Sink<'_>,
    codes: &mut [u32],
    f: impl Fn(&T, &T) -> bool,
) -> Data {
    let (av, ca) = (vals::<T>(args[0]), &args[0].codes);
    let (bv, cb) = (vals::<T>(args[1]), &args[1].codes);
    let mut out = vec![false; codes.len()];
    for i in 0..codes.len() {
        if ca[i] != 0 {
            codes[i] = sink.take(0, ca[i]);
        } else if cb[i] != 0 {
            codes[i] = sink.take(1, cb[i]);
        } else {
            out[i] = f(&av[i], &bv[i]);
        }
    }
    Data::Bool(out)
}

/// `and` (`dominant` = false) or `or` (`dominant` = true) in Kleene logic.
fn kleene(args: &[&Column], sink: &mut Sink<'_>, codes: &mut [u32], dominant: bool) -> Data {
    let (av, ca) = (vals::<bool>(args[0]), &args[0].codes);
    let (bv, cb) = (vals::<bool>(args[1]), &args[1].codes);
    let mut out = vec![false; codes.len()];
    for i in 0..codes.len() {
        let a_known = ca[i] == 0;
        let b_known = cb[i] == 0;
        if (a_known && av[i] == dominant) || (b_known && bv[i] == dominant) {
            out[i] = dominant;
        } else if !a_known {
            codes[i] = sink.take(0, ca[i]);
        } else if !b_known {
            codes[i] = sink.take(1, cb[i]);
        } else {
            out[i] = !dominant;
        }
    }
    Data::Bool(out)
}

/// `x in [...]`: true if a known element equals x; else unknown if an element is unknown.
fn member<T: Elem + PartialEq>(
    args: &[&Column],
    sink: &mut Sink<'_>,
    codes: &mut [u32],
    negated: bool,
) -> Data {
    let (xv, cx) = (vals::<T>(args[0]), &args[0].codes);
    let mut out = vec![false; codes.len()];
    for i in 0..codes.len() {
        if cx[i] != 0 {
            codes[i] = sink.take(0, cx[i]);
            continue;
        }
        let mut found = false;
        let mut unknown = None;
        for (k, e) in args.iter().enumerate().skip(1) {
            let code = e.codes[i];
            if code != 0 {
                unknown = unknown.or(Some((k, code)));
            } else if vals::<T>(e)[i] == xv[i] {
                found = true;
                break;
            }
        }
        match (found, unknown) {
            (false, Some((k, code))) => codes[i] = sink.take(k, code),
            _ => out[i] = found != negated,
        }
    }
    Data::Bool(out)
}

fn choose<T: Elem>(args: &[&Column], sink: &mut Sink<'_>, codes: &mut [u32]) -> Data {
    let (cv, cc) = (vals::<bool>(args[0]), &args[0].codes);
    let mut out = vec![T::default(); codes.len()];
    for i in 0..codes.len() {
        if cc[i] != 0 {
            codes[i] = sink.take(0, cc[i]);
            continue;
        }
        let k = if cv[i] { 1 } else { 2 };
        let code = args[k].codes[i];
        if code != 0 {
            codes[i] = sink.take(k, code);
        } else {
            out[i] = vals::<T>(args[k])[i].clone();
        }
    }
    T::wrap(out)
}

fn coalesce<T: Elem>(args: &[&Column], sink: &mut Sink<'_>, codes: &mut [u32]) -> Data {
    let mut out = vec![T::default(); codes.len()];
    for i in 0..codes.len() {
        match args.iter().position(|a| a.codes[i] == 0) {
            Some(k) => out[i] = vals::<T>(args[k])[i].clone(),
            None => codes[i] = sink.take(0, args[0].codes[i]),
        }
    }
    T::wrap(out)
}

fn fold_dec(
    args: &[&Column],
    sink: &mut Sink<'_>,
    codes: &mut [u32],
    f: fn(Decimal, Decimal) -> Decimal,
) -> Data {
    let mut out = vec![Decimal::ZERO; codes.len()];
    'rows: for i in 0..codes.len() {
        let mut acc: Option<Decimal> = None;
        for (k, a) in args.iter().enumerate() {
            if a.codes[i] != 0 {
                codes[i] = sink.take(k, a.codes[i]);
                continue 'rows;
            }
            let v = vals::<Decimal>(a)[i];
            acc = Some(acc.map_or(v, |acc| f(acc, v)));
        }
        out[i] = acc.unwrap_or_default();
    }
    Data::Dec(out)
}

/// `count(...)` (any unknown → unknown) or `share(...)` (unknowns left out; none known →
/// unknown).
fn count(args: &[&Column], sink: &mut Sink<'_>, codes: &mut [u32], share: bool) -> Data {
    let mut out = vec![Decimal::ZERO; codes.len()];
    for i in 0..codes.len() {
        let mut trues = 0u64;
        let mut known = 0u64;
        let mut first_unknown = None;
        for (k, a) in args.iter().enumerate() {
            let code = a.codes[i];
            if code != 0 {
                first_unknown = first_unknown.or(Some((k, code)));
            } else {
                known += 1;
                trues += u64::from(vals::<bool>(a)[i]);
            }
        }
        match first_unknown {
            Some((k, code)) if !share || known == 0 => codes[i] = sink.take(k, code),
            _ if share => {
                // known > 0 here; 100 × trues fits easily.
                out[i] = (Decimal::from(trues) * Decimal::ONE_HUNDRED)
                    .checked_div(Decimal::from(known))
                    .unwrap_or_default();
            }
            _ => out[i] = Decimal::from(trues),
        }
    }
    Data::Dec(out)
}
