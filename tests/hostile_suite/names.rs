//! Hostile names: escape sequences and control characters (in entries, in
//! the root path itself and in the `--cwd-file` target), bidi overrides and
//! invisible characters, invalid UTF-8, every single-byte name, and names that
//! differ only in their invalid bytes.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use statree::fsops::{remove_permanently, rename};
use statree::model::{FileKind, Identity};
use statree::sanitize;

use crate::common::{
    Sentinel, bytes, json_records, options, public_tempdir, run_statree, scan_lib,
    single_byte_names, summary_value, under,
};
use crate::tui_support::{Harness, PtySession, buffer_lines, contains, is_dangerous_char};

/// The root's own name: an OSC title, a C1 CSI, bidi isolates and an override,
/// a byte-order mark, and a newline.
const ROOT_NAME: &[u8] = b"root-\x1b]0;pwned\x07-\xc2\x9b-\xe2\x81\xa6\xe2\x80\xae-\xef\xbb\xbf\n";
/// How the sanitizer shows it.
const ROOT_SHOWN: &str = r"root-\x1b]0;pwned\x07-\u{9b}-\u{2066}\u{202e}-\u{feff}\n";

/// Bidi controls and invisible characters, one name each, and how each shows.
const INVISIBLE: &[(&str, &str)] = &[
    ("rlo-\u{202e}-gpj.exe", r"rlo-\u{202e}-gpj.exe"),
    ("lri-\u{2066}-x", r"lri-\u{2066}-x"),
    ("rli-\u{2067}-x", r"rli-\u{2067}-x"),
    ("fsi-\u{2068}-x", r"fsi-\u{2068}-x"),
    ("pdi-\u{2069}-x", r"pdi-\u{2069}-x"),
    ("lrm-\u{200e}-x", r"lrm-\u{200e}-x"),
    ("alm-\u{61c}-x", r"alm-\u{61c}-x"),
    ("zwsp-\u{200b}-x", r"zwsp-\u{200b}-x"),
    ("zwj-\u{200d}-x", r"zwj-\u{200d}-x"),
    ("wj-\u{2060}-x", r"wj-\u{2060}-x"),
    ("bom-\u{feff}-x", r"bom-\u{feff}-x"),
    ("shy-\u{ad}-x", r"shy-\u{ad}-x"),
    ("ls-\u{2028}-x", r"ls-\u{2028}-x"),
    ("del-\u{7f}-x", r"del-\x7f-x"),
    ("esc-\u{1b}[2J-x", r"esc-\x1b[2J-x"),
];

/// A tree under a hostile root: the invisible names, a world-writable file
/// (an audit finding, so the report prints paths) and a loop for `-L` (an
/// error, so stderr prints a path).
struct Hostile {
    tmp: tempfile::TempDir,
    root: PathBuf,
    sentinel: Sentinel,
}

fn hostile_root() -> Hostile {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = under(tmp.path(), ROOT_NAME);
    fs::create_dir(&root).unwrap();
    for (name, _) in INVISIBLE {
        fs::write(root.join(name), b"x").unwrap();
    }
    let sub = under(&root, b"sub-\x1b[31m");
    fs::create_dir(&sub).unwrap();
    let writable = sub.join("ww");
    fs::write(&writable, b"").unwrap();
    crate::common::chmod(&writable, 0o666);
    std::os::unix::fs::symlink("..", sub.join("up")).unwrap();
    Hostile { tmp, root, sentinel }
}

/// A character no text written for a terminal may hold.
fn assert_clean_text(raw: &[u8], what: &str) {
    let text = std::str::from_utf8(raw).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    if let Some(c) = text.chars().find(|&c| c != '\n' && is_dangerous_char(c)) {
        panic!("{what} holds {c:?}: {text}");
    }
}

