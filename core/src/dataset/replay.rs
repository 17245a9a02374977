//! Replaying a dataset: every stored row of every table fed back into a [`DatasetBuilder`],
//! each table's rows in an order the caller chooses. The one way tests (and callers) rebuild
//! a dataset, e.g. to check that results do not depend on row order.

use super::*;
use crate::error::TableName;

impl Dataset {
    /// Feeds every row this dataset holds into `builder` again, table by table in dependency
    /// order; `order(table, n)` gives the order of that table's `n` rows as indices into it
    /// (a permutation of `0..n`, or a subset to replay only some rows; an index of `n` or
    /// more panics). Rows come back as the builder took them (ids, not indices; a result's
    /// class always given; school context fields in [`Dataset::context_fields`] order, so
    /// they keep their order). Rows this dataset rejected are not stored, so not replayed.
    ///
    /// Stops at the first row the builder refuses and returns its error (the builder has
    /// recorded it too). Replaying into an empty builder with the same limits refuses none.
    ///
    /// ```
    /// use oko::*;
    /// let g = generate(&GeneratorConfig::tiny(1));
    /// let mut b = DatasetBuilder::new(Policy::Strict);
    /// // Every table's rows backwards.
    /// g.dataset.replay_into(&mut b, |_, n| (0..n).rev().collect()).unwrap();
    /// let again = b.build().unwrap();
    /// assert_eq!(again.students().len(), g.dataset.students().len());
    /// let last = g.dataset.students().len() as u32 - 1;
    /// assert_eq!(again.students().id(0), g.dataset.students().id(last));
    ///
    /// // A shuffle fixed by a seed: the same indicators.
    /// let mut b = DatasetBuilder::new(Policy::Strict);
    /// g.dataset.replay_into(&mut b, shuffled_order(7)).unwrap();
    /// let shuffled = b.build().unwrap();
    /// let (x, y) = (aggregate(&g.dataset, &g.scales, AggregateOptions::default()),
    ///               aggregate(&shuffled, &g.scales, AggregateOptions::default()));
    /// assert_eq!(x.cells(Level::Region).len(), y.cells(Level::Region).len());
    /// ```
    pub fn replay_into<F>(
        &self,
        builder: &mut DatasetBuilder,
        mut order: F,
    ) -> Result<(), DataError>
    where
        F: FnMut(TableName, usize) -> Vec<usize>,
    {
        for table in TableName::ALL {
            let rows = order(table, self.table_len(table));
            self.replay_table(table, builder, &rows)?;
        }
        Ok(())
    }

    /// Number of stored rows of `table`.
    fn table_len(&self, table: TableName) -> usize {
        match table {
            TableName::Municipalities => self.municipalities.len(),
            TableName::Schools => self.schools.len(),
            TableName::Classes => self.classes.len(),
            TableName::Teachers => self.teachers.len(),
            TableName::Assignments => self.assignments.len(),
            TableName::Students => self.students.len(),
            TableName::Procedures => self.procedures.len(),
            TableName::Results => self.results.len(),
            TableName::Marks => self.marks.len(),
            TableName::Trainings => self.trainings.len(),
            TableName::CompetencyTests => self.competency_tests.len(),
            TableName::MukoEvidence => self.muko_evidence.len(),
        }
    }

