//! Journeys that move the view's root on `TestBackend`: `-` / Backspace
//! make the root's parent the root (the subtree kept, only the siblings
//! scanned), `z` zooms into a directory and `-` goes back out past the
//! original root, `:` goes to a path with `Tab` completion, the title's
//! breadcrumb, and deep names that stay readable at 80×24.

mod tui_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use statree::exec::InlineExecutor;
use statree::keymap::KeyMap;
use statree::view::{State, ViewOptions};

use statree::model::NodeId;
use statree::scan::{Batch, EntryStat, Parent, ScanEvent};
use statree::view::{Effect, Mode, Msg};
use tui_support::*;

const SIZE: (u16, u16) = (80, 24);

/// `<tmp>/top` holding `root/` (the scanned root: `alpha/nested/deep.txt`,
/// `alpha/alps/`, `beta/`, `file.txt`), and the siblings `sib/` (two files)
/// and `note.txt`.
struct Up {
    tmp: tempfile::TempDir,
    top: PathBuf,
    root: PathBuf,
}

fn up_fixture() -> Up {
    let tmp = fixed_length_tempdir();
    let top = tmp.path().join("top");
    let root = top.join("root");
    fs::create_dir_all(root.join("alpha/nested")).unwrap();
    fs::create_dir_all(root.join("alpha/alps")).unwrap();
    fs::create_dir_all(root.join("beta")).unwrap();
    fs::write(root.join("alpha/nested/deep.txt"), "deep").unwrap();
    fs::write(root.join("file.txt"), "f").unwrap();
    fs::create_dir_all(top.join("sib")).unwrap();
    fs::write(top.join("sib/one"), "1").unwrap();
    fs::write(top.join("sib/two"), "22").unwrap();
    fs::write(top.join("note.txt"), "n").unwrap();
    Up { tmp, top, root }
}

fn scan(roots: Vec<PathBuf>, tmp: &Path) -> Harness {
    let mut h = Harness::scan(roots, SIZE);
    h.tmp_prefix = Some(tmp.to_path_buf());
    h
}

fn title(h: &Harness) -> String {
    h.screen().lines().next().unwrap().to_string()
}

