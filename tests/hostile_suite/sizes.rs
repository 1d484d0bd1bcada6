//! Sizes that lie: a file with 100 hard links (counted once), and a sparse
//! file of 1 TiB that takes no space (apparent and allocated both right).

use std::ffi::OsStr;
use std::fs::{self, File};
use std::os::unix::fs::MetadataExt;

use crate::common::{
    Sentinel, bytes, deduped_bytes, json_records, options, public_tempdir, run_statree, scan_lib,
    serial_walk, summary_value,
};
use crate::tui_support::Harness;

const TIB: u64 = 1 << 40;
const LINKS: usize = 100;
const LINKED_SIZE: u64 = 10_000;

#[test]
fn hard_links_count_once_and_a_sparse_tebibyte_takes_no_space() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("sizes");
    fs::create_dir_all(root.join("a")).unwrap();
    fs::create_dir_all(root.join("b")).unwrap();
    let first = root.join("a/h000");
    fs::write(&first, vec![b'h'; LINKED_SIZE as usize]).unwrap();
    for i in 1..LINKS {
        let dir = if i % 2 == 0 { "a" } else { "b" };
        fs::hard_link(&first, root.join(format!("{dir}/h{i:03}"))).unwrap();
    }
    let sparse = root.join("sparse");
    File::create(&sparse).unwrap().set_len(TIB).unwrap();
    let sparse_md = fs::metadata(&sparse).unwrap();
    assert_eq!(sparse_md.size(), TIB);
    assert!(sparse_md.blocks() <= 16, "the filesystem allocated {} blocks", sparse_md.blocks());
    assert_eq!(fs::metadata(&first).unwrap().nlink(), LINKS as u64);

    let walk = serial_walk(&root);
    let (apparent, allocated) = deduped_bytes(&walk);
    let dirs_size: u64 = walk.values().filter(|r| r.is_dir()).map(|r| r.size).sum();
    assert_eq!(apparent, dirs_size + LINKED_SIZE + TIB, "the reference counts the file once");

    // --summary and the tree's aggregates count the linked file once.
    let out = run_statree([OsStr::new("--summary"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(summary_value(&out.stdout, "entries"), walk.len() as u64);
    assert_eq!(summary_value(&out.stdout, "apparent bytes"), apparent);
    assert_eq!(summary_value(&out.stdout, "allocated bytes"), allocated);
    let scanned = scan_lib(options(&[&root], 2));
    let tree = &scanned.tree;
    assert_eq!(tree.totals().apparent, apparent);
    assert_eq!(tree.totals().allocated, allocated);
    let root_id = tree.roots().next().unwrap();
    assert_eq!(tree.dir(root_id).unwrap().total_size, apparent);
    let linked_per_dir: u64 = ["a", "b"]
        .iter()
        .map(|d| {
            let id = tree.children(root_id).find(|&c| tree.name(c) == d.as_bytes()).unwrap();
            tree.dir(id).unwrap().total_size - walk[&root.join(d)].size
        })
        .sum();
    assert_eq!(linked_per_dir, LINKED_SIZE, "one of the two directories holds the counted copy");

    // --json: every link with its true record; the sparse file's size and blocks.
    let out = run_statree([OsStr::new("--json"), root.as_os_str()]);
    let records = json_records(&out.stdout);
    assert_eq!(records.len(), walk.len());
    let links = records.values().filter(|r| r["nlink"] == LINKS as u64).count();
    assert_eq!(links, LINKS);
    let rec = &records[bytes(&sparse)];
    assert_eq!(rec["size"], TIB);
    assert_eq!(rec["blocks"], sparse_md.blocks());

    // The view's metadata pane: apparent and allocated, side by side.
    let mut h = Harness::scan(vec![root.clone()], (140, 40));
    h.select("sparse");
    let screen = h.screen();
    assert!(screen.contains("1.0 TiB (1,099,511,627,776 bytes)"), "{screen}");
    assert!(screen.contains(&format!("({} blocks)", sparse_md.blocks())), "{screen}");
    assert!(screen.contains(&format!("alloc    {} B", sparse_md.blocks() * 512)), "{screen}");
    sentinel.assert_untouched("sizes");
}
