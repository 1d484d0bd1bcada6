//! Freshness of the view (issue 9, §3 and §4) without a terminal: what the
//! watcher reports about the selection, directories changed while
//! collapsed, and the loads that must all end. Keys and messages go through
//! `update` with the effects run inline, as the loop runs them.

mod tui_support;

use std::fs;

use statree::view::{Change, Msg};
use tui_support::*;

/// At 80×24 the metadata pane shows under the tree.
const SIZE: (u16, u16) = (80, 24);

/// What the watcher sends when `rel` (a path under the fixture root) is gone.
fn gone(f: &Fixture, rel: &str) -> Msg {
    let path = f.root.join(rel);
    Msg::Changes(vec![Change::Entry {
        dir: path.parent().unwrap().to_path_buf(),
        name: path.file_name().unwrap().as_encoded_bytes().to_vec(),
        stat: None,
    }])
}

/// The metadata of the selection is loaded (not pending, not an error).
fn assert_selection_loaded(h: &Harness) {
    let id = h.state.selected_id.expect("a selection");
    let meta = h.state.meta.as_ref().expect("a metadata load ended");
    assert_eq!(meta.id, id, "the metadata is the selection's");
    assert!(meta.result.is_ok(), "{:?}", meta.result);
    assert!(!h.screen().contains("reading…"), "{}", h.screen());
}

#[test]
fn a_selected_file_deleted_elsewhere_hands_the_pane_to_its_neighbour() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    h.select("gamma.txt");
    assert_selection_loaded(&h);
    fs::remove_file(f.root.join("gamma.txt")).unwrap();
    h.send(gone(&f, "gamma.txt"));
    assert_ne!(h.selected_rel(), "gamma.txt");
    assert_selection_loaded(&h);
    // `p` acts on the neighbour instead of answering "not read yet".
    h.press("p");
    let status = h.state.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(!status.contains("not read yet"), "{status}");
}

#[test]
fn a_selection_whose_load_found_it_gone_moves_on_once_the_watcher_says_so() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    fs::remove_file(f.root.join("gamma.txt")).unwrap();
    // The file vanishes before the watcher reports it: moving onto it reads
    // a load that failed (ENOENT), and that load ended too.
    h.select("gamma.txt");
    assert_eq!(h.selected_rel(), "gamma.txt");
    let meta = h.state.meta.as_ref().expect("the load ended");
    assert!(meta.result.is_err());
    h.send(gone(&f, "gamma.txt"));
    assert_ne!(h.selected_rel(), "gamma.txt");
    assert_selection_loaded(&h);
}

#[test]
fn a_selected_directory_deleted_with_its_subtree_hands_over_too() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    h.press("l");
    h.select("beta");
    fs::remove_dir_all(f.root.join("beta")).unwrap();
    h.send(gone(&f, "beta"));
    assert_ne!(h.selected_rel(), "beta");
    assert_selection_loaded(&h);
}
