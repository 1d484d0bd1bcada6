//! Changing permission bits: one entry, or a whole tree with a scope.
//!
//! The entry is re-checked (device, inode, type) by path, then opened without
//! following a final symlink and checked again *on the handle*; the mode is
//! changed through that handle, so what changes is exactly the object that
//! was checked. Symlinks are refused: Linux has no way to change a link's own
//! mode (`fchmodat(AT_SYMLINK_NOFOLLOW)` fails with `EOPNOTSUPP`), and statree
//! never changes a target through a link.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{AtFlags, Mode, OFlags};
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::mode::{FileKind, PERM_MASK};

use super::identity::{self, Identity};
use super::sys::{self, Located, Node};
use super::walk::{self, Fail, Here, Seen, Visitor, WalkLog};

/// What a mode change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChmodOutcome {
    /// The 12 permission bits before the change.
    pub previous: u32,
    /// The 12 bits asked for.
    pub requested: u32,
    /// The 12 bits the entry really has now (re-read after the change).
    pub actual: u32,
    /// Bits asked for that the kernel did not set (`requested & !actual`):
    /// typically setgid on a file whose group the caller is not in.
    pub dropped_bits: u32,
    /// Hard link count: above 1, the change shows under the other names too.
    pub nlink: u64,
}

/// The bits asked for that the entry does not have.
pub fn dropped_bits(requested: u32, actual: u32) -> u32 {
    requested & !actual & PERM_MASK
}

/// The new 12 permission bits for an entry whose mode is `current` when the
/// bits in `set` are turned on and those in `clear` turned off; every other bit
/// keeps its value (with several entries marked, a bit that differs between
/// them and was not toggled stays as it is on each). A bit in both `set` and
/// `clear` ends up set. The file-type bits of `current` are ignored.
pub fn apply_mask(current: u32, set: u32, clear: u32) -> u32 {
    ((current & !clear) | set) & PERM_MASK
}

/// How the permission bits of several entries compare, for a tri-state grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MixedBits {
    /// Bits set on every entry.
    pub all: u32,
    /// Bits set on at least one entry.
    pub any: u32,
}

impl MixedBits {
    /// Compares the modes of the marked entries (file-type bits ignored).
    pub fn of(modes: impl IntoIterator<Item = u32>) -> Self {
        let mut all = PERM_MASK;
        let mut any = 0;
        let mut seen = false;
        for mode in modes {
            all &= mode;
            any |= mode & PERM_MASK;
            seen = true;
        }
        MixedBits { all: if seen { all } else { 0 }, any }
    }

    /// Bits set on some entries and not on others (shown as `[-]`).
    pub fn differing(&self) -> u32 {
        self.any & !self.all
    }
}

/// Which entries a recursive change touches (symlinks never).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Directories and everything else.
    #[default]
    All,
    /// Directories only.
    DirsOnly,
    /// Everything that is not a directory (regular files, FIFOs, sockets,
    /// devices).
    FilesOnly,
}

impl Scope {
    /// True when entries of `kind` are in scope.
    pub fn includes(self, kind: FileKind) -> bool {
        match kind {
            FileKind::Symlink => false,
            FileKind::Dir => self != Scope::FilesOnly,
            _ => self != Scope::DirsOnly,
        }
    }
}

/// Changes the permission bits of `path` to `mode` (12 bits) after checking it
/// is still `expected`. Symlinks are refused.
pub fn chmod(path: &Path, expected: Identity, mode: u32) -> Result<ChmodOutcome, FsError> {
    check_mode(path, mode)?;
    if expected.kind == FileKind::Symlink {
        return Err(symlink_refusal(path));
    }
    let located = Located::new(path, Op::Chmod)?;
    let parent = located.open_parent(Op::Chmod)?;
    identity::check_at(parent.as_fd(), &located.name, &located.path, expected)?;
    chmod_at(parent.as_fd(), &located.name, &located.path, expected, mode)
}

fn check_mode(path: &Path, mode: u32) -> Result<(), FsError> {
    if mode & !PERM_MASK != 0 {
        return Err(sys::refuse(
            Op::Chmod,
            path,
            io::ErrorKind::InvalidInput,
            format!("{mode:o} is not a permission mode: only the 12 bits of 7777 can be set"),
        ));
    }
    Ok(())
}

fn symlink_refusal(path: &Path) -> FsError {
    sys::refuse(
        Op::Chmod,
        path,
        io::ErrorKind::Unsupported,
        "is a symbolic link: Linux cannot change the mode of a link itself (fchmodat with \
         AT_SYMLINK_NOFOLLOW is not supported) and statree never changes the target through it",
    )
}

