//! The watcher against real inotify, in temporary directories: external
//! changes arrive as fresh `lstat`s within the latency target, unwatched and
//! stale watches stay quiet, and the watch limit is reported once.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use statree::scan::EntryStat;
use statree::watch::{WatchEvent, Watcher};

/// The debounce the interface uses.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// The target from a change on disk to its event.
const TARGET: Duration = Duration::from_millis(300);
/// How long a wait may take before the test fails instead of hanging.
const GIVE_UP: Duration = Duration::from_secs(5);

struct Rig {
    watcher: Watcher,
    events: mpsc::Receiver<WatchEvent>,
    /// Every event received so far, for assertions about what never came.
    seen: Vec<WatchEvent>,
}

impl Rig {
    fn new() -> Rig {
        let (tx, events) = mpsc::channel();
        let watcher = Watcher::new(DEBOUNCE, move |event| {
            let _ = tx.send(event);
        })
        .expect("start watcher");
        Rig { watcher, events, seen: Vec::new() }
    }

    /// Receives events until one satisfies `done`; returns the time since
    /// `since`. Fails the test after `GIVE_UP`.
    fn wait(
        &mut self,
        since: Instant,
        what: &str,
        mut done: impl FnMut(&WatchEvent) -> bool,
    ) -> Duration {
        let deadline = Instant::now() + GIVE_UP;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(event) => {
                    let hit = done(&event);
                    self.seen.push(event);
                    if hit {
                        return since.elapsed();
                    }
                }
                Err(_) => panic!("no event for {what} within {GIVE_UP:?}; got {:#?}", self.seen),
            }
        }
    }

    /// Waits for `name` in `dir` to be reported in the state `ok` accepts.
    fn wait_entry(
        &mut self,
        since: Instant,
        dir: &Path,
        name: &[u8],
        mut ok: impl FnMut(Option<&EntryStat>) -> bool,
    ) -> Duration {
        let what = format!("{} in {}", String::from_utf8_lossy(name), dir.display());
        self.wait(since, &what, |event| entry(event, dir, name).is_some_and(&mut ok))
    }
}

/// The state an event gives for `name` in `dir`, if it mentions it.
fn entry<'a>(event: &'a WatchEvent, dir: &Path, name: &[u8]) -> Option<Option<&'a EntryStat>> {
    match event {
        WatchEvent::Changed { dir: d, entries } if d == dir => {
            entries.iter().find(|(n, _)| n == name).map(|(_, stat)| stat.as_ref())
        }
        _ => None,
    }
}

fn exists(stat: Option<&EntryStat>) -> bool {
    stat.is_some()
}

fn gone(stat: Option<&EntryStat>) -> bool {
    stat.is_none()
}

fn perm(stat: &EntryStat) -> u32 {
    stat.mode & 0o7777
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[test]
fn create_chmod_rename_and_delete_arrive_within_the_target() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut rig = Rig::new();
    rig.watcher.watch(dir).unwrap();
    assert!(rig.watcher.is_watched(dir));

    let names: [&[u8]; 3] = [b"one", b"two", b"odd \xff\n\x1b[31m"];
    let path = |name: &[u8]| dir.join(OsStr::from_bytes(name));
    let renamed = |name: &[u8]| [b"renamed-", name].concat();
    let mut latency: [Vec<Duration>; 4] = Default::default();

    for name in names {
        let t0 = Instant::now();
        fs::File::create(path(name)).unwrap();
        latency[0].push(
            rig.wait_entry(t0, dir, name, |s| s.is_some_and(|s| s.mode & 0o170000 == 0o100000)),
        );
    }
    for name in names {
        fs::set_permissions(path(name), fs::Permissions::from_mode(0o644)).unwrap();
        rig.wait_entry(Instant::now(), dir, name, |s| s.is_some_and(|s| perm(s) == 0o644));
        let t0 = Instant::now();
        fs::set_permissions(path(name), fs::Permissions::from_mode(0o600)).unwrap();
        // A chmod changes no mtime: only the metadata event can carry it.
        latency[1].push(rig.wait_entry(t0, dir, name, |s| s.is_some_and(|s| perm(s) == 0o600)));
    }
    for name in names {
        let new = renamed(name);
        let (mut old_gone, mut new_there) = (false, false);
        let t0 = Instant::now();
        fs::rename(path(name), path(&new)).unwrap();
        let took = rig.wait(t0, "both names of a rename", |event| {
            old_gone |= entry(event, dir, name).is_some_and(gone);
            new_there |=
                entry(event, dir, &new).is_some_and(|s| s.is_some_and(|s| perm(s) == 0o600));
            old_gone && new_there
        });
        latency[2].push(took);
    }
    for name in names {
        let new = renamed(name);
        let t0 = Instant::now();
        fs::remove_file(path(&new)).unwrap();
        latency[3].push(rig.wait_entry(t0, dir, &new, gone));
    }

    for (kind, samples) in ["create", "chmod", "rename", "delete"].iter().zip(latency) {
        eprintln!("watch latency {kind}: {samples:?}");
        let median = median(samples);
        assert!(median <= TARGET, "{kind}: median latency {median:?} over {TARGET:?}");
    }
}

