//! The search and filter prompts: incremental search as you type (Enter
//! keeps the match, Esc goes back to where you were) and the name filter.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::msg::Effect;
use super::nav::{reveal, selection_changed};
use super::search;
use super::state::{Mode, Prompt, PromptKind, State};

/// `/` and `f`: opens the search or the filter prompt (the filter's with
/// the active filter in it).
pub fn open(state: &mut State, kind: PromptKind) -> Vec<Effect> {
    let input = match kind {
        PromptKind::Filter => state
            .rows
            .options
            .filter
            .as_deref()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .unwrap_or_default(),
        PromptKind::Search => String::new(),
    };
    state.mode = Mode::Prompt(Prompt {
        kind,
        input,
        origin: state.selected_node(),
        previous_filter: state.rows.options.filter.clone(),
    });
    Vec::new()
}

/// A key while the search or filter prompt is open.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Prompt(prompt) = &mut state.mode else { return Vec::new() };
    let kind = prompt.kind;
    match key.code {
        KeyCode::Esc => {
            let prompt = prompt.clone();
            state.mode = Mode::Normal;
            if kind == PromptKind::Filter {
                state.rows.options.filter = prompt.previous_filter;
                state.rebuild_rows();
            }
            if let Some(origin) = prompt.origin {
                reveal(state, origin);
            }
            return selection_changed(state);
        }
        KeyCode::Enter => {
            let input = prompt.input.clone();
            state.mode = Mode::Normal;
            if kind == PromptKind::Search && !input.is_empty() {
                let query = input.to_ascii_lowercase().into_bytes();
                state.cursor.last_search = Some(query.clone());
                if search::matches(&state.tree, state.selected_node(), &query) {
                    return Vec::new();
                }
                return jump_to_match(state, &query, true, true);
            }
            return Vec::new();
        }
        KeyCode::Backspace => {
            prompt.input.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => prompt.input.clear(),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => prompt.input.push(c),
        _ => return Vec::new(),
    }
    // The input changed: search or filter as the user types.
    let Mode::Prompt(prompt) = &state.mode else { return Vec::new() };
    let query = prompt.input.to_ascii_lowercase().into_bytes();
    let origin = prompt.origin;
    match kind {
        PromptKind::Search => {
            if let Some(origin) = origin {
                reveal(state, origin);
            }
            if query.is_empty() {
                return selection_changed(state);
            }
            let effects = jump_to_match(state, &query, true, false);
            if !search::matches(&state.tree, state.selected_node(), &query) {
                // Back at the origin: its metadata must replace the last match's.
                state.error("no match");
                return selection_changed(state);
            }
            effects
        }
        PromptKind::Filter => {
            let keep = state.selected_node();
            state.rows.options.filter = (!query.is_empty()).then_some(query);
            state.rebuild_rows();
            keep_visible(state, keep);
            selection_changed(state)
        }
    }
}

/// Esc in normal mode with a name filter on: the filter goes, the selected
/// entry stays selected (its directories opened if the filter had hidden it).
pub fn clear_filter(state: &mut State) -> Vec<Effect> {
    if state.rows.options.filter.take().is_none() {
        return Vec::new();
    }
    let keep = state.selected_node();
    state.rebuild_rows();
    keep_visible(state, keep);
    state.message("filter cleared");
    selection_changed(state)
}

/// Selects `id` again after the rows changed, opening what hides it.
fn keep_visible(state: &mut State, id: Option<crate::model::NodeId>) {
    if let Some(id) = id
        && state.tree.is_live(id)
    {
        reveal(state, id);
    }
}

/// Moves to the next (or previous) match of `query`, expanding what hides it.
/// `skip_current` starts after the selection (for `n`), else at it.
pub fn jump_to_match(
    state: &mut State,
    query: &[u8],
    forward: bool,
    skip_current: bool,
) -> Vec<Effect> {
    let found = search::find(
        &state.tree,
        &state.rows,
        &state.rows.options,
        state.selected_node(),
        query,
        forward,
        skip_current,
    );
    let quoted = format!("\"{}\"", crate::sanitize::bytes(query));
    match found {
        Some(id) => {
            if skip_current && Some(id) == state.selected_node() && super::root::zoomed(state) {
                state.message(format!(
                    "no other match for {quoted} in view{}",
                    super::root::zoom_note(state)
                ));
            }
            reveal(state, id);
            selection_changed(state)
        }
        None if super::root::zoomed(state) => {
            state.error(format!("no match for {quoted} in view{}", super::root::zoom_note(state)));
            Vec::new()
        }
        None => {
            state.error(format!("no match for {quoted}"));
            Vec::new()
        }
    }
}
