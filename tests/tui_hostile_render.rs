//! Names built to attack a terminal — escape sequences (clipboard write via
//! OSC 52, screen clear, window title), carriage returns and newlines, a C1
//! CSI, a right-to-left override, a zero-width space, invalid UTF-8 — under
//! a root whose own path holds an escape. They must reach the screen only in
//! their escaped, visible form: in the frame the widgets draw, and in the raw
//! bytes the real binary writes to a pseudo-terminal. `--cwd-file`, read by a
//! shell and never shown, gets the raw bytes exactly.

mod tui_support;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::time::Duration;

use statree::sanitize;
use statree::view::Msg;
use tempfile::TempDir;
use tui_support::*;

/// The root directory's name: it carries an SGR sequence itself.
const ROOT_NAME: &[u8] = b"root\x1b[31m";
/// A directory with a hostile name, holding one more hostile file.
const DIR_NAME: &[u8] = b"d-\x1b[2J";
const INNER_NAME: &[u8] = b"inner-\xe2\x80\xae\xff";
/// A dangling symlink whose target is an escape sequence.
const LINK_NAME: &[u8] = b"ln-evil";
const LINK_TARGET: &[u8] = b"\x1b]0;pwned\x07";

/// Hostile file names, and how the sanitizer must show each.
const FILES: &[(&[u8], &str)] = &[
    (b"osc52-\x1b]52;c;SGVsbG8=\x07", r"osc52-\x1b]52;c;SGVsbG8=\x07"),
    (b"clear-\x1b[2J", r"clear-\x1b[2J"),
    (b"title-\x1b]0;pwned\x07", r"title-\x1b]0;pwned\x07"),
    (b"cr-\r-x", r"cr-\r-x"),
    (b"nl-\n-x", r"nl-\n-x"),
    (b"c1-\xc2\x9b-x", r"c1-\u{9b}-x"),
    (b"rtl-\xe2\x80\xae-txt.exe", r"rtl-\u{202e}-txt.exe"),
    (b"zw-\xe2\x80\x8b-x", r"zw-\u{200b}-x"),
    (b"bad-\xff-x", r"bad-\xff-x"),
];

/// File contents: text holding escapes too (shown by the preview pane).
const HOSTILE_TEXT: &[u8] = b"payload \x1b]52;c;SGVsbG8=\x07 \x1b]0;pwned\x07 \xe2\x80\xae end\n";

/// Byte sequences that must never be written to the terminal.
const FORBIDDEN: &[(&str, &[u8])] = &[
    ("OSC 52 clipboard write", b"\x1b]52"),
    ("window title injection", b"\x1b]0;pwned"),
    ("C1 CSI (U+009B)", b"\xc2\x9b"),
    ("right-to-left override (U+202E)", b"\xe2\x80\xae"),
    ("zero-width space (U+200B)", b"\xe2\x80\x8b"),
    ("raw 0xff", b"\xff"),
    // The root's `ESC [31m` and the directory's `ESC [2J` are valid CSIs:
    // `escape_sequences` below proves neither was written.
];

struct HostileTree {
    tmp: TempDir,
    root: PathBuf,
}

fn hostile_tree() -> HostileTree {
    let tmp = fixed_length_tempdir();
    let root = tmp.path().join(path_from(ROOT_NAME));
    fs::create_dir(&root).unwrap();
    for (name, _) in FILES {
        fs::write(root.join(path_from(name)), HOSTILE_TEXT).unwrap();
    }
    let dir = root.join(path_from(DIR_NAME));
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join(path_from(INNER_NAME)), HOSTILE_TEXT).unwrap();
    symlink(path_from(LINK_TARGET), root.join(path_from(LINK_NAME))).unwrap();
    HostileTree { tmp, root }
}

fn shown(raw: &[u8]) -> String {
    sanitize::bytes(raw).into_owned()
}

/// Every cell of the frame is free of control, bidi and invisible characters.
fn assert_clean_cells(h: &Harness, w: u16, hgt: u16, context: &str) {
    let buffer = h.render_buffer(w, hgt);
    for y in 0..hgt {
        for x in 0..w {
            let symbol = buffer.cell((x, y)).unwrap().symbol();
            assert!(
                !symbol.chars().any(is_dangerous_char),
                "{context}: cell ({x},{y}) holds {symbol:?}\n{}",
                buffer_text(&buffer)
            );
        }
    }
}

