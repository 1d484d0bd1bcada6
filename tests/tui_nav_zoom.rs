//! What a zoom (`z`, `:` inside the tree) leaves out is out of reach of the
//! keys that select an entry by what it is rather than by its row: `n`/`N`
//! and the search prompt look among what the view shows and say when there
//! is nothing further there, the audit filter's `n`/`N` likewise, and an
//! entry an action selects outside the zoom widens the zoom to show it.

mod tui_support;

use std::fs;
use std::path::PathBuf;

use statree::audit::Finding;
use statree::view::audit::AuditFilter;
use tui_support::*;

const SIZE: (u16, u16) = (100, 30);

/// `root/` holding `alpha/` (`nested/deep.txt`, `alps/`, `ember`), `beta/`
/// (`ember`) and `file.txt`: the name part "e" is in every zone.
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = fixed_length_tempdir();
    let root = tmp.path().join("root");
    fs::create_dir_all(root.join("alpha/nested")).unwrap();
    fs::create_dir_all(root.join("alpha/alps")).unwrap();
    fs::create_dir_all(root.join("beta")).unwrap();
    fs::write(root.join("alpha/nested/deep.txt"), "deep").unwrap();
    fs::write(root.join("alpha/ember"), "e").unwrap();
    fs::write(root.join("beta/ember"), "e").unwrap();
    fs::write(root.join("file.txt"), "f").unwrap();
    (tmp, root)
}

fn zoomed_on_alpha(tmp: &tempfile::TempDir, root: PathBuf) -> Harness {
    let mut h = Harness::scan(vec![root], SIZE);
    h.tmp_prefix = Some(tmp.path().to_path_buf());
    h.select("alpha");
    h.press("z");
    assert_eq!(h.state.rows.top, Some(h.node("alpha")));
    h
}

fn status(h: &Harness) -> String {
    h.screen().lines().last().unwrap().to_string()
}

fn last_message(h: &Harness) -> String {
    h.state.screen.message_log.iter().last().map(|m| m.text.clone()).unwrap_or_default()
}

#[test]
fn n_cycles_through_the_matches_inside_the_zoom_only() {
    let (tmp, root) = fixture();
    let mut h = zoomed_on_alpha(&tmp, root);
    h.press("/");
    h.type_text("e");
    h.press("enter");
    let mut seen = vec![h.selected_rel()];
    for _ in 0..6 {
        h.press("n");
        let rel = h.selected_rel();
        assert!(rel.starts_with("alpha"), "n left the zoom: {rel}");
        seen.push(rel);
    }
    // Every match in alpha comes round, in display order, and `n` wraps
    // within the zoom instead of sticking on the last one.
    let mut first: Vec<&str> = seen[..3].iter().map(String::as_str).collect();
    first.sort_unstable();
    assert_eq!(first, ["alpha/ember", "alpha/nested", "alpha/nested/deep.txt"], "{seen:?}");
    assert_eq!(seen[3], seen[0], "{seen:?}");
    for _ in 0..6 {
        h.press("N");
        let rel = h.selected_rel();
        assert!(rel.starts_with("alpha"), "N left the zoom: {rel}");
    }
    assert!(h.row_paths().iter().all(|r| r.starts_with("alpha")), "{:?}", h.row_paths());
}

#[test]
fn a_search_with_no_match_in_the_zoom_says_so_and_stays() {
    let (tmp, root) = fixture();
    let mut h = zoomed_on_alpha(&tmp, root);
    h.select("alpha/alps");
    h.press("/");
    h.type_text("file");
    h.press("enter");
    assert_eq!(h.selected_rel(), "alpha/alps");
    let said = last_message(&h);
    assert!(said.contains("no match for \"file\" in view"), "{said}");
    assert!(said.contains("zoomed on") && said.ends_with("root/alpha: - goes out)"), "{said}");
    assert!(status(&h).contains("in view"), "{}", status(&h));
    // `n` with the query kept: the same.
    h.press("n");
    assert_eq!(h.selected_rel(), "alpha/alps");
    assert!(last_message(&h).contains("in view"));
    // Out of the zoom the match is found.
    h.press("-");
    h.press("n");
    assert_eq!(h.selected_rel(), "file.txt");
}

