//! `y`, `m` and `P` end to end: the real binary in a pseudo-terminal copies a
//! file into a directory, asks about the name when it pastes again (and
//! `Enter` answers nothing), keeps both, moves a directory, and opens the
//! message log on `M`. The disk is checked after each step; every wait has
//! a timeout.

mod tui_support;

use std::fs;
use std::time::Duration;

use tui_support::*;

const START: Duration = Duration::from_secs(20);
const STEP: Duration = Duration::from_secs(10);
const EXIT: Duration = Duration::from_secs(10);

fn scanned(screen: &str) -> bool {
    screen.contains("entries") && screen.contains("scanned in")
}

/// Selects the entry whose name matches `query` and waits for its metadata.
fn select(pty: &mut PtySession, query: &str, path: &std::path::Path) {
    pty.send(format!("/{query}\r").as_bytes());
    let shown = path.to_string_lossy().into_owned();
    pty.wait_for(query, STEP, |s| s.contains(&shown));
}

#[test]
fn copy_collide_keep_both_and_move_in_a_real_terminal() {
    let f = Fixture::new();
    let mut pty = PtySession::spawn(&[f.root.as_os_str()], f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);

    // y on gamma.txt: the status bar names the clipboard.
    select(&mut pty, "gamma", &f.root.join("gamma.txt"));
    pty.send(b"y");
    pty.wait_for_text("copied to the clipboard", STEP);

    // P on beta: a copy lands in beta.
    select(&mut pty, "beta", &f.root.join("beta"));
    pty.send(b"P");
    pty.wait_for_text("copied 1 of 1 item", STEP);
    assert_eq!(fs::read_to_string(f.root.join("beta/gamma.txt")).unwrap(), GAMMA_TEXT);
    assert!(f.root.join("gamma.txt").exists());

    // P again: the name exists, the dialog asks; Enter does nothing.
    pty.send(b"P");
    pty.wait_for_text("name exists", STEP);
    pty.send(b"\r");
    std::thread::sleep(Duration::from_millis(300));
    assert!(pty.screen().contains("name exists"), "Enter answered:\n{}", pty.screen());
    pty.send(b"b");
    let both = f.root.join("beta/gamma.txt (1)");
    pty.wait_for("keep both", STEP, |s| both.exists() && !s.contains("name exists"));
    assert_eq!(fs::read_to_string(&both).unwrap(), GAMMA_TEXT);

    // m on alpha, P on beta: alpha moves into beta.
    select(&mut pty, "alpha", &f.root.join("alpha"));
    pty.send(b"m");
    pty.wait_for_text("marked for a move", STEP);
    select(&mut pty, "beta", &f.root.join("beta"));
    pty.send(b"P");
    pty.wait_for_text("moved 1 of 1 item", STEP);
    assert!(!f.root.join("alpha").exists());
    assert!(f.root.join("beta/alpha/nested/deep.bin").exists());

    // M: the message log, with the paste's messages in it.
    pty.send(b"M");
    pty.wait_for_text("Messages, newest first", STEP);
    pty.send(b"q");
    pty.send(b"q");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "exit status {status:?}");
    pty.assert_restored();
}
