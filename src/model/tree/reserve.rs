//! Fallible growth: before a batch is placed, the tree makes room for all
//! of it with `try_reserve` (nodes, directories, names, and the side tables
//! the batch will add to). When the memory is not there — a `ulimit -v`, a
//! memory cap — the batch is dropped, the tree stops growing and says how
//! many entries it holds ([`Tree::out_of_memory`]); everything read until
//! then stays consistent and can be browsed. Whoever feeds the tree stops
//! the scan when it sees that.
//!
//! A process at its limit would still abort on the next small allocation
//! elsewhere (a row index, a message), so whenever the tree takes a new
//! chunk it first checks that a cushion of [`CUSHION`] bytes more could be
//! had, and stops while that much is still free.

use std::collections::TryReserveError;

use crate::model::FileKind;
use crate::scan::{Batch, Parent};

use super::node::{NO_DIR, WIDE};
use super::{DirState, Tree};

/// Memory kept free for the rest of the program when the tree stops.
pub const CUSHION: usize = 16 << 20;

/// Why the tree did not take a batch.
#[derive(Debug)]
pub(super) struct NoRoom;

impl From<TryReserveError> for NoRoom {
    fn from(_: TryReserveError) -> Self {
        NoRoom
    }
}

impl Tree {
    /// `Some(entries)` once the tree stopped growing for want of memory:
    /// it holds that many entries, and every batch since was dropped.
    pub fn out_of_memory(&self) -> Option<u64> {
        self.out_of_memory
    }

    /// Caps the bytes the tree may hold ([`Tree::heap_bytes`]); past it the
    /// tree stops growing as it does when an allocation fails.
    pub fn set_memory_cap(&mut self, bytes: usize) {
        self.memory_cap = Some(bytes);
    }

    /// Makes room for everything `batch` will add, or stops the tree.
    /// Returns false when the batch must be dropped.
    pub(super) fn make_room(&mut self, batch: &Batch) -> bool {
        if self.out_of_memory.is_some() {
            return false;
        }
        match self.try_make_room(batch) {
            Ok(()) => true,
            Err(NoRoom) => {
                self.out_of_memory = Some(self.totals.entries);
                false
            }
        }
    }

    fn try_make_room(&mut self, batch: &Batch) -> Result<(), NoRoom> {
        let entries = &batch.entries;
        let slots = match batch.parent {
            Parent::Root(_) => entries.len(),
            Parent::Dir(key) => {
                // The first slice of a directory reserves its whole range.
                let unreserved = self.resolve_slot(key).is_some_and(|parent| {
                    let dir = self.nodes[parent.0 as usize].dir;
                    dir != NO_DIR && {
                        let info = &self.dirs[dir as usize];
                        info.child_slots == 0
                            && info.filled == 0
                            && matches!(info.state, DirState::Pending | DirState::Failed)
                    }
                });
                if unreserved { batch.total as usize } else { 0 }
            }
        };
        let mut dirs = 0;
        let mut links = 0;
        let mut errors = 0;
        let mut wide = 0;
        let mut name_bytes = 0;
        for entry in entries {
            // Long names carry a two-byte length (see `node::LONG_NAME`).
            let len = batch.name(entry).len();
            name_bytes += if len < 255 { len } else { len + 2 };
            dirs += usize::from(entry.kind() == FileKind::Dir);
            errors += usize::from(entry.error.is_some());
            if let Some(st) = &entry.stat {
                links += usize::from(st.nlink > 1);
                let big = u64::from(WIDE);
                wide += usize::from(st.size >= big || st.blocks >= big);
            }
        }
        let mut chunks = self.nodes.try_reserve(slots)?;
        chunks += self.dirs.try_reserve(dirs)?;
        chunks += self.dir_stamps.try_reserve(dirs)?;
        chunks += self.child_stamps.try_reserve(dirs)?;
        chunks += self.names.try_reserve(name_bytes)?;
        self.dir_claims.try_reserve(dirs)?;
        self.links_seen.try_reserve(links)?;
        self.errors.try_reserve(errors)?;
        self.wide_sizes.try_reserve(wide)?;
        self.wide_blocks.try_reserve(wide)?;
        self.wide_mtimes.try_reserve(entries.len().min(16))?;
        self.owners.try_reserve(entries.len().min(16))?;
        self.owner_index.try_reserve(entries.len().min(16))?;
        let id = batch.id as usize;
        self.batch_base.try_reserve((id + 1).saturating_sub(self.batch_base.len()))?;
        if chunks > 0 {
            // Room for the rest of the program too, or stop here.
            Vec::<u8>::new().try_reserve_exact(CUSHION)?;
        }
        match self.memory_cap {
            Some(cap) if self.heap_bytes() > cap => Err(NoRoom),
            _ => Ok(()),
        }
    }
}
