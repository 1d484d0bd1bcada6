//! The walker itself: listing the directory on top of the stack, descending
//! into a subdirectory (opened relative to its parent, never followed, never
//! onto another filesystem), handling an entry that changed type in between,
//! and climbing back up (re-opening `..` only when it is still the same
//! directory).

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{Dir, Mode, OFlags};
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::mode::FileKind;

use super::{Frame, Here, MAX_OPEN, PROGRESS_EVERY, Seen, Visitor, WalkLog};
use crate::fsops::sys::{self, Node};

/// The state of one walk (the stack is passed alongside).
pub(super) struct Walker<'a> {
    root_path: &'a Path,
    root_dev: u64,
    cancel: &'a AtomicBool,
    progress: &'a dyn Fn(u64),
    log: &'a mut WalkLog,
    /// Something below the top frame was left in place (see `mark_kept`).
    pending_kept: bool,
}

impl<'a> Walker<'a> {
    pub(super) fn new(
        root_path: &'a Path,
        root_dev: u64,
        cancel: &'a AtomicBool,
        progress: &'a dyn Fn(u64),
        log: &'a mut WalkLog,
    ) -> Self {
        Walker { root_path, root_dev, cancel, progress, log, pending_kept: false }
    }

    /// Walks everything below the directory `root_fd` (see [`super::walk`]).
    pub(super) fn run(
        mut self,
        root_fd: OwnedFd,
        root: Node,
        visitor: &mut impl Visitor,
    ) -> (Option<OwnedFd>, bool) {
        let mut stack = vec![Frame {
            name: CString::default(),
            node: root,
            fd: Some(root_fd),
            pending: Vec::new(),
            kept: false,
        }];
        self.list(&mut stack, visitor);
        loop {
            if self.cancelled() {
                break;
            }
            let top = stack.len() - 1;
            match stack[top].pending.pop() {
                Some(name) => self.descend(&mut stack, name, visitor),
                None if top == 0 => break,
                None => {
                    if !self.ascend(&mut stack, visitor) {
                        return (None, true);
                    }
                }
            }
        }
        let done = !self.log.cancelled;
        // After a cancel the unfinished frames are dropped; their handles close.
        let kept = stack.iter().any(|f| f.kept) || !done;
        let root_fd = if stack.len() == 1 { stack.pop().and_then(|f| f.fd) } else { None };
        (root_fd, kept)
    }

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
