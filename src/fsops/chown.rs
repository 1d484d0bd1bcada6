//! Changing an entry's owner and group: one entry ([`chown`]) or a tree with a
//! scope ([`chown_recursive`]).
//!
//! The entry is re-checked (device, inode, type) relative to a handle of its
//! parent, then opened as an `O_PATH | O_NOFOLLOW` handle and checked again on
//! the handle; the owner is changed through that handle (`fchownat` with
//! `AT_EMPTY_PATH`), so what changes is exactly the object that was checked.
//! A symlink is refused unless its own owner is asked for; then it is changed
//! with `AT_SYMLINK_NOFOLLOW` (`lchown`), never its target. The result is read
//! back: the kernel clears setuid and setgid on a chown of an executable, and
//! the outcome says which bits went.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::sync::atomic::AtomicBool;

use rustix::fs::{AtFlags, Gid, Mode, OFlags, Uid};
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::Identity;
use crate::model::mask::Scope;
use crate::model::mode::FileKind;

use super::identity::{self, Checked};
use super::sys::{self, Node};
use super::walk::{self, Fail, Here, Seen, Visitor, WalkLog};

/// What an owner change did to one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChownOutcome {
    /// Owner and group before.
    pub before: (u32, u32),
    /// Owner and group read back after the change.
    pub after: (u32, u32),
    /// The 12 permission bits before.
    pub mode_before: u32,
    /// The 12 permission bits after (the kernel may have cleared some).
    pub mode_after: u32,
}

impl ChownOutcome {
    /// Setuid/setgid bits the kernel cleared on the way.
    pub fn cleared_bits(&self) -> u32 {
        self.mode_before & 0o6000 & !self.mode_after
    }
}

/// Changes the owner (`uid`) and/or group (`gid`) of `path` after checking
/// it is still `expected`. `None` leaves that half as it is. A symlink is
/// refused unless `symlink_itself` asks for the link's own owner.
pub fn chown(
    path: &Path,
    expected: Identity,
    uid: Option<u32>,
    gid: Option<u32>,
    symlink_itself: bool,
) -> Result<ChownOutcome, FsError> {
    if expected.kind == FileKind::Symlink && !symlink_itself {
        return Err(symlink_refusal(path));
    }
    let start = Checked::by_path(path, expected, Op::Chown)?;
    chown_at(start.parent.as_fd(), &start.located.name, &start.located.path, expected, uid, gid)
}

/// The refusal for a symlink when its own owner was not asked for.
fn symlink_refusal(path: &Path) -> FsError {
    sys::refuse(
        Op::Chown,
        path,
        io::ErrorKind::InvalidInput,
        "is a symbolic link: left alone (its own owner changes only when asked for; its \
         target never does)",
    )
}

/// `stat` of what a handle (possibly `O_PATH`) holds: owner, group, mode.
fn owner_of(fd: BorrowedFd<'_>) -> Result<(u32, u32, u32), Errno> {
    let st = rustix::fs::fstat(fd)?;
    Ok((st.st_uid, st.st_gid, st.st_mode & 0o7777))
}

fn ids(uid: Option<u32>, gid: Option<u32>) -> (Option<Uid>, Option<Gid>) {
    (uid.map(Uid::from_raw), gid.map(Gid::from_raw))
}

/// The change itself, `name` relative to `dir`.
fn chown_at(
    dir: BorrowedFd<'_>,
    name: &CStr,
    path: &Path,
    expected: Identity,
    uid: Option<u32>,
    gid: Option<u32>,
) -> Result<ChownOutcome, FsError> {
    // O_PATH | O_NOFOLLOW opens a symlink itself, anything else without
    // reading it (a FIFO or device is never opened for I/O).
    let flags = OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd: OwnedFd = match rustix::fs::openat(dir, name, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::NOENT) => return Err(identity::gone(path)),
        Err(e) => return Err(sys::errno(Op::Open, path, e)),
    };
    let node = sys::node_of(fd.as_fd()).map_err(|e| sys::errno(Op::Stat, path, e))?;
    identity::check_node(path, expected, &node)?;
    let (u0, g0, m0) = owner_of(fd.as_fd()).map_err(|e| sys::errno(Op::Stat, path, e))?;
    let (u, g) = ids(uid, gid);
    // With AT_EMPTY_PATH the handle itself is changed: for an O_PATH handle
    // of a symlink that is the link's own owner (lchown), never its target.
    rustix::fs::chownat(fd.as_fd(), c"", u, g, AtFlags::EMPTY_PATH)
        .map_err(|e| sys::errno(Op::Chown, path, e))?;
    let (u1, g1, m1) = owner_of(fd.as_fd()).map_err(|e| sys::errno(Op::Stat, path, e))?;
    Ok(ChownOutcome { before: (u0, g0), after: (u1, g1), mode_before: m0, mode_after: m1 })
}

