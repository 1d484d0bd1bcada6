//! `-f FILE` / `--import FILE`: statree's own export read back (hostile
//! names byte for byte, the same totals, list and audit as the scan), from
//! standard input, every truncation of an export (never a panic, what was
//! read stays, the byte offset said), a malformed one, and 5,000 levels.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{bytes, path_from, public_tempdir, run_statree, scan_lib, summary_value};
use statree::import::Import;
use statree::model::{DirState, FileKind, NodeId, Tree};
use statree::scan::ScanOptions;
use tempfile::TempDir;

/// Names that break naive readers: not UTF-8, quotes, backslashes, control
/// bytes, DEL, a newline, a bidi override, a leading dash, a `\u` look-alike.
const HOSTILE: &[&[u8]] = &[
    b"bad\xffname",
    b"\xc3\x28",
    b"quo\"te",
    b"back\\slash\\\\",
    b"ctl\x01\x1f\x7f",
    b"new\nline\ttab\r",
    b"bidi\xe2\x80\xaeevil",
    b"-dash",
    b"\\u0041",
    b"sp ace ",
];

/// A tree with hostile names at two levels, a setuid file, a world-writable
/// directory, a hard link and a symlink.
fn fixture() -> (TempDir, PathBuf) {
    let tmp = public_tempdir();
    let root = tmp.path().join("root");
    fs::create_dir_all(root.join("sub/deeper")).unwrap();
    for (i, name) in HOSTILE.iter().enumerate() {
        fs::write(root.join(path_from(name)), vec![b'x'; i * 100]).unwrap();
        fs::create_dir(root.join("sub").join(path_from(name))).unwrap();
        fs::write(root.join("sub").join(path_from(name)).join(path_from(name)), b"n").unwrap();
    }
    fs::write(root.join("sub/deeper/suid"), b"#!/bin/sh\n").unwrap();
    common::chmod(&root.join("sub/deeper/suid"), 0o4755);
    fs::create_dir(root.join("open")).unwrap();
    common::chmod(&root.join("open"), 0o777);
    fs::hard_link(root.join("sub/deeper/suid"), root.join("linked")).unwrap();
    std::os::unix::fs::symlink("sub", root.join("sym")).unwrap();
    (tmp, root)
}

