//! User journeys through the interactive view, without a terminal: keys and
//! mouse events go through the pure `update` function (effects run as the
//! event loop runs them), and frames are drawn into ratatui's `TestBackend`.
//!
//! The fixture (see `tui_support::Fixture`) is scanned for real. Snapshots
//! are taken at 60×14, where only the tree and the status bar show (no
//! times or inode numbers), with the temp dir replaced by `[TMP]` and the
//! cursor line marked with `>`.

mod tui_support;

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};
use statree::config::SortKey;
use statree::exec::external::Openers;
use statree::model::FileKind;
use statree::preview::Preview;
use statree::view::{Effect, Mode, Msg, PromptKind};
use tui_support::*;

/// Tree-only size for snapshots: 13 lines of tree (title + 12 rows) and the
/// status bar.
const SNAP: (u16, u16) = (60, 14);

fn fixture_at(size: (u16, u16)) -> (Fixture, Harness) {
    let f = Fixture::new();
    let h = Harness::fixture(&f, size);
    (f, h)
}

/// Expands every directory of the fixture, top to bottom.
fn expand_all(h: &mut Harness) {
    for dir in ["alpha", "alpha/nested", "beta"] {
        let id = h.node(dir);
        if !h.state.rows.is_expanded(id) {
            h.select(dir);
            h.press("enter");
        }
    }
    h.press("g");
}

fn load_meta_ids(effects: &[Effect]) -> Vec<statree::model::NodeId> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadMeta { id, .. } => Some(*id),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The scan itself
// ---------------------------------------------------------------------------

#[test]
fn after_the_scan_the_root_is_open_selected_and_its_metadata_loaded() {
    let (f, h) = fixture_at(SNAP);
    assert_eq!(
        h.row_paths(),
        ["", "alpha", "beta", ".hidden", "gamma.txt", "large.log", "link"],
        "root expanded, directories first, then files by name"
    );
    assert_eq!(h.state.cursor.row, 0);
    assert_eq!(h.state.selected_node(), Some(h.root()));
    let meta = h.state.inspect.meta.as_ref().expect("the root's metadata was requested and read");
    assert_eq!(meta.id, h.root());
    let full = meta.result.as_ref().expect("lstat of the root succeeds");
    assert_eq!(full.path, f.root);
    assert_eq!(full.kind(), FileKind::Dir);
    assert_eq!(h.state.tree.totals().entries, 12);
    assert!(!h.state.scanning());
    assert!(matches!(h.state.mode, Mode::Normal));
    let screen = h.screen();
    assert!(screen.contains("12 entries · 16.0 MiB · no errors · scanned in 0.01 s"), "{screen}");
    assert!(screen.contains(" 1/7 "), "{screen}");
}

// ---------------------------------------------------------------------------
// Moving
// ---------------------------------------------------------------------------

#[test]
fn moving_clamps_at_both_ends() {
    let (_f, mut h) = fixture_at(SNAP);
    let last = h.state.rows.len() - 1;
    // Up at the top stays at the top and asks for nothing.
    let effects = h.press("k");
    assert_eq!(h.state.cursor.row, 0);
    assert!(load_meta_ids(&effects).is_empty(), "no move, no reload: {effects:?}");
    h.press("up");
    assert_eq!(h.state.cursor.row, 0);
    for _ in 0..20 {
        h.press("j");
    }
    assert_eq!(h.state.cursor.row, last);
    assert_eq!(h.selected_rel(), "link");
    let effects = h.press("down");
    assert_eq!(h.state.cursor.row, last);
    assert!(load_meta_ids(&effects).is_empty(), "{effects:?}");
    h.press("g");
    assert_eq!(h.state.cursor.row, 0);
    h.press("G");
    assert_eq!(h.state.cursor.row, last);
    h.press("home");
    assert_eq!(h.state.cursor.row, 0);
    h.press("end");
    assert_eq!(h.state.cursor.row, last);
    // Pages and half pages clamp too.
    h.press("pagedown");
    assert_eq!(h.state.cursor.row, last);
    h.press("ctrl-d");
    assert_eq!(h.state.cursor.row, last);
    h.press("pageup");
    assert_eq!(h.state.cursor.row, 0);
    h.press("ctrl-u");
    assert_eq!(h.state.cursor.row, 0);
}

#[test]
fn pages_move_by_the_tree_height_and_keep_the_cursor_on_screen() {
    // 60×8: 7 lines of tree, the first its title, so a page is 6 rows.
    let (_f, mut h) = fixture_at((60, 8));
    expand_all(&mut h);
    assert_eq!(h.state.rows.len(), 12);
    h.press("pagedown");
    assert_eq!(h.state.cursor.row, 6);
    h.press("ctrl-d");
    assert_eq!(h.state.cursor.row, 9);
    h.press("ctrl-u");
    assert_eq!(h.state.cursor.row, 6);
    h.press("pageup");
    assert_eq!(h.state.cursor.row, 0);
    h.press("G");
    assert_eq!(h.state.cursor.row, 11);
    assert_eq!(h.state.cursor.scroll, 6, "the last page is shown");
    let screen = h.screen();
    assert!(screen.contains("link"), "{screen}");
    assert!(!screen.contains("alpha"), "scrolled past the top: {screen}");
    assert!(screen.contains(" 12/12 "), "{screen}");
    h.press("g");
    assert_eq!(h.state.cursor.scroll, 0);
}

// ---------------------------------------------------------------------------
// Expanding, collapsing, stepping
// ---------------------------------------------------------------------------

