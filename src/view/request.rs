//! What an action asks: the entries it is about ([`Target`]), the request
//! ([`OpRequest`]), its cancel flag, and how its confirmation is worded.
//! What comes back is in [`super::change`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::model::mask::Scope;
use crate::model::{FileKind, Identity, NodeId};

/// An entry an action is about, as the user was shown it: the identity is
/// re-checked by the action before anything changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The node.
    pub id: NodeId,
    /// Its path.
    pub path: PathBuf,
    /// Device, inode and type when it was shown.
    pub identity: Identity,
    /// Its full `st_mode` when it was shown.
    pub mode: u32,
    /// Its hard link count when it was shown.
    pub nlink: u64,
    /// The directories from the scan root down to its parent, as shown
    /// (root first; `None` where not known): re-checked on the disk before
    /// the action acts, so a parent swapped for another directory (the same
    /// hard-linked file reached by another path) is refused.
    pub parents: Vec<Option<Identity>>,
}

impl Target {
    /// Its type, from the mode it was shown with.
    pub fn kind(&self) -> FileKind {
        FileKind::from_mode(self.mode)
    }
}

/// One line of a batch: the name now, the name asked for, the entry as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkLine {
    /// The name now.
    pub from: Vec<u8>,
    /// The new name (equal: left alone).
    pub to: Vec<u8>,
    /// The entry when its name was written for the editor.
    pub identity: Identity,
}

/// An owner change the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChownRequest {
    /// The entries.
    pub targets: Vec<Target>,
    /// The new owner (`None`: unchanged).
    pub uid: Option<u32>,
    /// The new group (`None`: unchanged).
    pub gid: Option<u32>,
    /// Change symlinks' own owner (never their targets'); else leave them.
    pub symlinks: bool,
    /// Walk into directories, changing what the scope includes.
    pub recursive: Option<Scope>,
}

/// A shared cancel flag: the interface sets it (Esc), the running action
/// checks it between entries.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(pub Arc<AtomicBool>);

impl CancelFlag {
    /// Asks the action to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// True once cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl PartialEq for CancelFlag {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for CancelFlag {}

/// An action the user confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpRequest {
    /// Set the bits in `set`, clear those in `clear`, on each target.
    Chmod {
        /// The entries.
        targets: Vec<Target>,
        /// Bits to turn on.
        set: u32,
        /// Bits to turn off.
        clear: u32,
    },
    /// Count what a recursive chmod would change (for its confirmation).
    CountRecursive {
        /// The entries (directories are walked).
        targets: Vec<Target>,
        /// Bits to turn on.
        set: u32,
        /// Bits to turn off.
        clear: u32,
        /// Which entries below it.
        scope: Scope,
    },
    /// Change the mode of entries and, for directories, what is below them.
    ChmodRecursive {
        /// The entries (directories are walked).
        targets: Vec<Target>,
        /// Bits to turn on.
        set: u32,
        /// Bits to turn off.
        clear: u32,
        /// Which entries below it.
        scope: Scope,
    },
    /// Rename (or move deeper, with `/` in the name) without replacing.
    Rename {
        /// The entry.
        target: Target,
        /// The new name, relative to the entry's directory.
        new_name: Vec<u8>,
    },
    /// Create a file, or directories with a trailing `/`.
    Create {
        /// The directory it is created in.
        dir: PathBuf,
        /// The relative path typed.
        relative: Vec<u8>,
    },
    /// Count on disk what removing the targets would remove (for the
    /// confirmation: the scan's figures may be older than the disk).
    CountRemove {
        /// The entries (directories are walked).
        targets: Vec<Target>,
        /// True for a permanent delete, false for the trash.
        permanent: bool,
    },
    /// Remove the targets, permanently or to the trash.
    Remove {
        /// The entries.
        targets: Vec<Target>,
        /// True for a permanent delete, false for the trash.
        permanent: bool,
    },
    /// Paste the clipboard into `dest` (copy or move). With `ask`, the
    /// names that exist there come back first
    /// ([`super::change::OpOutcome::Collisions`]) for the user to decide.
    Paste {
        /// The sources, each with its collision answer.
        items: Vec<crate::model::paste::PasteItem>,
        /// The directory they go into.
        dest: PathBuf,
        /// The directories from the scan root down to `dest` itself, as
        /// shown (root first): re-checked before anything is written.
        dest_parents: Vec<Option<crate::model::Identity>>,
        /// Copy or move.
        mode: crate::model::paste::PasteMode,
        /// Progress shared with the status bar.
        meter: crate::model::paste::MeterHandle,
        /// Look for name collisions first.
        ask: bool,
    },
    /// Remove an empty directory and the parents it leaves empty, up to (not
    /// including) `stop_at`.
    RemoveEmptyDirs {
        /// The directory.
        target: Target,
        /// Where to stop climbing (the scan root).
        stop_at: PathBuf,
    },
    /// Rename entries of one directory as one batch ([`super::bulk`]).
    BulkRename {
        /// The directory.
        dir: PathBuf,
        /// Old name, new name, identity; unchanged lines included.
        lines: Vec<BulkLine>,
        /// The directories from the scan root down to `dir` itself, as the
        /// preview was shown (root first): re-checked before any rename.
        dir_parents: Vec<Option<Identity>>,
    },
    /// Change owner and/or group ([`super::owner`]).
    Chown(ChownRequest),
    /// Undo the journal entry `seq` ([`super::undo`]).
    Undo {
        /// Its number.
        seq: u64,
        /// What it did.
        action: super::journal::JournalAction,
    },
}

