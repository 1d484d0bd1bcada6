use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::*;
use crate::model::{Identity, NodeId};

const FILE: u32 = 0o100_000;
const DIR: u32 = 0o040_000;
const LINK: u32 = 0o120_000;

fn target(id: u32, mode: u32, nlink: u64) -> PermTarget {
    PermTarget {
        id: NodeId(id),
        path: PathBuf::from(format!("/t/e{id}")),
        identity: Identity {
            dev: 1,
            ino: u64::from(id),
            kind: FileKind::from_mode(mode),
            birth: None,
        },
        mode,
        nlink,
        parents: Vec::new(),
    }
}

fn one(mode: u32) -> PermEditor {
    PermEditor::new(vec![target(1, mode, 1)]).expect("one target")
}

fn press(editor: &mut PermEditor, code: KeyCode) -> PermOutcome {
    editor.on_key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn chars(editor: &mut PermEditor, text: &str) -> PermOutcome {
    let mut last = PermOutcome::Continue;
    for ch in text.chars() {
        last = press(editor, KeyCode::Char(ch));
    }
    last
}

fn apply(editor: &mut PermEditor) -> PermRequest {
    match press(editor, KeyCode::Enter) {
        PermOutcome::Apply(request) => request,
        other => panic!("Enter did not apply: {other:?}"),
    }
}

/// Moves the cursor to (row, col) from anywhere with `h`/`k` then `j`/`l`.
fn go(editor: &mut PermEditor, row: usize, col: usize) {
    chars(editor, "kkkhhhh");
    for _ in 0..row {
        chars(editor, "j");
    }
    for _ in 0..col {
        chars(editor, "l");
    }
    assert_eq!(editor.cursor(), (row, col));
}

#[test]
fn no_targets_no_editor() {
    assert!(PermEditor::new(Vec::new()).is_none());
}

#[test]
fn a_single_target_shows_its_mode_exactly() {
    let editor = one(FILE | 0o755);
    assert_eq!(editor.octal_text(), "0755");
    assert_eq!(editor.symbolic_text(), "-rwxr-xr-x");
    assert_eq!(editor.new_mode(), Some(0o755));
    assert_eq!(editor.cursor(), (0, 0));
    let expected = [
        [CellState::Set, CellState::Set, CellState::Set, CellState::Clear],
        [CellState::Set, CellState::Clear, CellState::Set, CellState::Clear],
        [CellState::Set, CellState::Clear, CellState::Set, CellState::Clear],
    ];
    for (row, cells) in expected.iter().enumerate() {
        for (col, cell) in cells.iter().enumerate() {
            assert_eq!(editor.cell(row, col), *cell, "cell ({row}, {col})");
        }
    }
    assert!(editor.warnings().is_empty());
}

#[test]
fn special_bits_read_as_ls_does() {
    assert_eq!(one(FILE | 0o4755).symbolic_text(), "-rwsr-xr-x");
    assert_eq!(one(FILE | 0o2745).symbolic_text(), "-rwxr-Sr-x");
    assert_eq!(one(DIR | 0o1777).symbolic_text(), "drwxrwxrwt");
    assert_eq!(one(DIR | 0o1776).symbolic_text(), "drwxrwxrwT");
    assert_eq!(one(DIR | 0o1776).octal_text(), "1776");
}

#[test]
fn arrows_and_hjkl_move_within_the_grid() {
    let mut editor = one(FILE | 0o644);
    press(&mut editor, KeyCode::Right);
    assert_eq!(editor.cursor(), (0, 1));
    press(&mut editor, KeyCode::Down);
    assert_eq!(editor.cursor(), (1, 1));
    chars(&mut editor, "l");
    assert_eq!(editor.cursor(), (1, 2));
    chars(&mut editor, "j");
    assert_eq!(editor.cursor(), (2, 2));
    chars(&mut editor, "k");
    assert_eq!(editor.cursor(), (1, 2));
    chars(&mut editor, "h");
    assert_eq!(editor.cursor(), (1, 1));
    press(&mut editor, KeyCode::Up);
    press(&mut editor, KeyCode::Left);
    assert_eq!(editor.cursor(), (0, 0));
    // The edges hold.
    press(&mut editor, KeyCode::Up);
    press(&mut editor, KeyCode::Left);
    assert_eq!(editor.cursor(), (0, 0));
    chars(&mut editor, "jjjjllllll");
    assert_eq!(editor.cursor(), (2, 3));
}

#[test]
fn space_toggles_each_of_the_twelve_bits() {
    let bits = [
        [0o400, 0o200, 0o100, 0o4000],
        [0o040, 0o020, 0o010, 0o2000],
        [0o004, 0o002, 0o001, 0o1000],
    ];
    for (row, row_bits) in bits.iter().enumerate() {
        for (col, &bit) in row_bits.iter().enumerate() {
            assert_eq!(cell_bit(row, col), bit);
            // On from nothing.
            let mut editor = one(FILE);
            go(&mut editor, row, col);
            chars(&mut editor, " ");
            assert_eq!(editor.cell(row, col), CellState::Set, "({row}, {col})");
            assert_eq!(editor.new_mode(), Some(bit));
            let request = apply(&mut editor);
            assert_eq!((request.set, request.clear), (bit, 0), "({row}, {col})");
            // Off from everything.
            let mut editor = one(FILE | 0o7777);
            go(&mut editor, row, col);
            chars(&mut editor, " ");
            assert_eq!(editor.cell(row, col), CellState::Clear, "({row}, {col})");
            assert_eq!(editor.new_mode(), Some(0o7777 & !bit));
            let request = apply(&mut editor);
            assert_eq!((request.set, request.clear), (0, bit), "({row}, {col})");
        }
    }
}

#[test]
fn toggles_update_octal_and_symbolic_live() {
    let mut editor = one(FILE | 0o644);
    go(&mut editor, 0, 2);
    chars(&mut editor, " ");
    assert_eq!(editor.octal_text(), "0744");
    assert_eq!(editor.symbolic_text(), "-rwxr--r--");
    go(&mut editor, 0, 3);
    chars(&mut editor, " ");
    assert_eq!(editor.octal_text(), "4744");
    assert_eq!(editor.symbolic_text(), "-rwsr--r--");
}

#[test]
fn toggling_back_leaves_the_bit_untouched() {
    let mut editor = one(FILE | 0o644);
    go(&mut editor, 1, 1);
    chars(&mut editor, "  ");
    assert_eq!(editor.cell(1, 1), CellState::Clear);
    let request = apply(&mut editor);
    assert_eq!((request.set, request.clear), (0, 0));
}

#[test]
fn enter_applies_exact_masks_for_several_toggles() {
    let mut editor = one(FILE | 0o644);
    go(&mut editor, 0, 2); // u+x
    chars(&mut editor, " ");
    go(&mut editor, 2, 0); // o-r
    chars(&mut editor, " ");
    let request = apply(&mut editor);
    assert_eq!(request.set, 0o100);
    assert_eq!(request.clear, 0o004);
    assert_eq!(request.recursive, None);
    assert_eq!(request.targets.len(), 1);
    assert_eq!(request.new_mode(&request.targets[0]), 0o740);
}

#[test]
fn three_octal_digits_set_the_permission_bits_and_clear_special_ones() {
    let mut editor = one(FILE | 0o4644);
    chars(&mut editor, "7");
    assert_eq!(editor.octal_text(), "0007");
    chars(&mut editor, "5");
    assert_eq!(editor.octal_text(), "0075");
    chars(&mut editor, "5");
    assert_eq!(editor.typed(), "755");
    assert_eq!(editor.octal_text(), "0755");
    assert_eq!(editor.symbolic_text(), "-rwxr-xr-x");
    assert_eq!(editor.cell(0, 3), CellState::Clear);
    let request = apply(&mut editor);
    assert_eq!(request.set, 0o755);
    assert_eq!(request.clear, 0o7022);
}

#[test]
fn four_octal_digits_include_the_special_bits() {
    let mut editor = one(FILE | 0o644);
    chars(&mut editor, "2775");
    assert_eq!(editor.octal_text(), "2775");
    assert_eq!(editor.symbolic_text(), "-rwxrwsr-x");
    assert_eq!(editor.cell(1, 3), CellState::Set);
    // A fifth digit is refused with a note; the mode stays.
    chars(&mut editor, "1");
    assert_eq!(editor.typed(), "2775");
    assert!(editor.message().is_some_and(|m| m.contains("four")));
    let request = apply(&mut editor);
    assert_eq!((request.set, request.clear), (0o2775, 0o5002));
}

#[test]
fn backspace_edits_the_typed_digits_and_undoes_them_all() {
    let mut editor = one(FILE | 0o644);
    go(&mut editor, 0, 2);
    chars(&mut editor, " "); // u+x before typing
    chars(&mut editor, "750");
    press(&mut editor, KeyCode::Backspace);
    assert_eq!(editor.typed(), "75");
    assert_eq!(editor.octal_text(), "0075");
    chars(&mut editor, "1");
    assert_eq!(editor.octal_text(), "0751");
    press(&mut editor, KeyCode::Backspace);
    press(&mut editor, KeyCode::Backspace);
    press(&mut editor, KeyCode::Backspace);
    assert_eq!(editor.typed(), "");
    // Back to what was there before typing: the toggle, not an absolute mode.
    assert_eq!(editor.octal_text(), "0744");
    assert_eq!((editor.set_mask(), editor.clear_mask()), (0o100, 0));
    // Backspace with nothing typed does nothing.
    press(&mut editor, KeyCode::Backspace);
    assert_eq!(editor.octal_text(), "0744");
}

#[test]
fn moving_ends_the_typed_number_but_keeps_its_mode() {
    let mut editor = one(FILE | 0o644);
    chars(&mut editor, "75");
    chars(&mut editor, "l");
    assert_eq!(editor.typed(), "");
    assert_eq!(editor.octal_text(), "0075");
    chars(&mut editor, "7");
    assert_eq!(editor.octal_text(), "0007", "a new number starts");
    // Backspace now restores the typed mode from before, not the original.
    press(&mut editor, KeyCode::Backspace);
    assert_eq!(editor.octal_text(), "0075");
}

#[test]
fn a_typed_mode_is_absolute_even_when_toggled_back() {
    let mut editor = one(FILE | 0o644);
    chars(&mut editor, "644");
    go(&mut editor, 0, 0);
    chars(&mut editor, "  ");
    let request = apply(&mut editor);
    assert_eq!((request.set, request.clear), (0o644, 0o7133));
}

#[test]
fn esc_and_ctrl_c_cancel() {
    let mut editor = one(FILE | 0o644);
    chars(&mut editor, " ");
    assert_eq!(press(&mut editor, KeyCode::Esc), PermOutcome::Cancel);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(one(FILE).on_key(ctrl_c), PermOutcome::Cancel);
}

#[test]
fn release_events_and_modified_keys_are_ignored() {
    let mut editor = one(FILE | 0o644);
    let mut release = KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert_eq!(editor.on_key(release), PermOutcome::Continue);
    let mut enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    enter.kind = KeyEventKind::Release;
    assert_eq!(editor.on_key(enter), PermOutcome::Continue);
    let alt_space = KeyEvent::new(KeyCode::Char(' '), KeyModifiers::ALT);
    assert_eq!(editor.on_key(alt_space), PermOutcome::Continue);
    let ctrl_l = KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL);
    assert_eq!(editor.on_key(ctrl_l), PermOutcome::Continue);
    assert_eq!(editor.cursor(), (0, 0));
    assert_eq!(editor.octal_text(), "0644");
    chars(&mut editor, "89x");
    assert_eq!(editor.typed(), "");
}

