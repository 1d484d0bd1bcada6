//! Tests of a root's parent becoming the root (the subtree kept, only the
//! siblings added) and of a root added for a new path.

use super::*;

/// Going up from `/r`: the events of a scan of `/` that skipped `r`.
fn scan_of_slash() -> Vec<ScanEvent> {
    let mut top = batch(0, Parent::Root(0), 0, 1);
    push(&mut top, b"/", dir_stat(100), true);
    // Four entries: the tests' name index threshold, so it is used.
    let mut list = batch(1, key(0, 0), 0, 4);
    push(&mut list, b"etc", dir_stat(101), true);
    // The old root, listed but not entered: a fresh stat of it.
    push(&mut list, b"r", stat(DIR, 8192, 1, 2), false);
    push(&mut list, b"f", file(40, 102), false);
    push(&mut list, b"g", file(1, 104), false);
    let mut etc = batch(2, key(1, 0), 0, 1);
    push(&mut etc, b"passwd", file(900, 103), false);
    [list, etc].into_iter().fold(vec![ScanEvent::Batch(top)], |mut v, b| {
        v.push(ScanEvent::Batch(b));
        v
    })
}

#[test]
fn going_up_keeps_the_subtree_and_adds_only_the_siblings() {
    let mut tree = sample();
    let old = root(&tree);
    let x = at(&tree, &["sub", "deeper", "x"]);
    let (below, entries) = (tree.dir(old).unwrap().total_size, tree.totals().entries);
    let mut rescan = tree.reroot_up(old, Path::new("/r")).unwrap();
    let top = root(&tree);
    // At once, before any event: the new root holds the old one, whole.
    assert_ne!(top, old);
    assert_eq!(tree.name(top), b"/");
    assert_eq!(tree.name(old), b"r");
    assert_eq!(tree.parent(old), Some(top));
    assert_eq!(tree.path(x), Path::new("/r/sub/deeper/x"));
    assert_eq!(tree.dir(top).unwrap().total_size, below);
    assert_eq!(tree.dir(top).unwrap().state, DirState::Pending);
    assert_eq!(tree.totals().entries, entries + 1);
    check(&tree);
    for event in scan_of_slash() {
        tree.apply_rescan(&mut rescan, event);
    }
    assert_eq!(names(&tree, top), ["etc", "f", "g", "r"]);
    // Found by name through the index the large listing built.
    assert_eq!(tree.find_child(top, b"r"), Some(old));
    assert_eq!(tree.find_child(top, b"g").map(|g| tree.size(g)), Some(1));
    // The same node, the same subtree: nothing of it was read again.
    assert!(tree.is_live(x));
    assert_eq!(at(&tree, &["r", "sub", "deeper", "x"]), x);
    assert_eq!(tree.size(old), 8192, "the listing refreshed the kept root's own stat");
    assert_eq!(names(&tree, at(&tree, &["etc"])), ["passwd"]);
    assert_eq!(tree.dir(top).unwrap().state, DirState::Complete);
    assert_eq!(tree.totals().entries, entries + 5);
    assert_eq!(tree.dropped_batches(), 0);
    check(&tree);
}

#[test]
fn slash_has_no_parent_and_a_child_is_no_root() {
    let mut tree = sample();
    let sub = at(&tree, &["sub"]);
    assert!(tree.reroot_up(sub, Path::new("/r/sub")).is_none());
    let old = root(&tree);
    assert!(tree.reroot_up(old, Path::new("/")).is_none());
    assert_eq!(root(&tree), old);
    check(&tree);
}

#[test]
fn a_parent_that_cannot_be_read_keeps_the_old_root() {
    let mut tree = sample();
    let old = root(&tree);
    let mut rescan = tree.reroot_up(old, Path::new("/r")).unwrap();
    let error = ScanError { op: Op::Stat, errno: Some(2), reason: "gone".into() };
    let event = ScanEvent::RootError { root: 0, path: "/".into(), error };
    assert!(tree.apply_rescan(&mut rescan, event));
    let top = root(&tree);
    assert!(tree.has_error(top));
    assert_eq!(names(&tree, top), ["r"]);
    assert!(tree.is_live(at(&tree, &["r", "sub", "deeper", "x"])));
    check(&tree);
}

#[test]
fn an_added_root_fills_like_a_first_scan() {
    let mut tree = Tree::new();
    let mut rescan = tree.add_root(Path::new("/"));
    for event in scan_of_slash() {
        tree.apply_rescan(&mut rescan, event);
    }
    let top = root(&tree);
    assert_eq!(names(&tree, top), ["etc", "f", "g", "r"]);
    assert_eq!(tree.dir(at(&tree, &["r"])).unwrap().state, DirState::NotRead);
    assert_eq!(tree.totals().entries, 6);
    check(&tree);
}