fn names_under(h: &Harness, id: NodeId) -> Vec<String> {
    let tree = &h.state.tree;
    let mut names: Vec<String> =
        tree.children(id).map(|c| String::from_utf8_lossy(tree.name(c)).into_owned()).collect();
    names.sort();
    names
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

#[test]
fn minus_makes_the_parent_the_root_keeping_the_scanned_subtree() {
    let fx = up_fixture();
    let mut h = scan(vec![fx.root.clone()], fx.tmp.path());
    let old_root = h.root();
    let deep = h.node("alpha/nested/deep.txt");
    let slots = h.state.tree.len();
    h.select("beta");

    let effects = h.press("-");
    // One scan, of the parent, told not to enter the old root.
    assert_eq!(scans_asked(&effects), [(fx.top.clone(), vec![fx.root.clone()])]);
    let top = h.root();
    assert_eq!(h.state.tree.path(top), fx.top);
    assert_eq!(h.state.tree.parent(old_root), Some(top));
    assert_eq!(names_under(&h, top), ["note.txt", "root", "sib"]);
    assert_eq!(names_under(&h, h.node("sib")), ["one", "two"]);
    // The subtree is the same nodes: nothing under it was read again. The
    // new slots are the new root, the parent's three entries (the old
    // root's listed twin among them, taken out again) and sib's two.
    assert!(h.state.tree.is_live(deep));
    assert_eq!(h.node("root/alpha/nested/deep.txt"), deep);
    assert_eq!(h.state.tree.len(), slots + 1 + 3 + 2);
    // The selection stayed; the title is the new root's breadcrumb.
    assert_eq!(h.selected_rel(), "root/beta");
    let line = title(&h);
    assert!(line.contains("› top ·"), "{line}");
    let screen = h.screen();
    assert!(screen.contains("sib") && screen.contains("note.txt"), "{screen}");
    // The totals count the new entries once.
    assert_eq!(h.state.tree.totals().entries, 7 + 5);
}

#[test]
fn backspace_goes_up_too_and_a_second_press_goes_up_again() {
    let fx = up_fixture();
    let mut h = scan(vec![fx.root.clone()], fx.tmp.path());
    h.press("backspace");
    assert_eq!(h.state.tree.path(h.root()), fx.top);
    // Up again: the temporary directory holding `top`, and nothing else.
    let effects = h.press("backspace");
    assert_eq!(scans_asked(&effects), [(fx.tmp.path().to_path_buf(), vec![fx.top.clone()])]);
    assert_eq!(h.state.tree.path(h.root()), fx.tmp.path());
    assert_eq!(names_under(&h, h.root()), ["top"]);
}

#[test]
fn minus_at_slash_says_so_and_changes_nothing() {
    let mut state = State::new(KeyMap::default(), ViewOptions::default(), Instant::now());
    state.screen.size = SIZE;
    let io = InlineExecutor::default();
    let mut h = Harness { state, io, theme: test_theme(), roots: Vec::new(), tmp_prefix: None };
    // A root `/` that was not walked (the test does not scan the disk).
    let mut batch = Batch::new(0, Parent::Root(0), Arc::from(Path::new("/")), 0, 1);
    let stat = EntryStat { mode: 0o040_755, nlink: 2, ..EntryStat::default() };
    // Pending (descend): a walk "fills" it, so nothing lists `/` for real.
    batch.push(b"/", Some(stat), stat.kind(), None, true, false, None);
    h.send(Msg::Scan(ScanEvent::Batch(batch)));
    let root = h.root();
    let effects = h.press("-");
    assert!(scans_asked(&effects).is_empty(), "{effects:?}");
    assert_eq!(h.root(), root);
    assert_eq!(h.state.tree.path(root), Path::new("/"));
    let status = h.screen().lines().last().unwrap().to_string();
    assert!(status.contains("already at /"), "{status}");
}

#[test]
fn z_zooms_without_a_scan_and_minus_goes_out_past_the_original_root() {
    let fx = up_fixture();
    let mut h = scan(vec![fx.root.clone()], fx.tmp.path());
    let slots = h.state.tree.len();
    h.select("alpha");
    let effects = h.press("z");
    assert!(scans_asked(&effects).is_empty(), "a zoom scans nothing: {effects:?}");
    // The zoomed directory's own listing is read again, as opening it is.
    let alpha = h.node("alpha");
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Relist { dir, .. } if *dir == alpha)),
        "{effects:?}"
    );
    assert_eq!(h.state.tree.len(), slots);
    assert_eq!(h.row_paths()[0], "alpha");
    assert!(!h.row_paths().contains(&"beta".to_string()), "{:?}", h.row_paths());
    let line = title(&h);
    assert!(line.contains("› root › alpha ·"), "{line}");

    // Out: the original root again, the zoomed directory still selected.
    let effects = h.press("-");
    assert!(scans_asked(&effects).is_empty(), "{effects:?}");
    assert_eq!(h.row_paths()[0], "");
    assert!(h.row_paths().contains(&"beta".to_string()));
    assert_eq!(h.selected_rel(), "alpha");
    // And past it: the parent becomes the root, the siblings appear.
    h.press("-");
    assert_eq!(h.state.tree.path(h.root()), fx.top);
    assert_eq!(names_under(&h, h.root()), ["note.txt", "root", "sib"]);
    assert_eq!(h.selected_rel(), "root/alpha");
}

#[test]
fn z_on_a_file_does_nothing_but_say_so() {
    let fx = up_fixture();
    let mut h = scan(vec![fx.root.clone()], fx.tmp.path());
    h.select("file.txt");
    let rows = h.row_paths();
    h.press("z");
    assert_eq!(h.row_paths(), rows);
    assert!(h.screen().lines().last().unwrap().contains("not a directory"));
}

