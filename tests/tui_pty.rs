//! The real binary in a real pseudo-terminal: it draws, reacts to keys,
//! writes `--cwd-file`, and leaves the terminal as it found it — on `q` and
//! on SIGTERM. Every wait has a timeout; a stuck child is killed.

mod tui_support;

use std::ffi::OsStr;
use std::time::Duration;

use rustix::process::{Pid, Signal, kill_process};
use tui_support::*;

const START: Duration = Duration::from_secs(20);
const STEP: Duration = Duration::from_secs(10);
const EXIT: Duration = Duration::from_secs(10);

fn scanned(screen: &str) -> bool {
    screen.contains("entries") && screen.contains("scanned in")
}

/// The status bar's "row/rows" counter.
fn position(screen: &str) -> Option<String> {
    let status = screen.lines().last()?;
    let field = status.split_whitespace().last()?;
    field.contains('/').then(|| field.to_string())
}

#[test]
fn browse_help_quit_restores_the_terminal_and_writes_the_cwd_file() {
    let f = Fixture::new();
    let cwd_file = f.tmp.path().join("cwd-out");
    let args = [f.root.as_os_str(), OsStr::new("--cwd-file"), cwd_file.as_os_str()];
    let mut pty = PtySession::spawn(&args, f.tmp.path());

    let first = pty.wait_for("the finished scan", START, scanned);
    assert!(first.contains("12 entries"), "{first}");
    assert!(first.contains("alpha") && first.contains("gamma.txt"), "{first}");
    assert_eq!(position(&first).as_deref(), Some("1/7"), "{first}");
    // The metadata pane beside the tree (100 columns are wide enough).
    assert!(first.contains("metadata"), "{first}");

    pty.send(b"j");
    pty.wait_for("the cursor on row 2", STEP, |s| position(s).as_deref() == Some("2/7"));
    pty.send(b"j");
    let moved =
        pty.wait_for("the cursor on row 3", STEP, |s| position(s).as_deref() == Some("3/7"));
    assert_ne!(moved, first, "the screen changed");
    // The metadata pane follows the cursor to beta.
    let beta = f.root.join("beta");
    let beta_shown = beta.to_string_lossy().into_owned();
    pty.wait_for("beta's metadata", STEP, |s| s.contains(&beta_shown));

    pty.send(b"?");
    let help = pty.wait_for_text("Show this help", STEP);
    assert!(help.contains("Move down one entry"), "{help}");
    pty.send(b"q");
    pty.wait_for("the help to close", STEP, |s| !s.contains("Show this help") && scanned(s));
    let after = pty.screen();
    assert_eq!(position(&after).as_deref(), Some("3/7"), "q only closed the help: {after}");
    pty.send(b"q");

    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "exit status {status:?}");
    pty.assert_restored();
    assert!(contains(&pty.raw(), b"\x1b]0;statree: "), "the window title is set");

    let written = std::fs::read(&cwd_file).expect("--cwd-file was written");
    assert_eq!(written, path_bytes(&beta), "the selected directory, raw, without a newline");
}

#[test]
fn the_cwd_file_names_the_directory_holding_a_selected_file() {
    let f = Fixture::new();
    let cwd_file = f.tmp.path().join("cwd-out");
    let args = [f.root.as_os_str(), OsStr::new("--cwd-file"), cwd_file.as_os_str()];
    let mut pty = PtySession::spawn(&args, f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);
    // G: the last row, the symlink `link` at the top level.
    pty.send(b"G");
    pty.wait_for("the cursor on the last row", STEP, |s| position(s).as_deref() == Some("7/7"));
    pty.send(b"q");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
    let written = std::fs::read(&cwd_file).expect("--cwd-file was written");
    assert_eq!(written, path_bytes(&f.root));
}

#[test]
fn sigterm_quits_cleanly_and_restores_the_terminal() {
    let f = Fixture::new();
    let args = [f.root.as_os_str()];
    let mut pty = PtySession::spawn(&args, f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);
    pty.send(b"j");
    pty.wait_for("the cursor on row 2", STEP, |s| position(s).as_deref() == Some("2/7"));

    let pid = Pid::from_raw(pty.pid() as i32).expect("a real pid");
    kill_process(pid, Signal::TERM).expect("send SIGTERM");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "SIGTERM is a clean quit: {status:?}");
    pty.assert_restored();
}

