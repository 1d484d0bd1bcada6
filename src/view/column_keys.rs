//! `t`: the next set of extra columns; the status line says which columns
//! are shown and which have no room.

use super::columns::fitting;
use super::msg::Effect;
use super::nav::tree_area;
use super::state::State;
use crate::config::Column;

/// `t`: the next set; the status line says which columns are shown and
/// which have no room.
pub fn cycle(state: &mut State) -> Vec<Effect> {
    let sets = state.columns.cycle.len() + 1;
    state.columns.current = (state.columns.current + 1) % sets;
    state.screen.needs_draw = true;
    let chosen = state.columns.chosen().to_vec();
    if chosen.is_empty() {
        state.message("columns: none");
        return Vec::new();
    }
    let shown = fitting(&state.columns, tree_area(state).width as usize);
    let names = |cols: &[Column]| cols.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ");
    let mut text =
        format!("columns: {}", if shown.is_empty() { "none".into() } else { names(&shown) });
    if shown.len() < chosen.len() {
        text.push_str(&format!(" (no room for {})", names(&chosen[shown.len()..])));
    }
    state.message(text);
    Vec::new()
}
