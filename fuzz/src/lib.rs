//! What each fuzz target does with its bytes, shared by the targets in `fuzz_targets/` and
//! by `tests/replay.rs`, which replays the committed corpora with plain `cargo test`.
//!
//! Every function here must return normally for any input: a panic, a hang or an
//! out-of-memory is a bug in oko. Errors are fine (and expected); they are checked for the
//! properties errors must have (a stable code; no personal value quoted).

use std::sync::{Arc, OnceLock};

use oko::expr::{Binding, Column, Limits, MapCatalogue, Reason, Type, VecFrame};
use oko::rules::{EvalOptions, RuleLimits, RuleSource, Rules, compile, evaluate};
use oko::{CellValue, Dataset, DatasetBuilder, Policy, TableName, TableSource};
use rust_decimal::Decimal;

/// A small sample district, built once per process.
fn small_dataset() -> &'static Dataset {
    static DS: OnceLock<Dataset> = OnceLock::new();
    DS.get_or_init(|| {
        let mut cfg = oko::GeneratorConfig::tiny(7);
        cfg.municipalities = 1;
        cfg.schools = 3;
        cfg.students = 90;
        oko::generate(&cfg).dataset
    })
}

/// The shipped rules, compiled once per process.
fn shipped_rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let sources = [
            RuleSource::toml(
                "rules/scales-2025.toml",
                include_str!("../../rules/scales-2025.toml"),
            ),
            RuleSource::toml(
                "rules/district-low-results.toml",
                include_str!("../../rules/district-low-results.toml"),
            ),
        ];
        compile(&sources, &RuleLimits::default()).expect("the shipped rules compile")
    })
}

/// Compiles a rule file (TOML or JSON) from fuzzed bytes; when it compiles, evaluates it over
/// a small district.
pub fn rules(data: &[u8], json: bool) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = if json {
        RuleSource::json("fuzz.json", text)
    } else {
        RuleSource::toml("fuzz.toml", text)
    };
    // The shipped scales first, as a user's file would be loaded after them.
    let scales = RuleSource::toml(
        "rules/scales-2025.toml",
        include_str!("../../rules/scales-2025.toml"),
    );
    match compile(&[scales, source], &RuleLimits::default()) {
        Ok(rules) => {
            let out = evaluate(&rules, small_dataset(), &EvalOptions::default());
            // Evaluation of compiled rules never fails, and the report serialises (the CLI
            // and the bindings do it).
            let e = out.expect("evaluation of compiled rules never fails");
            serde_json::to_string(&e.report).expect("the report serialises");
        }
        Err(e) => {
            let _ = e.render();
            for d in &e.diagnostics {
                assert!(
                    d.code.starts_with("rule.") || d.code.starts_with("limit."),
                    "unexpected code {}",
                    d.code
                );
            }
        }
    }
}

/// Names the expression target's catalogue knows, with their types.
const NAMES: &[(&str, Type)] = &[
    ("a", Type::Number),
    ("b", Type::Number),
    ("p", Type::Percent),
    ("q", Type::Percent),
    ("pp", Type::Points),
    ("flag", Type::Bool),
    ("s", Type::Str),
    ("school.pass_rate", Type::Percent),
    ("municipality.pass_rate", Type::Percent),
];

fn frame() -> VecFrame {
    let big = Decimal::MAX;
    let tiny = Decimal::new(1, 28);
    let m = |n: &str| Reason::Missing { name: n.into() };
    let nums = |v: Vec<Option<Decimal>>| v;
    let d = Decimal::from;
    VecFrame::new(
        5,
        vec![
            Column::numbers(nums(vec![Some(d(1)), Some(d(0)), None, Some(big), Some(-big)]), m("a")),
            Column::numbers(nums(vec![Some(d(0)), Some(tiny), Some(d(-3)), Some(big), None]), m("b")),
            Column::percents(vec![Some(d(50)), Some(d(0)), None, Some(d(100)), Some(big)], m("p")),
            Column::percents(vec![Some(d(60)), Some(d(0)), Some(d(7)), None, Some(-big)], m("q")),
            Column::points(vec![Some(d(15)), None, Some(d(0)), Some(d(-1)), Some(big)], m("pp")),
            Column::bools(vec![Some(true), Some(false), None, Some(true), None], m("flag")),
            Column::strings(
                vec![Some("rus".into()), None, Some(String::new()), Some("math".into()), Some("ё".into())],
                m("s"),
            ),
            Column::percents(vec![Some(d(90)), None, Some(d(0)), Some(d(12)), Some(d(100))], m("sp")),
            Column::percents(vec![Some(d(95)), Some(d(0)), Some(d(0)), None, Some(d(1))], m("mp")),
        ],
    )
}

fn catalogue() -> &'static MapCatalogue {
    static CAT: OnceLock<MapCatalogue> = OnceLock::new();
    CAT.get_or_init(|| {
        let mut c = MapCatalogue::new();
        for (slot, (name, ty)) in NAMES.iter().enumerate() {
            c = c.with_name(name, Binding { slot, ty: *ty });
        }
        c.with_call("findings", &["low_results"], Binding { slot: 0, ty: Type::Number })
    })
}

