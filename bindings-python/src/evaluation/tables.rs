//! The report of an evaluation as Arrow tables, one row per item (finding, label,
//! undetermined outcome, rule summary, warning, rejected row).
//!
//! Evidence is a nested ``list<struct>`` column rather than a JSON string: each value keeps
//! its type (an exact decimal128(38, 28), a bool or text, never a float), it needs no
//! parsing, it stays zero-copy, and pandas (lists of dicts), polars (`explode`,
//! `struct.unnest`) and DuckDB (`UNNEST`) all open it.

use super::TableKind;
use crate::dataset::export::scaled;
use crate::errors::Failure;
use crate::indicators::enum_text;
use arrow_array::builder::{
    BooleanBuilder, Decimal128Builder, Int64Builder, ListBuilder, StringBuilder,
};
use arrow_array::{Array, ArrayRef, Int64Array, ListArray, RecordBatch, StructArray};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, Field, Fields, Schema};
use oko::rules::{DiagnosticLevel, EntityRef, Evidence, EvidenceValue, Report};
use std::sync::Arc;

/// Scale of decimal values (rust_decimal keeps at most 28 decimal places).
const SCALE: i8 = 28;

/// Columns of one table, added in order.
#[derive(Default)]
struct Columns {
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
}

impl Columns {
    fn str<'a>(&mut self, name: &str, values: impl Iterator<Item = &'a str>) {
        let mut b = StringBuilder::new();
        values.for_each(|v| b.append_value(v));
        self.push(name, Arc::new(b.finish()), false);
    }

    fn opt_str<'a>(&mut self, name: &str, values: impl Iterator<Item = Option<&'a str>>) {
        let mut b = StringBuilder::new();
        values.for_each(|v| b.append_option(v));
        self.push(name, Arc::new(b.finish()), true);
    }

    fn int(&mut self, name: &str, values: impl Iterator<Item = u64>) {
        let v: Int64Array = values
            .map(|x| i64::try_from(x).unwrap_or(i64::MAX))
            .collect();
        self.push(name, Arc::new(v), false);
    }

    fn opt_int(&mut self, name: &str, values: impl Iterator<Item = Option<usize>>) {
        let v: Int64Array = values
            .map(|x| x.map(|x| i64::try_from(x).unwrap_or(i64::MAX)))
            .collect();
        self.push(name, Arc::new(v), true);
    }

    fn str_list<'a>(&mut self, name: &str, values: impl Iterator<Item = &'a [String]>) {
        let mut b = ListBuilder::new(StringBuilder::new())
            .with_field(Arc::new(Field::new_list_field(DataType::Utf8, false)));
        for list in values {
            for s in list {
                b.values().append_value(s);
            }
            b.append(true);
        }
        let a = b.finish();
        let dt = a.data_type().clone();
        self.fields.push(Field::new(name, dt, false));
        self.arrays.push(Arc::new(a));
    }

    /// The entity's columns: `level`, `entity`, `entity_name`, `school`, `municipality`.
    fn entity<'a>(&mut self, entities: impl Iterator<Item = &'a EntityRef> + Clone) {
        self.str("level", entities.clone().map(|e| e.level.as_str()));
        self.str("entity", entities.clone().map(|e| e.id.as_str()));
        self.str("entity_name", entities.clone().map(|e| e.name.as_str()));
        self.opt_str("school", entities.clone().map(|e| e.school.as_deref()));
        self.opt_str("municipality", entities.map(|e| e.municipality.as_deref()));
    }

    fn evidence<'a>(&mut self, items: impl Iterator<Item = &'a [Evidence]>) -> Result<(), Failure> {
        let (a, field) = evidence_column(items)?;
        self.fields.push(field);
        self.arrays.push(a);
        Ok(())
    }

    fn push(&mut self, name: &str, a: ArrayRef, nullable: bool) {
        self.fields
            .push(Field::new(name, a.data_type().clone(), nullable));
        self.arrays.push(a);
    }

    fn finish(self) -> Result<RecordBatch, Failure> {
        RecordBatch::try_new(Arc::new(Schema::new(self.fields)), self.arrays)
            .map_err(|_| Failure::panic())
    }
}

