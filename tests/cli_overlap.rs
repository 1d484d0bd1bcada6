//! Overlapping roots: an entry reached from two roots counts once in the
//! totals, as `du -sc` counts each inode once. Checked against `du` itself
//! and against the union of plain serial walks, with hard links inside one
//! root, across nested roots and across disjoint roots.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Rec, options, scan_lib, serial_walk, statree_bin, with_timeout};

/// `top/a` (files, a hard link pair inside, `sub/` with more files and a
/// link to a file of `a`), `top/b` (disjoint, with a link to a file of `a`).
fn fixture() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::TempDir::new().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    fs::create_dir_all(a.join("sub/deeper")).unwrap();
    fs::create_dir(&b).unwrap();
    fs::write(a.join("small"), b"x").unwrap();
    fs::write(a.join("big"), vec![7u8; 70_000]).unwrap();
    fs::hard_link(a.join("big"), a.join("big_again")).unwrap();
    fs::write(a.join("sub/mid"), vec![1u8; 9_000]).unwrap();
    fs::write(a.join("sub/deeper/tiny"), b"yy").unwrap();
    fs::hard_link(a.join("small"), a.join("sub/small_link")).unwrap();
    fs::write(b.join("own"), vec![2u8; 5_000]).unwrap();
    fs::hard_link(a.join("sub/mid"), b.join("mid_link")).unwrap();
    std::os::unix::fs::symlink("../small", a.join("sub/sym")).unwrap();
    (tmp, a, b)
}

/// The last line of `du -sc -B1 [extra] roots…`: the combined total.
fn du_total(extra: &[&str], roots: &[&Path]) -> u64 {
    let mut cmd = Command::new("du");
    cmd.args(["-sc", "-B1"]).args(extra).args(roots).stdin(Stdio::null());
    let out = with_timeout(60, "du", move || cmd.output().expect("run du"));
    assert!(out.status.success(), "du: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let last = text.lines().last().expect("a total line");
    assert!(last.ends_with("\ttotal"), "{text}");
    last.split('\t').next().unwrap().parse().unwrap()
}

/// The `--summary` lines as numbers.
fn summary(roots: &[&Path]) -> BTreeMap<String, u64> {
    let mut cmd = Command::new(statree_bin());
    cmd.arg("--summary").args(roots).stdin(Stdio::null());
    let out = with_timeout(60, "statree", move || cmd.output().expect("run statree"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let (key, rest) = line.split_once("  ")?;
            Some((key.trim().to_string(), rest.split_whitespace().next()?.parse().ok()?))
        })
        .collect()
}

/// Every distinct path the roots reach (nested roots share theirs), with
/// its record: what the totals count once each.
fn union(roots: &[&Path]) -> BTreeMap<PathBuf, Rec> {
    roots.iter().flat_map(|root| serial_walk(root)).collect()
}

fn kinds(walk: &BTreeMap<PathBuf, Rec>) -> (u64, u64, u64) {
    let count = |f: fn(&Rec) -> bool| walk.values().filter(|r| f(r)).count() as u64;
    (count(Rec::is_dir), count(Rec::is_file), count(Rec::is_symlink))
}

/// The root sets tried: the same root twice, nested either way, disjoint
/// roots with a hard link between them, all of it at once.
fn cases(a: &Path, b: &Path) -> Vec<Vec<PathBuf>> {
    let sub = a.join("sub");
    let deeper = sub.join("deeper");
    vec![
        vec![a.into()],
        vec![a.into(), a.into()],
        vec![a.into(), sub.clone()],
        vec![sub.clone(), a.into()],
        vec![deeper.clone(), a.into(), sub.clone()],
        vec![a.into(), b.into()],
        vec![b.into(), sub, a.into(), b.into(), deeper],
    ]
}

#[test]
fn summary_totals_of_overlapping_roots_equal_du() {
    let (_tmp, a, b) = fixture();
    for roots in cases(&a, &b) {
        let roots: Vec<&Path> = roots.iter().map(PathBuf::as_path).collect();
        let got = summary(&roots);
        assert_eq!(got["apparent bytes"], du_total(&["--apparent-size"], &roots), "{roots:?}");
        assert_eq!(got["allocated bytes"], du_total(&[], &roots), "{roots:?}");
        let walk = union(&roots);
        assert_eq!(got["entries"], walk.len() as u64, "{roots:?}");
        let (dirs, files, symlinks) = kinds(&walk);
        assert_eq!(
            (got["directories"], got["files"], got["symlinks"], got["other"]),
            (dirs, files, symlinks, 0),
            "{roots:?}"
        );
        assert_eq!(got["errors"], 0);
    }
}

#[test]
fn entries_match_du_inodes_where_no_file_has_two_names() {
    let tmp = tempfile::TempDir::new().unwrap();
    let a = tmp.path().join("a");
    fs::create_dir_all(a.join("sub/deeper")).unwrap();
    fs::write(a.join("one"), b"1").unwrap();
    fs::write(a.join("sub/two"), b"2").unwrap();
    fs::write(a.join("sub/deeper/three"), b"3").unwrap();
    let sub = a.join("sub");
    for roots in [vec![&*a, &*a], vec![&*a, &*sub], vec![&*sub, &*a, &*sub]] {
        assert_eq!(summary(&roots)["entries"], du_total(&["--inodes"], &roots), "{roots:?}");
    }
}

#[test]
fn the_model_counts_an_entry_reached_from_two_roots_once() {
    let (_tmp, a, b) = fixture();
    for roots in cases(&a, &b) {
        let roots: Vec<&Path> = roots.iter().map(PathBuf::as_path).collect();
        let tree = scan_lib(options(&roots, 2)).tree;
        let walk = union(&roots);
        let totals = tree.totals();
        assert_eq!(totals.entries, walk.len() as u64, "{roots:?}");
        assert_eq!(totals.apparent, du_total(&["--apparent-size"], &roots), "{roots:?}");
        // Each root still shows its whole subtree, as `du -s` of it alone.
        for (root, id) in roots.iter().zip(tree.roots()) {
            let alone = serial_walk(root);
            let entries = tree.dir(id).expect("a directory").total_entries + 1;
            assert_eq!(entries, alone.len() as u64, "{root:?} among {roots:?}");
        }
    }
}
