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
    let id = h.state.selected_node().expect("a selection");
    let meta = h.state.inspect.meta.as_ref().expect("a metadata load ended");
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
    let status = h.state.screen.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
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
    let meta = h.state.inspect.meta.as_ref().expect("the load ended");
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

/// `du -s --apparent-size -B1 path`: the bytes du counts.
fn du_apparent(path: &std::path::Path) -> u64 {
    let out = std::process::Command::new("du")
        .args(["-s", "--apparent-size", "-B1"])
        .arg(path)
        .output()
        .expect("run du");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    text.split_whitespace().next().unwrap().parse().unwrap()
}

/// Changes `alpha` (collapsed since the scan) behind the view's back: files
/// added and removed, two symlinks, `pop/` with 2,000 files of 1 KiB, and a
/// file added inside the child directory `nested`.
fn change_alpha(f: &Fixture) {
    let alpha = f.root.join("alpha");
    fs::remove_file(alpha.join("small.txt")).unwrap();
    fs::write(alpha.join("added.txt"), "added").unwrap();
    std::os::unix::fs::symlink("big.bin", alpha.join("link-one")).unwrap();
    std::os::unix::fs::symlink("/nonexistent", alpha.join("link-two")).unwrap();
    fs::create_dir(alpha.join("pop")).unwrap();
    for i in 0..2000 {
        fs::write(alpha.join("pop").join(format!("f{i:04}")), [b'x'; 1024]).unwrap();
    }
    fs::write(alpha.join("nested").join("inner.txt"), "inner").unwrap();
}

#[test]
fn a_directory_changed_while_collapsed_shows_the_truth_when_opened() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    let alpha = h.node("alpha");
    assert!(!h.state.rows.is_expanded(alpha));
    change_alpha(&f);
    h.select("alpha");
    let effects = h.press("l");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, statree::view::Effect::Relist { dir, .. } if *dir == alpha)),
        "opening lists the directory again: {effects:?}"
    );
    let mut names: Vec<String> = h
        .row_paths()
        .into_iter()
        .filter_map(|p| p.strip_prefix("alpha/").map(str::to_owned))
        .filter(|p| !p.contains('/'))
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["added.txt", "big.bin", "link-one", "link-two", "nested", "pop"],
        "the rows are what is on disk"
    );
    let pop = h.state.tree.dir(h.node("alpha/pop")).unwrap();
    assert_eq!(pop.total_entries, 2000);
    assert_eq!(h.state.tree.dir(h.node("alpha/nested")).unwrap().total_entries, 2);
    // Every re-read has landed: the totals are the disk's.
    assert!(h.state.jobs.rescans.is_empty());
    assert_eq!(h.state.tree.total_size(h.root()), du_apparent(&f.root));
}

#[test]
fn a_changed_child_directory_is_marked_stale_until_its_re_scan_lands() {
    use statree::view::{Effect, update};
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    fs::write(f.root.join("alpha/nested/inner.txt"), "inner").unwrap();
    h.select("alpha");
    // The key alone: its listing is run by hand, and the re-scan it asks for
    // is held back, so the frame in between can be read.
    let effects = update(&mut h.state, Msg::Key(key_event("l")));
    let (ticket, dir, path) = asked_listing(effects);
    let listing = statree::watch::relist::list_dir(&path).map_err(|e| e.to_string());
    let effects = update(&mut h.state, Msg::Listed { ticket, dir, listing });
    assert!(effects.iter().any(|e| matches!(e, Effect::Rescan { .. })), "{effects:?}");
    h.state.rebuild_rows();
    let screen = h.screen();
    let nested_line = screen.lines().find(|l| l.contains("nested")).expect("nested row");
    assert!(nested_line.contains("nested ↻"), "{screen}");
    h.io.run_effects(&mut h.state, effects);
    h.state.rebuild_rows();
    assert!(!h.screen().contains('↻'), "{}", h.screen());
    assert_eq!(h.state.tree.dir(h.node("alpha/nested")).unwrap().total_entries, 2);
    assert_eq!(h.state.tree.total_size(h.root()), du_apparent(&f.root));
}

#[test]
fn a_listing_for_a_directory_closed_since_is_dropped() {
    use statree::view::update;
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    fs::write(f.root.join("alpha/late.txt"), "late").unwrap();
    h.select("alpha");
    let effects = update(&mut h.state, Msg::Key(key_event("l")));
    let (ticket, dir, path) = asked_listing(effects);
    // Closed and opened again before the first listing came back: only the
    // second one counts.
    update(&mut h.state, Msg::Key(key_event("h")));
    let again = update(&mut h.state, Msg::Key(key_event("l")));
    let listing = statree::watch::relist::list_dir(&path).map_err(|e| e.to_string());
    update(&mut h.state, Msg::Listed { ticket, dir, listing });
    assert!(h.state.tree.find_child(dir, b"late.txt").is_none(), "stale ticket applied");
    h.io.run_effects(&mut h.state, again);
    assert!(h.state.tree.find_child(dir, b"late.txt").is_some());
}

