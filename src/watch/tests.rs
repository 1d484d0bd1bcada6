//! The delivery path without inotify: debounced events (or errors) injected
//! into [`Shared::deliver`], results read from the sink.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::sync::mpsc;
use std::time::Instant;

use notify::event::{CreateKind, EventAttributes, Flag, ModifyKind, RemoveKind, RenameMode};
use notify::{Event, EventKind};
use notify_debouncer_full::DebouncedEvent;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use rustix::io::Errno;

use super::deliver::{Shared, WatchedSet, caller_form};
use super::error::{INSTANCE_LIMIT, WATCH_LIMIT};
use super::*;

fn shared(dirs: &[&Path]) -> (Arc<Shared>, mpsc::Receiver<WatchEvent>) {
    let (tx, rx) = mpsc::channel();
    let shared = Arc::new(Shared {
        watched: Mutex::new(dirs.iter().map(|d| (d.to_path_buf(), d.to_path_buf())).collect()),
        sink: Mutex::new(Box::new(move |event| tx.send(event).unwrap())),
        limit_reported: AtomicBool::new(false),
    });
    (shared, rx)
}

fn debounced(kind: EventKind, paths: &[&Path]) -> DebouncedEvent {
    let paths = paths.iter().map(|p| p.to_path_buf()).collect();
    DebouncedEvent::new(Event { kind, paths, attrs: EventAttributes::new() }, Instant::now())
}

fn received(rx: &mpsc::Receiver<WatchEvent>) -> Vec<WatchEvent> {
    rx.try_iter().collect()
}

#[test]
fn an_overflow_event_becomes_a_rescan_of_every_watched_directory() {
    let (a, b) = (Path::new("/nonexistent/a"), Path::new("/nonexistent/b"));
    let (shared, rx) = shared(&[a, b]);
    let overflow =
        DebouncedEvent::new(Event::new(EventKind::Other).set_flag(Flag::Rescan), Instant::now());
    shared.deliver(Ok(vec![overflow]));
    assert_eq!(
        received(&rx),
        [WatchEvent::Rescan { dir: a.into() }, WatchEvent::Rescan { dir: b.into() }]
    );
}

#[test]
fn a_rescanned_directory_gets_no_change_event_in_the_same_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("f"), b"x").unwrap();
    let (shared, rx) = shared(&[dir]);
    let overflow = Event::new(EventKind::Other).set_flag(Flag::Rescan);
    shared.deliver(Ok(vec![
        debounced(EventKind::Create(CreateKind::File), &[&dir.join("f")]),
        DebouncedEvent::new(overflow, Instant::now()),
    ]));
    assert_eq!(received(&rx), [WatchEvent::Rescan { dir: dir.into() }]);
}

#[test]
fn changed_names_carry_their_fresh_lstat_or_none_when_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("file"), b"hello").unwrap();
    fs::set_permissions(dir.join("file"), fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("/nonexistent-target", dir.join("link")).unwrap();
    let (shared, rx) = shared(&[dir]);
    shared.deliver(Ok(vec![
        debounced(EventKind::Create(CreateKind::File), &[&dir.join("file")]),
        debounced(EventKind::Create(CreateKind::File), &[&dir.join("link")]),
        debounced(EventKind::Remove(RemoveKind::File), &[&dir.join("gone")]),
    ]));
    let events = received(&rx);
    let [WatchEvent::Changed { dir: got_dir, entries }] = events.as_slice() else {
        panic!("expected one Changed, got {events:?}");
    };
    assert_eq!(got_dir, dir);
    let names: Vec<_> = entries.iter().map(|(n, _)| n.as_slice()).collect();
    assert_eq!(names, [&b"file"[..], b"gone", b"link"]);
    let file = entries[0].1.expect("file exists");
    assert_eq!(file.mode & 0o170777, 0o100640);
    assert_eq!(file.size, 5);
    assert_eq!(entries[1].1, None);
    // The link itself, not its (missing) target.
    let link = entries[2].1.expect("link exists");
    assert_eq!(link.mode & 0o170000, 0o120000);
}

