//! A reader that goes away (`oko demo | head`) ends a command quietly: exit code 0, nothing on
//! stderr, no panic message.

use std::process::{Command, Stdio};

fn run_with_closed_stdout(args: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oko"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("oko starts");
    // Closing the only read end before oko writes makes its first write fail with EPIPE.
    drop(child.stdout.take());
    child.wait_with_output().expect("oko ends")
}

#[test]
fn schema_into_a_closed_pipe_ends_quietly() {
    let out = run_with_closed_stdout(&["schema"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {stderr}",
        out.status
    );
    assert!(stderr.is_empty(), "stderr: {stderr}");
}

#[test]
fn demo_into_a_closed_pipe_ends_quietly() {
    let dir = std::env::temp_dir().join(format!("oko-closed-output-{}", std::process::id()));
    let report = dir.join("report.html");
    let out = run_with_closed_stdout(&["demo", "--out", report.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn csv_into_a_closed_pipe_ends_quietly() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/load/base");
    let out = run_with_closed_stdout(&["evaluate", "--data", data, "--format", "csv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}

#[test]
fn json_into_a_closed_pipe_ends_quietly() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/load/base");
    let out = run_with_closed_stdout(&["evaluate", "--data", data]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}
