//! Placing one entry, from a scanner batch or an edit: packing it into its
//! node, recording its error, claiming a directory the walk enters (so one
//! reached from two roots counts once), counting a hard-linked file once,
//! and adding it to the totals and its batch's sums.

use crate::error::ScanError;
use crate::model::mode::FileKind;
use crate::scan::{EntryStat, RawEntry};

use super::aggregates::Sums;
use super::node::{
    FLAG_ERROR, FLAG_LINK_DUP, FLAG_NO_STAT, FLAG_OTHER_FS, FLAG_REPEAT, NONE, Node, VACANT, narrow,
};
use super::stamps::DirStamp;
use super::{DirInfo, DirState, NodeId, Tree};

/// What `Tree::insert` needs of an entry, from a scanner batch or an edit.
pub(super) struct NewEntry<'a> {
    pub(super) stat: Option<&'a EntryStat>,
    pub(super) kind: FileKind,
    pub(super) error: Option<&'a ScanError>,
    pub(super) descend: bool,
    pub(super) other_fs: bool,
    /// Reached before by another path (`--follow-links`): counts nothing.
    pub(super) seen_before: bool,
}

impl<'a> NewEntry<'a> {
    pub(super) fn from_raw(entry: &'a RawEntry) -> Self {
        NewEntry {
            stat: entry.stat.as_ref(),
            kind: entry.kind(),
            error: entry.error.as_ref(),
            descend: entry.descend,
            other_fs: entry.other_fs,
            seen_before: entry.seen_before,
        }
    }
}

impl Tree {
    pub(super) fn insert(
        &mut self,
        id: u32,
        parent: u32,
        name: &[u8],
        entry: &NewEntry<'_>,
        sums: &mut Sums,
    ) {
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
                node.mtime = narrow(st.mtime.sec, id, &mut self.wide_mtimes);
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
        if entry.seen_before {
            // Counted where the walk first reached it.
            flags |= FLAG_LINK_DUP;
            counted = false;
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
            self.dir_stamps.push(entry.stat.map(DirStamp::of).unwrap_or_default());
            let stamps = self.new_stamps();
            self.child_stamps.push(stamps);
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
        // The parent's `listed` stamp (see `changes`) is the caller's to
        // move: `attach` does, and `fill_range` once per batch.
    }

    /// Whether a new node is a repeat: below one, or a directory the walk
    /// enters that a live node of another root already claimed (else it
    /// claims it). Within one root every path counts, as its listing shows
    /// it (a bind mount; under `-L` the scanner enters a directory once and
    /// marks the other paths `seen_before`). Directories
    /// not entered (a loop, another filesystem, an edit's new directory) add
    /// nothing below them, so they are never repeats.
    pub(super) fn is_repeat_entry(&mut self, id: u32, parent: u32, entry: &NewEntry<'_>) -> bool {
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
    pub(super) fn root_of(&self, mut id: u32) -> u32 {
        loop {
            match self.nodes[id as usize].parent {
                NONE => return id,
                parent => id = parent,
            }
        }
    }
}
