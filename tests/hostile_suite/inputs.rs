//! Unbounded inputs (issue 14 §5): a config file far too large, and a
//! `--baseline` that is a FIFO, an endless device or one endless line. Each
//! is refused with a message that names it, without blocking and without
//! reading it whole.

use std::ffi::OsStr;
use std::fs;
use std::time::Duration;

use crate::common::{Sentinel, public_tempdir, run_statree};
use crate::tui_support::PtySession;

/// A config over 1 MiB (valid TOML: comments) is not read; the view starts
/// with the defaults and says why.
#[test]
fn a_config_over_one_mebibyte_is_refused_and_the_view_says_so() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let config = tmp.path().join("c.toml");
    let line = format!("#{}\n", "x".repeat(1023));
    fs::write(&config, line.repeat(2048)).unwrap();
    let root = tmp.path().join("tree");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("file"), b"x").unwrap();

    let mut pty = PtySession::spawn_with_env(
        &[root.as_os_str()],
        tmp.path(),
        &[("STATREE_CONFIG", config.as_os_str())],
    );
    pty.wait_for_text("larger than 1 MiB", Duration::from_secs(10));
    pty.wait_for_text("file", Duration::from_secs(10));
    pty.send(b"q");
    pty.wait_exit(Duration::from_secs(10));
    pty.assert_restored();
    sentinel.assert_untouched("the large config");
}

/// A baseline that is a FIFO (no writer: opening it would block for ever),
/// `/dev/zero` (endless), or a regular file with one line of 2 MiB.
#[test]
fn a_fifo_a_device_or_an_endless_line_as_baseline_is_refused_at_once() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("tree");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("file"), b"x").unwrap();
    let fifo = tmp.path().join("base.fifo");
    rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::from_raw_mode(0o600)).unwrap();
    let long = tmp.path().join("long.jsonl");
    fs::write(&long, vec![b'{'; 2 << 20]).unwrap();

    for (baseline, said) in [
        (fifo.as_os_str(), "a FIFO, not a regular file"),
        (OsStr::new("/dev/zero"), "a character device, not a regular file"),
        (long.as_os_str(), "line 1: line longer than 1 MiB"),
    ] {
        // run_statree fails the test if the run does not end in time.
        let out = run_statree([
            OsStr::new("--audit"),
            OsStr::new("--baseline"),
            baseline,
            root.as_os_str(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{baseline:?}: {stderr}");
        assert!(stderr.contains(said), "{baseline:?}: {stderr}");
    }
    assert!(fifo.exists());
    sentinel.assert_untouched("the baselines");
}
