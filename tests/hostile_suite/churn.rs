//! A tree that changes while it is scanned: entries vanish and appear, and
//! directories turn unreadable (mode 000) and back, under a scanner running
//! as `nobody` (as root, permissions would not apply). No panic, every error
//! names a path in the changing part, and the stable rest is complete.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::common::{
    Sentinel, bytes, chmod, json_records, options, public_tempdir, run_statree, scan_lib,
    statree_bin, with_timeout,
};
use crate::tui_support::Harness;

const STABLE_DIRS: usize = 40;
const FILES_PER_DIR: usize = 20;
const FLIPPED: usize = 10;

struct Churning {
    tmp: tempfile::TempDir,
    root: PathBuf,
    /// Every path that never changes (the root included).
    stable: BTreeSet<Vec<u8>>,
    /// Where entries come and go (`churn/`) and modes flip (`flip/`).
    churn: PathBuf,
    flip: PathBuf,
    stop: Arc<AtomicBool>,
    /// Changes made so far.
    changes: Arc<AtomicU64>,
    worker: Option<JoinHandle<()>>,
    sentinel: Sentinel,
}

impl Drop for Churning {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
        // Leave everything removable.
        for i in 0..FLIPPED {
            let _ = fs::set_permissions(
                self.flip.join(format!("f{i}")),
                std::os::unix::fs::PermissionsExt::from_mode(0o755),
            );
        }
    }
}

fn churning() -> Churning {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("root");
    let mut stable = BTreeSet::new();
    stable.insert(bytes(&root).to_vec());
    let stable_top = root.join("stable");
    for d in 0..STABLE_DIRS {
        let dir = stable_top.join(format!("d{d:02}"));
        fs::create_dir_all(&dir).unwrap();
        stable.insert(bytes(&dir).to_vec());
        for f in 0..FILES_PER_DIR {
            let file = dir.join(format!("f{f:02}"));
            fs::write(&file, b"stable").unwrap();
            stable.insert(bytes(&file).to_vec());
        }
    }
    stable.insert(bytes(&stable_top).to_vec());
    let churn = root.join("churn");
    let flip = root.join("flip");
    for dir in [&churn, &flip] {
        fs::create_dir(dir).unwrap();
        stable.insert(bytes(dir).to_vec());
    }
    for i in 0..FLIPPED {
        let dir = flip.join(format!("f{i}"));
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("inside"), b"i").unwrap();
    }
    for path in [&root, &stable_top, &churn, &flip] {
        chmod(path, 0o755);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let changes = Arc::new(AtomicU64::new(0));
    let worker = {
        let (churn, flip, stop, changes) =
            (churn.clone(), flip.clone(), Arc::clone(&stop), Arc::clone(&changes));
        std::thread::spawn(move || churn_until(&churn, &flip, &stop, &changes))
    };
    Churning { tmp, root, stable, churn, flip, stop, changes, worker: Some(worker), sentinel }
}

/// Creates and removes files and directories, and flips directory modes
/// between 000 and 755, as fast as it can until `stop`.
fn churn_until(churn: &Path, flip: &Path, stop: &AtomicBool, changes: &AtomicU64) {
    let mut i = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let _ = fs::write(churn.join(format!("c{}", i % 200)), b"c");
        let _ = fs::remove_file(churn.join(format!("c{}", (i + 100) % 200)));
        let dir = churn.join(format!("d{}", i % 50));
        if fs::create_dir(&dir).is_ok() {
            let _ = fs::write(dir.join("x"), b"x");
        }
        let _ = fs::remove_dir_all(churn.join(format!("d{}", (i + 25) % 50)));
        let mode = if (i / FLIPPED).is_multiple_of(2) { 0o000 } else { 0o755 };
        let _ = fs::set_permissions(
            flip.join(format!("f{}", i % FLIPPED)),
            std::os::unix::fs::PermissionsExt::from_mode(mode),
        );
        changes.fetch_add(1, Ordering::Relaxed);
        i += 1;
    }
}

impl Churning {
    fn in_changing_part(&self, path: &Path) -> bool {
        (path.starts_with(&self.churn) && path != self.churn)
            || (path.starts_with(&self.flip) && path != self.flip)
    }

