//! Live updates: non-recursive inotify watches (through notify and its full
//! debouncer) on the directories the user has open, turned into fresh `lstat`
//! records of the names that changed.
//!
//! A [`WatchEvent::Changed`] never says *what* happened (created, written,
//! renamed); it gives each touched name's state as it is now, read after the
//! debounce. Applying it is therefore idempotent, and a spurious or repeated
//! event can only confirm what is on disk.
//!
//! # Implementation
//!
//! notify's inotify thread feeds the debouncer; the debouncer's own thread
//! wakes every tick and hands over the events older than the debounce time.
//! On that thread the batch is mapped onto the watched set (`plan`, pure),
//! each touched directory is opened once and its names are `fstatat`-ed
//! relative to it without following links, and the results go to the sink.
//! The watched set is shared with that thread behind a mutex held only for the
//! mapping, never across I/O or the sink. The sink runs on the debouncer's
//! thread — or, for the one [`WatchEvent::LimitReached`], on a short-lived
//! thread of its own — and never on the thread that calls [`Watcher::watch`],
//! so a sink that blocks on a bounded channel drained by that thread cannot
//! deadlock it.

mod plan;
pub mod relist;

use std::collections::HashMap;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache};
use rustix::io::Errno;

use crate::scan::EntryStat;
use crate::scan::stat::{open_dir, stat_at};

use plan::{Plan, plan};

/// What the watcher reports. Directories are named by the path they were
/// watched under (relative paths stay relative, resolved against the current
/// directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchEvent {
    /// Entries of the watched directory `dir` changed: each name with its
    /// fresh lstat, or None when it is gone.
    Changed { dir: PathBuf, entries: Vec<(Vec<u8>, Option<EntryStat>)> },
    /// Events for `dir` were lost (queue overflow / notify's need_rescan):
    /// re-read the directory.
    Rescan { dir: PathBuf },
    /// A watch could not be added because the system's inotify limit is
    /// exhausted (ENOSPC / EMFILE, notify's MaxFilesWatch): the UI says so once
    /// and keeps working with manual refresh. Sent at most once per watcher.
    LimitReached { dir: PathBuf, reason: String },
}

/// What the watcher was doing when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchOp {
    /// Starting inotify and the debouncer.
    Start,
    /// Adding a watch on a directory.
    Watch,
}

impl WatchOp {
    /// Human wording used in messages.
    pub fn describe(self) -> &'static str {
        match self {
            WatchOp::Start => "starting the file watcher",
            WatchOp::Watch => "watching directory",
        }
    }
}

/// A watcher failure, with the operation and the path (empty for
/// [`WatchOp::Start`]).
#[derive(Debug, thiserror::Error)]
#[error("{}: {}: {reason}", op.describe(), crate::sanitize::path(path))]
pub struct WatchError {
    /// What was being done.
    pub op: WatchOp,
    /// Where.
    pub path: PathBuf,
    /// Why, worded for people.
    pub reason: String,
    limit: bool,
    #[source]
    source: notify::Error,
}

impl WatchError {
    fn new(op: WatchOp, path: &Path, source: notify::Error) -> Self {
        let limit = limit_reason(&source);
        let reason = limit.map_or_else(|| describe(&source), str::to_owned);
        WatchError { op, path: path.to_path_buf(), reason, limit: limit.is_some(), source }
    }

    /// True when a system inotify limit (watches or instances) was hit: the
    /// watcher still works for the directories already watched.
    pub fn is_limit(&self) -> bool {
        self.limit
    }
}

/// The wording of a limit error, `None` when `err` is not one.
fn limit_reason(err: &notify::Error) -> Option<&'static str> {
    match &err.kind {
        notify::ErrorKind::MaxFilesWatch => Some(WATCH_LIMIT),
        notify::ErrorKind::Io(io) => match io.raw_os_error().map(Errno::from_raw_os_error) {
            Some(Errno::NOSPC) => Some(WATCH_LIMIT),
            Some(Errno::MFILE) => Some(INSTANCE_LIMIT),
            _ => None,
        },
        _ => None,
    }
}

const WATCH_LIMIT: &str = "inotify watch limit reached (sysctl fs.inotify.max_user_watches)";
const INSTANCE_LIMIT: &str =
    "inotify instance limit reached (sysctl fs.inotify.max_user_instances)";

fn describe(err: &notify::Error) -> String {
    match &err.kind {
        notify::ErrorKind::Io(io) => crate::error::os_reason(io),
        _ => err.to_string(),
    }
}

type Sink = Box<dyn Fn(WatchEvent) + Send>;

/// The watched directories: the path notify reports events under (the
/// current directory joined to a relative one, as notify does when it adds
/// the watch) → the path the caller gave. Events are matched in notify's form
/// and reported in the caller's, so a relative root matches its tree.
type WatchedSet = HashMap<PathBuf, PathBuf>;

