//! Counting an entry and everything below it on disk, the way a permanent
//! removal meets it: the same handle-relative walk ([`super::walk`]), so the
//! same symlinks are not followed, the same mount points are left out, and
//! the same apparent sizes are summed. The delete and trash confirmations
//! show this count, never the scan's (which may be older than the disk).

use std::ffi::CStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{FsError, Op};
use crate::model::Identity;
use crate::model::mode::FileKind;

use super::identity::Checked;
use super::sys::{self, Node};
use super::walk::{self, Fail, Here, Seen, Visitor, WalkLog};

/// What is on disk at and below one entry.
#[derive(Debug, Default)]
pub struct TreeCount {
    /// Entries, the entry itself and directories included: what
    /// [`RemoveReport::removed`](super::RemoveReport::removed) counts when
    /// everything goes.
    pub entries: u64,
    /// Apparent size (`st_size`) of those entries, directories included: what
    /// [`RemoveReport::bytes`](super::RemoveReport::bytes) sums.
    pub bytes: u64,
    /// Directories that could not be opened or read, and entries that could
    /// not be `stat`ed: what is below them is not counted.
    pub unreadable: Vec<FsError>,
    /// Mount points (or directories on another device) inside, not entered
    /// and not counted (a permanent removal leaves them in place).
    pub mounts_skipped: Vec<PathBuf>,
    /// Stopped early by the cancel flag: the figures are partial.
    pub cancelled: bool,
    /// Entries seen below the entry (for progress across several entries).
    pub visited: u64,
}

/// Counts `path` and, for a directory, everything below it, after checking
/// it is still `expected` (a changed entry is refused, as the removal would
/// refuse it). Never follows a symlink and never leaves the entry's
/// filesystem. A part that cannot be read is listed in
/// [`TreeCount::unreadable`] and the count goes on; only an entry that is not
/// the one shown, or whose directory cannot be reached, fails as a whole.
pub fn count_tree(
    path: &Path,
    expected: Identity,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<TreeCount, FsError> {
    let start = Checked::by_path(path, expected, Op::Stat)?;
    let node = start.node;
    let mut count = TreeCount { entries: 1, bytes: node.size, ..TreeCount::default() };
    if node.kind() != FileKind::Dir {
        return Ok(count);
    }
    if cancel.load(Ordering::Relaxed) {
        count.cancelled = true;
        return Ok(count);
    }
    let fd = match sys::open_dir_at(start.parent.as_fd(), &start.located.name) {
        Ok(fd) => fd,
        Err(e) => {
            // The directory itself is counted; what is in it cannot be.
            count.unreadable.push(sys::errno(Op::OpenDir, &start.located.path, e));
            return Ok(count);
        }
    };
    let node = start.recheck(fd.as_fd())?;
    let mut counter = Counter::default();
    let mut log = WalkLog::default();
    walk::walk(fd, node, &start.located.path, &mut counter, cancel, progress, &mut log);
    count.entries += counter.entries;
    count.bytes += counter.bytes;
    count.unreadable = log.errors;
    count.mounts_skipped = log.mounts;
    count.cancelled = log.cancelled;
    count.visited = log.visited;
    Ok(count)
}

/// The visitor of a count: every entry the walk meets, directories when it
/// leaves them (whether or not all of their content could be read) or when
/// they cannot be opened.
#[derive(Default)]
struct Counter {
    entries: u64,
    bytes: u64,
}

impl Visitor for Counter {
    fn non_dir(
        &mut self,
        _dir: BorrowedFd<'_>,
        _name: &CStr,
        node: &Node,
        _at: &Here<'_>,
    ) -> Result<Seen, Fail> {
        self.entries += 1;
        self.bytes += node.size;
        Ok(Seen::Done)
    }

    fn open_denied(
        &mut self,
        _dir: BorrowedFd<'_>,
        _name: &CStr,
        node: &Node,
        _at: &Here<'_>,
    ) -> bool {
        // It is there, and the removal would meet it: count it. What is in it
        // cannot be read; the walk reports that.
        self.entries += 1;
        self.bytes += node.size;
        false
    }

    fn leave(
        &mut self,
        _parent: BorrowedFd<'_>,
        _name: &CStr,
        _fd: OwnedFd,
        node: &Node,
        _kept: bool,
        _at: &Here<'_>,
    ) -> Result<(), Fail> {
        self.entries += 1;
        self.bytes += node.size;
        Ok(())
    }
}
