//! How the command line counts its roots: a root that cannot be stat-ed is an
//! error and not an entry; with `-L` a link back to an ancestor is the same
//! finding whatever its text says. Overlapping roots are in `cli_overlap.rs`.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{options, scan_lib, statree_bin, with_timeout};
use serde_json::Value;

/// Runs the binary, as `nobody` when `unprivileged` and we are root (root
/// may search any directory, so permission checks need another user).
fn run(args: &[&OsStr], unprivileged: bool) -> Output {
    let mut cmd = if unprivileged && rustix::process::geteuid().is_root() {
        let nobody = uzers::get_user_by_name("nobody").expect("a `nobody` user");
        let mut cmd = Command::new("setpriv");
        cmd.arg(format!("--reuid={}", nobody.uid()))
            .arg(format!("--regid={}", nobody.primary_group_id()))
            .arg("--clear-groups")
            .arg(statree_bin());
        cmd
    } else {
        Command::new(statree_bin())
    };
    cmd.args(args).env("LC_ALL", "C").stdin(Stdio::null());
    with_timeout(60, "statree", move || cmd.output().expect("run statree"))
}

fn text(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).into_owned()
}

/// The value of one `--summary` line (`entries          3`).
fn summary_value(out: &str, key: &str) -> u64 {
    out.lines()
        .find_map(|l| l.strip_prefix(key).filter(|rest| rest.starts_with(' ')))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {key:?} in {out}"))
}

/// A temp dir others may enter (for the `nobody` runs): `top/present` holds
/// two files, `top/closed` (mode 000) holds `inside`, a root nobody can stat.
struct Roots {
    _tmp: tempfile::TempDir,
    present: PathBuf,
    missing: PathBuf,
    denied: PathBuf,
}

fn roots() -> Roots {
    let tmp = tempfile::TempDir::new().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let present = tmp.path().join("present");
    fs::create_dir(&present).unwrap();
    fs::write(present.join("one"), b"1").unwrap();
    fs::write(present.join("two"), b"22").unwrap();
    let closed = tmp.path().join("closed");
    fs::create_dir(&closed).unwrap();
    fs::create_dir(closed.join("inside")).unwrap();
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o000)).unwrap();
    Roots { missing: tmp.path().join("missing"), denied: closed.join("inside"), present, _tmp: tmp }
}

impl Drop for Roots {
    fn drop(&mut self) {
        // Let the temp dir's cleanup back in.
        let closed = self.denied.parent().unwrap();
        let _ = fs::set_permissions(closed, fs::Permissions::from_mode(0o755));
    }
}

/// Each failing root, with the reason its stat gave.
fn failing(r: &Roots) -> [(&Path, &str); 2] {
    [(&r.missing, "stat: No such file or directory"), (&r.denied, "stat: Permission denied")]
}

#[test]
fn a_root_that_cannot_be_stat_ed_is_an_error_in_the_summary_not_an_entry() {
    let r = roots();
    for (bad, reason) in failing(&r) {
        let out = run(&["--summary".as_ref(), bad.as_os_str(), r.present.as_os_str()], true);
        let stdout = text(&out.stdout);
        assert_eq!(summary_value(&stdout, "entries"), 3, "the present root only: {stdout}");
        assert_eq!(summary_value(&stdout, "other"), 0, "{stdout}");
        assert_eq!(summary_value(&stdout, "directories"), 1, "{stdout}");
        assert_eq!(summary_value(&stdout, "errors"), 1, "{stdout}");
        assert_eq!(out.status.code(), Some(1), "some errors: exit 1");
        let stderr = text(&out.stderr);
        assert_eq!(stderr, format!("statree: {}: {reason}\n", bad.display()));
    }
}

