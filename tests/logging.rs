//! The diagnostic log (`STATREE_LOG`, `--log FILE`) through the real
//! binary: the file is written where the README says, with the start, the
//! scan's end and the exit; nothing of it reaches standard output or error;
//! without a request nothing is created; and in the interactive view the
//! screen never shows a record.

mod tui_support;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use tempfile::TempDir;

/// A home, a state directory and a small tree (4 entries with the root).
struct Setup {
    tmp: TempDir,
}

impl Setup {
    fn new() -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        let tree = tmp.path().join("tree");
        fs::create_dir_all(tree.join("sub")).unwrap();
        fs::write(tree.join("a.txt"), "a").unwrap();
        fs::write(tree.join("sub/b.txt"), "b").unwrap();
        fs::create_dir(tmp.path().join("home")).unwrap();
        Setup { tmp }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    /// `statree ARGS` with HOME and XDG_STATE_HOME in the temp dir and
    /// `STATREE_LOG` set to `level` (unset for `None`).
    fn run(&self, level: Option<&str>, args: &[&OsStr]) -> Output {
        let mut cmd = Command::cargo_bin("statree").unwrap();
        cmd.env("HOME", self.path("home"))
            .env("XDG_STATE_HOME", self.path("state"))
            .env("STATREE_CONFIG", self.path("no-config.toml"))
            .env_remove("STATREE_LOG")
            .args(args);
        if let Some(level) = level {
            cmd.env("STATREE_LOG", level);
        }
        cmd.output().unwrap()
    }

    fn state_log(&self) -> PathBuf {
        self.path("state/statree/statree.log")
    }
}

fn list_args(setup: &Setup) -> Vec<std::ffi::OsString> {
    vec!["--list".into(), setup.path("tree").into()]
}

fn os_args(args: &[std::ffi::OsString]) -> Vec<&OsStr> {
    args.iter().map(|a| a.as_os_str()).collect()
}

/// Every line starts with an RFC 3339 UTC time and a level.
fn assert_record_lines(log: &str) {
    assert!(!log.is_empty());
    for line in log.lines() {
        let mut fields = line.split_whitespace();
        let time = fields.next().unwrap_or("");
        assert!(time.len() >= 20 && time.ends_with('Z') && time.contains('T'), "{line}");
        let level = fields.next().unwrap_or("");
        assert!(["ERROR", "WARN", "INFO", "DEBUG", "TRACE"].contains(&level), "{line}");
    }
}

