//! Tests of `oko evaluate` and `oko explain` through the built binary: the JSON is exactly
//! `serde_json::to_string_pretty(&report)` plus a newline, the CSV tables parse, explain
//! prints the evidence, and the exit codes for bad usage (2), bad data (3), bad rules (4)
//! and unreadable input (5).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use oko::rules::{EvalOptions, Report, RuleLimits, compile, evaluate};
use oko_cli::export::write_dataset;
use oko_cli::load::{LoadOptions, load_dir};

/// A fresh folder under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "oko-evaluate-test-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn oko(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oko"))
        .args(args)
        .output()
        .expect("run oko")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "oko failed ({:?}): {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The tiny sample region written as CSV tables.
fn tiny(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    let g = oko::generate(&oko::GeneratorConfig::tiny(1));
    write_dataset(&g.dataset, &dir.0).unwrap();
    dir
}

/// The report the library gives for the folder with the shipped rules.
fn expected_report(dir: &Path) -> Report {
    let (ds, _) = load_dir(dir, &LoadOptions::default()).unwrap();
    let rules = compile(&oko_cli::shipped::sources(), &RuleLimits::default()).unwrap();
    evaluate(&rules, &ds, &EvalOptions::default())
        .unwrap()
        .report
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn json_is_the_pretty_report_byte_for_byte() {
    let dir = tiny("json");
    let report = expected_report(&dir.0);
    assert!(
        !report.findings.is_empty(),
        "the tiny region should have findings"
    );
    let want = serde_json::to_string_pretty(&report).unwrap() + "\n";
    let got = stdout(&oko(&["evaluate", "--data", s(&dir.0)]));
    assert_eq!(got, want);
    // --out writes the same bytes; --format json is the default.
    let out = dir.0.join("report.json");
    stdout(&oko(&[
        "evaluate",
        "--data",
        s(&dir.0),
        "--format",
        "json",
        "--out",
        s(&out),
    ]));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), want);
    // The language does not change the JSON: it holds both.
    let en = stdout(&oko(&["evaluate", "--data", s(&dir.0), "--lang", "en"]));
    assert_eq!(en, want);
}

fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_tables_parse() {
    let dir = tiny("csv");
    let report = expected_report(&dir.0);

    let text = stdout(&oko(&["evaluate", "--data", s(&dir.0), "--format", "csv"]));
    let (header, rows) = parse_csv(&text);
    assert_eq!(
        header,
        [
            "ruleset",
            "rule",
            "level",
            "entity_id",
            "entity_name",
            "scope",
            "severity",
            "category",
            "message_ru",
            "message_en",
            "evidence"
        ]
    );
    assert_eq!(rows.len(), report.findings.len());
    for (row, f) in rows.iter().zip(&report.findings) {
        assert_eq!(row[0], f.ruleset);
        assert_eq!(row[1], f.rule);
        assert_eq!(row[3], f.entity.id);
        assert_eq!(row[8], f.message.ru);
        assert_eq!(row[9], f.message.en);
        // Evidence: `name=value (n=…)` joined by `; `, one item per value read.
        let items: Vec<&str> = row[10].split("; ").collect();
        assert_eq!(items.len(), f.evidence.len());
        assert!(
            items
                .iter()
                .any(|i| i.starts_with("completion_rate=") && i.contains("(n="))
        );
        assert!(items.contains(&"param.relative_gap=15%"));
    }

    let text = stdout(&oko(&[
        "evaluate",
        "--data",
        s(&dir.0),
        "--format",
        "csv",
        "--what",
        "labels",
        "--lang",
        "en",
    ]));
    let (header, rows) = parse_csv(&text);
    assert_eq!(header[1], "classification");
    assert_eq!(rows.len(), report.labels.len());
    for (row, l) in rows.iter().zip(&report.labels) {
        assert_eq!(row[6], l.label);
        assert_eq!(row[7], l.title.en);
    }

    let text = stdout(&oko(&[
        "evaluate",
        "--data",
        s(&dir.0),
        "--format",
        "csv",
        "--what",
        "undetermined",
    ]));
    let (header, rows) = parse_csv(&text);
    assert_eq!(header[6], "reason_code");
    assert_eq!(rows.len(), report.undetermined.len());

    let text = stdout(&oko(&[
        "evaluate",
        "--data",
        s(&dir.0),
        "--format",
        "csv",
        "--what",
        "indicators",
        "--level",
        "school",
    ]));
    let (header, rows) = parse_csv(&text);
    assert_eq!(
        header,
        [
            "level",
            "entity_id",
            "entity_name",
            "scope",
            "indicator",
            "value",
            "n",
            "limited"
        ]
    );
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r[0] == "school" && r.len() == 8));
    assert!(
        rows.iter()
            .any(|r| r[4] == "completion_rate" && !r[5].is_empty())
    );
    assert!(rows.iter().all(|r| r[7] == "true" || r[7] == "false"));
}

