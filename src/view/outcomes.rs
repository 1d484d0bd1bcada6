//! What comes back into the model: results of actions, events of
//! one-directory re-scans, and changes seen by the filesystem watcher — all
//! applied to the tree as the same path-level [`Change`]s, followed by one
//! rebuild of the rows and a fresh read of the selection's metadata.

use std::path::Path;

use std::os::unix::ffi::OsStrExt;

use super::audit;
use super::ops::{self, Change, OpOutcome, OpReport, OpRequest};
use super::state::{Confirm, Effect, Mode, Report, State};
use super::update::{keep_selection_visible, reveal_node, selection_changed};
use crate::fmt::group_digits;
use crate::model::{DirState, NodeId};
use crate::scan::{EntryStat, Parent, ScanEvent};

/// Starts a re-scan of `dir`; `None` when it is not a live directory.
pub fn start_rescan(state: &mut State, dir: NodeId) -> Option<Effect> {
    // A re-scan inside one already running for an ancestor is redundant, and
    // one for the same directory replaces the old one.
    let path = state.tree.path(dir);
    state.rescans.retain(|_, r| r.dir() != dir);
    let rescan = state.tree.begin_rescan(dir)?;
    let ticket = state.next_ticket;
    state.next_ticket += 1;
    state.rescans.insert(ticket, rescan);
    state.rows_dirty = true;
    state.needs_draw = true;
    Some(Effect::Rescan { ticket, path })
}

/// A name and its `lstat`.
type NamedStat = (Vec<u8>, EntryStat);

/// One event of a re-scan's scanner: applied to the tree, and its entries
/// judged for the audit as the first scan's are.
pub fn on_rescan_event(state: &mut State, ticket: u64, event: ScanEvent) -> Vec<Effect> {
    let finished = matches!(event, ScanEvent::Finished { .. });
    let Some(rescan) = state.rescans.get_mut(&ticket) else { return Vec::new() };
    // Where this batch's entries will land, and their stats, for the audit.
    let judged: Option<(Option<NodeId>, Vec<NamedStat>)> = match &event {
        ScanEvent::Batch(batch) => {
            let parent = match batch.parent {
                Parent::Root(_) => None,
                Parent::Dir(key) => rescan.node_of(key),
            };
            let stats = batch
                .entries
                .iter()
                .filter_map(|e| e.stat.map(|st| (batch.name(e).to_vec(), st)))
                .collect();
            Some((parent, stats))
        }
        _ => None,
    };
    if state.tree.apply_rescan(rescan, event) {
        state.rows_dirty = true;
        state.needs_draw = true;
    }
    let dir = rescan.dir();
    let mut effects = Vec::new();
    if let Some((parent, stats)) = judged {
        for (name, stat) in stats {
            let id = match parent {
                Some(parent) => state.tree.find_child(parent, &name),
                None => Some(dir),
            };
            if let Some(id) = id {
                effects.extend(audit::rejudge(state, id, &stat));
            }
        }
    }
    if finished {
        state.rescans.remove(&ticket);
        // A re-scan that found nothing at all (the directory vanished or
        // could not be listed) must not leave it shown as still loading.
        if state.tree.is_live(dir)
            && state.tree.dir(dir).is_some_and(|d| d.state == DirState::Pending)
        {
            state.tree.set_dir_state(dir, DirState::Complete);
        }
        audit::forget_removed(state);
        state.rows_dirty = true;
        effects.extend(after_tree_change(state));
    }
    effects
}

/// Progress of the running action.
pub fn on_progress(state: &mut State, seen: u64) {
    if let Some(running) = &mut state.running {
        running.progress = seen;
        state.needs_draw = true;
    }
}

