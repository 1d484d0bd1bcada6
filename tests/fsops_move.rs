//! Moving with `fsops::paste` in move mode: a rename on one filesystem
//! (same inode, never replacing), and across filesystems onto a tmpfs
//! mounted inside the test directory: copy, verify, then remove from the
//! source only what was verified in the target.

mod fsops_support;

use std::fs;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::Path;
use std::process::Command;

use fsops_support::*;
use statree::fsops::{self, Collision, Meter, PasteItem, PasteMode};

fn mv(sources: &[&Path], dest: &Path, on: Option<Collision>) -> fsops::PasteReport {
    let items: Vec<_> = sources
        .iter()
        .map(|p| PasteItem {
            source: p.to_path_buf(),
            identity: id(p),
            parents: Vec::new(),
            on_collision: on,
        })
        .collect();
    fsops::paste(&items, dest, PasteMode::Move, &no_cancel(), &Meter::default()).unwrap()
}

/// A tmpfs of `size` on `path`, or `None` with a visible note.
fn small_tmpfs(path: &Path, size: &str) -> Option<Mount> {
    fs::create_dir_all(path).unwrap();
    let out = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "statree-move"])
        .arg(path)
        .output()
        .ok()?;
    if out.status.success() {
        Some(Mount { path: path.to_path_buf() })
    } else {
        eprintln!(
            "note: SKIPPED the cross-filesystem part: mount failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        None
    }
}

/// On one filesystem a move is a rename: the same inode arrives, the source
/// name is gone, and the report carries the from → to pair.
#[test]
fn same_filesystem_move_is_a_rename() {
    let tmp = tmp();
    let dir = tmp.path().join("d");
    fs::create_dir_all(dir.join("inner")).unwrap();
    fs::write(dir.join("inner/f"), b"x").unwrap();
    let dest = tmp.path().join("dest");
    fs::create_dir(&dest).unwrap();
    let ino = fs::metadata(&dir).unwrap().ino();
    let report = mv(&[&dir], &dest, None);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(!dir.exists());
    assert_eq!(fs::metadata(dest.join("d")).unwrap().ino(), ino);
    assert_eq!(report.placed.len(), 1);
    assert!(report.placed[0].moved);
    assert_eq!(
        (report.placed[0].from.as_path(), report.placed[0].to.as_path()),
        (dir.as_path(), dest.join("d").as_path())
    );

    // Onto an existing name: skipped unless told otherwise, never replaced.
    fs::write(tmp.path().join("f"), b"new").unwrap();
    fs::write(dest.join("f"), b"old").unwrap();
    let report = mv(&[&tmp.path().join("f")], &dest, None);
    assert_eq!(report.skipped, vec![dest.join("f")]);
    assert_eq!(fs::read(dest.join("f")).unwrap(), b"old");
    assert!(tmp.path().join("f").exists());
    let report = mv(&[&tmp.path().join("f")], &dest, Some(Collision::Overwrite));
    assert_eq!(report.overwritten, vec![dest.join("f")]);
    assert_eq!(fs::read(dest.join("f")).unwrap(), b"new");
    assert!(!tmp.path().join("f").exists());
}

/// Across filesystems: copied exactly onto a tmpfs, verified, and the source
/// removed; a file that did not fit (the tmpfs is 1 MiB) stays in the
/// source with its directory, listed as not moved, while what fit went.
#[test]
fn cross_filesystem_move_removes_only_what_was_verified() {
    let tmp = tmp();
    let Some(mount) = small_tmpfs(&tmp.path().join("mnt"), "1m") else { return };
    let src = tmp.path().join("src");
    fs::create_dir_all(src.join("sub")).unwrap();
    fs::write(src.join("small"), b"fits").unwrap();
    fs::write(src.join("sub/also"), b"fits too").unwrap();
    symlink("small", src.join("link")).unwrap();
    set_perms(&src.join("small"), 0o4750);
    let sentinel = tmp.path().join("sentinel");
    fs::write(&sentinel, b"untouched").unwrap();

    let report = mv(&[&src], &mount.path, None);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.not_moved.is_empty());
    assert!(!src.exists(), "the source went after the copy was verified");
    let moved = mount.path.join("src");
    assert_eq!(fs::read(moved.join("sub/also")).unwrap(), b"fits too");
    assert_eq!(fs::read_link(moved.join("link")).unwrap(), Path::new("small"));
    assert_eq!(perms(&moved.join("small")), 0o4750);
    assert!(report.placed[0].moved);

    // Too big for the tmpfs: the copy of `big` fails, so `big` and the
    // directory holding it stay; `small2` was verified and went.
    fs::create_dir_all(src.join("sub")).unwrap();
    fs::write(src.join("small2"), b"fits").unwrap();
    fs::write(src.join("sub/big"), vec![7u8; 2 << 20]).unwrap();
    let report = mv(&[&src], &moved.join("sub"), None);
    assert_eq!(report.not_moved, vec![src.clone()]);
    assert_eq!(report.undo().not_moved, vec![src.clone()], "the journal learns it too");
    assert!(report.errors.iter().any(|e| e.path.ends_with("sub/big")), "{:?}", report.errors);
    assert_eq!(fs::read(src.join("sub/big")).unwrap().len(), 2 << 20, "unverified: kept");
    assert!(!src.join("small2").exists(), "verified: moved");
    assert_eq!(fs::read(moved.join("sub/src/small2")).unwrap(), b"fits");
    assert_eq!(fs::read(&sentinel).unwrap(), b"untouched");
}

/// Across filesystems, hard links between the moved items stay linked in the
/// target (each item's source goes before the next is copied, so the later
/// name has one link left by then).
#[test]
fn cross_filesystem_move_keeps_links_between_items() {
    let tmp = tmp();
    let Some(mount) = small_tmpfs(&tmp.path().join("mnt"), "1m") else { return };
    let src = tmp.path().join("src");
    fs::create_dir_all(src.join("a")).unwrap();
    fs::create_dir_all(src.join("b")).unwrap();
    fs::write(src.join("a/f"), b"linked").unwrap();
    fs::hard_link(src.join("a/f"), src.join("b/g")).unwrap();
    fs::hard_link(src.join("a/f"), src.join("top")).unwrap();
    let report = mv(&[&src.join("a"), &src.join("top"), &src.join("b/g")], &mount.path, None);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.not_moved.is_empty());
    let ino = |p: &str| fs::symlink_metadata(mount.path.join(p)).unwrap().ino();
    assert_eq!(ino("a/f"), ino("top"));
    assert_eq!(ino("a/f"), ino("g"));
    assert_eq!(fs::metadata(mount.path.join("g")).unwrap().nlink(), 3);
    assert!(!src.join("a").exists() && !src.join("top").exists() && !src.join("b/g").exists());
}
