//! The help overlay, its text from [`crate::view::help`]. When it does not
//! fit, the frame's bottom edge says which lines are shown and how to
//! scroll.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::theme::Theme;
use crate::view::State;
use crate::view::help::{lines, visible_lines};

/// Draws the overlay centred over `area`, from line `scroll` on.
pub fn draw(state: &State, theme: &Theme, scroll: u16, area: Rect, buf: &mut Buffer) {
    let text = lines(state);
    let total = text.len();
    let width = text.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u16 + 4;
    let height = u16::try_from(total + 2).unwrap_or(u16::MAX);
    let popup = super::dialog::centred(area, width, height);
    Clear.render(popup, buf);
    let shown = visible_lines(state, total).min(usize::from(popup.height.saturating_sub(2)));
    let first = usize::from(scroll).min(total.saturating_sub(shown));
    let mut block =
        Block::default().borders(Borders::ALL).title(" help ").border_style(theme.bar());
    // (A box too short to show a line has no room for the indicator either.)
    if shown > 0 && shown < total {
        let more = if first + shown < total { "j/k PgDn/PgUp g/G" } else { "end · g: top" };
        let indicator = format!(" {}-{} of {total} · {more} ", first + 1, first + shown);
        block = block.title_bottom(Line::raw(indicator).right_aligned());
    }
    let lines: Vec<Line> = text.into_iter().map(Line::raw).collect();
    Paragraph::new(lines)
        .block(block)
        .scroll((u16::try_from(first).unwrap_or(u16::MAX), 0))
        .render(popup, buf);
}
