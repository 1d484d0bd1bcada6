//! The library scan against a plain serial `std::fs` walk of the same tree:
//! same entries, same metadata, same tree shape, whatever the thread count.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Rec, Scanned, bytes, children_of, deduped_bytes, fixture, options, scan_lib};
use statree::error::Op;
use statree::model::{DirState, FileKind, NodeId, Tree};
use statree::scan::{self, EntryStat, ScanEvent, ScanOptions};

fn assert_stat_matches(path: &Path, st: &EntryStat, rec: &Rec) {
    let got = (st.mode, st.uid, st.gid, st.size, st.blocks, st.ino, st.dev, st.nlink, st.rdev);
    let want =
        (rec.mode, rec.uid, rec.gid, rec.size, rec.blocks, rec.ino, rec.dev, rec.nlink, rec.rdev);
    assert_eq!(got, want, "mode/uid/gid/size/blocks/ino/dev/nlink/rdev of {path:?}");
    assert_eq!(
        (st.mtime.sec, i64::from(st.mtime.nsec)),
        (rec.mtime, rec.mtime_nsec),
        "mtime of {path:?}"
    );
}

/// Every path of the serial walk, and nothing else, with identical metadata.
fn assert_scan_matches_serial(scanned: &Scanned, serial: &BTreeMap<PathBuf, Rec>) {
    assert!(scanned.finished, "the scan never sent Finished");
    assert!(scanned.dir_errors.is_empty(), "directory errors: {:?}", scanned.dir_errors);
    let found = scanned.by_path();
    let found_paths: BTreeSet<&[u8]> = found.keys().map(|p| bytes(p)).collect();
    let serial_paths: BTreeSet<&[u8]> = serial.keys().map(|p| bytes(p)).collect();
    assert_eq!(found_paths, serial_paths, "scanned paths differ from the serial walk");
    for (path, entry) in &found {
        assert!(entry.error.is_none(), "{path:?} has an error: {:?}", entry.error);
        let st = entry.stat.as_ref().unwrap_or_else(|| panic!("{path:?} was not stat-ed"));
        assert_stat_matches(path, st, &serial[path]);
    }
}

fn check_equivalence(threads: usize, detail: bool) {
    let fx = fixture();
    let serial = common::serial_walk(&fx.root);
    let scanned = scan_lib(ScanOptions { detail, ..options(&[&fx.root], threads) });
    assert_scan_matches_serial(&scanned, &serial);
    if detail {
        for (path, entry) in scanned.by_path() {
            let target = entry.detail.as_ref().and_then(|d| d.target.clone());
            let want = std::fs::read_link(&path).ok().map(|t| bytes(&t).to_vec());
            assert_eq!(target, want, "symlink target of {path:?}");
        }
    }
}

#[test]
fn single_threaded_scan_matches_serial_walk() {
    check_equivalence(1, false);
}

#[test]
fn four_thread_scan_matches_serial_walk() {
    check_equivalence(4, false);
}

#[test]
fn detailed_statx_scan_matches_serial_walk_and_reads_link_targets() {
    check_equivalence(4, true);
}

/// Every node reachable from the roots, walking `Tree::children`.
fn all_nodes(tree: &Tree) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut stack: Vec<NodeId> = tree.roots().collect();
    while let Some(id) = stack.pop() {
        out.push(id);
        stack.extend(tree.children(id));
    }
    out
}

#[test]
fn tree_totals_count_every_entry_and_hard_links_once() {
    let fx = fixture();
    let serial = common::serial_walk(&fx.root);
    for threads in [1, 4] {
        let scanned = scan_lib(options(&[&fx.root], threads));
        let tree = &scanned.tree;
        let totals = tree.totals();
        let count = |f: fn(&Rec) -> bool| serial.values().filter(|r| f(r)).count() as u64;
        assert_eq!(totals.entries, serial.len() as u64, "entries ({threads} threads)");
        assert_eq!(totals.dirs, count(Rec::is_dir), "dirs");
        assert_eq!(totals.files, count(Rec::is_file), "files");
        assert_eq!(totals.symlinks, count(Rec::is_symlink), "symlinks");
        assert_eq!(
            totals.other,
            count(|r| !r.is_dir() && !r.is_file() && !r.is_symlink()),
            "other"
        );
        assert_eq!(totals.errors, 0, "errors");
        let (apparent, allocated) = deduped_bytes(&serial);
        assert_eq!(totals.apparent, apparent, "apparent bytes, hard link counted once");
        assert_eq!(totals.allocated, allocated, "allocated bytes, hard link counted once");
        let extra_links = all_nodes(tree).into_iter().filter(|&id| tree.is_extra_link(id)).count();
        assert_eq!(extra_links, 1, "exactly one of hard_a/hard_b is the extra link");
        assert_eq!(tree.dropped_batches(), 0);
        assert!(tree.finished().is_some());

        let root = tree.roots().next().expect("a root");
        let info = tree.dir(root).expect("the root is a directory");
        assert_eq!(info.total_entries, serial.len() as u64 - 1, "entries below the root");
        assert_eq!(info.total_size, apparent, "root aggregate apparent bytes");
    }
}

