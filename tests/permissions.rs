//! Permission-denied directories (modes 000, 0644 and 0111), seen by an
//! unprivileged user: the binary runs as `nobody` through `setpriv`
//! (util-linux); the tests run as root.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{chmod, path_from, public_tempdir, serial_walk, settle_atimes};
use serde_json::Value;
use tempfile::TempDir;

/// A tree with a mode-000 directory, a mode-0644 one (readable, not
/// searchable) and normal siblings, plus a copy of the binary that `nobody`
/// can execute wherever the build directory is.
struct Denied {
    _tmp: TempDir,
    bin: PathBuf,
    root: PathBuf,
    closed: PathBuf,
    no_search: PathBuf,
    /// Mode 0111: searchable but not readable.
    no_read: PathBuf,
}

fn denied_tree() -> Denied {
    let tmp = public_tempdir();
    let root = tmp.path().join("root");
    let closed = root.join("closed");
    let no_search = root.join("no search");
    let no_read = root.join("no_read");
    let open = root.join("open");
    for dir in [&root, &open, &open.join("sub"), &closed, &no_search, &no_read] {
        fs::create_dir(dir).unwrap();
        chmod(dir, 0o755);
    }
    fs::create_dir_all(closed.join("hidden_inside")).unwrap();
    fs::create_dir_all(no_search.join("inner")).unwrap();
    for file in [
        root.join("top.txt"),
        root.join("open").join("a.txt"),
        root.join("open").join("sub").join("b.txt"),
        closed.join("secret.txt"),
        closed.join("hidden_inside").join("deep.txt"),
        no_search.join("z.txt"),
        no_search.join("inner").join("w.txt"),
        no_read.join("unlisted.txt"),
    ] {
        fs::write(&file, b"data").unwrap();
        chmod(&file, 0o644);
    }
    settle_atimes(&root);
    chmod(&closed, 0o000);
    chmod(&no_search, 0o644);
    chmod(&no_read, 0o111);
    let bin = tmp.path().join("statree");
    fs::copy(common::statree_bin(), &bin).expect("copy the binary");
    chmod(&bin, 0o755);
    Denied { _tmp: tmp, bin, root, closed, no_search, no_read }
}

/// Runs a command with a 60 s hang guard. "Text file busy" is retried: while
/// one test copies the binary, a child forked by another test thread holds the
/// copy open for writing until it execs.
fn run(mut cmd: Command) -> Output {
    cmd.stdin(std::process::Stdio::null());
    common::with_timeout(60, "statree", move || {
        let mut tries = 0;
        loop {
            match cmd.output() {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 100 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                result => return result.expect("run command"),
            }
        }
    })
}

/// Runs the binary as `nobody` through setpriv. The tests need root (to drop
/// to nobody, and to scan the denied directories for the reference).
fn run_unprivileged(bin: &Path, args: &[&str], root: &Path) -> Output {
    assert!(
        rustix::process::geteuid().is_root(),
        "the permission tests must run as root: they run statree as nobody via setpriv"
    );
    let probe = Command::new("setpriv").arg("--version").output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "setpriv (util-linux) is required to run the permission tests as nobody; \
         install util-linux"
    );
    let nobody = uzers::get_user_by_name("nobody").expect("a `nobody` user");
    let mut cmd = Command::new("setpriv");
    cmd.arg(format!("--reuid={}", nobody.uid()))
        .arg(format!("--regid={}", nobody.primary_group_id()))
        .arg("--clear-groups")
        .arg(bin)
        .args(args)
        .arg(root);
    run(cmd)
}

fn records(out: &Output) -> BTreeMap<PathBuf, Value> {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let mut map = BTreeMap::new();
    for line in text.lines() {
        let mut rec: Value = serde_json::from_str(line).unwrap();
        let path = path_from(&decode_path(&rec["path"]));
        // Access times are not compared: reading a directory may move them.
        rec.as_object_mut().unwrap().remove("atime");
        assert!(map.insert(path, rec).is_none(), "duplicate record: {line}");
    }
    map
}

fn decode_path(value: &Value) -> Vec<u8> {
    match value {
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Array(items) => {
            items.iter().map(|v| u8::try_from(v.as_u64().unwrap()).unwrap()).collect()
        }
        other => panic!("bad path {other}"),
    }
}

