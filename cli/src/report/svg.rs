//! Inline SVG charts, drawn from plain numbers: grouped horizontal bars with reference and
//! threshold lines, 100% stacked bars, histograms with boundary lines, and a labelled
//! scatter with quadrant lines. Styles come from the page's CSS classes; every text is
//! escaped. Coordinates are `f64` (drawing only: the values shown as text are formatted by
//! the callers from exact decimals).

use super::html::esc;
use std::fmt::Write;

/// How a text is anchored at its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Text starts at x.
    Start,
    /// Text is centred on x.
    Middle,
    /// Text ends at x.
    End,
}

/// An SVG drawing being built.
#[derive(Debug, Clone)]
pub struct Svg {
    w: f64,
    h: f64,
    label: String,
    body: String,
}

fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Shortens a label to at most `max` characters, with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Approximate width of a text in pixels at the 11px font (for layout only).
pub fn text_width(s: &str, px: f64) -> f64 {
    s.chars().count() as f64 * px * 0.58
}

impl Svg {
    /// A drawing of `w` × `h` pixels; `label` is its accessible name and tooltip.
    pub fn new(w: f64, h: f64, label: &str) -> Svg {
        Svg {
            w,
            h,
            label: label.to_owned(),
            body: String::new(),
        }
    }

    /// A rectangle, with an optional tooltip.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, class: &str, tip: Option<&str>) {
        let _ = write!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"{}\"",
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            esc(class)
        );
        match tip {
            Some(t) => {
                let _ = write!(self.body, "><title>{}</title></rect>", esc(t));
            }
            None => self.body.push_str("/>"),
        }
    }

    /// A line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
        let _ = write!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"{}\"/>",
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            esc(class)
        );
    }

    /// A text.
    pub fn text(&mut self, x: f64, y: f64, anchor: Anchor, class: &str, text: &str) {
        let a = match anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let _ = write!(
            self.body,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{a}\"",
            n(x),
            n(y)
        );
        if !class.is_empty() {
            let _ = write!(self.body, " class=\"{}\"", esc(class));
        }
        let _ = write!(self.body, ">{}</text>", esc(text));
    }

    /// A circle, with an optional tooltip.
    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, class: &str, tip: Option<&str>) {
        let _ = write!(
            self.body,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" class=\"{}\"",
            n(cx),
            n(cy),
            n(r),
            esc(class)
        );
        match tip {
            Some(t) => {
                let _ = write!(self.body, "><title>{}</title></circle>", esc(t));
            }
            None => self.body.push_str("/>"),
        }
    }

    /// The `<svg>` element (inline in HTML, so without a namespace declaration: the page
    /// holds no URL at all).
    pub fn finish(self) -> String {
        format!(
            "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{l}\"><title>{l}</title>{b}</svg>",
            w = n(self.w),
            h = n(self.h),
            l = esc(&self.label),
            b = self.body
        )
    }
}

/// A step for about `target` ticks over `range`: 1, 2 or 5 times a power of ten.
pub fn nice_step(range: f64, target: f64) -> f64 {
    if range <= 0.0 || !range.is_finite() {
        return 1.0;
    }
    let raw = range / target.max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let r = raw / mag;
    let k = if r <= 1.0 {
        1.0
    } else if r <= 2.0 {
        2.0
    } else if r <= 5.0 {
        5.0
    } else {
        10.0
    };
    k * mag
}

/// One bar of a grouped bar chart.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Label on the left.
    pub label: String,
    /// Value (drawing only).
    pub value: f64,
    /// Text after the bar (the value as the caller formats it).
    pub text: String,
    /// CSS class: `bar`, `bar-low`, `bar-lim`, `bar-ref`.
    pub class: &'static str,
    /// Tooltip.
    pub tip: String,
}

/// A group of bars with its reference value and threshold, e.g. the schools of a
/// municipality with the municipality's value and the 15% line.
#[derive(Debug, Clone)]
pub struct BarGroup {
    /// Header line above the bars.
    pub title: String,
    /// The reference value (solid line).
    pub reference: Option<f64>,
    /// The threshold (dashed line).
    pub threshold: Option<f64>,
    /// The bars.
    pub bars: Vec<Bar>,
}

