//! `Dataset`: the validated data, built from JS rows, JS columns or Arrow IPC bytes. The core
//! validates every cell (through `oko::TableSource`); this file only walks the JS input.

mod arrow;
mod js_tables;

use crate::errors::{ErrorInfo, Failure, Fallible, Loc, guard};
use crate::js::{self, type_name};
use napi::bindgen_prelude::{
    ClassInstance, FromNapiValue, JsValue, Object, Uint8ArraySlice, Unknown,
};
use napi::{Env, ValueType};
use napi_derive::napi;
use oko::{Dataset as CoreDataset, DatasetBuilder, Policy, ScaleSet, TableName, TableSource};
use std::sync::Arc;

/// The input tables in dependency order (the order the builder needs), with their JS names
/// and the names of their row types in `index.d.ts`.
const TABLES: [(&str, TableName, &str); 12] = [
    (
        "municipalities",
        TableName::Municipalities,
        "MunicipalityRow",
    ),
    ("schools", TableName::Schools, "SchoolRow"),
    ("classes", TableName::Classes, "ClassRow"),
    ("teachers", TableName::Teachers, "TeacherRow"),
    ("assignments", TableName::Assignments, "AssignmentRow"),
    ("students", TableName::Students, "StudentRow"),
    ("procedures", TableName::Procedures, "ProcedureRow"),
    ("results", TableName::Results, "ResultRow"),
    ("marks", TableName::Marks, "MarkRow"),
    ("trainings", TableName::Trainings, "TrainingRow"),
    (
        "competencyTests",
        TableName::CompetencyTests,
        "CompetencyTestRow",
    ),
    ("mukoEvidence", TableName::MukoEvidence, "MukoEvidenceRow"),
];

/// The JS name of a table (`competencyTests` for the core's `competency_tests`).
pub(crate) fn js_table_name(t: TableName) -> &'static str {
    TABLES
        .iter()
        .find(|(_, n, _)| *n == t)
        .map_or("unknown", |(js, _, _)| js)
}

/// A validated dataset: entities, procedures, results, marks, teacher records and МУКО
/// evidence, stored in columns inside oko. Build one with `Dataset.fromRows`,
/// `Dataset.fromColumns`, `Dataset.fromArrowIpc` or `generate`.
///
/// Under the `strict` policy (the default) any bad row fails the build with an error whose
/// `errors` lists every bad row; under `lenient` bad rows are skipped and listed in
/// `rejected`.
#[napi]
pub struct Dataset {
    pub(crate) inner: Arc<CoreDataset>,
    /// Scales to derive marks from scores: the generator's for generated data, none yet
    /// for user data (rule files will bring them).
    pub(crate) scales: Arc<ScaleSet>,
    ignored: Vec<(TableName, String)>,
}

impl Dataset {
    /// Wraps a built dataset.
    pub(crate) fn new(inner: CoreDataset, scales: ScaleSet) -> Self {
        Dataset {
            inner: Arc::new(inner),
            scales: Arc::new(scales),
            ignored: Vec::new(),
        }
    }
}

/// Which input form a factory reads.
#[derive(Clone, Copy)]
enum Form {
    Rows,
    Columns,
    Arrow,
}

/// Reads the options object of a factory.
fn policy(options: Option<Unknown<'_>>) -> Fallible<Policy> {
    let Some(o) = js::options(options, "options", &["policy"])? else {
        return Ok(Policy::Strict);
    };
    match js::opt_string(&o, "policy", "options")?.as_deref() {
        None | Some("strict") => Ok(Policy::Strict),
        Some("lenient") => Ok(Policy::Lenient),
        Some(_) => Err(Failure::option(
            "options.policy must be 'strict' or 'lenient'",
        )),
    }
}

/// Reads one table in `form`.
fn read_table(form: Form, table: &'static str, u: Unknown<'_>) -> Fallible<Box<dyn TableSource>> {
    Ok(match form {
        Form::Rows => Box::new(js_tables::from_rows(table, u)?),
        Form::Columns => Box::new(js_tables::from_columns(table, u)?),
        Form::Arrow => {
            if !u.is_typedarray()? {
                return Err(Failure::argument(
                    format!(
                        "table `{table}` must be a Buffer or Uint8Array of Arrow IPC bytes, got {}",
                        type_name(u.get_type()?)
                    ),
                    Some(Loc::table(table)),
                ));
            }
            let bytes = Uint8ArraySlice::from_unknown(u).map_err(|_| {
                Failure::argument(
                    format!(
                        "table `{table}` must be a Buffer or Uint8Array, not another typed array"
                    ),
                    Some(Loc::table(table)),
                )
            })?;
            Box::new(arrow::ArrowTable::read(table, &bytes)?)
        }
    })
}

