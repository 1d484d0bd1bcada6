//! Reading one directory again: clearing its children, grafting a fresh
//! listing onto it, and [`Rescan`], which maps the batches of a fresh scanner
//! started on the directory's path onto the tree.

use std::collections::{HashMap, HashSet};

use crate::error::ScanError;
use crate::scan::{Batch, Parent, ScanEvent};

use super::aggregates::Sums;
use super::insert::NewEntry;
use super::node::{FLAG_REMOVED, NO_DIR};
use super::{DirState, NodeId, Tree};

/// `errno` for "no such file or directory".
pub(super) const ENOENT: i32 = 2;

/// A re-scan of one directory in progress: maps the batches of a fresh
/// scanner started on that directory's path (whose batch ids and keys mean
/// nothing to this tree) onto the tree. Start it with [`Tree::begin_rescan`]
/// and feed every event of the fresh scanner to [`Tree::apply_rescan`].
#[derive(Debug)]
pub struct Rescan {
    dir: NodeId,
    /// Node of entry 0 of each batch of the fresh scanner.
    bases: HashMap<u32, u32>,
    /// A child of `dir` the tree already holds whole (the old root, when
    /// its parent became the root): kept, not replaced by the listing.
    keep: Option<NodeId>,
}

impl Rescan {
    /// A re-scan that fills `dir` around `keep` (see [`Tree::reroot_up`]).
    pub(super) fn keeping(dir: NodeId, keep: Option<NodeId>) -> Self {
        Rescan { dir, bases: HashMap::new(), keep }
    }

    /// The directory being re-scanned (a new node if the re-scan found that
    /// it changed type; check [`Tree::is_live`]).
    pub fn dir(&self) -> NodeId {
        self.dir
    }

    /// The child of the directory the tree already held whole (the old
    /// root, when its parent became the root).
    pub fn kept(&self) -> Option<NodeId> {
        self.keep
    }

    /// The node a key of the fresh scanner stands for, once the batch holding
    /// it was applied (a batch's parent is known before the batch arrives).
    pub fn node_of(&self, key: crate::scan::EntryKey) -> Option<NodeId> {
        self.bases.get(&key.batch).map(|base| NodeId(base + key.index))
    }
}

impl Tree {
    /// Removes every child of `dir` (before re-reading it). Batches of the
    /// first walk still on their way for `dir` are ignored from now on; its
    /// state is left as it was. Returns true when a child was removed.
    pub fn clear_children(&mut self, dir: NodeId) -> bool {
        self.edits += 1;
        if !self.is_live_dir(dir.0) {
            return false;
        }
        let kids: Vec<u32> = self.children(dir).map(|c| c.0).collect();
        for &kid in &kids {
            self.remove_node(kid);
        }
        let index = self.nodes[dir.0 as usize].dir as usize;
        let info = &mut self.dirs[index];
        // Every node of the range is removed now: stop visiting it.
        (info.first_child, info.child_slots, info.filled) = (0, 0, 0);
        let extra = self.extra_mut(index);
        extra.gone = 0;
        extra.children.clear();
        extra.names = None;
        extra.detached = true;
        !kids.is_empty()
    }

    /// Adds a scanner batch's entries as children of `dir`, whatever the
    /// batch's parent key says (used for a re-scan of `dir`; see also
    /// [`Tree::apply_rescan`]). A child with the name of an entry is replaced
    /// by it. The directory becomes `Complete` once it has `batch.total`
    /// children, `Partial` before, and batches of the first walk still on
    /// their way for it are ignored from now on. Returns false when `dir` is
    /// not a live directory.
    pub fn apply_batch_to(&mut self, dir: NodeId, batch: &Batch) -> bool {
        self.edits += 1;
        self.graft_batch(dir.0, batch).is_some()
    }

    /// Starts a re-scan of `dir`: removes its children, clears its error
    /// mark and marks it `Pending`. Feed the events of a scanner started on
    /// `dir`'s path to [`Tree::apply_rescan`]. `None` when `dir` is not a live
    /// directory.
    pub fn begin_rescan(&mut self, dir: NodeId) -> Option<Rescan> {
        if !self.is_live_dir(dir.0) {
            return None;
        }
        self.clear_children(dir);
        self.clear_error(dir.0);
        self.set_dir_state(dir, DirState::Pending);
        Some(Rescan { dir, bases: HashMap::new(), keep: None })
    }

    /// Applies one event of the fresh scanner of a re-scan. Its root entry
    /// updates the directory's own stat (removing it if it no longer exists),
    /// its children are added through [`Tree::apply_batch_to`], and deeper
    /// batches fill the new subdirectories as a first scan would. Returns
    /// true when the tree changed.
    pub fn apply_rescan(&mut self, rescan: &mut Rescan, event: ScanEvent) -> bool {
        self.edits += 1;
        match event {
            ScanEvent::Batch(batch) => match batch.parent {
                Parent::Root(_) => self.rescan_root(rescan, &batch),
                Parent::Dir(key) => {
                    let Some(&base) = rescan.bases.get(&key.batch) else {
                        return false;
                    };
                    let parent = base + key.index;
                    if !self.is_live_dir(parent) {
                        return false;
                    }
                    let placed = if parent == rescan.dir.0 {
                        match rescan.keep {
                            Some(keep) => self.graft_around(parent, &batch, keep.0),
                            None => self.graft_batch(parent, &batch),
                        }
                    } else if self.is_stale_parent(parent) {
                        None
                    } else {
                        let placed = self.fill_range(parent, &batch);
                        if placed.is_none() {
                            self.dropped_batches += 1;
                        }
                        placed
                    };
                    placed.inspect(|&base| {
                        rescan.bases.insert(batch.id, base);
                    });
                    placed.is_some()
                }
            },
            ScanEvent::DirError { dir, error, .. } => {
                let Some(&base) = rescan.bases.get(&dir.batch) else {
                    return false;
                };
                let id = base + dir.index;
                if !self.is_live(NodeId(id)) {
                    return false;
                }
                self.mark_dir_error(id, error);
                true
            }
            ScanEvent::RootError { error, .. } => self.rescan_root_failed(rescan, error),
            ScanEvent::RootDone(_) | ScanEvent::Finished { .. } => false,
        }
    }

