//! The confirmation and report dialogs of the editing actions, and the
//! popup geometry they share. Their lines are built with the sanitizer when
//! the dialog is opened (names are the only foreign text in them), so they
//! are drawn as they are.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use crate::fmt::fit;
use crate::theme::Theme;
use crate::view::{Confirm, Report};

/// A rectangle of at most `width` × `height` centred in `area`.
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub(super) fn popup(
    title: &str,
    lines: &[String],
    style: ratatui::style::Style,
    area: Rect,
    scroll: u16,
    buf: &mut Buffer,
) {
    if area.width < 4 || area.height < 3 {
        return;
    }
    let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let width = (widest.max(title.chars().count() + 2) + 4).min(u16::MAX as usize) as u16;
    let height = (lines.len() + 2).min(u16::MAX as usize) as u16;
    let rect = centred(area, width.max(24), height);
    Clear.render(rect, buf);
    let inner_width = rect.width.saturating_sub(2) as usize;
    let title = format!(" {} ", fit(title, inner_width.saturating_sub(2)));
    let text: Vec<Line> = lines.iter().map(|l| Line::raw(l.as_str())).collect();
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .block(Block::default().borders(Borders::ALL).title(title).border_style(style))
        .render(rect, buf);
}

/// Draws a confirmation centred over `area`.
pub fn draw_confirm(confirm: &Confirm, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let style = if confirm.danger { theme.error() } else { theme.bar() };
    popup(&confirm.title, &confirm.lines, style, area, 0, buf);
}

/// Draws a report centred over `area`.
pub fn draw_report(report: &Report, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut lines = report.lines.clone();
    lines.push(String::new());
    lines.push("j/k scroll · any other key closes".into());
    popup(&report.title, &lines, theme.bar(), area, report.scroll, buf);
}
