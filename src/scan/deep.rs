//! The walk jwalk cannot do well: directories whose full path is too long
//! for the kernel (`PATH_MAX`), and directories too large to be listed in
//! one uninterruptible piece.
//!
//! # Implementation
//!
//! jwalk reads a directory by its full path, and with `--follow-links` it
//! resolves its entries' links by full path too. Each of those must fit in
//! `PATH_MAX` (4096 bytes with the NUL), so a directory whose own path is
//! [`DEEP_FROM`] bytes or longer is not given to jwalk: the callback that
//! listed it hands it over to [`walk`] once the batch announcing it is sent,
//! together with the handle of the directory holding it.
//!
//! jwalk also reads a whole listing before its callback runs, and nothing
//! stops it half-way: cancelling while it lists a million names waited for
//! the listing (0.35–4.8 s measured, with its idle workers spinning in its
//! ordered queue meanwhile). So a directory of `listing::LARGE_FROM` bytes or more
//! (its `st_size`, known from the parent's `fstatat`) is handed over the
//! same way, and so is a root that large. Here it is read by
//! [`super::listing`], which looks at the cancel between `getdents` calls
//! and stats the names in parallel slices on the second pool (each slice
//! its own batch, as jwalk's large listings are); each subdirectory of such
//! a directory is then a walk of its own on that pool.
//!
//! [`walk`] goes on from that handle, depth first, without recursion: an
//! explicit stack of frames, each directory opened relative to its parent's
//! handle (`openat` with `O_DIRECTORY | O_NOFOLLOW`, following only a link
//! that `--follow-links` resolved to a directory) and checked to be the
//! device and inode its `stat` gave; listed with `getdents` on that handle;
//! every entry `fstatat`-ed relative to it. The batches, keys, loop checks,
//! `--one-file-system` and audit facts are those of the jwalk callback (both
//! place their entries with [`super::place`]), so the model cannot tell the
//! two apart.
//!
//! At most [`MAX_OPEN`] handles are held: entering a directory closes the
//! handle [`MAX_OPEN`] levels above it. Coming back up to a closed level, the
//! walk opens `..` of the directory it leaves and keeps it only when it is
//! the same device and inode as before; otherwise (the level was entered
//! through a link, or the tree moved) it walks down again by name from the
//! nearest open level, checking each one. A level that cannot be reached
//! again ends the walk below it: each directory announced there and not yet
//! read gets a `DirError` with its path, so the model never waits for it.

use std::ffi::OsStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jwalk::rayon::prelude::*;
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

use super::entry::ScanEvent;
use super::listing::{self, DIRENT_BUF};
use super::place::{DirCtx, Handover, Shared};
use super::stat;
use crate::error::{Op, ScanError};

/// Linux `PATH_MAX`, the terminating NUL included.
const PATH_MAX: usize = 4096;
/// The longest name of a directory entry.
const NAME_MAX: usize = 255;
/// A directory with a path this long or longer is walked here: then a path
/// one entry below it may not fit in `PATH_MAX`.
pub(super) const DEEP_FROM: usize = PATH_MAX - NAME_MAX - 1;
/// The most directory handles one walk holds at a time.
pub(super) const MAX_OPEN: usize = 64;

/// True when the directory `name` in `dir_path` (an empty `dir_path` for a
/// root) is too deep for jwalk.
pub(super) fn too_deep(dir_path: &Path, name: &[u8]) -> bool {
    let dir = dir_path.as_os_str().len();
    let len = if dir == 0 { name.len() } else { dir + 1 + name.len() };
    len >= DEEP_FROM
}

/// One directory being walked.
struct Frame {
    dir: Handover,
    /// Its handle; `None` while it is more than [`MAX_OPEN`] levels up.
    fd: Option<OwnedFd>,
    /// Subdirectories still to walk, the next one last.
    pending: Vec<Handover>,
}

