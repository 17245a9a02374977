//! Tables given as Arrow IPC bytes (stream or file format), read in place: the core reads
//! cells straight from the Arrow arrays through [`TableSource`].
//!
//! Supported column types: utf8 (plain, large, view, and dictionary-encoded), integers,
//! floats, booleans, decimal128 (scale 0..=28), date32/date64 (as `YYYY-MM-DD`) and null.
//! Anything else is an `input.arrow` error naming the column.

use crate::errors::{Failure, Fallible, Loc};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float16Type, Float32Type, Float64Type, Int8Type,
    Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_buffer::Buffer;
use arrow_ipc::convert::fb_to_schema;
use arrow_ipc::reader::{FileDecoder, StreamDecoder};
use arrow_ipc::{Block, root_as_footer};
use arrow_schema::{DataType, SchemaRef};
use oko::{CellValue, TableSource};
use rust_decimal::Decimal;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// How a column's cells are read.
#[derive(Debug)]
enum Kind {
    Null,
    Utf8,
    LargeUtf8,
    Utf8View,
    Bool,
    Int,
    UInt64,
    Float,
    Decimal(u32),
    /// Dictionary-encoded strings: normalized keys into a string column.
    Dict(Vec<usize>, Box<Column>),
    /// Dates, formatted once.
    Text(Vec<String>),
}

#[derive(Debug)]
struct Column {
    array: ArrayRef,
    kind: Kind,
}

impl Column {
    fn new(table: &'static str, name: &str, array: ArrayRef) -> Fallible<Column> {
        let bad = |what: String| {
            Failure::new(
                "input.arrow",
                what,
                Some(Loc::table(table).column(name.to_owned())),
            )
        };
        let kind = match array.data_type() {
            DataType::Null => Kind::Null,
            DataType::Utf8 => Kind::Utf8,
            DataType::LargeUtf8 => Kind::LargeUtf8,
            DataType::Utf8View => Kind::Utf8View,
            DataType::Boolean => Kind::Bool,
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32 => Kind::Int,
            DataType::UInt64 => Kind::UInt64,
            DataType::Float16 | DataType::Float32 | DataType::Float64 => Kind::Float,
            DataType::Decimal128(_, scale) => {
                let scale = u32::try_from(*scale)
                    .ok()
                    .filter(|s| *s <= 28)
                    .ok_or_else(|| bad("a decimal128 column must have a scale of 0..=28".into()))?;
                let arr = array.as_primitive::<Decimal128Type>();
                for i in 0..arr.len() {
                    if arr.is_valid(i)
                        && Decimal::try_from_i128_with_scale(arr.value(i), scale).is_err()
                    {
                        return Err(Failure::new(
                            "input.arrow",
                            "a decimal does not fit 96 bits (28 digits)",
                            Some(Loc::table(table).row(i as u64 + 1).column(name.to_owned())),
                        ));
                    }
                }
                Kind::Decimal(scale)
            }
            DataType::Date32 => {
                let arr = array.as_primitive::<Date32Type>();
                Kind::Text(
                    (0..arr.len())
                        .map(|i| civil(i64::from(arr.value(i))))
                        .collect(),
                )
            }
            DataType::Date64 => {
                let arr = array.as_primitive::<Date64Type>();
                Kind::Text(
                    (0..arr.len())
                        .map(|i| civil(arr.value(i).div_euclid(86_400_000)))
                        .collect(),
                )
            }
            DataType::Dictionary(_, value) => {
                if !matches!(
                    **value,
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                ) {
                    return Err(bad(format!(
                        "a dictionary column must hold strings, not {value}"
                    )));
                }
                let dict = array.as_any_dictionary();
                if dict.values().is_empty() {
                    // No values: every key is null (or invalid, which arrow rejects).
                    Kind::Null
                } else {
                    let values = Column::new(table, name, dict.values().clone())?;
                    Kind::Dict(dict.normalized_keys(), Box::new(values))
                }
            }
            other => {
                return Err(bad(format!(
                    "columns of Arrow type {other} are not supported; use strings, numbers, booleans, decimals or dates"
                )));
            }
        };
        Ok(Column { array, kind })
    }