#[test]
fn enter_on_a_directory_toggles_it() {
    let (_f, mut h) = fixture_at(SNAP);
    h.select("alpha");
    let before = h.row_paths();
    h.press("enter");
    assert!(h.state.rows.is_expanded(h.node("alpha")));
    assert_eq!(
        h.row_paths(),
        [
            "",
            "alpha",
            "alpha/nested",
            "alpha/big.bin",
            "alpha/small.txt",
            "beta",
            ".hidden",
            "gamma.txt",
            "large.log",
            "link"
        ]
    );
    assert_eq!(h.selected_rel(), "alpha", "the cursor stays on the directory");
    let screen = h.screen();
    assert!(screen.contains("▾ alpha"), "{screen}");
    h.press("enter");
    assert!(!h.state.rows.is_expanded(h.node("alpha")));
    assert_eq!(h.row_paths(), before);
    assert!(h.screen().contains("▸ alpha"));
    // Enter on a file opens it (here with `true`) and leaves the rows alone.
    let opener =
        Openers { opener: Some(vec!["true".into()]), opener_terminal: true, display: false };
    h.io = std::mem::take(&mut h.io).with_openers(opener);
    h.select("gamma.txt");
    let rows = h.row_paths();
    let effects = h.press("enter");
    assert!(matches!(effects[..], [Effect::Open { .. }]), "{effects:?}");
    assert_eq!(h.row_paths(), rows);
}

#[test]
fn l_expands_then_steps_into_the_first_child() {
    let (_f, mut h) = fixture_at(SNAP);
    h.select("alpha");
    h.press("l");
    assert!(h.state.rows.is_expanded(h.node("alpha")));
    assert_eq!(h.selected_rel(), "alpha", "first l only opens");
    let effects = h.press("l");
    assert_eq!(h.selected_rel(), "alpha/nested", "second l steps in");
    assert_eq!(load_meta_ids(&effects), [h.node("alpha/nested")]);
    h.press("right");
    assert!(h.state.rows.is_expanded(h.node("alpha/nested")));
    h.press("right");
    assert_eq!(h.selected_rel(), "alpha/nested/deep.bin");
    // On a file, l opens the preview pane on it (tests/tui_nav.rs).
    h.press("l");
    assert!(h.state.inspect.show_preview);
    assert_eq!(h.selected_rel(), "alpha/nested/deep.bin");
}

#[test]
fn h_goes_to_the_parent_or_collapses() {
    let (_f, mut h) = fixture_at(SNAP);
    h.select("alpha");
    h.press_all(&["l", "l", "l", "l"]);
    assert_eq!(h.selected_rel(), "alpha/nested/deep.bin");
    // From a file: to its parent.
    h.press("h");
    assert_eq!(h.selected_rel(), "alpha/nested");
    // On an expanded directory: collapse, stay.
    h.press("h");
    assert_eq!(h.selected_rel(), "alpha/nested");
    assert!(!h.state.rows.is_expanded(h.node("alpha/nested")));
    // On a collapsed one: to its parent.
    h.press("left");
    assert_eq!(h.selected_rel(), "alpha");
    h.select("alpha/small.txt");
    h.press("h");
    assert_eq!(h.selected_rel(), "alpha");
    h.press("h");
    assert!(!h.state.rows.is_expanded(h.node("alpha")));
    h.press("h");
    assert_eq!(h.selected_rel(), "", "up to the root");
    h.press("h");
    assert!(!h.state.rows.is_expanded(h.root()), "the root collapses too");
    assert_eq!(h.row_paths(), [""]);
    let effects = h.press("h");
    assert!(effects.is_empty(), "nothing above a root");
    assert_eq!(h.selected_rel(), "");
}

// ---------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------

#[test]
fn a_new_selection_requests_its_metadata_which_arrives_through_run_effects() {
    let (f, mut h) = fixture_at((120, 30));
    let effects = h.press("j");
    let alpha = h.node("alpha");
    assert_eq!(effects, [Effect::LoadMeta { id: alpha, path: f.root.join("alpha") }]);
    let meta = h.state.inspect.meta.as_ref().expect("metadata loaded");
    assert_eq!(meta.id, alpha);
    let full = meta.result.as_ref().expect("lstat succeeds");
    assert_eq!(full.path, f.root.join("alpha"));
    assert_eq!(full.kind(), FileKind::Dir);

    h.select("large.log");
    let meta = h.state.inspect.meta.as_ref().unwrap();
    assert_eq!(meta.id, h.node("large.log"));
    assert_eq!(meta.result.as_ref().unwrap().stat.size, 4 * MIB);
    let screen = h.screen();
    assert!(screen.contains("4.0 MiB (4,194,304 bytes)"), "{screen}");
    // 2020-09-13 12:33:20 UTC: the 13th or 14th in any time zone.
    assert!(screen.contains("modified 2020-09-1"), "the fixed mtime: {screen}");

    h.select("link");
    let full = h.state.inspect.meta.as_ref().unwrap().result.as_ref().unwrap();
    assert_eq!(full.target.as_deref(), Some(&b"gamma.txt"[..]));
    let screen = h.screen();
    assert!(screen.contains("→ gamma.txt"), "the link's target: {screen}");

    // Metadata for a node that is no longer selected is dropped.
    let stale = statree::view::Loaded { id: alpha, result: Err("late".to_string()) };
    h.send(Msg::MetaLoaded(stale));
    assert_eq!(h.state.inspect.meta.as_ref().unwrap().id, h.node("link"));
}

