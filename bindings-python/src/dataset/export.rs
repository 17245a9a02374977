//! A dataset as Arrow record batches with oko's canonical columns (the layout
//! `Dataset.from_tables` reads, and the CLI's CSV export writes), so that a notebook can
//! show the data and hand it back unchanged.
//!
//! Types: ids and labels are strings; grades, scores and marks of results are int32;
//! booleans are bool; dates are date32; years are text such as `2025/26`; internal marks
//! are text (`5`, `н/а`, `осв.`); decimals are decimal128(38, s) with s the largest scale
//! in the column (so 0.1 stays 0.1), or exact text when a value does not fit.

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, Int32Array, RecordBatch, StringArray,
};
use arrow_schema::{ArrowError, Field, Schema};
use oko::{Dataset, TableName};
use rust_decimal::Decimal;
use std::sync::Arc;

/// Largest magnitude a decimal128 of precision 38 holds, plus one.
const P38: i128 = 10i128.pow(38);

/// `d` as an integer count of 10^-`scale`, when it fits precision 38.
pub(crate) fn scaled(d: Decimal, scale: u32) -> Option<i128> {
    let d = d.normalize();
    let up = scale.checked_sub(d.scale())?;
    let v = d.mantissa().checked_mul(10i128.checked_pow(up)?)?;
    (v.abs() < P38).then_some(v)
}

/// A decimal column: decimal128(38, s) with `s` the largest scale among the values, or
/// exact text when some value does not fit.
pub(crate) fn decimal_column(values: &[Option<Decimal>]) -> ArrayRef {
    let scale = values
        .iter()
        .flatten()
        .map(|d| d.normalize().scale())
        .max()
        .unwrap_or(0);
    let ints: Option<Vec<Option<i128>>> = values
        .iter()
        .map(|v| match v {
            Some(d) => scaled(*d, scale).map(Some),
            None => Some(None),
        })
        .collect();
    if let Some(ints) = ints
        && let Ok(a) = Decimal128Array::from(ints).with_precision_and_scale(38, scale as i8)
    {
        return Arc::new(a);
    }
    let text: StringArray = values
        .iter()
        .map(|v| v.map(|d| d.normalize().to_string()))
        .collect();
    Arc::new(text)
}

/// Columns of one table under construction.
#[derive(Default)]
struct Cols {
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
}

impl Cols {
    fn str<S: AsRef<str>>(&mut self, name: &str, v: impl IntoIterator<Item = Option<S>>) {
        let a: StringArray = v.into_iter().collect();
        self.push(name, Arc::new(a));
    }
    fn int(&mut self, name: &str, v: impl IntoIterator<Item = Option<i32>>) {
        let a: Int32Array = v.into_iter().collect();
        self.push(name, Arc::new(a));
    }
    fn bool(&mut self, name: &str, v: impl IntoIterator<Item = Option<bool>>) {
        let a: BooleanArray = v.into_iter().collect();
        self.push(name, Arc::new(a));
    }
    fn date(&mut self, name: &str, v: impl IntoIterator<Item = Option<oko::Date>>) {
        let a: Date32Array = v
            .into_iter()
            .map(|d| d.map(|d| d.day_number() as i32))
            .collect();
        self.push(name, Arc::new(a));
    }
    fn dec(&mut self, name: &str, v: &[Option<Decimal>]) {
        self.push(name, decimal_column(v));
    }
    fn push(&mut self, name: &str, a: ArrayRef) {
        self.fields
            .push(Field::new(name, a.data_type().clone(), true));
        self.arrays.push(a);
    }
    fn batch(self) -> Result<RecordBatch, ArrowError> {
        RecordBatch::try_new(Arc::new(Schema::new(self.fields)), self.arrays)
    }
}

