//! Tests of the ops: upsert, remove, rename, restat, and the name index.

use super::*;

#[test]
fn upsert_adds_a_child_then_updates_it_in_place() {
    let mut tree = sample();
    let sub = at(&tree, &["sub"]);
    let op = TreeOp::Upsert { parent: sub, name: b"new".to_vec(), stat: file(500, 20) };
    assert!(apply_twice(&mut tree, op));
    let new = at(&tree, &["sub", "new"]);
    assert_eq!(tree.size(new), 500);
    assert_eq!(tree.child_count(sub), 3);
    assert_eq!(names(&tree, sub), ["deep", "deeper", "new"]);
    check(&tree);

    // The same name again with another stat: the node is updated.
    let mut bigger = file(5 << 32, 20);
    bigger.mode = 0o100_600;
    bigger.mtime.sec = -5;
    bigger.uid = 7;
    let op = TreeOp::Upsert { parent: sub, name: b"new".to_vec(), stat: bigger };
    assert!(apply_twice(&mut tree, op));
    assert_eq!(at(&tree, &["sub", "new"]), new);
    assert_eq!(tree.size(new), 5 << 32);
    assert_eq!(tree.mode(new), 0o100_600);
    assert_eq!(tree.mtime(new), -5);
    assert_eq!(tree.owner(new), (7, 1000));
    check(&tree);

    // And back to values that fit 32 bits: the side tables are left behind.
    let op = TreeOp::Restat { id: new, stat: file(1, 20) };
    assert!(apply_twice(&mut tree, op));
    assert_eq!((tree.size(new), tree.allocated(new), tree.mtime(new)), (1, 512, 1_700_000_000));
    check(&tree);
}

#[test]
fn upsert_into_a_pending_directory_then_its_batch_arrives() {
    let mut tree = sample();
    let pend = at(&tree, &["pend"]);
    assert_eq!(tree.dir(pend).unwrap().state, DirState::Pending);
    let op = TreeOp::Upsert { parent: pend, name: b"early".to_vec(), stat: file(11, 30) };
    assert!(apply_twice(&mut tree, op));
    let op = TreeOp::Upsert { parent: pend, name: b"only".to_vec(), stat: file(12, 31) };
    assert!(apply_twice(&mut tree, op));
    assert_eq!(names(&tree, pend), ["early", "only"]);
    assert_eq!(tree.dir(pend).unwrap().state, DirState::Pending);
    check(&tree);

    // The walker's listing arrives with "early" too: its entry wins, no duplicate.
    let mut listing = batch(4, key(1, 1), 0, 2);
    push(&mut listing, b"early", file(13, 30), false);
    push(&mut listing, b"late", file(14, 32), false);
    assert!(tree.apply_batch(&listing));
    assert_eq!(names(&tree, pend), ["early", "late", "only"]);
    assert_eq!(tree.size(at(&tree, &["pend", "early"])), 13);
    assert_eq!(tree.dir(pend).unwrap().state, DirState::Complete);
    assert_eq!(tree.dropped_batches(), 0);
    check(&tree);
}

#[test]
fn remove_takes_the_whole_subtree_out_of_every_reader() {
    let mut tree = sample();
    let r = root(&tree);
    let sub = at(&tree, &["sub"]);
    let x = at(&tree, &["sub", "deeper", "x"]);
    let before = *tree.totals();
    let op = TreeOp::Remove { parent: r, name: b"sub".to_vec() };
    assert!(apply_twice(&mut tree, op));
    assert!(!tree.is_live(sub) && !tree.is_live(x));
    assert!(tree.node_ids().all(|id| id != sub && id != x));
    assert_eq!(names(&tree, r), ["a", "b", "c", "pend"]);
    assert_eq!(tree.child_count(r), 4);
    assert_eq!(tree.children(sub).count(), 0);
    assert_eq!(tree.totals().entries, before.entries - 4);
    assert_eq!(tree.totals().dirs, before.dirs - 2);
    assert_eq!(tree.totals().apparent, before.apparent - 2 * 4096 - 7 - 3);
    // The scanner's key for it no longer resolves, and late batches for
    // the removed directories are ignored without counting as dropped.
    assert_eq!(tree.resolve(EntryKey { batch: 1, index: 0 }), None);
    let mut late = batch(9, key(3, 0), 0, 1);
    push(&mut late, b"ghost", file(1, 99), false);
    assert!(!tree.apply_batch(&late));
    assert_eq!(tree.dropped_batches(), 0);
    // A removed node still answers its accessors.
    assert_eq!(tree.name(sub), b"sub");
    check(&tree);

    // Removing a missing name, or under a removed parent, is a no-op.
    assert!(!tree.apply_op(TreeOp::Remove { parent: r, name: b"nope".to_vec() }));
    assert!(!tree.apply_op(TreeOp::Remove { parent: sub, name: b"deep".to_vec() }));
}