/// An open handle to the entry being changed.
struct Handle {
    fd: OwnedFd,
    /// An `O_PATH` handle: no `fchmod`, the change goes through `/proc/self/fd`.
    path_only: bool,
}

/// Opens `name` in `dir` without following a final symlink: for reading when
/// it is a regular file or a directory (so `fchmod` works), as an `O_PATH`
/// handle otherwise (a FIFO, device or socket is never opened for I/O) or when
/// reading is not allowed (a mode-000 file its owner wants to fix).
fn open_handle(dir: BorrowedFd<'_>, name: &CStr, kind: FileKind) -> Result<Handle, Errno> {
    let base = OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let read = match kind {
        FileKind::File => Some(OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY),
        FileKind::Dir => Some(OFlags::RDONLY | OFlags::DIRECTORY),
        _ => None,
    };
    if let Some(flags) = read {
        match rustix::fs::openat(dir, name, base | flags, Mode::empty()) {
            Ok(fd) => return Ok(Handle { fd, path_only: false }),
            Err(Errno::ACCESS) | Err(Errno::PERM) => {}
            Err(e) => return Err(e),
        }
    }
    let fd = rustix::fs::openat(dir, name, base | OFlags::PATH, Mode::empty())?;
    Ok(Handle { fd, path_only: true })
}

/// Changes the mode through the handle.
fn apply(handle: &Handle, mode: u32, kind: FileKind, path: &Path) -> Result<(), FsError> {
    let mode_bits = Mode::from_raw_mode(mode);
    if !handle.path_only {
        return rustix::fs::fchmod(&handle.fd, mode_bits)
            .map_err(|e| sys::errno(Op::Chmod, path, e));
    }
    // `fchmod` does not take an O_PATH handle; its /proc link resolves to
    // exactly the object the handle holds (never re-resolving the path).
    let proc_link = format!("/proc/self/fd/{}", handle.fd.as_raw_fd());
    match rustix::fs::chmodat(rustix::fs::CWD, proc_link.as_str(), mode_bits, AtFlags::empty()) {
        Ok(()) => Ok(()),
        Err(Errno::NOENT) => Err(sys::refuse(
            Op::Chmod,
            path,
            io::ErrorKind::Unsupported,
            format!(
                "changing the mode of a {} that cannot be opened for reading needs /proc, \
                 which is not mounted",
                kind.describe()
            ),
        )),
        Err(e) => Err(sys::errno(Op::Chmod, path, e)),
    }
}

/// The change itself, `name` relative to `dir`: open without following,
/// re-check on the handle, change through it, re-read.
fn chmod_at(
    dir: BorrowedFd<'_>,
    name: &CStr,
    path: &Path,
    expected: Identity,
    mode: u32,
) -> Result<ChmodOutcome, FsError> {
    if expected.kind == FileKind::Symlink {
        return Err(symlink_refusal(path));
    }
    let handle = match open_handle(dir, name, expected.kind) {
        Ok(handle) => handle,
        Err(Errno::NOENT) => return Err(identity::gone(path)),
        // A symlink (or something else) took its place since the re-check.
        Err(e @ (Errno::LOOP | Errno::NOTDIR)) => {
            return Err(match sys::node_at(dir, name) {
                Ok(node) => identity::changed(path, expected, node.identity()),
                Err(_) => sys::errno(Op::Open, path, e),
            });
        }
        Err(e) => return Err(sys::errno(Op::Open, path, e)),
    };
    let before = sys::node_of(handle.fd.as_fd()).map_err(|e| sys::errno(Op::Stat, path, e))?;
    identity::check_node(path, expected, &before)?;
    apply(&handle, mode, expected.kind, path)?;
    let after = sys::node_of(handle.fd.as_fd()).map_err(|e| sys::errno(Op::Stat, path, e))?;
    let actual = after.mode & PERM_MASK;
    Ok(ChmodOutcome {
        previous: before.mode & PERM_MASK,
        requested: mode,
        actual,
        dropped_bits: dropped_bits(mode, actual),
        nlink: after.nlink,
    })
}

