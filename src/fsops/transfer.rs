//! The moving half of a paste: a rename on one filesystem
//! (`RENAME_NOREPLACE`, checked afterwards), putting a finished copy under its
//! name (or exchanging it with the entry it overwrites), and, after a copy
//! across filesystems, removing from the source only what was verified in the
//! target.

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rustix::fs::{AtFlags, RenameFlags};
use rustix::io::Errno;

use super::copy::Verified;
use super::identity;
use super::sys::{self, Node};
use super::walk::{self, Fail, Here, Seen, Visitor, WalkLog};
use crate::error::{FsError, Op};
use crate::model::Identity;
use crate::model::mode::FileKind;

/// A name no one else uses, for an entry being built or set aside.
pub(crate) fn hidden_name() -> CString {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    CString::new(format!(".statree-paste-{}-{n}", std::process::id())).expect("no NUL")
}

/// Removes what a paste left under a hidden name in `dest` (a partial copy,
/// or the entry an overwrite replaced), never following anything.
pub(crate) fn discard(dest: BorrowedFd<'_>, hidden: &CStr, path: &Path) {
    if let Ok(node) = sys::node_at(dest, hidden) {
        let never = AtomicBool::new(false);
        let _ = super::remove_permanently(path, node.identity(), &never, &|_| {});
    }
}

fn rename_error(path: &Path, e: Errno) -> FsError {
    match e {
        Errno::EXIST | Errno::NOTEMPTY => sys::refuse(
            Op::Rename,
            path,
            io::ErrorKind::AlreadyExists,
            "appeared in the meantime (statree never replaces an entry it was not told to)",
        ),
        e => sys::errno(Op::Rename, path, e),
    }
}

/// Gives the finished entry `hidden` in `dest` its `name`: a rename that
/// never replaces, or, with `replace`, an exchange with that entry (still the
/// one the user chose to overwrite), which then has the hidden name.
pub(crate) fn settle(
    dest: BorrowedFd<'_>,
    hidden: &CStr,
    name: &CStr,
    to: &Path,
    replace: Option<&Node>,
) -> Result<(), FsError> {
    let Some(old) = replace else {
        return rustix::fs::renameat_with(dest, hidden, dest, name, RenameFlags::NOREPLACE)
            .map_err(|e| rename_error(to, e));
    };
    identity::check_at(dest, name, to, old.identity())?;
    rustix::fs::renameat_with(dest, hidden, dest, name, RenameFlags::EXCHANGE)
        .map_err(|e| sys::errno(Op::Rename, to, e))?;
    match sys::node_at(dest, hidden) {
        Ok(now) if now.same_object(old) => Ok(()),
        Ok(now) => {
            // Replaced between the check and the exchange: undo it.
            let _ = rustix::fs::renameat_with(dest, hidden, dest, name, RenameFlags::EXCHANGE);
            Err(identity::changed(to, old.identity(), now.identity()))
        }
        Err(e) => Err(sys::errno(Op::Stat, to, e)),
    }
}

/// Moves `src_parent/src_name` (still `expected`) to `dest/name` on the same
/// filesystem, never replacing anything unless `replace` names the entry to
/// overwrite (which is then removed). Returns the identity in place. An
/// `EXDEV` error means "copy instead".
#[allow(clippy::too_many_arguments)]
pub(crate) fn rename_into(
    src_parent: BorrowedFd<'_>,
    src_name: &CStr,
    src_path: &Path,
    expected: Identity,
    dest: BorrowedFd<'_>,
    name: &CStr,
    to: &Path,
    replace: Option<&Node>,
) -> Result<Identity, FsError> {
    let hidden = hidden_name();
    let step = if replace.is_some() { hidden.as_c_str() } else { name };
    rustix::fs::renameat_with(src_parent, src_name, dest, step, RenameFlags::NOREPLACE).map_err(
        |e| {
            if e == Errno::XDEV { sys::errno(Op::Rename, src_path, e) } else { rename_error(to, e) }
        },
    )?;
    let back = || {
        let _ = rustix::fs::renameat_with(dest, step, src_parent, src_name, RenameFlags::NOREPLACE);
    };
    // What moved must be what was checked.
    match sys::node_at(dest, step) {
        Ok(node) if node.matches(&expected) => {}
        Ok(node) => {
            back();
            return Err(identity::changed(src_path, expected, node.identity()));
        }
        Err(e) => return Err(sys::errno(Op::Stat, to, e)),
    }
    if replace.is_some() {
        if let Err(e) = settle(dest, &hidden, name, to, replace) {
            back();
            return Err(e);
        }
        discard(dest, &hidden, &sys::join(to.parent().unwrap_or(to), hidden.to_bytes()));
    }
    Ok(expected)
}

