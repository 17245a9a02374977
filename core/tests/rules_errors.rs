//! Every rule-file error code, with its location; pathological files hit limits quickly.

use oko::rules::{RuleLimits, RuleSource, compile};

const HEAD: &str = "schema_version = 1\nid = \"t\"\nversion = \"1\"\ntitle = { ru = \"т\", en = \"t\" }\nsource = { document = \"d\" }\n";

fn rule(body: &str) -> String {
    format!(
        "{HEAD}parameters = {{ gap = \"15%\", n = 2 }}\n\n[[rules]]\nid = \"r\"\nlevel = \"school\"\nmessage = {{ ru = \"м\", en = \"m\" }}\n{body}\n"
    )
}

/// Compiles and returns (code, line, column) of every error.
fn errors(text: &str) -> Vec<(String, Option<usize>, Option<usize>)> {
    let err = compile(
        &[RuleSource::toml("case.toml", text)],
        &RuleLimits::default(),
    )
    .expect_err("must fail");
    err.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code.to_owned(), d.line, d.column))
        .collect()
}

fn first_code(text: &str) -> String {
    errors(text)[0].0.clone()
}

#[test]
fn each_code_with_its_location() {
    let cases: Vec<(&str, String)> = vec![
        ("rule.syntax", format!("{HEAD}rules = [")),
        ("rule.schema", format!("{HEAD}colour = \"red\"\n")),
        (
            "rule.schema_version",
            HEAD.replace("schema_version = 1", "schema_version = 7"),
        ),
        (
            "rule.invalid_value",
            rule("when = \"true\"\nseverity = \"fatal\""),
        ),
        (
            "rule.invalid_value",
            rule("when = \"true\"\nscope = { kinds = [\"exam\"] }"),
        ),
        ("rule.syntax", rule("when = \"median_score >= \"")),
        ("rule.unknown_name", rule("when = \"medain_score > 1\"")),
        (
            "rule.unit_mismatch",
            rule("when = \"completion_rate - municipality.completion_rate >= param.gap\""),
        ),
        ("rule.type_mismatch", rule("when = \"median_score + 1\"")),
        ("rule.arity", rule("when = \"abs(1, 2) > 0\"")),
        (
            "rule.unknown_placeholder",
            rule("when = \"true\"").replace("ru = \"м\"", "ru = \"{nothing}\""),
        ),
        (
            "rule.duplicate_id",
            format!(
                "{}\n[[rules]]\nid = \"r\"\nlevel = \"school\"\nwhen = \"true\"\nmessage = {{ ru = \"\", en = \"\" }}\n",
                rule("when = \"true\"")
            ),
        ),
        (
            "rule.scale_gap",
            format!(
                "{HEAD}[[scales]]\nid = \"s\"\nmax_score = 10\nbands = [{{ mark = 2, min = 0, max = 4 }}, {{ mark = 3, min = 6, max = 10 }}]\n"
            ),
        ),
        (
            "rule.scale_overlap",
            format!(
                "{HEAD}[[scales]]\nid = \"s\"\nmax_score = 10\nbands = [{{ mark = 2, min = 0, max = 5 }}, {{ mark = 3, min = 5, max = 10 }}]\n"
            ),
        ),
        (
            "rule.scale_not_monotonic",
            format!(
                "{HEAD}[[scales]]\nid = \"s\"\nmax_score = 10\nbands = [{{ mark = 3, min = 0, max = 5 }}, {{ mark = 2, min = 6, max = 10 }}]\n"
            ),
        ),
        (
            "rule.band_test",
            format!(
                "{HEAD}[[classifications]]\nid = \"c\"\ntitle = {{ ru = \"\", en = \"\" }}\nlevel = \"school\"\nhit_policy = \"first\"\nbands = [{{ label = \"x\", title = {{ ru = \"\", en = \"\" }} }}]\n"
            ),
        ),
        (
            "rule.invalid_value",
            format!(
                "{HEAD}[[classifications]]\nid = \"c\"\ntitle = {{ ru = \"\", en = \"\" }}\nlevel = \"school\"\nhit_policy = \"any\"\nbands = []\n"
            ),
        ),
        (
            "limit.expression_depth",
            rule(&format!(
                "when = \"{}1{} > 0\"",
                "(".repeat(100),
                ")".repeat(100)
            )),
        ),
    ];
    for (code, text) in cases {
        let errs = errors(&text);
        assert_eq!(errs[0].0, code, "{text}");
        assert!(
            errs[0].1.is_some() && errs[0].2.is_some(),
            "{code} has no line:column: {errs:?}"
        );
    }
}

