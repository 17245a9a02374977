//! Tests of the HTML report: every section is there, the HTML is well formed (balanced
//! tags, only known entities), nothing is loaded from the network, text is escaped (a
//! school named `<script>…`), the objectivity section draws only real data, and
//! `oko report` / `oko demo` write the file.

use std::path::PathBuf;
use std::process::Command;

use oko::rules::{EvalOptions, RuleLimits, compile, evaluate};
use oko::{Dataset, GeneratorConfig, Indicator};
use oko_cli::report::{ReportInput, SECTIONS, render};
use oko_cli::text::Lang;

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "oko-report-test-{tag}-{}-{nanos}",
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

fn report_of(ds: &Dataset, lang: Lang) -> String {
    let rules = compile(&oko_cli::shipped::sources(), &RuleLimits::default()).unwrap();
    let ev = evaluate(&rules, ds, &EvalOptions::default()).unwrap();
    render(&ReportInput {
        dataset: ds,
        rules: &rules,
        evaluation: &ev,
        lang,
        load: None,
        source: "test".into(),
    })
}

const VOID: [&str; 6] = ["meta", "br", "hr", "img", "input", "link"];

/// Checks that tags nest and close, that `<` and `&` appear in text only as markup and
/// entities, and returns the tag names seen. Attribute values and text are escaped by the
/// report, so a `>` never occurs inside a tag.
fn check_well_formed(html: &str) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = html;
    let mut in_style = false;
    while let Some(i) = rest.find('<') {
        let text = &rest[..i];
        if !in_style {
            check_entities(text);
        }
        let end = rest[i..].find('>').expect("unclosed tag") + i;
        let tag = &rest[i + 1..end];
        rest = &rest[end + 1..];
        if in_style && tag != "/style" {
            panic!("`<` inside <style>");
        }
        if tag.starts_with('!') {
            assert!(tag.eq_ignore_ascii_case("!DOCTYPE html"), "{tag}");
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().unwrap_or_else(|| panic!("stray </{name}>"));
            assert_eq!(open, name, "</{name}> closes <{open}>");
            if name == "style" {
                in_style = false;
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(!name.is_empty(), "bad tag <{tag}>");
        // Attributes: name="value" pairs, values without `<` or stray `&`.
        check_entities(tag);
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in <{tag}>"
        );
        seen.push(name.clone());
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        if name == "style" {
            in_style = true;
        }
        stack.push(name);
    }
    check_entities(rest);
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    seen
}

fn check_entities(text: &str) {
    for (i, _) in text.match_indices('&') {
        let t = &text[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .any(|e| t.starts_with(e)),
            "bare & in {:?}",
            &t[..t.len().min(20)]
        );
    }
}

fn check_self_contained(html: &str) {
    for bad in [
        "http://",
        "https://",
        "src=",
        "<script",
        "<link",
        "url(",
        "@import",
        "@font-face",
        "<iframe",
        "<object",
        "<embed",
    ] {
        assert!(!html.contains(bad), "the report contains {bad:?}");
    }
    // Links only to the report's own sections.
    for (i, _) in html.match_indices("href=\"") {
        assert!(html[i + 6..].starts_with('#'), "external link");
    }
}

#[test]
fn district_report_has_every_section_and_is_well_formed() {
    let g = oko::generate(&GeneratorConfig::district(1));
    let html = report_of(&g.dataset, Lang::Ru);
    let tags = check_well_formed(&html);
    check_self_contained(&html);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ru\">"));
    for id in SECTIONS {
        assert!(
            html.contains(&format!("<section id=\"{id}\"")),
            "section {id}"
        );
        assert!(html.contains(&format!("href=\"#{id}\"")), "toc entry {id}");
    }
    for want in [
        "Сводка",
        "Наборы правил",
        "district-low-results",
        "1.0.0",
        "2.2.1",
        "Группа риска",
        "Контрольная группа",
        "Школы на фоне муниципалитета",
        "порог",
        "«3» ≥ 10",
        "Резильентные школы",
        "@page { size: A4",
        "break-before: page",
    ] {
        assert!(html.contains(want), "missing {want:?}");
    }
    // Charts: bars against the municipality with the threshold line, histograms with mark
    // boundaries, the scatter.
    assert!(tags.iter().filter(|t| *t == "svg").count() >= 16);
    assert!(html.contains("class=\"thr\""));
    assert!(html.contains("class=\"ref\""));
    assert!(html.contains("class=\"bar-low\""));
    assert!(html.contains("class=\"bound\""));
    assert!(html.contains("class=\"pt-res\""));
    // A risk-group school is named with its reasons and evidence.
    assert!(html.contains("S0010"));
    assert!(html.contains("municipality.completion_rate="));
    // Numbers are rounded for display (no long exact decimals in the page).
    assert!(!html.contains("66666666"));
}

