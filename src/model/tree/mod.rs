//! The arena tree the scanner's batches are applied to.
//!
//! Nodes live in chunked vectors indexed by [`NodeId`]; the children of a
//! directory occupy one contiguous range (a directory arrives as one batch, or
//! as slices of one reserved range), so a directory needs no child list of its
//! own. Directory aggregates are updated as batches arrive, so the tree is
//! complete and consistent after every [`Tree::apply`] — it can be displayed
//! at any moment of a scan.
//!
//! After (or during) the scan the tree changes in place through [`TreeOp`]s
//! (see there for the invariants): children added later hang off a
//! per-directory overflow set that [`Tree::children`] chains after the range,
//! and removed nodes keep their slot with a removed mark that every reader
//! skips.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use super::chunked::{ChunkedVec, NameArena};
use super::mode::FileKind;
use crate::error::ScanError;
use crate::scan::{Batch, EntryKey, EntryStat, Parent, RawEntry, ScanEvent};

mod aggregates;
#[cfg(test)]
mod edit_tests;
mod ops;
mod overflow;
mod rescan;
mod stamps;

pub use ops::TreeOp;
use overflow::DirExtra;
pub use rescan::Rescan;
pub use stamps::DirStamp;

/// Index of a node in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

const NONE: u32 = u32::MAX;
const NO_DIR: u32 = u32::MAX;

const FLAG_ERROR: u8 = 1;
const FLAG_LINK_DUP: u8 = 2;
const FLAG_VACANT: u8 = 4;
const FLAG_OTHER_FS: u8 = 8;
const FLAG_NO_STAT: u8 = 16;
/// Removed by an edit: the slot stays (ids never move) but no reader sees it.
const FLAG_REMOVED: u8 = 32;
/// A second way into a directory another root already counts in the totals
/// (the same root given twice, a root inside another root), or a node below
/// one: it counts in its own directories' aggregates but adds
/// nothing to [`Totals`], so an entry reached from two roots counts once.
const FLAG_REPEAT: u8 = 64;
/// Slots no reader returns: not arrived yet, or removed.
const HIDDEN: u8 = FLAG_VACANT | FLAG_REMOVED;

/// One entry: 32 bytes plus its name in the arena. Size, allocated blocks
/// and mtime are stored in 32 bits; the rare value that does not fit (a file
/// over 4 GiB, a time before 1970 or after 2106) is kept exactly in a side
/// table and the field holds `WIDE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Node {
    name: u32,
    parent: u32,
    owner: u32,
    dir: u32,
    size: u32,
    /// Allocated 512-byte blocks.
    blocks: u32,
    /// Seconds since the epoch.
    mtime: u32,
    mode: u16,
    /// Length of the name, or `LONG_NAME`: the name carries its own length prefix.
    name_len: u8,
    flags: u8,
}

const _: () = assert!(std::mem::size_of::<Node>() == 32);

/// Field value meaning "look in the side table".
const WIDE: u32 = u32::MAX;

/// `name_len` value for names of 255 bytes or more (some filesystems return
/// longer names than NAME_MAX, and a root's name is its whole path).
const LONG_NAME: u8 = u8::MAX;

const VACANT: Node = Node {
    name: 0,
    parent: NONE,
    owner: 0,
    dir: NO_DIR,
    size: 0,
    blocks: 0,
    mtime: 0,
    mode: 0,
    name_len: 0,
    flags: FLAG_VACANT,
};

/// How far the walk got with a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirState {
    /// The walker will read it; nothing has arrived yet.
    Pending,
    /// Some slices of a large directory have arrived.
    Partial,
    /// Every child has arrived.
    Complete,
    /// Reading it failed (see the node's error).
    Failed,
    /// Deliberately not read: another filesystem under `-x`, a loop, a
    /// symlink that is not followed, or a stat that failed.
    NotRead,
}

