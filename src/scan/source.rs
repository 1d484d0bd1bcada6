//! Scan events from somewhere other than a walk: an imported export (see
//! `crate::import`). A [`Source`] in [`ScanOptions::source`](super::ScanOptions)
//! makes [`start`](super::start) run it on a thread of its own instead of
//! walking, so every consumer of a scan — the outputs, the audit, the
//! interactive view — takes an import unchanged. A source runs once: a later
//! start with the same options (a re-scan) gets an empty, finished stream.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crossbeam_channel::Sender;

use super::cancel::Cancel;
use super::{ExitOnDrop, PoolExit, ScanEvent, ScanHandle};

/// What an import recorded about itself, for the view to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The file read (`-` for standard input).
    pub file: PathBuf,
    /// The format, in words (`ncdu export 1.2`, `statree --json`).
    pub format: String,
    /// The program that wrote it and its version, when the export says.
    pub program: String,
    /// When the export was written (seconds since the epoch), when it says.
    pub timestamp: Option<i64>,
}

type Job = Box<dyn FnOnce(&Sink) + Send>;

/// A one-shot producer of scan events.
#[derive(Clone)]
pub struct Source {
    recorded: Arc<Recorded>,
    job: Arc<Mutex<Option<Job>>>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source").field("recorded", &self.recorded).finish_non_exhaustive()
    }
}

impl Source {
    /// A source that runs `job` (on the scan's thread) to produce its events.
    pub fn new(recorded: Recorded, job: impl FnOnce(&Sink) + Send + 'static) -> Self {
        Source { recorded: Arc::new(recorded), job: Arc::new(Mutex::new(Some(Box::new(job)))) }
    }

    /// What the import recorded about itself.
    pub fn recorded(&self) -> &Recorded {
        &self.recorded
    }
}

/// Where a source sends its events.
pub struct Sink {
    tx: Sender<ScanEvent>,
    cancel: Arc<Cancel>,
}

impl Sink {
    /// Sends one event, waiting for room; false once nobody wants more (the
    /// scan was cancelled or its reader is gone).
    pub fn send(&self, event: ScanEvent) -> bool {
        if self.cancel.send(&self.tx, event) {
            return true;
        }
        self.cancel.cancel();
        false
    }

    /// True once the scan was cancelled.
    pub fn cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}

/// Events in flight between the source and its reader.
const QUEUED: usize = 16;

/// Runs the source on a thread of its own; it ends with `Finished`.
pub(super) fn start(source: &Source) -> std::io::Result<ScanHandle> {
    let (tx, rx) = crossbeam_channel::bounded(QUEUED);
    let cancel = Cancel::new();
    let exit = Arc::new(PoolExit::default());
    let job = source.job.lock().unwrap_or_else(|p| p.into_inner()).take();
    let sink = Sink { tx, cancel: Arc::clone(&cancel) };
    let guard = ExitOnDrop(Arc::clone(&exit));
    let started = Instant::now();
    let thread = std::thread::Builder::new().name("statree-import".into()).spawn(move || {
        let _exit = guard;
        if let Some(job) = job {
            job(&sink);
        }
        if sink.cancelled() {
            let _ = sink.tx.try_send(ScanEvent::Finished { elapsed: started.elapsed() });
        } else {
            sink.send(ScanEvent::Finished { elapsed: started.elapsed() });
        }
    })?;
    Ok(ScanHandle {
        events: Some(rx),
        cancel,
        walkers: vec![thread],
        thread_exit: exit,
        threads: 0,
    })
}
