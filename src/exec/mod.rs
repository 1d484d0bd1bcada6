//! Runs the effects the pure view asks for, and turns what they find into
//! messages for it.
//!
//! [`Executor`] knows what each [`Effect`] means; a [`Runner`] knows where
//! the work runs: [`Threads`] puts every job on a thread of its own that
//! answers on the loop's channel, [`Inline`] runs it here to the end (the
//! tests, which want the answer when the call returns). Jobs talk through an
//! [`Outbox`], so a job is written once for both. The action worker is
//! [`action`], the one scan-to-message forwarder [`forward`], the editor and
//! pager [`external`].

pub mod action;
pub mod external;
pub mod forward;
mod inline;
mod threads;

#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::model::FullStat;
use crate::preview::{PREVIEW_CAP, read_preview};
use crate::scan::{self, ScanCanceller, ScanEvent, ScanOptions};
use crate::view::request::CancelFlag;
use crate::view::{Effect, Loaded, Msg, OpOutcome, OpReport, OpRequest, State, update};
use external::Programs;
pub use inline::Inline;
pub use threads::Threads;

/// Where a job's messages go.
pub trait Outbox {
    /// Delivers `msg`; false when nobody listens any more (the job stops).
    fn send(&self, msg: Msg) -> bool;
    /// Delivers `msg` when there is room for it now, else drops it (progress,
    /// which the next report replaces).
    fn offer(&self, msg: Msg);
}

/// Work off the interface's thread that answers in messages.
pub type Job = Box<dyn FnOnce(&dyn Outbox) + Send>;

/// Where the work of the effects runs.
pub trait Runner {
    /// Runs `job` (`name` names its thread). Returns what it answered
    /// already; a job on a thread answers on the loop's channel instead.
    fn spawn(&mut self, name: &'static str, job: Job) -> io::Result<Vec<Msg>>;
    /// Looks up the user and group names of these ids (NSS may be slow).
    fn resolve_owner(&mut self, uid: u32, gid: u32) -> Vec<Msg>;
    /// Puts `msg` on the loop's queue, behind what waits there; a runner
    /// without a queue (or with a full one) answers it at once.
    fn post(&mut self, msg: Msg) -> Vec<Msg>;
    /// Hands this file to the editor or pager.
    fn open_external(&mut self, programs: &Programs, request: ExternalRequest) -> Vec<Msg>;
}

/// A file to hand to the editor or the pager, waiting for the loop (which
/// owns the terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalRequest {
    /// The file.
    pub path: PathBuf,
    /// The pager rather than the editor.
    pub pager: bool,
}

/// Minimum time between two progress messages of a running action.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Runs effects with a [`Runner`], feeding their answers back through
/// [`update()`].
pub struct Executor<R> {
    runner: R,
    /// Options for re-scans (threads, links, one filesystem) — the roots are
    /// replaced by the directory re-read.
    scan_options: ScanOptions,
    /// The editor and pager.
    programs: Programs,
    /// Scans forwarded by a job: re-scans by ticket, the audit pass without
    /// one. Cancelled when superseded, on quit and when the loop ends.
    background_scans: Vec<(Option<u64>, ScanCanceller)>,
}

/// The executor of the tests: everything runs to the end inside the call.
pub type InlineExecutor = Executor<Inline>;

impl Default for Executor<Inline> {
    /// Runs everything inline; editor and pager from the environment.
    fn default() -> Self {
        Executor::new(Inline::default())
    }
}

impl<R: Runner> Executor<R> {
    /// An executor over `runner`, editor and pager from the environment.
    pub fn new(runner: R) -> Self {
        Executor {
            runner,
            scan_options: ScanOptions::new(Vec::new()),
            programs: Programs::from_env(),
            background_scans: Vec::new(),
        }
    }

    /// Re-scans use these options (threads, links, one filesystem).
    pub fn with_scan_options(mut self, options: ScanOptions) -> Self {
        self.scan_options = ScanOptions { roots: Vec::new(), ..options };
        self
    }

    /// Uses these programs for `e` and `o` instead of `$VISUAL`/`$EDITOR`
    /// and `$PAGER`.
    pub fn with_programs(mut self, programs: Programs) -> Self {
        self.programs = programs;
        self
    }

    /// The programs for `e` and `o`.
    pub fn programs(&self) -> &Programs {
        &self.programs
    }

    /// The runner.
    pub fn runner_mut(&mut self) -> &mut R {
        &mut self.runner
    }

    /// Cancels the re-scans the state no longer waits for (superseded by
    /// another of the same directory, or finished).
    pub fn cancel_superseded(&mut self, state: &State) {
        self.background_scans.retain(|(ticket, scan)| match ticket {
            Some(ticket) if !state.jobs.rescans.contains_key(ticket) => {
                scan.cancel();
                false
            }
            _ => true,
        });
    }

    /// Cancels every forwarded scan.
    pub fn cancel_background_scans(&mut self) {
        for (_, scan) in self.background_scans.drain(..) {
            scan.cancel();
        }
    }