/// Horizontal bars in groups, each group with a solid line at its reference value and a
/// dashed line at its threshold; the axis runs from 0 to `max`, ticks labelled with `unit`.
pub fn hbar_groups(groups: &[BarGroup], max: f64, unit: &str, label: &str) -> String {
    let (w, lw, top, rh, gh) = (820.0, 220.0, 24.0, 17.0, 22.0);
    let (x0, x1) = (lw + 10.0, w - 64.0);
    let rows: usize = groups.iter().map(|g| g.bars.len()).sum();
    let h = top + rows as f64 * rh + groups.len() as f64 * gh + 8.0;
    let mut s = Svg::new(w, h, label);
    let max = if max > 0.0 { max } else { 1.0 };
    let x = |v: f64| x0 + (v.clamp(0.0, max) / max) * (x1 - x0);
    let step = nice_step(max, 10.0);
    let mut t = 0.0;
    while t <= max + 1e-9 {
        s.line(x(t), top - 4.0, x(t), h - 6.0, "grid");
        s.text(
            x(t),
            top - 8.0,
            Anchor::Middle,
            "small",
            &format!("{}{unit}", n(t)),
        );
        t += step;
    }
    let mut y = top;
    for g in groups {
        s.text(4.0, y + 15.0, Anchor::Start, "head", &clip(&g.title, 110));
        y += gh;
        let y_start = y;
        for b in &g.bars {
            s.text(lw, y + 12.0, Anchor::End, "", &clip(&b.label, 34));
            s.rect(
                x0,
                y + 2.0,
                x(b.value) - x0,
                rh - 5.0,
                b.class,
                Some(&b.tip),
            );
            s.text(x(b.value) + 4.0, y + 12.0, Anchor::Start, "small", &b.text);
            y += rh;
        }
        if !g.bars.is_empty() {
            if let Some(r) = g.reference {
                s.line(x(r), y_start - 2.0, x(r), y + 1.0, "ref");
            }
            if let Some(th) = g.threshold {
                s.line(x(th), y_start - 2.0, x(th), y + 1.0, "thr");
            }
        }
    }
    s.line(x0, top - 4.0, x0, h - 6.0, "axis");
    s.finish()
}

/// One row of 100% stacked bars: the shares (in %) of its segments with their texts.
#[derive(Debug, Clone)]
pub struct StackRow {
    /// Label on the left.
    pub label: String,
    /// A heading row (region, municipality): bold label.
    pub head: bool,
    /// Segment shares in % (they add up to 100 unless there is no data).
    pub shares: Vec<f64>,
    /// Text shown inside each segment when it fits (e.g. `12 (30.0%)`; else its first
    /// word, `12`).
    pub texts: Vec<String>,
    /// Text after the bar (e.g. `N = 40`).
    pub total: String,
    /// Draw faded (limited sample).
    pub muted: bool,
    /// Tooltip of the row.
    pub tip: String,
}

/// 100% stacked horizontal bars, one per row, segments in `classes` order.
pub fn stacked_rows(rows: &[StackRow], classes: &[&str], label: &str) -> String {
    let (w, lw, top, rh) = (820.0, 220.0, 22.0, 20.0);
    let (x0, x1) = (lw + 10.0, w - 84.0);
    let h = top + rows.len() as f64 * rh + 6.0;
    let mut s = Svg::new(w, h, label);
    for k in 0..=4 {
        let v = k as f64 * 25.0;
        let x = x0 + v / 100.0 * (x1 - x0);
        s.line(x, top - 4.0, x, h - 4.0, "grid");
        s.text(x, top - 8.0, Anchor::Middle, "small", &format!("{}%", n(v)));
    }
    let mut y = top;
    for r in rows {
        s.text(
            lw,
            y + 14.0,
            Anchor::End,
            if r.head { "head" } else { "" },
            &clip(&r.label, 34),
        );
        let mut x = x0;
        for (k, share) in r.shares.iter().enumerate() {
            let wd = share.max(0.0) / 100.0 * (x1 - x0);
            let class = classes.get(k).copied().unwrap_or("bar");
            let class = if r.muted {
                format!("{class} muted")
            } else {
                class.to_owned()
            };
            let text = r.texts.get(k).map(String::as_str).unwrap_or("");
            s.rect(x, y + 2.0, wd, rh - 5.0, &class, Some(&r.tip));
            // The whole text when it fits, else its first word (the count), else nothing:
            // the tooltip has it all.
            let short = text.split(' ').next().unwrap_or("");
            if let Some(t) = [text, short]
                .into_iter()
                .find(|t| !t.is_empty() && text_width(t, 10.0) + 6.0 < wd)
            {
                s.text(x + wd / 2.0, y + 13.5, Anchor::Middle, "in", t);
            }
            x += wd;
        }
        s.text(x1 + 6.0, y + 14.0, Anchor::Start, "small", &r.total);
        y += rh;
    }
    s.finish()
}

