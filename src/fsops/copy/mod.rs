//! Pasting: an exact, recursive copy (or a move) of entries into a
//! directory.
//!
//! * **Exact.** Symlinks are copied as links (never followed); modes keep
//!   their setuid, setgid and sticky bits; owner and group are kept when
//!   running as root; access and modification times keep their nanoseconds;
//!   only the data ranges of a file are copied (`SEEK_DATA`/`SEEK_HOLE`, then
//!   `copy_file_range`), so sparse files stay sparse; files hard-linked to each
//!   other anywhere among one paste's entries (across pasted entries and
//!   through merges, as `cp -a a/f b/g dest/` does) are linked to each other
//!   in the copy (`links.rs`);
//!   extended attributes are copied where the target takes them, and those it
//!   refuses are reported; FIFOs, device nodes and sockets are made anew with
//!   `mknod`, never opened.
//! * **Handle-relative.** Every source entry is read relative to a handle of
//!   its directory and opened with `O_NOFOLLOW`, then checked to be the object
//!   the listing saw; every target entry is made under a handle of its new
//!   directory (see `tree.rs`).
//! * **Never half there.** Each pasted entry is built under a hidden name of
//!   its own in the target directory and renamed to its name
//!   (`RENAME_NOREPLACE`) only when complete; a cancel or a failure removes it.
//!   An overwrite swaps the finished copy with the old entry
//!   (`RENAME_EXCHANGE`) and only then removes the old one.
//! * **Checked.** The sources' identity (device, inode, type, birth time) is
//!   re-checked at paste time; a directory is never pasted into itself or below
//!   itself.
//!
//! A move on one filesystem is `renameat2(RENAME_NOREPLACE)`; across
//! filesystems it is this copy, then a removal of only what was verified in
//! the target (see `transfer.rs`).

mod attrs;
mod data;
mod links;
mod place;
mod tree;

use std::path::PathBuf;

use crate::error::FsError;
use crate::model::Identity;
pub use crate::model::paste::{Collision, Meter, PasteItem, PasteMode};

pub use place::{collisions, paste};
pub(crate) use tree::Verified;

/// One entry a paste put in place: what an undo needs to take it back. A
/// copy is undone by removing `to` if it still has `identity`; a move by
/// renaming `to` back to `from` if it still has `identity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The source it came from.
    pub from: PathBuf,
    /// Where it is now (a new top-level entry of the target directory, or of
    /// a directory merged into).
    pub to: PathBuf,
    /// The identity of the entry at `to` (device, inode, type, birth time).
    pub identity: Identity,
    /// True for a move (the source is gone, unless it is also listed in
    /// [`PasteUndo::not_moved`]), false for a copy.
    pub moved: bool,
}

/// What a paste did.
#[derive(Debug, Default)]
pub struct PasteReport {
    /// Entries put in place, in order: the data an undo journal records.
    pub placed: Vec<Placed>,
    /// Existing entries that an overwrite replaced (removed for good: not
    /// undoable).
    pub overwritten: Vec<PathBuf>,
    /// Sources skipped on a name collision, with the name that exists.
    pub skipped: Vec<PathBuf>,
    /// Sources a move left in place in whole or in part (copied but not
    /// verified, or not removable); nothing unverified was removed.
    pub not_moved: Vec<PathBuf>,
    /// Extended attributes the target refused: entry, attribute name.
    pub dropped_xattrs: Vec<(PathBuf, String)>,
    /// Refusals and per-entry failures, with paths.
    pub errors: Vec<FsError>,
    /// Entries and bytes written.
    pub entries: u64,
    /// Bytes of file data written.
    pub bytes: u64,
    /// Stopped by the cancel flag: the entry being written was removed, what
    /// is in `placed` is complete.
    pub cancelled: bool,
}

/// What an undo journal takes from a paste: the entries it placed (each with
/// the identity it has now; for a move the `from → to` pair) and the
/// entries an overwrite removed for good.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasteUndo {
    /// What the paste created or moved, in order.
    pub placed: Vec<Placed>,
    /// What an overwrite removed (cannot be undone).
    pub overwritten: Vec<PathBuf>,
    /// Sources of a move across filesystems that stayed in part (not
    /// verified in the target): such a move cannot be undone by a rename.
    pub not_moved: Vec<PathBuf>,
}

impl PasteReport {
    /// The part of the report an undo journal records.
    pub fn undo(&self) -> PasteUndo {
        PasteUndo {
            placed: self.placed.clone(),
            overwritten: self.overwritten.clone(),
            not_moved: self.not_moved.clone(),
        }
    }
}