#[test]
fn a_hostile_root_path_is_escaped_in_every_output() {
    let t = hostile_root();
    let n = INVISIBLE.len() as u64 + 4;
    let root = t.root.as_os_str();
    let out = run_statree([OsStr::new("--list"), root]);
    assert_eq!(out.status.code(), Some(0));
    assert_clean_text(&out.stdout, "--list");
    let listing = String::from_utf8(out.stdout).unwrap();
    assert_eq!(listing.lines().count() as u64, n);
    let root_shown = sanitize::path(&t.root).into_owned();
    assert!(root_shown.ends_with(ROOT_SHOWN), "{root_shown}");
    for (_, shown) in INVISIBLE {
        let want = format!("{root_shown}/{shown}");
        assert!(listing.lines().any(|l| l.ends_with(&want)), "{want} in {listing}");
    }

    // Errors name their path on stderr, escaped.
    let out = run_statree([OsStr::new("--list"), OsStr::new("-L"), root]);
    assert_eq!(out.status.code(), Some(1));
    assert_clean_text(&out.stdout, "--list -L");
    assert_clean_text(&out.stderr, "stderr");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let up = format!(r"{root_shown}/sub-\x1b[31m/up: filesystem loop");
    assert!(stderr.contains(&up), "{stderr}");

    let out = run_statree([OsStr::new("--summary"), root]);
    assert_eq!(summary_value(&out.stdout, "entries"), n);
    assert_clean_text(&out.stdout, "--summary");

    let out = run_statree([OsStr::new("--audit"), root]);
    assert_eq!(out.status.code(), Some(0));
    assert_clean_text(&out.stdout, "--audit");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains(&format!("statree audit of {root_shown}:")), "{report}");
    assert!(report.contains(&format!(r"{root_shown}/sub-\x1b[31m/ww")), "{report}");

    // JSON carries the exact bytes (escaped by JSON itself).
    let out = run_statree([OsStr::new("--json"), root]);
    let records = json_records(&out.stdout);
    assert!(!contains(&out.stdout, b"\x1b"), "a raw ESC in the JSON");
    assert!(records.contains_key(bytes(&t.root)));
    for (name, _) in INVISIBLE {
        assert!(records.contains_key(bytes(&t.root.join(name))), "{name:?}");
    }
    t.sentinel.assert_untouched("the outputs");
}

#[test]
fn bidi_and_invisible_names_are_drawn_escaped() {
    let t = hostile_root();
    let (w, h) = (160, 40);
    let mut harness = Harness::scan(vec![t.root.clone()], (w, h));
    harness.press("l");
    let screen = harness.screen();
    assert!(screen.contains(ROOT_SHOWN), "the root:\n{screen}");
    for (_, shown) in INVISIBLE {
        assert!(screen.contains(shown), "{shown}:\n{screen}");
    }
    // Every row selected in turn (the metadata pane shows each path): no
    // cell ever holds a control, bidi or invisible character.
    for row in 0..harness.state.rows.len() {
        while harness.state.cursor.row < row {
            harness.press("j");
        }
        let buffer = harness.render_buffer(w, h);
        for line in buffer_lines(&buffer) {
            assert!(!line.chars().any(is_dangerous_char), "row {row}: {line:?}");
        }
    }
    t.sentinel.assert_untouched("the view");
}

#[test]
fn the_cwd_file_target_and_the_root_never_reach_the_terminal_raw() {
    let t = hostile_root();
    // The file --cwd-file names carries hostile bytes of its own.
    let cwd_file = under(t.tmp.path(), b"cwd-\x1b]2;cwdpwn\x07-\xe2\x80\xae");
    let args = [t.root.as_os_str(), OsStr::new("--cwd-file"), cwd_file.as_os_str()];
    let mut pty = PtySession::spawn(&args, t.tmp.path());
    pty.wait_for("the finished scan", Duration::from_secs(20), |s| s.contains("scanned in"));
    // Open the root and select the hostile subdirectory, then quit there.
    pty.send(b"l");
    let sub = sanitize::bytes(b"sub-\x1b[31m").into_owned();
    pty.wait_for_text(&sub, Duration::from_secs(10));
    let target = under(&t.root, b"sub-\x1b[31m");
    pty.send(b"G");
    std::thread::sleep(Duration::from_millis(200));
    pty.send(b"q");
    let status = pty.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
    let raw = pty.raw();
    for (what, seq) in [
        ("the root's title OSC", &b"\x1b]0;pwned"[..]),
        ("the cwd file's OSC", b"\x1b]2;cwdpwn"),
        ("C1 CSI", b"\xc2\x9b"),
        ("U+202E", b"\xe2\x80\xae"),
        ("U+2066", b"\xe2\x81\xa6"),
        ("U+FEFF", b"\xef\xbb\xbf"),
        ("the SGR of a name", b"\x1b[31m"),
    ] {
        assert!(!contains(&raw, seq), "{what} reached the terminal");
    }
    let written = fs::read(&cwd_file).expect("the cwd file");
    // The last row is one of the files; its directory is the root. Either
    // way the bytes are raw and exact.
    assert!(written == bytes(&t.root) || written == bytes(&target), "{written:?}");
    t.sentinel.assert_untouched("the terminal session");
}

