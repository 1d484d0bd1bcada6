//! The owner editor's popup: the user and group fields, the matching names
//! of the active one with the highlighted pick, the recursive scope, the
//! symlink choice and the keys. Borrows a [`crate::view::owner::OwnerEditor`]
//! for one frame; typed text and database names pass the sanitizer.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::fmt::fit;
use crate::model::mask::Scope;
use crate::sanitize;
use crate::theme::Theme;
use crate::view::owner::{Field, OwnerEditor, SHOWN_MATCHES};

/// The popup's text, one string a line (what the tests read).
pub fn lines(editor: &OwnerEditor) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for (field, label, typed) in
        [(Field::User, "user ", &editor.user), (Field::Group, "group", &editor.group)]
    {
        let active = editor.field == field;
        let cursor = if active { "▏" } else { "" };
        let marker = if active { "▸" } else { " " };
        let hint = if typed.is_empty() { "  (empty: unchanged)" } else { "" };
        out.push((format!("{marker} {label}: {}{cursor}{hint}", sanitize::text(typed)), false));
    }
    out.push((String::new(), false));
    match &editor.accounts {
        None => out.push(("  reading the user and group names…".into(), false)),
        Some(_) => {
            let matches = editor.matches(editor.field);
            if matches.is_empty() {
                out.push(("  no matching name (a number is taken as an id)".into(), false));
            }
            for (i, (name, id)) in matches.iter().take(SHOWN_MATCHES).enumerate() {
                out.push((format!("  {} ({id})", sanitize::text(name)), i == editor.picked));
            }
            if matches.len() > SHOWN_MATCHES {
                out.push((
                    format!("  … {} more: type to narrow", matches.len() - SHOWN_MATCHES),
                    false,
                ));
            }
        }
    }
    out.push((String::new(), false));
    let scope = match editor.recursive {
        None => "off",
        Some(Scope::All) => "everything below",
        Some(Scope::DirsOnly) => "directories below only",
        Some(Scope::FilesOnly) => "files below only",
    };
    out.push((format!("recursive: {scope}  (Ctrl-r)"), false));
    let links =
        if editor.symlinks { "their own owner changes (never the target)" } else { "left alone" };
    out.push((format!("symlinks: {links}  (Ctrl-l)"), false));
    out.push(("Tab user/group · ↑↓ pick · Enter apply · Esc cancel".into(), false));
    out
}

/// The popup's title.
pub fn title(editor: &OwnerEditor) -> String {
    match editor.targets.as_slice() {
        [one] => format!(
            "owner of {}",
            sanitize::os(one.path.file_name().unwrap_or(one.path.as_os_str()))
        ),
        many => format!("owner of {} entries", many.len()),
    }
}

/// Draws the editor centred over `area`.
pub fn draw(editor: &OwnerEditor, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let text = lines(editor);
    let widest = text.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
    let width = u16::try_from(widest + 4).unwrap_or(u16::MAX).max(30);
    let height = u16::try_from(text.len() + 2).unwrap_or(u16::MAX);
    let popup = super::dialog::centred(area, width, height);
    if popup.width < 4 || popup.height < 3 {
        return;
    }
    Clear.render(popup, buf);
    let picked = Style::default().add_modifier(Modifier::REVERSED);
    let lines: Vec<Line> = text
        .into_iter()
        .map(|(l, hi)| if hi { Line::from(Span::styled(l, picked)) } else { Line::raw(l) })
        .collect();
    let title = fit(&format!(" {} ", title(editor)), usize::from(popup.width.saturating_sub(2)));
    Paragraph::new(lines)
        .block(Block::default().borders(Borders::ALL).title(title).border_style(theme.bar()))
        .render(popup, buf);
}