/// The form in which notify reports events under `dir`: it joins a relative
/// path to the current directory when it adds the watch (and never
/// canonicalizes it).
fn notify_form(dir: &Path) -> PathBuf {
    if dir.is_absolute() {
        return dir.to_path_buf();
    }
    std::env::current_dir().map_or_else(|_| dir.to_path_buf(), |cwd| cwd.join(dir))
}

/// The caller's form of a directory the plan names in notify's form: a
/// watched directory, or the parent of one (an event on a watched directory
/// itself is a change in its parent). Anything else keeps its form.
fn caller_form(watched: &WatchedSet, dir: PathBuf) -> PathBuf {
    if let Some(given) = watched.get(&dir) {
        return given.clone();
    }
    // `.` and `..` (or `x/..`) have no name in a parent the caller could
    // look up: keep notify's form, which matches nothing.
    let parent = watched
        .iter()
        .filter(|(key, given)| key.parent() == Some(dir.as_path()) && given.file_name().is_some())
        .find_map(|(_, given)| given.parent())
        .map(|p| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p.to_path_buf() });
    parent.unwrap_or(dir)
}

/// Rewrites a plan made in notify's form into the caller's.
fn to_caller_form(watched: &WatchedSet, plan: Plan) -> Plan {
    let mut out = Plan::default();
    for (dir, names) in plan.changes {
        out.changes.entry(caller_form(watched, dir)).or_default().extend(names);
    }
    out.rescans = plan.rescans.into_iter().map(|dir| caller_form(watched, dir)).collect();
    out.gone = plan.gone;
    out
}

/// What the caller's thread and the debouncer's thread share.
struct Shared {
    watched: Mutex<WatchedSet>,
    sink: Mutex<Sink>,
    limit_reported: AtomicBool,
}

impl Shared {
    fn watched(&self) -> MutexGuard<'_, WatchedSet> {
        self.watched.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn send(&self, event: WatchEvent) {
        (self.sink.lock().unwrap_or_else(PoisonError::into_inner))(event);
    }

    /// Claims the one `LimitReached` this watcher may send.
    fn claim_limit(&self) -> bool {
        !self.limit_reported.swap(true, Ordering::AcqRel)
    }

    /// Handles one debounced delivery, on the debouncer's thread.
    fn deliver(&self, result: DebounceEventResult) {
        let plan = match result {
            Ok(events) => {
                let mut watched = self.watched();
                let plan =
                    to_caller_form(&watched, plan(events.iter().map(|e| &e.event), &watched));
                for dir in &plan.gone {
                    watched.remove(dir);
                }
                plan
            }
            Err(errors) => {
                let plan = self.plan_errors(errors);
                to_caller_form(&self.watched(), plan)
            }
        };
        for event in resolve(plan) {
            self.send(event);
        }
    }

    /// notify reports errors of its event stream here: a limit hit while it
    /// worked on its own (only recursive watches do that) is reported once;
    /// any other error may have lost events, so the directories it names —
    /// or all of them — are re-read.
    fn plan_errors(&self, errors: Vec<notify::Error>) -> Plan {
        let mut plan = Plan::default();
        let watched = self.watched();
        for err in errors {
            if let Some(reason) = limit_reason(&err) {
                if self.claim_limit() {
                    let dir = err.paths.first().cloned().unwrap_or_default();
                    self.send(WatchEvent::LimitReached { dir, reason: reason.to_owned() });
                }
                continue;
            }
            let named: Vec<_> = err.paths.iter().filter(|p| watched.contains_key(*p)).collect();
            if named.is_empty() {
                plan.rescans.extend(watched.keys().cloned());
            } else {
                plan.rescans.extend(named.into_iter().cloned());
            }
        }
        plan
    }
}

/// Reads the fresh state of every planned name. A name that is gone (or whose
/// directory is) reads as `None`; any other failure to read a directory's
/// names turns into a re-read of that directory, which reports the error the
/// usual way.
fn resolve(plan: Plan) -> Vec<WatchEvent> {
    let mut out = Vec::with_capacity(plan.changes.len() + plan.rescans.len());
    let mut rescans = plan.rescans;
    for (dir, names) in plan.changes {
        if rescans.contains(&dir) {
            continue;
        }
        match read_names(&dir, names) {
            Some(entries) => out.push(WatchEvent::Changed { dir, entries }),
            None => {
                rescans.insert(dir);
            }
        }
    }
    out.extend(rescans.into_iter().map(|dir| WatchEvent::Rescan { dir }));
    out
}

