//! Depth beyond PATH_MAX: a chain 5,000 levels deep, and one of 255-byte
//! names whose path is more than twice PATH_MAX. Scanned completely and
//! without an error by the library and every output, shown in the
//! interactive view, and deleted.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use statree::fsops::remove_permanently;
use statree::model::{DirState, FileKind, Identity, NodeId, Tree};
use statree::scan::{AuditScan, ScanOptions};

use crate::common::{
    DeepTree, PATH_MAX, Sentinel, bytes, deep_tree, json_records, open_chain, options, run_statree,
    scan_lib, summary_value,
};
use crate::tui_support::Harness;

/// Every entry of a chain: the top, each directory below it and each file `f`.
fn chain_entries(tree: &DeepTree) -> BTreeSet<Vec<u8>> {
    let mut all = BTreeSet::new();
    for (i, dir) in tree.dirs.iter().enumerate() {
        all.insert(bytes(dir).to_vec());
        if i + 1 < tree.dirs.len() {
            all.insert(bytes(&dir.join("f")).to_vec());
        }
    }
    all
}

/// Every node reachable from the roots.
fn all_nodes(tree: &Tree) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut stack: Vec<NodeId> = tree.roots().collect();
    while let Some(id) = stack.pop() {
        out.push(id);
        stack.extend(tree.children(id));
    }
    out
}

/// A library scan with `scan` finds exactly `expected`, every entry stat-ed
/// without an error, and the model is complete.
fn assert_library_scan(root: &Path, scan: ScanOptions, expected: &BTreeSet<Vec<u8>>, what: &str) {
    let scanned = scan_lib(ScanOptions { roots: vec![root.to_path_buf()], ..scan });
    assert!(scanned.finished, "{what}: no Finished");
    assert!(scanned.dir_errors.is_empty(), "{what}: {:?}", scanned.dir_errors.first());
    let found = scanned.by_path();
    let paths: BTreeSet<Vec<u8>> = found.keys().map(|p| bytes(p).to_vec()).collect();
    let missing = expected.difference(&paths).count();
    let extra = paths.difference(expected).count();
    assert!(missing == 0 && extra == 0, "{what}: {missing} entries missing, {extra} unexpected");
    let mut inodes = BTreeSet::new();
    for (path, entry) in &found {
        assert!(
            entry.error.is_none(),
            "{what}: {} bytes deep: {:?}",
            bytes(path).len(),
            entry.error
        );
        let st = entry.stat.as_ref().unwrap_or_else(|| panic!("{what}: not stat-ed"));
        let want =
            if path.file_name() == Some(OsStr::new("f")) { FileKind::File } else { FileKind::Dir };
        assert_eq!(st.kind(), want, "{what}: type at {} bytes deep", bytes(path).len());
        assert!(inodes.insert(st.ino), "{what}: inode {} seen twice", st.ino);
        if bytes(path).len() < PATH_MAX {
            let md = std::fs::symlink_metadata(path).unwrap();
            assert_eq!(st.ino, std::os::unix::fs::MetadataExt::ino(&md));
        }
    }
    let model = &scanned.tree;
    assert_eq!(model.totals().entries, expected.len() as u64, "{what}: entries in the model");
    assert_eq!(model.totals().errors, 0, "{what}: errors in the model");
    assert_eq!(model.dropped_batches(), 0, "{what}: batches the model could not place");
    for id in all_nodes(model) {
        if let Some(info) = model.dir(id) {
            assert_eq!(info.state, DirState::Complete, "{what}: {:?}", model.name(id));
        }
    }
    let root_id = model.roots().next().unwrap();
    assert_eq!(model.dir(root_id).unwrap().total_entries, expected.len() as u64 - 1);
}

