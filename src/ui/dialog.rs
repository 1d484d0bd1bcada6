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
use crate::view::dialog::confirm_visible;
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
    let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    framed(title, lines, widest, None, style, area, scroll, buf);
}

/// [`popup`] with the width given (`widest` line) and an optional text on
/// the bottom edge.
#[expect(clippy::too_many_arguments, reason = "the parts of one box, drawn in one place")]
fn framed(
    title: &str,
    lines: &[String],
    widest: usize,
    bottom: Option<String>,
    style: ratatui::style::Style,
    area: Rect,
    scroll: u16,
    buf: &mut Buffer,
) {
    if area.width < 4 || area.height < 3 {
        return;
    }
    let width = (widest.max(title.chars().count() + 2) + 4).min(u16::MAX as usize) as u16;
    let height = (lines.len() + 2).min(u16::MAX as usize) as u16;
    let rect = centred(area, width.max(24), height);
    Clear.render(rect, buf);
    let inner_width = rect.width.saturating_sub(2) as usize;
    let title = format!(" {} ", fit(title, inner_width.saturating_sub(2)));
    let text: Vec<Line> = lines.iter().map(|l| Line::raw(l.as_str())).collect();
    let mut block = Block::default().borders(Borders::ALL).title(title).border_style(style);
    if let Some(bottom) = bottom {
        block = block.title_bottom(Line::raw(bottom).right_aligned());
    }
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .block(block)
        .render(rect, buf);
}

/// Draws a confirmation centred over `area`.
/// A body taller than the screen shows a window of it from line `scroll`
/// (as the keys scroll it), the keys line kept below, and on the bottom
/// edge which lines are shown and how to scroll, as the help overlay does.
pub fn draw_confirm(confirm: &Confirm, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let style = if confirm.danger { theme.error() } else { theme.bar() };
    let (body, keys) = confirm.lines.split_at(confirm.lines.len().saturating_sub(1));
    let shown = confirm_visible(area.height, body.len());
    if shown == body.len() || shown == 0 {
        popup(&confirm.title, &confirm.lines, style, area, 0, buf);
        return;
    }
    let total = body.len();
    let first = confirm.scroll.min(total - shown);
    // Cut to the box, not wrapped: a wrapped line would push the keys line
    // off the screen.
    let room = usize::from(area.width.saturating_sub(4));
    let mut lines: Vec<String> = body[first..first + shown].iter().map(|l| fit(l, room)).collect();
    lines.extend(keys.iter().cloned());
    let more = if first + shown < total { "j/k PgDn/PgUp g/G" } else { "end · g: top" };
    let indicator = format!(" {}-{} of {total} · {more} ", first + 1, first + shown);
    // As wide as the whole body (so the box keeps its size as it scrolls)
    // and the indicator at its longest (whole on the bottom edge).
    let longest = format!(" {total}-{total} of {total} · j/k PgDn/PgUp g/G ").chars().count();
    let widest = confirm.lines.iter().map(|l| l.chars().count()).max().unwrap_or(0).max(longest);
    framed(&confirm.title, &lines, widest, Some(indicator), style, area, 0, buf);
}

/// Draws a report centred over `area`.
pub fn draw_report(report: &Report, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut lines = report.lines.clone();
    lines.push(String::new());
    lines.push("j/k scroll · any other key closes".into());
    popup(&report.title, &lines, theme.bar(), area, report.scroll, buf);
}
