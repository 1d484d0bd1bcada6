//! Reading the tree: the accessors of one node (what a removed node's
//! accessors answer is its last values), the children of a directory (its
//! range, then what edits added), the roots, the totals, and paths.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::error::ScanError;
use crate::model::mode::FileKind;

use super::node::{
    FLAG_ERROR, FLAG_LINK_DUP, FLAG_NO_STAT, FLAG_OTHER_FS, FLAG_REPEAT, HIDDEN, NO_DIR, NONE,
    Node, name_of, widen,
};
use super::overflow::DirExtra;
use super::{DirInfo, NodeId, RootError, Totals, Tree};

impl Tree {
    /// Number of node slots (including slots reserved for children still to
    /// come and nodes removed by edits): every `NodeId` is below it.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when nothing has arrived yet.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The root nodes, in the order the roots were given (missing ones not yet arrived).
    pub fn roots(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.roots.iter().flatten().copied().filter(|&id| self.is_live(id))
    }

    /// The roots that could not be stat-ed (they have no node).
    pub fn root_errors(&self) -> &[RootError] {
        &self.root_errors
    }

    /// Totals over everything applied so far.
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// Scan wall time, once the scanner said it finished.
    pub fn finished(&self) -> Option<std::time::Duration> {
        self.finished
    }

    /// Batches that could not be placed (a bug if ever non-zero).
    pub fn dropped_batches(&self) -> u64 {
        self.dropped_batches
    }

    pub(super) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// The raw name (for a root: the root path as given).
    pub fn name(&self, id: NodeId) -> &[u8] {
        name_of(&self.names, self.node(id))
    }

