//! One root per directory after `-`: when the parent a root moves up to is
//! already held by another root (it is that root or lies below it), the
//! moved root becomes part of that root and nothing is scanned; when the
//! new root holds other roots, its scan skips them and each becomes part of
//! it as the entry standing for it arrives. A merged subtree keeps its
//! nodes; what named a node of the copy that went (the selection, marks,
//! open directories, the zoom) names the kept one.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::msg::Effect;
use super::nav::reveal;
pub use super::places::PendingMerge;
use super::root::absolute;
use super::state::State;
use crate::model::{FileKind, NodeId};
use crate::sanitize;

/// `-` on `root` (at `path`, absolute): when another root holds `parent`,
/// `root` becomes its entry there. `None` when no root holds it.
pub fn into_holding_root(state: &mut State, root: NodeId, path: &Path) -> Option<Vec<Effect>> {
    let parent = path.parent()?;
    let name = path.file_name()?.as_bytes().to_vec();
    let holder = other_roots(state, root).into_iter().find_map(|(o, o_path)| {
        let rest = parent.strip_prefix(&o_path).ok()?;
        node_below(state, o, rest).filter(|&n| state.tree.kind(n) == FileKind::Dir)
    })?;
    let twin = state.tree.find_child(holder, &name);
    let selected = state.selected_node();
    let pairs = state.tree.merge_root(root, holder, &name, twin)?;
    if state.rows.top == Some(root) {
        state.rows.top = Some(holder);
    }
    let mut open = Some(holder);
    while let Some(dir) = open {
        state.rows.set_expanded(dir, true);
        open = state.tree.parent(dir);
    }
    let holder_path = absolute(state.nav.cwd.as_deref(), &state.tree.path(holder));
    state.message(format!("root: {} (already in the tree: merged)", sanitize::path(&holder_path)));
    Some(settle(state, &pairs, selected))
}

/// The roots other than `root` strictly inside `parent` (the new root of a
/// `-`): its scan must not enter them (their subtrees are in the tree), and
/// each joins it once the scan has placed its entry. Returns their paths.
pub fn plan_merges(state: &mut State, root: NodeId, outer: NodeId, ticket: u64) -> Vec<PathBuf> {
    let parent = absolute(state.nav.cwd.as_deref(), &state.tree.path(outer));
    let inside: Vec<(NodeId, PathBuf)> = other_roots(state, root)
        .into_iter()
        .filter(|(_, path)| path.starts_with(&parent) && *path != parent)
        .collect();
    let skip = inside.iter().map(|(_, path)| path.clone()).collect();
    for (inner, path) in inside {
        state.nav.merges.push(PendingMerge { ticket, outer, inner, path });
    }
    skip
}

/// After an event of the scan `ticket`: merges each waiting root whose
/// entry the new root now holds; at the scan's end (`finished`) the rest
/// stay roots of their own.
pub fn merge_arrived(state: &mut State, ticket: u64, finished: bool) -> Vec<Effect> {
    let mut effects = Vec::new();
    let waiting = std::mem::take(&mut state.nav.merges);
    for pending in waiting {
        if pending.ticket != ticket {
            state.nav.merges.push(pending);
            continue;
        }
        match merge_one(state, &pending) {
            Some(more) => effects.extend(more),
            None if !finished && state.tree.is_live(pending.inner) => {
                state.nav.merges.push(pending);
            }
            None => {}
        }
    }
    effects
}

fn merge_one(state: &mut State, pending: &PendingMerge) -> Option<Vec<Effect>> {
    let cwd = state.nav.cwd.as_deref();
    let outer_path = absolute(cwd, &state.tree.path(pending.outer));
    let rest = pending.path.strip_prefix(&outer_path).ok()?;
    let twin = node_below(state, pending.outer, rest)?;
    let selected = state.selected_node();
    if twin == pending.inner || state.tree.parent(twin).is_none() {
        return None;
    }
    let pairs = if is_moved_root(state, twin) {
        // The root `-` moved, given twice (the same directory): it stays,
        // the other goes.
        state.tree.drop_duplicate_root(pending.inner, twin)?
    } else {
        let parent = state.tree.parent(twin)?;
        let name = state.tree.name(twin).to_vec();
        state.tree.merge_root(pending.inner, parent, &name, Some(twin))?
    };
    Some(settle(state, &pairs, selected))
}

/// Whether `id` is a root's subtree that `-` hung under a new root (it was
/// kept whole, so a duplicate of it merges into it, not it into the
/// duplicate).
fn is_moved_root(state: &State, id: NodeId) -> bool {
    state.jobs.rescans.values().any(|r| r.kept() == Some(id))
}

/// Everything that named a node that went names its kept twin; the rows,
/// the audit and the marks follow the tree.
fn settle(state: &mut State, pairs: &[(NodeId, NodeId)], selected: Option<NodeId>) -> Vec<Effect> {
    let mut selected = selected;
    for &(gone, kept) in pairs {
        if let Some(mut target) = state.jobs.marks.remove(&gone) {
            target.id = kept;
            state.jobs.marks.insert(kept, target);
        }
        if state.rows.is_expanded(gone) {
            state.rows.set_expanded(kept, true);
        }
        if state.rows.top == Some(gone) {
            state.rows.top = Some(kept);
        }
        if selected == Some(gone) {
            selected = Some(kept);
        }
    }
    let tree = &state.tree;
    state.jobs.marks.retain(|id, _| tree.is_live(*id));
    super::audit::forget_removed(state);
    let roots = state.tree.roots().map(|r| state.tree.path(r)).collect();
    state.audit.roots_moved(roots);
    state.nav.moved = true;
    state.rows.dirty = true;
    state.rebuild_rows();
    if let Some(id) = selected.filter(|&id| state.tree.is_live(id)) {
        reveal(state, id);
    }
    super::nav::selection_changed(state)
}

/// The roots other than `root`, with their absolute paths.
fn other_roots(state: &State, root: NodeId) -> Vec<(NodeId, PathBuf)> {
    let cwd = state.nav.cwd.as_deref();
    let roots = state.tree.roots().filter(|&r| r != root);
    roots.map(|r| (r, absolute(cwd, &state.tree.path(r)))).collect()
}

/// The node at `rest` (relative) below `from`, by name.
fn node_below(state: &State, from: NodeId, rest: &Path) -> Option<NodeId> {
    rest.components()
        .try_fold(from, |node, part| state.tree.find_child(node, part.as_os_str().as_bytes()))
}
