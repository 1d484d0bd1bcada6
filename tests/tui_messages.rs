//! Issue 9 §7 on `TestBackend`: Esc clears a name filter and keeps the
//! selection; status messages name things once, in one format, and can be
//! read whole; the delete dialog and its result count the same thing; a
//! partial delete says what went and what stayed.

mod tui_support;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use statree::view::Mode;
use tui_support::{Fixture, Harness};

const SMALL: (u16, u16) = (80, 24);

fn status(h: &Harness) -> String {
    h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

fn status_line(h: &Harness) -> String {
    h.screen().lines().last().unwrap_or_default().to_string()
}

#[test]
fn esc_clears_an_active_name_filter_and_keeps_the_selected_entry() {
    let fx = Fixture::new();
    let mut h = Harness::fixture(&fx, SMALL);
    h.press("f");
    h.type_text("small");
    h.press("enter");
    h.select("alpha/small.txt");
    assert!(!h.row_paths().contains(&"beta".to_string()), "{:?}", h.row_paths());
    h.press("esc");
    assert_eq!(h.state.rows.options.filter, None, "Esc left the filter on");
    assert!(h.row_paths().contains(&"beta".to_string()), "{:?}", h.row_paths());
    assert_eq!(h.selected_rel(), "alpha/small.txt");
    assert!(!h.screen().contains("filter:"), "{}", h.screen());
}

#[test]
fn emptying_the_filter_in_its_prompt_keeps_the_selected_entry() {
    let fx = Fixture::new();
    let mut h = Harness::fixture(&fx, SMALL);
    h.press("f");
    h.type_text("deep");
    h.press("enter");
    h.select("alpha/nested/deep.bin");
    h.press("f");
    h.press("ctrl-u");
    h.press("enter");
    assert_eq!(h.state.rows.options.filter, None);
    assert_eq!(h.selected_rel(), "alpha/nested/deep.bin");
}

#[test]
fn a_renamed_hostile_name_is_escaped_once_in_the_status_line() {
    let fx = Fixture::new();
    fs::write(fx.root.join(OsStr::from_bytes(b"bad\xffname")), "x").unwrap();
    let mut h = Harness::fixture(&fx, (100, 30));
    let id = h.child_named(b"bad\xffname");
    let row = h.state.rows.position(id).unwrap();
    while h.state.cursor.row < row {
        h.press("j");
    }
    h.press("r");
    h.press("end");
    h.type_text("_2");
    h.press("enter");
    assert!(fx.root.join(OsStr::from_bytes(b"bad\xffname_2")).exists());
    let screen = h.screen();
    // The row and the message show the same text: `bad\xffname_2`.
    assert!(screen.contains("- bad\\xffname_2"), "{screen}");
    assert!(status_line(&h).contains("renamed to bad\\xffname_2"), "{}", status_line(&h));
    assert!(!screen.contains("\\\\x"), "escaped twice: {screen}");
}

#[test]
fn a_failed_rename_says_what_failed_the_name_and_why_once() {
    let fx = Fixture::new();
    let mut h = Harness::fixture(&fx, (100, 30));
    h.select("gamma.txt");
    h.press("r");
    h.press("ctrl-u");
    h.type_text("large.log");
    h.press("enter");
    assert_eq!(
        status(&h),
        "nothing renamed: large.log: already exists (statree never replaces an entry)"
    );
}

#[test]
fn a_message_longer_than_the_line_can_be_read_whole_in_the_log() {
    let fx = Fixture::new();
    let long_name = "a-rather-long-file-name-that-will-not-fit-the-status-line.txt";
    fs::write(fx.root.join(long_name), "x").unwrap();
    let mut h = Harness::fixture(&fx, SMALL);
    h.select("gamma.txt");
    h.press("r");
    h.press("ctrl-u");
    h.type_text(long_name);
    h.press("enter");
    let full = status(&h);
    assert!(full.chars().count() > 80, "{full}");
    let line = status_line(&h);
    assert!(line.contains("(M: all)"), "a cut message says where to read it: {line}");
    h.press("M");
    let Mode::Report(report) = &h.state.mode else { panic!("no log: {:?}", h.state.mode) };
    assert!(report.lines[0].ends_with(&full), "{:?}", report.lines);
    // Drawn wrapped at 80 columns: every word of it is on screen.
    let screen = h.screen();
    let flat: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    for word in full.split_whitespace() {
        assert!(flat.contains(word.trim_start_matches('│')), "{word:?} missing: {screen}");
    }
    assert!(screen.contains("never replaces an entry)"), "{screen}");
    h.press("q");
    assert_eq!(h.state.mode, Mode::Normal);
}

/// `dirs` directories of `files` empty files each under `root/many`.
fn empty_files(root: &Path, dirs: usize, files: usize) -> PathBuf {
    let many = root.join("many");
    for d in 0..dirs {
        let dir = many.join(format!("d{d}"));
        fs::create_dir_all(&dir).unwrap();
        for f in 0..files {
            fs::write(dir.join(format!("f{f}")), "").unwrap();
        }
    }
    many
}

/// The "N entries" and "X apparent" of a line: ("1,021", "84.0 KiB").
fn counted(text: &str) -> (String, String) {
    let words: Vec<&str> = text.split(' ').collect();
    let at = |what: &str| words.iter().position(|w| w.trim_end_matches([',', ')']) == what);
    let entries = at("entries").map(|i| words[i - 1].trim_start_matches('(')).unwrap_or("?");
    let size = at("apparent").map(|i| format!("{} {}", words[i - 2], words[i - 1]));
    (entries.to_string(), size.unwrap_or_default())
}

#[test]
fn the_delete_dialog_and_its_result_count_the_same_apparent_size() {
    let fx = Fixture::new();
    let many = empty_files(&fx.root, 20, 50);
    let mut h = Harness::fixture(&fx, SMALL);
    h.select("many");
    h.press("D");
    let Mode::Confirm(confirm) = &h.state.mode else { panic!("no dialog") };
    let asked = confirm.lines.iter().find(|l| l.contains("entries in all")).unwrap().clone();
    assert!(asked.contains("1,021 entries in all"), "{asked}");
    assert!(asked.contains(" apparent"), "the dialog names what it counts: {asked}");
    h.press("y");
    assert!(!many.exists());
    let done = status(&h);
    assert!(done.contains(" apparent"), "the result names what it counts: {done}");
    let (a, b) = (counted(&asked), counted(&done));
    assert_eq!(a.0, "1,021");
    assert_eq!(a, b, "dialog {asked:?} vs result {done:?}");
}

/// Clears the immutable flag again, so the temp dir can go.
struct Immutable(PathBuf);

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

#[test]
fn a_delete_that_leaves_one_entry_reports_what_went_and_what_stayed() {
    let fx = Fixture::new();
    let many = fx.root.join("many");
    fs::create_dir(&many).unwrap();
    for i in 0..45 {
        fs::write(many.join(format!("f{i:02}")), "data").unwrap();
    }
    let stuck = many.join("f17");
    let ok = Command::new("chattr").arg("+i").arg(&stuck).status().is_ok_and(|s| s.success());
    let _guard = Immutable(stuck.clone());
    if !ok || fs::remove_file(&stuck).is_ok() {
        eprintln!("skipped: this filesystem (or user) cannot make a file immutable");
        return;
    }
    let mut h = Harness::fixture(&fx, SMALL);
    h.select("many");
    h.press_all(&["D", "y"]);
    assert!(stuck.exists());
    assert_eq!(fs::read_dir(&many).unwrap().count(), 1, "the other 44 went");
    let summary = status(&h);
    assert!(!summary.contains("nothing removed"), "{summary}");
    assert!(summary.contains("44 entries"), "{summary}");
    assert!(summary.contains("1 error"), "{summary}");
    let Mode::Report(report) = &h.state.mode else { panic!("no report: {summary}") };
    let text = report.lines.join("\n");
    assert!(text.contains("removed: 44 entries"), "{text}");
    assert!(text.contains("left in place: 1 of 1 item"), "{text}");
    assert!(text.contains("many/f17") && text.contains("not permitted"), "{text}");
}
