//! Removing entries: permanently (a handle-relative walk that never follows a
//! symlink and never leaves the starting filesystem), or to the trash.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::AtFlags;
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::Identity;
use crate::model::mode::FileKind;

use super::identity::{self, Checked};
use super::sys::{self, Located, Node};
use super::walk::{self, Fail, Here, Seen, Visitor, WalkLog};

/// What a permanent removal did.
#[derive(Debug, Default)]
pub struct RemoveReport {
    /// Entries removed (directories included).
    pub removed: u64,
    /// Apparent size (`st_size`) of everything removed, directories
    /// included: the sum the scan's totals (and so the delete dialog) give.
    pub bytes: u64,
    /// Mount points (or directories on another device) inside the tree, left
    /// in place with everything on them.
    pub mounts_skipped: Vec<PathBuf>,
    /// Per-entry failures, with paths; the walk went on past each. The
    /// directories above a failure are left in place without a message of
    /// their own.
    pub errors: Vec<FsError>,
    /// Stopped early by the cancel flag (what was removed until then is gone).
    pub cancelled: bool,
}

impl RemoveReport {
    /// True when everything was removed.
    pub fn complete(&self) -> bool {
        self.errors.is_empty() && self.mounts_skipped.is_empty() && !self.cancelled
    }
}

/// Removes `path` for good after checking it is still `expected`.
///
/// A symlink is removed as a link (its target is never touched). A directory
/// is removed with everything below it by an iterative walk over directory
/// handles (`openat(O_DIRECTORY | O_NOFOLLOW)`, `unlinkat`), so no depth or
/// path length is too much and a directory swapped for a symlink mid-walk is
/// never followed; the walk stays on the starting filesystem (a mount point
/// inside is reported and skipped, as is the tree's root when it is itself a
/// mount point) and goes on past per-entry failures, all reported at the end.
/// `progress` is told the number of entries seen so far.
///
/// Fails as a whole only when the root is not the entry that was shown or
/// cannot be reached.
pub fn remove_permanently(
    path: &Path,
    expected: Identity,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<RemoveReport, FsError> {
    let start = Checked::by_path(path, expected, Op::Remove)?;
    let (parent, name, node) = (start.parent.as_fd(), start.located.name.as_c_str(), start.node);
    let path = &start.located.path;
    let mut report = RemoveReport::default();
    if cancel.load(Ordering::Relaxed) {
        report.cancelled = true;
        return Ok(report);
    }

    if node.kind() != FileKind::Dir {
        // unlinkat never follows: a symlink goes, its target stays.
        rustix::fs::unlinkat(parent, name, AtFlags::empty())
            .map_err(|e| sys::errno(Op::Remove, path, e))?;
        report.removed = 1;
        report.bytes = node.size;
        progress(1);
        return Ok(report);
    }
    if node.mount_root {
        return Err(sys::refuse(
            Op::Remove,
            path,
            io::ErrorKind::ResourceBusy,
            "is a mount point; statree does not remove what is mounted there",
        ));
    }
    let fd = sys::open_dir_at(parent, name)
        .map_err(|e| sys::explain_open_error(parent, name, path, Op::Remove, e))?;
    let node = start.recheck(fd.as_fd())?;

    let mut remover = Remover { removed: 0, bytes: 0 };
    let mut log = WalkLog::default();
    let (fd, kept) = walk::walk(fd, node, path, &mut remover, cancel, progress, &mut log);
    if let Some(fd) = fd
        && !kept
    {
        let above = Here::parent_of(&start.located.parent);
        if let Err((op, source)) = remover.leave(parent, name, fd, &node, kept, &above) {
            log.errors.push(FsError { op, path: path.clone(), source });
        }
    }
    report.removed = remover.removed;
    report.bytes = remover.bytes;
    report.mounts_skipped = log.mounts;
    report.errors = log.errors;
    report.cancelled = log.cancelled;
    Ok(report)
}

/// The visitor of a permanent removal.
struct Remover {
    removed: u64,
    bytes: u64,
}

impl Visitor for Remover {
    fn non_dir(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &CStr,
        node: &Node,
        _at: &Here<'_>,
    ) -> Result<Seen, Fail> {
        match rustix::fs::unlinkat(dir, name, AtFlags::empty()) {
            Ok(()) => {
                self.removed += 1;
                self.bytes += node.size;
                Ok(Seen::Done)
            }
            // Became a directory since the listing: walk into it.
            Err(Errno::ISDIR) => Ok(Seen::IsDir),
            // Gone already: nothing left to do.
            Err(Errno::NOENT) => Ok(Seen::Done),
            Err(e) => Err(walk::fail(Op::Remove, e)),
        }
    }

    fn leave(
        &mut self,
        parent: BorrowedFd<'_>,
        name: &CStr,
        fd: OwnedFd,
        node: &Node,
        kept: bool,
        _at: &Here<'_>,
    ) -> Result<(), Fail> {
        drop(fd);
        if kept {
            // Something below stays (and was reported): so does this.
            return Ok(());
        }
        if walk::remove_emptied_dir(parent, name, node, "removed")? {
            self.removed += 1;
            self.bytes += node.size;
        }
        Ok(())
    }
}

/// Moves `path` to the trash (the freedesktop.org trash of the user, or the
/// one of the filesystem it is on) after checking it is still `expected`. A
/// symlink is trashed as a link.
///
/// The move itself is the `trash` crate's: between the re-check and its
/// `rename` there is a short window this function cannot close.
pub fn trash(path: &Path, expected: Identity) -> Result<(), FsError> {
    let located = Located::new(path, Op::Trash)?;
    identity::check(&located.path, expected)?;
    trash::delete(&located.path).map_err(|err| trash_error(&located.path, err))
}

fn trash_error(path: &Path, err: trash::Error) -> FsError {
    match err {
        trash::Error::FileSystem { path: at, source } => {
            FsError { op: Op::Trash, path: at, source }
        }
        other => FsError {
            op: Op::Trash,
            path: path.to_path_buf(),
            source: io::Error::other(other.to_string()),
        },
    }
}
