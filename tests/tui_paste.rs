//! Journeys through `y`, `m` and `P` on `TestBackend` with the inline
//! runner: a copy and a move land on disk and in the tree (through Changes,
//! no full re-scan), the status bar says what the clipboard holds, the
//! collision dialog asks (and `Enter` answers nothing), and a directory is
//! never pasted into itself.

mod tui_support;

use std::fs;

use statree::view::Mode;
use tui_support::{Fixture, GAMMA_TEXT, Harness};

const SIZE: (u16, u16) = (100, 30);

/// Expands `dir` so its entries can be selected.
fn open(h: &mut Harness, dir: &str) {
    h.select(dir);
    h.press("l");
}

fn status(h: &Harness) -> String {
    h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

#[test]
fn y_then_p_copies_into_the_selected_directory() {
    let fx = Fixture::new();
    let mut h = Harness::fixture(&fx, SIZE);
    h.select("gamma.txt");
    h.press("y");
    assert!(status(&h).contains("gamma.txt: copied to the clipboard (P pastes)"), "{}", status(&h));
    h.state.screen.status = None;
    assert!(
        h.screen().contains("1 to copy"),
        "the status bar shows the clipboard:\n{}",
        h.screen()
    );
    h.select("alpha");
    h.press("P");
    assert_eq!(fs::read_to_string(fx.root.join("alpha/gamma.txt")).unwrap(), GAMMA_TEXT);
    assert_eq!(fs::read_to_string(fx.root.join("gamma.txt")).unwrap(), GAMMA_TEXT);
    h.node("alpha/gamma.txt");
    assert!(status(&h).starts_with("copied 1 of 1 item"), "{}", status(&h));
    // The clipboard still holds it: a second paste elsewhere works too.
    open(&mut h, "beta");
    h.select("beta/data.bin");
    h.press("P");
    assert!(fx.root.join("beta/gamma.txt").exists());
}

#[test]
fn m_then_p_moves_and_empties_the_clipboard() {
    let fx = Fixture::new();
    let mut h = Harness::fixture(&fx, SIZE);
    open(&mut h, "alpha");
    h.select("alpha/nested");
    h.press("m");
    assert!(status(&h).contains("nested: marked for a move (P moves)"), "{}", status(&h));
    h.select("beta");
    h.press("P");
    assert!(!fx.root.join("alpha/nested").exists());
    assert!(fx.root.join("beta/nested/deep.bin").exists());
    h.node("beta/nested");
    assert!(h.row_paths().iter().all(|p| p != "alpha/nested"), "{:?}", h.row_paths());
    assert_eq!(status(&h), "moved 1 of 1 item", "a rename: no figures");
    assert!(h.state.clipboard.items.is_empty());
    h.press("P");
    assert!(status(&h).contains("clipboard is empty"), "{}", status(&h));
}

#[test]
fn a_collision_asks_and_enter_answers_nothing() {
    let fx = Fixture::new();
    fs::write(fx.root.join("small.txt"), b"the old one").unwrap();
    let mut h = Harness::fixture(&fx, SIZE);
    open(&mut h, "alpha");
    h.select("alpha/small.txt");
    h.press("y");
    h.select("gamma.txt");
    h.press("P");
    let Mode::Paste(_) = &h.state.mode else { panic!("no dialog: {:?}", h.state.mode) };
    let screen = h.screen();
    assert!(screen.contains("name exists"), "{screen}");
    assert!(screen.contains("o: overwrite"), "{screen}");
    h.press("enter");
    assert!(matches!(h.state.mode, Mode::Paste(_)), "Enter does not answer");
    assert_eq!(fs::read(fx.root.join("small.txt")).unwrap(), b"the old one");
    h.press("esc");
    assert_eq!(h.state.mode, Mode::Normal);
    assert_eq!(fs::read(fx.root.join("small.txt")).unwrap(), b"the old one");

    h.press("P");
    h.press("b");
    assert_eq!(h.state.mode, Mode::Normal);
    assert!(fx.root.join("small.txt (1)").exists());
    assert_eq!(fs::read(fx.root.join("small.txt")).unwrap(), b"the old one");

    h.press("P");
    h.press("s");
    assert_eq!(fs::read(fx.root.join("small.txt")).unwrap(), b"the old one");

    h.press("P");
    h.press("o");
    assert_ne!(fs::read(fx.root.join("small.txt")).unwrap(), b"the old one");
    assert_eq!(
        fs::read(fx.root.join("small.txt")).unwrap(),
        fs::read(fx.root.join("alpha/small.txt")).unwrap()
    );
}

#[test]
fn a_directory_is_never_pasted_into_itself() {
    let fx = Fixture::new();
    let mut h = Harness::fixture(&fx, SIZE);
    h.select("alpha");
    h.press("y");
    open(&mut h, "alpha");
    h.select("alpha/nested");
    h.press("P");
    assert!(status(&h).contains("into itself"), "{}", status(&h));
    assert!(!fx.root.join("alpha/nested/alpha").exists());
    assert_eq!(fs::read_dir(fx.root.join("alpha/nested")).unwrap().count(), 1);
}

/// The progress line of a running paste: entries, bytes, rate and time left.
#[test]
fn the_progress_line_shows_entries_bytes_rate_and_time_left() {
    use statree::model::paste::MeterHandle;
    use statree::view::Running;
    use statree::view::request::CancelFlag;

    let fx = Fixture::new();
    let mut h = Harness::fixture(&fx, SIZE);
    let meter = MeterHandle::default();
    meter.0.set_totals(100, 400 << 20);
    for _ in 0..25 {
        meter.0.add_entry();
    }
    meter.0.add_bytes(100 << 20);
    h.state.clipboard.meter = Some(meter);
    h.state.screen.status = None;
    h.state.jobs.running = Some(Running {
        label: statree::view::OpRequest::label_of_paste(statree::model::paste::PasteMode::Copy),
        started: h.state.screen.now - std::time::Duration::from_secs(2),
        progress: 0,
        cancel: CancelFlag::default(),
    });
    let screen = h.render(140, 30);
    let line = screen.lines().last().unwrap_or_default().to_string();
    assert!(line.contains("pasting a copy · 25 of 100 entries"), "{line}");
    assert!(line.contains("100.0 MiB of 400.0 MiB"), "{line}");
    assert!(line.contains("50.0 MiB/s"), "{line}");
    assert!(line.contains("6 s left"), "{line}");
    assert!(line.contains("Esc cancels"), "{line}");
}
