//! The binary's contract beyond its output formats: exit codes, usage
//! errors, help, the default root, relative roots, and a reader that goes away.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::{fixture, serial_walk, statree_bin};
use predicates::prelude::*;

/// Every run gets a generous hang guard.
fn statree() -> Command {
    let mut cmd = Command::new(statree_bin());
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// The number on the `errors` line of `--summary` output.
fn summary_errors(stdout: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("errors"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no errors line in {text}"))
}

#[test]
fn nonexistent_path_exits_1_and_is_reported_with_its_path() {
    let fx = fixture();
    let missing = fx.tmp.path().join("no such dir");
    let out = statree().arg("--list").arg(&fx.nested).arg(&missing).assert().code(1);
    let out = out.get_output();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&*missing.to_string_lossy()), "stderr: {stderr}");
    assert!(stderr.contains("No such file or directory"), "stderr: {stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("deeper/leaf.bin"), "the existing root is still listed");
    let out = statree().arg("--summary").arg(&missing).assert().code(1);
    assert_eq!(summary_errors(&out.get_output().stdout), 1);
    statree().arg("--json").arg(&missing).assert().code(1);
}

#[test]
fn clean_scans_exit_0() {
    let fx = fixture();
    for mode in ["--list", "--json", "--summary"] {
        statree().arg(mode).arg(&fx.root).assert().code(0).stderr("");
    }
}

#[test]
fn bad_usage_exits_2() {
    let fx = fixture();
    for args in [
        &["--list", "--json"][..],
        &["--summary", "--list"],
        &["--threads", "0"],
        &["-j", "0"],
        &["--threads", "many"],
        &["--no-such-flag"],
    ] {
        statree().args(args).arg(&fx.nested).assert().code(2).stdout("");
    }
}

#[test]
fn help_shows_examples_and_version_exits_0() {
    statree().arg("--help").assert().code(0).stdout(predicate::str::contains("Examples"));
    statree()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")))
        .stdout(predicate::str::contains("(commit "));
}

#[test]
fn list_without_paths_scans_the_current_directory() {
    let fx = fixture();
    let serial = serial_walk(&fx.nested);
    let out = statree().arg("--list").current_dir(&fx.nested).assert().code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(text.lines().count(), serial.len());
    assert!(text.lines().next().unwrap().ends_with("  ."), "the root `.` comes first: {text}");
    assert!(text.lines().any(|l| l.ends_with("  ./deeper/leaf.bin")), "{text}");
}

#[test]
fn relative_roots_are_kept_as_given_in_json() {
    let fx = fixture();
    let serial = serial_walk(&fx.nested);
    let out = statree().args(["--json", "nested"]).current_dir(&fx.root).assert().code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut paths = Vec::new();
    for line in text.lines() {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        paths.push(rec["path"].as_str().unwrap().to_owned());
    }
    assert_eq!(paths[0], "nested");
    assert_eq!(paths.len(), serial.len());
    for path in &paths {
        assert!(path == "nested" || path.starts_with("nested/"), "{path}");
        assert!(serial.contains_key(&fx.root.join(path)), "{path} not on disk");
    }
}

#[test]
fn closed_stdout_ends_the_scan_promptly_with_status_0() {
    let wide = common::wide_dir(100_000);
    let mut child = std::process::Command::new(statree_bin())
        .arg("--list")
        .arg(&wide.path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the first line, then go away like `statree --list | head -1`.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("statree kept running after its reader went away");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(status.code(), Some(0), "a reader going away is not an error: {stderr}");
    assert!(stderr.is_empty(), "nothing on stderr: {stderr}");
}

#[test]
fn missing_root_does_not_stop_other_roots_in_json() {
    let fx = fixture();
    let missing = fx.tmp.path().join("gone");
    let out = statree().arg("--json").arg(&missing).arg(&fx.hidden_dir).assert().code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let records: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // A root that cannot be stat-ed is an error, not an entry: no record.
    assert!(!records.iter().any(|r| Path::new(r["path"].as_str().unwrap()) == missing), "{text}");
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(
        stderr,
        format!("statree: {}: stat: No such file or directory\n", missing.display())
    );
    assert_eq!(records.len(), serial_walk(&fx.hidden_dir).len());
}
