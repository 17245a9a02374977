//! The committed JSON Schema of rule files is current, and every shipped rule file
//! validates against it. `OKO_UPDATE_SCHEMA=1 cargo test -p oko --test schema` rewrites it.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn committed_schema_is_current() {
    let path = repo().join("rules/schema/ruleset.schema.json");
    let fresh = oko::rules::json_schema();
    if std::env::var_os("OKO_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "rules/schema/ruleset.schema.json is stale: run OKO_UPDATE_SCHEMA=1 cargo test -p oko --test schema"
    );
}

#[test]
fn shipped_rule_files_validate_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(&oko::rules::json_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(repo().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let value: toml::Value = toml::from_str(&text).unwrap();
            let json = serde_json::to_value(&value).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&json)
                .map(|e| format!("{}: {e}", e.instance_path))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 2, "no rule files found");
}

#[test]
fn the_schema_rejects_what_the_compiler_rejects() {
    let schema: serde_json::Value = serde_json::from_str(&oko::rules::json_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let bad = serde_json::json!({"schema_version": 1, "id": "x", "version": "1", "title": {"ru": "", "en": ""},
        "source": {"document": "d"}, "rules": [{"id": "r", "level": "school", "when": "true", "message": {"ru": "", "en": ""}, "typo": 1}]});
    assert!(!validator.is_valid(&bad));
}

#[test]
fn every_rule_file_is_shipped_and_the_shipped_rules_compile() {
    let mut files: Vec<String> = std::fs::read_dir(repo().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| format!("rules/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    let mut listed: Vec<String> = oko::rules::SHIPPED
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "rules/*.toml and oko::rules::SHIPPED (core/src/rules/shipped.rs) differ: list every shipped file there, in load order"
    );
    for (name, text) in oko::rules::SHIPPED {
        let on_disk = std::fs::read_to_string(repo().join(name)).unwrap();
        assert_eq!(&on_disk, text, "{name}");
    }
    oko::rules::compile(&oko::rules::shipped(), &oko::rules::RuleLimits::default())
        .unwrap_or_else(|e| panic!("{e}"));
}