/// Walks the directories `dirs` of the directory open as `base` (at
/// `base_path`; empty when `dirs` is one root given by its own path) and
/// everything below them, sending their batches. Returns when done or when
/// the scan is cancelled.
pub(super) fn walk(shared: &Shared, base: BorrowedFd<'_>, base_path: &Path, dirs: Vec<Handover>) {
    let mut deep = Deep {
        shared,
        base,
        path: base_path.to_path_buf(),
        stack: Vec::new(),
        buf: Vec::with_capacity(DIRENT_BUF),
    };
    let mut dirs = dirs;
    dirs.reverse();
    while !shared.cancelled() {
        let next = match deep.stack.last_mut() {
            Some(top) => top.pending.pop(),
            None => dirs.pop(),
        };
        match next {
            Some(dir) => deep.enter(dir),
            None if deep.stack.is_empty() => return,
            None => deep.leave(),
        }
    }
}

struct Deep<'a> {
    shared: &'a Shared,
    base: BorrowedFd<'a>,
    /// The path of the top frame (of `base` when the stack is empty).
    path: PathBuf,
    stack: Vec<Frame>,
    buf: Vec<u8>,
}

impl Deep<'_> {
    /// The handle new directories are opened relative to.
    fn top_fd(&self) -> BorrowedFd<'_> {
        match self.stack.last() {
            Some(top) => top.fd.as_ref().expect("the top frame is open").as_fd(),
            None => self.base,
        }
    }

    fn dir_error(&self, dir: &Handover, path: PathBuf, error: ScanError) {
        self.shared.send(ScanEvent::DirError { dir: dir.ctx.key, path, error });
    }

    /// Opens, checks and lists one announced directory.
    fn enter(&mut self, dir: Handover) {
        let fd = match open_checked(self.top_fd(), &dir) {
            Ok(fd) => fd,
            Err(error) => {
                let path = self.path.join(OsStr::from_bytes(&dir.name));
                self.dir_error(&dir, path, error);
                return;
            }
        };
        self.path.push(OsStr::from_bytes(&dir.name));
        self.stack.push(Frame { dir, fd: Some(fd), pending: Vec::new() });
        if self.stack.len() > MAX_OPEN {
            let above = self.stack.len() - MAX_OPEN - 1;
            self.stack[above].fd = None;
        }
        self.list();
    }

    /// Reads the top frame's directory and sends its batches; its
    /// subdirectories become the frame's pending list (those of a large
    /// directory are walked here, in parallel).
    fn list(&mut self) {
        let shared = self.shared;
        let top = self.stack.last().expect("a frame to list");
        let fd = top.fd.as_ref().expect("the top frame is open").as_fd();
        let ctx = Arc::clone(&top.dir.ctx);
        let (mut names, broke) = listing::read_names(fd, &mut self.buf, || shared.cancelled());
        if shared.cancelled() {
            return;
        }
        if let Some(err) = broke {
            // Like a listing jwalk saw break off: the error first, then what
            // was listed.
            let error = ScanError::errno(Op::ReadDir, err);
            self.dir_error(&top.dir, self.path.clone(), error);
        }
        let dir_path: Arc<Path> = Arc::from(self.path.as_path());
        let mut pending = listing::send(shared, &ctx, fd, &dir_path, &mut names);
        if pending.len() > 1 && listing::in_parallel(names.len()) {
            // Each subdirectory of a large directory is a walk of its own on
            // the second pool, relative to this directory's handle.
            let dirs = std::mem::take(&mut pending);
            shared.split_pool.install(|| {
                dirs.into_par_iter().for_each(|dir| walk(shared, fd, &dir_path, vec![dir]));
            });
        }
        pending.reverse();
        if let Some(top) = self.stack.last_mut() {
            top.pending = pending;
        }
    }

    /// Pops the finished top frame and makes sure the new top is open.
    fn leave(&mut self) {
        let done = self.stack.pop().expect("a frame to leave");
        self.path.pop();
        let Some(top) = self.stack.last_mut() else { return };
        if top.fd.is_some() {
            return;
        }
        // Usually the parent is `..` of the directory just left.
        if let Some(child) = done.fd.as_ref()
            && let Ok(up) = open_dir(child.as_fd(), b"..", false)
            && same_dir(up.as_fd(), &top.dir.ctx)
        {
            top.fd = Some(up);
            return;
        }
        self.reopen();
    }

    /// Opens the levels from the nearest open one down to the top again by
    /// name, each checked; abandons the levels that cannot be reached.
    fn reopen(&mut self) {
        let top = self.stack.len() - 1;
        let start = self.stack.iter().rposition(|f| f.fd.is_some()).map_or(0, |open| open + 1);
        for level in start..=top {
            let parent = match level {
                0 => self.base,
                _ => self.stack[level - 1].fd.as_ref().expect("opened just before").as_fd(),
            };
            match open_checked(parent, &self.stack[level].dir) {
                Ok(fd) => self.stack[level].fd = Some(fd),
                Err(error) => {
                    self.abandon(level, &error);
                    return;
                }
            }
            if level >= MAX_OPEN {
                self.stack[level - MAX_OPEN].fd = None;
            }
        }
    }

    /// Gives up the levels from `level` down: every directory announced
    /// there and not read yet gets a `DirError`.
    fn abandon(&mut self, level: usize, cause: &ScanError) {
        let error = ScanError {
            op: Op::ReadDir,
            errno: cause.errno,
            reason: format!("the directory above could not be reopened ({})", cause.reason),
        };
        while self.stack.len() > level {
            let frame = self.stack.pop().expect("a frame above the level");
            for dir in frame.pending.iter().rev() {
                let path = self.path.join(OsStr::from_bytes(&dir.name));
                self.dir_error(dir, path, error.clone());
            }
            self.path.pop();
        }
    }
}

