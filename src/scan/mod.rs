//! The parallel scanner.
//!
//! [`start`] walks one or more roots on a thread pool of its own and streams
//! owned [`Batch`]es of fully stat-ed entries over a bounded channel. The
//! engine (jwalk today) is private to this module: callers see only
//! [`ScanOptions`], [`ScanHandle`] and [`ScanEvent`].
//!
//! Inside: `walker` drives jwalk (its callbacks, on the first pool);
//! `deep` walks relative to handles what jwalk cannot (paths past
//! `PATH_MAX`, directories too large to list without a pause), reading
//! them with `listing`; both place every entry with `place` (stat, audit
//! facts, descent, loop check). `cancel` stops them all; `stat` holds the
//! syscalls, `entry` the batches, `options` what a scan is asked, `tally`
//! the counts the diagnostic log reports.

mod cancel;
mod deep;
pub mod entry;
pub mod format;
pub mod kind;
pub mod links;
mod listing;
mod options;
mod place;
pub mod source;
pub(crate) mod stat;
mod tally;
mod walker;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

pub use cancel::ScanCanceller;
pub use entry::{
    AuditDetail, Batch, Detail, EntryKey, EntryStat, Parent, RawEntry, Rendered, ScanEvent,
    Timespec,
};
pub use format::BatchFormat;
pub use options::{AuditScan, ScanOptions};
pub use source::{Recorded, Source};
pub use stat::statx_path;

use crate::error::Op;
use cancel::Cancel;
use place::Shared;
use walker::{Client, DirState};

/// A running scan. Dropping it stops the walk and waits (a bounded time) for
/// its threads to end; that holds even while clones of [`Self::events`] are
/// kept alive elsewhere and nobody reads them.
pub struct ScanHandle {
    events: Option<Receiver<ScanEvent>>,
    cancel: Arc<Cancel>,
    walkers: Vec<JoinHandle<()>>,
    thread_exit: Arc<PoolExit>,
    threads: usize,
}

/// How long dropping a handle waits for the scan's threads: a worker stuck
/// in a syscall on a dead network mount must not hang the caller; it exits
/// on its own when the call returns.
const DROP_WAIT: Duration = Duration::from_secs(2);

impl ScanHandle {
    /// The stream of batches; it ends with [`ScanEvent::Finished`].
    pub fn events(&self) -> &Receiver<ScanEvent> {
        self.events.as_ref().expect("events are only taken on drop")
    }

    /// Asks the walk to stop; batches already queued may still arrive.
    /// Workers waiting for room in the channel wake at once.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// A handle that can cancel this scan from elsewhere.
    pub fn canceller(&self) -> ScanCanceller {
        ScanCanceller(Arc::clone(&self.cancel))
    }

    /// Cancels the scan and waits at most `limit` for all its threads to
    /// end. True when they all did.
    pub fn stop(mut self, limit: Duration) -> bool {
        self.stop_within(limit)
    }

    fn stop_within(&mut self, limit: Duration) -> bool {
        self.cancel();
        drop(self.events.take());
        let all = self.walkers.len() + 2 * self.threads;
        let ended = self.thread_exit.wait_all(all, limit);
        // A walker still running is detached: it ends by itself, cancelled.
        for walker in self.walkers.drain(..) {
            if walker.is_finished() {
                let _ = walker.join();
            }
        }
        ended
    }

    /// Number of worker threads in each of the scanner's two pools.
    pub fn threads(&self) -> usize {
        self.threads
    }
}

impl Drop for ScanHandle {
    fn drop(&mut self) {
        if !self.walkers.is_empty() {
            self.stop_within(DROP_WAIT);
        }
    }
}

/// Counts the scan's threads (root walkers and both pools) that have exited,
/// so dropping the handle can wait for them with a bound.
#[derive(Default)]
struct PoolExit {
    exited: Mutex<usize>,
    changed: Condvar,
}

impl PoolExit {
    fn exited(&self) {
        let mut n = self.exited.lock().unwrap_or_else(|p| p.into_inner());
        *n += 1;
        self.changed.notify_all();
    }

    /// Waits until `threads` have exited or `limit` passed; true when they have.
    fn wait_all(&self, threads: usize, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut n = self.exited.lock().unwrap_or_else(|p| p.into_inner());
        while *n < threads {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            n = match self.changed.wait_timeout(n, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        true
    }
}

/// Counts its thread as exited when dropped, also when the thread panics.
struct ExitOnDrop(Arc<PoolExit>);

impl Drop for ExitOnDrop {
    fn drop(&mut self) {
        self.0.exited();
    }
}

fn new_pool(
    threads: usize,
    name: &'static str,
    exit: &Arc<PoolExit>,
    background: bool,
) -> std::io::Result<jwalk::rayon::ThreadPool> {
    let exit = Arc::clone(exit);
    jwalk::rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("{name}-{i}"))
        .start_handler(move |_| {
            if background {
                lower_priority();
            }
        })
        .exit_handler(move |_| exit.exited())
        .build()
        .map_err(std::io::Error::other)
}

/// Nice value of the scan's workers under the interface.
const BACKGROUND_PRIORITY: i32 = 10;
/// Nice value of the threads that only wait on jwalk's iterator.
const LOWEST_PRIORITY: i32 = 19;

/// Lowers the calling thread's priority for an interface's sake.
fn lower_priority() {
    set_priority(BACKGROUND_PRIORITY);
}

/// Sets the calling thread's nice value (on Linux a thread id names one
/// thread). Failing only means the threads compete evenly.
fn set_priority(nice: i32) {
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), nice);
}