#[test]
fn changes_of_the_watched_directory_itself_are_reported_in_its_parent() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("w");
    fs::create_dir(&dir).unwrap();
    let mut rig = Rig::new();
    rig.watcher.watch(&dir).unwrap();

    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    rig.wait_entry(Instant::now(), tmp.path(), b"w", |s| {
        s.is_some_and(|s| s.mode & 0o170777 == 0o040700)
    });

    fs::remove_dir(&dir).unwrap();
    rig.wait_entry(Instant::now(), tmp.path(), b"w", gone);
    assert!(!rig.watcher.is_watched(&dir), "a removed directory is no longer watched");
    assert_eq!(rig.watcher.len(), 0);
}

#[test]
fn an_unwatched_directory_is_not_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let (quiet, loud) = (tmp.path().join("quiet"), tmp.path().join("loud"));
    fs::create_dir(&quiet).unwrap();
    fs::create_dir(&loud).unwrap();
    let mut rig = Rig::new();
    rig.watcher.watch(&quiet).unwrap();
    rig.watcher.watch(&loud).unwrap();
    rig.watcher.unwatch(&quiet);
    rig.watcher.unwatch(&quiet);
    assert!(!rig.watcher.is_watched(&quiet));
    assert_eq!(rig.watcher.len(), 1);

    // The unwatched change happens first; the same debouncer would deliver it
    // no later than the watched one.
    fs::write(quiet.join("unseen"), b"x").unwrap();
    fs::write(loud.join("seen"), b"x").unwrap();
    rig.wait_entry(Instant::now(), &loud, b"seen", exists);
    std::thread::sleep(DEBOUNCE);
    rig.seen.extend(rig.events.try_iter());
    assert!(
        !rig.seen.iter().any(|e| entry(e, &quiet, b"unseen").is_some()),
        "unwatched directory reported: {:#?}",
        rig.seen
    );
}

#[test]
fn watching_is_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.watcher.watch(tmp.path()).unwrap();
    rig.watcher.watch(tmp.path()).unwrap();
    assert_eq!(rig.watcher.len(), 1);
    fs::write(tmp.path().join("f"), b"x").unwrap();
    rig.wait_entry(Instant::now(), tmp.path(), b"f", exists);
    rig.watcher.unwatch(tmp.path());
    assert!(rig.watcher.is_empty());
}

#[test]
fn a_directory_moved_away_and_recreated_is_watched_afresh() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, moved) = (tmp.path().join("d"), tmp.path().join("moved"));
    fs::create_dir(&dir).unwrap();
    let mut rig = Rig::new();
    rig.watcher.watch(&dir).unwrap();

    fs::rename(&dir, &moved).unwrap();
    rig.wait_entry(Instant::now(), tmp.path(), b"d", gone);
    assert!(!rig.watcher.is_watched(&dir));

    fs::create_dir(&dir).unwrap();
    rig.watcher.watch(&dir).unwrap();
    // Inside the moved directory, which notify would still report under the
    // old path if its watch had been kept.
    fs::write(moved.join("stale"), b"x").unwrap();
    fs::write(dir.join("fresh"), b"x").unwrap();
    rig.wait_entry(Instant::now(), &dir, b"fresh", exists);
    std::thread::sleep(DEBOUNCE);
    rig.seen.extend(rig.events.try_iter());
    let stale: Vec<_> = rig.seen.iter().filter(|e| entry(e, &dir, b"stale").is_some()).collect();
    assert!(stale.is_empty(), "events of the moved directory under the old path: {stale:#?}");
}

