//! Imports across tools: the exports `ncdu -o` and `gdu -o` write of a
//! fixture tree give the entries and totals statree's own scan gives, and gdu
//! reads statree's export exactly as it reads ncdu's. (ncdu reading
//! statree's export back is in `tests/export.rs`.) Each test skips, saying
//! so, only when the tool is missing; under CI (`.ci/run` installs both) a
//! missing tool fails.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{bytes, path_from, public_tempdir, scan_lib};
use statree::import::Import;
use statree::model::{FileKind, NodeId, Tree};
use statree::scan::ScanOptions;
use tempfile::TempDir;

/// True when `tool` runs; else says why the test is skipped.
fn have(tool: &str, version_flag: &str) -> bool {
    let ok = Command::new(tool).arg(version_flag).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is required under CI (.ci/run installs it)"
        );
        eprintln!("skipped: {tool} is not installed (apt-get install {tool}); CI runs this test");
    }
    ok
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.stdin(Stdio::null()).output().expect("run the tool");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// Files of several sizes, nested directories, a hard link, a symlink, a
/// FIFO, an empty directory, a name with a quote and one that is not UTF-8.
fn fixture() -> (TempDir, PathBuf) {
    let tmp = public_tempdir();
    let root = tmp.path().join("tree");
    fs::create_dir_all(root.join("a/b/c")).unwrap();
    fs::create_dir_all(root.join("empty")).unwrap();
    fs::write(root.join("a/small"), b"hello").unwrap();
    fs::write(root.join("a/b/big"), vec![7u8; 100_000]).unwrap();
    fs::write(root.join("a/b/c/mid"), vec![1u8; 5_000]).unwrap();
    fs::hard_link(root.join("a/small"), root.join("a/b/hard")).unwrap();
    std::os::unix::fs::symlink("small", root.join("a/sym")).unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        root.join("fifo"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
    fs::write(root.join("quo\"te"), b"q").unwrap();
    fs::write(root.join(path_from(b"bad\xffname")), b"xyz").unwrap();
    (tmp, root)
}

fn import_tree(file: &Path) -> Tree {
    let import = Import::open(file).expect("open the import");
    let options = ScanOptions {
        source: Some(import.source.clone()),
        ..ScanOptions::new(vec![import.root.clone()])
    };
    let tree = scan_lib(options).tree;
    assert_eq!(import.failure(), None);
    tree
}

/// Every entry: path (lossy, as gdu writes names) → (kind, apparent size).
fn entries(tree: &Tree) -> BTreeMap<String, (FileKind, u64)> {
    let mut out = BTreeMap::new();
    let mut stack: Vec<NodeId> = tree.roots().collect();
    while let Some(id) = stack.pop() {
        let path = String::from_utf8_lossy(bytes(&tree.path(id))).into_owned();
        out.insert(path, (tree.kind(id), tree.size(id)));
        stack.extend(tree.children(id));
    }
    out
}

#[test]
fn an_ncdu_export_imports_like_a_scan() {
    if !have("ncdu", "-v") {
        return;
    }
    let (tmp, root) = fixture();
    let file = tmp.path().join("ncdu.json");
    run(Command::new("ncdu").arg("-e").arg("-o").arg(&file).arg(&root));
    let imported = import_tree(&file);
    let scanned = scan_lib(ScanOptions::new(vec![root.clone()])).tree;
    assert_eq!(entries(&imported), entries(&scanned), "kinds and sizes of every entry");
    assert_eq!(imported.totals(), scanned.totals(), "the totals, hard link once");
    let bad = root.join(path_from(b"bad\xffname"));
    let found = imported.node_ids().any(|id| imported.path(id) == bad);
    assert!(found, "ncdu keeps the bytes of a name that is not UTF-8, and so does the import");
}

#[test]
fn a_gdu_export_imports_with_what_gdu_records() {
    if !have("gdu", "--version") {
        return;
    }
    let (tmp, root) = fixture();
    let file = tmp.path().join("gdu.json");
    run(Command::new("gdu").arg("-n").arg("-o").arg(&file).arg(&root));
    let imported = import_tree(&file);
    let scanned = scan_lib(ScanOptions::new(vec![root.clone()])).tree;
    let (ours, theirs) = (entries(&imported), entries(&scanned));
    // gdu writes names through Go's JSON encoder (U+FFFD for a byte that is
    // not UTF-8), no mode, and no sizes of directories.
    assert_eq!(ours.keys().collect::<BTreeSet<_>>(), theirs.keys().collect::<BTreeSet<_>>());
    for (path, &(kind, size)) in &theirs {
        let (got_kind, got_size) = ours[path];
        assert_eq!(got_kind == FileKind::Dir, kind == FileKind::Dir, "{path}");
        if kind == FileKind::File {
            assert_eq!(got_size, size, "{path}: apparent size of a regular file");
        }
    }
    assert_eq!(imported.totals().entries, scanned.totals().entries);
    assert_eq!(imported.totals().dirs, scanned.totals().dirs);
}

/// gdu's totals of statree's export equal its totals of ncdu's export of the
/// same tree: it reads statree's as it reads ncdu's.
#[test]
fn gdu_reads_our_export_as_it_reads_ncdus() {
    if !have("gdu", "--version") || !have("ncdu", "-v") {
        return;
    }
    let (tmp, root) = fixture();
    let ours = tmp.path().join("statree.json");
    let theirs = tmp.path().join("ncdu.json");
    run(Command::new(common::statree_bin()).arg("-o").arg(&ours).arg(&root));
    run(Command::new("ncdu").arg("-e").arg("-o").arg(&theirs).arg(&root));
    for flags in [&["-n", "--no-prefix"][..], &["-n", "--no-prefix", "-a"]] {
        let with = |file: &Path| run(Command::new("gdu").args(flags).arg("-f").arg(file));
        let (a, b) = (with(&ours), with(&theirs));
        assert!(!a.is_empty());
        let sorted =
            |out: Vec<u8>| out.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect::<BTreeSet<_>>();
        assert_eq!(sorted(a.clone()), sorted(b), "gdu {flags:?}: {}", String::from_utf8_lossy(&a));
    }
}
