//! Symlink loops: `x -> .`, `a/b/l -> ../..`, mutual links `m1 <-> m2`,
//! directories linking to each other, and a link to `/`. Every scan ends,
//! with and without `--follow-links`, with exactly the expected entries, and
//! each loop is reported with its path.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::{Path, PathBuf};

use statree::error::Op;
use statree::model::FileKind;
use statree::scan::ScanOptions;

use crate::common::{Sentinel, bytes, json_records, options, run_statree, scan_lib, summary_value};
use crate::tui_support::Harness;

struct Loops {
    _tmp: tempfile::TempDir,
    /// Holds `loops/` and `rl -> /`.
    top: PathBuf,
    /// The loops only.
    root: PathBuf,
    sentinel: Sentinel,
}

/// Builds the tree on tmpfs where there is one, so that `-x` keeps `rl -> /`
/// out when links are followed.
fn loops() -> Loops {
    let tmp = tempfile::Builder::new()
        .tempdir_in("/dev/shm")
        .or_else(|_| tempfile::TempDir::new())
        .expect("a temp dir");
    let sentinel = Sentinel::beside(tmp.path());
    let top = tmp.path().join("top");
    let root = top.join("loops");
    fs::create_dir_all(root.join("a/b")).unwrap();
    fs::create_dir_all(root.join("d1")).unwrap();
    fs::create_dir_all(root.join("d2")).unwrap();
    symlink(".", root.join("x")).unwrap();
    symlink("../..", root.join("a/b/l")).unwrap();
    symlink("m2", root.join("m1")).unwrap();
    symlink("m1", root.join("m2")).unwrap();
    symlink("../d2", root.join("d1/to2")).unwrap();
    symlink("../d1", root.join("d2/to1")).unwrap();
    fs::write(root.join("a/f"), b"f").unwrap();
    fs::write(root.join("a/b/g"), b"g").unwrap();
    symlink("/", top.join("rl")).unwrap();
    Loops { _tmp: tmp, top, root, sentinel }
}

fn paths(root: &Path, rels: &[&str]) -> BTreeSet<Vec<u8>> {
    rels.iter()
        .map(|r| if r.is_empty() { root.to_path_buf() } else { root.join(r) })
        .map(|p| bytes(&p).to_vec())
        .collect()
}

/// What a walk that does not follow links finds under `loops/`.
const PLAIN: &[&str] =
    &["", "x", "a", "a/b", "a/b/l", "a/f", "a/b/g", "m1", "m2", "d1", "d1/to2", "d2", "d2/to1"];
/// What a walk that follows them finds: the links to directories are walked
/// until they come back to an ancestor, and each directory is entered once
/// (issue 14 §5): `d1/to2` is `d2`, already entered from the root, so it is
/// listed and not entered again (nor is `d2/to1`).
const FOLLOWED: &[&str] =
    &["", "x", "a", "a/b", "a/b/l", "a/f", "a/b/g", "m1", "m2", "d1", "d1/to2", "d2", "d2/to1"];
/// The loops among them.
const LOOPS: &[&str] = &["x", "a/b/l"];
/// The second paths to a directory entered already (not loops).
const AGAIN: &[&str] = &["d1/to2", "d2/to1"];

