//! Hostile trees: a FIFO with no writer, chains of directories as deep as (and
//! deeper than) PATH_MAX, a directory with 100,000 entries, and names built to
//! upset a terminal. Every scan runs under a hang guard.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use common::{PATH_MAX, bytes, deep_tree, options, path_from, scan_lib, statree_bin};
use serde_json::Value;
use statree::model::{DirState, FileKind};
use statree::scan::ScanOptions;

fn statree() -> Command {
    let mut cmd = Command::new(statree_bin());
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// (path, record) of every `--json` line.
fn json_lines(stdout: &[u8]) -> Vec<(PathBuf, Value)> {
    let text = std::str::from_utf8(stdout).expect("UTF-8 JSON Lines");
    text.lines()
        .map(|line| {
            let rec: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            let raw = statree::output::pathcodec::decode(&rec["path"]).expect("a path");
            (path_from(&raw), rec)
        })
        .collect()
}

#[test]
fn fifo_without_writer_does_not_hang_the_scan() {
    let fx = common::fixture();
    for (detail, follow_links) in [(false, false), (true, false), (true, true)] {
        let scanned = scan_lib(ScanOptions { detail, follow_links, ..options(&[&fx.root], 2) });
        assert!(scanned.finished);
        let found = scanned.by_path();
        let fifo = found.get(&fx.fifo).expect("the FIFO is listed");
        assert_eq!(fifo.kind(), FileKind::Fifo);
        assert!(fifo.error.is_none(), "{:?}", fifo.error);
    }
    // The FIFO as a root of its own, and the whole fixture, through the binary.
    for mode in ["--list", "--json", "--summary"] {
        statree().arg(mode).arg(&fx.fifo).assert().code(0);
        statree().arg(mode).arg("-L").arg(&fx.root).assert().code(1);
        statree().arg(mode).arg(&fx.root).assert().code(0);
    }
}

/// Every entry of a deep chain: each directory below the top and each file `f`.
fn chain_entries(tree: &common::DeepTree) -> Vec<PathBuf> {
    let mut all = vec![tree.root.clone()];
    for (i, dir) in tree.dirs.iter().enumerate() {
        if i > 0 {
            all.push(dir.clone());
        }
        if i + 1 < tree.dirs.len() {
            all.push(dir.join("f"));
        }
    }
    all
}

#[test]
fn deep_tree_within_path_max_is_listed_completely() {
    // 2,000 levels of one-byte names: as deep as a path can get under PATH_MAX.
    let tree = deep_tree(2000, 1);
    let deepest = tree.dirs.last().unwrap();
    assert!(bytes(deepest).len() < PATH_MAX, "the chain must stay within PATH_MAX");
    let expected: BTreeSet<PathBuf> = chain_entries(&tree).into_iter().collect();

    let scanned = scan_lib(options(&[&tree.root], 2));
    assert!(scanned.dir_errors.is_empty(), "{:?}", scanned.dir_errors.first());
    let found: BTreeSet<PathBuf> = scanned.by_path().into_keys().collect();
    assert_eq!(found, expected);
    assert_eq!(scanned.tree.totals().entries, expected.len() as u64);

    let out = statree().arg("--json").arg(&tree.root).assert().code(0);
    let listed: BTreeSet<PathBuf> =
        json_lines(&out.get_output().stdout).into_iter().map(|(p, _)| p).collect();
    assert_eq!(listed, expected);
}

#[test]
fn deep_tree_beyond_path_max_is_listed_completely() {
    // 50 levels of 100-byte names: about 5,000 bytes of path. Past PATH_MAX
    // the scanner goes on relative to directory handles.
    let tree = deep_tree(50, 100);
    assert!(bytes(tree.dirs.last().unwrap()).len() > PATH_MAX);
    let expected: BTreeSet<PathBuf> = chain_entries(&tree).into_iter().collect();

    let out = statree().arg("--json").arg(&tree.root).assert().code(0);
    let out = out.get_output();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    let records = json_lines(&out.stdout);
    let listed: BTreeSet<PathBuf> = records.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(listed, expected);
    for (path, rec) in &records {
        assert!(rec.get("error").is_none(), "{} bytes deep: {rec}", bytes(path).len());
        assert!(rec["ino"].is_u64(), "stat-ed: {rec}");
    }

    // The library and the tree model.
    let scanned = scan_lib(options(&[&tree.root], 2));
    assert!(scanned.dir_errors.is_empty(), "{:?}", scanned.dir_errors.first());
    let found: BTreeSet<PathBuf> = scanned.by_path().into_keys().collect();
    assert_eq!(found, expected);
    let tree_model = &scanned.tree;
    assert_eq!(tree_model.totals().entries, expected.len() as u64);
    assert_eq!(tree_model.totals().errors, 0);
    assert_eq!(tree_model.dropped_batches(), 0);
    let mut stack: Vec<_> = tree_model.roots().collect();
    while let Some(id) = stack.pop() {
        assert!(expected.contains(&tree_model.path(id)));
        if let Some(info) = tree_model.dir(id) {
            assert_eq!(info.state, DirState::Complete, "{:?}", tree_model.path(id));
        }
        stack.extend(tree_model.children(id));
    }
    // A root whose own path is longer than a file name may be (NAME_MAX).
    let long_root = &tree.dirs[5];
    assert!(bytes(long_root).len() > 255);
    let scanned_long = scan_lib(options(&[long_root], 2));
    let root_id = scanned_long.tree.roots().next().unwrap();
    assert_eq!(&scanned_long.tree.path(root_id), long_root);
    let child = scanned_long.tree.children(root_id).map(|c| scanned_long.tree.path(c));
    let child: BTreeSet<PathBuf> = child.collect();
    assert_eq!(child, BTreeSet::from([long_root.join("f"), tree.dirs[6].clone()]));
    assert_eq!(scanned_long.tree.totals().entries, 2 * (50 - 5) + 1);
    assert_eq!(scanned_long.tree.totals().errors, 0);
}

#[test]
fn wide_directory_of_100k_entries_is_fully_listed() {
    const N: usize = 100_000;
    let wide = common::wide_dir(N);
    let out = statree().arg("--summary").arg(&wide.path).assert().code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    let value = |key: &str| -> u64 {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {key} line: {stdout}"))
    };
    assert_eq!(value("entries"), N as u64 + 1, "every file and the root");
    assert_eq!(value("files"), N as u64);
    assert_eq!(value("errors"), 0);

    let scanned = scan_lib(options(&[&wide.path], 4));
    let tree = &scanned.tree;
    let root = tree.roots().next().unwrap();
    let names: BTreeSet<&[u8]> = tree.children(root).map(|id| tree.name(id)).collect();
    assert_eq!(names.len(), N, "distinct children");
    assert!(names.contains(b"f0000000".as_slice()) && names.contains(b"f0099999".as_slice()));
    assert_eq!(tree.dir(root).unwrap().state, DirState::Complete);
    assert_eq!(tree.dir(root).unwrap().total_entries, N as u64);
    assert_eq!(tree.dropped_batches(), 0);
}

#[test]
fn terminal_hostile_names_are_escaped_in_the_listing() {
    let tmp = common::public_tempdir();
    let root = tmp.path().join("names");
    fs::create_dir(&root).unwrap();
    let names: [(&[u8], &str); 6] = [
        ("a\u{202e}b".as_bytes(), "a\\u{202e}b"),
        ("c\u{9b}31md".as_bytes(), "c\\u{9b}31md"),
        (b"tab\there", "tab\\there"),
        (b"back\\slash", "back\\\\slash"),
        (b"bell\x07\x7f", "bell\\x07\\x7f"),
        ("zero\u{200b}width".as_bytes(), "zero\\u{200b}width"),
    ];
    for (raw, _) in names {
        fs::write(root.join(OsStr::from_bytes(raw)), b"").unwrap();
    }
    let out = statree().arg("--list").arg(&root).assert().code(0);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), names.len() + 1);
    assert!(!stdout.chars().any(|c| c.is_control() && c != '\n'), "{stdout:?}");
    for (_, shown) in names {
        let want = format!("{}/{shown}", root.display());
        assert!(stdout.lines().any(|l| l.ends_with(&want)), "{want} not in {stdout}");
    }
}

