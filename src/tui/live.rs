//! Keeps the filesystem watcher's set of directories equal to the set the
//! user has open, and turns its events into messages for the loop.
//!
//! Only expanded directories are watched (one inotify watch each, never
//! recursive), added and dropped as the user opens and closes them. A
//! directory renamed while open keeps its node but changes its path, so the
//! paths are compared again on each sync.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;

use crate::model::{FileKind, NodeId};
use crate::view::{Change, Msg, State};
use crate::watch::{WatchEvent, Watcher};

/// How long changes settle before they are read (the 100–250 ms).
pub const DEBOUNCE: Duration = Duration::from_millis(150);
/// How often the watched set is compared with the open directories.
const SYNC_EVERY: Duration = Duration::from_millis(50);

/// The environment variable that caps the number of watched directories
/// (for systems where inotify watches are scarce, and for tests of the limit).
pub const MAX_WATCHES_VAR: &str = "STATREE_MAX_WATCHES";

/// The watcher and what it watches.
pub struct LiveWatch {
    watcher: Option<Watcher>,
    watched: HashMap<NodeId, PathBuf>,
    last_sync: Option<Instant>,
}

/// The message a watcher event becomes.
pub fn to_msg(event: WatchEvent) -> Msg {
    match event {
        WatchEvent::Changed { dir, entries } => Msg::Changes(
            entries
                .into_iter()
                .map(|(name, stat)| Change::Entry { dir: dir.clone(), name, stat })
                .collect(),
        ),
        WatchEvent::Rescan { dir } => Msg::Changes(vec![Change::Rescan { dir }]),
        WatchEvent::LimitReached { reason, .. } => Msg::WatchLimit(reason),
    }
}

impl LiveWatch {
    /// Starts the watcher, delivering on `tx`. When it cannot start (no
    /// inotify instance left), the returned message says so and the
    /// interface works without live updates.
    pub fn start(tx: Sender<Msg>) -> (LiveWatch, Option<Msg>) {
        let max = std::env::var(MAX_WATCHES_VAR).ok().and_then(|v| v.parse::<usize>().ok());
        let sink = move |event: WatchEvent| {
            let _ = tx.send(to_msg(event));
        };
        match Watcher::new(DEBOUNCE, sink) {
            Ok(watcher) => {
                let watcher = match max {
                    Some(n) => watcher.with_max_watches(n),
                    None => watcher,
                };
                let live =
                    LiveWatch { watcher: Some(watcher), watched: HashMap::new(), last_sync: None };
                (live, None)
            }
            Err(e) => {
                let live = LiveWatch { watcher: None, watched: HashMap::new(), last_sync: None };
                (live, Some(Msg::WatchLimit(format!("no filesystem watcher: {e}"))))
            }
        }
    }

    /// Watches every open directory and drops the watches of closed or
    /// vanished ones (at most every 50 ms).
    pub fn sync(&mut self, state: &State) {
        if crate::view::imported::is_imported(state) {
            // An import names no directory of this machine's to watch.
            return;
        }
        let Some(watcher) = self.watcher.as_mut() else { return };
        if self.last_sync.is_some_and(|at| at.elapsed() < SYNC_EVERY) {
            return;
        }
        self.last_sync = Some(Instant::now());
        let tree = &state.tree;
        let open: HashSet<NodeId> = state
            .rows
            .expanded()
            .iter()
            .copied()
            .filter(|&id| tree.is_live(id) && tree.kind(id) == FileKind::Dir)
            .collect();
        self.watched.retain(|id, path| {
            let keep = open.contains(id) && tree.path(*id) == *path;
            if !keep {
                watcher.unwatch(path);
            }
            keep
        });
        for id in open {
            if self.watched.contains_key(&id) {
                continue;
            }
            let path = tree.path(id);
            // A failure (the limit, a permission) is not retried on every
            // sync: the limit is reported once by the watcher, and `R`
            // refreshes by hand.
            let _ = watcher.watch(&path);
            self.watched.insert(id, path);
        }
    }
}
