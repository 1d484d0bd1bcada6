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
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{Dir, Mode, OFlags};
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::mode::FileKind;

use super::sys::{self, Node};

/// The most directory handles one walk keeps open at a time.
pub(crate) const MAX_OPEN: usize = 64;

/// How often (in entries) the progress callback is told.
const PROGRESS_EVERY: u64 = 128;

/// A visitor's failure: the operation and the reason; the walk adds the path.
pub(crate) type Fail = (Op, io::Error);

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
        fd: BorrowedFd<'_>,
        name: &CStr,
        node: &Node,
        at: &Here<'_>,
    ) -> Result<(), Fail>;

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

pub(crate) struct Frame {
    name: CString,
    node: Node,
    fd: Option<OwnedFd>,
    pending: Vec<CString>,
    kept: bool,
}

/// Walks everything below the directory `root_fd` (already opened and checked
/// by the caller), calling `visitor`. Returns the root's handle (`None` when
/// the walk could not climb back to it) and whether anything below it was kept.
pub(crate) fn walk(
    root_fd: OwnedFd,
    root: Node,
    root_path: &Path,
    visitor: &mut impl Visitor,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
    log: &mut WalkLog,
) -> (Option<OwnedFd>, bool) {
    let mut walker =
        Walker { root_path, root_dev: root.dev, cancel, progress, log, pending_kept: false };
    let mut stack = vec![Frame {
        name: CString::default(),
        node: root,
        fd: Some(root_fd),
        pending: Vec::new(),
        kept: false,
    }];
    walker.list(&mut stack, visitor);
    loop {
        if walker.cancelled() {
            break;
        }
        let top = stack.len() - 1;
        match stack[top].pending.pop() {
            Some(name) => walker.descend(&mut stack, name, visitor),
            None if top == 0 => break,
            None => {
                if !walker.ascend(&mut stack, visitor) {
                    return (None, true);
                }
            }
        }
    }
    let done = !walker.log.cancelled;
    // After a cancel the unfinished frames are dropped; their handles close.
    let kept = stack.iter().any(|f| f.kept) || !done;
    let root_fd = if stack.len() == 1 { stack.pop().and_then(|f| f.fd) } else { None };
    (root_fd, kept)
}

struct Walker<'a> {
    root_path: &'a Path,
    root_dev: u64,
    cancel: &'a AtomicBool,
    progress: &'a dyn Fn(u64),
    log: &'a mut WalkLog,
    /// Something below the top frame was left in place (see `mark_kept`).
    pending_kept: bool,
}