    /// Runs the effects an update returned, and those of the updates their
    /// answers cause. Returns true when the loop must suspend the process.
    pub fn run_effects(&mut self, state: &mut State, effects: Vec<Effect>) -> bool {
        let mut suspend = false;
        let mut queue = effects;
        while !queue.is_empty() {
            let mut next = Vec::new();
            for effect in queue {
                suspend |= effect == Effect::Suspend;
                for msg in self.run(state, effect) {
                    next.extend(update(state, msg));
                }
            }
            queue = next;
        }
        suspend
    }

    /// Runs one effect; returns the answers there are already.
    fn run(&mut self, state: &mut State, effect: Effect) -> Vec<Msg> {
        match effect {
            Effect::LoadMeta { id, path } => {
                let result = FullStat::read_entry(&path).map_err(|e| e.to_string());
                vec![Msg::MetaLoaded(Loaded { id, result })]
            }
            Effect::LoadPreview { id, path } => {
                let result = read_preview(&path, PREVIEW_CAP).map_err(|e| e.to_string());
                vec![Msg::PreviewLoaded(Loaded { id, result })]
            }
            Effect::ResolveOwner { uid, gid } => self.runner.resolve_owner(uid, gid),
            Effect::StartAuditPass { roots, follow_links, one_file_system } => {
                let options = forward::audit_pass_options(roots, follow_links, one_file_system);
                let failed = |e: &io::Error| format!("audit scan: {e}");
                self.forward(state, options, ("statree-audit", None), Msg::AuditPass, failed)
            }
            Effect::Rescan { ticket, path } => {
                let options =
                    ScanOptions { roots: vec![path.clone()], ..self.scan_options.clone() };
                let failed = move |e: &io::Error| {
                    format!("cannot re-read {}: {e}", crate::sanitize::path(&path))
                };
                let wrap = move |event| Msg::Rescan { ticket, event };
                self.forward(state, options, ("statree-rescan", Some(ticket)), wrap, failed)
            }
            Effect::Run { request, cancel } => self.action(request, cancel),
            Effect::Relist { ticket, dir, path } => {
                let why = format!("cannot list {}", crate::sanitize::path(&path));
                let job: Job = Box::new(move |out| {
                    let listing = crate::watch::relist::list_dir(&path).map_err(|e| e.to_string());
                    out.send(Msg::Listed { ticket, dir, listing });
                });
                let failed = |e| Msg::Listed { ticket, dir, listing: Err(format!("{why}: {e}")) };
                self.spawn("statree-relist", job, failed)
            }
            Effect::CheckDirs { ticket, dirs } => {
                // A screenful of `lstat`s, but one on a hung mount must not
                // stop the interface.
                let job: Job = Box::new(move |out| {
                    let stats = crate::watch::relist::lstat_each(&dirs);
                    out.send(Msg::DirsChecked { ticket, stats });
                });
                // No thread: "unknown" for each, so the next check can run.
                let failed = |_| Msg::DirsChecked { ticket, stats: Vec::new() };
                self.spawn("statree-check", job, failed)
            }
            Effect::OpenExternal { path, pager, .. } => {
                self.runner.open_external(&self.programs, ExternalRequest { path, pager })
            }
            Effect::SortStep => self.runner.post(Msg::SortStep),
            Effect::Suspend => Vec::new(),
            Effect::Quit => {
                // Nothing forwarded is wanted any more.
                self.cancel_background_scans();
                Vec::new()
            }
        }
    }

    fn spawn(
        &mut self,
        name: &'static str,
        job: Job,
        failed: impl FnOnce(io::Error) -> Msg,
    ) -> Vec<Msg> {
        self.runner.spawn(name, job).unwrap_or_else(|e| vec![failed(e)])
    }

    /// Runs a confirmed action; its progress and result come back as
    /// messages.
    fn action(&mut self, request: OpRequest, cancel: CancelFlag) -> Vec<Msg> {
        let label = request.label();
        let job: Job = Box::new(move |out| {
            let last = Cell::new(Instant::now());
            let progress = |seen: u64| {
                if last.get().elapsed() >= PROGRESS_EVERY {
                    last.set(Instant::now());
                    out.offer(Msg::OpProgress(seen));
                }
            };
            out.send(Msg::OpDone(action::execute(request, &cancel.0, &progress)));
        });
        self.spawn("statree-action", job, |e| {
            let summary = format!("cannot start {label}: {e}");
            Msg::OpDone(OpOutcome::Done(OpReport { summary, failed: true, ..Default::default() }))
        })
    }

    /// Starts a scan whose events a job forwards as `wrap(event)` until it
    /// finishes. A scan that cannot start is reported and answers
    /// `Finished`, so nothing waits for it.
    fn forward(
        &mut self,
        state: &mut State,
        options: ScanOptions,
        (name, ticket): (&'static str, Option<u64>),
        wrap: impl Fn(ScanEvent) -> Msg + Clone + Send + 'static,
        failed: impl FnOnce(&io::Error) -> String,
    ) -> Vec<Msg> {
        let forwarder = wrap.clone();
        let started = scan::start(options).and_then(|handle| {
            self.background_scans.push((ticket, handle.canceller()));
            let job: Job = Box::new(move |out| forward::forward(handle, forwarder, out));
            self.runner.spawn(name, job)
        });
        started.unwrap_or_else(|e| {
            state.error(failed(&e));
            vec![wrap(ScanEvent::Finished { elapsed: Duration::ZERO })]
        })
    }
}
