//! The exact copier (`fsops::paste` in copy mode) against `cp -a` of the same
//! fixture, entry by entry: a sparse 1 GiB file, symlinks (relative,
//! absolute, dangling), a hard link pair, setuid/setgid/sticky modes, a FIFO,
//! hostile names, nanosecond times, an owner and an extended attribute. Then
//! the refusals (into itself, a source replaced since the yank), each
//! collision choice, and a cancel in the middle of a 1 GiB file.

mod fsops_support;

use std::collections::BTreeMap;
use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use fsops_support::*;
use rustix::fs::{FileType, Mode, Timespec, Timestamps};
use statree::fsops::{self, Collision, Meter, PasteItem, PasteMode};

const GIB: u64 = 1 << 30;

fn item(path: &Path, on_collision: Option<Collision>) -> PasteItem {
    PasteItem { source: path.to_path_buf(), identity: id(path), parents: Vec::new(), on_collision }
}

fn copy(sources: &[&Path], dest: &Path, on: Option<Collision>) -> fsops::PasteReport {
    let items: Vec<_> = sources.iter().map(|p| item(p, on)).collect();
    fsops::paste(&items, dest, PasteMode::Copy, &no_cancel(), &Meter::default()).unwrap()
}

/// Sets the times with nanoseconds. The access time is an hour ago and
/// after the modification time, so reading the file (`cp -a` reads it
/// first) does not move it under `relatime`.
fn set_times(path: &Path, nsec: i64) {
    let hour_ago =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
            as i64
            - 3600;
    let t = Timespec { tv_sec: hour_ago, tv_nsec: nsec };
    let times =
        Timestamps { last_access: t, last_modification: Timespec { tv_sec: 1_500_000_000, ..t } };
    rustix::fs::utimensat(rustix::fs::CWD, path, &times, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
        .unwrap();
}

/// The fixture; returns the directory to copy.
fn fixture(base: &Path) -> PathBuf {
    let src = base.join("src");
    fs::create_dir_all(src.join("sub/deeper")).unwrap();
    // A sparse 1 GiB file with three small data ranges.
    let mut sparse = fs::File::create(src.join("sparse.img")).unwrap();
    sparse.set_len(GIB).unwrap();
    for at in [0, GIB / 2, GIB - 4096] {
        sparse.seek(SeekFrom::Start(at)).unwrap();
        sparse.write_all(&[0xab; 4096]).unwrap();
    }
    drop(sparse);
    fs::write(src.join("sub/file.txt"), b"hello\n").unwrap();
    symlink("sub/file.txt", src.join("rel-link")).unwrap();
    symlink("/etc/hostname", src.join("abs-link")).unwrap();
    symlink("does/not/exist", src.join("dangling")).unwrap();
    fs::write(src.join("linked-a"), b"two names").unwrap();
    fs::hard_link(src.join("linked-a"), src.join("sub/linked-b")).unwrap();
    fs::write(src.join("setuid"), b"#!/bin/sh\n").unwrap();
    set_perms(&src.join("setuid"), 0o4755);
    fs::write(src.join("setgid"), b"x").unwrap();
    set_perms(&src.join("setgid"), 0o2750);
    set_perms(&src.join("sub/deeper"), 0o3777);
    rustix::fs::mknodat(
        rustix::fs::CWD,
        src.join("fifo"),
        FileType::Fifo,
        Mode::from_raw_mode(0o640),
        0,
    )
    .unwrap();
    // A device node (like /dev/null), where this process may make one.
    if let Err(e) = rustix::fs::mknodat(
        rustix::fs::CWD,
        src.join("null-dev"),
        FileType::CharacterDevice,
        Mode::from_raw_mode(0o620),
        rustix::fs::makedev(1, 3),
    ) {
        eprintln!("note: no device node in this run: mknod: {e}");
    }
    for name in [&b"\x1b[31mred"[..], b"new\nline", b"\xff\xfe bytes", b"-dash", b" space "] {
        fs::write(at(&src, name), name).unwrap();
    }
    fs::write(src.join("owned"), b"o").unwrap();
    std::os::unix::fs::lchown(src.join("owned"), Some(1234), Some(5678)).unwrap();
    rustix::fs::setxattr(src.join("owned"), "user.note", b"kept", rustix::fs::XattrFlags::empty())
        .unwrap();
    // Times last, deepest first, with nanoseconds.
    let mut all: Vec<PathBuf> = walk(&src).into_keys().map(|rel| src.join(rel)).collect();
    all.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    for (n, path) in all.iter().enumerate() {
        set_times(path, 100_000_007 + n as i64);
    }
    src
}

/// Every entry below `root` by relative path, with its `lstat`.
fn walk(root: &Path) -> BTreeMap<PathBuf, fs::Metadata> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path.clone());
            }
            out.insert(path.strip_prefix(root).unwrap().to_path_buf(), meta);
        }
    }
    out
}

