//! `oko::TableSource` directly over Arrow arrays: a cell is read from the array that Python
//! handed over through the Arrow C interfaces, without copying the column. Each batch's
//! columns are downcast once; `cell` is then an index into a typed array.
//!
//! Types: strings (Utf8, LargeUtf8, Utf8View, dictionary-encoded with any integer key),
//! integers of every width, Float32/Float64 (NaN is null; a Float32 is read as its shortest
//! decimal form, so 0.1f32 is 0.1), Decimal128, booleans, Date32, Date64 and timestamps
//! (as ISO dates, in the column's time zone when it has one), and Null. The one copy made is
//! of dates: each distinct day is turned into its ISO text once, and Date64/timestamp
//! columns keep a 4-byte day index per row. Any other type is [`Column::Unsupported`]: read
//! as null, and reported by the caller when oko reads the column.

use arrow_array::cast::AsArray;
use arrow_array::temporal_conversions::{
    as_datetime, as_datetime_with_timezone, date32_to_datetime,
};
use arrow_array::timezone::Tz;
use arrow_array::types::*;
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, BooleanArray, Decimal128Array, Float32Array, Float64Array,
    LargeStringArray, PrimitiveArray, RecordBatch, StringArray, StringViewArray,
};
use arrow_schema::{DataType, SchemaRef, TimeUnit};
use oko::{CellValue, TableSource};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One column of one batch, downcast.
enum Column {
    Null,
    Utf8(StringArray),
    LargeUtf8(LargeStringArray),
    View(StringViewArray),
    /// Keys (an integer column) into values.
    Dict(Box<Column>, Box<Column>),
    I8(PrimitiveArray<Int8Type>),
    I16(PrimitiveArray<Int16Type>),
    I32(PrimitiveArray<Int32Type>),
    I64(PrimitiveArray<Int64Type>),
    U8(PrimitiveArray<UInt8Type>),
    U16(PrimitiveArray<UInt16Type>),
    U32(PrimitiveArray<UInt32Type>),
    U64(PrimitiveArray<UInt64Type>),
    F32(Float32Array),
    F64(Float64Array),
    Bool(BooleanArray),
    /// Values that do not fit `rust_decimal` (scale above 28, negative scale, more than 96
    /// bits) are kept as exact text, so that oko rejects them where a number is needed.
    Dec {
        array: Decimal128Array,
        scale: u32,
        text: HashMap<usize, Box<str>>,
    },
    /// Date32: ISO text of each distinct day.
    Date32 {
        array: PrimitiveArray<Date32Type>,
        text: HashMap<i32, Box<str>>,
    },
    /// Date64 and timestamps: per row, the index of its day's ISO text.
    Days {
        day: Vec<Option<u32>>,
        text: Vec<Box<str>>,
    },
    Unsupported,
}

fn prim<T: ArrowPrimitiveType>(a: &ArrayRef) -> PrimitiveArray<T> {
    a.as_primitive::<T>().clone()
}

impl Column {
    fn new(a: &ArrayRef) -> Column {
        match a.data_type() {
            DataType::Null => Column::Null,
            DataType::Utf8 => Column::Utf8(a.as_string::<i32>().clone()),
            DataType::LargeUtf8 => Column::LargeUtf8(a.as_string::<i64>().clone()),
            DataType::Utf8View => Column::View(a.as_string_view().clone()),
            DataType::Int8 => Column::I8(prim(a)),
            DataType::Int16 => Column::I16(prim(a)),
            DataType::Int32 => Column::I32(prim(a)),
            DataType::Int64 => Column::I64(prim(a)),
            DataType::UInt8 => Column::U8(prim(a)),
            DataType::UInt16 => Column::U16(prim(a)),
            DataType::UInt32 => Column::U32(prim(a)),
            DataType::UInt64 => Column::U64(prim(a)),
            DataType::Float32 => Column::F32(prim(a)),
            DataType::Float64 => Column::F64(prim(a)),
            DataType::Boolean => Column::Bool(a.as_boolean().clone()),
            DataType::Decimal128(_, scale) => {
                let array: Decimal128Array = prim(a);
                let fits = |v: i128| {
                    (0..=28).contains(scale)
                        && Decimal::try_from_i128_with_scale(v, *scale as u32).is_ok()
                };
                let text = (0..array.len())
                    .filter(|&i| array.is_valid(i) && !fits(array.value(i)))
                    .map(|i| (i, array.value_as_string(i).into_boxed_str()))
                    .collect();
                Column::Dec {
                    array,
                    scale: (*scale).max(0) as u32,
                    text,
                }
            }
            DataType::Date32 => {
                let array: PrimitiveArray<Date32Type> = prim(a);
                let mut text = HashMap::new();
                for v in array.iter().flatten() {
                    text.entry(v).or_insert_with(|| {
                        date32_to_datetime(v)
                            .map(|d| d.date().to_string())
                            .unwrap_or_default()
                            .into_boxed_str()
                    });
                }
                Column::Date32 { array, text }
            }
            DataType::Date64 => days::<Date64Type>(a, None),
            DataType::Timestamp(unit, tz) => {
                let tz = match tz.as_deref().map(str::parse::<Tz>) {
                    None => None,
                    Some(Ok(tz)) => Some(tz),
                    Some(Err(_)) => return Column::Unsupported,
                };
                match unit {
                    TimeUnit::Second => days::<TimestampSecondType>(a, tz),
                    TimeUnit::Millisecond => days::<TimestampMillisecondType>(a, tz),
                    TimeUnit::Microsecond => days::<TimestampMicrosecondType>(a, tz),
                    TimeUnit::Nanosecond => days::<TimestampNanosecondType>(a, tz),
                }
            }
            DataType::Dictionary(key, _) if key.is_integer() => {
                let d = a.as_any_dictionary();
                let keys = Column::new(&arrow_array::make_array(d.keys().to_data()));
                let values = Column::new(d.values());
                if matches!(values, Column::Unsupported) {
                    Column::Unsupported
                } else {
                    Column::Dict(Box::new(keys), Box::new(values))
                }
            }
            _ => Column::Unsupported,
        }
    }

