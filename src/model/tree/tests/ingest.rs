//! How scanner batches and errors enter the tree: ranges filled in any
//! order, aggregates and totals as batches arrive, error marks, wide values
//! and the storage per entry.

use std::path::Path;
use std::sync::Arc;

use super::super::*;
use super::{DIR, FILE, stat};
use crate::error::{Op, ScanError};
use crate::model::mode::FileKind;
use crate::scan::{Batch, EntryKey, EntryStat, Parent, ScanEvent, Timespec};

fn root_batch(id: u32) -> Batch {
    let mut b = Batch::new(id, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
    b.push(b"/r", Some(stat(DIR, 4096, 1, 2)), FileKind::Dir, None, true, false, None);
    b
}

fn child_batch(id: u32, parent: EntryKey, offset: u32, total: u32) -> Batch {
    Batch::new(id, Parent::Dir(parent), Arc::from(Path::new("/r")), offset, total)
}

#[test]
fn aggregates_follow_batches_and_count_hard_links_once() {
    let mut tree = Tree::new();
    tree.apply_batch(&root_batch(0));
    let mut b = child_batch(1, EntryKey { batch: 0, index: 0 }, 0, 3);
    b.push(b"sub", Some(stat(DIR, 4096, 2, 2)), FileKind::Dir, None, true, false, None);
    b.push(b"a", Some(stat(FILE, 100, 3, 2)), FileKind::File, None, false, false, None);
    b.push(b"b", Some(stat(FILE, 100, 3, 2)), FileKind::File, None, false, false, None);
    tree.apply_batch(&b);
    let mut c = child_batch(2, EntryKey { batch: 1, index: 0 }, 0, 1);
    c.push(b"deep", Some(stat(FILE, 7, 4, 1)), FileKind::File, None, false, false, None);
    tree.apply_batch(&c);

    let root = tree.roots().next().unwrap();
    let info = tree.dir(root).unwrap();
    assert_eq!(info.total_size, 4096 + 4096 + 100 + 7);
    assert_eq!(info.total_entries, 4);
    assert_eq!(info.state, DirState::Complete);
    assert_eq!(tree.totals().entries, 5);
    assert_eq!(tree.totals().apparent, 4096 + 4096 + 100 + 7);
    let names: Vec<&[u8]> = tree.children(root).map(|c| tree.name(c)).collect();
    assert_eq!(names, vec![&b"sub"[..], b"a", b"b"]);
    let b_node = tree.children(root).nth(2).unwrap();
    assert!(tree.is_extra_link(b_node));
    assert_eq!(
        tree.path(tree.children(root).next().map(|s| tree.children(s).next().unwrap()).unwrap()),
        Path::new("/r/sub/deep")
    );
}

#[test]
fn slices_of_a_large_directory_fill_one_range_in_any_order() {
    let mut tree = Tree::new();
    tree.apply_batch(&root_batch(0));
    let parent = EntryKey { batch: 0, index: 0 };
    let mut second = child_batch(2, parent, 2, 4);
    second.push(b"c", Some(stat(FILE, 1, 12, 1)), FileKind::File, None, false, false, None);
    second.push(b"d", Some(stat(FILE, 1, 13, 1)), FileKind::File, None, false, false, None);
    tree.apply_batch(&second);
    let root = tree.roots().next().unwrap();
    assert_eq!(tree.children(root).count(), 2);
    assert_eq!(tree.dir(root).unwrap().state, DirState::Partial);
    let mut first = child_batch(1, parent, 0, 4);
    first.push(b"a", Some(stat(FILE, 1, 10, 1)), FileKind::File, None, false, false, None);
    first.push(b"b", Some(stat(FILE, 1, 11, 1)), FileKind::File, None, false, false, None);
    tree.apply_batch(&first);
    let names: Vec<&[u8]> = tree.children(root).map(|c| tree.name(c)).collect();
    assert_eq!(names, vec![&b"a"[..], b"b", b"c", b"d"]);
    assert_eq!(tree.dir(root).unwrap().state, DirState::Complete);
    assert_eq!(tree.dropped_batches(), 0);
}

#[test]
fn errors_are_marked_counted_and_propagated() {
    let mut tree = Tree::new();
    tree.apply_batch(&root_batch(0));
    let mut b = child_batch(1, EntryKey { batch: 0, index: 0 }, 0, 2);
    b.push(b"locked", Some(stat(DIR, 4096, 2, 2)), FileKind::Dir, None, true, false, None);
    let gone =
        ScanError { op: Op::Stat, errno: Some(2), reason: "No such file or directory".into() };
    b.push(b"gone", None, FileKind::File, Some(gone.clone()), false, false, None);
    tree.apply_batch(&b);
    let denied = ScanError { op: Op::ReadDir, errno: Some(13), reason: "Permission denied".into() };
    tree.apply(ScanEvent::DirError {
        dir: EntryKey { batch: 1, index: 0 },
        path: "/r/locked".into(),
        error: denied.clone(),
    });
    let root = tree.roots().next().unwrap();
    let locked = tree.children(root).next().unwrap();
    let gone_node = tree.children(root).nth(1).unwrap();
    assert_eq!(tree.error(locked), Some(&denied));
    assert_eq!(tree.dir(locked).unwrap().state, DirState::Failed);
    assert_eq!(tree.error(gone_node), Some(&gone));
    assert!(tree.stat_failed(gone_node));
    assert_eq!(tree.dir(root).unwrap().errors, 2);
    assert_eq!(tree.totals().errors, 2);
}

#[test]
fn a_listing_that_broke_off_reports_its_error_before_its_batches() {
    let mut tree = Tree::new();
    tree.apply_batch(&root_batch(0));
    let broke = ScanError { op: Op::ReadDir, errno: Some(5), reason: "I/O error".into() };
    let dir = EntryKey { batch: 0, index: 0 };
    tree.apply(ScanEvent::DirError { dir, path: "/r".into(), error: broke });
    let root = tree.roots().next().unwrap();
    assert_eq!(tree.dir(root).unwrap().state, DirState::Failed);
    let mut b = child_batch(1, dir, 0, 1);
    b.push(b"kept", Some(stat(FILE, 5, 2, 1)), FileKind::File, None, false, false, None);
    assert!(tree.apply_batch(&b));
    assert_eq!(tree.dropped_batches(), 0);
    assert_eq!(tree.children(root).count(), 1);
    assert!(tree.has_error(root));
}

#[test]
fn values_wider_than_32_bits_are_kept_exactly() {
    let mut tree = Tree::new();
    tree.apply_batch(&root_batch(0));
    let mut b = child_batch(1, EntryKey { batch: 0, index: 0 }, 0, 3);
    let sparse = EntryStat { blocks: 8, ..stat(FILE, 1 << 40, 5, 1) };
    let mut old = stat(FILE, 10, 6, 1);
    old.mtime = Timespec { sec: -86_400, nsec: 0 };
    let mut huge = stat(FILE, u64::from(u32::MAX), 7, 1);
    huge.blocks = 1 << 33;
    huge.mtime = Timespec { sec: 5_000_000_000, nsec: 0 };
    for (name, st) in [(&b"sparse"[..], sparse), (b"old", old), (b"huge", huge)] {
        b.push(name, Some(st), FileKind::File, None, false, false, None);
    }
    tree.apply_batch(&b);
    let root = tree.roots().next().unwrap();
    let kids: Vec<NodeId> = tree.children(root).collect();
    assert_eq!(tree.size(kids[0]), 1 << 40);
    assert_eq!(tree.allocated(kids[0]), 8 * 512);
    assert_eq!(tree.mtime(kids[1]), -86_400);
    assert_eq!(tree.size(kids[2]), u64::from(u32::MAX));
    assert_eq!(tree.allocated(kids[2]), (1u64 << 33) * 512);
    assert_eq!(tree.mtime(kids[2]), 5_000_000_000);
    assert_eq!(tree.dir(root).unwrap().total_size, 4096 + (1 << 40) + 10 + u64::from(u32::MAX));
}

#[test]
fn a_million_entries_fit_well_under_64_bytes_each() {
    // 32,259 directories of 31 files, names like the benchmark tree's.
    let mut tree = Tree::new();
    tree.apply_batch(&root_batch(0));
    let mut next_id = 1;
    let mut dirs = Vec::new();
    let mut top = child_batch(next_id, EntryKey { batch: 0, index: 0 }, 0, 32_259);
    for d in 0..32_259u64 {
        let name = format!("dir{d:05}");
        top.push(
            name.as_bytes(),
            Some(stat(DIR, 4096, d + 10, 2)),
            FileKind::Dir,
            None,
            true,
            false,
            None,
        );
        dirs.push(top.key(d as usize));
    }
    tree.apply_batch(&top);
    next_id += 1;
    for (d, key) in dirs.into_iter().enumerate() {
        let mut b = child_batch(next_id, key, 0, 30);
        next_id += 1;
        for f in 0..30u64 {
            let name = format!("file_{f:02}.txt");
            let ino = 1_000_000 + d as u64 * 31 + f;
            b.push(
                name.as_bytes(),
                Some(stat(FILE, 100, ino, 1)),
                FileKind::File,
                None,
                false,
                false,
                None,
            );
        }
        tree.apply_batch(&b);
    }
    let entries = tree.totals().entries as usize;
    assert!(entries > 1_000_000, "{entries}");
    let per_entry = tree.heap_bytes() as f64 / entries as f64;
    assert!(per_entry < 50.0, "{per_entry:.1} bytes per entry");
    eprintln!("tree storage: {per_entry:.1} bytes per entry");
}

/// A tree that outgrows its memory stops growing (the batch that would not
/// fit is dropped, and every one after it), says how many entries it holds,
/// and what it holds stays consistent.
#[test]
fn a_tree_out_of_memory_stops_growing_and_keeps_what_it_read() {
    let mut tree = Tree::new();
    tree.apply_batch(&root_batch(0));
    let cap = tree.heap_bytes() + (8 << 20);
    tree.set_memory_cap(cap);
    let root_key = EntryKey { batch: 0, index: 0 };
    let mut top = child_batch(1, root_key, 0, 200);
    for d in 0..200u64 {
        let name = format!("d{d:03}");
        top.push(
            name.as_bytes(),
            Some(stat(DIR, 4096, 100 + d, 2)),
            FileKind::Dir,
            None,
            true,
            false,
            None,
        );
    }
    assert!(tree.apply_batch(&top));
    let mut applied = 0;
    for d in 0..200u32 {
        let mut b = Batch::new(
            2 + d,
            Parent::Dir(EntryKey { batch: 1, index: d }),
            Arc::from(Path::new("/r/d")),
            0,
            5000,
        );
        for f in 0..5000u64 {
            let name = format!("{f:0>200}");
            let st = stat(FILE, 10, 1_000_000 + u64::from(d) * 10_000 + f, 1);
            b.push(name.as_bytes(), Some(st), FileKind::File, None, false, false, None);
        }
        if tree.apply_batch(&b) {
            applied += 1;
        }
    }
    let held = tree.out_of_memory().expect("the cap was reached");
    assert!(applied > 0 && applied < 200, "{applied} directories applied");
    assert_eq!(held, 1 + 200 + applied * 5000);
    assert_eq!(tree.totals().entries, held);
    // Over the cap by at most what the refused batch reserved.
    assert!(tree.heap_bytes() < cap + (4 << 20), "{} bytes", tree.heap_bytes());
    let root = tree.roots().next().unwrap();
    assert_eq!(tree.dir(root).unwrap().total_entries, held - 1);
    // Nothing more is taken once it stopped.
    let mut late = child_batch(9999, EntryKey { batch: 1, index: 199 }, 0, 1);
    late.push(b"late", Some(stat(FILE, 1, 5, 1)), FileKind::File, None, false, false, None);
    assert!(!tree.apply_batch(&late));
    assert_eq!(tree.totals().entries, held);
}

/// A key into a batch the tree never placed (dropped for want of memory, or
/// not arrived yet) resolves to nothing whatever its index; `NONE + index`
/// overflowed, a panic in the debug build's view after out of memory.
#[test]
fn a_key_into_a_batch_never_placed_resolves_to_nothing() {
    let mut tree = Tree::new();
    tree.apply_batch(&root_batch(0));
    let mut later = child_batch(2, EntryKey { batch: 0, index: 0 }, 0, 1);
    later.push(b"f", Some(stat(FILE, 1, 7, 1)), FileKind::File, None, false, false, None);
    assert!(tree.apply_batch(&later));
    assert_eq!(tree.resolve(EntryKey { batch: 1, index: 5 }), None);
}