/// What a recursive change did.
#[derive(Debug, Default)]
pub struct RecursiveReport {
    /// Entries whose mode was changed.
    pub changed: u64,
    /// Entries in scope that already had the new mode.
    pub unchanged: u64,
    /// Entries out of scope (directories with `FilesOnly`, the rest with
    /// `DirsOnly`).
    pub out_of_scope: u64,
    /// Symlinks seen (never changed, never followed).
    pub skipped_symlinks: u64,
    /// Changed non-directories with more than one hard link (the change shows
    /// under their other names too).
    pub multiply_linked: u64,
    /// Entries where the kernel did not set every bit asked for, with the
    /// dropped bits.
    pub dropped: Vec<(PathBuf, u32)>,
    /// Mount points inside the tree, left alone.
    pub mounts_skipped: Vec<PathBuf>,
    /// Per-entry failures; the walk went on past each.
    pub errors: Vec<FsError>,
    /// Stopped early by the cancel flag.
    pub cancelled: bool,
    /// Entries seen below the root.
    pub visited: u64,
}

/// What a recursive change would do, for the confirmation.
#[derive(Debug, Default)]
pub struct RecursiveCount {
    /// Entries whose mode would change.
    pub will_change: u64,
    /// Entries in scope that already have the new mode.
    pub unchanged: u64,
    /// Entries out of scope.
    pub out_of_scope: u64,
    /// Symlinks (never changed).
    pub skipped_symlinks: u64,
    /// Non-directories that would change and have more than one hard link.
    pub multiply_linked: u64,
    /// Mount points inside the tree, which would be left alone.
    pub mounts_skipped: Vec<PathBuf>,
    /// Entries that could not be read (what is below them is not counted).
    pub errors: Vec<FsError>,
    /// Stopped early by the cancel flag.
    pub cancelled: bool,
    /// Entries seen below the root.
    pub visited: u64,
}

