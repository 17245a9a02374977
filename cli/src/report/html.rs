//! HTML building blocks: escaping, tables, the page around the sections and its styles
//! (screen and A4 print).

use std::fmt::Write;

/// Escapes text for HTML and XML, in element content and in quoted attributes alike.
///
/// ```
/// assert_eq!(
///     oko_cli::report::html::esc("<script>\"a\" & 'b'</script>"),
///     "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
/// );
/// ```
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline are not allowed in HTML text.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A table cell: its HTML (already escaped) and whether it is numeric (right-aligned).
#[derive(Debug, Clone)]
pub struct Td {
    /// Content, escaped HTML.
    pub html: String,
    /// Right-align (a number).
    pub num: bool,
    /// Extra class.
    pub class: &'static str,
}

impl Td {
    /// A text cell (escaped here).
    pub fn text(s: &str) -> Td {
        Td {
            html: esc(s),
            num: false,
            class: "",
        }
    }
    /// A numeric cell (escaped here).
    pub fn num(s: &str) -> Td {
        Td {
            html: esc(s),
            num: true,
            class: "",
        }
    }
    /// A cell of ready HTML.
    pub fn html(html: String) -> Td {
        Td {
            html,
            num: false,
            class: "",
        }
    }
    /// The same cell with a class.
    pub fn with_class(mut self, class: &'static str) -> Td {
        self.class = class;
        self
    }
}

