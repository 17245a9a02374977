//! Regressions of evaluation memory, read from the kernel's peak resident size (this test
//! binary holds only this test):
//! - every constant of a program used to be broadcast to a full column before the first
//!   instruction, so a rule with many constants held them all at once; constants are now
//!   broadcast per instruction;
//! - an instruction with many arguments (`min(a + 1, ..., a + 500)`) holds them all at once;
//!   long frames now run in windows of rows, so that is bounded by the window.
//!
//! And the windows change nothing: a long frame gives, row by row, what each row alone gives.
#![cfg(target_os = "linux")]

use oko::expr::{
    Binding, Column, Limits, MapCatalogue, Program, Reason, Type, VecFrame, compile_str, eval,
};
use rust_decimal::Decimal;

fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib / 1024
}

fn catalogue() -> MapCatalogue {
    MapCatalogue::new()
        .with_name(
            "a",
            Binding {
                slot: 0,
                ty: Type::Number,
            },
        )
        .with_name(
            "p",
            Binding {
                slot: 1,
                ty: Type::Percent,
            },
        )
}

fn program(src: &str) -> Program {
    compile_str(src, &Limits::default(), &catalogue()).unwrap()
}

/// `rows` rows: `a` = i mod 7 (unknown every 5th row), `p` = i mod 101 percent (a limited
/// sample of size i mod 9 every 11th row).
fn frame(rows: usize) -> VecFrame {
    let mut a = Column::numbers(
        (0..rows)
            .map(|i| (i % 5 != 0).then(|| Decimal::from(i % 7)))
            .collect(),
        Reason::Missing { name: "a".into() },
    );
    let mut p = Column::percents(
        (0..rows).map(|i| Some(Decimal::from(i % 101))).collect(),
        Reason::Missing { name: "p".into() },
    );
    for i in (0..rows).step_by(11) {
        p.set_unknown(
            i,
            Reason::LimitedSample {
                name: "p".into(),
                size: (i % 9) as u64,
            },
        );
    }
    if rows > 3 {
        a.set_unknown(3, Reason::DivisionByZero);
    }
    VecFrame::new(rows, vec![a, p])
}

#[test]
fn memory_is_bounded_by_the_window_and_not_by_the_constants() {
    // A balanced sum of 512 terms `(a + k)`: about 1 000 instructions, 512 constants, and
    // never more than ~10 registers live.
    let mut terms: Vec<String> = (1..=512).map(|k| format!("(a + {k})")).collect();
    while terms.len() > 1 {
        terms = terms
            .chunks(2)
            .map(|p| format!("({} + {})", p[0], p[1]))
            .collect();
    }
    let sum = program(&format!("{} > 0", terms[0]));
    assert!(sum.instruction_count() > 1000);
    let f = frame(20_000);
    let before = peak_rss_mib();
    let out = eval(&sum, &f).unwrap();
    let grew = peak_rss_mib() - before;
    assert_eq!(out.bool(1), Some(true));
    // All 512 constants at once would be 512 × 20 000 × 20 B ≈ 200 MiB.
    assert!(grew < 100, "peak memory grew by {grew} MiB");

    // 500 arguments live at once: 500 × 40 000 × 20 B ≈ 400 MiB without windows.
    let args: Vec<String> = (1..=500).map(|k| format!("a + {k}")).collect();
    let min = program(&format!("min({}) > 3", args.join(", ")));
    let f = frame(40_000);
    let before = peak_rss_mib();
    let out = eval(&min, &f).unwrap();
    let grew = peak_rss_mib() - before;
    assert_eq!(out.bool(1), Some(false));
    assert!(grew < 150, "peak memory grew by {grew} MiB");
}

#[test]
fn a_long_frame_gives_what_each_row_gives() {
    let rows = 10_000; // more than one window
    let long = frame(rows);
    let programs = [
        program("if a > 3 then p else rel_gap(p, 50%)"),
        program("coalesce(a, 0) * 2 + 1 > 5 or p >= 90%"),
        program("a / (a - 3)"),
    ];
    for prog in &programs {
        let all = eval(prog, &long).unwrap();
        assert_eq!(all.len(), rows);
        for i in (0..rows).step_by(7) {
            let one = VecFrame::new(
                1,
                vec![
                    single(&long_column(&long, 0), i),
                    single(&long_column(&long, 1), i),
                ],
            );
            let alone = eval(prog, &one).unwrap();
            assert_eq!(
                all.get(i).map(|d| d.to_string()),
                alone.get(0).map(|d| d.to_string()),
                "row {i} of {}",
                prog.source()
            );
        }
    }
}

fn long_column(f: &VecFrame, slot: usize) -> Column {
    use oko::expr::Frame;
    f.column(slot).unwrap().clone()
}

/// Row `i` of `c` as a one-row column of the same type.
fn single(c: &Column, i: usize) -> Column {
    let one = match (c.ty(), c.decimal(i)) {
        (Type::Percent, v) => Column::percents(vec![v], Reason::Null),
        (_, v) => Column::numbers(vec![v], Reason::Null),
    };
    match c.reason(i) {
        Some(r) => one.with_unknown(0, r.clone()),
        None => one,
    }
}
