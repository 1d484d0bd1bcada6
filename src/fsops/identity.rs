//! Reading an entry's [`Identity`] from the disk, and the re-check every
//! action makes before it touches anything: by path, relative to a handle of
//! the parent, or on an open handle. The record itself is the model's
//! ([`crate::model::Identity`]); the syscalls are here.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::Identity;
use crate::scan::stat as scan_stat;
use crate::scan::{EntryStat, Timespec};

use super::sys::{self, Located, Node};

impl Identity {
    /// Reads the identity of `path` now, never following a final symlink.
    /// (The record is the model's; reading it is a syscall, so it is here.)
    pub fn read(path: &Path) -> Result<Self, FsError> {
        let (stat, birth) = lstat(path, Op::Identity)?;
        Ok(Identity::of(&stat).with_birth(birth))
    }
}

/// `lstat` of `path` relative to a handle of its parent (a trailing `/` never
/// makes it follow a final symlink).
fn lstat(path: &Path, op: Op) -> Result<(EntryStat, Option<Timespec>), FsError> {
    let located = Located::new(path, op)?;
    let parent = located.open_parent(op)?;
    scan_stat::statx_at(parent.as_fd(), located.name.to_bytes(), false)
        .map_err(|e| sys::errno(op, &located.path, e))
}

/// Re-reads `path` with `lstat` (never following a final symlink) and returns
/// the fresh record when it is still the entry that was shown: same device,
/// inode and type. Otherwise refuses with "changed since it was shown: …"
/// (operation [`Op::Identity`]).
pub fn check(path: &Path, expected: Identity) -> Result<EntryStat, FsError> {
    let (stat, birth) = match lstat(path, Op::Identity) {
        Ok(read) => read,
        Err(err) if err.source.kind() == io::ErrorKind::NotFound => {
            return Err(gone(path));
        }
        Err(err) => return Err(err),
    };
    let now = Identity::of(&stat).with_birth(birth);
    if expected.same_as(&now) { Ok(stat) } else { Err(changed(path, expected, now)) }
}

/// Compares a fresh [`Node`] with the identity that was shown.
pub(crate) fn check_node(path: &Path, expected: Identity, node: &Node) -> Result<(), FsError> {
    if node.matches(&expected) { Ok(()) } else { Err(changed(path, expected, node.identity())) }
}

/// The refusal for an entry that is no longer there.
pub(crate) fn gone(path: &Path) -> FsError {
    sys::refuse(
        Op::Identity,
        path,
        io::ErrorKind::NotFound,
        "changed since it was shown: it no longer exists",
    )
}

/// The refusal for an entry that is now another object.
pub(crate) fn changed(path: &Path, expected: Identity, now: Identity) -> FsError {
    let what = if (expected.dev, expected.ino, expected.kind) == (now.dev, now.ino, now.kind) {
        // Only the birth time differs: the inode number was reused.
        format!(
            "was {}; now another one with the same inode number, created since",
            expected.describe()
        )
    } else {
        format!("was {}; now {}", expected.describe(), now.describe())
    };
    sys::refuse(
        Op::Identity,
        path,
        io::ErrorKind::Other,
        format!("changed since it was shown: {what}"),
    )
}

/// The re-check relative to a handle of the parent: `statx(dir, name)`
/// without following, compared with `expected`.
pub(crate) fn check_at(
    dir: BorrowedFd<'_>,
    name: &CStr,
    path: &Path,
    expected: Identity,
) -> Result<Node, FsError> {
    match sys::node_at(dir, name) {
        Ok(node) => check_node(path, expected, &node).map(|()| node),
        Err(Errno::NOENT) => Err(gone(path)),
        Err(e) => Err(sys::errno(Op::Identity, path, e)),
    }
}

/// An entry found by path and re-checked against the identity that was
/// shown, relative to a handle of its parent (kept open, so the action goes on
/// relative to the same directory). The first step of chmod, of a removal and
/// of a count.
pub(crate) struct Checked {
    /// The path, split.
    pub located: Located,
    /// A handle of the directory holding the entry.
    pub parent: OwnedFd,
    /// The entry as the re-check read it.
    pub node: Node,
    expected: Identity,
}

