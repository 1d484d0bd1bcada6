//! The identity of an entry as it was shown (device, inode, type, and its
//! birth time where the filesystem records one), and the re-check every
//! action makes before it touches anything.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;

use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::mode::FileKind;
use crate::scan::stat as scan_stat;
use crate::scan::{EntryStat, Timespec};

use super::sys::{self, Located, Node};

/// What makes an entry *the same entry*: the device and inode it lives on and
/// its type. Captured when the entry is shown; every action compares it with
/// a fresh `lstat` before acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Identity {
    /// Device holding the entry (`st_dev`).
    pub dev: u64,
    /// Inode number (`st_ino`).
    pub ino: u64,
    /// File type.
    pub kind: FileKind,
    /// Birth time (`statx`), where the filesystem records it. An inode
    /// number is reused as soon as it is freed: a file deleted and another
    /// created in its place can get the same device and inode, but not the
    /// same birth time. `None` (not known) matches any.
    pub birth: Option<Timespec>,
}

impl Identity {
    /// The identity recorded in an `lstat` record (from the scan or a fresh read).
    /// (An `lstat` record has no birth time: see [`Identity::with_birth`].)
    pub fn of(stat: &EntryStat) -> Self {
        Identity { dev: stat.dev, ino: stat.ino, kind: stat.kind(), birth: None }
    }

    /// The same identity with the birth time `statx` gave.
    pub fn with_birth(self, birth: Option<Timespec>) -> Self {
        Identity { birth, ..self }
    }

    /// Reads the identity of `path` now, never following a final symlink.
    pub fn read(path: &Path) -> Result<Self, FsError> {
        let (stat, birth) = lstat(path, Op::Identity)?;
        Ok(Identity::of(&stat).with_birth(birth))
    }

    /// True when `other` is the same object: same device, inode and type,
    /// and the same birth time when both know one.
    pub fn same_as(&self, other: &Identity) -> bool {
        self.dev == other.dev
            && self.ino == other.ino
            && self.kind == other.kind
            && match (self.birth, other.birth) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }

    /// Words for messages: "directory (device 8:1, inode 42)".
    pub fn describe(&self) -> String {
        format!(
            "{} (device {}:{}, inode {})",
            self.kind.describe(),
            rustix::fs::major(self.dev),
            rustix::fs::minor(self.dev),
            self.ino
        )
    }

    pub(crate) fn matches(&self, node: &Node) -> bool {
        self.same_as(&node.identity())
    }
}

/// `lstat` of `path` relative to a handle of its parent (a trailing `/` never
/// makes it follow a final symlink).
fn lstat(path: &Path, op: Op) -> Result<(EntryStat, Option<Timespec>), FsError> {
    let located = Located::new(path, op)?;
    let parent = located.open_parent(op)?;
    scan_stat::statx_at(parent.as_fd(), located.name.to_bytes(), false)
        .map_err(|e| sys::errno(op, &located.path, e))
}

/// Re-reads `path` with `lstat` (never following a final symlink) and returns
/// the fresh record when it is still the entry that was shown: same device,
/// inode and type. Otherwise refuses with "changed since it was shown: …"
/// (operation [`Op::Identity`]).
pub fn check(path: &Path, expected: Identity) -> Result<EntryStat, FsError> {
    let (stat, birth) = match lstat(path, Op::Identity) {
        Ok(read) => read,
        Err(err) if err.source.kind() == io::ErrorKind::NotFound => {
            return Err(gone(path));
        }
        Err(err) => return Err(err),
    };
    let now = Identity::of(&stat).with_birth(birth);
    if expected.same_as(&now) { Ok(stat) } else { Err(changed(path, expected, now)) }
}

/// Compares a fresh [`Node`] with the identity that was shown.
pub(crate) fn check_node(path: &Path, expected: Identity, node: &Node) -> Result<(), FsError> {
    if expected.matches(node) { Ok(()) } else { Err(changed(path, expected, node.identity())) }
}

/// The refusal for an entry that is no longer there.
pub(crate) fn gone(path: &Path) -> FsError {
    sys::refuse(
        Op::Identity,
        path,
        io::ErrorKind::NotFound,
        "changed since it was shown: it no longer exists",
    )
}

/// The refusal for an entry that is now another object.
pub(crate) fn changed(path: &Path, expected: Identity, now: Identity) -> FsError {
    let what = if (expected.dev, expected.ino, expected.kind) == (now.dev, now.ino, now.kind) {
        // Only the birth time differs: the inode number was reused.
        format!(
            "was {}; now another one with the same inode number, created since",
            expected.describe()
        )
    } else {
        format!("was {}; now {}", expected.describe(), now.describe())
    };
    sys::refuse(
        Op::Identity,
        path,
        io::ErrorKind::Other,
        format!("changed since it was shown: {what}"),
    )
}

/// The re-check relative to a handle of the parent: `statx(dir, name)`
/// without following, compared with `expected`.
pub(crate) fn check_at(
    dir: BorrowedFd<'_>,
    name: &CStr,
    path: &Path,
    expected: Identity,
) -> Result<Node, FsError> {
    match sys::node_at(dir, name) {
        Ok(node) => check_node(path, expected, &node).map(|()| node),
        Err(Errno::NOENT) => Err(gone(path)),
        Err(e) => Err(sys::errno(Op::Identity, path, e)),
    }
}
