//! Where the view is, readable at any depth: the title's breadcrumb of the
//! view's root (its leading directories elided when it is long), and the
//! indentation of deep rows, capped so a name keeps room for itself (past
//! the cap, the levels above are folded into a marker that gives the depth).

use std::os::unix::ffi::OsStrExt;

use unicode_width::UnicodeWidthStr;

use crate::model::NodeId;
use crate::sanitize;
use crate::view::State;
use crate::view::root::{absolute, view_root};

/// Columns a deep row's name keeps for itself (when the pane allows).
const NAME_ROOM: usize = 32;
/// Columns of one indentation level.
const LEVEL: usize = 2;
/// Levels always shown as they are, however narrow the pane: folding only
/// pays for deep rows, and shallow trees look as they always did.
const MIN_LEVELS: usize = 8;

/// The title's breadcrumb once the roots moved (`-`, `z`, `:`): the view
/// root's absolute path as `/ › home › u`, fitted to `width` by dropping
/// leading directories (`… › u`). `None` before anything moved: the title
/// names the roots as the command line gave them.
pub fn roots_line(state: &State, width: usize) -> Option<String> {
    if !state.nav.moved {
        return None;
    }
    let path = match state.rows.top {
        Some(_) => absolute(state.nav.cwd.as_deref(), &state.tree.path(view_root(state)?)),
        None => {
            let mut roots = state.tree.roots();
            let first = roots.next()?;
            if roots.next().is_some() {
                // Several roots: each by its path.
                let all: Vec<String> = state
                    .tree
                    .roots()
                    .map(|r| sanitize::path(&state.tree.path(r)).into_owned())
                    .collect();
                return Some(all.join(", "));
            }
            absolute(state.nav.cwd.as_deref(), &state.tree.path(first))
        }
    };
    let parts: Vec<String> = path
        .iter()
        .map(|part| match part.as_bytes() {
            b"/" => "/".to_string(),
            name => sanitize::bytes(name).into_owned(),
        })
        .collect();
    Some(crumbs(&parts, width.max(12)))
}

/// `parts` joined by ` › `, leading ones dropped for `…` until it fits
/// (the last part is always kept whole).
fn crumbs(parts: &[String], width: usize) -> String {
    let join = |from: usize| {
        let mut line = if from > 0 { "…".to_string() } else { String::new() };
        for (i, part) in parts[from..].iter().enumerate() {
            if i > 0 || from > 0 {
                line.push_str(" › ");
            }
            line.push_str(part);
        }
        line
    };
    let last = parts.len().saturating_sub(1);
    (0..last).map(join).find(|line| line.chars().count() <= width).unwrap_or_else(|| join(last))
}

/// The path of `id` from the view's root, named by its last component
/// (`root/dir/name`), sanitized and fitted to `width` by eliding its
/// middle (`root/…/parent/name`): at depth 20 the rows fold their
/// indentation, so this is where the whole way down can be read as one
/// string. The name is never elided. `None` for the view's root itself
/// and for a node outside the view (the caller shows the full path then).
pub fn relative_path(state: &State, id: NodeId, width: usize) -> Option<String> {
    let top = view_root(state)?;
    let mut parts = Vec::new();
    let mut node = id;
    while node != top {
        parts.push(sanitize::bytes(state.tree.name(node)).into_owned());
        node = state.tree.parent(node)?;
    }
    if parts.is_empty() {
        return None;
    }
    // A root is named by its path as given: its last component says which.
    let top_path = state.tree.path(top);
    let top_name = top_path.file_name().map_or_else(
        || sanitize::path(&top_path).into_owned(),
        |name| sanitize::bytes(name.as_bytes()).into_owned(),
    );
    parts.push(top_name);
    parts.reverse();
    Some(elide_middle(&parts, width))
}

/// `parts` joined by `/`, the middle ones replaced by one `…` until it
/// fits: the first part and as many of the last as fit are kept, and the
/// last (the name) always is.
fn elide_middle(parts: &[String], width: usize) -> String {
    let whole = parts.join("/");
    if whole.width() <= width {
        return whole;
    }
    let last = parts.len() - 1;
    // The longest tail (from `from` on) that fits after `head/…/`.
    let fitted = |head: &str| {
        (1..=last).find_map(|from| {
            let line = format!("{head}…/{}", parts[from..].join("/"));
            (line.width() <= width).then_some(line)
        })
    };
    fitted(&format!("{}/", parts[0]))
        .or_else(|| fitted(""))
        .unwrap_or_else(|| format!("…/{}", parts[last]))
}

/// The indentation of a row at `depth` in a name column `width` wide: two
/// columns a level up to a cap that leaves a name [`NAME_ROOM`] columns;
/// a deeper row shows the cap's width with its depth in a marker (`…20 `),
/// so at depth 20 in 80 columns a name still gets 33 columns.
pub fn indent(depth: u16, width: usize) -> String {
    let depth = usize::from(depth);
    // The flag, the glyph and a space come with the indentation.
    let cap = (width.saturating_sub(3 + NAME_ROOM) / LEVEL).max(MIN_LEVELS);
    if depth <= cap {
        return " ".repeat(depth * LEVEL);
    }
    let marker = format!("…{depth} ");
    let cells = marker.chars().count();
    let pad = (cap * LEVEL).saturating_sub(cells);
    format!("{}{marker}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::{crumbs, elide_middle, indent};

    #[test]
    fn a_long_relative_path_loses_its_middle_never_its_name() {
        let parts: Vec<String> = ["alpha", "beta", "gamma", "name.txt"].map(String::from).into();
        assert_eq!(elide_middle(&parts, 40), "alpha/beta/gamma/name.txt");
        assert_eq!(elide_middle(&parts, 22), "alpha/…/gamma/name.txt");
        assert_eq!(elide_middle(&parts, 16), "alpha/…/name.txt");
        assert_eq!(elide_middle(&parts, 11), "…/name.txt");
        assert_eq!(elide_middle(&parts, 3), "…/name.txt");
    }

    #[test]
    fn shallow_rows_indent_two_columns_a_level() {
        assert_eq!(indent(0, 60), "");
        assert_eq!(indent(3, 60), "      ");
    }

    #[test]
    fn deep_rows_keep_room_for_their_name() {
        // 60 name columns (80 less the size and bar): a cap of 12 levels.
        assert_eq!(indent(12, 60).len(), 24);
        let deep = indent(20, 60);
        assert_eq!(deep.chars().count(), 24);
        assert!(deep.ends_with("…20 "), "{deep:?}");
        assert_eq!(indent(200, 60).chars().count(), 24);
        // A narrow pane folds only past eight levels.
        assert_eq!(indent(3, 30), "      ");
        assert_eq!(indent(9, 30).chars().count(), 16);
    }

    #[test]
    fn a_long_breadcrumb_drops_leading_directories() {
        let parts: Vec<String> = ["/", "home", "user", "projects"].map(String::from).into();
        assert_eq!(crumbs(&parts, 80), "/ › home › user › projects");
        assert_eq!(crumbs(&parts, 22), "… › user › projects");
        assert_eq!(crumbs(&parts, 3), "… › projects");
    }
}
