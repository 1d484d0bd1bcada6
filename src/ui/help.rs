//! The help overlay, generated from the keymap table so it cannot drift.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::sanitize;
use crate::theme::Theme;
use crate::view::State;

/// The lines of the overlay.
pub fn lines(state: &State) -> Vec<String> {
    let mut out = vec!["keys".to_string()];
    for (keys, description) in state.keymap.help_lines() {
        out.push(format!("  {:<22} {description}", sanitize::text(&keys)));
    }
    out.extend(
        [
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
            "name ↻: changed on disk since it was read; re-read in the background",
            "mouse: the wheel scrolls, a click selects, a double click expands",
            "Ctrl-z suspends to the shell; `fg` comes back",
            "",
            "Esc, q or any other key closes this help",
        ]
        .map(str::to_string),
    );
    out
}

/// Draws the overlay centred over `area`.
pub fn draw(state: &State, theme: &Theme, scroll: u16, area: Rect, buf: &mut Buffer) {
    let text = lines(state);
    let width = text.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u16 + 4;
    let height = text.len() as u16 + 2;
    let popup = super::dialog::centred(area, width, height);
    Clear.render(popup, buf);
    let lines: Vec<Line> = text.into_iter().map(Line::raw).collect();
    Paragraph::new(lines)
        .block(Block::default().borders(Borders::ALL).title(" help ").border_style(theme.bar()))
        .scroll((scroll, 0))
        .render(popup, buf);
}