#[test]
fn minus_with_two_roots_moves_only_the_selected_entrys_root() {
    let fx = up_fixture();
    let other = fx.tmp.path().join("other");
    fs::create_dir_all(other.join("b/inner")).unwrap();
    fs::write(other.join("beside.txt"), "x").unwrap();
    let mut h = scan(vec![fx.root.clone(), other.join("b")], fx.tmp.path());
    let roots: Vec<NodeId> = h.state.tree.roots().collect();
    // Select the second root's child.
    let inner = h.state.tree.find_child(roots[1], b"inner").unwrap();
    let row = h.state.rows.position(inner).unwrap();
    while h.state.cursor.row < row {
        h.press("j");
    }
    h.press("-");
    let now: Vec<NodeId> = h.state.tree.roots().collect();
    assert_eq!(now[0], roots[0], "the first root did not move");
    assert_eq!(h.state.tree.path(now[1]), other);
    assert_eq!(names_under(&h, now[1]), ["b", "beside.txt"]);
    assert_eq!(h.state.tree.path(now[0]), fx.root);
    assert_eq!(h.state.selected_node(), Some(inner));
}

/// Opens `:` and types `text`.
fn goto_typed(h: &mut Harness, text: &str) {
    h.press(":");
    assert!(matches!(h.state.mode, Mode::Goto(_)));
    h.type_text(text);
}

fn goto_line(h: &Harness) -> String {
    match &h.state.mode {
        Mode::Goto(prompt) => String::from_utf8(prompt.line.to_bytes()).unwrap(),
        other => panic!("no goto prompt: {other:?}"),
    }
}

#[test]
fn tab_completes_one_directory_lists_several_and_says_when_none() {
    let fx = up_fixture();
    let mut h = scan(vec![fx.root.clone()], fx.tmp.path());
    // Relative to the view's root: alpha/ holds nested/ and alps/.
    goto_typed(&mut h, "alpha/n");
    h.press("tab");
    assert_eq!(goto_line(&h), "alpha/nested/");
    // Several: the line grows to what they share and they are listed.
    h.press_all(&["ctrl-u"]);
    h.type_text("al");
    h.press("tab");
    assert_eq!(goto_line(&h), "alpha/");
    h.press_all(&["ctrl-u"]);
    h.type_text("alpha/");
    h.press("tab");
    assert_eq!(goto_line(&h), "alpha/");
    let status = h.screen().lines().last().unwrap().to_string();
    assert!(status.contains("alps/") && status.contains("nested/"), "{status}");
    // None: said in the status line, the line kept.
    h.type_text("zz");
    h.press("tab");
    assert_eq!(goto_line(&h), "alpha/zz");
    let log: Vec<String> = h.state.screen.message_log.iter().map(|m| m.text.clone()).collect();
    assert!(log.iter().any(|m| m.contains("no directory starts with zz")), "{log:?}");
    h.press("esc");
    assert!(matches!(h.state.mode, Mode::Normal));
}

#[test]
fn goto_a_bad_path_says_why_and_leaves_the_view_as_it_was() {
    let fx = up_fixture();
    let mut h = scan(vec![fx.root.clone()], fx.tmp.path());
    let rows = h.row_paths();
    let root = h.root();
    goto_typed(&mut h, "no-such-dir");
    h.press("enter");
    let status = h.screen().lines().last().unwrap().to_string();
    assert!(status.contains("cannot go to"), "{status}");
    let said = &h.state.screen.message_log.iter().last().unwrap().text;
    assert!(said.ends_with("no-such-dir: No such file or directory"), "{said}");
    goto_typed(&mut h, "file.txt");
    h.press("enter");
    let status = h.screen().lines().last().unwrap().to_string();
    assert!(status.contains("not a directory"), "{status}");
    assert_eq!(h.row_paths(), rows);
    assert_eq!(h.root(), root);
    assert!(matches!(h.state.mode, Mode::Normal));
}

