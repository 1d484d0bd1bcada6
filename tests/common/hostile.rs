//! Helpers of the hostile-tree suite: the binary run under a hang guard, its
//! `--json` and `--summary` outputs parsed, a sentinel outside the tree that
//! proves nothing there was touched, and a remover that copes with trees
//! deeper than PATH_MAX.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde_json::Value;
use statree::fsops::remove_permanently;
use statree::model::Identity;

use super::{path_from, statree_bin};

/// How long one run of the binary may take.
pub const CLI_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `statree ARGS` with stdin closed; kills it after [`CLI_TIMEOUT`]
/// and panics, so a hang fails the test instead of stalling the suite.
pub fn run_statree<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_os_string()).collect();
    let mut cmd = assert_cmd::Command::new(statree_bin());
    cmd.args(&args).timeout(CLI_TIMEOUT);
    let out = cmd.output().expect("run statree");
    assert!(
        out.status.code().is_some(),
        "statree {args:?} was killed ({:?}): a hang or a crash; stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "statree {args:?} panicked: {stderr}");
    out
}

/// The `--json` records by raw path; panics on a duplicate path.
pub fn json_records(stdout: &[u8]) -> BTreeMap<Vec<u8>, Value> {
    let text = std::str::from_utf8(stdout).expect("JSON Lines are UTF-8");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let rec: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let raw = statree::output::pathcodec::decode(&rec["path"]).expect("a path");
        assert!(out.insert(raw, rec).is_none(), "a path listed twice: {line}");
    }
    out
}

/// The value of one `--summary` line (`entries`, `errors`, `apparent bytes`, …).
pub fn summary_value(stdout: &[u8], key: &str) -> u64 {
    let text = String::from_utf8_lossy(stdout);
    text.lines()
        .find_map(|l| l.strip_prefix(key).filter(|rest| rest.starts_with(' ')))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {key:?} line in the summary: {text}"))
}

/// What a file's `lstat` says, for proving it was not touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Marks {
    ino: u64,
    mode: u32,
    nlink: u64,
    size: u64,
    atime: (i64, i64),
    mtime: (i64, i64),
    ctime: (i64, i64),
}

fn marks(path: &Path) -> Marks {
    let md = fs::symlink_metadata(path).unwrap_or_else(|e| panic!("lstat {path:?}: {e}"));
    Marks {
        ino: md.ino(),
        mode: md.mode(),
        nlink: md.nlink(),
        size: md.size(),
        atime: (md.atime(), md.atime_nsec()),
        mtime: (md.mtime(), md.mtime_nsec()),
        ctime: (md.ctime(), md.ctime_nsec()),
    }
}

/// A file and a directory outside a tree under test, with their `lstat`
/// records (the access time included: reading the file would move it, as it
/// is no newer than the modification time).
pub struct Sentinel {
    pub file: PathBuf,
    pub dir: PathBuf,
    marks: [Marks; 2],
}

impl Sentinel {
    /// Creates `sentinel` and `sentinel-dir/` in `dir` (beside the tree).
    pub fn beside(dir: &Path) -> Sentinel {
        let file = dir.join("sentinel");
        fs::write(&file, b"do not touch\n").expect("write the sentinel");
        let sub = dir.join("sentinel-dir");
        fs::create_dir(&sub).expect("create the sentinel directory");
        fs::write(sub.join("inside"), b"x").expect("write in the sentinel directory");
        // Make the access time no newer than the modification time, so any
        // read would move it under relatime.
        let t = rustix::fs::Timespec { tv_sec: 1_600_000_000, tv_nsec: 0 };
        let times = rustix::fs::Timestamps { last_access: t, last_modification: t };
        for path in [&file, &sub] {
            rustix::fs::utimensat(rustix::fs::CWD, path, &times, rustix::fs::AtFlags::empty())
                .expect("set the sentinel's times");
        }
        let marks = [marks(&file), marks(&sub)];
        Sentinel { file, dir: sub, marks }
    }

    /// Panics when either sentinel changed in any way (ctime covers a chmod,
    /// chown, rename or link; atime a read).
    pub fn assert_untouched(&self, context: &str) {
        assert_eq!(marks(&self.file), self.marks[0], "{context}: the sentinel file was touched");
        assert_eq!(
            marks(&self.dir),
            self.marks[1],
            "{context}: the sentinel directory was touched"
        );
        let inside = fs::read_dir(&self.dir).expect("list the sentinel directory").count();
        assert_eq!(inside, 1, "{context}: the sentinel directory changed");
    }
}

/// Removes `path` and everything below it with statree's handle-relative
/// remover (std's `remove_dir_all` holds a handle per level and fails on a
/// tree thousands of levels deep where descriptors are limited).
pub fn remove_tree(path: &Path) {
    let Ok(identity) = Identity::read(path) else { return };
    let report = remove_permanently(path, identity, &AtomicBool::new(false), &|_| {})
        .unwrap_or_else(|e| panic!("remove {path:?}: {e}"));
    assert!(report.complete(), "remove {path:?}: {:?}", report.errors);
}

/// [`remove_tree`] for a `Drop`: failures are left to the temp dir's removal.
pub fn remove_tree_quietly(path: &Path) {
    if let Ok(identity) = Identity::read(path) {
        let _ = remove_permanently(path, identity, &AtomicBool::new(false), &|_| {});
    }
}

/// Every single-byte name a file can have: each byte but NUL, `/` and `.`.
pub fn single_byte_names() -> Vec<Vec<u8>> {
    (1..=255u8).filter(|b| *b != b'/' && *b != b'.').map(|b| vec![b]).collect()
}

/// A path from raw bytes under `dir`.
pub fn under(dir: &Path, name: &[u8]) -> PathBuf {
    dir.join(path_from(name))
}

/// Opens directory number `level` of a deep chain (0 is its top) by walking
/// down from the top with `openat`, so its path may exceed PATH_MAX.
pub fn open_chain(tree: &super::DeepTree, level: usize) -> std::os::fd::OwnedFd {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut fd = rustix::fs::open(&tree.root, flags, Mode::empty()).expect("open the chain");
    for dir in &tree.dirs[1..=level] {
        let name = dir.file_name().expect("a name");
        fd = rustix::fs::openat(&fd, name, flags, Mode::empty()).expect("openat down the chain");
    }
    fd
}

/// A tmpfs mounted for a test; unmounted (lazily, so a busy one still goes)
/// when dropped.
pub struct TmpfsMount {
    pub path: PathBuf,
}

impl TmpfsMount {
    /// Mounts a small tmpfs on `dir`, or says why it could not (not root, or
    /// a container without CAP_SYS_ADMIN).
    pub fn new(dir: &Path) -> Result<TmpfsMount, String> {
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=4m", "statree-test"])
            .arg(dir)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if out.status.success() {
            Ok(TmpfsMount { path: dir.to_path_buf() })
        } else {
            Err(format!("mount failed: {}", String::from_utf8_lossy(&out.stderr).trim()))
        }
    }
}

impl Drop for TmpfsMount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.path).status();
    }
}
