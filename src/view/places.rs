//! What moving the view's root keeps between keys (the data only; the
//! moves are in `root.rs` and `goto.rs`): where relative paths and `~`
//! lead, whether the roots moved, and the open `:` prompt.

use std::path::PathBuf;

use super::line::LineEditor;

/// What the view knows to move its root: where relative roots are, where
/// `~` is, and whether the roots still are the ones the command line gave.
#[derive(Debug, Default, Clone)]
pub struct NavRoot {
    /// The working directory statree started in (relative roots are below it).
    pub cwd: Option<PathBuf>,
    /// The home directory (`~`).
    pub home: Option<PathBuf>,
    /// The roots moved since start-up: the title names the tree's roots,
    /// not the command line's.
    pub moved: bool,
    /// `:` replaced the tree: the first scan's events are not for it.
    pub main_dropped: bool,
    /// The ticket of the scan `:` started for a new tree (its end is the end
    /// of "scanning").
    pub new_tree_scan: Option<u64>,
    /// The ticket of the `:` target's check on disk (older answers dropped).
    pub goto_ticket: Option<u64>,
    /// Roots a `-` scan's new root holds, to merge into it as it is filled.
    pub merges: Vec<super::merge_roots::PendingMerge>,
}

/// The open `:` prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GotoPrompt {
    /// What was typed.
    pub line: LineEditor,
    /// The names the last `Tab` offered (several matched).
    pub candidates: Vec<Vec<u8>>,
    /// The ticket of the completion asked last (older answers are dropped).
    pub ticket: Option<u64>,
}
