//! The directories on screen are checked against the disk once a second.
//!
//! A collapsed directory is not watched: files written into it change its
//! mtime, which no watch on its parent reports. So the collapsed directory
//! rows on screen (at most a screenful of `lstat`s, off the interface's
//! thread) are compared with the stamp taken when their children were read;
//! one that differs is re-scanned in the background and shows `↻` until the
//! re-scan lands, and the totals above it converge to the disk. Their
//! subdirectories are checked too (up to a bound), since a directory inside
//! a collapsed one can change without changing its parent.

use std::path::PathBuf;
use std::time::Duration;

use super::fresh::is_rereading;
use super::msg::Effect;
use super::nav::tree_height;
use super::scan_in::start_rescan;
use super::state::State;
use crate::model::{DirState, FileKind, NodeId};
use crate::scan::EntryStat;

/// How often the directories on screen are compared with the disk.
pub const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// On a tick: asks for the `lstat` of every collapsed directory row on
/// screen, at most once per [`SWEEP_EVERY`] and never two at a time. Not
/// while the first scan runs: what it is filling is as fresh as the walk.
pub fn on_tick(state: &mut State) -> Option<Effect> {
    let due =
        state.jobs.sweep.last.is_none_or(|t| state.screen.now.duration_since(t) >= SWEEP_EVERY);
    if !due || state.jobs.sweep.pending.is_some() || state.scanning() {
        return None;
    }
    state.jobs.sweep.last = Some(state.screen.now);
    let dirs = collapsed_dirs_on_screen(state);
    if dirs.is_empty() {
        return None;
    }
    let ticket = state.jobs.ticket();
    state.jobs.sweep.pending = Some(ticket);
    Some(Effect::CheckDirs { ticket, dirs })
}

/// The `lstat`s came back: every directory that changed since its children
/// were read is re-scanned (and marked until that lands).
pub fn on_checked(
    state: &mut State,
    ticket: u64,
    stats: Vec<(NodeId, Option<EntryStat>)>,
) -> Vec<Effect> {
    if state.jobs.sweep.pending != Some(ticket) {
        return Vec::new();
    }
    state.jobs.sweep.pending = None;
    let mut effects = Vec::new();
    for (dir, stat) in stats {
        // Gone, or unreadable: the watcher on its parent, or the next
        // opening, says so; nothing to re-read here.
        let Some(stat) = stat else { continue };
        if state.tree.is_live(dir)
            && !state.rows.is_expanded(dir)
            && state.tree.is_stale_dir(dir, &stat)
            && !is_rereading(state, dir)
        {
            effects.extend(start_rescan(state, dir));
        }
    }
    effects
}

/// At most this many directories are checked in one sweep (a screenful of
/// rows and their subdirectories: about a millisecond of `lstat`s).
const MOST_CHECKED: usize = 512;

/// The collapsed directories on screen, then their subdirectories: a
/// directory created inside a collapsed one and written into later changes
/// its own mtime, not the collapsed one's, yet the collapsed row's total
/// counts it.
fn collapsed_dirs_on_screen(state: &State) -> Vec<(NodeId, PathBuf)> {
    let tree = &state.tree;
    let checkable = |id: NodeId| {
        tree.kind(id) == FileKind::Dir
            && tree.is_live(id)
            && !state.rows.is_expanded(id)
            && !is_rereading(state, id)
            && tree.dir(id).is_some_and(|d| d.state == DirState::Complete)
    };
    let first = state.cursor.scroll;
    let last = (first + tree_height(state)).min(state.rows.len());
    let on_screen: Vec<NodeId> = (first..last)
        .filter_map(|i| state.rows.get(i))
        .map(|row| row.id)
        .filter(|&id| checkable(id))
        .collect();
    let below = on_screen.iter().flat_map(|&dir| tree.children(dir)).filter(|&id| checkable(id));
    on_screen
        .iter()
        .copied()
        .chain(below)
        .take(MOST_CHECKED)
        .map(|id| (id, tree.path(id)))
        .collect()
}