/// An overflow re-reads the open directory while the changes go on: a name
/// deleted after the re-scan listed it (its removal reported while the
/// re-scan ran) is gone once the re-scan ends, without `R`.
#[test]
fn an_overflow_re_scan_racing_deletions_converges_to_the_disk() {
    use statree::scan::{self, ScanEvent, ScanOptions};
    use statree::view::{Effect, update};
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    for i in 0..50 {
        fs::write(f.root.join(format!("churn{i:02}")), "x").unwrap();
    }
    // The watcher's overflow: every watched directory is re-read.
    let effects = update(&mut h.state, Msg::Changes(vec![Change::Rescan { dir: f.root.clone() }]));
    let Some(Effect::Rescan { ticket, path }) =
        effects.into_iter().find(|e| matches!(e, Effect::Rescan { .. }))
    else {
        panic!("the overflow asked for no re-scan");
    };
    // The re-scan lists the directory now; its events reach the view later.
    let handle = scan::start(ScanOptions::new(vec![path])).unwrap();
    let mut events = Vec::new();
    for event in handle.events().iter() {
        let done = matches!(event, ScanEvent::Finished { .. });
        events.push(event);
        if done {
            break;
        }
    }
    // Meanwhile half the names are deleted and the watcher says so.
    let mut gone = Vec::new();
    for i in 0..25 {
        let name = format!("churn{i:02}");
        fs::remove_file(f.root.join(&name)).unwrap();
        gone.push(Change::Entry { dir: f.root.clone(), name: name.into_bytes(), stat: None });
    }
    h.send(Msg::Changes(gone));
    for event in events {
        h.send(Msg::Rescan { ticket, event });
    }
    h.state.rebuild_rows();
    let names = h.top_level_names();
    let churn: Vec<_> = names.iter().filter(|n| n.starts_with("churn")).collect();
    assert_eq!(churn.len(), 25, "{names:?}");
    assert!(!names.contains(&"churn00".to_string()), "{names:?}");
    assert_eq!(h.state.tree.total_size(h.root()), du_apparent(&f.root));
}

/// The bound: an opened directory of up to 10,000 entries is current
/// within 100 ms. Asserted here with a 10× margin (1 s: a debug build on a
/// shared machine); the listing and the reconciliation run inline, as the
/// loop's thread and the listing thread would run them one after the other.
#[test]
fn opening_a_changed_directory_of_ten_thousand_entries_is_current_within_the_bound() {
    let f = Fixture::new();
    let big = f.root.join("beta");
    // With data.bin: 9,991 entries.
    for i in 0..9_990 {
        fs::write(big.join(format!("e{i:05}")), "").unwrap();
    }
    let mut h = Harness::fixture(&f, SIZE);
    for i in 0..100 {
        fs::remove_file(big.join(format!("e{i:05}"))).unwrap();
        fs::write(big.join(format!("n{i:05}")), "new").unwrap();
    }
    h.select("beta");
    let started = std::time::Instant::now();
    h.press("l");
    let took = started.elapsed();
    eprintln!("opening a changed directory of 10,000 entries: current after {took:?}");
    let beta = h.node("beta");
    assert_eq!(h.state.tree.child_count(beta), 9_991);
    assert!(h.state.tree.find_child(beta, b"e00000").is_none());
    assert!(h.state.tree.find_child(beta, b"n00099").is_some());
    assert!(took < std::time::Duration::from_secs(1), "{took:?}");
}

/// A collapsed directory on screen is not watched; files written into it
/// behind the view's back are found by the once-a-second check of the rows
/// on screen: it is marked, re-read in the background, and the totals
/// converge to the disk without opening it.
#[test]
fn a_collapsed_directory_on_screen_written_into_is_re_read_without_opening_it() {
    use statree::view::{Effect, update};
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    fs::create_dir(f.root.join("beta/pop")).unwrap();
    for i in 0..200 {
        fs::write(f.root.join(format!("beta/pop/x{i}")), [b'a'; 1024]).unwrap();
    }
    assert!(!h.state.rows.is_expanded(h.node("beta")), "beta starts collapsed");
    h.state.screen.now += statree::view::sweep::SWEEP_EVERY;
    let effects = update(&mut h.state, Msg::Tick);
    let (ticket, dirs) = asked_check(effects);
    assert!(dirs.iter().any(|(id, _)| *id == h.node("beta")), "beta is checked: {dirs:?}");
    let stats = statree::watch::relist::lstat_each(&dirs);
    let effects = update(&mut h.state, Msg::DirsChecked { ticket, stats });
    assert!(effects.iter().any(|e| matches!(e, Effect::Rescan { .. })), "{effects:?}");
    h.state.rebuild_rows();
    let screen = h.screen();
    let beta_line = screen.lines().find(|l| l.contains("beta")).expect("beta row");
    assert!(beta_line.contains("beta ↻"), "marked while it is re-read:\n{screen}");
    h.io.run_effects(&mut h.state, effects);
    h.state.rebuild_rows();
    assert!(!h.screen().contains('↻'), "{}", h.screen());
    assert!(!h.state.rows.is_expanded(h.node("beta")), "still collapsed");
    assert_eq!(h.state.tree.dir(h.node("beta/pop")).unwrap().total_entries, 200);
    assert_eq!(h.state.tree.total_size(h.root()), du_apparent(&f.root));
    // Nothing changed since: the next check asks for no re-read.
    h.state.screen.now += statree::view::sweep::SWEEP_EVERY;
    let effects = h.send(Msg::Tick);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Rescan { .. })), "{effects:?}");
}

