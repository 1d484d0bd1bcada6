//! The extra columns of a tree row (`t`): entry count, modification time,
//! mode, octal mode, owner. Which of them fit is the view's decision
//! ([`crate::view::columns::fitting`]); this draws one row's cells.

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use crate::config::Column;
use crate::fmt::{fit, group_digits, time};
use crate::model::{NodeId, mode};
use crate::sanitize;
use crate::view::State;
use crate::view::columns::width;

/// Terminal columns the cells of `columns` take, separating spaces included.
pub fn total_width(columns: &[Column]) -> usize {
    columns.iter().map(|&c| width(c) + 1).sum()
}

/// One cell, exactly `width(column)` columns wide.
pub fn cell(state: &State, id: NodeId, column: Column) -> String {
    let tree = &state.tree;
    let w = width(column);
    match column {
        Column::Count => match tree.dir(id) {
            Some(dir) => format!("{:>w$}", fit(&group_digits(dir.total_entries), w)),
            None => " ".repeat(w),
        },
        Column::Mtime => format!("{:<w$}", fit(&time::minute(tree.mtime(id)), w)),
        Column::Mode => format!("{}{}", tree.kind(id).letter(), mode::perms_string(tree.mode(id))),
        Column::Octal => mode::octal_string(tree.mode(id)),
        Column::Owner => {
            let (uid, gid) = tree.owner(id);
            let names = &state.inspect.owner_names;
            // Names where the lookup thread has answered, numbers until then.
            let user = match names.users.get(&uid) {
                Some(Some(name)) => sanitize::text(name).into_owned(),
                _ => uid.to_string(),
            };
            let group = match names.groups.get(&gid) {
                Some(Some(name)) => sanitize::text(name).into_owned(),
                _ => gid.to_string(),
            };
            let text = fit(&format!("{user}:{group}"), w);
            let pad = w.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
            format!("{text}{}", " ".repeat(pad))
        }
    }
}

/// Draws the cells of `columns` for `id` from `x` on, each after a space.
pub fn draw(
    state: &State,
    id: NodeId,
    columns: &[Column],
    (x, y): (u16, u16),
    style: Style,
    buf: &mut Buffer,
) {
    let mut x = x;
    for &column in columns {
        let text = format!(" {}", cell(state, id, column));
        let (end, _) = buf.set_stringn(x, y, &text, width(column) + 1, style);
        x = end.max(x + (width(column) + 1) as u16);
    }
}
