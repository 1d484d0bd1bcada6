//! The visible-row index: the flattened list of rows the tree view shows.
//!
//! Drawing a frame reads only the rows on screen from this index, so a frame
//! costs O(screen), whatever the tree size. Rebuilding the index costs
//! O(visible rows) and happens only when something changed (the caller
//! throttles it while a scan streams in). It sorts only the open directories
//! whose children changed since they were last sorted: the others' orders
//! are kept ([`SortedChildren`]), so a rebuild that nothing invalidated —
//! a zoom (`z`) and going back out (`-`) — is a walk copying them (a
//! million open rows in a few milliseconds).

use std::cmp::Ordering;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::time::{Duration, Instant};

use super::order::{Compare, OrderCache};
use super::sorted::SortedChildren;
use crate::config::SortKey;
use crate::model::ids::IdSet;
use crate::model::{FileKind, NodeId, Tree};

/// One row: a node and its depth below its root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The node shown.
    pub id: NodeId,
    /// Indentation level (0 for a root).
    pub depth: u16,
}

/// A row to come, and whether it is a directory when that is known.
#[derive(Debug, Clone, Copy)]
struct Visit {
    id: NodeId,
    depth: u16,
    dir: Option<bool>,
}

/// What decides which rows exist and in what order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewOptions {
    /// Sort order among siblings (directories first, except by size).
    pub sort: SortKey,
    /// Show names starting with a dot.
    pub show_hidden: bool,
    /// Show only entries whose name contains this (ASCII case-insensitive),
    /// with their ancestors; `None` for no filter.
    pub filter: Option<Vec<u8>>,
    /// Sizes are disk usage (allocated blocks) rather than apparent sizes:
    /// the size column, the bars, the size sort and the totals.
    pub disk_usage: bool,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions { sort: SortKey::Name, show_hidden: true, filter: None, disk_usage: false }
    }
}

impl ViewOptions {
    /// The size shown for `id`: its subtree's for a directory, apparent or
    /// disk usage as chosen.
    pub fn size_of(&self, tree: &Tree, id: NodeId) -> u64 {
        if self.disk_usage { tree.total_alloc(id) } else { tree.total_size(id) }
    }

    /// What the sizes on screen are, for the title.
    pub fn size_label(&self) -> &'static str {
        if self.disk_usage { "disk usage" } else { "apparent size" }
    }
}

/// A value that changes whenever a directory is expanded or collapsed; no
/// two row indexes, nor two states of one, share a value (one counter for
/// the process), so a value seen before means nothing opened or closed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Openings(u64);

impl Openings {
    fn next() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        Openings(COUNTER.fetch_add(1, AtomicOrdering::Relaxed))
    }
}

impl Default for Openings {
    fn default() -> Self {
        Openings::next()
    }
}

/// The flattened rows plus the set of expanded directories, the options
/// they are built with, and whether they are stale.
#[derive(Debug, Default)]
pub struct RowIndex {
    /// Sort, hidden entries, filter.
    pub options: ViewOptions,
    /// The rows need rebuilding (the tree or the options changed).
    pub dirty: bool,
    /// The directory the rows start from (a zoom, `z`); `None`: every root.
    pub top: Option<NodeId>,
    /// When the rows were last rebuilt and how long it took.
    pub last_rebuild: Option<(Instant, Duration)>,
    rows: Vec<Row>,
    expanded: IdSet,
    /// `expanded` again, a bit per node id: what a rebuild asks of every
    /// open directory, answered without a hash lookup's cache miss.
    expanded_bits: Vec<u64>,
    /// Changes with every expansion or collapse.
    openings: Openings,
    /// Where the last rebuild put the nodes it was asked to note: found
    /// without a scan of the rows.
    noted: [Option<(NodeId, usize)>; 2],
    /// The rebuild's stack of rows to come, kept for its room.
    stack: Vec<Visit>,
    /// With a filter: nodes that match or have a matching descendant.
    kept: Option<Vec<u64>>,
    /// With a filter every kept directory shows open; these were closed by
    /// the user while it is on (the unfiltered expansion stays untouched).
    filter_collapsed: IdSet,
    /// The filter the last rebuild used.
    last_filter: Option<Vec<u8>>,
    /// Only these nodes (a bit per node id) and their ancestors, on top of
    /// the name filter: the audit's filters.
    node_filter: Option<Vec<u64>>,
    /// Huge directories' sorted orders, and the one being sorted in steps.
    pub order: OrderCache<ViewOptions>,
    /// The other directories' sorted children, kept between rebuilds.
    pub sorted: SortedChildren,
    /// The last rebuild showed a huge directory in listing order: its sort
    /// is still running.
    unsorted: bool,
}

