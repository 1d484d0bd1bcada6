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

mod deliver;
mod error;
mod plan;
pub mod relist;

pub use error::{WatchError, WatchOp};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache};

use crate::scan::EntryStat;
use deliver::{Shared, notify_form};

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
