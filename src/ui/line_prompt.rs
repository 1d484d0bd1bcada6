//! One edited line on the bottom row, for every prompt that takes typed
//! text (`:` go to, rename, create): label, the text with a visible cursor,
//! then a dimmed hint. Each unit is sanitized on its own, so the cursor
//! lands between the units the user edits (a raw byte shows as `\xNN` and
//! moves as one).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use crate::sanitize;
use crate::theme::Theme;
use crate::view::line::{LineEditor, Unit};

/// Draws `label`, `line` and `hint` over `area`'s first row. When the text
/// before the cursor is long, it is cut from the left so that the cursor
/// stays on screen with `keep` columns free after it.
pub fn draw(
    label: &str,
    line: &LineEditor,
    hint: &str,
    keep: usize,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let (before, after) = split_at_cursor(line);
    let width = area.width as usize;
    let room = width.saturating_sub(label.chars().count() + keep).max(8);
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
    buf.set_stringn(x, area.y, hint, width.saturating_sub(used), style);
}

/// The line as shown, split at the cursor.
fn split_at_cursor(line: &LineEditor) -> (String, String) {
    let mut before = String::new();
    let mut after = String::new();
    for (i, unit) in line.units().iter().enumerate() {
        let shown = match *unit {
            Unit::Char(c) => sanitize::text(c.encode_utf8(&mut [0; 4])).into_owned(),
            Unit::Raw(b) => format!("\\x{b:02x}"),
        };
        if i < line.cursor() { before.push_str(&shown) } else { after.push_str(&shown) }
    }
    (before, after)
}
