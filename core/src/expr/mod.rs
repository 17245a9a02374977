//! The rule expression language: small, safe, unit-aware, three-valued.
//!
//! Rule conditions such as "median at least 15% below the district" are text written by school
//! and district administrators, so they are untrusted input. This module parses them with hard
//! [`Limits`] (source size, nesting depth, node count; checked before the stack or memory can
//! suffer), resolves names through a [`Catalogue`] supplied by the engine, checks types *and
//! units* at compile time, and compiles to a flat [`Program`] of column instructions that
//! [`eval`] runs over all entities at once. There is no I/O, no regex, no loop, no recursion
//! over the syntax tree.
//!
//! # Grammar (EBNF)
//!
//! ```text
//! expr     = "if" expr "then" expr "else" expr | or ;
//! or       = and { "or" and } ;
//! and      = not { "and" not } ;
//! not      = "not" not | compare ;
//! compare  = sum [ ( "<" | "<=" | ">" | ">=" | "==" | "!=" ) sum
//!                | [ "not" ] "in" "[" expr { "," expr } [ "," ] "]" ] ;
//! sum      = product { ( "+" | "-" ) product } ;
//! product  = unary { ( "*" | "/" ) unary } ;
//! unary    = "-" unary | primary ;
//! primary  = literal | call | name | "(" expr ")" | "if" ... (as in expr) ;
//! call     = ident "(" [ expr { "," expr } [ "," ] ] ")" ;
//! name     = ident { "." ident } ;
//! literal  = number [ "%" | "pp" ] | string | "true" | "false" | "null" ;
//! number   = digit { digit } [ "." digit { digit } ] ;
//! string   = '"' { any char but '"', '\' and newline | '\"' | '\\' } '"' ;
//! ident    = ( letter | "_" ) { letter | digit | "_" } ;   (ASCII; keywords excluded)
//! ```
//!
//! Binary operators are left-associative; comparisons do not chain (`a < b < c` is an
//! error). `if` may start any operand and extends as far right as possible.
//!
//! # Types and units
//!
//! `Number`, `Percent` (a rate: `pass_rate` = 92.0, and `15%`), `Points` (percentage points:
//! `15pp`), `Bool`, `Str`, `Null`. Percent − Percent = Points; Percent ± Points = Percent;
//! Number × or ÷ a unit keeps the unit; a unit ÷ the same unit is a Number. Comparing Percent
//! with Points, or a Number with either, is a compile error (`rule.unit_mismatch`) that
//! suggests `rel_gap` / `pp_gap`, so "15% below the district" cannot be misread (DOMAIN T7).
//!
//! Built-in functions: `abs(x)`, `min(a, ...)`, `max(a, ...)`, `round(x, digits)` (half away
//! from zero; `digits` a constant), `coalesce(a, ...)` (first known), `count(b, ...)` (number
//! of true; unknown if any is unknown), `share(b, ...)` (true ÷ known × 100, as Percent),
//! `rel_gap(x, reference)` = (reference − x) × 100 ÷ reference as Percent, and
//! `pp_gap(x, reference)` = reference − x (Points when both are Percent). Any other call with
//! string-literal arguments, like `findings("low_median")`, is offered to the catalogue.
//!
//! # Unknown values
//!
//! Every value is known or unknown for a [`Reason`] (missing input, limited sample, division
//! by zero, overflow, `null`). Logic is Kleene's: `false and unknown` is false, `true or
//! unknown` is true; otherwise unknowns propagate, keeping the reason of the first unknown
//! operand. A comparison with an unknown is unknown, never a silent false.
//!
//! # Example
//!
//! DOMAIN T7: district completion rate 60; schools at 50 and 51.
//!
//! ```
//! use oko::expr::{compile_str, eval, Binding, Column, Limits, MapCatalogue, Reason, Type, VecFrame};
//! use rust_decimal::Decimal;
//!
//! let catalogue = MapCatalogue::new()
//!     .with_name("school.completion_rate", Binding { slot: 0, ty: Type::Percent })
//!     .with_name("municipality.completion_rate", Binding { slot: 1, ty: Type::Percent });
//! let limits = Limits::default();
//! let missing = |name: &str| Reason::Missing { name: name.into() };
//! let frame = VecFrame::new(3, vec![
//!     Column::percents(vec![Some(50.into()), Some(51.into()), None], missing("school.completion_rate")),
//!     Column::percents(vec![Some(60.into()); 3], missing("municipality.completion_rate")),
//! ]);
//!
//! let relative = compile_str(
//!     "rel_gap(school.completion_rate, municipality.completion_rate) >= 15%",
//!     &limits,
//!     &catalogue,
//! ).unwrap();
//! let flags = eval(&relative, &frame).unwrap();
//! assert_eq!(flags.bool(0), Some(true)); // 16.67 % below
//! assert_eq!(flags.bool(1), Some(true)); // exactly 15 % below
//! assert_eq!(flags.reason(2).unwrap().to_string(), "missing value for school.completion_rate");
//!
//! let points = compile_str(
//!     "pp_gap(school.completion_rate, municipality.completion_rate) >= 15pp",
//!     &limits,
//!     &catalogue,
//! ).unwrap();
//! assert_eq!(eval(&points, &frame).unwrap().bool(0), Some(false)); // 10 points
//!
//! // Comparing a gap in points with a percent threshold does not compile.
//! let src = "school.completion_rate - municipality.completion_rate >= 15%";
//! let errors = compile_str(src, &limits, &catalogue).unwrap_err();
//! assert_eq!(errors[0].code, "rule.unit_mismatch");
//! println!("{}", errors[0].render(src, "rules.toml", 0, 0));
//! ```

mod ast;
mod catalogue;
mod column;
mod compile;
mod error;
mod eval;
mod kernels;
mod lexer;
mod parser;
mod types;

pub use ast::{Ast, BinaryOp, ExprKind, Literal, Node, NodeId, UnaryOp};
pub use catalogue::{Catalogue, MapCatalogue};
pub use column::{Column, Datum, Reason, Value};
pub use compile::{Program, Reference, compile};
pub use error::{ExprError, Span, codes};
pub use eval::{Frame, FrameError, VecFrame, eval};
pub use parser::{Limits, parse};
pub use types::{Binding, Type};

/// Parses and compiles in one step (see [`parse`] and [`compile`]).
pub fn compile_str(
    src: &str,
    limits: &Limits,
    catalogue: &dyn Catalogue,
) -> Result<Program, Vec<ExprError>> {
    let mut program = compile(&parse(src, limits)?, catalogue)?;
    program.source = src.to_owned();
    Ok(program)
}