impl Checked {
    /// Splits `path`, opens its parent and re-checks the entry in it.
    pub(crate) fn by_path(path: &Path, expected: Identity, op: Op) -> Result<Self, FsError> {
        let located = Located::new(path, op)?;
        let parent = located.open_parent(op)?;
        let node = check_at(parent.as_fd(), &located.name, &located.path, expected)?;
        Ok(Checked { located, parent, node, expected })
    }

    /// Re-checks the entry once more on a handle opened from it (the
    /// directory a walk is about to read): the same object, or a refusal.
    pub(crate) fn recheck(&self, fd: BorrowedFd<'_>) -> Result<Node, FsError> {
        let path = &self.located.path;
        let node = sys::node_of(fd).map_err(|e| sys::errno(Op::Stat, path, e))?;
        check_node(path, self.expected, &node)?;
        Ok(node)
    }
}

/// Re-checks, on the disk, every directory from the scan root down to the
/// parent of `path` against the identities they were shown with (`parents`,
/// root first, as [`crate::model::Tree`] read them; `None` is not checked):
/// the root is opened by its path, each directory below it by name relative
/// to the one above (`O_PATH | O_NOFOLLOW`, so a symlink in its place is
/// refused). A parent renamed away and another directory moved into its
/// place, which would lead an action to another name of the same
/// hard-linked file, is refused as "changed since it was shown".
pub fn check_parents(path: &Path, parents: &[Option<Identity>]) -> Result<(), FsError> {
    let Some(_) = parents.first() else { return Ok(()) };
    let located = Located::new(path, Op::Identity)?;
    // The names below the root, deepest last, split off the parent's path
    // (the tree's names are single components; the root's is its path).
    let mut prefix = sys::bytes(&located.parent).to_vec();
    let mut names = Vec::with_capacity(parents.len() - 1);
    for _ in 1..parents.len() {
        while prefix.len() > 1 && prefix.ends_with(b"/") {
            prefix.pop();
        }
        let Some(slash) = prefix.iter().rposition(|&b| b == b'/') else {
            return Err(sys::refuse(
                Op::Identity,
                &located.path,
                io::ErrorKind::InvalidInput,
                "its path does not match the directories it was shown under",
            ));
        };
        names.push(prefix.split_off(slash + 1));
        if slash == 0 {
            prefix.truncate(1);
        } else {
            prefix.truncate(slash);
        }
    }
    names.reverse();
    let mut at = std::path::PathBuf::from(sys::os(&prefix));
    let mut fd = sys::open_dir_path(&at).map_err(|e| dir_error(&at, e))?;
    check_dir(fd.as_fd(), &at, parents[0])?;
    for (name, expected) in names.iter().zip(&parents[1..]) {
        at = sys::join(&at, name);
        let c_name = std::ffi::CString::new(name.as_slice()).map_err(|_| {
            sys::refuse(Op::Identity, &at, io::ErrorKind::InvalidInput, "a NUL byte in a name")
        })?;
        fd = open_path_at(fd.as_fd(), &c_name).map_err(|e| dir_error(&at, e))?;
        check_dir(fd.as_fd(), &at, *expected)?;
    }
    Ok(())
}

/// Re-checks the directory `dir` itself and every one above it up to the
/// scan root against `chain` (root first, `dir`'s own identity last): what
/// a paste writes into. [`check_parents`] checks the parents of a path, so
/// it is given a name inside `dir`; the name is only split off, never
/// opened.
pub fn check_dir_chain(dir: &Path, chain: &[Option<Identity>]) -> Result<(), FsError> {
    check_parents(&dir.join("entry"), chain)
}

