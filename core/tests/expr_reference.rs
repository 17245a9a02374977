//! Property tests of the expression language:
//! - vectorised evaluation (compiled, constant-folded, column at a time) equals a plain
//!   tree-walking reference interpreter written here, on random well-typed expressions over
//!   random columns with unknowns;
//! - parsing and compiling random token soup never panics and keeps spans in bounds.

use oko::expr::{
    Binding, Column, Limits, MapCatalogue, Reason, Type, VecFrame, compile_str, eval, parse,
};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

// ---------------------------------------------------------------------------------------------
// A test-side syntax tree, its source text and its reference semantics.

#[derive(Debug, Clone)]
enum T {
    Num(Decimal),
    Pct(Decimal),
    Pts(Decimal),
    Bool(bool),
    Str(&'static str),
    Null,
    Var(&'static str),
    Neg(Box<T>),
    Not(Box<T>),
    Bin(&'static str, Box<T>, Box<T>),
    In(Box<T>, Vec<T>, bool),
    If(Box<T>, Box<T>, Box<T>),
    Call(&'static str, Vec<T>),
}

fn src(t: &T) -> String {
    let list = |v: &[T]| v.iter().map(src).collect::<Vec<_>>().join(", ");
    match t {
        T::Num(d) => d.to_string(),
        T::Pct(d) => format!("{d}%"),
        T::Pts(d) => format!("{d}pp"),
        T::Bool(b) => b.to_string(),
        T::Str(s) => format!("\"{s}\""),
        T::Null => "null".into(),
        T::Var(v) => (*v).into(),
        T::Neg(x) => format!("(-{})", src(x)),
        T::Not(x) => format!("(not {})", src(x)),
        T::Bin(op, l, r) => format!("({} {op} {})", src(l), src(r)),
        T::In(x, v, neg) => format!(
            "({} {}in [{}])",
            src(x),
            if *neg { "not " } else { "" },
            list(v)
        ),
        T::If(c, a, b) => format!("(if {} then {} else {})", src(c), src(a), src(b)),
        T::Call(f, args) => format!("{f}({})", list(args)),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum V {
    D(Decimal),
    B(bool),
    S(String),
}

/// A value or the text of the reason it is unknown.
type R = Result<V, String>;

const OVERFLOW: &str = "arithmetic overflow";
const DIV_ZERO: &str = "division by zero";

struct Row {
    a: R,
    b: R,
    p: R,
    x: R,
    y: R,
    s: R,
}

fn d(r: R) -> Result<Decimal, String> {
    match r? {
        V::D(d) => Ok(d),
        other => panic!("expected a decimal, got {other:?}"),
    }
}

fn b(r: R) -> Result<bool, String> {
    match r? {
        V::B(b) => Ok(b),
        other => panic!("expected a bool, got {other:?}"),
    }
}

fn arith(op: &str, l: Decimal, r: Decimal) -> R {
    let v = match op {
        "+" => l.checked_add(r),
        "-" => l.checked_sub(r),
        "*" => l.checked_mul(r),
        _ => {
            if r.is_zero() {
                return Err(DIV_ZERO.into());
            }
            l.checked_div(r)
        }
    };
    v.map(V::D).ok_or_else(|| OVERFLOW.into())
}

/// The reference: a direct, row-at-a-time reading of the language's documented semantics.
fn ev(t: &T, row: &Row) -> R {
    match t {
        T::Num(v) | T::Pct(v) | T::Pts(v) => Ok(V::D(*v)),
        T::Bool(v) => Ok(V::B(*v)),
        T::Str(s) => Ok(V::S((*s).into())),
        T::Null => Err("null".into()),
        T::Var(name) => match *name {
            "a" => row.a.clone(),
            "b" => row.b.clone(),
            "p" => row.p.clone(),
            "x" => row.x.clone(),
            "y" => row.y.clone(),
            _ => row.s.clone(),
        },
        T::Neg(x) => Ok(V::D(-d(ev(x, row))?)),
        T::Not(x) => Ok(V::B(!b(ev(x, row))?)),
        T::Bin(op @ ("and" | "or"), l, r) => {
            let dominant = *op == "or";
            let (l, r) = (ev(l, row), ev(r, row));
            if l == Ok(V::B(dominant)) || r == Ok(V::B(dominant)) {
                return Ok(V::B(dominant));
            }
            l?;
            r?;
            Ok(V::B(!dominant))
        }
        T::Bin(op, l, r) => {
            let (l, r) = (ev(l, row), ev(r, row));
            let (l, r) = (l?, r?);
            match (*op, l, r) {
                (op @ ("+" | "-" | "*" | "/"), V::D(l), V::D(r)) => arith(op, l, r),
                ("==", l, r) => Ok(V::B(l == r)),
                ("!=", l, r) => Ok(V::B(l != r)),
                (op, V::D(l), V::D(r)) => Ok(V::B(match op {
                    "<" => l < r,
                    "<=" => l <= r,
                    ">" => l > r,
                    _ => l >= r,
                })),
                other => panic!("bad operands {other:?}"),
            }
        }
        T::In(x, list, negated) => {
            let x = ev(x, row)?;
            let mut unknown = None;
            for e in list {
                match ev(e, row) {
                    Ok(v) if v == x => return Ok(V::B(!negated)),
                    Ok(_) => {}
                    Err(r) => {
                        unknown.get_or_insert(r);
                    }
                }
            }
            match unknown {
                Some(r) => Err(r),
                None => Ok(V::B(*negated)),
            }
        }
        T::If(c, a, e) => {
            if b(ev(c, row))? {
                ev(a, row)
            } else {
                ev(e, row)
            }
        }
        T::Call(f, args) => call(f, args, row),
    }
}

fn call(f: &str, args: &[T], row: &Row) -> R {
    let vals: Vec<R> = args.iter().map(|a| ev(a, row)).collect();
    match f {
        "abs" => Ok(V::D(d(vals[0].clone())?.abs())),
        "min" | "max" => {
            let mut acc: Option<Decimal> = None;
            for v in vals {
                let v = d(v)?;
                acc = Some(match acc {
                    None => v,
                    Some(a) if f == "min" => a.min(v),
                    Some(a) => a.max(v),
                });
            }
            Ok(V::D(acc.expect("at least one argument")))
        }
        "round" => {
            let dp = match &args[1] {
                T::Num(n) => u32::try_from(n.mantissa()).expect("small digits"),
                other => panic!("digits {other:?}"),
            };
            let x = d(vals[0].clone())?;
            Ok(V::D(x.round_dp_with_strategy(
                dp,
                RoundingStrategy::MidpointAwayFromZero,
            )))
        }
        "coalesce" => vals
            .iter()
            .find(|v| v.is_ok())
            .cloned()
            .unwrap_or_else(|| vals[0].clone()),
        "count" => {
            let mut n = 0u64;
            for v in vals {
                n += u64::from(b(v)?);
            }
            Ok(V::D(Decimal::from(n)))
        }
        "share" => {
            let known: Vec<bool> = vals.iter().filter_map(|v| b(v.clone()).ok()).collect();
            if known.is_empty() {
                return Err(vals[0].clone().unwrap_err());
            }
            let trues = known.iter().filter(|&&t| t).count() as u64;
            Ok(V::D(
                Decimal::from(trues) * Decimal::ONE_HUNDRED / Decimal::from(known.len() as u64),
            ))
        }
        "rel_gap" => {
            let (x, r) = (vals[0].clone(), vals[1].clone());
            let (x, r) = (d(x)?, d(r)?);
            if r.is_zero() {
                return Err(DIV_ZERO.into());
            }
            r.checked_sub(x)
                .and_then(|g| g.checked_mul(Decimal::ONE_HUNDRED))
                .and_then(|g| g.checked_div(r))
                .map(V::D)
                .ok_or_else(|| OVERFLOW.into())
        }
        "pp_gap" => {
            let (x, r) = (vals[0].clone(), vals[1].clone());
            let (x, r) = (d(x)?, d(r)?);
            arith("-", r, x)
        }
        other => panic!("unknown function {other}"),
    }
}

fn show(r: &R) -> String {
    match r {
        Ok(V::D(d)) => d.normalize().to_string(),
        Ok(V::B(b)) => b.to_string(),
        Ok(V::S(s)) => format!("{s:?}"),
        Err(reason) => format!("unknown ({reason})"),
    }
}

// ---------------------------------------------------------------------------------------------
// Generators of well-typed expressions (by sort) and of columns.

fn lit() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        8 => (0i64..2000, 0u32..3).prop_map(|(v, s)| Decimal::new(v, s)),
        1 => Just(Decimal::MAX),
    ]
}

fn boxed(t: T) -> Box<T> {
    Box::new(t)
}

/// Strategies for Number, Percent, Points and Bool expressions, `depth` levels deep.
#[derive(Clone)]
struct Sorts {
    num: BoxedStrategy<T>,
    pct: BoxedStrategy<T>,
    pts: BoxedStrategy<T>,
    boo: BoxedStrategy<T>,
}

fn leaves() -> Sorts {
    Sorts {
        num: prop_oneof![
            4 => lit().prop_map(T::Num),
            4 => prop::sample::select(vec!["a", "b"]).prop_map(T::Var),
            1 => Just(T::Null),
        ]
        .boxed(),
        pct: prop_oneof![lit().prop_map(T::Pct), Just(T::Var("p"))].boxed(),
        pts: lit().prop_map(T::Pts).boxed(),
        boo: prop_oneof![
            3 => any::<bool>().prop_map(T::Bool),
            4 => prop::sample::select(vec!["x", "y"]).prop_map(T::Var),
            1 => Just(T::Null),
        ]
        .boxed(),
    }
}

fn bin(ops: &'static [&'static str], l: BoxedStrategy<T>, r: BoxedStrategy<T>) -> BoxedStrategy<T> {
    (prop::sample::select(ops), l, r)
        .prop_map(|(op, l, r)| T::Bin(op, boxed(l), boxed(r)))
        .boxed()
}

fn gen_call(
    f: &'static str,
    args: BoxedStrategy<T>,
    n: std::ops::Range<usize>,
) -> BoxedStrategy<T> {
    prop::collection::vec(args, n)
        .prop_map(move |args| T::Call(f, args))
        .boxed()
}

fn if_(c: &BoxedStrategy<T>, branch: &BoxedStrategy<T>) -> BoxedStrategy<T> {
    (c.clone(), branch.clone(), branch.clone())
        .prop_map(|(c, a, b)| T::If(boxed(c), boxed(a), boxed(b)))
        .boxed()
}

const ARITH: &[&str] = &["+", "-", "*", "/"];
const CMP: &[&str] = &["<", "<=", ">", ">=", "==", "!="];

fn deeper(s: &Sorts) -> Sorts {
    let Sorts { num, pct, pts, boo } = s.clone();
    let l = leaves();
    let num2 = prop_oneof![
        2 => l.num.clone(),
        1 => num.clone().prop_map(|x| T::Neg(boxed(x))),
        4 => bin(ARITH, num.clone(), num.clone()),
        1 => bin(&["/"], pct.clone(), pct.clone()),
        1 => gen_call("abs", num.clone(), 1..2),
        1 => gen_call("min", num.clone(), 1..4),
        1 => gen_call("max", num.clone(), 1..4),
        1 => (num.clone(), 0u32..4).prop_map(|(x, dp)| T::Call("round", vec![x, T::Num(dp.into())])),
        1 => gen_call("coalesce", num.clone(), 1..4),
        1 => gen_call("count", boo.clone(), 1..4),
        1 => if_(&boo, &num),
    ]
    .boxed();
    let pct2 = prop_oneof![
        2 => l.pct.clone(),
        1 => bin(&["+"], pct.clone(), pct.clone()),
        1 => bin(&["*", "/"], pct.clone(), num.clone()),
        1 => bin(&["+", "-"], pct.clone(), pts.clone()),
        2 => (num.clone(), num.clone()).prop_map(|(x, r)| T::Call("rel_gap", vec![x, r])),
        1 => (pct.clone(), pct.clone()).prop_map(|(x, r)| T::Call("rel_gap", vec![x, r])),
        1 => gen_call("share", boo.clone(), 1..4),
        1 => gen_call("coalesce", pct.clone(), 1..3),
        1 => if_(&boo, &pct),
        1 => pct.clone().prop_map(|x| T::Neg(boxed(x))),
    ]
    .boxed();
    let pts2 = prop_oneof![
        2 => l.pts.clone(),
        2 => bin(&["-"], pct.clone(), pct.clone()),
        2 => (pct.clone(), pct.clone()).prop_map(|(x, r)| T::Call("pp_gap", vec![x, r])),
        1 => bin(&["+", "-"], pts.clone(), pts.clone()),
        1 => pts.clone().prop_map(|x| T::Neg(boxed(x))),
    ]
    .boxed();
    let strs = prop::sample::select(vec!["lyceum", "school", "gymnasium", "other"]);
    let boo2 = prop_oneof![
        2 => l.boo.clone(),
        1 => boo.clone().prop_map(|x| T::Not(boxed(x))),
        3 => bin(&["and", "or"], boo.clone(), boo.clone()),
        3 => bin(CMP, num.clone(), num.clone()),
        1 => bin(CMP, pct.clone(), pct.clone()),
        1 => bin(CMP, pts.clone(), pts.clone()),
        1 => bin(&["==", "!="], boo.clone(), boo.clone()),
        1 => (num.clone(), prop::collection::vec(num.clone(), 1..4), any::<bool>())
            .prop_map(|(x, v, n)| T::In(boxed(x), v, n)),
        1 => (prop::collection::vec(strs.prop_map(T::Str), 1..4), any::<bool>())
            .prop_map(|(v, n)| T::In(boxed(T::Var("s")), v, n)),
        1 => if_(&boo, &boo),
        1 => gen_call("coalesce", boo.clone(), 1..3),
    ]
    .boxed();
    Sorts {
        num: num2,
        pct: pct2,
        pts: pts2,
        boo: boo2,
    }
}

fn expr() -> impl Strategy<Value = T> {
    let mut s = leaves();
    for _ in 0..3 {
        s = deeper(&s);
    }
    prop_oneof![s.num, s.pct, s.pts, s.boo]
}

/// A cell: known, missing, or limited sample.
#[derive(Debug, Clone)]
enum Cell<X> {
    Known(X),
    Missing,
    Limited,
}

fn cell<X: std::fmt::Debug + Clone + 'static>(
    known: impl Strategy<Value = X> + 'static,
) -> BoxedStrategy<Cell<X>> {
    prop_oneof![
        6 => known.prop_map(Cell::Known),
        1 => Just(Cell::Missing),
        1 => Just(Cell::Limited),
    ]
    .boxed()
}

fn dec_value() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        6 => (-3000i64..3000, 0u32..3).prop_map(|(v, s)| Decimal::new(v, s)),
        2 => Just(Decimal::ZERO),
        1 => Just(Decimal::MAX / Decimal::TWO),
    ]
}