/// `--summary`, `--json`, `--list` and `--audit` see exactly `expected`,
/// with and without `-L` and `-x`.
fn assert_cli_scan(root: &Path, expected: &BTreeSet<Vec<u8>>, dirs: u64) {
    let n = expected.len() as u64;
    for flags in [&[][..], &["-L"], &["-x"], &["-j", "1"]] {
        let out = run_statree(
            flags.iter().map(OsStr::new).chain([OsStr::new("--summary"), root.as_os_str()]),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "--summary {flags:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(summary_value(&out.stdout, "entries"), n, "--summary {flags:?}");
        assert_eq!(summary_value(&out.stdout, "directories"), dirs, "--summary {flags:?}");
        assert_eq!(summary_value(&out.stdout, "errors"), 0, "--summary {flags:?}");
    }
    let out = run_statree([OsStr::new("--json"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "--json: {}", String::from_utf8_lossy(&out.stderr));
    let records = json_records(&out.stdout);
    let listed: BTreeSet<Vec<u8>> = records.keys().cloned().collect();
    assert!(&listed == expected, "--json lists {} of {} entries", listed.len(), expected.len());
    for (path, rec) in &records {
        assert!(rec.get("error").is_none(), "{} bytes deep: {rec}", path.len());
        assert!(rec["ino"].is_u64(), "{rec}");
    }
    let out = run_statree([OsStr::new("--list"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let lines = out.stdout.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
    assert_eq!(lines as u64, n, "--list lines");
    assert!(!out.stdout.split(|b| *b == b'\n').any(|l| l.starts_with(b"!")), "an error line");
    let out = run_statree([OsStr::new("--audit"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "--audit: {}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains(&format!("among {n} scanned, 0 errors")), "{report}");
}

/// Expands the chain `levels` deep in the view, moving onto each directory
/// in turn as a user would; returns the last one.
fn walk_down(h: &mut Harness, levels: usize) -> NodeId {
    for _ in 0..levels {
        let here = h.state.selected_node().expect("a selection");
        h.press("l");
        let child = h
            .state
            .tree
            .children(here)
            .find(|&c| h.state.tree.kind(c) == FileKind::Dir)
            .expect("a directory below");
        let row = h.state.rows.position(child).expect("the child is shown once expanded");
        while h.state.cursor.row < row {
            h.press("j");
        }
        assert_eq!(h.state.selected_node(), Some(child));
    }
    h.state.selected_node().unwrap()
}

#[test]
fn five_thousand_levels_are_scanned_completely() {
    let tree = deep_tree(5000, 1);
    let sentinel = Sentinel::beside(tree.tmp.path());
    let deepest = tree.dirs.last().unwrap();
    assert!(bytes(deepest).len() > 2 * PATH_MAX);
    let expected = chain_entries(&tree);
    assert_eq!(expected.len(), 10_001);
    assert_library_scan(&tree.root, options(&[], 2), &expected, "plain");
    let audit = ScanOptions { detail: true, audit: AuditScan::all(), ..options(&[], 2) };
    assert_library_scan(&tree.root, audit, &expected, "detail and audit");
    assert_cli_scan(&tree.root, &expected, 5001);

    // The view: the deepest directory sits at its full path in the model,
    // and a walk down the first levels shows each one.
    let mut h = Harness::scan(vec![tree.root.clone()], (120, 40));
    assert_eq!(h.state.tree.totals().entries, 10_001);
    let deepest_id = all_nodes(&h.state.tree)
        .into_iter()
        .find(|&id| {
            h.state.tree.children(id).count() == 0 && h.state.tree.kind(id) == FileKind::Dir
        })
        .expect("the bottom of the chain");
    assert_eq!(&h.state.tree.path(deepest_id), deepest);
    let id = walk_down(&mut h, 30);
    assert_eq!(h.state.tree.path(id), tree.dirs[30]);
    let screen = h.screen();
    assert!(screen.contains(" 10,001 entries · "), "the status bar:\n{screen}");
    sentinel.assert_untouched("after scanning 5,000 levels");
}

#[test]
fn names_of_255_bytes_past_twice_path_max_are_scanned_shown_and_deleted() {
    let tree = deep_tree(40, 255);
    let sentinel = Sentinel::beside(tree.tmp.path());
    assert!(bytes(tree.dirs.last().unwrap()).len() > 2 * PATH_MAX);
    let expected = chain_entries(&tree);
    assert_library_scan(&tree.root, options(&[], 4), &expected, "plain");
    let follow = ScanOptions { follow_links: true, one_file_system: true, ..options(&[], 2) };
    assert_library_scan(&tree.root, follow, &expected, "-L -x");
    let audit = ScanOptions { detail: true, audit: AuditScan::all(), ..options(&[], 2) };
    assert_library_scan(&tree.root, audit, &expected, "detail and audit");
    assert_cli_scan(&tree.root, &expected, 41);

    // The view: 20 levels down (past PATH_MAX), the 255-byte name shows.
    let mut h = Harness::scan(vec![tree.root.clone()], (200, 50));
    let id = walk_down(&mut h, 20);
    let path = h.state.tree.path(id);
    assert_eq!(path, tree.dirs[20]);
    assert!(bytes(&path).len() > PATH_MAX);
    assert_eq!(h.state.tree.name(id).len(), 255);
    let screen = h.screen();
    assert!(screen.contains(" ▸ 019ddddddddddddddd"), "the selected row:\n{screen}");
    assert!(h.state.inspect.meta.is_some(), "the metadata pane answered (a record or an error)");

    // Deleted: the 255-byte-named directory at the top, with the 39 levels
    // below it (their paths are far past PATH_MAX).
    let top = &tree.dirs[1];
    let identity = Identity::read(top).unwrap();
    let report = remove_permanently(top, identity, &AtomicBool::new(false), &|_| {}).unwrap();
    assert!(report.complete(), "{:?}", report.errors);
    assert_eq!(report.removed, 39 * 2 + 1, "every directory and file below, and itself");
    let left: Vec<PathBuf> =
        std::fs::read_dir(&tree.root).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(left, vec![tree.root.join("f")]);
    sentinel.assert_untouched("after deleting past PATH_MAX");
}

#[test]
fn the_metadata_pane_reads_entries_past_path_max() {
    let tree = deep_tree(20, 255);
    let mut h = Harness::scan(vec![tree.root.clone()], (200, 50));
    let id = walk_down(&mut h, 19);
    assert!(bytes(&h.state.tree.path(id)).len() > PATH_MAX);
    let meta = h.state.inspect.meta.as_ref().expect("the metadata pane is loaded");
    if let Err(e) = &meta.result {
        panic!("the metadata pane failed: {}", &e[e.len().saturating_sub(60)..]);
    }
    // The preview of the file at that depth reads it too.
    h.press("l");
    let file = h.state.tree.find_child(id, b"f").expect("the level's file");
    let row = h.state.rows.position(file).expect("shown");
    while h.state.cursor.row < row {
        h.press("j");
    }
    h.press("v");
    let preview = h.state.inspect.preview.as_ref().expect("the preview is loaded");
    if let Err(e) = &preview.result {
        panic!("the preview failed: {}", &e[e.len().saturating_sub(60)..]);
    }
}

#[test]
fn followed_links_past_path_max_are_walked_and_the_walk_climbs_back() {
    // Past PATH_MAX, two links to another chain 70 levels deep: following
    // one holds more levels than the walk keeps open, so coming back up
    // it must reopen levels it closed — not through `..`, which leads into
    // the other chain. The chain is entered once (issue 14 §5): through
    // whichever link comes first in the listing; the other is listed alone.
    let tree = deep_tree(40, 255);
    let other = deep_tree(70, 1);
    let sentinel = Sentinel::beside(tree.tmp.path());
    let level = 20;
    let fd = open_chain(&tree, level);
    for link in ["s1", "s2"] {
        rustix::fs::symlinkat(&other.root, &fd, link).expect("symlinkat");
    }
    drop(fd);
    let here = &tree.dirs[level];
    assert!(bytes(here).len() > PATH_MAX);
    let scanned = scan_lib(ScanOptions { follow_links: true, ..options(&[&tree.root], 2) });
    let entered = ["s1", "s2"]
        .into_iter()
        .find(|link| scanned.by_path()[&here.join(link)].descend)
        .expect("one link is entered");
    let mut expected = chain_entries(&tree);
    let mut plain = expected.clone();
    for link in ["s1", "s2"] {
        plain.insert(bytes(&here.join(link)).to_vec());
        expected.insert(bytes(&here.join(link)).to_vec());
    }
    for path in chain_entries(&other) {
        let rel = &path[bytes(&other.root).len()..];
        let mut full = bytes(&here.join(entered)).to_vec();
        full.extend_from_slice(rel);
        expected.insert(full);
    }
    assert_eq!(expected.len(), 81 + 141 + 1);
    assert!(scanned.dir_errors.is_empty(), "{:?}", scanned.dir_errors.first());
    let found: BTreeSet<Vec<u8>> = scanned.by_path().keys().map(|p| bytes(p).to_vec()).collect();
    assert_eq!(found.len(), expected.len());
    assert!(found == expected, "the entries differ");
    assert!(scanned.entries.iter().all(|(_, e)| e.error.is_none()));
    assert_eq!(scanned.tree.totals().entries, expected.len() as u64);

    let out = run_statree([OsStr::new("-L"), OsStr::new("--summary"), tree.root.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(summary_value(&out.stdout, "entries"), expected.len() as u64);
    // Not followed: the links are entries of their own.
    let out = run_statree([OsStr::new("--summary"), tree.root.as_os_str()]);
    assert_eq!(summary_value(&out.stdout, "entries"), plain.len() as u64);
    assert_eq!(summary_value(&out.stdout, "symlinks"), 2);
    sentinel.assert_untouched("after following links past PATH_MAX");
}

/// Past PATH_MAX from the keyboard: the entry's own path is too long for one
/// system call, and it is still renamed (`r`) and deleted (`D`) exactly.
#[test]
fn entries_past_path_max_are_renamed_and_deleted_from_the_view() {
    let tree = deep_tree(20, 255);
    let sentinel = Sentinel::beside(tree.tmp.path());
    let mut h = Harness::scan(vec![tree.root.clone()], (200, 50));
    let id = walk_down(&mut h, 19);
    let path = h.state.tree.path(id);
    assert!(bytes(&path).len() > PATH_MAX);
    h.press("r");
    h.press("ctrl-u");
    h.type_text("renamed");
    h.press("enter");
    let status = h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(status.contains("renamed to renamed"), "{status}");
    let renamed = h.state.selected_node().expect("the renamed entry is selected");
    assert_eq!(h.state.tree.name(renamed), b"renamed");
    assert!(
        h.state.inspect.meta.as_ref().is_some_and(|m| m.result.is_ok()),
        "metadata after the rename"
    );
    h.press("D");
    h.press("y");
    let status = h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(status.starts_with("deleted 1 of 1 item"), "{status}");
    let parent = h.state.tree.parent(renamed).unwrap();
    assert!(h.state.tree.find_child(parent, b"renamed").is_none());
    // On disk: the level above has no directory left, only its file.
    let dir = open_chain(&tree, 18);
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut buf = Vec::with_capacity(8192);
    let mut iter = rustix::fs::RawDir::new(&dir, buf.spare_capacity_mut());
    while let Some(entry) = iter.next() {
        let name = entry.unwrap().file_name().to_bytes().to_vec();
        if name != b"." && name != b".." {
            names.push(name);
        }
    }
    assert_eq!(names, vec![b"f".to_vec()]);
    sentinel.assert_untouched("after renaming and deleting past PATH_MAX");
}
