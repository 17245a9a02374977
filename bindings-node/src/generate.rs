//! `generate`: the deterministic synthetic district or region of the core, with the ground
//! truth of what was planted in it.

use crate::dataset::Dataset;
use crate::errors::{Failure, guard};
use crate::js;
use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use oko::GeneratorConfig;

/// Largest sizes `generate` accepts (the `region` preset is 2,000 schools and 1,000,000
/// students), so that a request cannot exhaust memory.
const MAX_SCHOOLS: u64 = 10_000;
const MAX_STUDENTS: u64 = 2_000_000;

/// A school with the anomalies planted in it.
#[napi(object, object_from_js = false)]
pub struct SchoolTruth {
    /// School id.
    pub id: String,
    /// `inflated_external`, `helped_hard_tasks`, `heaping`, `inflated_internal`,
    /// `low_results`.
    pub anomalies: Vec<String>,
}

/// What the generator planted, to score detection against.
#[napi(object, object_from_js = false)]
pub struct Truth {
    /// Schools with planted anomalies.
    pub schools: Vec<SchoolTruth>,
    /// Students (ids) planted at risk before the state exams.
    pub students_at_risk: Vec<String>,
    /// Teachers (ids) planted with professional deficits.
    pub teachers_with_deficit: Vec<String>,
}

/// A generated dataset and its ground truth.
#[napi(object, object_from_js = false)]
pub struct Generated {
    /// The data (marks are derived with the generator's own scales).
    pub dataset: Dataset,
    /// What was planted.
    pub truth: Truth,
}

/// An anomaly's snake_case name, as the core serialises it (the core does not export the
/// `Anomaly` type by name).
fn anomaly(a: &impl serde::Serialize) -> String {
    match serde_json::to_value(a) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "unknown".to_owned(),
    }
}

/// Generates a deterministic sample: `preset` `tiny` (6 schools, 600 students), `district`
/// (24 schools, about 6,000 students, the `oko demo` district) or `region` (2,000 schools,
/// 1,000,000 students); the same `seed` gives the same data everywhere. `schools`,
/// `students` and `municipalities` override the preset's sizes (at most 10,000 schools and
/// 2,000,000 students). Runs synchronously.
#[napi(ts_args_type = "options: GenerateOptions")]
pub fn generate(env: Env, options: Unknown<'_>) -> napi::Result<Generated> {
    guard(&env, || {
        let o = js::options(
            Some(options),
            "options",
            &["preset", "seed", "schools", "students", "municipalities"],
        )?
        .ok_or_else(|| Failure::argument("generate needs an options object with a preset", None))?;
        let seed = js::opt_uint(&o, "seed", "options")?.unwrap_or(1);
        let mut config = match js::opt_string(&o, "preset", "options")?.as_deref() {
            Some("tiny") => GeneratorConfig::tiny(seed),
            Some("district") => GeneratorConfig::district(seed),
            Some("region") => GeneratorConfig::region(seed),
            _ => {
                return Err(Failure::option(
                    "options.preset must be 'tiny', 'district' or 'region'",
                ));
            }
        };
        let size = |key: &str, max: u64| -> Result<Option<u32>, Failure> {
            match js::opt_uint(&o, key, "options")? {
                None => Ok(None),
                Some(n) if (1..=max).contains(&n) => Ok(Some(n as u32)),
                Some(_) => Err(Failure::option(format!("options.{key} must be 1..={max}"))),
            }
        };
        if let Some(n) = size("schools", MAX_SCHOOLS)? {
            config.schools = n;
        }
        if let Some(n) = size("students", MAX_STUDENTS)? {
            config.students = n;
        }
        if let Some(n) = size("municipalities", 40)? {
            config.municipalities = n;
        }
        let g = oko::generate(&config);
        Ok(Generated {
            dataset: Dataset::new(g.dataset, g.scales),
            truth: Truth {
                schools: g
                    .truth
                    .schools
                    .into_iter()
                    .map(|(id, a)| SchoolTruth {
                        id,
                        anomalies: a.iter().map(anomaly).collect(),
                    })
                    .collect(),
                students_at_risk: g.truth.students_at_risk,
                teachers_with_deficit: g.truth.teachers_with_deficit,
            },
        })
    })
}