#[test]
fn a_root_that_cannot_be_stat_ed_is_an_error_in_list_json_and_audit() {
    let r = roots();
    for (bad, reason) in failing(&r) {
        let error_line = format!("statree: {}: {reason}\n", bad.display());
        let args = |flag: &'static str| [flag.as_ref(), bad.as_os_str(), r.present.as_os_str()];

        let out = run(&args("--list"), true);
        let listed = text(&out.stdout);
        let about_bad: Vec<&str> =
            listed.lines().filter(|l| l.contains(&*bad.to_string_lossy())).collect();
        assert_eq!(about_bad, [format!("! {}: {reason}", bad.display())], "{listed}");
        assert_eq!(listed.lines().count(), 4, "three entries and the error: {listed}");
        assert_eq!(text(&out.stderr), error_line);
        assert_eq!(out.status.code(), Some(1));

        let out = run(&args("--json"), true);
        let records: Vec<Value> = text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        let paths: Vec<PathBuf> =
            records.iter().filter_map(statree::output::json::record_path).collect();
        assert_eq!(paths.len(), 3, "no record for the failing root: {paths:?}");
        assert!(!paths.iter().any(|p| p == bad), "{paths:?}");
        assert!(records.iter().all(|rec| rec.get("error").is_none()), "{records:?}");
        assert_eq!(text(&out.stderr), error_line);
        assert_eq!(out.status.code(), Some(1));

        let out = run(&["--audit".as_ref(), bad.as_os_str(), r.present.as_os_str()], true);
        let report = text(&out.stdout);
        assert!(report.lines().next().unwrap().ends_with("among 3 scanned, 1 errors"), "{report}");
        assert!(!report.contains("unreadable"), "not an entry, so no finding: {report}");
        assert_eq!(text(&out.stderr), error_line);
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn the_model_keeps_a_failing_root_as_an_error_without_a_node() {
    let r = roots();
    let scanned = scan_lib(options(&[&r.missing, &r.present], 2));
    let tree = &scanned.tree;
    let roots: Vec<PathBuf> = tree.roots().map(|id| tree.path(id)).collect();
    assert_eq!(roots, std::slice::from_ref(&r.present));
    assert_eq!((tree.totals().entries, tree.totals().other, tree.totals().errors), (3, 0, 1));
    let [failed] = tree.root_errors() else { panic!("{:?}", tree.root_errors()) };
    assert_eq!((failed.index, &failed.path), (0, &r.missing));
    assert_eq!(failed.error.to_string(), "stat: No such file or directory");
    assert!(!scanned.entries.iter().any(|(path, _)| path == &r.missing));
}

/// `top/a` holds a file and four links back to an ancestor, two per
/// ancestor: one whose text jwalk recognises as an ancestor's path (absolute)
/// and one it does not (relative); `to_root` names the root itself.
struct Loops {
    _tmp: tempfile::TempDir,
    top: PathBuf,
    a: PathBuf,
}

fn loops() -> Loops {
    let tmp = tempfile::TempDir::new().unwrap();
    let top = tmp.path().join("top");
    let a = top.join("a");
    fs::create_dir_all(&a).unwrap();
    fs::write(a.join("f"), b"x").unwrap();
    symlink("..", a.join("up")).unwrap();
    symlink(&top, a.join("to_root")).unwrap();
    symlink("../a", a.join("self_rel")).unwrap();
    symlink(&a, a.join("self_abs")).unwrap();
    Loops { _tmp: tmp, top, a }
}

impl Loops {
    /// Each link with the ancestor it leads back to.
    fn links(&self) -> [(PathBuf, &Path); 4] {
        [
            (self.a.join("up"), &self.top),
            (self.a.join("to_root"), &self.top),
            (self.a.join("self_rel"), &self.a),
            (self.a.join("self_abs"), &self.a),
        ]
    }
}

#[test]
fn with_follow_links_every_link_back_to_an_ancestor_lists_the_same() {
    let fx = loops();
    let out = run(&["-L".as_ref(), "--list".as_ref(), fx.top.as_os_str()], false);
    let listed = text(&out.stdout);
    for (link, ancestor) in fx.links() {
        let lines: Vec<&str> = listed
            .lines()
            .filter(|l| {
                l.ends_with(&*link.to_string_lossy()) || l.contains(&format!("{}:", link.display()))
            })
            .collect();
        assert_eq!(lines.len(), 2, "{}: {listed}", link.display());
        assert!(lines[0].starts_with("d rwx"), "the followed directory: {}", lines[0]);
        assert_eq!(
            lines[1],
            format!(
                "! {}: filesystem loop: points back to ancestor {}",
                link.display(),
                ancestor.display()
            )
        );
    }
    assert!(!listed.lines().any(|l| l.starts_with("l ")), "{listed}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn with_follow_links_every_link_back_to_an_ancestor_records_the_same() {
    let fx = loops();
    let out = run(&["-L".as_ref(), "--json".as_ref(), fx.top.as_os_str()], false);
    let records: Vec<Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    let find = |path: &Path| {
        records
            .iter()
            .find(|rec| statree::output::json::record_path(rec).as_deref() == Some(path))
            .unwrap_or_else(|| panic!("{} not in {records:?}", path.display()))
    };
    for (link, ancestor) in fx.links() {
        let rec = find(&link);
        let target = find(ancestor);
        assert_eq!(rec["type"], "dir", "{rec}");
        assert_eq!((&rec["dev"], &rec["ino"]), (&target["dev"], &target["ino"]), "{rec}");
        assert_eq!(
            rec["error"],
            format!("filesystem loop: points back to ancestor {}", ancestor.display())
        );
    }
    let out = run(&["-L".as_ref(), "--summary".as_ref(), fx.top.as_os_str()], false);
    let summary = text(&out.stdout);
    assert_eq!(summary_value(&summary, "symlinks"), 0, "{summary}");
    assert_eq!(summary_value(&summary, "errors"), 4, "{summary}");
    assert_eq!(summary_value(&summary, "directories"), 6, "{summary}");
}

#[test]
fn with_follow_links_the_audit_reports_every_loop_alike() {
    let fx = loops();
    let out = run(&["-L".as_ref(), "--audit".as_ref(), fx.top.as_os_str()], false);
    let report = text(&out.stdout);
    for (link, ancestor) in fx.links() {
        let line = report
            .lines()
            .find(|l| l.contains(&format!("{}:", link.display())))
            .unwrap_or_else(|| panic!("{} not in {report}", link.display()));
        assert!(line.trim_start().starts_with("drwx"), "{line}");
        assert!(
            line.ends_with(&format!(
                "{}: filesystem loop: points back to ancestor {}",
                link.display(),
                ancestor.display()
            )),
            "{line}"
        );
    }
}
