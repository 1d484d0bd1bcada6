//! Signals and terminal state (issue 14 §4), the real binary in a
//! pseudo-terminal: an external SIGTSTP suspends as Ctrl-z does (terminal
//! restored, stopped, taken back with a full redraw on SIGCONT); SIGQUIT
//! restores the terminal before the process dies of it; `TERM=dumb` is
//! refused before a single escape is written.

use std::fs;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

use crate::common::{Sentinel, public_tempdir};
use crate::tui_support::{PtySession, contains, rfind};

const WAIT: Duration = Duration::from_secs(15);

/// A small tree beside a sentinel; the session is started and has drawn it.
fn started() -> (tempfile::TempDir, Sentinel, PtySession) {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("tree");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("gamma.txt"), b"x").unwrap();
    let mut pty = PtySession::spawn(&[root.as_os_str()], tmp.path());
    pty.wait_for("the finished scan", WAIT, |s| s.contains("scanned in"));
    (tmp, sentinel, pty)
}

fn pid(pty: &PtySession) -> Pid {
    Pid::from_raw(pty.pid() as i32).expect("a real pid")
}

#[test]
fn an_external_sigtstp_suspends_like_ctrl_z_and_sigcont_redraws_everything() {
    let (_tmp, sentinel, mut pty) = started();
    let entered = rfind(&pty.raw(), b"\x1b[?1049h").expect("alternate screen");
    kill_process(pid(&pty), Signal::TSTP).expect("send SIGTSTP");
    pty.wait_for_raw("the terminal handed back", WAIT, |raw| {
        rfind(raw, b"\x1b[?1049l").is_some_and(|leave| leave > entered)
    });
    let deadline = Instant::now() + WAIT;
    while pty.process_state() != Some('T') {
        assert!(Instant::now() < deadline, "not stopped: {:?}", pty.process_state());
        std::thread::sleep(Duration::from_millis(20));
    }
    pty.assert_restored();

    let resumed_from = pty.raw().len();
    kill_process(pid(&pty), Signal::CONT).expect("send SIGCONT");
    pty.wait_for_raw("the alternate screen taken again", WAIT, |raw| {
        raw.len() > resumed_from && contains(&raw[resumed_from..], b"\x1b[?1049h")
    });
    pty.wait_for_raw("a full redraw", WAIT, |raw| contains(&raw[resumed_from..], b"gamma.txt"));
    let (alternate, _, mouse) = pty.modes();
    assert!(alternate && mouse, "the alternate screen and the mouse are back");
    pty.send(b"q");
    assert!(pty.wait_exit(WAIT).success());
    pty.assert_restored();
    sentinel.assert_untouched("SIGTSTP");
}

#[test]
fn sigquit_restores_the_terminal_before_the_process_dies() {
    let (_tmp, sentinel, mut pty) = started();
    kill_process(pid(&pty), Signal::QUIT).expect("send SIGQUIT");
    let status = pty.wait_exit(WAIT);
    assert!(!status.success(), "SIGQUIT still kills: {status:?}");
    pty.assert_restored();
    sentinel.assert_untouched("SIGQUIT");
}

#[test]
fn term_dumb_is_refused_before_the_terminal_is_touched() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let mut pty = PtySession::spawn_with_env(
        &[tmp.path().as_os_str()],
        tmp.path(),
        &[("TERM", std::ffi::OsStr::new("dumb"))],
    );
    let status = pty.wait_exit(WAIT);
    assert_eq!(status.exit_code(), 2, "{status:?}");
    let raw = pty.raw();
    assert!(!contains(&raw, b"\x1b"), "an escape was written: {:?}", String::from_utf8_lossy(&raw));
    assert!(pty.screen().contains("TERM=dumb"), "{}", pty.screen());
    sentinel.assert_untouched("TERM=dumb");
}
