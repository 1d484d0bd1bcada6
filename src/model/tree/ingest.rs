//! Where scanner events enter the tree: a batch is placed in its parent's
//! reserved range of slots (a large directory arrives as slices of one
//! range, in any order), errors mark their directory, and scanner keys
//! resolve to nodes.

use std::path::PathBuf;

use crate::error::ScanError;
use crate::scan::{Batch, EntryKey, Parent, ScanEvent};

use super::aggregates::Sums;
use super::insert::NewEntry;
use super::node::{FLAG_ERROR, FLAG_REMOVED, NO_DIR, NONE, VACANT};
use super::{DirState, NodeId, RootError, Tree};

impl Tree {
    /// Applies one scanner event. Returns true when the tree changed.
    pub fn apply(&mut self, event: ScanEvent) -> bool {
        self.edits += 1;
        match event {
            ScanEvent::Batch(batch) => self.apply_batch(&batch),
            ScanEvent::DirError { dir, error, .. } => self.apply_dir_error(dir, error),
            ScanEvent::RootError { root, path, error } => self.apply_root_error(root, path, error),
            ScanEvent::RootDone(_) => false,
            ScanEvent::Finished { elapsed } => {
                self.finished = Some(elapsed);
                true
            }
        }
    }

    /// Applies a batch (also used by callers that inspect the batch first).
    pub fn apply_batch(&mut self, batch: &Batch) -> bool {
        self.edits += 1;
        if !self.make_room(batch) {
            // Out of memory: the tree keeps what it has (see `reserve`).
            return false;
        }
        let base = match batch.parent {
            Parent::Root(index) => {
                if self.roots.len() <= index {
                    self.roots.resize(index + 1, None);
                }
                let base = self.nodes.len() as u32;
                self.roots[index] = Some(NodeId(base));
                let mut sums = Sums::default();
                for (i, entry) in batch.entries.iter().enumerate() {
                    let name = batch.name(entry);
                    self.insert(base + i as u32, NONE, name, &NewEntry::from_raw(entry), &mut sums);
                }
                base
            }
            Parent::Dir(key) => {
                let Some(parent) = self.resolve_slot(key) else {
                    self.dropped_batches += 1;
                    return false;
                };
                if self.is_stale_parent(parent.0) {
                    // Removed or cleared by an edit since the walker listed it.
                    return false;
                }
                let Some(base) = self.fill_range(parent.0, batch) else {
                    self.dropped_batches += 1;
                    return false;
                };
                base
            }
        };
        let id = batch.id as usize;
        if self.batch_base.len() <= id {
            self.batch_base.resize(id + 1, NONE);
        }
        self.batch_base[id] = base;
        true
    }

    /// Places a batch of children of `parent` in its reserved range and
    /// returns the node of entry 0 (`None` when the batch does not fit).
    pub(super) fn fill_range(&mut self, parent: u32, batch: &Batch) -> Option<u32> {
        let base = self.reserve_children(parent, batch)?;
        let parent_dir = self.nodes[parent as usize].dir;
        if self.dirs[parent_dir as usize].extra != NONE {
            // Edited while the walk was under way: the scanner's entry wins
            // over a same-named child an edit added, so names stay unique.
            self.drop_names_of(parent, batch);
        }
        let mut sums = Sums::default();
        for (i, entry) in batch.entries.iter().enumerate() {
            let node_id = base + i as u32;
            self.insert(node_id, parent, batch.name(entry), &NewEntry::from_raw(entry), &mut sums);
        }
        // Once for the batch, not per entry: this is the scan's hot path.
        self.touch_listed(parent);
        let info = &mut self.dirs[parent_dir as usize];
        info.filled += batch.entries.len() as u32;
        info.state =
            if info.filled >= info.child_slots { DirState::Complete } else { DirState::Partial };
        self.propagate(parent, sums);
        Some(base)
    }

    pub(super) fn reserve_children(&mut self, parent: u32, batch: &Batch) -> Option<u32> {
        let dir = self.nodes[parent as usize].dir;
        if dir == NO_DIR {
            return None;
        }
        let info = self.dirs[dir as usize];
        // Failed too: a listing that broke off part-way reports its error
        // before the batches of what it did list.
        let waiting = matches!(info.state, DirState::Pending | DirState::Failed);
        if info.child_slots == 0 && info.filled == 0 && waiting {
            let first = self.nodes.len() as u32;
            for _ in 0..batch.total {
                self.nodes.push(VACANT);
            }
            let info = &mut self.dirs[dir as usize];
            info.first_child = first;
            info.child_slots = batch.total;
        }
        let info = self.dirs[dir as usize];
        let end = batch.offset as u64 + batch.entries.len() as u64;
        (end <= u64::from(info.child_slots)).then_some(info.first_child + batch.offset)
    }

    /// A root that could not be stat-ed: no node, one error in the totals.
    pub(super) fn apply_root_error(
        &mut self,
        index: usize,
        path: PathBuf,
        error: ScanError,
    ) -> bool {
        if self.roots.len() <= index {
            self.roots.resize(index + 1, None);
        }
        self.roots[index] = None;
        self.root_errors.push(RootError { index, path, error });
        self.totals.errors += 1;
        true
    }

    pub(super) fn apply_dir_error(&mut self, key: EntryKey, error: ScanError) -> bool {
        let Some(NodeId(id)) = self.resolve_slot(key) else {
            self.dropped_batches += 1;
            return false;
        };
        if self.nodes[id as usize].flags & FLAG_REMOVED != 0 {
            return false;
        }
        self.mark_dir_error(id, error);
        true
    }

    /// Marks a directory (or any entry) with an error that reading it raised.
    pub(super) fn mark_dir_error(&mut self, id: u32, error: ScanError) {
        let node = &mut self.nodes[id as usize];
        let first_mark = node.flags & FLAG_ERROR == 0;
        node.flags |= FLAG_ERROR;
        let dir = node.dir;
        self.errors.entry(id).or_insert(error);
        if dir != NO_DIR && self.child_count(NodeId(id)) == 0 {
            self.dirs[dir as usize].state = DirState::Failed;
        }
        if first_mark {
            self.totals.errors += u64::from(!self.is_repeat(NodeId(id)));
            // The directory itself gains an error: count it in its own
            // aggregate and every ancestor's.
            self.propagate(id, Sums { errors: 1, ..Sums::default() });
        }
    }

    /// The node a scanner key refers to, once its batch has arrived (`None`
    /// when an edit removed it since).
    pub fn resolve(&self, key: EntryKey) -> Option<NodeId> {
        self.resolve_slot(key).filter(|&id| self.is_live(id))
    }

    /// The slot a scanner key refers to, removed or not.
    pub(super) fn resolve_slot(&self, key: EntryKey) -> Option<NodeId> {
        let base = *self.batch_base.get(key.batch as usize)?;
        // Lazily: a dropped batch's base is `NONE`, and `NONE + index`
        // overflows (a panic in debug builds, seen after out of memory).
        (base != NONE).then(|| NodeId(base + key.index))
    }
}
