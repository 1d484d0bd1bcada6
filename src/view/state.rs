//! The interactive model: the tree plus everything the view needs to know
//! (rows, selection, mode, loaded metadata, status). No terminal code: the
//! update function changes it, the widgets borrow it for one frame.

use std::time::{Duration, Instant};

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::audit::AuditState;
use super::line::LineEditor;
use super::msg::Loaded;
use super::perm::PermEditor;
use super::request::{CancelFlag, OpRequest, Target};
use super::rows::{RowIndex, ViewOptions};
use crate::keymap::KeyMap;
use crate::model::{FullStat, NodeId, Rescan, Tree};
use crate::preview::Preview;

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

/// An action running off the interface's thread.
#[derive(Debug, Clone)]
pub struct Running {
    /// Words for the status bar.
    pub label: &'static str,
    /// When it started.
    pub started: Instant,
    /// Entries seen so far.
    pub progress: u64,
    /// Set by Esc.
    pub cancel: CancelFlag,
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
    /// The selection's metadata on the whole screen, scrolled this far.
    Inspect {
        /// First line shown.
        scroll: u16,
    },
    /// The audit panel, with this line selected.
    Audit {
        /// Index into [`super::audit::AuditState::panel_entries`].
        selected: usize,
    },
}

/// A message in the status bar that fades.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// The text, ready to draw: every name in it has already been through
    /// [`crate::sanitize`] once, where the message was worded.
    pub text: String,
    /// True for errors.
    pub is_error: bool,
    /// When it disappears.
    pub until: Instant,
}

/// User and group names looked up so far: `Some(None)` means the id has no
/// name, a missing key that the lookup is still pending.
#[derive(Debug, Default, Clone)]
pub struct OwnerNameCache {
    /// By uid.
    pub users: std::collections::HashMap<u32, Option<String>>,
    /// By gid.
    pub groups: std::collections::HashMap<u32, Option<String>>,
}

/// How long a status message stays.
pub const MESSAGE_TIME: Duration = Duration::from_secs(4);

/// Everything the interface shows.
pub struct State {
    /// The scanned tree.
    pub tree: Tree,
    /// The flattened visible rows.
    pub rows: RowIndex,
    /// Sort, hidden entries, filter.
    pub options: ViewOptions,
    /// Key bindings (also what the help overlay lists).
    pub keymap: KeyMap,
    /// Index of the selected row.
    pub selected: usize,
    /// The selected node, kept across row rebuilds.
    pub selected_id: Option<NodeId>,
    /// First row on screen.
    pub scroll: usize,
    /// Input mode.
    pub mode: Mode,
    /// The last search, for `n`/`N`.
    pub last_search: Option<Vec<u8>>,
    /// Preview pane on.
    pub show_preview: bool,
    /// Full metadata of the selected entry, read when it was selected.
    pub meta: Option<Loaded<FullStat>>,
    /// Preview of the selected entry.
    pub preview: Option<Loaded<Preview>>,
    /// Status message.
    pub status: Option<StatusMessage>,
    /// User and group names looked up so far.
    pub owner_names: OwnerNameCache,
    /// Terminal size (columns, lines).
    pub size: (u16, u16),
    /// The current time, set by the loop before each update (tests set it too).
    pub now: Instant,
    /// Wall-clock Unix seconds at `now` (for "3 days ago").
    pub now_unix: i64,
    /// When the scan started.
    pub scan_started: Instant,
    /// Scan wall time, once finished.
    pub scan_finished: Option<Duration>,
    /// The rows need rebuilding (the tree or the options changed).
    pub rows_dirty: bool,
    /// Something on screen changed since the last frame.
    pub needs_draw: bool,
    /// The user asked to quit.
    pub quit: bool,
    /// Last left click (time, row), to recognise a double click.
    pub last_click: Option<(Instant, usize)>,
    /// When the rows were last rebuilt and how long it took.
    pub last_rebuild: Option<(Instant, Duration)>,
    /// Marked entries, with what they were when marked.
    pub marks: BTreeMap<NodeId, Target>,
    /// The action running now (one at a time).
    pub running: Option<Running>,
    /// Directory re-scans in progress, by ticket.
    pub rescans: HashMap<u64, Rescan>,
    /// The next re-scan ticket.
    pub next_ticket: u64,
    /// An entry to select as soon as it is in the tree (after create/rename).
    pub pending_select: Option<PathBuf>,
    /// Set when the filesystem watcher hit the system's watch limit: live
    /// updates are partial and `R` refreshes by hand.
    pub watch_limited: bool,
    /// Findings per node, the baseline comparison, the audit filter.
    pub audit: AuditState,
    /// Every status message so far, oldest first (at most
    /// [`MESSAGE_LOG_LEN`]): a message cut by the status line is read in full
    /// here.
    pub message_log: std::collections::VecDeque<StatusMessage>,
    /// Which open directories were listed again since they were opened.
    pub fresh: super::background::Freshness,
    /// The once-a-second check of the collapsed directories on screen.
    pub sweep: super::background::Sweep,
}

