//! Renaming and moving within a directory's subtree, without ever replacing
//! an existing entry; and removing the empty directories a move left behind.

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, RenameFlags};
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::Identity;
use crate::model::mode::FileKind;
use crate::sanitize;

use super::identity;
use super::sys::{self, Chain, Located, Node, Relative};

/// A rename done: where the entry is now, and the directories it created on
/// the way (top-down), each with the identity it had when the entry went in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// The new path.
    pub path: PathBuf,
    /// The directories made for a `new_name` with `/` in it, top-down.
    pub created: Vec<(PathBuf, Identity)>,
}

/// Renames `old_name` in the directory `dir` to `new_name` after checking it
/// is still `expected`, and returns the new path (see [`rename_creating`]).
pub fn rename(
    dir: &Path,
    expected: Identity,
    old_name: &[u8],
    new_name: &[u8],
) -> Result<PathBuf, FsError> {
    rename_creating(dir, expected, old_name, new_name).map(|done| done.path)
}

/// Renames `old_name` in the directory `dir` to `new_name` after checking it
/// is still `expected`; returns the new path and the directories made for it
/// (what an undo takes back).
///
/// `new_name` may be a relative path (`sub/dir/name`): each component is
/// validated and missing intermediate directories are created (like Python's
/// `os.renames`), but none of them may be a symlink. A trailing `/` is
/// accepted for directories only. The rename never replaces anything: it is
/// `renameat2(RENAME_NOREPLACE)`; where the filesystem lacks that flag, a
/// regular file is moved by `linkat` + `unlinkat` (the link fails when the
/// name exists) and any other type is refused. When it fails, nothing has
/// changed (directories it created are taken back).
pub fn rename_creating(
    dir: &Path,
    expected: Identity,
    old_name: &[u8],
    new_name: &[u8],
) -> Result<Renamed, FsError> {
    let old_path = sys::join(dir, old_name);
    sys::validate_component(old_name)
        .map_err(|m| sys::refuse(Op::Rename, &old_path, io::ErrorKind::InvalidInput, m))?;
    let rel = Relative::parse(new_name).map_err(|m| {
        sys::refuse(Op::Rename, sys::join(dir, new_name), io::ErrorKind::InvalidInput, m)
    })?;
    let new_path = rel.under(dir);
    if rel.trailing_slash && expected.kind != FileKind::Dir {
        return Err(sys::refuse(
            Op::Rename,
            &new_path,
            io::ErrorKind::InvalidInput,
            format!(
                "a name ending in '/' can only be given to a directory, not a {}",
                expected.kind.describe()
            ),
        ));
    }
    let old = CString::new(old_name).expect("validated: no NUL");
    let mut chain = Chain::open_base(dir, Op::Rename)?;
    let before = identity::check_at(chain.fds[0].as_fd(), &old, &old_path, expected)?;

    let (last, parents) = rel.components.split_last().expect("parse gives one component at least");
    for component in parents {
        if let Err(err) = chain.descend(component, true, Op::Rename) {
            chain.rollback();
            return Err(err);
        }
        let into_itself = expected.kind == FileKind::Dir
            && sys::node_of(chain.last()).is_ok_and(|n| n.matches(&expected));
        if into_itself {
            chain.rollback();
            return Err(sys::refuse(
                Op::Rename,
                &new_path,
                io::ErrorKind::InvalidInput,
                "cannot move a directory into itself",
            ));
        }
    }
    let result = move_entry(&chain, &old, last, (expected, &before), &old_path, &new_path);
    if result.is_err() {
        chain.rollback();
    }
    result?;
    // Read through the handles the walk holds: the directories the entry
    // went into, whatever their names lead to now.
    let created = chain
        .created_paths()
        .into_iter()
        .zip(chain.created_handles())
        .filter_map(|(path, fd)| sys::node_of(fd).ok().map(|node| (path, node.identity())))
        .collect();
    Ok(Renamed { path: new_path, created })
}

/// The move itself, from `old` in the chain's base to `new` in its last level.
fn move_entry(
    chain: &Chain,
    old: &CStr,
    new: &CStr,
    (expected, before): (Identity, &Node),
    old_path: &Path,
    new_path: &Path,
) -> Result<(), FsError> {
    let from = chain.fds[0].as_fd();
    let to = chain.last();
    match rustix::fs::renameat_with(from, old, to, new, RenameFlags::NOREPLACE) {
        Ok(()) => {}
        Err(Errno::EXIST) | Err(Errno::NOTEMPTY) => return Err(exists(new_path)),
        // No RENAME_NOREPLACE on this filesystem (or no renameat2 at all).
        Err(Errno::INVAL) | Err(Errno::NOSYS) | Err(Errno::OPNOTSUPP) => {
            if expected.kind != FileKind::File {
                return Err(sys::refuse(
                    Op::Rename,
                    old_path,
                    io::ErrorKind::Unsupported,
                    format!(
                        "this filesystem cannot rename without risking to replace an existing \
                         entry (no RENAME_NOREPLACE), so renaming a {} there is refused",
                        expected.kind.describe()
                    ),
                ));
            }
            return link_then_unlink(from, old, to, new, (expected, before), old_path, new_path);
        }
        Err(e) => return Err(sys::errno(Op::Rename, old_path, e)),
    }
    // What moved must be what was checked: a swap between the check and the
    // rename would have moved another entry. Put it back and refuse. (On
    // overlayfs the rename copied a lower-layer entry up: see
    // `same_after_move`.)
    match sys::node_at(to, new) {
        Ok(node) if identity::same_after_move(to, before, expected, &node) => Ok(()),
        Ok(node) => {
            let _ = rustix::fs::renameat_with(to, new, from, old, RenameFlags::NOREPLACE);
            Err(identity::changed(old_path, expected, node.identity()))
        }
        Err(e) => Err(sys::errno(Op::Stat, new_path, e)),
    }
}

