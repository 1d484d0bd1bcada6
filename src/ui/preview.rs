//! The preview pane: text as text, anything else as a hex dump, special
//! files described (never read).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::preview::{Preview, hex_dump_lines};
use crate::sanitize;
use crate::theme::Theme;
use crate::view::State;

/// Draws the pane.
pub fn draw(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let block = Block::default().borders(Borders::LEFT | Borders::TOP).title(" preview ");
    let inner_width = area.width.saturating_sub(1) as usize;
    Paragraph::new(lines(state, theme, inner_width, area.height as usize))
        .block(block)
        .render(area, buf);
}

/// The lines of the pane, at most `max_lines`.
pub fn lines(state: &State, theme: &Theme, width: usize, max_lines: usize) -> Vec<Line<'static>> {
    if state.selected_node().is_none() {
        return vec![Line::styled("nothing selected", theme.dim())];
    }
    let loaded = state.inspect.preview.as_ref().filter(|p| Some(p.id) == state.selected_node());
    let Some(loaded) = loaded else { return vec![Line::raw("reading…")] };
    match &loaded.result {
        Err(reason) => vec![Line::styled(sanitize::text(reason).into_owned(), theme.error())],
        Ok(Preview::Empty) => vec![Line::styled("(empty file)", theme.dim())],
        Ok(Preview::NotRead { why, .. }) => {
            vec![Line::styled(sanitize::text(why).into_owned(), theme.dim())]
        }
        Ok(Preview::Text { text, truncated }) => {
            let mut out: Vec<Line> = text
                .lines()
                .take(max_lines)
                .map(|line| Line::raw(sanitize::text(&line.replace('\t', "    ")).into_owned()))
                .collect();
            if *truncated && out.len() < max_lines {
                out.push(Line::styled("… (preview cut)", theme.dim()));
            }
            out
        }
        Ok(Preview::Binary { bytes, truncated }) => {
            let per_line = if width >= 78 { 16 } else { 8 };
            let mut out: Vec<Line> = hex_dump_lines(bytes, per_line)
                .into_iter()
                .take(max_lines)
                .map(Line::raw)
                .collect();
            if *truncated && out.len() < max_lines {
                out.push(Line::styled("… (preview cut)", theme.dim()));
            }
            out
        }
    }
}
