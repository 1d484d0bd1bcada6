//! `-` never leaves two roots for one directory, or one root inside
//! another: a root the new root holds becomes part of it (its scanned
//! subtree kept, not read again), and a root whose parent another root
//! already holds becomes part of that root without any scan. The totals
//! count each entry once, as a scan of the merged root alone does, and the
//! selection and marks keep naming the same entries.

mod tui_support;

use std::fs;
use std::path::{Path, PathBuf};

use statree::model::NodeId;
use statree::view::Effect;
use tui_support::*;

const SIZE: (u16, u16) = (100, 30);

/// `<tmp>/top` holding `root/` (`alpha/nested/deep.txt`, `beta/`,
/// `file.txt`), `sib/` (`one`, `two`) and `note.txt`.
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = fixed_length_tempdir();
    let top = tmp.path().join("top");
    fs::create_dir_all(top.join("root/alpha/nested")).unwrap();
    fs::create_dir_all(top.join("root/beta")).unwrap();
    fs::write(top.join("root/alpha/nested/deep.txt"), "deep").unwrap();
    fs::write(top.join("root/file.txt"), "f").unwrap();
    fs::create_dir_all(top.join("sib")).unwrap();
    fs::write(top.join("sib/one"), "1").unwrap();
    fs::write(top.join("sib/two"), "22").unwrap();
    fs::write(top.join("note.txt"), "n").unwrap();
    (tmp, top)
}

fn scans_asked(effects: &[Effect]) -> Vec<(PathBuf, Vec<PathBuf>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ScanRoot { path, skip, .. } => Some((path.clone(), skip.clone())),
            Effect::Rescan { path, .. } => Some((path.clone(), Vec::new())),
            _ => None,
        })
        .collect()
}

fn roots(h: &Harness) -> Vec<PathBuf> {
    h.state.tree.roots().map(|r| h.state.tree.path(r)).collect()
}

/// The node at `path` (absolute), from whichever root holds it.
fn at(h: &Harness, path: &Path) -> NodeId {
    statree::view::change::node_at(&h.state.tree, path)
        .unwrap_or_else(|| panic!("{path:?} not in the tree"))
}

fn select_node(h: &mut Harness, id: NodeId) {
    let row = h.state.rows.position(id).expect("shown");
    while h.state.cursor.row < row {
        h.press("j");
    }
    while h.state.cursor.row > row {
        h.press("k");
    }
    assert_eq!(h.state.selected_node(), Some(id));
}

/// The totals of `top` scanned alone: what the merged tree must count.
fn alone(top: &Path) -> (u64, u64) {
    let h = Harness::scan(vec![top.to_path_buf()], SIZE);
    let totals = h.state.tree.totals();
    (totals.entries, totals.apparent)
}

fn totals(h: &Harness) -> (u64, u64) {
    let totals = h.state.tree.totals();
    (totals.entries, totals.apparent)
}

#[test]
fn a_root_the_new_root_holds_joins_it_without_being_read_again() {
    let (_tmp, top) = fixture();
    let mut h = Harness::scan(vec![top.join("root"), top.join("sib")], SIZE);
    let sib = at(&h, &top.join("sib"));
    let one = at(&h, &top.join("sib/one"));
    let beta = at(&h, &top.join("root/beta"));
    select_node(&mut h, beta);
    h.press("space");
    select_node(&mut h, one);

    let effects = h.press("-");
    // One scan, of the parent, entering neither root.
    let asked = scans_asked(&effects);
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].0, top);
    let mut skipped = asked[0].1.clone();
    skipped.sort();
    assert_eq!(skipped, [top.join("root"), top.join("sib")]);
    // One root; `sib` is the same node, under it, with its entries.
    assert_eq!(roots(&h), [top.as_path()]);
    assert_eq!(at(&h, &top.join("sib")), sib);
    assert_eq!(at(&h, &top.join("sib/one")), one);
    assert_eq!(h.state.tree.children(sib).count(), 2);
    assert_eq!(h.state.tree.children(h.root()).count(), 3, "no second `sib`");
    assert_eq!(totals(&h), alone(&top));
    // The selection and the mark name the same entries.
    assert_eq!(h.state.selected_node(), Some(one));
    assert!(h.state.jobs.marks.contains_key(&beta));
    assert!(h.state.tree.is_live(beta));
}