impl RowIndex {
    /// No rows yet, due for a build with `options`.
    pub fn new(options: ViewOptions) -> Self {
        RowIndex { options, dirty: true, ..RowIndex::default() }
    }

    /// The rows, top to bottom.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `i`.
    pub fn get(&self, i: usize) -> Option<Row> {
        self.rows.get(i).copied()
    }

    /// True when `id` is expanded (a filter opens every kept directory
    /// unless the user closed it while the filter is on).
    pub fn is_expanded(&self, id: NodeId) -> bool {
        match self.kept {
            Some(_) => !self.filter_collapsed.contains(&id),
            None => bit(&self.expanded_bits, id),
        }
    }

    /// Expands or collapses a directory. Returns true when that changed.
    /// While a filter is on this only changes the filtered view.
    pub fn set_expanded(&mut self, id: NodeId, expanded: bool) -> bool {
        let changed = match (self.kept.is_some(), expanded) {
            (true, true) => self.filter_collapsed.remove(&id),
            (true, false) => self.filter_collapsed.insert(id),
            (false, true) => {
                set_bit(&mut self.expanded_bits, id);
                self.expanded.insert(id)
            }
            (false, false) => {
                clear_bit(&mut self.expanded_bits, id);
                self.expanded.remove(&id)
            }
        };
        if changed {
            self.openings = Openings::next();
        }
        changed
    }

    /// What changes whenever a directory is expanded or collapsed.
    pub fn openings(&self) -> Openings {
        self.openings
    }

    /// The expanded directories.
    pub fn expanded(&self) -> &IdSet {
        &self.expanded
    }

    /// True while a filter (the name filter or the audit's) decides the rows:
    /// every kept directory then shows open, whatever [`Self::expanded`] holds.
    pub fn filtered(&self) -> bool {
        self.kept.is_some()
    }

    /// True when `id` shows open: expanded, or kept open by a filter.
    pub fn shows_open(&self, id: NodeId) -> bool {
        match self.kept {
            Some(_) => self.keeps(id) && !self.filter_collapsed.contains(&id),
            None => bit(&self.expanded_bits, id),
        }
    }

    /// The row showing `id`, if visible: where the last rebuild noted it,
    /// else by a scan of the rows.
    pub fn position(&self, id: NodeId) -> Option<usize> {
        for (noted, row) in self.noted.iter().flatten() {
            if *noted == id && self.rows.get(*row).is_some_and(|r| r.id == id) {
                return Some(*row);
            }
        }
        self.rows.iter().position(|row| row.id == id)
    }

    /// The row showing `id` if it is above row `below` (as a parent is
    /// above its children): a scan back from there, not from the top.
    pub fn position_above(&self, id: NodeId, below: usize) -> Option<usize> {
        self.rows[..below.min(self.rows.len())].iter().rposition(|row| row.id == id)
    }

    /// The row showing `id`, looked for at `hint` first (where it was before
    /// a rebuild: usually still there, and then found without a scan).
    pub fn position_near(&self, id: NodeId, hint: usize) -> Option<usize> {
        match self.rows.get(hint) {
            Some(row) if row.id == id => Some(hint),
            _ => self.position(id),
        }
    }

    /// Advances a huge directory's sort by one slice; true when it finished
    /// (the rows are then due for a rebuild).
    pub fn sort_step(&mut self, tree: &Tree) -> bool {
        self.order.step(&compare_in(tree))
    }