#[test]
fn statree_log_writes_the_state_file_and_nothing_reaches_the_terminal() {
    let setup = Setup::new();
    let args = list_args(&setup);
    let quiet = setup.run(None, &os_args(&args));
    let logged = setup.run(Some("debug"), &os_args(&args));
    assert!(logged.status.success(), "{logged:?}");
    // The same output, byte for byte, and nothing on stderr.
    assert_eq!(logged.stdout, quiet.stdout);
    assert!(logged.stderr.is_empty(), "{}", String::from_utf8_lossy(&logged.stderr));
    assert_eq!(String::from_utf8(logged.stdout.clone()).unwrap().lines().count(), 4);

    let log = fs::read_to_string(setup.state_log()).expect("the log under XDG_STATE_HOME");
    assert_record_lines(&log);
    assert!(log.contains(&format!("statree {}", env!("CARGO_PKG_VERSION"))), "{log}");
    assert!(log.contains("(commit "), "{log}");
    assert!(log.contains("list: true"), "the options: {log}");
    assert!(log.contains(&setup.path("tree").display().to_string()), "the root: {log}");
    assert!(log.contains("scan finished: 4 entries, 0 errors"), "{log}");
    assert!(log.contains("exit: Clean"), "{log}");
    let out = String::from_utf8(logged.stdout).unwrap();
    assert!(!out.contains("scan finished") && !out.contains("INFO"), "{out}");
    // Private: it names paths.
    let mode = fs::metadata(setup.state_log()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    // A second run appends.
    setup.run(Some("info"), &os_args(&args));
    let again = fs::read_to_string(setup.state_log()).unwrap();
    assert_eq!(again.matches("exit: Clean").count(), 2, "{again}");
    assert!(!again[log.len()..].contains("DEBUG"), "info leaves debug out: {again}");
}

#[test]
fn without_statree_log_nothing_is_created() {
    let setup = Setup::new();
    let args = list_args(&setup);
    for level in [None, Some(""), Some("off")] {
        let out = setup.run(level, &os_args(&args));
        assert!(out.status.success(), "{out:?}");
        assert!(out.stderr.is_empty());
    }
    let summary = setup.run(None, &[OsStr::new("--summary"), setup.path("tree").as_os_str()]);
    assert!(summary.status.success());
    assert!(!setup.path("state").exists(), "nothing under XDG_STATE_HOME");
    assert!(!setup.path("home/.local").exists(), "nothing under the default state dir");
    let home: Vec<_> = fs::read_dir(setup.path("home")).unwrap().collect();
    assert!(home.is_empty(), "{home:?}");
}

#[test]
fn the_log_flag_names_the_file_at_debug_level() {
    let setup = Setup::new();
    let file = setup.path("mine.log");
    let mut args = list_args(&setup);
    args.extend(["--log".into(), file.clone().into()]);
    let out = setup.run(None, &os_args(&args));
    assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
    let log = fs::read_to_string(&file).unwrap();
    assert_record_lines(&log);
    assert!(log.contains(" DEBUG statree::scan: scan started"), "{log}");
    assert!(log.contains("scan finished: 4 entries"), "{log}");
    assert!(!setup.path("state").exists(), "--log alone writes only FILE");
}

#[test]
fn scan_errors_are_logged_with_their_path() {
    let setup = Setup::new();
    let missing = setup.path("no such\ndir");
    let out = setup.run(Some("debug"), &[OsStr::new("--list"), missing.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let log = fs::read_to_string(setup.state_log()).unwrap();
    assert_record_lines(&log);
    // The name's newline is escaped: one record, one line.
    assert!(log.contains("scan error: ") && log.contains("no such\\ndir"), "{log}");
    assert!(log.contains("scan finished: 0 entries, 1 errors"), "{log}");
    assert!(log.contains("exit: SomeErrors"), "{log}");
    // stderr has the error the user always gets, and no record.
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("statree: ") && !err.contains("scan error"), "{err}");
}

#[test]
fn a_bad_level_or_an_unwritable_file_is_refused_before_anything_runs() {
    let setup = Setup::new();
    let args = list_args(&setup);
    let out = setup.run(Some("loud"), &os_args(&args));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing listed");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("STATREE_LOG=loud") && err.contains("debug"), "{err}");

    let mut args = list_args(&setup);
    let file = setup.path("tree/a.txt/under-a-file.log");
    args.extend(["--log".into(), file.into()]);
    let out = setup.run(None, &os_args(&args));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("log file") && err.contains("under-a-file.log"), "{err}");
}

#[test]
fn the_interactive_view_logs_to_the_file_and_never_to_the_screen() {
    let fixture = tui_support::Fixture::new();
    let state = fixture.tmp.path().join("state");
    let env = [("STATREE_LOG", OsStr::new("debug")), ("XDG_STATE_HOME", state.as_os_str())];
    let mut pty = tui_support::PtySession::spawn_with_env(
        &[fixture.root.as_os_str()],
        fixture.tmp.path(),
        &env,
    );
    let log_path = state.join("statree/statree.log");
    pty.wait_for("the finished scan", Duration::from_secs(20), |s| s.contains("scanned in"));
    wait_for_file_text(&log_path, "scan finished: 12 entries");
    pty.send(b"q");
    pty.wait_exit(Duration::from_secs(10));
    pty.assert_restored();
    let log = fs::read_to_string(&log_path).unwrap();
    assert_record_lines(&log);
    assert!(log.contains("interactive view") && log.contains("exit: Clean"), "{log}");
    let raw = String::from_utf8_lossy(&pty.raw()).into_owned();
    for record in ["scan finished", "interactive view", "statree::", "DEBUG", "INFO"] {
        assert!(!raw.contains(record), "{record:?} reached the terminal");
    }
}

fn wait_for_file_text(path: &Path, text: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if fs::read_to_string(path).is_ok_and(|t| t.contains(text)) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{text:?} not in {}", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}
