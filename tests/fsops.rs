//! The filesystem operations on fixture trees in temp dirs: rename and move
//! (never clobbering, never through a symlink), create (exclusive, never
//! through a symlink), chmod (identity re-check, symlinks refused, what the
//! kernel dropped), recursive chmod with scopes and cancel, and hostile names
//! kept byte for byte.

mod fsops_support;

use std::ffi::OsStr;
use std::fs;
use std::io::ErrorKind;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use fsops_support::*;
use statree::error::Op;
use statree::fsops;
use statree::model::mask::Scope;
use statree::model::mode::FileKind;

/// Runs `act` and asserts that nothing below `root` changed.
fn unchanged<T>(root: &Path, act: impl FnOnce() -> T) -> T {
    let before = snapshot(root);
    let out = act();
    assert_eq!(snapshot(root), before, "the tree changed");
    out
}

/// Names no terminal or UTF-8 decoder should touch.
const HOSTILE: [&[u8]; 4] = [
    b"esc\x1b[31mred\x1b[0m\x07bell",
    b"new\nline\ttab\rcr",
    b"latin1 caf\xe9 \xff\xfe",
    b"\x01\x02\x7f del and ctl",
];

// ---- rename -------------------------------------------------------------

#[test]
fn rename_onto_an_existing_entry_changes_nothing_and_names_the_target() {
    let tmp = tmp();
    let dir = tmp.path();
    fs::write(dir.join("a"), b"A").unwrap();
    fs::write(dir.join("b"), b"B").unwrap();
    fs::create_dir(dir.join("d")).unwrap();
    fs::create_dir(dir.join("empty")).unwrap();
    fs::create_dir(dir.join("full")).unwrap();
    fs::write(dir.join("full/x"), b"x").unwrap();

    for (old, new) in
        [("a", "b"), ("a", "d"), ("d", "empty"), ("d", "full"), ("d", "b"), ("a", "a")]
    {
        let err = unchanged(dir, || {
            fsops::rename(dir, id(&dir.join(old)), old.as_bytes(), new.as_bytes()).unwrap_err()
        });
        assert_eq!(err.op, Op::Rename, "{old} -> {new}: {err}");
        assert_eq!(err.path, dir.join(new), "{old} -> {new}: {err}");
        assert_eq!(err.source.kind(), ErrorKind::AlreadyExists, "{old} -> {new}: {err}");
        let text = err.to_string();
        assert!(text.contains("already exists"), "{text}");
        assert!(text.contains(&dir.join(new).display().to_string()), "{text}");
    }
    // Onto an existing name through new intermediate levels: still refused.
    fs::create_dir(dir.join("sub")).unwrap();
    fs::write(dir.join("sub/b"), b"sub B").unwrap();
    let err =
        unchanged(dir, || fsops::rename(dir, id(&dir.join("a")), b"a", b"sub/b").unwrap_err());
    assert_eq!(err.path, dir.join("sub/b"));
    assert_eq!(err.source.kind(), ErrorKind::AlreadyExists);
}

#[test]
fn rename_moves_and_keeps_the_object() {
    let tmp = tmp();
    let dir = tmp.path();
    fs::write(dir.join("f"), b"content").unwrap();
    let ino = fs::metadata(dir.join("f")).unwrap().ino();
    let new = fsops::rename(dir, id(&dir.join("f")), b"f", b"g").unwrap();
    assert_eq!(new, dir.join("g"));
    assert!(!dir.join("f").exists());
    assert_eq!(fs::metadata(&new).unwrap().ino(), ino);
    assert_eq!(fs::read(&new).unwrap(), b"content");
}

