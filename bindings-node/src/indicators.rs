//! `indicatorCatalogue()`: what each built-in indicator means, its formula and its source.

use crate::errors::guard;
use napi::Env;
use napi_derive::napi;
use oko::{Indicator, Source, Unit};

/// Catalogue entry of a built-in indicator.
#[napi(object, js_name = "IndicatorInfo", object_from_js = false)]
pub struct JsIndicatorInfo {
    /// Identifier used in rules and in `AggregateRow.indicator`, e.g. `quality_rate`.
    pub id: String,
    /// Russian name, e.g. «Качество знаний».
    pub name_ru: String,
    /// English name.
    pub name_en: String,
    /// `percent`, `mark`, `score` or `count`.
    #[napi(ts_type = "'percent' | 'mark' | 'score' | 'count'")]
    pub unit: String,
    /// The data it is computed from: `marks`, `scores`, `outcomes` or `staff`.
    #[napi(ts_type = "'marks' | 'scores' | 'outcomes' | 'staff'")]
    pub source: String,
    /// Formula.
    pub formula: String,
    /// Regulation or source the formula comes from.
    pub reference: String,
}

fn unit(u: Unit) -> &'static str {
    match u {
        Unit::Percent => "percent",
        Unit::Mark => "mark",
        Unit::Score => "score",
        Unit::Count => "count",
    }
}

fn source(s: Source) -> &'static str {
    match s {
        Source::Marks => "marks",
        Source::Scores => "scores",
        Source::Outcomes => "outcomes",
        Source::Staff => "staff",
    }
}

/// Every built-in indicator, in catalogue order.
#[napi]
pub fn indicator_catalogue(env: Env) -> napi::Result<Vec<JsIndicatorInfo>> {
    guard(&env, || {
        Ok(Indicator::ALL
            .iter()
            .map(|i| {
                let info = i.info();
                JsIndicatorInfo {
                    id: info.id.to_owned(),
                    name_ru: info.name_ru.to_owned(),
                    name_en: info.name_en.to_owned(),
                    unit: unit(info.unit).to_owned(),
                    source: source(info.source).to_owned(),
                    formula: info.formula.to_owned(),
                    reference: info.reference.to_owned(),
                }
            })
            .collect())
    })
}
