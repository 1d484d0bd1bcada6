//! Changing permission bits: one entry ([`chmod`]), or a whole tree with a
//! scope ([`chmod_recursive`], and its dry count, in `recursive`, walking with
//! the visitor in `visit`). The arithmetic of the new bits is the model's
//! ([`crate::model::mask`]), shared with the dialog that shows it.
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
use std::path::Path;

use rustix::fs::{AtFlags, Mode, OFlags};
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::Identity;
use crate::model::mode::{FileKind, PERM_MASK};

use super::identity::{self, Checked};
use super::sys;

mod recursive;
mod report;
mod visit;

pub use recursive::{chmod_recursive, count_recursive};
pub use report::{ChmodOutcome, RecursiveCount, RecursiveReport, RecursiveTally};

/// Changes the permission bits of `path` to `mode` (12 bits) after checking it
/// is still `expected`. Symlinks are refused.
pub fn chmod(path: &Path, expected: Identity, mode: u32) -> Result<ChmodOutcome, FsError> {
    check_mode(path, mode)?;
    if expected.kind == FileKind::Symlink {
        return Err(symlink_refusal(path));
    }
    let start = Checked::by_path(path, expected, Op::Chmod)?;
    chmod_at(start.parent.as_fd(), &start.located.name, &start.located.path, expected, mode)
}

/// Refuses a mode word with bits outside the 12 permission bits.
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

/// The refusal for a symlink (its own mode cannot change on Linux).
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
    Ok(ChmodOutcome::between(&before, &after, mode))
}