/// The rename for filesystems without `RENAME_NOREPLACE`, regular files only:
/// a hard link under the new name (which fails when the name exists), then the
/// old name removed, each step checked against `expected`.
pub(crate) fn link_then_unlink(
    from: BorrowedFd<'_>,
    old: &CStr,
    to: BorrowedFd<'_>,
    new: &CStr,
    (expected, before): (Identity, &Node),
    old_path: &Path,
    new_path: &Path,
) -> Result<(), FsError> {
    match rustix::fs::linkat(from, old, to, new, AtFlags::empty()) {
        Ok(()) => {}
        Err(Errno::EXIST) => return Err(exists(new_path)),
        Err(e) => return Err(sys::errno(Op::Rename, old_path, e)),
    }
    let undo = || {
        let _ = rustix::fs::unlinkat(to, new, AtFlags::empty());
    };
    for (dir, name, path) in [(to, new, new_path), (from, old, old_path)] {
        match sys::node_at(dir, name) {
            // Both names must be the checked entry (on FUSE without stable
            // inode numbers, or an overlay's copy-up: see `same_after_move`).
            Ok(node) if identity::same_after_move(dir, before, expected, &node) => {}
            Ok(node) => {
                undo();
                return Err(identity::changed(path, expected, node.identity()));
            }
            Err(e) => {
                undo();
                return Err(sys::errno(Op::Stat, path, e));
            }
        }
    }
    if let Err(e) = rustix::fs::unlinkat(from, old, AtFlags::empty()) {
        undo();
        return Err(sys::errno(Op::Rename, old_path, e));
    }
    Ok(())
}

fn exists(path: &Path) -> FsError {
    sys::refuse(
        Op::Rename,
        path,
        io::ErrorKind::AlreadyExists,
        "already exists (statree never replaces an entry)",
    )
}

/// Removes `dir` if it is empty, then its parent if that is now empty, and so
/// on upwards (like Python's `os.removedirs`), stopping at the first directory
/// that is not empty or cannot be removed, and never removing `stop_at` or
/// anything above it. `dir` must be inside `stop_at`. Returns the directories
/// removed, deepest first. Only a failure on `dir` itself (other than being
/// non-empty) is an error.
pub fn removedirs(dir: &Path, stop_at: &Path) -> Result<Vec<PathBuf>, FsError> {
    if !dir.starts_with(stop_at) || dir == stop_at {
        return Err(sys::refuse(
            Op::Remove,
            dir,
            io::ErrorKind::InvalidInput,
            format!("is not inside {}", sanitize::path(stop_at)),
        ));
    }
    let mut removed = Vec::new();
    let mut current = dir.to_path_buf();
    while current.starts_with(stop_at) && current != stop_at {
        let step = Located::new(&current, Op::Remove).and_then(|located| {
            let parent = located.open_parent(Op::Remove)?;
            rustix::fs::unlinkat(parent.as_fd(), &located.name, AtFlags::REMOVEDIR)
                .map_err(|e| sys::errno(Op::Remove, &located.path, e))?;
            Ok(located)
        });
        match step {
            Ok(located) => {
                removed.push(located.path);
                current = located.parent;
            }
            Err(err) if removed.is_empty() && !is_not_empty(&err) => return Err(err),
            Err(_) => break,
        }
    }
    Ok(removed)
}

fn is_not_empty(err: &FsError) -> bool {
    let code = err.source.raw_os_error();
    code == Some(Errno::NOTEMPTY.raw_os_error()) || code == Some(Errno::EXIST.raw_os_error())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::MetadataExt;

    use super::*;
    use crate::fsops::sys::open_dir_path;

    /// The fallback for filesystems without RENAME_NOREPLACE, exercised
    /// directly (every filesystem a test can reach has the flag).
    #[test]
    fn link_fallback_never_replaces_and_moves_files() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        std::fs::write(&a, b"A").unwrap();
        std::fs::write(&b, b"B").unwrap();
        let id = Identity::read(&a).unwrap();
        let dir = open_dir_path(tmp.path()).unwrap();
        let node = sys::node_at(dir.as_fd(), c"a").unwrap();
        let id = (id, &node);
        let err = link_then_unlink(dir.as_fd(), c"a", dir.as_fd(), c"b", id, &a, &b).unwrap_err();
        assert_eq!(err.source.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(err.path, b);
        assert_eq!(std::fs::read(&a).unwrap(), b"A");
        assert_eq!(std::fs::read(&b).unwrap(), b"B");

        let c = tmp.path().join("c");
        link_then_unlink(dir.as_fd(), c"a", dir.as_fd(), c"c", id, &a, &c).unwrap();
        assert!(!a.exists());
        assert_eq!(std::fs::read(&c).unwrap(), b"A");
        assert_eq!(std::fs::metadata(&c).unwrap().nlink(), 1);

        // The wrong object under the old name: nothing changes.
        let other_node = sys::node_at(dir.as_fd(), c"b").unwrap();
        let other = (Identity::read(&b).unwrap(), &other_node);
        let d = tmp.path().join("d");
        let err =
            link_then_unlink(dir.as_fd(), c"c", dir.as_fd(), c"d", other, &c, &d).unwrap_err();
        assert_eq!(err.op, Op::Identity);
        assert!(!d.exists());
        assert!(c.exists());
    }
}