    /// Feeds rows `rows` of `table` into `b`.
    fn replay_table(
        &self,
        table: TableName,
        b: &mut DatasetBuilder,
        rows: &[usize],
    ) -> Result<(), DataError> {
        let school = |i: u32| self.schools[i as usize].id.clone();
        let teacher = |i: u32| self.teachers[i as usize].id.clone();
        let class = |i: u32| self.classes[i as usize].id.as_str();
        let subject = |i: u32| self.subjects.name(i);
        let st = &self.students;
        match table {
            TableName::Municipalities => {
                for &i in rows {
                    let m = &self.municipalities[i];
                    b.add_municipality(MunicipalityRow {
                        id: m.id.clone(),
                        name: m.name.clone(),
                    })?;
                }
            }
            TableName::Schools => {
                for &i in rows {
                    let s = &self.schools[i];
                    let context = self
                        .context_fields
                        .iter()
                        .cloned()
                        .zip(s.context.iter().copied())
                        .collect();
                    b.add_school(SchoolRow {
                        id: s.id.clone(),
                        name: s.name.clone(),
                        municipality: self.municipalities[s.municipality as usize].id.clone(),
                        kind: s.kind,
                        rural: s.rural,
                        context,
                    })?;
                }
            }
            TableName::Classes => {
                for &i in rows {
                    let c = &self.classes[i];
                    b.add_class(ClassRow {
                        id: c.id.clone(),
                        school: school(c.school),
                        grade: c.grade,
                        name: c.name.clone(),
                    })?;
                }
            }
            TableName::Teachers => {
                for &i in rows {
                    let t = &self.teachers[i];
                    b.add_teacher(TeacherRow {
                        id: t.id.clone(),
                        school: school(t.school),
                        category: t.category.clone(),
                    })?;
                }
            }
            TableName::Assignments => {
                for &i in rows {
                    let a = self.assignments[i];
                    b.add_assignment(AssignmentRow {
                        teacher: teacher(a.teacher),
                        class: class(a.class).to_owned(),
                        subject: subject(a.subject).to_owned(),
                    })?;
                }
            }
            TableName::Students => {
                for &i in rows {
                    b.add_student(StudentRow {
                        id: st.id(i as u32),
                        class: class(st.class[i]),
                        attestat: st.attestat[i],
                        honours: st.honours[i],
                        olympiad: st.olympiad[i],
                        attendance: st.attendance[i],
                    })?;
                }
            }
            TableName::Procedures => {
                for &i in rows {
                    b.add_procedure(self.procedures[i].clone())?;
                }
            }
            TableName::Results => {
                let r = &self.results;
                let mut tasks: Vec<u32> = Vec::new();
                for &i in rows {
                    tasks.clear();
                    tasks.extend(r.task_scores(i).iter().map(|&s| u32::from(s)));
                    b.add_result(ResultRow {
                        student: st.id(r.student[i]),
                        procedure: &self.procedures[r.procedure[i] as usize].id,
                        class: Some(class(r.class[i])),
                        primary_score: r.score(i).map(u32::from),
                        task_scores: (!tasks.is_empty()).then_some(&tasks[..]),
                        mark: r.mark(i).map(u32::from),
                        test_score: r.test_score(i).map(u32::from),
                    })?;
                }
            }
            TableName::Marks => {
                let m = &self.marks;
                for &i in rows {
                    b.add_mark(MarkRow {
                        student: st.id(m.student[i]),
                        subject: subject(m.subject[i]),
                        year: m.year(i),
                        period: m.period(i),
                        mark: m.value(i).as_text(),
                    })?;
                }
            }
            TableName::Trainings => {
                for &i in rows {
                    let t = &self.trainings[i];
                    b.add_training(TrainingRow {
                        teacher: teacher(t.teacher),
                        date: t.date,
                        topic: t.topic.clone(),
                        assessment: t.assessment,
                    })?;
                }
            }
            TableName::CompetencyTests => {
                for &i in rows {
                    let c = &self.competency_tests[i];
                    b.add_competency_test(CompetencyTestRow {
                        teacher: teacher(c.teacher),
                        date: c.date,
                        subject: subject(c.subject).to_owned(),
                        score: c.score,
                        max_score: c.max_score,
                    })?;
                }
            }
            TableName::MukoEvidence => {
                for &i in rows {
                    let e = &self.muko_evidence[i];
                    b.add_muko_evidence(MukoEvidenceRow {
                        school: school(e.school),
                        direction: e.direction.clone(),
                        component: e.component.clone(),
                        status: e.status,
                        link: e.link.clone(),
                    })?;
                }
            }
        }
        Ok(())
    }
}

