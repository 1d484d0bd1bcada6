//! Renaming many entries of one directory at once, as a batch that either
//! happens whole or not at all.
//!
//! Every check comes before the first rename: each new name is a valid name
//! (not empty, no `/`, no NUL, not `.` or `..`, at most 255 bytes), no two
//! entries get the same new name, no new name is taken by an entry outside the
//! batch, and each source is still the entry that was shown (device, inode,
//! type). Then each renamed entry is moved to a temporary name in the same
//! directory and from there to its new name, both with
//! `renameat2(RENAME_NOREPLACE)`: so swaps and cycles (`a → b`, `b → a`) need
//! no order and nothing is ever replaced. A failure midway moves back what
//! was done, last first.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::{Path, PathBuf};

use rustix::fs::RenameFlags;
use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::model::Identity;
use crate::sanitize;

use super::identity;
use super::sys;

/// One entry of a batch: its name now, the name it gets, its identity as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkItem {
    /// The name now.
    pub from: Vec<u8>,
    /// The new name (equal to `from`: left alone).
    pub to: Vec<u8>,
    /// The entry as shown.
    pub identity: Identity,
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkReport {
    /// The renames done, `(old name, new name)`, in the batch's order.
    pub renamed: Vec<(Vec<u8>, Vec<u8>)>,
}

/// A batch that failed midway: why, and whether moving back worked.
#[derive(Debug)]
pub struct BulkFailure {
    /// The failure that stopped the batch.
    pub error: FsError,
    /// Renames that were done and moved back (the batch left no trace).
    pub rolled_back: usize,
    /// Renames that could not be moved back: `(path now, path it had)`.
    pub stranded: Vec<(PathBuf, PathBuf)>,
}

/// Checks the batch without touching anything (the refusals a preview shows):
/// names, duplicates. Returns the first problem.
pub fn check_names(dir: &Path, items: &[BulkItem]) -> Result<(), FsError> {
    let mut seen = std::collections::HashSet::new();
    for item in items {
        let path = sys::join(dir, &item.to);
        sys::validate_component(&item.to).map_err(|m| {
            sys::refuse(
                Op::Rename,
                sys::join(dir, &item.from),
                io::ErrorKind::InvalidInput,
                format!("new name \"{}\": {m}", sanitize::bytes(&item.to)),
            )
        })?;
        if !seen.insert(item.to.as_slice()) {
            return Err(sys::refuse(
                Op::Rename,
                path,
                io::ErrorKind::InvalidInput,
                "is the new name of two entries",
            ));
        }
    }
    Ok(())
}

/// Renames the batch in `dir`. Nothing is renamed unless every check passes;
/// a failure after the first rename moves everything back.
pub fn bulk_rename(dir: &Path, items: &[BulkItem]) -> Result<BulkReport, BulkFailure> {
    let whole = |error| BulkFailure { error, rolled_back: 0, stranded: Vec::new() };
    check_names(dir, items).map_err(whole)?;
    let fd = sys::open_dir_path(dir).map_err(|e| whole(sys::errno(Op::OpenDir, dir, e)))?;
    let dir_fd = fd.as_fd();
    let moving: Vec<&BulkItem> = items.iter().filter(|i| i.from != i.to).collect();
    let c = |raw: &[u8]| CString::new(raw).expect("validated: no NUL");
    for item in &moving {
        let from = sys::join(dir, &item.from);
        sys::validate_component(&item.from)
            .map_err(|m| whole(sys::refuse(Op::Rename, &from, io::ErrorKind::InvalidInput, m)))?;
        identity::check_at(dir_fd, &c(&item.from), &from, item.identity).map_err(whole)?;
    }
    for item in &moving {
        // A new name that is not freed by the batch itself must be free now.
        if moving.iter().any(|other| other.from == item.to) {
            continue;
        }
        let to = sys::join(dir, &item.to);
        match sys::node_at(dir_fd, &c(&item.to)) {
            Err(Errno::NOENT) => {}
            Ok(node) => {
                return Err(whole(sys::refuse(
                    Op::Rename,
                    to,
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "already exists (a {} outside the batch; statree never replaces an entry)",
                        node.kind().describe()
                    ),
                )));
            }
            Err(e) => return Err(whole(sys::errno(Op::Stat, to, e))),
        }
    }
    apply(dir, dir_fd, &moving)
}

