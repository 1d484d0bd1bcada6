//! Freshness of what the view shows: every directory the user opens (or a
//! filter shows open, as far as it is on screen) is listed again off the
//! interface's thread and the model reconciled with the
//! listing (entries added, removed, changed), so the rows of an open
//! directory are never older than the moment it was opened; from then on the
//! watcher keeps it current. A child directory whose mtime or ctime differs
//! from when its children were read is stale: it is re-scanned in the
//! background and marked on screen until that re-scan lands.

use std::collections::{HashMap, HashSet};

use super::change::{Change, node_at};
use super::msg::Effect;
use super::nav::tree_height;
use super::outcomes;
use super::scan_in::start_rescan;
use super::state::State;
use crate::model::{DirState, FileKind, NodeId};
use crate::watch::relist::Listing;

/// Asks for a listing of every directory opened since the last call, and
/// forgets the closed ones. Opened means shown open: expanded by the user
/// (a key, a click, a search's reveal) or kept open by a filter.
pub fn list_opened(state: &mut State) -> Vec<Effect> {
    let tree = &state.tree;
    let rows = &state.rows;
    let unchanged = !rows.filtered() && state.jobs.fresh.seen == Some(rows.openings());
    let candidates: Vec<NodeId> = if unchanged {
        // Nothing was expanded or collapsed since the last full pass, which
        // listed every open directory: only those taken out of `listed`
        // since can be new. (Without this every message — a key, a tick, a
        // scan batch — went over every open directory: a millisecond per
        // 30,000.) The ones removed from the tree since stay in `listed`
        // until the next full pass: ids are never reused.
        let again = std::mem::take(&mut state.jobs.fresh.again);
        again.into_iter().filter(|&id| rows.shows_open(id)).collect()
    } else {
        state.jobs.fresh.again.clear();
        state.jobs.fresh.listed.retain(|&id| tree.is_live(id) && rows.shows_open(id));
        state.jobs.fresh.seen = (!rows.filtered()).then(|| rows.openings());
        if rows.filtered() {
            open_on_screen(state)
        } else {
            rows.expanded().iter().copied().collect()
        }
    };
    let listed = &mut state.jobs.fresh.listed;
    let opened: Vec<NodeId> = candidates
        .into_iter()
        .filter(|&id| tree.kind(id) == FileKind::Dir && tree.is_live(id))
        .filter(|&id| listed.insert(id))
        .collect();
    // A directory the walk is still filling is as fresh as the walk.
    let relist: Vec<NodeId> = opened
        .into_iter()
        .filter(|&dir| {
            !tree.dir(dir).is_some_and(|d| matches!(d.state, DirState::Pending | DirState::Partial))
        })
        .collect();
    if relist.is_empty() {
        return Vec::new();
    }
    // One pass over the listings still on their way, not one per directory:
    // opening many at once (a filter cleared) was quadratic.
    let dirs: HashSet<NodeId> = relist.iter().copied().collect();
    state.jobs.fresh.pending.retain(|_, d| !dirs.contains(d));
    let mut effects = Vec::with_capacity(relist.len());
    for dir in relist {
        let ticket = state.jobs.ticket();
        state.jobs.fresh.pending.insert(ticket, dir);
        effects.push(Effect::Relist { ticket, dir, path: state.tree.path(dir) });
    }
    effects
}

/// The directories shown open among the rows on screen. A filter can open
/// every directory of a large tree at once: listing only what is on screen
/// bounds the work to a screen's worth, and the others are listed as
/// scrolling brings them into view.
fn open_on_screen(state: &State) -> Vec<NodeId> {
    let rows = state.rows.rows();
    let start = state.cursor.scroll.min(rows.len());
    let end = (start + tree_height(state).max(1)).min(rows.len());
    rows[start..end]
        .iter()
        .map(|row| row.id)
        .filter(|&id| state.tree.kind(id) == FileKind::Dir && state.rows.shows_open(id))
        .collect()
}