/// Opens the directory `name` relative to `parent` for listing and for `*at`
/// calls; a symlink in its place is refused unless `follow`.
fn open_dir(parent: BorrowedFd<'_>, name: &[u8], follow: bool) -> Result<OwnedFd, Errno> {
    let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    rustix::fs::openat(parent, name, flags, Mode::empty())
}

/// True when `fd` is the directory `ctx` was made for (same device and inode).
fn same_dir(fd: BorrowedFd<'_>, ctx: &DirCtx) -> bool {
    rustix::fs::fstat(fd).is_ok_and(|st| {
        let st = stat::from_stat(&st);
        st.dev == ctx.dev && st.ino == ctx.ino
    })
}

/// Opens an announced directory and checks it is still the one announced.
fn open_checked(parent: BorrowedFd<'_>, dir: &Handover) -> Result<OwnedFd, ScanError> {
    let fd =
        open_dir(parent, &dir.name, dir.follow).map_err(|e| ScanError::errno(Op::ReadDir, e))?;
    if same_dir(fd.as_fd(), &dir.ctx) {
        Ok(fd)
    } else {
        Err(ScanError {
            op: Op::ReadDir,
            errno: None,
            reason: "replaced by another directory while being scanned".to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_deep_leaves_room_for_one_more_name_within_path_max() {
        let dir = PathBuf::from(OsStr::from_bytes(&[b'a'; DEEP_FROM - 3]));
        // dir + "/" + "x" is DEEP_FROM - 1 bytes: a child of it with the
        // longest name and the NUL still fit in PATH_MAX.
        assert!(!too_deep(&dir, b"x"));
        assert_eq!(DEEP_FROM - 1 + 1 + NAME_MAX + 1, PATH_MAX);
        assert!(too_deep(&dir, b"xy"));
        // A root: its own path only.
        assert!(!too_deep(Path::new(""), &[b'r'; DEEP_FROM - 1]));
        assert!(too_deep(Path::new(""), &[b'r'; DEEP_FROM]));
    }
}