#[test]
fn goto_inside_the_tree_is_a_zoom_and_elsewhere_a_fresh_scan() {
    let fx = up_fixture();
    let mut h = scan(vec![fx.root.clone()], fx.tmp.path());
    let slots = h.state.tree.len();
    let nested = h.node("alpha/nested");
    goto_typed(&mut h, "alpha/nested");
    h.press("enter");
    // The same tree, nothing scanned: a zoom.
    assert_eq!(h.state.tree.len(), slots);
    assert_eq!(h.state.rows.top, Some(nested));
    assert_eq!(h.row_paths()[0], "alpha/nested");
    assert!(title(&h).contains("› alpha › nested ·"), "{}", title(&h));

    // Outside the tree: the old tree is dropped and the target scanned.
    let sib = fx.top.join("sib");
    goto_typed(&mut h, &sib.to_string_lossy());
    h.press("enter");
    assert_eq!(h.state.tree.roots().count(), 1);
    assert_eq!(h.state.tree.path(h.root()), sib);
    assert_eq!(names_under(&h, h.root()), ["one", "two"]);
    assert_eq!(h.state.tree.totals().entries, 3);
    assert!(!h.state.scanning(), "the new scan's end ends the scanning");
    assert!(title(&h).contains("› top › sib ·"), "{}", title(&h));
    // A late event of the first scan is not applied to the new tree.
    let late = Batch::new(99, Parent::Root(0), Arc::from(Path::new("/x")), 0, 1);
    h.send(Msg::Scan(ScanEvent::Batch(late)));
    assert_eq!(h.state.tree.roots().count(), 1);
}

#[test]
fn goto_tilde_is_the_home_directory() {
    let fx = up_fixture();
    let mut h = scan(vec![fx.root.clone()], fx.tmp.path());
    h.state.nav.home = Some(fx.top.join("sib"));
    goto_typed(&mut h, "~");
    h.press("enter");
    assert_eq!(h.state.tree.path(h.root()), fx.top.join("sib"));
    // `~/` completes below it.
    goto_typed(&mut h, "~/");
    h.press("tab");
    assert_eq!(goto_line(&h), "~/");
}

/// A chain of 20 directories with 24-character names below `deep`, the
/// last holding a file whose name is 30 characters long.
fn deep_fixture() -> (tempfile::TempDir, PathBuf, Vec<String>) {
    let tmp = fixed_length_tempdir();
    let root = tmp.path().join("deep");
    let names: Vec<String> = (1..=20).map(|i| format!("level-{i:02}-directory-name")).collect();
    let mut dir = root.clone();
    for name in &names {
        dir = dir.join(name);
    }
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("the-deepest-file-is-readable.txt"), "x").unwrap();
    (tmp, root, names)
}

#[test]
fn at_depth_twenty_in_80_columns_the_selected_name_is_whole() {
    let (tmp, root, names) = deep_fixture();
    let mut h = scan(vec![root.clone()], tmp.path());
    // Open every level and walk down to the file.
    for _ in 0..names.len() {
        h.press("l");
        h.press("j");
    }
    h.press("l");
    assert_eq!(h.state.tree.name(h.state.selected_node().unwrap()), names[19].as_bytes());
    h.press("l");
    h.press("j");
    let file = h.state.selected_node().unwrap();
    assert_eq!(h.state.tree.name(file), b"the-deepest-file-is-readable.txt");
    let screen = h.render(80, 24);
    let row = screen
        .lines()
        .find(|l| l.contains("the-deepest-file-is-readable.txt"))
        .unwrap_or_else(|| panic!("the deepest name is cut:\n{screen}"));
    // The folded indentation says how deep the row is.
    assert!(row.contains("…21"), "{row}");
    assert!(screen.contains(&names[19]), "its directory's name is whole too:\n{screen}");

    // Zoomed at depth 19: the breadcrumb fits the title and ends in the
    // zoomed directory, its leading directories elided.
    h.select(&names[..19].join("/"));
    h.press("z");
    let line = h.render(80, 24).lines().next().unwrap().to_string();
    assert!(line.starts_with(" … › "), "{line}");
    assert!(line.contains(&format!("› {} ·", names[18])), "{line}");
    assert!(line.contains("sort: name"), "{line}");
}

