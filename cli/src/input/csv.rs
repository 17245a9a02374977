//! Streaming CSV: encoding and separator detection, then one record at a
//! time into a [`Row`] with one text buffer.

use std::io::{self, BufRead, BufReader, Cursor, Read};

use ::csv::{ByteRecord, Reader, ReaderBuilder};

use super::detect::{self, Encoding, EncodingOption, SeparatorOption, Utf8Scan};
use super::error::{ErrorKind, InputError, Location};
use super::{BatchEnd, Row, RowBatch, Source};

/// The longest header line looked at for separator detection.
const HEADER_PEEK_LIMIT: usize = 1 << 20;

/// What was found out about a CSV file before its rows are read.
pub(crate) struct CsvStart {
    pub headers: Vec<String>,
    pub encoding: Encoding,
    pub separator: u8,
    pub rows: CsvRows,
}

/// The rows of a CSV file, read one record at a time.
pub(crate) struct CsvRows {
    reader: Reader<Box<dyn Read + Send>>,
    record: ByteRecord,
    file: String,
    headers: Vec<String>,
    done: bool,
}

/// Opens a CSV source: resolves the encoding and separator, reads the header.
pub(crate) fn open(
    source: &Source,
    file: &str,
    encoding: EncodingOption,
    separator: SeparatorOption,
) -> Result<CsvStart, InputError> {
    let loc = || Location::file(file);
    let io_err = |e| InputError::io(loc(), "cannot read the file", e);
    let mut raw = source.open().map_err(io_err)?;
    let mut prefix = Vec::with_capacity(8);
    (&mut raw)
        .take(8)
        .read_to_end(&mut prefix)
        .map_err(io_err)?;
    if prefix.starts_with(b"PK\x03\x04") || detect::is_legacy_xls(&prefix) {
        return Err(InputError::new(
            ErrorKind::Encoding,
            loc(),
            "this is a spreadsheet workbook, not delimited text; save it as .xlsx or pass --input-format xlsx",
        ));
    }
    let encoding = match encoding {
        EncodingOption::Utf8 => Encoding::Utf8,
        EncodingOption::Windows1251 => Encoding::Windows1251,
        EncodingOption::Auto if prefix.starts_with(b"\xEF\xBB\xBF") => Encoding::Utf8,
        EncodingOption::Auto if prefix.starts_with(b"\xFF\xFE") => Encoding::Utf16Le,
        EncodingOption::Auto if prefix.starts_with(b"\xFE\xFF") => Encoding::Utf16Be,
        EncodingOption::Auto => {
            let whole = source.open().map_err(io_err)?;
            match detect::scan_utf8(whole).map_err(io_err)? {
                Utf8Scan::Valid => Encoding::Utf8,
                Utf8Scan::Invalid {
                    multibyte_before: false,
                    ..
                } => Encoding::Windows1251,
                // Valid Cyrillic UTF-8 first, then a bad byte: a damaged
                // UTF-8 file, not cp1251; decoding it as cp1251 would turn
                // every letter into garbage without a word.
                Utf8Scan::Invalid {
                    line,
                    multibyte_before: true,
                } => {
                    return Err(InputError::new(
                        ErrorKind::Encoding,
                        loc().at_row(line),
                        "the file is UTF-8 but this line has bytes that are not UTF-8; fix the line or pass --encoding",
                    ));
                }
            }
        }
    };
    let rest: Box<dyn Read + Send> = Box::new(Cursor::new(prefix).chain(raw));
    let text: Box<dyn Read + Send> = match encoding {
        Encoding::Utf8 => Box::new(SkipUtf8Bom::new(rest)),
        Encoding::Windows1251 => Box::new(DecodingReader::new(
            rest,
            encoding_rs::WINDOWS_1251.new_decoder_without_bom_handling(),
        )),
        Encoding::Utf16Le => Box::new(DecodingReader::new(
            rest,
            encoding_rs::UTF_16LE.new_decoder_with_bom_removal(),
        )),
        Encoding::Utf16Be => Box::new(DecodingReader::new(
            rest,
            encoding_rs::UTF_16BE.new_decoder_with_bom_removal(),
        )),
    };
    let mut text = BufReader::with_capacity(64 * 1024, NormalizeNewlines::new(text));
    let (consumed, header_start, header_line_no) =
        read_header_line(&mut text).map_err(|e| map_read_error(e, file, None))?;
    let separator = match separator {
        SeparatorOption::Fixed(b) => b,
        SeparatorOption::Auto => match detect::detect_separator(&consumed[header_start..]) {
            Ok(Some(b)) => b,
            Ok(None) => b',',
            Err((a, b, n)) => {
                return Err(InputError::new(
                    ErrorKind::Separator,
                    loc().at_row(header_line_no),
                    format!(
                        "cannot tell the separator: the header line has {n} of {} and {n} of {}; pass --separator",
                        detect::separator_name(a),
                        detect::separator_name(b)
                    ),
                ));
            }
        },
    };
    let chained: Box<dyn Read + Send> = Box::new(Cursor::new(consumed).chain(text));
    let reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(chained);
    let mut rows = CsvRows {
        reader,
        record: ByteRecord::new(),
        file: file.to_owned(),
        headers: Vec::new(),
        done: false,
    };
    let headers = rows.read_header()?;
    rows.headers = headers.clone();
    Ok(CsvStart {
        headers,
        encoding,
        separator,
        rows,
    })
}