/// The running action finished.
pub fn on_op_done(state: &mut State, outcome: OpOutcome) -> Vec<Effect> {
    let cancelled = state.running.take().is_some_and(|r| r.cancel.is_cancelled());
    state.needs_draw = true;
    match outcome {
        OpOutcome::Counted { request, lines, will_change } => {
            if cancelled {
                state.message("cancelled: nothing changed");
                return Vec::new();
            }
            if will_change == 0 && matches!(request, OpRequest::ChmodRecursive { .. }) {
                state.message("nothing to change: every entry in scope already has that mode");
                return Vec::new();
            }
            let (title, danger) = super::actions::confirm_title(&request);
            state.mode = Mode::Confirm(Confirm { title, lines, request, danger });
            Vec::new()
        }
        OpOutcome::Done(report) => apply_report(state, report),
    }
}

fn apply_report(state: &mut State, report: OpReport) -> Vec<Effect> {
    let mut effects = apply_path_changes(state, &report.changes);
    // Marks of entries that are gone go with them.
    let tree = &state.tree;
    state.marks.retain(|id, _| tree.is_live(*id));
    if report.failed {
        state.error(report.summary.clone());
    } else {
        state.message(report.summary.clone());
    }
    if !report.details.is_empty() {
        state.mode = Mode::Report(Report {
            title: report.summary.clone(),
            lines: report.details.clone(),
            scroll: 0,
        });
    }
    if let Some(path) = report.select {
        state.pending_select = Some(path);
    }
    // The metadata of the selection may be what changed: read it again.
    state.meta = None;
    effects.extend(after_tree_change(state));
    effects
}

/// Changes seen by the filesystem watcher (or reported by an action).
pub fn apply_path_changes(state: &mut State, changes: &[Change]) -> Vec<Effect> {
    let (changed, rescans) = ops::apply_changes(&mut state.tree, changes);
    let mut effects = Vec::new();
    // The audit's findings follow the edits: removed nodes go, changed ones
    // are judged again from their fresh lstat.
    audit::forget_removed(state);
    for change in changes {
        if let Change::Entry { dir, name, stat: Some(stat) } = change
            && let Some(id) =
                ops::node_at(&state.tree, &dir.join(std::ffi::OsStr::from_bytes(name)))
        {
            effects.extend(audit::rejudge(state, id, stat));
        }
    }
    if changed {
        state.rows_dirty = true;
        state.needs_draw = true;
        // Refresh the metadata pane if its entry was among the changes.
        if let Some(selected) = state.selected_id
            && changes.iter().any(|c| touches(state, c, selected))
        {
            state.meta = None;
        }
    }
    for dir in rescans {
        effects.extend(start_rescan(state, dir));
    }
    effects
}

fn touches(state: &State, change: &Change, id: NodeId) -> bool {
    let path = state.tree.path(id);
    let (dir, name): (&Path, &[u8]) = match change {
        Change::Entry { dir, name, .. } => (dir, name),
        Change::Moved { to_dir, to, .. } => (to_dir, to),
        Change::Rescan { .. } => return false,
    };
    use std::os::unix::ffi::OsStrExt;
    path.parent() == Some(dir) && path.file_name().map(|n| n.as_bytes()) == Some(name)
}

/// After the tree changed under the view: rebuild the rows, select what
/// should be selected, and reload the selection's metadata when needed.
pub fn after_tree_change(state: &mut State) -> Vec<Effect> {
    state.rebuild_rows();
    if let Some(path) = state.pending_select.clone()
        && let Some(id) = ops::node_at(&state.tree, &path)
    {
        state.pending_select = None;
        reveal_node(state, id);
    }
    keep_selection_visible(state);
    selection_changed(state)
}

/// "3.2 s" since the action started, for the progress line.
pub fn running_text(state: &State) -> Option<String> {
    let running = state.running.as_ref()?;
    let secs = state.now.saturating_duration_since(running.started).as_secs_f64();
    let seen = if running.progress > 0 {
        format!(" · {} entries", group_digits(running.progress))
    } else {
        String::new()
    };
    Some(format!(" {}{seen} · {secs:.1} s · Esc cancels", running.label))
}