fn xattrs(path: &Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut list = vec![0u8; 4096];
    let n = rustix::fs::llistxattr(path, &mut list).unwrap_or(0);
    let mut out = Vec::new();
    for name in list[..n].split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = std::ffi::CString::new(name).unwrap();
        let mut value = vec![0u8; 4096];
        let len = rustix::fs::lgetxattr(path, &name, &mut value).unwrap();
        out.push((name.into_bytes(), value[..len].to_vec()));
    }
    out
}

/// The copy matches `cp -a` entry by entry: type, mode, owner, size,
/// access and modification times to the nanosecond, device numbers, link
/// counts, symlink targets, contents and extended attributes; the sparse
/// file's allocated blocks are within 10 % of the source's.
#[test]
fn copy_matches_cp_a_entry_by_entry() {
    let tmp = tmp();
    let src = fixture(tmp.path());
    let ours = tmp.path().join("ours");
    let theirs = tmp.path().join("theirs");
    fs::create_dir(&ours).unwrap();
    fs::create_dir(&theirs).unwrap();
    // Ours first: it reads with O_NOATIME, so `cp -a` sees the same times.
    let report = copy(&[&src], &ours, None);
    let status = Command::new("cp").arg("-a").arg(&src).arg(&theirs).status().unwrap();
    assert!(status.success());
    assert!(report.errors.is_empty(), "errors: {:?}", report.errors);
    assert!(report.dropped_xattrs.is_empty(), "dropped: {:?}", report.dropped_xattrs);
    assert_eq!(report.placed.len(), 1);
    assert_eq!(report.placed[0].to, ours.join("src"));
    assert_eq!(report.placed[0].identity, id(&ours.join("src")));

    let (a, b) = (walk(&ours.join("src")), walk(&theirs.join("src")));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert!(a.len() >= 17, "the fixture has every kind: {}", a.len());
    for (rel, m) in &a {
        let c = &b[rel];
        let what = rel.display();
        assert_eq!(m.mode(), c.mode(), "mode of {what}");
        assert_eq!((m.uid(), m.gid()), (c.uid(), c.gid()), "owner of {what}");
        assert_eq!(m.size(), c.size(), "size of {what}");
        assert_eq!((m.mtime(), m.mtime_nsec()), (c.mtime(), c.mtime_nsec()), "mtime of {what}");
        // Reading a symlink moves its access time (no O_NOATIME for
        // readlink): the one copy that reads second sees the first's read.
        if !m.file_type().is_symlink() {
            assert_eq!((m.atime(), m.atime_nsec()), (c.atime(), c.atime_nsec()), "atime of {what}");
        }
        assert_eq!(m.rdev(), c.rdev(), "rdev of {what}");
        assert_eq!(m.nlink(), c.nlink(), "links of {what}");
        let (pa, pc) = (ours.join("src").join(rel), theirs.join("src").join(rel));
        if m.file_type().is_symlink() {
            assert_eq!(fs::read_link(&pa).unwrap(), fs::read_link(&pc).unwrap(), "{what}");
        } else if m.is_file() {
            let same = Command::new("cmp").arg("-s").arg(&pa).arg(&pc).status().unwrap();
            assert!(same.success(), "contents of {what}");
        }
        assert_eq!(xattrs(&pa), xattrs(&pc), "xattrs of {what}");
    }
    let mode = |p: &str| a[Path::new(p)].mode() & 0o7777;
    assert_eq!(mode("setuid"), 0o4755);
    assert_eq!(mode("setgid"), 0o2750);
    assert_eq!(mode("sub/deeper"), 0o3777);
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&a[Path::new("fifo")].file_type()));
    assert_eq!(a[Path::new("owned")].uid(), 1234);
    assert_eq!(xattrs(&ours.join("src/owned")), vec![(b"user.note".to_vec(), b"kept".to_vec())]);
    // The hard link pair is one inode in the copy too.
    assert_eq!(a[Path::new("linked-a")].ino(), a[Path::new("sub/linked-b")].ino());
    // Sparse stays sparse.
    let (ours_blocks, src_blocks) = (
        a[Path::new("sparse.img")].blocks(),
        fs::metadata(src.join("sparse.img")).unwrap().blocks(),
    );
    assert!(
        ours_blocks.abs_diff(src_blocks) * 10 <= src_blocks.max(8),
        "allocated blocks: copy {ours_blocks}, source {src_blocks}"
    );
    // Nothing hidden was left behind.
    assert_eq!(fs::read_dir(&ours).unwrap().count(), 1);
}