#[test]
fn names_in_a_directory_that_is_gone_read_as_gone() {
    let (shared, rx) = shared(&[Path::new("/nonexistent/w")]);
    shared.deliver(Ok(vec![debounced(
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
        &[Path::new("/nonexistent/w/a"), Path::new("/nonexistent/w/b")],
    )]));
    assert_eq!(
        received(&rx),
        [WatchEvent::Changed {
            dir: "/nonexistent/w".into(),
            entries: vec![(b"a".to_vec(), None), (b"b".to_vec(), None)],
        }]
    );
}

#[test]
fn a_removed_watched_directory_is_forgotten_and_reported_in_its_parent() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("w");
    let (shared, rx) = shared(&[&dir]);
    shared.deliver(Ok(vec![debounced(EventKind::Remove(RemoveKind::Folder), &[&dir])]));
    assert!(shared.watched().is_empty());
    assert_eq!(
        received(&rx),
        [WatchEvent::Changed { dir: tmp.path().into(), entries: vec![(b"w".to_vec(), None)] }]
    );
}

#[test]
fn a_limit_error_from_notify_is_reported_once() {
    let (shared, rx) = shared(&[Path::new("/w")]);
    let limit = || notify::Error::new(notify::ErrorKind::MaxFilesWatch).add_path("/w/sub".into());
    shared.deliver(Err(vec![limit(), limit()]));
    shared.deliver(Err(vec![limit()]));
    assert_eq!(
        received(&rx),
        [WatchEvent::LimitReached { dir: "/w/sub".into(), reason: WATCH_LIMIT.into() }]
    );
}

#[test]
fn another_error_from_notify_rescans_what_it_names_or_everything() {
    let (shared, rx) = shared(&[Path::new("/nonexistent/a"), Path::new("/nonexistent/b")]);
    let io = |path: Option<&str>| {
        let err = notify::Error::io(io::Error::other("read failed"));
        match path {
            Some(path) => err.add_path(path.into()),
            None => err,
        }
    };
    shared.deliver(Err(vec![io(Some("/nonexistent/b"))]));
    assert_eq!(received(&rx), [WatchEvent::Rescan { dir: "/nonexistent/b".into() }]);
    shared.deliver(Err(vec![io(None)]));
    assert_eq!(
        received(&rx),
        [
            WatchEvent::Rescan { dir: "/nonexistent/a".into() },
            WatchEvent::Rescan { dir: "/nonexistent/b".into() },
        ]
    );
}

#[test]
fn limit_errors_are_recognised_by_kind_and_errno() {
    let path = Path::new("/d");
    let from_errno = |errno: Errno| notify::Error::io(io::Error::from(errno));
    let cases = [
        (notify::Error::new(notify::ErrorKind::MaxFilesWatch), Some(WATCH_LIMIT)),
        (from_errno(Errno::NOSPC), Some(WATCH_LIMIT)),
        (from_errno(Errno::MFILE), Some(INSTANCE_LIMIT)),
        (from_errno(Errno::ACCESS), None),
        (notify::Error::path_not_found(), None),
    ];
    for (err, limit) in cases {
        let err = WatchError::new(WatchOp::Watch, path, err);
        assert_eq!(err.is_limit(), limit.is_some(), "{err}");
        if let Some(reason) = limit {
            assert_eq!(err.reason, reason);
        }
    }
    let denied = WatchError::new(WatchOp::Watch, path, from_errno(Errno::ACCESS));
    assert_eq!(denied.to_string(), "watching directory: /d: Permission denied");
}

#[test]
fn directories_are_named_in_the_form_they_were_watched_under() {
    let watched: WatchedSet = [("/cwd/.", "."), ("/cwd/sub", "sub"), ("/cwd/./d/e", "./d/e")]
        .into_iter()
        .map(|(key, given)| (PathBuf::from(key), PathBuf::from(given)))
        .collect();
    let form = |dir: &str| caller_form(&watched, PathBuf::from(dir));
    assert_eq!(form("/cwd/."), Path::new("."));
    assert_eq!(form("/cwd/sub"), Path::new("sub"));
    assert_eq!(form("/cwd/d/e"), Path::new("./d/e"));
    // The parents of watched directories (events on the directories
    // themselves) in the same form.
    assert_eq!(form("/cwd"), Path::new("."));
    assert_eq!(form("/cwd/d"), Path::new("./d"));
    // `.` has no name in a parent: its parent keeps notify's form.
    assert_eq!(form("/"), Path::new("/"));
}