#[test]
fn metadata_that_cannot_be_read_is_shown_as_an_error() {
    let (f, mut h) = fixture_at((120, 30));
    h.select("gamma.txt");
    std::fs::remove_file(f.root.join("gamma.txt")).unwrap();
    h.press("k");
    h.press("j");
    let meta = h.state.inspect.meta.as_ref().unwrap();
    let reason = meta.result.as_ref().expect_err("the file is gone");
    assert!(!reason.is_empty());
    let screen = h.screen();
    assert!(screen.contains("gamma.txt"), "{screen}");
}

// ---------------------------------------------------------------------------
// Sorting and hidden entries
// ---------------------------------------------------------------------------

#[test]
fn s_cycles_the_sort_name_size_mtime() {
    let (_f, mut h) = fixture_at(SNAP);
    h.select("alpha");
    h.press("enter");
    assert_eq!(h.state.rows.options.sort, SortKey::Name);
    assert_eq!(h.top_level_names(), ["alpha", "beta", ".hidden", "gamma.txt", "large.log", "link"]);
    h.select("gamma.txt");

    h.press("s");
    assert_eq!(h.state.rows.options.sort, SortKey::Size);
    // Largest first, file or directory.
    assert_eq!(h.top_level_names(), ["beta", "alpha", "large.log", "gamma.txt", "link", ".hidden"]);
    let sizes: Vec<u64> = h
        .state
        .rows
        .rows()
        .iter()
        .filter(|r| h.state.tree.parent(r.id) == Some(h.root()))
        .filter(|r| h.state.tree.kind(r.id) != FileKind::Dir)
        .map(|r| h.state.tree.total_size(r.id))
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
    assert_eq!(
        h.row_paths()[3..6],
        ["alpha/big.bin", "alpha/nested", "alpha/small.txt"],
        "children are sorted too (the 3 MiB file above the 1 MiB directory)"
    );
    assert_eq!(h.selected_rel(), "gamma.txt", "the cursor follows its entry");
    let screen = h.screen();
    assert!(screen.contains("sort: size"), "{screen}");
    assert!(screen.contains("sorted by size"), "{screen}");

    h.press("s");
    assert_eq!(h.state.rows.options.sort, SortKey::Mtime);
    assert_eq!(h.top_level_names(), ["alpha", "beta", "link", "gamma.txt", "large.log", ".hidden"]);
    assert!(h.screen().contains("sort: mtime"));

    h.press("s");
    assert_eq!(h.state.rows.options.sort, SortKey::Name);
    assert_eq!(h.top_level_names(), ["alpha", "beta", ".hidden", "gamma.txt", "large.log", "link"]);
    assert_eq!(h.selected_rel(), "gamma.txt");
}

#[test]
fn dot_hides_dot_files_and_shows_them_again() {
    let (_f, mut h) = fixture_at(SNAP);
    assert!(h.state.rows.options.show_hidden, "nothing is hidden by default");
    h.select(".hidden");
    let hidden = h.node(".hidden");
    let effects = h.press(".");
    assert!(!h.state.rows.options.show_hidden);
    assert!(!h.row_paths().contains(&".hidden".to_string()));
    assert_eq!(h.state.rows.position(hidden), None);
    // The cursor lands on a visible entry, whose metadata is requested.
    let now = h.state.selected_node().unwrap();
    assert_ne!(now, hidden);
    assert_eq!(load_meta_ids(&effects), [now]);
    assert_eq!(h.state.inspect.meta.as_ref().unwrap().id, now);
    // Wide enough for the whole title, still tree-only.
    let screen = h.render(99, 14);
    assert!(screen.contains("hidden entries off"), "{screen}");
    assert!(!screen.contains(".hidden"), "{screen}");

    h.press(".");
    assert!(h.state.rows.options.show_hidden);
    assert!(h.row_paths().contains(&".hidden".to_string()));
    assert!(h.screen().contains(".hidden"));
    assert!(!h.render(99, 14).contains("hidden entries off"));
}

// ---------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------

#[test]
fn search_selects_the_first_match_even_inside_collapsed_directories() {
    let (_f, mut h) = fixture_at(SNAP);
    assert!(!h.state.rows.is_expanded(h.node("alpha")));
    h.press("/");
    assert!(matches!(&h.state.mode, Mode::Prompt(p) if p.kind == PromptKind::Search));
    let effects = h.type_text("deep");
    let deep = h.node("alpha/nested/deep.bin");
    assert_eq!(h.state.selected_node(), Some(deep));
    assert!(h.state.rows.is_expanded(h.node("alpha")));
    assert!(h.state.rows.is_expanded(h.node("alpha/nested")));
    assert!(load_meta_ids(&effects).contains(&deep));
    assert_eq!(h.state.inspect.meta.as_ref().unwrap().id, deep);
    let screen = h.screen();
    assert!(screen.contains("/deep▏"), "the prompt shows what was typed: {screen}");
    assert!(screen.contains("deep.bin"), "{screen}");

    h.press("enter");
    assert!(matches!(h.state.mode, Mode::Normal), "Enter closes the prompt");
    assert_eq!(h.state.selected_node(), Some(deep));
    assert_eq!(h.state.cursor.last_search.as_deref(), Some(&b"deep"[..]));
    assert!(!h.screen().contains("/deep▏"));
}