/// A filter opens every directory it keeps: those on screen are listed
/// again as an expand would list them, so what the filter shows of a
/// directory changed while it was collapsed is the disk's.
#[test]
fn a_filter_that_opens_a_directory_changed_while_collapsed_shows_the_disk() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    let alpha = h.node("alpha");
    assert!(!h.state.rows.is_expanded(alpha));
    // Behind the view's back: big.bin goes, new.bin comes, and nested (kept
    // open by the filter for its deep.bin) gains extra.bin.
    fs::remove_file(f.root.join("alpha/big.bin")).unwrap();
    fs::write(f.root.join("alpha/new.bin"), "new").unwrap();
    fs::write(f.root.join("alpha/nested/extra.bin"), "extra").unwrap();
    h.press("f");
    h.type_text("bin");
    let rows = h.row_paths();
    for shown in ["alpha/new.bin", "alpha/nested/extra.bin", "alpha/nested/deep.bin"] {
        assert!(rows.iter().any(|r| r == shown), "{shown} missing: {rows:?}");
    }
    assert!(!rows.iter().any(|r| r == "alpha/big.bin"), "a deleted file shown: {rows:?}");
    h.press("enter");
    assert_eq!(h.row_paths(), rows, "accepting the filter keeps the rows");
    assert!(h.state.jobs.rescans.is_empty());
    assert_eq!(h.state.tree.total_size(h.root()), du_apparent(&f.root));
}

/// A filter over many directories lists those on screen, not every one it
/// opens (a filter on a large tree would otherwise list all of it at once);
/// the others are listed as they scroll into view.
#[test]
fn a_filter_lists_the_open_directories_on_screen_only() {
    use statree::view::Effect;
    let f = Fixture::new();
    for i in 0..60 {
        let dir = f.root.join(format!("d{i:02}"));
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("match.txt"), "m").unwrap();
    }
    let mut h = Harness::fixture(&f, SIZE);
    h.press("f");
    let effects = h.type_text("match");
    let listed =
        |effects: &[Effect]| effects.iter().filter(|e| matches!(e, Effect::Relist { .. })).count();
    let on_screen = usize::from(SIZE.1);
    let first = listed(&effects);
    assert!(first > 0 && first <= on_screen, "{first} listings for one screen");
    // Scrolling to the end brings the last directories into view: listed then.
    h.press("enter");
    let effects = h.press("G");
    assert!(listed(&effects) > 0, "{effects:?}");
}

/// Files written into a directory inside a collapsed one change only the
/// inner directory's mtime: the check of the rows on screen looks one level
/// below them too, so the collapsed row's total still converges.
#[test]
fn a_directory_inside_a_collapsed_one_written_into_is_re_read_too() {
    use statree::view::{Effect, update};
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, SIZE);
    for i in 0..50 {
        fs::write(f.root.join(format!("alpha/nested/n{i}")), [b'n'; 512]).unwrap();
    }
    assert!(!h.state.rows.is_expanded(h.node("alpha")), "alpha starts collapsed");
    h.state.screen.now += statree::view::sweep::SWEEP_EVERY;
    let effects = update(&mut h.state, Msg::Tick);
    let (ticket, dirs) = asked_check(effects);
    let nested = h.node("alpha/nested");
    assert!(dirs.iter().any(|(id, _)| *id == nested), "alpha/nested is checked: {dirs:?}");
    let stats = statree::watch::relist::lstat_each(&dirs);
    let effects = update(&mut h.state, Msg::DirsChecked { ticket, stats });
    assert!(effects.iter().any(|e| matches!(e, Effect::Rescan { .. })), "{effects:?}");
    h.io.run_effects(&mut h.state, effects);
    h.state.rebuild_rows();
    assert_eq!(h.state.tree.total_size(h.root()), du_apparent(&f.root));
}

/// The listing an opening asked for (its ticket, node and path).
fn asked_listing(
    effects: Vec<statree::view::Effect>,
) -> (u64, statree::model::NodeId, std::path::PathBuf) {
    use statree::view::Effect;
    let found = effects.into_iter().find_map(|e| match e {
        Effect::Relist { ticket, dir, path } => Some((ticket, dir, path)),
        _ => None,
    });
    found.expect("no listing asked for")
}

/// The check of the directories on screen a tick asked for.
fn asked_check(
    effects: Vec<statree::view::Effect>,
) -> (u64, Vec<(statree::model::NodeId, std::path::PathBuf)>) {
    use statree::view::Effect;
    let found = effects.into_iter().find_map(|e| match e {
        Effect::CheckDirs { ticket, dirs } => Some((ticket, dirs)),
        _ => None,
    });
    found.expect("no check of the directories on screen")
}
