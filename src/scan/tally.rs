//! The scan's line in the diagnostic log (`STATREE_LOG`): what it found,
//! counted as the events leave the workers, said when the walk ends. With
//! the log off it costs one flag check per batch.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::entry::ScanEvent;
use crate::error::ScanError;
use crate::sanitize;

/// How many errors a scan logs one by one; the rest only count.
const LOGGED_ERRORS: u64 = 1000;

/// Entries and errors sent so far, when the log wants them.
pub(crate) struct Tally {
    on: bool,
    entries: AtomicU64,
    errors: AtomicU64,
}

impl Tally {
    /// Counts only when the log will say the result.
    pub(crate) fn new() -> Self {
        Tally {
            on: log::log_enabled!(log::Level::Info),
            entries: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        }
    }

    /// Counts an event on its way out (errors logged, up to a bound).
    pub(crate) fn count(&self, event: &ScanEvent) {
        if !self.on {
            return;
        }
        match event {
            ScanEvent::Batch(batch) => {
                self.entries.fetch_add(batch.entries.len() as u64, Ordering::Relaxed);
                for entry in &batch.entries {
                    if let Some(error) = &entry.error {
                        self.error(&batch.path_of(entry), error);
                    }
                }
            }
            ScanEvent::DirError { path, error, .. } | ScanEvent::RootError { path, error, .. } => {
                self.error(path, error);
            }
            ScanEvent::RootDone(_) | ScanEvent::Finished { .. } => {}
        }
    }

    fn error(&self, path: &Path, error: &ScanError) {
        let seen = self.errors.fetch_add(1, Ordering::Relaxed);
        if seen < LOGGED_ERRORS {
            log::debug!("scan error: {}: {error}", sanitize::path(path));
        } else if seen == LOGGED_ERRORS {
            log::debug!("scan error: more than {LOGGED_ERRORS}; the rest are only counted");
        }
    }

    /// The line at the end of the walk (a cancelled one counted what it
    /// sent before the cancel).
    pub(crate) fn finished(&self, cancelled: bool, elapsed: Duration) {
        if !self.on {
            return;
        }
        let how = if cancelled { "cancelled" } else { "finished" };
        log::info!(
            "scan {how}: {} entries, {} errors, {:.3} s",
            self.entries.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed),
            elapsed.as_secs_f64()
        );
    }
}