fn export_of(root: &Path, file: &Path) {
    let out = run_statree(["-o".as_ref(), file.as_os_str(), root.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The lines of an output as a set (the order of siblings may differ).
fn lines(out: &[u8]) -> BTreeSet<Vec<u8>> {
    out.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

/// Imports in-process: the tree and the failure, if any.
fn import_tree(file: &Path) -> (Tree, Option<statree::import::ImportError>) {
    let import = Import::open(file).expect("open the import");
    let options = ScanOptions {
        source: Some(import.source.clone()),
        ..ScanOptions::new(vec![import.root.clone()])
    };
    let scanned = scan_lib(options);
    assert!(scanned.finished);
    (scanned.tree, import.failure())
}

/// Every live path below the roots, as raw bytes.
fn paths(tree: &Tree) -> BTreeSet<Vec<u8>> {
    let mut out = BTreeSet::new();
    let mut stack: Vec<NodeId> = tree.roots().collect();
    while let Some(id) = stack.pop() {
        out.insert(bytes(&tree.path(id)).to_vec());
        stack.extend(tree.children(id));
    }
    out
}

#[test]
fn own_export_reads_back_byte_for_byte() {
    let (tmp, root) = fixture();
    let first = tmp.path().join("first.json");
    let second = tmp.path().join("second.json");
    export_of(&root, &first);
    let out = run_statree(["-f".as_ref(), first.as_os_str(), "-o".as_ref(), second.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (a, b) = (fs::read(&first).unwrap(), fs::read(&second).unwrap());
    // The first line is the metadata (its timestamp is when it was written).
    let body = |raw: &[u8]| raw.splitn(2, |&b| b == b'\n').nth(1).unwrap().to_vec();
    assert_eq!(
        String::from_utf8_lossy(&body(&a)),
        String::from_utf8_lossy(&body(&b)),
        "the re-export of an import is the export"
    );
    assert_eq!(body(&a), body(&b), "byte for byte, non-UTF-8 names included");
    for name in HOSTILE.iter().filter(|n| std::str::from_utf8(n).is_err()) {
        assert!(a.windows(name.len()).any(|w| w == *name), "{name:?} written as its bytes");
    }

    let (tree, failure) = import_tree(&first);
    assert!(failure.is_none(), "{failure:?}");
    let scanned = scan_lib(ScanOptions::new(vec![root.clone()]));
    assert_eq!(paths(&tree), paths(&scanned.tree), "the same entries, hostile names exact");
    assert_eq!(tree.totals(), scanned.tree.totals(), "the same totals");
    for id in tree.node_ids() {
        if tree.kind(id) == FileKind::Dir {
            let state = tree.dir(id).unwrap().state;
            assert_eq!(state, DirState::Complete, "{:?}", tree.path(id));
        }
    }
}

#[test]
fn summary_list_and_audit_take_an_import() {
    let (tmp, root) = fixture();
    let file = tmp.path().join("export.json");
    export_of(&root, &file);
    let import = |args: &[&str]| {
        let mut all: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        all.extend(["-f".as_ref(), file.as_os_str()]);
        run_statree(all)
    };
    let scan = |args: &[&str]| {
        let mut all: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        all.push(root.as_os_str());
        run_statree(all)
    };
    let (ours, theirs) = (import(&["--summary"]), scan(&["--summary"]));
    assert!(ours.status.success(), "{}", String::from_utf8_lossy(&ours.stderr));
    for key in ["entries", "directories", "files", "symlinks", "errors", "apparent bytes"] {
        assert_eq!(summary_value(&ours.stdout, key), summary_value(&theirs.stdout, key), "{key}");
    }
    assert_eq!(
        summary_value(&ours.stdout, "allocated bytes"),
        summary_value(&theirs.stdout, "allocated bytes")
    );
    let (ours, theirs) = (import(&["--list"]), scan(&["--list"]));
    assert!(ours.status.success());
    assert_eq!(lines(&ours.stdout), lines(&theirs.stdout), "--list: the same lines");
    for args in
        [&["--audit"][..], &["--audit", "--list"], &["--audit=setuid,world-writable", "--list"]]
    {
        let (ours, theirs) = (import(args), scan(args));
        assert_eq!(ours.status.code(), theirs.status.code(), "{args:?}");
        assert!(!theirs.stdout.is_empty(), "{args:?} finds something in the fixture");
        assert_eq!(lines(&ours.stdout), lines(&theirs.stdout), "{args:?}");
    }
}

#[test]
fn standard_input_is_read_too() {
    let (tmp, root) = fixture();
    let file = tmp.path().join("export.json");
    export_of(&root, &file);
    let mut cmd = assert_cmd::Command::new(common::statree_bin());
    cmd.args(["-f", "-", "--list"]).pipe_stdin(&file).unwrap();
    let out = cmd.timeout(common::CLI_TIMEOUT).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let scanned = run_statree(["--list".as_ref(), root.as_os_str()]);
    assert_eq!(lines(&out.stdout), lines(&scanned.stdout));
}

/// Every prefix of an export: no panic, a failure at or before its end with
/// the offset, and what was read is part of the whole.
#[test]
fn every_truncation_keeps_what_was_read() {
    let (tmp, root) = fixture();
    let file = tmp.path().join("export.json");
    export_of(&root, &file);
    let raw = fs::read(&file).unwrap();
    let (whole, _) = import_tree(&file);
    let all = paths(&whole);
    let end = raw.iter().rposition(|&b| b == b']').unwrap();
    let cut = tmp.path().join("cut.json");
    let mut seen_partial = 0;
    // Every byte near the start and end, a stride in between.
    let offsets = (1..raw.len()).filter(|&n| n < 400 || n + 50 > raw.len() || n % 7 == 0);
    for len in offsets {
        fs::write(&cut, &raw[..len]).unwrap();
        let Ok(import) = Import::open(&cut) else { continue };
        let root = import.root.clone();
        let (tree, failure) = import_tree(&cut);
        if len > end {
            // Only white space after the document was cut.
            assert!(failure.is_none(), "{failure:?}");
            continue;
        }
        let failure = failure.unwrap_or_else(|| panic!("a cut at {len} of {} fails", raw.len()));
        assert!(failure.offset <= len as u64, "{failure} (cut at {len})");
        assert!(failure.to_string().contains(&format!("byte {}", failure.offset)));
        let got = paths(&tree);
        assert!(got.is_subset(&all), "cut at {len}: entries that are not in the export");
        assert!(got.contains(bytes(&root)), "the root stays");
        seen_partial += usize::from(got.len() > 1 && got.len() < all.len());
    }
    assert!(seen_partial > 10, "most cuts keep part of the tree");
}

#[test]
fn a_truncated_file_lists_what_was_read_and_exits_1() {
    let (tmp, root) = fixture();
    let file = tmp.path().join("export.json");
    export_of(&root, &file);
    let raw = fs::read(&file).unwrap();
    let at = raw.len() * 2 / 3;
    fs::write(&file, &raw[..at]).unwrap();
    let out = run_statree(["-f".as_ref(), file.as_os_str(), "--list".as_ref()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("byte {at}: unexpected end of file")), "{stderr}");
    let listed = out.stdout.iter().filter(|&&b| b == b'\n').count();
    assert!(listed > 5, "what was read is listed: {}", String::from_utf8_lossy(&out.stdout));
    let summary = run_statree(["-f".as_ref(), file.as_os_str(), "--summary".as_ref()]);
    assert_eq!(summary.status.code(), Some(1));
    assert!(summary_value(&summary.stdout, "entries") > 5);
}

#[test]
fn a_malformed_file_names_the_byte() {
    let tmp = public_tempdir();
    let file = tmp.path().join("bad.json");
    let doc = br#"[1,2,{"progname":"x"},
[{"name":"/r","asize":1},{"name":"a","asize":5},{"name":"b","asize":oops}]]"#;
    fs::write(&file, doc).unwrap();
    let at = doc.windows(4).position(|w| w == b"oops").unwrap();
    let out = run_statree(["-f".as_ref(), file.as_os_str(), "--list".as_ref()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("byte {at}: expected a number, found `o`")), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("/r/a"), "the entry before is listed");
    // Not an export at all, and a future major version: refused at once.
    for (doc, why) in [(&b"hello"[..], "not an ncdu export"), (b"[2,0,{}]", "major version 2")] {
        fs::write(&file, doc).unwrap();
        let out = run_statree(["-f".as_ref(), file.as_os_str(), "--summary".as_ref()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains(why), "{why}");
        assert!(out.stdout.is_empty());
    }
}

/// 5,000 nested directories: no recursion in the reader, every level there.
#[test]
fn five_thousand_levels_load() {
    let tmp = public_tempdir();
    let file = tmp.path().join("deep.json");
    let mut doc = b"[1,2,{\"progname\":\"t\"},\n[{\"name\":\"/deep\"}".to_vec();
    for _ in 0..5_000 {
        doc.extend_from_slice(b",\n[{\"name\":\"d\",\"asize\":1}");
    }
    doc.extend_from_slice(b",{\"name\":\"leaf\",\"asize\":7}");
    doc.extend(std::iter::repeat_n(b']', 5_002));
    fs::write(&file, &doc).unwrap();
    let (tree, failure) = import_tree(&file);
    assert!(failure.is_none(), "{failure:?}");
    assert_eq!(tree.totals().dirs, 5_001);
    assert_eq!(tree.totals().files, 1);
    assert_eq!(tree.totals().apparent, 5_007);
    let out = run_statree(["-f".as_ref(), file.as_os_str(), "--summary".as_ref()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(summary_value(&out.stdout, "entries"), 5_002);
}

/// `--baseline` compares an import as it compares a scan: nothing for the
/// tree the baseline was taken of, the new file once it was added.
#[test]
fn baseline_takes_an_import() {
    let (tmp, root) = fixture();
    let base = tmp.path().join("base.jsonl");
    let out = run_statree(["--json".as_ref(), root.as_os_str()]);
    assert!(out.status.success());
    fs::write(&base, &out.stdout).unwrap();
    let file = tmp.path().join("export.json");
    export_of(&root, &file);
    let compare = || {
        run_statree([
            "-f".as_ref(),
            file.as_os_str(),
            "--baseline".as_ref(),
            base.as_os_str(),
            "--list".as_ref(),
        ])
    };
    let same = compare();
    assert!(same.status.success(), "{}", String::from_utf8_lossy(&same.stderr));
    assert_eq!(String::from_utf8_lossy(&same.stdout), "", "nothing new or changed");
    fs::write(root.join("sub/added"), b"new").unwrap();
    common::chmod(&root.join("open"), 0o755);
    export_of(&root, &file);
    let changed = compare();
    let text = String::from_utf8_lossy(&changed.stdout);
    assert!(text.lines().any(|l| l.contains("/sub/added")), "{text}");
    assert!(text.lines().any(|l| l.ends_with("/open") || l.contains("/open ")), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
}

/// statree's own `--json` output imports as the scan it records: the same
/// list (hostile names exact), totals and audit, with two roots too; a cut
/// one keeps the records before the cut and names the byte.
#[test]
fn own_json_output_imports_like_the_scan() {
    let (tmp, root) = fixture();
    let other = tmp.path().join("other");
    fs::create_dir_all(other.join("inner")).unwrap();
    fs::write(other.join("inner/f"), b"12345").unwrap();
    let file = tmp.path().join("scan.jsonl");
    let json = run_statree(["--json".as_ref(), root.as_os_str(), other.as_os_str()]);
    assert!(json.status.success());
    fs::write(&file, &json.stdout).unwrap();
    for args in [&["--list"][..], &["--audit", "--list"], &["--summary"]] {
        let mut ours: Vec<&std::ffi::OsStr> = vec!["-f".as_ref(), file.as_os_str()];
        ours.extend(args.iter().map(std::ffi::OsStr::new));
        let mut theirs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        theirs.extend([root.as_os_str(), other.as_os_str()]);
        let (ours, theirs) = (run_statree(ours), run_statree(theirs));
        assert_eq!(ours.status.code(), theirs.status.code(), "{args:?}");
        if args == ["--summary"] {
            for key in ["entries", "directories", "files", "symlinks", "apparent bytes"] {
                let (a, b) = (summary_value(&ours.stdout, key), summary_value(&theirs.stdout, key));
                assert_eq!(a, b, "{key}");
            }
        } else {
            assert_eq!(lines(&ours.stdout), lines(&theirs.stdout), "{args:?}");
        }
    }
    let (tree, failure) = import_tree(&file);
    assert!(failure.is_none(), "{failure:?}");
    let scanned = scan_lib(ScanOptions::new(vec![root.clone(), other.clone()]));
    assert_eq!(paths(&tree), paths(&scanned.tree), "the same entries, hostile names exact");
    for id in tree.node_ids().filter(|&id| tree.kind(id) == FileKind::Dir) {
        assert_eq!(tree.dir(id).unwrap().state, DirState::Complete, "{:?}", tree.path(id));
    }

    let at = json.stdout.len() / 2;
    fs::write(&file, &json.stdout[..at]).unwrap();
    let (tree, failure) = import_tree(&file);
    let failure = failure.expect("a cut record is an error");
    let line_start = json.stdout[..at].iter().rposition(|&b| b == b'\n').unwrap() as u64 + 1;
    assert!((line_start..=at as u64).contains(&failure.offset), "{failure}");
    let read = paths(&tree);
    assert!(read.len() > 5 && read.is_subset(&paths(&scanned.tree)));
    // Any cut: no panic, and only entries of the whole.
    for len in (1..json.stdout.len()).step_by(53) {
        fs::write(&file, &json.stdout[..len]).unwrap();
        if Import::open(&file).is_ok() {
            let (tree, _) = import_tree(&file);
            assert!(paths(&tree).is_subset(&paths(&scanned.tree)), "cut at {len}");
        }
    }
}
