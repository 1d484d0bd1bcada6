//! Renames on overlayfs (issue 14 §6): renaming a file of the lower layer
//! copies it up first, and the copy may have another inode number, device
//! or birth time than the entry shown. The rename must go through (once),
//! not be reverted as "changed since it was shown".
//!
//! The overlays are mounted in a temp dir, with the lower layer on the same
//! filesystem as the upper and on a tmpfs without `xino`; on the kernel this
//! was written on (6.18) the copy keeps the inode number and device the
//! overlay showed but gets the upper layer's birth time, which the re-check
//! compared. Each case is skipped with a message where mounting is not
//! permitted.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use statree::fsops;
use statree::model::Identity;

use crate::common::{Sentinel, public_tempdir};

/// An overlay mounted on `merged`, with what is mounted under it.
struct Overlay {
    merged: PathBuf,
    lower_mount: Option<PathBuf>,
}

impl Drop for Overlay {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.merged).status();
        if let Some(lower) = &self.lower_mount {
            let _ = Command::new("umount").arg("-l").arg(lower).status();
        }
    }
}

fn mount(args: &[&str], target: &Path) -> Result<(), String> {
    let out = Command::new("mount")
        .args(args)
        .arg(target)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run mount: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// An overlay in `base` whose lower layer holds `f` (and `d/g`), the lower
/// layer on a filesystem of type `lower_fs` (`None`: the temp dir's own).
fn overlay(base: &Path, lower_fs: Option<&str>, options: &str) -> Result<Overlay, String> {
    let (lower, upper, work, merged) =
        (base.join("lower"), base.join("upper"), base.join("work"), base.join("merged"));
    for dir in [&lower, &upper, &work, &merged] {
        fs::create_dir_all(dir).unwrap();
    }
    let mut made = Overlay { merged: merged.clone(), lower_mount: None };
    if let Some(kind) = lower_fs {
        mount(&["-t", kind, "statree-lower"], &lower)?;
        made.lower_mount = Some(lower.clone());
    }
    fs::write(lower.join("f"), b"lower layer file\n").unwrap();
    fs::create_dir(lower.join("d")).unwrap();
    fs::write(lower.join("d/g"), b"deeper\n").unwrap();
    let opts = format!(
        "lowerdir={},upperdir={},workdir={}{options}",
        lower.display(),
        upper.display(),
        work.display()
    );
    // The overlay mount is attempted only once the lower layer is filled.
    let out = Command::new("mount")
        .args(["-t", "overlay", "statree-overlay", "-o", &opts])
        .arg(&merged)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run mount: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(made)
}

/// Renames a lower-layer file (at the top and one level down) through the
/// overlay with the identity read before, as the interface does.
fn renames_once(lower_fs: Option<&str>, options: &str) {
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let base = tmp.path().join("ov");
    let ov = match overlay(&base, lower_fs, options) {
        Ok(ov) => ov,
        Err(why) => {
            eprintln!("skipped: cannot mount an overlay (lower {lower_fs:?}{options}): {why}");
            return;
        }
    };
    for (dir, old, new) in [(ov.merged.clone(), "f", "f2"), (ov.merged.join("d"), "g", "g2")] {
        let shown = Identity::read(&dir.join(old)).unwrap();
        let moved = fsops::rename(&dir, shown, old.as_bytes(), new.as_bytes());
        let case = format!("lower {lower_fs:?}{options}: {old} -> {new}");
        assert_eq!(moved.as_deref().ok(), Some(dir.join(new).as_path()), "{case}: {moved:?}");
        assert!(!dir.join(old).exists(), "{case}: the old name is still there");
        assert!(dir.join(new).exists(), "{case}: the new name is missing");
    }
    assert_eq!(fs::read(ov.merged.join("f2")).unwrap(), b"lower layer file\n");
    drop(ov);
    sentinel.assert_untouched("overlay renames");
}

#[test]
fn a_lower_layer_file_renames_the_first_time_lower_on_the_same_filesystem() {
    renames_once(None, "");
}

#[test]
fn a_lower_layer_file_renames_the_first_time_lower_on_tmpfs_without_xino() {
    renames_once(Some("tmpfs"), ",xino=off");
}

/// A FUSE filesystem without stable inode numbers and without
/// `RENAME_NOREPLACE` (`tests/fuse_support/linkfs.py`, fusepy's high-level
/// interface without `use_ino`): the rename falls back to link + unlink,
/// and the new name reports another inode number than the old one. The
/// rename must go through, not be rolled back as "changed since it was
/// shown"; a name that exists is still never replaced.
#[test]
fn a_file_on_fuse_without_stable_inode_numbers_renames_by_link_and_unlink() {
    let Some(fuse) = crate::fuse_support::LinkFs::mount() else { return };
    let tmp = public_tempdir();
    let sentinel = Sentinel::beside(tmp.path());
    let dir = fuse.path().to_path_buf();
    let shown = Identity::read(&dir.join("f.txt")).unwrap();
    let moved = fsops::rename(&dir, shown, b"f.txt", b"g.txt");
    assert_eq!(moved.as_deref().ok(), Some(dir.join("g.txt").as_path()), "{moved:?}");
    assert!(!dir.join("f.txt").exists(), "the old name is still there");
    assert_eq!(fs::read(dir.join("g.txt")).unwrap(), b"first\n");
    // And no clobbering on the fallback: an existing name is refused.
    fs::write(dir.join("h.txt"), b"keep\n").unwrap();
    let shown = Identity::read(&dir.join("g.txt")).unwrap();
    assert!(fsops::rename(&dir, shown, b"g.txt", b"h.txt").is_err(), "h.txt replaced");
    assert_eq!(fs::read(dir.join("h.txt")).unwrap(), b"keep\n");
    assert_eq!(fs::read(dir.join("g.txt")).unwrap(), b"first\n");
    sentinel.assert_untouched("fuse rename");
}