/// A histogram of counts per integer score `0..counts.len()`, with dashed vertical lines at
/// the given boundaries (a score and its label, e.g. `(10, "«3»")`), drawn at the left edge
/// of that score's bar.
pub fn histogram(counts: &[u32], bounds: &[(u16, String)], x_label: &str, label: &str) -> String {
    let (w, h) = (820.0, 230.0);
    let (x0, x1, y0, y1) = (56.0, w - 16.0, 26.0, h - 44.0);
    let mut s = Svg::new(w, h, label);
    let k = counts.len().max(1) as f64;
    let bw = (x1 - x0) / k;
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = nice_step(max, 4.0);
    let top = (max / step).ceil() * step;
    let y = |v: f64| y1 - v / top * (y1 - y0);
    let mut t = 0.0;
    while t <= top + 1e-9 {
        s.line(x0, y(t), x1, y(t), "grid");
        s.text(x0 - 5.0, y(t) + 4.0, Anchor::End, "small", &n(t));
        t += step;
    }
    for (i, &c) in counts.iter().enumerate() {
        let x = x0 + i as f64 * bw;
        let tip = format!("{i}: {c}");
        s.rect(
            x + bw * 0.08,
            y(c as f64),
            bw * 0.84,
            y1 - y(c as f64),
            "hist",
            Some(&tip),
        );
    }
    let xstep = nice_step(k, 16.0).max(1.0) as usize;
    for i in (0..counts.len()).step_by(xstep) {
        s.text(
            x0 + (i as f64 + 0.5) * bw,
            y1 + 14.0,
            Anchor::Middle,
            "small",
            &i.to_string(),
        );
    }
    for (score, text) in bounds {
        let x = x0 + f64::from(*score) * bw;
        s.line(x, y0 - 8.0, x, y1, "bound");
        s.text(x + 3.0, y0 - 10.0 + 8.0, Anchor::Start, "small", text);
    }
    s.line(x0, y1, x1, y1, "axis");
    s.text((x0 + x1) / 2.0, h - 8.0, Anchor::Middle, "small", x_label);
    s.finish()
}

/// A point of a scatter.
#[derive(Debug, Clone)]
pub struct Point {
    /// x (drawing only).
    pub x: f64,
    /// y (drawing only).
    pub y: f64,
    /// Label next to the point (empty for none).
    pub label: String,
    /// CSS class: `pt`, `pt-res`, `pt-low`.
    pub class: &'static str,
    /// Tooltip.
    pub tip: String,
}

