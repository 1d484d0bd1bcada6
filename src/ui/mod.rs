//! Widgets over the interactive model. Each borrows the [`crate::view::State`]
//! for one frame and keeps nothing; every string that reaches the terminal
//! passes [`crate::sanitize`].

pub mod audit;
pub mod breadcrumb;
pub mod columns;
pub mod dialog;
pub mod goto;
pub mod help;
mod line_prompt;
pub mod meta;
pub mod owner;
pub mod paste;
pub mod perm;
pub mod preview;
pub mod status;
pub mod tree;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::theme::Theme;
use crate::view::{Mode, State};

/// Draws one frame.
pub fn draw(frame: &mut Frame<'_>, state: &State, theme: &Theme) {
    let area = frame.area();
    let areas = crate::view::layout::layout(area, state.inspect.show_preview);
    let buf = frame.buffer_mut();
    tree::draw(state, theme, areas.tree, buf);
    if let Some(meta_area) = areas.meta {
        meta::draw(state, theme, meta_area, buf);
    }
    if let Some(preview_area) = areas.preview {
        preview::draw(state, theme, preview_area, buf);
    }
    status::draw(state, theme, areas.status, buf);
    match &state.mode {
        Mode::Help { scroll } => help::draw(state, theme, *scroll, area, buf),
        Mode::Confirm(confirm) => dialog::draw_confirm(confirm, theme, area, buf),
        Mode::Report(report) => dialog::draw_report(report, theme, area, buf),
        Mode::Perm(editor) => perm::draw(editor, theme, area, buf),
        Mode::Owner(editor) => owner::draw(editor, theme, area, buf),
        Mode::Paste(dialog) => paste::draw(dialog, theme, area, buf),
        Mode::Audit { selected } => audit::draw_panel(state, theme, *selected, area, buf),
        Mode::Inspect { scroll } => {
            let above_status = Rect { height: areas.status.y - area.y, ..area };
            meta::draw_full_screen(state, theme, *scroll, above_status, buf);
        }
        Mode::Normal | Mode::Prompt(_) | Mode::Name(_) | Mode::Goto(_) => {}
    }
}
