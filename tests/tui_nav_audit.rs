//! Moving the root feeds the audit as the first scan does: the tree `:`
//! puts in place of the first is audited like a tree scanned at start-up
//! (findings counted live, the audit pass after its scan, the panel shows
//! it), and the siblings `-` scans are judged as they arrive.

mod tui_support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use statree::audit::Finding;
use statree::view::Mode;
use statree::view::audit::{AuditState, PassOptions, PassState};
use tui_support::*;

const SIZE: (u16, u16) = (120, 40);

/// A setuid file at `path`.
fn setuid_file(path: &Path) {
    fs::write(path, "#!/bin/sh\n").unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o4755)).unwrap();
}

/// `<tmp>/top` holding `root/` (a plain file) and `other/` (a setuid file),
/// and next to them `suid-here` and `out-link` (a symlink to `/`).
fn fixture() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = fixed_length_tempdir();
    let top = tmp.path().join("top");
    let root = top.join("root");
    fs::create_dir_all(&root).unwrap();
    fs::write(root.join("plain.txt"), "p").unwrap();
    fs::create_dir_all(top.join("other")).unwrap();
    setuid_file(&top.join("other/suid"));
    setuid_file(&top.join("suid-here"));
    std::os::unix::fs::symlink("/", top.join("out-link")).unwrap();
    (tmp, top, root)
}

/// Scans `root` with the audit set up as the interface sets it up (the
/// pass told the roots the command line gave).
fn scan(tmp: &Path, root: PathBuf) -> Harness {
    let mut h = Harness::scan(vec![root.clone()], SIZE);
    h.tmp_prefix = Some(tmp.to_path_buf());
    let pass = PassOptions { roots: vec![root], ..PassOptions::default() };
    h.state.audit = AuditState::new(pass, None);
    // (Set after the scan: the first root has no findings to miss.)
    h
}

fn panel_text(h: &mut Harness) -> String {
    h.press("!");
    assert!(matches!(h.state.mode, Mode::Audit { .. }), "{:?}", h.state.mode);
    let screen = h.render(SIZE.0, SIZE.1);
    h.press("esc");
    screen
}

fn setuid_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == "setuid"))
        .unwrap_or_else(|| panic!("no setuid line:\n{screen}"))
        .to_string()
}

#[test]
fn goto_outside_the_tree_audits_the_new_tree_as_at_start_up() {
    let (tmp, top, root) = fixture();
    let mut h = scan(tmp.path(), root);
    assert_eq!(h.state.audit.count(Finding::Setuid), 0);
    // The panel opened once: the pass ran for the first tree.
    panel_text(&mut h);
    assert_eq!(h.state.audit.pass(), PassState::Done);

    h.press(":");
    h.type_text(&top.join("other").to_string_lossy());
    h.press("enter");
    assert_eq!(h.state.tree.path(h.root()), top.join("other"));
    assert!(!h.state.scanning());
    // Counted live from the new scan.
    assert_eq!(h.state.audit.count(Finding::Setuid), 1);
    // The audit pass ran again, over the new root.
    assert_eq!(h.state.audit.pass(), PassState::Done);
    assert_eq!(h.state.audit.roots(), [top.join("other")]);
    let line = setuid_line(&panel_text(&mut h));
    assert!(line.split_whitespace().any(|w| w == "1"), "{line}");
}

#[test]
fn goto_before_the_panel_ever_opened_runs_the_pass_when_it_opens() {
    let (tmp, top, root) = fixture();
    let mut h = scan(tmp.path(), root);
    h.press(":");
    h.type_text(&top.join("other").to_string_lossy());
    h.press("enter");
    assert_eq!(h.state.audit.pass(), PassState::NotStarted);
    assert_eq!(h.state.audit.roots(), [top.join("other")]);
    let screen = panel_text(&mut h);
    assert_eq!(h.state.audit.pass(), PassState::Done);
    let line = setuid_line(&screen);
    assert!(line.split_whitespace().any(|w| w == "1"), "{line}");
}

#[test]
fn minus_judges_the_siblings_it_scans() {
    let (tmp, _top, root) = fixture();
    let mut h = scan(tmp.path(), root);
    assert_eq!(h.state.audit.count(Finding::Setuid), 0);
    h.press("-");
    assert!(h.state.tree.len() > 3, "the siblings were scanned");
    // `suid-here` and `other/suid`.
    assert_eq!(h.state.audit.count(Finding::Setuid), 2);
    let screen = panel_text(&mut h);
    let line = setuid_line(&screen);
    assert!(line.split_whitespace().any(|w| w == "2"), "{line}");
    // The audit pass (first asked for now) walks the new root, so the
    // sibling symlink's target is judged.
    assert_eq!(h.state.audit.pass(), PassState::Done);
    assert_eq!(h.state.audit.count(Finding::SymlinkOutsideRoot), 1, "{screen}");
}

#[test]
fn goto_with_a_baseline_says_in_the_panel_that_it_is_not_compared() {
    let (tmp, top, root) = fixture();
    let mut h = scan(tmp.path(), root.clone());
    let file = tmp.path().join("baseline.json");
    fs::write(&file, "").unwrap();
    let baseline = statree::audit::Baseline::load(&file).unwrap();
    let pass = PassOptions { roots: vec![root], ..PassOptions::default() };
    h.state.audit = AuditState::new(pass, Some(baseline));
    assert!(panel_text(&mut h).contains("new since baseline"));
    h.press(":");
    h.type_text(&top.join("other").to_string_lossy());
    h.press("enter");
    let screen = panel_text(&mut h);
    assert!(!screen.contains("new since baseline"), "{screen}");
    assert!(screen.contains("/baseline.json is compared with the start-up roots only"), "{screen}");
    assert!(h.state.audit.baseline_note().unwrap().ends_with("not this tree"));
}