/// Parses, compiles and evaluates a fuzzed expression over a five-row frame with extreme
/// values (zero, ±Decimal::MAX, unknowns).
pub fn expr(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits::default();
    match oko::expr::compile_str(src, &limits, catalogue()) {
        Ok(program) => {
            let f = frame();
            let col = oko::expr::eval(&program, &f).expect("the frame matches the catalogue");
            assert_eq!(col.len(), 5);
            for i in 0..5 {
                let _ = col.get(i).map(|d| d.to_string());
            }
            let _ = program.to_string();
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(e.span.start <= e.span.end);
                let _ = e.render(src, "fuzz", 3, 7);
            }
        }
    }
}

/// Reads fuzzed bytes as a table file of the given format (`csv`, `xlsx`, `json`); the first
/// byte picks the encoding and separator options for CSV.
pub fn input(data: &[u8], ext: &str) {
    use oko_cli::input::{EncodingOption, ReadOptions, SeparatorOption, read_bytes};
    if ext == "xlsx" {
        // The XLSX reader turns a panic inside calamine (arithmetic overflow on a damaged
        // cell reference, with debug assertions) into `input.xlsx`; libFuzzer's panic hook
        // would abort before that catch, so use the default hook. A panic that escapes
        // still aborts (libfuzzer-sys catches it and aborts), so it is still found.
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| drop(std::panic::take_hook()));
    }
    let (opts, bytes) = match (ext, data.split_first()) {
        ("csv", Some((&sel, rest))) => {
            let encoding = match sel & 3 {
                0 => EncodingOption::Auto,
                1 => EncodingOption::Utf8,
                2 => EncodingOption::Windows1251,
                _ => EncodingOption::Auto,
            };
            let separator = match (sel >> 2) & 3 {
                0 => SeparatorOption::Auto,
                1 => SeparatorOption::Fixed(b';'),
                2 => SeparatorOption::Fixed(b'\t'),
                _ => SeparatorOption::Fixed(b','),
            };
            (
                ReadOptions {
                    encoding,
                    separator,
                    ..ReadOptions::default()
                },
                rest,
            )
        }
        _ => (ReadOptions::default(), data),
    };
    let bytes: Arc<[u8]> = Arc::from(bytes);
    match read_bytes(&format!("fuzz.{ext}"), bytes, &opts) {
        Ok(table) => {
            for row in &table.rows {
                assert!(row.number() >= 1);
                let _ = row.to_vec();
            }
        }
        Err(e) => {
            assert!(e.code().starts_with("input."), "unexpected code {}", e.code());
            let _ = e.to_string();
        }
    }
}

/// A table parsed from fuzzed text: first line the headers (comma-separated), then rows.
/// A cell written `#i12`, `#f1.5`, `#d1.50`, `#b1`, `#n` is an Int, Float, Decimal, Bool or
/// Null cell; anything else is text.
struct FuzzTable<'a> {
    names: Vec<String>,
    rows: Vec<Vec<CellValue<'a>>>,
}

fn cell(s: &str) -> CellValue<'_> {
    if let Some(t) = s.strip_prefix("#i") {
        return t.parse().map_or(CellValue::Str(s), CellValue::Int);
    }
    if let Some(t) = s.strip_prefix("#f") {
        return t.parse().map_or(CellValue::Str(s), CellValue::Float);
    }
    if let Some(t) = s.strip_prefix("#d") {
        return t.parse().map_or(CellValue::Str(s), CellValue::Decimal);
    }
    if let Some(t) = s.strip_prefix("#b") {
        return CellValue::Bool(t == "1");
    }
    if s == "#n" {
        return CellValue::Null;
    }
    CellValue::Str(s)
}

impl TableSource for FuzzTable<'_> {
    fn column_names(&self) -> Vec<String> {
        self.names.clone()
    }
    fn row_count(&self) -> usize {
        self.rows.len()
    }
    fn cell(&self, row: usize, column: usize) -> CellValue<'_> {
        self.rows[row].get(column).copied().unwrap_or(CellValue::Null)
    }
}

/// The tables in dependency order.
pub const TABLES: [TableName; 11] = {
    // Every table but the last, the МУКО evidence, in dependency order.
    let [t @ .., TableName::MukoEvidence] = TableName::ALL else {
        unreachable!()
    };
    t
};

/// Builds a dataset from fuzzed text: tables separated by a line `%%` (in dependency order),
/// each as in [`FuzzTable`]; the first byte picks strict or lenient. When it builds, the
/// shipped rules are evaluated over it.
pub fn dataset(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let policy = if sel & 1 == 0 {
        Policy::Lenient
    } else {
        Policy::Strict
    };
    let mut b = DatasetBuilder::new(policy);
    for (table, chunk) in TABLES.iter().zip(text.split("\n%%\n")) {
        let mut lines = chunk.lines();
        let Some(header) = lines.next() else {
            continue;
        };
        let t = FuzzTable {
            names: header.split(',').map(str::to_owned).collect(),
            rows: lines.map(|l| l.split(',').map(cell).collect()).collect(),
        };
        match b.add_table(*table, &t) {
            Ok(report) => assert!(report.rejected <= report.rows),
            Err(e) => assert_eq!(e.code(), "data.missing_column"),
        }
    }
    let ds = match b.build() {
        Ok(ds) => ds,
        Err(errors) => {
            for e in &errors.errors {
                assert!(e.code().starts_with("data.") || e.code().starts_with("limit."));
                let _ = e.to_string();
            }
            return;
        }
    };
    let out = evaluate(shipped_rules(), &ds, &EvalOptions::default())
        .expect("evaluation never fails on a built dataset");
    serde_json::to_string(&out.report).expect("the report serialises");
}
