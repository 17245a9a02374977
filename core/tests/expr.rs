//! Tests of the rule expression language: operators, functions, units (DOMAIN T7), Kleene
//! logic, unknown reasons, error codes with rendered carets, hostile inputs, and a property
//! test against a reference interpreter.

use std::time::{Duration, Instant};

use oko::expr::{
    Binding, Column, ExprError, Limits, MapCatalogue, Reason, Type, VecFrame, codes, compile_str,
    eval, parse,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn catalogue() -> MapCatalogue {
    let b = |slot, ty| Binding { slot, ty };
    MapCatalogue::new()
        .with_name("a", b(0, Type::Number))
        .with_name("b", b(1, Type::Number))
        .with_name("school.pass_rate", b(2, Type::Percent))
        .with_name("municipality.pass_rate", b(3, Type::Percent))
        .with_name("x", b(4, Type::Bool))
        .with_name("y", b(5, Type::Bool))
        .with_name("school.kind", b(6, Type::Str))
        .with_name("gap", b(7, Type::Points))
        .with_call("findings", &["low_median"], b(8, Type::Bool))
}

fn missing(name: &str) -> Reason {
    Reason::Missing { name: name.into() }
}

/// Rows: 0..=2 all known with different values, row 3 with unknowns.
fn frame() -> VecFrame {
    let d = |v: &[Option<Decimal>]| v.to_vec();
    VecFrame::new(
        4,
        vec![
            Column::numbers(
                d(&[Some(dec!(3)), Some(dec!(-2.5)), Some(dec!(0)), None]),
                missing("a"),
            ),
            Column::numbers(
                d(&[Some(dec!(2)), Some(dec!(0)), Some(dec!(7)), Some(dec!(1))]),
                missing("b"),
            ),
            Column::percents(
                d(&[
                    Some(dec!(92.0)),
                    Some(dec!(50)),
                    Some(dec!(51)),
                    Some(dec!(40)),
                ]),
                missing("school.pass_rate"),
            )
            .with_unknown(
                3,
                Reason::LimitedSample {
                    name: "school.pass_rate".into(),
                    size: 9,
                },
            ),
            Column::percents(vec![Some(dec!(60)); 4], missing("municipality.pass_rate")),
            Column::bools(
                vec![Some(true), Some(false), Some(true), None],
                missing("x"),
            ),
            Column::bools(
                vec![Some(false), Some(false), None, Some(true)],
                missing("y"),
            ),
            Column::strings(
                vec![
                    Some("lyceum".into()),
                    Some("school".into()),
                    Some("gymnasium".into()),
                    None,
                ],
                missing("school.kind"),
            ),
            Column::points(
                vec![Some(dec!(10)), Some(dec!(-3)), Some(dec!(15)), None],
                missing("gap"),
            ),
            Column::bools(
                vec![Some(true), Some(false), Some(false), Some(true)],
                missing("findings"),
            ),
        ],
    )
}

/// Evaluates `src` on [`frame`] and renders each row.
fn run(src: &str) -> Vec<String> {
    let program = compile_str(src, &Limits::default(), &catalogue())
        .unwrap_or_else(|e| panic!("{src}: {}", render_all(src, &e)));
    let column = eval(&program, &frame()).expect("frame fits");
    column.iter().map(|d| d.to_string()).collect()
}

fn render_all(src: &str, errors: &[ExprError]) -> String {
    errors
        .iter()
        .map(|e| e.render(src, "t", 0, 0))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compiles `src` expecting errors; returns them rendered.
fn fail(src: &str) -> String {
    match compile_str(src, &Limits::default(), &catalogue()) {
        Ok(_) => panic!("{src} compiled"),
        Err(e) => render_all(src, &e),
    }
}

#[track_caller]
fn check(src: &str, expected: &[&str]) {
    assert_eq!(run(src), expected, "{src}");
}

const UNK_A: &str = "unknown (missing value for a)";

#[test]
fn arithmetic() {
    check("a + b", &["5", "-2.5", "7", UNK_A]);
    check("a - b", &["1", "-2.5", "-7", UNK_A]);
    check("a * b", &["6", "0", "0", UNK_A]);
    check("a / b", &["1.5", "unknown (division by zero)", "0", UNK_A]);
    check("-a", &["-3", "2.5", "0", UNK_A]);
    check("1 + 2 * 3 - 4 / 8", &["6.5"; 4]);
    check("(1 + 2) * 3", &["9"; 4]);
    check("0.1 + 0.2 == 0.3", &["true"; 4]);
}

#[test]
fn comparisons() {
    check("a < b", &["false", "true", "true", UNK_A]);
    check("a <= 3", &["true", "true", "true", UNK_A]);
    check("a > b", &["true", "false", "false", UNK_A]);
    check("a >= 3", &["true", "false", "false", UNK_A]);
    check("a == 0", &["false", "false", "true", UNK_A]);
    check("a != 0", &["true", "true", "false", UNK_A]);
    check(
        "x == y",
        &[
            "false",
            "true",
            "unknown (missing value for y)",
            "unknown (missing value for x)",
        ],
    );
    check(
        "school.kind != \"lyceum\"",
        &[
            "false",
            "true",
            "true",
            "unknown (missing value for school.kind)",
        ],
    );
    check("1.0 == 1.00", &["true"; 4]);
}

#[test]
fn membership() {
    check(
        "school.kind in [\"lyceum\", \"gymnasium\"]",
        &[
            "true",
            "false",
            "true",
            "unknown (missing value for school.kind)",
        ],
    );
    check("b not in [0, 1]", &["true", "false", "true", "false"]);
    // A match wins over an unknown element; no match with an unknown element is unknown.
    check("b in [a, 2]", &["true", "false", "false", UNK_A]);
    check("2 in [a, b]", &["true", "false", "false", UNK_A]);
}

#[test]
fn conditionals_and_logic() {
    check(
        "if x then a else b",
        &["3", "0", "0", "unknown (missing value for x)"],
    );
    check(
        "if a > 0 then \"up\" else \"down\"",
        &["\"up\"", "\"down\"", "\"down\"", UNK_A],
    );
    check(
        "not x",
        &["false", "true", "false", "unknown (missing value for x)"],
    );
    check(
        "findings(\"low_median\") and x",
        &["true", "false", "false", "unknown (missing value for x)"],
    );
}

#[test]
fn functions() {
    check("abs(a)", &["3", "2.5", "0", UNK_A]);
    check("min(a, b, 1)", &["1", "-2.5", "0", UNK_A]);
    check("max(a, b)", &["3", "0", "7", UNK_A]);
    check(
        "round(2.345, 2) == 2.35 and round(-2.5, 0) == -3",
        &["true"; 4],
    );
    check("round(a / 7, 3)", &["0.429", "-0.357", "0", UNK_A]);
    check("coalesce(a, b, 0)", &["3", "-2.5", "0", "1"]);
    check("coalesce(a, null)", &["3", "-2.5", "0", UNK_A]);
    check(
        "count(x, y, true)",
        &[
            "2",
            "1",
            "unknown (missing value for y)",
            "unknown (missing value for x)",
        ],
    );
    check("share(x, y)", &["50", "0", "100", "100"]);
    check(
        "share(x, null)",
        &["100", "0", "100", "unknown (missing value for x)"],
    );
    check(
        "rel_gap(a, b)",
        &["-50", "unknown (division by zero)", "100", UNK_A],
    );
    check("pp_gap(a, b)", &["-1", "2.5", "7", UNK_A]);
    check(
        "gap + pp_gap(school.pass_rate, municipality.pass_rate)",
        &["-22", "7", "24", "unknown (missing value for gap)"],
    );
}

/// DOMAIN T7: district completion 60; school 50 is 16.67 % below (flag) but only 10 points
/// (no flag at 15 points); school 51 is exactly 15.00 % below (flag with `>=`).
#[test]
fn t7_relative_versus_points() {
    let rel = "rel_gap(school.pass_rate, municipality.pass_rate)";
    let r = run(rel);
    assert!(r[1].starts_with("16.66666"), "{r:?}");
    assert_eq!(r[2], "15");
    check(
        &format!("{rel} >= 15%"),
        &[
            "false",
            "true",
            "true",
            "unknown (limited sample for school.pass_rate (N = 9))",
        ],
    );
    check(
        "pp_gap(school.pass_rate, municipality.pass_rate) >= 15pp",
        &[
            "false",
            "false",
            "false",
            "unknown (limited sample for school.pass_rate (N = 9))",
        ],
    );
    check(
        "municipality.pass_rate - school.pass_rate >= 10pp",
        &[
            "false",
            "true",
            "false",
            "unknown (limited sample for school.pass_rate (N = 9))",
        ],
    );
    // Units of arithmetic.
    check(
        "school.pass_rate + 5pp >= 97%",
        &[
            "true",
            "false",
            "false",
            "unknown (limited sample for school.pass_rate (N = 9))",
        ],
    );
    check(
        "school.pass_rate * 2 / 2 == school.pass_rate",
        &[
            "true",
            "true",
            "true",
            "unknown (limited sample for school.pass_rate (N = 9))",
        ],
    );
    check(
        "school.pass_rate / municipality.pass_rate > 1",
        &[
            "true",
            "false",
            "false",
            "unknown (limited sample for school.pass_rate (N = 9))",
        ],
    );
}

/// Kleene truth tables over every pair of true, false, unknown.
#[test]
fn kleene_truth_tables() {
    let v = [Some(true), Some(false), None];
    let mut l = Vec::new();
    let mut r = Vec::new();
    for a in v {
        for b in v {
            l.push(a);
            r.push(b);
        }
    }
    let cat = MapCatalogue::new()
        .with_name(
            "l",
            Binding {
                slot: 0,
                ty: Type::Bool,
            },
        )
        .with_name(
            "r",
            Binding {
                slot: 1,
                ty: Type::Bool,
            },
        );
    let frame = VecFrame::new(
        9,
        vec![
            Column::bools(l, missing("l")),
            Column::bools(r, missing("r")),
        ],
    );
    let table = |src: &str| -> String {
        let p = compile_str(src, &Limits::default(), &cat).unwrap();
        let c = eval(&p, &frame).unwrap();
        c.iter()
            .map(|d| match d.to_string().as_str() {
                "true" => "T".to_owned(),
                "false" => "F".to_owned(),
                "unknown (missing value for l)" => "Ul".to_owned(),
                "unknown (missing value for r)" => "Ur".to_owned(),
                other => other.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Row order: TT TF TU FT FF FU UT UF UU.
    assert_eq!(table("l and r"), "T F Ur F F F Ul F Ul");
    assert_eq!(table("l or r"), "T T T T F Ur T Ul Ul");
    assert_eq!(table("not l"), "F F F T T T Ul Ul Ul");
    assert_eq!(
        table("l and null"),
        "Unull Unull Unull F F F Ul Ul Ul".replace("Unull", "unknown (null)")
    );
    assert_eq!(table("false and r"), "F F F F F F F F F");
    assert_eq!(table("true or r"), "T T T T T T T T T");
    assert_eq!(table("l == r"), "T F Ur F T Ur Ul Ul Ul");
}

#[test]
fn unknown_reasons_are_kept_and_first_wins() {
    check(
        "a + null",
        &["unknown (null)", "unknown (null)", "unknown (null)", UNK_A],
    );
    check("null + a", &["unknown (null)"; 4]);
    check(
        "school.pass_rate > 10% or a > 100",
        &[
            "true",
            "true",
            "true",
            "unknown (limited sample for school.pass_rate (N = 9))",
        ],
    );
    check(
        "a > 100 or school.pass_rate > 10%",
        &["true", "true", "true", UNK_A],
    );
    // A comparison with an unknown is unknown, never a silent false.
    check(
        "a > 1 / 0",
        &[
            "unknown (division by zero)",
            "unknown (division by zero)",
            "unknown (division by zero)",
            UNK_A,
        ],
    );
    check(
        "coalesce(a / 0, b / 0)",
        &[
            "unknown (division by zero)",
            "unknown (division by zero)",
            "unknown (division by zero)",
            UNK_A,
        ],
    );
}

#[test]
fn overflow_is_unknown_not_a_panic() {
    let big = "79228162514264337593543950335";
    check(&format!("{big} + 1"), &["unknown (arithmetic overflow)"; 4]);
    check(
        &format!("a * {big}"),
        &[
            "unknown (arithmetic overflow)",
            "unknown (arithmetic overflow)",
            "0",
            UNK_A,
        ],
    );
    check(
        &format!("-{big} - 1"),
        &["unknown (arithmetic overflow)"; 4],
    );
    check(
        &format!("{big} / 0.1"),
        &["unknown (arithmetic overflow)"; 4],
    );
    check(
        &format!("rel_gap(-{big}, {big})"),
        &["unknown (arithmetic overflow)"; 4],
    );
}

#[test]
fn constants_fold_and_inputs_are_listed() {
    let cat = catalogue();
    let p = compile_str("round(1 / 3 * 3, 2) + 0", &Limits::default(), &cat).unwrap();
    assert!(p.is_constant());
    assert_eq!(p.instruction_count(), 0);
    let p = compile_str(
        "b > 1 and (a > 2 * 2 or findings(\"low_median\")) and a != b",
        &Limits::default(),
        &cat,
    )
    .unwrap();
    assert_eq!(p.inputs(), &[0, 1, 8]);
    let names: Vec<&str> = p
        .referenced_names()
        .iter()
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(names, ["b", "a", "findings(\"low_median\")"]);
    assert_eq!(p.referenced_names()[1].span.start, 11);
    assert_eq!(p.ty(), Type::Bool);
    // 2 * 2 folded: b>1, a>4, or, and, a!=b, and.
    assert_eq!(p.instruction_count(), 6, "{p}");
}

#[test]
fn frame_mismatches_are_errors() {
    let cat = catalogue();
    let p = compile_str("a + b", &Limits::default(), &cat).unwrap();
    let short = VecFrame::new(2, vec![Column::numbers(vec![None], missing("a"))]);
    assert_eq!(eval(&p, &short).unwrap_err().code(), "frame.length");
    let wrong = VecFrame::new(1, vec![Column::bools(vec![None], missing("a"))]);
    assert_eq!(eval(&p, &wrong).unwrap_err().code(), "frame.type");
    let none = VecFrame::new(1, vec![Column::numbers(vec![None], missing("a"))]);
    assert_eq!(eval(&p, &none).unwrap_err().code(), "frame.missing_column");
    // An all-unknown column fits any slot.
    let unknown = VecFrame::new(
        2,
        vec![
            Column::unknown(2, missing("a")),
            Column::numbers(vec![None, Some(dec!(1))], missing("b")),
        ],
    );
    let c = eval(&p, &unknown).unwrap();
    assert_eq!(c.ty(), Type::Number);
    assert_eq!(c.reason(1), Some(&missing("a")));
}

// ---------------------------------------------------------------------------------------------
// Errors: every code, its span, and the rendered caret snippet.

#[test]
fn syntax_errors_render_with_carets() {
    assert_eq!(
        fail("a + * b"),
        "t:1:5: rule.syntax: expected an expression, found `*`\n    a + * b\n        ^"
    );
    assert_eq!(
        fail("min(a,, b) > (a"),
        "t:1:7: rule.syntax: expected an expression, found `,`\n    min(a,, b) > (a\n          ^\n\
         t:1:14: rule.syntax: expected `)` to close `(` opened here, found end of input\n    min(a,, b) > (a\n                 ^^"
    );
    assert_eq!(
        fail("a < b < 3"),
        "t:1:7: rule.syntax: comparisons cannot be chained; join them with `and`\n    a < b < 3\n          ^"
    );
    assert_eq!(
        fail("x = \"open"),
        "t:1:3: rule.syntax: use `==` to compare for equality\n    x = \"open\n      ^\n\
         t:1:5: rule.syntax: unterminated string: add the closing `\"`\n    x = \"open\n        ^^^^^"
    );
}

#[test]
fn compile_errors_render_with_carets() {
    assert_eq!(
        fail("schol.pass_rate >= 90%"),
        "t:1:1: rule.unknown_name: unknown name `schol.pass_rate`\n    schol.pass_rate >= 90%\n    ^^^^^^^^^^^^^^^"
    );
    assert_eq!(
        fail("findings(\"nope\") or maxx(a, b) > 1"),
        "t:1:1: rule.unknown_name: unknown function `findings(\"nope\")`\n    findings(\"nope\") or maxx(a, b) > 1\n    ^^^^^^^^^^^^^^^^\n\
         t:1:21: rule.unknown_name: unknown function `maxx`; the built-in functions are abs, min, max, round, coalesce, count, share, rel_gap and pp_gap, and catalogue functions take only string literals\n    findings(\"nope\") or maxx(a, b) > 1\n                        ^^^^"
    );
    assert_eq!(
        fail("x + 1"),
        "t:1:3: rule.type_mismatch: `+` needs a number, found Bool\n    x + 1\n      ^"
    );
    assert_eq!(
        fail("school.pass_rate - municipality.pass_rate >= 15%"),
        "t:1:43: rule.unit_mismatch: cannot compare Points (percentage points, pp) with Percent (%); \
         to compare a value with a reference, use rel_gap(x, reference) for the relative gap in % \
         or pp_gap(x, reference) for the gap in percentage points\n    \
         school.pass_rate - municipality.pass_rate >= 15%\n                                              ^^"
    );
    assert_eq!(
        fail("a > 15%"),
        "t:1:3: rule.unit_mismatch: cannot compare Number with Percent (%); write the constant with its unit (e.g. `15%` or `15pp`), or use rel_gap/pp_gap\n    a > 15%\n      ^"
    );
    assert_eq!(
        fail("abs(a, b) + round(a)"),
        "t:1:1: rule.arity: `abs` takes 1 argument (x), found 2\n    abs(a, b) + round(a)\n    ^^^^^^^^^\n\
         t:1:13: rule.arity: `round` takes 2 arguments (x, digits), found 1\n    abs(a, b) + round(a)\n                ^^^^^^^^"
    );
    assert_eq!(
        fail("round(a, b)"),
        "t:1:10: rule.argument: the digits of `round` must be a constant whole Number from 0 to 28\n    round(a, b)\n             ^"
    );
    // All problems at once, across the tree.
    let all = compile_str("(x + 1) or zz or a > 1%", &Limits::default(), &catalogue()).unwrap_err();
    let got: Vec<_> = all.iter().map(|e| e.code).collect();
    assert_eq!(
        got,
        [
            codes::TYPE_MISMATCH,
            codes::UNKNOWN_NAME,
            codes::UNIT_MISMATCH
        ]
    );
}

#[test]
fn limit_errors_render_with_carets() {
    let src = format!("{}a{}", "(".repeat(70), ")".repeat(70));
    let e = parse(&src, &Limits::default()).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].code, codes::EXPRESSION_DEPTH);
    assert_eq!(e[0].span.start, 64);
    let tight = Limits {
        max_source_bytes: 10,
        max_depth: 3,
        max_nodes: 3,
    };
    let render = |src: &str| render_all(src, &parse(src, &tight).unwrap_err());
    assert_eq!(
        render("a + b + c"),
        "t:1:9: limit.expression_nodes: expression has more than 3 nodes; split the rule\n    a + b + c\n            ^"
    );
    assert_eq!(
        render("(((a)))"),
        "t:1:4: limit.expression_depth: expression is nested more than 3 levels deep (each operator of a chain such as `a or b or c` adds a level); split the rule or use count(...)/share(...)\n    (((a)))\n       ^"
    );
    let chain = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    assert_eq!(
        render_all(
            "a + b + c + d",
            &parse("a + b + c + d", &chain).unwrap_err()
        ),
        "t:1:1: limit.expression_depth: expression is nested more than 3 levels deep (each operator of a chain such as `a or b or c` adds a level); split the rule or use count(...)/share(...)\n    a + b + c + d\n    ^^^^^^^^^^^^^"
    );
    assert_eq!(
        render("abcdefghijkl"),
        "t:1:11: limit.expression_size: expression is 12 bytes long; the limit is 10 bytes\n    abcdefghijkl\n              ^"
    );
}

#[test]
fn render_uses_offsets_lines_and_windows() {
    let src = "a >\n  zz";
    let e = compile_str(src, &Limits::default(), &catalogue()).unwrap_err();
    assert_eq!(
        e[0].render(src, "rules.toml", 9, 12),
        "rules.toml:11:3: rule.unknown_name: unknown name `zz`\n      zz\n      ^^"
    );
    let src = "a >= 90%";
    let e = compile_str(src, &Limits::default(), &catalogue()).unwrap_err();
    assert_eq!(
        e[0].render(src, "rules.toml", 9, 12),
        "rules.toml:10:15: rule.unit_mismatch: cannot compare Number with Percent (%); write the constant with its unit (e.g. `15%` or `15pp`), or use rel_gap/pp_gap\n    a >= 90%\n      ^^"
    );
    // Non-ASCII text before the span: columns count characters.
    let src = "\"шк\" == a";
    let e = compile_str(src, &Limits::default(), &catalogue()).unwrap_err();
    assert!(
        e[0].render(src, "t", 0, 0)
            .starts_with("t:1:6: rule.type_mismatch"),
        "{}",
        e[0].render(src, "t", 0, 0)
    );
    // Long lines are windowed around the caret.
    let src = format!("{}zz", "a + ".repeat(100));
    let e = compile_str(
        &src,
        &Limits {
            max_depth: 256,
            ..Limits::default()
        },
        &catalogue(),
    )
    .unwrap_err();
    let r = e[0].render(&src, "t", 0, 0);
    let lines: Vec<&str> = r.lines().collect();
    assert!(
        lines[1].starts_with("    ...") && lines[1].len() < 140,
        "{r}"
    );
    assert_eq!(lines[1].find("zz"), lines[2].find("^^"), "{r}");
}

// ---------------------------------------------------------------------------------------------
// Hostile input: limits hit quickly, no stack overflow (debug build, 2 MiB test thread).

fn assert_limit(src: &str, limits: &Limits, code: &str) {
    let start = Instant::now();
    let errors = parse(src, limits).unwrap_err();
    let elapsed = start.elapsed();
    assert!(
        errors.iter().any(|e| e.code == code),
        "{:?}",
        &errors[..errors.len().min(3)]
    );
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
}

fn unlimited() -> Limits {
    Limits {
        max_source_bytes: usize::MAX,
        max_depth: usize::MAX,
        max_nodes: usize::MAX,
    }
}

#[test]
fn deep_nesting_is_a_limit_error_not_a_stack_overflow() {
    let n = 10_000;
    for limits in [Limits::default(), unlimited()] {
        let limits = Limits {
            max_source_bytes: usize::MAX,
            ..limits
        };
        let parens = format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert_limit(&parens, &limits, codes::EXPRESSION_DEPTH);
        assert_limit(
            &format!("{}1", "-".repeat(n)),
            &limits,
            codes::EXPRESSION_DEPTH,
        );
        assert_limit(
            &format!("{}x", "not ".repeat(n)),
            &limits,
            codes::EXPRESSION_DEPTH,
        );
        assert_limit(
            &format!("{}1", "abs(".repeat(n)),
            &limits,
            codes::EXPRESSION_DEPTH,
        );
        assert_limit(
            &format!("{}1", "a in [".repeat(n)),
            &limits,
            codes::EXPRESSION_DEPTH,
        );
        assert_limit(&"if x then ".repeat(n), &limits, codes::EXPRESSION_DEPTH);
        assert_limit(
            &format!("{}1", "1 + ".repeat(n)),
            &limits,
            codes::EXPRESSION_DEPTH,
        );
    }
}

#[test]
fn long_or_chain_is_a_limit_error() {
    let chain = format!("{}x", "x or ".repeat(99_999));
    assert_limit(
        &chain,
        &Limits {
            max_source_bytes: usize::MAX,
            ..Limits::default()
        },
        codes::EXPRESSION_DEPTH,
    );
    assert_limit(&chain, &unlimited(), codes::EXPRESSION_DEPTH);
    assert_limit(&chain, &Limits::default(), codes::EXPRESSION_SIZE);
    let wide = format!("min({}1)", "a, ".repeat(100_000));
    assert_limit(
        &wide,
        &Limits {
            max_source_bytes: usize::MAX,
            ..Limits::default()
        },
        codes::EXPRESSION_NODES,
    );
}

#[test]
fn huge_source_is_rejected_before_lexing() {
    let src = "a + ".repeat(50 * 1024 * 1024 / 4);
    let start = Instant::now();
    let errors = parse(&src, &Limits::default()).unwrap_err();
    let rendered = errors[0].render(&src, "t", 0, 0);
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, codes::EXPRESSION_SIZE);
    assert!(rendered.len() < 400, "{rendered}");
}

#[test]
fn the_depth_ceiling_fits_a_small_stack() {
    // At the ceiling, parsing and compiling use well under 512 KiB of stack even in debug.
    let handle = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(|| {
            let d = Limits::DEPTH_CEILING;
            let src = format!("{}a{}", "(-".repeat(d / 2 - 1), ")".repeat(d / 2 - 1));
            let ast = parse(&src, &unlimited()).expect("within the ceiling");
            compile_str(&src, &unlimited(), &catalogue()).expect("compiles");
            ast.len()
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), Limits::DEPTH_CEILING / 2);
}

#[test]
fn garbage_gives_bounded_errors() {
    let src = "+ ) ] , then else ".repeat(1000);
    let errors = parse(&src, &Limits::default()).unwrap_err();
    assert!(!errors.is_empty() && errors.len() <= 50);
    let src = "f(a b c, [1, (2 3], x in 4, if x else y".to_owned();
    let errors = parse(&src, &Limits::default()).unwrap_err();
    assert!(
        errors
            .iter()
            .all(|e| e.code == codes::SYNTAX && e.span.end <= src.len())
    );
}

#[test]
fn many_rows_with_distinct_reasons_stay_linear() {
    let n = 100_000;
    let mut rates = Column::percents(
        (0..n).map(|i| Some(Decimal::from(i % 101))).collect(),
        missing("p"),
    );
    for i in (0..n).step_by(2) {
        rates.set_unknown(
            i,
            Reason::LimitedSample {
                name: "p".into(),
                size: i as u64,
            },
        );
    }
    let cat = MapCatalogue::new()
        .with_name(
            "p",
            Binding {
                slot: 0,
                ty: Type::Percent,
            },
        )
        .with_name(
            "m",
            Binding {
                slot: 1,
                ty: Type::Percent,
            },
        );
    let district = Column::percents(vec![Some(dec!(60)); n], missing("m"));
    let frame = VecFrame::new(n, vec![rates, district]);
    let program = compile_str(
        "rel_gap(p, m) >= 15% or pp_gap(p, m) >= 20pp",
        &Limits::default(),
        &cat,
    )
    .unwrap();
    let start = Instant::now();
    let out = eval(&program, &frame).unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(out.bool(1), Some(true)); // 1 % vs 60 %
    assert_eq!(out.bool(99), Some(false)); // 99 %
    assert_eq!(
        out.reason(4).map(ToString::to_string).as_deref(),
        Some("limited sample for p (N = 4)")
    );
}