#[test]
fn rename_with_slashes_creates_the_missing_intermediate_directories() {
    let tmp = tmp();
    let dir = tmp.path();
    fs::write(dir.join("f"), b"content").unwrap();
    fs::create_dir(dir.join("existing")).unwrap();
    let new = fsops::rename(dir, id(&dir.join("f")), b"f", b"existing/x/y/g").unwrap();
    assert_eq!(new, dir.join("existing/x/y/g"));
    assert_eq!(fs::read(&new).unwrap(), b"content");
    assert!(!dir.join("f").exists());
    assert!(dir.join("existing/x/y").is_dir());

    // A directory with a trailing slash; a file with one is refused.
    fs::create_dir(dir.join("d")).unwrap();
    fs::write(dir.join("d/inside"), b"i").unwrap();
    let new = fsops::rename(dir, id(&dir.join("d")), b"d", b"p/q/").unwrap();
    assert_eq!(new, dir.join("p/q"));
    assert_eq!(fs::read(dir.join("p/q/inside")).unwrap(), b"i");
    fs::write(dir.join("h"), b"h").unwrap();
    let err = unchanged(dir, || fsops::rename(dir, id(&dir.join("h")), b"h", b"h2/").unwrap_err());
    assert_eq!(err.source.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("only be given to a directory"), "{err}");
}

#[test]
fn rename_refuses_a_symlink_on_the_way_and_a_move_into_itself() {
    let tmp = tmp();
    let dir = tmp.path().join("dir");
    let outside = tmp.path().join("outside");
    fs::create_dir(&dir).unwrap();
    fs::create_dir(&outside).unwrap();
    fs::write(dir.join("f"), b"f").unwrap();
    symlink(&outside, dir.join("link")).unwrap();

    for new in [&b"link/g"[..], b"link/deeper/g"] {
        let err = unchanged(tmp.path(), || {
            fsops::rename(&dir, id(&dir.join("f")), b"f", new).unwrap_err()
        });
        assert_eq!(err.op, Op::Rename);
        assert_eq!(err.path, dir.join("link"), "{err}");
        assert!(err.to_string().contains("symlink"), "{err}");
    }
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);

    fs::create_dir(dir.join("d")).unwrap();
    let err = unchanged(tmp.path(), || {
        fsops::rename(&dir, id(&dir.join("d")), b"d", b"d/inner/x").unwrap_err()
    });
    assert!(err.to_string().contains("into itself"), "{err}");
}

#[test]
fn rename_rejects_bad_names_with_a_message() {
    let tmp = tmp();
    let dir = tmp.path();
    fs::write(dir.join("f"), b"f").unwrap();
    let long = vec![b'x'; 256];
    let long_inner = [&b"ok/"[..], &long].concat();
    let cases: [(&[u8], &str); 10] = [
        (b"", "empty"),
        (b".", "cannot be used"),
        (b"..", "cannot be used"),
        (b"a\0b", "NUL"),
        (&long, "256"),
        (&long_inner, "256"),
        (b"/abs", "relative"),
        (b"a//b", "empty component"),
        (b"x/../y", "cannot be used"),
        (b"./y", "cannot be used"),
    ];
    for (name, words) in cases {
        let err =
            unchanged(dir, || fsops::rename(dir, id(&dir.join("f")), b"f", name).unwrap_err());
        assert_eq!(err.op, Op::Rename, "{name:?}");
        assert_eq!(err.source.kind(), ErrorKind::InvalidInput, "{name:?}: {err}");
        assert!(err.to_string().contains(words), "{name:?}: {err}");
    }
    // The old name is validated too.
    let err = fsops::rename(dir, id(&dir.join("f")), b"../f", b"g").unwrap_err();
    assert_eq!(err.source.kind(), ErrorKind::InvalidInput);
    // 255 bytes is fine.
    let max = vec![b'y'; 255];
    let new = fsops::rename(dir, id(&dir.join("f")), b"f", &max).unwrap();
    assert!(new.exists());
}

#[test]
fn rename_refuses_an_entry_replaced_since_it_was_shown() {
    let tmp = tmp();
    let dir = tmp.path();
    fs::write(dir.join("f"), b"old").unwrap();
    let shown = id(&dir.join("f"));
    // The old file lives on under another name, so its inode number cannot
    // come back for the new one.
    fs::rename(dir.join("f"), dir.join("held")).unwrap();
    fs::write(dir.join("f"), b"new").unwrap();
    let err = unchanged(dir, || fsops::rename(dir, shown, b"f", b"g").unwrap_err());
    assert_eq!(err.op, Op::Identity);
    assert!(err.to_string().contains("changed since it was shown"), "{err}");
    fs::remove_file(dir.join("f")).unwrap();
    let err = fsops::rename(dir, shown, b"f", b"g").unwrap_err();
    assert_eq!(err.source.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("no longer exists"), "{err}");
}