#[test]
fn follow_links_json_marks_the_loop_and_still_lists_the_rest() {
    let fx = common::fixture();
    let out = statree().args(["--json", "-L"]).arg(&fx.root).assert().code(1);
    let out = out.get_output();
    let records = json_lines(&out.stdout);
    let (_, rec) = records.iter().find(|(p, _)| p == &fx.loop_link).expect("loop listed");
    let error = rec["error"].as_str().expect("the loop carries an error");
    assert!(error.contains("filesystem loop"), "{rec}");
    assert!(!records.iter().any(|(p, _)| p.starts_with(&fx.loop_link) && p != &fx.loop_link));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "only the loop is reported: {stderr}");
    assert!(stderr.contains(&format!("{}: filesystem loop", fx.loop_link.display())), "{stderr}");
    // Followed links report their targets; the dangling one is still a link.
    let find = |path: &Path| &records.iter().find(|(p, _)| p == path).expect("listed").1;
    assert_eq!(find(&fx.link_dir)["type"], "dir");
    assert_eq!(find(&fx.link_file)["type"], "file");
    assert_eq!(find(&fx.dangling)["type"], "symlink");
    assert!(find(&fx.dangling).get("error").is_none());
    // The linked directory is walked once (issue 14 §5): through the link
    // or by its own name.
    let leaf = |dir: &Path| records.iter().any(|(p, _)| p == &dir.join("deeper").join("leaf.bin"));
    assert!(leaf(&fx.link_dir) != leaf(&fx.nested), "walked once, through either path");
}

#[test]
fn names_inside_error_messages_are_sanitized_too() {
    let tmp = common::public_tempdir();
    let evil = tmp.path().join(OsStr::from_bytes(b"\x1b]0;owned\x07\x1b[31m"));
    fs::create_dir(&evil).unwrap();
    std::os::unix::fs::symlink("..", evil.join("up\x1b[2J")).unwrap();
    let out = statree().args(["--list", "-L"]).arg(tmp.path()).assert().code(1);
    let out = out.get_output();
    for (stream, raw) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8(raw.clone()).unwrap_or_else(|_| panic!("{stream} UTF-8"));
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{stream}: {text:?}");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\\x1b]0;owned\\x07\\x1b[31m/up\\x1b[2J: filesystem loop"), "{stderr}");
}