/// Per-directory aggregates over the whole subtree.
#[derive(Debug, Clone, Copy)]
pub struct DirInfo {
    first_child: u32,
    child_slots: u32,
    filled: u32,
    /// Entries in the subtree with an error mark (this directory included).
    pub errors: u32,
    /// Apparent bytes of the directory itself and everything below it
    /// (each hard-linked file counted once).
    pub total_size: u64,
    /// Allocated bytes, same rule.
    pub total_alloc: u64,
    /// Entries below the directory (not counting itself).
    pub total_entries: u64,
    /// How far the walk got.
    pub state: DirState,
    /// Index in `Tree::extras` once the directory was edited, else `NONE`.
    extra: u32,
}

// The extra index fits in what was padding.
const _: () = assert!(std::mem::size_of::<DirInfo>() == 48);

/// Totals over every root, each entry once: a directory that a second root
/// reaches too (see [`Tree::is_repeat`]) adds nothing again, nor does
/// anything below it; a hard-linked file's bytes count once, its names each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// All entries, roots included.
    pub entries: u64,
    /// Directories.
    pub dirs: u64,
    /// Regular files.
    pub files: u64,
    /// Symbolic links.
    pub symlinks: u64,
    /// FIFOs, sockets, devices and entries of unknown type.
    pub other: u64,
    /// Entries with an error mark, and roots that could not be stat-ed
    /// (those are errors only: no entry, no type).
    pub errors: u64,
    /// Apparent bytes (hard links counted once).
    pub apparent: u64,
    /// Allocated bytes (hard links counted once).
    pub allocated: u64,
}

#[derive(Default, Clone, Copy)]
struct Sums {
    size: u64,
    alloc: u64,
    entries: u64,
    errors: u32,
}

/// A root the scanner could not stat: it has no node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootError {
    /// Its index among the roots given.
    pub index: usize,
    /// The root as given.
    pub path: PathBuf,
    /// Why (the operation and the reason).
    pub error: ScanError,
}