fn mixed() -> PermEditor {
    // 0644, 0664 and 0744: group write and user exec differ.
    PermEditor::new(vec![
        target(1, FILE | 0o644, 1),
        target(2, FILE | 0o664, 1),
        target(3, FILE | 0o744, 1),
    ])
    .expect("targets")
}

#[test]
fn differing_bits_show_mixed_with_placeholders() {
    let editor = mixed();
    assert_eq!(editor.cell(1, 1), CellState::Mixed);
    assert_eq!(editor.cell(0, 2), CellState::Mixed);
    assert_eq!(editor.cell(0, 0), CellState::Set);
    assert_eq!(editor.cell(2, 1), CellState::Clear);
    assert_eq!(editor.mixed_mask(), 0o120);
    assert_eq!(editor.octal_text(), "0??4");
    assert_eq!(editor.symbolic_text(), "-rw?r?-r--");
    assert_eq!(editor.new_mode(), None);
    assert_eq!(editor.warnings()[0], "3 entries: [-] differs between them, left as it is on each");
}

#[test]
fn untouched_mixed_bits_are_in_neither_mask() {
    let mut editor = mixed();
    go(&mut editor, 2, 1); // o+w, the same on all
    chars(&mut editor, " ");
    let request = apply(&mut editor);
    assert_eq!((request.set, request.clear), (0o002, 0));
    assert_eq!(request.set & 0o120, 0);
    assert_eq!(request.clear & 0o120, 0);
    let modes: Vec<u32> = request.targets.iter().map(|t| request.new_mode(t)).collect();
    assert_eq!(modes, [0o646, 0o666, 0o746]);
}

