//! Columns: typed vectors of values over all entities, where each row is known or unknown
//! for a reason.
//!
//! Layout: the values in one plain vector (`Vec<Decimal>`, `Vec<bool>` or `Vec<Arc<str>>`), and
//! beside it one `u32` per row: 0 when the row is known, else `k` for the reason `reasons[k-1]`
//! of the column's small reason table. The value of an unknown row is a placeholder.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::types::Type;

/// Why a value is unknown. Reasons are data: they travel with the value and end up in
/// explanations.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The input has no value for this entity.
    Missing {
        /// The input's name, as the caller knows it.
        name: String,
    },
    /// The value was computed over too small a group to draw conclusions (DOMAIN T8).
    LimitedSample {
        /// The input's name.
        name: String,
        /// The size of the group.
        size: u64,
    },
    /// A division by zero.
    DivisionByZero,
    /// A result too large for a decimal.
    Overflow,
    /// The `null` literal.
    Null,
    /// Any other reason the caller wants to carry.
    Other(String),
}

impl Reason {
    /// A stable machine code for the reason.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Missing { .. } => "unknown.missing",
            Reason::LimitedSample { .. } => "unknown.limited_sample",
            Reason::DivisionByZero => "unknown.division_by_zero",
            Reason::Overflow => "unknown.overflow",
            Reason::Null => "unknown.null",
            Reason::Other(_) => "unknown.other",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Missing { name } => write!(f, "missing value for {name}"),
            Reason::LimitedSample { name, size } => {
                write!(f, "limited sample for {name} (N = {size})")
            }
            Reason::DivisionByZero => f.write_str("division by zero"),
            Reason::Overflow => f.write_str("arithmetic overflow"),
            Reason::Null => f.write_str("null"),
            Reason::Other(text) => f.write_str(text),
        }
    }
}

/// The storage of a column's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Data {
    Dec(Vec<Decimal>),
    Bool(Vec<bool>),
    Str(Vec<Arc<str>>),
    /// No values: every row is unknown.
    Null,
}

/// A known value of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// A Number, Percent or Points value.
    Decimal(Decimal),
    /// A Bool value.
    Bool(bool),
    /// A Str value.
    Str(&'a str),
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Decimal(d) => write!(f, "{}", d.normalize()),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// One row of a column: a value, or unknown with its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Datum<'a> {
    /// The value is known.
    Known(Value<'a>),
    /// The value is unknown, for this reason.
    Unknown(&'a Reason),
}

impl fmt::Display for Datum<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Datum::Known(v) => v.fmt(f),
            Datum::Unknown(r) => write!(f, "unknown ({r})"),
        }
    }
}

/// A typed column of values over all rows (entities), each known or unknown for a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub(crate) ty: Type,
    pub(crate) data: Data,
    /// Per row: 0 = known, k = unknown for `reasons[k - 1]`.
    pub(crate) codes: Vec<u32>,
    pub(crate) reasons: Vec<Reason>,
}

impl Column {
    fn from_options<T: Default>(
        ty: Type,
        values: Vec<Option<T>>,
        missing: Reason,
        wrap: impl FnOnce(Vec<T>) -> Data,
    ) -> Column {
        let mut codes = Vec::with_capacity(values.len());
        let mut out = Vec::with_capacity(values.len());
        for v in values {
            codes.push(u32::from(v.is_none()));
            out.push(v.unwrap_or_default());
        }
        let reasons = if codes.contains(&1) {
            vec![missing]
        } else {
            Vec::new()
        };
        Column {
            ty,
            data: wrap(out),
            codes,
            reasons,
        }
    }

    /// A Number column; `None` rows are unknown for `missing`.
    pub fn numbers(values: Vec<Option<Decimal>>, missing: Reason) -> Column {
        Column::from_options(Type::Number, values, missing, Data::Dec)
    }

    /// A Percent column (values like 92.0 for 92 %); `None` rows are unknown for `missing`.
    pub fn percents(values: Vec<Option<Decimal>>, missing: Reason) -> Column {
        Column::from_options(Type::Percent, values, missing, Data::Dec)
    }

    /// A Points column (percentage points); `None` rows are unknown for `missing`.
    pub fn points(values: Vec<Option<Decimal>>, missing: Reason) -> Column {
        Column::from_options(Type::Points, values, missing, Data::Dec)
    }

    /// A Bool column; `None` rows are unknown for `missing`.
    pub fn bools(values: Vec<Option<bool>>, missing: Reason) -> Column {
        Column::from_options(Type::Bool, values, missing, Data::Bool)
    }

