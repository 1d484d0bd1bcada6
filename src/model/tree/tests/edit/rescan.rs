//! Tests of clearing a directory, grafting a listing onto it and re-scanning it.

use super::*;
use crate::model::tree::rescan::ENOENT;

#[test]
fn clear_children_then_apply_batch_to_repopulates_a_directory() {
    let mut tree = sample();
    let sub = at(&tree, &["sub"]);
    let x = at(&tree, &["sub", "deeper", "x"]);
    assert!(tree.clear_children(sub));
    assert!(!tree.clear_children(sub));
    assert_eq!(tree.child_count(sub), 0);
    assert!(!tree.is_live(x));
    assert_eq!(tree.dir(sub).unwrap().total_size, 4096);
    check(&tree);
    // A fresh listing whose parent key means nothing to this tree.
    let mut fresh = batch(0, key(77, 0), 0, 2);
    push(&mut fresh, b"one", file(100, 50), false);
    push(&mut fresh, b"two", dir_stat(51), true);
    assert!(tree.apply_batch_to(sub, &fresh));
    assert_eq!(names(&tree, sub), ["one", "two"]);
    assert_eq!(tree.dir(sub).unwrap().state, DirState::Complete);
    assert_eq!(tree.dir(at(&tree, &["sub", "two"])).unwrap().state, DirState::Pending);
    check(&tree);
    // The first walk's late batch for the cleared directory is ignored.
    let mut late = batch(8, key(1, 0), 0, 1);
    push(&mut late, b"stale", file(1, 60), false);
    assert!(!tree.apply_batch(&late));
    assert_eq!(tree.dropped_batches(), 0);
    check(&tree);
}

#[test]
fn a_rescan_maps_a_fresh_scanners_batches_onto_the_tree() {
    let mut tree = sample();
    let sub = at(&tree, &["sub"]);
    let mut rescan = tree.begin_rescan(sub).unwrap();
    assert_eq!(tree.dir(sub).unwrap().state, DirState::Pending);
    // The fresh scanner numbers its batches from 0 again.
    let mut root = batch(0, Parent::Root(0), 0, 1);
    push(&mut root, b"/r/sub", stat(DIR, 8192, 2, 3), true);
    let mut top = batch(1, key(0, 0), 0, 2);
    push(&mut top, b"deep", file(70, 6), false);
    push(&mut top, b"fresh", dir_stat(9), true);
    let mut inner = batch(2, key(1, 1), 0, 1);
    push(&mut inner, b"leaf", file(5, 10), false);
    for b in [root, top, inner] {
        assert!(tree.apply_rescan(&mut rescan, ScanEvent::Batch(b)));
    }
    let error = ScanError { op: Op::ReadDir, errno: Some(5), reason: "I/O error".into() };
    let event = ScanEvent::DirError {
        dir: EntryKey { batch: 1, index: 1 },
        path: "/r/sub/fresh".into(),
        error,
    };
    assert!(tree.apply_rescan(&mut rescan, event));
    assert_eq!(rescan.dir(), sub);
    assert_eq!(tree.size(sub), 8192);
    assert_eq!(names(&tree, sub), ["deep", "fresh"]);
    assert_eq!(tree.size(at(&tree, &["sub", "fresh", "leaf"])), 5);
    assert_eq!(tree.dir(sub).unwrap().state, DirState::Complete);
    assert!(tree.has_error(at(&tree, &["sub", "fresh"])));
    assert_eq!(tree.dir(sub).unwrap().total_size, 8192 + 70 + 4096 + 5);
    assert_eq!(tree.dropped_batches(), 0);
    check(&tree);

    // A re-scan whose root cannot be stat-ed for another reason keeps the
    // directory, with the error, failed.
    let mut rescan = tree.begin_rescan(sub).unwrap();
    let denied = ScanError { op: Op::Stat, errno: Some(13), reason: "denied".into() };
    let event = ScanEvent::RootError { root: 0, path: "/r/sub".into(), error: denied.clone() };
    assert!(tree.apply_rescan(&mut rescan, event));
    assert_eq!(tree.error(sub), Some(&denied));
    assert_eq!(tree.dir(sub).unwrap().state, DirState::Failed);
    check(&tree);

    // A re-scan that finds the directory gone removes it.
    let mut rescan = tree.begin_rescan(sub).unwrap();
    let error = ScanError { op: Op::Stat, errno: Some(ENOENT), reason: "gone".into() };
    let event = ScanEvent::RootError { root: 0, path: "/r/sub".into(), error };
    assert!(tree.apply_rescan(&mut rescan, event));
    assert!(!tree.is_live(sub));
    check(&tree);
}

#[test]
fn a_rescan_of_a_real_directory_matches_a_fresh_scan() {
    use crate::scan::{ScanOptions, start};
    fn scan(path: &Path, mut each: impl FnMut(ScanEvent)) {
        let handle = start(ScanOptions { threads: 2, ..ScanOptions::new(vec![path.into()]) })
            .expect("scan starts");
        for event in handle.events().iter() {
            let done = matches!(event, ScanEvent::Finished { .. });
            each(event);
            if done {
                break;
            }
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    std::fs::create_dir_all(base.join("a/b/c")).unwrap();
    std::fs::write(base.join("a/one"), b"1").unwrap();
    std::fs::write(base.join("a/b/two"), b"22").unwrap();
    std::fs::write(base.join("top"), b"333").unwrap();

    let mut tree = Tree::new();
    scan(base, |e| {
        tree.apply(e);
    });
    check(&tree);
    std::fs::remove_file(base.join("a/one")).unwrap();
    std::fs::create_dir(base.join("a/new")).unwrap();
    std::fs::write(base.join("a/new/three"), vec![0u8; 5000]).unwrap();
    std::fs::rename(base.join("a/b/two"), base.join("a/b/c/two")).unwrap();

    let a = tree.find_child(root(&tree), b"a").unwrap();
    let mut rescan = tree.begin_rescan(a).unwrap();
    scan(&base.join("a"), |e| {
        tree.apply_rescan(&mut rescan, e);
    });
    check(&tree);
    let mut fresh = Tree::new();
    scan(base, |e| {
        fresh.apply(e);
    });
    assert_eq!(dump(&tree), dump(&fresh));
    assert_eq!(tree.dropped_batches(), 0);
}