    /// Sets how far reading a directory got (for instance `Complete` after
    /// creating an empty one). Meant for directories no walk is filling: a
    /// walker batch for a directory taken out of `Pending` is dropped.
    /// Returns true when that changed.
    pub fn set_dir_state(&mut self, dir: NodeId, state: DirState) -> bool {
        self.edits += 1;
        if !self.is_live_dir(dir.0) {
            return false;
        }
        let index = self.nodes[dir.0 as usize].dir as usize;
        let info = &mut self.dirs[index];
        let changed = info.state != state;
        info.state = state;
        changed
    }

    /// Adds a batch's entries as new children of `dir` (overflow path).
    pub(super) fn graft_batch(&mut self, dir: u32, batch: &Batch) -> Option<u32> {
        if !self.is_live_dir(dir) {
            return None;
        }
        if self.child_count(NodeId(dir)) > 0 {
            self.drop_names_of(dir, batch);
        }
        // This listing supersedes whatever the first walk still has to send.
        let index = self.nodes[dir as usize].dir as usize;
        self.extra_mut(index).detached = true;
        let base = self.nodes.len() as u32;
        let mut sums = Sums::default();
        for (i, entry) in batch.entries.iter().enumerate() {
            let id = base + i as u32;
            self.insert(id, dir, batch.name(entry), &NewEntry::from_raw(entry), &mut sums);
            self.attach(dir, id);
        }
        self.propagate(dir, sums);
        let state = if self.child_count(NodeId(dir)) >= batch.total {
            DirState::Complete
        } else {
            DirState::Partial
        };
        self.set_dir_state(NodeId(dir), state);
        Some(base)
    }

    /// Removes the children of `parent` named like an entry of `batch`, and
    /// drops the directory's name index (the batch is about to add names).
    pub(super) fn drop_names_of(&mut self, parent: u32, batch: &Batch) {
        let wanted: HashSet<&[u8]> = batch.entries.iter().map(|e| batch.name(e)).collect();
        let doomed: Vec<u32> = self
            .children(NodeId(parent))
            .filter(|&c| wanted.contains(self.name(c)))
            .map(|c| c.0)
            .collect();
        for child in doomed {
            self.remove_node(child);
        }
        let index = self.nodes[parent as usize].dir as usize;
        if let Some(extra) = self.extras.get_mut(self.dirs[index].extra as usize) {
            extra.names = None;
        }
    }

    /// True when batches of the first walk for `parent` must be ignored: an
    /// edit removed it, or cleared it for a re-scan.
    pub(super) fn is_stale_parent(&self, parent: u32) -> bool {
        let node = &self.nodes[parent as usize];
        node.flags & FLAG_REMOVED != 0
            || node.dir != NO_DIR
                && self
                    .extras
                    .get(self.dirs[node.dir as usize].extra as usize)
                    .is_some_and(|e| e.detached)
    }

    /// The re-scanned directory could not be stat-ed: gone (removed from
    /// the tree), or kept with the error, failed.
    fn rescan_root_failed(&mut self, rescan: &Rescan, error: ScanError) -> bool {
        let dir = rescan.dir.0;
        if !self.is_live(rescan.dir) {
            return false;
        }
        // A parent put above a kept root holds that root whatever happens.
        if error.errno == Some(ENOENT) && rescan.keep.is_none() {
            return self.remove_node(dir);
        }
        // Its children were cleared, so this leaves it `Failed`.
        self.mark_dir_error(dir, error);
        true
    }

    pub(super) fn rescan_root(&mut self, rescan: &mut Rescan, batch: &Batch) -> bool {
        let Some(entry) = batch.entries.first() else {
            return false;
        };
        let dir = rescan.dir.0;
        if !self.is_live(rescan.dir) {
            return false;
        }
        let mut changed = false;
        let id = match &entry.stat {
            Some(stat) => {
                let (id, restated) = self.restat(dir, stat);
                // This walk reads its children now.
                self.set_dir_stamp(NodeId(id), stat);
                changed |= restated;
                id
            }
            // A scanner reports a root it cannot stat as a `RootError`.
            None => dir,
        };
        if let Some(error) = &entry.error {
            self.mark_dir_error(id, error.clone());
            changed = true;
        }
        if !entry.descend
            && self.is_live_dir(id)
            && self.dir(NodeId(id)).is_some_and(|d| d.state == DirState::Pending)
        {
            // Nothing will follow: the fresh walk did not read it.
            self.set_dir_state(NodeId(id), DirState::NotRead);
            changed = true;
        }
        rescan.dir = NodeId(id);
        rescan.bases.insert(batch.id, id);
        changed
    }
}
