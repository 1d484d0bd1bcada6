//! Bulk rename and undo end to end: the real binary in a pseudo-terminal
//! hands the terminal to an `EDITOR` script for `E` (a swap and a hostile
//! name), shows the preview, renames on Enter, and `u` puts every name back;
//! then a chmod and a rename are undone newest first, and `U` lists them.
//! The disk is checked after each step; every wait has a timeout.

mod tui_support;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::time::Duration;

use tui_support::*;

const START: Duration = Duration::from_secs(20);
const STEP: Duration = Duration::from_secs(10);
const EXIT: Duration = Duration::from_secs(10);

fn scanned(screen: &str) -> bool {
    screen.contains("entries") && screen.contains("scanned in")
}

#[test]
fn bulk_rename_and_undo_in_a_real_terminal() {
    let tmp = fixed_length_tempdir();
    let root = tmp.path().join("names");
    fs::create_dir_all(root.join("dir")).unwrap();
    fs::write(root.join("dir/a"), b"A").unwrap();
    fs::write(root.join("dir/b"), b"B").unwrap();
    fs::write(root.join(path_from(b"dir/c\xff")), b"C").unwrap();
    fs::write(root.join("keep.txt"), b"k").unwrap();
    fs::set_permissions(root.join("keep.txt"), fs::Permissions::from_mode(0o644)).unwrap();
    let editor = tmp.path().join("editor.sh");
    fs::write(&editor, "#!/bin/sh\nprintf 'b\\na\\nd\\\\xfe\\n' > \"$1\"\n").unwrap();
    fs::set_permissions(&editor, fs::Permissions::from_mode(0o755)).unwrap();
    let env = [("VISUAL", editor.as_os_str()), ("EDITOR", editor.as_os_str())];
    let mut pty = PtySession::spawn_with_env(&[root.as_os_str()], tmp.path(), &env);
    pty.wait_for("the finished scan", START, scanned);

    // E on the directory: its children go to the editor.
    pty.send(b"/dir\r");
    let dir_shown = root.join("dir").to_string_lossy().into_owned();
    pty.wait_for("dir's metadata", STEP, |s| s.contains(&dir_shown));
    pty.send(b"E");
    pty.wait_for_text("Rename these entries?", STEP);
    let screen = pty.wait_for_text("c\\xff → d\\xfe", STEP);
    assert!(screen.contains("a → b") && screen.contains("b → a"), "{screen}");
    pty.send(b"\r");
    pty.wait_for_text("renamed 3 entries", STEP);
    assert_eq!(fs::read(root.join("dir/a")).unwrap(), b"B");
    assert_eq!(fs::read(root.join("dir/b")).unwrap(), b"A");
    assert_eq!(fs::read(root.join(path_from(b"dir/d\xfe"))).unwrap(), b"C");

    // u: every name back.
    pty.send(b"u");
    pty.wait_for_text("undone: renamed 3 entries", STEP);
    assert_eq!(fs::read(root.join("dir/a")).unwrap(), b"A");
    assert_eq!(fs::read(root.join(path_from(b"dir/c\xff"))).unwrap(), b"C");

    // A chmod, then a rename; undone newest first.
    pty.send(b"/keep\r");
    let keep = root.join("keep.txt");
    let keep_shown = keep.to_string_lossy().into_owned();
    pty.wait_for("keep.txt's metadata", STEP, |s| s.contains(&keep_shown));
    pty.send(b"p");
    pty.wait_for_text("permissions: keep.txt", STEP);
    pty.send(b"600\r");
    pty.wait_for_text("mode now 0600", STEP);
    pty.send(b"r");
    pty.wait_for_text("rename to: keep.txt", STEP);
    pty.send(b"\x15kept.txt\r");
    pty.wait_for_text("renamed to kept.txt", STEP);

    pty.send(b"U");
    let screen = pty.wait_for_text("Undo journal (3 actions", STEP);
    assert!(screen.contains("u → 3. renamed"), "{screen}");
    assert!(screen.contains("1. renamed 3 entries"), "{screen}");
    // (Esc and a key in one read would be Alt-key: wait for it to close.)
    pty.send(b"\x1b");
    pty.wait_for("the journal closed", STEP, |s| !s.contains("Undo journal"));
    pty.send(b"u");
    pty.wait_for_text("undone: renamed", STEP);
    assert!(keep.exists());
    pty.send(b"u");
    pty.wait_for_text("undone: mode of", STEP);
    assert_eq!(fs::metadata(&keep).unwrap().mode() & 0o7777, 0o644);

    pty.send(b"q");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "exit status {status:?}");
    pty.assert_restored();
}
