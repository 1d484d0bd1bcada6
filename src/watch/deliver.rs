//! From a debounced batch of notify events to [`WatchEvent`]s: the batch is
//! mapped onto the watched set (`plan`, pure), named back in the form the
//! caller watched under, and each touched name is `lstat`-ed afresh. Runs on
//! the debouncer's thread.

use std::collections::HashMap;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use notify_debouncer_full::DebounceEventResult;
use rustix::io::Errno;

use super::WatchEvent;
use super::error::limit_reason;
use super::plan::{Plan, plan};
use crate::scan::EntryStat;
use crate::scan::stat::{open_dir, stat_at};

/// Where events go, called on the debouncer's thread.
pub(super) type Sink = Box<dyn Fn(WatchEvent) + Send>;

/// The watched directories: the path notify reports events under (the
/// current directory joined to a relative one, as notify does when it adds
/// the watch) → the path the caller gave. Events are matched in notify's form
/// and reported in the caller's, so a relative root matches its tree.
pub(super) type WatchedSet = HashMap<PathBuf, PathBuf>;

/// The form in which notify reports events under `dir`: it joins a relative
/// path to the current directory when it adds the watch (and never
/// canonicalizes it).
pub(super) fn notify_form(dir: &Path) -> PathBuf {
    if dir.is_absolute() {
        return dir.to_path_buf();
    }
    std::env::current_dir().map_or_else(|_| dir.to_path_buf(), |cwd| cwd.join(dir))
}

/// The caller's form of a directory the plan names in notify's form: a
/// watched directory, or the parent of one (an event on a watched directory
/// itself is a change in its parent). Anything else keeps its form.
pub(super) fn caller_form(watched: &WatchedSet, dir: PathBuf) -> PathBuf {
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
pub(super) struct Shared {
    pub(super) watched: Mutex<WatchedSet>,
    pub(super) sink: Mutex<Sink>,
    pub(super) limit_reported: AtomicBool,
}

impl Shared {
    pub(super) fn watched(&self) -> MutexGuard<'_, WatchedSet> {
        self.watched.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn send(&self, event: WatchEvent) {
        (self.sink.lock().unwrap_or_else(PoisonError::into_inner))(event);
    }

    /// Claims the one `LimitReached` this watcher may send.
    pub(super) fn claim_limit(&self) -> bool {
        !self.limit_reported.swap(true, Ordering::AcqRel)
    }

    /// Handles one debounced delivery, on the debouncer's thread.
    pub(super) fn deliver(&self, result: DebounceEventResult) {
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
