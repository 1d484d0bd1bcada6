//! Tests of the tree's edits (ops, re-scans, the overflow set and the
//! aggregates), with the shared fixture and the invariant check.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use super::super::aggregates::Sums;
use super::super::*;
use super::{DIR, FILE, stat};
use crate::error::{Op, ScanError};
use crate::model::mode::FileKind;
use crate::scan::{Batch, EntryKey, EntryStat, Parent, ScanEvent};

mod changes;
mod ops;
mod random;
mod reroot;
mod rescan;

const LINK: u32 = 0o120_777;
const FIFO: u32 = 0o010_644;

fn file(size: u64, ino: u64) -> EntryStat {
    stat(FILE, size, ino, 1)
}

fn dir_stat(ino: u64) -> EntryStat {
    stat(DIR, 4096, ino, 2)
}

fn push(b: &mut Batch, name: &[u8], st: EntryStat, descend: bool) {
    b.push(name, Some(st), st.kind(), None, descend, false, None);
}

fn batch(id: u32, parent: Parent, offset: u32, total: u32) -> Batch {
    Batch::new(id, parent, Arc::from(Path::new("/r")), offset, total)
}

fn key(batch: u32, index: u32) -> Parent {
    Parent::Dir(EntryKey { batch, index })
}

/// /r with sub/ (holding deep, deeper/x), pend/ (still Pending), a, b
/// (hard links of one file) and c. Batch ids: 0 root, 1 /r, 2 sub, 3 deeper.
fn sample() -> Tree {
    let mut tree = Tree::new();
    let mut root = batch(0, Parent::Root(0), 0, 1);
    push(&mut root, b"/r", dir_stat(1), true);
    tree.apply_batch(&root);
    let mut top = batch(1, key(0, 0), 0, 5);
    push(&mut top, b"sub", dir_stat(2), true);
    push(&mut top, b"pend", dir_stat(3), true);
    push(&mut top, b"a", stat(FILE, 1000, 4, 2), false);
    push(&mut top, b"b", stat(FILE, 1000, 4, 2), false);
    push(&mut top, b"c", file(10, 5), false);
    tree.apply_batch(&top);
    let mut sub = batch(2, key(1, 0), 0, 2);
    push(&mut sub, b"deep", file(7, 6), false);
    push(&mut sub, b"deeper", dir_stat(7), true);
    tree.apply_batch(&sub);
    let mut deeper = batch(3, key(2, 1), 0, 1);
    push(&mut deeper, b"x", file(3, 8), false);
    tree.apply_batch(&deeper);
    tree
}

fn root(tree: &Tree) -> NodeId {
    tree.roots().next().unwrap()
}

fn at(tree: &Tree, path: &[&str]) -> NodeId {
    path.iter().fold(root(tree), |id, name| {
        tree.find_child(id, name.as_bytes()).unwrap_or_else(|| panic!("no {name}"))
    })
}

fn names(tree: &Tree, id: NodeId) -> Vec<String> {
    let mut names: Vec<String> =
        tree.children(id).map(|c| String::from_utf8_lossy(tree.name(c)).into()).collect();
    names.sort();
    names
}

/// Aggregates recomputed from scratch; returns what `id` adds to its parent.
fn recompute(tree: &Tree, id: NodeId, totals: &mut Totals) -> Sums {
    assert!(tree.is_live(id), "{id:?} is reachable but removed");
    let counted = !tree.is_extra_link(id);
    if !tree.is_repeat(id) {
        // A repeat adds nothing to the totals (it counts where it is).
        totals.entries += 1;
        match tree.kind(id) {
            FileKind::Dir => totals.dirs += 1,
            FileKind::File => totals.files += 1,
            FileKind::Symlink => totals.symlinks += 1,
            _ => totals.other += 1,
        }
        totals.errors += u64::from(tree.has_error(id));
        if counted {
            totals.apparent += tree.size(id);
            totals.allocated += tree.allocated(id);
        }
    }
    let mut own = Sums {
        size: if counted { tree.size(id) } else { 0 },
        alloc: if counted { tree.allocated(id) } else { 0 },
        entries: 0,
        errors: u32::from(tree.has_error(id)),
    };
    let Some(info) = tree.dir(id).copied() else {
        own.entries = 1;
        return own;
    };
    let mut seen = HashSet::new();
    let mut count = 0;
    for child in tree.children(id) {
        count += 1;
        assert_eq!(tree.parent(child), Some(id));
        assert!(seen.insert(tree.name(child).to_vec()), "duplicate name under {id:?}");
        assert_eq!(tree.find_child(id, tree.name(child)), Some(child));
        let sums = recompute(tree, child, totals);
        own.size += sums.size;
        own.alloc += sums.alloc;
        own.entries += sums.entries;
        own.errors += sums.errors;
    }
    assert_eq!(tree.child_count(id), count, "child_count of {:?}", tree.path(id));
    let path = tree.path(id);
    assert_eq!(info.total_size, own.size, "total_size of {path:?}");
    assert_eq!(info.total_alloc, own.alloc, "total_alloc of {path:?}");
    assert_eq!(info.total_entries, own.entries, "total_entries of {path:?}");
    assert_eq!(info.errors, own.errors, "errors of {path:?}");
    own.entries += 1;
    own
}

/// Every invariant the edits promise.
fn check(tree: &Tree) {
    let mut totals = Totals::default();
    let mut reachable = HashSet::new();
    for root in tree.roots() {
        recompute(tree, root, &mut totals);
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            assert!(reachable.insert(id), "{id:?} reached twice");
            stack.extend(tree.children(id));
        }
    }
    let live: HashSet<NodeId> = tree.node_ids().collect();
    assert_eq!(live, reachable, "node_ids() differs from what the roots reach");
    assert!(tree.node_ids().all(|id| tree.is_live(id)));
    assert_eq!(*tree.totals(), totals);
}

/// A canonical dump of what a reader can see, ids left out.
fn dump(tree: &Tree) -> Vec<String> {
    let mut lines = vec![format!("{:?}", tree.totals())];
    let mut stack: Vec<NodeId> = tree.roots().collect();
    while let Some(id) = stack.pop() {
        let dir =
            tree.dir(id).map(|d| (d.total_size, d.total_alloc, d.total_entries, d.errors, d.state));
        lines.push(format!(
            "{:?} {:o} {:?} {} {} {} {} {} {} {:?} {}",
            tree.path(id),
            tree.mode(id),
            tree.owner(id),
            tree.size(id),
            tree.allocated(id),
            tree.mtime(id),
            tree.has_error(id),
            tree.is_extra_link(id),
            tree.stat_failed(id),
            dir,
            tree.child_count(id),
        ));
        stack.extend(tree.children(id));
    }
    lines.sort();
    lines
}

/// Applies `op` twice: the second time must change nothing.
fn apply_twice(tree: &mut Tree, op: TreeOp) -> bool {
    let changed = tree.apply_op(op.clone());
    let after = dump(tree);
    assert!(!tree.apply_op(op.clone()), "second application changed the tree: {op:?}");
    assert_eq!(dump(tree), after, "second application of {op:?}");
    changed
}

#[test]
fn the_sample_is_consistent() {
    let tree = sample();
    check(&tree);
    assert_eq!(tree.dir(root(&tree)).unwrap().total_size, 3 * 4096 + 4096 + 1000 + 10 + 7 + 3);
}
