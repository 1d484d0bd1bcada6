//! Typed errors. Every error names the operation that failed; the path travels
//! with it so a message can always say *what* failed *where*.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// The operation that failed while scanning or inspecting an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `lstat`/`statx` of the entry itself.
    Stat,
    /// Opening a directory to read it.
    OpenDir,
    /// Reading the entries of a directory.
    ReadDir,
    /// Reading a symlink's target.
    ReadLink,
    /// Descending into a directory that is one of its own ancestors.
    Loop,
    /// Changing an entry's permission bits.
    Chmod,
    /// Renaming or moving an entry.
    Rename,
    /// Creating a directory.
    Mkdir,
    /// Creating a regular file.
    Create,
    /// Removing an entry permanently.
    Remove,
    /// Moving an entry to the trash.
    Trash,
    /// Opening an entry (for an action on its handle).
    Open,
    /// Re-checking that an entry is still the one that was shown.
    Identity,
    /// Changing an entry's owner or group.
    Chown,
    /// Undoing an earlier action.
    Undo,
    /// Copying an entry (its data, links or attributes).
    Copy,
}

impl Op {
    /// Human wording used in messages ("reading directory: ...").
    pub fn describe(self) -> &'static str {
        match self {
            Op::Stat => "stat",
            Op::OpenDir => "opening directory",
            Op::ReadDir => "reading directory",
            Op::ReadLink => "reading link",
            Op::Loop => "filesystem loop",
            Op::Chmod => "changing mode",
            Op::Rename => "renaming",
            Op::Mkdir => "creating directory",
            Op::Create => "creating file",
            Op::Remove => "removing",
            Op::Trash => "moving to trash",
            Op::Open => "opening",
            Op::Identity => "checking identity",
            Op::Chown => "changing owner",
            Op::Undo => "undoing",
            Op::Copy => "copying",
        }
    }
}

/// A per-entry failure: never fatal, always attached to an entry or a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// What was being done.
    pub op: Op,
    /// The OS error number, when the failure came from the kernel.
    pub errno: Option<i32>,
    /// The reason, already worded for people.
    pub reason: String,
}

impl ScanError {
    /// Wraps an I/O error from `op`.
    pub fn io(op: Op, err: &io::Error) -> Self {
        let errno = err.raw_os_error();
        // The std message ends in "(os error N)"; the bare reason reads better.
        let reason = strip_os_suffix(err.to_string());
        ScanError { op, errno, reason }
    }

    /// Wraps a rustix errno from `op`.
    pub fn errno(op: Op, err: rustix::io::Errno) -> Self {
        Self::io(op, &io::Error::from(err))
    }

    /// A loop: the directory is `ancestor`, already being walked above it.
    pub fn fs_loop(ancestor: &std::path::Path) -> Self {
        ScanError {
            op: Op::Loop,
            errno: Some(libc_eloop()),
            reason: format!("points back to ancestor {}", crate::sanitize::path(ancestor)),
        }
    }

    /// True when the error is "permission denied".
    pub fn is_permission_denied(&self) -> bool {
        self.errno == Some(rustix::io::Errno::ACCESS.raw_os_error())
    }
}

fn libc_eloop() -> i32 {
    rustix::io::Errno::LOOP.raw_os_error()
}

/// An OS error in words, without std's "(os error N)" suffix: the words say
/// it already, and every message statree shows uses this one wording.
pub fn os_reason(err: &io::Error) -> String {
    strip_os_suffix(err.to_string())
}

fn strip_os_suffix(mut reason: String) -> String {
    if let Some(pos) = reason.find(" (os error") {
        reason.truncate(pos);
    }
    reason
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.op.describe(), self.reason)
    }
}

impl std::error::Error for ScanError {}

/// A failure of a whole operation on one path (reading full metadata, and later
/// the editing actions): carries the operation, the path and the OS error.
#[derive(Debug, thiserror::Error)]
#[error("{}: {}: {}", op.describe(), crate::sanitize::path(path), os_reason(source))]
pub struct FsError {
    /// What was being done.
    pub op: Op,
    /// Where.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: io::Error,
}

impl FsError {
    /// Builds an error from a rustix errno.
    pub fn errno(op: Op, path: impl Into<PathBuf>, err: rustix::io::Errno) -> Self {
        FsError { op, path: path.into(), source: err.into() }
    }
}