#[test]
fn n_and_shift_n_cycle_through_the_matches() {
    let (_f, mut h) = fixture_at(SNAP);
    // No search yet: a hint, no move.
    h.press("n");
    assert_eq!(h.state.cursor.row, 0);
    assert!(h.screen().contains("no search yet"));

    h.press("/");
    h.type_text(".bin");
    h.press("enter");
    // Display order: alpha/nested/deep.bin, alpha/big.bin, beta/data.bin.
    assert_eq!(h.selected_rel(), "alpha/nested/deep.bin");
    h.press("n");
    assert_eq!(h.selected_rel(), "alpha/big.bin");
    h.press("n");
    assert_eq!(h.selected_rel(), "beta/data.bin", "beta was expanded to show it");
    assert!(h.state.rows.is_expanded(h.node("beta")));
    h.press("n");
    assert_eq!(h.selected_rel(), "alpha/nested/deep.bin", "wraps around");
    h.press("N");
    assert_eq!(h.selected_rel(), "beta/data.bin", "N goes back, wrapping");
    h.press("N");
    assert_eq!(h.selected_rel(), "alpha/big.bin");
    // Case-insensitive.
    h.press("/");
    h.type_text("GAMMA");
    h.press("enter");
    assert_eq!(h.selected_rel(), "gamma.txt");
}

#[test]
fn esc_cancels_a_search_and_restores_the_selection() {
    let (_f, mut h) = fixture_at(SNAP);
    h.select("large.log");
    let origin = h.state.selected_node();
    h.press("/");
    h.type_text("small");
    assert_eq!(h.selected_rel(), "alpha/small.txt");
    let effects = h.press("esc");
    assert!(matches!(h.state.mode, Mode::Normal));
    assert_eq!(h.state.selected_node(), origin);
    assert_eq!(h.selected_rel(), "large.log");
    assert!(load_meta_ids(&effects).contains(&origin.unwrap()));
    assert_eq!(h.state.inspect.meta.as_ref().unwrap().id, origin.unwrap());
    assert_eq!(h.state.cursor.last_search, None, "a cancelled search is not remembered");
}

#[test]
fn a_search_without_match_says_so_and_keeps_the_selection() {
    let (_f, mut h) = fixture_at(SNAP);
    h.select("beta");
    h.press("/");
    h.type_text("zzzz-nothing");
    assert_eq!(h.selected_rel(), "beta");
    assert!(h.state.screen.status.as_ref().is_some_and(|m| m.is_error));
    // Backspace and Ctrl-u edit the prompt.
    h.press("backspace");
    assert!(matches!(&h.state.mode, Mode::Prompt(p) if p.input == "zzzz-nothin"));
    h.press("ctrl-u");
    assert!(matches!(&h.state.mode, Mode::Prompt(p) if p.input.is_empty()));
    h.press("esc");
    assert_eq!(h.selected_rel(), "beta");
}

#[test]
fn a_search_that_stops_matching_leaves_the_metadata_of_the_selection() {
    // Typing "gamma" moves the cursor to gamma.txt (its metadata and preview
    // load); typing on until nothing matches puts the cursor back where the
    // search started. Whatever the cursor is on, the panes must describe it.
    let (_f, mut h) = fixture_at((120, 30));
    h.select("large.log");
    h.press("v");
    h.press("/");
    h.type_text("gamma");
    assert_eq!(h.selected_rel(), "gamma.txt");
    assert_eq!(h.state.inspect.meta.as_ref().map(|m| m.id), h.state.selected_node());
    h.type_text("zzz");
    let selected = h.state.selected_node();
    assert_eq!(
        h.state.inspect.meta.as_ref().map(|m| m.id),
        selected,
        "metadata of {:?} shown while the cursor is on {:?}",
        h.state.inspect.meta.as_ref().map(|m| h.rel_path(m.id)),
        h.selected_rel()
    );
    assert_eq!(h.state.inspect.preview.as_ref().map(|p| p.id), selected, "the preview too");
    let screen = h.screen();
    assert!(!screen.contains("reading…"), "a pane waits for a read never asked for:\n{screen}");
    h.press("enter");
    assert_eq!(h.state.inspect.meta.as_ref().map(|m| m.id), h.state.selected_node());
}

#[test]
fn keys_typed_into_a_prompt_are_text_not_commands() {
    let (_f, mut h) = fixture_at(SNAP);
    h.press("/");
    let effects = h.type_text("q?jks.");
    assert!(!h.state.screen.quit);
    assert!(!effects.contains(&Effect::Quit));
    assert!(matches!(&h.state.mode, Mode::Prompt(p) if p.input == "q?jks."));
    assert_eq!(h.state.rows.options.sort, SortKey::Name);
    assert!(h.state.rows.options.show_hidden);
    h.press("esc");
    assert_eq!(h.state.cursor.row, 0);
}

#[test]
fn search_finds_a_visible_match_while_a_filter_is_active() {
    // With the tree filtered to "gamma", gamma.txt is the only visible file.
    // Searching ".t" (which small.txt, hidden by the filter, matches first in
    // display order) must land on the visible gamma.txt.
    let (_f, mut h) = fixture_at(SNAP);
    h.press("f");
    h.type_text("gamma");
    h.press("enter");
    assert_eq!(h.row_paths(), ["", "gamma.txt"]);
    h.press("/");
    h.type_text(".t");
    assert_eq!(
        h.selected_rel(),
        "gamma.txt",
        "search must only consider entries the filter shows; rows {:?}",
        h.row_paths()
    );
    h.press("enter");
    assert_eq!(h.selected_rel(), "gamma.txt");
}