/// Reads up to the end of the first non-blank line (a newline inside double
/// quotes does not end it). Returns all bytes consumed, where the header
/// line starts in them, and its 1-based line number.
fn read_header_line(reader: &mut impl BufRead) -> io::Result<(Vec<u8>, usize, u64)> {
    let mut consumed = Vec::new();
    let mut line_start = 0usize;
    let mut line_no = 1u64;
    let mut quoted = false;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((consumed, line_start, line_no));
        }
        let mut used = 0;
        let mut finished = false;
        for &b in buf {
            used += 1;
            consumed.push(b);
            match b {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => {
                    let line = &consumed[line_start..];
                    if line.iter().all(u8::is_ascii_whitespace) {
                        line_start = consumed.len();
                        line_no += 1;
                    } else {
                        finished = true;
                        break;
                    }
                }
                _ => {}
            }
        }
        reader.consume(used);
        if finished || consumed.len() >= HEADER_PEEK_LIMIT {
            return Ok((consumed, line_start, line_no));
        }
    }
}

/// Turns a read error into an input error: a decoding failure is
/// `input.encoding`, anything else `input.io`.
fn map_read_error(e: io::Error, file: &str, after_row: Option<u64>) -> InputError {
    let mut loc = Location::file(file);
    if let Some(row) = after_row {
        loc = loc.at_row(row);
    }
    if e.get_ref()
        .is_some_and(|inner| inner.is::<MalformedInput>())
    {
        let encoding = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<MalformedInput>())
            .map_or("the chosen encoding", |m| m.0);
        let place = if after_row.is_some() {
            " (at or after this row)"
        } else {
            ""
        };
        InputError::new(
            ErrorKind::Encoding,
            loc,
            format!("invalid byte sequence for {encoding}{place}"),
        )
    } else {
        InputError::io(loc, "cannot read the file", e)
    }
}