/// The two passes: every source to a temporary name, then every temporary
/// name to its new name. `done` lists the steps made, for the way back.
fn apply(dir: &Path, fd: BorrowedFd<'_>, moving: &[&BulkItem]) -> Result<BulkReport, BulkFailure> {
    let tag = format!(".statree-bulk-{}-", std::process::id());
    let mut done: Vec<(CString, CString)> = Vec::new();
    let mut temps = Vec::with_capacity(moving.len());
    let c = |raw: &[u8]| CString::new(raw).expect("validated: no NUL");
    for (n, item) in moving.iter().enumerate() {
        let temp = free_temp(fd, &tag, n);
        let from = c(&item.from);
        if let Err(e) = step(fd, &from, &temp, item.identity, dir) {
            return Err(roll_back(dir, fd, done, e));
        }
        done.push((from, temp.clone()));
        temps.push(temp);
    }
    for (item, temp) in moving.iter().zip(&temps) {
        let to = c(&item.to);
        if let Err(e) = step(fd, temp, &to, item.identity, dir) {
            return Err(roll_back(dir, fd, done, e));
        }
        done.push((temp.clone(), to));
    }
    Ok(BulkReport { renamed: moving.iter().map(|i| (i.from.clone(), i.to.clone())).collect() })
}

/// A temporary name not in use (`RENAME_NOREPLACE` refuses it anyway if
/// something takes it in between).
fn free_temp(fd: BorrowedFd<'_>, tag: &str, n: usize) -> CString {
    let mut k = 0usize;
    loop {
        let name = CString::new(format!("{tag}{n}-{k}")).expect("no NUL");
        if sys::node_at(fd, &name) == Err(Errno::NOENT) {
            return name;
        }
        k += 1;
    }
}

/// One rename without replacing, then the check that what moved is the entry
/// that was shown (a swap in between is put back and refused).
fn step(
    fd: BorrowedFd<'_>,
    from: &CString,
    to: &CString,
    expected: Identity,
    dir: &Path,
) -> Result<(), FsError> {
    let from_path = sys::join(dir, from.to_bytes());
    let to_path = sys::join(dir, to.to_bytes());
    match rustix::fs::renameat_with(fd, from, fd, to, RenameFlags::NOREPLACE) {
        Ok(()) => {}
        Err(Errno::EXIST) | Err(Errno::NOTEMPTY) => {
            return Err(sys::refuse(
                Op::Rename,
                to_path,
                io::ErrorKind::AlreadyExists,
                "already exists (statree never replaces an entry)",
            ));
        }
        Err(Errno::INVAL) | Err(Errno::NOSYS) | Err(Errno::OPNOTSUPP) => {
            return Err(sys::refuse(
                Op::Rename,
                from_path,
                io::ErrorKind::Unsupported,
                "this filesystem cannot rename without risking to replace an entry (no \
                 RENAME_NOREPLACE): a batch rename is refused there",
            ));
        }
        Err(e) => return Err(sys::errno(Op::Rename, from_path, e)),
    }
    match sys::node_at(fd, to) {
        Ok(node) if node.matches(&expected) => Ok(()),
        Ok(node) => {
            let _ = rustix::fs::renameat_with(fd, to, fd, from, RenameFlags::NOREPLACE);
            Err(identity::changed(&from_path, expected, node.identity()))
        }
        Err(e) => Err(sys::errno(Op::Stat, to_path, e)),
    }
}

/// Moves back the steps done, last first.
fn roll_back(
    dir: &Path,
    fd: BorrowedFd<'_>,
    done: Vec<(CString, CString)>,
    error: FsError,
) -> BulkFailure {
    let mut stranded = Vec::new();
    let total = done.len();
    for (from, to) in done.into_iter().rev() {
        if rustix::fs::renameat_with(fd, &to, fd, &from, RenameFlags::NOREPLACE).is_err() {
            stranded.push((sys::join(dir, to.to_bytes()), sys::join(dir, from.to_bytes())));
        }
    }
    BulkFailure { error, rolled_back: total - stranded.len(), stranded }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failure in the second pass (here: the entry found under a
    /// temporary name is not the one shown) moves every step back.
    #[test]
    fn a_failure_midway_moves_everything_back() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::write(d.join("a"), b"A").unwrap();
        std::fs::write(d.join("b"), b"B").unwrap();
        let a = Identity::read(&d.join("a")).unwrap();
        let items = [
            BulkItem { from: b"a".to_vec(), to: b"b".to_vec(), identity: a },
            // `b` said to be `a`: its own step fails after the rename.
            BulkItem { from: b"b".to_vec(), to: b"a".to_vec(), identity: a },
        ];
        let fd = sys::open_dir_path(d).unwrap();
        let moving: Vec<&BulkItem> = items.iter().collect();
        let failure = apply(d, fd.as_fd(), &moving).unwrap_err();
        assert_eq!(failure.rolled_back, 1, "{failure:?}");
        assert!(failure.stranded.is_empty());
        assert_eq!(std::fs::read(d.join("a")).unwrap(), b"A");
        assert_eq!(std::fs::read(d.join("b")).unwrap(), b"B");
        assert_eq!(std::fs::read_dir(d).unwrap().count(), 2, "no temporary name left");
    }
}
