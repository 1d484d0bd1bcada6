//! The rows a rebuild gives, with every kept order, against the rows built
//! from scratch (every shown child sorted again) — over random trees that
//! stream in batch by batch, random edits, and random changes of the
//! options, the expansions, the filters and the zoom.

use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::model::TreeOp;
use crate::scan::{Batch, EntryStat, Parent, Timespec};

/// xorshift64*: deterministic, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.below(items.len())])
    }
}

/// Names that tie when compared without case, hidden ones, digits.
const NAMES: [&[u8]; 14] = [
    b"a", b"A", b"b", b"B", b".h", b".H", b"zed", b"Zed", b"x1", b"x10", b"x2", b"dir", b"Dir",
    b".dot",
];

const DIR: u32 = 0o040_755;
const FILE: u32 = 0o100_644;

/// A random stat: few sizes and times, so sorts tie often and fall back
/// to the name; blocks independent of the size, so apparent size and disk
/// usage sort differently; now and then a hard link.
fn stat(rng: &mut Rng, dir: bool) -> EntryStat {
    let size = [0, 10, 10, 4096, 1 << 20, 7][rng.below(6)];
    let link = !dir && rng.below(6) == 0;
    EntryStat {
        mode: if dir { DIR } else { FILE },
        size,
        blocks: [0, 8, 16, 2048][rng.below(4)],
        ino: if link { 7 + rng.below(3) as u64 } else { 1000 + rng.next() % 1_000_000 },
        nlink: if link { 2 } else { 1 },
        dev: 1,
        mtime: Timespec { sec: 1_700_000_000 + rng.below(3) as i64, nsec: 0 },
        ..EntryStat::default()
    }
}

/// What the disk holds: a directory's children, to be listed in batches.
struct Listing {
    parent: Parent,
    entries: Vec<(Vec<u8>, EntryStat)>,
}

fn random_listing(rng: &mut Rng, parent: Parent, depth: usize) -> Listing {
    let mut entries: Vec<(Vec<u8>, EntryStat)> = Vec::new();
    // Now and then a directory past 16 children (a word of marks).
    let many = depth < 2 && rng.below(4) == 0;
    for _ in 0..rng.below(if many {
        60
    } else if depth > 3 {
        3
    } else {
        9
    }) {
        let name = match rng.below(3) {
            0 if many => {
                format!("{}{}", ["n", "N", ".n"][rng.below(3)], rng.below(30)).into_bytes()
            }
            _ => NAMES[rng.below(NAMES.len())].to_vec(),
        };
        if entries.iter().all(|(n, _)| *n != name) {
            let dir = depth < 4 && rng.below(3) == 0;
            entries.push((name, stat(rng, dir)));
        }
    }
    Listing { parent, entries }
}

/// The scan: listings waiting to be sent, a directory's in one batch or
/// two slices, in any order between directories.
struct Scan {
    waiting: Vec<(Listing, usize)>,
    next_batch: u32,
}

