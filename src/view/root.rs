//! Where the view is rooted: `-` makes the root's parent the root (the
//! scanned subtree is kept; only the new siblings are scanned), `z` makes
//! the selected directory the root of the view (its subtree is already in
//! the model: nothing is read but its own listing), and `-` goes back out
//! of a zoom and on above the original root. `:` (in `goto.rs`) ends here
//! too. The tree's roots move in the model ([`crate::model::Tree::reroot_up`]);
//! a zoom only names the node the rows start from ([`super::RowIndex::top`]).

use std::path::{Path, PathBuf};

use super::msg::Effect;
use super::nav::keep_selection_visible;
use super::state::State;
use crate::model::{FileKind, NodeId, Rescan};

pub use super::places::{NavRoot, absolute};
use crate::sanitize;

/// The node the view is rooted at: the zoom, else the root above the
/// selection, else the first root.
pub fn view_root(state: &State) -> Option<NodeId> {
    if let Some(top) = state.rows.top.filter(|&t| state.tree.is_live(t)) {
        return Some(top);
    }
    let mut node = state.selected_node().or_else(|| state.tree.roots().next())?;
    while let Some(parent) = state.tree.parent(node) {
        node = parent;
    }
    Some(node)
}

/// The absolute path of the view's root (what `:` resolves relative paths
/// against, what the title shows).
pub fn view_root_path(state: &State) -> Option<PathBuf> {
    view_root(state).map(|id| absolute(state.nav.cwd.as_deref(), &state.tree.path(id)))
}

/// Whether the view shows one directory's subtree (`z`, `:`), so a search
/// leaves out what lies outside it.
pub fn zoomed(state: &State) -> bool {
    state.rows.top.is_some_and(|top| state.tree.is_live(top))
}

/// " (zoomed on PATH: - goes out)", said when a search found nothing
/// further in the zoomed subtree.
pub fn zoom_note(state: &State) -> String {
    let path = view_root_path(state).unwrap_or_default();
    let key = state.keymap.keys(crate::keymap::Action::GoUp).first().map(ToString::to_string);
    let how = key.map_or_else(String::new, |key| format!(": {key} goes out"));
    format!(" (zoomed on {}{how})", crate::sanitize::path(&path))
}

/// `-` / Backspace: out of a zoom to its parent directory, else the parent
/// of the selection's root becomes that root.
pub fn up(state: &mut State) -> Vec<Effect> {
    if let Some(top) = state.rows.top.filter(|&t| state.tree.is_live(t))
        && let Some(parent) = state.tree.parent(top)
    {
        return set_top(state, Some(parent));
    }
    let Some(root) = view_root(state) else { return Vec::new() };
    let absolute = absolute(state.nav.cwd.as_deref(), &state.tree.path(root));
    let Some(parent) = absolute.parent().map(Path::to_path_buf) else {
        state.message("already at /");
        return Vec::new();
    };
    if let Some(effects) = super::merge_roots::into_holding_root(state, root, &absolute) {
        return effects;
    }
    let Some(rescan) = state.tree.reroot_up(root, &absolute) else { return Vec::new() };
    let new_root = rescan.dir();
    // The audit pass matches its roots to the tree's by name: one not yet
    // run must walk the roots as they are now, the new parent among them.
    let roots = state.tree.roots().map(|r| state.tree.path(r)).collect();
    state.audit.roots_moved(roots);
    state.nav.moved = true;
    if state.rows.top == Some(root) {
        state.rows.top = Some(new_root);
    }
    state.message(format!("root: {}", sanitize::path(&parent)));
    let mut effect = start_scan(state, rescan, parent, vec![absolute]);
    state.rows.set_expanded(new_root, true);
    normalize_top(state);
    state.rebuild_rows();
    keep_selection_visible(state);
    let mut effects = Vec::new();
    if let Effect::ScanRoot { ticket, skip, .. } = &mut effect {
        // Other roots the new one holds: not read again, merged into it.
        let ticket = *ticket;
        skip.extend(super::merge_roots::plan_merges(state, root, new_root, ticket));
        effects = super::merge_roots::merge_arrived(state, ticket, false);
    }
    effects.insert(0, effect);
    effects
}

/// `z`: the selected directory becomes the root of the view.
pub fn zoom(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_node() else { return Vec::new() };
    if state.tree.kind(id) != FileKind::Dir {
        state.message("z: not a directory");
        return Vec::new();
    }
    set_top(state, Some(id))
}

/// Roots the view at `top` (`None`: every root), opens it, and has it
/// listed again as opening a directory does (the zoom shows it as it is
/// now, not as the scan saw it).
pub fn set_top(state: &mut State, top: Option<NodeId>) -> Vec<Effect> {
    state.rows.top = top;
    normalize_top(state);
    if let Some(id) = state.rows.top.or_else(|| view_root(state)) {
        state.rows.set_expanded(id, true);
        // Listed again by `fresh::list_opened` after this update.
        state.jobs.fresh.list_again(id);
        if let Some(path) = view_root_path(state) {
            state.message(format!("root: {}", sanitize::path(&path)));
        }
    }
    state.nav.moved = true;
    let selected = state.selected_node();
    state.rebuild_rows();
    if selected.is_none_or(|s| state.rows.position(s).is_none()) {
        state.cursor.row = 0;
    }
    keep_selection_visible(state);
    super::nav::selection_changed(state)
}

/// A zoom on the only root is no zoom: the rows show every root anyway.
fn normalize_top(state: &mut State) {
    if let Some(top) = state.rows.top
        && (!state.tree.is_live(top)
            || state.tree.parent(top).is_none() && state.tree.roots().count() == 1)
    {
        state.rows.top = None;
    }
}

/// Registers the scan filling a new root; its events come back as
/// [`super::msg::Msg::Rescan`], as a directory's re-scan's do.
pub fn start_scan(state: &mut State, rescan: Rescan, path: PathBuf, skip: Vec<PathBuf>) -> Effect {
    let ticket = state.jobs.ticket();
    state.jobs.rescans.insert(ticket, rescan);
    state.rows.dirty = true;
    state.screen.needs_draw = true;
    Effect::ScanRoot { ticket, path, skip }
}

/// A re-scan ended: when it was the scan of the tree `:` put in place of
/// the first one, the scan as the status bar counts it is over, and the
/// audit pass asked for meanwhile starts, as after the first scan.
pub fn scan_ended(state: &mut State, ticket: u64, elapsed: std::time::Duration) -> Option<Effect> {
    if state.nav.new_tree_scan != Some(ticket) {
        return None;
    }
    state.nav.new_tree_scan = None;
    state.scan.finished = Some(elapsed);
    super::audit::main_scan_finished(state)
}

#[cfg(test)]
mod tests {
    use super::absolute;
    use std::path::Path;

    #[test]
    fn relative_roots_are_made_absolute_without_the_disk() {
        let cwd = Some(Path::new("/home/u"));
        assert_eq!(absolute(cwd, Path::new(".")), Path::new("/home/u"));
        assert_eq!(absolute(cwd, Path::new("./a/../b/")), Path::new("/home/u/b"));
        assert_eq!(absolute(cwd, Path::new("/x/./y")), Path::new("/x/y"));
        assert_eq!(absolute(cwd, Path::new("../..")), Path::new("/"));
        assert_eq!(absolute(None, Path::new("/..")), Path::new("/"));
    }
}
