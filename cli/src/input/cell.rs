//! Reading values out of cells: decimals written the Russian way or the
//! English way, and the text form of spreadsheet numbers.

use rust_decimal::Decimal;

use super::error::CellError;

/// Is `c` a space that may separate thousands: a plain space, a no-break
/// space (U+00A0), a narrow no-break space (U+202F) or a thin space (U+2009)?
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// Parses a cell as an exact decimal.
///
/// Accepts what Russian spreadsheets and systems write: `12,5`, `12.5`,
/// ` 12 ` (surrounding whitespace is ignored), `-3`, `+3`, `−3` (a minus
/// sign), thousands separated by spaces or no-break spaces (`1 234,5`,
/// groups of exactly three digits), and JSON-style exponents (`1.5e3`).
/// Rejects everything else: letters, percent signs, both `,` and `.` in one
/// number (`1.234,5`), misplaced group spaces (`12 34`), a separator with no
/// digit before or after it (`,5`, `5,`), and numbers beyond 28 significant
/// digits.
///
/// ```
/// use oko_cli::input::parse_decimal_cell;
/// use rust_decimal::Decimal;
/// assert_eq!(parse_decimal_cell("1\u{a0}234,5"), Ok(Decimal::new(12345, 1)));
/// assert!(parse_decimal_cell("12,5 баллов").is_err());
/// ```
pub fn parse_decimal_cell(cell: &str) -> Result<Decimal, CellError> {
    let s = cell.trim();
    if s.is_empty() {
        return Err(CellError::Empty);
    }
    let (negative, body) = match s.chars().next() {
        Some('-' | '\u{2212}') => (true, &s[s.chars().next().map_or(0, char::len_utf8)..]),
        Some('+') => (false, &s[1..]),
        _ => (false, s),
    };
    // Split off an exponent, allowed only in the plain `1.5e3` form.
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let has_comma = mantissa.contains(',');
    let has_dot = mantissa.contains('.');
    if has_comma && has_dot {
        return Err(CellError::NotANumber);
    }
    let (int_part, frac_part) = match mantissa.find([',', '.']) {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    let digits = parse_grouped_integer(int_part).ok_or(CellError::NotANumber)?;
    let mut text = String::with_capacity(s.len() + 2);
    if negative {
        text.push('-');
    }
    text.push_str(&digits);
    if let Some(frac) = frac_part {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CellError::NotANumber);
        }
        text.push('.');
        text.push_str(frac);
    }
    match exponent {
        None => Decimal::from_str_exact(&text).map_err(|_| CellError::OutOfRange),
        Some(exp) => {
            let grouped = digits.len() != int_part.len();
            let exp_digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            if grouped
                || has_comma
                || exp_digits.is_empty()
                || !exp_digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(CellError::NotANumber);
            }
            text.push('e');
            text.push_str(exp);
            Decimal::from_scientific(&text).map_err(|_| CellError::OutOfRange)
        }
    }
}

/// The digits of an integer part, with group spaces removed, or `None` when
/// the part is empty, has a non-digit, or is grouped wrongly.
fn parse_grouped_integer(part: &str) -> Option<String> {
    if part.is_empty() {
        return None;
    }
    let mut groups = part.split(is_group_space);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 && part.contains(is_group_space) {
        return None;
    }
    let mut digits = String::with_capacity(part.len());
    digits.push_str(first);
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        digits.push_str(group);
    }
    digits.bytes().all(|b| b.is_ascii_digit()).then_some(digits)
}

/// Formats a spreadsheet number as Excel shows it in a cell of the General
/// format: at most 15 significant digits, no exponent, no trailing zeros,
/// and integer-valued numbers without a fraction (`5.0` → `"5"`).
pub(crate) fn format_spreadsheet_number(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    if value == 0.0 {
        return "0".to_owned();
    }
    // `{:.14e}` gives 15 significant digits, rounded, e.g. "1.23450000000000e1".
    let sci = format!("{value:.14e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    // The decimal point goes after `exp + 1` digits.
    let point = exp + 1;
    let mut out = String::with_capacity(digits.len() + 4);
    if negative {
        out.push('-');
    }
    let len = digits.len() as i32;
    if point <= 0 {
        out.push_str("0.");
        for _ in 0..(-point) {
            out.push('0');
        }
        out.push_str(digits);
    } else if point >= len {
        out.push_str(digits);
        for _ in 0..(point - len) {
            out.push('0');
        }
    } else {
        let (a, b) = digits.split_at(point as usize);
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn decimals_accepted() {
        for (cell, want) in [
            ("12,5", "12.5"),
            ("12.5", "12.5"),
            (" 12 ", "12"),
            ("\u{a0}12\u{a0}", "12"),
            ("1 234,5", "1234.5"),
            ("1\u{a0}234,5", "1234.5"),
            ("1\u{202f}234\u{202f}567", "1234567"),
            ("-0,25", "-0.25"),
            ("\u{2212}3", "-3"),
            ("+7", "7"),
            ("0.1", "0.1"),
            ("12.50", "12.50"),
            ("1.5e3", "1500"),
            ("1E-2", "0.01"),
            ("1234", "1234"),
        ] {
            assert_eq!(parse_decimal_cell(cell), Ok(d(want)), "{cell:?}");
        }
        // The scale is kept: "12.50" is 12.50, not 12.5.
        assert_eq!(parse_decimal_cell("12.50").unwrap().scale(), 2);
    }

    #[test]
    fn decimals_rejected() {
        for cell in [
            "abc",
            "12,5 баллов",
            "1.234,5",
            "1,234.5",
            "12 34",
            "1 2345",
            "1234 567",
            ",5",
            "5,",
            "5.",
            "--5",
            "5%",
            "1e",
            "1 234e3",
            "1,5e3",
            "0x10",
            "н/а",
            "-",
            "12,5,1",
        ] {
            assert_eq!(
                parse_decimal_cell(cell),
                Err(CellError::NotANumber),
                "{cell:?}"
            );
        }
        assert_eq!(parse_decimal_cell("  "), Err(CellError::Empty));
        assert_eq!(
            parse_decimal_cell("123456789012345678901234567890"),
            Err(CellError::OutOfRange)
        );
    }

    #[test]
    fn spreadsheet_numbers() {
        for (value, want) in [
            (5.0, "5"),
            (-5.0, "-5"),
            (0.0, "0"),
            (12.5, "12.5"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.3"),
            (1e15, "1000000000000000"),
            (1e-7, "0.0000001"),
            (123456.789, "123456.789"),
            (2.0 / 3.0, "0.666666666666667"),
        ] {
            assert_eq!(format_spreadsheet_number(value), want, "{value}");
        }
    }
}