/// A table with a header row; `numeric` header cells are right-aligned like their column.
pub fn table(class: &str, header: &[(&str, bool)], rows: &[Vec<Td>]) -> String {
    let mut s = String::new();
    let _ = write!(s, "<table class=\"{}\"><thead><tr>", esc(class));
    for (h, num) in header {
        let _ = write!(
            s,
            "<th{}>{}</th>",
            if *num { " class=\"num\"" } else { "" },
            esc(h)
        );
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        s.push_str("<tr>");
        for c in r {
            let mut classes = Vec::new();
            if c.num {
                classes.push("num");
            }
            if !c.class.is_empty() {
                classes.push(c.class);
            }
            if classes.is_empty() {
                let _ = write!(s, "<td>{}</td>", c.html);
            } else {
                let _ = write!(s, "<td class=\"{}\">{}</td>", classes.join(" "), c.html);
            }
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

/// A paragraph of escaped text with a class (`note`, `empty`, ...).
pub fn p(class: &str, text: &str) -> String {
    format!("<p class=\"{}\">{}</p>", esc(class), esc(text))
}

/// The styles: system fonts only (no downloads), colours of the charts, A4 print rules
/// (a page per section, no row or chart cut across pages, table headers repeated).
pub const CSS: &str = r#"
:root { --ink: #1d2430; --muted: #5b6575; --line: #d5dae1; --bg-soft: #f4f6f9;
  --low: #c0392b; --ok: #3569a8; --lim: #9aa3ad; --ref: #1d2430; --thr: #c0392b;
  --lowered: #d9534f; --confirmed: #4f9d69; --raised: #e0a030; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Liberation Sans", "Noto Sans", Arial, Helvetica, sans-serif;
  color: var(--ink); background: #fff; font-size: 14px; line-height: 1.4; }
body { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 20px 0 8px; }
h4 { font-size: 14px; margin: 14px 0 6px; }
p { margin: 6px 0; }
.sub { color: var(--muted); margin: 0 0 12px; }
.note { color: var(--muted); font-size: 12.5px; }
.empty { color: var(--muted); font-style: italic; }
.caveat { background: var(--bg-soft); border-left: 4px solid var(--ok); padding: 8px 12px; margin: 12px 0; }
nav.toc ol { margin: 6px 0; padding-left: 22px; columns: 2; }
nav.toc a { color: var(--ok); text-decoration: none; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 7px; vertical-align: top; text-align: left; }
th { background: var(--bg-soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.code, span.code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px; }
.kpis { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0 16px; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; min-width: 96px; }
.kpi b { display: block; font-size: 18px; }
.kpi span { color: var(--muted); font-size: 12px; }
.entity { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.entity h4 { margin: 0 0 4px; }
.entity .id { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; color: var(--muted); font-weight: normal; }
.entity ul { margin: 4px 0; padding-left: 18px; }
.entity li { margin: 3px 0; }
.ev { color: var(--muted); font-size: 11.5px; display: block; word-break: break-word; }
.chip { display: inline-block; border-radius: 10px; padding: 1px 9px; margin: 0 4px 2px 0; font-size: 12px;
  background: #fde2df; color: #8a241a; border: 1px solid #f2b8b0; }
.chip.mild { background: #fff1d6; color: #7a5200; border-color: #f0d49a; }
.chip.info { background: #e3ecf7; color: #1f4a80; border-color: #b9cde8; }
.sev-critical { color: var(--low); font-weight: 600; }
.sev-warning { color: #a35f00; }
.students { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px; }
figure { margin: 10px 0 18px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.legend { font-size: 12px; color: var(--muted); margin: 2px 0 6px; }
.legend i { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin: 0 4px 0 10px; border-radius: 2px; }
.legend i.line { height: 0; border-top: 2px solid var(--ref); border-radius: 0; }
.legend i.dash { height: 0; border-top: 2px dashed var(--thr); border-radius: 0; }
svg { display: block; max-width: 100%; height: auto; font-family: inherit; }
svg text { fill: var(--ink); font-size: 11px; }
svg text.small { font-size: 10px; fill: var(--muted); paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg text.head { font-weight: 600; font-size: 11.5px; }
svg text.in { fill: #fff; font-size: 10px; }
svg text.quad { fill: var(--muted); font-size: 11px; font-style: italic; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .axis { stroke: var(--ink); stroke-width: 1; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .bar { fill: var(--ok); }
svg .bar-low { fill: var(--low); }
svg .bar-lim { fill: var(--lim); }
svg .bar-ref { fill: #6d7785; }
svg .hist { fill: #7f9cc0; }
svg .ref { stroke: var(--ref); stroke-width: 2; }
svg .thr { stroke: var(--thr); stroke-width: 1.5; stroke-dasharray: 5 3; }
svg .bound { stroke: var(--low); stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .median { stroke: var(--muted); stroke-width: 1; stroke-dasharray: 4 3; }
svg .seg-lowered { fill: var(--lowered); }
svg .seg-confirmed { fill: var(--confirmed); }
svg .seg-raised { fill: var(--raised); }
svg .muted { opacity: 0.55; }
svg .pt { fill: var(--ok); stroke: #fff; stroke-width: 1; }
svg .pt-res { fill: var(--confirmed); stroke: #fff; stroke-width: 1; }
svg .pt-low { fill: var(--low); stroke: #fff; stroke-width: 1; }
svg .quad-bg { fill: #eef6f0; }
svg .quad-bad { fill: #fbeeee; }
i.seg-lowered { background: var(--lowered); }
i.seg-confirmed { background: var(--confirmed); }
i.seg-raised { background: var(--raised); }
i.bar { background: var(--ok); } i.bar-low { background: var(--low); } i.bar-lim { background: var(--lim); }
i.pt-res { background: var(--confirmed); border-radius: 6px; } i.pt { background: var(--ok); border-radius: 6px; }
i.pt-low { background: var(--low); border-radius: 6px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  html { font-size: 11px; }
  body { max-width: none; padding: 0; }
  nav.toc { display: none; }
  section.sec { break-before: page; page-break-before: always; }
  section.sec.first { break-before: auto; page-break-before: auto; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  table, tr, figure, svg, .entity, .kpis, .caveat { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 10px; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The whole page around the sections' HTML.
pub fn page(lang: &str, title: &str, body: &str) -> String {
    let mut s = String::with_capacity(body.len() + CSS.len() + 512);
    s.push_str("<!DOCTYPE html>\n");
    let _ = write!(s, "<html lang=\"{}\">\n<head>\n", esc(lang));
    s.push_str("<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str("<meta name=\"generator\" content=\"oko\">\n");
    let _ = writeln!(s, "<title>{}</title>", esc(title));
    s.push_str("<style>");
    s.push_str(CSS);
    s.push_str("</style>\n</head>\n<body>\n");
    s.push_str(body);
    s.push_str("\n</body>\n</html>\n");
    s
}
