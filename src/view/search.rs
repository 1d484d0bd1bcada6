//! Finding entries by name across what the view shows (the whole tree, or
//! the zoomed subtree), in display order, whether or not their directories
//! are expanded.

use super::rows::{RowIndex, ViewOptions, name_matches, sort_siblings};
use crate::model::{FileKind, NodeId, Tree};

/// True when `id`'s name contains `query` (lower-cased).
pub fn matches(tree: &Tree, id: Option<NodeId>, query: &[u8]) -> bool {
    id.is_some_and(|id| name_matches(tree.name(id), query))
}

/// The next (or previous) node in display order whose name contains `query`,
/// wrapping around; the search starts after `from` when `skip_current`, at it
/// otherwise. Entries the view hides (dot-files when hidden, anything an
/// active filter leaves out) are skipped: a match must be one the view can show.
pub fn find(
    tree: &Tree,
    rows: &RowIndex,
    options: &ViewOptions,
    from: Option<NodeId>,
    query: &[u8],
    forward: bool,
    skip_current: bool,
) -> Option<NodeId> {
    let order = display_order(tree, rows, options);
    let start = from.and_then(|id| order.iter().position(|&n| n == id)).unwrap_or(0);
    let n = order.len();
    let hit = |i: usize| name_matches(tree.name(order[i]), query).then_some(order[i]);
    let first_step = usize::from(skip_current);
    if forward {
        (first_step..n + first_step).map(|k| (start + k) % n).find_map(hit)
    } else {
        (first_step..n + first_step).map(|k| (start + n - k % n) % n).find_map(hit)
    }
}

/// Every node in the order the view would show it with everything expanded:
/// below the zoom when there is one (what lies outside has no row, so a
/// match there could not be selected), else below every root.
pub fn display_order(tree: &Tree, rows: &RowIndex, options: &ViewOptions) -> Vec<NodeId> {
    let mut order = Vec::new();
    let mut stack: Vec<NodeId> = match rows.top.filter(|&top| tree.is_live(top)) {
        Some(top) => vec![top],
        None => tree.roots().collect(),
    };
    stack.reverse();
    let mut children = Vec::new();
    while let Some(id) = stack.pop() {
        order.push(id);
        if tree.kind(id) != FileKind::Dir {
            continue;
        }
        children.clear();
        children.extend(tree.children(id).filter(|&c| {
            (options.show_hidden || !tree.name(c).starts_with(b".")) && rows.keeps(c)
        }));
        sort_siblings(tree, options, &mut children);
        stack.extend(children.iter().rev());
    }
    order
}
