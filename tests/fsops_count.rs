//! The count the delete and trash confirmations show (`fsops::count_tree`),
//! on fixture trees in temp dirs: the same figures a permanent removal then
//! reports, symlinks counted as links and never followed, mounts inside left
//! out, an unreadable subdirectory for an unprivileged user, a changed entry
//! refused, and cancel.

mod fsops_support;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use fsops_support::*;
use statree::error::Op;
use statree::fsops;

/// outside/{keep.txt, sub/keep2.txt}: what links inside the counted tree
/// point to.
fn outside_tree(base: &Path) -> PathBuf {
    let outside = base.join("outside");
    fs::create_dir_all(outside.join("sub")).unwrap();
    fs::write(outside.join("keep.txt"), b"keep").unwrap();
    fs::write(outside.join("sub/keep2.txt"), b"keep 2").unwrap();
    outside
}

#[test]
fn the_count_is_what_the_removal_then_removes_links_never_followed() {
    with_timeout(60, "count then delete", || {
        let tmp = tmp();
        let outside = outside_tree(tmp.path());
        let root = tmp.path().join("root");
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::write(root.join("a/f"), b"12345").unwrap();
        fs::write(root.join("a/b/g"), b"123").unwrap();
        symlink(&outside, root.join("to-dir")).unwrap();
        symlink(outside.join("keep.txt"), root.join("a/to-file")).unwrap();
        let before = snapshot(&root);

        let progress_max = AtomicU64::new(0);
        let progress = |n: u64| {
            progress_max.fetch_max(n, Ordering::Relaxed);
        };
        let count = fsops::count_tree(&root, id(&root), &no_cancel(), &progress).unwrap();
        assert!(count.unreadable.is_empty() && count.mounts_skipped.is_empty(), "{count:?}");
        assert!(!count.cancelled);
        assert_eq!(count.entries, 7, "{count:?}"); // root a b f g to-dir to-file
        assert_eq!(progress_max.load(Ordering::Relaxed), 6);
        assert_eq!(snapshot(&root), before, "counting changed nothing");

        let report = fsops::remove_permanently(&root, id(&root), &no_cancel(), &quiet).unwrap();
        assert!(report.complete(), "{report:?}");
        assert_eq!((count.entries, count.bytes), (report.removed, report.bytes));
        assert!(outside.join("sub/keep2.txt").exists());
    });
}

#[test]
fn a_single_file_or_link_counts_as_itself() {
    let tmp = tmp();
    let outside = outside_tree(tmp.path());
    let file = tmp.path().join("file");
    fs::write(&file, b"0123456789").unwrap();
    let count = fsops::count_tree(&file, id(&file), &no_cancel(), &quiet).unwrap();
    assert_eq!((count.entries, count.bytes), (1, 10));
    let link = tmp.path().join("link");
    symlink(&outside, &link).unwrap();
    let count = fsops::count_tree(&link, id(&link), &no_cancel(), &quiet).unwrap();
    let link_len = fs::symlink_metadata(&link).unwrap().len();
    assert_eq!((count.entries, count.bytes), (1, link_len), "the link, not what it points to");
}

#[test]
fn mounts_inside_are_not_entered_nor_counted() {
    with_timeout(60, "count around mounts", || {
        let tmp = tmp();
        let root = tmp.path().join("root");
        let mnt = root.join("sub/mnt");
        fs::create_dir_all(&mnt).unwrap();
        fs::write(root.join("plain"), b"p").unwrap();
        let Some(tmpfs) = mount_tmpfs(&mnt) else { return };
        fs::write(mnt.join("on-tmpfs.txt"), b"t").unwrap();
        let count = fsops::count_tree(&root, id(&root), &no_cancel(), &quiet).unwrap();
        assert_eq!(count.mounts_skipped, std::slice::from_ref(&mnt));
        assert_eq!(count.entries, 3, "{count:?}"); // root sub plain
        drop(tmpfs);
    });
}

#[test]
fn an_entry_changed_since_it_was_shown_is_refused() {
    let tmp = tmp();
    let root = tmp.path().join("root");
    fs::create_dir(&root).unwrap();
    let shown = id(&root);
    fs::rename(&root, tmp.path().join("moved")).unwrap();
    symlink(outside_tree(tmp.path()), &root).unwrap();
    let err = fsops::count_tree(&root, shown, &no_cancel(), &quiet).unwrap_err();
    assert_eq!(err.op, Op::Identity);
    assert!(err.to_string().contains("changed since it was shown"), "{err}");
}

#[test]
fn a_cancelled_count_says_so() {
    let tmp = tmp();
    let root = tmp.path().join("root");
    fs::create_dir_all(root.join("a")).unwrap();
    let cancel = AtomicBool::new(true);
    let count = fsops::count_tree(&root, id(&root), &cancel, &quiet).unwrap();
    assert!(count.cancelled);
}

#[test]
fn an_unreadable_subdirectory_is_reported_and_the_rest_counted() {
    let tmp = public_tmp();
    let Some((uid, gid)) = nobody() else { return };
    let root = closed_corner_tree(tmp.path(), uid, gid);
    let Some(out) = run_child("count", &[("FSOPS_PATH", root.as_os_str())], Some(tmp.path()))
    else {
        return;
    };
    let lines = child_lines(&out, "count ");
    // root open inner f closed top; `closed/secret` cannot be seen.
    assert_eq!(lines, ["entries=6 unreadable=1"], "{out:?}");
    let errors = child_lines(&out, "error ");
    assert!(errors[0].contains("closed") && errors[0].contains("Permission denied"), "{errors:?}");
}

/// Does nothing in a normal run. Run again by a test with a task in its
/// environment (and possibly as `nobody`), it performs that task and prints
/// what the parent checks.
#[test]
fn child_process_entry() {
    let Some(task) = std::env::var_os(CHILD_TASK) else { return };
    let path = PathBuf::from(std::env::var_os("FSOPS_PATH").expect("FSOPS_PATH"));
    match task.as_bytes() {
        b"count" => {
            let count = fsops::count_tree(&path, id(&path), &no_cancel(), &quiet).unwrap();
            println!("\ncount entries={} unreadable={}", count.entries, count.unreadable.len());
            for err in &count.unreadable {
                println!("\nerror {err}");
            }
        }
        other => panic!("unknown task {:?}", OsStr::from_bytes(other)),
    }
}
