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

    // The pseudonyms join up: the export loads and evaluates to the plain export's report
    // with its student ids pseudonymised (`pseudonymise_students`, which the evaluation
    // front ends use): the same students flagged, under the same pseudonyms, in the same
    // order.
    let rules = compile(&oko_cli::shipped::sources(), &RuleLimits::default()).unwrap();
    let report = |dir: &PathBuf| {
        let (ds, _) = load_dir(dir, &LoadOptions::default()).unwrap();
        evaluate(&rules, &ds, &EvalOptions::default())
            .unwrap()
            .report
    };
    let mut plain = report(&plain.0);
    assert!(
        plain
            .labels
            .iter()
            .any(|l| l.entity.level == oko::Level::Student),
        "the report has students"
    );
    p.pseudonymise_students(&mut plain);
    let json = |r: &oko::rules::Report| serde_json::to_string(r).unwrap();
    assert_eq!(json(&plain), json(&report(&hidden.0)));
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

// --- pseudonymised evaluation output ------------------------------------------------------

/// Runs the `oko` binary; panics unless it succeeds; returns stdout.
fn oko_ok(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oko"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "oko {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The ids of every student-level entity in a JSON report.
fn student_ids(json: &str) -> std::collections::BTreeSet<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut ids = std::collections::BTreeSet::new();
    for list in ["findings", "labels", "undetermined", "targets"] {
        for item in v[list].as_array().into_iter().flatten() {
            if item["entity"]["level"] == "student" {
                ids.insert(item["entity"]["id"].as_str().unwrap().to_owned());
            }
        }
    }
    ids
}

#[test]
fn evaluate_report_and_explain_pseudonymise_student_ids() {
    let dir = TempDir::new("eval");
    let data = dir.0.join("data");
    let g = generate(&GeneratorConfig::tiny(1));
    write_dataset_with(&g.dataset, &data, &ExportOptions::default()).unwrap();
    let data = data.to_str().unwrap().to_owned();
    let key = dir.0.join("key");
    std::fs::write(&key, "evaluation key, 16+ bytes\n").unwrap();
    let key = key.to_str().unwrap().to_owned();
    let other = dir.0.join("other-key");
    std::fs::write(&other, "another evaluation key").unwrap();
    let other = other.to_str().unwrap().to_owned();
    let p = Pseudonymiser::new(b"evaluation key, 16+ bytes").unwrap();

    let plain = oko_ok(&["evaluate", "--data", &data]);
    let real = student_ids(&plain);
    assert!(
        real.len() >= 5,
        "the shipped rules say something about students: {real:?}"
    );
    let hidden = oko_ok(&["evaluate", "--data", &data, "--pseudonymise-key-file", &key]);
    let leaks = |text: &str, what: &str| {
        for id in &real {
            assert!(!text.contains(id.as_str()), "{what} quotes student {id}");
        }
    };
    leaks(&hidden, "the JSON");
    let pseudonyms = student_ids(&hidden);
    let expected: std::collections::BTreeSet<String> =
        real.iter().map(|id| p.pseudonymise(id)).collect();
    assert_eq!(pseudonyms, expected);
    // Only student ids change: the same report otherwise, item for item.
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&plain).unwrap(),
        serde_json::from_str(&hidden).unwrap(),
    );
    for list in ["findings", "labels", "undetermined", "summary"] {
        assert_eq!(
            a[list].as_array().map(Vec::len),
            b[list].as_array().map(Vec::len),
            "{list}"
        );
    }

    // Stable across runs with one key; another key gives other pseudonyms.
    assert_eq!(
        hidden,
        oko_ok(&["evaluate", "--data", &data, "--pseudonymise-key-file", &key])
    );
    let again = student_ids(&oko_ok(&[
        "evaluate",
        "--data",
        &data,
        "--pseudonymise-key-file",
        &other,
    ]));
    assert_eq!(again.len(), pseudonyms.len());
    assert!(again.is_disjoint(&pseudonyms));

    // The core's report with the core's transform: the CLI adds nothing of its own.
    let (ds, _) = load_dir(std::path::Path::new(&data), &LoadOptions::default()).unwrap();
    let rules = compile(&oko_cli::shipped::sources(), &RuleLimits::default()).unwrap();
    let mut report = evaluate(&rules, &ds, &EvalOptions::default())
        .unwrap()
        .report;
    p.pseudonymise_students(&mut report);
    assert_eq!(oko_cli::output::report_json(&report).unwrap(), hidden);

    // Every CSV table and the HTML report.
    for what in ["findings", "labels", "undetermined", "indicators"] {
        let csv = oko_ok(&[
            "evaluate",
            "--data",
            &data,
            "--format",
            "csv",
            "--what",
            what,
            "--pseudonymise-key-file",
            &key,
        ]);
        leaks(&csv, what);
        if what == "labels" {
            assert!(pseudonyms.iter().any(|id| csv.contains(id.as_str())));
        }
    }
    let html = dir.0.join("report.html");
    oko_ok(&[
        "report",
        "--data",
        &data,
        "--out",
        html.to_str().unwrap(),
        "--pseudonymise-key-file",
        &key,
    ]);
    let html = std::fs::read_to_string(&html).unwrap();
    leaks(&html, "the HTML report");
    assert!(pseudonyms.iter().any(|id| html.contains(id.as_str())));

    // explain: a student named by id or by pseudonym, shown by pseudonym.
    let id = real.iter().next().unwrap();
    let explain = |entity: &str| {
        oko_ok(&[
            "explain",
            "--data",
            &data,
            "--level",
            "student",
            "--entity",
            entity,
            "--pseudonymise-key-file",
            &key,
        ])
    };
    let by_id = explain(id);
    leaks(&by_id, "explain");
    assert!(by_id.contains(&p.pseudonymise(id)));
    assert_eq!(by_id, explain(&p.pseudonymise(id)));
}

#[test]
fn a_bad_key_file_is_a_usage_error_that_never_shows_the_key() {
    let dir = TempDir::new("badkey");
    let key = dir.0.join("key");
    std::fs::write(&key, "short-secret").unwrap();
    for cmd in ["evaluate", "explain", "report"] {
        let mut args: Vec<String> = vec![
            cmd.into(),
            "--data".into(),
            dir.0.display().to_string(),
            "--pseudonymise-key-file".into(),
            key.display().to_string(),
        ];
        match cmd {
            "explain" => args.extend(["--level", "school", "--entity", "S1"].map(String::from)),
            "report" => args.extend([
                "--out".to_owned(),
                dir.0.join("r.html").display().to_string(),
            ]),
            _ => {}
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_oko"))
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {stderr}");
        assert!(stderr.contains("privacy.key"), "{cmd}: {stderr}");
        assert!(!stderr.contains("short-secret"), "{cmd}: {stderr}");
    }
}
