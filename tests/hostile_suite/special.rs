//! Special files: a FIFO with no writer (opening it to read would block
//! forever, so finishing at all proves it was never opened), a socket, a
//! character and a block device, and zero-size files; and the preview of a
//! `/proc` file, whose size says 0 while it has content.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};

use rustix::fs::{CWD, FileType, Mode};
use statree::model::FileKind;
use statree::preview::{Preview, read_preview};
use statree::scan::{AuditScan, ScanOptions};

use crate::common::{
    Sentinel, bytes, json_records, options, public_tempdir, run_statree, scan_lib, summary_value,
    with_timeout,
};
use crate::tui_support::Harness;

struct Specials {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    /// Each special entry and its type.
    kinds: BTreeMap<PathBuf, FileKind>,
    sentinel: Sentinel,
}

fn specials() -> Specials {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("special");
    fs::create_dir(&root).unwrap();
    let mut kinds = BTreeMap::new();
    let fifo = root.join("fifo");
    rustix::fs::mknodat(CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o644), 0).unwrap();
    kinds.insert(fifo, FileKind::Fifo);
    let socket = root.join("socket");
    drop(UnixListener::bind(&socket).unwrap());
    kinds.insert(socket, FileKind::Socket);
    for (name, kind, ty, dev) in [
        ("null", FileKind::Char, FileType::CharacterDevice, rustix::fs::makedev(1, 3)),
        ("loop0", FileKind::Block, FileType::BlockDevice, rustix::fs::makedev(7, 0)),
    ] {
        let path = root.join(name);
        match rustix::fs::mknodat(CWD, &path, ty, Mode::from_raw_mode(0o600), dev) {
            Ok(()) => {
                kinds.insert(path, kind);
            }
            Err(e) => eprintln!("no {name} device in the fixture: mknod: {e}"),
        }
    }
    fs::write(root.join("empty"), b"").unwrap();
    kinds.insert(root.join("empty"), FileKind::File);
    fs::write(root.join("text"), b"plain text\n").unwrap();
    kinds.insert(root.join("text"), FileKind::File);
    Specials { _tmp: tmp, root, kinds, sentinel }
}

#[test]
fn special_files_are_listed_and_never_opened() {
    let t = specials();
    let n = t.kinds.len() as u64 + 1;
    for scan in [
        options(&[&t.root], 2),
        ScanOptions { follow_links: true, detail: true, ..options(&[&t.root], 2) },
        ScanOptions { detail: true, audit: AuditScan::all(), ..options(&[&t.root], 1) },
    ] {
        let scanned = scan_lib(scan);
        let found = scanned.by_path();
        assert_eq!(found.len() as u64, n);
        for (path, kind) in &t.kinds {
            let entry = &found[path];
            assert_eq!(entry.kind(), *kind, "{path:?}");
            assert!(entry.error.is_none(), "{path:?}: {:?}", entry.error);
        }
    }
    for mode in ["--list", "--summary", "--audit"] {
        let out = run_statree([OsStr::new(mode), t.root.as_os_str()]);
        assert_eq!(out.status.code(), Some(0), "{mode}");
        if mode == "--summary" {
            assert_eq!(summary_value(&out.stdout, "entries"), n);
            let others = t.kinds.values().filter(|k| **k != FileKind::File).count();
            assert_eq!(summary_value(&out.stdout, "other"), others as u64);
        }
    }
    let out = run_statree([OsStr::new("--json"), t.root.as_os_str()]);
    let records = json_records(&out.stdout);
    for (path, kind) in &t.kinds {
        assert_eq!(records[bytes(path)]["type"], kind.json_name(), "{path:?}");
    }
    if t.kinds.contains_key(&t.root.join("null")) {
        let rec = &records[bytes(&t.root.join("null"))];
        let text = rec.to_string();
        assert!(text.contains("1:3") || rec["rdev"].is_u64(), "the device number: {text}");
    }
    t.sentinel.assert_untouched("special files");
}

#[test]
fn the_view_and_the_preview_never_block_on_special_files() {
    let t = specials();
    let root = t.root.clone();
    let kinds = t.kinds.clone();
    let seen = with_timeout(60, "the view over special files", move || {
        let mut h = Harness::scan(vec![root.clone()], (120, 30));
        h.press("v");
        let mut seen = Vec::new();
        for row in 0..h.state.rows.len() {
            while h.state.cursor.row < row {
                h.press("j");
            }
            let id = h.state.selected_node().unwrap();
            let path = h.state.tree.path(id);
            let screen = h.screen();
            if let Some(kind) = kinds.get(&path)
                && *kind != FileKind::File
            {
                assert!(screen.contains(": not opened"), "the preview says why:\n{screen}");
            }
            seen.push(path);
        }
        seen
    });
    assert_eq!(seen.len(), t.kinds.len() + 1);
    // The preview itself, on each.
    for (path, kind) in &t.kinds {
        let path = path.clone();
        let preview = with_timeout(10, "a preview", move || read_preview(&path, 4096));
        match (kind, preview) {
            (FileKind::File, Ok(Preview::Empty | Preview::Text { .. })) => {}
            (FileKind::File, other) => panic!("a regular file: {other:?}"),
            (_, Ok(Preview::NotRead { kind: k, why })) => {
                assert_eq!(k, *kind);
                assert!(!why.is_empty());
            }
            (_, other) => panic!("{kind:?}: {other:?}"),
        }
    }
    t.sentinel.assert_untouched("the previews");
}

#[test]
fn the_preview_of_a_proc_file_shows_its_content_or_says_why_not() {
    let path = Path::new("/proc/self/status");
    let preview = with_timeout(10, "a /proc preview", move || read_preview(path, 4096));
    match preview {
        Ok(Preview::Text { text, .. }) => assert!(text.contains("Name:"), "{text}"),
        Ok(Preview::NotRead { why, .. }) => assert!(!why.is_empty()),
        other => panic!("/proc/self/status has content (its size says 0): {other:?}"),
    }
}
