//! The help overlay's text (generated from the key table, so it cannot
//! drift) and its scrolling: `j`/`k`, `PageDown`/`PageUp`, `g`/`G`, never
//! past the last line; any other key closes it.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::msg::Effect;
use super::state::{Mode, State};
use crate::sanitize;

/// Lines after the keys: the prompts' and dialogs' own keys.
const MORE: &[&str] = &[
    "",
    "in the search and filter prompts",
    "  Enter                  accept (search: jump to the match)",
    "  Esc                    cancel and restore",
    "  Backspace, Ctrl-u      delete a character, clear",
    "",
    "in the rename and create prompts",
    "  arrows, Home/End       move; Alt-b/Alt-f by words",
    "  Ctrl-u / Ctrl-k        delete to the start / to the end",
    "  Ctrl-w                 delete the word before the cursor",
    "",
    "in the permission editor (p)",
    "  arrows, h j k l        move; Space toggles the bit",
    "  0-7                    type the mode in octal",
    "  r                      recursive: all / directories / files",
    "  Enter / Esc            apply / cancel",
    "",
    "in the owner editor (O)",
    "  type, Tab              filter user names, switch to the group field",
    "  Up/Down, Enter         pick a match, apply (a number is an id)",
    "  Ctrl-r / Ctrl-l        recursive scope / symlinks' own owner",
    "",
    "in the audit panel",
    "  j/k, arrows            choose a finding (or new/changed since --baseline)",
    "  Enter                  show only those entries, with their directories",
    "  Esc                    close; in the tree, Esc ends the audit filter",
    "",
    "in this help",
    "  j/k, PageDown/PageUp   scroll; g / G: first / last line",
    "",
    "name ↻: changed on disk since it was read; re-read in the background",
    "mouse: the wheel scrolls, a click selects, a double click expands",
    "Ctrl-z suspends to the shell; `fg` comes back",
    "",
    "Esc, q or any other key closes this help",
];

/// The lines of the overlay.
pub fn lines(state: &State) -> Vec<String> {
    let mut out = vec!["keys".to_string()];
    for (keys, description) in state.keymap.help_lines() {
        out.push(format!("  {:<22} {description}", sanitize::text(&keys)));
    }
    out.extend(MORE.iter().map(|line| line.to_string()));
    out
}

/// Lines of text the overlay shows at once on this screen (its frame
/// takes two lines).
pub fn visible_lines(state: &State, total: usize) -> usize {
    let height = usize::from(state.screen.size.1);
    total.min(height.saturating_sub(2))
}

/// The last first line: the end of the text at the bottom of the box.
pub fn max_scroll(state: &State) -> u16 {
    let total = lines(state).len();
    let last = total.saturating_sub(visible_lines(state, total));
    u16::try_from(last).unwrap_or(u16::MAX)
}

/// Keys of the help overlay.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Help { scroll } = state.mode else { return Vec::new() };
    let page = u16::try_from(visible_lines(state, lines(state).len()).max(1)).unwrap_or(1);
    let max = max_scroll(state);
    let to = match key.code {
        KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => scroll.saturating_add(page),
        KeyCode::PageUp => scroll.saturating_sub(page),
        KeyCode::Home | KeyCode::Char('g') => 0,
        KeyCode::End | KeyCode::Char('G') => max,
        _ => {
            state.mode = Mode::Normal;
            return Vec::new();
        }
    };
    state.mode = Mode::Help { scroll: to.min(max) };
    Vec::new()
}