    fn cell(&self, i: usize) -> CellValue<'_> {
        macro_rules! int {
            ($a:expr) => {
                if $a.is_null(i) {
                    CellValue::Null
                } else {
                    CellValue::Int(i64::from($a.value(i)))
                }
            };
        }
        match self {
            Column::Null | Column::Unsupported => CellValue::Null,
            Column::Utf8(a) => str_cell(a.is_null(i), || a.value(i)),
            Column::LargeUtf8(a) => str_cell(a.is_null(i), || a.value(i)),
            Column::View(a) => str_cell(a.is_null(i), || a.value(i)),
            Column::Dict(keys, values) => match keys.cell(i) {
                CellValue::Int(k) => match usize::try_from(k) {
                    Ok(k) => values.cell(k),
                    Err(_) => CellValue::Null,
                },
                _ => CellValue::Null,
            },
            Column::I8(a) => int!(a),
            Column::I16(a) => int!(a),
            Column::I32(a) => int!(a),
            Column::I64(a) => int!(a),
            Column::U8(a) => int!(a),
            Column::U16(a) => int!(a),
            Column::U32(a) => int!(a),
            Column::U64(a) => {
                if a.is_null(i) {
                    CellValue::Null
                } else {
                    let v = a.value(i);
                    i64::try_from(v)
                        .map(CellValue::Int)
                        .unwrap_or_else(|_| CellValue::Decimal(Decimal::from(v)))
                }
            }
            Column::F32(a) => {
                if a.is_null(i) || a.value(i).is_nan() {
                    CellValue::Null
                } else {
                    // The f64 whose shortest form is the f32's shortest form: 0.1f32 → 0.1.
                    let v = a.value(i);
                    CellValue::Float(v.to_string().parse().unwrap_or(f64::from(v)))
                }
            }
            Column::F64(a) => {
                if a.is_null(i) || a.value(i).is_nan() {
                    CellValue::Null
                } else {
                    CellValue::Float(a.value(i))
                }
            }
            Column::Bool(a) => {
                if a.is_null(i) {
                    CellValue::Null
                } else {
                    CellValue::Bool(a.value(i))
                }
            }
            Column::Dec { array, scale, text } => {
                if array.is_null(i) {
                    CellValue::Null
                } else if let Some(t) = text.get(&i) {
                    CellValue::Str(t)
                } else {
                    Decimal::try_from_i128_with_scale(array.value(i), *scale)
                        .map(CellValue::Decimal)
                        .unwrap_or(CellValue::Null)
                }
            }
            Column::Date32 { array, text } => {
                if array.is_null(i) {
                    CellValue::Null
                } else {
                    text.get(&array.value(i))
                        .map_or(CellValue::Null, |t| CellValue::Str(t))
                }
            }
            Column::Days { day, text } => match day[i] {
                Some(d) => CellValue::Str(&text[d as usize]),
                None => CellValue::Null,
            },
        }
    }
}

fn str_cell<'a>(null: bool, v: impl FnOnce() -> &'a str) -> CellValue<'a> {
    if null {
        CellValue::Null
    } else {
        CellValue::Str(v())
    }
}

