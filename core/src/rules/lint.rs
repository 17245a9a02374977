//! Lints of classifications: gaps and overlaps between numeric bands, which usually mean a
//! typo in a threshold ("[0, 50)" then "[55, 100)": where does 52 go?).

use rust_decimal::Decimal;

/// Lint codes.
pub mod codes {
    /// Values between two bands get no label.
    pub const BAND_GAP: &str = "lint.band_gap";
    /// Two bands cover the same values.
    pub const BAND_OVERLAP: &str = "lint.band_overlap";
}

/// Checks half-open bands `[from, to)` (None = open end), given as (band index, from, to).
/// Returns (band index, code, message) for each gap or overlap, in band order.
///
/// ```
/// use rust_decimal::Decimal;
/// let d = |x: i64| Some(Decimal::from(x));
/// let found = oko::rules::lint_ranges(&[(0, None, d(50)), (1, d(55), d(80)), (2, d(70), None)], false);
/// let codes: Vec<&str> = found.iter().map(|f| f.1).collect();
/// assert_eq!(codes, ["lint.band_gap", "lint.band_overlap"]);
/// ```
pub fn lint_ranges(
    bands: &[(usize, Option<Decimal>, Option<Decimal>)],
    has_otherwise: bool,
) -> Vec<(usize, &'static str, String)> {
    let mut sorted: Vec<_> = bands.to_vec();
    // Open lower ends first.
    sorted.sort_by(|a, b| match (a.1, b.1) {
        (None, None) => a.0.cmp(&b.0),
        (None, _) => std::cmp::Ordering::Less,
        (_, None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(&y).then(a.0.cmp(&b.0)),
    });
    let mut out = Vec::new();
    for w in sorted.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (Some(to), from) = (a.2, b.1) else {
            // `a` is open above: it overlaps everything after it.
            out.push((
                b.0,
                codes::BAND_OVERLAP,
                "this band overlaps an earlier band that has no upper end".to_owned(),
            ));
            continue;
        };
        match from {
            Some(from) if from > to => out.push((
                b.0,
                codes::BAND_GAP,
                format!("values from {to} up to {from} fall in no band"),
            )),
            Some(from) if from < to => out.push((
                b.0,
                codes::BAND_OVERLAP,
                format!("values from {from} up to {to} fall in two bands"),
            )),
            None => out.push((
                b.0,
                codes::BAND_OVERLAP,
                "this band has no lower end and overlaps another".to_owned(),
            )),
            _ => {}
        }
    }
    if !has_otherwise && let (Some(first), Some(last)) = (sorted.first(), sorted.last()) {
        if let Some(from) = first.1 {
            out.push((
                first.0,
                codes::BAND_GAP,
                format!("values below {from} fall in no band and there is no `otherwise`"),
            ));
        }
        if let Some(to) = last.2 {
            out.push((
                last.0,
                codes::BAND_GAP,
                format!("values from {to} up fall in no band and there is no `otherwise`"),
            ));
        }
    }
    out.sort_by_key(|f| f.0);
    out
}