// ---------------------------------------------------------------------------
// (a) The widgets, through the harness
// ---------------------------------------------------------------------------

#[test]
fn hostile_names_are_drawn_escaped_in_every_pane() {
    let t = hostile_tree();
    let (w, hgt) = (200, 50);
    let mut h = Harness::scan(vec![t.root.clone()], (w, hgt));
    h.send(Msg::Key(key_event("v")));
    // Open the hostile directory too.
    let dir = h.child_named(DIR_NAME);
    let row = h.state.rows.position(dir).expect("the directory is listed");
    while h.state.cursor.row < row {
        h.press("j");
    }
    h.press("l");
    h.press("g");
    assert_eq!(h.state.rows.len(), 13, "root, the directory, its file, 9 files, the link");

    let screen = h.screen();
    let root_shown = shown(path_bytes(&t.root));
    assert!(root_shown.ends_with(r"root\x1b[31m"), "{root_shown}");
    assert!(screen.contains(&root_shown), "the root row and title:\n{screen}");
    for (_, expected) in FILES {
        assert!(screen.contains(expected), "{expected} missing:\n{screen}");
    }
    assert!(screen.contains(r"d-\x1b[2J"), "{screen}");
    assert!(screen.contains(r"inner-\u{202e}\xff"), "{screen}");
    assert!(screen.contains("ln-evil"), "{screen}");

    // Select every row in turn: the metadata pane shows the full path and
    // the preview the (hostile) content, all escaped.
    let rows = h.state.rows.len();
    for i in 0..rows {
        if i > 0 {
            h.press("j");
        }
        assert_eq!(h.state.cursor.row, i);
        let id = h.state.selected_node().unwrap();
        let path = h.state.tree.path(id);
        let screen = h.screen();
        let path_shown = shown(path_bytes(&path));
        assert!(screen.contains(&path_shown), "the metadata pane shows {path_shown}:\n{screen}");
        assert_clean_cells(&h, w, hgt, &path_shown);
        if h.state.tree.kind(id) == statree::model::FileKind::File {
            assert!(
                screen.contains(r"payload \x1b]52;c;SGVsbG8=\x07 \x1b]0;pwned\x07 \u{202e} end"),
                "the preview of {path_shown} is escaped:\n{screen}"
            );
        }
        if h.state.tree.name(id) == LINK_NAME {
            assert!(screen.contains(r"→ \x1b]0;pwned\x07"), "the link target:\n{screen}");
        }
    }

    // The prompts echo typed control characters escaped too.
    h.press("/");
    h.type_text("\u{1b}]0;x\u{7}\u{202e}");
    let screen = h.screen();
    assert!(screen.contains(r"/\x1b]0;x\x07\u{202e}▏"), "{screen}");
    assert_clean_cells(&h, w, hgt, "search prompt");
    h.press("esc");
    h.press("f");
    h.type_text("\u{9b}");
    assert!(h.screen().contains(r"filter: \u{9b}▏"));
    assert_clean_cells(&h, w, hgt, "filter prompt");
    h.press("enter");
    assert!(h.screen().contains(r"filter: \u{9b}"), "the title names the filter escaped");
    assert_clean_cells(&h, w, hgt, "filter in the title");

    // And at every layout, narrow and short ones included.
    for (w, hgt) in [(60, 14), (80, 40), (100, 30), (30, 10), (120, 8)] {
        h.resize(w, hgt);
        assert_clean_cells(&h, w, hgt, &format!("{w}x{hgt}"));
    }
}

