//! The editing actions end to end: the real binary in a real pseudo-terminal
//! changes a file's mode, hands it to the editor and takes the terminal
//! back, renames it, deletes it, and moves another file to the trash —
//! checking the disk after each step. Every wait has a timeout.

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

fn mode(path: &std::path::Path) -> u32 {
    fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

#[test]
fn chmod_edit_rename_delete_and_trash_in_a_real_terminal() {
    let f = Fixture::new();
    fs::set_permissions(f.root.join("gamma.txt"), fs::Permissions::from_mode(0o644)).unwrap();
    let editor = f.tmp.path().join("editor.sh");
    fs::write(&editor, "#!/bin/sh\nprintf 'edited\\n' >> \"$1\"\n").unwrap();
    fs::set_permissions(&editor, fs::Permissions::from_mode(0o755)).unwrap();
    let data_home = f.tmp.path().join("data");
    fs::create_dir(&data_home).unwrap();
    let env = [
        ("VISUAL", editor.as_os_str()),
        ("EDITOR", editor.as_os_str()),
        ("XDG_DATA_HOME", data_home.as_os_str()),
    ];
    let mut pty = PtySession::spawn_with_env(&[f.root.as_os_str()], f.tmp.path(), &env);
    pty.wait_for("the finished scan", START, scanned);

    // Select gamma.txt by searching for it.
    pty.send(b"/gamma\r");
    let gamma = f.root.join("gamma.txt");
    let gamma_shown = gamma.to_string_lossy().into_owned();
    pty.wait_for("gamma.txt's metadata", STEP, |s| s.contains(&gamma_shown));

    // p: the editor; typed octal; Enter applies.
    pty.send(b"p");
    pty.wait_for_text("permissions: gamma.txt", STEP);
    pty.send(b"600");
    pty.wait_for_text("octal 0600", STEP);
    pty.send(b"\r");
    pty.wait_for_text("mode now 0600", STEP);
    assert_eq!(mode(&gamma), 0o600);

    // e: the terminal goes to the editor and comes back redrawn.
    pty.send(b"e");
    pty.wait_for("the file edited and the view back", STEP, |s| {
        fs::read_to_string(&gamma).is_ok_and(|c| c.ends_with("edited\n")) && scanned(s)
    });
    assert_eq!(fs::read_to_string(&gamma).unwrap(), format!("{GAMMA_TEXT}edited\n"));

    // r: rename with the prompt's line editing (Ctrl-u clears).
    pty.send(b"r");
    pty.wait_for_text("rename to: gamma.txt", STEP);
    pty.send(b"\x15renamed.txt\r");
    pty.wait_for_text("renamed to renamed.txt", STEP);
    let renamed = f.root.join("renamed.txt");
    assert!(!gamma.exists());
    assert_eq!(mode(&renamed), 0o600);

    // D: delete permanently after the confirmation.
    pty.send(b"D");
    pty.wait_for_text("Delete permanently?", STEP);
    pty.send(b"y");
    pty.wait_for_text("deleted 1 of 1 item", STEP);
    assert!(!renamed.exists());

    // d: to the trash (this test's own XDG_DATA_HOME).
    pty.send(b"/large\r");
    let large = f.root.join("large.log");
    let large_shown = large.to_string_lossy().into_owned();
    pty.wait_for("large.log's metadata", STEP, |s| s.contains(&large_shown));
    pty.send(b"d");
    pty.wait_for_text("Move to the trash?", STEP);
    pty.send(b"y");
    pty.wait_for_text("moved 1 of 1 item to the trash", STEP);
    assert!(!large.exists());
    assert!(data_home.join("Trash/files/large.log").exists());

    pty.send(b"q");
    let status = pty.wait_exit(EXIT);
    assert!(status.success(), "exit status {status:?}");
    pty.assert_restored();
    // The rest of the tree is untouched.
    assert!(f.root.join("alpha/small.txt").exists());
    assert!(f.root.join("beta/data.bin").exists());
}
