//! A deterministic synthetic district or region with known anomalies planted, for demos,
//! tests of detection quality and benchmarks. Same config and seed, same data, on every
//! machine (ChaCha8 stream, no floating-point state carried across platforms beyond f64
//! arithmetic, which is IEEE-exact for the operations used).
//!
//! Model: each student has a latent ability θ = school effect + class effect + noise; each
//! task has a difficulty; a task's score is a sum of Bernoulli trials with success
//! probability σ(θ − difficulty). Marks come from the same scales the shipped rules use.
//! Anomalies shift the parts of this model that the real phenomena shift (see [`Anomaly`]).

use crate::dataset::*;
use crate::date::Date;
use crate::mark::Mark;
use crate::procedure::{AcademicYear, Period, Procedure, ProcedureKind, Task};
use crate::scale::{GroupCondition, Scale, ScaleSet};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Sizes, seed and anomaly rates of a generated region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratorConfig {
    /// Random seed.
    pub seed: u64,
    /// Municipalities.
    pub municipalities: u32,
    /// Schools.
    pub schools: u32,
    /// Students in all (spread over schools and grades).
    pub students: u32,
    /// Current academic year (the previous one gets grade-4 history for cohort checks).
    pub year: u16,
    /// Add trial exams for grades 9 and 11 (two per subject, for the risk group).
    pub trials: bool,
    /// Add last year's grade-4 ВПР, written by the current grade 5 (for cohort checks).
    pub history: bool,
    /// Record per-task scores for ВПР and ОГЭ.
    pub task_scores: bool,
    /// Share of schools with inflated external (grade-4 ВПР) results.
    pub inflated_external: f64,
    /// Share of schools that helped with hard ВПР tasks.
    pub helped_hard_tasks: f64,
    /// Share of schools with scores heaped just above the mark-3 and mark-4 boundaries.
    pub heaping: f64,
    /// Share of schools with inflated journal marks.
    pub inflated_internal: f64,
    /// Share of schools with low results (seed 001).
    pub low_results: f64,
    /// Share of grade 9 and 11 students planted at risk before ГИА.
    pub at_risk: f64,
    /// Share of teachers planted with professional deficits.
    pub teacher_deficit: f64,
}

impl GeneratorConfig {
    /// The embedded sample district of `oko demo`: 3 municipalities, 24 schools,
    /// about 6,000 students.
    pub fn district(seed: u64) -> Self {
        GeneratorConfig {
            seed,
            municipalities: 3,
            schools: 24,
            students: 6_000,
            ..Self::region(seed)
        }
    }

    /// A region: 40 municipalities, 2,000 schools, 1,000,000 students.
    pub fn region(seed: u64) -> Self {
        GeneratorConfig {
            seed,
            municipalities: 40,
            schools: 2_000,
            students: 1_000_000,
            year: 2025,
            trials: true,
            history: true,
            task_scores: true,
            inflated_external: 0.06,
            helped_hard_tasks: 0.05,
            heaping: 0.05,
            inflated_internal: 0.06,
            low_results: 0.08,
            at_risk: 0.06,
            teacher_deficit: 0.05,
        }
    }

    /// A tiny dataset for unit tests: 2 municipalities, 6 schools, 600 students.
    pub fn tiny(seed: u64) -> Self {
        GeneratorConfig {
            seed,
            municipalities: 2,
            schools: 6,
            students: 600,
            ..Self::region(seed)
        }
    }
}

/// A planted anomaly of a school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anomaly {
    /// Grade-4 ВПР results inflated (θ + 1.2 on the test): above the region, higher than the
    /// journal marks, not backed by ГИА, and above the same students' grade-5 results.
    InflatedExternal,
    /// Hard ВПР tasks solved far more often than the students' ability predicts.
    HelpedHardTasks,
    /// ВПР and ОГЭ scores one or two points below a mark boundary raised to it.
    Heaping,
    /// Journal marks one above the earned mark for most students.
    InflatedInternal,
    /// School effect −1.1: results well below the municipality on every procedure.
    LowResults,
}

/// What was planted, to score detection against.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroundTruth {
    /// Schools (ids) with their planted anomalies.
    pub schools: Vec<(String, Vec<Anomaly>)>,
    /// Students (ids) planted at risk before ГИА.
    pub students_at_risk: Vec<String>,
    /// Teachers (ids) planted with professional deficits.
    pub teachers_with_deficit: Vec<String>,
}

