//! Issue 9 §3 on `TestBackend`: the delete and trash confirmations count
//! what is on disk, not what the scan saw. A directory changed while it was
//! collapsed (not watched) is counted as it is now; the count runs as an
//! action (progress in the status bar, Esc cancels it) before the dialog
//! opens; and the result of the delete reports the same figures.

mod tui_support;

use std::fs;
use std::path::Path;

use statree::fmt::human_size;
use statree::view::{Effect, Mode, Msg, OpRequest, update};
use tui_support::{Fixture, Harness, key_event};

const SIZE: (u16, u16) = (100, 30);

fn status(h: &Harness) -> String {
    h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

/// `pop/` holding one file of 1,000 bytes when the scan runs.
fn fixture_with_pop() -> (Fixture, std::path::PathBuf) {
    let fx = Fixture::new();
    let pop = fx.root.join("pop");
    fs::create_dir(&pop).unwrap();
    fs::write(pop.join("one"), [b'x'; 1000]).unwrap();
    (fx, pop)
}

/// Two more files in `pop/` behind the view's back: on disk it is now 4
/// entries (itself and three files) where the scan saw 2.
fn grow_pop(pop: &Path) {
    fs::write(pop.join("two"), [b'x'; 1000]).unwrap();
    fs::write(pop.join("three"), [b'x'; 1000]).unwrap();
}

/// What `pop/` weighs on disk now, as the dialog and the result name it.
fn pop_apparent(pop: &Path) -> String {
    human_size(fs::symlink_metadata(pop).unwrap().len() + 3000)
}

#[test]
fn the_delete_dialog_counts_a_directory_changed_while_collapsed_from_the_disk() {
    let (fx, pop) = fixture_with_pop();
    let mut h = Harness::fixture(&fx, SIZE);
    let pop_id = h.node("pop");
    assert_eq!(h.state.tree.dir(pop_id).unwrap().total_entries, 1, "the scan saw one file");
    grow_pop(&pop);
    h.select("pop");
    assert!(!h.state.rows.is_expanded(pop_id), "collapsed: nothing watches it");
    h.press("D");
    let Mode::Confirm(confirm) = &h.state.mode else {
        panic!("no dialog: {:?} {}", h.state.mode, status(&h))
    };
    assert_eq!(confirm.title, "Delete permanently?");
    assert!(confirm.danger);
    let text = confirm.lines.join("\n");
    let size = pop_apparent(&pop);
    assert!(
        text.contains(&format!("1 item, 4 entries in all, {size} apparent (counted on disk)")),
        "the disk's 4 entries, not the scan's 2: {text}"
    );
    // The rules of the dialog are unchanged: Enter answers no.
    assert!(text.contains("y: yes    n / Esc / Enter: no"), "{text}");
    h.press("enter");
    assert_eq!(h.state.mode, Mode::Normal);
    assert!(pop.join("three").exists(), "Enter deleted");
    h.press_all(&["D", "y"]);
    assert!(!pop.exists());
    let done = status(&h);
    assert!(
        done.starts_with(&format!("deleted 1 of 1 item (4 entries, {size} apparent)")),
        "{done}"
    );
}

#[test]
fn the_trash_dialog_counts_from_the_disk_too() {
    let (fx, pop) = fixture_with_pop();
    let mut h = Harness::fixture(&fx, SIZE);
    grow_pop(&pop);
    h.select("gamma.txt");
    h.press("space");
    h.select("pop");
    h.press("space");
    h.press("d");
    let Mode::Confirm(confirm) = &h.state.mode else { panic!("no dialog: {}", status(&h)) };
    assert_eq!(confirm.title, "Move to the trash?");
    assert!(!confirm.danger);
    let text = confirm.lines.join("\n");
    // gamma.txt, and pop with its three files.
    assert!(text.contains("2 items, 5 entries in all"), "{text}");
    assert!(text.contains("y / Enter: yes"), "{text}");
    h.press("esc");
    assert_eq!(h.state.mode, Mode::Normal);
    assert!(pop.join("three").exists() && fx.root.join("gamma.txt").exists());
}

#[test]
fn the_count_runs_as_an_action_and_esc_cancels_it_before_any_dialog() {
    let (fx, pop) = fixture_with_pop();
    let mut h = Harness::fixture(&fx, SIZE);
    h.select("pop");
    // The key alone: the count is asked for, and run here by hand, so the
    // state in between can be read.
    let effects = update(&mut h.state, Msg::Key(key_event("D")));
    let Some(Effect::Run { request, cancel }) =
        effects.into_iter().find(|e| matches!(e, Effect::Run { .. }))
    else {
        panic!("no action asked for");
    };
    assert!(matches!(request, OpRequest::CountRemove { permanent: true, .. }), "{request:?}");
    assert!(request.only_counts());
    assert_eq!(h.state.mode, Mode::Normal, "no dialog before the count lands");
    assert!(h.screen().contains("counting entries"), "{}", h.screen());
    update(&mut h.state, Msg::Key(key_event("esc")));
    assert!(cancel.is_cancelled());
    let outcome = statree::exec::action::execute(request, &cancel.0, &|_| {});
    update(&mut h.state, Msg::OpDone(outcome));
    assert_eq!(h.state.mode, Mode::Normal, "a cancelled count opens no dialog");
    assert!(status(&h).contains("nothing changed"), "{}", status(&h));
    assert!(pop.join("one").exists());
    assert!(h.state.jobs.running.is_none());
}

#[test]
fn an_entry_replaced_before_the_count_is_refused_with_a_message() {
    let (fx, pop) = fixture_with_pop();
    let mut h = Harness::fixture(&fx, SIZE);
    h.select("pop");
    // Replaced by another directory of the same name: the count refuses it,
    // as the delete would.
    fs::rename(&pop, fx.root.join("pop-old")).unwrap();
    fs::create_dir(&pop).unwrap();
    h.press("D");
    assert_eq!(h.state.mode, Mode::Normal, "no dialog for an entry that changed");
    let said = status(&h);
    assert!(said.starts_with("nothing removed: pop: changed since it was shown"), "{said}");
    assert!(pop.exists() && fx.root.join("pop-old/one").exists());
}