impl Scan {
    fn start(tree: &mut Tree) -> Self {
        let mut root = Batch::new(0, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
        let st = EntryStat { mode: DIR, ino: 1, nlink: 2, dev: 1, ..EntryStat::default() };
        root.push(b"/t", Some(st), FileKind::Dir, None, true, false, None);
        tree.apply_batch(&root);
        let mut rng = Rng(0x5eed);
        let first = random_listing(&mut rng, Parent::Dir(root.key(0)), 0);
        Scan { waiting: vec![(first, 0)], next_batch: 1 }
    }

    /// Sends one batch (part of a listing); false when the scan is over.
    fn step(&mut self, rng: &mut Rng, tree: &mut Tree) -> bool {
        if self.waiting.is_empty() {
            return false;
        }
        let at = rng.below(self.waiting.len());
        let (listing, sent) = &mut self.waiting[at];
        let total = listing.entries.len();
        let end = if total > 2 && *sent == 0 && rng.below(2) == 0 { total / 2 } else { total };
        let path = Arc::from(Path::new("/t"));
        let mut batch =
            Batch::new(self.next_batch, listing.parent, path, *sent as u32, total as u32);
        self.next_batch += 1;
        for (name, st) in &listing.entries[*sent..end] {
            let kind = st.kind();
            batch.push(name, Some(*st), kind, None, kind == FileKind::Dir, false, None);
        }
        *sent = end;
        let depth = 1 + rng.below(4);
        if end == total {
            self.waiting.swap_remove(at);
        }
        tree.apply_batch(&batch);
        for (i, entry) in batch.entries.iter().enumerate() {
            if entry.kind() == FileKind::Dir {
                let listing = random_listing(rng, Parent::Dir(batch.key(i)), depth);
                if !listing.entries.is_empty() {
                    self.waiting.push((listing, 0));
                }
            }
        }
        true
    }
}

/// The rows from scratch: every open directory's shown children sorted
/// again ([`sort_siblings`]), the expansions read from the sets themselves.
fn from_scratch(index: &RowIndex, tree: &Tree) -> Vec<Row> {
    fn visit(index: &RowIndex, tree: &Tree, id: NodeId, depth: u16, rows: &mut Vec<Row>) {
        rows.push(Row { id, depth });
        let open = match index.kept {
            Some(_) => !index.filter_collapsed.contains(&id),
            None => index.expanded.contains(&id),
        };
        if tree.kind(id) != FileKind::Dir || !open {
            return;
        }
        let options = &index.options;
        let mut children: Vec<NodeId> = tree
            .children(id)
            .filter(|&c| options.show_hidden || !tree.name(c).starts_with(b"."))
            .filter(|&c| index.kept.as_ref().is_none_or(|bits| bit(bits, c)))
            .collect();
        sort_siblings(tree, options, &mut children);
        for child in children {
            visit(index, tree, child, depth + 1, rows);
        }
    }
    let mut rows = Vec::new();
    let roots: Vec<NodeId> = match index.top.filter(|&top| tree.is_live(top)) {
        Some(top) => vec![top],
        None => tree.roots().collect(),
    };
    for root in roots {
        visit(index, tree, root, 0, &mut rows);
    }
    rows
}

/// Rebuilds, and runs the stepped sorts of huge directories to their end.
fn settle(index: &mut RowIndex, tree: &Tree) {
    for _ in 0..100 {
        index.rebuild(tree);
        if !index.order.sorting() {
            return;
        }
        while !index.sort_step(tree) {}
    }
    panic!("the stepped sorts never settle");
}

/// One random change to the tree (an edit, as the watcher or an action
/// makes them) or to what the rows show.
fn change(rng: &mut Rng, tree: &mut Tree, index: &mut RowIndex) {
    let live: Vec<NodeId> = tree.node_ids().collect();
    let dirs: Vec<NodeId> =
        live.iter().copied().filter(|&id| tree.kind(id) == FileKind::Dir).collect();
    let Some(dir) = rng.pick(&dirs) else { return };
    let child_name = |rng: &mut Rng, tree: &Tree| {
        let kids: Vec<NodeId> = tree.children(dir).collect();
        match rng.pick(&kids) {
            Some(kid) if rng.below(3) > 0 => tree.name(kid).to_vec(),
            _ => NAMES[rng.below(NAMES.len())].to_vec(),
        }
    };
    match rng.below(16) {
        0 => {
            let name = child_name(rng, tree);
            let is_dir = rng.below(4) == 0;
            let st = stat(rng, is_dir);
            tree.apply_op(TreeOp::Upsert { parent: dir, name, stat: st });
        }
        1 => {
            let name = child_name(rng, tree);
            tree.apply_op(TreeOp::Remove { parent: dir, name });
        }
        2 => {
            let from = child_name(rng, tree);
            let to_parent = rng.pick(&dirs).unwrap_or(dir);
            let to = NAMES[rng.below(NAMES.len())].to_vec();
            tree.apply_op(TreeOp::Rename { parent: dir, from, to_parent, to });
        }
        3 => {
            // A restat: a new size or time, now and then another type.
            if let Some(id) = rng.pick(&live) {
                let dir = tree.kind(id) == FileKind::Dir;
                let other = rng.below(8) == 0;
                let st = stat(rng, dir != other);
                if tree.parent(id).is_some() || st.kind() == FileKind::Dir {
                    tree.apply_op(TreeOp::Restat { id, stat: st });
                }
            }
        }
        4 => {
            if tree.parent(dir).is_some() && rng.below(3) == 0 {
                tree.clear_children(dir);
            }
        }
        5 => {
            index.options.sort = [SortKey::Name, SortKey::Size, SortKey::Mtime][rng.below(3)];
        }
        6 => index.options.show_hidden = !index.options.show_hidden,
        7 => index.options.disk_usage = !index.options.disk_usage,
        8 => {
            let queries: [Option<&[u8]>; 4] = [None, None, Some(b"x1"), Some(b"d")];
            index.options.filter = queries[rng.below(4)].map(<[u8]>::to_vec);
        }
        9 => {
            let ids = (rng.below(3) == 0)
                .then(|| live.iter().copied().filter(|_| rng.below(4) == 0).collect());
            index.set_node_filter(ids);
        }
        10 => {
            index.top = if rng.below(2) == 0 { None } else { Some(dir) };
        }
        _ => {
            index.set_expanded(dir, rng.below(5) > 0);
        }
    }
}

#[test]
fn kept_orders_give_the_rows_a_rebuild_from_scratch_gives() {
    let (mut sorted, mut reused, mut stepped, mut compared) = (0, 0, 0, 0);
    for seed in 1..=60u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut tree = Tree::new();
        let mut scan = Scan::start(&mut tree);
        let mut index = RowIndex::new(ViewOptions::default());
        // Some seeds sort directories of a few children in steps.
        index.order.big = [usize::MAX, 5, 3][rng.below(3)];
        index.order.step_work = 7;
        let root = tree.roots().next().expect("a root");
        index.set_expanded(root, true);
        for step in 0..300 {
            // While the scan streams in, a batch or two between changes.
            for _ in 0..rng.below(3) {
                scan.step(&mut rng, &mut tree);
            }
            change(&mut rng, &mut tree, &mut index);
            settle(&mut index, &tree);
            let want = from_scratch(&index, &tree);
            assert_eq!(index.rows(), &want[..], "seed {seed} step {step}: {:?}", index.options);
            compared += 1;
            // Positions: noted by the rebuild, scanned for, above a row.
            let scan = |index: &RowIndex, id| index.rows().iter().position(|r| r.id == id);
            let some = rng.pick(&tree.node_ids().collect::<Vec<_>>());
            index.rebuild_noting(&tree, [some, None]);
            assert_eq!(index.rows(), &want[..]);
            if let Some(id) = some {
                assert_eq!(index.position(id), scan(&index, id), "seed {seed} step {step}");
            }
            if let Some(at) = rng.pick(&(0..index.len()).collect::<Vec<_>>()) {
                let row = index.rows()[at];
                assert_eq!(index.position(row.id), Some(at));
                if let Some(parent) = tree.parent(row.id) {
                    let above = index.position_above(parent, at);
                    assert_eq!(above, scan(&index, parent), "seed {seed} step {step}");
                }
            }
        }
        sorted += index.sorted.sorts;
        reused += index.sorted.reuses;
        stepped += u64::from(index.order.work > 0 && index.order.big < usize::MAX);
    }
    // The kept orders were both made and reused, and huge directories sorted
    // in steps, or this compared nothing worth comparing.
    eprintln!(
        "{compared} rebuilds: {sorted} orders sorted, {reused} reused, {stepped} seeds stepped"
    );
    assert!(sorted > 1000 && reused > 2 * sorted, "sorted {sorted}, reused {reused}");
    assert!(stepped > 5, "{stepped}");
}

