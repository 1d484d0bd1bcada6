//! A filesystem mounted inside the tree: `-x` lists the mount point without
//! entering it, and a permanent removal of the tree never crosses into it.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::sync::atomic::AtomicBool;

use statree::fsops::remove_permanently;
use statree::model::{DirState, Identity};
use statree::scan::ScanOptions;

use crate::common::{
    Sentinel, TmpfsMount, bytes, json_records, options, public_tempdir, run_statree, scan_lib,
    summary_value,
};
use crate::tui_support::Harness;

#[test]
fn one_file_system_stops_at_a_mount_and_removal_never_crosses_it() {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("root");
    let mnt = root.join("mnt");
    fs::create_dir_all(&mnt).unwrap();
    fs::create_dir(root.join("dir")).unwrap();
    fs::write(root.join("dir/a"), b"a").unwrap();
    fs::write(root.join("top"), b"t").unwrap();
    let mount = match TmpfsMount::new(&mnt) {
        Ok(mount) => mount,
        Err(why) => {
            eprintln!("skipped: cannot mount a tmpfs here ({why})");
            return;
        }
    };
    fs::create_dir(mnt.join("inside")).unwrap();
    fs::write(mnt.join("inside/keep"), b"k").unwrap();
    let outside = ["", "dir", "dir/a", "top", "mnt"];
    let all = ["", "dir", "dir/a", "top", "mnt", "mnt/inside", "mnt/inside/keep"];
    let set = |rels: &[&str]| -> BTreeSet<Vec<u8>> {
        rels.iter()
            .map(|r| if r.is_empty() { root.clone() } else { root.join(r) })
            .map(|p| bytes(&p).to_vec())
            .collect()
    };

    // The library: the mount point is listed, marked and not walked.
    let scanned = scan_lib(ScanOptions { one_file_system: true, ..options(&[&root], 2) });
    let found = scanned.by_path();
    assert_eq!(found.keys().map(|p| bytes(p).to_vec()).collect::<BTreeSet<_>>(), set(&outside));
    assert!(found[&mnt].other_fs && !found[&mnt].descend);
    let scanned = scan_lib(options(&[&root], 2));
    assert_eq!(scanned.entries.len(), all.len(), "without -x the mount is walked");

    // The outputs.
    let out = run_statree([OsStr::new("-x"), OsStr::new("--json"), root.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let listed: BTreeSet<Vec<u8>> = json_records(&out.stdout).into_keys().collect();
    assert_eq!(listed, set(&outside));
    let out = run_statree([OsStr::new("--json"), root.as_os_str()]);
    let listed: BTreeSet<Vec<u8>> = json_records(&out.stdout).into_keys().collect();
    assert_eq!(listed, set(&all));
    for flags in [&["-x", "--summary"][..], &["-x", "--list"], &["-x", "--audit"]] {
        let out = run_statree(flags.iter().map(OsStr::new).chain([root.as_os_str()]));
        assert_eq!(out.status.code(), Some(0), "{flags:?}");
        if flags[1] == "--summary" {
            assert_eq!(summary_value(&out.stdout, "entries"), outside.len() as u64);
        }
    }

    // The view (which scans without -x) shows what is inside; the tree
    // model scanned with -x keeps the mount point unread.
    let h = Harness::scan(vec![root.clone()], (100, 20));
    assert_eq!(h.state.tree.totals().entries, all.len() as u64);
    let x = scan_lib(ScanOptions { one_file_system: true, ..options(&[&root], 2) });
    let root_id = x.tree.roots().next().unwrap();
    let mnt_id = x.tree.children(root_id).find(|&c| x.tree.name(c) == b"mnt").unwrap();
    assert!(x.tree.is_other_fs(mnt_id));
    assert_eq!(x.tree.dir(mnt_id).map(|d| d.state), Some(DirState::NotRead));

    // A removal of the whole tree takes everything but the mount.
    let identity = Identity::read(&root).unwrap();
    let report = remove_permanently(&root, identity, &AtomicBool::new(false), &|_| {}).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.mounts_skipped, vec![mnt.clone()]);
    assert_eq!(fs::read(mnt.join("inside/keep")).unwrap(), b"k", "the mount's files survive");
    assert!(!root.join("dir").exists() && !root.join("top").exists());
    drop(mount);
    sentinel.assert_untouched("around the mount");
}