/// Reads every table of `tables` in dependency order and builds the dataset. Each table is
/// read, validated into the builder and dropped before the next one is read.
fn build(form: Form, tables: Unknown<'_>, options: Option<Unknown<'_>>) -> Fallible<Dataset> {
    let policy = policy(options)?;
    let obj = js::object(tables, "tables")?;
    for key in Object::keys(&obj)? {
        if !TABLES.iter().any(|(name, _, _)| *name == key) {
            let known: Vec<&str> = TABLES.iter().map(|(n, _, _)| *n).collect();
            return Err(Failure::argument(
                format!("unknown table `{key}`; known: {}", known.join(", ")),
                None,
            ));
        }
    }
    let mut b = DatasetBuilder::new(policy);
    let mut ignored = Vec::new();
    for (name, table, _) in TABLES {
        let Some(u) = js::prop(&obj, name)? else {
            continue;
        };
        let src = read_table(form, name, u)?;
        let report = b
            .add_table(table, src.as_ref())
            .map_err(|e| Failure::from(&e))?;
        ignored.extend(report.ignored_columns.into_iter().map(|c| (table, c)));
    }
    let ds = b.build().map_err(Failure::from)?;
    Ok(Dataset {
        inner: Arc::new(ds),
        scales: Arc::new(ScaleSet::default()),
        ignored,
    })
}

/// Counts of what a dataset holds.
#[napi(object, object_from_js = false)]
pub struct DatasetCounts {
    /// Municipalities.
    pub municipalities: u32,
    /// Schools.
    pub schools: u32,
    /// Classes.
    pub classes: u32,
    /// Teachers.
    pub teachers: u32,
    /// Teaching assignments.
    pub assignments: u32,
    /// Students.
    pub students: u32,
    /// Procedures.
    pub procedures: u32,
    /// External results.
    pub results: u32,
    /// Internal marks.
    pub marks: u32,
    /// Training records.
    pub trainings: u32,
    /// Competency-test results.
    pub competency_tests: u32,
    /// МУКО self-evaluation evidence items.
    pub muko_evidence: u32,
}

/// A column of an input table that oko does not read (reported, never dropped silently).
#[napi(object, object_from_js = false)]
pub struct IgnoredColumn {
    /// Table.
    pub table: String,
    /// Column name as given.
    pub column: String,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[napi]
impl Dataset {
    /// Builds a dataset from tables of row objects, e.g.
    /// `{ results: [{ student: 's1', procedure: 'vpr-4-ru', primary_score: 17, mark: 4 }] }`.
    /// Columns are oko's canonical names (see `ResultRow` and the other row types); a cell
    /// may be a string, a number, a boolean, `null` or `undefined`; decimals may be strings
    /// with a point or a comma (`"12,5"`).
    ///
    /// Throws an `Error` with `code` and `location`: `input.argument` for a wrong type,
    /// `data.missing_column` for a missing required column, and under the strict policy the
    /// first bad row's code (`data.mark_out_of_range`, ...) with every bad row in `errors`.
    #[napi(factory, ts_args_type = "tables: RowTables, options?: DatasetOptions")]
    pub fn from_rows(
        env: Env,
        tables: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Dataset> {
        guard(&env, || build(Form::Rows, tables, options))
    }

    /// Builds a dataset from tables of columns, e.g.
    /// `{ results: { student: ['s1', 's2'], procedure: ['p', 'p'], mark: [4, 5] } }`.
    /// Every column of a table must have the same length; columns may be arrays or typed
    /// arrays. Cells and errors as in `fromRows`.
    #[napi(
        factory,
        ts_args_type = "tables: ColumnTables, options?: DatasetOptions"
    )]
    pub fn from_columns(
        env: Env,
        tables: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Dataset> {
        guard(&env, || build(Form::Columns, tables, options))
    }

    /// Builds a dataset from Arrow IPC bytes, one buffer per table (stream or file format,
    /// uncompressed), e.g. `{ results: fs.readFileSync('results.arrows') }`. Column types:
    /// strings (also dictionary-encoded), integers, floats, booleans, decimal128, dates.
    /// Unreadable bytes or an unsupported column type throw `input.arrow`.
    #[napi(
        factory,
        ts_args_type = "tables: ArrowTables, options?: DatasetOptions"
    )]
    pub fn from_arrow_ipc(
        env: Env,
        tables: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Dataset> {
        guard(&env, || build(Form::Arrow, tables, options))
    }

    /// Rows skipped under the lenient policy, in table and row order, each with its code and
    /// location (never the row's values). Empty under the strict policy.
    #[napi(getter)]
    pub fn rejected(&self) -> Vec<ErrorInfo> {
        self.inner
            .rejected()
            .iter()
            .map(|e| ErrorInfo::from(&Failure::from(e)))
            .collect()
    }

    /// Input columns oko does not read (for schools every extra column is a context field,
    /// so none is ignored there).
    #[napi(getter)]
    pub fn ignored_columns(&self) -> Vec<IgnoredColumn> {
        self.ignored
            .iter()
            .map(|(t, c)| IgnoredColumn {
                table: js_table_name(*t).to_owned(),
                column: c.clone(),
            })
            .collect()
    }

    /// How many of each thing the dataset holds.
    #[napi(getter)]
    pub fn counts(&self) -> DatasetCounts {
        let d = &self.inner;
        DatasetCounts {
            municipalities: count(d.municipalities().len()),
            schools: count(d.schools().len()),
            classes: count(d.classes().len()),
            teachers: count(d.teachers().len()),
            assignments: count(d.assignments().len()),
            students: count(d.students().len()),
            procedures: count(d.procedures().len()),
            results: count(d.results().len()),
            marks: count(d.marks().len()),
            trainings: count(d.trainings().len()),
            competency_tests: count(d.competency_tests().len()),
            muko_evidence: count(d.muko_evidence().len()),
        }
    }
}