#[test]
fn goto_below_a_root_given_through_a_symlink_is_a_zoom() {
    let fx = up_fixture();
    // The root is named through a symlinked directory above it (as
    // `/tmp` is on some systems).
    let link_top = fx.tmp.path().join("link");
    std::os::unix::fs::symlink(&fx.top, &link_top).unwrap();
    let link = link_top.join("root");
    let mut h = scan(vec![link.clone()], fx.tmp.path());
    let slots = h.state.tree.len();
    let nested = h.node("alpha/nested");
    // The target resolves to its real path, below the link's target.
    let real = fs::canonicalize(fx.root.join("alpha/nested")).unwrap();
    goto_typed(&mut h, &real.to_string_lossy());
    let effects = h.press("enter");
    assert!(scans_asked(&effects).is_empty(), "{effects:?}");
    assert_eq!(h.state.tree.len(), slots);
    assert_eq!(h.state.tree.path(h.root()), link);
    assert_eq!(h.state.rows.top, Some(nested));
}

/// The metadata pane's path line of the 80×24 frame (the line below its
/// top border).
fn meta_path_line(h: &Harness) -> String {
    let screen = h.render(80, 24);
    let mut lines = screen.lines().skip_while(|l| !l.starts_with("┌ metadata"));
    lines.nth(1).unwrap_or_else(|| panic!("no metadata pane:\n{screen}")).to_string()
}

#[test]
fn at_depth_twenty_in_80_columns_the_path_from_the_root_is_one_line() {
    let (tmp, root, names) = deep_fixture();
    let mut h = scan(vec![root.clone()], tmp.path());
    for _ in 0..names.len() {
        h.press("l");
        h.press("j");
    }
    h.press("l");
    h.press("j");
    let file = "the-deepest-file-is-readable.txt";
    assert_eq!(h.state.tree.name(h.state.selected_node().unwrap()), file.as_bytes());
    // From the root, its middle elided, the name whole.
    let line = meta_path_line(&h);
    let shown = line.trim_start_matches('│').trim_end();
    assert_eq!(shown, format!("deep/…/{}/{file}", names[19]));

    // A shallower directory: as much of the tail as fits, in order.
    h.select(&names[..12].join("/"));
    let line = meta_path_line(&h);
    let shown = line.trim_start_matches('│').trim_end();
    assert_eq!(shown, format!("deep/…/{}/{}/{}", names[9], names[10], names[11]));
    assert!(shown.chars().count() <= 79, "{shown}");

    // Zoomed: relative to the zoomed directory.
    h.select(&names[..10].join("/"));
    h.press("z");
    h.select(&names[..12].join("/"));
    let line = meta_path_line(&h);
    let shown = line.trim_start_matches('│').trim_end();
    assert_eq!(shown, format!("{}/{}/{}", names[9], names[10], names[11]));

    // `i` shows the whole path.
    h.press("i");
    let screen: String = h.render(80, 24).lines().map(str::trim_end).collect();
    let full = root.join(names[..12].join("/"));
    assert!(screen.contains(&*full.to_string_lossy()), "{screen}");
}

#[test]
fn the_path_line_from_the_root_is_sanitized() {
    let tmp = fixed_length_tempdir();
    let root = tmp.path().join("r");
    // Long enough that the line is the path from the root, not the whole.
    let odd = root.join(format!("a\x1b[31mred\nline-{}", "x".repeat(45)));
    fs::create_dir_all(&odd).unwrap();
    fs::write(odd.join("f\x07.txt"), "x").unwrap();
    let mut h = scan(vec![root.clone()], tmp.path());
    h.press("l");
    h.press("j");
    h.press("l");
    h.press("j");
    assert_eq!(h.state.tree.name(h.state.selected_node().unwrap()), b"f\x07.txt");
    let line = meta_path_line(&h);
    assert!(!line.chars().any(is_dangerous_char), "{line:?}");
    assert!(line.starts_with(r"│r/a\x1b[31mred\nline-xxx"), "{line:?}");
    assert!(line.trim_end().ends_with(r"x/f\x07.txt"), "{line:?}");
}