    fn cell(&self, i: usize) -> CellValue<'_> {
        if self.array.is_null(i) {
            return CellValue::Null;
        }
        let a = &self.array;
        match &self.kind {
            Kind::Null => CellValue::Null,
            Kind::Utf8 => CellValue::Str(a.as_string::<i32>().value(i)),
            Kind::LargeUtf8 => CellValue::Str(a.as_string::<i64>().value(i)),
            Kind::Utf8View => CellValue::Str(a.as_string_view().value(i)),
            Kind::Bool => CellValue::Bool(a.as_boolean().value(i)),
            Kind::Int => CellValue::Int(match a.data_type() {
                DataType::Int8 => i64::from(a.as_primitive::<Int8Type>().value(i)),
                DataType::Int16 => i64::from(a.as_primitive::<Int16Type>().value(i)),
                DataType::Int32 => i64::from(a.as_primitive::<Int32Type>().value(i)),
                DataType::UInt8 => i64::from(a.as_primitive::<UInt8Type>().value(i)),
                DataType::UInt16 => i64::from(a.as_primitive::<UInt16Type>().value(i)),
                DataType::UInt32 => i64::from(a.as_primitive::<UInt32Type>().value(i)),
                _ => a.as_primitive::<Int64Type>().value(i),
            }),
            Kind::UInt64 => {
                let v = a.as_primitive::<UInt64Type>().value(i);
                i64::try_from(v).map_or(CellValue::Decimal(Decimal::from(v)), CellValue::Int)
            }
            Kind::Float => CellValue::Float(match a.data_type() {
                DataType::Float16 => f64::from(a.as_primitive::<Float16Type>().value(i)),
                DataType::Float32 => f64::from(a.as_primitive::<Float32Type>().value(i)),
                _ => a.as_primitive::<Float64Type>().value(i),
            }),
            Kind::Decimal(scale) => {
                let v = a.as_primitive::<Decimal128Type>().value(i);
                // Checked when the column was opened.
                Decimal::try_from_i128_with_scale(v, *scale)
                    .map_or(CellValue::Null, CellValue::Decimal)
            }
            Kind::Dict(keys, values) => values.cell(keys[i]),
            Kind::Text(s) => CellValue::Str(&s[i]),
        }
    }
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (H. Hinnant's civil-from-days).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// One table read from Arrow IPC: its batches, column by column.
#[derive(Debug)]
pub(crate) struct ArrowTable {
    names: Vec<String>,
    /// Per batch, its columns.
    batches: Vec<Vec<Column>>,
    /// Row offset of each batch, plus the total at the end.
    starts: Vec<usize>,
}

impl ArrowTable {
    /// Reads IPC stream or file bytes (the file format starts with `ARROW1`).
    ///
    /// Both are decoded from memory (arrow's `StreamDecoder` and `FileDecoder`), which
    /// slice the input rather than allocate by lengths written in it, so garbage bytes cannot
    /// make oko allocate more than their own size. Corrupt data that makes arrow panic is
    /// reported as `input.arrow` too.
    pub(crate) fn read(table: &'static str, bytes: &[u8]) -> Fallible<ArrowTable> {
        let bad = || {
            Failure::new(
                "input.arrow",
                "the bytes are not readable Arrow IPC (stream or file format, uncompressed)",
                Some(Loc::table(table)),
            )
        };
        let buffer = Buffer::from(bytes.to_vec());
        let decoded = catch_unwind(AssertUnwindSafe(|| {
            if bytes.starts_with(b"ARROW1") {
                decode_file(&buffer)
            } else {
                decode_stream(buffer.clone())
            }
        }));
        let (schema, batches) = decoded.ok().flatten().ok_or_else(bad)?;
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let mut starts = vec![0];
        let mut cols = Vec::with_capacity(batches.len());
        for b in batches {
            if b.num_rows() == 0 {
                continue;
            }
            starts.push(starts.last().copied().unwrap_or(0) + b.num_rows());
            let mut columns = Vec::with_capacity(names.len());
            for (name, array) in names.iter().zip(b.columns()) {
                columns.push(Column::new(table, name, array.clone())?);
            }
            cols.push(columns);
        }
        Ok(ArrowTable {
            names,
            batches: cols,
            starts,
        })
    }
}

/// Decodes the stream format: messages, each with its length, until the end.
fn decode_stream(mut buffer: Buffer) -> Option<(SchemaRef, Vec<RecordBatch>)> {
    let mut decoder = StreamDecoder::new();
    let mut batches = Vec::new();
    while let Some(batch) = decoder.decode(&mut buffer).ok()? {
        batches.push(batch);
    }
    decoder.finish().ok()?;
    Some((decoder.schema()?, batches))
}

/// Decodes the file format: `ARROW1`, padding, blocks, a footer with the schema and the
/// blocks' places, the footer's length, `ARROW1`. (Writers need not repeat the schema as a
/// stream message before the blocks; arrow JS does not.)
fn decode_file(buffer: &Buffer) -> Option<(SchemaRef, Vec<RecordBatch>)> {
    let n = buffer.len();
    if n < 8 + 10 || !buffer.ends_with(b"ARROW1") {
        return None;
    }
    let len = i32::from_le_bytes(buffer[n - 10..n - 6].try_into().ok()?);
    let footer_start = (n - 10).checked_sub(usize::try_from(len).ok()?)?;
    let footer = root_as_footer(&buffer[footer_start..n - 10]).ok()?;
    let schema = Arc::new(fb_to_schema(footer.schema()?));
    let mut decoder = FileDecoder::new(Arc::clone(&schema), footer.version());
    let block = |b: &Block| -> Option<Buffer> {
        let offset = usize::try_from(b.offset()).ok()?;
        let len = usize::try_from(b.metaDataLength())
            .ok()?
            .checked_add(usize::try_from(b.bodyLength()).ok()?)?;
        (offset.checked_add(len)? <= footer_start).then(|| buffer.slice_with_length(offset, len))
    };
    for b in footer.dictionaries().iter().flatten() {
        decoder.read_dictionary(b, &block(b)?).ok()?;
    }
    let mut batches = Vec::new();
    for b in footer.recordBatches().iter().flatten() {
        if let Some(batch) = decoder.read_record_batch(b, &block(b)?).ok()? {
            batches.push(batch);
        }
    }
    Some((schema, batches))
}

impl TableSource for ArrowTable {
    fn column_names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn row_count(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    fn cell(&self, row: usize, column: usize) -> CellValue<'_> {
        // The batch whose range holds `row`: the last start at or before it.
        let b = self.starts.partition_point(|&s| s <= row) - 1;
        self.batches[b][column].cell(row - self.starts[b])
    }
}

#[cfg(test)]
mod tests {
    use super::civil;

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil(0), "1970-01-01");
        assert_eq!(civil(20_332), "2025-09-01");
        assert_eq!(civil(-1), "1969-12-31");
        assert_eq!(civil(11_016), "2000-02-29");
    }
}