impl Walker<'_> {
    fn cancelled(&mut self) -> bool {
        if self.cancel.load(Ordering::Relaxed) {
            self.log.cancelled = true;
        }
        self.log.cancelled
    }

    fn error(&mut self, op: Op, path: PathBuf, source: io::Error) {
        self.log.errors.push(FsError { op, path, source });
    }

    fn other_fs(&self, node: &Node) -> bool {
        node.dev != self.root_dev || node.mount_root
    }

    /// Reads the directory on top of the stack: non-directories go to the
    /// visitor at once, subdirectories become the frame's pending list.
    fn list(&mut self, stack: &mut [Frame], visitor: &mut impl Visitor) {
        let top = stack.len() - 1;
        let mut pending = Vec::new();
        let mut kept = false;
        {
            let here = Here { root: self.root_path, frames: stack };
            let fd = stack[top].fd.as_ref().expect("the top frame is open").as_fd();
            let mut dir = match Dir::read_from(fd) {
                Ok(dir) => dir,
                Err(e) => {
                    self.error(Op::ReadDir, here.dir(), e.into());
                    stack[top].kept = true;
                    return;
                }
            };
            while let Some(entry) = dir.read() {
                if self.cancelled() {
                    kept = true;
                    break;
                }
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        self.error(Op::ReadDir, here.dir(), e.into());
                        kept = true;
                        break;
                    }
                };
                let name = entry.file_name();
                if name == c"." || name == c".." {
                    continue;
                }
                let node = match sys::node_at(fd, name) {
                    Ok(node) => node,
                    Err(Errno::NOENT) => continue,
                    Err(e) => {
                        self.error(Op::Stat, here.path(name), e.into());
                        kept = true;
                        continue;
                    }
                };
                self.log.visited += 1;
                if self.log.visited.is_multiple_of(PROGRESS_EVERY) {
                    (self.progress)(self.log.visited);
                }
                if node.kind() == FileKind::Dir {
                    if self.other_fs(&node) {
                        self.log.mounts.push(here.path(name));
                        kept = true;
                    } else {
                        pending.push(name.to_owned());
                    }
                    continue;
                }
                match visitor.non_dir(fd, name, &node, &here) {
                    Ok(Seen::Done) => {}
                    Ok(Seen::IsDir) => pending.push(name.to_owned()),
                    Err((op, e)) => {
                        self.error(op, here.path(name), e);
                        kept = true;
                    }
                }
            }
        }
        // Walk in listing order.
        pending.reverse();
        stack[top].pending = pending;
        stack[top].kept |= kept;
    }

    /// Opens the pending directory `name` of the top frame and pushes it.
    fn descend(&mut self, stack: &mut Vec<Frame>, name: CString, visitor: &mut impl Visitor) {
        let top = stack.len() - 1;
        let opened = {
            let here = Here { root: self.root_path, frames: stack };
            let parent = stack[top].fd.as_ref().expect("the top frame is open").as_fd();
            self.open_child(parent, &name, &here, visitor)
        };
        if std::mem::take(&mut self.pending_kept) {
            stack[top].kept = true;
        }
        let Some((fd, node)) = opened else {
            return;
        };
        stack.push(Frame { name, node, fd: Some(fd), pending: Vec::new(), kept: false });
        // Keep at most MAX_OPEN handles: close the one that just left the window.
        if stack.len() > MAX_OPEN {
            let idx = stack.len() - MAX_OPEN - 1;
            stack[idx].fd = None;
        }
        self.list(stack, visitor);
    }

    /// Opens and checks one child directory; `None` when it was handled
    /// otherwise (gone, not a directory any more, another filesystem, an
    /// error — recorded, and the parent marked kept where something stays).
    fn open_child(
        &mut self,
        parent: BorrowedFd<'_>,
        name: &CStr,
        here: &Here<'_>,
        visitor: &mut impl Visitor,
    ) -> Option<(OwnedFd, Node)> {
        let mut retried = false;
        let fd = loop {
            match sys::open_dir_at(parent, name) {
                Ok(fd) => break fd,
                Err(Errno::NOENT) => return None,
                Err(Errno::LOOP) | Err(Errno::NOTDIR) => {
                    // Not a directory any more (swapped for a symlink or a
                    // file after the listing): handle it as what it is now.
                    self.changed_type(parent, name, here, visitor);
                    return None;
                }
                Err(Errno::ACCESS) if !retried => {
                    retried = true;
                    let node = sys::node_at(parent, name).ok()?;
                    if !visitor.open_denied(parent, name, &node, here) {
                        self.error(Op::OpenDir, here.path(name), Errno::ACCESS.into());
                        self.mark_kept();
                        return None;
                    }
                }
                Err(e) => {
                    self.error(Op::OpenDir, here.path(name), e.into());
                    self.mark_kept();
                    return None;
                }
            }
        };
        let node = match sys::node_of(fd.as_fd()) {
            Ok(node) => node,
            Err(e) => {
                self.error(Op::Stat, here.path(name), e.into());
                self.mark_kept();
                return None;
            }
        };
        if self.other_fs(&node) {
            self.log.mounts.push(here.path(name));
            self.mark_kept();
            return None;
        }
        if let Err((op, e)) = visitor.enter(fd.as_fd(), name, &node, here) {
            self.error(op, here.path(name), e);
            self.mark_kept();
            return None;
        }
        Some((fd, node))
    }

    fn changed_type(
        &mut self,
        parent: BorrowedFd<'_>,
        name: &CStr,
        here: &Here<'_>,
        visitor: &mut impl Visitor,
    ) {
        let node = match sys::node_at(parent, name) {
            Ok(node) => node,
            Err(Errno::NOENT) => return,
            Err(e) => {
                self.error(Op::Stat, here.path(name), e.into());
                self.mark_kept();
                return;
            }
        };
        let result = if node.kind() == FileKind::Dir {
            Ok(Seen::IsDir)
        } else {
            visitor.non_dir(parent, name, &node, here)
        };
        match result {
            Ok(Seen::Done) => {}
            Ok(Seen::IsDir) => {
                self.error(
                    Op::OpenDir,
                    here.path(name),
                    io::Error::other("changed type while being walked; left in place"),
                );
                self.mark_kept();
            }
            Err((op, e)) => {
                self.error(op, here.path(name), e);
                self.mark_kept();
            }
        }
    }

    /// Something in the top frame stays. `Here` borrows the stack while the
    /// child is handled, so the mark is noted here and applied to the top
    /// frame (always the parent) by [`Walker::descend`].
    fn mark_kept(&mut self) {
        self.pending_kept = true;
    }

    /// Pops the finished top frame, takes back its parent's handle if it was
    /// closed, and lets the visitor finish the directory. False when the
    /// parent could not be taken back (the walk must stop).
    fn ascend(&mut self, stack: &mut Vec<Frame>, visitor: &mut impl Visitor) -> bool {
        let child = stack.pop().expect("not the root");
        let parent = stack.len() - 1;
        let child_fd = child.fd.expect("the top frame is open");
        if stack[parent].fd.is_none() {
            match reopen_parent(child_fd.as_fd(), &stack[parent].node) {
                Ok(fd) => stack[parent].fd = Some(fd),
                Err(source) => {
                    let here = Here { root: self.root_path, frames: stack };
                    self.error(Op::OpenDir, here.dir(), source);
                    return false;
                }
            }
        }
        let result = {
            let here = Here { root: self.root_path, frames: stack };
            let parent_fd = stack[parent].fd.as_ref().expect("just ensured").as_fd();
            visitor
                .leave(parent_fd, &child.name, child_fd, &child.node, child.kept, &here)
                .map_err(|(op, e)| FsError { op, path: here.path(&child.name), source: e })
        };
        if let Err(err) = result {
            self.log.errors.push(err);
            stack[parent].kept = true;
        }
        stack[parent].kept |= child.kept;
        true
    }
}

/// Opens `..` from `child` and accepts it only when it is still `expected`.
fn reopen_parent(child: BorrowedFd<'_>, expected: &Node) -> Result<OwnedFd, io::Error> {
    let fd = rustix::fs::openat(
        child,
        c"..",
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let node = sys::node_of(fd.as_fd())?;
    if node.same_object(expected) {
        Ok(fd)
    } else {
        Err(io::Error::other(
            "moved while being walked (its parent is no longer the same directory); stopped",
        ))
    }
}
