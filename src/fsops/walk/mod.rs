//! The handle-relative tree walk shared by recursive chmod, permanent
//! removal, and the counts their confirmations show.
//!
//! * Iterative: an explicit stack of frames, no recursion, so a tree 5,000
//!   levels deep (far beyond `PATH_MAX`) costs memory, not stack.
//! * Every directory is opened relative to its parent's handle with
//!   `O_DIRECTORY | O_NOFOLLOW`: a directory swapped for a symlink between the
//!   listing and the open is refused by the kernel, never followed.
//! * At most [`MAX_OPEN`] directory handles are held; deeper than that, the
//!   handles of the upper levels are closed and taken back on the way up by
//!   opening `..` from the child, accepted only when it is the same device and
//!   inode as before (otherwise the walk stops: the tree was moved under it).
//! * A directory on another device, or the root of a mount (statx's
//!   `STATX_ATTR_MOUNT_ROOT`, which also catches bind mounts of the same
//!   filesystem), is reported and not entered.
//! * A failure on one entry is recorded with its path and the walk goes on;
//!   the directories above a failure are marked *kept* so a removal knows not
//!   to try them.

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use rustix::io::Errno;

use crate::error::{FsError, Op};

use super::sys::{self, Node};

mod walker;

use walker::Walker;

/// The most directory handles one walk keeps open at a time.
pub(crate) const MAX_OPEN: usize = 64;

/// How often (in entries) the progress callback is told.
const PROGRESS_EVERY: u64 = 128;

/// A visitor's failure: the operation and the reason; the walk adds the path.
pub(crate) type Fail = (Op, io::Error);

/// Removes `parent/name`, a directory a visitor emptied, if it is still
/// the directory `node` that was entered: a swap in between would make
/// `rmdir` hit another one (harmless, as only an empty one can go, but not
/// what was asked), so that is an error saying it was `changed_while`.
/// True when it was removed, false when it was gone already.
pub(crate) fn remove_emptied_dir(
    parent: BorrowedFd<'_>,
    name: &CStr,
    node: &Node,
    changed_while: &str,
) -> Result<bool, Fail> {
    match sys::node_at(parent, name) {
        Ok(now) if now.same_object(node) => {}
        Ok(_) => {
            return Err((
                Op::Remove,
                io::Error::other(format!("changed while being {changed_while}; left in place")),
            ));
        }
        Err(Errno::NOENT) => return Ok(false),
        Err(e) => return Err(fail(Op::Stat, e)),
    }
    match rustix::fs::unlinkat(parent, name, rustix::fs::AtFlags::REMOVEDIR) {
        Ok(()) => Ok(true),
        Err(Errno::NOENT) => Ok(false),
        Err(e) => Err(fail(Op::Remove, e)),
    }
}

/// Builds a [`Fail`] from an errno.
pub(crate) fn fail(op: Op, err: Errno) -> Fail {
    (op, err.into())
}

/// What became of an entry that was not a directory when it was listed.
pub(crate) enum Seen {
    /// Handled.
    Done,
    /// It turned out to be a directory after all (it changed in between):
    /// walk into it.
    IsDir,
}

/// Where the walk is, for building paths only when one is needed.
pub(crate) struct Here<'a> {
    root: &'a Path,
    frames: &'a [Frame],
}

impl<'a> Here<'a> {
    /// The context of an entry directly in `dir` (the root of a walk, seen
    /// from its parent).
    pub(crate) fn parent_of(dir: &'a Path) -> Self {
        Here { root: dir, frames: &[] }
    }

    /// The path of the directory being handled.
    pub(crate) fn dir(&self) -> PathBuf {
        let mut path = self.root.to_path_buf();
        for frame in self.frames.iter().skip(1) {
            path.push(sys::os(frame.name.to_bytes()));
        }
        path
    }

    /// The path of `name` in that directory.
    pub(crate) fn path(&self, name: &CStr) -> PathBuf {
        sys::join(&self.dir(), name.to_bytes())
    }
}

/// What the walk calls for each entry. Every `name` is relative to the handle
/// passed with it; `at` is the directory holding it.
pub(crate) trait Visitor {
    /// An entry that is not a directory (symlinks included: never followed).
    fn non_dir(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &CStr,
        node: &Node,
        at: &Here<'_>,
    ) -> Result<Seen, Fail>;

    /// A directory was opened (`fd`), before its entries are read.
    fn enter(
        &mut self,
        _fd: BorrowedFd<'_>,
        _name: &CStr,
        _node: &Node,
        _at: &Here<'_>,
    ) -> Result<(), Fail> {
        Ok(())
    }

    /// Opening directory `name` for reading was refused (`EACCES`). Return
    /// true to have the walk try once more (after making it readable).
    fn open_denied(
        &mut self,
        _dir: BorrowedFd<'_>,
        _name: &CStr,
        _node: &Node,
        _at: &Here<'_>,
    ) -> bool {
        false
    }

    /// Every entry of the directory has been handled. `kept` is true when
    /// something below it was left in place (an error, a mount, a cancel).
    fn leave(
        &mut self,
        parent: BorrowedFd<'_>,
        name: &CStr,
        fd: OwnedFd,
        node: &Node,
        kept: bool,
        at: &Here<'_>,
    ) -> Result<(), Fail>;
}

/// What a walk saw besides what the visitor counts.
#[derive(Debug, Default)]
pub(crate) struct WalkLog {
    /// Per-entry failures, with paths.
    pub errors: Vec<FsError>,
    /// Mount points (or directories on another device) left alone.
    pub mounts: Vec<PathBuf>,
    /// The cancel flag was seen.
    pub cancelled: bool,
    /// Entries listed so far.
    pub visited: u64,
}

/// One directory on the walk's stack.
pub(crate) struct Frame {
    name: CString,
    node: Node,
    /// Closed above the [`MAX_OPEN`] window, taken back on the way up.
    fd: Option<OwnedFd>,
    /// Subdirectories still to walk, the next one last.
    pending: Vec<CString>,
    /// Something below it was left in place.
    kept: bool,
}

/// Walks everything below the directory `root_fd` (already opened and checked
/// by the caller), calling `visitor`, and tells `progress` the final number of
/// entries seen. Returns the root's handle (`None` when the walk could not
/// climb back to it) and whether anything below it was kept.
pub(crate) fn walk(
    root_fd: OwnedFd,
    root: Node,
    root_path: &Path,
    visitor: &mut impl Visitor,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
    log: &mut WalkLog,
) -> (Option<OwnedFd>, bool) {
    let walker = Walker::new(root_path, root.dev, cancel, progress, log);
    let result = walker.run(root_fd, root, visitor);
    progress(log.visited);
    result
}
