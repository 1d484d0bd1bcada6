//! Permanent removal and the trash, on fixture trees in temp dirs: symlinks
//! inside pointing outside, a racing symlink swap, a tree 3,000 levels deep,
//! mounts inside (tmpfs and bind, when this process may mount), an unreadable
//! subdirectory for an unprivileged user, cancel, and the trash through a
//! child process with its own `XDG_DATA_HOME`.

mod fsops_support;

use std::ffi::OsStr;
use std::fs;
use std::io::ErrorKind;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fsops_support::*;
use rustix::fs::{Mode, OFlags, RenameFlags};
use statree::error::Op;
use statree::fsops;
use statree::model::mask::Scope;
use statree::model::mode::FileKind;

/// `du -s --apparent-size -B1`: what the scan's totals (and the delete
/// dialog) give for a tree, directories included.
fn apparent_size(path: &Path) -> u64 {
    let out = std::process::Command::new("du")
        .args(["-s", "--apparent-size", "-B1"])
        .arg(path)
        .output()
        .expect("run du");
    assert!(out.status.success(), "du: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace().next().and_then(|n| n.parse().ok()).expect("du's number")
}

/// outside/{keep.txt, sub/keep2.txt}
fn outside_tree(base: &Path) -> PathBuf {
    let outside = base.join("outside");
    fs::create_dir_all(outside.join("sub")).unwrap();
    fs::write(outside.join("keep.txt"), b"keep").unwrap();
    fs::write(outside.join("sub/keep2.txt"), b"keep 2").unwrap();
    outside
}

#[test]
fn recursive_delete_removes_links_and_never_what_they_point_to() {
    with_timeout(60, "delete with links out", || {
        let tmp = tmp();
        let outside = outside_tree(tmp.path());
        let before = snapshot(&outside);
        let root = tmp.path().join("root");
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::write(root.join("a/f"), b"12345").unwrap();
        fs::write(root.join("a/b/g"), b"123").unwrap();
        symlink(&outside, root.join("to-dir")).unwrap();
        symlink(outside.join("keep.txt"), root.join("a/to-file")).unwrap();
        let link_len = |p: &str| fs::symlink_metadata(root.join(p)).unwrap().len();
        // Directories count by their own size too, as in the scan's totals.
        let dirs: u64 = ["", "a", "a/b"].iter().map(|d| link_len(d)).sum();
        let expected_bytes = 5 + 3 + link_len("to-dir") + link_len("a/to-file") + dirs;

        let progress_max = AtomicU64::new(0);
        let progress = |n: u64| {
            progress_max.fetch_max(n, Ordering::Relaxed);
        };
        let report = fsops::remove_permanently(&root, id(&root), &no_cancel(), &progress).unwrap();
        assert!(report.complete(), "{report:?}");
        assert!(!root.exists());
        assert_eq!(report.removed, 7, "{report:?}"); // root a b f g to-dir to-file
        assert_eq!(report.bytes, expected_bytes);
        assert_eq!(progress_max.load(Ordering::Relaxed), 6);
        assert_eq!(snapshot(&outside), before);
    });
}

#[test]
fn deleting_a_symlink_removes_only_the_link() {
    let tmp = tmp();
    let outside = outside_tree(tmp.path());
    let before = snapshot(&outside);
    let link = tmp.path().join("link");
    symlink(&outside, &link).unwrap();
    let shown = id(&link);
    assert_eq!(shown.kind, FileKind::Symlink);
    // Even named with a trailing slash, it is the link that goes.
    let mut slashed = link.clone().into_os_string();
    slashed.push("/");
    let report =
        fsops::remove_permanently(Path::new(&slashed), shown, &no_cancel(), &quiet).unwrap();
    assert_eq!(report.removed, 1);
    assert!(fs::symlink_metadata(&link).is_err());
    assert_eq!(snapshot(&outside), before);
}

#[test]
fn delete_refuses_an_entry_replaced_since_it_was_shown() {
    let tmp = tmp();
    let root = tmp.path().join("root");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("f"), b"f").unwrap();
    let shown = id(&root);
    fs::rename(&root, tmp.path().join("moved")).unwrap();
    let outside = outside_tree(tmp.path());
    symlink(&outside, &root).unwrap();
    let before = snapshot(tmp.path());
    let err = fsops::remove_permanently(&root, shown, &no_cancel(), &quiet).unwrap_err();
    assert_eq!(err.op, Op::Identity);
    assert!(err.to_string().contains("changed since it was shown"), "{err}");
    let err = fsops::trash(&root, shown).unwrap_err();
    assert_eq!(err.op, Op::Identity);
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn a_tree_3000_levels_deep_is_counted_and_deleted_without_recursion() {
    // The walk runs on a thread with a 2 MiB stack: recursion per level would
    // not fit, nor would one open handle per level under a 1024 limit.
    with_timeout(300, "deep tree", || {
        let tmp = tmp();
        let root = tmp.path().join("deep");
        fs::create_dir(&root).unwrap();
        deep_tree(&root, 3000, "level");
        let shown = id(&root);
        let apparent = apparent_size(&root);
        let count =
            fsops::count_recursive(&root, shown, 0o002, 0, Scope::All, &no_cancel(), &quiet)
                .unwrap();
        assert!(count.tally.errors.is_empty(), "{:?}", &count.tally.errors[..1]);
        assert_eq!(count.will_change, 3002); // root, 3000 levels, the leaf
        assert_eq!(count.tally.visited, 3001);
        assert_eq!(perms(&root), 0o755, "the count changed nothing");
        let report = fsops::remove_permanently(&root, shown, &no_cancel(), &quiet).unwrap();
        assert!(report.complete(), "{:?}", &report.errors[..report.errors.len().min(3)]);
        assert_eq!(report.removed, 3002);
        // The leaf's 6 bytes and every directory's own size, as du counts.
        assert_eq!(report.bytes, apparent);
        assert!(!root.exists());
    });
}

#[test]
fn mounts_inside_are_reported_and_left_alone() {
    with_timeout(60, "delete around mounts", || {
        let tmp = tmp();
        let root = tmp.path().join("root");
        let mnt = root.join("mnt");
        let bind = root.join("sub/bind");
        let source = tmp.path().join("bind-source");
        fs::create_dir_all(&mnt).unwrap();
        fs::create_dir_all(&bind).unwrap();
        fs::create_dir(&source).unwrap();
        fs::write(source.join("bound.txt"), b"b").unwrap();
        fs::write(root.join("plain"), b"p").unwrap();
        fs::create_dir(root.join("other")).unwrap();
        fs::write(root.join("other/x"), b"x").unwrap();

        let Some(tmpfs) = mount_tmpfs(&mnt) else { return };
        fs::write(mnt.join("on-tmpfs.txt"), b"t").unwrap();
        set_perms(&mnt.join("on-tmpfs.txt"), 0o600);
        let bound = bind_mount(&source, &bind);

        // A mount point itself is refused outright.
        let err = fsops::remove_permanently(&mnt, id(&mnt), &no_cancel(), &quiet).unwrap_err();
        assert_eq!(err.source.kind(), ErrorKind::ResourceBusy, "{err}");

        // Recursive chmod skips them too.
        let report =
            fsops::chmod_recursive(&root, id(&root), 0o001, 0, Scope::All, &no_cancel(), &quiet)
                .unwrap();
        assert!(report.tally.mounts_skipped.contains(&mnt), "{report:?}");
        assert_eq!(perms(&mnt.join("on-tmpfs.txt")), 0o600);

        let report = fsops::remove_permanently(&root, id(&root), &no_cancel(), &quiet).unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert!(!report.complete());
        let mut expected_mounts = vec![mnt.clone()];
        if bound.is_some() {
            expected_mounts.push(bind.clone());
            assert_eq!(fs::read(bind.join("bound.txt")).unwrap(), b"b");
        }
        let mut mounts = report.mounts_skipped.clone();
        mounts.sort();
        expected_mounts.sort();
        assert_eq!(mounts, expected_mounts);
        assert_eq!(fs::read(mnt.join("on-tmpfs.txt")).unwrap(), b"t");
        assert!(!root.join("plain").exists());
        assert!(!root.join("other").exists());
        assert!(root.exists(), "the root holds the mount points");
        drop(bound);
        drop(tmpfs);
        assert_eq!(fs::read(source.join("bound.txt")).unwrap(), b"b");
    });
}

#[test]
fn a_racing_symlink_swap_never_reaches_outside() {
    const PAIRS: usize = 16;
    with_timeout(240, "symlink swap race", || {
        let tmp = tmp();
        let outside = outside_tree(tmp.path());
        let before = snapshot(&outside);
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut rounds = 0;
        let mut swaps_total = 0;
        while rounds < 20 && Instant::now() < deadline {
            rounds += 1;
            let root = tmp.path().join(format!("root{rounds}"));
            // root/xN are directories full of files and subdirectories,
            // root/xN.tmp symlinks to outside. The racer exchanges each pair
            // of names (renameat2 RENAME_EXCHANGE) over and over, and puts a
            // link back whenever one was removed: whenever the removal gets
            // to xN, it is as likely to be the link as the directory.
            for n in 0..PAIRS {
                let sub = root.join(format!("x{n}/d"));
                fs::create_dir_all(&sub).unwrap();
                for f in 0..10 {
                    fs::write(sub.join(format!("f{f}")), b"victim").unwrap();
                }
                symlink(&outside, sub.join("inner-link")).unwrap();
                symlink(&outside, root.join(format!("x{n}.tmp"))).unwrap();
            }
            let shown = id(&root);
            let stop = Arc::new(AtomicBool::new(false));
            let swaps = Arc::new(AtomicU64::new(0));
            let racer = {
                let (stop, swaps, root, outside) =
                    (stop.clone(), swaps.clone(), root.clone(), outside.clone());
                std::thread::spawn(move || {
                    let Ok(dir) = rustix::fs::open(
                        &root,
                        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                        Mode::empty(),
                    ) else {
                        return;
                    };
                    let dir = dir.as_fd();
                    let names: Vec<(String, String)> =
                        (0..PAIRS).map(|n| (format!("x{n}"), format!("x{n}.tmp"))).collect();
                    while !stop.load(Ordering::Relaxed) {
                        for (a, b) in &names {
                            match rustix::fs::renameat_with(dir, a, dir, b, RenameFlags::EXCHANGE) {
                                Ok(()) => {
                                    swaps.fetch_add(1, Ordering::Relaxed);
                                }
                                Err(_) => {
                                    let _ = rustix::fs::symlinkat(&outside, dir, a.as_str());
                                    let _ = rustix::fs::symlinkat(&outside, dir, b.as_str());
                                }
                            }
                        }
                    }
                })
            };
            // Let the racer get going before the removal starts.
            while swaps.load(Ordering::Relaxed) < 100 {
                std::thread::yield_now();
            }
            let report = fsops::remove_permanently(&root, shown, &no_cancel(), &quiet).unwrap();
            stop.store(true, Ordering::Relaxed);
            racer.join().unwrap();
            swaps_total += swaps.load(Ordering::Relaxed);
            // Errors are expected (the racer keeps adding links); the outside
            // tree must not have lost a byte.
            assert_eq!(snapshot(&outside), before, "round {rounds}: {report:?}");
            for err in &report.errors {
                assert!(!err.path.starts_with(&outside), "{err}");
            }
            let _ = fs::remove_dir_all(&root);
            assert_eq!(snapshot(&outside), before);
        }
        eprintln!("{rounds} rounds, {swaps_total} swaps");
        assert!(swaps_total > 0);
    });
}

#[test]
fn delete_stops_on_cancel_and_keeps_the_rest() {
    with_timeout(120, "delete with cancel", || {
        let tmp = tmp();
        let root = tmp.path().join("root");
        for d in 0..10 {
            let sub = root.join(format!("d{d}"));
            fs::create_dir_all(&sub).unwrap();
            for f in 0..100 {
                fs::write(sub.join(format!("f{f}")), b"").unwrap();
            }
        }
        let shown = id(&root);
        let cancel = AtomicBool::new(true);
        let before = snapshot(&root);
        let report = fsops::remove_permanently(&root, shown, &cancel, &quiet).unwrap();
        assert!(report.cancelled && report.removed == 0);
        assert_eq!(snapshot(&root), before);

        let cancel = AtomicBool::new(false);
        let progress = |n: u64| {
            if n >= 256 {
                cancel.store(true, Ordering::Relaxed);
            }
        };
        let report = fsops::remove_permanently(&root, shown, &cancel, &progress).unwrap();
        assert!(report.cancelled, "{report:?}");
        assert!(report.removed >= 200 && report.removed < 1000, "{report:?}");
        let left = snapshot(&root).values().filter(|s| matches!(s, Shot::File { .. })).count();
        assert_eq!(left as u64 + report.removed - removed_dirs(&before, &root), 1000);
        assert!(root.exists());
    });
}

/// How many of the directories in `before` are gone now.
fn removed_dirs(before: &std::collections::BTreeMap<Vec<u8>, Shot>, root: &Path) -> u64 {
    before
        .iter()
        .filter(|(rel, shot)| matches!(shot, Shot::Dir { .. }) && !at(root, rel).exists())
        .count() as u64
}

#[test]
fn an_unreadable_subdirectory_is_reported_and_the_rest_removed() {
    let tmp = public_tmp();
    let Some((uid, gid)) = nobody() else { return };
    let root = closed_corner_tree(tmp.path(), uid, gid);
    let Some(out) = run_child("remove", &[("FSOPS_PATH", root.as_os_str())], Some(tmp.path()))
    else {
        return;
    };
    let lines = child_lines(&out, "report ");
    assert_eq!(lines.len(), 1, "{out:?}");
    assert!(lines[0].starts_with("removed=4 complete=false"), "{}", lines[0]);
    let errors = child_lines(&out, "error ");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("closed") && errors[0].contains("Permission denied"), "{errors:?}");
    assert!(!root.join("open").exists() && !root.join("top").exists());
    assert_eq!(fs::read(root.join("closed/secret")).unwrap(), b"s");
}

