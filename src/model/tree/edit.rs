//! Changing the tree in place: [`TreeOp`] and the edit methods of [`Tree`].
//! How edits are stored and what they guarantee is documented on [`TreeOp`].

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{
    DirState, FLAG_ERROR, FLAG_LINK_DUP, FLAG_NO_STAT, FLAG_REMOVED, HIDDEN, NO_DIR, NONE,
    NewEntry, NodeId, Sums, Tree, name_of, narrow, narrow_mtime,
};
use crate::model::mode::FileKind;
use crate::scan::{Batch, EntryStat, Parent, ScanEvent};

/// Directories with at least this many children get a name index on the
/// first edit that looks a name up in them.
#[cfg(not(test))]
const NAME_INDEX_MIN: u32 = 1024;
/// Small in tests, so the index path is exercised by every test.
#[cfg(test)]
const NAME_INDEX_MIN: u32 = 4;

/// `errno` for "no such file or directory".
const ENOENT: i32 = 2;

/// One change of the filesystem, applied with [`Tree::apply_op`]: the one
/// vocabulary for what statree's own actions did and what a filesystem
/// watcher saw. Names are raw bytes, one path component each.
///
/// Every op describes a change the filesystem already made, so applying it is
/// idempotent: a second application of the same op changes nothing and
/// returns false (our own actions echo back through the watcher harmlessly).
/// An op whose parent is not a live directory is a no-op. Details:
///
/// * A change between directory and non-directory (by `Upsert` or `Restat`)
///   removes the node and adds a new one with a new [`NodeId`]; other type
///   changes stay in place.
/// * A directory added by an op is `NotRead` (nothing below it is known);
///   re-scan it, or [`Tree::set_dir_state`] after creating an empty one.
/// * `Rename` to a `to_parent` that is not a live directory removes the
///   source (it left for somewhere the tree does not show); a rename into the
///   source's own subtree or over one of its ancestors is refused (false).
///
/// How edits are stored:
///
/// * Children added after a directory's contiguous range was reserved (or to
///   a directory that never got one) live in a per-directory overflow set
///   that [`Tree::children`] chains after the range.
/// * A removed node keeps its slot (ids never move) with a removed mark;
///   `children`, `node_ids`, `roots` and `resolve` skip it, and its
///   accessors keep answering with its last values ([`Tree::is_live`] tells).
///   Removing a directory marks its whole subtree; walker batches and errors
///   for removed directories are ignored (not counted as dropped).
/// * A node moved to another directory keeps its id and its slot in its old
///   parent's range (which skips it: its parent field points elsewhere). Its
///   own children move with it.
///
/// Invariants kept by every op: each live directory's `total_size`,
/// `total_alloc`, `total_entries` and `errors` equal a recomputation over
/// [`Tree::children`]; [`Tree::totals`] equals a recomputation over every live
/// node reachable from the roots; `child_count` equals the number of
/// `children`; sibling names are unique; the live nodes are exactly those
/// reachable from the roots.
///
/// Approximate:
///
/// * Hard links. The tree does not store `(dev, ino)` per node, so removing
///   the name of a hard-linked file that was counted (not
///   [`Tree::is_extra_link`]) subtracts its size even when other names of it
///   remain (they stay uncounted), and a name added later counts the file
///   again unless its `(dev, ino)` was seen before. A restat with
///   `nlink == 1` turns an uncounted extra name back into a counted one, and a
///   restat of a counted name with `nlink > 1` records its `(dev, ino)`;
///   nothing else re-balances the link bookkeeping.
/// * Edits racing a running scan of the same directory. When the walker's
///   batch arrives for a directory an op already added children to, the
///   walker's entry replaces any child of the same name (names stay unique);
///   a name an op removed before the walker's slice carrying it arrived comes
///   back with that slice. Re-scan the directory to settle it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeOp {
    /// `parent/name` exists with this stat: updates it in place (like
    /// `Restat`) when the name is known, else adds it as a new child.
    Upsert {
        /// The directory holding the entry.
        parent: NodeId,
        /// Its name.
        name: Vec<u8>,
        /// Its fresh `lstat`.
        stat: EntryStat,
    },
    /// `parent/name` is gone (with everything below it). A missing name is a
    /// no-op.
    Remove {
        /// The directory that held the entry.
        parent: NodeId,
        /// Its name.
        name: Vec<u8>,
    },
    /// `parent/from` is now `to_parent/to`. A missing source is a no-op; an
    /// existing target is replaced (the filesystem already did).
    Rename {
        /// The directory that held the entry.
        parent: NodeId,
        /// Its old name.
        from: Vec<u8>,
        /// The directory that holds it now (may be `parent`).
        to_parent: NodeId,
        /// Its new name.
        to: Vec<u8>,
    },
    /// The node's metadata changed (chmod, chown, write, touch).
    Restat {
        /// The node.
        id: NodeId,
        /// Its fresh `lstat`.
        stat: EntryStat,
    },
}

/// Edit state of one directory, created on its first edit.
#[derive(Debug, Default)]
pub(super) struct DirExtra {
    /// Children added outside the directory's range, by node index.
    pub(super) children: BTreeSet<u32>,
    /// Range slots that arrived but whose node was removed or moved away.
    pub(super) gone: u32,
    /// Cleared for a re-scan: batches of the first walk are ignored.
    detached: bool,
    /// Name to child, for large directories (built on demand).
    names: Option<HashMap<Box<[u8]>, u32>>,
}

impl DirExtra {
    pub(super) fn heap_bytes(&self) -> usize {
        // A B-tree entry and a hash entry with its boxed name, roughly.
        self.children.len() * 8 + self.names.as_ref().map_or(0, |n| n.capacity() * 48)
    }
}

/// A re-scan of one directory in progress: maps the batches of a fresh
/// scanner started on that directory's path (whose batch ids and keys mean
/// nothing to this tree) onto the tree. Start it with [`Tree::begin_rescan`]
/// and feed every event of the fresh scanner to [`Tree::apply_rescan`].
#[derive(Debug)]
pub struct Rescan {
    dir: NodeId,
    /// Node of entry 0 of each batch of the fresh scanner.
    bases: HashMap<u32, u32>,
}

impl Rescan {
    /// The directory being re-scanned (a new node if the re-scan found that
    /// it changed type; check [`Tree::is_live`]).
    pub fn dir(&self) -> NodeId {
        self.dir
    }
}

impl Tree {
    /// Applies one change. Returns true when the tree changed; applying the
    /// same op a second time returns false and changes nothing. An op naming
    /// a parent that is not a live directory is a no-op.
    pub fn apply_op(&mut self, op: TreeOp) -> bool {
        match op {
            TreeOp::Upsert { parent, name, stat } => self.upsert(parent.0, &name, &stat),
            TreeOp::Remove { parent, name } => {
                self.is_live_dir(parent.0)
                    && self.lookup(parent.0, &name).is_some_and(|child| self.remove_node(child))
            }
            TreeOp::Rename { parent, from, to_parent, to } => {
                self.rename(parent.0, &from, to_parent.0, &to)
            }
            TreeOp::Restat { id, stat } => self.restat(id.0, &stat).1,
        }
    }