// ---------------------------------------------------------------------------
// Filter
// ---------------------------------------------------------------------------

#[test]
fn filter_shows_matches_with_their_ancestors_and_esc_restores() {
    let (_f, mut h) = fixture_at(SNAP);
    h.select("large.log");
    let before = h.row_paths();
    h.press("f");
    assert!(matches!(&h.state.mode, Mode::Prompt(p) if p.kind == PromptKind::Filter));
    h.type_text(".txt");
    assert_eq!(h.row_paths(), ["", "alpha", "alpha/small.txt", "gamma.txt"]);
    assert_eq!(h.state.rows.options.filter.as_deref(), Some(&b".txt"[..]));
    let screen = h.screen();
    assert!(screen.contains("filter: .txt▏"), "{screen}");
    // The selection moved to a visible entry and its metadata was loaded.
    let sel = h.state.selected_node().unwrap();
    assert!(h.state.rows.position(sel).is_some());
    assert_eq!(h.state.inspect.meta.as_ref().unwrap().id, sel);

    h.press("esc");
    assert!(matches!(h.state.mode, Mode::Normal));
    assert_eq!(h.state.rows.options.filter, None);
    assert_eq!(h.row_paths(), before);
    assert_eq!(h.selected_rel(), "large.log");
}

#[test]
fn an_accepted_filter_stays_and_can_be_edited_and_cleared() {
    let (_f, mut h) = fixture_at(SNAP);
    h.press("f");
    h.type_text("BIN");
    h.press("enter");
    assert!(matches!(h.state.mode, Mode::Normal));
    assert_eq!(
        h.row_paths(),
        [
            "",
            "alpha",
            "alpha/nested",
            "alpha/nested/deep.bin",
            "alpha/big.bin",
            "beta",
            "beta/data.bin"
        ],
        "case-insensitive, ancestors kept and opened"
    );
    let screen = h.screen();
    assert!(screen.contains("filter: bin"), "the title names the filter: {screen}");
    // Moving works inside the filtered rows.
    h.press("G");
    assert_eq!(h.selected_rel(), "beta/data.bin");
    // Reopening the prompt starts from the current filter; Esc keeps it.
    h.press("f");
    assert!(matches!(&h.state.mode, Mode::Prompt(p) if p.input == "bin"));
    h.type_text("zzz");
    assert_eq!(h.row_paths(), [""], "the root always shows");
    h.press("esc");
    assert_eq!(h.state.rows.options.filter.as_deref(), Some(&b"bin"[..]));
    assert_eq!(h.row_paths().len(), 7);
    // Clearing it with Ctrl-u and Enter removes it.
    h.press("f");
    h.press("ctrl-u");
    h.press("enter");
    assert_eq!(h.state.rows.options.filter, None);
    assert!(h.row_paths().contains(&"link".to_string()));
}

// ---------------------------------------------------------------------------
// Help
// ---------------------------------------------------------------------------

#[test]
fn question_mark_opens_the_help_which_lists_every_binding() {
    let (_f, mut h) = fixture_at((120, 50));
    h.press("?");
    assert_eq!(h.state.mode, Mode::Help { scroll: 0 });
    let screen = h.screen();
    assert!(screen.contains(" help "), "{screen}");
    for (keys, description) in h.state.keymap.help_lines() {
        assert!(screen.contains(description), "help lacks {description:?}:\n{screen}");
        assert!(screen.contains(&keys), "help lacks the keys {keys:?}:\n{screen}");
    }
    // j/k scroll it; any other key closes it without acting.
    h.press("j");
    assert_eq!(h.state.mode, Mode::Help { scroll: 1 });
    h.press("k");
    assert_eq!(h.state.mode, Mode::Help { scroll: 0 });
    let effects = h.press("q");
    assert_eq!(h.state.mode, Mode::Normal);
    assert!(!h.state.screen.quit, "q closes the help, it does not quit");
    assert!(effects.is_empty());
    assert!(!h.screen().contains("Show this help"));
    // (G goes to the end of the help: tests/tui_open.rs.)
    for key in ["x", "esc", "enter", "l"] {
        h.press("?");
        h.press(key);
        assert_eq!(h.state.mode, Mode::Normal, "{key} closes the help");
        assert_eq!(h.state.cursor.row, 0, "{key} only closes the help");
    }
}

// ---------------------------------------------------------------------------
// Preview
// ---------------------------------------------------------------------------

#[test]
fn v_toggles_the_preview_and_loads_it() {
    let (f, mut h) = fixture_at((120, 30));
    h.select("gamma.txt");
    let gamma = h.node("gamma.txt");
    let effects = h.press("v");
    assert!(h.state.inspect.show_preview);
    assert!(
        effects.contains(&Effect::LoadPreview { id: gamma, path: f.root.join("gamma.txt") }),
        "{effects:?}"
    );
    let preview = h.state.inspect.preview.as_ref().expect("preview loaded");
    assert_eq!(preview.id, gamma);
    assert!(
        matches!(&preview.result, Ok(Preview::Text { text, truncated: false }) if text == GAMMA_TEXT)
    );
    let screen = h.screen();
    assert!(screen.contains(" preview "), "{screen}");
    assert!(screen.contains("gamma line one"), "{screen}");
    assert!(screen.contains("gamma line two"), "{screen}");

    // Moving reloads it for the new entry.
    h.select(".hidden");
    assert_eq!(h.state.inspect.preview.as_ref().unwrap().id, h.node(".hidden"));
    assert!(h.screen().contains("secret"));
    // A directory is described, not read.
    h.select("beta");
    assert!(matches!(
        h.state.inspect.preview.as_ref().unwrap().result,
        Ok(Preview::NotRead { kind: FileKind::Dir, .. })
    ));

    let effects = h.press("v");
    assert!(!h.state.inspect.show_preview);
    assert!(!effects.iter().any(|e| matches!(e, Effect::LoadPreview { .. })));
    assert!(!h.screen().contains(" preview "));
    // With the preview off, moving reads no preview.
    let effects = h.press("j");
    assert!(!effects.iter().any(|e| matches!(e, Effect::LoadPreview { .. })), "{effects:?}");
}

