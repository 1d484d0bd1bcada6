//! Every scan stream reaches the model here, the same way: the tree applies
//! the event first, then the audit observes what it changed. The streams
//! are the first scan ([`on_scan`]), the re-scans of one directory
//! ([`on_rescan_event`]), and the audit pass ([`on_audit_pass`]), which
//! adds facts to nodes the tree already has.

use super::audit;
use super::msg::Effect;
use super::nav::{after_tree_change, selection_changed};
use super::state::State;
use crate::model::{DirState, FileKind, NodeId};
use crate::scan::{EntryStat, Parent, ScanEvent};

/// One event of the first scan.
pub fn on_scan(state: &mut State, event: ScanEvent) -> Vec<Effect> {
    let new_root = matches!(&event, ScanEvent::Batch(b) if matches!(b.parent, Parent::Root(_)));
    if let ScanEvent::Finished { elapsed } = &event {
        state.scan.finished = Some(*elapsed);
    }
    let had_room = state.tree.out_of_memory().is_none();
    let (changed, mut effects) = apply_main(state, event);
    if let Some(entries) = state.tree.out_of_memory().filter(|_| had_room) {
        // The loop stops the walk when it sees this; what was read stays.
        state.error(format!(
            "out of memory after {} entries: the scan stopped there; what was read can be browsed",
            crate::fmt::group_digits(entries)
        ));
    }
    if changed {
        state.rows.dirty = true;
        state.screen.needs_draw = true;
    }
    if new_root {
        // Open each root as it arrives, so its contents stream into view.
        let roots: Vec<NodeId> = state.tree.roots().collect();
        for root in roots {
            if state.tree.kind(root) == FileKind::Dir {
                state.rows.set_expanded(root, true);
            }
        }
        state.rebuild_rows();
        effects.extend(selection_changed(state));
    }
    effects
}

/// The tree applies one event of the first scan, then the audit observes
/// it. Returns whether the tree changed, and the effects the audit asks
/// for (name lookups, the audit pass).
fn apply_main(state: &mut State, event: ScanEvent) -> (bool, Vec<Effect>) {
    match event {
        ScanEvent::Batch(batch) => {
            let changed = state.tree.apply_batch(&batch);
            (changed, audit::observe_batch(state, &batch))
        }
        ScanEvent::DirError { dir, path, error } => {
            let changed = state.tree.apply(ScanEvent::DirError { dir, path, error });
            audit::observe_unreadable(state, dir);
            (changed, Vec::new())
        }
        ScanEvent::RootError { root, path, error } => {
            // The root has no row to carry the error: say it where every
            // message is kept (the status bar, then the log behind `M`).
            state.error(format!("root not read: {}: {error}", crate::sanitize::path(&path)));
            (state.tree.apply(ScanEvent::RootError { root, path, error }), Vec::new())
        }
        event @ ScanEvent::Finished { .. } => {
            let changed = state.tree.apply(event);
            (changed, audit::main_scan_finished(state).into_iter().collect())
        }
        event => (state.tree.apply(event), Vec::new()),
    }
}

/// One event of the audit pass: it adds facts to the tree's nodes and
/// changes no node.
pub fn on_audit_pass(state: &mut State, event: ScanEvent) {
    audit::on_pass_event(state, event);
}

/// Starts a re-scan of `dir`; `None` when it is not a live directory.
pub fn start_rescan(state: &mut State, dir: NodeId) -> Option<Effect> {
    if state.scan.recorded.is_some() {
        // An import: there is no disk to read it again from.
        return None;
    }
    // A re-scan inside one already running for an ancestor is redundant, and
    // one for the same directory replaces the old one.
    let path = state.tree.path(dir);
    state.jobs.rescans.retain(|_, r| r.dir() != dir);
    let rescan = state.tree.begin_rescan(dir)?;
    let ticket = state.jobs.ticket();
    state.jobs.rescans.insert(ticket, rescan);
    state.rows.dirty = true;
    state.screen.needs_draw = true;
    Some(Effect::Rescan { ticket, path })
}

/// A scanned entry as the audit judges it: its key and name (to find its
/// node), its kind, its `lstat`, and whether reading it failed.
type Judged = (crate::scan::EntryKey, Vec<u8>, FileKind, Option<EntryStat>, bool);

/// One event of a re-scan's scanner (a refresh, or the scan that fills a
/// root `-` or `:` put in place): applied to the tree, and its entries
/// judged for the audit as the first scan's are, unreadable directories
/// included.
pub fn on_rescan_event(state: &mut State, ticket: u64, event: ScanEvent) -> Vec<Effect> {
    let finished = matches!(event, ScanEvent::Finished { .. });
    let Some(rescan) = state.jobs.rescans.get_mut(&ticket) else { return Vec::new() };
    let unreadable = match &event {
        ScanEvent::DirError { dir, .. } => Some(*dir),
        _ => None,
    };
    // Where this batch's entries will land, and what they are, for the audit.
    let judged: Option<(Option<NodeId>, Vec<Judged>)> = match &event {
        ScanEvent::Batch(batch) => {
            let parent = match batch.parent {
                Parent::Root(_) => None,
                Parent::Dir(key) => rescan.node_of(key),
            };
            let stats = batch
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let key = crate::scan::EntryKey { batch: batch.id, index: i as u32 };
                    (key, batch.name(e).to_vec(), e.kind(), e.stat, e.error.is_some())
                })
                .collect();
            Some((parent, stats))
        }
        _ => None,
    };
    if state.tree.apply_rescan(rescan, event) {
        state.rows.dirty = true;
        state.screen.needs_draw = true;
    }
    let dir = rescan.dir();
    let unreadable = unreadable.and_then(|key| rescan.node_of(key));
    let mut effects = Vec::new();
    if let Some((parent, entries)) = judged {
        let tree = &state.tree;
        let placed: Vec<(Option<NodeId>, FileKind, Option<EntryStat>, bool)> = entries
            .into_iter()
            .map(|(key, name, kind, stat, error)| {
                let id = match parent {
                    // Where the entry landed, by its key (a name lookup in a
                    // large directory without an index is linear, and this
                    // runs for each of its entries); by name when that node
                    // is not it.
                    Some(parent) => rescan
                        .node_of(key)
                        .filter(|&id| tree.is_live(id) && tree.name(id) == name)
                        .or_else(|| tree.find_child(parent, &name)),
                    None => Some(dir),
                };
                (id, kind, stat, error)
            })
            .collect();
        for (id, kind, stat, error) in placed {
            if let Some(id) = id {
                effects.extend(audit::rejudge_entry(state, id, kind, stat.as_ref(), error));
            }
        }
    }
    if let Some(id) = unreadable.filter(|&id| state.tree.is_live(id)) {
        audit::mark_unreadable(state, id);
    }
    if finished {
        state.jobs.rescans.remove(&ticket);
        // A re-scan that found nothing at all (the directory vanished or
        // could not be listed) must not leave it shown as still loading.
        if state.tree.is_live(dir)
            && state.tree.dir(dir).is_some_and(|d| d.state == DirState::Pending)
        {
            state.tree.set_dir_state(dir, DirState::Complete);
        }
        audit::forget_removed(state);
        state.rows.dirty = true;
        effects.extend(after_tree_change(state));
    }
    effects
}
