//! Each directory's children in sorted order, kept between rebuilds of the
//! rows, so a rebuild that nothing invalidated copies orders instead of
//! sorting (going back out of a zoom over a million open rows sorted
//! 32,260 directories of 30 entries again: 29 ms at low load, 115 ms at
//! load 15).
//!
//! What is kept is the order of *all* the children, hidden ones and those a
//! filter drops included: a stable sort of a subset is the full order with
//! the others left out, so the rows filter while they copy and the kept
//! order does not depend on the hidden entries or on a filter. It depends on
//! the sort key (and, for the size sort, on apparent size against disk
//! usage: changing either drops every kept order) and on the children as
//! the tree's [`ChildStamps`](crate::model::tree::ChildStamps) see them: an
//! order sorted when [`Tree::edits`] was `at` holds while the directory's
//! stamps are at most `at` (for the name and time sorts the `listed` stamp,
//! for the size sort both). While a scan streams in, the directories it adds
//! to are sorted again, and by size every directory above them too.
//!
//! Directories of [`OrderCache::big`](super::order::OrderCache) children or
//! more are not kept here: they sort in steps (`order.rs`).
//!
//! Memory: 4 bytes per child of each directory kept (every directory shown
//! open since the sort key last changed, while it lives) and 2 bits for its
//! marks, plus about 60 bytes per directory kept (its bookkeeping and
//! allocation) and 4 per directory number up to the largest kept: 5.7
//! bytes per entry for a million entries in directories of 30.

use std::cmp::Ordering;

use crate::config::SortKey;
use crate::model::{FileKind, NodeId, Tree};

/// The kept orders.
#[derive(Debug, Default)]
pub struct SortedChildren {
    /// The sort key, and for the size sort whether by disk usage: what the
    /// kept orders are sorted by.
    key: Option<(SortKey, bool)>,
    /// By directory number ([`Tree::dir_number`]): 1 + the index of its
    /// order in `kept`, 0 for none. Not a hash map: a rebuild looks up every
    /// open directory, and a hash spreads those lookups over the whole table
    /// (a cache miss each); directory numbers follow the order the scan
    /// delivered them, close to the order the rows visit them.
    slot_of: Vec<u32>,
    kept: Vec<Kept>,
    /// How many orders were kept after the last tidy-up.
    after_tidy: usize,
    /// Comparisons made so far (tests read it).
    pub work: u64,
    /// Orders sorted, and orders reused, so far (tests and benches read them).
    pub sorts: u64,
    /// See `sorts`.
    pub reuses: u64,
}

#[derive(Debug)]
struct Kept {
    dir: NodeId,
    number: u32,
    /// [`Tree::edits`] when sorted.
    at: u64,
    /// How many children.
    len: u32,
    /// The children in order, then their marks, in one allocation: two
    /// bits per child, 16 children to a 32-bit word — a directory, a name
    /// starting with a dot. What the rows ask of each child, without
    /// reading its node (a cache miss each: with hidden entries off, a
    /// rebuild took 3.5 times as long); a type or name that changes moves
    /// the `listed` stamp, so the marks hold as long as the order does.
    data: Box<[u32]>,
}

/// One directory's children in order, with what the rows ask of each.
#[derive(Debug, Clone, Copy)]
pub struct Sorted<'a> {
    ids: &'a [u32],
    marks: &'a [u32],
}

impl Sorted<'_> {
    /// How many children.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True for a directory without children.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Child `i`.
    pub fn id(&self, i: usize) -> NodeId {
        NodeId(self.ids[i])
    }

    /// True when child `i` is a directory.
    pub fn is_dir(&self, i: usize) -> bool {
        self.marks[i / 16] >> (2 * (i % 16)) & 1 != 0
    }

    /// True when the name of child `i` starts with a dot.
    pub fn is_dot(&self, i: usize) -> bool {
        self.marks[i / 16] >> (2 * (i % 16)) & 2 != 0
    }
}

/// `ids` and their marks (see [`Kept::data`]), into `data`.
fn pack(tree: &Tree, ids: &[NodeId], data: &mut Vec<u32>) {
    data.clear();
    data.extend(ids.iter().map(|id| id.0));
    data.resize(ids.len() + ids.len().div_ceil(16), 0);
    let marks = &mut data[ids.len()..];
    for (i, &id) in ids.iter().enumerate() {
        let dir = u32::from(tree.kind(id) == FileKind::Dir);
        let dot = u32::from(tree.name(id).starts_with(b"."));
        marks[i / 16] |= (dir | dot << 1) << (2 * (i % 16));
    }
}

