//! Children added after a directory's batches: the per-directory overflow
//! set that [`Tree::children`] chains after the contiguous range, the
//! bookkeeping of range slots that were removed or moved away, and the name
//! index of large directories.

use std::collections::{BTreeSet, HashMap};

use super::node::{HIDDEN, NO_DIR, NONE, name_of};
use super::{NodeId, Tree};

/// Directories with at least this many children get a name index on the
/// first edit that looks a name up in them.
#[cfg(not(test))]
pub(super) const NAME_INDEX_MIN: u32 = 1024;
/// Small in tests, so the index path is exercised by every test.
#[cfg(test)]
pub(super) const NAME_INDEX_MIN: u32 = 4;

/// Edit state of one directory, created on its first edit.
#[derive(Debug, Default)]
pub(super) struct DirExtra {
    /// Children added outside the directory's range, by node index.
    pub(super) children: BTreeSet<u32>,
    /// Range slots that arrived but whose node was removed or moved away.
    pub(super) gone: u32,
    /// Cleared for a re-scan: batches of the first walk are ignored.
    pub(super) detached: bool,
    /// Name to child, for large directories (built on demand).
    pub(super) names: Option<HashMap<Box<[u8]>, u32>>,
}

impl DirExtra {
    pub(super) fn heap_bytes(&self) -> usize {
        // A B-tree entry and a hash entry with its boxed name, roughly.
        self.children.len() * 8 + self.names.as_ref().map_or(0, |n| n.capacity() * 48)
    }
}

impl Tree {
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

    pub(super) fn is_live_dir(&self, id: u32) -> bool {
        self.nodes.get(id as usize).is_some_and(|n| n.flags & HIDDEN == 0 && n.dir != NO_DIR)
    }

    /// True when `node` is `ancestor` or below it.
    pub(super) fn is_within(&self, node: u32, ancestor: u32) -> bool {
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
    pub(super) fn lookup(&mut self, parent: u32, name: &[u8]) -> Option<u32> {
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

    /// Builds the name index of directory `dir` now, whatever its size.
    pub(super) fn index_names(&mut self, dir: u32) {
        let index = self.nodes[dir as usize].dir as usize;
        if self.extras.get(self.dirs[index].extra as usize).is_some_and(|e| e.names.is_some()) {
            return;
        }
        let mut names = HashMap::new();
        for child in self.children(NodeId(dir)) {
            names.entry(Box::from(self.name(child))).or_insert(child.0);
        }
        self.extra_mut(index).names = Some(names);
    }

    /// The edit state of directory `index`, created on first use.
    pub(super) fn extra_mut(&mut self, index: usize) -> &mut DirExtra {
        if self.dirs[index].extra == NONE {
            self.dirs[index].extra = self.extras.len() as u32;
            self.extras.push(DirExtra::default());
        }
        &mut self.extras[self.dirs[index].extra as usize]
    }

    /// Makes `child` a child of `parent` (overflow set, or back in its range).
    pub(super) fn attach(&mut self, parent: u32, child: u32) {
        self.nodes[child as usize].parent = parent;
        self.touch_listed(parent);
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
    pub(super) fn detach(&mut self, child: u32) {
        let parent = self.nodes[child as usize].parent;
        self.touch_listed(parent);
        let (extra, in_range) = self.edit_slot(parent, child);
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
    pub(super) fn edit_slot(&mut self, parent: u32, child: u32) -> (usize, bool) {
        let index = self.nodes[parent as usize].dir as usize;
        let info = self.dirs[index];
        let in_range = (info.first_child..info.first_child + info.child_slots).contains(&child);
        self.extra_mut(index);
        (self.dirs[index].extra as usize, in_range)
    }
}
