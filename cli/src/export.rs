//! Writes a dataset as oko's canonical CSV tables (UTF-8, comma, header row): the same
//! layout `oko evaluate` reads with the `oko` mapping.

use oko::Dataset;
use oko::privacy::Pseudonymiser;
use std::borrow::Cow;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

type Writer = csv::Writer<BufWriter<File>>;

fn open(dir: &Path, name: &str, header: &[&str]) -> Result<Writer, Box<dyn std::error::Error>> {
    let mut w = csv::Writer::from_writer(BufWriter::with_capacity(
        1 << 20,
        File::create(dir.join(name))?,
    ));
    w.write_record(header)?;
    Ok(w)
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// How to write: ids as they are, or pseudonymised.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions<'a> {
    /// Replace every student id (in students, results and marks) by its pseudonym.
    pub pseudonymiser: Option<&'a Pseudonymiser>,
    /// With a pseudonymiser, replace teacher ids too (teachers, assignments, trainings,
    /// competency tests).
    pub teachers: bool,
}

impl ExportOptions<'_> {
    fn student<'s>(&self, id: &'s str) -> Cow<'s, str> {
        match self.pseudonymiser {
            Some(p) => Cow::Owned(p.pseudonymise(id)),
            None => Cow::Borrowed(id),
        }
    }

    fn teacher<'s>(&self, id: &'s str) -> Cow<'s, str> {
        match self.pseudonymiser {
            Some(p) if self.teachers => Cow::Owned(p.pseudonymise(id)),
            _ => Cow::Borrowed(id),
        }
    }
}

/// Writes every table of `ds` into `dir`.
pub fn write_dataset(ds: &Dataset, dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    write_dataset_with(ds, dir, &ExportOptions::default())
}