#[test]
fn a_mixed_bit_cycles_set_clear_untouched() {
    let mut editor = mixed();
    go(&mut editor, 1, 1);
    chars(&mut editor, " ");
    assert_eq!(editor.cell(1, 1), CellState::Set);
    assert_eq!(editor.octal_text(), "0?64");
    let request = apply(&mut editor);
    assert_eq!((request.set, request.clear), (0o020, 0));
    chars(&mut editor, " ");
    assert_eq!(editor.cell(1, 1), CellState::Clear);
    let request = apply(&mut editor);
    assert_eq!((request.set, request.clear), (0, 0o020));
    chars(&mut editor, " ");
    assert_eq!(editor.cell(1, 1), CellState::Mixed);
    let request = apply(&mut editor);
    assert_eq!((request.set, request.clear), (0, 0));
}

#[test]
fn typing_a_mode_resolves_every_mixed_bit() {
    let mut editor = mixed();
    chars(&mut editor, "640");
    assert_eq!(editor.mixed_mask(), 0);
    assert_eq!(editor.cell(1, 1), CellState::Clear);
    assert_eq!(editor.octal_text(), "0640");
    // Under a typed mode a mixed bit only flips.
    go(&mut editor, 1, 1);
    chars(&mut editor, "  ");
    assert_eq!(editor.cell(1, 1), CellState::Clear);
    let request = apply(&mut editor);
    assert_eq!((request.set, request.clear), (0o640, 0o7137));
}