/// The tree of everything scanned so far.
#[derive(Default)]
pub struct Tree {
    nodes: ChunkedVec<Node, 65536>,
    dirs: ChunkedVec<DirInfo, 16384>,
    /// Per entry of `dirs`: when its children were read (see `stamps`).
    dir_stamps: ChunkedVec<stamps::DirStamp, 16384>,
    names: NameArena,
    /// Node of entry 0 of each batch, by batch id (`NONE` until it arrives).
    batch_base: Vec<u32>,
    owners: Vec<(u32, u32)>,
    owner_index: HashMap<(u32, u32), u32>,
    last_owner: Option<((u32, u32), u32)>,
    links_seen: HashSet<(u64, u64)>,
    /// The node that counts each entered directory in the totals, and its
    /// root, by `(dev, ino)`; a live node of another root with the same
    /// identity is a repeat.
    dir_claims: HashMap<(u64, u64), (u32, u32)>,
    wide_sizes: HashMap<u32, u64>,
    wide_blocks: HashMap<u32, u64>,
    wide_mtimes: HashMap<u32, i64>,
    errors: HashMap<u32, ScanError>,
    /// Edit state of directories changed after their batches (see `DirInfo::extra`).
    extras: Vec<DirExtra>,
    roots: Vec<Option<NodeId>>,
    /// Roots that could not be stat-ed, in the order they were reported.
    root_errors: Vec<RootError>,
    totals: Totals,
    finished: Option<std::time::Duration>,
    dropped_batches: u64,
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies one scanner event. Returns true when the tree changed.
    pub fn apply(&mut self, event: ScanEvent) -> bool {
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
    fn fill_range(&mut self, parent: u32, batch: &Batch) -> Option<u32> {
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
        let info = &mut self.dirs[parent_dir as usize];
        info.filled += batch.entries.len() as u32;
        info.state =
            if info.filled >= info.child_slots { DirState::Complete } else { DirState::Partial };
        self.propagate(parent, sums);
        Some(base)
    }

    fn reserve_children(&mut self, parent: u32, batch: &Batch) -> Option<u32> {
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

    fn insert(&mut self, id: u32, parent: u32, name: &[u8], entry: &NewEntry<'_>, sums: &mut Sums) {
        let kind = entry.kind;
        let mut flags = 0;
        if self.is_repeat_entry(id, parent, entry) {
            flags |= FLAG_REPEAT;
        }
        let in_totals = flags & FLAG_REPEAT == 0;
        let mut node = Node { parent, ..VACANT };
        (node.name, node.name_len) = self.store_name(name);
        node.mode = kind.mode_bits() as u16;
        let mut counted = true;
        match entry.stat {
            Some(st) => {
                // st_mode is 16 bits wide: 4 of type, 12 of permissions.
                node.mode = st.mode as u16;
                node.owner = self.intern_owner(st.uid, st.gid);
                node.size = narrow(st.size, id, &mut self.wide_sizes);
                node.blocks = narrow(st.blocks, id, &mut self.wide_blocks);
                node.mtime = narrow_mtime(st.mtime.sec, id, &mut self.wide_mtimes);
                // A repeat only looks: the name the totals count must be
                // the one that records the file, whichever arrives first.
                let identity = (st.dev, st.ino);
                let hard_link = st.nlink > 1 && kind != FileKind::Dir;
                if hard_link
                    && (if in_totals {
                        !self.links_seen.insert(identity)
                    } else {
                        self.links_seen.contains(&identity)
                    })
                {
                    flags |= FLAG_LINK_DUP;
                    counted = false;
                }
            }
            None => flags |= FLAG_NO_STAT,
        }
        if entry.other_fs {
            flags |= FLAG_OTHER_FS;
        }
        if let Some(error) = entry.error {
            flags |= FLAG_ERROR;
            self.errors.insert(id, error.clone());
            sums.errors += 1;
            self.totals.errors += u64::from(in_totals);
        }
        let (own_size, own_alloc) = entry.stat.map_or((0, 0), |st| (st.size, st.allocated()));
        if kind == FileKind::Dir {
            node.dir = self.dirs.push(DirInfo {
                first_child: 0,
                child_slots: 0,
                filled: 0,
                errors: u32::from(entry.error.is_some()),
                total_size: own_size,
                total_alloc: own_alloc,
                total_entries: 0,
                state: if entry.descend { DirState::Pending } else { DirState::NotRead },
                extra: NONE,
            }) as u32;
            self.dir_stamps.push(entry.stat.map(stamps::DirStamp::of).unwrap_or_default());
        }
        node.flags = flags;
        if counted {
            sums.size += own_size;
            sums.alloc += own_alloc;
        }
        if counted && in_totals {
            self.totals.apparent += own_size;
            self.totals.allocated += own_alloc;
        }
        sums.entries += 1;
        if in_totals {
            self.count_kind(kind, 1);
        }
        let slot = id as usize;
        if slot == self.nodes.len() {
            self.nodes.push(node);
        } else {
            self.nodes[slot] = node;
        }
    }

    /// Whether a new node is a repeat: below one, or a directory the walk
    /// enters that a live node of another root already claimed (else it
    /// claims it). Within one root every path counts, as its listing shows
    /// it (two links to one directory under `-L`, a bind mount). Directories
    /// not entered (a loop, another filesystem, an edit's new directory) add
    /// nothing below them, so they are never repeats.
    fn is_repeat_entry(&mut self, id: u32, parent: u32, entry: &NewEntry<'_>) -> bool {
        if parent != NONE && self.nodes[parent as usize].flags & FLAG_REPEAT != 0 {
            return true;
        }
        let Some(st) = entry.stat.filter(|_| entry.kind == FileKind::Dir && entry.descend) else {
            return false;
        };
        let root = if parent == NONE { id } else { self.root_of(parent) };
        let identity = (st.dev, st.ino);
        match self.dir_claims.get(&identity) {
            Some(&(claim, claim_root)) if claim != id && self.is_live(NodeId(claim)) => {
                claim_root != root
            }
            _ => {
                // Unclaimed, or its claimer was removed since: this one counts.
                self.dir_claims.insert(identity, (id, root));
                false
            }
        }
    }

    /// The root above a node (the node itself for a root).
    fn root_of(&self, mut id: u32) -> u32 {
        loop {
            match self.nodes[id as usize].parent {
                NONE => return id,
                parent => id = parent,
            }
        }
    }

    /// Stores a name in the arena: its position and `name_len` field.
    fn store_name(&mut self, name: &[u8]) -> (u32, u8) {
        if name.len() < usize::from(LONG_NAME) {
            (self.names.push(name), name.len() as u8)
        } else {
            (self.names.push_long(name), LONG_NAME)
        }
    }

    /// Adds `n` (which may be negative) to the per-kind totals.
    fn count_kind(&mut self, kind: FileKind, n: i64) {
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

    fn intern_owner(&mut self, uid: u32, gid: u32) -> u32 {
        // Neighbours almost always share an owner: skip the hash lookup then.
        if let Some((last, index)) = self.last_owner
            && last == (uid, gid)
        {
            return index;
        }
        let next = self.owners.len() as u32;
        let index = *self.owner_index.entry((uid, gid)).or_insert(next);
        if index == next {
            self.owners.push((uid, gid));
        }
        self.last_owner = Some(((uid, gid), index));
        index
    }

    /// Adds `sums` to the directory `from` and every ancestor.
    fn propagate(&mut self, from: u32, sums: Sums) {
        let mut cursor = from;
        while cursor != NONE {
            let node = self.nodes[cursor as usize];
            if node.dir != NO_DIR {
                let info = &mut self.dirs[node.dir as usize];
                info.total_size += sums.size;
                info.total_alloc += sums.alloc;
                info.total_entries += sums.entries;
                info.errors += sums.errors;
            }
            cursor = node.parent;
        }
    }

    /// Subtracts `sums` from the directory `from` and every ancestor.
    fn unpropagate(&mut self, from: u32, sums: Sums) {
        let mut cursor = from;
        while cursor != NONE {
            let node = self.nodes[cursor as usize];
            if node.dir != NO_DIR {
                let info = &mut self.dirs[node.dir as usize];
                info.total_size = info.total_size.saturating_sub(sums.size);
                info.total_alloc = info.total_alloc.saturating_sub(sums.alloc);
                info.total_entries = info.total_entries.saturating_sub(sums.entries);
                info.errors = info.errors.saturating_sub(sums.errors);
            }
            cursor = node.parent;
        }
    }

    /// A root that could not be stat-ed: no node, one error in the totals.
    fn apply_root_error(&mut self, index: usize, path: PathBuf, error: ScanError) -> bool {
        if self.roots.len() <= index {
            self.roots.resize(index + 1, None);
        }
        self.roots[index] = None;
        self.root_errors.push(RootError { index, path, error });
        self.totals.errors += 1;
        true
    }

    fn apply_dir_error(&mut self, key: EntryKey, error: ScanError) -> bool {
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
    fn mark_dir_error(&mut self, id: u32, error: ScanError) {
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
    fn resolve_slot(&self, key: EntryKey) -> Option<NodeId> {
        let base = *self.batch_base.get(key.batch as usize)?;
        (base != NONE).then_some(NodeId(base + key.index))
    }

    // ---- reading -------------------------------------------------------

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

    fn node(&self, id: NodeId) -> &Node {
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
        match self.node(id).mtime {
            WIDE => self.wide_mtimes.get(&id.0).copied().unwrap_or(i64::from(WIDE)),
            sec => i64::from(sec),
        }
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
            + self.names.heap_bytes()
            + self.batch_base.capacity() * 4
            + self.links_seen.capacity() * 16
            + self.dir_claims.capacity() * 32
            + (self.wide_sizes.capacity() + self.wide_blocks.capacity()) * 12
            + self.wide_mtimes.capacity() * 12
            + self.extras.iter().map(DirExtra::heap_bytes).sum::<usize>()
    }
}

/// A node's name in the arena.
fn name_of<'a>(names: &'a NameArena, node: &Node) -> &'a [u8] {
    match node.name_len {
        LONG_NAME => names.get_long(node.name),
        len => names.get(node.name, usize::from(len)),
    }
}

/// Stores `value` in 32 bits, or records it in `table` and returns `WIDE`.
fn narrow(value: u64, id: u32, table: &mut HashMap<u32, u64>) -> u32 {
    match u32::try_from(value) {
        Ok(small) if small != WIDE => small,
        _ => {
            table.insert(id, value);
            WIDE
        }
    }
}

/// Stores seconds since the epoch in 32 bits, or in `table` and returns `WIDE`.
fn narrow_mtime(sec: i64, id: u32, table: &mut HashMap<u32, i64>) -> u32 {
    match u32::try_from(sec) {
        Ok(small) if small != WIDE => small,
        _ => {
            table.insert(id, sec);
            WIDE
        }
    }
}

/// What `Tree::insert` needs of an entry, from a scanner batch or an edit.
struct NewEntry<'a> {
    stat: Option<&'a EntryStat>,
    kind: FileKind,
    error: Option<&'a ScanError>,
    descend: bool,
    other_fs: bool,
}

impl<'a> NewEntry<'a> {
    fn from_raw(entry: &'a RawEntry) -> Self {
        NewEntry {
            stat: entry.stat.as_ref(),
            kind: entry.kind(),
            error: entry.error.as_ref(),
            descend: entry.descend,
            other_fs: entry.other_fs,
        }
    }
}

fn widen(stored: u32, id: NodeId, table: &HashMap<u32, u64>) -> u64 {
    match stored {
        WIDE => table.get(&id.0).copied().unwrap_or(u64::from(WIDE)),
        small => u64::from(small),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::error::Op;
    use crate::scan::{EntryStat, Timespec};

    /// A stat record for test entries (also used by the edit tests).
    pub(super) fn stat(mode: u32, size: u64, ino: u64, nlink: u64) -> EntryStat {
        EntryStat {
            mode,
            size,
            blocks: size.div_ceil(512),
            ino,
            nlink,
            uid: 1000,
            gid: 1000,
            dev: 1,
            mtime: Timespec { sec: 1_700_000_000, nsec: 0 },
            ..EntryStat::default()
        }
    }

    const DIR: u32 = 0o040_755;
    const FILE: u32 = 0o100_644;

    fn root_batch(id: u32) -> Batch {
        let mut b = Batch::new(id, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
        b.push(b"/r", Some(stat(DIR, 4096, 1, 2)), FileKind::Dir, None, true, false, None);
        b
    }

    fn child_batch(id: u32, parent: EntryKey, offset: u32, total: u32) -> Batch {
        Batch::new(id, Parent::Dir(parent), Arc::from(Path::new("/r")), offset, total)
    }

    #[test]
    fn aggregates_follow_batches_and_count_hard_links_once() {
        let mut tree = Tree::new();
        tree.apply_batch(&root_batch(0));
        let mut b = child_batch(1, EntryKey { batch: 0, index: 0 }, 0, 3);
        b.push(b"sub", Some(stat(DIR, 4096, 2, 2)), FileKind::Dir, None, true, false, None);
        b.push(b"a", Some(stat(FILE, 100, 3, 2)), FileKind::File, None, false, false, None);
        b.push(b"b", Some(stat(FILE, 100, 3, 2)), FileKind::File, None, false, false, None);
        tree.apply_batch(&b);
        let mut c = child_batch(2, EntryKey { batch: 1, index: 0 }, 0, 1);
        c.push(b"deep", Some(stat(FILE, 7, 4, 1)), FileKind::File, None, false, false, None);
        tree.apply_batch(&c);

        let root = tree.roots().next().unwrap();
        let info = tree.dir(root).unwrap();
        assert_eq!(info.total_size, 4096 + 4096 + 100 + 7);
        assert_eq!(info.total_entries, 4);
        assert_eq!(info.state, DirState::Complete);
        assert_eq!(tree.totals().entries, 5);
        assert_eq!(tree.totals().apparent, 4096 + 4096 + 100 + 7);
        let names: Vec<&[u8]> = tree.children(root).map(|c| tree.name(c)).collect();
        assert_eq!(names, vec![&b"sub"[..], b"a", b"b"]);
        let b_node = tree.children(root).nth(2).unwrap();
        assert!(tree.is_extra_link(b_node));
        assert_eq!(
            tree.path(
                tree.children(root).next().map(|s| tree.children(s).next().unwrap()).unwrap()
            ),
            Path::new("/r/sub/deep")
        );
    }

    #[test]
    fn slices_of_a_large_directory_fill_one_range_in_any_order() {
        let mut tree = Tree::new();
        tree.apply_batch(&root_batch(0));
        let parent = EntryKey { batch: 0, index: 0 };
        let mut second = child_batch(2, parent, 2, 4);
        second.push(b"c", Some(stat(FILE, 1, 12, 1)), FileKind::File, None, false, false, None);
        second.push(b"d", Some(stat(FILE, 1, 13, 1)), FileKind::File, None, false, false, None);
        tree.apply_batch(&second);
        let root = tree.roots().next().unwrap();
        assert_eq!(tree.children(root).count(), 2);
        assert_eq!(tree.dir(root).unwrap().state, DirState::Partial);
        let mut first = child_batch(1, parent, 0, 4);
        first.push(b"a", Some(stat(FILE, 1, 10, 1)), FileKind::File, None, false, false, None);
        first.push(b"b", Some(stat(FILE, 1, 11, 1)), FileKind::File, None, false, false, None);
        tree.apply_batch(&first);
        let names: Vec<&[u8]> = tree.children(root).map(|c| tree.name(c)).collect();
        assert_eq!(names, vec![&b"a"[..], b"b", b"c", b"d"]);
        assert_eq!(tree.dir(root).unwrap().state, DirState::Complete);
        assert_eq!(tree.dropped_batches(), 0);
    }

    #[test]
    fn errors_are_marked_counted_and_propagated() {
        let mut tree = Tree::new();
        tree.apply_batch(&root_batch(0));
        let mut b = child_batch(1, EntryKey { batch: 0, index: 0 }, 0, 2);
        b.push(b"locked", Some(stat(DIR, 4096, 2, 2)), FileKind::Dir, None, true, false, None);
        let gone =
            ScanError { op: Op::Stat, errno: Some(2), reason: "No such file or directory".into() };
        b.push(b"gone", None, FileKind::File, Some(gone.clone()), false, false, None);
        tree.apply_batch(&b);
        let denied =
            ScanError { op: Op::ReadDir, errno: Some(13), reason: "Permission denied".into() };
        tree.apply(ScanEvent::DirError {
            dir: EntryKey { batch: 1, index: 0 },
            path: "/r/locked".into(),
            error: denied.clone(),
        });
        let root = tree.roots().next().unwrap();
        let locked = tree.children(root).next().unwrap();
        let gone_node = tree.children(root).nth(1).unwrap();
        assert_eq!(tree.error(locked), Some(&denied));
        assert_eq!(tree.dir(locked).unwrap().state, DirState::Failed);
        assert_eq!(tree.error(gone_node), Some(&gone));
        assert!(tree.stat_failed(gone_node));
        assert_eq!(tree.dir(root).unwrap().errors, 2);
        assert_eq!(tree.totals().errors, 2);
    }

    #[test]
    fn a_listing_that_broke_off_reports_its_error_before_its_batches() {
        let mut tree = Tree::new();
        tree.apply_batch(&root_batch(0));
        let broke = ScanError { op: Op::ReadDir, errno: Some(5), reason: "I/O error".into() };
        let dir = EntryKey { batch: 0, index: 0 };
        tree.apply(ScanEvent::DirError { dir, path: "/r".into(), error: broke });
        let root = tree.roots().next().unwrap();
        assert_eq!(tree.dir(root).unwrap().state, DirState::Failed);
        let mut b = child_batch(1, dir, 0, 1);
        b.push(b"kept", Some(stat(FILE, 5, 2, 1)), FileKind::File, None, false, false, None);
        assert!(tree.apply_batch(&b));
        assert_eq!(tree.dropped_batches(), 0);
        assert_eq!(tree.children(root).count(), 1);
        assert!(tree.has_error(root));
    }

    #[test]
    fn values_wider_than_32_bits_are_kept_exactly() {
        let mut tree = Tree::new();
        tree.apply_batch(&root_batch(0));
        let mut b = child_batch(1, EntryKey { batch: 0, index: 0 }, 0, 3);
        let sparse = EntryStat { blocks: 8, ..stat(FILE, 1 << 40, 5, 1) };
        let mut old = stat(FILE, 10, 6, 1);
        old.mtime = Timespec { sec: -86_400, nsec: 0 };
        let mut huge = stat(FILE, u64::from(u32::MAX), 7, 1);
        huge.blocks = 1 << 33;
        huge.mtime = Timespec { sec: 5_000_000_000, nsec: 0 };
        for (name, st) in [(&b"sparse"[..], sparse), (b"old", old), (b"huge", huge)] {
            b.push(name, Some(st), FileKind::File, None, false, false, None);
        }
        tree.apply_batch(&b);
        let root = tree.roots().next().unwrap();
        let kids: Vec<NodeId> = tree.children(root).collect();
        assert_eq!(tree.size(kids[0]), 1 << 40);
        assert_eq!(tree.allocated(kids[0]), 8 * 512);
        assert_eq!(tree.mtime(kids[1]), -86_400);
        assert_eq!(tree.size(kids[2]), u64::from(u32::MAX));
        assert_eq!(tree.allocated(kids[2]), (1u64 << 33) * 512);
        assert_eq!(tree.mtime(kids[2]), 5_000_000_000);
        assert_eq!(tree.dir(root).unwrap().total_size, 4096 + (1 << 40) + 10 + u64::from(u32::MAX));
    }

    #[test]
    fn a_million_entries_fit_well_under_64_bytes_each() {
        // 32,259 directories of 31 files, names like the benchmark tree's.
        let mut tree = Tree::new();
        tree.apply_batch(&root_batch(0));
        let mut next_id = 1;
        let mut dirs = Vec::new();
        let mut top = child_batch(next_id, EntryKey { batch: 0, index: 0 }, 0, 32_259);
        for d in 0..32_259u64 {
            let name = format!("dir{d:05}");
            top.push(
                name.as_bytes(),
                Some(stat(DIR, 4096, d + 10, 2)),
                FileKind::Dir,
                None,
                true,
                false,
                None,
            );
            dirs.push(top.key(d as usize));
        }
        tree.apply_batch(&top);
        next_id += 1;
        for (d, key) in dirs.into_iter().enumerate() {
            let mut b = child_batch(next_id, key, 0, 30);
            next_id += 1;
            for f in 0..30u64 {
                let name = format!("file_{f:02}.txt");
                let ino = 1_000_000 + d as u64 * 31 + f;
                b.push(
                    name.as_bytes(),
                    Some(stat(FILE, 100, ino, 1)),
                    FileKind::File,
                    None,
                    false,
                    false,
                    None,
                );
            }
            tree.apply_batch(&b);
        }
        let entries = tree.totals().entries as usize;
        assert!(entries > 1_000_000, "{entries}");
        let per_entry = tree.heap_bytes() as f64 / entries as f64;
        assert!(per_entry < 50.0, "{per_entry:.1} bytes per entry");
        eprintln!("tree storage: {per_entry:.1} bytes per entry");
    }
}