/// Writes every table of `ds` into `dir`, with student (and teacher) ids pseudonymised when
/// `options` say so.
pub fn write_dataset_with(
    ds: &Dataset,
    dir: &Path,
    options: &ExportOptions<'_>,
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let mut w = open(dir, "municipalities.csv", &["id", "name"])?;
    for m in ds.municipalities() {
        w.write_record([&m.id, &m.name])?;
    }
    w.flush()?;

    let mut header = vec!["id", "name", "municipality", "kind", "rural"];
    header.extend(ds.context_fields().iter().map(String::as_str));
    let mut w = open(dir, "schools.csv", &header)?;
    for s in ds.schools() {
        let mut rec = vec![
            s.id.clone(),
            s.name.clone(),
            ds.municipalities()[s.municipality as usize].id.clone(),
            s.kind.as_str().to_owned(),
            opt(s.rural),
        ];
        rec.extend(s.context.iter().map(|c| opt(*c)));
        w.write_record(&rec)?;
    }
    w.flush()?;

    let mut w = open(dir, "classes.csv", &["id", "school", "grade", "name"])?;
    for c in ds.classes() {
        w.write_record([
            &c.id,
            &ds.schools()[c.school as usize].id,
            &c.grade.to_string(),
            &c.name,
        ])?;
    }
    w.flush()?;

    let mut w = open(dir, "teachers.csv", &["id", "school", "category"])?;
    for t in ds.teachers() {
        w.write_record([
            &*options.teacher(&t.id),
            &ds.schools()[t.school as usize].id,
            &opt(t.category.as_ref()),
        ])?;
    }
    w.flush()?;

    let mut w = open(dir, "assignments.csv", &["teacher", "class", "subject"])?;
    for a in ds.assignments() {
        w.write_record([
            &*options.teacher(&ds.teachers()[a.teacher as usize].id),
            &ds.classes()[a.class as usize].id,
            ds.subjects().name(a.subject),
        ])?;
    }
    w.flush()?;

    let st = ds.students();
    let mut w = open(
        dir,
        "students.csv",
        &[
            "id",
            "class",
            "attestat",
            "honours",
            "olympiad",
            "attendance",
        ],
    )?;
    for i in 0..st.len() {
        let olympiad = st.olympiad()[i].map(|o| {
            serde_json::to_value(o)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
        });
        w.write_record([
            &*options.student(st.id(i as u32)),
            &ds.classes()[st.class()[i] as usize].id,
            &opt(st.attestat()[i]),
            &opt(st.honours()[i]),
            &olympiad.flatten().unwrap_or_default(),
            &opt(st.attendance()[i]),
        ])?;
    }
    w.flush()?;

    let mut w = open(
        dir,
        "procedures.csv",
        &[
            "id",
            "kind",
            "subject",
            "grade",
            "year",
            "date",
            "max_score",
            "scale",
            "tasks",
        ],
    )?;
    for p in ds.procedures() {
        let tasks: Vec<String> = p
            .tasks
            .iter()
            .map(|t| match &t.group {
                Some(g) => format!("{}:{g}", t.max_score),
                None => t.max_score.to_string(),
            })
            .collect();
        w.write_record([
            &p.id,
            p.kind.as_str(),
            &p.subject,
            &p.grade.to_string(),
            &p.year.to_string(),
            &opt(p.date),
            &p.max_score.to_string(),
            &opt(p.scale.as_ref()),
            &tasks.join(";"),
        ])?;
    }
    w.flush()?;

    let r = ds.results();
    let mut w = open(
        dir,
        "results.csv",
        &[
            "student",
            "procedure",
            "class",
            "primary_score",
            "mark",
            "test_score",
            "task_scores",
        ],
    )?;
    let mut tasks = String::new();
    for i in 0..r.len() {
        let student = r.student()[i];
        let class = r.class()[i];
        let written_elsewhere = st.class()[student as usize] != class;
        tasks.clear();
        for (k, s) in r.task_scores(i).iter().enumerate() {
            if k > 0 {
                tasks.push(';');
            }
            tasks.push_str(&s.to_string());
        }
        w.write_record([
            &*options.student(st.id(student)),
            &ds.procedures()[r.procedure()[i] as usize].id,
            if written_elsewhere {
                &ds.classes()[class as usize].id
            } else {
                ""
            },
            &opt(r.score(i)),
            &opt(r.mark(i)),
            &opt(r.test_score(i)),
            &tasks,
        ])?;
    }
    w.flush()?;

    let m = ds.marks();
    let mut w = open(
        dir,
        "marks.csv",
        &["student", "subject", "year", "period", "mark"],
    )?;
    for i in 0..m.len() {
        w.write_record([
            &*options.student(st.id(m.student()[i])),
            ds.subjects().name(m.subject()[i]),
            &m.year(i).to_string(),
            &m.period(i).as_text(),
            m.value(i).as_text(),
        ])?;
    }
    w.flush()?;

    let mut w = open(
        dir,
        "trainings.csv",
        &["teacher", "date", "topic", "assessment"],
    )?;
    for t in ds.trainings() {
        w.write_record([
            &*options.teacher(&ds.teachers()[t.teacher as usize].id),
            &t.date.to_string(),
            &t.topic,
            &t.assessment.to_string(),
        ])?;
    }
    w.flush()?;

    let mut w = open(
        dir,
        "competency_tests.csv",
        &["teacher", "date", "subject", "score", "max_score"],
    )?;
    for c in ds.competency_tests() {
        w.write_record([
            &*options.teacher(&ds.teachers()[c.teacher as usize].id),
            &c.date.to_string(),
            ds.subjects().name(c.subject),
            &c.score.to_string(),
            &c.max_score.to_string(),
        ])?;
    }
    w.flush()?;

    let mut w = open(
        dir,
        "muko_evidence.csv",
        &["school", "direction", "component", "status", "link"],
    )?;
    for e in ds.muko_evidence() {
        w.write_record([
            &ds.schools()[e.school as usize].id,
            &e.direction,
            &e.component,
            e.status.as_str(),
            e.link.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(())
}
