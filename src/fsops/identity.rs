//! The identity of an entry as it was shown (device, inode, type), and the
//! re-check every action makes before it touches anything.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;

use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::mode::FileKind;
use crate::scan::EntryStat;
use crate::scan::stat as scan_stat;

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
}

impl Identity {
    /// The identity recorded in an `lstat` record (from the scan or a fresh read).
    pub fn of(stat: &EntryStat) -> Self {
        Identity { dev: stat.dev, ino: stat.ino, kind: stat.kind() }
    }

    /// Reads the identity of `path` now, never following a final symlink.
    pub fn read(path: &Path) -> Result<Self, FsError> {
        Ok(Identity::of(&lstat(path, Op::Identity)?))
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
        self.dev == node.dev && self.ino == node.ino && self.kind == node.kind()
    }
}

/// `lstat` of `path` relative to a handle of its parent (a trailing `/` never
/// makes it follow a final symlink).
fn lstat(path: &Path, op: Op) -> Result<EntryStat, FsError> {
    let located = Located::new(path, op)?;
    let parent = located.open_parent(op)?;
    scan_stat::stat_at(parent.as_fd(), located.name.to_bytes(), false)
        .map_err(|e| sys::errno(op, &located.path, e))
}

/// Re-reads `path` with `lstat` (never following a final symlink) and returns
/// the fresh record when it is still the entry that was shown: same device,
/// inode and type. Otherwise refuses with "changed since it was shown: …"
/// (operation [`Op::Identity`]).
pub fn check(path: &Path, expected: Identity) -> Result<EntryStat, FsError> {
    let stat = match lstat(path, Op::Identity) {
        Ok(stat) => stat,
        Err(err) if err.source.kind() == io::ErrorKind::NotFound => {
            return Err(gone(path));
        }
        Err(err) => return Err(err),
    };
    let now = Identity::of(&stat);
    if now == expected { Ok(stat) } else { Err(changed(path, expected, now)) }
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
    let what = format!("was {}; now {}", expected.describe(), now.describe());
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