/// Every table of `ds`, in dependency order, with its name.
pub(crate) fn tables(ds: &Dataset) -> Result<Vec<(TableName, RecordBatch)>, ArrowError> {
    let mut out = Vec::new();
    let munis = ds.municipalities();
    let schools = ds.schools();
    let classes = ds.classes();
    let teachers = ds.teachers();
    let school_id = |i: u32| Some(schools[i as usize].id.as_str());

    let mut c = Cols::default();
    c.str("id", munis.iter().map(|m| Some(&m.id)));
    c.str("name", munis.iter().map(|m| Some(&m.name)));
    out.push((TableName::Municipalities, c.batch()?));

    let mut c = Cols::default();
    c.str("id", schools.iter().map(|s| Some(&s.id)));
    c.str("name", schools.iter().map(|s| Some(&s.name)));
    c.str(
        "municipality",
        schools
            .iter()
            .map(|s| Some(&munis[s.municipality as usize].id)),
    );
    c.str("kind", schools.iter().map(|s| Some(s.kind.as_str())));
    c.bool("rural", schools.iter().map(|s| s.rural));
    for (k, name) in ds.context_fields().iter().enumerate() {
        let v: Vec<Option<Decimal>> = schools
            .iter()
            .map(|s| s.context.get(k).copied().flatten())
            .collect();
        c.dec(name, &v);
    }
    out.push((TableName::Schools, c.batch()?));

    let mut c = Cols::default();
    c.str("id", classes.iter().map(|x| Some(&x.id)));
    c.str("school", classes.iter().map(|x| school_id(x.school)));
    c.int("grade", classes.iter().map(|x| Some(i32::from(x.grade))));
    c.str("name", classes.iter().map(|x| Some(&x.name)));
    out.push((TableName::Classes, c.batch()?));

    let mut c = Cols::default();
    c.str("id", teachers.iter().map(|t| Some(&t.id)));
    c.str("school", teachers.iter().map(|t| school_id(t.school)));
    c.str("category", teachers.iter().map(|t| t.category.as_ref()));
    out.push((TableName::Teachers, c.batch()?));

    let a = ds.assignments();
    let mut c = Cols::default();
    c.str(
        "teacher",
        a.iter().map(|x| Some(&teachers[x.teacher as usize].id)),
    );
    c.str(
        "class",
        a.iter().map(|x| Some(&classes[x.class as usize].id)),
    );
    c.str(
        "subject",
        a.iter().map(|x| Some(ds.subjects().name(x.subject))),
    );
    out.push((TableName::Assignments, c.batch()?));

    let st = ds.students();
    let n = st.len() as u32;
    let mut c = Cols::default();
    c.str("id", (0..n).map(|i| Some(st.id(i))));
    c.str(
        "class",
        st.class().iter().map(|&k| Some(&classes[k as usize].id)),
    );
    c.bool("attestat", st.attestat().iter().copied());
    c.bool("honours", st.honours().iter().copied());
    c.str(
        "olympiad",
        st.olympiad().iter().map(|o| o.map(olympiad_text)),
    );
    c.dec("attendance", st.attendance());
    out.push((TableName::Students, c.batch()?));

    let p = ds.procedures();
    let mut c = Cols::default();
    c.str("id", p.iter().map(|x| Some(&x.id)));
    c.str("kind", p.iter().map(|x| Some(x.kind.as_str())));
    c.str("subject", p.iter().map(|x| Some(&x.subject)));
    c.int("grade", p.iter().map(|x| Some(i32::from(x.grade))));
    c.str("year", p.iter().map(|x| Some(x.year.to_string())));
    c.date("date", p.iter().map(|x| x.date));
    c.int("max_score", p.iter().map(|x| Some(i32::from(x.max_score))));
    c.str("scale", p.iter().map(|x| x.scale.as_ref()));
    c.str(
        "tasks",
        p.iter().map(|x| {
            (!x.tasks.is_empty()).then(|| {
                x.tasks
                    .iter()
                    .map(|t| match &t.group {
                        Some(g) => format!("{}:{g}", t.max_score),
                        None => t.max_score.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(";")
            })
        }),
    );
    out.push((TableName::Procedures, c.batch()?));

    let r = ds.results();
    let len = r.len();
    let mut c = Cols::default();
    c.str("student", r.student().iter().map(|&s| Some(st.id(s))));
    c.str(
        "procedure",
        r.procedure().iter().map(|&k| Some(&p[k as usize].id)),
    );
    // The class is written only when it is not the student's current one.
    c.str(
        "class",
        (0..len).map(|i| {
            let (s, k) = (r.student()[i], r.class()[i]);
            (st.class()[s as usize] != k).then(|| classes[k as usize].id.as_str())
        }),
    );
    c.int("primary_score", (0..len).map(|i| r.score(i).map(i32::from)));
    c.int("mark", (0..len).map(|i| r.mark(i).map(i32::from)));
    c.int(
        "test_score",
        (0..len).map(|i| r.test_score(i).map(i32::from)),
    );
    c.str(
        "task_scores",
        (0..len).map(|i| {
            let t = r.task_scores(i);
            (!t.is_empty()).then(|| t.iter().map(u16::to_string).collect::<Vec<_>>().join(";"))
        }),
    );
    out.push((TableName::Results, c.batch()?));

    let m = ds.marks();
    let len = m.len();
    let mut c = Cols::default();
    c.str("student", m.student().iter().map(|&s| Some(st.id(s))));
    c.str(
        "subject",
        m.subject().iter().map(|&s| Some(ds.subjects().name(s))),
    );
    c.str("year", (0..len).map(|i| Some(m.year(i).to_string())));
    c.str("period", (0..len).map(|i| Some(m.period(i).as_text())));
    c.str("mark", (0..len).map(|i| Some(m.value(i).as_text())));
    out.push((TableName::Marks, c.batch()?));

    let t = ds.trainings();
    let mut c = Cols::default();
    c.str(
        "teacher",
        t.iter().map(|x| Some(&teachers[x.teacher as usize].id)),
    );
    c.date("date", t.iter().map(|x| Some(x.date)));
    c.str("topic", t.iter().map(|x| Some(&x.topic)));
    c.bool("assessment", t.iter().map(|x| Some(x.assessment)));
    out.push((TableName::Trainings, c.batch()?));

    let t = ds.competency_tests();
    let mut c = Cols::default();
    c.str(
        "teacher",
        t.iter().map(|x| Some(&teachers[x.teacher as usize].id)),
    );
    c.date("date", t.iter().map(|x| Some(x.date)));
    c.str(
        "subject",
        t.iter().map(|x| Some(ds.subjects().name(x.subject))),
    );
    c.dec(
        "score",
        &t.iter().map(|x| Some(x.score)).collect::<Vec<_>>(),
    );
    c.dec(
        "max_score",
        &t.iter().map(|x| Some(x.max_score)).collect::<Vec<_>>(),
    );
    out.push((TableName::CompetencyTests, c.batch()?));

    let e = ds.muko_evidence();
    let mut c = Cols::default();
    c.str("school", e.iter().map(|x| school_id(x.school)));
    c.str("direction", e.iter().map(|x| Some(&x.direction)));
    c.str("component", e.iter().map(|x| Some(&x.component)));
    c.str("status", e.iter().map(|x| Some(x.status.as_str())));
    c.str("link", e.iter().map(|x| x.link.as_ref()));
    out.push((TableName::MukoEvidence, c.batch()?));
    Ok(out)
}

fn olympiad_text(o: oko::Olympiad) -> &'static str {
    match o {
        oko::Olympiad::None => "none",
        oko::Olympiad::Participant => "participant",
        oko::Olympiad::PrizeWinner => "prize_winner",
        oko::Olympiad::Winner => "winner",
    }
}
