//! Row-by-row validation into columnar storage.
//!
//! Tables go in dependency order (municipalities, schools, classes, teachers, assignments,
//! students, procedures, then results, marks, trainings, competency tests) so that every
//! reference is resolved the moment its row arrives: no second pass, and no string is kept
//! for a row except a new id.

use super::*;
use crate::error::{DataError, DataErrorKind, DataErrors, Location, TableName};
use crate::ids::{FastMap, FastSet};
use crate::mark::Mark;

/// What to do with a bad row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    /// Reject the whole dataset, reporting every bad row.
    #[default]
    Strict,
    /// Skip bad rows; every skipped row is listed in [`Dataset::rejected`].
    Lenient,
}

/// Size limits for untrusted data, on by default. Each has its own `limit.*` code (see
/// [`DataErrorKind`]); the defaults leave room for a whole region (the `region` preset of
/// the generator needs a tenth of each) while keeping memory and time bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most rows in one table (`limit.rows`).
    pub max_rows_per_table: u64,
    /// Most tasks in one procedure (`data.task_scores`).
    pub max_tasks: usize,
    /// Most errors kept in detail (the count is always exact).
    pub max_errors_kept: usize,
    /// Longest id, reference or subject, in bytes after trimming (`limit.id_length`).
    pub max_id_bytes: usize,
    /// Longest text cell given to [`DatasetBuilder::add_table`], in bytes
    /// (`limit.cell_size`).
    pub max_cell_bytes: usize,
    /// Most columns of one table given to [`DatasetBuilder::add_table`] (`limit.columns`).
    pub max_columns: usize,
    /// Most distinct subjects (`limit.subjects`).
    pub max_subjects: usize,
    /// Most scopes: procedures plus distinct (subject, year, period) of internal marks
    /// (`limit.scopes`). Evaluation pairs scopes with last year's, so keep this moderate.
    pub max_scopes: usize,
    /// Most (scope × class) cells the aggregation's dense lookup tables may need: procedures
    /// × classes, plus internal-mark periods × classes, plus subjects × years × periods
    /// (`limit.class_scopes`, checked by [`DatasetBuilder::build`]).
    pub max_class_scope_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rows_per_table: 100_000_000,
            max_tasks: 200,
            max_errors_kept: 100_000,
            max_id_bytes: 256,
            max_cell_bytes: 64 * 1024,
            max_columns: 1_000,
            max_subjects: 1_000,
            max_scopes: 10_000,
            max_class_scope_cells: 1 << 26,
        }
    }
}

/// Periods of internal marks the aggregation's dense key reserves room for.
const MARK_PERIODS: u64 = 21;

/// Builds a [`Dataset`], validating each row as it arrives.
///
/// ```
/// use oko::*;
/// let mut b = DatasetBuilder::new(Policy::Lenient);
/// b.add_municipality(MunicipalityRow { id: "m1".into(), name: "Район".into() });
/// b.add_school(SchoolRow { id: "s1".into(), name: "СОШ 1".into(), municipality: "m1".into(),
///     kind: SchoolKind::Regular, rural: None, context: vec![] });
/// b.add_class(ClassRow { id: "c1".into(), school: "s1".into(), grade: 4, name: "4А".into() });
/// b.add_student(StudentRow { id: "p1", class: "c1", attestat: None, honours: None, olympiad: None, attendance: None });
/// let bad = b.add_student(StudentRow { id: "p2", class: "nope", attestat: None, honours: None, olympiad: None, attendance: None });
/// assert_eq!(bad.unwrap_err().code(), "data.unknown_class");
/// let ds = b.build().unwrap();
/// assert_eq!(ds.students().len(), 1);
/// assert_eq!(ds.rejected()[0].to_string(),
///     "data.unknown_class: students, row 2, column class: the class is not defined in the classes table");
/// ```
#[derive(Debug, Default)]
pub struct DatasetBuilder {
    ds: Dataset,
    policy: Policy,
    limits: Limits,
    rows: [u64; 12],
    errors: Vec<DataError>,
    error_count: u64,
    grade_index: FastMap<(u32, u8), u32>,
    /// Per procedure, a bitset of students that already have a result.
    seen_results: Vec<Vec<u64>>,
    /// Per (subject, year, period), a bitset of students that already have a mark.
    seen_marks: FastMap<(u32, u16, u8), Vec<u64>>,
    /// (school, direction, component) of the МУКО evidence so far.
    muko_seen: FastSet<(u32, String, String)>,
    /// The student id last found by a result or mark row, and its index: rows of one
    /// student usually come together, so most lookups are a comparison.
    last_student: (String, u32),
}