#[test]
fn loops_end_with_exact_entries_with_and_without_following() {
    let t = loops();
    for (follow, want) in [(false, PLAIN), (true, FOLLOWED)] {
        let scanned = scan_lib(ScanOptions { follow_links: follow, ..options(&[&t.root], 2) });
        assert!(scanned.finished);
        let found = scanned.by_path();
        let got: BTreeSet<Vec<u8>> = found.keys().map(|p| bytes(p).to_vec()).collect();
        assert_eq!(got, paths(&t.root, want), "follow {follow}");
        let errors: BTreeSet<Vec<u8>> = found
            .iter()
            .filter(|(_, e)| e.error.is_some())
            .map(|(p, e)| {
                assert_eq!(e.error.as_ref().unwrap().op, Op::Loop, "{p:?}");
                assert!(!e.descend);
                bytes(p).to_vec()
            })
            .collect();
        let want_errors = if follow { paths(&t.root, LOOPS) } else { BTreeSet::new() };
        assert_eq!(errors, want_errors, "follow {follow}");
        assert!(scanned.dir_errors.is_empty());
        for again in AGAIN.iter().filter(|_| follow) {
            let entry = found[&t.root.join(again)];
            assert!(entry.seen_before && !entry.descend, "{again}: {entry:?}");
            assert_eq!(entry.kind(), FileKind::Dir);
        }
        // m1 <-> m2 cannot be resolved: listed as the links themselves.
        for m in ["m1", "m2"] {
            assert_eq!(found[&t.root.join(m)].kind(), FileKind::Symlink);
        }
        assert_eq!(scanned.tree.totals().entries, want.len() as u64);
    }

    for (flags, want, code) in [(&[][..], PLAIN, 0), (&["-L"][..], FOLLOWED, 1)] {
        let args = |mode: &'static str| {
            flags.iter().copied().chain([mode]).map(OsStr::new).chain([t.root.as_os_str()])
        };
        let out = run_statree(args("--summary"));
        assert_eq!(out.status.code(), Some(code), "{flags:?}");
        assert_eq!(summary_value(&out.stdout, "entries"), want.len() as u64);
        let loops = if code == 1 { LOOPS.len() as u64 } else { 0 };
        assert_eq!(summary_value(&out.stdout, "errors"), loops);
        let out = run_statree(args("--json"));
        let records = json_records(&out.stdout);
        let got: BTreeSet<Vec<u8>> = records.keys().cloned().collect();
        assert_eq!(got, paths(&t.root, want), "--json {flags:?}");
        // Each loop on stderr, with its path.
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count() as u64, loops, "{stderr}");
        for l in LOOPS.iter().filter(|_| code == 1) {
            let line = format!("{}: filesystem loop", t.root.join(l).display());
            assert!(stderr.contains(&line), "{line} in {stderr}");
            assert!(records[bytes(&t.root.join(l))]["error"].as_str().unwrap().contains("loop"));
        }
        let out = run_statree(args("--list"));
        assert_eq!(out.status.code(), Some(code));
        let out = run_statree(args("--audit"));
        let report = String::from_utf8_lossy(&out.stdout);
        let tail = format!("among {} scanned, {loops} errors", want.len());
        assert!(report.contains(&tail), "{report}");
    }
    t.sentinel.assert_untouched("the loops");
}

#[test]
fn a_link_to_the_root_of_the_filesystem_ends() {
    let t = loops();
    let top_dev = fs::metadata(&t.top).unwrap().dev();
    let root_dev = fs::metadata("/").unwrap().dev();
    let mut want = paths(&t.top, &["", "rl"]);
    want.extend(paths(&t.root, PLAIN));
    // Not followed: `rl` is one entry.
    let out = run_statree([OsStr::new("--json"), t.top.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let records = json_records(&out.stdout);
    assert_eq!(records.keys().cloned().collect::<BTreeSet<_>>(), want);
    assert_eq!(records[bytes(&t.top.join("rl"))]["type"], "symlink");
    if top_dev == root_dev {
        // Following it would walk all of `/`: only on another filesystem
        // does -x keep it to one entry.
        eprintln!("skipped -L -x over `rl -> /`: no tmpfs at /dev/shm");
        return;
    }
    let mut followed = paths(&t.top, &["", "rl"]);
    followed.extend(paths(&t.root, FOLLOWED));
    let out =
        run_statree(["-L", "-x", "--json"].map(OsStr::new).into_iter().chain([t.top.as_os_str()]));
    assert_eq!(out.status.code(), Some(1), "the loops are errors");
    let records = json_records(&out.stdout);
    assert_eq!(records.keys().cloned().collect::<BTreeSet<_>>(), followed);
    let rl = &records[bytes(&t.top.join("rl"))];
    assert_eq!(rl["type"], "dir", "followed: the link reports `/`");
    assert_eq!(rl["ino"], fs::metadata("/").unwrap().ino());
    let scanned = scan_lib(ScanOptions {
        follow_links: true,
        one_file_system: true,
        ..options(&[&t.top], 2)
    });
    let rl = &scanned.by_path()[&t.top.join("rl")];
    assert!(rl.other_fs && !rl.descend);
    assert_eq!(scanned.entries.len(), followed.len());
    t.sentinel.assert_untouched("the link to /");
}

#[test]
fn the_view_shows_the_loops_and_stays_put_on_them() {
    let t = loops();
    let mut h = Harness::scan(vec![t.root.clone()], (120, 30));
    h.press("l");
    let x = h.child_named(b"x");
    let row = h.state.rows.position(x).unwrap();
    while h.state.cursor.row < row {
        h.press("j");
    }
    let rows = h.state.rows.len();
    h.press("l");
    assert_eq!(h.state.rows.len(), rows, "a link is not expanded");
    let screen = h.screen();
    assert!(screen.contains("→ ."), "the link's target in the metadata pane:\n{screen}");
    let m1 = h.child_named(b"m1");
    h.select("m1");
    assert_eq!(h.state.selected_node(), Some(m1));
    assert!(h.screen().contains("→ m2"));
    t.sentinel.assert_untouched("the view");
}
