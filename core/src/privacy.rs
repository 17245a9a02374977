//! Pseudonymous ids: a keyed hash (HMAC-SHA256) of a student's (or teacher's) id, so that
//! reports and exports can be shared without the ids while the same person keeps the same
//! pseudonym across runs with the same key, and nobody without the key can link the two.
//!
//! The key comes from the caller (the CLI reads it from a file; bindings take bytes). It is
//! never printed: `Debug` shows only the pseudonym length.
//!
//! Where it is applied:
//! - evaluation output: [`Pseudonymiser::pseudonymise_students`] rewrites every student id
//!   of a [`Report`] (findings, undetermined outcomes, labels, targets) and re-sorts the
//!   lists by pseudonym, so that the order gives nothing away either. The CLI (`oko
//!   evaluate`, `explain` and `report --pseudonymise-key-file`), Python (`evaluate(...,
//!   pseudonymise_key=...)`) and Node (`evaluate(..., { pseudonymiseKey })`) all call it on
//!   the core's report, so they give the same bytes for the same key; the JSON, the CSV
//!   tables and the HTML report are all made from that report;
//! - data export: the CLI's `oko generate --pseudonymise-key-file` writes students' (and
//!   with `--pseudonymise-teachers`, teachers') ids pseudonymised in every table and in the
//!   ground truth.
//!
//! ```
//! use oko::privacy::Pseudonymiser;
//! let p = Pseudonymiser::new(b"a key of at least sixteen bytes").unwrap();
//! let a = p.pseudonymise("P-0001");
//! assert_eq!(a.len(), 16);
//! assert_eq!(a, p.pseudonymise("P-0001")); // stable for a key
//! assert_ne!(a, p.pseudonymise("P-0002"));
//! let other = Pseudonymiser::new(b"another key, also long enough").unwrap();
//! assert_ne!(a, other.pseudonymise("P-0001")); // unlinkable without the key
//! ```

use crate::aggregate::Level;
use crate::rules::{EntityRef, Report};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// Shortest key accepted, in bytes.
pub const MIN_KEY_BYTES: usize = 16;

/// Hex characters of a pseudonym by default (64 bits: for a million ids the chance that
/// any two share a pseudonym is about 3 in 100 million).
pub const DEFAULT_HEX_CHARS: usize = 16;

/// A key that cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrivacyError {
    /// The key is shorter than [`MIN_KEY_BYTES`].
    #[error("privacy.key: the pseudonymisation key has {0} bytes; at least 16 are needed")]
    ShortKey(usize),
}

impl PrivacyError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            PrivacyError::ShortKey(_) => "privacy.key",
        }
    }
}

/// Maps ids to pseudonyms: the first hex characters of HMAC-SHA256(key, id).
#[derive(Clone)]
pub struct Pseudonymiser {
    mac: Hmac<Sha256>,
    hex_chars: usize,
}

impl fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pseudonymiser")
            .field("hex_chars", &self.hex_chars)
            .finish_non_exhaustive()
    }
}