#[test]
fn tree_paths_and_children_match_serial_walk() {
    let fx = fixture();
    let serial = common::serial_walk(&fx.root);
    let serial_children = children_of(&serial);
    let scanned = scan_lib(options(&[&fx.root], 4));
    let tree = &scanned.tree;
    let nodes = all_nodes(tree);
    assert_eq!(nodes.len(), serial.len(), "nodes reachable from the root");
    let mut seen = BTreeSet::new();
    for id in nodes {
        let path = tree.path(id);
        let rec = serial.get(&path).unwrap_or_else(|| panic!("tree path {path:?} not on disk"));
        assert!(seen.insert(path.clone()), "{path:?} appears twice in the tree");
        assert_eq!(tree.mode(id), rec.mode, "mode of {path:?}");
        assert_eq!(tree.owner(id), (rec.uid, rec.gid), "owner of {path:?}");
        assert_eq!(tree.size(id), rec.size, "size of {path:?}");
        assert_eq!(tree.allocated(id), rec.blocks * 512, "allocated of {path:?}");
        assert_eq!(tree.mtime(id), rec.mtime, "mtime of {path:?}");
        assert!(!tree.has_error(id) && !tree.stat_failed(id), "{path:?} marked failed");
        if rec.is_dir() {
            assert_eq!(tree.kind(id), FileKind::Dir);
            let info = tree.dir(id).expect("directory info");
            assert_eq!(info.state, DirState::Complete, "state of {path:?}");
            let names: BTreeSet<Vec<u8>> =
                tree.children(id).map(|c| tree.name(c).to_vec()).collect();
            assert_eq!(names, serial_children[&path], "children of {path:?}");
            for child in tree.children(id) {
                assert_eq!(tree.parent(child), Some(id));
            }
        } else {
            assert!(tree.dir(id).is_none(), "{path:?} has directory info");
            assert_eq!(tree.children(id).count(), 0);
        }
    }
}

#[test]
fn two_roots_scan_both_subtrees() {
    let fx = fixture();
    let second = fx.hidden_dir.clone();
    let mut serial = common::serial_walk(&fx.nested);
    serial.extend(common::serial_walk(&second));
    let scanned = scan_lib(options(&[&fx.nested, &second], 2));
    assert_scan_matches_serial(&scanned, &serial);
    let roots: Vec<PathBuf> = scanned.tree.roots().map(|id| scanned.tree.path(id)).collect();
    assert_eq!(roots, vec![fx.nested.clone(), second], "roots in the order given");
    assert_eq!(scanned.tree.totals().entries, serial.len() as u64);
}

#[test]
fn hidden_entries_are_present() {
    let fx = fixture();
    let found = scan_lib(options(&[&fx.root], 2));
    let paths = found.by_path();
    for hidden in [&fx.hidden_file, &fx.hidden_dir, &fx.hidden_dir.join("secret.txt")] {
        assert!(paths.contains_key(hidden), "{hidden:?} missing");
    }
    assert!(paths.contains_key(&fx.hidden_dir.join(".also_hidden")));
}

#[test]
fn symlinks_are_not_followed_by_default() {
    let fx = fixture();
    let scanned = scan_lib(options(&[&fx.root], 4));
    let found = scanned.by_path();
    for link in [&fx.loop_link, &fx.link_dir, &fx.link_file, &fx.dangling] {
        let entry = found.get(link).unwrap_or_else(|| panic!("{link:?} missing"));
        assert_eq!(entry.kind(), FileKind::Symlink, "{link:?}");
        assert!(!entry.descend, "{link:?} would be walked");
        assert!(entry.error.is_none(), "{link:?}: {:?}", entry.error);
    }
    let under = |link: &Path| found.keys().filter(|p| p.starts_with(link) && *p != link).count();
    assert_eq!(under(&fx.loop_link), 0, "entries under loop -> .");
    assert_eq!(under(&fx.link_dir), 0, "entries under link_to_dir -> nested");
}

