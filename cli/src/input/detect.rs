//! Detection of the file format, the text encoding and the CSV separator,
//! and the options that override each of them.

use std::io::{self, Read};
use std::path::Path;
use std::str::FromStr;

use super::error::{ErrorKind, InputError, Location};

/// The format of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text: `.csv`, `.tsv`, `.txt`.
    Csv,
    /// An Excel workbook: `.xlsx`, `.xlsm`.
    Xlsx,
    /// JSON: an array of objects or `{"columns": {...}}`.
    Json,
}

impl Format {
    /// The format's lower-case name, as accepted by [`FormatOption::from_str`].
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }
}

/// Which format to read a file as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FormatOption {
    /// By the file's extension; when that is unknown, by its first bytes.
    #[default]
    Auto,
    /// This format, whatever the extension.
    Fixed(Format),
}

impl FromStr for FormatOption {
    type Err = InputError;

    /// `auto`, `csv`, `tsv`, `xlsx` or `json` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(FormatOption::Auto),
            "csv" | "tsv" | "txt" => Ok(FormatOption::Fixed(Format::Csv)),
            "xlsx" | "xlsm" => Ok(FormatOption::Fixed(Format::Xlsx)),
            "json" => Ok(FormatOption::Fixed(Format::Json)),
            _ => Err(InputError::new(
                ErrorKind::Option,
                Location::file("--input-format"),
                "unknown format; use auto, csv, xlsx or json",
            )),
        }
    }
}

/// Which text encoding to read a CSV file in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingOption {
    /// UTF-8 when the whole file is valid UTF-8 (with or without a BOM),
    /// UTF-16 when the file starts with a UTF-16 BOM, Windows-1251 otherwise.
    #[default]
    Auto,
    /// UTF-8; a leading BOM is skipped, an invalid byte is an error.
    Utf8,
    /// Windows-1251 (the Cyrillic code page of Russian Excel and 1C exports).
    Windows1251,
}

impl FromStr for EncodingOption {
    type Err = InputError;

    /// `auto`, `utf-8`/`utf8`, `windows-1251`/`cp1251` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(EncodingOption::Auto),
            "utf-8" | "utf8" => Ok(EncodingOption::Utf8),
            "windows-1251" | "windows1251" | "cp1251" | "cp-1251" => {
                Ok(EncodingOption::Windows1251)
            }
            _ => Err(InputError::new(
                ErrorKind::Encoding,
                Location::file("--encoding"),
                "unknown encoding; use auto, utf-8 or windows-1251",
            )),
        }
    }
}

/// The encoding a CSV file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (a BOM, if any, was skipped).
    Utf8,
    /// Windows-1251.
    Windows1251,
    /// UTF-16, little-endian (Excel's "Unicode text"), found by its BOM.
    Utf16Le,
    /// UTF-16, big-endian, found by its BOM.
    Utf16Be,
}

impl Encoding {
    /// The encoding's usual name, e.g. `"windows-1251"`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1251 => "windows-1251",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }
}

/// Which separator splits the fields of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeparatorOption {
    /// The most frequent of `,` `;` and tab outside quotes in the header line.
    #[default]
    Auto,
    /// This ASCII byte.
    Fixed(u8),
}

impl FromStr for SeparatorOption {
    type Err = InputError;

    /// `auto`, a single ASCII punctuation character such as `;`, or one of
    /// the names `comma`, `semicolon`, `tab` (also `\t`), `pipe`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        let byte = match lower.as_str() {
            "auto" => return Ok(SeparatorOption::Auto),
            "comma" => b',',
            "semicolon" => b';',
            "tab" | "\\t" | "\t" => b'\t',
            "pipe" => b'|',
            one if one.len() == 1 && one.as_bytes()[0].is_ascii_punctuation() => {
                let b = one.as_bytes()[0];
                if b == b'"' {
                    return Err(bad_separator());
                }
                b
            }
            _ => return Err(bad_separator()),
        };
        Ok(SeparatorOption::Fixed(byte))
    }
}

fn bad_separator() -> InputError {
    InputError::new(
        ErrorKind::Separator,
        Location::file("--separator"),
        "unknown separator; use auto, comma, semicolon, tab or one ASCII punctuation character other than '\"'",
    )
}

/// The format a file's name suggests, if its extension is a known one.
pub fn format_from_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "tsv" | "txt" => Some(Format::Csv),
        "xlsx" | "xlsm" => Some(Format::Xlsx),
        "json" => Some(Format::Json),
        _ => None,
    }
}

