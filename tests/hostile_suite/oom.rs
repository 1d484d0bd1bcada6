//! Under a `ulimit -v` too small for the tree (issue 14 §5): the scan stops
//! with "out of memory after N entries" and the totals of those, instead of
//! the process aborting with "memory allocation … failed".
//!
//! The limit is found, not guessed: the smallest address-space limit that
//! scans a one-file tree, plus 40 MiB, under which a tree of 300,000 entries
//! with 200-byte names (about 75 MiB of tree) cannot fit. glibc's per-thread
//! arenas reserve address space by the 64 MiB: one more arena needed by a
//! worker after the tree has taken all but its 16 MiB cushion failed a
//! 200-byte allocation outside the tree (an abort), and how many arenas
//! exist depended on thread timing. Under an address-space limit statree
//! now keeps every thread on one arena itself (`statree::arenas`), so this
//! test sets no `MALLOC_ARENA_MAX`: it checks the product does.

use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::{Sentinel, public_tempdir, statree_bin, summary_value};

// Many small directories rather than a few big ones: each directory is one
// batch, and the batches the scanner queues ahead of the tree (up to 4 + 16
// a worker) are not the tree's memory. With 5,000 entries a batch (about
// 1.7 MB each) that queue alone could fill the margin below, and the tree
// stopped at 0 entries; at 500 a batch it holds a few MB.
pub(crate) const DIRS: usize = 600;
pub(crate) const FILES: usize = 500;

/// `DIRS` directories of `FILES` empty files with 200-byte names under
/// `big`; returns how many entries that is, `big` itself included.
pub(crate) fn build_big_tree(big: &Path) -> u64 {
    for d in 0..DIRS {
        let dir = big.join(format!("d{d:03}"));
        fs::create_dir_all(&dir).unwrap();
        for f in 0..FILES {
            fs::File::create(dir.join(format!("{f:0>200}"))).unwrap();
        }
    }
    (1 + DIRS + DIRS * FILES) as u64
}

/// The smallest `ulimit -v` (a multiple of 20 MB, up to 800 MB) under which
/// `--summary` scans a one-file tree made in `tmp`; None when there is none.
pub(crate) fn baseline_limit_kib(tmp: &Path) -> Option<u64> {
    let tiny = tmp.join("tiny");
    fs::create_dir(&tiny).unwrap();
    fs::write(tiny.join("one"), b"1").unwrap();
    (1..=40u64)
        .map(|step| step * 20_000)
        .find(|&kib| summary_under(kib, &tiny).status.code() == Some(0))
}

/// `statree --summary root` under `ulimit -v limit_kib`.
fn summary_under(limit_kib: u64, root: &Path) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {limit_kib} && exec \"$0\" --summary \"$1\""))
        .arg(statree_bin())
        .arg(root)
        .env_remove("MALLOC_ARENA_MAX")
        .output()
        .expect("run statree under ulimit")
}

#[test]
fn a_tree_too_large_for_the_memory_stops_the_scan_with_a_clear_error() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let big = tmp.path().join("big");
    let all = build_big_tree(&big);

    let Some(baseline) = baseline_limit_kib(tmp.path()) else {
        eprintln!("skipped: statree does not start under any ulimit -v up to 800 MB here");
        return;
    };
    let out = summary_under(baseline + 40_000, &big);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "killed or aborted ({:?}): {stderr}", out.status);
    let said = stderr
        .lines()
        .find_map(|l| l.strip_prefix("statree: out of memory after "))
        .unwrap_or_else(|| panic!("no out-of-memory error: {stderr}"));
    let held: u64 = said.split_whitespace().next().and_then(|n| n.parse().ok()).expect("N");
    assert!(held > 0 && held < all, "{held} of {all}");
    // The totals printed are those of the entries read.
    assert_eq!(
        summary_value(&out.stdout, "entries"),
        held,
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // And without the limit the whole tree is there.
    let out = Command::new(statree_bin()).args([OsStr::new("--summary"), big.as_os_str()]).output();
    assert_eq!(summary_value(&out.unwrap().stdout, "entries"), all);
    sentinel.assert_untouched("out of memory");
}