// ---------------------------------------------------------------------------
// Quit and suspend
// ---------------------------------------------------------------------------

#[test]
fn q_and_ctrl_c_quit() {
    for key in ["q", "ctrl-c"] {
        let (_f, mut h) = fixture_at(SNAP);
        let effects = h.press(key);
        assert!(h.state.screen.quit, "{key}");
        assert_eq!(effects, [Effect::Quit], "{key}");
    }
    // Ctrl-c quits from a prompt and from the help as well.
    let (_f, mut h) = fixture_at(SNAP);
    h.press("/");
    assert_eq!(h.press("ctrl-c"), [Effect::Quit]);
    assert!(h.state.screen.quit);
    let (_f, mut h) = fixture_at(SNAP);
    h.press("?");
    assert_eq!(h.press("ctrl-c"), [Effect::Quit]);
    assert!(h.state.screen.quit);
    // SIGTERM and friends arrive as Terminate.
    let (_f, mut h) = fixture_at(SNAP);
    assert_eq!(h.send(Msg::Terminate), [Effect::Quit]);
    assert!(h.state.screen.quit);
}

#[test]
fn ctrl_z_asks_to_suspend() {
    let (_f, mut h) = fixture_at(SNAP);
    let effects = update_only(&mut h, key_event("ctrl-z"));
    assert_eq!(effects, [Effect::Suspend]);
    assert!(!h.state.screen.quit);
    // The loop learns it from run_effects.
    assert!(h.io.run_effects(&mut h.state, effects));
    let effects = h.send(Msg::Resumed);
    assert!(effects.is_empty());
    assert!(h.state.screen.needs_draw, "everything is redrawn after a resume");
}

fn update_only(h: &mut Harness, key: KeyEvent) -> Vec<Effect> {
    statree::view::update(&mut h.state, Msg::Key(key))
}

#[test]
fn key_releases_are_ignored() {
    let (_f, mut h) = fixture_at(SNAP);
    let mut release = key_event("j");
    release.kind = KeyEventKind::Release;
    assert!(h.send(Msg::Key(release)).is_empty());
    assert_eq!(h.state.cursor.row, 0);
    let mut release = key_event("q");
    release.kind = KeyEventKind::Release;
    h.send(Msg::Key(release));
    assert!(!h.state.screen.quit);
    // Repeats act like presses.
    let mut repeat = key_event("j");
    repeat.kind = KeyEventKind::Repeat;
    h.send(Msg::Key(repeat));
    assert_eq!(h.state.cursor.row, 1);
}

#[test]
fn unbound_keys_do_nothing() {
    let (_f, mut h) = fixture_at(SNAP);
    for key in ["x", "ctrl-j", "alt-j", "f5", "tab", "esc"] {
        assert!(h.press(key).is_empty(), "{key}");
        assert_eq!(h.state.cursor.row, 0, "{key}");
        assert!(matches!(h.state.mode, Mode::Normal), "{key}");
        assert!(!h.state.screen.quit);
    }
    let shift_down = KeyEvent::new(KeyCode::Down, KeyModifiers::SHIFT);
    h.send(Msg::Key(shift_down));
    assert_eq!(h.state.cursor.row, 0);
}

// ---------------------------------------------------------------------------
// Mouse
// ---------------------------------------------------------------------------

#[test]
fn a_click_selects_the_row_under_it() {
    let (_f, mut h) = fixture_at(SNAP);
    // Screen line 0 is the tree's title; line 1 + i shows row i.
    let effects = h.mouse(click_at(10, 3));
    assert_eq!(h.selected_rel(), "beta");
    assert_eq!(load_meta_ids(&effects), [h.node("beta")]);
    // The title line and the empty space below the rows select nothing.
    h.mouse(click_at(10, 0));
    assert_eq!(h.selected_rel(), "beta");
    h.mouse(click_at(10, 11));
    assert_eq!(h.selected_rel(), "beta");
    // Neither does the status bar.
    h.mouse(click_at(10, 13));
    assert_eq!(h.selected_rel(), "beta");
}

#[test]
fn a_click_accounts_for_the_scroll_offset() {
    let (_f, mut h) = fixture_at((60, 8));
    expand_all(&mut h);
    h.press("G");
    assert_eq!(h.state.cursor.scroll, 6);
    h.mouse(click_at(5, 1));
    assert_eq!(h.state.cursor.row, 6);
    assert_eq!(h.selected_rel(), "beta");
}

