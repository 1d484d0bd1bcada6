//! The dialogs' keys: a confirmation (`y` runs it; `Enter` only what can
//! be undone), a report to scroll, the full-screen metadata, and the
//! message log.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::actions::run;
use super::msg::Effect;
use super::request::reversible;
use super::state::{Mode, Report, State};

/// Lines of a confirmation's body (every line but the last, its keys line,
/// which stays on screen) shown at once in a frame `height` lines high:
/// the box's edges take two lines and the keys line one.
pub fn confirm_visible(height: u16, body: usize) -> usize {
    body.min(usize::from(height).saturating_sub(3))
}

/// Keys of a confirmation dialog.
pub fn on_confirm_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let height = state.screen.size.1;
    let Mode::Confirm(confirm) = &mut state.mode else { return Vec::new() };
    // A body longer than the screen (a long bulk-rename preview) scrolls
    // like the help overlay; none of these keys answers the dialog.
    let body = confirm.lines.len().saturating_sub(1);
    let page = confirm_visible(height, body).max(1);
    let max = body - confirm_visible(height, body);
    let scrolled = match key.code {
        KeyCode::Down | KeyCode::Char('j') => Some(confirm.scroll.saturating_add(1)),
        KeyCode::Up | KeyCode::Char('k') => Some(confirm.scroll.saturating_sub(1)),
        KeyCode::PageDown => Some(confirm.scroll.saturating_add(page)),
        KeyCode::PageUp => Some(confirm.scroll.saturating_sub(page)),
        KeyCode::Home | KeyCode::Char('g') => Some(0),
        KeyCode::End | KeyCode::Char('G') => Some(max),
        _ => None,
    };
    if let Some(to) = scrolled {
        confirm.scroll = to.min(max);
        return Vec::new();
    }
    // Enter confirms only what can be undone (the trash); an irreversible
    // action needs the deliberate `y`, and Enter answers "no".
    let enter_confirms = reversible(&confirm.request);
    match key.code {
        KeyCode::Char('y' | 'Y') => {
            let request = confirm.request.clone();
            state.mode = Mode::Normal;
            run(state, request)
        }
        KeyCode::Enter if enter_confirms => {
            let request = confirm.request.clone();
            state.mode = Mode::Normal;
            run(state, request)
        }
        KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc | KeyCode::Enter => {
            state.mode = Mode::Normal;
            state.message("cancelled: nothing changed");
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Keys of a report dialog: scroll, or any other key closes it.
pub fn on_report_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Mode::Report(report) = &mut state.mode else { return Vec::new() };
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => report.scroll = report.scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => report.scroll = report.scroll.saturating_sub(1),
        _ => state.mode = Mode::Normal,
    }
    Vec::new()
}

/// Keys of the full-screen metadata: scroll; `i` (whatever key is bound to
/// it), Esc or `q` go back. Other keys do nothing, so a stray key cannot act
/// on an entry the user is not looking at in the tree.
pub fn on_inspect_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let back = state.keymap.lookup(&key) == Some(crate::keymap::Action::Inspect);
    let Mode::Inspect { scroll } = &mut state.mode else { return Vec::new() };
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
        KeyCode::Esc | KeyCode::Char('q') => state.mode = Mode::Normal,
        _ if back => state.mode = Mode::Normal,
        _ => {}
    }
    Vec::new()
}

/// `M`: the message log, newest first, each message whole (the report
/// dialog wraps what is wider than the screen).
pub fn open_message_log(state: &mut State) -> Vec<Effect> {
    if state.screen.message_log.is_empty() {
        state.message("no messages yet");
        return Vec::new();
    }
    let lines = state
        .screen
        .message_log
        .iter()
        .rev()
        .map(|m| format!("{} {}", if m.is_error { "!" } else { "·" }, m.text))
        .collect();
    state.mode = Mode::Report(Report { title: "Messages, newest first".into(), lines, scroll: 0 });
    Vec::new()
}
