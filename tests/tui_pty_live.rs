//! Live updates end to end: changes made outside statree (create, rename,
//! chmod, delete) appear on the screen of the real binary without a key,
//! and with the watch limit exhausted the interface says so and `R`
//! refreshes by hand. The ≤ 300 ms target itself is asserted on the watcher
//! (tests/watch.rs); here each wait prints what it took.

mod tui_support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use tui_support::*;

const START: Duration = Duration::from_secs(20);
const STEP: Duration = Duration::from_secs(5);
const EXIT: Duration = Duration::from_secs(10);

fn scanned(screen: &str) -> bool {
    screen.contains("entries") && screen.contains("scanned in")
}

fn timed(pty: &mut PtySession, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    let screen = pty.wait_for(what, STEP, pred);
    eprintln!("{what}: on screen after {} ms", started.elapsed().as_millis());
    screen
}

#[test]
fn external_changes_show_up_without_a_key() {
    let f = Fixture::new();
    let mut pty = PtySession::spawn(&[f.root.as_os_str()], f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);
    // Let the watcher settle on the open root.
    std::thread::sleep(Duration::from_millis(300));

    fs::write(f.root.join("arrived.txt"), "new").unwrap();
    timed(&mut pty, "a created file", |s| s.contains("arrived.txt"));

    fs::rename(f.root.join("arrived.txt"), f.root.join("moved.txt")).unwrap();
    timed(&mut pty, "a renamed file", |s| s.contains("moved.txt") && !s.contains("arrived.txt"));

    // A chmod changes no mtime: the metadata pane of the selection follows.
    pty.send(b"/gamma\r");
    let gamma = f.root.join("gamma.txt");
    pty.wait_for_text("-rw-r--r--", STEP);
    fs::set_permissions(&gamma, fs::Permissions::from_mode(0o600)).unwrap();
    timed(&mut pty, "a chmod", |s| s.contains("-rw-------"));

    fs::remove_file(f.root.join("moved.txt")).unwrap();
    timed(&mut pty, "a deleted file", |s| !s.contains("moved.txt"));

    pty.send(b"q");
    assert!(pty.wait_exit(EXIT).success());
    pty.assert_restored();
}

#[test]
fn with_the_watch_limit_exhausted_it_says_so_and_r_refreshes() {
    let f = Fixture::new();
    let env = [("STATREE_MAX_WATCHES", std::ffi::OsStr::new("0"))];
    let mut pty = PtySession::spawn_with_env(&[f.root.as_os_str()], f.tmp.path(), &env);
    let screen = pty.wait_for("the limit message", START, |s| s.contains("live updates limited"));
    assert!(screen.contains("live updates limited (R refreshes by hand)"), "{screen}");
    pty.wait_for("the finished scan", START, scanned);
    fs::write(f.root.join("unseen.txt"), "x").unwrap();
    std::thread::sleep(Duration::from_millis(600));
    assert!(!pty.screen().contains("unseen.txt"), "no watch, no live update");
    // R on a file re-reads the directory holding it: here the root.
    pty.send(b"R");
    pty.wait_for_text("unseen.txt", STEP);
    pty.send(b"q");
    assert!(pty.wait_exit(EXIT).success());
    pty.assert_restored();
}

/// The three relative forms a user types: the watcher reports absolute
/// paths, and the tree is named as the root was given.
#[test]
fn live_updates_work_for_relative_roots() {
    let f = Fixture::new();
    let name = f.root.file_name().unwrap().to_str().unwrap().to_owned();
    let dot_name = format!("./{name}");
    let cases: [(&[&str], &std::path::Path); 3] =
        [(&[name.as_str()], f.tmp.path()), (&[dot_name.as_str()], f.tmp.path()), (&[], &f.root)];
    for (i, (args, cwd)) in cases.into_iter().enumerate() {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
        let mut pty = PtySession::spawn(&args, cwd);
        pty.wait_for("the finished scan", START, scanned);
        std::thread::sleep(Duration::from_millis(300));
        let created = format!("relative-{i}.txt");
        fs::write(f.root.join(&created), "new").unwrap();
        timed(&mut pty, &format!("{created} created under {args:?}"), |s| s.contains(&created));
        fs::remove_file(f.root.join(&created)).unwrap();
        timed(&mut pty, &format!("{created} deleted under {args:?}"), |s| !s.contains(&created));
        pty.send(b"q");
        assert!(pty.wait_exit(EXIT).success());
    }
}