#[derive(Debug, Clone)]
struct Data {
    a: Vec<Cell<Decimal>>,
    b: Vec<Cell<Decimal>>,
    p: Vec<Cell<Decimal>>,
    x: Vec<Cell<bool>>,
    y: Vec<Cell<bool>>,
    s: Vec<Cell<&'static str>>,
}

fn data() -> impl Strategy<Value = Data> {
    (0usize..7).prop_flat_map(|n| {
        let dec = move || prop::collection::vec(cell(dec_value()), n);
        let boo = move || prop::collection::vec(cell(any::<bool>()), n);
        let strs = prop::sample::select(vec!["lyceum", "school", "gymnasium"]);
        (
            dec(),
            dec(),
            dec(),
            boo(),
            boo(),
            prop::collection::vec(cell(strs), n),
        )
            .prop_map(|(a, b, p, x, y, s)| Data { a, b, p, x, y, s })
    })
}

fn limited(name: &str) -> Reason {
    Reason::LimitedSample {
        name: name.into(),
        size: 9,
    }
}

fn column<X: Clone>(
    name: &str,
    cells: &[Cell<X>],
    make: impl Fn(Vec<Option<X>>, Reason) -> Column,
) -> Column {
    let values = cells
        .iter()
        .map(|c| match c {
            Cell::Known(v) => Some(v.clone()),
            _ => None,
        })
        .collect();
    let mut col = make(values, Reason::Missing { name: name.into() });
    for (i, c) in cells.iter().enumerate() {
        if matches!(c, Cell::Limited) {
            col.set_unknown(i, limited(name));
        }
    }
    col
}

