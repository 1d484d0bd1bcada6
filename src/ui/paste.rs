//! The paste's collision dialog: which name exists, and the keys that
//! answer (overwrite in the error colour: it removes the existing entry).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::dialog::popup;
use crate::theme::Theme;
use crate::view::paste::CollisionDialog;

/// Draws the dialog centred over `area`. Its lines were sanitized when built.
pub fn draw(dialog: &CollisionDialog, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let (title, lines) = dialog.lines();
    popup(&title, &lines, theme.bar(), area, 0, buf);
}