#[test]
fn the_watch_limit_is_an_error_and_reported_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs: Vec<PathBuf> = (0..3).map(|i| tmp.path().join(i.to_string())).collect();
    for dir in &dirs {
        fs::create_dir(dir).unwrap();
    }
    let (tx, events) = mpsc::channel();
    let mut watcher = Watcher::new(DEBOUNCE, move |event| {
        let _ = tx.send(event);
    })
    .unwrap()
    .with_max_watches(1);
    let mut rig_seen = Vec::new();

    watcher.watch(&dirs[0]).unwrap();
    let err = watcher.watch(&dirs[1]).expect_err("second watch over the limit");
    assert!(err.is_limit(), "{err}");
    assert_eq!(err.path, dirs[1]);
    assert!(!watcher.is_watched(&dirs[1]));
    let first = events.recv_timeout(GIVE_UP).expect("LimitReached");
    let WatchEvent::LimitReached { dir, reason } = &first else { panic!("got {first:?}") };
    assert_eq!(dir, &dirs[1]);
    assert!(reason.contains("max_user_watches"), "{reason}");

    let err = watcher.watch(&dirs[2]).expect_err("third watch over the limit");
    assert!(err.is_limit());
    assert_eq!(watcher.len(), 1);

    // The first watch still works; once its change is through, a second
    // LimitReached would have arrived too.
    fs::write(dirs[0].join("f"), b"x").unwrap();
    let deadline = Instant::now() + GIVE_UP;
    while !rig_seen.iter().any(|e| entry(e, &dirs[0], b"f").is_some()) {
        let left = deadline.saturating_duration_since(Instant::now());
        rig_seen.push(events.recv_timeout(left).expect("change in the watched directory"));
    }
    rig_seen.extend(events.try_iter());
    let again: Vec<_> =
        rig_seen.iter().filter(|e| matches!(e, WatchEvent::LimitReached { .. })).collect();
    assert!(again.is_empty(), "LimitReached sent again: {again:?}");
}

/// `abs` written relative to the current directory (`../../tmp/…`), so a
/// relative path can be watched without changing the process's directory.
fn relative_to_cwd(abs: &Path, prefix: &str) -> PathBuf {
    let cwd = std::env::current_dir().unwrap();
    let mut rel = PathBuf::from(prefix);
    for _ in cwd.components().skip(1) {
        rel.push("..");
    }
    rel.join(abs.strip_prefix("/").unwrap())
}

#[test]
fn a_directory_watched_under_a_relative_path_is_reported_under_that_path() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("w")).unwrap();
    for prefix in ["", "./"] {
        let dir = relative_to_cwd(&tmp.path().join("w"), prefix);
        assert!(dir.is_relative(), "{}", dir.display());
        let mut rig = Rig::new();
        rig.watcher.watch(&dir).unwrap();
        assert!(rig.watcher.is_watched(&dir));
        let name = format!("created{}", prefix.len());
        let t0 = Instant::now();
        fs::File::create(tmp.path().join("w").join(&name)).unwrap();
        rig.wait_entry(t0, &dir, name.as_bytes(), exists);
        let t0 = Instant::now();
        fs::remove_file(tmp.path().join("w").join(&name)).unwrap();
        rig.wait_entry(t0, &dir, name.as_bytes(), gone);
        // A change of the watched directory itself is named in its parent,
        // in the caller's form too.
        let t0 = Instant::now();
        fs::set_permissions(tmp.path().join("w"), fs::Permissions::from_mode(0o750)).unwrap();
        let parent = dir.parent().unwrap().to_path_buf();
        rig.wait_entry(t0, &parent, b"w", |s| s.is_some_and(|s| perm(s) == 0o750));
        rig.watcher.unwatch(&dir);
        assert!(!rig.watcher.is_watched(&dir));
    }
}