#[test]
fn removedirs_removes_empty_parents_up_to_the_stop() {
    let tmp = tmp();
    let root = tmp.path();
    fs::create_dir_all(root.join("a/b/c/d")).unwrap();
    fs::write(root.join("a/keep"), b"k").unwrap();
    let removed = fsops::removedirs(&root.join("a/b/c/d"), root).unwrap();
    assert_eq!(removed, vec![root.join("a/b/c/d"), root.join("a/b/c"), root.join("a/b")]);
    assert!(root.join("a/keep").exists());
    // Not empty at the start: nothing to do, no error.
    assert_eq!(fsops::removedirs(&root.join("a"), root).unwrap(), Vec::<std::path::PathBuf>::new());
    // Never the stop itself, nor anything outside it.
    fs::remove_file(root.join("a/keep")).unwrap();
    assert_eq!(fsops::removedirs(&root.join("a"), root).unwrap(), vec![root.join("a")]);
    assert!(root.exists());
    assert!(fsops::removedirs(root, &root.join("x")).is_err());
}

// ---- create -------------------------------------------------------------

#[test]
fn create_makes_every_missing_level_with_a_trailing_slash() {
    let tmp = tmp();
    let base = tmp.path();
    let made = fsops::create(base, b"a/b/c/").unwrap();
    assert_eq!(made.kind, FileKind::Dir);
    assert_eq!(made.path, base.join("a/b/c"));
    assert_eq!(made.created, vec![base.join("a"), base.join("a/b"), base.join("a/b/c")]);
    assert!(base.join("a/b/c").is_dir());

    let made = fsops::create(base, b"a/b/d/e/").unwrap();
    assert_eq!(made.created, vec![base.join("a/b/d"), base.join("a/b/d/e")]);

    let err = unchanged(base, || fsops::create(base, b"a/b/c/").unwrap_err());
    assert_eq!(err.source.kind(), ErrorKind::AlreadyExists);
    assert_eq!(err.op, Op::Mkdir);

    let made = fsops::create(base, b"a/new/file").unwrap();
    assert_eq!(made.kind, FileKind::File);
    assert_eq!(made.created, vec![base.join("a/new"), base.join("a/new/file")]);
    let md = fs::symlink_metadata(base.join("a/new/file")).unwrap();
    assert!(md.is_file());
    assert_eq!(md.len(), 0);
}

#[test]
fn exclusive_create_fails_on_anything_existing() {
    let tmp = tmp();
    let base = tmp.path();
    fsops::create(base, b"f").unwrap();
    fs::write(base.join("f"), b"keep me").unwrap();
    fs::create_dir(base.join("d")).unwrap();
    symlink(tmp.path().join("nowhere"), base.join("dangling")).unwrap();
    for (name, words) in [("f", "regular file"), ("d", "directory"), ("dangling", "symlink")] {
        let err = unchanged(base, || fsops::create(base, name.as_bytes()).unwrap_err());
        assert_eq!(err.op, Op::Create, "{name}");
        assert_eq!(err.source.kind(), ErrorKind::AlreadyExists, "{name}");
        assert!(err.to_string().contains(words), "{name}: {err}");
    }
    assert_eq!(fs::read(base.join("f")).unwrap(), b"keep me");
    assert!(!tmp.path().join("nowhere").exists(), "the dangling link was followed");
}

