//! Moving through the rows: the selection and what it loads, revealing a
//! node, scrolling, expanding and collapsing, and settling the selection
//! after the tree changed under it.

use std::time::Duration;

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::layout::layout;
use super::msg::Effect;
use super::state::{Mode, State};
use crate::model::{FileKind, NodeId};

const DOUBLE_CLICK: Duration = Duration::from_millis(400);
const WHEEL_ROWS: usize = 3;

/// When the selected entry left the tree (deleted behind the view's back, or
/// under a re-read), the selection moves to the row now in its place and
/// that entry's metadata is loaded: no load is left waiting for a node that
/// will never answer.
pub fn settle_selection(state: &mut State) -> Vec<Effect> {
    match state.selected_node() {
        Some(id) if !state.tree.is_live(id) => {
            state.rebuild_rows();
            selection_changed(state)
        }
        _ => Vec::new(),
    }
}

/// Expands every ancestor of `id` and selects it. A node outside the zoom
/// widens the zoom to the nearest directory holding both, which is said:
/// whatever selects an entry (an action's result, a search) never leaves
/// the selection on a row the view does not show.
pub fn reveal(state: &mut State, id: NodeId) {
    widen_zoom_to_show(state, id);
    let mut cursor = state.tree.parent(id);
    let mut changed = false;
    while let Some(dir) = cursor {
        changed |= state.rows.set_expanded(dir, true);
        cursor = state.tree.parent(dir);
    }
    let mut row = if changed || state.rows.dirty { None } else { state.rows.position(id) };
    if row.is_none() {
        // Noted by the rebuild: found without a scan of the rows.
        state.rebuild_rows_noting(Some(id));
        row = state.rows.position(id);
    }
    if let Some(row) = row {
        state.cursor.row = row;
    }
    keep_selection_visible(state);
}

fn widen_zoom_to_show(state: &mut State, id: NodeId) {
    let Some(top) = state.rows.top.filter(|&t| state.tree.is_live(t)) else { return };
    let ancestors = |from: NodeId| std::iter::successors(Some(from), |&n| state.tree.parent(n));
    if !state.tree.is_live(id) || ancestors(id).any(|n| n == top) {
        return;
    }
    let holding: Vec<NodeId> = ancestors(id).collect();
    let common = ancestors(top).find(|n| holding.contains(n));
    // A zoom on the only root is no zoom (as `root::set_top` has it).
    let only_root = |c: NodeId| state.tree.parent(c).is_none() && state.tree.roots().count() == 1;
    state.rows.top = common.filter(|&c| !only_root(c));
    state.rebuild_rows();
    let shown = state.rows.top.or_else(|| state.tree.roots().next());
    if let Some(shown) = shown {
        let path = super::places::absolute(state.nav.cwd.as_deref(), &state.tree.path(shown));
        let path = crate::sanitize::path(&path);
        state.message(format!("root: {path} (widened to show the selection)"));
    }
}

pub fn tree_area(state: &State) -> Rect {
    layout(Rect::new(0, 0, state.screen.size.0, state.screen.size.1), state.inspect.show_preview)
        .tree
}

/// Rows of the tree pane that show entries (its first line is a title).
pub fn tree_height(state: &State) -> usize {
    tree_area(state).height.saturating_sub(1) as usize
}

pub fn move_by(state: &mut State, delta: isize) -> Vec<Effect> {
    let last = state.rows.len().saturating_sub(1) as isize;
    let target = (state.cursor.row as isize + delta).clamp(0, last.max(0));
    select_row(state, target as usize)
}

pub fn select_row(state: &mut State, row: usize) -> Vec<Effect> {
    state.cursor.row = row.min(state.rows.len().saturating_sub(1));
    keep_selection_visible(state);
    selection_changed(state)
}

/// After the selection may have moved: remember the node and ask for its
/// metadata (and preview) when it is a different node.
pub fn selection_changed(state: &mut State) -> Vec<Effect> {
    state.screen.needs_draw = true;
    keep_selection_visible(state);
    let node = state.selected_node();
    let moved = node != state.inspect.subject;
    state.inspect.subject = node;
    let Some(id) = node else { return Vec::new() };
    let mut effects = Vec::new();
    if moved || state.inspect.meta.as_ref().is_none_or(|m| m.id != id) {
        state.inspect.meta = None;
        effects.push(Effect::LoadMeta { id, path: state.tree.path(id) });
    }
    if state.inspect.show_preview
        && (moved || state.inspect.preview.as_ref().is_none_or(|p| p.id != id))
    {
        state.inspect.preview = None;
        effects.push(Effect::LoadPreview { id, path: state.tree.path(id) });
    }
    effects
}