#[test]
fn golden_rendering_points_into_the_expression() {
    let text = rule("when = \"completion_rate - municipality.completion_rate >= param.gap\"");
    let err = compile(
        &[RuleSource::toml("district.toml", &text)],
        &RuleLimits::default(),
    )
    .unwrap_err();
    let d = &err.diagnostics[0];
    assert_eq!(d.code, "rule.unit_mismatch");
    assert_eq!(
        (d.line, d.column),
        (Some(12), Some(56)),
        "the caret points at the comparison"
    );
    assert_eq!(d.path, "rules[0].when");
    let shown = d.to_string();
    assert!(
        shown.starts_with("district.toml:12:56: error[rule.unit_mismatch]: "),
        "{shown}"
    );
    let caret = format!(
        "    | when = \"completion_rate - municipality.completion_rate >= param.gap\"\n    | {}^^",
        " ".repeat(55)
    );
    assert!(shown.contains(&caret), "{shown}");
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = format!(
        "{}\n[[rules]]\nid = \"r2\"\nlevel = \"shcool\"\nwhen = \"x >\"\nmessage = {{ ru = \"\", en = \"\" }}\n",
        rule("when = \"medain_score > 1\"\nseverity = \"fatal\"")
    );
    let codes: Vec<String> = errors(&text).into_iter().map(|e| e.0).collect();
    for c in ["rule.unknown_name", "rule.invalid_value", "rule.syntax"] {
        assert!(codes.iter().any(|x| x == c), "{c} missing from {codes:?}");
    }
    assert!(codes.len() >= 4, "{codes:?}");
}

#[test]
fn json_form_is_equivalent_and_located() {
    let toml_text =
        rule("when = \"rel_gap(completion_rate, municipality.completion_rate) >= param.gap\"");
    let value: toml::Value = toml::from_str(&toml_text).unwrap();
    let json = serde_json::to_string_pretty(&value).unwrap();
    let from_toml = compile(
        &[RuleSource::toml("a.toml", &toml_text)],
        &RuleLimits::default(),
    )
    .unwrap();
    let from_json = compile(&[RuleSource::json("a.json", &json)], &RuleLimits::default()).unwrap();
    assert_eq!(
        from_toml.rules()[0].when.source(),
        from_json.rules()[0].when.source()
    );
    let bad = json.replace("\"level\": \"school\"", "\"level\": \"shcool\"");
    let err = compile(&[RuleSource::json("a.json", &bad)], &RuleLimits::default()).unwrap_err();
    assert_eq!(err.diagnostics[0].code, "rule.invalid_value");
    assert!(err.diagnostics[0].line.is_some());
    let err = compile(
        &[RuleSource::json("a.json", "{\"schema_version\": 1,")],
        &RuleLimits::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "rule.syntax");
}

#[test]
fn findings_must_name_an_earlier_rule_of_the_same_level() {
    let text = format!(
        "{HEAD}[[classifications]]\nid = \"c\"\ntitle = {{ ru = \"\", en = \"\" }}\nlevel = \"school\"\nhit_policy = \"first\"\nbands = [{{ label = \"x\", title = {{ ru = \"\", en = \"\" }}, when = \"findings(\\\"nope\\\") > 0\" }}]\n"
    );
    assert_eq!(first_code(&text), "rule.unknown_name");
}

#[test]
fn pathological_rules_hit_limits_quickly() {
    let t = std::time::Instant::now();
    // An OR chain of 100,000 terms.
    let chain = vec!["median_score > 1"; 100_000].join(" or ");
    let codes = errors(&rule(&format!("when = \"{chain}\"")));
    assert!(codes[0].0.starts_with("limit."), "{codes:?}");
    // Nesting depth 10,000.
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(first_code(&rule(&format!("when = \"{deep} > 0\""))).starts_with("limit."));
    let nots = "not ".repeat(10_000);
    assert!(first_code(&rule(&format!("when = \"{nots}true\""))).starts_with("limit."));
    // A 50 MB file.
    let big = format!("{HEAD}# {}\n", "x".repeat(50 << 20));
    assert_eq!(first_code(&big), "limit.file_size");
    // Too many rules.
    let many: String = (0..1001)
        .map(|i| format!("[[rules]]\nid = \"r{i}\"\nlevel = \"school\"\nwhen = \"true\"\nmessage = {{ ru = \"\", en = \"\" }}\n"))
        .collect();
    assert_eq!(first_code(&format!("{HEAD}{many}")), "limit.rules");
    // Deeply nested TOML arrays do not overflow the stack either.
    let nested = format!("{HEAD}x = {}{}\n", "[".repeat(5000), "]".repeat(5000));
    assert!(first_code(&nested).starts_with("rule."));
    assert!(t.elapsed().as_secs() < 30, "limits took {:?}", t.elapsed());
}

#[test]
fn lint_reports_gaps_and_overlaps_as_warnings() {
    let text = format!(
        "{HEAD}[[classifications]]\nid = \"c\"\ntitle = {{ ru = \"\", en = \"\" }}\nlevel = \"school\"\nscope = {{ source = \"procedures\" }}\nhit_policy = \"first\"\nvalue = \"completion_rate\"\nbands = [\n  {{ label = \"a\", title = {{ ru = \"\", en = \"\" }}, range = {{ to = \"50%\" }} }},\n  {{ label = \"b\", title = {{ ru = \"\", en = \"\" }}, range = {{ from = \"55%\", to = \"80%\" }} }},\n  {{ label = \"c\", title = {{ ru = \"\", en = \"\" }}, range = {{ from = \"70%\" }} }},\n]\n"
    );
    let rules = compile(
        &[RuleSource::toml("lint.toml", &text)],
        &RuleLimits::default(),
    )
    .unwrap();
    let codes: Vec<(&str, Option<usize>)> =
        rules.warnings().iter().map(|w| (w.code, w.line)).collect();
    assert_eq!(
        codes,
        [("lint.band_gap", Some(15)), ("lint.band_overlap", Some(16))]
    );
}