/// Batches in flight between the workers and the consumer, per worker thread.
const QUEUED_BATCHES_PER_THREAD: usize = 8;

/// Starts scanning. Never blocks on the filesystem: every `stat` happens on
/// the scanner's own threads.
pub fn start(options: ScanOptions) -> std::io::Result<ScanHandle> {
    if let Some(source) = &options.source {
        return source::start(source);
    }
    let threads = options.thread_count();
    log::debug!("scan started on {threads} threads: {}", crate::logging::capped(&options));
    let (tx, rx) = crossbeam_channel::bounded(threads * QUEUED_BATCHES_PER_THREAD + 4);
    let cancel = Cancel::new();
    let pool_exit = Arc::new(PoolExit::default());
    let background = options.background;
    let pool = Arc::new(new_pool(threads, "statree-scan", &pool_exit, background)?);
    // jwalk's workers wait for work inside its own queue (yielding, then
    // parked: vendor/jwalk), where they cannot pick up nested rayon jobs:
    // the slices of a large directory go to a pool of their own so they
    // really run in parallel.
    let split_pool = new_pool(threads, "statree-split", &pool_exit, background)?;
    let shared = Arc::new(Shared {
        tx: tx.clone(),
        cancel: Arc::clone(&cancel),
        next_batch: AtomicU32::new(0),
        follow: options.follow_links,
        one_file_system: options.one_file_system,
        detail: options.detail,
        audit: options.audit,
        skip: options.skip.clone(),
        format: options.format.clone(),
        split_pool,
        tally: tally::Tally::new(),
    });
    let started = Instant::now();
    let remaining = Arc::new(AtomicUsize::new(options.roots.len()));
    let mut walkers = Vec::with_capacity(options.roots.len());
    for (index, root) in options.roots.iter().enumerate() {
        let job = RootJob {
            index,
            root: root.clone(),
            shared: Arc::clone(&shared),
            pool: Arc::clone(&pool),
            tx: tx.clone(),
            remaining: Arc::clone(&remaining),
            started,
        };
        let exit = ExitOnDrop(Arc::clone(&pool_exit));
        let walker =
            std::thread::Builder::new().name(format!("statree-root-{index}")).spawn(move || {
                let _exit = exit;
                // This thread drains jwalk's ordered iterator, which waits by
                // yielding for up to 1 ms before it parks (vendor/jwalk); at
                // the lowest priority the yielding takes no time from the
                // workers it waits for.
                set_priority(LOWEST_PRIORITY);
                job.run();
            })?;
        walkers.push(walker);
    }
    if options.roots.is_empty() {
        let _ = tx.send(ScanEvent::Finished { elapsed: started.elapsed() });
    }
    Ok(ScanHandle { events: Some(rx), cancel, walkers, thread_exit: pool_exit, threads })
}

/// One root's walk, driven from its own thread.
struct RootJob {
    index: usize,
    root: PathBuf,
    shared: Arc<Shared>,
    pool: Arc<jwalk::rayon::ThreadPool>,
    tx: Sender<ScanEvent>,
    remaining: Arc<AtomicUsize>,
    started: Instant,
}

impl RootJob {
    fn run(self) {
        let shared = Arc::clone(&self.shared);
        let root: Arc<Path> = Arc::from(self.root.as_path());
        let index = self.index;
        let walk = jwalk::WalkDirGeneric::<Client>::new(&self.root)
            .skip_hidden(false)
            .follow_links(self.shared.follow)
            .sort(false)
            .parallelism(jwalk::Parallelism::RayonExistingPool {
                pool: Arc::clone(&self.pool),
                busy_timeout: None,
            })
            .process_read_dir(move |depth, path, state: &mut DirState, children| match depth {
                None => walker::process_root(&shared, index, &root, children),
                Some(_) => walker::process_dir(&shared, path, state, children),
            });
        // Cancelled workers return from their callbacks without waiting for
        // room in the channel, so the next item this iterator waits for
        // always comes, and the loop sees the cancel.
        for item in walk {
            if self.shared.cancelled() {
                break;
            }
            // Errors other than a failed directory read were already turned
            // into entries by the callback.
            if let Ok(entry) = item
                && let Some(err) = entry.read_children.as_ref().and_then(|rc| rc.error())
            {
                let path = err.path().map_or_else(|| entry.path(), Path::to_path_buf);
                let error = walker::jwalk_error(Op::ReadDir, err);
                self.shared.send(ScanEvent::DirError { dir: entry.client_state, path, error });
            }
        }
        self.send_end(ScanEvent::RootDone(self.index));
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.shared.tally.finished(self.shared.cancelled(), self.started.elapsed());
            self.send_end(ScanEvent::Finished { elapsed: self.started.elapsed() });
        }
    }

    /// Sends an end-of-walk event; once cancelled only if there is room, so
    /// a reader that stopped reading never holds this thread.
    fn send_end(&self, event: ScanEvent) {
        if self.shared.cancelled() {
            let _ = self.tx.try_send(event);
        } else {
            self.shared.send(event);
        }
    }
}