/// Names that are not UTF-8, and names that differ only in invalid bytes.
fn invalid_names() -> Vec<Vec<u8>> {
    let mut names: Vec<Vec<u8>> = vec![
        b"x\x80".to_vec(),
        b"x\x81".to_vec(),
        b"x\xfe".to_vec(),
        b"x\xff".to_vec(),
        b"x\xc3".to_vec(),
        b"x\xc3\x28".to_vec(),
        b"x\xe2\x82".to_vec(),
        b"x\xed\xa0\x80".to_vec(), // an encoded surrogate
        b"x\xc0\xaf".to_vec(),     // an overlong '/'
        b"\\x80".to_vec(),         // looks like the escape of the first
        b"x\\xff".to_vec(),
    ];
    names.extend(single_byte_names());
    names
}

#[test]
fn invalid_utf8_and_single_byte_names_are_listed_shown_renamed_and_deleted_exactly() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("bytes");
    fs::create_dir(&root).unwrap();
    let names = invalid_names();
    assert_eq!(single_byte_names().len(), 253);
    for name in &names {
        fs::write(under(&root, name), name).unwrap();
    }
    let on_disk: BTreeSet<Vec<u8>> =
        fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name().as_bytes().to_vec()).collect();
    assert_eq!(on_disk.len(), names.len());

    // --json: the byte arrays decode to exactly the names on disk.
    let out = run_statree([OsStr::new("--json"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let listed: BTreeSet<Vec<u8>> = json_records(&out.stdout)
        .into_keys()
        .filter(|p| p.as_slice() != bytes(&root))
        .map(|p| p[bytes(&root).len() + 1..].to_vec())
        .collect();
    assert_eq!(listed, on_disk);
    // --list: one line each, all distinct, no control character.
    let out = run_statree([OsStr::new("--list"), root.as_os_str()]);
    assert_clean_text(&out.stdout, "--list");
    let lines: BTreeSet<String> =
        String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect();
    assert_eq!(lines.len(), names.len() + 1, "distinct lines");
    // The library.
    let scanned = scan_lib(options(&[&root], 2));
    assert_eq!(scanned.entries.len(), names.len() + 1);
    assert!(scanned.entries.iter().all(|(_, e)| e.error.is_none()));

    // The view: every name on a row of its own, rows pairwise different.
    let rows = names.len() as u16 + 3;
    let mut h = Harness::scan(vec![root.clone()], (100, rows + 2));
    h.press("l");
    assert_eq!(h.state.rows.len(), names.len() + 1);
    let lines = buffer_lines(&h.render_buffer(100, rows + 2));
    let tree_rows: Vec<&String> = lines.iter().skip(2).take(names.len()).collect();
    let distinct: BTreeSet<&String> = tree_rows.iter().copied().collect();
    let frame: String = lines.iter().take(12).map(|l| format!("{l}\n")).collect();
    assert_eq!(distinct.len(), names.len(), "two names look alike on screen:\n{frame}");
    for line in &lines {
        assert!(!line.chars().any(is_dangerous_char), "{line:?}");
    }
    let root_id = h.root();
    let shown: BTreeSet<Vec<u8>> =
        h.state.tree.children(root_id).map(|c| h.state.tree.name(c).to_vec()).collect();
    assert_eq!(shown, on_disk);
    for id in h.state.tree.children(root_id) {
        let name = sanitize::bytes(h.state.tree.name(id)).into_owned();
        assert!(tree_rows.iter().any(|l| l.contains(&format!(" - {name} "))), "{name}");
        assert_eq!(h.state.tree.kind(id), FileKind::File);
    }

    // Renamed and deleted exactly, each by its raw bytes.
    for name in &names {
        let path = under(&root, name);
        let identity = Identity::read(&path).unwrap_or_else(|e| panic!("{name:?}: {e}"));
        let mut new_name = name.clone();
        new_name.extend_from_slice(b"\xff-renamed");
        let moved = rename(&root, identity, name, &new_name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(moved, under(&root, &new_name));
        assert!(fs::symlink_metadata(&path).is_err(), "{name:?} still there");
        assert_eq!(fs::read(&moved).unwrap(), *name, "the content moved with it");
        let report =
            remove_permanently(&moved, identity, &AtomicBool::new(false), &|_| {}).unwrap();
        assert_eq!(report.removed, 1);
        assert!(fs::symlink_metadata(&moved).is_err());
    }
    assert_eq!(fs::read_dir(&root).unwrap().count(), 0, "everything was removed, once");
    sentinel.assert_untouched("renames and removals");
}

/// Names that a terminal draws exactly like `report.pdf` unless the
/// sanitizer escapes the odd character (issue 14 §3), and how each shows.
const LOOK_ALIKES: &[(&str, &str)] = &[
    ("report.pdf", "report.pdf"),
    ("\u{300}report.pdf", r"\u{300}report.pdf"),
    ("report.pdf\u{fe0f}", r"report.pdf\u{fe0f}"),
    ("report.pdf\u{e0100}", r"report.pdf\u{e0100}"),
    ("report\u{fffe}.pdf", r"report\u{fffe}.pdf"),
    ("report\u{fdd0}.pdf", r"report\u{fdd0}.pdf"),
    ("report\u{600}.pdf", r"report\u{600}.pdf"),
    ("report\u{110bd}.pdf", r"report\u{110bd}.pdf"),
    ("report\u{e000}.pdf", r"report\u{e000}.pdf"),
    ("report\u{a0}.pdf", r"report\u{a0}.pdf"),
    ("report.pdf\u{3000}", r"report.pdf\u{3000}"),
];

#[test]
fn names_that_look_alike_are_shown_apart_in_the_list_the_tree_and_the_dialog() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("alike");
    fs::create_dir(&root).unwrap();
    for (name, _) in LOOK_ALIKES {
        fs::write(root.join(name), b"x").unwrap();
    }

    let out = run_statree([OsStr::new("--list"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let listing = String::from_utf8(out.stdout).unwrap();
    let lines: BTreeSet<&str> = listing.lines().collect();
    assert_eq!(lines.len(), LOOK_ALIKES.len() + 1, "{listing}");
    for (_, shown) in LOOK_ALIKES {
        let want = format!("/alike/{shown}");
        assert!(listing.lines().any(|l| l.ends_with(&want)), "{want} in {listing}");
    }

    let (w, h) = (120, 30);
    let mut harness = Harness::scan(vec![root.clone()], (w, h));
    harness.press("l");
    let screen = harness.screen();
    for (_, shown) in LOOK_ALIKES {
        assert!(screen.contains(shown), "{shown}:\n{screen}");
    }
    // The delete dialog names the selected entry the same way; it is then
    // cancelled, so nothing is removed.
    harness.press("j");
    harness.press("D");
    let dialog = harness.screen();
    assert!(dialog.contains(r"\u{"), "the dialog:\n{dialog}");
    harness.press("esc");
    for (name, _) in LOOK_ALIKES {
        assert!(root.join(name).exists(), "{name:?} survived");
    }
    sentinel.assert_untouched("the look-alike names");
}
