//! The interactive model: the tree plus one part per concern, each defined
//! in a file of its own (the rows in `rows.rs`, the selection in
//! `cursor.rs`, what is loaded about it in `inspect.rs`, marks and
//! background work in `jobs.rs`, size, clock and status in `screen.rs`, the
//! first scan in `progress.rs`, the audit in `audit/table.rs`), and the
//! input mode with its prompts and dialogs here. No terminal code: the
//! update function changes it, the widgets borrow it for one frame.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::audit::AuditState;
use super::columns::ColumnState;
use super::cursor::Cursor;
use super::inspect::Inspect;
use super::jobs::Jobs;
use super::journal::Journal;
use super::line::LineEditor;
use super::open::OpenState;
use super::owner::OwnerEditor;
use super::perm::PermEditor;
use super::progress::ScanProgress;
use super::request::{OpRequest, Target};
use super::rows::{RowIndex, ViewOptions};
use super::screen::Screen;
use crate::keymap::KeyMap;
use crate::model::{NodeId, Tree};

/// Which prompt is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// Incremental search by name.
    Search,
    /// Show only matching entries.
    Filter,
}

/// A one-line text prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// What it is for.
    pub kind: PromptKind,
    /// What was typed.
    pub input: String,
    /// The selection before the prompt opened (restored on Esc).
    pub origin: Option<NodeId>,
    /// The filter before the prompt opened (restored on Esc).
    pub previous_filter: Option<Vec<u8>>,
}

/// What a name prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamePurpose {
    /// A new name for this entry.
    Rename(Target),
    /// A path to create under this directory.
    Create {
        /// The directory.
        dir: PathBuf,
    },
}

/// The prompt of rename and create: a line editor over bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePrompt {
    /// What it is for.
    pub purpose: NamePurpose,
    /// The text and cursor.
    pub line: LineEditor,
}

/// A question before a destructive or wide action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    /// The dialog's title.
    pub title: String,
    /// The lines of the dialog (names are sanitized when drawn).
    pub lines: Vec<String>,
    /// What `y` / Enter runs.
    pub request: OpRequest,
    /// Shown in the error colour (permanent deletion).
    pub danger: bool,
    /// The first line of the body shown, when it does not fit (a long
    /// bulk-rename preview); the keys line stays on screen below it.
    pub scroll: usize,
}

/// A list of lines to read (an action's per-entry errors), dismissed by any key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The title.
    pub title: String,
    /// The lines.
    pub lines: Vec<String>,
    /// First line shown.
    pub scroll: u16,
}

/// Input mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Browsing.
    Normal,
    /// A prompt at the bottom line takes the keys.
    Prompt(Prompt),
    /// The help overlay, scrolled this far.
    Help {
        /// First line shown.
        scroll: u16,
    },
    /// The rename or create prompt.
    Name(NamePrompt),
    /// A confirmation dialog.
    Confirm(Confirm),
    /// A report dialog.
    Report(Report),
    /// The permission editor.
    Perm(Box<PermEditor>),
    /// The owner editor.
    Owner(Box<OwnerEditor>),
    /// The selection's metadata on the whole screen, scrolled this far.
    Inspect {
        /// First line shown.
        scroll: u16,
    },
    /// The paste's collision dialog.
    Paste(Box<super::paste::CollisionDialog>),
    /// The audit panel, with this line selected.
    Audit {
        /// Index into [`super::audit::AuditState::panel_entries`].
        selected: usize,
    },
    /// The `:` prompt (go to a path).
    Goto(super::places::GotoPrompt),
}

