//! The `:` prompt on the bottom line: what was typed (names sanitized, the
//! cursor shown), then the directories the last `Tab` offered.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use crate::sanitize;
use crate::theme::Theme;
use crate::view::line::Unit;
use crate::view::places::GotoPrompt;

/// Draws the prompt over the status line.
pub fn draw(prompt: &GotoPrompt, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let width = area.width as usize;
    let mut before = String::new();
    let mut after = String::new();
    for (i, unit) in prompt.line.units().iter().enumerate() {
        let shown = match *unit {
            Unit::Char(c) => sanitize::text(c.encode_utf8(&mut [0; 4])).into_owned(),
            Unit::Raw(b) => format!("\\x{b:02x}"),
        };
        if i < prompt.line.cursor() { before.push_str(&shown) } else { after.push_str(&shown) }
    }
    let hint = if prompt.candidates.is_empty() {
        "  Tab completes · Enter go · Esc cancel".to_string()
    } else {
        let names: Vec<String> =
            prompt.candidates.iter().map(|n| sanitize::bytes(n).into_owned() + "/").collect();
        format!("  {}", names.join(" "))
    };
    let label = "go to: ";
    // Keep the cursor on screen: drop text from the left when the line is long.
    let room = width.saturating_sub(label.len() + 2).max(8);
    let skip = before.chars().count().saturating_sub(room);
    let before: String = before.chars().skip(skip).collect();
    let (x, _) = buf.set_stringn(area.x, area.y, label, width, theme.status());
    let used = (x - area.x) as usize;
    let (x, _) = buf.set_stringn(x, area.y, &before, width - used, theme.status());
    let used = (x - area.x) as usize;
    if used >= width {
        return;
    }
    let first: String = after.chars().next().map_or(" ".into(), |c| c.to_string());
    let cursor_style = theme.status().add_modifier(Modifier::REVERSED);
    let (x, _) = buf.set_stringn(x, area.y, &first, 1, cursor_style);
    let rest: String = after.chars().skip(1).collect();
    let used = (x - area.x) as usize;
    let (x, _) = buf.set_stringn(x, area.y, &rest, width.saturating_sub(used), theme.status());
    let used = (x - area.x) as usize;
    let style = theme.dim().patch(theme.status());
    buf.set_stringn(x, area.y, &hint, width.saturating_sub(used), style);
}