    /// The parent, `None` for a root.
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        let parent = self.node(id).parent;
        (parent != NONE).then_some(NodeId(parent))
    }

    /// The file type.
    pub fn kind(&self, id: NodeId) -> FileKind {
        FileKind::from_mode(u32::from(self.node(id).mode))
    }

    /// The full `st_mode` (type and the 12 permission bits).
    pub fn mode(&self, id: NodeId) -> u32 {
        u32::from(self.node(id).mode)
    }

    /// Owner and group ids (0, 0 when the entry could not be stat-ed).
    pub fn owner(&self, id: NodeId) -> (u32, u32) {
        let node = self.node(id);
        if node.flags & FLAG_NO_STAT != 0 {
            return (0, 0);
        }
        self.owners.get(node.owner as usize).copied().unwrap_or((0, 0))
    }

    /// Apparent size of the entry itself.
    pub fn size(&self, id: NodeId) -> u64 {
        widen(self.node(id).size, id, &self.wide_sizes)
    }

    /// Allocated bytes of the entry itself.
    pub fn allocated(&self, id: NodeId) -> u64 {
        widen(self.node(id).blocks, id, &self.wide_blocks).saturating_mul(512)
    }

    /// Modification time, seconds since the epoch.
    pub fn mtime(&self, id: NodeId) -> i64 {
        widen(self.node(id).mtime, id, &self.wide_mtimes)
    }

    /// True when the entry (or reading it, for a directory) failed.
    pub fn has_error(&self, id: NodeId) -> bool {
        self.node(id).flags & FLAG_ERROR != 0
    }

    /// The error attached to the entry.
    pub fn error(&self, id: NodeId) -> Option<&ScanError> {
        self.errors.get(&id.0)
    }

    /// True when `lstat` failed and only the listed type is known.
    pub fn stat_failed(&self, id: NodeId) -> bool {
        self.node(id).flags & FLAG_NO_STAT != 0
    }

    /// True for a second (third, …) name of a hard-linked file already counted.
    pub fn is_extra_link(&self, id: NodeId) -> bool {
        self.node(id).flags & FLAG_LINK_DUP != 0
    }

    /// True when the node adds nothing to [`Tree::totals`]: a second way into
    /// a directory another root counts (the same root twice, a root inside
    /// another), or a node below one. Its own
    /// directories' aggregates count it as usual.
    pub fn is_repeat(&self, id: NodeId) -> bool {
        self.node(id).flags & FLAG_REPEAT != 0
    }

    /// True for a directory on another filesystem left unread by `-x`.
    pub fn is_other_fs(&self, id: NodeId) -> bool {
        self.node(id).flags & FLAG_OTHER_FS != 0
    }

    /// Aggregates, for a directory.
    pub fn dir(&self, id: NodeId) -> Option<&DirInfo> {
        let dir = self.node(id).dir;
        (dir != NO_DIR).then(|| &self.dirs[dir as usize])
    }

    /// Total apparent size: the subtree for a directory, else the entry.
    pub fn total_size(&self, id: NodeId) -> u64 {
        self.dir(id).map_or_else(|| self.size(id), |d| d.total_size)
    }

    /// Total allocated bytes (disk usage): the subtree for a directory,
    /// else the entry.
    pub fn total_alloc(&self, id: NodeId) -> u64 {
        self.dir(id).map_or_else(|| self.allocated(id), |d| d.total_alloc)
    }

    /// The children that have arrived, in listing order; children an edit
    /// added after the directory's batches follow, in the order they were
    /// added. Never a removed node; nothing for a removed directory.
    pub fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let (range, extra) = match self.dir(id) {
            Some(d) if self.node(id).flags & HIDDEN == 0 => {
                (d.first_child..d.first_child + d.child_slots, self.extras.get(d.extra as usize))
            }
            _ => (0..0, None),
        };
        range
            .filter(move |&i| {
                // A child moved elsewhere by a rename keeps its slot here.
                let node = &self.nodes[i as usize];
                node.flags & HIDDEN == 0 && node.parent == id.0
            })
            .chain(extra.into_iter().flat_map(|e| e.children.iter().copied()))
            .map(NodeId)
    }

    /// Every node that has arrived and was not removed, in storage order.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.nodes.len() as u32)
            .filter(|&i| self.nodes[i as usize].flags & HIDDEN == 0)
            .map(NodeId)
    }

    /// Number of children that have arrived (cheaper than counting `children`).
    pub fn child_count(&self, id: NodeId) -> u32 {
        if self.node(id).flags & HIDDEN != 0 {
            return 0;
        }
        self.dir(id).map_or(0, |d| match self.extras.get(d.extra as usize) {
            Some(extra) => d.filled - extra.gone + extra.children.len() as u32,
            None => d.filled,
        })
    }

    /// A count of the calls that may have changed the tree: equal counts
    /// mean an unchanged tree (what the view keeps, such as a huge
    /// directory's order, still holds).
    pub fn edits(&self) -> u64 {
        self.edits
    }

    /// True when `id` is a node that has arrived and was not removed since.
    /// A removed node's accessors keep answering with its last values.
    pub fn is_live(&self, id: NodeId) -> bool {
        self.nodes.get(id.0 as usize).is_some_and(|n| n.flags & HIDDEN == 0)
    }

    /// The full path, as the user would type it.
    pub fn path(&self, id: NodeId) -> PathBuf {
        let mut parts = Vec::new();
        let mut cursor = Some(id);
        while let Some(node) = cursor {
            parts.push(self.name(node));
            cursor = self.parent(node);
        }
        let mut path = PathBuf::new();
        for part in parts.iter().rev() {
            path.push(OsStr::from_bytes(part));
        }
        path
    }

    /// Bytes held by the tree's storage (nodes, directories, names, indexes).
    pub fn heap_bytes(&self) -> usize {
        self.nodes.heap_bytes()
            + self.dirs.heap_bytes()
            + self.child_stamps.heap_bytes()
            + self.names.heap_bytes()
            + self.batch_base.capacity() * 4
            + self.links_seen.capacity() * 16
            + self.dir_claims.capacity() * 32
            + (self.wide_sizes.capacity() + self.wide_blocks.capacity()) * 12
            + self.wide_mtimes.capacity() * 12
            + self.extras.iter().map(DirExtra::heap_bytes).sum::<usize>()
    }
}
