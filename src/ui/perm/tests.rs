use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::config::ColorConfig;
use crate::model::mode::FileKind;
use crate::model::{Identity, NodeId};
use crate::view::perm::PermTarget;

fn theme() -> Theme {
    Theme::new(&ColorConfig::default(), None, false)
}

fn target(id: u32, name: &[u8], mode: u32, nlink: u64) -> PermTarget {
    use std::os::unix::ffi::OsStrExt;
    let mut path = PathBuf::from("/srv");
    path.push(std::ffi::OsStr::from_bytes(name));
    PermTarget {
        id: NodeId(id),
        path,
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

fn render(editor: &PermEditor, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|frame| draw_perm_editor(frame, frame.area(), editor, &theme())).expect("draw");
    terminal.backend().buffer().clone()
}

/// The buffer as text, one line per row, trailing spaces cut.
fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buf.cell((x, y)).map_or(" ", |c| c.symbol()));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Where `needle` starts in the rendered rows.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let rows: Vec<String> = text(buf).lines().map(str::to_string).collect();
    rows.iter().enumerate().find_map(|(y, line)| {
        let x = line.find(needle)?;
        Some((line[..x].chars().count() as u16, y as u16))
    })
}

fn press(editor: &mut PermEditor, code: KeyCode) {
    editor.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn single_target_0755() {
    let editor = PermEditor::new(vec![target(1, b"run.sh", 0o100_755, 1)]).unwrap();
    let buf = render(&editor, 64, 18);
    insta::assert_snapshot!("perm_single_0755", text(&buf));
}

#[test]
fn several_targets_with_mixed_bits() {
    let mut editor = PermEditor::new(vec![
        target(1, b"a.txt", 0o100_644, 1),
        target(2, b"b.txt", 0o100_664, 2),
        target(3, b"c", 0o040_755, 2),
    ])
    .unwrap();
    press(&mut editor, KeyCode::Char('r'));
    let buf = render(&editor, 72, 20);
    insta::assert_snapshot!("perm_mixed", text(&buf));
}

#[test]
fn the_cursor_cell_is_highlighted_and_follows_moves() {
    let theme = theme();
    let mut editor = PermEditor::new(vec![target(1, b"f", 0o100_644, 1)]).unwrap();
    press(&mut editor, KeyCode::Down);
    press(&mut editor, KeyCode::Right);
    let buf = render(&editor, 64, 18);
    let (x, y) = find(&buf, "  group").expect("group row");
    // The write cell of the group row: label, gap, "[ ]" under "write".
    let (header_x, _) = find(&buf, "write").expect("header");
    let cell = buf.cell((header_x + 1, y)).expect("cell");
    assert_eq!(cell.symbol(), "[");
    assert_eq!(cell.bg, theme.selection().bg.expect("a selection colour"));
    // The read cell of the same row is not highlighted.
    let (read_x, _) = find(&buf, "read").expect("header");
    let other = buf.cell((read_x + 1, y)).expect("cell");
    assert_eq!(other.symbol(), "[");
    assert_ne!(other.bg, cell.bg);
    assert!(x < header_x);
}

#[test]
fn typing_and_toggling_show_live() {
    let mut editor = PermEditor::new(vec![target(1, b"f", 0o100_644, 1)]).unwrap();
    press(&mut editor, KeyCode::Char('7'));
    press(&mut editor, KeyCode::Char('5'));
    let shown = text(&render(&editor, 64, 18));
    assert!(shown.contains("octal 0075   →   ----rwxr-x   (typed 75)"), "{shown}");
    press(&mut editor, KeyCode::Char('l'));
    press(&mut editor, KeyCode::Char(' '));
    let shown = text(&render(&editor, 64, 18));
    assert!(shown.contains("octal 0275   →   --w-rwxr-x"), "{shown}");
    assert!(!shown.contains("typed"), "{shown}");
}

#[test]
fn a_hostile_name_is_sanitized_in_the_title() {
    let editor = PermEditor::new(vec![target(1, b"evil\x1b[31m\n", 0o100_644, 1)]).unwrap();
    assert_eq!(title(&editor), "permissions: evil\\x1b[31m\\n");
    let shown = text(&render(&editor, 64, 18));
    assert!(shown.contains("permissions: evil\\x1b[31m\\n"), "{shown}");
    assert!(!shown.contains('\x1b'));
}

#[test]
fn notes_and_warnings_are_shown() {
    let mut editor = PermEditor::new(vec![target(1, b"f", 0o100_644, 3)]).unwrap();
    press(&mut editor, KeyCode::Char('r'));
    let shown = text(&render(&editor, 72, 20));
    assert!(shown.contains("! also changes the 2 other names of this file"), "{shown}");
    assert!(shown.contains("recursive applies only to directories"), "{shown}");
    assert!(shown.contains("recursive: only for directories"), "{shown}");
    let link = PermEditor::new(vec![target(1, b"l", 0o120_777, 1)]).unwrap();
    let shown = text(&render(&link, 72, 20));
    assert!(shown.contains("a symlink's own mode cannot be changed: refused"), "{shown}");
}

#[test]
fn tiny_and_empty_areas_do_not_panic() {
    let editor = PermEditor::new(vec![
        target(1, "very long name ".repeat(20).as_bytes(), 0o100_644, 4),
        target(2, b"b", 0o120_777, 1),
    ])
    .unwrap();
    for (w, h) in [(0, 0), (1, 1), (20, 5), (5, 20), (200, 3), (3, 200)] {
        let buf = render(&editor, w, h);
        assert_eq!(buf.area, Rect::new(0, 0, w, h));
    }
    // The popup never leaves the area, even when offset.
    let area = Rect::new(7, 3, 20, 5);
    let popup = editor_rect(area, &lines(&editor, &theme()));
    assert_eq!(popup, Rect::new(7, 3, 20, 5));
    assert_eq!(popup_rect(Rect::new(2, 2, 0, 0), 50, 10), Rect::new(2, 2, 0, 0));
}

#[test]
fn the_popup_is_centred_and_sized_to_its_lines() {
    let editor = PermEditor::new(vec![target(1, b"f", 0o100_644, 1)]).unwrap();
    let lines = lines(&editor, &theme());
    let widest = lines.iter().map(Line::width).max().unwrap() as u16;
    let popup = editor_rect(Rect::new(0, 0, 100, 40), &lines);
    assert_eq!(popup.width, widest + 4);
    assert_eq!(popup.height, lines.len() as u16 + 2);
    assert_eq!(popup.x, (100 - popup.width) / 2);
    assert_eq!(popup.y, (40 - popup.height) / 2);
    assert_eq!(popup_rect(Rect::new(10, 10, 20, 10), 10, 4), Rect::new(15, 13, 10, 4));
}