#[test]
fn sighup_while_the_help_is_open_quits_and_restores() {
    let f = Fixture::new();
    let args = [f.root.as_os_str()];
    let mut pty = PtySession::spawn(&args, f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);
    pty.send(b"?");
    pty.wait_for_text("Show this help", STEP);
    let pid = Pid::from_raw(pty.pid() as i32).expect("a real pid");
    kill_process(pid, Signal::HUP).expect("send SIGHUP");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
}

#[test]
fn ctrl_c_quits_from_the_search_prompt() {
    let f = Fixture::new();
    let args = [f.root.as_os_str()];
    let mut pty = PtySession::spawn(&args, f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);
    pty.send(b"/gam");
    let screen = pty.wait_for_text("/gam", STEP);
    assert!(screen.contains("gamma.txt"), "{screen}");
    // In raw mode Ctrl-c is the byte 0x03, read as a key, not a signal.
    pty.send(b"\x03");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
}

#[test]
fn ctrl_z_hands_the_terminal_back_and_sigcont_takes_it_again() {
    let f = Fixture::new();
    let args = [f.root.as_os_str()];
    let mut pty = PtySession::spawn(&args, f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);
    pty.send(b"j");
    pty.wait_for("the cursor on row 2", STEP, |s| position(s).as_deref() == Some("2/7"));
    let entered = rfind(&pty.raw(), b"\x1b[?1049h").expect("alternate screen");

    // Ctrl-z arrives as the byte 0x1a in raw mode. (On resume the program
    // asks the terminal where the cursor is; the harness answers like xterm.)
    pty.send(b"\x1a");
    pty.wait_for_raw("the terminal handed back", STEP, |raw| {
        rfind(raw, b"\x1b[?1049l").is_some_and(|leave| leave > entered)
    });
    let deadline = std::time::Instant::now() + STEP;
    while pty.process_state() != Some('T') {
        assert!(std::time::Instant::now() < deadline, "not stopped: {:?}", pty.process_state());
        std::thread::sleep(Duration::from_millis(20));
    }
    // While stopped the shell owns the terminal.
    pty.assert_restored();

    let pid = Pid::from_raw(pty.pid() as i32).expect("a real pid");
    let resumed_from = pty.raw().len();
    kill_process(pid, Signal::CONT).expect("send SIGCONT");
    pty.wait_for_raw("the alternate screen taken again", STEP, |raw| {
        raw.len() > resumed_from && contains(&raw[resumed_from..], b"\x1b[?1049h")
    });
    // The whole frame is written again, not just what changed.
    pty.wait_for_raw("a full redraw", STEP, |raw| contains(&raw[resumed_from..], b"gamma.txt"));
    let screen = pty.wait_for("the redrawn screen", STEP, |s| {
        scanned(s) && s.contains("gamma.txt") && position(s).as_deref() == Some("2/7")
    });
    assert!(screen.contains("alpha"), "{screen}");
    let (alternate, _, mouse) = pty.modes();
    assert!(alternate && mouse, "raw mode, alternate screen and mouse are back");
    // And it still works.
    pty.send(b"j");
    pty.wait_for("the cursor on row 3", STEP, |s| position(s).as_deref() == Some("3/7"));
    pty.send(b"q");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
}

/// The restore check itself must catch a terminal left in the alternate
/// screen, with the cursor hidden, or with the mouse captured.
#[test]
fn the_restore_check_catches_a_broken_terminal() {
    let good: &[u8] = b"\x1b[?1049h\x1b[?1000h\x1b[?25lframe\x1b[?1000l\x1b[?1049l\x1b[?25h";
    assert_terminal_restored(good);
    let broken: [&[u8]; 4] = [
        b"\x1b[?1049h\x1b[?1000h\x1b[?25lframe",
        b"\x1b[?1049h\x1b[?1000h\x1b[?25lframe\x1b[?1000l\x1b[?1049l",
        b"\x1b[?1049h\x1b[?1000h\x1b[?25lframe\x1b[?1049l\x1b[?25h",
        b"\x1b[?1049h\x1b[?1000h\x1b[?1000l\x1b[?1049l\x1b[?25h\x1b[?1049h\x1b[?25l",
    ];
    for raw in broken {
        let caught = std::panic::catch_unwind(|| assert_terminal_restored(raw)).is_err();
        assert!(caught, "not caught: {:?}", String::from_utf8_lossy(raw));
    }
}