/// Turns the bits in `set` on and those in `clear` off ([`apply_mask`]) on
/// `root` and, for a directory, everything below it that `scope` includes.
///
/// The walk never follows a symlink, stays on the root's filesystem (mount
/// points are reported and skipped), and goes on past per-entry failures,
/// which are collected in the report. A directory whose new mode still lets
/// its owner read and search it is changed before its entries are read; one
/// that loses those bits is changed after (so an unprivileged owner can both
/// open up and close down a tree). Fails as a whole only when the root is not
/// the entry that was shown or cannot be opened.
pub fn chmod_recursive(
    root: &Path,
    expected: Identity,
    set: u32,
    clear: u32,
    scope: Scope,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<RecursiveReport, FsError> {
    let mut visit = Chmodder::new(set, clear, scope, false);
    let log = run(root, expected, &mut visit, cancel, progress)?;
    Ok(RecursiveReport {
        changed: visit.changed,
        unchanged: visit.unchanged,
        out_of_scope: visit.out_of_scope,
        skipped_symlinks: visit.skipped_symlinks,
        multiply_linked: visit.multiply_linked,
        dropped: visit.dropped,
        mounts_skipped: log.mounts,
        errors: merge(visit.errors, log.errors),
        cancelled: log.cancelled,
        visited: log.visited,
    })
}

/// Counts what [`chmod_recursive`] with the same arguments would change,
/// changing nothing (the same walk, dry).
pub fn count_recursive(
    root: &Path,
    expected: Identity,
    set: u32,
    clear: u32,
    scope: Scope,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<RecursiveCount, FsError> {
    let mut visit = Chmodder::new(set, clear, scope, true);
    let log = run(root, expected, &mut visit, cancel, progress)?;
    Ok(RecursiveCount {
        will_change: visit.changed,
        unchanged: visit.unchanged,
        out_of_scope: visit.out_of_scope,
        skipped_symlinks: visit.skipped_symlinks,
        multiply_linked: visit.multiply_linked,
        mounts_skipped: log.mounts,
        errors: merge(visit.errors, log.errors),
        cancelled: log.cancelled,
        visited: log.visited,
    })
}

fn merge(mut a: Vec<FsError>, b: Vec<FsError>) -> Vec<FsError> {
    a.extend(b);
    a
}

/// The root's part of a recursive change, and the walk below it.
fn run(
    root: &Path,
    expected: Identity,
    visit: &mut Chmodder,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<WalkLog, FsError> {
    check_mode(root, visit.set)?;
    check_mode(root, visit.clear)?;
    if expected.kind == FileKind::Symlink {
        return Err(symlink_refusal(root));
    }
    let located = Located::new(root, Op::Chmod)?;
    let parent = located.open_parent(Op::Chmod)?;
    let parent = parent.as_fd();
    let name = located.name.as_c_str();
    let node = identity::check_at(parent, name, &located.path, expected)?;
    let mut log = WalkLog::default();
    if cancel.load(Ordering::Relaxed) {
        log.cancelled = true;
        return Ok(log);
    }
    let above = Here::parent_of(&located.parent);

    if node.kind() != FileKind::Dir {
        // A single entry: the same rules as for one entry of the walk.
        if let Err((op, source)) = visit.non_dir(parent, name, &node, &above) {
            return Err(FsError { op, path: located.path, source });
        }
        return Ok(log);
    }
    let fd = match sys::open_dir_at(parent, name) {
        Ok(fd) => fd,
        Err(Errno::ACCESS) if visit.open_denied(parent, name, &node, &above) => {
            sys::open_dir_at(parent, name).map_err(|e| sys::errno(Op::OpenDir, &located.path, e))?
        }
        Err(e) => {
            // Count-only, or a change that leaves it unreadable: say why.
            if let Some(err) = visit.errors.pop() {
                return Err(err);
            }
            return Err(sys::errno(Op::OpenDir, &located.path, e));
        }
    };
    let node = sys::node_of(fd.as_fd()).map_err(|e| sys::errno(Op::Stat, &located.path, e))?;
    identity::check_node(&located.path, expected, &node)?;
    if let Err((op, source)) = visit.enter(fd.as_fd(), name, &node, &above) {
        visit.errors.push(FsError { op, path: located.path.clone(), source });
    }
    let (fd, kept) = walk::walk(fd, node, &located.path, visit, cancel, progress, &mut log);
    progress(log.visited);
    if let Some(fd) = fd
        && !log.cancelled
        && let Err((op, source)) = visit.leave(parent, name, fd, &node, kept, &above)
    {
        visit.errors.push(FsError { op, path: located.path.clone(), source });
    }
    Ok(log)
}

/// The visitor of a recursive change (or of its dry count).
struct Chmodder {
    set: u32,
    clear: u32,
    scope: Scope,
    dry_run: bool,
    changed: u64,
    unchanged: u64,
    out_of_scope: u64,
    skipped_symlinks: u64,
    multiply_linked: u64,
    dropped: Vec<(PathBuf, u32)>,
    errors: Vec<FsError>,
    /// A directory already changed by `open_denied` (to make it readable).
    done_early: Option<(u64, u64)>,
}

/// A directory's new mode is applied before its entries are read when the
/// owner can still read and search it afterwards.
const OWNER_RX: u32 = 0o500;

impl Chmodder {
    fn new(set: u32, clear: u32, scope: Scope, dry_run: bool) -> Self {
        Chmodder {
            set,
            clear,
            scope,
            dry_run,
            changed: 0,
            unchanged: 0,
            out_of_scope: 0,
            skipped_symlinks: 0,
            multiply_linked: 0,
            dropped: Vec::new(),
            errors: Vec::new(),
            done_early: None,
        }
    }

    /// The new mode when the entry is in scope and would change.
    fn target(&self, node: &Node) -> Option<u32> {
        let new = apply_mask(node.mode, self.set, self.clear);
        (self.scope.includes(node.kind()) && new != node.mode & PERM_MASK).then_some(new)
    }

    /// Counts an entry the first time it is met.
    fn tally(&mut self, node: &Node) {
        let kind = node.kind();
        if kind == FileKind::Symlink {
            self.skipped_symlinks += 1;
        } else if !self.scope.includes(kind) {
            self.out_of_scope += 1;
        } else if self.target(node).is_none() {
            self.unchanged += 1;
        } else if self.dry_run {
            self.changed += 1;
            if kind != FileKind::Dir && node.nlink > 1 {
                self.multiply_linked += 1;
            }
        }
    }

    fn record(&mut self, outcome: &ChmodOutcome, kind: FileKind, path: impl FnOnce() -> PathBuf) {
        self.changed += 1;
        if kind != FileKind::Dir && outcome.nlink > 1 {
            self.multiply_linked += 1;
        }
        if outcome.dropped_bits != 0 {
            self.dropped.push((path(), outcome.dropped_bits));
        }
    }

    /// Changes an open directory through its handle.
    fn change_dir(
        &mut self,
        fd: BorrowedFd<'_>,
        node: &Node,
        new: u32,
        path: impl FnOnce() -> PathBuf,
    ) -> Result<(), Fail> {
        rustix::fs::fchmod(fd, Mode::from_raw_mode(new)).map_err(|e| walk::fail(Op::Chmod, e))?;
        let after = sys::node_of(fd).map_err(|e| walk::fail(Op::Stat, e))?;
        let actual = after.mode & PERM_MASK;
        let outcome = ChmodOutcome {
            previous: node.mode & PERM_MASK,
            requested: new,
            actual,
            dropped_bits: dropped_bits(new, actual),
            nlink: after.nlink,
        };
        self.record(&outcome, FileKind::Dir, path);
        Ok(())
    }
}

impl Visitor for Chmodder {
    fn non_dir(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &CStr,
        node: &Node,
        at: &Here<'_>,
    ) -> Result<Seen, Fail> {
        self.tally(node);
        let Some(new) = self.target(node) else { return Ok(Seen::Done) };
        if self.dry_run {
            return Ok(Seen::Done);
        }
        let path = at.path(name);
        match chmod_at(dir, name, &path, node.identity(), new) {
            Ok(outcome) => {
                self.record(&outcome, node.kind(), || path);
                Ok(Seen::Done)
            }
            // Became a directory since the listing: walk into it.
            Err(_) if sys::node_at(dir, name).is_ok_and(|n| n.kind() == FileKind::Dir) => {
                Ok(Seen::IsDir)
            }
            Err(err) => Err((err.op, err.source)),
        }
    }

    fn enter(
        &mut self,
        fd: BorrowedFd<'_>,
        name: &CStr,
        node: &Node,
        at: &Here<'_>,
    ) -> Result<(), Fail> {
        if self.done_early.take() == Some((node.dev, node.ino)) {
            return Ok(());
        }
        self.tally(node);
        match self.target(node) {
            Some(new) if !self.dry_run && new & OWNER_RX == OWNER_RX => {
                self.change_dir(fd, node, new, || at.path(name))
            }
            _ => Ok(()),
        }
    }

    fn open_denied(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &CStr,
        node: &Node,
        at: &Here<'_>,
    ) -> bool {
        let Some(new) = self.target(node) else { return false };
        if new & OWNER_RX != OWNER_RX {
            return false;
        }
        if self.dry_run {
            // It would be changed, but what is below it cannot be counted.
            self.tally(node);
            return false;
        }
        let path = at.path(name);
        match chmod_at(dir, name, &path, node.identity(), new) {
            Ok(outcome) => {
                self.record(&outcome, FileKind::Dir, || path);
                self.done_early = Some((node.dev, node.ino));
                true
            }
            Err(err) => {
                self.errors.push(err);
                false
            }
        }
    }

    fn leave(
        &mut self,
        _parent: BorrowedFd<'_>,
        name: &CStr,
        fd: OwnedFd,
        node: &Node,
        _kept: bool,
        at: &Here<'_>,
    ) -> Result<(), Fail> {
        match self.target(node) {
            Some(new) if !self.dry_run && new & OWNER_RX != OWNER_RX => {
                self.change_dir(fd.as_fd(), node, new, || at.path(name))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_keeps_untoggled_bits() {
        assert_eq!(apply_mask(0o100_644, 0o111, 0), 0o755);
        assert_eq!(apply_mask(0o755, 0, 0o022), 0o755);
        assert_eq!(apply_mask(0o777, 0, 0o022), 0o755);
        assert_eq!(apply_mask(0o4755, 0, 0o4000), 0o755);
        // Set wins over clear.
        assert_eq!(apply_mask(0o600, 0o4, 0o4), 0o604);
        // Type bits never leak into the result.
        assert_eq!(apply_mask(0o040_755, 0, 0), 0o755);
    }

    #[test]
    fn dropped_bits_are_what_was_asked_and_not_got() {
        assert_eq!(dropped_bits(0o2775, 0o775), 0o2000);
        assert_eq!(dropped_bits(0o6755, 0o4755), 0o2000);
        assert_eq!(dropped_bits(0o755, 0o755), 0);
        // Bits the kernel added are not "dropped".
        assert_eq!(dropped_bits(0o755, 0o2755), 0);
    }

    #[test]
    fn mixed_bits_show_what_differs() {
        let m = MixedBits::of([0o100_644, 0o100_664, 0o040_744]);
        assert_eq!(m.all, 0o644);
        assert_eq!(m.any, 0o764);
        assert_eq!(m.differing(), 0o120);
        assert_eq!(MixedBits::of([]), MixedBits { all: 0, any: 0 });
    }

    #[test]
    fn scopes() {
        assert!(Scope::All.includes(FileKind::Dir));
        assert!(Scope::All.includes(FileKind::Fifo));
        assert!(!Scope::All.includes(FileKind::Symlink));
        assert!(Scope::DirsOnly.includes(FileKind::Dir));
        assert!(!Scope::DirsOnly.includes(FileKind::File));
        assert!(Scope::FilesOnly.includes(FileKind::File));
        assert!(!Scope::FilesOnly.includes(FileKind::Dir));
    }
}