/// The fields of one evidence item.
pub(crate) fn evidence_fields() -> Fields {
    Fields::from(vec![
        Field::new("name", DataType::Utf8, false),
        Field::new("role", DataType::Utf8, false),
        Field::new("value", DataType::Decimal128(38, SCALE), true),
        Field::new("value_bool", DataType::Boolean, true),
        Field::new("value_text", DataType::Utf8, true),
        Field::new("unit", DataType::Utf8, false),
        Field::new("n", DataType::Int64, true),
        Field::new("limited", DataType::Boolean, false),
        Field::new("unknown_reason", DataType::Utf8, true),
    ])
}

/// `evidence`: list<struct<name, role, value (decimal128(38, 28)), value_bool, value_text,
/// unit, n, limited, unknown_reason>>; exactly one of the value fields is set, none when the
/// value is unknown.
fn evidence_column<'a>(
    items: impl Iterator<Item = &'a [Evidence]>,
) -> Result<(ArrayRef, Field), Failure> {
    let mut offsets = vec![0i32];
    let (mut name, mut role, mut unit, mut reason) = (
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    let mut value = Decimal128Builder::new();
    let mut value_bool = BooleanBuilder::new();
    let mut value_text = StringBuilder::new();
    let mut n = Int64Builder::new();
    let mut limited = BooleanBuilder::new();
    let mut total = 0i32;
    for list in items {
        for e in list {
            name.append_value(&e.name);
            role.append_value(enum_text(&e.role));
            match &e.value {
                EvidenceValue::Decimal(d) => {
                    value.append_value(
                        scaled(*d, SCALE as u32)
                            .ok_or_else(|| Failure::decimal_range("an evidence value"))?,
                    );
                    value_bool.append_null();
                    value_text.append_null();
                }
                EvidenceValue::Bool(b) => {
                    value.append_null();
                    value_bool.append_value(*b);
                    value_text.append_null();
                }
                EvidenceValue::Text(t) => {
                    value.append_null();
                    value_bool.append_null();
                    value_text.append_value(t);
                }
                EvidenceValue::Unknown => {
                    value.append_null();
                    value_bool.append_null();
                    value_text.append_null();
                }
            }
            unit.append_value(e.unit);
            n.append_option(e.n.map(|x| i64::try_from(x).unwrap_or(i64::MAX)));
            limited.append_value(e.limited);
            reason.append_option(e.unknown_reason.as_deref());
            total = total.checked_add(1).ok_or_else(Failure::panic)?;
        }
        offsets.push(total);
    }
    let value = value
        .finish()
        .with_precision_and_scale(38, SCALE)
        .map_err(|_| Failure::panic())?;
    let fields = evidence_fields();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(name.finish()),
        Arc::new(role.finish()),
        Arc::new(value),
        Arc::new(value_bool.finish()),
        Arc::new(value_text.finish()),
        Arc::new(unit.finish()),
        Arc::new(n.finish()),
        Arc::new(limited.finish()),
        Arc::new(reason.finish()),
    ];
    let structs =
        StructArray::try_new(fields.clone(), columns, None).map_err(|_| Failure::panic())?;
    let item = Arc::new(Field::new_list_field(DataType::Struct(fields), false));
    let list = ListArray::try_new(
        Arc::clone(&item),
        OffsetBuffer::new(offsets.into()),
        Arc::new(structs),
        None,
    )
    .map_err(|_| Failure::panic())?;
    Ok((
        Arc::new(list),
        Field::new("evidence", DataType::List(item), false),
    ))
}