    /// The child of `parent` called `name`, if any.
    pub fn find_child(&self, parent: NodeId, name: &[u8]) -> Option<NodeId> {
        if !self.is_live(parent) {
            return None;
        }
        let dir = self.dir(parent)?;
        if let Some(index) = self.extras.get(dir.extra as usize).and_then(|e| e.names.as_ref()) {
            return index.get(name).copied().map(NodeId);
        }
        self.children(parent).find(|&child| self.name(child) == name)
    }

    /// Removes a node (a root too) and everything below it. Returns false
    /// when it was not live.
    pub fn remove(&mut self, id: NodeId) -> bool {
        self.remove_node(id.0)
    }

    /// Removes every child of `dir` (before re-reading it). Batches of the
    /// first walk still on their way for `dir` are ignored from now on; its
    /// state is left as it was. Returns true when a child was removed.
    pub fn clear_children(&mut self, dir: NodeId) -> bool {
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
        Some(Rescan { dir, bases: HashMap::new() })
    }

    /// Applies one event of the fresh scanner of a re-scan. Its root entry
    /// updates the directory's own stat (removing it if it no longer exists),
    /// its children are added through [`Tree::apply_batch_to`], and deeper
    /// batches fill the new subdirectories as a first scan would. Returns
    /// true when the tree changed.
    pub fn apply_rescan(&mut self, rescan: &mut Rescan, event: ScanEvent) -> bool {
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
                        self.graft_batch(parent, &batch)
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
            ScanEvent::RootDone(_) | ScanEvent::Finished { .. } => false,
        }
    }

    /// Sets how far reading a directory got (for instance `Complete` after
    /// creating an empty one). Meant for directories no walk is filling: a
    /// walker batch for a directory taken out of `Pending` is dropped.
    /// Returns true when that changed.
    pub fn set_dir_state(&mut self, dir: NodeId, state: DirState) -> bool {
        if !self.is_live_dir(dir.0) {
            return false;
        }
        let index = self.nodes[dir.0 as usize].dir as usize;
        let info = &mut self.dirs[index];
        let changed = info.state != state;
        info.state = state;
        changed
    }

    // ---- the ops ---------------------------------------------------------

    fn upsert(&mut self, parent: u32, name: &[u8], stat: &EntryStat) -> bool {
        if !self.is_live_dir(parent) {
            return false;
        }
        match self.lookup(parent, name) {
            Some(child) => self.restat(child, stat).1,
            None => {
                self.add_child(parent, name, &from_stat(stat));
                true
            }
        }
    }

    fn rename(&mut self, parent: u32, from: &[u8], to_parent: u32, to: &[u8]) -> bool {
        if !self.is_live_dir(parent) {
            return false;
        }
        let Some(src) = self.lookup(parent, from) else {
            return false;
        };
        if parent == to_parent && from == to {
            return false;
        }
        if !self.is_live_dir(to_parent) {
            // It left this directory for one the tree does not show.
            return self.remove_node(src);
        }
        if self.is_within(to_parent, src) {
            // Into itself: the kernel refuses (EINVAL), so this never happened.
            return false;
        }
        if let Some(target) = self.lookup(to_parent, to)
            && target != src
        {
            if self.is_within(src, target) {
                // Over one of its own ancestors: refused by the kernel too.
                return false;
            }
            self.remove_node(target);
        }
        let moved = self.contribution(src);
        self.detach(src);
        if parent != to_parent {
            self.unpropagate(parent, moved);
        }
        if from != to {
            let (pos, len) = self.store_name(to);
            let node = &mut self.nodes[src as usize];
            (node.name, node.name_len) = (pos, len);
        }
        self.attach(to_parent, src);
        if parent != to_parent {
            self.propagate(to_parent, moved);
        }
        true
    }

    /// Updates a node's metadata; a change between directory and
    /// non-directory replaces the node with a new one. Returns the node
    /// (possibly new) and whether anything changed.
    fn restat(&mut self, id: u32, stat: &EntryStat) -> (u32, bool) {
        if !self.is_live(NodeId(id)) {
            return (id, false);
        }
        let old_kind = self.kind(NodeId(id));
        let new_kind = stat.kind();
        if (old_kind == FileKind::Dir) != (new_kind == FileKind::Dir) {
            return (self.replace(id, stat), true);
        }
        let before = self.snapshot(id);
        let (old_size, old_alloc) = (self.size(NodeId(id)), self.allocated(NodeId(id)));
        let owner = self.intern_owner(stat.uid, stat.gid);
        self.wide_sizes.remove(&id);
        self.wide_blocks.remove(&id);
        self.wide_mtimes.remove(&id);
        let size = narrow(stat.size, id, &mut self.wide_sizes);
        let blocks = narrow(stat.blocks, id, &mut self.wide_blocks);
        let mtime = narrow_mtime(stat.mtime.sec, id, &mut self.wide_mtimes);
        let node = &mut self.nodes[id as usize];
        node.mode = stat.mode as u16;
        (node.owner, node.size, node.blocks, node.mtime) = (owner, size, blocks, mtime);
        let had_no_stat = node.flags & FLAG_NO_STAT != 0;
        node.flags &= !FLAG_NO_STAT;
        let mut counted = node.flags & FLAG_LINK_DUP == 0;
        if !counted && stat.nlink <= 1 {
            // The other names are gone: this one is the file now.
            node.flags &= !FLAG_LINK_DUP;
            counted = true;
            self.add_sums(id, Sums { size: stat.size, alloc: stat.allocated(), ..Sums::default() });
        } else if counted {
            self.add_sums(id, Sums { size: stat.size, alloc: stat.allocated(), ..Sums::default() });
            self.sub_sums(id, Sums { size: old_size, alloc: old_alloc, ..Sums::default() });
        }
        if counted && stat.nlink > 1 && new_kind != FileKind::Dir {
            self.links_seen.insert((stat.dev, stat.ino));
        }
        if had_no_stat {
            // The error was the failed stat, which just succeeded.
            self.clear_error(id);
        }
        if old_kind != new_kind {
            self.count_kind(old_kind, -1);
            self.count_kind(new_kind, 1);
        }
        (id, before != self.snapshot(id))
    }

    /// Replaces a node by a fresh one with the same name and place.
    fn replace(&mut self, id: u32, stat: &EntryStat) -> u32 {
        let name = self.name(NodeId(id)).to_vec();
        let parent = self.nodes[id as usize].parent;
        let root_slot = self.roots.iter().position(|&r| r == Some(NodeId(id)));
        self.remove_node(id);
        match (parent, root_slot) {
            (NONE, Some(slot)) => {
                let new = self.nodes.len() as u32;
                self.insert(new, NONE, &name, &from_stat(stat), &mut Sums::default());
                self.roots[slot] = Some(NodeId(new));
                new
            }
            _ => self.add_child(parent, &name, &from_stat(stat)),
        }
    }

    /// Removes a live node and its subtree; false when it was not live.
    fn remove_node(&mut self, id: u32) -> bool {
        if !self.is_live(NodeId(id)) {
            return false;
        }
        let sums = self.contribution(id);
        let parent = self.nodes[id as usize].parent;
        if parent == NONE {
            for root in &mut self.roots {
                if *root == Some(NodeId(id)) {
                    *root = None;
                }
            }
        } else {
            self.detach(id);
            self.unpropagate(parent, sums);
        }
        self.totals.apparent = self.totals.apparent.saturating_sub(sums.size);
        self.totals.allocated = self.totals.allocated.saturating_sub(sums.alloc);
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            stack.extend(self.children(NodeId(n)).map(|c| c.0));
            let kind = self.kind(NodeId(n));
            let node = &mut self.nodes[n as usize];
            node.flags |= FLAG_REMOVED;
            if node.flags & FLAG_ERROR != 0 {
                self.totals.errors = self.totals.errors.saturating_sub(1);
            }
            let dir = node.dir;
            self.count_kind(kind, -1);
            if dir != NO_DIR
                && let Some(extra) = self.extras.get_mut(self.dirs[dir as usize].extra as usize)
            {
                // Nothing reads a removed directory's children again.
                *extra = DirExtra::default();
            }
        }
        true
    }

    // ---- helpers ---------------------------------------------------------

    /// Adds a new node as a child of `parent` through its overflow set.
    fn add_child(&mut self, parent: u32, name: &[u8], entry: &NewEntry<'_>) -> u32 {
        let id = self.nodes.len() as u32;
        let mut sums = Sums::default();
        self.insert(id, parent, name, entry, &mut sums);
        self.attach(parent, id);
        self.propagate(parent, sums);
        id
    }

    /// Adds a batch's entries as new children of `dir` (overflow path).
    fn graft_batch(&mut self, dir: u32, batch: &Batch) -> Option<u32> {
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

    fn is_live_dir(&self, id: u32) -> bool {
        self.nodes.get(id as usize).is_some_and(|n| n.flags & HIDDEN == 0 && n.dir != NO_DIR)
    }

    /// True when `node` is `ancestor` or below it.
    fn is_within(&self, node: u32, ancestor: u32) -> bool {
        let mut cursor = node;
        while cursor != NONE {
            if cursor == ancestor {
                return true;
            }
            cursor = self.nodes[cursor as usize].parent;
        }
        false
    }

    /// The child of `parent` called `name`, building the name index of a
    /// large directory first.
    fn lookup(&mut self, parent: u32, name: &[u8]) -> Option<u32> {
        let index = self.nodes[parent as usize].dir as usize;
        let indexed =
            self.extras.get(self.dirs[index].extra as usize).is_some_and(|e| e.names.is_some());
        if !indexed && self.child_count(NodeId(parent)) >= NAME_INDEX_MIN {
            let mut names = HashMap::new();
            for child in self.children(NodeId(parent)) {
                names.entry(Box::from(self.name(child))).or_insert(child.0);
            }
            self.extra_mut(index).names = Some(names);
        }
        self.find_child(NodeId(parent), name).map(|c| c.0)
    }

    /// The edit state of directory `index`, created on first use.
    fn extra_mut(&mut self, index: usize) -> &mut DirExtra {
        if self.dirs[index].extra == NONE {
            self.dirs[index].extra = self.extras.len() as u32;
            self.extras.push(DirExtra::default());
        }
        &mut self.extras[self.dirs[index].extra as usize]
    }

    /// Makes `child` a child of `parent` (overflow set, or back in its range).
    fn attach(&mut self, parent: u32, child: u32) {
        self.nodes[child as usize].parent = parent;
        let (extra, in_range) = self.edit_slot(parent, child);
        let extra = &mut self.extras[extra];
        if in_range {
            extra.gone = extra.gone.saturating_sub(1);
        } else {
            extra.children.insert(child);
        }
        if let Some(names) = &mut extra.names {
            names.insert(name_of(&self.names, &self.nodes[child as usize]).into(), child);
        }
    }

    /// Takes `child` out of its parent's children (not out of the tree).
    fn detach(&mut self, child: u32) {
        let (extra, in_range) = self.edit_slot(self.nodes[child as usize].parent, child);
        let extra = &mut self.extras[extra];
        if in_range {
            extra.gone += 1;
        } else {
            extra.children.remove(&child);
        }
        let name = name_of(&self.names, &self.nodes[child as usize]);
        if let Some(names) = &mut extra.names
            && names.get(name) == Some(&child)
        {
            names.remove(name);
        }
    }

    /// The edit state (index in `extras`) of directory `parent`, and whether
    /// `child` lies in its range.
    fn edit_slot(&mut self, parent: u32, child: u32) -> (usize, bool) {
        let index = self.nodes[parent as usize].dir as usize;
        let info = self.dirs[index];
        let in_range = (info.first_child..info.first_child + info.child_slots).contains(&child);
        self.extra_mut(index);
        (self.dirs[index].extra as usize, in_range)
    }

    /// What a node adds to its ancestors' aggregates.
    fn contribution(&self, id: u32) -> Sums {
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
    /// and every ancestor) and to the totals.
    fn add_sums(&mut self, id: u32, sums: Sums) {
        self.propagate(id, sums);
        self.totals.apparent += sums.size;
        self.totals.allocated += sums.alloc;
    }

    /// The reverse of `add_sums`.
    fn sub_sums(&mut self, id: u32, sums: Sums) {
        self.unpropagate(id, sums);
        self.totals.apparent = self.totals.apparent.saturating_sub(sums.size);
        self.totals.allocated = self.totals.allocated.saturating_sub(sums.alloc);
    }

    /// Clears a node's error mark, if any.
    fn clear_error(&mut self, id: u32) {
        let node = &mut self.nodes[id as usize];
        if node.flags & FLAG_ERROR == 0 {
            return;
        }
        node.flags &= !FLAG_ERROR;
        self.errors.remove(&id);
        self.totals.errors = self.totals.errors.saturating_sub(1);
        self.unpropagate(id, Sums { errors: 1, ..Sums::default() });
    }

    /// Everything a restat can change about a node, to tell whether it did.
    fn snapshot(&self, id: u32) -> (super::Node, u64, u64, i64) {
        let id = NodeId(id);
        (*self.node(id), self.size(id), self.allocated(id), self.mtime(id))
    }

    fn rescan_root(&mut self, rescan: &mut Rescan, batch: &Batch) -> bool {
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
                changed |= restated;
                id
            }
            None if entry.error.as_ref().is_some_and(|e| e.errno == Some(ENOENT)) => {
                // The directory is gone.
                return self.remove_node(dir);
            }
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

/// A new entry from a fresh `lstat`: never descended into (a directory added
/// this way is `NotRead` until re-scanned or marked with `set_dir_state`).
fn from_stat(stat: &EntryStat) -> NewEntry<'_> {
    NewEntry { stat: Some(stat), kind: stat.kind(), error: None, descend: false, other_fs: false }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::error::{Op, ScanError};
    use crate::model::Totals;
    use crate::model::tree::tests::stat;
    use crate::scan::EntryKey;

    const DIR: u32 = 0o040_755;
    const FILE: u32 = 0o100_644;
    const LINK: u32 = 0o120_777;
    const FIFO: u32 = 0o010_644;

    fn file(size: u64, ino: u64) -> EntryStat {
        stat(FILE, size, ino, 1)
    }

    fn dir_stat(ino: u64) -> EntryStat {
        stat(DIR, 4096, ino, 2)
    }

    fn push(b: &mut Batch, name: &[u8], st: EntryStat, descend: bool) {
        b.push(name, Some(st), st.kind(), None, descend, false, None);
    }

    fn batch(id: u32, parent: Parent, offset: u32, total: u32) -> Batch {
        Batch::new(id, parent, Arc::from(Path::new("/r")), offset, total)
    }

    fn key(batch: u32, index: u32) -> Parent {
        Parent::Dir(EntryKey { batch, index })
    }

    /// /r with sub/ (holding deep, deeper/x), pend/ (still Pending), a, b
    /// (hard links of one file) and c. Batch ids: 0 root, 1 /r, 2 sub, 3 deeper.
    fn sample() -> Tree {
        let mut tree = Tree::new();
        let mut root = batch(0, Parent::Root(0), 0, 1);
        push(&mut root, b"/r", dir_stat(1), true);
        tree.apply_batch(&root);
        let mut top = batch(1, key(0, 0), 0, 5);
        push(&mut top, b"sub", dir_stat(2), true);
        push(&mut top, b"pend", dir_stat(3), true);
        push(&mut top, b"a", stat(FILE, 1000, 4, 2), false);
        push(&mut top, b"b", stat(FILE, 1000, 4, 2), false);
        push(&mut top, b"c", file(10, 5), false);
        tree.apply_batch(&top);
        let mut sub = batch(2, key(1, 0), 0, 2);
        push(&mut sub, b"deep", file(7, 6), false);
        push(&mut sub, b"deeper", dir_stat(7), true);
        tree.apply_batch(&sub);
        let mut deeper = batch(3, key(2, 1), 0, 1);
        push(&mut deeper, b"x", file(3, 8), false);
        tree.apply_batch(&deeper);
        tree
    }

    fn root(tree: &Tree) -> NodeId {
        tree.roots().next().unwrap()
    }

    fn at(tree: &Tree, path: &[&str]) -> NodeId {
        path.iter().fold(root(tree), |id, name| {
            tree.find_child(id, name.as_bytes()).unwrap_or_else(|| panic!("no {name}"))
        })
    }

    fn names(tree: &Tree, id: NodeId) -> Vec<String> {
        let mut names: Vec<String> =
            tree.children(id).map(|c| String::from_utf8_lossy(tree.name(c)).into()).collect();
        names.sort();
        names
    }

    /// Aggregates recomputed from scratch; returns what `id` adds to its parent.
    fn recompute(tree: &Tree, id: NodeId, totals: &mut Totals) -> Sums {
        assert!(tree.is_live(id), "{id:?} is reachable but removed");
        totals.entries += 1;
        match tree.kind(id) {
            FileKind::Dir => totals.dirs += 1,
            FileKind::File => totals.files += 1,
            FileKind::Symlink => totals.symlinks += 1,
            _ => totals.other += 1,
        }
        totals.errors += u64::from(tree.has_error(id));
        let counted = !tree.is_extra_link(id);
        let mut own = Sums {
            size: if counted { tree.size(id) } else { 0 },
            alloc: if counted { tree.allocated(id) } else { 0 },
            entries: 0,
            errors: u32::from(tree.has_error(id)),
        };
        let Some(info) = tree.dir(id).copied() else {
            own.entries = 1;
            return own;
        };
        let mut seen = HashSet::new();
        let mut count = 0;
        for child in tree.children(id) {
            count += 1;
            assert_eq!(tree.parent(child), Some(id));
            assert!(seen.insert(tree.name(child).to_vec()), "duplicate name under {id:?}");
            assert_eq!(tree.find_child(id, tree.name(child)), Some(child));
            let sums = recompute(tree, child, totals);
            own.size += sums.size;
            own.alloc += sums.alloc;
            own.entries += sums.entries;
            own.errors += sums.errors;
        }
        assert_eq!(tree.child_count(id), count, "child_count of {:?}", tree.path(id));
        let path = tree.path(id);
        assert_eq!(info.total_size, own.size, "total_size of {path:?}");
        assert_eq!(info.total_alloc, own.alloc, "total_alloc of {path:?}");
        assert_eq!(info.total_entries, own.entries, "total_entries of {path:?}");
        assert_eq!(info.errors, own.errors, "errors of {path:?}");
        own.entries += 1;
        own
    }

    /// Every invariant the edits promise.
    fn check(tree: &Tree) {
        let mut totals = Totals::default();
        let mut reachable = HashSet::new();
        for root in tree.roots() {
            let sums = recompute(tree, root, &mut totals);
            totals.apparent += sums.size;
            totals.allocated += sums.alloc;
            let mut stack = vec![root];
            while let Some(id) = stack.pop() {
                assert!(reachable.insert(id), "{id:?} reached twice");
                stack.extend(tree.children(id));
            }
        }
        let live: HashSet<NodeId> = tree.node_ids().collect();
        assert_eq!(live, reachable, "node_ids() differs from what the roots reach");
        assert!(tree.node_ids().all(|id| tree.is_live(id)));
        assert_eq!(*tree.totals(), totals);
    }

    /// A canonical dump of what a reader can see, ids left out.
    fn dump(tree: &Tree) -> Vec<String> {
        let mut lines = vec![format!("{:?}", tree.totals())];
        let mut stack: Vec<NodeId> = tree.roots().collect();
        while let Some(id) = stack.pop() {
            let dir = tree
                .dir(id)
                .map(|d| (d.total_size, d.total_alloc, d.total_entries, d.errors, d.state));
            lines.push(format!(
                "{:?} {:o} {:?} {} {} {} {} {} {} {:?} {}",
                tree.path(id),
                tree.mode(id),
                tree.owner(id),
                tree.size(id),
                tree.allocated(id),
                tree.mtime(id),
                tree.has_error(id),
                tree.is_extra_link(id),
                tree.stat_failed(id),
                dir,
                tree.child_count(id),
            ));
            stack.extend(tree.children(id));
        }
        lines.sort();
        lines
    }

    /// Applies `op` twice: the second time must change nothing.
    fn apply_twice(tree: &mut Tree, op: TreeOp) -> bool {
        let changed = tree.apply_op(op.clone());
        let after = dump(tree);
        assert!(!tree.apply_op(op.clone()), "second application changed the tree: {op:?}");
        assert_eq!(dump(tree), after, "second application of {op:?}");
        changed
    }

    #[test]
    fn the_sample_is_consistent() {
        let tree = sample();
        check(&tree);
        assert_eq!(tree.dir(root(&tree)).unwrap().total_size, 3 * 4096 + 4096 + 1000 + 10 + 7 + 3);
    }

    #[test]
    fn upsert_adds_a_child_then_updates_it_in_place() {
        let mut tree = sample();
        let sub = at(&tree, &["sub"]);
        let op = TreeOp::Upsert { parent: sub, name: b"new".to_vec(), stat: file(500, 20) };
        assert!(apply_twice(&mut tree, op));
        let new = at(&tree, &["sub", "new"]);
        assert_eq!(tree.size(new), 500);
        assert_eq!(tree.child_count(sub), 3);
        assert_eq!(names(&tree, sub), ["deep", "deeper", "new"]);
        check(&tree);

        // The same name again with another stat: the node is updated.
        let mut bigger = file(5 << 32, 20);
        bigger.mode = 0o100_600;
        bigger.mtime.sec = -5;
        bigger.uid = 7;
        let op = TreeOp::Upsert { parent: sub, name: b"new".to_vec(), stat: bigger };
        assert!(apply_twice(&mut tree, op));
        assert_eq!(at(&tree, &["sub", "new"]), new);
        assert_eq!(tree.size(new), 5 << 32);
        assert_eq!(tree.mode(new), 0o100_600);
        assert_eq!(tree.mtime(new), -5);
        assert_eq!(tree.owner(new), (7, 1000));
        check(&tree);

        // And back to values that fit 32 bits: the side tables are left behind.
        let op = TreeOp::Restat { id: new, stat: file(1, 20) };
        assert!(apply_twice(&mut tree, op));
        assert_eq!((tree.size(new), tree.allocated(new), tree.mtime(new)), (1, 512, 1_700_000_000));
        check(&tree);
    }

    #[test]
    fn upsert_into_a_pending_directory_then_its_batch_arrives() {
        let mut tree = sample();
        let pend = at(&tree, &["pend"]);
        assert_eq!(tree.dir(pend).unwrap().state, DirState::Pending);
        let op = TreeOp::Upsert { parent: pend, name: b"early".to_vec(), stat: file(11, 30) };
        assert!(apply_twice(&mut tree, op));
        let op = TreeOp::Upsert { parent: pend, name: b"only".to_vec(), stat: file(12, 31) };
        assert!(apply_twice(&mut tree, op));
        assert_eq!(names(&tree, pend), ["early", "only"]);
        assert_eq!(tree.dir(pend).unwrap().state, DirState::Pending);
        check(&tree);

        // The walker's listing arrives with "early" too: its entry wins, no duplicate.
        let mut listing = batch(4, key(1, 1), 0, 2);
        push(&mut listing, b"early", file(13, 30), false);
        push(&mut listing, b"late", file(14, 32), false);
        assert!(tree.apply_batch(&listing));
        assert_eq!(names(&tree, pend), ["early", "late", "only"]);
        assert_eq!(tree.size(at(&tree, &["pend", "early"])), 13);
        assert_eq!(tree.dir(pend).unwrap().state, DirState::Complete);
        assert_eq!(tree.dropped_batches(), 0);
        check(&tree);
    }

    #[test]
    fn remove_takes_the_whole_subtree_out_of_every_reader() {
        let mut tree = sample();
        let r = root(&tree);
        let sub = at(&tree, &["sub"]);
        let x = at(&tree, &["sub", "deeper", "x"]);
        let before = *tree.totals();
        let op = TreeOp::Remove { parent: r, name: b"sub".to_vec() };
        assert!(apply_twice(&mut tree, op));
        assert!(!tree.is_live(sub) && !tree.is_live(x));
        assert!(tree.node_ids().all(|id| id != sub && id != x));
        assert_eq!(names(&tree, r), ["a", "b", "c", "pend"]);
        assert_eq!(tree.child_count(r), 4);
        assert_eq!(tree.children(sub).count(), 0);
        assert_eq!(tree.totals().entries, before.entries - 4);
        assert_eq!(tree.totals().dirs, before.dirs - 2);
        assert_eq!(tree.totals().apparent, before.apparent - 2 * 4096 - 7 - 3);
        // The scanner's key for it no longer resolves, and late batches for
        // the removed directories are ignored without counting as dropped.
        assert_eq!(tree.resolve(EntryKey { batch: 1, index: 0 }), None);
        let mut late = batch(9, key(3, 0), 0, 1);
        push(&mut late, b"ghost", file(1, 99), false);
        assert!(!tree.apply_batch(&late));
        assert_eq!(tree.dropped_batches(), 0);
        // A removed node still answers its accessors.
        assert_eq!(tree.name(sub), b"sub");
        check(&tree);

        // Removing a missing name, or under a removed parent, is a no-op.
        assert!(!tree.apply_op(TreeOp::Remove { parent: r, name: b"nope".to_vec() }));
        assert!(!tree.apply_op(TreeOp::Remove { parent: sub, name: b"deep".to_vec() }));
    }

    #[test]
    fn removing_errors_and_roots_updates_the_totals() {
        let mut tree = sample();
        let r = root(&tree);
        let mut b = batch(4, key(1, 1), 0, 1);
        let gone = ScanError { op: Op::Stat, errno: Some(13), reason: "Permission denied".into() };
        b.push(b"locked", None, FileKind::File, Some(gone), false, false, None);
        tree.apply_batch(&b);
        tree.apply(ScanEvent::DirError {
            dir: EntryKey { batch: 2, index: 1 },
            path: "/r/sub/deeper".into(),
            error: ScanError { op: Op::ReadDir, errno: Some(5), reason: "I/O error".into() },
        });
        assert_eq!(tree.totals().errors, 2);
        check(&tree);
        assert!(apply_twice(&mut tree, TreeOp::Remove { parent: r, name: b"sub".to_vec() }));
        assert_eq!(tree.totals().errors, 1);
        assert_eq!(tree.dir(r).unwrap().errors, 1);
        check(&tree);
        // A successful stat clears the error the failed one left.
        let locked = at(&tree, &["pend", "locked"]);
        assert!(tree.stat_failed(locked));
        assert!(apply_twice(&mut tree, TreeOp::Restat { id: locked, stat: file(9, 40) }));
        assert!(!tree.stat_failed(locked) && !tree.has_error(locked));
        assert_eq!(tree.totals().errors, 0);
        check(&tree);

        assert!(tree.remove(r));
        assert!(!tree.remove(r));
        assert_eq!(tree.roots().count(), 0);
        assert_eq!(tree.node_ids().count(), 0);
        assert_eq!(*tree.totals(), Totals::default());
    }

    #[test]
    fn rename_within_a_directory_changes_the_name_only() {
        let mut tree = sample();
        let r = root(&tree);
        let c = at(&tree, &["c"]);
        let long = vec![b'L'; 300];
        let op = TreeOp::Rename { parent: r, from: b"c".to_vec(), to_parent: r, to: long.clone() };
        assert!(apply_twice(&mut tree, op));
        assert_eq!(tree.find_child(r, &long), Some(c));
        assert_eq!(tree.find_child(r, b"c"), None);
        assert_eq!(tree.name(c), &long[..]);
        check(&tree);
        // To the same name: nothing to do.
        let op = TreeOp::Rename { parent: r, from: long.clone(), to_parent: r, to: long };
        assert!(!tree.apply_op(op));
    }

    #[test]
    fn rename_across_directories_moves_the_subtree() {
        let mut tree = sample();
        let r = root(&tree);
        let sub = at(&tree, &["sub"]);
        let pend = at(&tree, &["pend"]);
        let deeper = at(&tree, &["sub", "deeper"]);
        let x = at(&tree, &["sub", "deeper", "x"]);
        let op = TreeOp::Rename {
            parent: sub,
            from: b"deeper".to_vec(),
            to_parent: pend,
            to: b"moved".to_vec(),
        };
        assert!(apply_twice(&mut tree, op));
        assert_eq!(at(&tree, &["pend", "moved", "x"]), x);
        assert_eq!(tree.path(x), Path::new("/r/pend/moved/x"));
        assert_eq!(tree.parent(deeper), Some(pend));
        assert_eq!(names(&tree, sub), ["deep"]);
        assert_eq!(tree.dir(sub).unwrap().total_size, 4096 + 7);
        assert_eq!(tree.dir(pend).unwrap().total_size, 4096 + 4096 + 3);
        assert_eq!(tree.dir(pend).unwrap().total_entries, 2);
        check(&tree);

        // And back into the range it came from, under its old name.
        let op = TreeOp::Rename {
            parent: pend,
            from: b"moved".to_vec(),
            to_parent: sub,
            to: b"deeper".to_vec(),
        };
        assert!(apply_twice(&mut tree, op));
        assert_eq!(at(&tree, &["sub", "deeper", "x"]), x);
        assert_eq!(tree.child_count(sub), 2);
        check(&tree);

        // Into its own subtree, or over its own ancestor: never happened.
        let op = TreeOp::Rename {
            parent: r,
            from: b"sub".to_vec(),
            to_parent: deeper,
            to: b"loop".to_vec(),
        };
        assert!(!tree.apply_op(op));
        let op = TreeOp::Rename {
            parent: deeper,
            from: b"x".to_vec(),
            to_parent: r,
            to: b"sub".to_vec(),
        };
        assert!(!tree.apply_op(op));
        check(&tree);
    }

    #[test]
    fn rename_onto_an_existing_name_replaces_it() {
        let mut tree = sample();
        let r = root(&tree);
        let sub = at(&tree, &["sub"]);
        let c = at(&tree, &["c"]);
        let deep = at(&tree, &["sub", "deep"]);
        let op =
            TreeOp::Rename { parent: r, from: b"c".to_vec(), to_parent: sub, to: b"deep".to_vec() };
        assert!(apply_twice(&mut tree, op));
        assert!(!tree.is_live(deep));
        assert_eq!(at(&tree, &["sub", "deep"]), c);
        assert_eq!(names(&tree, sub), ["deep", "deeper"]);
        assert_eq!(tree.dir(sub).unwrap().total_size, 2 * 4096 + 10 + 3);
        check(&tree);
        // A source that is not there: nothing changes.
        let op =
            TreeOp::Rename { parent: r, from: b"c".to_vec(), to_parent: sub, to: b"deep".to_vec() };
        assert!(!tree.apply_op(op));
    }

    #[test]
    fn a_change_of_type_replaces_the_node() {
        let mut tree = sample();
        let r = root(&tree);
        let c = at(&tree, &["c"]);
        assert!(apply_twice(&mut tree, TreeOp::Restat { id: c, stat: dir_stat(5) }));
        assert!(!tree.is_live(c));
        let new = at(&tree, &["c"]);
        assert_eq!(tree.kind(new), FileKind::Dir);
        assert_eq!(tree.dir(new).unwrap().state, DirState::NotRead);
        check(&tree);
        // A non-directory type change stays in place.
        let op = TreeOp::Upsert { parent: r, name: b"a".to_vec(), stat: stat(LINK, 3, 4, 1) };
        let a = at(&tree, &["a"]);
        assert!(apply_twice(&mut tree, op));
        assert_eq!(at(&tree, &["a"]), a);
        assert_eq!(tree.kind(a), FileKind::Symlink);
        assert_eq!(tree.totals().symlinks, 1);
        check(&tree);
        // A root turned into a file.
        assert!(tree.apply_op(TreeOp::Restat { id: r, stat: file(1, 1) }));
        let new_root = root(&tree);
        assert_ne!(new_root, r);
        assert_eq!(tree.name(new_root), b"/r");
        assert_eq!(tree.totals().entries, 1);
        check(&tree);
    }

    #[test]
    fn hard_links_count_once_and_only_the_counted_name_carries_the_size() {
        let mut tree = sample();
        let r = root(&tree);
        let total = |t: &Tree| t.dir(root(t)).unwrap().total_size;
        let before = total(&tree);
        // "b" is the extra name: removing it subtracts nothing.
        assert!(tree.is_extra_link(at(&tree, &["b"])));
        assert!(apply_twice(&mut tree, TreeOp::Remove { parent: r, name: b"b".to_vec() }));
        assert_eq!(total(&tree), before);
        check(&tree);
        // A new name of an inode already seen is an extra name too.
        let op = TreeOp::Upsert { parent: r, name: b"b2".to_vec(), stat: stat(FILE, 1000, 4, 2) };
        assert!(apply_twice(&mut tree, op));
        assert!(tree.is_extra_link(at(&tree, &["b2"])));
        assert_eq!(total(&tree), before);
        // Removing the counted name subtracts the size (approximate: b2 remains).
        assert!(apply_twice(&mut tree, TreeOp::Remove { parent: r, name: b"a".to_vec() }));
        assert_eq!(total(&tree), before - 1000);
        check(&tree);
        // Once a restat says it is the only name left, it counts again.
        let b2 = at(&tree, &["b2"]);
        assert!(apply_twice(&mut tree, TreeOp::Restat { id: b2, stat: stat(FILE, 1000, 4, 1) }));
        assert!(!tree.is_extra_link(b2));
        assert_eq!(total(&tree), before);
        check(&tree);
    }

    #[test]
    fn ops_on_what_is_not_a_live_directory_change_nothing() {
        let mut tree = sample();
        let c = at(&tree, &["c"]);
        let before = dump(&tree);
        assert!(!tree.apply_op(TreeOp::Upsert {
            parent: c,
            name: b"x".to_vec(),
            stat: file(1, 1)
        }));
        assert!(!tree.apply_op(TreeOp::Restat { id: NodeId(1 << 30), stat: file(1, 1) }));
        let ghost = NodeId(1 << 30);
        assert!(!tree.apply_op(TreeOp::Remove { parent: ghost, name: b"c".to_vec() }));
        assert_eq!(tree.find_child(ghost, b"c"), None);
        assert!(!tree.clear_children(c));
        assert!(tree.begin_rescan(c).is_none());
        assert_eq!(dump(&tree), before);
        // A rename out of view removes the source.
        let r = root(&tree);
        let op =
            TreeOp::Rename { parent: r, from: b"c".to_vec(), to_parent: ghost, to: b"c".to_vec() };
        assert!(apply_twice(&mut tree, op));
        assert!(!tree.is_live(c));
        check(&tree);
    }

    #[test]
    fn clear_children_then_apply_batch_to_repopulates_a_directory() {
        let mut tree = sample();
        let sub = at(&tree, &["sub"]);
        let x = at(&tree, &["sub", "deeper", "x"]);
        assert!(tree.clear_children(sub));
        assert!(!tree.clear_children(sub));
        assert_eq!(tree.child_count(sub), 0);
        assert!(!tree.is_live(x));
        assert_eq!(tree.dir(sub).unwrap().total_size, 4096);
        check(&tree);
        // A fresh listing whose parent key means nothing to this tree.
        let mut fresh = batch(0, key(77, 0), 0, 2);
        push(&mut fresh, b"one", file(100, 50), false);
        push(&mut fresh, b"two", dir_stat(51), true);
        assert!(tree.apply_batch_to(sub, &fresh));
        assert_eq!(names(&tree, sub), ["one", "two"]);
        assert_eq!(tree.dir(sub).unwrap().state, DirState::Complete);
        assert_eq!(tree.dir(at(&tree, &["sub", "two"])).unwrap().state, DirState::Pending);
        check(&tree);
        // The first walk's late batch for the cleared directory is ignored.
        let mut late = batch(8, key(1, 0), 0, 1);
        push(&mut late, b"stale", file(1, 60), false);
        assert!(!tree.apply_batch(&late));
        assert_eq!(tree.dropped_batches(), 0);
        check(&tree);
    }

    #[test]
    fn a_rescan_maps_a_fresh_scanners_batches_onto_the_tree() {
        let mut tree = sample();
        let sub = at(&tree, &["sub"]);
        let mut rescan = tree.begin_rescan(sub).unwrap();
        assert_eq!(tree.dir(sub).unwrap().state, DirState::Pending);
        // The fresh scanner numbers its batches from 0 again.
        let mut root = batch(0, Parent::Root(0), 0, 1);
        push(&mut root, b"/r/sub", stat(DIR, 8192, 2, 3), true);
        let mut top = batch(1, key(0, 0), 0, 2);
        push(&mut top, b"deep", file(70, 6), false);
        push(&mut top, b"fresh", dir_stat(9), true);
        let mut inner = batch(2, key(1, 1), 0, 1);
        push(&mut inner, b"leaf", file(5, 10), false);
        for b in [root, top, inner] {
            assert!(tree.apply_rescan(&mut rescan, ScanEvent::Batch(b)));
        }
        let error = ScanError { op: Op::ReadDir, errno: Some(5), reason: "I/O error".into() };
        let event = ScanEvent::DirError {
            dir: EntryKey { batch: 1, index: 1 },
            path: "/r/sub/fresh".into(),
            error,
        };
        assert!(tree.apply_rescan(&mut rescan, event));
        assert_eq!(rescan.dir(), sub);
        assert_eq!(tree.size(sub), 8192);
        assert_eq!(names(&tree, sub), ["deep", "fresh"]);
        assert_eq!(tree.size(at(&tree, &["sub", "fresh", "leaf"])), 5);
        assert_eq!(tree.dir(sub).unwrap().state, DirState::Complete);
        assert!(tree.has_error(at(&tree, &["sub", "fresh"])));
        assert_eq!(tree.dir(sub).unwrap().total_size, 8192 + 70 + 4096 + 5);
        assert_eq!(tree.dropped_batches(), 0);
        check(&tree);

        // A re-scan that finds the directory gone removes it.
        let mut rescan = tree.begin_rescan(sub).unwrap();
        let mut gone = batch(0, Parent::Root(0), 0, 1);
        let error = ScanError { op: Op::Stat, errno: Some(ENOENT), reason: "gone".into() };
        gone.push(b"/r/sub", None, FileKind::Unknown, Some(error), false, false, None);
        assert!(tree.apply_rescan(&mut rescan, ScanEvent::Batch(gone)));
        assert!(!tree.is_live(sub));
        check(&tree);
    }

    #[test]
    fn a_rescan_of_a_real_directory_matches_a_fresh_scan() {
        use crate::scan::{ScanOptions, start};
        fn scan(path: &Path, mut each: impl FnMut(ScanEvent)) {
            let handle = start(ScanOptions { threads: 2, ..ScanOptions::new(vec![path.into()]) })
                .expect("scan starts");
            for event in handle.events().iter() {
                let done = matches!(event, ScanEvent::Finished { .. });
                each(event);
                if done {
                    break;
                }
            }
        }
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path();
        std::fs::create_dir_all(base.join("a/b/c")).unwrap();
        std::fs::write(base.join("a/one"), b"1").unwrap();
        std::fs::write(base.join("a/b/two"), b"22").unwrap();
        std::fs::write(base.join("top"), b"333").unwrap();

        let mut tree = Tree::new();
        scan(base, |e| {
            tree.apply(e);
        });
        check(&tree);
        std::fs::remove_file(base.join("a/one")).unwrap();
        std::fs::create_dir(base.join("a/new")).unwrap();
        std::fs::write(base.join("a/new/three"), vec![0u8; 5000]).unwrap();
        std::fs::rename(base.join("a/b/two"), base.join("a/b/c/two")).unwrap();

        let a = tree.find_child(root(&tree), b"a").unwrap();
        let mut rescan = tree.begin_rescan(a).unwrap();
        scan(&base.join("a"), |e| {
            tree.apply_rescan(&mut rescan, e);
        });
        check(&tree);
        let mut fresh = Tree::new();
        scan(base, |e| {
            fresh.apply(e);
        });
        assert_eq!(dump(&tree), dump(&fresh));
        assert_eq!(tree.dropped_batches(), 0);
    }

    #[test]
    fn a_large_directory_gets_a_name_index_that_stays_right() {
        let mut tree = sample();
        let pend = at(&tree, &["pend"]);
        let n = 3000u32;
        let mut listing = batch(4, key(1, 1), 0, n);
        for i in 0..n {
            push(
                &mut listing,
                format!("f{i}").as_bytes(),
                file(u64::from(i), 100 + u64::from(i)),
                false,
            );
        }
        tree.apply_batch(&listing);
        let op = |i: u32| TreeOp::Remove { parent: pend, name: format!("f{i}").into_bytes() };
        for i in (0..n).step_by(3) {
            assert!(tree.apply_op(op(i)));
        }
        let op = TreeOp::Rename {
            parent: pend,
            from: b"f1".to_vec(),
            to_parent: pend,
            to: b"f0".to_vec(),
        };
        assert!(tree.apply_op(op));
        assert_eq!(tree.find_child(pend, b"f1"), None);
        assert!(tree.find_child(pend, b"f0").is_some());
        assert_eq!(tree.child_count(pend), n - n.div_ceil(3));
        check(&tree);
    }

    /// xorshift64*: deterministic, no dependencies.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
            (!items.is_empty()).then(|| items[self.below(items.len())])
        }
    }

    fn random_stat(rng: &mut Rng) -> EntryStat {
        let mode = [FILE, FILE, FILE, DIR, DIR, LINK, FIFO][rng.below(7)];
        let size = match rng.below(4) {
            0 => 0,
            1 => (1 << 33) + rng.next() % 1000,
            _ => rng.next() % 100_000,
        };
        let mut st = stat(mode, size, 200 + rng.next() % 6, 1 + rng.next() % 2);
        st.mode |= (rng.next() % 0o1000) as u32;
        st.uid = (rng.next() % 3) as u32;
        st.mtime.sec = match rng.below(5) {
            0 => -1000,
            1 => 5_000_000_000,
            _ => 1_600_000_000 + (rng.next() % 1000) as i64,
        };
        st
    }

    fn random_name(rng: &mut Rng, tree: &Tree, parent: NodeId) -> Vec<u8> {
        let kids: Vec<NodeId> = tree.children(parent).collect();
        if rng.below(3) > 0
            && let Some(kid) = rng.pick(&kids)
        {
            return tree.name(kid).to_vec();
        }
        let pool: [&[u8]; 8] = [b"a", b"b", b"c", b"sub", b"pend", b"x", b"\xff\x01", &[b'n'; 260]];
        pool[rng.below(pool.len())].to_vec()
    }

    #[test]
    fn aggregates_match_a_recomputation_after_random_ops() {
        // How many ops of each kind changed the tree, over all seeds.
        let mut changed = [0u32; 7];
        for seed in 1..=40u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            let mut tree = sample();
            // The walker's listing of "pend" arrives in two slices, whenever.
            let slice_at = [rng.below(40), rng.below(40)];
            for step in 0..250 {
                for (slice, _) in slice_at.iter().enumerate().filter(|&(_, &at)| at == step) {
                    let offset = 2 * slice as u32;
                    let mut listing = batch(4 + offset, key(1, 1), offset, 4);
                    let names: [&[u8]; 4] = [b"a", b"sub", b"z", b"x"];
                    push(&mut listing, names[2 * slice], file(1, 70), false);
                    push(&mut listing, names[2 * slice + 1], dir_stat(71), true);
                    changed[6] += u32::from(tree.apply_batch(&listing));
                }
                let dirs: Vec<NodeId> =
                    tree.node_ids().filter(|&id| tree.kind(id) == FileKind::Dir).collect();
                let all: Vec<NodeId> = tree.node_ids().collect();
                // Now and then a removed or non-directory parent.
                let parent = if rng.below(20) == 0 {
                    NodeId(rng.below(tree.len()) as u32)
                } else {
                    match rng.pick(&dirs) {
                        Some(d) => d,
                        None => break,
                    }
                };
                let context = format!("seed {seed} step {step}");
                match rng.below(15) {
                    0..=3 => {
                        let name = random_name(&mut rng, &tree, parent);
                        let stat = random_stat(&mut rng);
                        changed[0] += u32::from(apply_twice(
                            &mut tree,
                            TreeOp::Upsert { parent, name, stat },
                        ));
                    }
                    4..=6 => {
                        let name = random_name(&mut rng, &tree, parent);
                        changed[1] +=
                            u32::from(apply_twice(&mut tree, TreeOp::Remove { parent, name }));
                    }
                    7..=10 => {
                        let from = random_name(&mut rng, &tree, parent);
                        let to_parent = rng.pick(&dirs).unwrap_or(parent);
                        let to = random_name(&mut rng, &tree, to_parent);
                        let op = TreeOp::Rename { parent, from, to_parent, to };
                        changed[2] += u32::from(apply_twice(&mut tree, op));
                    }
                    11..=12 => {
                        if let Some(id) = rng.pick(&all) {
                            let mut stat = random_stat(&mut rng);
                            if tree.parent(id).is_none() {
                                // Keep a root to edit under.
                                stat.mode = DIR | 0o700;
                            }
                            changed[3] +=
                                u32::from(apply_twice(&mut tree, TreeOp::Restat { id, stat }));
                        }
                    }
                    13 => {
                        changed[4] += u32::from(tree.clear_children(parent));
                    }
                    _ => {
                        let mut b = batch(0, key(999, 0), 0, 3);
                        let mut seen = HashSet::new();
                        for _ in 0..rng.below(4) {
                            // A listing never holds a name twice.
                            let name = random_name(&mut rng, &tree, parent);
                            let st = random_stat(&mut rng);
                            if seen.insert(name.clone()) {
                                push(&mut b, &name, st, st.kind() == FileKind::Dir);
                            }
                        }
                        changed[5] += u32::from(tree.apply_batch_to(parent, &b));
                    }
                }
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&tree)));
                assert!(result.is_ok(), "{context}");
            }
            assert_eq!(tree.dropped_batches(), 0);
        }
        eprintln!("ops that changed the tree, by kind: {changed:?}");
        assert!(changed.iter().all(|&n| n >= 5), "{changed:?}");
    }
}