#[test]
fn create_never_goes_through_a_symlinked_component() {
    let tmp = tmp();
    let base = tmp.path().join("base");
    let outside = tmp.path().join("outside");
    fs::create_dir(&base).unwrap();
    fs::create_dir(&outside).unwrap();
    fs::create_dir(base.join("real")).unwrap();
    symlink(&outside, base.join("link")).unwrap();
    symlink(&outside, base.join("real/deep")).unwrap();

    for name in [&b"link/f"[..], b"link/x/", b"link/", b"real/deep/f", b"real/deep/y/z/"] {
        let err = unchanged(tmp.path(), || fsops::create(&base, name).unwrap_err());
        assert!(err.to_string().contains("symlink"), "{name:?}: {err}");
    }
    // The selected directory itself being a symlink is refused too...
    let err = unchanged(tmp.path(), || fsops::create(&base.join("link"), b"f").unwrap_err());
    assert!(err.to_string().contains("symlink"), "{err}");
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);
    // ...unless written with a trailing slash, which asks for the target.
    let mut slashed = base.join("link").into_os_string();
    slashed.push("/");
    fsops::create(Path::new(&slashed), b"via-slash").unwrap();
    assert!(outside.join("via-slash").is_file());
    fs::remove_file(outside.join("via-slash")).unwrap();

    // A regular file in the way is "not a directory".
    fs::write(base.join("file"), b"").unwrap();
    let err = unchanged(tmp.path(), || fsops::create(&base, b"file/x").unwrap_err());
    assert!(err.to_string().contains("not a directory"), "{err}");
}

#[test]
fn create_rejects_bad_names() {
    let tmp = tmp();
    let base = tmp.path();
    let long = vec![b'x'; 256];
    for name in [&b""[..], b".", b"..", b"a\0b", &long, b"/abs", b"a//b", b"a/../b", b"/"] {
        let err = unchanged(base, || fsops::create(base, name).unwrap_err());
        assert_eq!(err.source.kind(), ErrorKind::InvalidInput, "{name:?}: {err}");
    }
}

// ---- hostile names ------------------------------------------------------

#[test]
fn hostile_names_round_trip_exactly_through_create_rename_and_delete() {
    let tmp = tmp();
    let dir = tmp.path();
    for (i, name) in HOSTILE.iter().enumerate() {
        let made = fsops::create(dir, name).unwrap();
        assert_eq!(bytes(&made.path), bytes(&at(dir, name)));
        let next = HOSTILE[(i + 1) % HOSTILE.len()];
        let new_name = [next, b" renamed"].concat();
        let new = fsops::rename(dir, id(&made.path), name, &new_name).unwrap();
        assert_eq!(bytes(&new), bytes(&at(dir, &new_name)));
        let listed: Vec<Vec<u8>> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().as_bytes().to_vec())
            .collect();
        assert!(listed.contains(&new_name), "{listed:?}");
        assert!(!listed.contains(&name.to_vec()), "{listed:?}");
        let report = fsops::remove_permanently(&new, id(&new), &no_cancel(), &quiet).unwrap();
        assert!(report.complete(), "{report:?}");
        assert_eq!(report.removed, 1);
        assert_eq!(fs::read_dir(dir).unwrap().count(), 0);
    }
    // A directory with hostile names inside, moved under a hostile path.
    let top = HOSTILE[0];
    fsops::create(dir, &[top, b"/"].concat()).unwrap();
    for name in HOSTILE {
        fsops::create(&at(dir, top), name).unwrap();
    }
    let new_rel = [HOSTILE[1], b"/", HOSTILE[2]].concat();
    let moved = fsops::rename(dir, id(&at(dir, top)), top, &new_rel).unwrap();
    assert_eq!(bytes(&moved), bytes(&at(dir, &new_rel)));
    let inside: std::collections::BTreeSet<Vec<u8>> = snapshot(&moved).into_keys().collect();
    assert_eq!(inside, HOSTILE.iter().map(|n| n.to_vec()).collect());
    let report = fsops::remove_permanently(&moved, id(&moved), &no_cancel(), &quiet).unwrap();
    assert!(report.complete(), "{report:?}");
    assert_eq!(report.removed, 1 + HOSTILE.len() as u64);
    assert!(!moved.exists());
    assert!(at(dir, HOSTILE[1]).is_dir());
}

// ---- chmod --------------------------------------------------------------