/// A generated dataset with the scales its marks come from and the ground truth.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The data.
    pub dataset: Dataset,
    /// Scales and minimum scores used.
    pub scales: ScaleSet,
    /// What was planted.
    pub truth: GroundTruth,
}

const MUNICIPALITY_NAMES: [&str; 40] = [
    "Заречный",
    "Октябрьский",
    "Северный",
    "Приозёрный",
    "Лесной",
    "Каменский",
    "Сосновский",
    "Берёзовский",
    "Горный",
    "Речной",
    "Южный",
    "Восточный",
    "Западный",
    "Полевой",
    "Луговой",
    "Кедровый",
    "Ольховский",
    "Михайловский",
    "Покровский",
    "Троицкий",
    "Никольский",
    "Успенский",
    "Тихий",
    "Светлый",
    "Озёрный",
    "Степной",
    "Дубравный",
    "Вишнёвый",
    "Рябиновый",
    "Ясный",
    "Зелёный",
    "Солнечный",
    "Новый",
    "Старый",
    "Верхний",
    "Нижний",
    "Дальний",
    "Ближний",
    "Красный",
    "Белый",
];

/// The scales the generator (and the shipped rules) use, with their tasks.
/// Returns (scale, tasks with max scores and groups).
pub(crate) fn builtin_scales() -> Vec<(ProcedureKind, &'static str, u8, Scale, Vec<Task>)> {
    let task = |max: u16, group: Option<&str>| Task {
        max_score: max,
        group: group.map(str::to_owned),
    };
    let tasks = |maxes: &[u16]| maxes.iter().map(|&m| task(m, None)).collect::<Vec<_>>();
    let geometry = GroupCondition {
        from_mark: Mark::new(3).expect("3"),
        group: "geometry".into(),
        min_points: 2,
    };
    let s = |id: &str, max: u16, bands: &[(u8, u16, u16)], cond: Vec<GroupCondition>| {
        Scale::from_bands(id, max, bands, cond).expect("builtin scale")
    };
    let mut oge_math = tasks(&[1; 16]);
    oge_math.extend([
        task(1, Some("geometry")),
        task(1, Some("geometry")),
        task(1, Some("geometry")),
    ]);
    oge_math.extend([task(2, None), task(2, None), task(2, None)]);
    oge_math.extend([
        task(2, Some("geometry")),
        task(2, Some("geometry")),
        task(2, Some("geometry")),
    ]);
    vec![
        (
            ProcedureKind::Vpr,
            "russian",
            4,
            s(
                "vpr-russian-4",
                24,
                &[(2, 0, 9), (3, 10, 15), (4, 16, 20), (5, 21, 24)],
                vec![],
            ),
            tasks(&[3, 3, 2, 2, 2, 2, 1, 1, 2, 2, 2, 2]),
        ),
        (
            ProcedureKind::Vpr,
            "math",
            4,
            s(
                "vpr-math-4",
                20,
                &[(2, 0, 5), (3, 6, 9), (4, 10, 14), (5, 15, 20)],
                vec![],
            ),
            tasks(&[1, 1, 1, 1, 1, 1, 2, 1, 2, 2, 2, 1, 2, 2]),
        ),
        (
            ProcedureKind::Vpr,
            "russian",
            5,
            s(
                "vpr-russian-5",
                45,
                &[(2, 0, 17), (3, 18, 28), (4, 29, 38), (5, 39, 45)],
                vec![],
            ),
            tasks(&[9, 3, 3, 3, 2, 2, 2, 3, 3, 3, 4, 4, 4]),
        ),
        (
            ProcedureKind::Vpr,
            "math",
            5,
            s(
                "vpr-math-5",
                20,
                &[(2, 0, 6), (3, 7, 11), (4, 12, 16), (5, 17, 20)],
                vec![],
            ),
            tasks(&[1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 2, 2, 3]),
        ),
        (
            ProcedureKind::Oge,
            "russian",
            9,
            s(
                "oge-russian",
                33,
                &[(2, 0, 10), (3, 11, 22), (4, 23, 28), (5, 29, 33)],
                vec![],
            ),
            tasks(&[7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2]),
        ),
        (
            ProcedureKind::Oge,
            "math",
            9,
            s(
                "oge-math",
                31,
                &[(2, 0, 7), (3, 8, 14), (4, 15, 21), (5, 22, 31)],
                vec![geometry],
            ),
            oge_math,
        ),
        (
            ProcedureKind::Ege,
            "russian",
            11,
            s(
                "ege-russian",
                50,
                &[(2, 0, 9), (3, 10, 29), (4, 30, 40), (5, 41, 50)],
                vec![],
            ),
            vec![],
        ),
        (
            ProcedureKind::Ege,
            "math",
            11,
            s(
                "ege-math",
                32,
                &[(2, 0, 5), (3, 6, 13), (4, 14, 21), (5, 22, 32)],
                vec![],
            ),
            vec![],
        ),
    ]
}