/// Scrolls so the selected row is on screen.
pub fn keep_selection_visible(state: &mut State) {
    let height = tree_height(state).max(1);
    if state.cursor.row < state.cursor.scroll {
        state.cursor.scroll = state.cursor.row;
    } else if state.cursor.row >= state.cursor.scroll + height {
        state.cursor.scroll = state.cursor.row + 1 - height;
    }
    let max_scroll = state.rows.len().saturating_sub(height);
    state.cursor.scroll = state.cursor.scroll.min(max_scroll);
}

/// On a directory: expand it, or step into it when it is open. On a file:
/// open the preview pane.
pub fn expand(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_node() else { return Vec::new() };
    if state.tree.kind(id) != FileKind::Dir {
        // On a file: open the preview pane on it.
        if state.inspect.show_preview {
            return Vec::new();
        }
        state.inspect.show_preview = true;
        state.inspect.preview = None;
        return selection_changed(state);
    }
    if state.rows.is_expanded(id) {
        // Already open: step into it.
        if state.rows.get(state.cursor.row + 1).is_some_and(|r| state.tree.parent(r.id) == Some(id))
        {
            return move_by(state, 1);
        }
        return Vec::new();
    }
    state.rows.set_expanded(id, true);
    state.rebuild_rows();
    Vec::new()
}

pub fn toggle(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_node() else { return Vec::new() };
    if state.tree.kind(id) != FileKind::Dir {
        return Vec::new();
    }
    let open = state.rows.is_expanded(id);
    state.rows.set_expanded(id, !open);
    state.rebuild_rows();
    keep_selection_visible(state);
    Vec::new()
}

pub fn collapse_or_parent(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_node() else { return Vec::new() };
    if state.tree.kind(id) == FileKind::Dir && state.rows.is_expanded(id) {
        state.rows.set_expanded(id, false);
        state.rebuild_rows();
        keep_selection_visible(state);
        return Vec::new();
    }
    // A parent's row is above its children's.
    match state.tree.parent(id).and_then(|p| state.rows.position_above(p, state.cursor.row)) {
        Some(row) => select_row(state, row),
        None => Vec::new(),
    }
}

/// After the tree changed under the view: rebuild the rows, select what
/// should be selected, and reload the selection's metadata when needed.
pub fn after_tree_change(state: &mut State) -> Vec<Effect> {
    state.rebuild_rows();
    if let Some(path) = state.cursor.pending_select.clone()
        && let Some(id) = super::change::node_at(&state.tree, &path)
    {
        state.cursor.pending_select = None;
        reveal(state, id);
    }
    keep_selection_visible(state);
    selection_changed(state)
}

/// The wheel moves the selection; a click selects a row, a double click
/// opens or closes it.
pub fn on_mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    if !matches!(state.mode, Mode::Normal) {
        // The tree under an overlay or a prompt does not take clicks.
        return Vec::new();
    }
    let area = tree_area(state);
    match mouse.kind {
        MouseEventKind::ScrollDown => move_by(state, WHEEL_ROWS as isize),
        MouseEventKind::ScrollUp => move_by(state, -(WHEEL_ROWS as isize)),
        MouseEventKind::Down(MouseButton::Left)
            if area.contains((mouse.column, mouse.row).into()) =>
        {
            // Row 0 of the tree area is its title line.
            let Some(offset) = (mouse.row - area.y).checked_sub(1) else { return Vec::new() };
            let row = state.cursor.scroll + offset as usize;
            if row >= state.rows.len() {
                return Vec::new();
            }
            let double = state.cursor.last_click.is_some_and(|(at, last)| {
                last == row && state.screen.now.duration_since(at) <= DOUBLE_CLICK
            });
            state.cursor.last_click = Some((state.screen.now, row));
            let mut effects = select_row(state, row);
            if double {
                state.cursor.last_click = None;
                effects.extend(toggle(state));
            }
            effects
        }
        _ => Vec::new(),
    }
}