/// The identities of every directory from `/` down to the parent of
/// `path`, read now, each opened relative to the one above as a location
/// only (never through a symlink): what an undo record keeps of the path
/// its action used, for [`check_parents`] to re-check before the undo acts.
/// `None` for a directory that could not be opened (and every one below
/// it); empty for a relative or unnormalized path (nothing to check).
pub fn dir_chain(path: &Path) -> Vec<Option<Identity>> {
    use std::os::unix::ffi::OsStrExt;
    use std::path::Component;
    let Some(parent) = path.parent().filter(|p| p.is_absolute()) else { return Vec::new() };
    let identity = |fd: &Option<OwnedFd>| {
        fd.as_ref().and_then(|fd| sys::node_of(fd.as_fd()).ok()).map(|n| n.identity())
    };
    let mut fd = open_path_at(rustix::fs::CWD, c"/").ok();
    let mut chain = vec![identity(&fd)];
    for part in parent.components() {
        let name = match part {
            Component::RootDir => continue,
            Component::Normal(name) => name,
            _ => return Vec::new(),
        };
        fd = fd.as_ref().and_then(|dir| {
            let c_name = std::ffi::CString::new(name.as_bytes()).ok()?;
            open_path_at(dir.as_fd(), &c_name).ok()
        });
        chain.push(identity(&fd));
    }
    chain
}

/// Opens `name` in `dir` as a location only (`O_PATH`: no read permission
/// needed), refusing a symlink or anything not a directory.
fn open_path_at(dir: BorrowedFd<'_>, name: &CStr) -> Result<OwnedFd, Errno> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    rustix::fs::openat(dir, name, flags, Mode::empty())
}

/// A directory on the way that is gone or no longer a directory.
fn dir_error(path: &Path, err: Errno) -> FsError {
    match err {
        Errno::NOENT => gone(path),
        Errno::NOTDIR | Errno::LOOP => sys::refuse(
            Op::Identity,
            path,
            io::ErrorKind::Other,
            "changed since it was shown: it is no longer a directory",
        ),
        e => sys::errno(Op::Identity, path, e),
    }
}

fn check_dir(fd: BorrowedFd<'_>, path: &Path, expected: Option<Identity>) -> Result<(), FsError> {
    let Some(expected) = expected else { return Ok(()) };
    let node = sys::node_of(fd).map_err(|e| sys::errno(Op::Stat, path, e))?;
    check_node(path, expected, &node)
}

/// `statfs` magic of overlayfs.
const OVERLAYFS_MAGIC: i64 = 0x794c_7630;
/// `statfs` magic of FUSE filesystems.
const FUSE_MAGIC: i64 = 0x6573_5546;

/// True when the filesystem holding `dir` may give an entry another
/// identity because of the action itself: overlayfs copies a lower-layer
/// entry up before it renames it (the copy has another birth time, and
/// without `xino`/file handles another inode number and device), and a
/// FUSE filesystem without stable inode numbers (no `use_ino`) numbers the
/// new name of a hard link apart from the old one.
pub(crate) fn moves_change_identity(dir: BorrowedFd<'_>) -> bool {
    // `f_type` is an i64 on x86-64, 32 bits wide on other targets.
    #[expect(clippy::useless_conversion, reason = "not the same type on every target")]
    rustix::fs::fstatfs(dir)
        .is_ok_and(|fs| matches!(i64::from(fs.f_type), OVERLAYFS_MAGIC | FUSE_MAGIC))
}

/// After a rename (or link) of the entry checked as `before` against
/// `expected`: whether `now`, read under the new name, is that entry. The
/// same device, inode, type and birth time; or, on a filesystem where the
/// move itself may change the identity ([`moves_change_identity`]), the
/// same type and size (the move was of the one name just checked, so only a
/// swap in the instant between the check and the move could differ, and it
/// would have to be of the same type and size).
pub(crate) fn same_after_move(
    dir: BorrowedFd<'_>,
    before: &Node,
    expected: Identity,
    now: &Node,
) -> bool {
    now.matches(&expected)
        || (now.kind() == expected.kind && now.size == before.size && moves_change_identity(dir))
}