/// One table of the report.
pub(crate) fn build(kind: TableKind, r: &Report) -> Result<RecordBatch, Failure> {
    let mut c = Columns::default();
    match kind {
        TableKind::Findings => {
            let f = &r.findings;
            c.str("ruleset", f.iter().map(|x| x.ruleset.as_str()));
            c.str("version", f.iter().map(|x| x.version.as_str()));
            c.str("rule", f.iter().map(|x| x.rule.as_str()));
            c.opt_str(
                "title_ru",
                f.iter().map(|x| x.title.as_ref().map(|t| t.ru.as_str())),
            );
            c.opt_str(
                "title_en",
                f.iter().map(|x| x.title.as_ref().map(|t| t.en.as_str())),
            );
            c.entity(f.iter().map(|x| &x.entity));
            c.opt_str("scope", f.iter().map(|x| x.scope.as_deref()));
            let sev: Vec<String> = f.iter().map(|x| enum_text(&x.severity)).collect();
            c.str("severity", sev.iter().map(String::as_str));
            c.str("category", f.iter().map(|x| x.category.as_str()));
            c.str("condition", f.iter().map(|x| x.condition.as_str()));
            c.str("message_ru", f.iter().map(|x| x.message.ru.as_str()));
            c.str("message_en", f.iter().map(|x| x.message.en.as_str()));
            c.evidence(f.iter().map(|x| x.evidence.as_slice()))?;
        }
        TableKind::Labels => {
            let l = &r.labels;
            c.str("ruleset", l.iter().map(|x| x.ruleset.as_str()));
            c.str(
                "classification",
                l.iter().map(|x| x.classification.as_str()),
            );
            c.entity(l.iter().map(|x| &x.entity));
            c.opt_str("scope", l.iter().map(|x| x.scope.as_deref()));
            c.str("label", l.iter().map(|x| x.label.as_str()));
            c.str("title_ru", l.iter().map(|x| x.title.ru.as_str()));
            c.str("title_en", l.iter().map(|x| x.title.en.as_str()));
            c.opt_str(
                "advice_ru",
                l.iter().map(|x| x.advice.as_ref().map(|t| t.ru.as_str())),
            );
            c.opt_str(
                "advice_en",
                l.iter().map(|x| x.advice.as_ref().map(|t| t.en.as_str())),
            );
            c.str_list("bands", l.iter().map(|x| x.bands.as_slice()));
            c.evidence(l.iter().map(|x| x.evidence.as_slice()))?;
        }
        TableKind::Undetermined => {
            let u = &r.undetermined;
            c.str("ruleset", u.iter().map(|x| x.ruleset.as_str()));
            c.str("rule", u.iter().map(|x| x.rule.as_str()));
            c.entity(u.iter().map(|x| &x.entity));
            c.opt_str("scope", u.iter().map(|x| x.scope.as_deref()));
            c.str("reason_code", u.iter().map(|x| x.reason_code));
            c.str("reason", u.iter().map(|x| x.reason.as_str()));
            c.evidence(u.iter().map(|x| x.evidence.as_slice()))?;
        }
        TableKind::Summary => {
            let s = &r.summary;
            c.str("ruleset", s.iter().map(|x| x.ruleset.as_str()));
            c.str("rule", s.iter().map(|x| x.rule.as_str()));
            c.str("level", s.iter().map(|x| x.level.as_str()));
            c.int("rows", s.iter().map(|x| x.rows));
            c.int("findings", s.iter().map(|x| x.findings));
            c.int("undetermined", s.iter().map(|x| x.undetermined));
        }
        TableKind::Warnings => {
            let w = &r.warnings;
            c.str(
                "level",
                w.iter().map(|x| match x.level {
                    DiagnosticLevel::Error => "error",
                    DiagnosticLevel::Warning => "warning",
                }),
            );
            c.str("code", w.iter().map(|x| x.code));
            c.str("message", w.iter().map(|x| x.message.as_str()));
            c.str("file", w.iter().map(|x| x.file.as_str()));
            c.opt_int("line", w.iter().map(|x| x.line));
            c.opt_int("column", w.iter().map(|x| x.column));
            c.str("path", w.iter().map(|x| x.path.as_str()));
            c.opt_str("snippet", w.iter().map(|x| x.snippet.as_deref()));
        }
        TableKind::RejectedRows => {
            let x = &r.rejected_rows;
            c.str("code", x.iter().map(|x| x.code));
            c.str("table", x.iter().map(|x| x.table));
            c.int("row", x.iter().map(|x| x.row));
            c.str("column", x.iter().map(|x| x.column));
        }
    }
    c.finish()
}
