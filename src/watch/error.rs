//! Why watching failed, worded for people; a system inotify limit is told
//! apart, since the watcher keeps working for what it already watches.

use std::path::{Path, PathBuf};

use rustix::io::Errno;

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
    pub(super) fn new(op: WatchOp, path: &Path, source: notify::Error) -> Self {
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
pub(super) fn limit_reason(err: &notify::Error) -> Option<&'static str> {
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

pub(super) const WATCH_LIMIT: &str =
    "inotify watch limit reached (sysctl fs.inotify.max_user_watches)";
pub(super) const INSTANCE_LIMIT: &str =
    "inotify instance limit reached (sysctl fs.inotify.max_user_instances)";

fn describe(err: &notify::Error) -> String {
    match &err.kind {
        notify::ErrorKind::Io(io) => crate::error::os_reason(io),
        _ => err.to_string(),
    }
}