    /// True while a huge directory shows in listing order, its sort running.
    pub fn sorting(&self) -> bool {
        self.unsorted
    }

    /// Rebuilds the rows from the tree.
    pub fn rebuild(&mut self, tree: &Tree) {
        self.rebuild_noting(tree, [None, None]);
    }

    /// Rebuilds the rows from the tree, noting where these nodes land (what
    /// [`Self::position`] then answers at once).
    pub fn rebuild_noting(&mut self, tree: &Tree, note: [Option<NodeId>; 2]) {
        self.noted = [None, None];
        let options = &self.options.clone();
        if self.last_filter != options.filter {
            self.filter_collapsed.clear();
            self.last_filter.clone_from(&options.filter);
        }
        self.kept = match (options.filter.as_deref(), self.node_filter.as_deref()) {
            (None, None) => None,
            (query, nodes) => Some(keep_matches(tree, |id| {
                query.is_none_or(|q| name_matches(tree.name(id), q))
                    && nodes.is_none_or(|bits| bit(bits, id))
            })),
        };
        self.rows.clear();
        let mut stack = std::mem::take(&mut self.stack);
        stack.clear();
        let roots: Vec<NodeId> = match self.top.filter(|&top| tree.is_live(top)) {
            Some(top) => vec![top],
            None => tree.roots().collect(),
        };
        // Roots always show, even when nothing under them matches a filter.
        stack.extend(roots.into_iter().rev().map(|id| Visit { id, depth: 0, dir: None }));
        let mut children = Vec::new();
        self.unsorted = false;
        while let Some(Visit { id, depth, dir }) = stack.pop() {
            for (i, wanted) in note.iter().enumerate() {
                if *wanted == Some(id) {
                    self.noted[i] = Some((id, self.rows.len()));
                }
            }
            self.rows.push(Row { id, depth });
            let dir = dir.unwrap_or_else(|| tree.kind(id) == FileKind::Dir);
            if !dir || !self.is_expanded(id) {
                continue;
            }
            let depth = depth.saturating_add(1);
            // Fields, not `self.keeps`: the order caches are borrowed mutably.
            let kept = &self.kept;
            let shows = |id: NodeId| {
                (options.show_hidden || !tree.name(id).starts_with(b"."))
                    && kept.as_ref().is_none_or(|bits| bit(bits, id))
            };
            let key = (options.sort, options.disk_usage);
            let cmp = |a, b| compare(tree, options, a, b);
            if let Some(sorted) = self.sorted.children(tree, key, &cmp, (id, self.order.big)) {
                // Every child in order: the shown ones are that order's
                // subsequence (the sort is stable).
                self.order.forget(id);
                for i in (0..sorted.len()).rev() {
                    let child = sorted.id(i);
                    if (options.show_hidden || !sorted.is_dot(i))
                        && kept.as_ref().is_none_or(|bits| bit(bits, child))
                    {
                        stack.push(Visit { id: child, depth, dir: Some(sorted.is_dir(i)) });
                    }
                }
                continue;
            }
            children.clear();
            children.extend(tree.children(id).filter(|&c| shows(c)));
            let how = (tree, options, &compare_in(tree) as Compare<ViewOptions>);
            let sorted = self.order.order(how, &shows, id, &mut children);
            self.unsorted |= !sorted;
            stack.extend(children.iter().rev().map(|&id| Visit { id, depth, dir: None }));
        }
        self.stack = stack;
        self.sorted.tidy(tree);
    }

    /// Limits the rows to these nodes and their ancestors (`None`: no limit).
    /// Like the name filter, every kept directory shows open.
    pub fn set_node_filter(&mut self, ids: Option<Vec<NodeId>>) {
        self.openings = Openings::next();
        self.filter_collapsed.clear();
        self.order.filter_epoch += 1;
        self.node_filter = ids.map(|ids| {
            let mut bits = Vec::new();
            for id in ids {
                set_bit(&mut bits, id);
            }
            bits
        });
    }