#[test]
fn a_root_whose_parent_is_already_a_root_joins_it_with_no_scan() {
    let (_tmp, top) = fixture();
    let mut h = Harness::scan(vec![top.clone(), top.join("root")], SIZE);
    let before: Vec<NodeId> = h.state.tree.roots().collect();
    let inner = before[1];
    let deep = h.state.tree.find_child(inner, b"alpha").unwrap();
    h.state.rows.set_expanded(deep, true);
    h.state.rebuild_rows();
    select_node(&mut h, deep);
    h.press("space");
    // (Space marks and moves down.)
    select_node(&mut h, deep);

    let effects = h.press("-");
    assert!(scans_asked(&effects).is_empty(), "nothing to read: {effects:?}");
    assert_eq!(roots(&h), [top.as_path()]);
    // The moved root is the entry `root` of the other one now, whole.
    assert_eq!(at(&h, &top.join("root")), inner);
    assert_eq!(at(&h, &top.join("root/alpha")), deep);
    assert!(h.state.tree.is_live(at(&h, &top.join("root/alpha/nested/deep.txt"))));
    assert_eq!(h.state.tree.children(h.root()).count(), 3, "no second `root`");
    assert_eq!(totals(&h), alone(&top));
    assert_eq!(h.state.selected_node(), Some(deep));
    assert!(h.state.jobs.marks.contains_key(&deep));
    assert!(h.state.rows.position(deep).is_some(), "the selection is shown");
    let said = h.state.screen.message_log.iter().last().unwrap().text.clone();
    assert!(said.contains("merged"), "{said}");
}

#[test]
fn a_root_whose_parent_lies_inside_another_root_joins_it() {
    let (_tmp, top) = fixture();
    let mut h = Harness::scan(vec![top.clone(), top.join("root/alpha")], SIZE);
    let inner: NodeId = h.state.tree.roots().nth(1).unwrap();
    select_node(&mut h, inner);
    let effects = h.press("-");
    assert!(scans_asked(&effects).is_empty(), "{effects:?}");
    assert_eq!(roots(&h), [top.as_path()]);
    assert_eq!(at(&h, &top.join("root/alpha")), inner);
    assert_eq!(totals(&h), alone(&top));
    assert_eq!(h.state.selected_node(), Some(inner));
}

#[test]
fn the_same_directory_given_twice_is_one_root_after_minus() {
    let (_tmp, top) = fixture();
    let root = top.join("root");
    let mut h = Harness::scan(vec![root.clone(), root.clone()], SIZE);
    let first: NodeId = h.state.tree.roots().next().unwrap();
    let beta = h.state.tree.find_child(first, b"beta").unwrap();
    select_node(&mut h, beta);
    h.press("-");
    assert_eq!(roots(&h), [top.as_path()]);
    assert_eq!(at(&h, &root), first);
    assert_eq!(h.state.selected_node(), Some(beta));
    assert_eq!(totals(&h), alone(&top));
}

/// The same merge with the roots given the other way round: whichever copy
/// the totals counted (the first root's scan claims the shared
/// directories), the merged tree counts each entry once.
#[test]
fn the_merged_totals_do_not_depend_on_which_root_was_counted() {
    let (_tmp, top) = fixture();
    let mut h = Harness::scan(vec![top.join("root"), top.clone()], SIZE);
    let inner: NodeId = h.state.tree.roots().next().unwrap();
    select_node(&mut h, inner);
    let effects = h.press("-");
    assert!(scans_asked(&effects).is_empty(), "{effects:?}");
    assert_eq!(roots(&h), [top.as_path()]);
    assert_eq!(at(&h, &top.join("root")), inner);
    assert_eq!(totals(&h), alone(&top));
    // Another `-` goes on above as usual.
    h.press("-");
    assert_eq!(roots(&h), [top.parent().unwrap().to_path_buf()]);
}