/// What a recursive owner change did.
#[derive(Debug, Default)]
pub struct ChownReport {
    /// Entries whose owner or group changed.
    pub changed: u64,
    /// Entries in scope that already had them.
    pub unchanged: u64,
    /// Symlinks left alone (not asked for).
    pub skipped_symlinks: u64,
    /// Entries whose setuid/setgid bits the kernel cleared, with the bits.
    pub cleared: Vec<(std::path::PathBuf, u32)>,
    /// Mount points inside, left alone.
    pub mounts_skipped: Vec<std::path::PathBuf>,
    /// Per-entry failures (EPERM for a non-root owner change among them).
    pub errors: Vec<FsError>,
    /// Stopped by the cancel flag.
    pub cancelled: bool,
}

/// Changes the owner/group of `root` and, for a directory, of everything
/// below it in `scope` (symlinks only with `symlinks`, and then their own
/// owner). The walk is the handle-relative one of recursive chmod: never
/// following a symlink, staying on the filesystem, going on past per-entry
/// failures.
#[expect(clippy::too_many_arguments, reason = "the request's fields, each a choice")]
pub fn chown_recursive(
    root: &Path,
    expected: Identity,
    uid: Option<u32>,
    gid: Option<u32>,
    scope: Scope,
    symlinks: bool,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<ChownReport, FsError> {
    let start = Checked::by_path(root, expected, Op::Chown)?;
    let path = &start.located.path;
    let mut visit = Chowner { uid, gid, scope, symlinks, report: ChownReport::default() };
    if expected.kind != FileKind::Dir {
        let above = Here::parent_of(&start.located.parent);
        visit
            .non_dir(start.parent.as_fd(), &start.located.name, &start.node, &above)
            .map_err(|(op, source)| FsError { op, path: path.clone(), source })?;
        return Ok(visit.report);
    }
    let fd = sys::open_dir_at(start.parent.as_fd(), &start.located.name).map_err(|e| {
        sys::explain_open_error(start.parent.as_fd(), &start.located.name, path, Op::Chown, e)
    })?;
    let node = start.recheck(fd.as_fd())?;
    let above = Here::parent_of(&start.located.parent);
    if let Err((op, source)) = visit.enter(fd.as_fd(), &start.located.name, &node, &above) {
        visit.report.errors.push(FsError { op, path: path.clone(), source });
    }
    let mut log = WalkLog::default();
    let _ = walk::walk(fd, node, path, &mut visit, cancel, progress, &mut log);
    let mut report = visit.report;
    report.errors.extend(log.errors);
    report.mounts_skipped = log.mounts;
    report.cancelled = log.cancelled;
    Ok(report)
}

/// The visitor of a recursive owner change.
struct Chowner {
    uid: Option<u32>,
    gid: Option<u32>,
    scope: Scope,
    symlinks: bool,
    report: ChownReport,
}

impl Chowner {
    fn tally(&mut self, before: (u32, u32, u32), after: (u32, u32, u32), at: &Here<'_>, n: &CStr) {
        if (before.0, before.1) == (after.0, after.1) {
            self.report.unchanged += 1;
        } else {
            self.report.changed += 1;
        }
        let cleared = before.2 & 0o6000 & !after.2;
        if cleared != 0 {
            self.report.cleared.push((at.path(n), cleared));
        }
    }
}

impl Visitor for Chowner {
    fn non_dir(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &CStr,
        node: &Node,
        at: &Here<'_>,
    ) -> Result<Seen, Fail> {
        let kind = node.kind();
        let wanted =
            if kind == FileKind::Symlink { self.symlinks } else { self.scope.includes(kind) };
        if !wanted {
            if kind == FileKind::Symlink {
                self.report.skipped_symlinks += 1;
            }
            return Ok(Seen::Done);
        }
        let stat = |d: BorrowedFd<'_>| {
            rustix::fs::statat(d, name, AtFlags::SYMLINK_NOFOLLOW)
                .map(|st| (st.st_uid, st.st_gid, st.st_mode & 0o7777))
        };
        let before = stat(dir).map_err(|e| walk::fail(Op::Stat, e))?;
        let (u, g) = ids(self.uid, self.gid);
        // AT_SYMLINK_NOFOLLOW: an entry swapped for a symlink since the
        // listing has the link's own owner changed, never a target's.
        match rustix::fs::chownat(dir, name, u, g, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(()) => {}
            Err(e) => return Err(walk::fail(Op::Chown, e)),
        }
        let after = stat(dir).map_err(|e| walk::fail(Op::Stat, e))?;
        self.tally(before, after, at, name);
        Ok(Seen::Done)
    }

    fn enter(
        &mut self,
        fd: BorrowedFd<'_>,
        name: &CStr,
        _node: &Node,
        at: &Here<'_>,
    ) -> Result<(), Fail> {
        if !self.scope.includes(FileKind::Dir) {
            return Ok(());
        }
        let before = owner_of(fd).map_err(|e| walk::fail(Op::Stat, e))?;
        let (u, g) = ids(self.uid, self.gid);
        rustix::fs::fchown(fd, u, g).map_err(|e| walk::fail(Op::Chown, e))?;
        let after = owner_of(fd).map_err(|e| walk::fail(Op::Stat, e))?;
        self.tally(before, after, at, name);
        Ok(())
    }

    fn leave(
        &mut self,
        _parent: BorrowedFd<'_>,
        _name: &CStr,
        _fd: OwnedFd,
        _node: &Node,
        _kept: bool,
        _at: &Here<'_>,
    ) -> Result<(), Fail> {
        Ok(())
    }
}
