//! A reader that goes away (`oko demo | head`) ends a command quietly: exit code 0, nothing on
//! stderr, no panic message.

use std::process::{Command, Stdio};

/// Runs oko with `args` and its stdout closed before it writes; checks that it ended with
/// code 0 and no panic message, and returns its stderr.
fn ends_quietly(args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oko"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("oko starts");
    // Closing the only read end before oko writes makes its first write fail with EPIPE.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("oko ends");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    stderr
}

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/load/base");

#[test]
fn schema_into_a_closed_pipe_ends_quietly() {
    let stderr = ends_quietly(&["schema"]);
    assert!(stderr.is_empty(), "stderr: {stderr}");
}

#[test]
fn demo_into_a_closed_pipe_ends_quietly() {
    let dir = std::env::temp_dir().join(format!("oko-closed-output-{}", std::process::id()));
    let report = dir.join("report.html");
    ends_quietly(&["demo", "--out", report.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn csv_into_a_closed_pipe_ends_quietly() {
    ends_quietly(&["evaluate", "--data", DATA, "--format", "csv"]);
}

#[test]
fn json_into_a_closed_pipe_ends_quietly() {
    ends_quietly(&["evaluate", "--data", DATA]);
}