/// A test score 0..=100 for a primary score of an ЕГЭ with maximum `max`: a concave map like
/// the official tables (steep at the bottom, flat in the middle).
fn ege_test_score(primary: u16, max: u16) -> u16 {
    let x = f64::from(primary) / f64::from(max);
    (100.0 * x.powf(0.75)).round() as u16
}

struct Rand(ChaCha8Rng);

impl Rand {
    fn uniform(&mut self) -> f64 {
        self.0.random::<f64>()
    }
    fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
    /// Standard normal by Box–Muller.
    fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-12);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
    fn below(&mut self, n: u32) -> u32 {
        self.0.random_range(0..n)
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

struct SchoolPlan {
    effect: f64,
    anomalies: Vec<Anomaly>,
}

/// Generates a region from `config`.
///
/// ```
/// let g = oko::generate(&oko::GeneratorConfig::tiny(7));
/// assert_eq!(g.dataset.schools().len(), 6);
/// assert!(g.dataset.results().len() > 600);
/// // Deterministic: the same seed gives the same data.
/// let again = oko::generate(&oko::GeneratorConfig::tiny(7));
/// assert_eq!(g.dataset.results().student(), again.dataset.results().student());
/// ```
pub fn generate(config: &GeneratorConfig) -> Generated {
    let mut rng = Rand(ChaCha8Rng::seed_from_u64(config.seed));
    let mut b = DatasetBuilder::new(Policy::Strict);
    let mut truth = GroundTruth::default();
    let year = AcademicYear(config.year);
    let specs = builtin_scales();
    let mut scales = ScaleSet::default();
    for (_, _, _, s, _) in &specs {
        scales.insert(s.clone());
    }
    for y in [year.prev(), year] {
        scales.minimums.insert(y, "attestat", "russian", 24);
        scales.minimums.insert(y, "attestat", "math", 27);
        scales.minimums.insert(y, "high", "russian", 81);
        scales.minimums.insert(y, "high", "math", 81);
    }

    let n_mun = config.municipalities.clamp(1, 40);
    for m in 0..n_mun {
        let _ = b.add_municipality(MunicipalityRow {
            id: format!("M{:02}", m + 1),
            name: MUNICIPALITY_NAMES[m as usize].into(),
        });
    }

    // Schools, their context and planted anomalies.
    let n_schools = config.schools.max(1);
    let mut plans = Vec::with_capacity(n_schools as usize);
    for s in 0..n_schools {
        let id = format!("S{:04}", s + 1);
        let kind = match rng.below(100) {
            0..=4 => SchoolKind::Lyceum,
            5..=8 => SchoolKind::Gymnasium,
            _ => SchoolKind::Regular,
        };
        let rural = rng.chance(0.35);
        let low_income =
            (12.0 + 8.0 * rng.normal() + if rural { 8.0 } else { 0.0 }).clamp(0.0, 70.0);
        let special_needs = (6.0 + 3.0 * rng.normal()).clamp(0.0, 40.0);
        let non_native = (5.0 + 6.0 * rng.normal().abs()).clamp(0.0, 60.0);
        let single_parent = (18.0 + 6.0 * rng.normal()).clamp(0.0, 60.0);
        let parents_higher_ed =
            (45.0 + 15.0 * rng.normal() - if rural { 15.0 } else { 0.0 }).clamp(2.0, 95.0);
        let mut effect =
            -0.012 * (low_income - 12.0) + 0.006 * (parents_higher_ed - 45.0) + 0.15 * rng.normal();
        if kind.is_selective() {
            effect += 0.3;
        }
        let mut anomalies = Vec::new();
        for (rate, a) in [
            (config.low_results, Anomaly::LowResults),
            (config.inflated_external, Anomaly::InflatedExternal),
            (config.helped_hard_tasks, Anomaly::HelpedHardTasks),
            (config.heaping, Anomaly::Heaping),
            (config.inflated_internal, Anomaly::InflatedInternal),
        ] {
            if rng.chance(rate) {
                anomalies.push(a);
            }
        }
        if anomalies.contains(&Anomaly::LowResults) {
            effect -= 1.1;
            anomalies.retain(|a| *a == Anomaly::LowResults); // keep each school's story simple
        }
        // One decimal place, written exactly (from_f64 would keep the binary tail of 0.1).
        let dec = |x: f64| {
            format!("{x:.1}")
                .parse::<Decimal>()
                .ok()
                .map(|d| d.normalize())
        };
        let _ = b.add_school(SchoolRow {
            id: id.clone(),
            name: match kind {
                SchoolKind::Lyceum => format!("Лицей № {}", s + 1),
                SchoolKind::Gymnasium => format!("Гимназия № {}", s + 1),
                _ => format!("СОШ № {}", s + 1),
            },
            municipality: format!("M{:02}", s % n_mun + 1),
            kind,
            rural: Some(rural),
            context: vec![
                ("low_income".into(), dec(low_income)),
                ("special_needs".into(), dec(special_needs)),
                ("non_native".into(), dec(non_native)),
                ("single_parent".into(), dec(single_parent)),
                ("parents_higher_ed".into(), dec(parents_higher_ed)),
            ],
        });
        if !anomalies.is_empty() {
            truth.schools.push((id, anomalies.clone()));
        }
        plans.push(SchoolPlan { effect, anomalies });
    }

    // Procedures: this year's eight, last year's grade-4 ВПР (the current grade 5 wrote it),
    // and trial exams for grades 9 and 11.
    let mut procs: Vec<(String, usize, AcademicYear)> = Vec::new(); // id, spec index, year
    for (i, (kind, subject, grade, scale, tasks)) in specs.iter().enumerate() {
        let mut years = vec![year];
        if config.history && *kind == ProcedureKind::Vpr && *grade == 4 {
            years.insert(0, year.prev());
        }
        for y in years {
            let id = format!("{}-{}-{}-{}", kind.as_str(), subject, grade, y.0);
            let month = match kind {
                ProcedureKind::Vpr => 4,
                _ => 6,
            };
            let _ = b.add_procedure(Procedure {
                id: id.clone(),
                kind: *kind,
                subject: (*subject).into(),
                grade: *grade,
                year: y,
                date: Date::new(y.0 + 1, month, 15),
                max_score: scale.max_score(),
                tasks: if config.task_scores {
                    tasks.clone()
                } else {
                    vec![]
                },
                scale: Some(scale.id().into()),
            });
            procs.push((id, i, y));
        }
        if config.trials && kind.is_gia() {
            for (t, (yr, month)) in [(year.0, 12), (year.0 + 1, 3)].into_iter().enumerate() {
                let id = format!("trial{}-{}-{}-{}", t + 1, subject, grade, year.0);
                let _ = b.add_procedure(Procedure {
                    id: id.clone(),
                    kind: ProcedureKind::Trial,
                    subject: (*subject).into(),
                    grade: *grade,
                    year,
                    date: Date::new(yr, month, 10),
                    max_score: scale.max_score(),
                    tasks: vec![],
                    scale: Some(scale.id().into()),
                });
                procs.push((id, i, year));
            }
        }
    }

    // Classes, teachers and students.
    let grades: [u8; 4] = [4, 5, 9, 11];
    let per_school = (config.students / n_schools).max(1);
    let mut student_no = 0u32;
    let mut results_buf: Vec<u32> = Vec::new();
    for (s, plan) in plans.iter().enumerate() {
        let school_id = format!("S{:04}", s + 1);
        // Teachers: one per subject per grade, so a deficit shows in that teacher's classes.
        let mut teacher_effect = Vec::new();
        for (gi, _) in grades.iter().enumerate() {
            for subject in ["russian", "math"] {
                let tid = format!("{school_id}-T{}{}", gi + 1, &subject[..1]);
                let deficit = rng.chance(config.teacher_deficit);
                let category =
                    ["высшая", "первая", "соответствие", "без категории"][rng.below(4) as usize];
                let _ = b.add_teacher(TeacherRow {
                    id: tid.clone(),
                    school: school_id.clone(),
                    category: Some(category.into()),
                });
                let years_ago = if deficit {
                    4 + rng.below(3)
                } else {
                    rng.below(3)
                };
                let trained = Date::new(
                    config.year + 1 - years_ago as u16,
                    1 + rng.below(8) as u8,
                    10,
                )
                .expect("date");
                let _ = b.add_training(TrainingRow {
                    teacher: tid.clone(),
                    date: trained,
                    topic: "Повышение квалификации".into(),
                    assessment: rng.chance(0.4),
                });
                let score = if deficit {
                    30 + rng.below(25)
                } else {
                    55 + rng.below(45)
                };
                let _ = b.add_competency_test(CompetencyTestRow {
                    teacher: tid.clone(),
                    date: Date::new(config.year + 1, 2, 1).expect("date"),
                    subject: subject.into(),
                    score: Decimal::from(score),
                    max_score: Decimal::ONE_HUNDRED,
                });
                if deficit {
                    truth.teachers_with_deficit.push(tid.clone());
                }
                teacher_effect.push((tid, subject, if deficit { -0.8 } else { 0.0 }));
            }
        }
        let per_grade = per_school / grades.len() as u32;
        for (gi, &grade) in grades.iter().enumerate() {
            let n_classes = per_grade.div_ceil(28).max(1);
            for c in 0..n_classes {
                let letter = ['А', 'Б', 'В', 'Г', 'Д', 'Е', 'Ж', 'З', 'И', 'К'][c as usize % 10];
                let class_id = format!(
                    "{school_id}-{grade}{letter}{}",
                    if c >= 10 {
                        (c / 10).to_string()
                    } else {
                        String::new()
                    }
                );
                let _ = b.add_class(ClassRow {
                    id: class_id.clone(),
                    school: school_id.clone(),
                    grade,
                    name: format!("{grade}{letter}"),
                });
                for (tid, subject, _) in &teacher_effect[gi * 2..gi * 2 + 2] {
                    let _ = b.add_assignment(AssignmentRow {
                        teacher: tid.clone(),
                        class: class_id.clone(),
                        subject: (*subject).into(),
                    });
                }
                let class_effect = 0.1 * rng.normal();
                let size = per_grade / n_classes + u32::from(c < per_grade % n_classes);
                for _ in 0..size {
                    student_no += 1;
                    let sid = format!("P{student_no:07}");
                    let at_risk = (grade == 9 || grade == 11) && rng.chance(config.at_risk);
                    let theta = if at_risk {
                        -2.6 + 0.3 * rng.normal()
                    } else {
                        (plan.effect + class_effect + 0.85 * rng.normal()).max(plan.effect - 1.6)
                    };
                    if at_risk {
                        truth.students_at_risk.push(sid.clone());
                    }
                    let graduate = grade == 9 || grade == 11;
                    let olympiad = {
                        let p = sigmoid(theta * 1.5 - 1.5);
                        if rng.chance(p) {
                            if rng.chance(sigmoid(theta * 2.0 - 4.0)) {
                                if rng.chance(0.3) {
                                    Olympiad::Winner
                                } else {
                                    Olympiad::PrizeWinner
                                }
                            } else {
                                Olympiad::Participant
                            }
                        } else {
                            Olympiad::None
                        }
                    };
                    let attendance = if at_risk {
                        62.0 + 10.0 * rng.normal()
                    } else {
                        93.0 + 4.0 * rng.normal()
                    };
                    let _ = b.add_student(StudentRow {
                        id: &sid,
                        class: &class_id,
                        attestat: graduate.then(|| !(at_risk && rng.chance(0.5))),
                        honours: graduate.then(|| theta > 1.6 && rng.chance(0.5)),
                        olympiad: Some(olympiad),
                        attendance: Decimal::from_f64_retain(attendance.clamp(20.0, 100.0).round()),
                    });
                    // Results and marks per subject.
                    for (tid, subject, t_effect) in &teacher_effect[gi * 2..gi * 2 + 2] {
                        let _ = tid;
                        let theta_s = theta + t_effect + 0.3 * rng.normal();
                        let mut earned = None;
                        for (pid, spec_i, y) in &procs {
                            let (kind, subj, pgrade, scale, tasks) = &specs[*spec_i];
                            if subj != subject {
                                continue;
                            }
                            let is_trial = pid.starts_with("trial");
                            // This year's procedure of this grade, or last year's grade-4 ВПР for grade 5.
                            let takes = (*pgrade == grade && *y == year)
                                || (grade == 5 && *pgrade == 4 && *y == year.prev());
                            if !takes {
                                continue;
                            }
                            let mut th = theta_s;
                            if *kind == ProcedureKind::Vpr
                                && *pgrade == 4
                                && plan.anomalies.contains(&Anomaly::InflatedExternal)
                            {
                                th += 1.2;
                            }
                            if is_trial {
                                // Trials come before the exam: at-risk students decline between them.
                                th -= if at_risk {
                                    if pid.starts_with("trial2") { 0.6 } else { 0.2 }
                                } else {
                                    0.1
                                };
                            }
                            let hard_help = *kind == ProcedureKind::Vpr
                                && plan.anomalies.contains(&Anomaly::HelpedHardTasks);
                            let task_list = if tasks.is_empty() {
                                vec![Task {
                                    max_score: scale.max_score(),
                                    group: None,
                                }]
                            } else {
                                tasks.clone()
                            };
                            results_buf.clear();
                            let n_tasks = task_list.len();
                            for (j, t) in task_list.iter().enumerate() {
                                // Difficulty rises with the task number, as in real papers.
                                let difficulty =
                                    -1.2 + 2.6 * j as f64 / n_tasks.max(2) as f64 - 0.3;
                                let mut p = sigmoid(1.3 * (th - difficulty));
                                if hard_help && j * 3 >= n_tasks * 2 {
                                    p = p.max(0.85);
                                }
                                let pts = (0..t.max_score).filter(|_| rng.chance(p)).count() as u32;
                                results_buf.push(pts);
                            }
                            let mut primary: u32 = results_buf.iter().sum();
                            if plan.anomalies.contains(&Anomaly::Heaping)
                                && kind.is_external()
                                && *kind != ProcedureKind::Ege
                            {
                                for m in [3u8, 4] {
                                    let bnd = u32::from(scale.min_score_for(m).unwrap_or(0));
                                    if primary + 2 >= bnd && primary < bnd && rng.chance(0.8) {
                                        // Raise the last tasks that have room, up to the boundary.
                                        let mut need = bnd - primary;
                                        for (k, t) in task_list.iter().enumerate().rev() {
                                            let room = u32::from(t.max_score) - results_buf[k];
                                            let add = room.min(need);
                                            results_buf[k] += add;
                                            need -= add;
                                            if need == 0 {
                                                break;
                                            }
                                        }
                                        primary = results_buf.iter().sum();
                                    }
                                }
                            }
                            let ege = *kind == ProcedureKind::Ege;
                            let groups = |g: &str| -> Option<u16> {
                                Some(
                                    task_list
                                        .iter()
                                        .zip(&results_buf)
                                        .filter(|(t, _)| t.group.as_deref() == Some(g))
                                        .map(|(_, &s)| s as u16)
                                        .sum(),
                                )
                            };
                            let mark = scale
                                .mark(primary as u16, groups)
                                .map(|m| u32::from(m.get()));
                            let with_tasks = config.task_scores && !tasks.is_empty() && !is_trial;
                            let _ = b.add_result(ResultRow {
                                student: &sid,
                                procedure: pid,
                                class: None,
                                primary_score: Some(primary),
                                task_scores: with_tasks.then_some(results_buf.as_slice()),
                                mark: if ege { None } else { mark },
                                test_score: ege.then(|| {
                                    u32::from(ege_test_score(primary as u16, scale.max_score()))
                                }),
                            });
                            if *y == year && !is_trial && !ege {
                                earned = mark;
                            }
                        }
                        // Journal marks: the earned mark blurred by one now and then; inflated
                        // schools give one more for most students.
                        let base = earned
                            .map(|m| m as f64)
                            .unwrap_or_else(|| (3.6 + 0.9 * theta_s).clamp(2.0, 5.0).round());
                        let mut journal = base
                            + if rng.chance(0.25) {
                                if rng.chance(0.5) { 1.0 } else { -1.0 }
                            } else {
                                0.0
                            };
                        if plan.anomalies.contains(&Anomaly::InflatedInternal) && rng.chance(0.65) {
                            journal += 1.0;
                        }
                        let journal = (journal.clamp(2.0, 5.0)) as u8;
                        for period in [Period::Term(3), Period::Year] {
                            let text = journal.to_string();
                            let _ = b.add_mark(MarkRow {
                                student: &sid,
                                subject,
                                year,
                                period,
                                mark: &text,
                            });
                        }
                    }
                }
            }
        }
    }
    let dataset = b
        .build()
        .unwrap_or_else(|e| panic!("generated data is invalid: {e}"));
    Generated {
        dataset,
        scales,
        truth,
    }
}
