//! A parent directory swapped for another one between showing (or
//! recording) and acting, for the actions `stale.rs` does not cover: the
//! owner change (`O`), the bulk rename (`E`), the undo of a rename (`u`) and
//! paste (`P`, its sources and its target directory). `mv A A.old; mv B A`
//! with `B` holding a hard link of the same file under the same name: the
//! entry checks pass (same device and inode), only the directory above it
//! is another one. Each action must refuse, touch nothing, and say so.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use statree::exec::InlineExecutor;
use statree::exec::external::Programs;
use statree::model::Identity;
use statree::view::change::Change;
use statree::view::{Effect, Mode, Msg, update};

use crate::common::{Sentinel, public_tempdir};
use crate::tui_support::{Harness, key_event};

const SIZE: (u16, u16) = (120, 30);

fn status(h: &Harness) -> String {
    h.state.screen.status.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

/// `root/A/f` and `root/B/f`, hard links of one file (mode `mode`), and an
/// empty `root/dest`; scanned, with `A/f` selected.
fn linked(mode: u32) -> (tempfile::TempDir, Sentinel, PathBuf, Harness) {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let root = tmp.path().join("root");
    fs::create_dir_all(root.join("A")).unwrap();
    fs::create_dir_all(root.join("B")).unwrap();
    fs::create_dir_all(root.join("dest")).unwrap();
    fs::write(root.join("A/f"), b"one file, two names\n").unwrap();
    fs::set_permissions(root.join("A/f"), fs::Permissions::from_mode(mode)).unwrap();
    fs::hard_link(root.join("A/f"), root.join("B/f")).unwrap();
    let mut h = Harness::scan(vec![root.clone()], SIZE);
    h.select("A");
    h.press("l");
    h.select("A/f");
    (tmp, sentinel, root, h)
}

/// `mv A A.old; mv B A` behind the view's back.
fn swap(root: &Path) {
    fs::rename(root.join("A"), root.join("A.old")).unwrap();
    fs::rename(root.join("B"), root.join("A")).unwrap();
}

fn assert_refused(h: &Harness) {
    assert!(status(h).contains("changed since it was shown"), "{}", status(h));
}

#[test]
fn a_parent_swapped_for_another_directory_refuses_chown() {
    // The kernel clears setuid on any chown of a file, even to the owner it
    // has: a chown that went through shows in the mode, root or not.
    let (_tmp, sentinel, root, mut h) = linked(0o4755);
    let uid = fs::metadata(root.join("A/f")).unwrap().uid();
    swap(&root);
    h.press("O");
    assert!(matches!(h.state.mode, Mode::Owner(_)), "no owner editor: {}", status(&h));
    h.type_text(&uid.to_string());
    h.press("enter");
    let mode = fs::metadata(root.join("A/f")).unwrap().mode() & 0o7777;
    assert_eq!(mode, 0o4755, "chown acted through the swapped parent");
    assert_refused(&h);
    sentinel.assert_untouched("swapped parent chown");
}

#[test]
fn a_parent_swapped_for_another_directory_refuses_bulk_rename() {
    let (tmp, sentinel, root, mut h) = linked(0o644);
    let editor = tmp.path().join("editor.sh");
    fs::write(&editor, "#!/bin/sh\nprintf 'g\\n' > \"$1\"\n").unwrap();
    fs::set_permissions(&editor, fs::Permissions::from_mode(0o755)).unwrap();
    let programs = Programs { editor: vec![editor.into()], pager: vec!["true".into()] };
    h.io = InlineExecutor::default().with_programs(programs);
    h.press("E");
    assert!(matches!(h.state.mode, Mode::Confirm(_)), "no preview: {}", status(&h));
    // Between the preview and the answer.
    swap(&root);
    h.press("y");
    assert!(root.join("A/f").exists(), "renamed the former B/f, which was never shown");
    assert!(!root.join("A/g").exists());
    assert!(root.join("A.old/f").exists());
    assert_refused(&h);
    sentinel.assert_untouched("swapped parent bulk rename");
}

/// The chain the bulk rename re-checks is the one shown when `E` was
/// pressed: a parent swapped while the editor is open, and seen by the
/// watcher before the editor returns (so the tree already shows the other
/// directory under the old name), is refused.
#[test]
fn a_parent_swapped_while_the_editor_is_open_refuses_bulk_rename() {
    let (_tmp, sentinel, root, mut h) = linked(0o644);
    // `E` without running the editor: its effect is held back here.
    let effects = update(&mut h.state, Msg::Key(key_event("E")));
    let Some((dir, dir_parents, names)) = effects.into_iter().find_map(|e| match e {
        Effect::BulkEdit { dir, dir_parents, entries } => Some((dir, dir_parents, entries)),
        _ => None,
    }) else {
        panic!("no editor asked for: {}", status(&h));
    };
    // While the editor is open: the swap, and the watcher's news of it.
    swap(&root);
    h.send(Msg::Changes(vec![moved(&root, "A", "A.old"), moved(&root, "B", "A")]));
    let identity = Identity::read(&root.join("A/f")).unwrap();
    let entries = names.into_iter().map(|(name, _)| (name, identity)).collect();
    h.send(Msg::BulkEdited { dir, dir_parents, entries, result: Ok(vec![b"g".to_vec()]) });
    assert!(matches!(h.state.mode, Mode::Confirm(_)), "no preview: {}", status(&h));
    h.press("y");
    assert!(root.join("A/f").exists(), "renamed the former B/f, which was never shown");
    assert!(!root.join("A/g").exists());
    assert!(root.join("A.old/f").exists());
    assert_refused(&h);
    sentinel.assert_untouched("parent swapped while editing");
}

/// The watcher's news of `root/from` renamed to `root/to`.
fn moved(root: &Path, from: &str, to: &str) -> Change {
    Change::Moved {
        from_dir: root.to_path_buf(),
        from: from.as_bytes().to_vec(),
        to_dir: root.to_path_buf(),
        to: to.as_bytes().to_vec(),
    }
}

#[test]
fn a_parent_swapped_for_another_directory_refuses_the_undo_of_a_rename() {
    let (_tmp, sentinel, root, mut h) = linked(0o644);
    // `B/f` is renamed too (outside), so that after the swap `A/f2` is the
    // same file under the name the rename left: only `A` differs.
    h.press("r");
    h.type_text("2");
    h.press("enter");
    assert!(root.join("A/f2").exists(), "{}", status(&h));
    fs::rename(root.join("B/f"), root.join("B/f2")).unwrap();
    swap(&root);
    h.press("u");
    assert!(root.join("A/f2").exists(), "undo moved the former B's entry");
    assert!(!root.join("A/f").exists());
    assert!(root.join("A.old/f2").exists());
    assert_refused(&h);
    sentinel.assert_untouched("swapped parent undo");
}

#[test]
fn a_source_parent_swapped_for_another_directory_refuses_paste() {
    let (_tmp, sentinel, root, mut h) = linked(0o644);
    h.press("y");
    swap(&root);
    h.select("dest");
    h.press("P");
    if matches!(h.state.mode, Mode::Paste(_)) {
        h.press("s");
    }
    assert!(!root.join("dest/f").exists(), "pasted the former B/f, which was never yanked");
    assert!(root.join("A/f").exists() && root.join("A.old/f").exists());
    assert_refused(&h);
    sentinel.assert_untouched("swapped source parent paste");
}

#[test]
fn a_target_directory_swapped_for_another_one_refuses_paste() {
    let (_tmp, sentinel, root, mut h) = linked(0o644);
    fs::create_dir(root.join("other")).unwrap();
    h.press("y");
    // The directory shown as `dest` is not the one on the disk any more.
    fs::rename(root.join("dest"), root.join("dest.old")).unwrap();
    fs::rename(root.join("other"), root.join("dest")).unwrap();
    h.select("dest");
    h.press("P");
    assert!(!root.join("dest/f").exists(), "pasted into a directory never shown");
    assert!(!root.join("dest.old/f").exists());
    assert_refused(&h);
    sentinel.assert_untouched("swapped target paste");
}

#[test]
fn a_target_directory_swapped_after_a_copy_refuses_its_undo() {
    let (_tmp, sentinel, root, mut h) = linked(0o644);
    h.press("y");
    h.select("dest");
    h.press("P");
    assert!(root.join("dest/f").exists(), "{}", status(&h));
    // Another directory holding the copy under the same name (a hard link:
    // the same inode, size and times) takes the place of `dest`.
    fs::create_dir(root.join("other")).unwrap();
    fs::hard_link(root.join("dest/f"), root.join("other/f")).unwrap();
    fs::rename(root.join("dest"), root.join("dest.old")).unwrap();
    fs::rename(root.join("other"), root.join("dest")).unwrap();
    h.press("u");
    assert!(root.join("dest/f").exists(), "undo removed an entry of a directory never shown");
    assert!(root.join("dest.old/f").exists());
    assert_refused(&h);
    sentinel.assert_untouched("swapped target undo of a copy");
}
