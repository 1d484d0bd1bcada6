//! The status bar: scan progress or totals, messages, the open prompt.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::fmt::{fit, group_digits, human_size};
use crate::keymap::Action;
use crate::sanitize;
use crate::theme::Theme;
use crate::view::{Mode, NamePrompt, NamePurpose, PromptKind, State, outcomes};

/// The end of the totals line, dropped first when the line is too long.
const HELP_HINT: &str = " · ? for help";

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
    if let Mode::Name(prompt) = &state.mode {
        draw_name_prompt(prompt, theme, area, buf);
        return;
    }
    if let Mode::Goto(prompt) = &state.mode {
        super::goto::draw(prompt, theme, area, buf);
        return;
    }
    let shown = if state.rows.is_empty() { 0 } else { state.cursor.row as u64 + 1 };
    let marked = match state.jobs.marks.len() {
        0 => String::new(),
        n => format!(" {} marked ·", group_digits(n as u64)),
    };
    // What the clipboard holds, beside the marks.
    let marked = match state.clipboard.status() {
        Some(held) => format!(" {held} ·{marked}"),
        None => marked,
    };
    let position =
        format!("{marked} {}/{} ", group_digits(shown), group_digits(state.rows.len() as u64));
    let left_width = width.saturating_sub(position.chars().count());
    let (left, style) = match &state.screen.status {
        Some(message) => {
            let style =
                if message.is_error { theme.error().patch(theme.status()) } else { theme.status() };
            let log_key = state.keymap.keys(Action::Messages).first().map(ToString::to_string);
            (message_text(&message.text, left_width, log_key.as_deref()), style)
        }
        None => match crate::view::paste_flow::progress_text(state)
            .or_else(|| outcomes::running_text(state))
        {
            Some(text) => (text, theme.status()),
            None => {
                let text = progress_text(state);
                // The pointer to the help goes first when room runs short.
                let text = match text.strip_suffix(HELP_HINT) {
                    Some(short) if text.chars().count() > left_width => short.to_string(),
                    _ => text,
                };
                (text, theme.status())
            }
        },
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

/// A status message fitted to `width` columns. Its names were sanitized
/// when it was worded, so it is not escaped again here (that would show
/// `\\xff` for a name the tree shows as `\xff`); a character that must not
/// reach a terminal is still never written. A message cut short says where
/// to read it whole.
fn message_text(text: &str, width: usize, log_key: Option<&str>) -> String {
    let safe: String = text
        .chars()
        .map(|c| if c != '\\' && sanitize::is_unsafe(c) { '\u{fffd}' } else { c })
        .collect();
    let line = format!(" {safe}");
    if line.chars().count() <= width {
        return line;
    }
    let more = log_key.map(|key| format!(" ({key}: all)")).unwrap_or_default();
    format!("{}{more}", fit(&line, width.saturating_sub(more.chars().count())))
}

/// The rename/create prompt: label, the line with a visible cursor, and the
/// keys, which stay on screen too.
fn draw_name_prompt(prompt: &NamePrompt, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let label = match &prompt.purpose {
        NamePurpose::Rename(_) => "rename to: ",
        NamePurpose::Create { .. } => "create (end with / for directories): ",
    };
    let hint = "  Enter ok · Esc cancel";
    let keep = hint.chars().count() + 1;
    super::line_prompt::draw(label, &prompt.line, hint, keep, theme, area, buf);
}

/// "⠋ scanning 123,456 entries · 45,678/s · 3 errors · 2.3 s" or the totals.
pub fn progress_text(state: &State) -> String {
    let totals = state.tree.totals();
    let errors = match totals.errors {
        0 => "no errors".to_string(),
        1 => "1 error".to_string(),
        n => format!("{} errors", group_digits(n)),
    };
    match state.scan.finished {
        Some(took) => {
            // Both figures, as ncdu and gdu show them: first the one the
            // sizes on screen use, the other named, after the scan's facts.
            let (apparent, disk) = (human_size(totals.apparent), human_size(totals.allocated));
            let (shown, other) = if state.rows.options.disk_usage {
                (disk, format!("{apparent} apparent"))
            } else {
                (apparent, format!("{disk} on disk"))
            };
            // An import read a file: saying it was scanned would claim a
            // look at the disk that never happened.
            let how = if crate::view::imported::is_imported(state) { "read" } else { "scanned" };
            format!(
                " {} entries · {shown} · {errors} · {how} in {:.2} s · {other}{HELP_HINT}",
                group_digits(totals.entries),
                took.as_secs_f64()
            )
        }
        None => {
            let elapsed = state.screen.now.duration_since(state.scan.started).as_secs_f64();
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
