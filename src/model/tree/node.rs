//! How one entry is laid out and packed: the 32-byte [`Node`], its flag
//! bits, its name in the arena, owners interned to an index, and the 32-bit
//! fields whose rare wide values live in side tables.

use std::collections::HashMap;

use super::{NodeId, Tree};
use crate::model::chunked::NameArena;

pub(super) const NONE: u32 = u32::MAX;
pub(super) const NO_DIR: u32 = u32::MAX;

pub(super) const FLAG_ERROR: u8 = 1;
pub(super) const FLAG_LINK_DUP: u8 = 2;
pub(super) const FLAG_VACANT: u8 = 4;
pub(super) const FLAG_OTHER_FS: u8 = 8;
pub(super) const FLAG_NO_STAT: u8 = 16;
/// Removed by an edit: the slot stays (ids never move) but no reader sees it.
pub(super) const FLAG_REMOVED: u8 = 32;
/// A second way into a directory another root already counts in the totals
/// (the same root given twice, a root inside another root), or a node below
/// one: it counts in its own directories' aggregates but adds
/// nothing to [`Totals`], so an entry reached from two roots counts once.
pub(super) const FLAG_REPEAT: u8 = 64;
/// Slots no reader returns: not arrived yet, or removed.
pub(super) const HIDDEN: u8 = FLAG_VACANT | FLAG_REMOVED;

/// One entry: 32 bytes plus its name in the arena. Size, allocated blocks
/// and mtime are stored in 32 bits; the rare value that does not fit (a file
/// over 4 GiB, a time before 1970 or after 2106) is kept exactly in a side
/// table and the field holds `WIDE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Node {
    pub(super) name: u32,
    pub(super) parent: u32,
    pub(super) owner: u32,
    pub(super) dir: u32,
    pub(super) size: u32,
    /// Allocated 512-byte blocks.
    pub(super) blocks: u32,
    /// Seconds since the epoch.
    pub(super) mtime: u32,
    pub(super) mode: u16,
    /// Length of the name, or `LONG_NAME`: the name carries its own length prefix.
    pub(super) name_len: u8,
    pub(super) flags: u8,
}

const _: () = assert!(std::mem::size_of::<Node>() == 32);

/// Field value meaning "look in the side table".
pub(super) const WIDE: u32 = u32::MAX;

/// `name_len` value for names of 255 bytes or more (some filesystems return
/// longer names than NAME_MAX, and a root's name is its whole path).
pub(super) const LONG_NAME: u8 = u8::MAX;

pub(super) const VACANT: Node = Node {
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

impl Tree {
    /// Stores a name in the arena: its position and `name_len` field.
    pub(super) fn store_name(&mut self, name: &[u8]) -> (u32, u8) {
        if name.len() < usize::from(LONG_NAME) {
            (self.names.push(name), name.len() as u8)
        } else {
            (self.names.push_long(name), LONG_NAME)
        }
    }

    pub(super) fn intern_owner(&mut self, uid: u32, gid: u32) -> u32 {
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
}

/// A node's name in the arena.
pub(super) fn name_of<'a>(names: &'a NameArena, node: &Node) -> &'a [u8] {
    match node.name_len {
        LONG_NAME => names.get_long(node.name),
        len => names.get(node.name, usize::from(len)),
    }
}

/// Stores `value` in 32 bits, or records it in `table` and returns `WIDE`.
pub(super) fn narrow<T: Copy + TryInto<u32>>(
    value: T,
    id: u32,
    table: &mut HashMap<u32, T>,
) -> u32 {
    match value.try_into() {
        Ok(small) if small != WIDE => small,
        _ => {
            table.insert(id, value);
            WIDE
        }
    }
}

/// The value `narrow` stored for node `id`.
pub(super) fn widen<T: Copy + From<u32>>(stored: u32, id: NodeId, table: &HashMap<u32, T>) -> T {
    match stored {
        WIDE => table.get(&id.0).copied().unwrap_or(T::from(WIDE)),
        small => T::from(small),
    }
}
