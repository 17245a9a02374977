//! Types of expression values, with units, and the typing rules of the operators.
//!
//! Units exist so that "15% below the district" cannot be misread (DOMAIN T7): a rate such as
//! a pass rate is `Percent`; a difference of two rates is `Points` (percentage points); a
//! relative gap, from `rel_gap`, is `Percent` again. Mixing them is a compile-time error.

use std::fmt;

use super::ast::BinaryOp;
use super::error::codes;

/// The type of an expression or column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    /// A plain number: a score, a count, a mean mark.
    Number,
    /// A rate in percent: `pass_rate` = 92.0 and `15%` both have this type.
    Percent,
    /// A difference of rates in percentage points: `15pp`.
    Points,
    /// A truth value.
    Bool,
    /// Text.
    Str,
    /// The type of `null`; fits anywhere.
    Null,
}

impl Type {
    /// Number, Percent or Points.
    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Number | Type::Percent | Type::Points)
    }

    /// How the type is named in messages, with its unit.
    fn long(self) -> &'static str {
        match self {
            Type::Number => "Number",
            Type::Percent => "Percent (%)",
            Type::Points => "Points (percentage points, pp)",
            Type::Bool => "Bool",
            Type::Str => "Str",
            Type::Null => "Null",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Number => "Number",
            Type::Percent => "Percent",
            Type::Points => "Points",
            Type::Bool => "Bool",
            Type::Str => "Str",
            Type::Null => "Null",
        })
    }
}

/// A typing failure: an error code and its message (the span is added by the caller).
pub(crate) type TypeError = (&'static str, String);

fn type_err(message: String) -> TypeError {
    (codes::TYPE_MISMATCH, message)
}

fn unit_err(message: String) -> TypeError {
    (codes::UNIT_MISMATCH, message)
}

const GAP_HINT: &str = "to compare a value with a reference, use rel_gap(x, reference) for the \
                        relative gap in % or pp_gap(x, reference) for the gap in percentage points";

/// Why two numeric units cannot meet, with advice.
fn unit_hint(l: Type, r: Type) -> &'static str {
    match (l, r) {
        (Type::Percent, Type::Points) | (Type::Points, Type::Percent) => GAP_HINT,
        (Type::Number, _) | (_, Type::Number) => {
            "write the constant with its unit (e.g. `15%` or `15pp`), or use rel_gap/pp_gap"
        }
        _ => GAP_HINT,
    }
}

/// The common type of two values that must have one type (if branches, `==`, min, coalesce).
pub(crate) fn unify(what: &str, l: Type, r: Type) -> Result<Type, TypeError> {
    match (l, r) {
        (a, b) if a == b => Ok(a),
        (Type::Null, t) | (t, Type::Null) => Ok(t),
        (a, b) if a.is_numeric() && b.is_numeric() => Err(unit_err(format!(
            "{what} mixes {} with {}; {}",
            a.long(),
            b.long(),
            unit_hint(a, b)
        ))),
        (a, b) => Err(type_err(format!("{what} mixes {a} with {b}"))),
    }
}

/// A numeric operand check: `Ok` for Number/Percent/Points/Null.
pub(crate) fn numeric(what: &str, t: Type) -> Result<Type, TypeError> {
    if t.is_numeric() || t == Type::Null {
        Ok(t)
    } else {
        Err(type_err(format!("{what} needs a number, found {t}")))
    }
}

/// A Bool operand check: `Ok` for Bool/Null.
pub(crate) fn boolean(what: &str, t: Type) -> Result<(), TypeError> {
    if t == Type::Bool || t == Type::Null {
        Ok(())
    } else {
        Err(type_err(format!("{what} needs a Bool, found {t}")))
    }
}

/// The result type of a binary operator.
pub(crate) fn binary(op: BinaryOp, l: Type, r: Type) -> Result<Type, TypeError> {
    use Type::*;
    let sym = op.symbol();
    match op {
        BinaryOp::And | BinaryOp::Or => {
            boolean(&format!("`{sym}`"), l)?;
            boolean(&format!("`{sym}`"), r)?;
            Ok(Bool)
        }
        BinaryOp::Eq | BinaryOp::Ne => {
            unify(&format!("comparison `{sym}`"), l, r).map_err(|(code, m)| {
                if code == codes::UNIT_MISMATCH {
                    (code, cannot_compare(l, r))
                } else {
                    (code, m)
                }
            })?;
            Ok(Bool)
        }
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            numeric(&format!("comparison `{sym}`"), l)?;
            numeric(&format!("comparison `{sym}`"), r)?;
            match (l, r) {
                (a, b) if a == b || a == Null || b == Null => Ok(Bool),
                _ => Err(unit_err(cannot_compare(l, r))),
            }
        }
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
            numeric(&format!("`{sym}`"), l)?;
            numeric(&format!("`{sym}`"), r)?;
            arith(op, l, r)
        }
    }
}

