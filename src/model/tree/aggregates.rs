//! The directory aggregates and the totals: what a node adds to its
//! ancestors ([`Sums`]), carried up the tree as batches arrive, and kept
//! exact while edits add, remove and move nodes.

use crate::model::mode::FileKind;

use super::node::{FLAG_ERROR, FLAG_LINK_DUP, NO_DIR, NONE};
use super::{DirInfo, NodeId, Tree};

#[derive(Default, Clone, Copy)]
pub(super) struct Sums {
    pub(super) size: u64,
    pub(super) alloc: u64,
    pub(super) entries: u64,
    pub(super) errors: u32,
}

impl Tree {
    /// Adds `n` (which may be negative) to the per-kind totals.
    pub(super) fn count_kind(&mut self, kind: FileKind, n: i64) {
        let t = &mut self.totals;
        let bump = |v: &mut u64| *v = v.saturating_add_signed(n);
        bump(&mut t.entries);
        match kind {
            FileKind::Dir => bump(&mut t.dirs),
            FileKind::File => bump(&mut t.files),
            FileKind::Symlink => bump(&mut t.symlinks),
            _ => bump(&mut t.other),
        }
    }

    /// Adds `sums` to the directory `from` and every ancestor.
    pub(super) fn propagate(&mut self, from: u32, sums: Sums) {
        if sums.size != 0 || sums.alloc != 0 {
            self.sizes_changed_above(from);
        }
        self.each_dir_up(from, |info| {
            info.total_size += sums.size;
            info.total_alloc += sums.alloc;
            info.total_entries += sums.entries;
            info.errors += sums.errors;
        });
    }

    /// Subtracts `sums` from the directory `from` and every ancestor.
    pub(super) fn unpropagate(&mut self, from: u32, sums: Sums) {
        if sums.size != 0 || sums.alloc != 0 {
            self.sizes_changed_above(from);
        }
        self.each_dir_up(from, |info| {
            info.total_size = info.total_size.saturating_sub(sums.size);
            info.total_alloc = info.total_alloc.saturating_sub(sums.alloc);
            info.total_entries = info.total_entries.saturating_sub(sums.entries);
            info.errors = info.errors.saturating_sub(sums.errors);
        });
    }

    /// Calls `f` with the aggregates of `from` (when it is a directory) and
    /// of every ancestor, bottom-up.
    fn each_dir_up(&mut self, from: u32, mut f: impl FnMut(&mut DirInfo)) {
        let mut cursor = from;
        while cursor != NONE {
            let node = self.nodes[cursor as usize];
            if node.dir != NO_DIR {
                f(&mut self.dirs[node.dir as usize]);
            }
            cursor = node.parent;
        }
    }

    /// What a node adds to its ancestors' aggregates.
    pub(super) fn contribution(&self, id: u32) -> Sums {
        let node = self.nodes[id as usize];
        if node.dir != NO_DIR {
            let info = &self.dirs[node.dir as usize];
            return Sums {
                size: info.total_size,
                alloc: info.total_alloc,
                entries: info.total_entries + 1,
                errors: info.errors,
            };
        }
        let counted = node.flags & FLAG_LINK_DUP == 0;
        Sums {
            size: if counted { self.size(NodeId(id)) } else { 0 },
            alloc: if counted { self.allocated(NodeId(id)) } else { 0 },
            entries: 1,
            errors: u32::from(node.flags & FLAG_ERROR != 0),
        }
    }

    /// Adds a node's own bytes to its aggregates (itself, for a directory,
    /// and every ancestor) and, unless it is a repeat, to the totals.
    pub(super) fn add_sums(&mut self, id: u32, sums: Sums) {
        self.propagate(id, sums);
        if !self.is_repeat(NodeId(id)) {
            self.totals.apparent += sums.size;
            self.totals.allocated += sums.alloc;
        }
    }

    /// The reverse of `add_sums`.
    pub(super) fn sub_sums(&mut self, id: u32, sums: Sums) {
        self.unpropagate(id, sums);
        if !self.is_repeat(NodeId(id)) {
            self.totals.apparent = self.totals.apparent.saturating_sub(sums.size);
            self.totals.allocated = self.totals.allocated.saturating_sub(sums.alloc);
        }
    }

    /// Clears a node's error mark, if any.
    pub(super) fn clear_error(&mut self, id: u32) {
        let node = &mut self.nodes[id as usize];
        if node.flags & FLAG_ERROR == 0 {
            return;
        }
        node.flags &= !FLAG_ERROR;
        self.errors.remove(&id);
        if !self.is_repeat(NodeId(id)) {
            self.totals.errors = self.totals.errors.saturating_sub(1);
        }
        self.unpropagate(id, Sums { errors: 1, ..Sums::default() });
    }
}
