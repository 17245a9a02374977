//! Partner schools (seed 001, task 8: «сетевое „горизонтальное“ взаимодействие школ,
//! показывающих низкие образовательные результаты, с образовательными организациями с
//! высокими результатами обучения»): for each weak school, up to `k` strong schools of the
//! nearest social context, the school's own municipality first.
//!
//! Order of candidates: own municipality first (when asked), then the smallest difference of
//! the social index, then the partner's id, so the result does not depend on row order. A
//! weak school with an unknown index gets no partner (and the caller says why); strong schools
//! with an unknown index are never proposed.

use rust_decimal::Decimal;

/// A school offered to the matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairCandidate {
    /// School index.
    pub school: u32,
    /// School id (for a stable order).
    pub id: String,
    /// Municipality index.
    pub municipality: u32,
    /// Social index.
    pub index: Option<Decimal>,
}

/// Options of the matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairingOptions {
    /// Partners per weak school.
    pub k: usize,
    /// Own municipality first.
    pub same_municipality_first: bool,
    /// Largest index difference, when limited.
    pub max_distance: Option<Decimal>,
}

/// One proposed partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairMatch {
    /// The weak school.
    pub school: u32,
    /// The partner.
    pub partner: u32,
    /// 1 for the first partner.
    pub rank: u32,
    /// Both in one municipality.
    pub same_municipality: bool,
    /// |index difference|.
    pub distance: Decimal,
}

/// Why a weak school got no partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpaired {
    /// Its social index is unknown.
    UnknownIndex,
    /// No strong school (within the distance limit).
    NoCandidate,
}

/// Matches weak schools to strong ones. A school that is both weak and strong is never its
/// own partner.
///
/// ```
/// use oko::{PairCandidate, PairingOptions, pair_schools};
/// use rust_decimal::Decimal;
/// let c = |school, m, x: i64| PairCandidate { school, id: format!("S{school}"), municipality: m, index: Some(Decimal::from(x)) };
/// let weak = [c(0, 0, 0)];
/// let strong = [c(1, 1, 0), c(2, 0, 5), c(3, 0, 1)];
/// let opts = PairingOptions { k: 2, same_municipality_first: true, max_distance: None };
/// let (pairs, unpaired) = pair_schools(&weak, &strong, &opts);
/// assert!(unpaired.is_empty());
/// // Own municipality first (3 is nearer than 2), although 1 is nearest of all.
/// assert_eq!(pairs.iter().map(|p| p.partner).collect::<Vec<_>>(), [3, 2]);
/// ```
pub fn pair_schools(
    weak: &[PairCandidate],
    strong: &[PairCandidate],
    opts: &PairingOptions,
) -> (Vec<PairMatch>, Vec<(u32, Unpaired)>) {
    let mut pairs = Vec::new();
    let mut unpaired = Vec::new();
    let mut weak: Vec<&PairCandidate> = weak.iter().collect();
    weak.sort_by(|a, b| a.id.cmp(&b.id));
    for w in weak {
        let Some(wi) = w.index else {
            unpaired.push((w.school, Unpaired::UnknownIndex));
            continue;
        };
        let mut cands: Vec<(bool, Decimal, &str, &PairCandidate)> = strong
            .iter()
            .filter(|s| s.school != w.school)
            .filter_map(|s| {
                let d = (s.index? - wi).abs();
                if opts.max_distance.is_some_and(|m| d > m) {
                    return None;
                }
                let other = opts.same_municipality_first && s.municipality != w.municipality;
                Some((other, d, s.id.as_str(), s))
            })
            .collect();
        cands.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
        if cands.is_empty() || opts.k == 0 {
            unpaired.push((w.school, Unpaired::NoCandidate));
            continue;
        }
        for (rank, (_, d, _, s)) in cands.into_iter().take(opts.k).enumerate() {
            pairs.push(PairMatch {
                school: w.school,
                partner: s.school,
                rank: rank as u32 + 1,
                same_municipality: s.municipality == w.municipality,
                distance: d,
            });
        }
    }
    (pairs, unpaired)
}