#[test]
fn chmod_changes_files_dirs_and_special_files_through_a_handle() {
    let tmp = tmp();
    let dir = tmp.path();
    let file = dir.join("f");
    fs::write(&file, b"x").unwrap();
    set_perms(&file, 0o644);
    let out = fsops::chmod(&file, id(&file), 0o750).unwrap();
    assert_eq!(
        (out.previous, out.requested, out.actual, out.dropped_bits),
        (0o644, 0o750, 0o750, 0)
    );
    assert_eq!(out.nlink, 1);
    assert_eq!(perms(&file), 0o750);

    // A second name: nlink says so.
    fs::hard_link(&file, dir.join("f2")).unwrap();
    let out = fsops::chmod(&file, id(&file), 0o600).unwrap();
    assert_eq!(out.nlink, 2);
    assert_eq!(perms(&dir.join("f2")), 0o600);

    let sub = dir.join("d");
    fs::create_dir(&sub).unwrap();
    let out = fsops::chmod(&sub, id(&sub), 0o1777).unwrap();
    assert_eq!(out.actual, 0o1777);
    assert_eq!(perms(&sub), 0o1777);

    // A FIFO is never opened for I/O (that would block): changed through an
    // O_PATH handle.
    let fifo = dir.join("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let out = with_timeout(20, "chmod of a fifo", {
        let fifo = fifo.clone();
        move || fsops::chmod(&fifo, id(&fifo), 0o640).unwrap()
    });
    assert_eq!(out.actual, 0o640);
    assert_eq!(perms(&fifo), 0o640);

    // A mode-000 file is still changed (as root it opens anyway; the O_PATH
    // route covers an owner who cannot read it).
    set_perms(&file, 0);
    fsops::chmod(&file, id(&file), 0o644).unwrap();
    assert_eq!(perms(&file), 0o644);

    // Only the 12 permission bits can be asked for.
    let err = fsops::chmod(&file, id(&file), 0o100_644).unwrap_err();
    assert_eq!(err.source.kind(), ErrorKind::InvalidInput);
    assert_eq!(perms(&file), 0o644);
}

#[test]
fn chmod_of_a_symlink_is_refused_and_the_target_untouched() {
    let tmp = tmp();
    let target = tmp.path().join("target");
    fs::write(&target, b"t").unwrap();
    set_perms(&target, 0o600);
    let link = tmp.path().join("link");
    symlink(&target, &link).unwrap();
    let link_dir = tmp.path().join("link-dir");
    fs::create_dir(tmp.path().join("target-dir")).unwrap();
    set_perms(&tmp.path().join("target-dir"), 0o700);
    symlink(tmp.path().join("target-dir"), &link_dir).unwrap();

    for path in [&link, &link_dir] {
        let shown = id(path);
        assert_eq!(shown.kind, FileKind::Symlink);
        let err = unchanged(tmp.path(), || fsops::chmod(path, shown, 0o777).unwrap_err());
        assert_eq!(err.op, Op::Chmod);
        assert_eq!(err.source.kind(), ErrorKind::Unsupported);
        assert!(err.to_string().contains("symbolic link"), "{err}");
        let err = unchanged(tmp.path(), || {
            fsops::chmod_recursive(path, shown, 0o777, 0, Scope::All, &no_cancel(), &quiet)
                .unwrap_err()
        });
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }
    // With a trailing slash the path still names the link, not its target.
    let mut slashed = link_dir.clone().into_os_string();
    slashed.push("/");
    let err = fsops::chmod(Path::new(&slashed), id(&link_dir), 0o777).unwrap_err();
    assert_eq!(err.source.kind(), ErrorKind::Unsupported);
    assert_eq!(perms(&target), 0o600);
    assert_eq!(perms(&tmp.path().join("target-dir")), 0o700);
}

