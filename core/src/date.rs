//! Calendar dates as the data carries them (`YYYY-MM-DD`), without a date-time library:
//! oko only needs to order dates and count whole days between them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A calendar date, checked on construction.
///
/// ```
/// use oko::Date;
/// let d: Date = "2026-03-15".parse().unwrap();
/// assert_eq!(d.to_string(), "2026-03-15");
/// assert!("2026-02-30".parse::<Date>().is_err());
/// assert_eq!("15.03.2026".parse::<Date>().unwrap(), d); // Russian order is accepted too
/// assert_eq!(d.days_since(&"2025-03-15".parse().unwrap()), 365);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A date, or `None` when it does not exist.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (day >= 1 && day <= days && (1900..=2200).contains(&year)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// Month 1..=12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// Day of the month 1..=31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Day number since 1970-01-01 (proleptic Gregorian), for differences.
    pub fn day_number(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Whole days from `earlier` to `self` (negative when `earlier` is later).
    pub fn days_since(&self, earlier: &Date) -> i64 {
        self.day_number() - earlier.day_number()
    }

    /// The academic year the date falls in (September starts a new one).
    pub fn academic_year(self) -> crate::AcademicYear {
        crate::AcademicYear(if self.month >= 9 {
            self.year
        } else {
            self.year - 1
        })
    }
}

impl FromStr for Date {
    type Err = ();
    fn from_str(s: &str) -> Result<Date, ()> {
        let t = s.trim();
        let t = t.split(['T', ' ']).next().unwrap_or(t);
        let parts: Vec<&str> = t.split(['-', '.', '/']).collect();
        let [a, b, c] = parts.as_slice() else {
            return Err(());
        };
        let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, b, a) };
        Date::new(
            y.parse().map_err(|_| ())?,
            m.parse().map_err(|_| ())?,
            d.parse().map_err(|_| ())?,
        )
        .ok_or(())
    }
}

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(s: String) -> Result<Date, String> {
        s.parse()
            .map_err(|_| "expected a date YYYY-MM-DD".to_owned())
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}
