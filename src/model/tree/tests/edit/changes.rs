//! The change stamps a sorted order of a directory's children is checked
//! against: which edits move which stamps, and the 32-bit store's rebase.

use super::*;

fn stamps(tree: &Tree, path: &[&str]) -> ChildStamps {
    tree.child_stamps(at(tree, path)).expect("a live directory")
}

#[test]
fn an_edit_moves_the_stamps_of_the_orders_it_can_change() {
    let mut tree = sample();
    let before = tree.edits();
    let unchanged =
        |tree: &Tree, path: &[&str], by_size| stamps(tree, path).unchanged_since(before, by_size);
    // A file below sub/deeper grows: deeper's children (listed), and the
    // sizes of sub's and /r's children (their totals) changed.
    let x = at(&tree, &["sub", "deeper", "x"]);
    assert!(tree.apply_op(TreeOp::Restat { id: x, stat: file(5000, 8) }));
    assert!(!unchanged(&tree, &["sub", "deeper"], false));
    assert!(unchanged(&tree, &["sub"], false), "sub's names and times did not change");
    assert!(!unchanged(&tree, &["sub"], true), "deeper's total did");
    assert!(!unchanged(&tree, &[], true));
    assert!(unchanged(&tree, &[], false));
    assert!(unchanged(&tree, &["pend"], true));
    // A rename inside sub: its listing, nothing above by name.
    let before = tree.edits();
    let sub = at(&tree, &["sub"]);
    let op =
        TreeOp::Rename { parent: sub, from: b"deep".to_vec(), to_parent: sub, to: b"d".to_vec() };
    assert!(tree.apply_op(op));
    let moved = |tree: &Tree, path: &[&str]| !stamps(tree, path).unchanged_since(before, false);
    assert!(moved(&tree, &["sub"]));
    assert!(!moved(&tree, &[]));
    // The walker's batch for pend: its listing, and the sizes above.
    let before = tree.edits();
    let mut listing = batch(4, key(1, 1), 0, 1);
    push(&mut listing, b"late", file(9, 30), false);
    assert!(tree.apply_batch(&listing));
    assert!(!stamps(&tree, &["pend"]).unchanged_since(before, false));
    assert!(!stamps(&tree, &[]).unchanged_since(before, true));
    assert!(stamps(&tree, &[]).unchanged_since(before, false));
    assert!(stamps(&tree, &["sub"]).unchanged_since(before, true));
}

#[test]
fn stamps_stay_right_when_the_counter_runs_past_32_bits() {
    let mut tree = sample();
    let base = tree.stamp_base;
    tree.edits = base + u64::from(u32::MAX) - 40;
    // pend changes last before the counter passes 2^32 over the base, a
    // few edits later.
    let pend = at(&tree, &["pend"]);
    tree.apply_op(TreeOp::Upsert { parent: pend, name: b"p".to_vec(), stat: file(1, 39) });
    let before = tree.edits();
    let sub = at(&tree, &["sub"]);
    for i in 0..10u64 {
        let name = format!("n{i}").into_bytes();
        tree.apply_op(TreeOp::Upsert { parent: sub, name, stat: file(i, 40 + i) });
        // Every order sorted before reads as stale, touched or not.
        assert!(!stamps(&tree, &["sub"]).unchanged_since(before, false), "{i}");
    }
    assert!(tree.stamp_base > base, "rebased");
    assert!(!stamps(&tree, &["pend"]).unchanged_since(before, true), "conservative");
    // Orders sorted after the rebase hold until their directory changes.
    let after = tree.edits();
    assert!(stamps(&tree, &["pend"]).unchanged_since(after, true));
    tree.apply_op(TreeOp::Upsert { parent: sub, name: b"m".to_vec(), stat: file(1, 60) });
    assert!(!stamps(&tree, &["sub"]).unchanged_since(after, false));
    assert!(stamps(&tree, &["pend"]).unchanged_since(after, true));
    check(&tree);
}
