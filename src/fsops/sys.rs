//! Helpers shared by the operations: path splitting, name validation, the
//! `statx` of an entry relative to a directory handle or of an open handle,
//! and the component-by-component walk (creating missing levels) that
//! `create` and `rename` use.

use std::ffi::{CStr, CString, OsStr};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, Mode, OFlags, StatxAttributes, StatxFlags};
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::mode::FileKind;

use super::identity::Identity;

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

/// What the operations need to know about one entry: identity, type and
/// permission bits, link count, size, and whether it is the root of a mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node {
    pub dev: u64,
    pub ino: u64,
    pub mode: u32,
    pub nlink: u64,
    pub size: u64,
    /// `STATX_ATTR_MOUNT_ROOT`: the entry is where a filesystem (or a bind
    /// mount of the same one) is mounted.
    pub mount_root: bool,
    /// Birth time, where the filesystem records it.
    pub btime: Option<crate::scan::Timespec>,
}

impl Node {
    pub(crate) fn kind(&self) -> FileKind {
        FileKind::from_mode(self.mode)
    }

    pub(crate) fn identity(&self) -> Identity {
        Identity { dev: self.dev, ino: self.ino, kind: self.kind(), birth: self.btime }
    }

    /// Same device and inode.
    pub(crate) fn same_object(&self, other: &Node) -> bool {
        self.dev == other.dev && self.ino == other.ino
    }

    fn from_statx(stx: &rustix::fs::Statx) -> Self {
        let known = stx.stx_attributes_mask.contains(StatxAttributes::MOUNT_ROOT);
        Node {
            dev: rustix::fs::makedev(stx.stx_dev_major, stx.stx_dev_minor),
            ino: stx.stx_ino,
            mode: u32::from(stx.stx_mode),
            nlink: u64::from(stx.stx_nlink),
            size: stx.stx_size,
            mount_root: known && stx.stx_attributes.contains(StatxAttributes::MOUNT_ROOT),
            btime: (stx.stx_mask & StatxFlags::BTIME.bits() != 0).then_some(
                crate::scan::Timespec { sec: stx.stx_btime.tv_sec, nsec: stx.stx_btime.tv_nsec },
            ),
        }
    }

    fn from_stat(st: &rustix::fs::Stat) -> Self {
        let st = crate::scan::stat::from_stat(st);
        Node {
            dev: st.dev,
            ino: st.ino,
            mode: st.mode,
            nlink: st.nlink,
            size: st.size,
            mount_root: false,
            btime: None,
        }
    }
}

fn statx_flags() -> StatxFlags {
    StatxFlags::TYPE
        | StatxFlags::MODE
        | StatxFlags::NLINK
        | StatxFlags::INO
        | StatxFlags::SIZE
        | StatxFlags::BTIME
}

/// `statx(dir, name)` without following a final symlink.
pub(crate) fn node_at(dir: BorrowedFd<'_>, name: &CStr) -> Result<Node, Errno> {
    let flags = AtFlags::SYMLINK_NOFOLLOW | AtFlags::STATX_DONT_SYNC;
    match rustix::fs::statx(dir, name, flags, statx_flags()) {
        Ok(stx) => Ok(Node::from_statx(&stx)),
        Err(Errno::NOSYS) | Err(Errno::PERM) => {
            Ok(Node::from_stat(&rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)?))
        }
        Err(err) => Err(err),
    }
}

/// `statx` of an open handle (`AT_EMPTY_PATH`), which may be an `O_PATH` one.
pub(crate) fn node_of(fd: BorrowedFd<'_>) -> Result<Node, Errno> {
    let flags = AtFlags::EMPTY_PATH | AtFlags::STATX_DONT_SYNC;
    match rustix::fs::statx(fd, c"", flags, statx_flags()) {
        Ok(stx) => Ok(Node::from_statx(&stx)),
        Err(Errno::NOSYS) | Err(Errno::PERM) => Ok(Node::from_stat(&rustix::fs::fstat(fd)?)),
        Err(err) => Err(err),
    }
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
mod tests {
    use super::*;

    #[test]
    fn components_are_validated() {
        assert!(validate_component(b"ok name").is_ok());
        assert!(validate_component(&[b'x'; 255]).is_ok());
        for bad in [&b""[..], b".", b"..", b"a\0b", b"a/b", &[b'x'; 256]] {
            assert!(validate_component(bad).is_err(), "{bad:?}");
        }
        assert!(validate_component(&[b'x'; 256]).unwrap_err().contains("256"));
    }

    #[test]
    fn relative_paths_split_and_keep_the_trailing_slash() {
        let rel = Relative::parse(b"a/b/c/").unwrap();
        assert!(rel.trailing_slash);
        assert_eq!(rel.components.len(), 3);
        let rel = Relative::parse(b"f").unwrap();
        assert!(!rel.trailing_slash);
        assert_eq!(rel.under(Path::new("/x")), Path::new("/x/f"));
        for bad in [&b""[..], b"/abs", b"a//b", b"a/./b", b"../x", b"a/..", b"/", b"a\0"] {
            assert!(Relative::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_failed_walk_takes_back_only_what_it_created() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("had")).unwrap();
        let mut chain = Chain::open_base(tmp.path(), Op::Create).unwrap();
        for name in [c"had", c"new1", c"new2"] {
            chain.descend(name, true, Op::Create).unwrap();
        }
        assert_eq!(chain.path(), tmp.path().join("had/new1/new2"));
        assert_eq!(
            chain.created_paths(),
            vec![tmp.path().join("had/new1"), tmp.path().join("had/new1/new2")]
        );
        chain.rollback();
        assert!(tmp.path().join("had").is_dir());
        assert!(!tmp.path().join("had/new1").exists());

        // Something put into a created level in between keeps it.
        let mut chain = Chain::open_base(tmp.path(), Op::Create).unwrap();
        chain.descend(c"new", true, Op::Create).unwrap();
        std::fs::write(tmp.path().join("new/theirs"), b"").unwrap();
        chain.rollback();
        assert!(tmp.path().join("new/theirs").exists());
    }

    #[test]
    fn located_splits_without_normalizing() {
        let l = Located::new(Path::new("/a/b/"), Op::Remove).unwrap();
        assert_eq!(l.parent, Path::new("/a"));
        assert_eq!(l.name.as_bytes(), b"b");
        let l = Located::new(Path::new("name"), Op::Remove).unwrap();
        assert_eq!(l.parent, Path::new("."));
        let l = Located::new(Path::new("/top"), Op::Remove).unwrap();
        assert_eq!(l.parent, Path::new("/"));
        for bad in ["/", "a/.", "a/..", ".", "..", ""] {
            assert!(Located::new(Path::new(bad), Op::Remove).is_err(), "{bad}");
        }
    }
}