fn reference_cell<X: Clone>(name: &str, c: &Cell<X>, wrap: impl Fn(X) -> V) -> R {
    match c {
        Cell::Known(v) => Ok(wrap(v.clone())),
        Cell::Missing => Err(format!("missing value for {name}")),
        Cell::Limited => Err(limited(name).to_string()),
    }
}

fn catalogue() -> MapCatalogue {
    let b = |slot, ty| Binding { slot, ty };
    MapCatalogue::new()
        .with_name("a", b(0, Type::Number))
        .with_name("b", b(1, Type::Number))
        .with_name("p", b(2, Type::Percent))
        .with_name("x", b(3, Type::Bool))
        .with_name("y", b(4, Type::Bool))
        .with_name("s", b(5, Type::Str))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn vectorised_equals_reference(t in expr(), data in data()) {
        let text = src(&t);
        let program = compile_str(&text, &Limits::default(), &catalogue())
            .map_err(|e| TestCaseError::fail(format!("{text}: {e:?}")))?;
        let rows = data.a.len();
        let frame = VecFrame::new(rows, vec![
            column("a", &data.a, Column::numbers),
            column("b", &data.b, Column::numbers),
            column("p", &data.p, Column::percents),
            column("x", &data.x, Column::bools),
            column("y", &data.y, Column::bools),
            column("s", &data.s, |v, r| {
                Column::strings(v.into_iter().map(|s| s.map(String::from)).collect(), r)
            }),
        ]);
        let got = eval(&program, &frame).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(got.len(), rows);
        for i in 0..rows {
            let row = Row {
                a: reference_cell("a", &data.a[i], V::D),
                b: reference_cell("b", &data.b[i], V::D),
                p: reference_cell("p", &data.p[i], V::D),
                x: reference_cell("x", &data.x[i], V::B),
                y: reference_cell("y", &data.y[i], V::B),
                s: reference_cell("s", &data.s[i], |s| V::S(s.into())),
            };
            let expected = show(&ev(&t, &row));
            let actual = got.get(i).map(|d| d.to_string()).unwrap_or_default();
            prop_assert_eq!(actual, expected, "row {} of {}\n{}", i, text, program);
        }
    }

    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(vec![
        "a", "b", "x", "p.q", "1", "0.5", "15%", "3pp", "\"s\"", "\"", "true", "null", "(", ")",
        "[", "]", ",", ".", "+", "-", "*", "/", "<", ">=", "==", "!=", "=", "and", "or", "not",
        "in", "if", "then", "else", "min(", "round(", "share(", "findings(", "%", "ж", "\n",
    ]), 0..40)) {
        let text = tokens.join(" ");
        let limits = Limits { max_depth: 8, max_nodes: 30, ..Limits::default() };
        let result = parse(&text, &limits).and_then(|ast| oko::expr::compile(&ast, &catalogue()));
        if let Err(errors) = result {
            prop_assert!(!errors.is_empty());
            for e in &errors {
                prop_assert!(e.span.start <= e.span.end && e.span.end <= text.len(), "{:?}", e);
                let rendered = e.render(&text, "t", 0, 0);
                prop_assert!(rendered.contains(e.code));
            }
        }
    }
}