#[test]
fn symlink_root_is_reported_but_not_walked() {
    let fx = fixture();
    let scanned = scan_lib(options(&[&fx.link_dir], 2));
    assert!(scanned.finished);
    assert_eq!(scanned.entries.len(), 1, "only the root: {:?}", scanned.by_path().keys());
    let (path, entry) = &scanned.entries[0];
    assert_eq!(path, &fx.link_dir);
    assert_eq!(entry.kind(), FileKind::Symlink);
    assert!(!entry.descend && entry.error.is_none());
    let md = std::fs::symlink_metadata(&fx.link_dir).unwrap();
    assert_stat_matches(path, entry.stat.as_ref().unwrap(), &Rec::from_metadata(&md));
}

#[test]
fn symlink_root_is_walked_with_follow_links() {
    let fx = fixture();
    let scanned = scan_lib(ScanOptions { follow_links: true, ..options(&[&fx.link_dir], 2) });
    assert!(scanned.finished);
    let found = scanned.by_path();
    assert_eq!(found[&fx.link_dir].kind(), FileKind::Dir, "the root reports its target");
    let expected: BTreeSet<PathBuf> = common::serial_walk(&fx.nested)
        .into_keys()
        .map(|p| fx.link_dir.join(p.strip_prefix(&fx.nested).unwrap()))
        .collect();
    let got: BTreeSet<PathBuf> = found.keys().cloned().collect();
    assert_eq!(got, expected);
}

#[test]
fn follow_links_reports_loop_and_terminates() {
    let fx = fixture();
    let scanned = scan_lib(ScanOptions { follow_links: true, ..options(&[&fx.root], 4) });
    assert!(scanned.finished, "the walk must terminate");
    let found = scanned.by_path();
    let entry = found.get(&fx.loop_link).expect("loop entry listed");
    let error = entry.error.as_ref().expect("loop -> . carries an error");
    assert_eq!(error.op, Op::Loop, "{error:?}");
    assert!(!entry.descend);
    assert!(
        !found.keys().any(|p| p.starts_with(&fx.loop_link) && p != &fx.loop_link),
        "nothing is listed under the loop"
    );
    // The directory a link leads to is walked once (issue 14 §5): through
    // the link or by its own name, whichever the listing placed first; the
    // dangling link is still listed.
    let through_link = found.contains_key(&fx.link_dir.join("deeper").join("leaf.bin"));
    let by_name = found.contains_key(&fx.nested.join("deeper").join("leaf.bin"));
    assert!(through_link != by_name, "walked through the link {through_link}, by name {by_name}");
    assert!(found.contains_key(&fx.dangling), "dangling link listed");
    let loops = scanned.entries.iter().filter(|(_, e)| e.error.is_some()).count()
        + scanned.dir_errors.len();
    assert_eq!(loops, 1, "only the loop is an error: {:?}", scanned.dir_errors);
}

#[test]
fn dropping_handle_mid_scan_returns_promptly() {
    let wide = common::wide_dir(100_000);
    let root = wide.path.clone();
    let waited = common::with_timeout(60, "drop mid-scan", move || {
        let handle = scan::start(options(&[&root], 2)).expect("start");
        // Wait until the wide directory's listing is being delivered.
        let mut seen = 0usize;
        while let Ok(event) = handle.events().recv_timeout(Duration::from_secs(30)) {
            if let ScanEvent::Batch(batch) = &event {
                seen += batch.entries.len();
            }
            if seen > 1 || matches!(event, ScanEvent::Finished { .. }) {
                break;
            }
        }
        assert!(seen > 1, "no batch of the wide directory arrived");
        let started = Instant::now();
        drop(handle);
        let after_reading = started.elapsed();
        // A consumer that never reads: the workers block on the full channel.
        let handle = scan::start(options(&[&root], 2)).expect("start");
        std::thread::sleep(Duration::from_millis(200));
        let started = Instant::now();
        drop(handle);
        after_reading.max(started.elapsed())
    });
    assert!(waited < Duration::from_secs(10), "dropping the handle took {waited:?}");
}

#[test]
fn cancelled_scan_still_ends_with_finished() {
    let wide = common::wide_dir(20_000);
    let root = wide.path.clone();
    let (entries, finished) = common::with_timeout(60, "cancelled scan", move || {
        let handle = scan::start(options(&[&root], 2)).expect("start");
        handle.cancel();
        let mut entries = 0;
        while let Ok(event) = handle.events().recv_timeout(Duration::from_secs(30)) {
            match event {
                ScanEvent::Batch(batch) => entries += batch.entries.len(),
                ScanEvent::Finished { .. } => return (entries, true),
                _ => {}
            }
        }
        (entries, false)
    });
    assert!(finished, "Finished must arrive after cancel ({entries} entries seen)");
    assert!(entries <= 20_001);
}

