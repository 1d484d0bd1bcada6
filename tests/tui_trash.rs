//! The trash key path on `TestBackend`, with this test binary's own trash:
//! `XDG_DATA_HOME` points into a temp dir (set once, before anything else
//! runs, in the only test of this binary), so no real trash is touched.

mod tui_support;

use std::fs;

use statree::view::Mode;
use tui_support::{Fixture, GAMMA_TEXT, Harness};

#[test]
fn d_asks_then_moves_the_marked_entries_to_the_trash() {
    let fx = Fixture::new();
    let data = fx.tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    // SAFETY: the only test in this binary, before any other thread of ours
    // reads the environment.
    unsafe { std::env::set_var("XDG_DATA_HOME", &data) };
    let mut h = Harness::fixture(&fx, (100, 30));
    h.select("gamma.txt");
    h.press("space");
    h.select("beta");
    h.press("space");
    h.press("d");
    let Mode::Confirm(confirm) = &h.state.mode else { panic!("no dialog") };
    assert_eq!(confirm.title, "Move to the trash?");
    assert!(!confirm.danger);
    let text = confirm.lines.join("\n");
    assert!(text.contains("gamma.txt") && text.contains("beta/"), "{text}");
    assert!(text.contains("2 items, 3 entries in all"), "{text}");
    h.press("y");
    let status = h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert_eq!(status, "moved 2 of 2 items to the trash");
    assert!(!fx.root.join("gamma.txt").exists() && !fx.root.join("beta").exists());
    let trash = data.join("Trash");
    assert_eq!(fs::read_to_string(trash.join("files/gamma.txt")).unwrap(), GAMMA_TEXT);
    assert!(trash.join("files/beta/data.bin").exists());
    assert!(trash.join("info/gamma.txt.trashinfo").exists());
    assert!(h.state.tree.find_child(h.root(), b"gamma.txt").is_none());
    assert!(h.state.tree.find_child(h.root(), b"beta").is_none());
}