#[test]
fn the_only_match_in_the_zoom_is_said_to_be_the_only_one() {
    let (tmp, root) = fixture();
    let mut h = zoomed_on_alpha(&tmp, root);
    h.press("/");
    h.type_text("deep");
    h.press("enter");
    assert_eq!(h.selected_rel(), "alpha/nested/deep.txt");
    h.press("n");
    assert_eq!(h.selected_rel(), "alpha/nested/deep.txt");
    let said = last_message(&h);
    assert!(said.contains("no other match for \"deep\" in view"), "{said}");
}

#[test]
fn the_audit_filter_selects_and_cycles_inside_the_zoom() {
    let (tmp, root) = fixture();
    let mut h = Harness::scan(vec![root.clone()], SIZE);
    h.tmp_prefix = Some(tmp.path().to_path_buf());
    // Findings on `beta/ember` (outside the zoom) and nothing inside.
    let outside = h.node("beta/ember");
    let inside = h.node("alpha/ember");
    h.select("alpha");
    h.press("z");
    let stat =
        statree::scan::EntryStat { mode: 0o104_755, nlink: 1, uid: 1000, ..Default::default() };
    statree::view::audit::rejudge(&mut h.state, outside, &stat);
    assert_eq!(h.state.audit.count(Finding::Setuid), 1);
    statree::view::audit::set_filter(&mut h.state, AuditFilter::Finding(Finding::Setuid));
    h.state.refresh_rows();
    assert_ne!(h.state.selected_node(), Some(outside));
    let said = last_message(&h);
    assert!(said.contains("no entries shown") && said.contains("zoomed on"), "{said}");
    // One inside too: the filter's `n` finds it and stays on it.
    statree::view::audit::rejudge(&mut h.state, inside, &stat);
    h.state.refresh_rows();
    h.press("n");
    assert_eq!(h.state.selected_node(), Some(inside));
    h.press("n");
    assert_eq!(h.state.selected_node(), Some(inside));
}

#[test]
fn an_entry_selected_outside_the_zoom_widens_it_and_says_so() {
    let (tmp, root) = fixture();
    let mut h = zoomed_on_alpha(&tmp, root.clone());
    h.select("alpha/nested");
    h.press("z");
    assert_eq!(h.state.rows.top, Some(h.node("alpha/nested")));
    // An action's result names an entry outside the zoom (as a create or
    // a rename report what to select).
    h.state.cursor.pending_select = Some(root.join("alpha/ember"));
    statree::view::nav::after_tree_change(&mut h.state);
    assert_eq!(h.selected_rel(), "alpha/ember");
    assert_eq!(h.state.rows.top, Some(h.node("alpha")), "widened to the nearest holder");
    assert!(last_message(&h).contains("widened to show the selection"), "{}", last_message(&h));
    // Outside every zoom: the zoom goes (one root: it shows whole).
    h.state.cursor.pending_select = Some(root.join("beta/ember"));
    statree::view::nav::after_tree_change(&mut h.state);
    assert_eq!(h.selected_rel(), "beta/ember");
    assert_eq!(h.state.rows.top, None);
}

#[test]
fn a_zoomed_directory_moved_away_falls_back_to_its_parent_and_says_so() {
    let (tmp, root) = fixture();
    let mut h = zoomed_on_alpha(&tmp, root.clone());
    h.select("alpha/nested");
    h.press("z");
    let alpha = h.node("alpha");
    fs::rename(root.join("alpha/nested"), tmp.path().join("nested-moved")).unwrap();
    // What the watcher reports: the zoomed directory's name gone from its parent.
    let gone = statree::view::change::Change::Entry {
        dir: root.join("alpha"),
        name: b"nested".to_vec(),
        stat: None,
    };
    h.send(statree::view::Msg::Changes(vec![gone]));
    assert_eq!(h.state.rows.top, Some(alpha), "the nearest directory still there");
    assert!(h.row_paths().iter().all(|r| r.starts_with("alpha") && !r.contains("nested")));
    let said = last_message(&h);
    assert!(
        said.contains("the zoomed directory is gone") && said.ends_with("root/alpha"),
        "{said}"
    );
}
