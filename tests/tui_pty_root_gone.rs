//! A root moved or removed behind the view's back while statree watches it
//! (the real binary in a PTY): the view never goes on showing the old tree
//! as if it were current. The root's row stays, emptied and marked, and the
//! status line says the root is gone; the same for a root `-` put in place.

mod tui_support;

use std::fs;
use std::time::Duration;

use tui_support::*;

const START: Duration = Duration::from_secs(20);
const STEP: Duration = Duration::from_secs(5);
const EXIT: Duration = Duration::from_secs(10);

fn scanned(screen: &str) -> bool {
    screen.contains("entries") && screen.contains("scanned in")
}

/// Nothing the fixture's root held is on screen.
fn emptied(screen: &str) -> bool {
    ["alpha", "beta", "gamma.txt", "large.log"].iter().all(|name| !screen.contains(name))
}

#[test]
fn a_root_moved_away_or_removed_is_said_to_be_gone_and_its_entries_go() {
    let f = Fixture::new();
    let mut pty = PtySession::spawn(&[f.root.as_os_str()], f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);
    // Let the watcher settle on the open root.
    std::thread::sleep(Duration::from_millis(300));
    let elsewhere = f.tmp.path().join("elsewhere");
    fs::rename(&f.root, &elsewhere).unwrap();
    let screen = pty.wait_for("the root said gone", STEP, |s| s.contains("is gone"));
    eprintln!("{screen}");
    assert!(emptied(&screen), "the old entries are still shown:\n{screen}");
    // Still answering keys: moving on the emptied root changes nothing.
    pty.send(b"jk");
    fs::remove_dir_all(&elsewhere).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let screen = pty.screen();
    assert!(screen.contains("is gone") && emptied(&screen), "{screen}");
    pty.send(b"q");
    assert!(pty.wait_exit(EXIT).success());
    pty.assert_restored();
}

#[test]
fn a_removed_root_is_said_to_be_gone() {
    let f = Fixture::new();
    let mut pty = PtySession::spawn(&[f.root.as_os_str()], f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);
    std::thread::sleep(Duration::from_millis(300));
    fs::remove_dir_all(&f.root).unwrap();
    let screen = pty.wait_for("the root said gone", STEP, |s| s.contains("is gone"));
    assert!(emptied(&screen), "the deleted entries are still shown:\n{screen}");
    pty.send(b"q");
    assert!(pty.wait_exit(EXIT).success());
    pty.assert_restored();
}

#[test]
fn a_root_minus_put_in_place_moved_away_is_said_to_be_gone() {
    let f = Fixture::new();
    // The fixture below `top`, so that `-` has a parent to move away.
    let top = f.tmp.path().join("top");
    fs::create_dir(&top).unwrap();
    let root = top.join("fixture");
    fs::rename(&f.root, &root).unwrap();
    fs::write(top.join("sibling.txt"), "s").unwrap();
    let mut pty = PtySession::spawn(&[root.as_os_str()], f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);
    pty.send(b"-");
    pty.wait_for("the parent as the root", STEP, |s| s.contains("sibling.txt"));
    std::thread::sleep(Duration::from_millis(500));
    fs::rename(&top, f.tmp.path().join("top-moved")).unwrap();
    let screen = pty.wait_for("the root said gone", STEP, |s| s.contains("is gone"));
    assert!(emptied(&screen) && !screen.contains("sibling.txt"), "stale:\n{screen}");
    pty.send(b"q");
    assert!(pty.wait_exit(EXIT).success());
    pty.assert_restored();
}