impl Pseudonymiser {
    /// A pseudonymiser with `key` (at least [`MIN_KEY_BYTES`] bytes) and pseudonyms of
    /// [`DEFAULT_HEX_CHARS`] hex characters.
    pub fn new(key: &[u8]) -> Result<Self, PrivacyError> {
        if key.len() < MIN_KEY_BYTES {
            return Err(PrivacyError::ShortKey(key.len()));
        }
        let mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| PrivacyError::ShortKey(0))?;
        Ok(Pseudonymiser {
            mac,
            hex_chars: DEFAULT_HEX_CHARS,
        })
    }

    /// The same, with pseudonyms of `hex_chars` characters (clamped to 8..=64).
    pub fn with_hex_chars(mut self, hex_chars: usize) -> Self {
        self.hex_chars = hex_chars.clamp(8, 64);
        self
    }

    /// The pseudonym of `id` (lower-case hex). The id is trimmed first, as the dataset
    /// builder trims ids.
    pub fn pseudonymise(&self, id: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(id.trim().as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut out = String::with_capacity(self.hex_chars);
        for b in digest.iter() {
            for nibble in [b >> 4, b & 0xf] {
                if out.len() == self.hex_chars {
                    return out;
                }
                out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
            }
        }
        out
    }

    /// Rewrites every student id of `report` (findings, undetermined outcomes, labels and
    /// targets at the student level) to its pseudonym, and re-sorts those lists by
    /// pseudonym within each rule. Student names in reports are their class and school
    /// (oko holds no names of children), so they and the messages stay as they are. This is
    /// what "pseudonymise student ids in all output" means for every front end.
    ///
    /// ```
    /// use oko::privacy::Pseudonymiser;
    /// use oko::rules::{compile, evaluate, shipped, EvalOptions, RuleLimits};
    /// let rules = compile(&shipped(), &RuleLimits::default()).unwrap();
    /// let g = oko::generate(&oko::GeneratorConfig::tiny(1));
    /// let mut report = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap().report;
    /// let students = |r: &oko::rules::Report| -> Vec<String> {
    ///     r.labels.iter().map(|l| &l.entity).chain(r.findings.iter().map(|f| &f.entity))
    ///         .filter(|e| e.level == oko::Level::Student).map(|e| e.id.clone()).collect()
    /// };
    /// let before = students(&report);
    /// assert!(!before.is_empty());
    /// let p = Pseudonymiser::new(b"0123456789abcdef").unwrap();
    /// p.pseudonymise_students(&mut report);
    /// let after = students(&report);
    /// let json = serde_json::to_string(&report).unwrap();
    /// for id in &before {
    ///     assert!(after.contains(&p.pseudonymise(id)));
    ///     assert!(!json.contains(&format!("\"{id}\"")));
    /// }
    /// ```
    pub fn pseudonymise_students(&self, report: &mut Report) {
        self.apply_to_report(report, &[Level::Student]);
    }

    /// Rewrites every entity of `report` at one of `levels`: its id becomes the pseudonym, and
    /// its name and the messages of its findings no longer quote the id (a teacher's name is
    /// `id, school`). Other levels (schools, municipalities) are left as they are. Findings,
    /// undetermined outcomes, labels and targets are then re-sorted by the new ids, keeping
    /// the evaluation's order otherwise (rule by rule), so that the order of the real ids
    /// cannot be read from the output.
    ///
    /// ```
    /// use oko::privacy::Pseudonymiser;
    /// use oko::rules::{compile, evaluate, EvalOptions, RuleLimits, RuleSource};
    /// use oko::Level;
    /// let rules = compile(&[RuleSource::toml("t.toml", r#"
    /// schema_version = 1
    /// id = "t"
    /// version = "1"
    /// title = { ru = "т", en = "t" }
    /// source = { document = "d" }
    /// [[rules]]
    /// id = "every_teacher"
    /// level = "teacher"
    /// scope = { source = "entity" }
    /// when = "true"
    /// message = { ru = "{entity}", en = "{entity}" }
    /// "#)], &RuleLimits::default()).unwrap();
    /// let g = oko::generate(&oko::GeneratorConfig::tiny(1));
    /// let mut report = evaluate(&rules, &g.dataset, &EvalOptions::default()).unwrap().report;
    /// let id = report.findings[0].entity.id.clone();
    /// let p = Pseudonymiser::new(b"0123456789abcdef").unwrap();
    /// p.apply_to_report(&mut report, &[Level::Teacher]);
    /// let f = report.findings.iter().find(|f| f.entity.id == p.pseudonymise(&id)).unwrap();
    /// assert!(!f.entity.name.contains(&id) && !f.message.ru.contains(&id));
    /// assert!(report.findings.windows(2).all(|w| w[0].entity.id <= w[1].entity.id));
    /// ```
    pub fn apply_to_report(&self, report: &mut Report, levels: &[Level]) {
        let rewrite = |e: &mut EntityRef| -> Option<(String, String)> {
            if !levels.contains(&e.level) {
                return None;
            }
            let old_name = e.name.clone();
            let pseudonym = self.pseudonymise(&e.id);
            e.name = replace_id(&e.name, &e.id, &pseudonym);
            e.id = pseudonym;
            Some((old_name, e.name.clone()))
        };
        for f in &mut report.findings {
            if let Some((old, new)) = rewrite(&mut f.entity)
                && old != new
            {
                f.message.ru = f.message.ru.replace(&old, &new);
                f.message.en = f.message.en.replace(&old, &new);
            }
        }
        for u in &mut report.undetermined {
            rewrite(&mut u.entity);
        }
        for l in &mut report.labels {
            rewrite(&mut l.entity);
        }
        for t in &mut report.targets {
            rewrite(&mut t.entity);
        }
        // The evaluation sorted each list by rule, then entity id, then scope: sort again
        // within each rule's run, by the new ids.
        resort(
            &mut report.findings,
            |a, b| (&a.ruleset, &a.rule) == (&b.ruleset, &b.rule),
            |a, b| (&a.entity.id, &a.scope).cmp(&(&b.entity.id, &b.scope)),
        );
        resort(
            &mut report.undetermined,
            |a, b| (&a.ruleset, &a.rule) == (&b.ruleset, &b.rule),
            |a, b| (&a.entity.id, &a.scope).cmp(&(&b.entity.id, &b.scope)),
        );
        resort(
            &mut report.labels,
            |a, b| (&a.ruleset, &a.classification) == (&b.ruleset, &b.classification),
            |a, b| (&a.entity.id, &a.scope).cmp(&(&b.entity.id, &b.scope)),
        );
        resort(
            &mut report.targets,
            |a, b| (&a.ruleset, &a.target) == (&b.ruleset, &b.target),
            |a, b| (&a.entity.id, &a.scope).cmp(&(&b.entity.id, &b.scope)),
        );
    }
}

/// Sorts each run of consecutive items of the same group (`same`) by `cmp` (stable),
/// leaving the order of the runs as it is.
fn resort<T>(
    items: &mut [T],
    same: impl Fn(&T, &T) -> bool,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering,
) {
    let mut start = 0;
    while start < items.len() {
        let len = items[start..]
            .iter()
            .position(|x| !same(&items[start], x))
            .unwrap_or(items.len() - start);
        items[start..start + len].sort_by(&cmp);
        start += len;
    }
}

/// `name` with every occurrence of `id` replaced (an empty id replaces nothing).
fn replace_id(name: &str, id: &str, pseudonym: &str) -> String {
    if id.is_empty() {
        name.to_owned()
    } else {
        name.replace(id, pseudonym)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector() {
        // RFC 4231 test case 2 key and data, truncated to 16 hex chars; key padded to 16
        // bytes is a different key, so use a 20-byte key as in test case 1.
        let key = [0x0b_u8; 20];
        let p = Pseudonymiser::new(&key).unwrap().with_hex_chars(64);
        assert_eq!(
            p.pseudonymise("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn short_keys_are_refused_and_keys_never_printed() {
        assert_eq!(
            Pseudonymiser::new(b"short").unwrap_err().code(),
            "privacy.key"
        );
        let p = Pseudonymiser::new(b"a secret key 123456").unwrap();
        assert!(!format!("{p:?}").contains("secret"));
        assert_eq!(p.pseudonymise(" x "), p.pseudonymise("x"));
        assert_eq!(p.clone().with_hex_chars(1).pseudonymise("x").len(), 8);
    }
}
