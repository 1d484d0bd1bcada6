//! The permission editor's popup: the 3 × 4 grid of mode bits with the
//! cursor cell highlighted, the new mode in octal and `ls` form, the
//! recursive scope, warnings and the keys. Borrows a
//! [`crate::view::perm::PermEditor`] for one frame.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::fmt::fit;
use crate::model::mask::Scope;
use crate::sanitize;
use crate::theme::Theme;
use crate::view::perm::{COLUMNS, CellState, PermEditor, ROWS, SPECIAL_NAMES};

/// Columns before the first cell (the row label and its padding).
const LABEL_WIDTH: usize = 11;
/// Spaces before each cell, so each sits under its column header.
const CELL_GAPS: [&str; 4] = ["", "   ", "    ", "   "];

/// Draws the editor centred over `area`.
pub fn draw_perm_editor(frame: &mut Frame<'_>, area: Rect, editor: &PermEditor, theme: &Theme) {
    draw(editor, theme, area, frame.buffer_mut());
}

/// Draws the editor centred over `area` into a buffer (what
/// [`draw_perm_editor`] does with the frame's).
pub fn draw(editor: &PermEditor, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let lines = lines(editor, theme);
    let popup = editor_rect(area, &lines);
    Clear.render(popup, buf);
    let title = fit(&format!(" {} ", title(editor)), usize::from(popup.width.saturating_sub(2)));
    Paragraph::new(lines)
        .block(Block::default().borders(Borders::ALL).title(title).border_style(theme.bar()))
        .render(popup, buf);
}

/// The popup for these lines: as wide as the widest line plus the border and
/// a margin, as tall as the lines plus the border, centred and never larger
/// than `area`.
pub fn editor_rect(area: Rect, lines: &[Line<'_>]) -> Rect {
    let widest = lines.iter().map(Line::width).max().unwrap_or(0);
    let width = u16::try_from(widest + 4).unwrap_or(u16::MAX);
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    popup_rect(area, width, height)
}

/// A `width` × `height` rectangle centred in `area`, cut to fit it.
pub fn popup_rect(area: Rect, width: u16, height: u16) -> Rect {
    super::dialog::centred(area, width, height)
}

/// The popup's title: the target's name, sanitized, or "N entries".
pub fn title(editor: &PermEditor) -> String {
    match editor.targets() {
        [one] => {
            let name = one.path.file_name().map_or_else(
                || sanitize::path(&one.path).into_owned(),
                |name| sanitize::os(name).into_owned(),
            );
            format!("permissions: {name}")
        }
        many => format!("permissions: {} entries", many.len()),
    }
}

/// The lines inside the border (separate from drawing, for tests).
pub fn lines(editor: &PermEditor, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![header()];
    for row in 0..ROWS.len() {
        out.push(grid_row(editor, theme, row));
    }
    out.push(Line::raw(""));
    out.push(mode_line(editor));
    out.push(recursive_line(editor, theme));
    for warning in editor.warnings() {
        out.push(Line::styled(format!("  ! {warning}"), theme.finding()));
    }
    if let Some(message) = editor.message() {
        out.push(Line::styled(format!("  {}", sanitize::text(message)), theme.error()));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("  arrows/hjkl move   Space toggle   0-7 type octal", theme.dim()));
    out.push(Line::styled("  r recursive   Enter apply   Esc cancel", theme.dim()));
    out
}

/// The column headers, each over its cells (`[x]` under `read` starts one
/// column in; `special`'s cell sits under its first letters).
fn header() -> Line<'static> {
    Line::raw(format!(
        "{:w$}{}",
        "",
        COLUMNS.join("  ").replacen("exec", "exec ", 1),
        w = LABEL_WIDTH - 1
    ))
}

fn grid_row(editor: &PermEditor, theme: &Theme, row: usize) -> Line<'static> {
    let mut spans = vec![Span::raw(format!("{:<LABEL_WIDTH$}", format!("  {}", ROWS[row])))];
    for (col, gap) in CELL_GAPS.iter().enumerate() {
        spans.push(Span::raw(*gap));
        let mark = match editor.cell(row, col) {
            CellState::Set => "[x]",
            CellState::Clear => "[ ]",
            CellState::Mixed => "[-]",
        };
        let mut style = Style::default();
        if editor.cell_changed(row, col) {
            style = style.add_modifier(Modifier::BOLD);
        }
        if editor.cursor() == (row, col) {
            style = style.patch(theme.selection());
        }
        spans.push(Span::styled(mark, style));
    }
    spans.push(Span::raw(format!(" {}", SPECIAL_NAMES[row])));
    Line::from(spans)
}

fn mode_line(editor: &PermEditor) -> Line<'static> {
    let mut text = format!("  octal {}   →   {}", editor.octal_text(), editor.symbolic_text());
    if !editor.typed().is_empty() {
        text.push_str(&format!("   (typed {})", editor.typed()));
    }
    Line::raw(text)
}

fn recursive_line(editor: &PermEditor, theme: &Theme) -> Line<'static> {
    if !editor.recursive_applies() {
        return Line::styled("  recursive: only for directories", theme.dim());
    }
    let text = match editor.recursive() {
        None => "off (r: all, directories only, files only)",
        Some(Scope::All) => "all entries below",
        Some(Scope::DirsOnly) => "directories only (files keep their mode)",
        Some(Scope::FilesOnly) => "files only (directories keep their mode)",
    };
    Line::raw(format!("  recursive: {text}"))
}

#[cfg(test)]
mod tests;