impl CsvRows {
    /// Reads the header record (skipping records whose fields are all blank).
    fn read_header(&mut self) -> Result<Vec<String>, InputError> {
        loop {
            let more = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| self.map_csv_error(e, None))?;
            if !more {
                return Err(InputError::new(
                    ErrorKind::Empty,
                    Location::file(&self.file),
                    "the file is empty: no header line",
                ));
            }
            let line = self.line();
            let mut headers = Vec::with_capacity(self.record.len());
            for (i, field) in self.record.iter().enumerate() {
                let text = std::str::from_utf8(field).map_err(|_| {
                    InputError::new(
                        ErrorKind::Encoding,
                        Location::file(&self.file).at_row(line),
                        format!(
                            "invalid UTF-8 in header field {} (is the file in windows-1251? pass --encoding windows-1251)",
                            i + 1
                        ),
                    )
                })?;
                if text.contains('\0') {
                    return Err(nul_error(&self.file, line, None));
                }
                headers.push(text.trim().to_owned());
            }
            while headers.last().is_some_and(String::is_empty) {
                headers.pop();
            }
            if !headers.is_empty() {
                return Ok(headers);
            }
        }
    }

    /// The line the current record starts on.
    ///
    /// csv records a record's position before skipping the blank lines in
    /// front of it, so it is computed from the end instead: the input has
    /// only `\n` line ends and ends with one (see [`NormalizeNewlines`]), so
    /// after a record the reader has counted every `\n` up to and including
    /// the record's own; those inside quoted fields are in the record.
    fn line(&self) -> u64 {
        let end = self.reader.position().line();
        let inside = self
            .record
            .as_slice()
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        end.saturating_sub(1 + inside).max(1)
    }

    fn map_csv_error(&self, e: ::csv::Error, after_row: Option<u64>) -> InputError {
        match e.into_kind() {
            ::csv::ErrorKind::Io(io) => map_read_error(io, &self.file, after_row),
            _ => {
                let mut loc = Location::file(&self.file);
                if let Some(row) = after_row {
                    loc = loc.at_row(row);
                }
                InputError::new(ErrorKind::Io, loc, "cannot read a CSV record")
            }
        }
    }

    /// Appends the current record to `batch` as a row; `Ok(false)` for a blank record.
    ///
    /// The record's bytes are checked for UTF-8 and NUL at once; only when that finds
    /// something is each field checked in turn, so that the error names its column.
    fn convert_into(&self, batch: &mut RowBatch) -> Result<bool, InputError> {
        let line = self.line();
        let width = self.headers.len();
        let record = &self.record;
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            return Ok(false);
        }
        let mut count = record.len();
        // Trailing empty fields past the header (e.g. `1;2;3;`) carry nothing.
        while count > width && record[count - 1].trim_ascii().is_empty() {
            count -= 1;
        }
        if count != width {
            return Err(InputError::new(
                ErrorKind::RaggedRow,
                Location::file(&self.file).at_row(line),
                format!("the row has {count} fields, the header has {width}"),
            ));
        }
        let bytes = record.as_slice();
        let whole = if bytes.contains(&0) {
            None
        } else {
            std::str::from_utf8(bytes).ok()
        };
        batch.start_row(line);
        for i in 0..count {
            let fast = whole.and_then(|w| record.range(i).and_then(|r| w.get(r)));
            let text = match fast {
                Some(t) => t,
                None => match self.check_field(line, i) {
                    Ok(t) => t,
                    Err(e) => {
                        batch.abandon_row();
                        return Err(e);
                    }
                },
            };
            batch.push_cell(trim(text));
        }
        Ok(true)
    }

    /// A field of the current record as text, or why it is not.
    fn check_field(&self, line: u64, i: usize) -> Result<&str, InputError> {
        let field = self.record.get(i).unwrap_or_default();
        let text = std::str::from_utf8(field).map_err(|_| {
            InputError::new(
                ErrorKind::Encoding,
                self.cell_location(line, i),
                "invalid UTF-8 (is the file in windows-1251? pass --encoding windows-1251)",
            )
        })?;
        if text.contains('\0') {
            return Err(nul_error(&self.file, line, Some(&self.headers[i])));
        }
        Ok(text)
    }

    /// Appends records to `batch` until it has `target` rows, the input ends or a
    /// record fails (see [`super::TableReader::read_batch`]).
    pub(crate) fn read_batch(&mut self, batch: &mut RowBatch, target: usize) -> BatchEnd {
        while batch.len() < target {
            if self.done {
                return BatchEnd::End;
            }
            if batch.text_full() {
                return BatchEnd::Full;
            }
            let before = self.reader.position().line();
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    if let Err(e) = self.convert_into(batch) {
                        return BatchEnd::Error(e);
                    }
                }
                Err(e) => {
                    // A read error leaves the stream in an unknown state.
                    self.done = true;
                    return BatchEnd::Error(self.map_csv_error(e, Some(before)));
                }
            }
        }
        BatchEnd::Full
    }

    fn cell_location(&self, line: u64, i: usize) -> Location {
        Location::file(&self.file)
            .at_row(line)
            .in_column(self.headers[i].clone())
    }
}

