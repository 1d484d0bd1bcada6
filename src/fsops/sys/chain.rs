//! A relative path typed by a person, split and validated, and the chain of
//! directory handles that walks it one component at a time below a base
//! (never through a symlink), creating missing levels and taking them back
//! when the operation fails.

use std::ffi::{CStr, CString};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, Mode};
use rustix::io::Errno;

use crate::error::{FsError, Op};

use super::{
    Located, bytes, errno, explain_open_error, join, open_dir_at, open_dir_path, os,
    validate_component,
};

/// A relative path typed by a person, split into validated components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relative {
    pub components: Vec<CString>,
    /// It ended in `/`.
    pub trailing_slash: bool,
}

impl Relative {
    /// Splits `raw` on `/` and validates every component. A leading `/` (an
    /// absolute path) and empty components (`a//b`) are refused; one trailing
    /// `/` is allowed and reported.
    pub(crate) fn parse(raw: &[u8]) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("a name cannot be empty".into());
        }
        if raw.contains(&0) {
            return Err("a name cannot contain a NUL byte".into());
        }
        if raw[0] == b'/' {
            return Err("the name must be relative to the directory (no leading '/')".into());
        }
        let trailing_slash = raw.ends_with(b"/");
        let body = if trailing_slash { &raw[..raw.len() - 1] } else { raw };
        let mut components = Vec::new();
        for part in body.split(|&b| b == b'/') {
            if part.is_empty() {
                return Err("the name has an empty component ('//')".into());
            }
            validate_component(part)?;
            components.push(CString::new(part).map_err(|_| "a name cannot contain a NUL byte")?);
        }
        Ok(Relative { components, trailing_slash })
    }

    /// The components joined under `base`.
    pub(crate) fn under(&self, base: &Path) -> PathBuf {
        let mut path = base.to_path_buf();
        for c in &self.components {
            path.push(os(c.to_bytes()));
        }
        path
    }
}

/// A chain of directory handles opened one component at a time below a base,
/// remembering which levels it created so a failed operation can take them
/// back.
pub(crate) struct Chain {
    /// `fds[0]` is the base; `fds[i + 1]` is component `i`.
    pub fds: Vec<OwnedFd>,
    /// The component names, in order.
    names: Vec<CString>,
    /// Per component: created by this walk.
    created: Vec<bool>,
    /// The path of `fds[0]`, for messages.
    base: PathBuf,
}

impl Chain {
    /// Starts at the directory `base`. Its final component is not followed
    /// (the directory a person selected, never a symlink standing in for it)
    /// unless the path ends in `/`, which asks for the directory a symlink
    /// points to, as everywhere on Unix; a base ending in `.` or `..` is
    /// opened as it is.
    pub(crate) fn open_base(base: &Path, op: Op) -> Result<Self, FsError> {
        let located = if bytes(base).ends_with(b"/") { None } else { Located::new(base, op).ok() };
        let fd = match located {
            Some(located) => {
                let parent = located.open_parent(op)?;
                open_component(parent.as_fd(), &located.name, &located.path, op)?
            }
            None => open_dir_path(base).map_err(|e| errno(op, base, e))?,
        };
        Ok(Chain {
            fds: vec![fd],
            names: Vec::new(),
            created: Vec::new(),
            base: base.to_path_buf(),
        })
    }

    /// The deepest handle.
    pub(crate) fn last(&self) -> BorrowedFd<'_> {
        self.fds.last().expect("the base is always open").as_fd()
    }

    /// The path of the deepest handle.
    pub(crate) fn path(&self) -> PathBuf {
        let mut path = self.base.clone();
        for n in &self.names {
            path.push(os(n.to_bytes()));
        }
        path
    }

    /// Paths of the levels this walk created, top-down.
    pub(crate) fn created_paths(&self) -> Vec<PathBuf> {
        let mut path = self.base.clone();
        let mut out = Vec::new();
        for (name, created) in self.names.iter().zip(&self.created) {
            path.push(os(name.to_bytes()));
            if *created {
                out.push(path.clone());
            }
        }
        out
    }

    /// Handles of the levels this walk created, top-down (in the order of
    /// [`Chain::created_paths`]).
    pub(crate) fn created_handles(&self) -> Vec<BorrowedFd<'_>> {
        self.fds[1..]
            .iter()
            .zip(&self.created)
            .filter(|(_, created)| **created)
            .map(|(fd, _)| fd.as_fd())
            .collect()
    }

    /// True when this walk created at least one level.
    pub(crate) fn created_any(&self) -> bool {
        self.created.iter().any(|c| *c)
    }

    /// Descends into `name`, creating it (mode 0777 less the umask) when it
    /// is missing and `create` is set. A symlink in its place is refused.
    pub(crate) fn descend(&mut self, name: &CStr, create: bool, op: Op) -> Result<(), FsError> {
        let path = join(&self.path(), name.to_bytes());
        let mut made = false;
        let fd = loop {
            match open_dir_at(self.last(), name) {
                Ok(fd) => break fd,
                Err(Errno::NOENT) if create && !made => {
                    match rustix::fs::mkdirat(self.last(), name, Mode::from_raw_mode(0o777)) {
                        Ok(()) => made = true,
                        // Someone else made it in between: use theirs.
                        Err(Errno::EXIST) => {}
                        Err(e) => return Err(errno(Op::Mkdir, path, e)),
                    }
                }
                Err(e) => return Err(explain_open_error(self.last(), name, &path, op, e)),
            }
        };
        self.fds.push(fd);
        self.names.push(name.to_owned());
        self.created.push(made);
        Ok(())
    }

    /// Removes the levels this walk created, deepest first (best effort:
    /// only empty directories go, so nothing anyone else put there is lost).
    pub(crate) fn rollback(&mut self) {
        while let Some(fd) = self.fds.pop() {
            drop(fd);
            let (Some(name), Some(created)) = (self.names.pop(), self.created.pop()) else {
                break;
            };
            if created && let Some(parent) = self.fds.last() {
                let _ = rustix::fs::unlinkat(parent, &name, AtFlags::REMOVEDIR);
            }
        }
    }
}

/// Opens one directory component under `dir`, refusing symlinks.
fn open_component(
    dir: BorrowedFd<'_>,
    name: &CStr,
    path: &Path,
    op: Op,
) -> Result<OwnedFd, FsError> {
    open_dir_at(dir, name).map_err(|e| explain_open_error(dir, name, path, op, e))
}
