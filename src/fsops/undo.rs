//! The filesystem side of undo: putting back what an earlier action changed,
//! but only when the entry is still exactly what that action left — the same
//! object (device, inode, type, birth time), with the mode, owner or name the
//! action gave it. Anything else is refused with the reason, and nothing
//! changes. Each step is one of the ordinary operations (chmod, chown, a
//! rename without replacing, an `unlinkat`), so it keeps their rules: no
//! symlink followed, nothing replaced.

use std::io;
use std::os::fd::AsFd;
use std::path::Path;

use rustix::fs::{AtFlags, RenameFlags};
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::Identity;
use crate::model::mode::{FileKind, PERM_MASK, octal_string};
use crate::scan::{EntryStat, Timespec};

use super::identity::{self, Checked};
use super::sys::{self, Located};
use super::{ChownOutcome, chmod, chown};

fn refuse(path: &Path, why: impl Into<String>) -> FsError {
    sys::refuse(Op::Undo, path, io::ErrorKind::Other, why.into())
}

/// The entry as it is now, if it is still `expected`; a refusal worded for
/// undo otherwise ("replaced since: …", "gone since").
fn still(path: &Path, expected: Identity) -> Result<EntryStat, FsError> {
    identity::check(path, expected).map_err(|e| {
        let why = crate::error::os_reason(&e.source).replace("changed since it was shown", "");
        let why = why.trim_start_matches(": ").to_string();
        refuse(path, format!("not what the action left: {why}"))
    })
}

/// Sets the mode of `path` back to `restore`, if it is still `expected` with
/// the mode `left` (what the chmod left). Returns the mode read back.
pub fn restore_mode(
    path: &Path,
    expected: Identity,
    left: u32,
    restore: u32,
) -> Result<u32, FsError> {
    let now = still(path, expected)?;
    if now.mode & PERM_MASK != left & PERM_MASK {
        return Err(refuse(
            path,
            format!(
                "its mode changed since: the action left {}, it is now {}",
                octal_string(left & PERM_MASK),
                octal_string(now.mode & PERM_MASK)
            ),
        ));
    }
    chmod(path, expected, restore & PERM_MASK).map(|o| o.actual)
}

/// Gives `path` its owner and group `restore` back, if it is still `expected`
/// owned by `left`; then the mode `mode_before` when the chown had cleared
/// setuid/setgid (a chown back clears them again, so they are set after it).
pub fn restore_owner(
    path: &Path,
    expected: Identity,
    left: (u32, u32),
    restore: (u32, u32),
    mode_before: u32,
) -> Result<ChownOutcome, FsError> {
    let now = still(path, expected)?;
    if (now.uid, now.gid) != left {
        return Err(refuse(
            path,
            format!(
                "its owner changed since: the action left {}:{}, it is now {}:{}",
                left.0, left.1, now.uid, now.gid
            ),
        ));
    }
    let symlink = expected.kind == FileKind::Symlink;
    let mut outcome = chown(path, expected, Some(restore.0), Some(restore.1), symlink)?;
    if !symlink && outcome.mode_after != mode_before & PERM_MASK {
        outcome.mode_after = chmod(path, expected, mode_before & PERM_MASK)?.actual;
    }
    Ok(outcome)
}

/// Moves the entry at `now` (which must still be `expected`) back to
/// `original`, without replacing anything there. Returns an error naming the
/// entry that took the original name, if one did.
pub fn move_back(now: &Path, expected: Identity, original: &Path) -> Result<(), FsError> {
    let start = Checked::by_path(now, expected, Op::Undo).map_err(|e| {
        refuse(now, format!("not what the action left: {}", crate::error::os_reason(&e.source)))
    })?;
    let target = Located::new(original, Op::Undo)?;
    let to_dir = target.open_parent(Op::Undo)?;
    let from_dir = start.parent.as_fd();
    match rustix::fs::renameat_with(
        from_dir,
        &start.located.name,
        to_dir.as_fd(),
        &target.name,
        RenameFlags::NOREPLACE,
    ) {
        Ok(()) => {}
        Err(Errno::EXIST) | Err(Errno::NOTEMPTY) => {
            return Err(refuse(original, "its old name is taken again; nothing moved back"));
        }
        Err(e) => return Err(sys::errno(Op::Undo, now, e)),
    }
    match sys::node_at(to_dir.as_fd(), &target.name) {
        Ok(node) if node.matches(&expected) => Ok(()),
        Ok(node) => {
            let _ = rustix::fs::renameat_with(
                to_dir.as_fd(),
                &target.name,
                from_dir,
                &start.located.name,
                RenameFlags::NOREPLACE,
            );
            Err(identity::changed(now, expected, node.identity()))
        }
        Err(e) => Err(sys::errno(Op::Stat, original, e)),
    }
}

