//! `-L` over many links to the same directories (issue 14 §5): eight links
//! to one directory of 1 MiB, and a 25-level two-way fan-out with a loop at
//! its end. Each directory (device, inode) is entered once and each file
//! counted once, as `du -L` does; the scans end quickly with a bounded
//! number of entries.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

use statree::scan::ScanOptions;

use crate::common::{Sentinel, options, public_tempdir, run_statree, scan_lib, summary_value};

/// `du -L -s` of `root` in bytes: apparent sizes, or allocated ones.
fn du(root: &Path, apparent: bool) -> u64 {
    let mut cmd = Command::new("du");
    cmd.args(["-L", "-s", "-B1"]);
    if apparent {
        cmd.arg("--apparent-size");
    }
    let out = cmd.arg(root).output().expect("run du");
    assert!(out.status.success(), "du failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("du's total")
}

/// `statree -L --summary root`: (entries, apparent, allocated). Exit status
/// 1 says a loop was found (and reported).
fn summary(root: &Path) -> (u64, u64, u64) {
    let out = run_statree([OsStr::new("-L"), OsStr::new("--summary"), root.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    assert!(stderr.lines().all(|l| l.contains("filesystem loop")), "{stderr}");
    (
        summary_value(&out.stdout, "entries"),
        summary_value(&out.stdout, "apparent bytes"),
        summary_value(&out.stdout, "allocated bytes"),
    )
}

#[test]
fn eight_links_to_one_directory_count_its_bytes_once_as_du_l_does() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("root");
    fs::create_dir_all(root.join("data")).unwrap();
    fs::write(root.join("data/blob"), vec![7u8; 1 << 20]).unwrap();
    fs::write(root.join("data/small"), b"small").unwrap();
    for i in 0..8 {
        symlink("data", root.join(format!("l{i}"))).unwrap();
    }
    // A link to a file counts it once too.
    symlink("data/blob", root.join("blob-link")).unwrap();

    let (entries, apparent, allocated) = summary(&root);
    assert_eq!(apparent, du(&root, true), "apparent bytes against du -L --apparent-size");
    assert_eq!(allocated, du(&root, false), "allocated bytes against du -L");
    assert!(apparent < (1 << 20) + 64 * 1024, "1 MiB counted more than once: {apparent}");
    // root, data and its two files, eight links, one link to a file.
    assert_eq!(entries, 13);

    // The library walk enters the directory once: its files are listed once.
    let scanned = scan_lib(ScanOptions { follow_links: true, ..options(&[&root], 2) });
    let blobs = scanned.entries.iter().filter(|(p, _)| p.ends_with("blob")).count();
    assert_eq!(blobs, 1, "the directory was entered more than once");
    sentinel.assert_untouched("eight links");
}

#[test]
fn a_two_way_fan_out_of_25_levels_and_a_loop_end_at_once() {
    const LEVELS: usize = 25;
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("root");
    for level in 0..LEVELS {
        let dir = root.join(format!("d{level:02}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("f"), vec![1u8; 1000]).unwrap();
        if level + 1 < LEVELS {
            let next = format!("../d{:02}", level + 1);
            symlink(&next, dir.join("a")).unwrap();
            symlink(&next, dir.join("b")).unwrap();
        } else {
            symlink("../d00", dir.join("up")).unwrap();
            symlink("..", dir.join("top")).unwrap();
        }
    }
    // Walked naively this is 2^25 paths; each directory once is 25.
    let started = std::time::Instant::now();
    let (entries, apparent, allocated) = summary(&root);
    let took = started.elapsed();
    assert!(entries < 200, "{entries} entries: a directory was entered more than once");
    assert_eq!(apparent, du(&root, true), "apparent bytes against du -L --apparent-size");
    assert_eq!(allocated, du(&root, false), "allocated bytes against du -L");
    // Not a timing assertion on the code: a bound on an exponential walk,
    // which would not end in a day.
    assert!(took.as_secs() < 60, "took {took:?}");
    sentinel.assert_untouched("fan-out");
}