fn cannot_compare(l: Type, r: Type) -> String {
    format!(
        "cannot compare {} with {}; {}",
        l.long(),
        r.long(),
        unit_hint(l, r)
    )
}

/// Units of `+ - * /` on numeric (or Null) operands.
fn arith(op: BinaryOp, l: Type, r: Type) -> Result<Type, TypeError> {
    use Type::*;
    let sym = op.symbol();
    let mismatch = || {
        unit_err(format!(
            "cannot apply `{sym}` to {} and {}; {}",
            l.long(),
            r.long(),
            unit_hint(l, r)
        ))
    };
    match (op, l, r) {
        (_, Null, Null) => Ok(Null),
        (BinaryOp::Add | BinaryOp::Sub, Null, t) | (BinaryOp::Add | BinaryOp::Sub, t, Null) => {
            Ok(t)
        }
        (BinaryOp::Add | BinaryOp::Sub, Number, Number) => Ok(Number),
        (BinaryOp::Add, Percent, Percent) => Ok(Percent),
        (BinaryOp::Sub, Percent, Percent) => Ok(Points),
        (BinaryOp::Add | BinaryOp::Sub, Percent, Points) | (BinaryOp::Add, Points, Percent) => {
            Ok(Percent)
        }
        (BinaryOp::Add | BinaryOp::Sub, Points, Points) => Ok(Points),
        (BinaryOp::Add | BinaryOp::Sub, ..) => Err(mismatch()),
        (BinaryOp::Mul, Number | Null, t) | (BinaryOp::Mul, t, Number | Null) => Ok(t),
        (BinaryOp::Mul, ..) => Err(unit_err(format!(
            "cannot multiply {} by {}: the product has no unit here; multiply by a plain Number",
            l.long(),
            r.long()
        ))),
        (BinaryOp::Div, t, Number | Null) => Ok(t),
        (BinaryOp::Div, Null, _) => Ok(Number),
        (BinaryOp::Div, a, b) if a == b => Ok(Number),
        (BinaryOp::Div, ..) => Err(mismatch()),
        _ => Err(mismatch()),
    }
}

/// The result type of `pp_gap(x, reference)`: Points for two Percents, else their common type.
pub(crate) fn pp_gap(x: Type, reference: Type) -> Result<Type, TypeError> {
    numeric("pp_gap", x)?;
    numeric("pp_gap", reference)?;
    match unify("pp_gap", x, reference)? {
        Type::Percent => Ok(Type::Points),
        t => Ok(t),
    }
}

/// A name or catalogue function resolved by a [`Catalogue`](super::Catalogue): where its
/// column is in the [`Frame`](super::Frame), and its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Binding {
    /// Index of the column in the frame.
    pub slot: usize,
    /// Type of the column's values.
    pub ty: Type,
}

#[cfg(test)]
mod tests {
    use super::*;
    use Type::*;

    #[test]
    fn unit_algebra() {
        assert_eq!(binary(BinaryOp::Sub, Percent, Percent), Ok(Points));
        assert_eq!(binary(BinaryOp::Add, Percent, Points), Ok(Percent));
        assert_eq!(binary(BinaryOp::Sub, Percent, Points), Ok(Percent));
        assert_eq!(binary(BinaryOp::Mul, Number, Percent), Ok(Percent));
        assert_eq!(binary(BinaryOp::Div, Percent, Number), Ok(Percent));
        assert_eq!(binary(BinaryOp::Div, Percent, Percent), Ok(Number));
        assert_eq!(binary(BinaryOp::Add, Null, Percent), Ok(Percent));
        assert_eq!(binary(BinaryOp::Ge, Percent, Null), Ok(Bool));
        assert_eq!(pp_gap(Percent, Percent), Ok(Points));
        assert_eq!(pp_gap(Number, Number), Ok(Number));
        for (op, l, r) in [
            (BinaryOp::Ge, Percent, Points),
            (BinaryOp::Lt, Number, Percent),
            (BinaryOp::Eq, Points, Number),
            (BinaryOp::Sub, Percent, Number),
            (BinaryOp::Sub, Points, Percent),
            (BinaryOp::Mul, Percent, Percent),
            (BinaryOp::Div, Number, Percent),
        ] {
            assert_eq!(
                binary(op, l, r).map_err(|e| e.0),
                Err(codes::UNIT_MISMATCH),
                "{op:?} {l} {r}"
            );
        }
        assert_eq!(
            binary(BinaryOp::Add, Bool, Number).map_err(|e| e.0),
            Err(codes::TYPE_MISMATCH)
        );
        assert_eq!(
            binary(BinaryOp::And, Bool, Number).map_err(|e| e.0),
            Err(codes::TYPE_MISMATCH)
        );
        assert_eq!(
            binary(BinaryOp::Eq, Str, Number).map_err(|e| e.0),
            Err(codes::TYPE_MISMATCH)
        );
    }
}
