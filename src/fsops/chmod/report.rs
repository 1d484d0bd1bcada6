//! What a change of permission bits reports: [`ChmodOutcome`] for one
//! entry, and for a recursive change [`RecursiveReport`] (what it did) or
//! [`RecursiveCount`] (what it would do), which share one [`RecursiveTally`]
//! of what the walk met.

use std::path::PathBuf;

use crate::error::FsError;
use crate::fsops::sys::Node;
use crate::model::mask::dropped_bits;
use crate::model::mode::PERM_MASK;

/// What a mode change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChmodOutcome {
    /// The 12 permission bits before the change.
    pub previous: u32,
    /// The 12 bits asked for.
    pub requested: u32,
    /// The 12 bits the entry really has now (re-read after the change).
    pub actual: u32,
    /// Bits asked for that the kernel did not set (`requested & !actual`):
    /// typically setgid on a file whose group the caller is not in.
    pub dropped_bits: u32,
    /// Hard link count: above 1, the change shows under the other names too.
    pub nlink: u64,
}

impl ChmodOutcome {
    /// The outcome of asking for `requested` on an entry that was `before`
    /// and is `after` (re-read through the same handle).
    pub(super) fn between(before: &Node, after: &Node, requested: u32) -> Self {
        let actual = after.mode & PERM_MASK;
        ChmodOutcome {
            previous: before.mode & PERM_MASK,
            requested,
            actual,
            dropped_bits: dropped_bits(requested, actual),
            nlink: after.nlink,
        }
    }
}

/// What a recursive change met besides what it changed, whether it changed
/// the entries ([`RecursiveReport`]) or only counted them
/// ([`RecursiveCount`]).
#[derive(Debug, Default)]
pub struct RecursiveTally {
    /// Entries in scope that already have the new mode.
    pub unchanged: u64,
    /// Entries out of scope (directories with `FilesOnly`, the rest with
    /// `DirsOnly`).
    pub out_of_scope: u64,
    /// Symlinks seen (never changed, never followed).
    pub skipped_symlinks: u64,
    /// Non-directories changed (or that would change) with more than one
    /// hard link: the change shows under their other names too.
    pub multiply_linked: u64,
    /// Mount points inside the tree, left alone.
    pub mounts_skipped: Vec<PathBuf>,
    /// Per-entry failures, and entries that could not be read (what is below
    /// them is not counted); the walk went on past each.
    pub errors: Vec<FsError>,
    /// Stopped early by the cancel flag.
    pub cancelled: bool,
    /// Entries seen below the root.
    pub visited: u64,
}

impl RecursiveTally {
    /// Adds the tally of another root (several marked entries).
    pub fn add(&mut self, other: RecursiveTally) {
        self.unchanged += other.unchanged;
        self.out_of_scope += other.out_of_scope;
        self.skipped_symlinks += other.skipped_symlinks;
        self.multiply_linked += other.multiply_linked;
        self.mounts_skipped.extend(other.mounts_skipped);
        self.errors.extend(other.errors);
        self.cancelled |= other.cancelled;
        self.visited += other.visited;
    }
}

/// What a recursive change did.
#[derive(Debug, Default)]
pub struct RecursiveReport {
    /// Entries whose mode was changed.
    pub changed: u64,
    /// Entries where the kernel did not set every bit asked for, with the
    /// dropped bits.
    pub dropped: Vec<(PathBuf, u32)>,
    /// What else the walk met.
    pub tally: RecursiveTally,
}

/// What a recursive change would do, for the confirmation.
#[derive(Debug, Default)]
pub struct RecursiveCount {
    /// Entries whose mode would change.
    pub will_change: u64,
    /// What else the walk met.
    pub tally: RecursiveTally,
}
