//! Pseudonymised exports: no student id survives, the pseudonyms are consistent across
//! tables (the export loads back and gives the same report), and teachers are pseudonymised
//! only when asked.

use std::path::PathBuf;

use oko::privacy::Pseudonymiser;
use oko::rules::{EvalOptions, RuleLimits, compile, evaluate};
use oko::{GeneratorConfig, generate};
use oko_cli::export::{ExportOptions, write_dataset_with};
use oko_cli::load::{LoadOptions, load_dir};

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("oko-privacy-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn every_cell(dir: &PathBuf) -> Vec<String> {
    let mut cells = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let mut r = csv::Reader::from_path(&path).unwrap();
        for rec in r.records() {
            cells.extend(rec.unwrap().iter().map(str::to_owned));
        }
    }
    cells
}

#[test]
fn pseudonymised_export_hides_ids_and_keeps_the_report() {
    let g = generate(&GeneratorConfig::tiny(4));
    let ds = &g.dataset;
    let p = Pseudonymiser::new(b"a test key, not a secret one").unwrap();
    let plain = TempDir::new("plain");
    let hidden = TempDir::new("hidden");
    write_dataset_with(ds, &plain.0, &ExportOptions::default()).unwrap();
    write_dataset_with(
        ds,
        &hidden.0,
        &ExportOptions {
            pseudonymiser: Some(&p),
            teachers: false,
        },
    )
    .unwrap();

    let cells: std::collections::HashSet<String> = every_cell(&hidden.0).into_iter().collect();
    let students = ds.students();
    for i in 0..students.len() as u32 {
        let id = students.id(i);
        assert!(!cells.contains(id), "student id {id} is in the export");
        assert!(cells.contains(&p.pseudonymise(id)));
    }
    // Teachers were not asked for: their ids stay.
    assert!(cells.contains(&ds.teachers()[0].id));

    // The pseudonyms join up: the export loads and evaluates to the same report as the plain
    // export under the rulesets whose output names no student (the student-level ГИА risk
    // group lists students by id, so its rows would carry the pseudonyms).
    let sources: Vec<_> = oko_cli::shipped::sources()
        .into_iter()
        .filter(|s| !s.name.contains("gia-risk-group"))
        .collect();
    assert_eq!(sources.len() + 1, oko_cli::shipped::sources().len());
    let rules = compile(&sources, &RuleLimits::default()).unwrap();
    let report = |dir: &PathBuf| {
        let (ds, _) = load_dir(dir, &LoadOptions::default()).unwrap();
        let out = evaluate(&rules, &ds, &EvalOptions::default()).unwrap();
        serde_json::to_string(&out.report).unwrap()
    };
    assert_eq!(report(&plain.0), report(&hidden.0));
}

#[test]
fn teachers_are_pseudonymised_when_asked() {
    let g = generate(&GeneratorConfig::tiny(4));
    let p = Pseudonymiser::new(b"another test key, 16+ bytes").unwrap();
    let dir = TempDir::new("teachers");
    write_dataset_with(
        &g.dataset,
        &dir.0,
        &ExportOptions {
            pseudonymiser: Some(&p),
            teachers: true,
        },
    )
    .unwrap();
    let cells: std::collections::HashSet<String> = every_cell(&dir.0).into_iter().collect();
    for t in g.dataset.teachers() {
        assert!(!cells.contains(&t.id));
        assert!(cells.contains(&p.pseudonymise(&t.id)));
    }
}

#[test]
fn oko_generate_takes_a_key_file() {
    let dir = TempDir::new("cli");
    let key = dir.0.join("key");
    std::fs::write(&key, "0123456789abcdef-key\n").unwrap();
    let out = dir.0.join("data");
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_oko"))
            .args(["generate", "--preset", "tiny", "--out"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let ok = run(&["--pseudonymise-key-file", key.to_str().unwrap()]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let p = Pseudonymiser::new(b"0123456789abcdef-key").unwrap();
    let plain = generate(&GeneratorConfig::tiny(1));
    let students = std::fs::read_to_string(out.join("students.csv")).unwrap();
    let first = plain.dataset.students().id(0);
    assert!(!students.contains(&format!("\n{first},")));
    assert!(students.contains(&format!("\n{},", p.pseudonymise(first))));
    let truth = std::fs::read_to_string(out.join("ground_truth.json")).unwrap();
    for id in &plain.truth.students_at_risk {
        assert!(!truth.contains(&format!("\"{id}\"")));
    }
    std::fs::write(&key, "short").unwrap();
    let bad = run(&["--pseudonymise-key-file", key.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("privacy.key"));
    assert!(!String::from_utf8_lossy(&bad.stderr).contains("short"));
}