type RowResult = Result<(), DataError>;

fn test_and_set(bits: &mut Vec<u64>, i: u32) -> bool {
    let (w, b) = ((i / 64) as usize, i % 64);
    if bits.len() <= w {
        bits.resize(w + 1, 0);
    }
    let was = bits[w] >> b & 1 == 1;
    bits[w] |= 1 << b;
    was
}

impl DatasetBuilder {
    /// A builder with default limits.
    pub fn new(policy: Policy) -> Self {
        DatasetBuilder {
            policy,
            ..Default::default()
        }
    }

    /// A builder with explicit limits.
    pub fn with_limits(policy: Policy, limits: Limits) -> Self {
        DatasetBuilder {
            policy,
            limits,
            ..Default::default()
        }
    }

    /// Starts a row: counts it and checks the table's size limit.
    fn next_row(&mut self, table: TableName) -> Result<u64, DataError> {
        let n = &mut self.rows[table as usize];
        *n += 1;
        let row = *n;
        if row > self.limits.max_rows_per_table {
            return Err(self.fail(table, row, "", DataErrorKind::TooManyRows));
        }
        Ok(row)
    }

    fn fail(
        &mut self,
        table: TableName,
        row: u64,
        column: &'static str,
        kind: DataErrorKind,
    ) -> DataError {
        self.fail_dup(table, row, column, kind, None)
    }

    fn fail_dup(
        &mut self,
        table: TableName,
        row: u64,
        column: &'static str,
        kind: DataErrorKind,
        first_row: Option<u64>,
    ) -> DataError {
        let e = DataError {
            kind,
            location: Location { table, row, column },
            first_row,
        };
        self.error_count += 1;
        if self.errors.len() < self.limits.max_errors_kept {
            self.errors.push(e.clone());
        }
        e
    }

    /// Records a row that the caller could not even parse (a cell of the wrong form):
    /// it takes the next row number of `table` and is reported like any other bad row.
    pub fn reject(
        &mut self,
        table: TableName,
        column: &'static str,
        kind: DataErrorKind,
    ) -> DataError {
        let row = self.rows[table as usize] + 1;
        self.rows[table as usize] = row;
        self.fail(table, row, column, kind)
    }

    /// Number of rows offered so far for `table` (accepted or not).
    pub fn rows_seen(&self, table: TableName) -> u64 {
        self.rows[table as usize]
    }