fn read_names(
    dir: &Path,
    names: impl IntoIterator<Item = Vec<u8>>,
) -> Option<Vec<(Vec<u8>, Option<EntryStat>)>> {
    // The directory itself is opened following links, as inotify resolved it
    // when the watch was added; its entries are never followed.
    let handle = match open_dir(dir, true) {
        Ok(handle) => Some(handle),
        Err(Errno::NOENT | Errno::NOTDIR) => None,
        Err(_) => return None,
    };
    let mut entries = Vec::new();
    for name in names {
        let stat = match &handle {
            None => None,
            Some(handle) => match stat_at(handle.as_fd(), &name, false) {
                Ok(stat) => Some(stat),
                Err(Errno::NOENT | Errno::NOTDIR) => None,
                Err(_) => return None,
            },
        };
        entries.push((name, stat));
    }
    Some(entries)
}

/// Non-recursive watches on a set of directories, delivering [`WatchEvent`]s.
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, NoCache>,
    shared: Arc<Shared>,
    max_watches: Option<usize>,
}

impl Watcher {
    /// Starts watching nothing; events are delivered through `sink` from
    /// notify's/debouncer's thread. A change is delivered between `debounce`
    /// and `debounce` plus one tick (a quarter of it, at most 50 ms) after it
    /// happened.
    pub fn new(
        debounce: Duration,
        sink: impl Fn(WatchEvent) + Send + 'static,
    ) -> Result<Watcher, WatchError> {
        let shared = Arc::new(Shared {
            watched: Mutex::new(HashMap::new()),
            sink: Mutex::new(Box::new(sink)),
            limit_reported: AtomicBool::new(false),
        });
        let tick = (debounce / 4).clamp(Duration::from_millis(1), Duration::from_millis(50));
        let handler = {
            let shared = Arc::clone(&shared);
            move |result: DebounceEventResult| shared.deliver(result)
        };
        let debouncer = notify_debouncer_full::new_debouncer_opt(
            debounce.max(tick),
            Some(tick),
            handler,
            NoCache,
            notify::Config::default(),
        )
        .map_err(|err| WatchError::new(WatchOp::Start, Path::new(""), err))?;
        Ok(Watcher { debouncer, shared, max_watches: None })
    }

    /// Test/limit knob: refuse more than `n` watches with the same path as a
    /// real ENOSPC (for the hostile-tree test "inotify limits lowered or the
    /// error injected").
    pub fn with_max_watches(mut self, n: usize) -> Self {
        self.max_watches = Some(n);
        self
    }

    /// Watches `dir`'s entries (not deeper). Idempotent. A limit failure also
    /// sends [`WatchEvent::LimitReached`], once per watcher.
    pub fn watch(&mut self, dir: &Path) -> Result<(), WatchError> {
        let key = notify_form(dir);
        let count = {
            let mut watched = self.shared.watched();
            if watched.contains_key(&key) {
                return Ok(());
            }
            // In the set before the watch exists, so that no event between the
            // two is dropped; taken out again if the watch fails.
            watched.insert(key.clone(), dir.to_path_buf());
            watched.len()
        };
        let result = if self.max_watches.is_some_and(|max| count > max) {
            Err(notify::Error::new(notify::ErrorKind::MaxFilesWatch).add_path(dir.to_path_buf()))
        } else {
            // A directory removed or moved away while watched may have left
            // notify holding a stale watch under this path: drop it first.
            let _ = self.debouncer.unwatch(dir);
            self.debouncer.watch(dir, RecursiveMode::NonRecursive)
        };
        let Err(err) = result else { return Ok(()) };
        self.shared.watched().remove(&key);
        let err = WatchError::new(WatchOp::Watch, dir, err);
        if err.is_limit() && self.shared.claim_limit() {
            let shared = Arc::clone(&self.shared);
            let event =
                WatchEvent::LimitReached { dir: dir.to_path_buf(), reason: err.reason.clone() };
            // Off the caller's thread: see the module's implementation note.
            let spawned = std::thread::Builder::new()
                .name("statree-watch-limit".into())
                .spawn(move || shared.send(event));
            if spawned.is_err() {
                // No thread to spare: let a later limit failure try again.
                self.shared.limit_reported.store(false, Ordering::Release);
            }
        }
        Err(err)
    }

    /// Stops watching `dir`. Idempotent; events already queued for it are
    /// dropped.
    pub fn unwatch(&mut self, dir: &Path) {
        self.shared.watched().remove(&notify_form(dir));
        // Also when it was not in the set: it may have been forgotten after a
        // move, with notify still holding the watch.
        let _ = self.debouncer.unwatch(dir);
    }

    /// Whether `dir` is watched. A watched directory that was removed or moved
    /// away is forgotten once its event has been delivered.
    pub fn is_watched(&self, dir: &Path) -> bool {
        self.shared.watched().contains_key(&notify_form(dir))
    }

    /// How many directories are watched.
    pub fn len(&self) -> usize {
        self.shared.watched().len()
    }

    /// Whether no directory is watched.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("watched", &self.len())
            .field("max_watches", &self.max_watches)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