/// Axis titles and the four quadrant captions of a scatter.
#[derive(Debug, Clone)]
pub struct ScatterText {
    /// The x axis.
    pub x: String,
    /// The y axis.
    pub y: String,
    /// Captions of the quadrants: top-left, top-right, bottom-left, bottom-right.
    pub quadrants: [String; 4],
    /// CSS class of each quadrant's background (empty: none), same order.
    pub shade: [&'static str; 4],
}

/// A labelled scatter with a vertical line at `vline` and a horizontal one at `hline`.
pub fn scatter(points: &[Point], vline: f64, hline: f64, t: &ScatterText, label: &str) -> String {
    let (w, h) = (820.0, 480.0);
    let (x0, x1, y0, y1) = (64.0, w - 20.0, 16.0, h - 50.0);
    let mut s = Svg::new(w, h, label);
    let span = |vals: &mut dyn Iterator<Item = f64>, mid: f64, pad: f64| {
        let (mut lo, mut hi) = (mid, mid);
        for v in vals {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        let pad = ((hi - lo) * pad).max(0.5);
        (lo - pad, hi + pad)
    };
    // More room above and below than aside: the quadrant captions sit in the corners.
    let (xa, xb) = span(&mut points.iter().map(|p| p.x), vline, 0.06);
    let (ya, yb) = span(&mut points.iter().map(|p| p.y), hline, 0.14);
    let px = |v: f64| x0 + (v - xa) / (xb - xa) * (x1 - x0);
    let py = |v: f64| y1 - (v - ya) / (yb - ya) * (y1 - y0);
    let (vx, hy) = (px(vline), py(hline));
    let quads = [
        (x0, y0, vx - x0, hy - y0),
        (vx, y0, x1 - vx, hy - y0),
        (x0, hy, vx - x0, y1 - hy),
        (vx, hy, x1 - vx, y1 - hy),
    ];
    for (q, class) in quads.iter().zip(t.shade) {
        if !class.is_empty() {
            s.rect(q.0, q.1, q.2, q.3, class, None);
        }
    }
    let xs = nice_step(xb - xa, 8.0);
    let mut v = (xa / xs).ceil() * xs;
    while v <= xb {
        s.line(px(v), y0, px(v), y1, "grid");
        s.text(px(v), y1 + 14.0, Anchor::Middle, "small", &n(v));
        v += xs;
    }
    let ys = nice_step(yb - ya, 8.0);
    let mut v = (ya / ys).ceil() * ys;
    while v <= yb {
        s.line(x0, py(v), x1, py(v), "grid");
        s.text(x0 - 5.0, py(v) + 4.0, Anchor::End, "small", &n(v));
        v += ys;
    }
    s.line(vx, y0, vx, y1, "median");
    s.line(x0, hy, x1, hy, "median");
    let corners = [
        (x0 + 6.0, y0 + 14.0, Anchor::Start),
        (x1 - 6.0, y0 + 14.0, Anchor::End),
        (x0 + 6.0, y1 - 6.0, Anchor::Start),
        (x1 - 6.0, y1 - 6.0, Anchor::End),
    ];
    for ((x, y, a), q) in corners.iter().zip(&t.quadrants) {
        s.text(*x, *y, *a, "quad", q);
    }
    // Smaller points where there are many, so that clusters stay readable.
    let r = match points.len() {
        0..=80 => 4.5,
        81..=400 => 3.2,
        _ => 2.4,
    };
    for p in points {
        s.circle(px(p.x), py(p.y), r, p.class, Some(&p.tip));
    }
    for p in points.iter().filter(|p| !p.label.is_empty()) {
        s.text(
            px(p.x) + 6.0,
            py(p.y) - 5.0,
            Anchor::Start,
            "small",
            &p.label,
        );
    }
    s.line(x0, y1, x1, y1, "axis");
    s.line(x0, y0, x0, y1, "axis");
    s.text((x0 + x1) / 2.0, h - 12.0, Anchor::Middle, "small", &t.x);
    let _ = write!(
        s.body,
        "<text x=\"14\" y=\"{}\" text-anchor=\"middle\" class=\"small\" transform=\"rotate(-90 14 {})\">{}</text>",
        n((y0 + y1) / 2.0),
        n((y0 + y1) / 2.0),
        esc(&t.y)
    );
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_tooltips_are_escaped() {
        let mut s = Svg::new(10.0, 10.0, "a<b");
        s.text(1.0, 1.0, Anchor::Start, "", "<script>alert(1)</script>");
        s.rect(0.0, 0.0, 1.0, 1.0, "bar", Some("\"&'"));
        let out = s.finish();
        assert!(!out.contains("<script>"));
        assert!(out.contains("&lt;script&gt;"));
        assert!(out.contains("&quot;&amp;&#39;"));
        assert!(out.contains("aria-label=\"a&lt;b\""));
    }

    #[test]
    fn stacked_rows_draw_every_segment() {
        let row = |muted| StackRow {
            label: "СОШ № 1".into(),
            head: false,
            shares: vec![36.67, 53.33, 10.0],
            texts: vec!["11 (36.7%)".into(), "16 (53.3%)".into(), "3 (10.0%)".into()],
            total: "N = 30".into(),
            muted,
            tip: "t".into(),
        };
        let out = stacked_rows(
            &[row(false), row(true)],
            &["seg-lowered", "seg-confirmed", "seg-raised"],
            "x",
        );
        assert_eq!(out.matches("class=\"seg-lowered\"").count(), 1);
        assert_eq!(out.matches("class=\"seg-lowered muted\"").count(), 1);
        assert_eq!(out.matches("class=\"seg-raised").count(), 2);
        assert!(out.contains(">11 (36.7%)</text>"));
        assert!(out.contains(">N = 30</text>"));
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(100.0, 10.0), 10.0);
        assert_eq!(nice_step(37.0, 4.0), 10.0);
        assert_eq!(nice_step(7.0, 4.0), 2.0);
        assert_eq!(n(2.0), "2");
        assert_eq!(n(2.25), "2.3");
    }
}
