//! The `:` prompt on the bottom line: what was typed (names sanitized, the
//! cursor shown), then the directories the last `Tab` offered.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::sanitize;
use crate::theme::Theme;
use crate::view::places::GotoPrompt;

/// Draws the prompt over the status line.
pub fn draw(prompt: &GotoPrompt, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let hint = if prompt.candidates.is_empty() {
        "  Tab completes · Enter go · Esc cancel".to_string()
    } else {
        let names: Vec<String> =
            prompt.candidates.iter().map(|n| sanitize::bytes(n).into_owned() + "/").collect();
        format!("  {}", names.join(" "))
    };
    // The candidates may be long: only the cursor is kept on screen.
    super::line_prompt::draw("go to: ", &prompt.line, &hint, 2, theme, area, buf);
}