fn strictly_under(path: &Path, dir: &Path) -> bool {
    path.starts_with(dir) && path != dir
}

#[test]
fn unprivileged_json_lists_every_readable_entry_and_marks_denied_dirs() {
    let t = denied_tree();
    let mut cmd = Command::new(&t.bin);
    cmd.arg("--json").arg(&t.root);
    let as_root = run(cmd);
    assert_eq!(as_root.status.code(), Some(0), "root reads everything");
    let everything = records(&as_root);
    assert_eq!(everything.len(), serial_walk(&t.root).len());

    let out = run_unprivileged(&t.bin, &["--json"], &t.root);
    assert_eq!(out.status.code(), Some(1), "exit status with errors");
    let seen = records(&out);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();

    // Every entry outside the denied directories, exactly as root saw it.
    let unlistable = [&t.closed, &t.no_read];
    for (path, rec) in &everything {
        if unlistable.iter().chain([&&t.no_search]).any(|d| strictly_under(path, d)) {
            continue;
        }
        let mut got = seen.get(path).unwrap_or_else(|| panic!("{path:?} missing")).clone();
        if unlistable.contains(&path) {
            let error = got.as_object_mut().unwrap().remove("error");
            let error = error.unwrap_or_else(|| panic!("{path:?}: the record carries an error"));
            assert!(error.as_str().unwrap().contains("Permission denied"), "{error}");
        }
        if path == &t.no_search {
            got.as_object_mut().unwrap().remove("error");
        }
        assert_eq!(&got, rec, "{path:?} as nobody vs as root");
    }
    for dir in unlistable {
        // Nothing from inside a directory that cannot be listed.
        assert!(!seen.keys().any(|p| strictly_under(p, dir)), "{seen:?}");
        let shown = dir.to_string_lossy();
        assert!(
            stderr.lines().any(|l| l.contains(&*shown) && l.contains("Permission denied")),
            "stderr names {shown}: {stderr}"
        );
    }

    // The mode-0644 directory: its names can be listed but none can be
    // stat-ed. Either the directory itself or every entry listed in it carries
    // the error; nothing below its children is walked.
    let dir_error = seen[&t.no_search].get("error").is_some();
    for (path, rec) in seen.iter().filter(|(p, _)| strictly_under(p, &t.no_search)) {
        assert_eq!(path.parent(), Some(t.no_search.as_path()), "{path:?} walked");
        let error = rec.get("error").and_then(Value::as_str).unwrap_or_default();
        assert!(dir_error || error.contains("Permission denied"), "{path:?}: {rec}");
        assert!(rec["ino"].is_null(), "{path:?} could not have been stat-ed: {rec}");
    }
    let denied_lines = stderr
        .lines()
        .filter(|l| l.contains(&*t.no_search.to_string_lossy()) && l.contains("Permission denied"))
        .count();
    assert!(denied_lines >= 1, "stderr names the mode-0644 directory: {stderr}");
}

#[test]
fn unprivileged_list_and_summary_report_denied_dirs_and_exit_1() {
    let t = denied_tree();
    let out = run_unprivileged(&t.bin, &["--list"], &t.root);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let closed = t.closed.to_string_lossy();
    assert!(
        stderr.contains(&format!("statree: {closed}: ")) && stderr.contains("Permission denied"),
        "stderr: {stderr}"
    );
    assert!(stdout.contains(&format!("! {closed}: ")), "error line in the listing: {stdout}");
    for readable in ["top.txt", "open/a.txt", "open/sub/b.txt"] {
        let path = t.root.join(readable);
        assert!(stdout.contains(&*path.to_string_lossy()), "{readable} listed: {stdout}");
    }
    assert!(!stdout.contains("secret.txt") && !stdout.contains("deep.txt"), "{stdout}");
    assert!(!stdout.contains("w.txt"), "nothing under the unsearchable dir is walked");

    let out = run_unprivileged(&t.bin, &["--summary"], &t.root);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let errors = stdout
        .lines()
        .find_map(|l| l.strip_prefix("errors"))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .expect("an errors line");
    assert!(errors >= 2, "both denied directories count as errors: {stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(errors, stderr.lines().count() as u64, "one stderr line per error: {stderr}");
}
