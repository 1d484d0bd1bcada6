//! When a directory's children last changed in a way a sort can see: the
//! view keeps each directory's sorted children between rebuilds of its rows
//! and sorts again only a directory whose stamps moved past the moment it
//! sorted it.
//!
//! Two stamps per directory, both values of the edit counter
//! ([`Tree::edits`]): `listed` moves when a child arrives or leaves (added,
//! removed, renamed in or out) or is renamed, or when a child's type, mode,
//! times or size are restated; `sized` moves when a child's size changes —
//! a file's own size, or a directory's total, which anything arriving,
//! leaving or changing size anywhere below it changes (every batch of a
//! scan moves the `sized` stamp of each directory above it). A name or time
//! order holds while `listed` stays; a size order while both stay.
//!
//! Every stamp set bumps the counter first, so a stamp set after the view
//! read the counter is always larger than what it read, whatever call made
//! the change.
//!
//! Memory: 8 bytes per directory. A stamp is stored as 32 bits above a
//! base; when the counter runs 2^32 past the base, the base moves up to the
//! counter and every stamp to the base (once per 4 billion changes, linear
//! in the directories): every directory then reads as changed at that
//! moment, which only sorts each one once more.

use super::node::{NO_DIR, NONE};
use super::{NodeId, Tree};

/// When a directory's children last changed, as values of [`Tree::edits`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChildStamps {
    /// The children, their names, types, modes or times.
    pub listed: u64,
    /// The sizes of the children (a directory's: its total).
    pub sized: u64,
}

impl ChildStamps {
    /// True when an order of the children sorted when [`Tree::edits`] was
    /// `at` still holds: by size when `by_size`, else by name or time.
    pub fn unchanged_since(&self, at: u64, by_size: bool) -> bool {
        self.listed <= at && (!by_size || self.sized <= at)
    }
}

/// [`ChildStamps`] as stored: offsets from `Tree::stamp_base`.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Stored {
    listed: u32,
    sized: u32,
}

impl Tree {
    /// The stamps of a live directory, `None` for anything else.
    pub fn child_stamps(&self, dir: NodeId) -> Option<ChildStamps> {
        if !self.is_live_dir(dir.0) {
            return None;
        }
        let stored = self.child_stamps.get(self.nodes[dir.0 as usize].dir as usize)?;
        let base = self.stamp_base;
        Some(ChildStamps {
            listed: base + u64::from(stored.listed),
            sized: base + u64::from(stored.sized),
        })
    }

    /// A number for the live directory `dir`, distinct from every other
    /// directory's, never reused, and below the count of directories the
    /// tree ever held: an index for tables kept beside the tree.
    pub fn dir_number(&self, dir: NodeId) -> Option<u32> {
        self.is_live_dir(dir.0).then(|| self.nodes[dir.0 as usize].dir)
    }

    /// The stamps of a directory added now.
    pub(super) fn new_stamps(&mut self) -> Stored {
        let now = self.stamp_now();
        Stored { listed: now, sized: now }
    }

    /// The children of directory node `dir` changed (no-op for `NONE` or a
    /// non-directory).
    pub(super) fn touch_listed(&mut self, dir: u32) {
        let now = self.stamp_now();
        if let Some(stamps) = self.stamps_mut(dir) {
            stamps.listed = now;
        }
    }

    /// The size of a child of directory node `dir` changed.
    pub(super) fn touch_sized(&mut self, dir: u32) {
        let now = self.stamp_now();
        if let Some(stamps) = self.stamps_mut(dir) {
            stamps.sized = now;
        }
    }

    /// The size of `from` changed, and with it the totals of every
    /// directory above it: each one's parent has a child of another size.
    pub(super) fn sizes_changed_above(&mut self, from: u32) {
        let mut cursor = from;
        while cursor != NONE {
            let parent = self.nodes[cursor as usize].parent;
            self.touch_sized(parent);
            cursor = parent;
        }
    }

    /// Bumps the edit counter and returns it as a stored stamp.
    fn stamp_now(&mut self) -> u32 {
        self.edits += 1;
        if let Ok(offset) = u32::try_from(self.edits - self.stamp_base) {
            return offset;
        }
        self.stamp_base = self.edits;
        for i in 0..self.child_stamps.len() {
            self.child_stamps[i] = Stored::default();
        }
        0
    }

    fn stamps_mut(&mut self, dir: u32) -> Option<&mut Stored> {
        let index = self.nodes.get(dir as usize)?.dir;
        if index == NO_DIR {
            return None;
        }
        self.child_stamps.get_mut(index as usize)
    }
}