impl Kept {
    fn sorted(&self) -> Sorted<'_> {
        let (ids, marks) = self.data.split_at(self.len as usize);
        Sorted { ids, marks }
    }
}

impl SortedChildren {
    /// Every child of `dir` in the sibling order `cmp` of the sort key
    /// `sort` (with `disk_usage`: by disk usage when by size), hidden and
    /// filtered ones included: from the kept order when it holds, else
    /// sorted now and kept. `None` when `dir` is not a live directory or has
    /// `big` children or more: those are not sorted inline.
    pub fn children(
        &mut self,
        tree: &Tree,
        (sort, disk_usage): (SortKey, bool),
        cmp: &dyn Fn(NodeId, NodeId) -> Ordering,
        (dir, big): (NodeId, usize),
    ) -> Option<Sorted<'_>> {
        let by_size = sort == SortKey::Size;
        let key = (sort, by_size && disk_usage);
        if self.key != Some(key) {
            self.kept.clear();
            self.slot_of.clear();
            self.after_tidy = 0;
            self.key = Some(key);
        }
        let (number, stamps) = (tree.dir_number(dir)?, tree.child_stamps(dir)?);
        let slot = self.slot_of.get(number as usize).map_or(0, |&s| s as usize);
        if let Some(i) = slot.checked_sub(1)
            && stamps.unchanged_since(self.kept[i].at, by_size)
        {
            self.reuses += 1;
            return Some(self.kept[i].sorted());
        }
        let ids: Vec<NodeId> = if (tree.child_count(dir) as usize) < big {
            tree.children(dir).collect()
        } else {
            Vec::new()
        };
        if ids.len() >= big || ids.is_empty() && tree.child_count(dir) as usize >= big {
            // Huge: sorted in steps, not kept here.
            self.drop_slot(slot);
            return None;
        }
        let mut ids = ids;
        let at = tree.edits();
        let mut n = 0u64;
        ids.sort_by(|&a, &b| {
            n += 1;
            cmp(a, b)
        });
        self.work += n;
        self.sorts += 1;
        let mut data = Vec::new();
        pack(tree, &ids, &mut data);
        let len = ids.len() as u32;
        let i = match slot.checked_sub(1) {
            Some(i) => {
                let kept = &mut self.kept[i];
                if kept.data.len() == data.len() {
                    kept.data.copy_from_slice(&data);
                } else {
                    kept.data = data.into_boxed_slice();
                }
                (kept.at, kept.len) = (at, len);
                i
            }
            None => {
                if self.slot_of.len() <= number as usize {
                    self.slot_of.resize(number as usize + 1, 0);
                }
                self.kept.push(Kept { dir, number, at, len, data: data.into_boxed_slice() });
                self.slot_of[number as usize] = self.kept.len() as u32;
                self.kept.len() - 1
            }
        };
        Some(self.kept[i].sorted())
    }

    /// Forgets the order in `slot` (1-based; 0: none).
    fn drop_slot(&mut self, slot: usize) {
        let Some(i) = slot.checked_sub(1) else { return };
        let gone = self.kept.swap_remove(i);
        self.slot_of[gone.number as usize] = 0;
        if let Some(moved) = self.kept.get(i) {
            self.slot_of[moved.number as usize] = slot as u32;
        }
    }

    /// Drops the orders of directories removed from the tree, once the
    /// orders kept have doubled since the last time (amortized: linear in
    /// what is kept, once per as many new orders).
    pub fn tidy(&mut self, tree: &Tree) {
        if self.kept.len() <= 2 * self.after_tidy + 1024 {
            return;
        }
        for kept in &self.kept {
            self.slot_of[kept.number as usize] = 0;
        }
        self.kept.retain(|kept| tree.is_live(kept.dir));
        for (i, kept) in self.kept.iter().enumerate() {
            self.slot_of[kept.number as usize] = i as u32 + 1;
        }
        self.after_tidy = self.kept.len();
    }

    /// Bytes held by the kept orders and their index.
    pub fn heap_bytes(&self) -> usize {
        let data: usize = self.kept.iter().map(|k| k.data.len() * size_of::<u32>()).sum();
        data + self.kept.capacity() * size_of::<Kept>() + self.slot_of.capacity() * size_of::<u32>()
    }

    /// Number of directories whose order is kept.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// True when no order is kept.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }
}
