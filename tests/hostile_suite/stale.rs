//! An action aimed at an object that is not the one shown (issue 14 §2): a
//! stale row whose directory was replaced by a file, and a parent directory
//! swapped for another one holding a hard link of the same file. The action
//! must act only when the row, the dialog and the disk agree, and otherwise
//! refuse and read the row again.

use std::fs;
use std::path::Path;

use statree::model::FileKind;
use statree::view::Mode;

use crate::common::{Sentinel, public_tempdir};
use crate::tui_support::Harness;

const SIZE: (u16, u16) = (120, 30);

fn status(h: &Harness) -> String {
    h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

/// `root/dir/{a,b,c}` (8 KiB in all), scanned; then `dir` is replaced by a
/// regular file behind the view's back (the row stays a directory's).
fn replaced_dir() -> (tempfile::TempDir, Sentinel, std::path::PathBuf, Harness) {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("root");
    let dir = root.join("dir");
    fs::create_dir_all(&dir).unwrap();
    for name in ["a", "b", "c"] {
        fs::write(dir.join(name), vec![b'x'; 2048]).unwrap();
    }
    let h = Harness::scan(vec![root.clone()], SIZE);
    fs::remove_dir_all(&dir).unwrap();
    fs::write(&dir, b"a regular file now\n").unwrap();
    (tmp, sentinel, dir, h)
}

fn assert_file_kept(path: &Path) {
    assert_eq!(
        fs::read(path).expect("the file that replaced the directory is gone"),
        b"a regular file now\n"
    );
}

#[test]
fn a_stale_directory_row_over_a_file_refuses_delete_and_reads_the_row_again() {
    let (_tmp, sentinel, dir, mut h) = replaced_dir();
    let id = h.node("dir");
    assert_eq!(h.state.tree.kind(id), FileKind::Dir, "the row is stale");
    h.select("dir");
    h.press("D");
    // What `D` said, before `y` (which, with no dialog open, yanks).
    let said = status(&h);
    // Whatever opened, `y` must not delete the file.
    h.press("y");
    assert_file_kept(&dir);
    assert!(said.contains("changed since it was shown"), "{said}");
    // The row was read again: it shows a regular file now.
    let id = h.node("dir");
    assert_eq!(h.state.tree.kind(id), FileKind::File, "the row was not refreshed");
    sentinel.assert_untouched("stale delete");
}

#[test]
fn a_stale_directory_row_over_a_file_refuses_trash_and_rename() {
    let (_tmp, sentinel, dir, mut h) = replaced_dir();
    h.select("dir");
    h.press("d");
    let said = status(&h);
    h.press("y");
    assert_file_kept(&dir);
    assert!(said.contains("changed since it was shown"), "{said}");

    let (_tmp2, sentinel2, dir2, mut h2) = replaced_dir();
    h2.select("dir");
    h2.press("r");
    if matches!(h2.state.mode, Mode::Name(_)) {
        h2.type_text("2");
        h2.press("enter");
    }
    assert_file_kept(&dir2);
    assert!(!dir2.with_file_name("dir2").exists(), "the file was renamed");
    assert!(status(&h2).contains("changed since it was shown"), "{}", status(&h2));
    sentinel.assert_untouched("stale trash");
    sentinel2.assert_untouched("stale rename");
}

/// `root/A/f` and `root/B/f` are hard links of one file; `A/f` is selected,
/// then `mv A A.old; mv B A`: the same file by device and inode sits at the
/// path shown, but under another directory.
fn swapped_parent() -> (tempfile::TempDir, Sentinel, std::path::PathBuf, Harness) {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("root");
    fs::create_dir_all(root.join("A")).unwrap();
    fs::create_dir_all(root.join("B")).unwrap();
    fs::write(root.join("A/f"), b"one file, two names\n").unwrap();
    fs::hard_link(root.join("A/f"), root.join("B/f")).unwrap();
    let mut h = Harness::scan(vec![root.clone()], SIZE);
    h.select("A");
    h.press("l");
    h.select("A/f");
    fs::rename(root.join("A"), root.join("A.old")).unwrap();
    fs::rename(root.join("B"), root.join("A")).unwrap();
    (tmp, sentinel, root, h)
}

#[test]
fn a_parent_swapped_for_another_directory_refuses_delete() {
    let (_tmp, sentinel, root, mut h) = swapped_parent();
    h.press("D");
    h.press("y");
    assert!(root.join("A/f").exists(), "deleted the former B/f, which was never shown");
    assert!(root.join("A.old/f").exists());
    assert!(status(&h).contains("changed since it was shown"), "{}", status(&h));
    sentinel.assert_untouched("swapped parent delete");
}

#[test]
fn a_parent_swapped_for_another_directory_refuses_rename() {
    let (_tmp, sentinel, root, mut h) = swapped_parent();
    h.press("r");
    h.type_text("2");
    h.press("enter");
    assert!(root.join("A/f").exists(), "renamed the former B/f, which was never shown");
    assert!(!root.join("A/f2").exists());
    assert!(status(&h).contains("changed since it was shown"), "{}", status(&h));
    sentinel.assert_untouched("swapped parent rename");
}

#[test]
fn a_parent_swapped_for_another_directory_refuses_chmod() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, sentinel, root, mut h) = swapped_parent();
    fs::set_permissions(root.join("A/f"), fs::Permissions::from_mode(0o644)).unwrap();
    h.press_all(&["p", "6", "0", "0", "enter"]);
    let mode = fs::symlink_metadata(root.join("A/f")).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o644, "chmod acted through the swapped parent");
    assert!(status(&h).contains("changed since it was shown"), "{}", status(&h));
    sentinel.assert_untouched("swapped parent chmod");
}