/// `/w` holding `n` directories of `m` files each, every directory open.
fn wide(n: usize, m: usize) -> (Tree, RowIndex, Vec<NodeId>) {
    let mut tree = Tree::new();
    let mut root = Batch::new(0, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
    let dir = EntryStat { mode: DIR, ino: 1, nlink: 2, dev: 1, ..EntryStat::default() };
    root.push(b"/w", Some(dir), FileKind::Dir, None, true, false, None);
    tree.apply_batch(&root);
    let path: Arc<Path> = Arc::from(Path::new("/w"));
    let mut top = Batch::new(1, Parent::Dir(root.key(0)), path.clone(), 0, n as u32);
    for d in 0..n {
        let st = EntryStat { ino: 10 + d as u64, ..dir };
        top.push(format!("d{d:03}").as_bytes(), Some(st), FileKind::Dir, None, true, false, None);
    }
    tree.apply_batch(&top);
    for d in 0..n {
        let mut batch =
            Batch::new(2 + d as u32, Parent::Dir(top.key(d)), path.clone(), 0, m as u32);
        for f in 0..m {
            let size = ((f * 7919 + d * 31) % 1000) as u64;
            let st = EntryStat { mode: FILE, size, ino: 10_000 + (d * m + f) as u64, ..dir };
            batch.push(
                format!("f{f:03}").as_bytes(),
                Some(st),
                FileKind::File,
                None,
                false,
                false,
                None,
            );
        }
        tree.apply_batch(&batch);
    }
    let mut index = RowIndex::new(ViewOptions::default());
    let root = tree.roots().next().expect("a root");
    let dirs: Vec<NodeId> = tree.children(root).collect();
    index.set_expanded(root, true);
    for &d in &dirs {
        index.set_expanded(d, true);
    }
    index.rebuild(&tree);
    (tree, index, dirs)
}

#[test]
fn a_rebuild_sorts_only_the_directories_whose_children_changed() {
    let (mut tree, mut index, dirs) = wide(50, 20);
    assert_eq!(index.len(), 1 + 50 * 21);
    assert_eq!(index.sorted.sorts, 51);
    // Zoomed in and back out: nothing sorted again.
    index.top = Some(dirs[7]);
    index.rebuild(&tree);
    assert_eq!(index.len(), 21);
    index.top = None;
    index.rebuild(&tree);
    assert_eq!((index.sorted.sorts, index.sorted.work > 0), (51, true));
    let work = index.sorted.work;
    // A file of d007 grows: by name only d007 sorts again (a child
    // restated); its parent's order by name holds.
    let file = tree.children(dirs[7]).nth(3).expect("a file");
    let mut st =
        EntryStat { mode: FILE, size: 1 << 30, ino: 99, nlink: 1, dev: 1, ..EntryStat::default() };
    tree.apply_op(TreeOp::Restat { id: file, stat: st });
    index.rebuild(&tree);
    assert_eq!(index.sorted.sorts, 52);
    // By size: every order is sorted once for the new key; then a size
    // change sorts the directory and the one above (its total changed).
    index.options.sort = SortKey::Size;
    index.rebuild(&tree);
    assert_eq!(index.sorted.sorts, 52 + 51);
    assert_eq!(index.get(1).map(|r| r.id), Some(dirs[7]), "the largest first");
    st.size = 1;
    tree.apply_op(TreeOp::Restat { id: file, stat: st });
    index.rebuild(&tree);
    assert_eq!(index.sorted.sorts, 52 + 51 + 2);
    assert_eq!(index.rows(), &from_scratch(&index, &tree)[..]);
    // Hidden entries off and a filter on: the kept orders still serve.
    index.options.show_hidden = false;
    index.options.filter = Some(b"f01".to_vec());
    index.rebuild(&tree);
    assert_eq!(index.sorted.sorts, 52 + 51 + 2);
    assert_eq!(index.rows(), &from_scratch(&index, &tree)[..]);
    assert!(index.sorted.work > work);
    // 4 bytes per child and a little per directory.
    let bytes = index.sorted.heap_bytes();
    assert!(bytes < 50 * 20 * 5 + 51 * 64 + 4096, "{bytes} bytes");
}