/// Everything the interface shows.
pub struct State {
    /// The scanned tree.
    pub tree: Tree,
    /// The flattened visible rows, their options and when they were built.
    pub rows: RowIndex,
    /// The selection and the scroll.
    pub cursor: Cursor,
    /// Input mode.
    pub mode: Mode,
    /// Key bindings (also what the help overlay lists).
    pub keymap: KeyMap,
    /// What is loaded about the selection.
    pub inspect: Inspect,
    /// Marks and the work running off the interface's thread.
    pub jobs: Jobs,
    /// Size, clock, status, redraw, quit.
    pub screen: Screen,
    /// The first scan's progress.
    pub scan: ScanProgress,
    /// Findings per node, the baseline comparison, the audit filter.
    pub audit: AuditState,
    /// What `Enter` opens files with, and the chooser.
    pub open: OpenState,
    /// The extra columns of the tree.
    pub columns: ColumnState,
    /// What the actions since statree started did, for undo.
    pub journal: Journal,
    /// What `y` / `m` put aside for `P`.
    pub clipboard: super::clipboard::Clipboard,
    /// Where the view is rooted, and what moving it needs.
    pub nav: super::places::NavRoot,
}

impl State {
    /// A fresh state over an empty tree.
    pub fn new(keymap: KeyMap, options: ViewOptions, now: Instant) -> Self {
        State {
            tree: Tree::new(),
            rows: RowIndex::new(options),
            cursor: Cursor::default(),
            mode: Mode::Normal,
            keymap,
            inspect: Inspect::default(),
            jobs: Jobs::default(),
            screen: Screen::new(now),
            scan: ScanProgress { started: now, finished: None, recorded: None },
            audit: AuditState::default(),
            open: OpenState::default(),
            columns: ColumnState::default(),
            journal: Journal::default(),
            clipboard: Default::default(),
            nav: super::places::NavRoot::default(),
        }
    }

    /// Shows a message in the status bar.
    pub fn message(&mut self, text: impl Into<String>) {
        self.screen.say(text.into(), false);
    }

    /// Shows an error in the status bar.
    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        // Every error the user is shown is in the diagnostic log too.
        log::warn!("shown: {text}");
        self.screen.say(text, true);
    }

    /// Wall-clock Unix seconds.
    pub fn now_unix(&self) -> i64 {
        self.screen.now_unix
    }

    /// True while the scan runs.
    pub fn scanning(&self) -> bool {
        self.scan.finished.is_none()
    }

    /// The selected node: the selected row's.
    pub fn selected_node(&self) -> Option<NodeId> {
        self.rows.get(self.cursor.row).map(|row| row.id)
    }

    /// Rebuilds the rows now, keeping the selected node selected.
    pub fn rebuild_rows(&mut self) {
        self.rebuild_rows_noting(None);
    }

    /// [`Self::rebuild_rows`], noting where `also` lands too (found then
    /// without a scan of the rows).
    pub fn rebuild_rows_noting(&mut self, also: Option<NodeId>) {
        let (selected, was) = (self.selected_node(), self.cursor.row);
        let started = Instant::now();
        self.rows.rebuild_noting(&self.tree, [selected, also]);
        self.rows.dirty = false;
        self.rows.last_rebuild = Some((self.screen.now, started.elapsed()));
        if let Some(id) = selected
            && let Some(row) = self.rows.position_near(id, was)
        {
            self.cursor.row = row;
        }
        self.cursor.row = self.cursor.row.min(self.rows.len().saturating_sub(1));
        self.screen.needs_draw = true;
    }

    /// Rebuilds the rows if they are stale, at most as often as the last
    /// rebuild's cost allows while a scan streams in (so a huge expanded tree
    /// cannot starve the input). Returns true when it rebuilt.
    pub fn refresh_rows(&mut self) -> bool {
        if !self.rows.dirty {
            return false;
        }
        if self.scanning()
            && let Some((at, cost)) = self.rows.last_rebuild
        {
            // At most one rebuild per 8 × its cost (capped at 500 ms), but
            // never less than 2 × its cost: a rebuild slower than the cap
            // must not run on every turn and starve the keys.
            let interval = (cost * 8).min(Duration::from_millis(500)).max(cost * 2);
            if self.screen.now.duration_since(at) < interval {
                return false;
            }
        }
        self.rebuild_rows();
        true
    }
}