    /// A Str column; `None` rows are unknown for `missing`.
    pub fn strings(values: Vec<Option<String>>, missing: Reason) -> Column {
        let values = values.into_iter().map(|v| v.map(Arc::from)).collect();
        Column::from_options(Type::Str, values, missing, |v: Vec<Arc<str>>| Data::Str(v))
    }

    /// A column of Number, Percent or Points type with every row known.
    /// Returns `None` for a non-numeric `ty`.
    pub fn decimals(ty: Type, values: Vec<Decimal>) -> Option<Column> {
        ty.is_numeric().then(|| Column {
            ty,
            codes: vec![0; values.len()],
            data: Data::Dec(values),
            reasons: Vec::new(),
        })
    }

    /// A column whose every row is unknown for `reason` (its type is Null: it fits any slot).
    pub fn unknown(rows: usize, reason: Reason) -> Column {
        Column {
            ty: Type::Null,
            data: Data::Null,
            codes: vec![1; rows],
            reasons: vec![reason],
        }
    }

    /// Marks one row unknown for `reason` (e.g. a limited sample).
    ///
    /// # Panics
    /// If `row` is out of range.
    pub fn set_unknown(&mut self, row: usize, reason: Reason) {
        assert!(row < self.codes.len(), "row {row} out of range");
        let code = self.intern(reason);
        self.codes[row] = code;
    }

    /// [`Column::set_unknown`] in builder style.
    ///
    /// # Panics
    /// If `row` is out of range.
    pub fn with_unknown(mut self, row: usize, reason: Reason) -> Column {
        self.set_unknown(row, reason);
        self
    }

    /// The code of `reason` in this column's table, adding it if not among the most recent
    /// entries (a bounded search keeps marking many rows linear; a repeat is harmless).
    fn intern(&mut self, reason: Reason) -> u32 {
        const RECENT: usize = 16;
        let from = self.reasons.len().saturating_sub(RECENT);
        match self.reasons[from..].iter().position(|r| *r == reason) {
            Some(i) => (from + i) as u32 + 1,
            None => {
                self.reasons.push(reason);
                self.reasons.len() as u32
            }
        }
    }

    /// The column's type.
    pub fn ty(&self) -> Type {
        self.ty
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The row, or `None` when out of range.
    pub fn get(&self, row: usize) -> Option<Datum<'_>> {
        let code = *self.codes.get(row)?;
        if code != 0 {
            return Some(Datum::Unknown(&self.reasons[code as usize - 1]));
        }
        Some(Datum::Known(match &self.data {
            Data::Dec(v) => Value::Decimal(v[row]),
            Data::Bool(v) => Value::Bool(v[row]),
            Data::Str(v) => Value::Str(&v[row]),
            Data::Null => unreachable!("a Null column has no known rows"),
        }))
    }

    /// All rows in order.
    pub fn iter(&self) -> impl Iterator<Item = Datum<'_>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The known decimal value of a row, if any.
    pub fn decimal(&self, row: usize) -> Option<Decimal> {
        match self.get(row)? {
            Datum::Known(Value::Decimal(d)) => Some(d),
            _ => None,
        }
    }

    /// The known Bool value of a row, if any.
    pub fn bool(&self, row: usize) -> Option<bool> {
        match self.get(row)? {
            Datum::Known(Value::Bool(b)) => Some(b),
            _ => None,
        }
    }