fn nul_error(file: &str, line: u64, column: Option<&str>) -> InputError {
    let mut loc = Location::file(file).at_row(line);
    if let Some(c) = column {
        loc = loc.in_column(c);
    }
    InputError::new(
        ErrorKind::Encoding,
        loc,
        "a NUL byte: this is not a text file in the chosen encoding",
    )
}

impl Iterator for CsvRows {
    type Item = Result<Row, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut batch = RowBatch::new();
        match self.read_batch(&mut batch, 1) {
            BatchEnd::Error(e) => Some(Err(e)),
            BatchEnd::Full | BatchEnd::End => batch.row(0).map(Ok),
        }
    }
}

/// Trims whitespace as `str::trim` does, without looking at a cell that starts and ends
/// with visible ASCII (most cells).
pub(crate) fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [a, .., b] if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        [a] if a.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Turns `\r\n` into `\n` and ends a non-empty stream with `\n`, so that
/// every record, the last one too, ends with exactly one counted `\n`.
struct NormalizeNewlines<R> {
    inner: R,
    input: Box<[u8]>,
    output: Vec<u8>,
    out_pos: usize,
    pending_cr: bool,
    last: Option<u8>,
    done: bool,
}

impl<R: Read> NormalizeNewlines<R> {
    fn new(inner: R) -> Self {
        const SIZE: usize = 32 * 1024;
        NormalizeNewlines {
            inner,
            input: vec![0; SIZE].into_boxed_slice(),
            output: Vec::with_capacity(SIZE + 2),
            out_pos: 0,
            pending_cr: false,
            last: None,
            done: false,
        }
    }

