//! The vocabulary of the interface: every [`Msg`] that can happen to it,
//! every [`Effect`] it asks of the outside world, and the payloads loaded
//! for it ([`Loaded`]).

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use super::change::{Change, OpOutcome};
use super::request::{CancelFlag, OpRequest};
use crate::model::{FullStat, NodeId};
use crate::preview::Preview;
use crate::scan::ScanEvent;

/// Everything that can happen to the interface.
#[derive(Debug)]
pub enum Msg {
    /// A key was pressed.
    Key(KeyEvent),
    /// The mouse did something.
    Mouse(MouseEvent),
    /// The terminal has a new size (columns, lines).
    Resize(u16, u16),
    /// The scanner reported.
    Scan(ScanEvent),
    /// Metadata of a node was read.
    MetaLoaded(Loaded<FullStat>),
    /// User and group names were looked up (`None`: the id has no name).
    OwnerResolved {
        /// User id.
        uid: u32,
        /// Its name.
        user: Option<String>,
        /// Group id.
        gid: u32,
        /// Its name.
        group: Option<String>,
    },
    /// A preview was read.
    PreviewLoaded(Loaded<Preview>),
    /// Time passed (fades messages, animates progress).
    Tick,
    /// Advance the sort of a huge directory by one slice (asked for by
    /// [`Effect::SortStep`], so the keys queued before it come first).
    SortStep,
    /// A signal asked us to leave (SIGTERM, SIGHUP).
    Terminate,
    /// The process was resumed after a suspend: everything must be redrawn.
    Resumed,
    /// The running action has seen this many entries.
    OpProgress(u64),
    /// The running action finished.
    OpDone(OpOutcome),
    /// An event of the re-scan with this ticket.
    Rescan {
        /// Which re-scan.
        ticket: u64,
        /// The event.
        event: ScanEvent,
    },
    /// The filesystem watcher saw these changes.
    Changes(Vec<Change>),
    /// The filesystem watcher could not watch a directory: the system's
    /// watch limit is reached.
    WatchLimit(String),
    /// The editor or pager returned.
    ExternalDone {
        /// What went wrong, if anything.
        result: Result<(), String>,
        /// The file's fresh `lstat` (it may have been changed).
        change: Option<Change>,
    },
    /// The audit pass (the scan gathering xattrs and symlink facts) reported.
    AuditPass(ScanEvent),
    /// A file was handed to a detached opener: the program's name, or why
    /// it could not start.
    Opened {
        /// The file.
        path: PathBuf,
        /// The program, or the reason.
        result: Result<String, String>,
    },
    /// Something to say in the status line (already sanitized).
    Notice(String),
    /// A directory the user opened was listed again ([`Effect::Relist`]).
    Listed {
        /// The listing's ticket (a stale one is dropped).
        ticket: u64,
        /// The directory.
        dir: NodeId,
        /// What is in it now, or why it could not be read.
        listing: Result<crate::watch::relist::Listing, String>,
    },
    /// The bulk-rename editor returned ([`Effect::BulkEdit`]).
    BulkEdited {
        /// The directory.
        dir: PathBuf,
        /// The directories from the scan root down to `dir`, as shown when
        /// `E` was pressed ([`Effect::BulkEdit`]).
        dir_parents: Vec<Option<crate::model::Identity>>,
        /// The names written, with the identity each entry had then.
        entries: Vec<(Vec<u8>, crate::model::Identity)>,
        /// The names read back, decoded, one per entry; or why not.
        result: Result<Vec<Vec<u8>>, String>,
    },
    /// The user and group names of the system database
    /// ([`Effect::LoadAccounts`]).
    AccountsLoaded(super::owner::Accounts),
    /// The directory names a `Tab` in the `:` prompt asked for
    /// ([`Effect::CompleteDir`]).
    Completions {
        /// The completion's ticket (a stale one is dropped).
        ticket: u64,
        /// The matching names, or why the directory could not be read.
        names: Result<Vec<Vec<u8>>, String>,
    },
    /// The `:` target as checked on disk ([`Effect::CheckGoto`]).
    GotoChecked {
        /// The check's ticket (a stale one is dropped).
        ticket: u64,
        /// The path as typed, resolved.
        path: PathBuf,
        /// The real path of each root named in [`Effect::CheckGoto`]
        /// (`None` where it could not be resolved), so a root given through
        /// a symlink still holds targets below its real path.
        real_roots: Vec<(PathBuf, Option<PathBuf>)>,
        /// Its real path when it is a directory that can be listed, else why not.
        checked: Result<PathBuf, String>,
    },
    /// The directories of an [`Effect::CheckDirs`] as they are now (`None`:
    /// gone or unreadable).
    DirsChecked {
        /// The check's ticket (a stale one is dropped).
        ticket: u64,
        /// Each directory's `lstat`.
        stats: Vec<(NodeId, Option<crate::scan::EntryStat>)>,
    },
}