/// After a copy across filesystems: removes `parent/name` and what is below
/// it, but only entries verified in the target (same type and size, per
/// `verified`) and directories left empty. Returns whether all of it went,
/// and the entries kept with why.
pub(crate) fn remove_verified(
    parent: BorrowedFd<'_>,
    name: &CStr,
    path: &Path,
    node: &Node,
    verified: &Verified,
    cancel: &AtomicBool,
) -> (bool, Vec<FsError>) {
    let mut remover = VerifiedRemover { verified };
    let at = Here::parent_of(path.parent().unwrap_or(path));
    if node.kind() != FileKind::Dir {
        return match identity::check_at(parent, name, path, node.identity()) {
            Ok(now) => match remover.non_dir(parent, name, &now, &at) {
                Ok(_) => (true, Vec::new()),
                Err((op, source)) => {
                    (false, vec![FsError { op, path: path.to_path_buf(), source }])
                }
            },
            Err(e) => (false, vec![e]),
        };
    }
    let fd = match sys::open_dir_at(parent, name) {
        Ok(fd) => fd,
        Err(e) => return (false, vec![sys::explain_open_error(parent, name, path, Op::Remove, e)]),
    };
    let now = match sys::node_of(fd.as_fd()) {
        Ok(now) if now.same_object(node) => now,
        Ok(now) => return (false, vec![identity::changed(path, node.identity(), now.identity())]),
        Err(e) => return (false, vec![sys::errno(Op::Stat, path, e)]),
    };
    let mut log = WalkLog::default();
    let (fd, kept) = walk::walk(fd, now, path, &mut remover, cancel, &|_| {}, &mut log);
    let mut whole = !kept && log.errors.is_empty() && log.mounts.is_empty() && !log.cancelled;
    if let Some(fd) = fd
        && !kept
        && let Err((op, source)) = remover.leave(parent, name, fd, &now, kept, &at)
    {
        whole = false;
        log.errors.push(FsError { op, path: path.to_path_buf(), source });
    }
    for mount in log.mounts {
        log.errors.push(sys::refuse(
            Op::Remove,
            mount,
            io::ErrorKind::ResourceBusy,
            "a mount point inside the source; left in place",
        ));
    }
    (whole, log.errors)
}

/// Removes what the copy verified; keeps (and reports) the rest.
struct VerifiedRemover<'a> {
    verified: &'a Verified,
}

impl Visitor for VerifiedRemover<'_> {
    fn non_dir(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &CStr,
        node: &Node,
        _at: &Here<'_>,
    ) -> Result<Seen, Fail> {
        let key = (node.dev, node.ino);
        let size = if node.kind() == FileKind::Dir { 0 } else { node.size };
        if self.verified.get(&key) != Some(&(node.kind(), size)) {
            return Err((
                Op::Remove,
                io::Error::other(
                    "not verified in the target (new or changed since the copy); left in place",
                ),
            ));
        }
        match rustix::fs::unlinkat(dir, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => Ok(Seen::Done),
            Err(Errno::ISDIR) => Ok(Seen::IsDir),
            Err(e) => Err(walk::fail(Op::Remove, e)),
        }
    }

    fn leave(
        &mut self,
        parent: BorrowedFd<'_>,
        name: &CStr,
        fd: OwnedFd,
        node: &Node,
        kept: bool,
        _at: &Here<'_>,
    ) -> Result<(), Fail> {
        drop(fd);
        if kept {
            return Ok(());
        }
        // Only an empty directory goes: its entries all went above.
        walk::remove_emptied_dir(parent, name, node, "moved").map(|_| ())
    }
}