    /// Refills `output`; leaves it empty only at the end.
    fn fill(&mut self) -> io::Result<()> {
        self.output.clear();
        self.out_pos = 0;
        while self.output.is_empty() && !self.done {
            let n = loop {
                match self.inner.read(&mut self.input) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            if n == 0 {
                self.done = true;
                if self.pending_cr {
                    self.output.push(b'\r');
                    self.last = Some(b'\r');
                }
                if self.last.is_some_and(|b| b != b'\n') {
                    self.output.push(b'\n');
                }
                return Ok(());
            }
            // Whole runs without `\r` are copied at once.
            let mut input = &self.input[..n];
            if std::mem::take(&mut self.pending_cr) && input.first() != Some(&b'\n') {
                self.output.push(b'\r');
            }
            while let Some(i) = memchr::memchr(b'\r', input) {
                self.output.extend_from_slice(&input[..i]);
                input = &input[i + 1..];
                match input.first() {
                    // `\r\n`: the `\n` goes out with the next run.
                    Some(b'\n') => {}
                    Some(_) => self.output.push(b'\r'),
                    None => self.pending_cr = true,
                }
            }
            self.output.extend_from_slice(input);
            if let Some(&b) = self.output.last() {
                self.last = Some(b);
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for NormalizeNewlines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos == self.output.len() {
            self.fill()?;
        }
        let n = (self.output.len() - self.out_pos).min(buf.len());
        buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// Skips a UTF-8 byte order mark at the start of a stream.
struct SkipUtf8Bom<R> {
    inner: R,
    checked: bool,
    pending: Vec<u8>,
}

impl<R: Read> SkipUtf8Bom<R> {
    fn new(inner: R) -> Self {
        SkipUtf8Bom {
            inner,
            checked: false,
            pending: Vec::new(),
        }
    }
}

impl<R: Read> Read for SkipUtf8Bom<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.checked {
            self.checked = true;
            let mut head = Vec::with_capacity(3);
            (&mut self.inner).take(3).read_to_end(&mut head)?;
            if head != b"\xEF\xBB\xBF" {
                self.pending = head;
            }
        }
        if !self.pending.is_empty() {
            let n = self.pending.len().min(buf.len());
            buf[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

/// The marker inside an `io::Error` for bytes the decoder rejected.
#[derive(Debug)]
struct MalformedInput(&'static str);

impl std::fmt::Display for MalformedInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid byte sequence for {}", self.0)
    }
}

impl std::error::Error for MalformedInput {}

/// A reader that decodes a legacy encoding into UTF-8 as it goes.
struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Box<[u8]>,
    in_pos: usize,
    in_len: usize,
    eof: bool,
    output: Box<[u8]>,
    out_pos: usize,
    out_len: usize,
    finished: bool,
    error_pending: bool,
}

impl<R: Read> DecodingReader<R> {
    fn new(inner: R, decoder: encoding_rs::Decoder) -> Self {
        const IN: usize = 32 * 1024;
        let out = decoder
            .max_utf8_buffer_length_without_replacement(IN)
            .unwrap_or(4 * IN)
            .max(16);
        DecodingReader {
            inner,
            decoder,
            input: vec![0; IN].into_boxed_slice(),
            in_pos: 0,
            in_len: 0,
            eof: false,
            output: vec![0; out].into_boxed_slice(),
            out_pos: 0,
            out_len: 0,
            finished: false,
            error_pending: false,
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos == self.out_len {
            if self.error_pending {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    MalformedInput(self.decoder.encoding().name()),
                ));
            }
            if self.finished {
                return Ok(0);
            }
            if self.in_pos == self.in_len && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.input) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other?,
                    }
                };
                self.in_pos = 0;
                self.in_len = n;
                self.eof = n == 0;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_pos..self.in_len],
                &mut self.output,
                self.eof,
            );
            self.in_pos += read;
            self.out_pos = 0;
            self.out_len = written;
            match result {
                encoding_rs::DecoderResult::InputEmpty => self.finished = self.eof,
                encoding_rs::DecoderResult::OutputFull => {}
                // Hand out what was decoded before the bad bytes, then fail.
                encoding_rs::DecoderResult::Malformed(_, _) => self.error_pending = true,
            }
        }
        let n = (self.out_len - self.out_pos).min(buf.len());
        buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalize(input: &[u8], chunk: usize) -> Vec<u8> {
        let mut r = NormalizeNewlines::new(input);
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn newlines_normalized_in_any_chunk_size() {
        for chunk in [1, 2, 3, 64] {
            assert_eq!(normalize(b"a\r\nb\r\n", chunk), b"a\nb\n");
            assert_eq!(normalize(b"a\r\nb", chunk), b"a\nb\n");
            assert_eq!(normalize(b"a\rb\r", chunk), b"a\rb\r\n");
            assert_eq!(normalize(b"\"x\r\ny\"\n", chunk), b"\"x\ny\"\n");
            assert_eq!(normalize(b"", chunk), b"");
        }
    }

    #[test]
    fn cp1251_decodes_every_byte() {
        let all: Vec<u8> = (0u8..=255).collect();
        let mut r = DecodingReader::new(
            &all[..],
            encoding_rs::WINDOWS_1251.new_decoder_without_bom_handling(),
        );
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s.chars().count(), 256);
        assert!(s.contains("АБВ") && s.contains("ё№") && s.contains('Ё'));
    }
}