/// How many messages the log keeps.
pub const MESSAGE_LOG_LEN: usize = 200;

impl State {
    /// A fresh state over an empty tree.
    pub fn new(keymap: KeyMap, options: ViewOptions, now: Instant) -> Self {
        State {
            tree: Tree::new(),
            rows: RowIndex::default(),
            options,
            keymap,
            selected: 0,
            selected_id: None,
            scroll: 0,
            mode: Mode::Normal,
            last_search: None,
            show_preview: false,
            meta: None,
            preview: None,
            status: None,
            owner_names: OwnerNameCache::default(),
            size: (80, 24),
            now,
            now_unix: 0,
            scan_started: now,
            scan_finished: None,
            rows_dirty: true,
            needs_draw: true,
            quit: false,
            last_click: None,
            last_rebuild: None,
            marks: BTreeMap::new(),
            running: None,
            rescans: HashMap::new(),
            next_ticket: 0,
            pending_select: None,
            watch_limited: false,
            audit: AuditState::default(),
            message_log: std::collections::VecDeque::new(),
            fresh: Default::default(),
            sweep: Default::default(),
        }
    }

    /// Shows a message in the status bar.
    pub fn message(&mut self, text: impl Into<String>) {
        self.say(text.into(), false);
    }

    /// Shows an error in the status bar.
    pub fn error(&mut self, text: impl Into<String>) {
        self.say(text.into(), true);
    }

    fn say(&mut self, text: String, is_error: bool) {
        let message = StatusMessage { text, is_error, until: self.now + MESSAGE_TIME };
        if self.message_log.len() == MESSAGE_LOG_LEN {
            self.message_log.pop_front();
        }
        self.message_log.push_back(message.clone());
        self.status = Some(message);
    }

    /// Wall-clock Unix seconds.
    pub fn now_unix(&self) -> i64 {
        self.now_unix
    }

    /// True while the scan runs.
    pub fn scanning(&self) -> bool {
        self.scan_finished.is_none()
    }

    /// The selected node.
    pub fn selected_node(&self) -> Option<NodeId> {
        self.rows.get(self.selected).map(|row| row.id)
    }

    /// Rebuilds the rows now, keeping the selected node selected.
    pub fn rebuild_rows(&mut self) {
        let started = Instant::now();
        self.rows.rebuild(&self.tree, &self.options);
        self.rows_dirty = false;
        self.last_rebuild = Some((self.now, started.elapsed()));
        if let Some(id) = self.selected_id
            && let Some(row) = self.rows.position(id)
        {
            self.selected = row;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        self.selected_id = self.selected_node();
        self.needs_draw = true;
    }

    /// Rebuilds the rows if they are stale, at most as often as the last
    /// rebuild's cost allows while a scan streams in (so a huge expanded tree
    /// cannot starve the input). Returns true when it rebuilt.
    pub fn refresh_rows(&mut self) -> bool {
        if !self.rows_dirty {
            return false;
        }
        if self.scanning()
            && let Some((at, cost)) = self.last_rebuild
        {
            // At most one rebuild per 8 × its cost (capped at 500 ms), but
            // never less than 2 × its cost: a rebuild slower than the cap
            // must not run on every turn and starve the keys.
            let interval = (cost * 8).min(Duration::from_millis(500)).max(cost * 2);
            if self.now.duration_since(at) < interval {
                return false;
            }
        }
        self.rebuild_rows();
        true
    }
}
