//! A root or a zoom that left its path behind the view's back (moved or
//! removed while statree watched it). The watcher reports it as its name
//! gone from its parent directory; a root's parent is not in the tree, so
//! that change alone would leave the old tree on screen as if current. A
//! root that went keeps its row, marked with the error and emptied (what it
//! held is not there any more), and the status line says so; a zoom that
//! went falls back to its nearest directory still there.

use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use super::change::Change;
use super::root::absolute;
use super::state::State;
use crate::error::{Op, ScanError};
use crate::model::NodeId;
use crate::sanitize;

/// `errno` for "no such file or directory".
const ENOENT: i32 = 2;

/// The zoom and its ancestors before changes apply (to fall back to when
/// the zoom goes).
pub fn zoom_chain(state: &State) -> Vec<NodeId> {
    let top = state.rows.top.filter(|&t| state.tree.is_live(t));
    std::iter::successors(top, |&n| state.tree.parent(n)).collect()
}

/// Marks the roots `changes` say are gone from their paths, and says so.
/// Returns true when one was.
pub fn mark_gone_roots(state: &mut State, changes: &[Change]) -> bool {
    let mut any = false;
    for change in changes {
        let (dir, name, moved_to) = match change {
            Change::Entry { dir, name, stat: None } => (dir, name, None),
            Change::Moved { from_dir, from, to_dir, to } => {
                (from_dir, from, Some(to_dir.join(std::ffi::OsStr::from_bytes(to))))
            }
            _ => continue,
        };
        let cwd = state.nav.cwd.clone();
        let gone_path = absolute(cwd.as_deref(), &dir.join(std::ffi::OsStr::from_bytes(name)));
        let roots: Vec<NodeId> = state.tree.roots().collect();
        for root in roots {
            if absolute(cwd.as_deref(), &state.tree.path(root)) != gone_path {
                continue;
            }
            let reason = match &moved_to {
                Some(to) => format!("moved to {}", sanitize::path(to)),
                None => "moved or removed since it was scanned".to_owned(),
            };
            let error = ScanError { op: Op::Stat, errno: Some(ENOENT), reason: reason.clone() };
            if state.tree.root_gone(root, error) {
                any = true;
                state.error(format!(
                    "root {} is gone ({reason}): what it held is no longer shown",
                    sanitize::path(&gone_path)
                ));
            }
        }
    }
    if any {
        state.rows.dirty = true;
        state.screen.needs_draw = true;
    }
    any
}

/// After changes applied: when the zoom went, the view falls back to its
/// nearest directory still in the tree, and says so.
pub fn settle_zoom(state: &mut State, chain: &[NodeId]) {
    let Some(&top) = chain.first() else { return };
    if state.tree.is_live(top) {
        return;
    }
    let fallback = chain.iter().copied().find(|&n| state.tree.is_live(n));
    let only_root = |n: NodeId| state.tree.parent(n).is_none() && state.tree.roots().count() == 1;
    state.rows.top = fallback.filter(|&n| !only_root(n));
    state.rows.dirty = true;
    let cwd = state.nav.cwd.clone();
    let shown: PathBuf =
        fallback.map(|n| absolute(cwd.as_deref(), &state.tree.path(n))).unwrap_or_default();
    state.error(format!(
        "the zoomed directory is gone (moved or removed): showing {}",
        sanitize::path(&shown)
    ));
}
