//! The test-only panic hook (feature `debug-panic`) fires inside `oko::rules::evaluate`, and
//! `catch_unwind` sees it: the bindings rely on this to prove that no panic crosses into
//! Python or Node. Run: `cargo test -p oko --features debug-panic --test debug_panic`.

use oko::rules::{EvalOptions, RuleLimits, RuleSource, compile, evaluate};
use oko::{DEBUG_PANIC_MUNICIPALITY, DatasetBuilder, MunicipalityRow, Policy};
use std::panic::{AssertUnwindSafe, catch_unwind};

fn rules() -> oko::rules::Rules {
    compile(
        &[RuleSource::toml(
            "t.toml",
            "schema_version = 1\nid = \"t\"\nversion = \"1\"\ntitle = { ru = \"т\", en = \"t\" }\nsource = { document = \"d\" }\n",
        )],
        &RuleLimits::default(),
    )
    .unwrap()
}

fn dataset(municipality: &str) -> oko::Dataset {
    let mut b = DatasetBuilder::new(Policy::Strict);
    b.add_municipality(MunicipalityRow {
        id: municipality.into(),
        name: "Район".into(),
    })
    .unwrap();
    b.build().unwrap()
}

#[test]
fn evaluate_panics_for_the_debug_municipality_and_catch_unwind_sees_it() {
    let rules = rules();
    let ds = dataset(DEBUG_PANIC_MUNICIPALITY);
    let caught = catch_unwind(AssertUnwindSafe(|| {
        evaluate(&rules, &ds, &EvalOptions::default())
    }));
    let payload = caught.expect_err("evaluate must panic");
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(text.contains("oko debug panic"), "{text}");
    // The process goes on, and an ordinary dataset evaluates.
    assert!(evaluate(&rules, &dataset("m1"), &EvalOptions::default()).is_ok());
}