/// A listing came back: reconcile the directory's children with it, and
/// re-scan the child directories that changed since they were read.
pub fn on_listed(
    state: &mut State,
    ticket: u64,
    dir: NodeId,
    listing: Result<Listing, String>,
) -> Vec<Effect> {
    if state.jobs.fresh.pending.remove(&ticket) != Some(dir)
        || !state.tree.is_live(dir)
        || !state.rows.is_expanded(dir)
    {
        return Vec::new();
    }
    let listing = match listing {
        Ok(listing) => listing,
        Err(why) => {
            // The next refresh or re-scan reports it on the directory; the
            // rows keep what was known.
            state.error(why);
            return Vec::new();
        }
    };
    let path = state.tree.path(dir);
    let tree = &state.tree;
    // One pass over the children: the tree's name lookup is linear without
    // an index, and a directory of 10,000 entries must reconcile in
    // milliseconds.
    let known: HashMap<&[u8], NodeId> = tree.children(dir).map(|c| (tree.name(c), c)).collect();
    let on_disk: HashSet<&[u8]> = listing.entries.iter().map(|(n, _)| n.as_slice()).collect();
    let mut stale = Vec::new();
    let mut changes = Vec::new();
    for (name, stat) in &listing.entries {
        let Some(stat) = stat else { continue };
        let child = known.get(name.as_slice()).copied();
        if let Some(child) = child {
            if tree.kind(child) == FileKind::Dir && tree.is_stale_dir(child, stat) {
                stale.push(name.clone());
            }
            if shows_as(tree, child, stat) {
                continue;
            }
        }
        changes.push(Change::Entry { dir: path.clone(), name: name.clone(), stat: Some(*stat) });
    }
    for (name, _) in known.iter().filter(|(name, _)| !on_disk.contains(*name)) {
        changes.push(Change::Entry { dir: path.clone(), name: name.to_vec(), stat: None });
    }
    let mut effects = outcomes::apply_path_changes(state, &changes);
    state.tree.set_dir_stamp(dir, &listing.dir);
    for name in stale {
        let Some(child) = state.tree.find_child(dir, &name) else { continue };
        if !is_rereading(state, child) {
            effects.extend(start_rescan(state, child));
        }
    }
    effects
}

/// Notes the directories under a running re-scan that these watcher changes
/// touch (an overflow's re-scan runs while the changes go on: a name deleted
/// after the re-scan listed it would otherwise stay).
pub fn note_changes_during_rescans(state: &mut State, changes: &[Change]) {
    if state.jobs.rescans.is_empty() {
        return;
    }
    for change in changes {
        let dir = match change {
            Change::Entry { dir, .. } | Change::Rescan { dir } => dir,
            Change::Moved { from_dir, .. } => from_dir,
        };
        // A directory below the re-scanned one is not in the tree yet: its
        // nearest ancestor that is.
        let Some(mut node) = dir.ancestors().find_map(|d| node_at(&state.tree, d)) else {
            continue;
        };
        // The re-scan holding it: the directory or its nearest ancestor.
        loop {
            if is_rereading(state, node) {
                state.jobs.fresh.changed_during_rescan.insert(node);
                break;
            }
            match state.tree.parent(node) {
                Some(parent) => node = parent,
                None => break,
            }
        }
    }
}

/// After a re-scan of `dir` ended: reads it once more when changes were seen
/// in it while it ran, so it converges to the disk once the changes stop.
pub fn rescan_again_if_changed(state: &mut State, dir: NodeId) -> Option<Effect> {
    if !state.jobs.fresh.changed_during_rescan.remove(&dir) || !state.tree.is_live(dir) {
        return None;
    }
    start_rescan(state, dir)
}

/// Whether the tree already shows `child` as this `lstat` says (type and
/// permissions, owner, sizes, modification second): only entries that differ
/// become changes.
fn shows_as(tree: &crate::model::Tree, child: NodeId, stat: &crate::scan::EntryStat) -> bool {
    tree.mode(child) == stat.mode
        && tree.owner(child) == (stat.uid, stat.gid)
        && tree.size(child) == stat.size
        && tree.allocated(child) == stat.allocated()
        && tree.mtime(child) == stat.mtime.sec
}

/// Whether `dir` is being read again right now (its rows and totals are
/// about to change): the tree marks it stale.
pub fn is_rereading(state: &State, dir: NodeId) -> bool {
    state.jobs.rescans.values().any(|rescan| rescan.dir() == dir)
}
