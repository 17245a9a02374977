//! Marks on the Russian 1..5 scale and the internal-mark values "н/а" and "осв.".

use serde::{Deserialize, Serialize};
use std::fmt;

/// A mark (отметка) on the 1..=5 scale; 1 is rare but legal.
///
/// ```
/// use oko::Mark;
/// assert_eq!(Mark::new(4).unwrap().get(), 4);
/// assert!(Mark::new(7).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Mark(u8);

impl Mark {
    /// The lowest mark.
    pub const MIN: u8 = 1;
    /// The highest mark.
    pub const MAX: u8 = 5;

    /// A mark, or `None` outside 1..=5.
    pub const fn new(value: u8) -> Option<Mark> {
        if value >= Self::MIN && value <= Self::MAX {
            Some(Mark(value))
        } else {
            None
        }
    }

    /// The numeric mark.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Mark {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Mark::new(value).ok_or_else(|| "a mark must be 1..5".to_owned())
    }
}

impl From<Mark> for u8 {
    fn from(m: Mark) -> u8 {
        m.0
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An internal (journal, term, year) mark as schools record it.
///
/// "н/а" (not assessed) counts in N of the pass/quality rates and in СОУ with weight 7;
/// "осв." (exempt) is excluded from every indicator, like a missing mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MarkValue {
    /// A mark 1..5.
    Mark(Mark),
    /// "н/а": not assessed (не аттестован).
    NotAssessed,
    /// "осв.": exempt (освобождён).
    Exempt,
}

impl MarkValue {
    /// Parses the forms found in journal exports: `2`..`5`, `1`, `н/а`, `на`, `n/a`,
    /// `осв`, `осв.`, `exempt` (case-insensitive, surrounding spaces ignored).
    ///
    /// ```
    /// use oko::{Mark, MarkValue};
    /// assert_eq!(MarkValue::parse(" 5 "), Some(MarkValue::Mark(Mark::new(5).unwrap())));
    /// assert_eq!(MarkValue::parse("Н/А"), Some(MarkValue::NotAssessed));
    /// assert_eq!(MarkValue::parse("осв."), Some(MarkValue::Exempt));
    /// assert_eq!(MarkValue::parse("7"), None);
    /// ```
    pub fn parse(text: &str) -> Option<MarkValue> {
        let t = text.trim();
        // The common case, one digit, without allocating.
        if let [d @ b'1'..=b'5'] = t.as_bytes() {
            return Mark::new(d - b'0').map(MarkValue::Mark);
        }
        let t = t.to_lowercase();
        match t.as_str() {
            "н/а" | "на" | "н\\а" | "n/a" | "na" | "not_assessed" => {
                Some(MarkValue::NotAssessed)
            }
            "осв" | "осв." | "exempt" => Some(MarkValue::Exempt),
            _ => t
                .parse::<u8>()
                .ok()
                .and_then(Mark::new)
                .map(MarkValue::Mark),
        }
    }

    /// Stable text form: the digit, `н/а` or `осв.`.
    pub fn as_text(self) -> &'static str {
        match self {
            MarkValue::Mark(m) => ["1", "2", "3", "4", "5"][usize::from(m.get() - 1)],
            MarkValue::NotAssessed => "н/а",
            MarkValue::Exempt => "осв.",
        }
    }

    /// Compact code used in columnar storage: 1..=5 marks, 6 н/а, 7 осв.
    pub(crate) fn code(self) -> u8 {
        match self {
            MarkValue::Mark(m) => m.get(),
            MarkValue::NotAssessed => 6,
            MarkValue::Exempt => 7,
        }
    }

    pub(crate) fn from_code(code: u8) -> MarkValue {
        match code {
            6 => MarkValue::NotAssessed,
            7 => MarkValue::Exempt,
            m => MarkValue::Mark(Mark(m)),
        }
    }
}