impl OpRequest {
    /// Words for the progress line.
    pub fn label(&self) -> &'static str {
        match self {
            OpRequest::Chmod { .. } => "changing permissions",
            OpRequest::CountRecursive { .. } | OpRequest::CountRemove { .. } => "counting entries",
            OpRequest::ChmodRecursive { .. } => "changing permissions recursively",
            OpRequest::Rename { .. } => "renaming",
            OpRequest::Create { .. } => "creating",
            OpRequest::Remove { permanent: true, .. } => "deleting",
            OpRequest::Remove { permanent: false, .. } => "moving to the trash",
            OpRequest::RemoveEmptyDirs { .. } => "removing empty directories",
            OpRequest::BulkRename { .. } => "renaming",
            OpRequest::Chown(_) => "changing owner",
            OpRequest::Undo { .. } => "undoing",
            OpRequest::Paste { mode, .. } => Self::label_of_paste(*mode),
        }
    }

    /// Words for the progress line of a paste.
    pub fn label_of_paste(mode: crate::model::paste::PasteMode) -> &'static str {
        match mode {
            crate::model::paste::PasteMode::Copy => "pasting a copy",
            crate::model::paste::PasteMode::Move => "moving entries",
        }
    }

    /// True for the counts that only read, ahead of a confirmation.
    pub fn only_counts(&self) -> bool {
        matches!(self, OpRequest::CountRecursive { .. } | OpRequest::CountRemove { .. })
    }
}

/// How many names a confirmation lists before "and N more".
pub const LISTED_NAMES: usize = 8;

/// The title of the confirmation of `request`, and whether it is shown in
/// the error colour (what cannot be undone and removes data).
pub fn confirm_title(request: &OpRequest) -> (String, bool) {
    match request {
        OpRequest::Remove { permanent: true, .. } => ("Delete permanently?".into(), true),
        OpRequest::Remove { permanent: false, .. } => ("Move to the trash?".into(), false),
        OpRequest::RemoveEmptyDirs { .. } => ("Remove empty directories?".into(), false),
        OpRequest::ChmodRecursive { .. } => ("Change permissions recursively?".into(), false),
        OpRequest::BulkRename { .. } => ("Rename these entries?".into(), false),
        // Not confirmed with a dialog: run as soon as they are asked for.
        _ => ("Go ahead?".into(), false),
    }
}

/// True for the confirmed actions that can be undone: moving to the trash,
/// a bulk rename.
pub fn reversible(request: &OpRequest) -> bool {
    matches!(request, OpRequest::Remove { permanent: false, .. } | OpRequest::BulkRename { .. })
}

/// The keys line of a confirmation: `Enter` is named with the answer it gives.
pub fn confirm_keys_line(reversible: bool) -> String {
    if reversible {
        "y / Enter: yes    n / Esc: no".into()
    } else {
        "y: yes    n / Esc / Enter: no".into()
    }
}
