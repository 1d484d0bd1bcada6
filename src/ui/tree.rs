//! The tree pane: only the rows on screen are touched, so a frame costs the
//! same for ten entries or ten million.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::fmt::{fit, human_size};
use crate::model::{DirState, FileKind, NodeId};
use crate::sanitize;
use crate::theme::Theme;
use crate::view::State;

/// Width of the size-share bar.
const BAR_WIDTH: usize = 8;
/// Width of the size column.
const SIZE_WIDTH: usize = 10;
/// After the name of a directory whose contents are stale (changed on disk
/// since they were read) while a background re-scan reads them again; the
/// help overlay explains it.
pub const STALE_MARK: &str = " ↻";

/// Draws the title line and the visible rows.
pub fn draw(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let title = title_line(state, area.width as usize);
    buf.set_stringn(
        area.x,
        area.y,
        fit(&title, area.width as usize),
        area.width as usize,
        theme.status(),
    );
    let body = Rect { y: area.y + 1, height: area.height - 1, ..area };
    let rows = state.rows.rows();
    let end = (state.cursor.scroll + body.height as usize).min(rows.len());
    for (line, row_index) in (state.cursor.scroll..end).enumerate() {
        let row = rows[row_index];
        let y = body.y + line as u16;
        let selected = row_index == state.cursor.row;
        draw_row(state, theme, row.id, row.depth, Rect { y, height: 1, ..body }, selected, buf);
    }
}

fn title_line(state: &State, width: usize) -> String {
    let options = &state.rows.options;
    let roots = match super::breadcrumb::roots_line(state, width / 2) {
        Some(crumbs) => crumbs,
        None => {
            // The roots as given: the first frame (before any batch) already
            // says what is being scanned, and a root that could not be read
            // (it has no row) is still named.
            let mut roots: Vec<String> =
                state.audit.roots().iter().map(|r| sanitize::path(r).into_owned()).collect();
            if roots.is_empty() {
                roots = state
                    .tree
                    .roots()
                    .map(|r| sanitize::bytes(state.tree.name(r)).into_owned())
                    .collect();
            }
            roots.join(", ")
        }
    };
    let mut title = format!(" {roots} · sort: {}", options.sort.label());
    if state.rows.sorting() {
        // A huge directory shows in listing order until its sort is done.
        title.push_str(" (sorting…)");
    }
    // Apparent sizes are the default and go unsaid.
    if options.disk_usage {
        title.push_str(&format!(" · {}", options.size_label()));
    }
    if !state.rows.options.show_hidden {
        title.push_str(" · hidden entries off");
    }
    if state.jobs.watch_limited {
        title.push_str(" · live updates limited (R refreshes)");
    }
    if let Some(filter) = &state.rows.options.filter {
        title.push_str(&format!(" · filter: {}", sanitize::bytes(filter)));
    }
    if let Some(filter) = state.audit.filter() {
        title.push_str(&format!(" · audit: {} (Esc: all)", filter.label()));
    }
    title
}