#[test]
fn removing_errors_and_roots_updates_the_totals() {
    let mut tree = sample();
    let r = root(&tree);
    let mut b = batch(4, key(1, 1), 0, 1);
    let gone = ScanError { op: Op::Stat, errno: Some(13), reason: "Permission denied".into() };
    b.push(b"locked", None, FileKind::File, Some(gone), false, false, None);
    tree.apply_batch(&b);
    tree.apply(ScanEvent::DirError {
        dir: EntryKey { batch: 2, index: 1 },
        path: "/r/sub/deeper".into(),
        error: ScanError { op: Op::ReadDir, errno: Some(5), reason: "I/O error".into() },
    });
    assert_eq!(tree.totals().errors, 2);
    check(&tree);
    assert!(apply_twice(&mut tree, TreeOp::Remove { parent: r, name: b"sub".to_vec() }));
    assert_eq!(tree.totals().errors, 1);
    assert_eq!(tree.dir(r).unwrap().errors, 1);
    check(&tree);
    // A successful stat clears the error the failed one left.
    let locked = at(&tree, &["pend", "locked"]);
    assert!(tree.stat_failed(locked));
    assert!(apply_twice(&mut tree, TreeOp::Restat { id: locked, stat: file(9, 40) }));
    assert!(!tree.stat_failed(locked) && !tree.has_error(locked));
    assert_eq!(tree.totals().errors, 0);
    check(&tree);

    assert!(tree.remove(r));
    assert!(!tree.remove(r));
    assert_eq!(tree.roots().count(), 0);
    assert_eq!(tree.node_ids().count(), 0);
    assert_eq!(*tree.totals(), Totals::default());
}

#[test]
fn rename_within_a_directory_changes_the_name_only() {
    let mut tree = sample();
    let r = root(&tree);
    let c = at(&tree, &["c"]);
    let long = vec![b'L'; 300];
    let op = TreeOp::Rename { parent: r, from: b"c".to_vec(), to_parent: r, to: long.clone() };
    assert!(apply_twice(&mut tree, op));
    assert_eq!(tree.find_child(r, &long), Some(c));
    assert_eq!(tree.find_child(r, b"c"), None);
    assert_eq!(tree.name(c), &long[..]);
    check(&tree);
    // To the same name: nothing to do.
    let op = TreeOp::Rename { parent: r, from: long.clone(), to_parent: r, to: long };
    assert!(!tree.apply_op(op));
}

#[test]
fn rename_across_directories_moves_the_subtree() {
    let mut tree = sample();
    let r = root(&tree);
    let sub = at(&tree, &["sub"]);
    let pend = at(&tree, &["pend"]);
    let deeper = at(&tree, &["sub", "deeper"]);
    let x = at(&tree, &["sub", "deeper", "x"]);
    let op = TreeOp::Rename {
        parent: sub,
        from: b"deeper".to_vec(),
        to_parent: pend,
        to: b"moved".to_vec(),
    };
    assert!(apply_twice(&mut tree, op));
    assert_eq!(at(&tree, &["pend", "moved", "x"]), x);
    assert_eq!(tree.path(x), Path::new("/r/pend/moved/x"));
    assert_eq!(tree.parent(deeper), Some(pend));
    assert_eq!(names(&tree, sub), ["deep"]);
    assert_eq!(tree.dir(sub).unwrap().total_size, 4096 + 7);
    assert_eq!(tree.dir(pend).unwrap().total_size, 4096 + 4096 + 3);
    assert_eq!(tree.dir(pend).unwrap().total_entries, 2);
    check(&tree);

    // And back into the range it came from, under its old name.
    let op = TreeOp::Rename {
        parent: pend,
        from: b"moved".to_vec(),
        to_parent: sub,
        to: b"deeper".to_vec(),
    };
    assert!(apply_twice(&mut tree, op));
    assert_eq!(at(&tree, &["sub", "deeper", "x"]), x);
    assert_eq!(tree.child_count(sub), 2);
    check(&tree);

    // Into its own subtree, or over its own ancestor: never happened.
    let op = TreeOp::Rename {
        parent: r,
        from: b"sub".to_vec(),
        to_parent: deeper,
        to: b"loop".to_vec(),
    };
    assert!(!tree.apply_op(op));
    let op =
        TreeOp::Rename { parent: deeper, from: b"x".to_vec(), to_parent: r, to: b"sub".to_vec() };
    assert!(!tree.apply_op(op));
    check(&tree);
}

#[test]
fn rename_onto_an_existing_name_replaces_it() {
    let mut tree = sample();
    let r = root(&tree);
    let sub = at(&tree, &["sub"]);
    let c = at(&tree, &["c"]);
    let deep = at(&tree, &["sub", "deep"]);
    let op =
        TreeOp::Rename { parent: r, from: b"c".to_vec(), to_parent: sub, to: b"deep".to_vec() };
    assert!(apply_twice(&mut tree, op));
    assert!(!tree.is_live(deep));
    assert_eq!(at(&tree, &["sub", "deep"]), c);
    assert_eq!(names(&tree, sub), ["deep", "deeper"]);
    assert_eq!(tree.dir(sub).unwrap().total_size, 2 * 4096 + 10 + 3);
    check(&tree);
    // A source that is not there: nothing changes.
    let op =
        TreeOp::Rename { parent: r, from: b"c".to_vec(), to_parent: sub, to: b"deep".to_vec() };
    assert!(!tree.apply_op(op));
}

