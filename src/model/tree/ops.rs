//! The edits themselves: [`TreeOp`] and [`Tree::apply_op`] (upsert, remove,
//! rename, restat; taking out a subtree is in `remove`). How edits are stored
//! and what they guarantee is documented on [`TreeOp`].

use crate::model::mode::FileKind;
use crate::scan::EntryStat;

use super::aggregates::Sums;
use super::insert::NewEntry;
use super::node::{FLAG_LINK_DUP, FLAG_NO_STAT, NONE, Node, narrow};
use super::{NodeId, Tree};

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
/// node reachable from the roots that is not a repeat ([`Tree::is_repeat`]); `child_count` equals the number of
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

impl Tree {
    /// Applies one change. Returns true when the tree changed; applying the
    /// same op a second time returns false and changes nothing. An op naming
    /// a parent that is not a live directory is a no-op.
    pub fn apply_op(&mut self, op: TreeOp) -> bool {
        self.edits += 1;
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

    /// Removes a node (a root too) and everything below it. Returns false
    /// when it was not live.
    pub fn remove(&mut self, id: NodeId) -> bool {
        self.edits += 1;
        self.remove_node(id.0)
    }

    pub(super) fn upsert(&mut self, parent: u32, name: &[u8], stat: &EntryStat) -> bool {
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

    pub(super) fn rename(&mut self, parent: u32, from: &[u8], to_parent: u32, to: &[u8]) -> bool {
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
    pub(super) fn restat(&mut self, id: u32, stat: &EntryStat) -> (u32, bool) {
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
        let mtime = narrow(stat.mtime.sec, id, &mut self.wide_mtimes);
        let node = &mut self.nodes[id as usize];
        node.mode = stat.mode as u16;
        (node.owner, node.size, node.blocks, node.mtime) = (owner, size, blocks, mtime);
        let had_no_stat = node.flags & FLAG_NO_STAT != 0;
        node.flags &= !FLAG_NO_STAT;
        let parent = node.parent;
        // Its type, times or own size may have moved it among its siblings
        // (a hard link counted elsewhere changes no total: only this says so).
        self.touch_listed(parent);
        let node = &mut self.nodes[id as usize];
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
        let repeat = self.is_repeat(NodeId(id));
        if counted && !repeat && stat.nlink > 1 && new_kind != FileKind::Dir {
            self.links_seen.insert((stat.dev, stat.ino));
        }
        if had_no_stat {
            // The error was the failed stat, which just succeeded.
            self.clear_error(id);
        }
        if old_kind != new_kind && !repeat {
            self.count_kind(old_kind, -1);
            self.count_kind(new_kind, 1);
        }
        (id, before != self.snapshot(id))
    }

    /// Replaces a node by a fresh one with the same name and place.
    pub(super) fn replace(&mut self, id: u32, stat: &EntryStat) -> u32 {
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

    /// Adds a new node as a child of `parent` through its overflow set.
    pub(super) fn add_child(&mut self, parent: u32, name: &[u8], entry: &NewEntry<'_>) -> u32 {
        let id = self.nodes.len() as u32;
        let mut sums = Sums::default();
        self.insert(id, parent, name, entry, &mut sums);
        self.attach(parent, id);
        self.propagate(parent, sums);
        id
    }

    /// Everything a restat can change about a node, to tell whether it did.
    pub(super) fn snapshot(&self, id: u32) -> (Node, u64, u64, i64) {
        let id = NodeId(id);
        (*self.node(id), self.size(id), self.allocated(id), self.mtime(id))
    }
}

/// A new entry from a fresh `lstat`: never descended into (a directory added
/// this way is `NotRead` until re-scanned or marked with `set_dir_state`).
fn from_stat(stat: &EntryStat) -> NewEntry<'_> {
    NewEntry {
        stat: Some(stat),
        kind: stat.kind(),
        error: None,
        descend: false,
        other_fs: false,
        seen_before: false,
    }
}