#[test]
fn chmod_refuses_an_entry_replaced_after_it_was_shown() {
    let tmp = tmp();
    let dir = tmp.path();
    let path = dir.join("f");
    let outside = dir.join("outside");
    fs::write(&outside, b"o").unwrap();
    set_perms(&outside, 0o600);

    // Replaced by another file (the first one kept alive under another name,
    // so its inode number cannot come back).
    fs::write(&path, b"first").unwrap();
    let shown = id(&path);
    fs::rename(&path, dir.join("held")).unwrap();
    fs::write(&path, b"second").unwrap();
    set_perms(&path, 0o644);
    let err = unchanged(dir, || fsops::chmod(&path, shown, 0o777).unwrap_err());
    assert_eq!(err.op, Op::Identity);
    assert!(err.to_string().contains("changed since it was shown"), "{err}");

    // Replaced by a symlink to a file outside: the outside file keeps its mode.
    fs::remove_file(&path).unwrap();
    symlink(&outside, &path).unwrap();
    let err = unchanged(dir, || fsops::chmod(&path, shown, 0o777).unwrap_err());
    assert_eq!(err.op, Op::Identity);
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(perms(&outside), 0o600);

    // Gone.
    fs::remove_file(&path).unwrap();
    let err = fsops::chmod(&path, shown, 0o777).unwrap_err();
    assert!(err.to_string().contains("no longer exists"), "{err}");

    // A directory replaced by a file of the same name.
    fs::create_dir(&path).unwrap();
    let shown = id(&path);
    fs::rename(&path, dir.join("held-dir")).unwrap();
    fs::write(&path, b"").unwrap();
    let err = fsops::chmod(&path, shown, 0o777).unwrap_err();
    assert_eq!(err.op, Op::Identity);
    assert!(err.to_string().contains("directory"), "{err}");
}

#[test]
fn chmod_as_root_drops_nothing_for_a_foreign_group() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("note: skipped: needs root to give the file a foreign group");
        return;
    }
    let tmp = tmp();
    let file = tmp.path().join("f");
    fs::write(&file, b"").unwrap();
    std::os::unix::fs::chown(&file, None, Some(54_321)).unwrap();
    let out = fsops::chmod(&file, id(&file), 0o2755).unwrap();
    assert_eq!(out.actual, 0o2755);
    assert_eq!(out.dropped_bits, 0);
}

#[test]
fn chmod_reports_setgid_dropped_for_an_unprivileged_owner() {
    let tmp = public_tmp();
    let Some((uid, _)) = nobody() else { return };
    let file = tmp.path().join("f");
    fs::write(&file, b"").unwrap();
    // Owned by nobody, group root: nobody is not in it, so the kernel drops
    // setgid without an error.
    std::os::unix::fs::chown(&file, Some(uid), Some(0)).unwrap();
    set_perms(&file, 0o644);
    let Some(out) = run_child("setgid", &[("FSOPS_PATH", file.as_os_str())], Some(tmp.path()))
    else {
        return;
    };
    let lines = child_lines(&out, "outcome ");
    assert_eq!(lines, vec!["requested=2755 actual=0755 dropped=2000".to_string()], "{out:?}");
    assert_eq!(perms(&file), 0o755);
}

#[test]
fn an_unprivileged_owner_can_open_up_and_close_down_a_locked_tree() {
    let tmp = public_tmp();
    let Some((uid, gid)) = nobody() else { return };
    let root = tmp.path().join("root");
    fs::create_dir_all(root.join("locked")).unwrap();
    fs::write(root.join("locked/f"), b"f").unwrap();
    for p in ["", "locked", "locked/f"] {
        std::os::unix::fs::chown(root.join(p), Some(uid), Some(gid)).unwrap();
    }
    set_perms(&root.join("locked/f"), 0);
    set_perms(&root.join("locked"), 0);
    set_perms(&root, 0o755);
    let Some(out) = run_child("lock", &[("FSOPS_PATH", root.as_os_str())], Some(tmp.path())) else {
        return;
    };
    // Opening up: the mode-000 directory is changed before it is read, the
    // mode-000 file through an O_PATH handle.
    // Closing down: directories are changed after their contents.
    assert_eq!(
        child_lines(&out, "report "),
        vec!["changed=2 errors=0".to_string(), "changed=3 errors=0".to_string()],
        "{out:?}"
    );
    for p in ["", "locked", "locked/f"] {
        assert_eq!(perms(&root.join(p)), 0o200, "{p}");
    }
    set_perms(&root, 0o755);
    set_perms(&root.join("locked"), 0o755);
}

