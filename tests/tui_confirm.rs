//! Issue 9 §6 and §7 on `TestBackend`: Enter never confirms an irreversible
//! action, the permission editor refuses symlinks, Esc clears a name filter,
//! and status messages name things once and can be read in full.

mod tui_support;

use std::fs;
use std::os::unix::fs::PermissionsExt;

use statree::view::{Effect, Mode};
use tui_support::{Fixture, Harness};

const SMALL: (u16, u16) = (80, 24);

fn status(h: &Harness) -> String {
    h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

fn ran_a_change(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Run { request, .. } if !request.only_counts()))
}

#[test]
fn enter_cancels_a_permanent_delete_and_only_y_confirms_it() {
    let fx = Fixture::new();
    let mut h = Harness::fixture(&fx, SMALL);
    h.select("alpha");
    h.press("D");
    assert!(matches!(h.state.mode, Mode::Confirm(_)));
    let screen = h.screen();
    assert!(screen.contains("y: yes"), "{screen}");
    assert!(screen.contains("Enter: no"), "the dialog says Enter answers no: {screen}");
    let effects = h.press("enter");
    assert!(!ran_a_change(&effects), "{effects:?}");
    assert_eq!(h.state.mode, Mode::Normal);
    assert!(fx.root.join("alpha").exists(), "Enter deleted");
    assert!(status(&h).contains("nothing changed"), "{}", status(&h));
    // The key after the cancelled dialog is an ordinary key again.
    h.press("j");
    assert_eq!(h.selected_rel(), "beta");
    h.press("k");
    h.press_all(&["D", "y"]);
    assert!(!fx.root.join("alpha").exists(), "y did not delete");
}

#[test]
fn enter_cancels_a_recursive_chmod() {
    let fx = Fixture::new();
    fs::set_permissions(fx.root.join("alpha/small.txt"), fs::Permissions::from_mode(0o644))
        .unwrap();
    let mut h = Harness::fixture(&fx, SMALL);
    h.select("alpha");
    // Recursive, everything; clear other/read.
    h.press_all(&["p", "r", "j", "j", "space", "enter"]);
    let Mode::Confirm(confirm) = &h.state.mode else {
        panic!("no confirmation: {:?} {}", h.state.mode, status(&h))
    };
    assert!(confirm.lines.join("\n").contains("Enter: no"), "{:?}", confirm.lines);
    let effects = h.press("enter");
    assert!(!ran_a_change(&effects), "{effects:?}");
    assert_eq!(h.state.mode, Mode::Normal);
    let mode = fs::metadata(fx.root.join("alpha/small.txt")).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o644, "Enter changed modes");
}

#[test]
fn enter_cancels_removing_empty_directories_but_still_confirms_the_trash() {
    let fx = Fixture::new();
    fs::create_dir(fx.root.join("beta/empty")).unwrap();
    let mut h = Harness::fixture(&fx, SMALL);
    h.select("beta");
    h.press("l");
    h.select("beta/empty");
    h.press("x");
    assert!(matches!(h.state.mode, Mode::Confirm(_)));
    let effects = h.press("enter");
    assert!(!ran_a_change(&effects), "{effects:?}");
    assert!(fx.root.join("beta/empty").exists());
    // The trash can be undone: Enter may confirm it.
    h.press("d");
    let Mode::Confirm(confirm) = &h.state.mode else { panic!("no trash dialog") };
    assert!(confirm.lines.join("\n").contains("y / Enter: yes"), "{:?}", confirm.lines);
}