    /// Adds a node to the node filter, when one is set (the caller rebuilds).
    pub fn add_to_node_filter(&mut self, id: NodeId) {
        if let Some(bits) = &mut self.node_filter {
            self.order.filter_epoch += 1;
            set_bit(bits, id);
        }
    }

    /// False for a node the active filter hides (true without a filter).
    pub fn keeps(&self, id: NodeId) -> bool {
        self.kept.as_ref().is_none_or(|bits| bit(bits, id))
    }
}

/// Sorts siblings by the key (sizes and times largest/newest first), then by
/// name. The name and mtime sorts put directories first; the size sort puts
/// the largest entry first, file or directory. The sort is stable.
pub fn sort_siblings(tree: &Tree, options: &ViewOptions, ids: &mut [NodeId]) {
    ids.sort_by(|&a, &b| compare(tree, options, a, b));
}

/// [`compare`] in `tree`, for the sorts done in steps.
fn compare_in(tree: &Tree) -> impl Fn(&ViewOptions, NodeId, NodeId) -> Ordering + '_ {
    move |options, a, b| compare(tree, options, a, b)
}

/// The sibling order of [`sort_siblings`] for two nodes.
pub fn compare(tree: &Tree, options: &ViewOptions, a: NodeId, b: NodeId) -> Ordering {
    let key = options.sort;
    let dirs_first = match key {
        SortKey::Size => Ordering::Equal,
        SortKey::Name | SortKey::Mtime => {
            (tree.kind(b) == FileKind::Dir).cmp(&(tree.kind(a) == FileKind::Dir))
        }
    };
    dirs_first
        .then_with(|| match key {
            SortKey::Name => Ordering::Equal,
            SortKey::Size => options.size_of(tree, b).cmp(&options.size_of(tree, a)),
            SortKey::Mtime => tree.mtime(b).cmp(&tree.mtime(a)),
        })
        .then_with(|| compare_names(tree.name(a), tree.name(b)))
}

/// Case-insensitive (ASCII) name order, raw bytes as the tie-break so the
/// order is total.
pub fn compare_names(a: &[u8], b: &[u8]) -> Ordering {
    let (la, lb) = (a.iter().map(u8::to_ascii_lowercase), b.iter().map(u8::to_ascii_lowercase));
    la.cmp(lb).then_with(|| a.cmp(b))
}

/// True when `name` contains `query` (already lower-cased), ASCII case-insensitively.
pub fn name_matches(name: &[u8], query: &[u8]) -> bool {
    query.is_empty()
        || name.len() >= query.len()
            && name
                .windows(query.len())
                .any(|w| w.iter().map(u8::to_ascii_lowercase).eq(query.iter().copied()))
}

/// Marks every node that matches, and all its ancestors.
fn keep_matches(tree: &Tree, matches: impl Fn(NodeId) -> bool) -> Vec<u64> {
    let mut bits = vec![0u64; tree.len().div_ceil(64)];
    for id in tree.node_ids() {
        if !matches(id) {
            continue;
        }
        let mut cursor = Some(id);
        while let Some(node) = cursor {
            if bit(&bits, node) {
                break;
            }
            bits[node.0 as usize / 64] |= 1 << (node.0 % 64);
            cursor = tree.parent(node);
        }
    }
    bits
}

fn set_bit(bits: &mut Vec<u64>, id: NodeId) {
    let word = id.0 as usize / 64;
    if bits.len() <= word {
        bits.resize(word + 1, 0);
    }
    bits[word] |= 1 << (id.0 % 64);
}

fn clear_bit(bits: &mut [u64], id: NodeId) {
    if let Some(word) = bits.get_mut(id.0 as usize / 64) {
        *word &= !(1 << (id.0 % 64));
    }
}

fn bit(bits: &[u64], id: NodeId) -> bool {
    bits.get(id.0 as usize / 64).is_some_and(|word| word & (1 << (id.0 % 64)) != 0)
}

#[cfg(test)]
#[path = "rows_tests.rs"]
mod tests;
