//! The undo journal: what each action since statree started changed, in
//! enough detail to put it back, kept in memory only (it ends with the
//! process). Actions record into it through their reports
//! ([`JournalNote::Record`] in [`super::change::OpReport::journal`]); `u`
//! undoes the newest entry that can be undone and `U` lists them all.
//!
//! An entry holds what the action *left* (identity, mode, owner, name) next
//! to what was there before: undo puts the old state back only where the
//! entry is still what the action left, and refuses with the reason
//! otherwise. That check is the filesystem's (`fsops::undo`); this file only
//! keeps the records and words them.

use std::path::{Path, PathBuf};

/// The identities of the directories from `/` down to an entry's parent,
/// read when the action ran (root first, `None` where one could not be
/// read): shared by every record of one directory, so a batch holds one
/// chain per directory rather than one per entry.
pub type DirChain = std::sync::Arc<[Option<Identity>]>;

use crate::fmt::quantity;
use crate::model::Identity;
use crate::model::mode::octal_string;
use crate::sanitize;
use crate::scan::Timespec;

/// A permission change of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeChange {
    /// The entry.
    pub path: PathBuf,
    /// The entry as the action found it.
    pub identity: Identity,
    /// The 12 bits before.
    pub before: u32,
    /// The 12 bits the action left (read back).
    pub after: u32,
    /// The directories from `/` down to its parent as the action left them
    /// (read at record time): undo refuses when one was swapped since.
    pub parents: DirChain,
}

/// An owner change of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerChange {
    /// The entry.
    pub path: PathBuf,
    /// The entry as the action found it.
    pub identity: Identity,
    /// Owner and group before.
    pub before: (u32, u32),
    /// Owner and group the action left.
    pub after: (u32, u32),
    /// The 12 mode bits before (the kernel may have cleared setuid/setgid).
    pub mode_before: u32,
    /// The directories from `/` down to its parent as the action left them
    /// (read at record time): undo refuses when one was swapped since.
    pub parents: DirChain,
}

/// An entry renamed or moved: undo moves it back if it is still there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// Where it was.
    pub from: PathBuf,
    /// Where the action put it.
    pub to: PathBuf,
    /// The entry (a rename keeps the inode).
    pub identity: Identity,
    /// The directories from `/` down to `from`'s parent, read at record
    /// time: undo refuses when one was swapped since.
    pub from_parents: DirChain,
    /// The same for `to`'s parent.
    pub to_parents: DirChain,
    /// Directories the move created on the way to `to` (a rename to
    /// `a/b/name`), top-down: undo removes them after moving the entry back,
    /// each only while it is empty and still the same directory.
    pub created: Vec<Made>,
}

/// An entry an action created (create, copy): undo removes it if unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    /// The entry.
    pub path: PathBuf,
    /// The entry as the action left it.
    pub identity: Identity,
    /// Size and modification time the action left (a file written since is
    /// not removed); `None`: not checked (directories, or not read).
    pub stamp: Option<(u64, Timespec)>,
    /// The directories from `/` down to its parent as the action left them
    /// (read at record time): undo refuses when one was swapped since.
    pub parents: DirChain,
}

/// An entry moved to the trash: undo restores it from there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trashed {
    /// Where it was (and goes back to).
    pub path: PathBuf,
    /// The entry that was trashed.
    pub identity: Identity,
    /// The directories from `/` down to its parent as the action left them
    /// (read at record time): undo refuses when one was swapped since.
    pub parents: DirChain,
}

/// What one action did, as undo needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalAction {
    /// Permission changes.
    Chmod(Vec<ModeChange>),
    /// Owner changes.
    Chown(Vec<OwnerChange>),
    /// Renames and moves (a bulk rename, a paste with cut): moved back.
    Move(Vec<Moved>),
    /// Entries created (top-down): removed, deepest first, if unchanged.
    Create(Vec<Made>),
    /// Entries a copy created (top-down): removed, deepest first, if unchanged.
    Copy(Vec<Made>),
    /// Entries moved to the trash: restored from it.
    Trash(Vec<Trashed>),
    /// An action that cannot be undone, and why (a permanent delete).
    Irreversible {
        /// What it did.
        what: String,
        /// Why it cannot be undone.
        why: String,
    },
}

/// What an action's report tells the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalNote {
    /// A new entry.
    Record(JournalAction),
    /// The entry with this number was undone.
    Undone(u64),
    /// Undoing the entry with this number was refused, with the reason.
    Refused(u64, String),
}

/// One entry of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// Its number (1 for the first action).
    pub seq: u64,
    /// What the action did.
    pub action: JournalAction,
    /// Undone already.
    pub undone: bool,
    /// Why the last attempt to undo it was refused.
    pub refused: Option<String>,
}

/// The journal, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Journal {
    entries: Vec<JournalEntry>,
}

impl Journal {
    /// Applies what a report tells it.
    pub fn note(&mut self, note: JournalNote) {
        match note {
            JournalNote::Record(action) => {
                let seq = self.entries.last().map_or(1, |e| e.seq + 1);
                self.entries.push(JournalEntry { seq, action, undone: false, refused: None });
            }
            JournalNote::Undone(seq) => {
                if let Some(entry) = self.entries.iter_mut().find(|e| e.seq == seq) {
                    entry.undone = true;
                    entry.refused = None;
                }
            }
            JournalNote::Refused(seq, why) => {
                if let Some(entry) = self.entries.iter_mut().find(|e| e.seq == seq) {
                    entry.refused = Some(why);
                }
            }
        }
    }