    /// The known Str value of a row, if any.
    pub fn str(&self, row: usize) -> Option<&str> {
        match self.get(row)? {
            Datum::Known(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// Why a row is unknown, or `None` when it is known (or out of range).
    pub fn reason(&self, row: usize) -> Option<&Reason> {
        match self.get(row)? {
            Datum::Unknown(r) => Some(r),
            Datum::Known(_) => None,
        }
    }

    /// The per-row reason codes: 0 for a known row, `k` for `reasons()[k - 1]`.
    pub fn reason_codes(&self) -> &[u32] {
        &self.codes
    }

    /// The column's reason table.
    pub fn reasons(&self) -> &[Reason] {
        &self.reasons
    }

    /// Rows `range` as a column of their own, whose reason table holds only the reasons those
    /// rows use (evaluation runs long frames in windows of rows).
    pub(crate) fn slice(&self, range: std::ops::Range<usize>) -> Column {
        let mut map: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
        let mut reasons = Vec::new();
        let codes = self.codes[range.clone()]
            .iter()
            .map(|&c| {
                if c == 0 {
                    return 0;
                }
                *map.entry(c).or_insert_with(|| {
                    reasons.push(self.reasons[c as usize - 1].clone());
                    reasons.len() as u32
                })
            })
            .collect();
        let data = match &self.data {
            Data::Dec(v) => Data::Dec(v[range].to_vec()),
            Data::Bool(v) => Data::Bool(v[range].to_vec()),
            Data::Str(v) => Data::Str(v[range].to_vec()),
            Data::Null => Data::Null,
        };
        Column {
            ty: self.ty,
            data,
            codes,
            reasons,
        }
    }

    /// The parts one after another, as one column of type `ty`, with one reason table
    /// (each distinct reason once).
    pub(crate) fn concat(ty: Type, parts: Vec<Column>) -> Column {
        let rows: usize = parts.iter().map(Column::len).sum();
        let mut data = match parts
            .iter()
            .map(|p| &p.data)
            .find(|d| !matches!(d, Data::Null))
        {
            Some(Data::Dec(_)) => Data::Dec(Vec::with_capacity(rows)),
            Some(Data::Bool(_)) => Data::Bool(Vec::with_capacity(rows)),
            Some(Data::Str(_)) => Data::Str(Vec::with_capacity(rows)),
            Some(Data::Null) | None => Data::Null,
        };
        let mut codes = Vec::with_capacity(rows);
        let mut reasons: Vec<Reason> = Vec::new();
        let mut index: std::collections::HashMap<Reason, u32> = std::collections::HashMap::new();
        for part in parts {
            let n = part.len();
            // An all-unknown (Null) part contributes placeholders: its rows are all unknown.
            match (&mut data, part.data) {
                (Data::Dec(out), Data::Dec(v)) => out.extend(v),
                (Data::Bool(out), Data::Bool(v)) => out.extend(v),
                (Data::Str(out), Data::Str(v)) => out.extend(v),
                (Data::Dec(out), _) => out.extend(std::iter::repeat_n(Decimal::ZERO, n)),
                (Data::Bool(out), _) => out.extend(std::iter::repeat_n(false, n)),
                (Data::Str(out), _) => out.extend(std::iter::repeat_n(Arc::from(""), n)),
                (Data::Null, _) => {}
            }
            let local: Vec<u32> = part
                .reasons
                .into_iter()
                .map(|r| {
                    let next = reasons.len() as u32 + 1;
                    *index.entry(r.clone()).or_insert_with(|| {
                        reasons.push(r);
                        next
                    })
                })
                .collect();
            codes.extend(
                part.codes
                    .iter()
                    .map(|&c| if c == 0 { 0 } else { local[c as usize - 1] }),
            );
        }
        Column {
            ty,
            data,
            codes,
            reasons,
        }
    }

    /// The column repeated (its first row) `rows` times; used to broadcast constants.
    pub(crate) fn broadcast(&self, rows: usize) -> Column {
        let code = self.codes.first().copied().unwrap_or(0);
        let data = match &self.data {
            Data::Dec(v) => Data::Dec(vec![v.first().copied().unwrap_or_default(); rows]),
            Data::Bool(v) => Data::Bool(vec![v.first().copied().unwrap_or_default(); rows]),
            Data::Str(v) => Data::Str(vec![
                v.first().cloned().unwrap_or_else(|| Arc::from(""));
                rows
            ]),
            Data::Null => Data::Null,
        };
        Column {
            ty: self.ty,
            data,
            codes: vec![code; rows],
            reasons: self.reasons.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_and_access() {
        let missing = Reason::Missing { name: "x".into() };
        let c = Column::percents(vec![Some(Decimal::new(925, 1)), None], missing.clone())
            .with_unknown(
                0,
                Reason::LimitedSample {
                    name: "x".into(),
                    size: 9,
                },
            );
        assert_eq!(c.ty(), Type::Percent);
        assert_eq!(c.len(), 2);
        assert_eq!(c.reason(1), Some(&missing));
        assert_eq!(
            c.get(0).map(|d| d.to_string()).as_deref(),
            Some("unknown (limited sample for x (N = 9))")
        );
        assert_eq!(c.reason_codes(), &[2, 1]);
        let s = Column::strings(vec![Some("lyceum".into())], missing.clone());
        assert_eq!(s.str(0), Some("lyceum"));
        let u = Column::unknown(3, Reason::Null);
        assert_eq!(
            u.iter().filter(|d| matches!(d, Datum::Unknown(_))).count(),
            3
        );
        assert!(Column::decimals(Type::Bool, vec![]).is_none());
    }
}
