//! The status bar: scan progress or totals, messages, the open prompt.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::text::{fit, group_digits, human_size};
use crate::sanitize;
use crate::theme::Theme;
use crate::view::{Mode, PromptKind, State};

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// Draws the bottom line.
pub fn draw(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    buf.set_style(area, theme.status());
    let width = area.width as usize;
    if let Mode::Prompt(prompt) = &state.mode {
        let label = match prompt.kind {
            PromptKind::Search => "/",
            PromptKind::Filter => "filter: ",
        };
        let text = format!("{label}{}▏", sanitize::text(&prompt.input));
        buf.set_stringn(area.x, area.y, fit(&text, width), width, theme.status());
        return;
    }
    let shown = if state.rows.is_empty() { 0 } else { state.selected as u64 + 1 };
    let position = format!(" {}/{} ", group_digits(shown), group_digits(state.rows.len() as u64));
    let left_width = width.saturating_sub(position.chars().count());
    let (left, style) = match &state.status {
        Some(message) => {
            let style =
                if message.is_error { theme.error().patch(theme.status()) } else { theme.status() };
            (format!(" {}", sanitize::text(&message.text)), style)
        }
        None => (progress_text(state), theme.status()),
    };
    buf.set_stringn(area.x, area.y, fit(&left, left_width), left_width, style);
    if left_width < width {
        buf.set_stringn(
            area.x + left_width as u16,
            area.y,
            &position,
            width - left_width,
            theme.status(),
        );
    }
}

/// "⠋ scanning 123,456 entries · 45,678/s · 3 errors · 2.3 s" or the totals.
pub fn progress_text(state: &State) -> String {
    let totals = state.tree.totals();
    let errors = match totals.errors {
        0 => "no errors".to_string(),
        1 => "1 error".to_string(),
        n => format!("{} errors", group_digits(n)),
    };
    match state.scan_finished {
        Some(took) => format!(
            " {} entries · {} · {errors} · scanned in {:.2} s · ? for help",
            group_digits(totals.entries),
            human_size(totals.apparent),
            took.as_secs_f64()
        ),
        None => {
            let elapsed = state.now.duration_since(state.scan_started).as_secs_f64();
            let rate = if elapsed > 0.0 { totals.entries as f64 / elapsed } else { 0.0 };
            let frame = SPINNER[(elapsed * 10.0) as usize % SPINNER.len()];
            format!(
                " {frame} scanning · {} entries · {}/s · {errors} · {elapsed:.1} s",
                group_digits(totals.entries),
                group_digits(rate as u64)
            )
        }
    }
}
