//! Keeps the filesystem watcher's set of directories equal to the set the
//! user has open, and turns its events into messages for the loop.
//!
//! Only expanded directories are watched (one inotify watch each, never
//! recursive), added and dropped as the user opens and closes them. A
//! directory renamed while open keeps its node but changes its path, so the
//! paths are compared again on each sync.
//!
//! Adding a watch looks the path up, which waits for a hung mount like a
//! `stat` does: the watcher lives on a thread of its own, and the loop only
//! tells it what to watch.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::{Sender, TrySendError};

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

/// Watch changes waiting for the watcher's thread: far more than one sync
/// asks for; a change that finds it full is asked again at the next sync.
const COMMAND_QUEUE: usize = 1024;

/// What the loop asks of the watcher's thread.
enum Command {
    Watch(PathBuf),
    Unwatch(PathBuf),
}

/// The watcher (on its thread) and what it was asked to watch.
pub struct LiveWatch {
    commands: Option<Sender<Command>>,
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
                let mut watcher = match max {
                    Some(n) => watcher.with_max_watches(n),
                    None => watcher,
                };
                let (commands, rx) = crossbeam_channel::bounded(COMMAND_QUEUE);
                // Ends when the loop drops its sender; one stuck in a watch
                // on a hung mount is left behind at quit.
                let spawned =
                    std::thread::Builder::new().name("statree-watch".into()).spawn(move || {
                        for command in rx {
                            match command {
                                // A failure (the limit, a permission) is not
                                // retried on every sync: the limit is
                                // reported once by the watcher, and `R`
                                // refreshes by hand.
                                Command::Watch(path) => {
                                    let _ = watcher.watch(&path);
                                }
                                Command::Unwatch(path) => watcher.unwatch(&path),
                            }
                        }
                    });
                match spawned {
                    Ok(_) => (LiveWatch::with(Some(commands)), None),
                    Err(e) => (
                        LiveWatch::with(None),
                        Some(Msg::WatchLimit(format!("no filesystem watcher: {e}"))),
                    ),
                }
            }
            Err(e) => (
                LiveWatch::with(None),
                Some(Msg::WatchLimit(format!("no filesystem watcher: {e}"))),
            ),
        }
    }

    fn with(commands: Option<Sender<Command>>) -> LiveWatch {
        LiveWatch { commands, watched: HashMap::new(), last_sync: None }
    }

    /// Watches every open directory and drops the watches of closed or
    /// vanished ones (at most every 50 ms).
    pub fn sync(&mut self, state: &State) {
        if crate::view::imported::is_imported(state) {
            // An import names no directory of this machine's to watch.
            return;
        }
        let Some(commands) = self.commands.as_ref() else { return };
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
        // Kept (and asked again next time) when the queue is full.
        self.watched.retain(|id, path| {
            let keep = open.contains(id) && tree.path(*id) == *path;
            keep || matches!(
                commands.try_send(Command::Unwatch(path.clone())),
                Err(TrySendError::Full(_))
            )
        });
        for id in open {
            if self.watched.contains_key(&id) {
                continue;
            }
            let path = tree.path(id);
            match commands.try_send(Command::Watch(path.clone())) {
                Err(TrySendError::Full(_)) => break,
                _ => {
                    self.watched.insert(id, path);
                }
            }
        }
    }
}
