//! The stepped sort: bounded work per step, the same order as the inline
//! sort, kept orders reused until an edit or an option change.

use super::*;
use crate::config::SortKey;
use crate::model::tree::huge_dir::stat;
use crate::view::rows::{ViewOptions, compare, sort_siblings};

/// A root holding `n` files with shuffled names and sizes (the shared
/// huge-directory fixture, [`crate::model::tree::huge_dir`]).
pub(crate) fn flat(n: u64) -> (Tree, NodeId) {
    let mut tree = Tree::new();
    let dir = crate::model::tree::huge_dir::add_huge_dir(&mut tree, "/big", n);
    (tree, dir)
}

fn cmp(tree: &Tree) -> impl Fn(&ViewOptions, NodeId, NodeId) -> Ordering + '_ {
    move |options, a, b| compare(tree, options, a, b)
}

/// [`OrderCache::order`] with the rows' order, every child shown.
fn order(
    cache: &mut OrderCache<ViewOptions>,
    tree: &Tree,
    options: &ViewOptions,
    dir: NodeId,
    children: &mut Vec<NodeId>,
) -> bool {
    cache.order((tree, options, &cmp(tree)), &|_| true, dir, children)
}

fn sorted_inline(tree: &Tree, options: &ViewOptions, dir: NodeId) -> Vec<NodeId> {
    let mut ids: Vec<NodeId> = tree.children(dir).collect();
    sort_siblings(tree, options, &mut ids);
    ids
}

/// Steps the pending sort to its end; returns how many steps it took and
/// the most comparisons one step made.
fn run(cache: &mut OrderCache<ViewOptions>, tree: &Tree) -> (u64, u64) {
    let (mut steps, mut most) = (0, 0);
    loop {
        let before = cache.work;
        steps += 1;
        let done = cache.step(&cmp(tree));
        most = most.max(cache.work - before);
        if done {
            return (steps, most);
        }
    }
}

#[test]
fn a_huge_directory_sorts_in_bounded_steps_to_the_inline_order() {
    let (tree, dir) = flat(20_000);
    for sort in [SortKey::Name, SortKey::Size, SortKey::Mtime] {
        let options = ViewOptions { sort, ..ViewOptions::default() };
        let mut cache = OrderCache { big: 1000, step_work: 20_000, ..OrderCache::default() };
        let mut children: Vec<NodeId> = tree.children(dir).collect();
        let listing = children.clone();
        assert!(!order(&mut cache, &tree, &options, dir, &mut children));
        assert_eq!(children, listing, "left in listing order while it sorts");
        assert_eq!(cache.work, 0, "no comparison inline");
        assert!(cache.sorting());
        let (steps, most) = run(&mut cache, &tree);
        assert!(steps > 1, "{sort:?}: more than one step");
        assert!(most <= 20_000 + RUN as u64 * 16, "{sort:?}: a step made {most} comparisons");
        assert!(order(&mut cache, &tree, &options, dir, &mut children));
        assert_eq!(children, sorted_inline(&tree, &options, dir), "{sort:?}");
        assert!(!cache.sorting());
        assert!(cache.heap_bytes() <= 4 * 20_000 + 64, "{}", cache.heap_bytes());
    }
}

#[test]
fn a_kept_order_is_dropped_on_an_option_change_or_an_edit() {
    let (mut tree, dir) = flat(3000);
    let options = ViewOptions::default();
    let mut cache = OrderCache { big: 1000, step_work: 20_000, ..OrderCache::default() };
    let mut children: Vec<NodeId> = tree.children(dir).collect();
    order(&mut cache, &tree, &options, dir, &mut children);
    run(&mut cache, &tree);
    // Reused: no new sort.
    let mut again: Vec<NodeId> = tree.children(dir).collect();
    assert!(order(&mut cache, &tree, &options, dir, &mut again));
    // Another sort key: not reused.
    let by_size = ViewOptions { sort: SortKey::Size, ..ViewOptions::default() };
    let mut other: Vec<NodeId> = tree.children(dir).collect();
    assert!(!order(&mut cache, &tree, &by_size, dir, &mut other));
    run(&mut cache, &tree);
    // A child removed: the kept order no longer holds.
    let gone = tree.children(dir).nth(5).expect("a child");
    assert!(tree.remove(gone));
    let mut fewer: Vec<NodeId> = tree.children(dir).collect();
    assert!(!order(&mut cache, &tree, &by_size, dir, &mut fewer));
    run(&mut cache, &tree);
    assert!(order(&mut cache, &tree, &by_size, dir, &mut fewer));
    assert!(!fewer.contains(&gone));
    assert_eq!(fewer, sorted_inline(&tree, &by_size, dir));
}

#[test]
fn a_result_that_went_stale_while_sorting_is_sorted_again() {
    let (mut tree, dir) = flat(20_000);
    let options = ViewOptions::default();
    let mut cache = OrderCache { big: 1000, step_work: 20_000, ..OrderCache::default() };
    let mut children: Vec<NodeId> = tree.children(dir).collect();
    order(&mut cache, &tree, &options, dir, &mut children);
    assert!(!cache.step(&cmp(&tree)), "not done in one step");
    let gone = tree.children(dir).next().expect("a child");
    assert!(tree.remove(gone));
    run(&mut cache, &tree);
    let mut now: Vec<NodeId> = tree.children(dir).collect();
    assert!(!order(&mut cache, &tree, &options, dir, &mut now), "the stale result is not used");
    run(&mut cache, &tree);
    assert!(order(&mut cache, &tree, &options, dir, &mut now));
    assert_eq!(now, sorted_inline(&tree, &options, dir));
}

#[test]
fn after_an_edit_that_keeps_the_children_the_kept_order_shows_while_sorted_again() {
    let (mut tree, dir) = flat(20_000);
    let by_size = ViewOptions { sort: SortKey::Size, ..ViewOptions::default() };
    let mut cache = OrderCache { big: 1000, step_work: 20_000, ..OrderCache::default() };
    let mut children: Vec<NodeId> = tree.children(dir).collect();
    order(&mut cache, &tree, &by_size, dir, &mut children);
    run(&mut cache, &tree);
    let mut kept: Vec<NodeId> = tree.children(dir).collect();
    assert!(order(&mut cache, &tree, &by_size, dir, &mut kept));
    // The last file grows to the largest: same children, another order.
    let last = *kept.last().expect("a child");
    let op = crate::model::TreeOp::Restat { id: last, stat: stat(0o100_644, 1 << 40, 7) };
    assert!(tree.apply_op(op));
    let before = cache.work;
    let mut shown: Vec<NodeId> = tree.children(dir).collect();
    assert!(!order(&mut cache, &tree, &by_size, dir, &mut shown), "sorted again");
    assert_eq!(shown, kept, "the kept order shows meanwhile");
    assert_eq!(cache.work, before, "no comparison in the rebuild");
    run(&mut cache, &tree);
    assert!(order(&mut cache, &tree, &by_size, dir, &mut shown));
    assert_eq!(shown[0], last);
    assert_eq!(shown, sorted_inline(&tree, &by_size, dir));
}