/// Unwraps a `Dataset` argument into shared handles to its data and scales (so a worker
/// thread can read them), or fails with `input.argument`.
pub(crate) fn dataset_arg(u: Unknown<'_>) -> Fallible<(Arc<CoreDataset>, Arc<ScaleSet>)> {
    let t = u.get_type()?;
    let got = if t == ValueType::Object {
        match ClassInstance::<Dataset>::from_unknown(u) {
            Ok(d) => return Ok((Arc::clone(&d.inner), Arc::clone(&d.scales))),
            Err(_) => "another object",
        }
    } else {
        type_name(t)
    };
    Err(Failure::argument(
        format!("the first argument must be a Dataset, got {got}"),
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::TABLES;
    use oko::{TableName, columns_of};
    use std::fmt::Write;

    const BEGIN: &str = "// BEGIN GENERATED TABLES";
    const END: &str = "// END GENERATED TABLES";

    /// The row and table types of `types.d.ts`, from the core's column specs.
    fn tables_dts() -> String {
        let mut s = String::new();
        for (name, table, row) in TABLES {
            let _ = writeln!(s, "/** A row of `{name}`. */\nexport interface {row} {{");
            for c in columns_of(table) {
                let opt = if c.required { "" } else { "?" };
                let _ = writeln!(s, "  /** {} */\n  {}{opt}: Cell", c.doc, c.name);
            }
            match table {
                TableName::Schools => s.push_str(
                    "  /** Every other column is a numeric context field (e.g. `low_income`). */\n  [context: string]: Cell\n",
                ),
                TableName::Results => s.push_str(
                    "  /** Per-task scores as columns `task_1`, `task_2`, ... instead of `task_scores`. */\n  [task: `task_${string}`]: Cell\n",
                ),
                _ => {}
            }
            s.push_str("}\n\n");
        }
        for (what, doc, ty) in [
            (
                "RowTables",
                "Tables as arrays of row objects, for `Dataset.fromRows`.",
                "ReadonlyArray<{}>",
            ),
            (
                "ColumnTables",
                "Tables as objects of columns, for `Dataset.fromColumns`.",
                "Columns<{}>",
            ),
            (
                "ArrowTables",
                "Tables as Arrow IPC bytes (stream or file format), for `Dataset.fromArrowIpc`.",
                "Uint8Array",
            ),
        ] {
            let _ = writeln!(
                s,
                "/** {doc} Every table is optional. */\nexport interface {what} {{"
            );
            for (name, _, row) in TABLES {
                let _ = writeln!(s, "  {name}?: {}", ty.replace("{}", row));
            }
            s.push_str("}\n\n");
        }
        s.trim_end().to_owned() + "\n"
    }

    /// The table types in `types.d.ts` follow the core's columns. `OKO_BLESS=1`
    /// rewrites them.
    #[test]
    fn dts_header_tables_are_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/types.d.ts");
        let text = std::fs::read_to_string(path).expect("types.d.ts");
        let start = text.find(BEGIN).expect("begin marker");
        let body = start + text[start..].find('\n').expect("marker line") + 1;
        let end = text.find(END).expect("end marker");
        let want = tables_dts();
        if text[body..end] != want {
            if std::env::var_os("OKO_BLESS").is_some() {
                std::fs::write(path, format!("{}{want}{}", &text[..body], &text[end..]))
                    .expect("write types.d.ts");
            } else {
                panic!("types.d.ts is stale: run `OKO_BLESS=1 cargo test -p oko-node`");
            }
        }
    }
}