/// The format a file's first bytes suggest: a ZIP archive is an XLSX
/// workbook, text starting with `[` or `{` is JSON, anything else is CSV.
pub fn format_from_content(head: &[u8]) -> Format {
    if head.starts_with(b"PK\x03\x04") {
        return Format::Xlsx;
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[' | b'{') => Format::Json,
        _ => Format::Csv,
    }
}

/// Is this the signature of a legacy binary Excel file (`.xls`, OLE2)?
pub(crate) fn is_legacy_xls(head: &[u8]) -> bool {
    head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// What a scan of a whole stream for UTF-8 found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Utf8Scan {
    /// Every byte is part of valid UTF-8.
    Valid,
    /// An invalid sequence on `line` (1-based); `multibyte_before` tells
    /// whether valid non-ASCII UTF-8 came before it, which cp1251 text
    /// practically never has.
    Invalid { line: u64, multibyte_before: bool },
}

/// Scans everything `reader` yields for UTF-8 validity, in chunks; stops at
/// the first invalid sequence; a sequence split between chunks is carried
/// over.
pub(crate) fn scan_utf8(mut reader: impl Read) -> io::Result<Utf8Scan> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut carry = 0usize;
    let mut line = 1u64;
    let mut multibyte = false;
    let mut note = |bytes: &[u8]| {
        line += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        // Once seen, never looked for again; `max` vectorises where `any` stops byte by byte.
        multibyte = multibyte || bytes.iter().copied().max().is_some_and(|b| b >= 0xC2);
        (line, multibyte)
    };
    loop {
        let n = match reader.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let filled = carry + n;
        if n == 0 {
            if carry == 0 {
                return Ok(Utf8Scan::Valid);
            }
            // A sequence cut off at the end of the input.
            let (line, multibyte_before) = note(&[]);
            return Ok(Utf8Scan::Invalid {
                line,
                multibyte_before,
            });
        }
        match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => {
                note(&buf[..filled]);
                carry = 0;
            }
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                note(&buf[..valid]);
                buf.copy_within(valid..filled, 0);
                carry = filled - valid;
            }
            Err(e) => {
                let (line, multibyte_before) = note(&buf[..e.valid_up_to()]);
                return Ok(Utf8Scan::Invalid {
                    line,
                    multibyte_before,
                });
            }
        }
    }
}

/// Chooses the separator from a header line: the most frequent of `,` `;`
/// and tab outside double quotes. `Ok(None)` when none occurs (a single
/// column); an error when two of them tie.
pub(crate) fn detect_separator(header_line: &[u8]) -> Result<Option<u8>, (u8, u8, usize)> {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in header_line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (sep, count) in counts.iter_mut() {
                if b == *sep {
                    *count += 1;
                }
            }
        }
    }
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0);
    if max == 0 {
        return Ok(None);
    }
    let mut best = counts.iter().filter(|c| c.1 == max);
    let first = best.next().map_or(b',', |c| c.0);
    match best.next() {
        Some(second) => Err((first, second.0, max)),
        None => Ok(Some(first)),
    }
}

/// How a separator is named in messages.
pub(crate) fn separator_name(sep: u8) -> String {
    match sep {
        b'\t' => "tab".to_owned(),
        b',' => "','".to_owned(),
        b';' => "';'".to_owned(),
        other => format!("'{}'", other as char),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert_eq!(detect_separator(b"a,b,c\n"), Ok(Some(b',')));
        assert_eq!(detect_separator(b"a;b;c\r\n"), Ok(Some(b';')));
        assert_eq!(detect_separator(b"a\tb\tc"), Ok(Some(b'\t')));
        assert_eq!(detect_separator(b"\"a;b;c\",d,e"), Ok(Some(b',')));
        assert_eq!(detect_separator(b"a, b;c;d"), Ok(Some(b';')));
        assert_eq!(detect_separator(b"abc"), Ok(None));
        assert_eq!(detect_separator(b"a,b;c"), Err((b',', b';', 1)));
    }

    #[test]
    fn utf8_validation_across_chunks() {
        let text = "Отметка;\n".repeat(20_000);
        assert_eq!(scan_utf8(text.as_bytes()).unwrap(), Utf8Scan::Valid);
        let mut bytes = text.into_bytes();
        bytes.push(0xD0); // a lead byte cut off at the end
        assert_eq!(
            scan_utf8(&bytes[..]).unwrap(),
            Utf8Scan::Invalid {
                line: 20_001,
                multibyte_before: true
            }
        );
        // "Класс" in cp1251.
        assert_eq!(
            scan_utf8(&b"id;\n\xCA\xEB\xE0\xF1\xF1"[..]).unwrap(),
            Utf8Scan::Invalid {
                line: 2,
                multibyte_before: false
            }
        );
    }

    #[test]
    fn options_parse() {
        assert_eq!(
            "semicolon".parse::<SeparatorOption>().unwrap(),
            SeparatorOption::Fixed(b';')
        );
        assert_eq!(
            "\\t".parse::<SeparatorOption>().unwrap(),
            SeparatorOption::Fixed(b'\t')
        );
        assert_eq!(
            "|".parse::<SeparatorOption>().unwrap(),
            SeparatorOption::Fixed(b'|')
        );
        assert_eq!(
            "ab".parse::<SeparatorOption>().unwrap_err().code(),
            "input.separator"
        );
        assert_eq!(
            "CP1251".parse::<EncodingOption>().unwrap(),
            EncodingOption::Windows1251
        );
        assert_eq!(
            "koi8-r".parse::<EncodingOption>().unwrap_err().code(),
            "input.encoding"
        );
        assert_eq!(
            "XLSX".parse::<FormatOption>().unwrap(),
            FormatOption::Fixed(Format::Xlsx)
        );
    }

    #[test]
    fn content_sniffing() {
        assert_eq!(format_from_content(b"PK\x03\x04rest"), Format::Xlsx);
        assert_eq!(format_from_content(b"\xEF\xBB\xBF [{}]"), Format::Json);
        assert_eq!(format_from_content(b"a;b"), Format::Csv);
    }
}
