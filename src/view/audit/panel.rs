//! The audit panel (`!`) and the filters it sets: only the entries with a
//! finding (or new or changed since the baseline) shown, `n`/`N` over them.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::pass::request_pass;
use super::table::{AuditFilter, PanelEntry};
use crate::keymap::Action;
use crate::model::NodeId;
use crate::view::msg::Effect;
use crate::view::nav::{reveal, selection_changed};
use crate::view::search;
use crate::view::state::{Mode, State};

/// Opens the panel (and asks for the audit pass the first time).
pub fn open_panel(state: &mut State) -> Vec<Effect> {
    let entries = state.audit.panel_entries();
    let selected = state
        .audit
        .filter
        .and_then(|f| entries.iter().position(|e| *e == PanelEntry::Filter(f)))
        .unwrap_or(0);
    state.mode = Mode::Audit { selected };
    state.screen.needs_draw = true;
    request_pass(state)
}

/// A key while the panel is open.
pub fn on_panel_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Audit { selected } = &mut state.mode else { return Vec::new() };
    let last = state.audit.panel_entries().len() - 1;
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => *selected = (*selected + 1).min(last),
        KeyCode::Up | KeyCode::Char('k') => *selected = selected.saturating_sub(1),
        KeyCode::Home | KeyCode::Char('g') => *selected = 0,
        KeyCode::End | KeyCode::Char('G') => *selected = last,
        KeyCode::Enter => {
            let entry = state.audit.panel_entries()[*selected];
            state.mode = Mode::Normal;
            return match entry {
                PanelEntry::Filter(filter) => set_filter(state, filter),
                PanelEntry::All => clear_filter(state),
            };
        }
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('!') => state.mode = Mode::Normal,
        _ => {}
    }
    Vec::new()
}

/// Shows only the entries matching `filter`, with their directories, and
/// selects the first match. The panel counts every match in the tree; when
/// some are dot-files (or inside one) while dot-files are hidden, the
/// message says how many the view cannot show and which key shows them.
pub fn set_filter(state: &mut State, filter: AuditFilter) -> Vec<Effect> {
    state.audit.filter = Some(filter);
    let ids = matching(state, filter);
    let hidden = hidden_by_dot_files(state, &ids);
    state.rows.set_node_filter(Some(ids));
    state.rebuild_rows();
    let count = state.audit.filter_count(filter);
    let hidden_text = match hidden {
        0 => String::new(),
        n => format!(", {}", hidden_note(state, n)),
    };
    state.message(format!(
        "showing {} ({count}{hidden_text}) · n/N next/previous · Esc shows everything",
        filter.label()
    ));
    let mut effects = jump(state, true, false);
    effects.extend(selection_changed(state));
    effects
}

/// Every node that matches `filter`.
fn matching(state: &State, filter: AuditFilter) -> Vec<NodeId> {
    match filter {
        AuditFilter::Finding(f) => state
            .audit
            .findings
            .iter()
            .filter(|(_, set)| set.contains(f))
            .map(|(&id, _)| id)
            .collect(),
        AuditFilter::New | AuditFilter::Changed => state
            .audit
            .changes
            .keys()
            .copied()
            .filter(|&id| state.audit.matches(filter, id))
            .collect(),
    }
}

/// How many of `ids` the view hides because dot-files are hidden: the entry
/// itself or a directory above it (below its root, as the rows decide) has
/// a name starting with a dot.
fn hidden_by_dot_files(state: &State, ids: &[NodeId]) -> usize {
    if state.rows.options.show_hidden {
        return 0;
    }
    let hidden = |id: NodeId| {
        let mut at = id;
        while let Some(parent) = state.tree.parent(at) {
            if state.tree.name(at).starts_with(b".") {
                return true;
            }
            at = parent;
        }
        false
    };
    ids.iter().filter(|&&id| hidden(id)).count()
}

/// "1 hidden among dot-files: . shows them", with the key bound to show them.
fn hidden_note(state: &State, hidden: usize) -> String {
    let key = state.keymap.keys(Action::ToggleHidden).first().map(ToString::to_string);
    let how = key.map_or_else(String::new, |key| format!(": {key} shows them"));
    format!("{hidden} hidden among dot-files{how}")
}

/// Back to every entry; the selection stays where it was.
pub fn clear_filter(state: &mut State) -> Vec<Effect> {
    if state.audit.filter.take().is_none() {
        return Vec::new();
    }
    let selected = state.selected_node();
    state.rows.set_node_filter(None);
    state.rebuild_rows();
    if let Some(id) = selected {
        reveal(state, id);
    }
    state.message("audit filter off");
    selection_changed(state)
}

/// `n`/`N` while an audit filter is on: the next (or previous) match, in
/// display order, wrapping. `None` when no audit filter is on.
pub fn search_key(state: &mut State, forward: bool) -> Option<Vec<Effect>> {
    state.audit.filter?;
    Some(jump(state, forward, true))
}

fn jump(state: &mut State, forward: bool, skip_current: bool) -> Vec<Effect> {
    let Some(filter) = state.audit.filter else { return Vec::new() };
    let order = search::display_order(&state.tree, &state.rows, &state.rows.options);
    let n = order.len();
    let from = state.selected_node();
    let start = from.and_then(|id| order.iter().position(|&x| x == id)).unwrap_or(0);
    let first = usize::from(skip_current);
    let hit = |k: usize| {
        let i = if forward { (start + k) % n } else { (start + n - k % n) % n };
        state.audit.matches(filter, order[i]).then_some(order[i])
    };
    match (first..n + first).find_map(hit) {
        Some(id) => {
            reveal(state, id);
            selection_changed(state)
        }
        None => {
            let hidden = hidden_by_dot_files(state, &matching(state, filter));
            let why = match hidden {
                0 => String::new(),
                n => format!(" ({})", hidden_note(state, n)),
            };
            let zoom = if crate::view::root::zoomed(state) {
                crate::view::root::zoom_note(state)
            } else {
                String::new()
            };
            state.error(format!("no entries shown: {}{why}{zoom}", filter.label()));
            Vec::new()
        }
    }
}
