//! What moving the view's root keeps between keys (the data only; the
//! moves are in `root.rs` and `goto.rs`): where relative paths and `~`
//! lead (and paths made absolute against the working directory), whether
//! the roots moved, roots waiting to merge, and the open `:` prompt.

use std::path::{Component, Path, PathBuf};

use super::line::LineEditor;
use crate::model::NodeId;

/// `path` made absolute against `cwd` without touching the disk (`.` and
/// `..` folded away), so the first frame after `-` already shows the parent.
pub fn absolute(cwd: Option<&Path>, path: &Path) -> PathBuf {
    let joined = match cwd {
        Some(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

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
    pub merges: Vec<PendingMerge>,
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

/// A root that a `-` scan's new root holds: it joins that root when the
/// scan has placed the entry at its path.
#[derive(Debug, Clone)]
pub struct PendingMerge {
    /// The scan filling the new root.
    pub ticket: u64,
    /// The new root.
    pub outer: NodeId,
    /// The root to merge.
    pub inner: NodeId,
    /// Its absolute path.
    pub path: PathBuf,
}