#[test]
fn trash_moves_the_entry_into_the_trash_directory() {
    let tmp = tmp();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    let victim = tmp.path().join(OsStr::from_bytes(b"to trash \xff"));
    fs::write(&victim, b"trash me").unwrap();
    let Some(_) = run_child(
        "trash",
        &[("FSOPS_PATH", victim.as_os_str()), ("XDG_DATA_HOME", data.as_os_str())],
        None,
    ) else {
        return;
    };
    assert!(fs::symlink_metadata(&victim).is_err(), "still in place");
    let trashed = data.join("Trash/files").join(victim.file_name().unwrap());
    assert_eq!(fs::read(&trashed).unwrap(), b"trash me");
    let mut info_name = victim.file_name().unwrap().to_os_string();
    info_name.push(".trashinfo");
    let info = fs::read_to_string(data.join("Trash/info").join(info_name)).unwrap();
    assert!(info.contains("[Trash Info]"), "{info}");
    assert!(info.contains("Path="), "{info}");
    assert!(info.contains("DeletionDate="), "{info}");
}

/// Does nothing in a normal run. Run again by a test with a task in its
/// environment (and possibly as `nobody`), it performs that task and prints
/// what the parent checks.
#[test]
fn child_process_entry() {
    let Some(task) = std::env::var_os(CHILD_TASK) else { return };
    let path = PathBuf::from(std::env::var_os("FSOPS_PATH").expect("FSOPS_PATH"));
    match task.as_bytes() {
        b"remove" => {
            let report = fsops::remove_permanently(&path, id(&path), &no_cancel(), &quiet).unwrap();
            println!("\nreport removed={} complete={}", report.removed, report.complete());
            for err in &report.errors {
                println!("\nerror {err}");
            }
        }
        b"trash" => {
            fsops::trash(&path, id(&path)).unwrap();
            println!("\ntrashed");
        }
        other => panic!("unknown task {:?}", OsStr::from_bytes(other)),
    }
}
