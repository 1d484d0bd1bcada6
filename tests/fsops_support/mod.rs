//! Fixtures for the filesystem-operation tests: temp dirs, snapshots of a
//! tree for "nothing changed" checks, a deep tree built with relative
//! handles, tmpfs/bind mounts with an unmounting guard, hang guards, and
//! running this test binary again as a child (with its own environment, or as
//! `nobody`).
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::time::Duration;

use rustix::fs::{Mode, OFlags};
use statree::model::Identity;
use tempfile::TempDir;

/// The environment variable that turns `child_process_entry` into a task.
pub const CHILD_TASK: &str = "STATREE_FSOPS_CHILD_TASK";

/// A flag that is never set.
pub fn no_cancel() -> AtomicBool {
    AtomicBool::new(false)
}

/// A progress callback that ignores its argument.
pub fn quiet(_: u64) {}

/// A fresh temp dir (never the developer's files).
pub fn tmp() -> TempDir {
    tempfile::Builder::new().prefix("statree-fsops-").tempdir().expect("temp dir")
}

/// A temp dir that `nobody` can enter and list (mode 0755).
pub fn public_tmp() -> TempDir {
    let dir = tmp();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// Raw bytes of a path.
pub fn bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_bytes()
}

/// `base/raw` for raw name bytes.
pub fn at(base: &Path, raw: &[u8]) -> PathBuf {
    base.join(OsStr::from_bytes(raw))
}

/// The identity of `path` now.
pub fn id(path: &Path) -> Identity {
    Identity::read(path).unwrap_or_else(|e| panic!("identity of {}: {e}", path.display()))
}

/// The 12 permission bits of `path` (not following a final symlink).
pub fn perms(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

/// Sets the permission bits of `path` (following symlinks: test setup only).
pub fn set_perms(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// One entry of a [`snapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shot {
    File { mode: u32, ino: u64, content: Vec<u8> },
    Dir { mode: u32, ino: u64 },
    Link { target: Vec<u8> },
    Other { mode: u32, ino: u64 },
}

/// Everything below `root` (root itself excluded), by relative raw path,
/// never following a symlink.
pub fn snapshot(root: &Path) -> BTreeMap<Vec<u8>, Shot> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let md = fs::symlink_metadata(&path).unwrap();
            let rel = bytes(path.strip_prefix(root).unwrap()).to_vec();
            let mode = md.mode() & 0o7777;
            let shot = if md.file_type().is_symlink() {
                Shot::Link { target: bytes(&fs::read_link(&path).unwrap()).to_vec() }
            } else if md.is_dir() {
                stack.push(path.clone());
                Shot::Dir { mode, ino: md.ino() }
            } else if md.is_file() {
                Shot::File { mode, ino: md.ino(), content: fs::read(&path).unwrap() }
            } else {
                Shot::Other { mode, ino: md.ino() }
            };
            out.insert(rel, shot);
        }
    }
    out
}

/// Builds `depth` nested directories called `name` under `root` with
/// `mkdirat`/`openat` relative to the previous level (no path ever gets long),
/// with a file `leaf` at the bottom.
pub fn deep_tree(root: &Path, depth: usize, name: &str) {
    let open = |dir: &OwnedFd, name: &str| {
        rustix::fs::openat(
            dir.as_fd(),
            name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .unwrap()
    };
    let mut fd = rustix::fs::open(root, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).unwrap();
    for _ in 0..depth {
        rustix::fs::mkdirat(fd.as_fd(), name, Mode::from_raw_mode(0o755)).unwrap();
        fd = open(&fd, name);
    }
    let leaf = rustix::fs::openat(
        fd.as_fd(),
        "leaf",
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o644),
    )
    .unwrap();
    rustix::io::write(&leaf, b"bottom").unwrap();
}

/// Runs `f` on its own thread and panics if it takes longer than `secs`.
pub fn with_timeout<T: Send + 'static>(
    secs: u64,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(what.to_string())
        // Generous but ordinary: deep trees must not need a big stack.
        .stack_size(2 << 20)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(value) => {
            let _ = worker.join();
            value
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: still running after {secs} s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => panic!("{what}: the worker ended without a result"),
        },
    }
}