#[test]
fn a_double_click_toggles_a_directory() {
    let (_f, mut h) = fixture_at(SNAP);
    let t0 = h.state.screen.now;
    h.mouse(click_at(8, 2));
    assert_eq!(h.selected_rel(), "alpha");
    assert!(!h.state.rows.is_expanded(h.node("alpha")));
    h.state.screen.now = t0 + Duration::from_millis(200);
    h.mouse(click_at(8, 2));
    assert!(h.state.rows.is_expanded(h.node("alpha")), "double click opens");
    assert_eq!(h.selected_rel(), "alpha");
    // A third quick click is a single click again.
    h.state.screen.now = t0 + Duration::from_millis(300);
    h.mouse(click_at(8, 2));
    assert!(h.state.rows.is_expanded(h.node("alpha")));
    h.state.screen.now = t0 + Duration::from_millis(500);
    h.mouse(click_at(8, 2));
    assert!(!h.state.rows.is_expanded(h.node("alpha")), "and a fourth closes it");

    // Two clicks further apart than 400 ms are two single clicks.
    h.state.screen.now = t0 + Duration::from_secs(2);
    h.mouse(click_at(8, 2));
    h.state.screen.now = t0 + Duration::from_secs(2) + Duration::from_millis(401);
    h.mouse(click_at(8, 2));
    assert!(!h.state.rows.is_expanded(h.node("alpha")));
    // Two quick clicks on different rows are two single clicks.
    h.state.screen.now = t0 + Duration::from_secs(4);
    h.mouse(click_at(8, 2));
    h.state.screen.now = t0 + Duration::from_secs(4) + Duration::from_millis(100);
    h.mouse(click_at(8, 3));
    assert_eq!(h.selected_rel(), "beta");
    assert!(!h.state.rows.is_expanded(h.node("alpha")));
    assert!(!h.state.rows.is_expanded(h.node("beta")));
}

#[test]
fn the_wheel_moves_the_selection() {
    let (_f, mut h) = fixture_at(SNAP);
    let effects = h.mouse(mouse(MouseEventKind::ScrollDown, 5, 5));
    assert_eq!(h.state.cursor.row, 3);
    assert_eq!(load_meta_ids(&effects).len(), 1);
    h.mouse(mouse(MouseEventKind::ScrollDown, 5, 5));
    assert_eq!(h.state.cursor.row, 6, "clamped at the last row");
    h.mouse(mouse(MouseEventKind::ScrollDown, 5, 5));
    assert_eq!(h.state.cursor.row, 6);
    h.mouse(mouse(MouseEventKind::ScrollUp, 5, 5));
    assert_eq!(h.state.cursor.row, 3);
    h.mouse(mouse(MouseEventKind::ScrollUp, 5, 5));
    h.mouse(mouse(MouseEventKind::ScrollUp, 5, 5));
    assert_eq!(h.state.cursor.row, 0);
    // Other mouse events do nothing.
    h.mouse(mouse(MouseEventKind::Moved, 5, 5));
    h.mouse(mouse(MouseEventKind::Up(ratatui::crossterm::event::MouseButton::Left), 5, 3));
    assert_eq!(h.state.cursor.row, 0);
}

// ---------------------------------------------------------------------------
// Messages and the empty view
// ---------------------------------------------------------------------------

#[test]
fn status_messages_fade_on_tick() {
    let (_f, mut h) = fixture_at(SNAP);
    h.press("s");
    assert!(h.screen().contains("sorted by size"));
    h.send(Msg::Tick);
    assert!(h.state.screen.status.is_some(), "still fresh");
    h.state.screen.now += statree::view::screen::MESSAGE_TIME;
    h.send(Msg::Tick);
    assert!(h.state.screen.status.is_none());
    let screen = h.screen();
    assert!(!screen.contains("sorted by size"), "{screen}");
    assert!(screen.contains("scanned in 0.01 s"), "the totals come back: {screen}");
}

#[test]
fn the_view_before_any_scan_result_renders_and_counts_no_rows() {
    let state = statree::view::State::new(
        statree::keymap::KeyMap::default(),
        statree::view::ViewOptions::default(),
        std::time::Instant::now(),
    );
    let mut h = Harness {
        state,
        io: statree::exec::InlineExecutor::default(),
        theme: test_theme(),
        roots: Vec::new(),
        tmp_prefix: None,
    };
    for key in ["j", "k", "G", "g", "l", "h", "enter", "pagedown", "s", ".", "v", "n", "?", "x"] {
        assert!(h.press(key).is_empty(), "{key}: nothing to load");
    }
    h.press("/");
    h.type_text("abc");
    h.press("enter");
    h.press("f");
    h.type_text("abc");
    h.press("esc");
    h.mouse(click_at(3, 2));
    h.mouse(mouse(MouseEventKind::ScrollDown, 3, 2));
    assert_eq!(h.state.selected_node(), None);
    for (w, hgt) in [(0, 0), (1, 1), (20, 5), (80, 24), (120, 40)] {
        h.resize(w, hgt);
        h.render(w, hgt);
    }
    h.resize(120, 40);
    h.press("v");
    h.state.screen.status = None;
    let screen = h.screen();
    assert!(screen.contains("nothing selected"), "{screen}");
    assert!(screen.contains("scanning"), "{screen}");
    let status = screen.lines().last().unwrap();
    assert!(status.trim_end().ends_with("0/0"), "no rows, so no row 1: {status:?}");
}

// ---------------------------------------------------------------------------
// Sizes
// ---------------------------------------------------------------------------