/// A directory pasted into itself or below itself is refused, and nothing
/// is created.
#[test]
fn paste_into_itself_is_refused() {
    let tmp = tmp();
    let dir = tmp.path().join("dir");
    fs::create_dir_all(dir.join("below")).unwrap();
    for into in [dir.clone(), dir.join("below")] {
        let report = copy(&[&dir], &into, None);
        assert!(report.placed.is_empty());
        assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
        assert!(report.errors[0].to_string().contains("into itself"), "{}", report.errors[0]);
    }
    assert_eq!(walk(&dir).len(), 1, "only `below`, as before");
}

/// An entry replaced since it was yanked is refused at paste time.
#[test]
fn replaced_source_is_refused() {
    let tmp = tmp();
    let file = tmp.path().join("f");
    fs::write(&file, b"one").unwrap();
    let yanked = item(&file, None);
    fs::remove_file(&file).unwrap();
    symlink("/etc/passwd", &file).unwrap();
    let dest = tmp.path().join("dest");
    fs::create_dir(&dest).unwrap();
    let report =
        fsops::paste(&[yanked], &dest, PasteMode::Copy, &no_cancel(), &Meter::default()).unwrap();
    assert!(report.placed.is_empty());
    assert!(report.errors[0].to_string().contains("changed since"), "{}", report.errors[0]);
    assert_eq!(fs::read_dir(&dest).unwrap().count(), 0);
}

/// Skip, keep both, overwrite (a file, and a file over a directory) and
/// merge, each as chosen.
#[test]
fn each_collision_choice() {
    let tmp = tmp();
    let src = tmp.path().join("src");
    let dest = tmp.path().join("dest");
    fs::create_dir_all(src.join("d/inner")).unwrap();
    fs::create_dir_all(dest.join("d")).unwrap();
    fs::write(src.join("f"), b"new").unwrap();
    fs::write(src.join("d/a"), b"new a").unwrap();
    fs::write(src.join("d/inner/b"), b"b").unwrap();
    fs::write(dest.join("f"), b"old").unwrap();
    fs::write(dest.join("d/a"), b"old a").unwrap();
    fs::write(dest.join("d/mine"), b"mine").unwrap();

    let report = copy(&[&src.join("f")], &dest, Some(Collision::Skip));
    assert_eq!(report.skipped, vec![dest.join("f")]);
    assert_eq!(fs::read(dest.join("f")).unwrap(), b"old");
    // Nobody asked: a collision is skipped, never replaced.
    let report = copy(&[&src.join("f")], &dest, None);
    assert_eq!(report.skipped, vec![dest.join("f")]);

    let report = copy(&[&src.join("f")], &dest, Some(Collision::KeepBoth));
    assert_eq!(report.placed[0].to, dest.join("f (1)"));
    assert_eq!(fs::read(dest.join("f (1)")).unwrap(), b"new");
    copy(&[&src.join("f")], &dest, Some(Collision::KeepBoth));
    assert_eq!(fs::read(dest.join("f (2)")).unwrap(), b"new");

    let report = copy(&[&src.join("f")], &dest, Some(Collision::Overwrite));
    assert_eq!(report.overwritten, vec![dest.join("f")]);
    assert_eq!(fs::read(dest.join("f")).unwrap(), b"new");

    let report = copy(&[&src.join("d")], &dest, Some(Collision::Merge));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(fs::read(dest.join("d/a")).unwrap(), b"old a", "a file collision in a merge skips");
    assert_eq!(report.skipped, vec![dest.join("d/a")]);
    assert_eq!(fs::read(dest.join("d/mine")).unwrap(), b"mine");
    assert_eq!(fs::read(dest.join("d/inner/b")).unwrap(), b"b");

    // A directory overwritten by a file: the directory goes.
    fs::create_dir_all(dest.join("x/y")).unwrap();
    fs::write(src.join("x"), b"file x").unwrap();
    copy(&[&src.join("x")], &dest, Some(Collision::Overwrite));
    assert_eq!(fs::read(dest.join("x")).unwrap(), b"file x");
    // Merge is only for a directory onto a directory.
    let report = copy(&[&src.join("f")], &dest, Some(Collision::Merge));
    assert!(report.errors[0].to_string().contains("merged"), "{}", report.errors[0]);
    assert!(
        fs::read_dir(&dest)
            .unwrap()
            .all(|e| { !e.unwrap().file_name().to_string_lossy().starts_with(".statree-paste") })
    );
}