/// A mount made by a test; unmounted (lazily, so a busy one still goes) when
/// dropped.
pub struct Mount {
    pub path: PathBuf,
}

impl Drop for Mount {
    fn drop(&mut self) {
        let status = Command::new("umount").arg("-l").arg(&self.path).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("note: could not unmount {}", self.path.display());
        }
    }
}

fn mount(args: &[&OsStr], path: &Path) -> Option<Mount> {
    match Command::new("mount").args(args).arg(path).output() {
        Ok(out) if out.status.success() => Some(Mount { path: path.to_path_buf() }),
        Ok(out) => {
            eprintln!(
                "note: skipping the mount part of this test: mount failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            None
        }
        Err(e) => {
            eprintln!("note: skipping the mount part of this test: cannot run mount: {e}");
            None
        }
    }
}

/// Mounts a fresh tmpfs on `path`, or says why not and returns `None`.
pub fn mount_tmpfs(path: &Path) -> Option<Mount> {
    mount(&["-t".as_ref(), "tmpfs".as_ref(), "statree-test".as_ref()], path)
}

/// Bind-mounts `source` on `path` (same filesystem, same device number).
pub fn bind_mount(source: &Path, path: &Path) -> Option<Mount> {
    mount(&["--bind".as_ref(), source.as_os_str()], path)
}

/// Runs this test binary again, running only `child_process_entry`, with
/// `task` and `env` in its environment. With `as_nobody`, a copy of the binary
/// in that (public) directory runs as `nobody` through setpriv; `None` comes
/// back when that cannot be done here (with a note on stderr).
pub fn run_child(task: &str, env: &[(&str, &OsStr)], as_nobody: Option<&Path>) -> Option<Output> {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = match as_nobody {
        None => Command::new(&exe),
        Some(dir) => {
            let (uid, gid) = nobody()?;
            let copy = dir.join("fsops-child");
            fs::copy(&exe, &copy).unwrap();
            set_perms(&copy, 0o755);
            let mut cmd = Command::new("setpriv");
            cmd.arg(format!("--reuid={uid}"))
                .arg(format!("--regid={gid}"))
                .arg("--clear-groups")
                .arg(copy);
            cmd
        }
    };
    cmd.args(["--exact", "child_process_entry", "--nocapture", "--test-threads=1"])
        .env(CHILD_TASK, task);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "child task {task} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out)
}

/// The uid and gid of `nobody`, when this process is root and setpriv exists
/// (otherwise a note on stderr and `None`).
pub fn nobody() -> Option<(u32, u32)> {
    if !rustix::process::geteuid().is_root() {
        eprintln!("note: skipping the unprivileged part of this test: not running as root");
        return None;
    }
    if !Command::new("setpriv").arg("--version").output().is_ok_and(|o| o.status.success()) {
        eprintln!("note: skipping the unprivileged part of this test: setpriv is missing");
        return None;
    }
    let Some(user) = uzers::get_user_by_name("nobody") else {
        eprintln!("note: skipping the unprivileged part of this test: no user `nobody`");
        return None;
    };
    Some((user.uid(), user.primary_group_id()))
}

/// What the child printed after `prefix`, one item per line that has it
/// (the test harness may print its own words before it on the same line).
pub fn child_lines(out: &Output, prefix: &str) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.find(prefix).map(|at| l[at + prefix.len()..].to_string()))
        .collect()
}

/// `base/root`, owned by `uid:gid`: `open/inner/f`, `top`, and `closed/`
/// (mode 000, holding `secret`), for the walks that must report the closed
/// corner and go on with the rest.
pub fn closed_corner_tree(base: &Path, uid: u32, gid: u32) -> PathBuf {
    let root = base.join("root");
    fs::create_dir_all(root.join("open/inner")).unwrap();
    fs::write(root.join("open/inner/f"), b"f").unwrap();
    fs::create_dir(root.join("closed")).unwrap();
    fs::write(root.join("closed/secret"), b"s").unwrap();
    fs::write(root.join("top"), b"t").unwrap();
    for p in ["", "open", "open/inner", "open/inner/f", "closed", "closed/secret", "top"] {
        std::os::unix::fs::chown(root.join(p), Some(uid), Some(gid)).unwrap();
    }
    set_perms(&root.join("closed"), 0o000);
    root
}
