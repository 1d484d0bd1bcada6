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

/// Runs the test named `name` of this binary again as `nobody` (root reads
/// every directory, so unreadable ones need another user) and asserts it
/// passed there; `true` when the caller is that re-run (or is not root) and
/// must do the work itself.
fn as_nobody_or_here(name: &str) -> bool {
    const CHILD: &str = "STATREE_NAV_AUDIT_AS_NOBODY";
    if std::env::var_os(CHILD).is_some() || !rustix::process::geteuid().is_root() {
        return true;
    }
    let nobody = uzers::get_user_by_name("nobody").expect("a `nobody` user");
    let out = std::process::Command::new("setpriv")
        .arg(format!("--reuid={}", nobody.uid()))
        .arg(format!("--regid={}", nobody.primary_group_id()))
        .arg("--clear-groups")
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("setpriv");
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("1 passed"), "as nobody:\n{text}");
    false
}

/// Opens the directories again when dropped, so the temporary directory
/// can be removed whatever the test did.
struct Reopen(Vec<PathBuf>);

impl Drop for Reopen {
    fn drop(&mut self) {
        for dir in &self.0 {
            let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o755));
        }
    }
}

fn unreadable_dir(path: &Path) {
    fs::create_dir_all(path).unwrap();
    fs::write(path.join("inside"), "i").unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
}

fn has_finding(h: &Harness, id: statree::model::NodeId, finding: Finding) -> bool {
    h.state.audit.findings(id).contains(finding)
}

#[test]
fn minus_and_goto_find_unreadable_directories_as_the_first_scan_does() {
    if !as_nobody_or_here("minus_and_goto_find_unreadable_directories_as_the_first_scan_does") {
        return;
    }
    // Made by the user who scans: `nobody` cannot read the directories.
    let tmp = tempfile::TempDir::new().unwrap();
    let top = tmp.path().join("top");
    let root = top.join("root");
    fs::create_dir_all(&root).unwrap();
    fs::write(root.join("plain.txt"), "p").unwrap();
    unreadable_dir(&top.join("locked"));
    let elsewhere = tmp.path().join("elsewhere");
    unreadable_dir(&elsewhere.join("shut"));
    fs::write(elsewhere.join("open-to-all"), "w").unwrap();
    fs::set_permissions(elsewhere.join("open-to-all"), fs::Permissions::from_mode(0o666)).unwrap();
    let _reopen = Reopen(vec![top.join("locked"), elsewhere.join("shut")]);
    // The first scan sees the same kind of directory as unreadable.
    // (The audit the harness's scan starts with counts as it goes.)
    let first = Harness::scan(vec![elsewhere.clone()], SIZE);
    assert_eq!(first.state.audit.count(Finding::Unreadable), 1, "the first scan's rule");
    let shut = first.node("shut");
    assert!(has_finding(&first, shut, Finding::Unreadable));

    let mut h = scan(tmp.path(), root);
    assert_eq!(h.state.audit.count(Finding::Unreadable), 0);
    h.press("-");
    let locked = h.node("locked");
    assert_eq!(h.state.audit.count(Finding::Unreadable), 1);
    assert!(has_finding(&h, locked, Finding::Unreadable));
    let screen = panel_text(&mut h);
    let line = screen.lines().find(|l| l.contains("unreadable")).unwrap_or_default().to_string();
    assert!(line.split_whitespace().any(|w| w == "1"), "{screen}");

    // `:` elsewhere: a fresh tree, audited as at start-up.
    h.press(":");
    h.type_text(&elsewhere.to_string_lossy());
    h.press("enter");
    assert_eq!(h.state.tree.path(h.root()), elsewhere);
    assert_eq!(h.state.audit.count(Finding::Unreadable), 1);
    assert!(has_finding(&h, h.node("shut"), Finding::Unreadable));
    assert_eq!(h.state.audit.count(Finding::WorldWritable), 1);
    assert!(has_finding(&h, h.node("open-to-all"), Finding::WorldWritable));
    assert_eq!(
        h.state.audit.count(Finding::WorldWritable),
        first.state.audit.count(Finding::WorldWritable)
    );
}
