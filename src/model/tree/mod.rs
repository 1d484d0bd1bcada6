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
//!
//! The files, one job each: `node` (the 32-byte node, its flags and packed
//! fields), `ingest` (scanner events in: batches into reserved ranges, errors,
//! keys), `insert` (placing one entry, for ingest and edits alike),
//! `aggregates` (sums carried up the tree, totals), `read` (accessors,
//! children, paths), and the edits: `ops` ([`TreeOp`]), `remove` (a node and its subtree), `overflow` (children
//! added after a directory's range), `rescan` (reading one directory again), `reroot` (a root's parent
//! becoming the root, a root added for a new path),
//! `stamps` (when a directory's children were read), `changes` (when they
//! last changed as a sort sees them).
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::chunked::{ChunkedVec, NameArena};
use crate::error::ScanError;

mod aggregates;
mod changes;
pub mod huge_dir;
mod ingest;
mod insert;
mod merge;
mod node;
mod ops;
mod overflow;
mod read;
mod remove;
mod reroot;
mod rescan;
mod reserve;
mod stamps;
#[cfg(test)]
mod tests;

pub use changes::ChildStamps;
use node::Node;
pub use ops::TreeOp;
use overflow::DirExtra;
pub use rescan::Rescan;
pub use stamps::DirStamp;

/// Index of a node in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

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
    /// Per entry of `dirs`: when its children last changed as a sort sees
    /// them (see `changes`).
    child_stamps: ChunkedVec<changes::Stored, 16384>,
    /// What the stored stamps count from (see `changes`).
    stamp_base: u64,
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
    /// Entries held when the tree stopped growing for want of memory.
    out_of_memory: Option<u64>,
    /// The most bytes the tree may hold (tests, and a budget).
    memory_cap: Option<usize>,
    /// Bumped by every call that may change the tree (see [`Tree::edits`]).
    edits: u64,
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }
}
