//! Owner and group changes on temp-dir fixtures: by id, symlinks left alone
//! unless their own owner is asked for (the target never changes), the
//! setuid bit the kernel clears reported, the identity re-check, the
//! recursive scope, and EPERM for an unprivileged caller.

mod fsops_support;

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, symlink};

use fsops_support::*;
use statree::fsops;
use statree::model::mask::Scope;

fn owner(path: &std::path::Path) -> (u32, u32) {
    let md = fs::symlink_metadata(path).unwrap();
    (md.uid(), md.gid())
}

#[test]
fn chown_by_id_changes_owner_and_group_and_reads_them_back() {
    let Some((uid, gid)) = nobody() else { return };
    let tmp = tmp();
    let f = tmp.path().join("f");
    fs::write(&f, b"x").unwrap();
    let out = fsops::chown(&f, id(&f), Some(uid), Some(gid), false).unwrap();
    assert_eq!(out.before, (0, 0));
    assert_eq!(out.after, (uid, gid));
    assert_eq!(owner(&f), (uid, gid));
    // Only the group: the owner stays.
    let out = fsops::chown(&f, id(&f), None, Some(0), false).unwrap();
    assert_eq!(out.after, (uid, 0));
    assert_eq!(owner(&f), (uid, 0));
}

#[test]
fn a_symlink_is_refused_by_default_and_its_target_never_changes() {
    let Some((uid, gid)) = nobody() else { return };
    let tmp = tmp();
    let target = tmp.path().join("target");
    fs::write(&target, b"t").unwrap();
    let link = tmp.path().join("link");
    symlink(&target, &link).unwrap();
    let err = fsops::chown(&link, id(&link), Some(uid), Some(gid), false).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(owner(&link), (0, 0));
    assert_eq!(owner(&target), (0, 0));

    // Asked for explicitly: the link's own owner, and still not the target.
    let out = fsops::chown(&link, id(&link), Some(uid), Some(gid), true).unwrap();
    assert_eq!(out.after, (uid, gid));
    assert_eq!(owner(&link), (uid, gid));
    assert_eq!(owner(&target), (0, 0));
}

#[test]
fn the_kernel_clearing_setuid_is_reported() {
    let Some((uid, gid)) = nobody() else { return };
    let tmp = tmp();
    let f = tmp.path().join("tool");
    fs::write(&f, b"#!/bin/sh\n").unwrap();
    set_perms(&f, 0o6755);
    let out = fsops::chown(&f, id(&f), Some(uid), Some(gid), false).unwrap();
    assert_eq!(out.mode_before, 0o6755);
    assert_eq!(out.mode_after, perms(&f));
    assert_eq!(out.cleared_bits() & 0o4000, 0o4000, "setuid cleared: {out:?}");
    assert_eq!(perms(&f) & 0o4000, 0);
}

#[test]
fn a_replaced_entry_is_refused() {
    let Some((uid, gid)) = nobody() else { return };
    let tmp = tmp();
    let f = tmp.path().join("f");
    fs::write(&f, b"old").unwrap();
    let shown = id(&f);
    fs::remove_file(&f).unwrap();
    fs::write(tmp.path().join("other"), b"keep the inode busy").unwrap();
    fs::write(&f, b"new").unwrap();
    let err = fsops::chown(&f, shown, Some(uid), Some(gid), false).unwrap_err();
    assert!(err.to_string().contains("changed since it was shown"), "{err}");
    assert_eq!(owner(&f), (0, 0));
}

#[test]
fn recursive_scope_and_symlinks() {
    let Some((uid, gid)) = nobody() else { return };
    let tmp = tmp();
    let root = tmp.path().join("root");
    fs::create_dir_all(root.join("sub")).unwrap();
    fs::write(root.join("sub/f"), b"f").unwrap();
    let outside = tmp.path().join("outside");
    fs::write(&outside, b"sentinel").unwrap();
    symlink(&outside, root.join("sub/link")).unwrap();
    let cancel = no_cancel();
    let report = fsops::chown_recursive(
        &root,
        id(&root),
        Some(uid),
        Some(gid),
        Scope::DirsOnly,
        false,
        &cancel,
        &quiet,
    )
    .unwrap();
    assert_eq!(report.changed, 2, "{report:?}");
    assert_eq!(report.skipped_symlinks, 1);
    assert_eq!(owner(&root), (uid, gid));
    assert_eq!(owner(&root.join("sub")), (uid, gid));
    assert_eq!(owner(&root.join("sub/f")), (0, 0));
    assert_eq!(owner(&root.join("sub/link")), (0, 0));
    assert_eq!(owner(&outside), (0, 0));

    let report = fsops::chown_recursive(
        &root,
        id(&root),
        Some(uid),
        Some(gid),
        Scope::All,
        true,
        &cancel,
        &quiet,
    )
    .unwrap();
    assert_eq!(report.changed, 2, "{report:?}");
    assert_eq!(owner(&root.join("sub/f")), (uid, gid));
    assert_eq!(owner(&root.join("sub/link")), (uid, gid));
    assert_eq!(owner(&outside), (0, 0), "the target outside never changes");
}

#[test]
fn an_unprivileged_caller_gets_eperm_per_entry() {
    let dir = public_tmp();
    let Some((uid, gid)) = nobody() else { return };
    let f = dir.path().join("mine");
    fs::write(&f, b"x").unwrap();
    std::os::unix::fs::chown(&f, Some(uid), Some(gid)).unwrap();
    std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).unwrap();
    let path = f.as_os_str();
    let Some(out) = run_child("give_away", &[("FSOPS_PATH", path)], Some(dir.path())) else {
        return;
    };
    let lines = child_lines(&out, "result ");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("Operation not permitted"), "{}", lines[0]);
    assert_eq!(owner(&f), (uid, gid));
}

/// The child side of the unprivileged test: give the file to root.
#[test]
fn child_process_entry() {
    let Some(task) = std::env::var_os(CHILD_TASK) else { return };
    let path = std::path::PathBuf::from(std::env::var_os("FSOPS_PATH").expect("FSOPS_PATH"));
    if task.as_bytes() == b"give_away" {
        match fsops::chown(&path, id(&path), Some(0), None, false) {
            Ok(out) => println!("\nresult changed {out:?}"),
            Err(e) => println!("\nresult {e}"),
        }
    }
}
