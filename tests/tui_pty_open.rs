//! The real binary in a pseudo-terminal: `Enter` hands a file to `$OPENER`
//! (a script that records its argument) with the terminal, for a plain and
//! a hostile name; `--chooser-file0` writes hostile marked names back
//! exactly; `--chooser-file` refuses a name with a newline and writes a
//! plain one. Every run ends with the terminal restored. Every wait has a
//! timeout.

mod tui_support;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tui_support::*;

const START: Duration = Duration::from_secs(20);
const STEP: Duration = Duration::from_secs(10);
const EXIT: Duration = Duration::from_secs(10);

/// Newline, an escape sequence and a byte that is not UTF-8 in one name.
const HOSTILE: &[u8] = b"h\n\x1b[31m\xffostile.txt";

fn scanned(screen: &str) -> bool {
    screen.contains("entries") && screen.contains("scanned in")
}

fn fixture() -> Fixture {
    let f = Fixture::new();
    fs::write(f.root.join(path_from(HOSTILE)), "x\n").unwrap();
    fs::write(f.root.join("other\x1b]0;title\x07.txt"), "y\n").unwrap();
    f
}

/// A script that writes its last argument, exactly, to `out`, whether
/// statree's private marker reached its environment to `out.env`, then one
/// line to `out.done` (so the test knows it finished).
fn recorder(dir: &Path, out: &Path) -> PathBuf {
    let script = dir.join("opener.sh");
    let text = format!(
        "#!/bin/sh\nfor a; do last=$a; done\nprintf '%s' \"$last\" > '{out}'\n\
         echo \"${{STATREE_DETACHED_FROM-unset}}\" > '{out}.env'\necho done > '{out}.done'\n",
        out = out.display()
    );
    fs::write(&script, text).unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[test]
fn enter_hands_plain_and_hostile_files_to_the_opener_and_takes_the_terminal_back() {
    let f = fixture();
    let out = f.tmp.path().join("opened");
    let done = f.tmp.path().join("opened.done");
    let script = recorder(f.tmp.path(), &out);
    let env = [("OPENER", script.as_os_str())];
    let mut pty = PtySession::spawn_with_env(&[f.root.as_os_str()], f.tmp.path(), &env);
    pty.wait_for("the finished scan", START, scanned);
    for (search, name) in [(&b"gamma"[..], &b"gamma.txt"[..]), (b"ostile", HOSTILE)] {
        let _ = fs::remove_file(&done);
        pty.send(b"/");
        pty.send(search);
        // The search jumps and closes; the second Enter opens the match.
        pty.send(b"\r\r");
        pty.wait_for("the opener to run and the view to come back", STEP, |s| {
            done.exists() && s.contains("entries")
        });
        assert_eq!(fs::read(&out).unwrap(), path_bytes(&f.root.join(path_from(name))));
        // The marker between statree and its waiting parent stays theirs: a
        // statree started from the opener detaches on its own.
        let env = f.tmp.path().join("opened.env");
        assert_eq!(fs::read_to_string(env).unwrap(), "unset\n");
    }
    pty.send(b"q");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "exit status {status:?}");
    pty.assert_restored();
    // Nothing of the hostile name reached the terminal raw.
    assert!(!contains(&pty.raw(), b"\x1b[31m\xff"), "the escape reached the terminal");
}

fn chooser_session(f: &Fixture, flag: &str, file: &Path) -> PtySession {
    let args: [&OsStr; 3] = [f.root.as_os_str(), OsStr::new(flag), file.as_os_str()];
    let mut pty = PtySession::spawn(&args, f.tmp.path());
    pty.wait_for("the finished scan", START, scanned);
    pty
}

/// Searches for `text` and marks the match. A mark needs the entry's
/// metadata, read once it is selected: asked too early, statree says so and
/// the mark is asked again.
fn mark(pty: &mut PtySession, text: &[u8], count: usize) {
    pty.send(b"/");
    pty.send(text);
    pty.send(b"\r");
    let marked = format!("{count} marked");
    for _ in 0..50 {
        pty.send(b" ");
        let screen = pty.wait_for("the mark or the reason", STEP, |s| {
            s.contains(&marked) || s.contains("not read yet")
        });
        if screen.contains(&marked) {
            return;
        }
        // Unmarked still: the key was refused. Wait for the message to go.
        pty.wait_for("the refusal to fade", STEP, |s| !s.contains("not read yet"));
    }
    panic!("{text:?} could not be marked");
}

#[test]
fn chooser_file0_writes_hostile_marked_names_exactly_and_restores_the_terminal() {
    let f = fixture();
    let file = f.tmp.path().join("chosen");
    let mut pty = chooser_session(&f, "--chooser-file0", &file);
    mark(&mut pty, b"ostile", 1);
    mark(&mut pty, b"title", 2);
    pty.send(b"\r");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "exit status {status:?}");
    pty.assert_restored();
    let written = fs::read(&file).expect("the chooser file");
    let mut paths: Vec<&[u8]> = written.split(|&b| b == 0).collect();
    assert_eq!(paths.pop(), Some(&b""[..]), "each path ends with a NUL: {written:?}");
    paths.sort();
    let hostile = f.root.join(path_from(HOSTILE));
    let other = f.root.join("other\x1b]0;title\x07.txt");
    let mut expected = vec![path_bytes(&hostile), path_bytes(&other)];
    expected.sort();
    assert_eq!(paths, expected);
}

#[test]
fn chooser_file_refuses_a_newline_then_writes_a_plain_choice_one_a_line() {
    let f = fixture();
    let file = f.tmp.path().join("chosen");
    let mut pty = chooser_session(&f, "--chooser-file", &file);
    pty.send(b"/ostile\r\r");
    pty.wait_for_text("holds a newline", STEP);
    assert!(!file.exists(), "nothing written for the refused name");
    pty.send(b"/gamma\r\r");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "exit status {status:?}");
    pty.assert_restored();
    let expected = [path_bytes(&f.root.join("gamma.txt")), b"\n"].concat();
    assert_eq!(fs::read(&file).unwrap(), expected);
}
