//! The real binary in a pseudo-terminal moving its root: `-` makes the
//! parent of a relative root the root (its siblings appear, the title
//! becomes the parent's breadcrumb), and `--cwd-file` names the directory
//! the user was in after a zoom and after going up.

mod tui_support;

use std::ffi::OsStr;
use std::time::Duration;

use tui_support::*;

const START: Duration = Duration::from_secs(20);
const STEP: Duration = Duration::from_secs(10);
const EXIT: Duration = Duration::from_secs(10);

fn scanned(screen: &str) -> bool {
    screen.contains("entries") && screen.contains("scanned in")
}

#[test]
fn minus_shows_the_parent_with_its_siblings_and_the_cwd_file_follows() {
    let f = Fixture::new();
    std::fs::create_dir(f.tmp.path().join("sibling-dir")).unwrap();
    std::fs::write(f.tmp.path().join("sibling-dir/inside.txt"), "x").unwrap();
    std::fs::write(f.tmp.path().join("sibling.txt"), "y").unwrap();
    let cwd_file = f.tmp.path().join("cwd-out");
    // A relative root: its parent is found from the working directory.
    let args = [OsStr::new("fixture"), OsStr::new("--cwd-file"), cwd_file.as_os_str()];
    let mut pty = PtySession::spawn(&args, f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);

    pty.send(b"-");
    let tmp_name = f.tmp.path().file_name().unwrap().to_string_lossy().into_owned();
    let crumb = format!("› {tmp_name} ·");
    let up = pty.wait_for("the parent as the root, with its siblings", STEP, |s| {
        s.lines().next().is_some_and(|l| l.contains(&crumb))
            && s.contains("sibling-dir")
            && s.contains("sibling.txt")
    });
    assert!(up.contains("fixture"), "the old root is a row under the new one: {up}");
    pty.send(b"q");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
    // The selection (the old root) is still selected: its absolute path.
    let written = std::fs::read(&cwd_file).expect("--cwd-file was written");
    assert_eq!(written, path_bytes(&f.root));
}

#[test]
fn the_cwd_file_after_a_zoom_names_the_directory_selected_in_it() {
    let f = Fixture::new();
    let cwd_file = f.tmp.path().join("cwd-out");
    let args = [f.root.as_os_str(), OsStr::new("--cwd-file"), cwd_file.as_os_str()];
    let mut pty = PtySession::spawn(&args, f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);
    // Row 2 is alpha; zoom into it, then down to its first child, nested/.
    pty.send(b"j");
    pty.wait_for("the cursor on alpha", STEP, |s| s.contains("2/7"));
    pty.send(b"z");
    pty.wait_for("alpha as the view's root", STEP, |s| {
        s.lines().next().is_some_and(|l| l.contains("› fixture › alpha ·"))
    });
    pty.send(b"j");
    pty.wait_for("the cursor on nested", STEP, |s| s.contains("2/4"));
    pty.send(b"q");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
    let written = std::fs::read(&cwd_file).expect("--cwd-file was written");
    assert_eq!(written, path_bytes(&f.root.join("alpha/nested")));
}