    /// Every entry, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &JournalEntry> {
        self.entries.iter().rev()
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True before the first action.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry `u` undoes: the newest one not undone yet that can be and
    /// was not refused. A refused entry is passed over, so an outside change
    /// to one entry does not block undoing older ones (each undo re-checks
    /// its own entries, so taking them out of order changes nothing that is
    /// not still as its action left it).
    pub fn next_undo(&self) -> Option<&JournalEntry> {
        self.newest_first().find(|e| !e.undone && e.action.undoable() && e.refused.is_none())
    }
}

impl JournalAction {
    /// False for what no undo can put back.
    pub fn undoable(&self) -> bool {
        !matches!(self, JournalAction::Irreversible { .. })
    }

    /// What the action did, in a few words.
    pub fn describe(&self) -> String {
        match self {
            JournalAction::Chmod(list) => match list.as_slice() {
                [one] => format!(
                    "mode of {}: {} → {}",
                    shown(&one.path),
                    octal_string(one.before),
                    octal_string(one.after)
                ),
                many => format!("mode of {} entries", many.len()),
            },
            JournalAction::Chown(list) => match list.as_slice() {
                [one] => format!(
                    "owner of {}: {}:{} → {}:{}",
                    shown(&one.path),
                    one.before.0,
                    one.before.1,
                    one.after.0,
                    one.after.1
                ),
                many => format!("owner of {} entries", many.len()),
            },
            JournalAction::Move(list) => match list.as_slice() {
                [one] => format!("renamed {} → {}", shown(&one.from), shown(&one.to)),
                many => format!("renamed {} entries", many.len()),
            },
            JournalAction::Create(list) => match list.last() {
                Some(last) => format!("created {}", shown(&last.path)),
                None => "created nothing".into(),
            },
            JournalAction::Copy(list) => {
                format!("copied {}", quantity(list.len() as u64, "entry", "entries"))
            }
            JournalAction::Trash(list) => match list.as_slice() {
                [one] => format!("trashed {}", shown(&one.path)),
                many => format!("trashed {} entries", many.len()),
            },
            JournalAction::Irreversible { what, .. } => what.clone(),
        }
    }

    /// What undo would do.
    pub fn undo_text(&self) -> String {
        match self {
            JournalAction::Chmod(list) => match list.as_slice() {
                [one] => format!("set the mode back to {}", octal_string(one.before)),
                _ => "set each mode back".into(),
            },
            JournalAction::Chown(list) => match list.as_slice() {
                [one] => format!("give it back to {}:{}", one.before.0, one.before.1),
                _ => "give each its owner back".into(),
            },
            JournalAction::Move(list) => match list.as_slice() {
                [one] => format!("move it back to {}", shown(&one.from)),
                _ => "move each back to its old name".into(),
            },
            JournalAction::Create(_) | JournalAction::Copy(_) => {
                "remove what it created, if unchanged".into()
            }
            JournalAction::Trash(_) => "restore from the trash".into(),
            JournalAction::Irreversible { why, .. } => why.clone(),
        }
    }
}

fn shown(path: &Path) -> String {
    sanitize::path(path).into_owned()
}

/// The lines of the `U` overlay, newest first: the action, then what `u`
/// would do or why it cannot.
pub fn lines(journal: &Journal) -> Vec<String> {
    if journal.is_empty() {
        return vec!["nothing yet: actions since statree started are listed here".into()];
    }
    let next = journal.next_undo().map(|e| e.seq);
    let mut out = Vec::new();
    for entry in journal.newest_first() {
        let marker = if Some(entry.seq) == next { "u →" } else { "   " };
        out.push(format!("{marker} {}. {}", entry.seq, entry.action.describe()));
        let what = if entry.undone {
            "undone".to_string()
        } else if !entry.action.undoable() {
            format!("cannot be undone: {}", entry.action.undo_text())
        } else if let Some(why) = &entry.refused {
            format!("undo refused (passed over by u): {why}")
        } else {
            format!("undo would {}", entry.action.undo_text())
        };
        out.push(format!("      {what}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::model::FileKind;

    fn chmod(name: &str) -> JournalAction {
        JournalAction::Chmod(vec![ModeChange {
            path: PathBuf::from(name),
            identity: Identity { dev: 1, ino: 1, kind: FileKind::File, birth: None },
            before: 0o644,
            after: 0o600,
            parents: DirChain::default(),
        }])
    }

    #[test]
    fn u_takes_the_newest_undoable_entry_and_passes_over_refused_ones() {
        let mut journal = Journal::default();
        assert!(journal.next_undo().is_none());
        journal.note(JournalNote::Record(chmod("a")));
        journal.note(JournalNote::Record(JournalAction::Irreversible {
            what: "deleted 1 entries permanently".into(),
            why: "a permanent delete cannot be undone".into(),
        }));
        journal.note(JournalNote::Record(chmod("b")));
        assert_eq!(journal.next_undo().map(|e| e.seq), Some(3));
        journal.note(JournalNote::Refused(3, "its mode changed since".into()));
        assert_eq!(journal.next_undo().map(|e| e.seq), Some(1), "past the refusal and the delete");
        journal.note(JournalNote::Undone(1));
        assert!(journal.next_undo().is_none());
        let text = lines(&journal).join("\n");
        assert!(text.contains("undo refused (passed over by u): its mode changed since"), "{text}");
        assert!(text.contains("cannot be undone: a permanent delete cannot be undone"), "{text}");
        assert!(text.contains("1. mode of a: 0644 → 0600\n      undone"), "{text}");
    }
}