#[test]
fn every_size_renders_without_panicking() {
    let (_f, mut h) = fixture_at(SNAP);
    expand_all(&mut h);
    h.select("alpha/big.bin");
    let sizes: Vec<(u16, u16)> = (0..=45u16)
        .step_by(1)
        .flat_map(|w| [0, 1, 2, 3, 5, 8, 13, 24, 25, 40].map(|hgt| (w, hgt)))
        .chain([(20, 5), (1, 1), (0, 0), (99, 30), (100, 8), (100, 7), (100, 9), (39, 24)])
        .chain([(40, 24), (40, 25), (101, 50), (250, 80), (1, 200), (300, 1), (80, 24)])
        .collect();
    let configure: [&dyn Fn(&mut Harness); 5] = [
        &|_h| {},
        &|h| {
            h.press("v");
        },
        &|h| {
            h.press("?");
        },
        &|h| {
            h.press("/");
            h.type_text("big");
        },
        &|h| {
            h.press("f");
            h.type_text("zzz");
        },
    ];
    for setup in configure {
        let (_f2, mut h) = fixture_at(SNAP);
        expand_all(&mut h);
        setup(&mut h);
        for &(w, hgt) in &sizes {
            h.resize(w, hgt);
            assert_eq!(h.state.screen.size, (w, hgt));
            let text = h.render(w, hgt);
            assert_eq!(text.lines().count(), hgt as usize, "{w}x{hgt}");
            // Keys still work at every size.
            h.press("j");
            h.press("k");
            if hgt > 2 {
                let sel = h.state.cursor.row;
                let height = hgt as usize - 2;
                assert!(
                    sel >= h.state.cursor.scroll && sel < h.state.cursor.scroll + height.max(1),
                    "{w}x{hgt}: selection {sel} off screen (scroll {})",
                    h.state.cursor.scroll
                );
            }
        }
    }
}

#[test]
fn a_resize_keeps_the_selection_on_screen() {
    let (_f, mut h) = fixture_at((120, 40));
    expand_all(&mut h);
    h.press("G");
    assert_eq!(h.state.cursor.scroll, 0);
    h.resize(60, 5);
    // 4 lines of tree, 3 rows.
    assert_eq!(h.state.cursor.scroll, 11 + 1 - 3);
    assert!(h.screen().contains("link"));
    h.resize(60, 40);
    assert_eq!(h.state.cursor.scroll, 0, "everything fits again");
}

// ---------------------------------------------------------------------------
// Snapshots (tree-only size: no times, no inode numbers)
// ---------------------------------------------------------------------------

#[test]
fn snapshot_initial_view() {
    let (_f, h) = fixture_at(SNAP);
    insta::assert_snapshot!("initial_view", h.snapshot_frame());
}

#[test]
fn snapshot_expanded_directory() {
    let (_f, mut h) = fixture_at(SNAP);
    h.select("alpha");
    h.press_all(&["l", "l", "l"]);
    insta::assert_snapshot!("expanded_directory", h.snapshot_frame());
}

#[test]
fn snapshot_sorted_by_size_with_hidden_off() {
    let (_f, mut h) = fixture_at(SNAP);
    h.press_all(&["s", "."]);
    insta::assert_snapshot!("sorted_by_size_hidden_off", h.snapshot_frame());
}

#[test]
fn snapshot_help_overlay() {
    let (_f, mut h) = fixture_at(SNAP);
    h.press("?");
    insta::assert_snapshot!("help_overlay", h.snapshot_frame());
}

#[test]
fn snapshot_filter_active() {
    let (_f, mut h) = fixture_at(SNAP);
    h.press("f");
    h.type_text(".txt");
    insta::assert_snapshot!("filter_prompt", h.snapshot_frame());
    h.press("enter");
    insta::assert_snapshot!("filter_accepted", h.snapshot_frame());
}

#[test]
fn directories_collapse_under_a_filter_without_touching_the_unfiltered_view() {
    let (_f, mut h) = fixture_at(SNAP);
    let unfiltered = h.row_paths();
    h.press("f");
    h.type_text(".txt");
    h.press("enter");
    assert_eq!(h.row_paths(), ["", "alpha", "alpha/small.txt", "gamma.txt"]);
    h.select("alpha");
    h.press("enter");
    assert_eq!(h.row_paths(), ["", "alpha", "gamma.txt"]);
    h.press("l");
    assert_eq!(h.row_paths(), ["", "alpha", "alpha/small.txt", "gamma.txt"]);
    h.press("h");
    assert_eq!(h.row_paths(), ["", "alpha", "gamma.txt"]);
    // Clearing the filter brings back the expansion the user had before.
    h.press("f");
    h.press("ctrl-u");
    h.press("enter");
    assert_eq!(h.row_paths(), unfiltered);
}

#[test]
fn the_tree_ignores_the_mouse_while_help_is_open() {
    let (_f, mut h) = fixture_at(SNAP);
    let before = h.state.cursor.row;
    h.press("?");
    h.mouse(mouse(MouseEventKind::ScrollDown, 5, 5));
    assert_eq!(h.state.cursor.row, before);
    assert!(matches!(h.state.mode, Mode::Help { .. }));
}

#[test]
fn owner_names_are_resolved_through_an_effect_and_shown() {
    let (_f, mut h) = fixture_at(SNAP);
    h.select("large.log");
    let uid = h.state.inspect.meta.as_ref().unwrap().result.as_ref().unwrap().stat.uid;
    // The entry itself was read without names; the lookup came back as a message.
    assert!(h.state.inspect.owner_names.users.contains_key(&uid));
    h.state.inspect.owner_names.users.clear();
    let screen = h.render(140, 30);
    assert!(screen.contains("(looking up…)"), "{screen}");
}