#[test]
fn different_types_show_a_question_mark_for_the_type() {
    let editor =
        PermEditor::new(vec![target(1, FILE | 0o755, 1), target(2, DIR | 0o755, 2)]).unwrap();
    assert_eq!(editor.symbolic_text(), "?rwxr-xr-x");
    assert_eq!(editor.warnings(), ["2 entries"]);
}

#[test]
fn r_cycles_the_recursive_scope_on_a_directory() {
    let mut editor = one(DIR | 0o755);
    assert!(editor.recursive_applies());
    assert_eq!(editor.recursive(), None);
    let mut seen = Vec::new();
    for _ in 0..4 {
        chars(&mut editor, "r");
        seen.push(editor.recursive());
    }
    assert_eq!(seen, [Some(Scope::All), Some(Scope::DirsOnly), Some(Scope::FilesOnly), None]);
    chars(&mut editor, "rr");
    let request = apply(&mut editor);
    assert_eq!(request.recursive, Some(Scope::DirsOnly));
}

#[test]
fn r_on_a_file_is_refused_with_a_note() {
    let mut editor = one(FILE | 0o644);
    assert!(!editor.recursive_applies());
    assert_eq!(chars(&mut editor, "r"), PermOutcome::Continue);
    assert_eq!(editor.recursive(), None);
    assert!(editor.message().is_some_and(|m| m.contains("only to directories")), "{editor:?}");
    // The note goes with the next key.
    chars(&mut editor, "l");
    assert_eq!(editor.message(), None);
    assert_eq!(apply(&mut editor).recursive, None);
}

