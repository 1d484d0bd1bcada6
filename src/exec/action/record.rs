//! Building the undo journal's records from what an action did: the one
//! place an action (the existing ones, and copy/move's paste) turns its
//! outcome into a [`JournalNote`]. Each record carries what the action left
//! (read back from the disk here, on the action thread), which undo checks
//! before it puts anything back.

use std::path::{Path, PathBuf};

use crate::fsops::undo::stamp;
use crate::model::{FileKind, Identity};
use crate::view::journal::{JournalAction, JournalNote, Made, Moved};

/// An entry an action created, as it is now (for [`JournalAction::Create`]
/// and [`JournalAction::Copy`]): its identity is read again here unless
/// given, and a file's size and mtime are kept to tell later writes.
pub fn made(path: &Path, identity: Option<Identity>) -> Option<Made> {
    let identity = match identity {
        Some(identity) => identity,
        None => Identity::read(path).ok()?,
    };
    let stamp = if identity.kind == FileKind::Dir { None } else { stamp(path) };
    Some(Made { path: path.to_path_buf(), identity, stamp, parents: crate::fsops::dir_chain(path) })
}

/// The record of a copy: every entry it created, top-down, with the
/// identity the copy gave it. Paste calls this with its created entries.
pub fn copy(created: &[(PathBuf, Identity)]) -> Option<JournalNote> {
    let made: Vec<Made> = created.iter().filter_map(|(p, id)| made(p, Some(*id))).collect();
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
    let moved: Vec<Moved> = pairs
        .iter()
        .map(|(from, to, identity)| Moved {
            from: from.clone(),
            to: to.clone(),
            identity: *identity,
            from_parents: crate::fsops::dir_chain(from),
            to_parents: crate::fsops::dir_chain(to),
        })
        .collect();
    (!moved.is_empty()).then_some(JournalNote::Record(JournalAction::Move(moved)))
}

/// The record of something no undo can put back.
pub fn irreversible(what: String, why: &str) -> JournalNote {
    JournalNote::Record(JournalAction::Irreversible { what, why: why.to_string() })
}
