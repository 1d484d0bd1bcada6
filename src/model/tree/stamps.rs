//! When each directory's children were read: the directory's own mtime and
//! ctime at that moment. A fresh `lstat` of the directory that differs says
//! entries were added, removed or renamed in it since (or its inode was
//! touched), so what the tree holds below it may be stale.
//!
//! A stamp is set when the directory's entry is inserted (by the walk that
//! is about to read it, or by an edit) and when a re-scan of it reads it
//! again; a restat of the directory (the watcher saw it change) leaves the
//! stamp alone, since its children were not read then.
//!
//! The stamp also keeps the directory's device and inode: the one identity
//! a row of a directory can be checked against before an action acts on it
//! or on anything below it (a node stores no inode numbers of its own).

use super::{NodeId, Tree};
use crate::model::{FileKind, Identity};
use crate::scan::{EntryStat, Timespec};

/// A directory's modification and status-change times when its children were
/// read (as one 64-bit digest: only their equality is ever asked), and its
/// device and inode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirStamp {
    times: u64,
    dev: u64,
    /// 0 when the directory had no `lstat` (not known).
    ino: u64,
}

impl DirStamp {
    /// The stamp of a directory with this `lstat`.
    pub fn of(stat: &EntryStat) -> Self {
        DirStamp { times: digest(stat.mtime, stat.ctime), dev: stat.dev, ino: stat.ino }
    }
}

/// Both times in 64 bits (SipHash with fixed keys: the same on every run).
/// Two different pairs giving the same digest is a 1 in 2^64 chance, and
/// would only make a changed directory look unchanged until it is read.
fn digest(mtime: Timespec, ctime: Timespec) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    (mtime.sec, mtime.nsec, ctime.sec, ctime.nsec).hash(&mut hasher);
    hasher.finish()
}

impl Tree {
    /// The stamp of a live directory, `None` for anything else.
    pub fn dir_stamp(&self, dir: NodeId) -> Option<DirStamp> {
        if !self.is_live_dir(dir.0) {
            return None;
        }
        self.dir_stamps.get(self.nodes[dir.0 as usize].dir as usize).copied()
    }

    /// The identity (device, inode, type) of the directory the live node
    /// `dir` shows, as it was read with its children; `None` for anything
    /// else, or when it was never read.
    pub fn dir_identity(&self, dir: NodeId) -> Option<Identity> {
        let stamp = self.dir_stamp(dir)?;
        (stamp.ino != 0).then_some(Identity {
            dev: stamp.dev,
            ino: stamp.ino,
            kind: FileKind::Dir,
            birth: None,
        })
    }

    /// Records that `dir`'s children were read while it had this `lstat`.
    pub fn set_dir_stamp(&mut self, dir: NodeId, stat: &EntryStat) {
        if !self.is_live_dir(dir.0) {
            return;
        }
        let index = self.nodes[dir.0 as usize].dir as usize;
        if let Some(stamp) = self.dir_stamps.get_mut(index) {
            *stamp = DirStamp::of(stat);
        }
    }

    /// Whether a fresh `lstat` of the directory `dir` says its children
    /// changed since they were read (false for anything not a live
    /// directory, and for a fresh stat that is not a directory's).
    pub fn is_stale_dir(&self, dir: NodeId, fresh: &EntryStat) -> bool {
        fresh.kind() == FileKind::Dir
            && self.dir_stamp(dir).is_some_and(|stamp| stamp != DirStamp::of(fresh))
    }
}