fn draw_row(
    state: &State,
    theme: &Theme,
    id: NodeId,
    depth: u16,
    area: Rect,
    selected: bool,
    buf: &mut Buffer,
) {
    let tree = &state.tree;
    let width = area.width as usize;
    let kind = tree.kind(id);
    let marker = if state.rows.is_expanded(id) { '▾' } else { '▸' };
    let marked = state.jobs.marks.contains_key(&id);
    // Unreadable entries are findings too: the mark and the colour say
    // "look here", the metadata pane says why.
    let finding = super::audit::row_severity(state, id).map(|s| theme.severity(s));
    let flag = if marked {
        '*'
    } else if tree.has_error(id) || finding.is_some() {
        '!'
    } else {
        ' '
    };
    let tail_width = if width >= 40 { SIZE_WIDTH + 1 + BAR_WIDTH + 1 } else { 0 };
    let indent = super::breadcrumb::indent(depth, width.saturating_sub(tail_width));
    // One glyph column: the open/closed marker says "directory", the kind
    // letter says the rest, so siblings start (and their names) in the same
    // column whatever their type.
    let glyph = if kind == FileKind::Dir { marker } else { kind.letter() };
    let prefix = format!("{flag}{indent}{glyph} ");
    let name = sanitize::bytes(tree.name(id));
    let suffix = match kind {
        // Changed on disk since its children were read, and being read again.
        FileKind::Dir if crate::view::fresh::is_rereading(state, id) => STALE_MARK,
        FileKind::Dir if tree.dir(id).is_some_and(|d| d.state == DirState::Pending) => " …",
        _ => "",
    };
    let size = format!("{:>SIZE_WIDTH$} ", human_size(state.rows.options.size_of(tree, id)));
    let bar = share_bar(state, id);
    let tail_width = if width >= 40 { SIZE_WIDTH + 1 + BAR_WIDTH + 1 } else { 0 };
    // The extra columns (`t`) sit between the name and the size.
    let columns = crate::view::columns::fitting(&state.columns, width);
    let columns_width = super::columns::total_width(&columns);
    let name_width = width.saturating_sub(tail_width + columns_width);

    let base = if selected { theme.selection() } else { Style::default() };
    let name_style = match finding {
        _ if tree.has_error(id) => theme.error(),
        Some(style) => style,
        None => theme.name_style(tree.name(id), kind, tree.mode(id)),
    };
    buf.set_style(area, base);
    let head = fit(&prefix, name_width);
    // Dim text on the selection bar would vanish into it.
    let head_style = match (tree.has_error(id), finding, selected) {
        (true, _, _) => base.patch(theme.error()),
        (false, Some(style), _) => base.patch(style),
        (false, None, true) => base,
        (false, None, false) => base.patch(theme.dim()),
    };
    let (x, _) = buf.set_stringn(area.x, area.y, &head, name_width, head_style);
    let used = (x - area.x) as usize;
    let rest = name_width.saturating_sub(used);
    let shown = fit(&format!("{name}{suffix}"), rest);
    let name_style = if marked {
        name_style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    } else {
        name_style
    };
    buf.set_stringn(x, area.y, &shown, rest, base.patch(name_style));
    let columns_x = area.x + name_width as u16;
    super::columns::draw(state, id, &columns, (columns_x, area.y), base, buf);
    if tail_width > 0 {
        let tail_x = columns_x + columns_width as u16;
        let (x, _) = buf.set_stringn(tail_x, area.y, &size, SIZE_WIDTH + 1, base);
        buf.set_stringn(x, area.y, &bar, BAR_WIDTH, base.patch(theme.bar()));
    }
    if selected {
        buf.set_style(area, Style::default().add_modifier(Modifier::BOLD));
    }
}

/// The entry's share of its parent's total size as a bar of eighth blocks.
fn share_bar(state: &State, id: NodeId) -> String {
    let tree = &state.tree;
    let size = |id| state.rows.options.size_of(tree, id);
    let share = match tree.parent(id) {
        Some(parent) => {
            let whole = size(parent);
            if whole == 0 { 0.0 } else { size(id) as f64 / whole as f64 }
        }
        // A root's share of all the roots: a single root that holds
        // something is a full bar; one that could not be read, 0 B, none.
        None => {
            let whole: u64 = tree.roots().map(size).sum();
            if whole == 0 { 0.0 } else { size(id) as f64 / whole as f64 }
        }
    };
    bar(share, BAR_WIDTH)
}

/// A bar `width` cells wide filled to `share` (0..=1) in eighths.
pub fn bar(share: f64, width: usize) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (share.clamp(0.0, 1.0) * (width * 8) as f64).round() as usize;
    let mut out = String::with_capacity(width * 3);
    for cell in 0..width {
        let filled = eighths.saturating_sub(cell * 8).min(8);
        out.push(if filled == 8 { '█' } else { EIGHTHS[filled] });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_fill_in_eighths() {
        assert_eq!(bar(0.0, 4), "    ");
        assert_eq!(bar(1.0, 4), "████");
        assert_eq!(bar(0.5, 4), "██  ");
        assert_eq!(bar(1.0 / 32.0, 4), "▏   ");
        assert_eq!(bar(2.0, 2), "██");
    }
}
