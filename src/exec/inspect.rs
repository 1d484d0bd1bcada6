//! The selection's reads, off the interface's thread: the metadata `statx`
//! (with the symlink's `readlink`), the capped preview read, and the fresh
//! `lstat` of a file an editor handed back.
//!
//! Each of them may hang on a slow or dead mount (a FUSE `getattr` that never
//! answers, a hard NFS mount), and the interface must keep answering keys
//! meanwhile: the pane says "reading…" until the answer comes, and an answer
//! for a node that is no longer selected is dropped by the view.
//!
//! # Implementation
//!
//! A small pool: up to [`MAX_READERS`] threads, started on demand, take jobs
//! from a queue that holds at most one job of each [`LoadKind`]: a newer
//! request of a kind replaces the queued one (only the present selection's
//! answer is wanted). A thread blocked in a syscall is left there; the next
//! request goes to another thread, so one hung entry does not stop the
//! metadata of the next one. When every thread is blocked, requests wait in
//! the queue, one per kind, costing nothing.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};

use crossbeam_channel::Sender;

use super::Job;
use crate::model::{FullStat, NodeId};
use crate::preview::{PREVIEW_CAP, read_preview};
use crate::view::{Loaded, Msg};

/// Threads reading for the selection at most. Each entry visited on a hung
/// mount keeps one (its metadata, its preview) until the call returns: with
/// four, stepping through a hung directory left a readable entry "reading…"
/// after three steps. A blocked thread costs its stack (mostly untouched),
/// so there are enough for a long walk through a hung directory, and still
/// a bound.
pub const MAX_READERS: usize = 16;

/// What a read is for; the queue keeps the newest request of each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadKind {
    /// The metadata pane.
    Meta,
    /// The preview pane.
    Preview,
    /// The `lstat` after the editor or pager.
    Restat,
}

/// The metadata of `path`, answered as the metadata of node `id`.
pub fn meta_job(id: NodeId, path: PathBuf) -> Job {
    Box::new(move |out| {
        let result = FullStat::read_entry(&path).map_err(|e| e.to_string());
        out.send(Msg::MetaLoaded(Loaded { id, result }));
    })
}

/// The capped preview of `path`, answered as the preview of node `id`.
pub fn preview_job(id: NodeId, path: PathBuf) -> Job {
    Box::new(move |out| {
        let result = read_preview(&path, PREVIEW_CAP).map_err(|e| e.to_string());
        out.send(Msg::PreviewLoaded(Loaded { id, result }));
    })
}

/// The fresh `lstat` of a file the editor or pager handed back, as a change.
pub fn restat_job(path: PathBuf) -> Job {
    Box::new(move |out| {
        if let Some(change) = super::external::fresh_change(&path) {
            out.send(Msg::Changes(vec![change]));
        }
    })
}

/// The pool of reader threads answering on the loop's channel.
pub struct Loader {
    tx: Sender<Msg>,
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<Queue>,
    ready: Condvar,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<(LoadKind, Job)>,
    /// Threads waiting for a job.
    idle: usize,
    /// Threads started.
    started: usize,
}

impl Loader {
    /// No thread yet; the first request starts one.
    pub fn new(tx: Sender<Msg>) -> Self {
        let shared =
            Arc::new(Shared { state: Mutex::new(Queue::default()), ready: Condvar::new() });
        Loader { tx, shared }
    }

    /// Queues `job`, replacing a queued job of the same kind, and starts a
    /// thread when none is free and fewer than [`MAX_READERS`] run.
    pub fn load(&self, kind: LoadKind, job: Job) -> std::io::Result<()> {
        let mut queue = self.shared.state.lock().unwrap_or_else(|p| p.into_inner());
        queue.jobs.retain(|(queued, _)| *queued != kind);
        queue.jobs.push_back((kind, job));
        if queue.idle == 0 && queue.started < MAX_READERS {
            let shared = Arc::clone(&self.shared);
            let tx = self.tx.clone();
            std::thread::Builder::new()
                .name("statree-inspect".into())
                .spawn(move || shared.serve(&tx))?;
            queue.started += 1;
        }
        drop(queue);
        self.shared.ready.notify_one();
        Ok(())
    }
}

impl Shared {
    /// A reader thread: takes jobs for as long as the process runs (it
    /// waits on a condition variable between them, costing nothing).
    fn serve(&self, tx: &Sender<Msg>) {
        loop {
            let mut queue = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let job = loop {
                if let Some((_, job)) = queue.jobs.pop_front() {
                    break job;
                }
                queue.idle += 1;
                queue = self.ready.wait(queue).unwrap_or_else(|p| p.into_inner());
                queue.idle -= 1;
            };
            drop(queue);
            job(tx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_job_that_never_returns_leaves_the_next_one_to_another_thread() {
        let (tx, rx) = crossbeam_channel::bounded(8);
        let loader = Loader::new(tx);
        let (_hold, hung) = mpsc::channel::<()>();
        // Blocks until the test ends, as a statx on a dead mount would.
        let stuck: Job = Box::new(move |_| {
            let _ = hung.recv();
        });
        loader.load(LoadKind::Meta, stuck).unwrap();
        let answer: Job = Box::new(|out| {
            out.send(Msg::Tick);
        });
        loader.load(LoadKind::Meta, answer).unwrap();
        let got = rx.recv_timeout(Duration::from_secs(10)).expect("the second job answers");
        assert!(matches!(got, Msg::Tick));
    }

    #[test]
    fn a_newer_request_replaces_the_queued_one_of_its_kind() {
        let (tx, _rx) = crossbeam_channel::bounded(8);
        let loader = Loader::new(tx);
        // No thread may take the jobs: pretend all are started and busy.
        loader.shared.state.lock().unwrap().started = MAX_READERS;
        for kind in [LoadKind::Meta, LoadKind::Preview, LoadKind::Meta] {
            loader.load(kind, Box::new(|_| {})).unwrap();
        }
        let queue = loader.shared.state.lock().unwrap();
        let kinds: Vec<LoadKind> = queue.jobs.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(kinds, [LoadKind::Preview, LoadKind::Meta]);
    }
}