// ---- recursive chmod ----------------------------------------------------

/// root/{f1 644, d1 755/{f2 600, d2 700/{f3 640}}, link -> outside 600, fifo 644}
fn chmod_tree(tmp: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let root = tmp.join("root");
    let outside = tmp.join("outside");
    fs::write(&outside, b"o").unwrap();
    set_perms(&outside, 0o600);
    fs::create_dir_all(root.join("d1/d2")).unwrap();
    fs::write(root.join("f1"), b"1").unwrap();
    fs::write(root.join("d1/f2"), b"2").unwrap();
    fs::write(root.join("d1/d2/f3"), b"3").unwrap();
    symlink(&outside, root.join("link")).unwrap();
    assert!(
        std::process::Command::new("mkfifo").arg(root.join("fifo")).status().unwrap().success()
    );
    for (p, m) in [
        ("", 0o755),
        ("f1", 0o644),
        ("d1", 0o755),
        ("d1/f2", 0o600),
        ("d1/d2", 0o700),
        ("d1/d2/f3", 0o640),
        ("fifo", 0o644),
    ] {
        set_perms(&root.join(p), m);
    }
    (root, outside)
}

#[test]
fn recursive_chmod_with_scopes_counts_first_and_never_follows_links() {
    with_timeout(60, "recursive chmod", || {
        let tmp = tmp();
        let (root, outside) = chmod_tree(tmp.path());
        let shown = id(&root);

        // The count changes nothing.
        let count = unchanged(tmp.path(), || {
            fsops::count_recursive(&root, shown, 0o001, 0, Scope::FilesOnly, &no_cancel(), &quiet)
                .unwrap()
        });
        assert_eq!(count.will_change, 4, "{count:?}"); // f1 f2 f3 fifo
        assert_eq!(count.tally.out_of_scope, 3); // root d1 d2
        assert_eq!(count.tally.skipped_symlinks, 1);
        assert!(count.tally.errors.is_empty() && !count.tally.cancelled);

        let report =
            fsops::chmod_recursive(&root, shown, 0o001, 0, Scope::FilesOnly, &no_cancel(), &quiet)
                .unwrap();
        assert_eq!(report.changed, 4, "{report:?}");
        assert_eq!(report.tally.skipped_symlinks, 1);
        assert!(report.tally.errors.is_empty() && report.dropped.is_empty());
        let modes = |r: &Path| {
            ["", "f1", "d1", "d1/f2", "d1/d2", "d1/d2/f3", "fifo"].map(|p| perms(&r.join(p)))
        };
        assert_eq!(modes(&root), [0o755, 0o645, 0o755, 0o601, 0o700, 0o641, 0o645]);
        assert_eq!(perms(&outside), 0o600, "the link was followed");

        // Directories only, clearing group and other bits.
        let count =
            fsops::count_recursive(&root, shown, 0, 0o077, Scope::DirsOnly, &no_cancel(), &quiet)
                .unwrap();
        assert_eq!(count.will_change, 2); // root d1 (d2 is already 0700)
        assert_eq!(count.tally.unchanged, 1);
        let report =
            fsops::chmod_recursive(&root, shown, 0, 0o077, Scope::DirsOnly, &no_cancel(), &quiet)
                .unwrap();
        assert_eq!(report.changed, 2, "{report:?}");
        assert_eq!(modes(&root), [0o700, 0o645, 0o700, 0o601, 0o700, 0o641, 0o645]);

        // Everything, taking the owner's read and search bits away: the
        // directories are changed after their contents, so the walk completes.
        let report =
            fsops::chmod_recursive(&root, shown, 0o020, 0o500, Scope::All, &no_cancel(), &quiet)
                .unwrap();
        assert!(report.tally.errors.is_empty(), "{:?}", report.tally.errors);
        assert_eq!(report.changed, 7);
        assert_eq!(modes(&root), [0o220, 0o265, 0o220, 0o221, 0o220, 0o261, 0o265]);
        // And giving them back first thing.
        let report =
            fsops::chmod_recursive(&root, shown, 0o700, 0o020, Scope::All, &no_cancel(), &quiet)
                .unwrap();
        assert!(report.tally.errors.is_empty(), "{:?}", report.tally.errors);
        assert_eq!(modes(&root), [0o700, 0o745, 0o700, 0o701, 0o700, 0o741, 0o745]);
        assert_eq!(perms(&outside), 0o600);

        // A single file as the root works too.
        let f1 = root.join("f1");
        let report =
            fsops::chmod_recursive(&f1, id(&f1), 0, 0o045, Scope::All, &no_cancel(), &quiet)
                .unwrap();
        assert_eq!(report.changed, 1);
        assert_eq!(perms(&f1), 0o700);
    });
}

