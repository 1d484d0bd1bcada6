//! Shared fixtures for the integration tests: a tree with every kind of entry
//! and hostile name, a tree deeper than PATH_MAX, a very wide directory, a
//! serial reference walk, and hang guards.
#![allow(dead_code, reason = "each test binary uses a different subset")]

mod hostile;
mod trees;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

pub use hostile::*;
use statree::error::ScanError;
use statree::model::Tree;
use statree::scan::{self, RawEntry, ScanEvent, ScanOptions};
pub use trees::*;

/// Linux PATH_MAX, the terminating NUL included.
pub const PATH_MAX: usize = 4096;

/// Raw bytes of a path.
pub fn bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_bytes()
}

/// A path from raw bytes.
pub fn path_from(raw: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(raw))
}

/// The `statree` binary built for these tests.
pub fn statree_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_statree"))
}

/// Runs `f` on its own thread and panics if it takes longer than `secs`.
pub fn with_timeout<T: Send + 'static>(
    secs: u64,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: still running after {secs} s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: the worker thread panicked"),
    }
}

/// The `lstat` fields the tests compare, from `std::fs::symlink_metadata`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rec {
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub blocks: u64,
    pub ino: u64,
    pub dev: u64,
    pub nlink: u64,
    pub rdev: u64,
    pub mtime: i64,
    pub mtime_nsec: i64,
}

impl Rec {
    pub fn from_metadata(md: &fs::Metadata) -> Self {
        Rec {
            mode: md.mode(),
            uid: md.uid(),
            gid: md.gid(),
            size: md.size(),
            blocks: md.blocks(),
            ino: md.ino(),
            dev: md.dev(),
            nlink: md.nlink(),
            rdev: md.rdev(),
            mtime: md.mtime(),
            mtime_nsec: md.mtime_nsec(),
        }
    }

    pub fn is_dir(&self) -> bool {
        self.mode & 0o170_000 == 0o040_000
    }

    pub fn is_symlink(&self) -> bool {
        self.mode & 0o170_000 == 0o120_000
    }

    pub fn is_file(&self) -> bool {
        self.mode & 0o170_000 == 0o100_000
    }
}

/// A plain serial walk with `std::fs` (iterative, never follows symlinks):
/// every path under `root`, `root` included, with its `lstat` record.
pub fn serial_walk(root: &Path) -> BTreeMap<PathBuf, Rec> {
    let mut out = BTreeMap::new();
    let md = fs::symlink_metadata(root).unwrap_or_else(|e| panic!("lstat {root:?}: {e}"));
    let rec = Rec::from_metadata(&md);
    out.insert(root.to_path_buf(), rec);
    let mut stack = Vec::new();
    if rec.is_dir() {
        stack.push(root.to_path_buf());
    }
    while let Some(dir) = stack.pop() {
        for item in fs::read_dir(&dir).unwrap_or_else(|e| panic!("read_dir {dir:?}: {e}")) {
            let path = item.expect("directory entry").path();
            let md = fs::symlink_metadata(&path).unwrap_or_else(|e| panic!("lstat {path:?}: {e}"));
            let rec = Rec::from_metadata(&md);
            if rec.is_dir() {
                stack.push(path.clone());
            }
            out.insert(path, rec);
        }
    }
    out
}

/// Apparent and allocated bytes of a walk, each hard-linked file counted once.
pub fn deduped_bytes(walk: &BTreeMap<PathBuf, Rec>) -> (u64, u64) {
    let mut seen = HashSet::new();
    let (mut apparent, mut allocated) = (0, 0);
    for rec in walk.values() {
        if rec.nlink > 1 && !rec.is_dir() && !seen.insert((rec.dev, rec.ino)) {
            continue;
        }
        apparent += rec.size;
        allocated += rec.blocks * 512;
    }
    (apparent, allocated)
}

/// The names of the children of every directory in a walk.
pub fn children_of(walk: &BTreeMap<PathBuf, Rec>) -> BTreeMap<PathBuf, BTreeSet<Vec<u8>>> {
    let mut out: BTreeMap<PathBuf, BTreeSet<Vec<u8>>> = BTreeMap::new();
    for (path, rec) in walk {
        if rec.is_dir() {
            out.entry(path.clone()).or_default();
        }
    }
    for path in walk.keys() {
        if let (Some(parent), Some(name)) = (path.parent(), path.file_name())
            && let Some(set) = out.get_mut(parent)
        {
            set.insert(name.as_bytes().to_vec());
        }
    }
    out
}

/// Everything a library scan produced.
pub struct Scanned {
    /// Every entry, with its full path, in arrival order.
    pub entries: Vec<(PathBuf, RawEntry)>,
    /// Directories that could not be read.
    pub dir_errors: Vec<(PathBuf, ScanError)>,
    /// The tree built from the same events.
    pub tree: Tree,
    /// Whether `Finished` arrived.
    pub finished: bool,
}

impl Scanned {
    /// Entries by path; panics on a duplicate path.
    pub fn by_path(&self) -> BTreeMap<PathBuf, &RawEntry> {
        let mut map = BTreeMap::new();
        for (path, entry) in &self.entries {
            assert!(map.insert(path.clone(), entry).is_none(), "{path:?} reported twice");
        }
        map
    }
}

/// Runs a library scan to completion (60 s hang guard).
pub fn scan_lib(options: ScanOptions) -> Scanned {
    with_timeout(60, "library scan", move || {
        let handle = scan::start(options).expect("start scan");
        let mut scanned = Scanned {
            entries: Vec::new(),
            dir_errors: Vec::new(),
            tree: Tree::new(),
            finished: false,
        };
        while let Ok(event) = handle.events().recv() {
            match &event {
                ScanEvent::Batch(batch) => {
                    for entry in &batch.entries {
                        scanned.entries.push((batch.path_of(entry), entry.clone()));
                    }
                }
                // A root that could not be stat-ed is an error without an entry too.
                ScanEvent::DirError { path, error, .. }
                | ScanEvent::RootError { path, error, .. } => {
                    scanned.dir_errors.push((path.clone(), error.clone()));
                }
                ScanEvent::RootDone(_) => {}
                ScanEvent::Finished { .. } => scanned.finished = true,
            }
            scanned.tree.apply(event);
            if scanned.finished {
                break;
            }
        }
        scanned
    })
}

/// Options for scanning `roots` with `threads` workers.
pub fn options(roots: &[&Path], threads: usize) -> ScanOptions {
    ScanOptions { threads, ..ScanOptions::new(roots.iter().map(|r| r.to_path_buf()).collect()) }
}