/// A cancel in the middle of a 1 GiB file leaves no partial file, and the
/// copy stops soon after the flag is set.
#[test]
fn cancel_mid_file_leaves_nothing() {
    let tmp = tmp();
    let src = tmp.path().join("big");
    let mut f = fs::File::create(&src).unwrap();
    let chunk = vec![0x5a; 8 << 20];
    for _ in 0..(GIB / chunk.len() as u64) {
        f.write_all(&chunk).unwrap();
    }
    drop(f);
    let dest = tmp.path().join("dest");
    fs::create_dir(&dest).unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let meter = Arc::new(Meter::default());
    let (c, m) = (cancel.clone(), meter.clone());
    let canceller = std::thread::spawn(move || {
        // Wait until some data was written, then cancel.
        while m.read().1 == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        c.store(true, Ordering::Relaxed);
    });
    let items = [item(&src, None)];
    let report = with_timeout(60, "cancelled copy", move || {
        fsops::paste(&items, &dest, PasteMode::Copy, &cancel, &meter).unwrap()
    });
    canceller.join().unwrap();
    assert!(report.cancelled);
    assert!(report.placed.is_empty());
    assert!(report.bytes < GIB, "stopped before the end: {}", report.bytes);
    assert_eq!(fs::read_dir(tmp.path().join("dest")).unwrap().count(), 0, "no partial file");
    assert_eq!(fs::metadata(&src).unwrap().len(), GIB, "the source is untouched");
}

/// The inode of `path` (not following a final symlink).
fn ino(path: &Path) -> u64 {
    fs::symlink_metadata(path).unwrap().ino()
}

/// Hard links between the items of one paste stay linked, like
/// `cp -a a/f b/g dest/`: two top-level files from different directories,
/// a file in one directory item and one in another, and a file deep in a
/// directory item with a top-level file pasted after it.
#[test]
fn hard_links_across_pasted_items_stay_linked() {
    let tmp = tmp();
    let src = tmp.path().join("src");
    for dir in ["a", "b", "d1", "d2", "d3/deep"] {
        fs::create_dir_all(src.join(dir)).unwrap();
    }
    let pairs = [("a/f", "b/g"), ("t1", "t2"), ("d1/in1", "d2/in2"), ("d3/deep/x", "solo")];
    for (first, second) in pairs {
        fs::write(src.join(first), first.as_bytes()).unwrap();
        fs::hard_link(src.join(first), src.join(second)).unwrap();
    }
    let dest = tmp.path().join("dest");
    fs::create_dir(&dest).unwrap();
    let items = ["a/f", "b/g", "t1", "t2", "d1", "d2", "d3", "solo"].map(|p| src.join(p));
    let report = copy(&items.iter().map(PathBuf::as_path).collect::<Vec<_>>(), &dest, None);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let copied = [("f", "g"), ("t1", "t2"), ("d1/in1", "d2/in2"), ("d3/deep/x", "solo")];
    for ((first, second), (source, _)) in copied.into_iter().zip(pairs) {
        let (one, two) = (dest.join(first), dest.join(second));
        assert_eq!(ino(&one), ino(&two), "{first} and {second} are one file in the copy");
        assert_ne!(ino(&one), ino(&src.join(source)), "a copy, not a link to the source");
        assert_eq!(fs::symlink_metadata(&one).unwrap().nlink(), 2);
        assert_eq!(fs::read(&two).unwrap(), source.as_bytes());
    }
}

