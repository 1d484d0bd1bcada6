//! What comes back into the model from outside the scans: results of
//! actions and changes seen by the filesystem watcher, both applied to the
//! tree as the same path-level [`Change`]s, followed by one rebuild of the
//! rows and a fresh read of the selection's metadata.

use std::path::Path;

use std::os::unix::ffi::OsStrExt;

use super::audit;
use super::change::{self, Change, OpOutcome, OpReport};
use super::msg::Effect;
use super::nav::after_tree_change;
use super::request::{OpRequest, confirm_title};
use super::scan_in::start_rescan;
use super::state::{Confirm, Mode, Report, State};
use crate::model::NodeId;

/// Progress of the running action.
pub fn on_progress(state: &mut State, seen: u64) {
    if let Some(running) = &mut state.jobs.running {
        running.progress = seen;
        state.screen.needs_draw = true;
    }
}

/// The running action finished.
pub fn on_op_done(state: &mut State, outcome: OpOutcome) -> Vec<Effect> {
    super::paste_flow::on_done(state, &outcome);
    let cancelled = state.jobs.running.take().is_some_and(|r| r.cancel.is_cancelled());
    state.screen.needs_draw = true;
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
            let (title, danger) = confirm_title(&request);
            state.mode = Mode::Confirm(Confirm { title, lines, request, danger, scroll: 0 });
            Vec::new()
        }
        OpOutcome::Collisions { request, names } => {
            if cancelled {
                state.message("cancelled: nothing pasted");
            } else {
                super::paste_flow::ask(state, request, names);
            }
            Vec::new()
        }
        OpOutcome::Done(report) => apply_report(state, report),
    }
}

fn apply_report(state: &mut State, report: OpReport) -> Vec<Effect> {
    super::undo::note_all(&mut state.journal, &report.journal);
    let mut effects = apply_path_changes(state, &report.changes);
    // Marks of entries that are gone go with them.
    let tree = &state.tree;
    state.jobs.marks.retain(|id, _| tree.is_live(*id));
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
        state.cursor.pending_select = Some(path);
    }
    // The metadata of the selection may be what changed: read it again.
    state.inspect.meta = None;
    effects.extend(after_tree_change(state));
    effects
}

/// Changes seen by the filesystem watcher (or reported by an action).
pub fn apply_path_changes(state: &mut State, changes: &[Change]) -> Vec<Effect> {
    let zoom = super::gone::zoom_chain(state);
    let roots_gone = super::gone::mark_gone_roots(state, changes);
    let (changed, rescans) = change::apply_changes(&mut state.tree, changes);
    let changed = changed || roots_gone;
    super::gone::settle_zoom(state, &zoom);
    let mut effects = Vec::new();
    // The audit's findings follow the edits: removed nodes go, changed ones
    // are judged again from their fresh lstat.
    audit::forget_removed(state);
    for change in changes {
        if let Change::Entry { dir, name, stat: Some(stat) } = change
            && let Some(id) =
                change::node_at(&state.tree, &dir.join(std::ffi::OsStr::from_bytes(name)))
        {
            effects.extend(audit::rejudge(state, id, stat));
        }
    }
    if changed {
        state.rows.dirty = true;
        state.screen.needs_draw = true;
        // Refresh the metadata pane if its entry was among the changes.
        if let Some(selected) = state.selected_node()
            && changes.iter().any(|c| touches(state, c, selected))
        {
            state.inspect.meta = None;
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

/// "3.2 s" since the action started, for the progress line.
pub fn running_text(state: &State) -> Option<String> {
    let running = state.jobs.running.as_ref()?;
    let secs = state.screen.now.saturating_duration_since(running.started).as_secs_f64();
    let seen = if running.progress > 0 {
        format!(" · {}", crate::fmt::quantity(running.progress, "entry", "entries"))
    } else {
        String::new()
    };
    Some(format!(" {}{seen} · {secs:.1} s · Esc cancels", running.label))
}

/// The editor or pager returned: the file may have changed.
pub fn on_external_done(
    state: &mut State,
    result: Result<(), String>,
    change: Option<Change>,
) -> Vec<Effect> {
    state.screen.needs_draw = true;
    if let Err(why) = result {
        state.error(why);
    }
    let mut effects = apply_path_changes(state, &change.into_iter().collect::<Vec<_>>());
    state.inspect.meta = None;
    effects.extend(after_tree_change(state));
    effects
}
