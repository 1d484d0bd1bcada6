//! When each directory's children were read: the directory's own mtime and
//! ctime at that moment. A fresh `lstat` of the directory that differs says
//! entries were added, removed or renamed in it since (or its inode was
//! touched), so what the tree holds below it may be stale.
//!
//! A stamp is set when the directory's entry is inserted (by the walk that
//! is about to read it, or by an edit) and when a re-scan of it reads it
//! again; a restat of the directory (the watcher saw it change) leaves the
//! stamp alone, since its children were not read then.

use super::{NodeId, Tree};
use crate::scan::{EntryStat, Timespec};

/// A directory's modification and status-change times when its children were
/// read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirStamp {
    mtime: Timespec,
    ctime: Timespec,
}

impl DirStamp {
    /// The stamp of a directory with this `lstat`.
    pub fn of(stat: &EntryStat) -> Self {
        DirStamp { mtime: stat.mtime, ctime: stat.ctime }
    }
}

impl Tree {
    /// The stamp of a live directory, `None` for anything else.
    pub fn dir_stamp(&self, dir: NodeId) -> Option<DirStamp> {
        if !self.is_live_dir(dir.0) {
            return None;
        }
        self.dir_stamps.get(self.nodes[dir.0 as usize].dir as usize).copied()
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
        fresh.kind() == crate::model::FileKind::Dir
            && self.dir_stamp(dir).is_some_and(|stamp| stamp != DirStamp::of(fresh))
    }
}