#[test]
fn explain_prints_the_evidence() {
    let dir = tiny("explain");
    let report = expected_report(&dir.0);
    let f = &report.findings[0];
    let id = f.entity.id.clone();
    let text = stdout(&oko(&[
        "explain",
        "--data",
        s(&dir.0),
        "--level",
        f.entity.level.as_str(),
        "--entity",
        &id,
    ]));
    let title = &f.title.as_ref().unwrap().ru;
    for want in [
        id.as_str(),
        title.as_str(),
        "Условие",
        f.condition.as_str(),
        "Прочитанные значения",
        "municipality.completion_rate",
        "эталон",
        "Пороги",
        "param.relative_gap = 15%",
        f.message.ru.as_str(),
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    // Every value read has its row, with n where it has one.
    for e in &f.evidence {
        assert!(text.contains(&e.name), "missing {} in:\n{text}", e.name);
        if let Some(n) = e.n {
            assert!(text.contains(&n.to_string()));
        }
    }

    let en = stdout(&oko(&[
        "explain",
        "--data",
        s(&dir.0),
        "--level",
        "school",
        "--entity",
        &id,
        "--lang",
        "en",
    ]));
    for want in [
        "Condition",
        "Values read",
        "Thresholds",
        f.message.en.as_str(),
    ] {
        assert!(en.contains(want), "missing {want:?} in:\n{en}");
    }

    let unknown = oko(&[
        "explain",
        "--data",
        s(&dir.0),
        "--level",
        "school",
        "--entity",
        "NO-SUCH-SCHOOL",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn exit_codes() {
    let dir = tiny("codes");
    // 2: bad usage (clap's own, and options that do not go together).
    assert_eq!(
        oko(&["evaluate", "--no-such-option"]).status.code(),
        Some(2)
    );
    assert_eq!(
        oko(&["evaluate", "--data", s(&dir.0), "--what", "labels"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        oko(&["evaluate", "--data", s(&dir.0), "--format", "xml"])
            .status
            .code(),
        Some(2)
    );

    // 4: bad rules.
    let rules = dir.0.join("bad-rules.toml");
    std::fs::write(
        &rules,
        "schema_version = 1\nid = \"x\"\nversion = \"1\"\n[[rules]]\nid = \"r\"\nlevel = \"school\"\nwhen = \"no_such_indicator > 1\"\n",
    )
    .unwrap();
    let o = oko(&["evaluate", "--data", s(&dir.0), "--rules", s(&rules)]);
    assert_eq!(
        o.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // 5: unreadable input.
    let o = oko(&["evaluate", "--data", s(&dir.0.join("no-such-folder"))]);
    assert_eq!(
        o.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // 3: bad data (a mark out of range in results.csv), for evaluate, explain and report.
    let results = dir.0.join("results.csv");
    let text = std::fs::read_to_string(&results).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let mark = header.iter().position(|h| *h == "mark").unwrap();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    cells[mark] = "7".into();
    lines[1] = cells.join(",");
    std::fs::write(&results, lines.join("\n") + "\n").unwrap();
    let o = oko(&["evaluate", "--data", s(&dir.0)]);
    assert_eq!(o.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("results.csv"), "{stderr}");
    assert!(stderr.contains("data.mark_out_of_range"), "{stderr}");
    let out = dir.0.join("r.html");
    assert_eq!(
        oko(&["report", "--data", s(&dir.0), "--out", s(&out)])
            .status
            .code(),
        Some(3)
    );
    assert_eq!(
        oko(&[
            "explain",
            "--data",
            s(&dir.0),
            "--level",
            "school",
            "--entity",
            "S0001"
        ])
        .status
        .code(),
        Some(3)
    );
    // --lenient skips the row and goes on.
    let o = oko(&["evaluate", "--data", s(&dir.0), "--lenient"]);
    assert_eq!(o.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["rejected_rows"].as_array().unwrap().len(), 1);
}

#[test]
fn help_has_examples_and_exit_codes() {
    for cmd in ["evaluate", "explain", "report"] {
        let text = stdout(&oko(&[cmd, "--help"]));
        assert!(text.contains("Examples:"), "{cmd}: {text}");
        assert!(text.contains("Exit codes"), "{cmd}: {text}");
        assert!(text.contains(&format!("oko {cmd} --data")), "{cmd}: {text}");
    }
}