/// Something the update function asks the outside world to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `statx` the selected entry (on a reader thread: it may hang).
    LoadMeta {
        /// The node.
        id: NodeId,
        /// Its path.
        path: std::path::PathBuf,
    },
    /// Read the capped preview of the selected entry.
    LoadPreview {
        /// The node.
        id: NodeId,
        /// Its path.
        path: std::path::PathBuf,
    },
    /// Look up the user and group names of these ids (off the interface's
    /// thread: NSS may be slow).
    ResolveOwner {
        /// User id.
        uid: u32,
        /// Group id.
        gid: u32,
    },
    /// Leave the interface.
    Quit,
    /// Answer [`Msg::SortStep`] through the loop's queue, behind the keys
    /// already waiting, not inside the current turn.
    SortStep,
    /// Stop the process until the shell resumes it (Ctrl-z).
    Suspend,
    /// Run a confirmed action off the interface's thread; the result comes
    /// back as [`Msg::OpDone`].
    Run {
        /// What to do.
        request: OpRequest,
        /// Set when the user cancels (Esc).
        cancel: CancelFlag,
    },
    /// Re-read a directory with a fresh scanner whose events come back as
    /// [`Msg::Rescan`] with this ticket.
    Rescan {
        /// Which re-scan the events belong to.
        ticket: u64,
        /// The directory.
        path: PathBuf,
    },
    /// Hand the terminal to the editor or the pager for this file, then take
    /// it back ([`Msg::ExternalDone`]).
    OpenExternal {
        /// The node.
        id: NodeId,
        /// Its path.
        path: PathBuf,
        /// The pager (`o`) rather than the editor (`e`).
        pager: bool,
    },
    /// `Enter` on a file: open it with this command (words, and whether it
    /// takes the terminal), or with the opener the environment gives when
    /// `None`.
    Open {
        /// The node.
        id: NodeId,
        /// Its path.
        path: PathBuf,
        /// An `[open]` rule's command.
        command: Option<(Vec<String>, bool)>,
    },
    /// List a directory the user opened (not deeper) and answer with
    /// [`Msg::Listed`] carrying this ticket.
    Relist {
        /// Which listing the answer belongs to.
        ticket: u64,
        /// The directory's node.
        dir: NodeId,
        /// Its path.
        path: PathBuf,
    },
    /// `lstat` these directories (the collapsed ones on screen) and answer
    /// with [`Msg::DirsChecked`] carrying this ticket.
    CheckDirs {
        /// Which check the answer belongs to.
        ticket: u64,
        /// The directories' nodes and paths.
        dirs: Vec<(NodeId, PathBuf)>,
    },
    /// Write these names to a private temporary file, hand the terminal to
    /// the editor on it, and answer with [`Msg::BulkEdited`].
    BulkEdit {
        /// The directory holding them.
        dir: PathBuf,
        /// The directories from the scan root down to `dir` itself (root
        /// first), as shown now: what the renames re-check, so a parent
        /// swapped while the editor is open is refused.
        dir_parents: Vec<Option<crate::model::Identity>>,
        /// Each name, with the identity it was shown with (`None`: read it
        /// when the file is written).
        entries: Vec<(Vec<u8>, Option<crate::model::Identity>)>,
    },
    /// Read the user and group names of the system database, answering
    /// with [`Msg::AccountsLoaded`].
    LoadAccounts,
    /// Scan `path` to fill a new root (`-` above the root, `:` elsewhere),
    /// not entering the directories in `skip` (the old root, already
    /// held); events come back as [`Msg::Rescan`] with this ticket.
    ScanRoot {
        /// Which scan the events belong to.
        ticket: u64,
        /// The new root.
        path: PathBuf,
        /// Directories listed but not entered.
        skip: Vec<PathBuf>,
    },
    /// List the directory names in `dir` starting with `prefix` and answer
    /// with [`Msg::Completions`].
    CompleteDir {
        /// Which completion the answer belongs to.
        ticket: u64,
        /// The directory.
        dir: PathBuf,
        /// What the name starts with.
        prefix: Vec<u8>,
    },
    /// Check that `path` is a directory that can be listed and answer with
    /// [`Msg::GotoChecked`].
    CheckGoto {
        /// Which check the answer belongs to.
        ticket: u64,
        /// The target.
        path: PathBuf,
        /// The tree's roots (absolute), resolved to their real paths too.
        roots: Vec<PathBuf>,
    },
    /// Start the audit pass: scan these roots again gathering xattrs and
    /// symlink facts, answering with [`Msg::AuditPass`].
    StartAuditPass {
        /// The roots, as the main scan was given them.
        roots: Vec<std::path::PathBuf>,
        /// `-L`.
        follow_links: bool,
        /// `-x`.
        one_file_system: bool,
    },
}

/// A result read for one node; errors are already worded for display.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The node it belongs to.
    pub id: NodeId,
    /// What was read, or why it could not be.
    pub result: Result<T, String>,
}
