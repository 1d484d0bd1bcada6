//! Hard links among everything one paste copies, like `cp -a a/f b/g dest/`:
//! the first name of a multi-link file is copied, each later name (in the
//! same pasted entry or in another one, at any depth, in a merge too) is
//! linked to that copy.
//!
//! Each pasted entry is built under a hidden name and renamed when done, and
//! a merge builds its entries in directories below the paste's target. So a
//! first copy is recorded as (the pasted entry it is in, its path inside it),
//! and each pasted entry's place relative to the paste's target directory is
//! kept up to date as it is renamed. A later name reaches the first copy
//! from the target directory one component at a time (`O_NOFOLLOW`, never
//! through a symlink), checks it is still the inode the copy made, links,
//! and checks the new name is that inode; anything else copies the data.

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::fs::AtFlags;

use crate::fsops::sys;
use crate::scan::{EntryStat, Timespec};

/// Where the first copy of a multi-link source file is.
struct FirstCopy {
    /// The pasted entry it is in (an index into [`Links::roots`]).
    root: usize,
    /// Its path inside that entry: empty for the entry itself, else
    /// `/name/name…`.
    rest: Vec<u8>,
    /// The copy's device and inode.
    copy: (u64, u64),
    /// The source's birth time: an inode number freed and used again since
    /// (a move removes the names it moved) is not the same file.
    born: Option<Timespec>,
}

/// The hard-link bookkeeping of one paste.
pub(super) struct Links<'a> {
    /// The paste's target directory.
    top: BorrowedFd<'a>,
    /// Each pasted entry's path relative to `top` (hidden while built);
    /// `None` once it was removed (a failure or a cancel).
    roots: Vec<Option<Vec<u8>>>,
    /// Source (device, inode) → its first copy.
    first: HashMap<(u64, u64), FirstCopy>,
}

impl<'a> Links<'a> {
    pub(super) fn new(top: BorrowedFd<'a>) -> Self {
        Links { top, roots: Vec::new(), first: HashMap::new() }
    }

    /// A pasted entry about to be built at `at` (relative to the target
    /// directory); returns its number.
    pub(super) fn begin(&mut self, at: Vec<u8>) -> usize {
        self.roots.push(Some(at));
        self.roots.len() - 1
    }

    /// The pasted entry `root` is now at `at`, or gone (`None`).
    pub(super) fn moved(&mut self, root: usize, at: Option<Vec<u8>>) {
        if let Some(slot) = self.roots.get_mut(root) {
            *slot = at;
        }
    }

    /// Makes `dst_dir/dst_name` another name of the copy of `stat`'s file,
    /// if one was made by this paste and is still where it was put. False
    /// when the data is to be copied instead.
    pub(super) fn link(
        &self,
        stat: &EntryStat,
        born: Option<Timespec>,
        dst_dir: BorrowedFd<'_>,
        dst_name: &CStr,
    ) -> bool {
        let Some(first) = self.first.get(&(stat.dev, stat.ino)) else { return false };
        // Without a birth time, only a file that still has several names
        // counts as the one recorded.
        if first.born != born || (born.is_none() && stat.nlink < 2) {
            return false;
        }
        let Some(Some(root)) = self.roots.get(first.root) else { return false };
        let mut path = root.clone();
        path.extend_from_slice(&first.rest);
        let Some((dir, name)) = self.reach(&path) else { return false };
        let is_copy = |dir: BorrowedFd<'_>, name: &CStr| {
            sys::node_at(dir, name).is_ok_and(|n| (n.dev, n.ino) == first.copy)
        };
        if !is_copy(dir.as_fd(), &name) {
            return false;
        }
        if rustix::fs::linkat(dir.as_fd(), &name, dst_dir, dst_name, AtFlags::empty()).is_err() {
            return false;
        }
        if is_copy(dst_dir, dst_name) {
            return true;
        }
        // Swapped between the check and the link: not ours to keep.
        let _ = rustix::fs::unlinkat(dst_dir, dst_name, AtFlags::empty());
        false
    }

    /// Records `dst_dir/dst_name`, just made at `rest` inside the pasted
    /// entry `root`, as the first copy of `stat`'s file.
    pub(super) fn record(
        &mut self,
        stat: &EntryStat,
        born: Option<Timespec>,
        root: usize,
        rest: &[u8],
        dst_dir: BorrowedFd<'_>,
        dst_name: &CStr,
    ) {
        let Ok(copy) = sys::node_at(dst_dir, dst_name) else { return };
        let first = FirstCopy { root, rest: rest.to_vec(), copy: (copy.dev, copy.ino), born };
        self.first.insert((stat.dev, stat.ino), first);
    }

    /// Opens the directory holding `path` (relative to the target
    /// directory) one component at a time, never following a symlink;
    /// returns it and the last name.
    fn reach(&self, path: &[u8]) -> Option<(OwnedFd, CString)> {
        let mut parts = path.split(|&b| b == b'/').filter(|p| !p.is_empty());
        let mut last = CString::new(parts.next()?).ok()?;
        let mut dir = rustix::io::dup(self.top).ok()?;
        for part in parts {
            dir = sys::open_dir_at(dir.as_fd(), &last).ok()?;
            last = CString::new(part).ok()?;
        }
        Some((dir, last))
    }
}