#[test]
fn one_file_system_lists_mount_points_without_entering_them() {
    // /dev usually holds other filesystems (/dev/shm, /dev/pts, /dev/mqueue).
    let root = Path::new("/dev");
    let root_dev = std::fs::symlink_metadata(root).unwrap().dev();
    let scanned = scan_lib(ScanOptions { one_file_system: true, ..options(&[root], 2) });
    assert!(scanned.finished);
    let found = scanned.by_path();
    for (path, entry) in &found {
        if let Some(parent) = path.parent().filter(|_| path.as_path() != root) {
            let parent_dev = found[parent].stat.as_ref().map(|st| st.dev);
            assert_eq!(parent_dev, Some(root_dev), "{path:?} is inside another filesystem");
        }
        let Some(st) = &entry.stat else { continue };
        if st.dev != root_dev {
            assert!(!entry.descend, "{path:?} on another filesystem would be walked");
            assert_eq!(entry.other_fs, entry.kind() == FileKind::Dir, "{path:?} other_fs");
        }
    }
    // Every mount point directly below the root is listed as such.
    for item in std::fs::read_dir(root).unwrap() {
        let path = item.unwrap().path();
        let Ok(md) = std::fs::symlink_metadata(&path) else { continue };
        if md.is_dir() && md.dev() != root_dev {
            let entry = found.get(&path).unwrap_or_else(|| panic!("{path:?} missing"));
            assert!(entry.other_fs, "{path:?} is a mount point");
            let id = all_nodes(&scanned.tree).into_iter().find(|&id| scanned.tree.path(id) == path);
            let id = id.expect("mount point in the tree");
            assert!(scanned.tree.is_other_fs(id));
            assert_eq!(scanned.tree.dir(id).map(|d| d.state), Some(DirState::NotRead));
        }
    }
}

/// A directory too large for jwalk to list (the scanner reads it itself, in
/// slices), with subdirectories, links and a loop inside.
fn large_dir_tree() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::Builder::new()
        .tempdir_in("/dev/shm")
        .or_else(|_| tempfile::TempDir::new())
        .expect("create temp dir");
    let big = tmp.path().join("root").join("big");
    std::fs::create_dir_all(&big).expect("mkdir big");
    for i in 0..14_000 {
        std::fs::File::create(big.join(format!("a-file-with-a-longer-name-{i:05}")))
            .expect("create file");
    }
    for d in 0..40 {
        let sub = big.join(format!("sub{d:02}"));
        std::fs::create_dir_all(sub.join("inner")).expect("mkdir sub");
        std::fs::write(sub.join("inner").join("leaf"), vec![b'x'; d * 10]).expect("write leaf");
    }
    std::os::unix::fs::symlink("sub00", big.join("to-sub")).expect("symlink");
    std::os::unix::fs::symlink("..", big.join("sub01").join("up")).expect("symlink");
    let size = std::fs::metadata(&big).expect("stat big").len();
    // 256 KiB: the size from which the scanner lists a directory itself.
    assert!(size >= 256 * 1024, "the large directory is only {size} bytes");
    (tmp, big)
}

#[test]
fn a_directory_too_large_for_jwalk_matches_the_serial_walk_below_a_root_and_as_one() {
    let (tmp, big) = large_dir_tree();
    let root = tmp.path().join("root");
    for threads in [1, 3] {
        for top in [&root, &big] {
            let serial = common::serial_walk(top);
            let scanned = scan_lib(options(&[top], threads));
            assert_scan_matches_serial(&scanned, &serial);
        }
    }
    let detailed = scan_lib(ScanOptions { detail: true, ..options(&[&root], 2) });
    assert_scan_matches_serial(&detailed, &common::serial_walk(&root));
}

#[test]
fn following_links_in_a_directory_too_large_for_jwalk_walks_them_and_stops_at_the_loop() {
    let (_tmp, big) = large_dir_tree();
    let scanned = scan_lib(ScanOptions { follow_links: true, ..options(&[&big], 2) });
    assert!(scanned.finished);
    let found = scanned.by_path();
    // `sub00` is entered once (issue 14 §5): through `to-sub` or by name.
    let through_link = found.contains_key(&big.join("to-sub").join("inner").join("leaf"));
    let by_name = found.contains_key(&big.join("sub00").join("inner").join("leaf"));
    assert!(through_link != by_name, "walked through the link {through_link}, by name {by_name}");
    let up = found.get(&big.join("sub01").join("up")).expect("loop entry listed");
    assert_eq!(up.error.as_ref().map(|e| e.op), Some(Op::Loop));
    assert!(!found.keys().any(|p| p.starts_with(big.join("sub01").join("up").join("sub00"))));
    assert_eq!(found.len(), 1 + 14_000 + 40 * 3 + 2, "entries: root, files, subs, links");
}