/// A row order for [`Dataset::replay_into`]: each table's rows in a pseudo-random order
/// fixed by `seed` and the table (Fisher–Yates driven by a 64-bit LCG), for tests that
/// results do not depend on row order. Different seeds give different orders.
///
/// ```
/// use oko::{TableName, shuffled_order};
/// let order = shuffled_order(3);
/// let mut rows = order(TableName::Results, 10);
/// assert_eq!(rows, order(TableName::Results, 10)); // deterministic
/// assert_ne!(rows, order(TableName::Marks, 10)); // each table its own order
/// rows.sort();
/// assert_eq!(rows, (0..10).collect::<Vec<_>>()); // a permutation
/// ```
pub fn shuffled_order(seed: u64) -> impl Fn(TableName, usize) -> Vec<usize> + Copy {
    move |table, n| {
        let mut idx: Vec<usize> = (0..n).collect();
        // SplitMix64 of (seed, table), so that neighbouring seeds and tables differ.
        let mut z = seed
            .wrapping_add((table as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        let mut x = (z ^ (z >> 31)) | 1;
        for i in (1..n).rev() {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            idx.swap(i, (x >> 33) as usize % (i + 1));
        }
        idx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{GeneratorConfig, generate};

    fn names(i: &Interner) -> Vec<&str> {
        i.names().collect()
    }

    /// Every field of two datasets, compared one by one. The destructuring lists every
    /// field (no `..`), so a table added to `Dataset` does not compile here until it is
    /// compared; `non_empty` asks the original to hold rows in every table, so the
    /// comparison means something.
    fn assert_same(a: &Dataset, b: &Dataset, non_empty: bool) {
        for t in TableName::ALL {
            assert_eq!(a.table_len(t), b.table_len(t), "rows of {t}");
        }
        let Dataset {
            municipality_ids,
            municipalities,
            school_ids,
            schools,
            context_fields,
            class_ids,
            classes,
            grades,
            teacher_ids,
            teachers,
            assignments,
            subjects,
            students,
            procedure_ids,
            procedures,
            procedure_subject,
            results,
            marks,
            trainings,
            competency_tests,
            muko_evidence,
            rejected,
        } = a;
        assert_eq!(names(municipality_ids), names(&b.municipality_ids));
        assert_eq!(municipalities, &b.municipalities);
        assert_eq!(names(school_ids), names(&b.school_ids));
        assert_eq!(schools, &b.schools);
        assert_eq!(context_fields, &b.context_fields);
        assert_eq!(names(class_ids), names(&b.class_ids));
        assert_eq!(classes, &b.classes);
        assert_eq!(grades, &b.grades);
        assert_eq!(names(teacher_ids), names(&b.teacher_ids));
        assert_eq!(teachers, &b.teachers);
        assert_eq!(assignments, &b.assignments);
        assert_eq!(names(subjects), names(&b.subjects));
        assert_eq!(names(procedure_ids), names(&b.procedure_ids));
        assert_eq!(procedures, &b.procedures);
        assert_eq!(procedure_subject, &b.procedure_subject);
        assert_eq!(trainings, &b.trainings);
        assert_eq!(competency_tests, &b.competency_tests);
        assert_eq!(muko_evidence, &b.muko_evidence);
        assert_eq!(rejected, &b.rejected);

        let Students {
            ids,
            class,
            attestat,
            honours,
            olympiad,
            attendance,
        } = students;
        let s = &b.students;
        assert_eq!(names(ids), names(&s.ids));
        assert_eq!(
            (class, attestat, honours, olympiad, attendance),
            (
                &s.class,
                &s.attestat,
                &s.honours,
                &s.olympiad,
                &s.attendance
            )
        );

        let Results {
            student,
            class,
            procedure,
            score,
            mark,
            test_score,
            task_start,
            task_scores,
        } = results;
        let r = &b.results;
        assert_eq!(
            (student, class, procedure, score, mark),
            (&r.student, &r.class, &r.procedure, &r.score, &r.mark)
        );
        assert_eq!(
            (test_score, task_start, task_scores),
            (&r.test_score, &r.task_start, &r.task_scores)
        );

        let Marks {
            student,
            subject,
            year,
            period,
            value,
        } = marks;
        let m = &b.marks;
        assert_eq!(
            (student, subject, year, period, value),
            (&m.student, &m.subject, &m.year, &m.period, &m.value)
        );

        if non_empty {
            for t in TableName::ALL {
                assert!(a.table_len(t) > 0, "the generator left {t} empty");
            }
            assert!(!context_fields.is_empty() && !task_scores.is_empty());
        }
    }

    fn replayed(ds: &Dataset, order: impl FnMut(TableName, usize) -> Vec<usize>) -> Dataset {
        let mut b = DatasetBuilder::new(Policy::Strict);
        ds.replay_into(&mut b, order).unwrap();
        for t in TableName::ALL {
            assert_eq!(b.rows_seen(t), ds.table_len(t) as u64, "{t}");
        }
        b.build().unwrap()
    }

    #[test]
    fn a_replay_in_the_original_order_gives_the_same_dataset_in_every_table() {
        let g = generate(&GeneratorConfig::tiny(4));
        let again = replayed(&g.dataset, |_, n| (0..n).collect());
        assert_same(&g.dataset, &again, true);
    }

    #[test]
    fn a_shuffled_replay_holds_the_same_rows_in_another_order() {
        let g = generate(&GeneratorConfig::tiny(4));
        let shuffled = replayed(&g.dataset, shuffled_order(5));
        let (a, b) = (&g.dataset.students.ids, &shuffled.students.ids);
        assert_ne!(names(a), names(b));
        let sorted = |i: &Interner| {
            let mut v: Vec<String> = i.names().map(str::to_owned).collect();
            v.sort();
            v
        };
        assert_eq!(sorted(a), sorted(b));
        for t in TableName::ALL {
            assert_eq!(shuffled.table_len(t), g.dataset.table_len(t), "{t}");
        }
    }

    #[test]
    fn a_refused_row_stops_the_replay_with_its_error() {
        let g = generate(&GeneratorConfig::tiny(4));
        let mut b = DatasetBuilder::new(Policy::Strict);
        g.dataset
            .replay_into(&mut b, |_, n| (0..n).collect())
            .unwrap();
        // Again into the same builder: the first municipality is a duplicate.
        let e = g
            .dataset
            .replay_into(&mut b, |_, n| (0..n).collect())
            .unwrap_err();
        assert_eq!(e.code(), "data.duplicate_id");
        assert_eq!(e.location.table, TableName::Municipalities);
        assert_eq!(
            b.rows_seen(TableName::Schools),
            g.dataset.schools.len() as u64
        );
    }
}