    /// Waits until the tree has changed at least `n` more times.
    fn wait_changes(&self, n: u64) {
        let start = self.changes.load(Ordering::Relaxed);
        while self.changes.load(Ordering::Relaxed) < start + n {
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// A `--json` run: the stable part complete, and every error (in the
    /// records and on stderr) in the changing part.
    fn check_json(&self, out: &Output, who: &str) {
        let code = out.status.code();
        assert!(matches!(code, Some(0 | 1)), "{who}: exit {code:?}");
        let records = json_records(&out.stdout);
        for path in &self.stable {
            let rec = records
                .get(path)
                .unwrap_or_else(|| panic!("{who}: {} missing", String::from_utf8_lossy(path)));
            assert!(rec.get("error").is_none(), "{who}: {rec}");
        }
        for (path, rec) in &records {
            let path = Path::new(OsStr::from_bytes(path));
            assert!(path.starts_with(&self.root), "{who}: {path:?} outside the tree");
            if rec.get("error").is_some() {
                assert!(self.in_changing_part(path), "{who}: error on {path:?}: {rec}");
            }
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let churn = format!("statree: {}/", self.churn.display());
        let flip = format!("statree: {}/", self.flip.display());
        for line in stderr.lines() {
            assert!(line.starts_with(&churn) || line.starts_with(&flip), "{who}: {line}");
        }
        assert_eq!(code == Some(1), !stderr.is_empty(), "{who}: exit status and stderr agree");
    }
}

#[test]
fn vanishing_and_appearing_entries_never_break_the_scan() {
    let t = churning();
    for round in 0..4 {
        t.wait_changes(50);
        let scanned = scan_lib(options(&[&t.root], 2));
        assert!(scanned.finished);
        let found = scanned.by_path();
        for path in &t.stable {
            let path = Path::new(OsStr::from_bytes(path));
            let entry = found.get(path).unwrap_or_else(|| panic!("round {round}: {path:?}"));
            assert!(entry.error.is_none(), "{path:?}: {:?}", entry.error);
        }
        for (path, entry) in &found {
            if entry.error.is_some() {
                assert!(t.in_changing_part(path), "error on {path:?}: {:?}", entry.error);
            }
        }
        for (path, error) in &scanned.dir_errors {
            assert!(t.in_changing_part(path), "{path:?}: {error}");
        }
        assert_eq!(scanned.tree.dropped_batches(), 0);
        let out = run_statree([OsStr::new("--json"), t.root.as_os_str()]);
        t.check_json(&out, "root");
        let out = run_statree([OsStr::new("--summary"), t.root.as_os_str()]);
        assert!(matches!(out.status.code(), Some(0 | 1)));
    }
    // The view over a tree that moves.
    let root = t.root.clone();
    let stable = t.stable.len();
    let counted = with_timeout(60, "the view over a changing tree", move || {
        let mut h = Harness::scan(vec![root.clone()], (100, 30));
        h.press("G");
        let _ = h.screen();
        let stable_id = h.node("stable");
        h.state.tree.dir(stable_id).unwrap().total_entries
    });
    assert_eq!(counted as usize, stable - 4, "everything below stable/");
    t.sentinel.assert_untouched("the changing tree");
}

/// Runs the copied binary as `nobody`; retries while the copy is busy (a
/// child forked by another test may hold it open for a moment).
fn as_nobody(bin: &Path, args: &[&OsStr]) -> Output {
    let nobody = uzers::get_user_by_name("nobody").expect("a `nobody` user");
    let mut cmd = Command::new("setpriv");
    cmd.arg(format!("--reuid={}", nobody.uid()))
        .arg(format!("--regid={}", nobody.primary_group_id()))
        .arg("--clear-groups")
        .arg(bin)
        .args(args)
        .stdin(std::process::Stdio::null());
    with_timeout(60, "statree as nobody", move || {
        for _ in 0..100 {
            match cmd.output() {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                result => return result.expect("run setpriv"),
            }
        }
        panic!("the binary stayed busy")
    })
}

#[test]
fn directories_turning_unreadable_mid_scan_are_reported_with_their_paths() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: needs root to run the scanner as nobody");
        return;
    }
    let t = churning();
    let bin = t.tmp.path().join("statree");
    fs::copy(statree_bin(), &bin).unwrap();
    chmod(&bin, 0o755);
    let mut denied = 0;
    for _ in 0..6 {
        t.wait_changes(20);
        let out = as_nobody(&bin, &[OsStr::new("--json"), t.root.as_os_str()]);
        assert!(out.status.code().is_some(), "killed: {:?}", out.status);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        t.check_json(&out, "nobody");
        denied += stderr.lines().filter(|l| l.contains("Permission denied")).count();
    }
    assert!(denied > 0, "no scan ever met a directory at mode 000");
    let out = as_nobody(&bin, &[OsStr::new("--list"), t.root.as_os_str()]);
    assert!(matches!(out.status.code(), Some(0 | 1)));
    t.sentinel.assert_untouched("the unreadable directories");
}