/// Date64 or a timestamp column: the ISO date of each value (local to `tz` when given).
fn days<T: ArrowPrimitiveType>(a: &ArrayRef, tz: Option<Tz>) -> Column
where
    T::Native: Into<i64>,
{
    let array = a.as_primitive::<T>();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut text: Vec<Box<str>> = Vec::new();
    let day = array
        .iter()
        .map(|v| {
            let v: i64 = v?.into();
            let date = match tz {
                Some(tz) => as_datetime_with_timezone::<T>(v, tz)?.date_naive(),
                None => as_datetime::<T>(v)?.date(),
            };
            let s = date.to_string();
            let next = text.len() as u32;
            Some(*index.entry(s).or_insert_with_key(|s| {
                text.push(s.clone().into_boxed_str());
                next
            }))
        })
        .collect();
    Column::Days { day, text }
}

/// A table handed over as Arrow record batches (a pyarrow Table or RecordBatch, a polars
/// DataFrame, anything with `__arrow_c_stream__` or `__arrow_c_array__`).
pub(crate) struct ArrowTable {
    names: Vec<String>,
    types: Vec<DataType>,
    /// Non-empty batches, each column downcast.
    batches: Vec<Vec<Column>>,
    /// First row of each batch.
    starts: Vec<usize>,
    rows: usize,
    /// The batch of the last cell read: the builder reads row after row, so the next cell is
    /// almost always in it (a table read by pyarrow's CSV reader has hundreds of batches).
    last: AtomicUsize,
}

impl ArrowTable {
    /// Wraps imported batches; no data is copied (see the module doc for dates).
    pub(crate) fn new(schema: &SchemaRef, batches: &[RecordBatch]) -> ArrowTable {
        let mut starts = Vec::new();
        let mut cols = Vec::new();
        let mut rows = 0;
        for b in batches.iter().filter(|b| b.num_rows() > 0) {
            starts.push(rows);
            rows += b.num_rows();
            cols.push(b.columns().iter().map(Column::new).collect());
        }
        ArrowTable {
            names: schema.fields().iter().map(|f| f.name().clone()).collect(),
            types: schema
                .fields()
                .iter()
                .map(|f| f.data_type().clone())
                .collect(),
            batches: cols,
            starts,
            rows,
            last: AtomicUsize::new(0),
        }
    }

    /// Columns whose type oko cannot read: (name, Arrow type).
    pub(crate) fn unsupported(&self) -> Vec<(String, String)> {
        let probe: Vec<bool> = match self.batches.first() {
            Some(cols) => cols
                .iter()
                .map(|c| matches!(c, Column::Unsupported))
                .collect(),
            // No rows: judge by type alone.
            None => self
                .types
                .iter()
                .map(|t| {
                    let empty = arrow_array::new_empty_array(t);
                    matches!(Column::new(&empty), Column::Unsupported)
                })
                .collect(),
        };
        probe
            .iter()
            .zip(self.names.iter().zip(&self.types))
            .filter(|(u, _)| **u)
            .map(|(_, (n, t))| (n.clone(), t.to_string()))
            .collect()
    }

    /// Address of the first value buffer of column `c` in the first batch (test hook: equal
    /// to the address pyarrow reports when nothing was copied).
    #[cfg(feature = "debug-hooks")]
    pub(crate) fn buffer_address(&self, c: usize) -> Option<usize> {
        let col = self.batches.first()?.get(c)?;
        Some(match col {
            Column::I64(a) => a.values().inner().as_ptr() as usize,
            Column::I32(a) => a.values().inner().as_ptr() as usize,
            Column::F64(a) => a.values().inner().as_ptr() as usize,
            Column::Utf8(a) => a.values().as_ptr() as usize,
            Column::LargeUtf8(a) => a.values().as_ptr() as usize,
            _ => return None,
        })
    }
}

impl TableSource for ArrowTable {
    fn column_names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn row_count(&self) -> usize {
        self.rows
    }

    fn cell(&self, row: usize, column: usize) -> CellValue<'_> {
        let last = self.last.load(Ordering::Relaxed);
        let in_last = self.starts.get(last).is_some_and(|&s| row >= s)
            && self.starts.get(last + 1).is_none_or(|&next| row < next);
        let b = if in_last {
            last
        } else {
            let b = match self.starts.binary_search(&row) {
                Ok(b) => b,
                Err(b) => b - 1,
            };
            self.last.store(b, Ordering::Relaxed);
            b
        };
        self.batches[b][column].cell(row - self.starts[b])
    }
}