#[test]
fn recursive_chmod_stops_on_cancel() {
    with_timeout(120, "recursive chmod with cancel", || {
        let tmp = tmp();
        let root = tmp.path().join("root");
        fs::create_dir(&root).unwrap();
        for d in 0..10 {
            let sub = root.join(format!("d{d}"));
            fs::create_dir(&sub).unwrap();
            for f in 0..100 {
                fs::write(sub.join(format!("f{f}")), b"").unwrap();
                set_perms(&sub.join(format!("f{f}")), 0o644);
            }
        }
        let shown = id(&root);

        // Already cancelled: nothing at all changes.
        let cancel = AtomicBool::new(true);
        let report = unchanged(tmp.path(), || {
            fsops::chmod_recursive(&root, shown, 0o111, 0, Scope::All, &cancel, &quiet).unwrap()
        });
        assert!(report.tally.cancelled);
        assert_eq!(report.changed, 0);

        // Cancelled from the progress callback, part-way.
        let cancel = AtomicBool::new(false);
        let calls = AtomicU64::new(0);
        let progress = |n: u64| {
            calls.fetch_add(1, Ordering::Relaxed);
            if n >= 128 {
                cancel.store(true, Ordering::Relaxed);
            }
        };
        let report =
            fsops::chmod_recursive(&root, shown, 0o111, 0, Scope::FilesOnly, &cancel, &progress)
                .unwrap();
        assert!(report.tally.cancelled, "{report:?}");
        assert!(report.changed >= 100 && report.changed < 1000, "{report:?}");
        assert!(calls.load(Ordering::Relaxed) >= 1);
        let changed_on_disk = snapshot(&root)
            .values()
            .filter(|s| matches!(s, Shot::File { mode: 0o755, .. }))
            .count() as u64;
        assert_eq!(changed_on_disk, report.changed);
    });
}

// ---- the child process --------------------------------------------------

/// Does nothing in a normal run. Run again by a test with a task in its
/// environment (and possibly as `nobody`), it performs that task and prints
/// what the parent checks.
#[test]
fn child_process_entry() {
    let Some(task) = std::env::var_os(CHILD_TASK) else { return };
    let path = std::path::PathBuf::from(std::env::var_os("FSOPS_PATH").expect("FSOPS_PATH"));
    match task.as_bytes() {
        b"setgid" => {
            let out = fsops::chmod(&path, id(&path), 0o2755).unwrap();
            println!(
                "outcome requested={:04o} actual={:04o} dropped={:04o}",
                out.requested, out.actual, out.dropped_bits
            );
        }
        b"lock" => {
            for (set, clear) in [(0o700, 0), (0o200, 0o577)] {
                let cancel = no_cancel();
                let report = fsops::chmod_recursive(
                    &path,
                    id(&path),
                    set,
                    clear,
                    Scope::All,
                    &cancel,
                    &quiet,
                )
                .unwrap();
                println!(
                    "\nreport changed={} errors={}",
                    report.changed,
                    report.tally.errors.len()
                );
                for err in &report.tally.errors {
                    println!("\nerror {err}");
                }
            }
        }
        other => panic!("unknown task {:?}", OsStr::from_bytes(other)),
    }
}