/// What an action left of a file it created or copied: its size and
/// modification time, to tell whether it was written since.
pub type Stamp = (u64, Timespec);

/// The [`Stamp`] of `path` now (`None` when it cannot be read).
pub fn stamp(path: &Path) -> Option<Stamp> {
    crate::scan::statx_path(path, false).ok().map(|(st, _)| (st.size, st.mtime))
}

/// Removes an entry an action created, if it is still `expected` and, for a
/// file, unchanged since (`stamp`); a directory only when it is empty (what
/// the action put in it goes first, deepest first, by the caller).
pub fn remove_created(
    path: &Path,
    expected: Identity,
    stamp: Option<Stamp>,
) -> Result<(), FsError> {
    let now = still(path, expected)?;
    if expected.kind != FileKind::Dir
        && let Some((size, mtime)) = stamp
        && (now.size, now.mtime) != (size, mtime)
    {
        return Err(refuse(path, "written to since it was created; left in place"));
    }
    let start = Checked::by_path(path, expected, Op::Undo)?;
    let flags = if expected.kind == FileKind::Dir { AtFlags::REMOVEDIR } else { AtFlags::empty() };
    match rustix::fs::unlinkat(start.parent.as_fd(), &start.located.name, flags) {
        Ok(()) => Ok(()),
        Err(Errno::NOTEMPTY) | Err(Errno::EXIST) => {
            Err(refuse(path, "has entries the action did not create; left in place"))
        }
        Err(e) => Err(sys::errno(Op::Remove, path, e)),
    }
}

/// Puts back from the trash the entry trashed from `original`: the newest
/// trash item with that original path, if it is still `expected` (the same
/// object that was trashed) and the original name is free.
pub fn restore_trashed(original: &Path, expected: Identity) -> Result<(), FsError> {
    // The trash records the path it was given made absolute, its directory
    // possibly resolved: either form is the entry's.
    let absolute = std::path::absolute(original).unwrap_or_else(|_| original.to_path_buf());
    let resolved = absolute
        .parent()
        .and_then(|dir| std::fs::canonicalize(dir).ok())
        .zip(absolute.file_name())
        .map(|(dir, name)| dir.join(name));
    let original = absolute.as_path();
    let items = trash::os_limited::list().map_err(|e| trash_failure(original, e))?;
    let Some(item) = items
        .into_iter()
        .filter(|item| {
            let was = item.original_path();
            was == original || resolved.as_ref() == Some(&was)
        })
        .max_by_key(|item| item.time_deleted)
    else {
        return Err(refuse(original, "not in the trash any more (emptied or restored since)"));
    };
    // The trashed file itself: `<trash>/files/<name of the .trashinfo>`.
    let info = Path::new(&item.id);
    let in_trash = info
        .parent()
        .and_then(Path::parent)
        .zip(info.file_stem())
        .map(|(trash, stem)| trash.join("files").join(stem));
    if let Some(in_trash) = &in_trash
        && let Err(e) = identity::check(in_trash, expected)
    {
        return Err(refuse(
            original,
            format!(
                "the item in the trash is not the entry that was trashed: {}",
                crate::error::os_reason(&e.source)
            ),
        ));
    }
    if crate::scan::statx_path(original, false).is_ok() {
        return Err(refuse(original, "its name is taken again; left in the trash"));
    }
    trash::os_limited::restore_all([item]).map_err(|e| trash_failure(original, e))
}

fn trash_failure(path: &Path, err: trash::Error) -> FsError {
    let why = match err {
        trash::Error::RestoreCollision { .. } => {
            "its name is taken again; left in the trash".into()
        }
        trash::Error::FileSystem { path: at, source } => {
            format!("{}: {}", crate::sanitize::path(&at), crate::error::os_reason(&source))
        }
        other => other.to_string(),
    };
    refuse(path, format!("cannot restore from the trash: {why}"))
}
