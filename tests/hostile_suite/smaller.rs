//! Smaller faults from the same run (issue 14 §6): a `--cwd-file` error that
//! did not name the file, an audit count its filter could not show while
//! dot-files were hidden, and "1 item, 1 entries" in the delete dialog and
//! its result.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use statree::view::Mode;
use statree::view::audit::{AuditFilter, PanelEntry};

use crate::common::{Sentinel, public_tempdir};
use crate::tui_support::{Harness, PtySession};

const SIZE: (u16, u16) = (100, 30);
const WAIT: Duration = Duration::from_secs(15);

fn status(h: &Harness) -> String {
    h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

#[test]
fn a_cwd_file_that_cannot_be_written_is_named_with_the_operation() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("tree");
    fs::create_dir(&root).unwrap();
    // Its directory does not exist: creating it fails.
    let cwd_file = tmp.path().join("no-such-dir").join("cwd");
    let args = [root.as_os_str(), "--cwd-file".as_ref(), cwd_file.as_os_str()];
    let mut pty = PtySession::spawn(&args, tmp.path());
    pty.wait_for("the finished scan", WAIT, |s| s.contains("scanned in"));
    pty.send(b"q");
    let status = pty.wait_exit(WAIT);
    assert_eq!(status.exit_code(), 1, "{status:?}");
    pty.assert_restored();
    let screen = pty.screen();
    let named = format!("statree: --cwd-file {}: creating: ", cwd_file.display());
    assert!(screen.contains(&named), "{named:?} not in:\n{screen}");
    assert!(screen.contains("No such file or directory"), "{screen}");
    sentinel.assert_untouched("--cwd-file");
}

#[test]
fn an_audit_filter_says_which_of_its_entries_hidden_dot_files_keep_out_of_view() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("tree");
    fs::create_dir_all(root.join(".hidden")).unwrap();
    fs::write(root.join("visible.txt"), b"x").unwrap();
    let su = root.join(".hidden").join("su");
    fs::write(&su, b"#!/bin/sh\n").unwrap();
    // Owned by root (the suite runs as root): a setuid-root finding.
    fs::set_permissions(&su, fs::Permissions::from_mode(0o4755)).unwrap();
    let mut h = Harness::scan(vec![root.clone()], SIZE);
    h.press(".");
    assert!(!h.state.rows.options.show_hidden);
    h.press("!");
    let setuid_root = h.state.audit.panel_entries()[0];
    let PanelEntry::Filter(filter @ AuditFilter::Finding(_)) = setuid_root else {
        panic!("the panel starts with {setuid_root:?}")
    };
    assert_eq!(filter.label(), "setuid-root");
    assert_eq!(h.state.audit.filter_count(filter), 1, "the panel counts the hidden file");
    h.press("g");
    h.press("enter");
    assert!(matches!(h.state.mode, Mode::Normal));
    let said = status(&h);
    assert!(said.contains("1 hidden among dot-files: . shows them"), "{said}");
    // The key it names shows the entry.
    h.press(".");
    h.press("n");
    assert_eq!(h.rel_path(h.state.selected_node().unwrap()), ".hidden/su");
    sentinel.assert_untouched("the audit filter");
}

#[test]
fn the_delete_dialog_and_its_result_count_one_entry_in_the_singular() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("tree");
    fs::create_dir_all(root.join("empty")).unwrap();
    fs::write(root.join("keep.txt"), b"x").unwrap();
    let mut h = Harness::scan(vec![root.clone()], SIZE);
    h.select("empty");
    h.press("D");
    let Mode::Confirm(confirm) = &h.state.mode else { panic!("no dialog") };
    let text = confirm.lines.join("\n");
    assert!(text.contains("1 item, 1 entry in all, "), "{text}");
    h.press("y");
    assert!(!root.join("empty").exists());
    assert!(root.join("keep.txt").exists());
    let said = status(&h);
    assert!(said.starts_with("deleted 1 of 1 item (1 entry, "), "{said}");
    sentinel.assert_untouched("delete");
}
