//! Building the undo journal's records from what an action did: the one
//! place an action (the existing ones, and copy/move's paste) turns its
//! outcome into a [`JournalNote`]. Each record carries what the action left
//! (read back from the disk here, on the action thread), which undo checks
//! before it puts anything back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::fsops::undo::stamp;
use crate::model::{FileKind, Identity};
use crate::view::journal::{DirChain, JournalAction, JournalNote, Made, Moved};

/// The directory chains of one action's records ([`DirChain`]), read from
/// the disk once per directory: a batch of entries in one directory (a
/// copied tree, a bulk rename) costs one walk and one chain, not one each.
#[derive(Default)]
pub struct Chains(HashMap<PathBuf, DirChain>);

impl Chains {
    /// The chain above `path`.
    pub fn of(&mut self, path: &Path) -> DirChain {
        let parent = path.parent().unwrap_or(path).to_path_buf();
        self.0.entry(parent).or_insert_with(|| crate::fsops::dir_chain(path).into()).clone()
    }
}

/// An entry an action created, as it is now (for [`JournalAction::Create`]
/// and [`JournalAction::Copy`]): its identity is read again here unless
/// given, and a file's size and mtime are kept to tell later writes.
pub fn made(path: &Path, identity: Option<Identity>) -> Option<Made> {
    made_in(path, identity, &mut Chains::default())
}

fn made_in(path: &Path, identity: Option<Identity>, chains: &mut Chains) -> Option<Made> {
    let identity = match identity {
        Some(identity) => identity,
        None => Identity::read(path).ok()?,
    };
    let stamp = if identity.kind == FileKind::Dir { None } else { stamp(path) };
    Some(Made { path: path.to_path_buf(), identity, stamp, parents: chains.of(path) })
}

/// The record of a copy: every entry it created, top-down, with the
/// identity the copy gave it. Paste calls this with its created entries.
pub fn copy(created: &[(PathBuf, Identity)]) -> Option<JournalNote> {
    let mut chains = Chains::default();
    let made: Vec<Made> =
        created.iter().filter_map(|(p, id)| made_in(p, Some(*id), &mut chains)).collect();
    (!made.is_empty()).then_some(JournalNote::Record(JournalAction::Copy(made)))
}

/// Most entries one copy's record lists: past it the copy is recorded as
/// one undo cannot put back (the journal lives in memory).
const MOST_COPIED: usize = 1_000_000;

/// The record of a paste's copies: each placed top-level entry and, for a
/// directory, everything below it as it is right after the copy (listed
/// without following links), so undo can take the copy away deepest first
/// and leave alone anything written there since.
pub fn copy_tree(placed: &[(PathBuf, Identity)]) -> Option<JournalNote> {
    let mut created = Vec::new();
    for (top, identity) in placed {
        created.push((top.clone(), *identity));
        if identity.kind != FileKind::Dir {
            continue;
        }
        let mut stack = vec![top.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(id) = Identity::read(&path) else { continue };
                if id.kind == FileKind::Dir {
                    stack.push(path.clone());
                }
                created.push((path, id));
                if created.len() > MOST_COPIED {
                    return Some(irreversible(
                        format!("a copy of more than {MOST_COPIED} entries"),
                        "too many entries to keep in the journal",
                    ));
                }
            }
        }
    }
    copy(&created)
}

/// The record of moves (a rename, a bulk rename, a paste of cut entries):
/// each `(from, to, identity)` moved back by undo. Paste calls this with
/// its moved pairs.
pub fn moves(pairs: &[(PathBuf, PathBuf, Identity)]) -> Option<JournalNote> {
    let mut chains = Chains::default();
    let moved: Vec<Moved> = pairs
        .iter()
        .map(|(from, to, identity)| moved(from, to, *identity, Vec::new(), &mut chains))
        .collect();
    (!moved.is_empty()).then_some(JournalNote::Record(JournalAction::Move(moved)))
}

/// The record of one rename that created the directories `created`
/// (top-down, with their identities) on the way to `to`: undo moves the
/// entry back, then removes them while they are empty.
pub fn rename(
    from: &Path,
    to: &Path,
    identity: Identity,
    created: &[(PathBuf, Identity)],
) -> JournalNote {
    let mut chains = Chains::default();
    let dirs = created.iter().filter_map(|(p, id)| made_in(p, Some(*id), &mut chains)).collect();
    let one = moved(from, to, identity, dirs, &mut chains);
    JournalNote::Record(JournalAction::Move(vec![one]))
}

fn moved(
    from: &Path,
    to: &Path,
    identity: Identity,
    created: Vec<Made>,
    chains: &mut Chains,
) -> Moved {
    Moved {
        from: from.to_path_buf(),
        to: to.to_path_buf(),
        identity,
        from_parents: chains.of(from),
        to_parents: chains.of(to),
        created,
    }
}

/// The record of something no undo can put back.
pub fn irreversible(what: String, why: &str) -> JournalNote {
    JournalNote::Record(JournalAction::Irreversible { what, why: why.to_string() })
}