#[test]
fn objectivity_draws_only_real_data() {
    let g = oko::generate(&GeneratorConfig::district(1));
    let html = report_of(&g.dataset, Lang::Ru);
    let start = html.find("<section id=\"objectivity\"").unwrap();
    let end = start + html[start..].find("</section>").unwrap();
    let section = &html[start..end];
    let catalogued = ["share_lowered", "share_confirmed", "share_raised"]
        .iter()
        .all(|id| id.parse::<Indicator>().is_ok());
    if catalogued {
        // Three colours, counts and %, and the federal table's rows.
        assert!(section.contains("seg-lowered"));
        assert!(section.contains("seg-confirmed"));
        assert!(section.contains("seg-raised"));
        assert!(section.contains("Понизили (Отметка &lt; Отметка по журналу)"));
        assert!(section.contains("<svg"));
    } else {
        assert!(section.contains("Нет данных о парах отметок"));
        assert!(!section.contains("<svg"));
    }
}

#[test]
fn english_report() {
    let g = oko::generate(&GeneratorConfig::tiny(1));
    let html = report_of(&g.dataset, Lang::En);
    check_well_formed(&html);
    check_self_contained(&html);
    assert!(html.contains("<html lang=\"en\">"));
    for want in [
        "Summary",
        "Rulesets",
        "Schools against their municipality",
        "Primary score distributions",
        "Results and social context",
    ] {
        assert!(html.contains(want), "missing {want:?}");
    }
}

#[test]
fn many_schools_draw_municipalities() {
    let mut config = GeneratorConfig::tiny(2);
    config.schools = 70;
    config.students = 2800;
    config.municipalities = 4;
    let g = oko::generate(&config);
    let html = report_of(&g.dataset, Lang::Ru);
    check_well_formed(&html);
    assert!(html.contains("муниципалитеты показаны на фоне региона"));
}

#[test]
fn names_are_escaped_and_the_command_writes_the_file() {
    let dir = TempDir::new("escape");
    let g = oko::generate(&GeneratorConfig::tiny(1));
    oko_cli::export::write_dataset(&g.dataset, &dir.0).unwrap();
    // Rename a school to markup.
    let schools = dir.0.join("schools.csv");
    let text = std::fs::read_to_string(&schools).unwrap();
    let evil = "<script>alert(\"x\")</script> & <b>Co</b>";
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    cells[1] = format!("\"{}\"", evil.replace('"', "\"\""));
    lines[1] = cells.join(",");
    std::fs::write(&schools, lines.join("\n") + "\n").unwrap();

    let out = dir.0.join("out/report.html");
    let o = Command::new(env!("CARGO_BIN_EXE_oko"))
        .args([
            "report",
            "--data",
            dir.0.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        out.to_str().unwrap()
    );
    let html = std::fs::read_to_string(&out).unwrap();
    check_well_formed(&html);
    check_self_contained(&html);
    assert!(!html.contains("<script"));
    assert!(!html.contains("<b>Co"));
    assert!(
        html.contains(
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;"
        )
    );
    // The data volume lists the files read.
    assert!(html.contains("results.csv"));
}

#[test]
fn demo_writes_the_report_and_prints_its_path_last() {
    let dir = TempDir::new("demo");
    let o = Command::new(env!("CARGO_BIN_EXE_oko"))
        .arg("demo")
        .current_dir(&dir.0)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).unwrap();
    let last = stdout.lines().last().unwrap();
    assert_eq!(last, "target/oko-demo/report.html");
    let html = std::fs::read_to_string(dir.0.join(last)).unwrap();
    check_well_formed(&html);
    for id in SECTIONS {
        assert!(html.contains(&format!("<section id=\"{id}\"")));
    }
}