#[test]
fn a_change_of_type_replaces_the_node() {
    let mut tree = sample();
    let r = root(&tree);
    let c = at(&tree, &["c"]);
    assert!(apply_twice(&mut tree, TreeOp::Restat { id: c, stat: dir_stat(5) }));
    assert!(!tree.is_live(c));
    let new = at(&tree, &["c"]);
    assert_eq!(tree.kind(new), FileKind::Dir);
    assert_eq!(tree.dir(new).unwrap().state, DirState::NotRead);
    check(&tree);
    // A non-directory type change stays in place.
    let op = TreeOp::Upsert { parent: r, name: b"a".to_vec(), stat: stat(LINK, 3, 4, 1) };
    let a = at(&tree, &["a"]);
    assert!(apply_twice(&mut tree, op));
    assert_eq!(at(&tree, &["a"]), a);
    assert_eq!(tree.kind(a), FileKind::Symlink);
    assert_eq!(tree.totals().symlinks, 1);
    check(&tree);
    // A root turned into a file.
    assert!(tree.apply_op(TreeOp::Restat { id: r, stat: file(1, 1) }));
    let new_root = root(&tree);
    assert_ne!(new_root, r);
    assert_eq!(tree.name(new_root), b"/r");
    assert_eq!(tree.totals().entries, 1);
    check(&tree);
}

#[test]
fn hard_links_count_once_and_only_the_counted_name_carries_the_size() {
    let mut tree = sample();
    let r = root(&tree);
    let total = |t: &Tree| t.dir(root(t)).unwrap().total_size;
    let before = total(&tree);
    // "b" is the extra name: removing it subtracts nothing.
    assert!(tree.is_extra_link(at(&tree, &["b"])));
    assert!(apply_twice(&mut tree, TreeOp::Remove { parent: r, name: b"b".to_vec() }));
    assert_eq!(total(&tree), before);
    check(&tree);
    // A new name of an inode already seen is an extra name too.
    let op = TreeOp::Upsert { parent: r, name: b"b2".to_vec(), stat: stat(FILE, 1000, 4, 2) };
    assert!(apply_twice(&mut tree, op));
    assert!(tree.is_extra_link(at(&tree, &["b2"])));
    assert_eq!(total(&tree), before);
    // Removing the counted name subtracts the size (approximate: b2 remains).
    assert!(apply_twice(&mut tree, TreeOp::Remove { parent: r, name: b"a".to_vec() }));
    assert_eq!(total(&tree), before - 1000);
    check(&tree);
    // Once a restat says it is the only name left, it counts again.
    let b2 = at(&tree, &["b2"]);
    assert!(apply_twice(&mut tree, TreeOp::Restat { id: b2, stat: stat(FILE, 1000, 4, 1) }));
    assert!(!tree.is_extra_link(b2));
    assert_eq!(total(&tree), before);
    check(&tree);
}

#[test]
fn ops_on_what_is_not_a_live_directory_change_nothing() {
    let mut tree = sample();
    let c = at(&tree, &["c"]);
    let before = dump(&tree);
    assert!(!tree.apply_op(TreeOp::Upsert { parent: c, name: b"x".to_vec(), stat: file(1, 1) }));
    assert!(!tree.apply_op(TreeOp::Restat { id: NodeId(1 << 30), stat: file(1, 1) }));
    let ghost = NodeId(1 << 30);
    assert!(!tree.apply_op(TreeOp::Remove { parent: ghost, name: b"c".to_vec() }));
    assert_eq!(tree.find_child(ghost, b"c"), None);
    assert!(!tree.clear_children(c));
    assert!(tree.begin_rescan(c).is_none());
    assert_eq!(dump(&tree), before);
    // A rename out of view removes the source.
    let r = root(&tree);
    let op = TreeOp::Rename { parent: r, from: b"c".to_vec(), to_parent: ghost, to: b"c".to_vec() };
    assert!(apply_twice(&mut tree, op));
    assert!(!tree.is_live(c));
    check(&tree);
}

#[test]
fn a_large_directory_gets_a_name_index_that_stays_right() {
    let mut tree = sample();
    let pend = at(&tree, &["pend"]);
    let n = 3000u32;
    let mut listing = batch(4, key(1, 1), 0, n);
    for i in 0..n {
        push(
            &mut listing,
            format!("f{i}").as_bytes(),
            file(u64::from(i), 100 + u64::from(i)),
            false,
        );
    }
    tree.apply_batch(&listing);
    let op = |i: u32| TreeOp::Remove { parent: pend, name: format!("f{i}").into_bytes() };
    for i in (0..n).step_by(3) {
        assert!(tree.apply_op(op(i)));
    }
    let op =
        TreeOp::Rename { parent: pend, from: b"f1".to_vec(), to_parent: pend, to: b"f0".to_vec() };
    assert!(tree.apply_op(op));
    assert_eq!(tree.find_child(pend, b"f1"), None);
    assert!(tree.find_child(pend, b"f0").is_some());
    assert_eq!(tree.child_count(pend), n - n.div_ceil(3));
    check(&tree);
}
