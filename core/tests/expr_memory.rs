//! Regression: evaluation used to broadcast every constant of a program to a full column
//! before running it, so a rule with many constants held them all at once (4 096 nodes over a
//! million rows is tens of GB). Constants are now broadcast per instruction. Memory is read
//! from the kernel's peak resident size (this test binary holds only this test).
#![cfg(target_os = "linux")]

use oko::expr::{Binding, Column, Limits, MapCatalogue, Reason, Type, VecFrame, compile_str, eval};
use rust_decimal::Decimal;

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn constants_are_not_all_broadcast_at_once() {
    // A balanced sum of 512 terms `(a + k)`: about 1 000 instructions, 512 constants, and
    // never more than ~10 registers live.
    let mut terms: Vec<String> = (1..=512).map(|k| format!("(a + {k})")).collect();
    while terms.len() > 1 {
        terms = terms
            .chunks(2)
            .map(|p| format!("({} + {})", p[0], p[1]))
            .collect();
    }
    let src = format!("{} > 0", terms[0]);
    let cat = MapCatalogue::new().with_name(
        "a",
        Binding {
            slot: 0,
            ty: Type::Number,
        },
    );
    let program = compile_str(&src, &Limits::default(), &cat).unwrap();
    assert!(program.instruction_count() > 1000);
    let rows = 20_000;
    let a = Column::numbers(
        (0..rows).map(|i| Some(Decimal::from(i % 7))).collect(),
        Reason::Missing { name: "a".into() },
    );
    let frame = VecFrame::new(rows, vec![a]);
    let before = peak_rss_kib();
    let out = eval(&program, &frame).unwrap();
    let grew_mib = (peak_rss_kib() - before) / 1024;
    assert_eq!(out.bool(0), Some(true));
    // All 512 constants at once would be 512 × 20 000 × 20 B ≈ 200 MiB.
    assert!(grew_mib < 100, "peak memory grew by {grew_mib} MiB");
}