    fn id(&mut self, table: TableName, row: u64, column: &'static str, id: &str) -> RowResult {
        if id.trim().is_empty() {
            return Err(self.fail(table, row, column, DataErrorKind::EmptyId));
        }
        if id.trim().len() > self.limits.max_id_bytes {
            return Err(self.fail(table, row, column, DataErrorKind::IdTooLong));
        }
        Ok(())
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Interns a subject, checking its length and the number of distinct subjects.
    fn subject(
        &mut self,
        (table, row, column): (TableName, u64, &'static str),
        subject: &str,
    ) -> Result<u32, DataError> {
        let s = subject.trim();
        if s.len() > self.limits.max_id_bytes {
            return Err(self.fail(table, row, column, DataErrorKind::IdTooLong));
        }
        if let Some(i) = self.ds.subjects.get(s) {
            return Ok(i);
        }
        if self.ds.subjects.len() >= self.limits.max_subjects {
            return Err(self.fail(table, row, column, DataErrorKind::TooManySubjects));
        }
        Ok(self.ds.subjects.intern(s))
    }

    /// Scopes so far: procedures plus distinct internal-mark periods.
    fn scopes(&self) -> usize {
        self.ds.procedures.len() + self.seen_marks.len()
    }

    fn lookup(
        &mut self,
        ids: fn(&Dataset) -> &Interner,
        (table, row, column): (TableName, u64, &'static str),
        id: &str,
        kind: DataErrorKind,
    ) -> Result<u32, DataError> {
        if id.trim().is_empty() {
            return Err(self.fail(table, row, column, DataErrorKind::EmptyId));
        }
        if id.trim().len() > self.limits.max_id_bytes {
            return Err(self.fail(table, row, column, DataErrorKind::IdTooLong));
        }
        match ids(&self.ds).get(id) {
            Some(i) => Ok(i),
            None => Err(self.fail(table, row, column, kind)),
        }
    }

    /// A student id of a result or mark row, looked up like [`Self::lookup`] does.
    fn student(&mut self, at: (TableName, u64, &'static str), id: &str) -> Result<u32, DataError> {
        if !self.last_student.0.is_empty() && self.last_student.0 == id {
            return Ok(self.last_student.1);
        }
        // Files sorted by student list them in the students table's order: try the next
        // student before hashing (a hash probe into a million ids misses the cache).
        let ids = &self.ds.students.ids;
        let next = self.last_student.1.wrapping_add(1);
        let i = if (next as usize) < ids.len() && ids.name(next) == id {
            next
        } else {
            self.lookup(|d| &d.students.ids, at, id, DataErrorKind::UnknownStudent)?
        };
        self.last_student.0.clear();
        self.last_student.0.push_str(id);
        self.last_student.1 = i;
        Ok(i)
    }

    /// Adds a municipality.
    pub fn add_municipality(&mut self, r: MunicipalityRow) -> RowResult {
        let t = TableName::Municipalities;
        let row = self.next_row(t)?;
        self.id(t, row, "id", &r.id)?;
        if self.ds.municipality_ids.get(&r.id).is_some() {
            return Err(self.fail(t, row, "id", DataErrorKind::DuplicateId));
        }
        self.ds.municipality_ids.intern(&r.id);
        self.ds.municipalities.push(Municipality {
            id: r.id,
            name: r.name,
        });
        Ok(())
    }

    /// Adds a school.
    pub fn add_school(&mut self, r: SchoolRow) -> RowResult {
        let t = TableName::Schools;
        let row = self.next_row(t)?;
        self.id(t, row, "id", &r.id)?;
        if self.ds.school_ids.get(&r.id).is_some() {
            return Err(self.fail(t, row, "id", DataErrorKind::DuplicateId));
        }
        let m = self.lookup(
            |d| &d.municipality_ids,
            (t, row, "municipality"),
            &r.municipality,
            DataErrorKind::UnknownMunicipality,
        )?;
        let mut context = vec![None; self.ds.context_fields.len()];
        for (name, value) in r.context {
            let i = match self.ds.context_fields.iter().position(|f| *f == name) {
                Some(i) => i,
                None => {
                    self.ds.context_fields.push(name);
                    for s in &mut self.ds.schools {
                        s.context.push(None);
                    }
                    context.push(None);
                    self.ds.context_fields.len() - 1
                }
            };
            context[i] = value;
        }
        self.ds.school_ids.intern(&r.id);
        self.ds.schools.push(School {
            id: r.id,
            name: r.name,
            municipality: m,
            kind: r.kind,
            rural: r.rural,
            context,
        });
        Ok(())
    }

    /// Adds a class.
    pub fn add_class(&mut self, r: ClassRow) -> RowResult {
        let t = TableName::Classes;
        let row = self.next_row(t)?;
        self.id(t, row, "id", &r.id)?;
        if self.ds.class_ids.get(&r.id).is_some() {
            return Err(self.fail(t, row, "id", DataErrorKind::DuplicateId));
        }
        let school = self.lookup(
            |d| &d.school_ids,
            (t, row, "school"),
            &r.school,
            DataErrorKind::UnknownSchool,
        )?;
        if !(1..=11).contains(&r.grade) {
            return Err(self.fail(t, row, "grade", DataErrorKind::GradeOutOfRange));
        }
        let next = self.ds.grades.len() as u32;
        let grade_entity = *self.grade_index.entry((school, r.grade)).or_insert(next);
        if grade_entity == next {
            self.ds.grades.push(Grade {
                school,
                grade: r.grade,
            });
        }
        self.ds.class_ids.intern(&r.id);
        self.ds.classes.push(Class {
            id: r.id,
            school,
            grade: r.grade,
            name: r.name,
            grade_entity,
        });
        Ok(())
    }

    /// Adds a teacher.
    pub fn add_teacher(&mut self, r: TeacherRow) -> RowResult {
        let t = TableName::Teachers;
        let row = self.next_row(t)?;
        self.id(t, row, "id", &r.id)?;
        if self.ds.teacher_ids.get(&r.id).is_some() {
            return Err(self.fail(t, row, "id", DataErrorKind::DuplicateId));
        }
        let school = self.lookup(
            |d| &d.school_ids,
            (t, row, "school"),
            &r.school,
            DataErrorKind::UnknownSchool,
        )?;
        self.ds.teacher_ids.intern(&r.id);
        self.ds.teachers.push(Teacher {
            id: r.id,
            school,
            category: r.category,
        });
        Ok(())
    }

    /// Adds a teaching assignment.
    pub fn add_assignment(&mut self, r: AssignmentRow) -> RowResult {
        let t = TableName::Assignments;
        let row = self.next_row(t)?;
        let teacher = self.lookup(
            |d| &d.teacher_ids,
            (t, row, "teacher"),
            &r.teacher,
            DataErrorKind::UnknownTeacher,
        )?;
        let class = self.lookup(
            |d| &d.class_ids,
            (t, row, "class"),
            &r.class,
            DataErrorKind::UnknownClass,
        )?;
        if r.subject.trim().is_empty() {
            return Err(self.fail(t, row, "subject", DataErrorKind::MissingValue));
        }
        let subject = self.subject((t, row, "subject"), &r.subject)?;
        self.ds.assignments.push(Assignment {
            teacher,
            class,
            subject,
        });
        Ok(())
    }

    /// Adds a student.
    pub fn add_student(&mut self, r: StudentRow<'_>) -> RowResult {
        let t = TableName::Students;
        let row = self.next_row(t)?;
        self.id(t, row, "id", r.id)?;
        if self.ds.students.ids.get(r.id).is_some() {
            return Err(self.fail(t, row, "id", DataErrorKind::DuplicateId));
        }
        let class = self.lookup(
            |d| &d.class_ids,
            (t, row, "class"),
            r.class,
            DataErrorKind::UnknownClass,
        )?;
        if r.attendance
            .is_some_and(|a| a < Decimal::ZERO || a > Decimal::ONE_HUNDRED)
        {
            return Err(self.fail(t, row, "attendance", DataErrorKind::InvalidValue));
        }
        let s = &mut self.ds.students;
        s.ids.intern(r.id);
        s.class.push(class);
        s.attestat.push(r.attestat);
        s.honours.push(r.honours);
        s.olympiad.push(r.olympiad);
        s.attendance.push(r.attendance);
        Ok(())
    }

    /// Adds a procedure.
    pub fn add_procedure(&mut self, r: ProcedureRow) -> RowResult {
        let t = TableName::Procedures;
        let row = self.next_row(t)?;
        self.id(t, row, "id", &r.id)?;
        if self.ds.procedure_ids.get(&r.id).is_some() {
            return Err(self.fail(t, row, "id", DataErrorKind::DuplicateId));
        }
        if r.subject.trim().is_empty() {
            return Err(self.fail(t, row, "subject", DataErrorKind::MissingValue));
        }
        if !(1..=11).contains(&r.grade) {
            return Err(self.fail(t, row, "grade", DataErrorKind::GradeOutOfRange));
        }
        if r.max_score == 0 || r.max_score >= 1000 {
            return Err(self.fail(t, row, "max_score", DataErrorKind::InvalidValue));
        }
        if r.tasks.len() > self.limits.max_tasks {
            return Err(self.fail(t, row, "tasks", DataErrorKind::TaskScores));
        }
        if !r.tasks.is_empty()
            && r.tasks.iter().map(|t| u32::from(t.max_score)).sum::<u32>() != u32::from(r.max_score)
        {
            return Err(self.fail(t, row, "tasks", DataErrorKind::TaskScores));
        }
        if self.scopes() >= self.limits.max_scopes {
            return Err(self.fail(t, row, "id", DataErrorKind::TooManyScopes));
        }
        let subject = self.subject((t, row, "subject"), &r.subject)?;
        self.ds.procedure_ids.intern(&r.id);
        self.ds.procedure_subject.push(subject);
        self.ds.procedures.push(r);
        self.seen_results.push(Vec::new());
        Ok(())
    }

    /// Adds an external result.
    pub fn add_result(&mut self, r: ResultRow<'_>) -> RowResult {
        let t = TableName::Results;
        let row = self.next_row(t)?;
        let student = self.student((t, row, "student"), r.student)?;
        let procedure = self.lookup(
            |d| &d.procedure_ids,
            (t, row, "procedure"),
            r.procedure,
            DataErrorKind::UnknownProcedure,
        )?;
        let class = match r.class {
            Some(c) if !c.trim().is_empty() => self.lookup(
                |d| &d.class_ids,
                (t, row, "class"),
                c,
                DataErrorKind::UnknownClass,
            )?,
            _ => self.ds.students.class[student as usize],
        };
        let p = &self.ds.procedures[procedure as usize];
        let max = p.max_score;
        let n_tasks = p.tasks.len();
        let mut score = r.primary_score;
        if let Some(s) = score
            && s > u32::from(max)
        {
            return Err(self.fail(t, row, "primary_score", DataErrorKind::ScoreAboveMax));
        }
        if let Some(tasks) = r.task_scores {
            let p = &self.ds.procedures[procedure as usize];
            let fits = tasks.len() == n_tasks
                && tasks
                    .iter()
                    .zip(&p.tasks)
                    .all(|(&s, t)| s <= u32::from(t.max_score));
            let sum: u32 = tasks.iter().sum();
            if !fits || score.is_some_and(|s| s != sum) {
                return Err(self.fail(t, row, "task_scores", DataErrorKind::TaskScores));
            }
            score = Some(sum);
        }
        if r.mark
            .is_some_and(|m| Mark::new(m.min(255) as u8).is_none())
        {
            return Err(self.fail(t, row, "mark", DataErrorKind::MarkOutOfRange));
        }
        if r.test_score.is_some_and(|s| s > 100) {
            return Err(self.fail(t, row, "test_score", DataErrorKind::TestScoreOutOfRange));
        }
        if score.is_none() && r.mark.is_none() && r.test_score.is_none() {
            return Err(self.fail(t, row, "primary_score", DataErrorKind::MissingValue));
        }
        if test_and_set(&mut self.seen_results[procedure as usize], student) {
            let first = self.first_result_row(student, procedure);
            return Err(self.fail_dup(t, row, "student", DataErrorKind::DuplicateResult, first));
        }
        let res = &mut self.ds.results;
        res.student.push(student);
        res.class.push(class);
        res.procedure.push(procedure);
        res.score.push(score.map_or(NO_SCORE, |s| s as u16));
        res.mark.push(r.mark.map_or(0, |m| m as u8));
        res.test_score
            .push(r.test_score.map_or(NO_SCORE, |s| s as u16));
        res.task_start.push(res.task_scores.len() as u32);
        if let Some(tasks) = r.task_scores {
            res.task_scores.extend(tasks.iter().map(|&s| s as u16));
        }
        Ok(())
    }

    /// The data row of the accepted result for (student, procedure); only on a duplicate.
    fn first_result_row(&self, student: u32, procedure: u32) -> Option<u64> {
        let r = &self.ds.results;
        let i = (0..r.len()).find(|&i| r.student[i] == student && r.procedure[i] == procedure)?;
        // Rows are numbered among all offered rows; accepted rows are a subsequence, so map
        // back through the rejected rows that came before.
        let mut row = i as u64 + 1;
        for e in self
            .errors
            .iter()
            .filter(|e| e.location.table == TableName::Results)
        {
            if e.location.row <= row {
                row += 1;
            }
        }
        Some(row)
    }

    /// Adds an internal mark.
    pub fn add_mark(&mut self, r: MarkRow<'_>) -> RowResult {
        let t = TableName::Marks;
        let row = self.next_row(t)?;
        let student = self.student((t, row, "student"), r.student)?;
        if r.subject.trim().is_empty() {
            return Err(self.fail(t, row, "subject", DataErrorKind::MissingValue));
        }
        let value = match MarkValue::parse(r.mark) {
            Some(v) => v,
            None if r.mark.trim().is_empty() => {
                return Err(self.fail(t, row, "mark", DataErrorKind::MissingValue));
            }
            None if r.mark.trim().parse::<i64>().is_ok() => {
                return Err(self.fail(t, row, "mark", DataErrorKind::MarkOutOfRange));
            }
            None => return Err(self.fail(t, row, "mark", DataErrorKind::InvalidValue)),
        };
        let subject = self.subject((t, row, "subject"), r.subject)?;
        let key = (subject, r.year.0, r.period.code());
        if !self.seen_marks.contains_key(&key) && self.scopes() >= self.limits.max_scopes {
            return Err(self.fail(t, row, "period", DataErrorKind::TooManyScopes));
        }
        if test_and_set(self.seen_marks.entry(key).or_default(), student) {
            return Err(self.fail(t, row, "student", DataErrorKind::DuplicateMark));
        }
        let m = &mut self.ds.marks;
        m.student.push(student);
        m.subject.push(subject);
        m.year.push(r.year.0);
        m.period.push(r.period.code());
        m.value.push(value.code());
        Ok(())
    }

    /// Adds a training record.
    pub fn add_training(&mut self, r: TrainingRow) -> RowResult {
        let t = TableName::Trainings;
        let row = self.next_row(t)?;
        let teacher = self.lookup(
            |d| &d.teacher_ids,
            (t, row, "teacher"),
            &r.teacher,
            DataErrorKind::UnknownTeacher,
        )?;
        self.ds.trainings.push(Training {
            teacher,
            date: r.date,
            topic: r.topic,
            assessment: r.assessment,
        });
        Ok(())
    }

    /// Adds a competency-test result.
    pub fn add_competency_test(&mut self, r: CompetencyTestRow) -> RowResult {
        let t = TableName::CompetencyTests;
        let row = self.next_row(t)?;
        let teacher = self.lookup(
            |d| &d.teacher_ids,
            (t, row, "teacher"),
            &r.teacher,
            DataErrorKind::UnknownTeacher,
        )?;
        if r.max_score <= Decimal::ZERO || r.score < Decimal::ZERO {
            return Err(self.fail(t, row, "max_score", DataErrorKind::InvalidValue));
        }
        if r.score > r.max_score {
            return Err(self.fail(t, row, "score", DataErrorKind::ScoreAboveMax));
        }
        let subject = self.subject((t, row, "subject"), &r.subject)?;
        self.ds.competency_tests.push(CompetencyTest {
            teacher,
            date: r.date,
            subject,
            score: r.score,
            max_score: r.max_score,
        });
        Ok(())
    }

    /// Adds an item of a school's МУКО self-evaluation. One row per (school, direction,
    /// component); direction and component ids are checked against the rules when scoring.
    pub fn add_muko_evidence(&mut self, r: MukoEvidenceRow) -> RowResult {
        let t = TableName::MukoEvidence;
        let row = self.next_row(t)?;
        let school = self.lookup(
            |d| &d.school_ids,
            (t, row, "school"),
            &r.school,
            DataErrorKind::UnknownSchool,
        )?;
        let (direction, component) = (r.direction.trim(), r.component.trim());
        if direction.is_empty() {
            return Err(self.fail(t, row, "direction", DataErrorKind::MissingValue));
        }
        if component.is_empty() {
            return Err(self.fail(t, row, "component", DataErrorKind::MissingValue));
        }
        if !self
            .muko_seen
            .insert((school, direction.to_owned(), component.to_owned()))
        {
            return Err(self.fail(t, row, "component", DataErrorKind::DuplicateId));
        }
        self.ds.muko_evidence.push(MukoEvidence {
            school,
            direction: direction.to_owned(),
            component: component.to_owned(),
            status: r.status,
            link: r.link.filter(|l| !l.trim().is_empty()),
        });
        Ok(())
    }

    /// The cells the aggregation's dense tables need (see
    /// [`Limits::max_class_scope_cells`]), saturating.
    fn class_scope_cells(&self) -> u64 {
        let classes = self.ds.classes.len() as u64;
        let procedures = self.ds.procedures.len() as u64;
        let periods = self.seen_marks.len() as u64;
        let m = &self.ds.marks.year;
        let years = match (m.iter().min(), m.iter().max()) {
            (Some(a), Some(b)) => u64::from(b - a) + 1,
            _ => 0,
        };
        let subjects = self.ds.subjects.len() as u64;
        procedures
            .saturating_mul(classes)
            .saturating_add(periods.saturating_mul(classes))
            .saturating_add(subjects.saturating_mul(years).saturating_mul(MARK_PERIODS))
    }

    /// Number of rows rejected so far.
    pub fn error_count(&self) -> u64 {
        self.error_count
    }

    /// Finishes the dataset. Strict: fails with every error when any row was bad.
    /// Lenient: succeeds, and [`Dataset::rejected`] lists each skipped row.
    ///
    /// Either policy fails with `limit.class_scopes` when the aggregation would need more
    /// (scope × class) cells than [`Limits::max_class_scope_cells`].
    pub fn build(mut self) -> Result<Dataset, DataErrors> {
        if self.class_scope_cells() > self.limits.max_class_scope_cells {
            let e = DataError {
                kind: DataErrorKind::TooManyClassScopes,
                location: Location {
                    table: TableName::Procedures,
                    row: 0,
                    column: "",
                },
                first_row: None,
            };
            self.errors.insert(0, e);
            self.error_count += 1;
            self.errors.sort_by_key(|e| e.location);
            return Err(DataErrors {
                errors: self.errors,
            });
        }
        self.errors.sort_by_key(|e| e.location);
        if self.policy == Policy::Strict && self.error_count > 0 {
            return Err(DataErrors {
                errors: self.errors,
            });
        }
        self.ds.rejected = self.errors;
        self.ds.shrink_to_fit();
        Ok(self.ds)
    }
}
