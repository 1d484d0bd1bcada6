//! Helpers shared by the operations: path splitting, name validation,
//! opening directories without following a final symlink and wording the
//! failures; the `statx` of an entry (in `node`) and the
//! component-by-component walk that `create` and `rename` use (in `chain`).

use std::ffi::{CStr, CString, OsStr};
use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::mode::FileKind;

mod chain;
mod node;

pub(crate) use chain::{Chain, Relative};
pub(crate) use node::{Node, node_at, node_of};

/// The longest name one directory entry can have on Linux.
pub const NAME_MAX: usize = 255;

/// An `OsStr` from raw bytes.
pub(crate) fn os(raw: &[u8]) -> &OsStr {
    OsStr::from_bytes(raw)
}

/// The raw bytes of a path.
pub(crate) fn bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_bytes()
}

/// `base/name` for raw name bytes.
pub(crate) fn join(base: &Path, name: &[u8]) -> PathBuf {
    base.join(os(name))
}

/// A refusal or failure worded by statree rather than the kernel.
pub(crate) fn refuse(
    op: Op,
    path: impl Into<PathBuf>,
    kind: io::ErrorKind,
    message: impl Into<String>,
) -> FsError {
    FsError { op, path: path.into(), source: io::Error::new(kind, message.into()) }
}

/// A kernel failure.
pub(crate) fn errno(op: Op, path: impl Into<PathBuf>, err: Errno) -> FsError {
    FsError::errno(op, path, err)
}

/// A path split into the directory that holds the entry and the entry's own
/// name, so the final component can be acted on relative to a handle of its
/// parent and never followed.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    /// The directory holding the entry (`.` for a bare name).
    pub parent: PathBuf,
    /// The entry's name in it.
    pub name: CString,
    /// The path as given, without trailing slashes (for messages).
    pub path: PathBuf,
}

impl Located {
    /// Splits `path` on its last `/`. Trailing slashes are dropped (they would
    /// make `lstat` follow a final symlink); a path that ends in `.` or `..`
    /// or names the root has no entry of its own to act on and is refused.
    pub(crate) fn new(path: &Path, op: Op) -> Result<Self, FsError> {
        let raw = bytes(path);
        let mut end = raw.len();
        while end > 1 && raw[end - 1] == b'/' {
            end -= 1;
        }
        let trimmed = &raw[..end];
        let (parent, name) = match trimmed.iter().rposition(|&b| b == b'/') {
            Some(0) => (&b"/"[..], &trimmed[1..]),
            Some(pos) => (&trimmed[..pos], &trimmed[pos + 1..]),
            None => (&b"."[..], trimmed),
        };
        if name.is_empty() || name == b"." || name == b".." {
            return Err(refuse(
                op,
                path,
                io::ErrorKind::InvalidInput,
                "the path must end in the name of an entry (not \"/\", \".\" or \"..\")",
            ));
        }
        let name = CString::new(name).map_err(|_| {
            refuse(op, path, io::ErrorKind::InvalidInput, "a path cannot contain a NUL byte")
        })?;
        Ok(Located { parent: PathBuf::from(os(parent)), name, path: PathBuf::from(os(trimmed)) })
    }

    /// Opens the parent directory (its own path is resolved normally: it is
    /// where the user navigated to).
    pub(crate) fn open_parent(&self, op: Op) -> Result<OwnedFd, FsError> {
        open_dir_path(&self.parent).map_err(|e| errno(op, &self.parent, e))
    }
}

/// Opens a directory by path, following symlinks on the way (the caller's
/// own location).
pub(crate) fn open_dir_path(path: &Path) -> Result<OwnedFd, Errno> {
    match rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) {
        // Deeper than the kernel resolves in one call: in pieces.
        Err(Errno::NAMETOOLONG) => crate::scan::stat::open_dir_long(bytes(path)),
        other => other,
    }
}

/// Opens the directory `name` relative to `dir` for reading and for `*at`
/// calls, refusing a symlink in its place.
pub(crate) fn open_dir_at(dir: BorrowedFd<'_>, name: &CStr) -> Result<OwnedFd, Errno> {
    rustix::fs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

/// Checks one name typed by a person: not empty, not `.` or `..`, no NUL, no
/// `/`, at most 255 bytes.
pub(crate) fn validate_component(name: &[u8]) -> Result<(), String> {
    if name.is_empty() {
        return Err("a name cannot be empty".into());
    }
    if name == b"." || name == b".." {
        return Err(format!(
            "\"{}\" cannot be used as a name",
            String::from_utf8_lossy(name) // only "." or "..": nothing to sanitize
        ));
    }
    if name.contains(&0) {
        return Err("a name cannot contain a NUL byte".into());
    }
    if name.contains(&b'/') {
        return Err("a name cannot contain '/'".into());
    }
    if name.len() > NAME_MAX {
        return Err(format!(
            "a name can be at most {NAME_MAX} bytes long; this one has {}",
            name.len()
        ));
    }
    Ok(())
}

/// Turns the failure of an `O_NOFOLLOW | O_DIRECTORY` open into words: a
/// symlink in the way, or something that is not a directory.
pub(crate) fn explain_open_error(
    dir: BorrowedFd<'_>,
    name: &CStr,
    path: &Path,
    op: Op,
    err: Errno,
) -> FsError {
    if err == Errno::LOOP || err == Errno::NOTDIR {
        match node_at(dir, name).map(|n| n.kind()) {
            Ok(FileKind::Symlink) => {
                return refuse(
                    op,
                    path,
                    io::ErrorKind::InvalidInput,
                    "is a symlink; statree never goes through a symlink here",
                );
            }
            Ok(kind) if kind != FileKind::Dir => {
                return refuse(
                    op,
                    path,
                    io::ErrorKind::NotADirectory,
                    format!("is not a directory (it is a {})", kind.describe()),
                );
            }
            _ => {}
        }
    }
    errno(op, path, err)
}

#[cfg(test)]
mod tests;
