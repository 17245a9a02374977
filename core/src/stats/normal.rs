//! Standard normal quantile, to turn a configured confidence level into the z of an interval.
//!
//! Why: thresholds are configurable (DOMAIN.md), so a rule may ask for a 90% or 99% Wilson
//! interval rather than the usual 95% (z = 1.96). The quantile is Wichura's algorithm AS 241
//! (PPND16, Applied Statistics 37(3), 477–484, 1988): rational approximations in three regions,
//! accurate to about 1 part in 10¹⁶; checked against `scipy.stats.norm.ppf` in the fixture
//! tests.

// Coefficients are kept verbatim as published (or as computed to 25 digits), so that they can
// be audited against the source; the compiler rounds them to the nearest f64.
#![allow(clippy::excessive_precision)]

/// Evaluates a polynomial with coefficients in ascending order (Horner).
fn poly(coef: &[f64; 8], x: f64) -> f64 {
    coef.iter().rev().fold(0.0, |acc, &c| acc * x + c)
}

const A: [f64; 8] = [
    3.387_132_872_796_366_608_0,
    1.331_416_678_917_843_774_5e2,
    1.971_590_950_306_551_442_7e3,
    1.373_169_376_550_946_112_5e4,
    4.592_195_393_154_987_145_7e4,
    6.726_577_092_700_870_085_3e4,
    3.343_057_558_358_812_810_5e4,
    2.509_080_928_730_122_672_7e3,
];
const B: [f64; 8] = [
    1.0,
    4.231_333_070_160_091_125_2e1,
    6.871_870_074_920_579_083_0e2,
    5.394_196_021_424_751_107_7e3,
    2.121_379_430_158_659_586_7e4,
    3.930_789_580_009_271_061_0e4,
    2.872_908_573_572_194_267_4e4,
    5.226_495_278_852_854_561_0e3,
];
const C: [f64; 8] = [
    1.423_437_110_749_683_577_34,
    4.630_337_846_156_545_295_90,
    5.769_497_221_460_691_405_50,
    3.647_848_324_763_204_605_04,
    1.270_458_252_452_368_382_58,
    2.417_807_251_774_506_117_70e-1,
    2.272_384_498_926_918_458_33e-2,
    7.745_450_142_783_414_076_40e-4,
];
const D: [f64; 8] = [
    1.0,
    2.053_191_626_637_758_821_87,
    1.676_384_830_183_803_849_40,
    6.897_673_349_851_000_045_50e-1,
    1.481_039_764_274_800_745_90e-1,
    1.519_866_656_361_645_719_66e-2,
    5.475_938_084_995_344_946_00e-4,
    1.050_750_071_644_416_843_24e-9,
];
const E: [f64; 8] = [
    6.657_904_643_501_103_777_20,
    5.463_784_911_164_114_369_90,
    1.784_826_539_917_291_335_80,
    2.965_605_718_285_048_912_30e-1,
    2.653_218_952_657_612_309_30e-2,
    1.242_660_947_388_078_438_60e-3,
    2.711_555_568_743_487_578_15e-5,
    2.010_334_399_292_288_132_65e-7,
];
const F: [f64; 8] = [
    1.0,
    5.998_322_065_558_879_376_90e-1,
    1.369_298_809_227_358_053_10e-1,
    1.487_536_129_085_061_485_25e-2,
    7.868_691_311_456_132_591_00e-4,
    1.846_318_317_510_054_681_80e-5,
    1.421_511_758_316_445_888_70e-7,
    2.044_263_103_389_939_785_64e-15,
];

/// The standard normal quantile Φ⁻¹(p) (AS 241): the z with P(Z ≤ z) = p.
///
/// `None` unless 0 < p < 1.
pub fn normal_quantile(p: f64) -> Option<f64> {
    if !(p > 0.0 && p < 1.0) {
        return None;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return Some(q * poly(&A, r) / poly(&B, r));
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let r = (-tail.ln()).sqrt();
    let z = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    Some(if q < 0.0 { -z } else { z })
}

/// The two-sided critical value z for a confidence level, Φ⁻¹(1 − (1 − level)/2)
/// (0.95 → 1.959963984540054; the conventional rounded value is [`super::Z_95`]).
///
/// `None` unless 0 < level < 1.
pub fn z_for_confidence(level: f64) -> Option<f64> {
    if !(level > 0.0 && level < 1.0) {
        return None;
    }
    // Φ⁻¹(1 − α/2) = −Φ⁻¹(α/2): the small argument keeps full relative precision.
    normal_quantile((1.0 - level) / 2.0).map(|z| -z)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(normal_quantile(0.5), Some(0.0));
        let z = z_for_confidence(0.95).unwrap();
        assert!((z - 1.959_963_984_540_054).abs() < 1e-15, "{z}");
        let z99 = z_for_confidence(0.99).unwrap();
        assert!((z99 - 2.575_829_303_548_900_4).abs() < 1e-14, "{z99}");
        let lo = normal_quantile(0.025).unwrap();
        assert!((lo + 1.959_963_984_540_054).abs() < 1e-15);
    }

    #[test]
    fn domain() {
        assert_eq!(normal_quantile(0.0), None);
        assert_eq!(normal_quantile(1.0), None);
        assert_eq!(normal_quantile(f64::NAN), None);
        assert_eq!(z_for_confidence(1.0), None);
        assert_eq!(z_for_confidence(-0.1), None);
        // Far tail (third region, r > 5).
        let z = normal_quantile(1e-20).unwrap();
        assert!((z + 9.262_340_089_798_408).abs() < 1e-12, "{z}");
    }
}