#[test]
fn hostile_status_messages_and_errors_are_escaped() {
    let t = hostile_tree();
    let mut h = Harness::scan(vec![t.root.clone()], (120, 30));
    // A search for something absent reports the query (lower-cased) back.
    h.press("/");
    h.type_text("%%\u{1b}[2J\u{202e}");
    h.press("enter");
    let screen = h.screen();
    assert!(screen.contains(r#"no match for "%%\x1b[2j\u{202e}""#), "{screen}");
    assert_clean_cells(&h, 120, 30, "no-match message");
    // A file that vanished: its read error embeds the path.
    let victim = h.child_named(FILES[0].0);
    std::fs::remove_file(t.root.join(path_from(FILES[0].0))).unwrap();
    let row = h.state.rows.position(victim).unwrap();
    while h.state.cursor.row < row {
        h.press("j");
    }
    assert!(h.state.inspect.meta.as_ref().unwrap().result.is_err());
    assert_clean_cells(&h, 120, 30, "metadata error");
}

// ---------------------------------------------------------------------------
// (b) The real binary, in a pseudo-terminal
// ---------------------------------------------------------------------------

/// One escape sequence found in the program's output.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seq {
    /// `ESC [ params final`.
    Csi { params: String, fin: char },
    /// `ESC ] text BEL`.
    Osc(Vec<u8>),
    /// `ESC ( x`: a character set designation.
    Charset(u8),
}

/// Splits the output into escape sequences, checking that nothing else is a
/// control byte. Panics (with context) on a stray control byte or an escape
/// that is not a complete CSI, OSC or charset designation.
fn escape_sequences(raw: &[u8]) -> Vec<Seq> {
    let context = |i: usize| {
        let start = i.saturating_sub(40);
        String::from_utf8_lossy(&raw[start..(i + 40).min(raw.len())]).into_owned()
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != 0x1b {
            assert!(b >= 0x20 && b != 0x7f, "stray control byte {b:#04x} at {i}: {:?}", context(i));
            i += 1;
            continue;
        }
        match raw.get(i + 1) {
            Some(b'[') => {
                let mut j = i + 2;
                while j < raw.len() && (0x20..=0x3f).contains(&raw[j]) {
                    j += 1;
                }
                let fin = *raw.get(j).unwrap_or_else(|| panic!("cut CSI: {:?}", context(i)));
                assert!((0x40..=0x7e).contains(&fin), "malformed CSI at {i}: {:?}", context(i));
                let params = String::from_utf8_lossy(&raw[i + 2..j]).into_owned();
                out.push(Seq::Csi { params, fin: fin as char });
                i = j + 1;
            }
            Some(b']') => {
                let end = raw[i..]
                    .iter()
                    .position(|&c| c == 0x07)
                    .unwrap_or_else(|| panic!("unterminated OSC: {:?}", context(i)));
                out.push(Seq::Osc(raw[i + 2..i + end].to_vec()));
                i += end + 1;
            }
            Some(b'(') => {
                out.push(Seq::Charset(*raw.get(i + 2).expect("charset byte")));
                i += 3;
            }
            other => panic!("unexpected escape {other:?} at {i}: {:?}", context(i)),
        }
    }
    out
}

/// Asserts the output holds none of the [`FORBIDDEN`] sequences, no C1,
/// bidi or invisible character, and no escape but the program's own: cursor
/// moves, colours, mode switches, and exactly one window title, `title`.
fn assert_only_own_output(raw: &[u8], title: &str) {
    for (what, bytes) in FORBIDDEN {
        assert!(!contains(raw, bytes), "the output holds {what} ({bytes:?})");
    }
    let text = std::str::from_utf8(raw).expect("the output is valid UTF-8");
    if let Some(bad) = text.chars().find(|&c| c != '\x1b' && c != '\x07' && is_dangerous_char(c)) {
        panic!("the output holds {bad:?}");
    }
    let title = format!("0;{title}");
    let mut titles = 0;
    for seq in escape_sequences(raw) {
        match seq {
            Seq::Csi { params, fin: 'm' } => {
                assert_ne!(params, "31", "the root's own SGR reached the terminal");
            }
            Seq::Csi { params, fin: 'H' } => {
                assert!(params.bytes().all(|b| b.is_ascii_digit() || b == b';'), "{params:?}");
            }
            Seq::Csi { params, fin: 'h' | 'l' } => {
                assert!(params.starts_with('?'), "mode change {params:?}");
            }
            Seq::Csi { params, fin } => {
                panic!("unexpected CSI {params:?}{fin} (a name's clear screen?)")
            }
            Seq::Osc(body) => {
                assert_eq!(String::from_utf8_lossy(&body), title, "only the title is set");
                titles += 1;
            }
            Seq::Charset(_) => {}
        }
    }
    assert_eq!(titles, 1, "the title is set once");
}

#[test]
fn the_output_check_catches_injected_sequences() {
    let own: &[u8] =
        b"\x1b[?1049h\x1b]0;statree: /r\x07\x1b[1;1H\x1b[38;5;15mname\x1b[0m\x1b[?1049l";
    assert_only_own_output(own, "statree: /r");
    let injected: [&[u8]; 9] = [
        b"\x1b]0;statree: /r\x07\x1b[2J",
        b"\x1b]0;statree: /r\x07root\x1b[31m",
        b"\x1b]0;statree: /r\x07\x1b]0;pwned\x07",
        b"\x1b]0;statree: /r\x07\x1b]52;c;SGVsbG8=\x07",
        b"\x1b]0;statree: /r\x07cr-\r-x",
        b"\x1b]0;statree: /r\x07c1-\xc2\x9b-x",
        b"\x1b]0;statree: /r\x07bad-\xff",
        b"\x1b]0;statree: /r\x07zw-\xe2\x80\x8b",
        b"\x1b]0;statree: /r\x07\x1bc",
    ];
    for raw in injected {
        let caught =
            std::panic::catch_unwind(|| assert_only_own_output(raw, "statree: /r")).is_err();
        assert!(caught, "not caught: {:?}", String::from_utf8_lossy(raw));
    }
}

#[test]
fn the_binary_writes_no_hostile_bytes_to_the_terminal() {
    let t = hostile_tree();
    let cwd_file = t.tmp.path().join("cwd-out");
    let args: [&OsStr; 3] = [t.root.as_os_str(), OsStr::new("--cwd-file"), cwd_file.as_os_str()];
    let mut pty = PtySession::spawn(&args, t.tmp.path());
    let step = Duration::from_secs(10);
    let position = |screen: &str| -> Option<String> {
        let field = screen.lines().last()?.split_whitespace().last()?;
        field.contains('/').then(|| field.to_string())
    };
    pty.wait_for("the finished scan", Duration::from_secs(20), |s| {
        s.contains("entries") && s.contains("scanned in")
    });
    // Preview on; open the hostile directory (the first row below the root).
    pty.send(b"v");
    pty.wait_for_text("preview", step);
    pty.send(b"j");
    pty.wait_for("row 2", step, |s| position(s).as_deref() == Some("2/12"));
    pty.send(b"l");
    pty.wait_for("the directory open", step, |s| position(s).as_deref() == Some("2/13"));
    // Visit every entry, so each name shows in the tree, its path in the
    // metadata pane and its content in the preview.
    for row in 3..=13 {
        pty.send(b"j");
        let want = format!("{row}/13");
        pty.wait_for(&want, step, |s| position(s).as_deref() == Some(want.as_str()));
    }
    let screen = pty.screen();
    assert!(screen.contains(r"root\x1b[31m"), "the escaped root shows:\n{screen}");
    // Back to the file inside the hostile directory, then quit there.
    pty.send(b"g");
    pty.wait_for("row 1", step, |s| position(s).as_deref() == Some("1/13"));
    pty.send(b"jj");
    let screen = pty.wait_for("row 3", step, |s| position(s).as_deref() == Some("3/13"));
    assert!(screen.contains(r"inner-\u{202e}\xff"), "{screen}");
    assert!(screen.contains(r"payload \x1b]52;c;SGVsbG8=\x07"), "the preview:\n{screen}");
    pty.send(b"q");
    let status = pty.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "{status:?}");

    pty.assert_restored();
    let raw = pty.raw();
    let title = format!("statree: {}", shown(path_bytes(&t.root)));
    assert_only_own_output(&raw, &title);

    let written = fs::read(&cwd_file).expect("--cwd-file was written");
    let dir = t.root.join(path_from(DIR_NAME));
    assert_eq!(written, path_bytes(&dir), "the raw bytes, escapes included, no newline");
}

#[test]
fn the_cwd_file_holds_the_hostile_root_exactly() {
    let t = hostile_tree();
    let cwd_file = t.tmp.path().join("cwd-out");
    let args: [&OsStr; 3] = [t.root.as_os_str(), OsStr::new("--cwd-file"), cwd_file.as_os_str()];
    let mut pty = PtySession::spawn(&args, t.tmp.path());
    pty.wait_for("the finished scan", Duration::from_secs(20), |s| {
        s.contains("entries") && s.contains("scanned in")
    });
    pty.send(b"q");
    let status = pty.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
    let written = fs::read(&cwd_file).expect("--cwd-file was written");
    assert_eq!(written, path_bytes(&t.root));
    assert!(written.ends_with(ROOT_NAME));
}