/// In a merge into an existing directory, a link is found where its first
/// copy is, whatever directory the later name is placed in: never in the
/// directory being merged into, nor in the top of the paste, where a decoy
/// of the same name waits.
#[test]
fn hard_links_stay_linked_through_a_merge() {
    let tmp = tmp();
    let src = tmp.path().join("src");
    fs::create_dir_all(src.join("m/p")).unwrap();
    fs::create_dir_all(src.join("m/q")).unwrap();
    fs::write(src.join("m/p/f1"), b"first").unwrap();
    fs::hard_link(src.join("m/p/f1"), src.join("m/q/f2")).unwrap();
    fs::hard_link(src.join("m/p/f1"), src.join("m/f3")).unwrap();
    fs::hard_link(src.join("m/p/f1"), src.join("other")).unwrap();
    let dest = tmp.path().join("dest");
    fs::create_dir_all(dest.join("m/p")).unwrap();
    for decoy in ["f1", "m/f1", "m/p/f2", "p/f1"] {
        fs::create_dir_all(dest.join(decoy).parent().unwrap()).unwrap();
        fs::write(dest.join(decoy), b"decoy").unwrap();
    }
    let items = [item(&src.join("m"), Some(Collision::Merge)), item(&src.join("other"), None)];
    let report =
        fsops::paste(&items, &dest, PasteMode::Copy, &no_cancel(), &Meter::default()).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let first = ino(&dest.join("m/p/f1"));
    for name in ["m/q/f2", "m/f3", "other"] {
        assert_eq!(ino(&dest.join(name)), first, "{name} is linked to m/p/f1");
        assert_eq!(fs::read(dest.join(name)).unwrap(), b"first");
    }
    for decoy in ["f1", "m/f1", "m/p/f2", "p/f1"] {
        assert_eq!(fs::read(dest.join(decoy)).unwrap(), b"decoy");
        assert_eq!(fs::metadata(dest.join(decoy)).unwrap().nlink(), 1, "{decoy}: not linked");
    }
}

/// The length comes after the data: a hole at the end, a file that is all
/// hole and an empty file keep their length, and the holes stay holes.
#[test]
fn trailing_holes_keep_the_length() {
    let tmp = tmp();
    let src = tmp.path().join("src");
    fs::create_dir(&src).unwrap();
    let mut tail = fs::File::create(src.join("tail-hole")).unwrap();
    tail.write_all(&[0x11; 4096]).unwrap();
    tail.set_len(64 << 20).unwrap();
    fs::File::create(src.join("all-hole")).unwrap().set_len(GIB).unwrap();
    fs::File::create(src.join("empty")).unwrap();
    let dest = tmp.path().join("dest");
    fs::create_dir(&dest).unwrap();
    let report = copy(&[&src], &dest, None);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    for (name, len) in [("tail-hole", 64 << 20), ("all-hole", GIB), ("empty", 0)] {
        let copied = fs::metadata(dest.join("src").join(name)).unwrap();
        assert_eq!(copied.len(), len, "{name}");
        assert!(copied.blocks() * 512 <= 1 << 20, "{name} stays sparse: {}", copied.blocks());
    }
    let head = fs::read(dest.join("src/tail-hole")).unwrap();
    assert!(head[..4096].iter().all(|&b| b == 0x11) && head[4096..].iter().all(|&b| b == 0));
}