#[test]
fn r_with_several_targets_needs_one_directory() {
    let mut files =
        PermEditor::new(vec![target(1, FILE | 0o644, 1), target(2, FILE | 0o600, 1)]).unwrap();
    chars(&mut files, "r");
    assert_eq!(files.recursive(), None);
    assert!(files.message().is_some_and(|m| m.contains("none is marked")));
    let mut some_dir =
        PermEditor::new(vec![target(1, FILE | 0o644, 1), target(2, DIR | 0o755, 2)]).unwrap();
    chars(&mut some_dir, "r");
    assert_eq!(some_dir.recursive(), Some(Scope::All));
}

#[test]
fn hard_links_are_warned_about() {
    let editor = PermEditor::new(vec![target(1, FILE | 0o644, 3)]).unwrap();
    assert_eq!(editor.warnings(), ["also changes the 2 other names of this file"]);
    let editor = PermEditor::new(vec![target(1, FILE | 0o644, 2)]).unwrap();
    assert_eq!(editor.warnings(), ["also changes the 1 other name of this file"]);
    // A directory's link count is its subdirectories, not other names.
    let editor = PermEditor::new(vec![target(1, DIR | 0o755, 5)]).unwrap();
    assert!(editor.warnings().is_empty());
    let editor = PermEditor::new(vec![
        target(1, FILE | 0o644, 2),
        target(2, FILE | 0o644, 3),
        target(3, FILE | 0o644, 1),
    ])
    .unwrap();
    assert_eq!(
        editor.warnings(),
        ["3 entries", "also changes 3 other names of 2 of them (hard links)"]
    );
}

#[test]
fn a_symlink_is_refused() {
    let mut editor = one(LINK | 0o777);
    assert_eq!(editor.warnings(), ["a symlink's own mode cannot be changed: refused"]);
    assert_eq!(press(&mut editor, KeyCode::Enter), PermOutcome::Continue);
    assert!(editor.message().is_some_and(|m| m.contains("nothing to apply")));
}

#[test]
fn symlinks_among_several_are_left_out() {
    let mut editor = PermEditor::new(vec![
        target(1, FILE | 0o644, 1),
        target(2, LINK | 0o777, 1),
        target(3, FILE | 0o644, 1),
    ])
    .unwrap();
    // The link's 0777 does not make any bit mixed.
    assert_eq!(editor.mixed_mask(), 0);
    assert_eq!(editor.octal_text(), "0644");
    assert_eq!(
        editor.warnings(),
        ["3 entries", "1 of them is a symlink: a symlink's own mode cannot be changed, refused"]
    );
    let request = apply(&mut editor);
    let ids: Vec<NodeId> = request.targets.iter().map(|t| t.id).collect();
    assert_eq!(ids, [NodeId(1), NodeId(3)]);
}

#[test]
fn changed_cells_are_known() {
    let mut editor = mixed();
    assert!(!editor.cell_changed(0, 0));
    go(&mut editor, 0, 2); // mixed u+x: set changes the targets without it
    chars(&mut editor, " ");
    assert!(editor.cell_changed(0, 2));
    go(&mut editor, 2, 1);
    chars(&mut editor, " ");
    assert!(editor.cell_changed(2, 1));
    chars(&mut editor, " ");
    assert!(!editor.cell_changed(2, 1));
}
