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

pub mod accounts;
pub mod action;
pub mod bulk_edit;
pub mod external;
pub mod forward;
pub mod goto;
mod inline;
pub mod inspect;
mod threads;

#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::scan::{self, ScanCanceller, ScanEvent, ScanOptions};
use crate::view::request::CancelFlag;
use crate::view::{Effect, Loaded, Msg, OpOutcome, OpReport, OpRequest, State, update};
use external::{Launch, Openers, Programs};
pub use inline::Inline;
use inspect::LoadKind;
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
    /// Runs a read for the selection ([`inspect`]): off the interface's
    /// thread, the newest request of each kind only.
    fn load(&mut self, kind: LoadKind, job: Job) -> io::Result<Vec<Msg>>;
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
    /// Run this (the file appended) instead of the editor or pager: an
    /// opener that wants the terminal.
    pub command: Option<Vec<std::ffi::OsString>>,
    /// Said in the status line once it is done (why the pager was chosen).
    pub note: Option<String>,
    /// The names of a bulk rename (the file is their temporary list).
    pub bulk: Option<bulk_edit::BulkSession>,
}

impl ExternalRequest {
    /// Runs the program this asks for and waits for it.
    pub fn run(&self, programs: &Programs) -> Result<(), String> {
        match &self.command {
            Some(words) => external::run_command(words, &self.path),
            None => external::run(programs, &self.path, self.pager),
        }
    }

    /// The messages that report the run's end: the result (with the file's
    /// fresh `lstat` when `restat_here`; the interface asks a reader thread
    /// for it instead, as the file may be on a mount that hangs), then the
    /// note when it went well.
    pub fn done(self, result: Result<(), String>, restat_here: bool) -> Vec<Msg> {
        if self.bulk.is_some() {
            return vec![bulk_edit::answer(self, result)];
        }
        let change = if restat_here { external::fresh_change(&self.path) } else { None };
        let note = self.note.filter(|_| result.is_ok());
        let mut msgs = vec![Msg::ExternalDone { result, change }];
        msgs.extend(note.map(Msg::Notice));
        msgs
    }
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
    /// What opens a file no `[open]` rule claims.
    openers: Openers,
    /// Said in the status line at the first chance (a command variable
    /// that could not be split).
    notices: Vec<String>,
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
        let (programs, errors) = Programs::from_env();
        Executor {
            runner,
            scan_options: ScanOptions::new(Vec::new()),
            programs,
            openers: Openers::default(),
            notices: errors.iter().map(ToString::to_string).collect(),
            background_scans: Vec::new(),
        }
    }

    /// `$OPENER` from the environment, run in the terminal or detached as
    /// the config says.
    pub fn with_openers_from_env(mut self, opener_terminal: bool) -> Self {
        let (openers, error) = Openers::from_env(opener_terminal);
        self.openers = openers;
        self.notices.extend(error.map(|e| e.to_string()));
        self
    }

    /// Uses these openers for `Enter` on a file.
    pub fn with_openers(mut self, openers: Openers) -> Self {
        self.openers = openers;
        self
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
        for notice in self.notices.drain(..) {
            state.error(format!("{notice}; using the default"));
        }
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
            // A statx or a read on a hung mount must not stop the
            // interface: the pane says "reading…" until the answer comes.
            Effect::LoadMeta { id, path } => {
                let failed =
                    |e: io::Error| Msg::MetaLoaded(Loaded { id, result: Err(e.to_string()) });
                self.runner
                    .load(LoadKind::Meta, inspect::meta_job(id, path))
                    .unwrap_or_else(|e| vec![failed(e)])
            }
            Effect::LoadPreview { id, path } => {
                let failed =
                    |e: io::Error| Msg::PreviewLoaded(Loaded { id, result: Err(e.to_string()) });
                self.runner
                    .load(LoadKind::Preview, inspect::preview_job(id, path))
                    .unwrap_or_else(|e| vec![failed(e)])
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
            Effect::ScanRoot { ticket, path, skip } => {
                let options =
                    ScanOptions { roots: vec![path.clone()], skip, ..self.scan_options.clone() };
                let failed = move |e: &io::Error| {
                    format!("cannot read {}: {e}", crate::sanitize::path(&path))
                };
                let wrap = move |event| Msg::Rescan { ticket, event };
                self.forward(state, options, ("statree-root", Some(ticket)), wrap, failed)
            }
            Effect::CompleteDir { ticket, dir, prefix } => {
                let job: Job = Box::new(move |out| {
                    let names = goto::directory_names(&dir, &prefix)
                        .map_err(|e| format!("cannot list {}: {e}", crate::sanitize::path(&dir)));
                    out.send(Msg::Completions { ticket, names });
                });
                let failed = |e: io::Error| Msg::Completions { ticket, names: Err(e.to_string()) };
                self.spawn("statree-complete", job, failed)
            }
            Effect::CheckGoto { ticket, path, roots } => {
                let job: Job = Box::new(move |out| {
                    let checked = goto::check_target(&path);
                    let real_roots = roots
                        .into_iter()
                        .map(|root| {
                            let real = std::fs::canonicalize(&root).ok();
                            (root, real)
                        })
                        .collect();
                    out.send(Msg::GotoChecked { ticket, path, real_roots, checked });
                });
                let failed = |e: io::Error| Msg::GotoChecked {
                    ticket,
                    path: PathBuf::new(),
                    real_roots: Vec::new(),
                    checked: Err(e.to_string()),
                };
                self.spawn("statree-goto", job, failed)
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
                let request =
                    ExternalRequest { path, pager, command: None, note: None, bulk: None };
                self.runner.open_external(&self.programs, request)
            }
            Effect::BulkEdit { dir, dir_parents, entries } => {
                match bulk_edit::prepare(dir.clone(), dir_parents.clone(), entries) {
                    Ok((path, session)) => {
                        let request = ExternalRequest {
                            path,
                            pager: false,
                            command: None,
                            note: None,
                            bulk: Some(session),
                        };
                        self.runner.open_external(&self.programs, request)
                    }
                    Err(why) => vec![Msg::BulkEdited {
                        dir,
                        dir_parents,
                        entries: Vec::new(),
                        result: Err(why),
                    }],
                }
            }
            Effect::LoadAccounts => {
                let job: Job = Box::new(|out| {
                    out.send(Msg::AccountsLoaded(accounts::load()));
                });
                self.spawn("statree-accounts", job, |_| Msg::AccountsLoaded(Default::default()))
            }
            Effect::Open { path, command, .. } => self.open(path, command),
            Effect::SortStep => self.runner.post(Msg::SortStep),
            Effect::Suspend => Vec::new(),
            Effect::Quit => {
                // Nothing forwarded is wanted any more.
                self.cancel_background_scans();
                Vec::new()
            }
        }
    }

    /// `Enter` on a file: a rule's command, or the opener the environment
    /// gives (see [`Openers::launch`]).
    fn open(&mut self, path: PathBuf, command: Option<(Vec<String>, bool)>) -> Vec<Msg> {
        let launch = match command {
            Some((words, terminal)) => {
                let words = words.into_iter().map(Into::into).collect();
                if terminal { Launch::Terminal(words) } else { Launch::Detached(words) }
            }
            None => self.openers.launch(),
        };
        let detached = match launch {
            Launch::Terminal(words) => {
                let request = ExternalRequest {
                    path,
                    pager: false,
                    command: Some(words),
                    note: None,
                    bulk: None,
                };
                return self.runner.open_external(&self.programs, request);
            }
            Launch::PagerNoDisplay => {
                let note = Some("no display and no $OPENER: opened in the pager".to_string());
                let request =
                    ExternalRequest { path, pager: true, command: None, note, bulk: None };
                return self.runner.open_external(&self.programs, request);
            }
            Launch::Detached(words) => external::open_detached(&words, &path),
            Launch::System => external::open_system(&path),
        };
        vec![Msg::Opened { path, result: detached }]
    }

    /// The fresh `lstat` of a file the editor or pager handed back, read off
    /// the interface's thread; the model takes it as a change.
    pub fn restat(&mut self, state: &mut State, path: std::path::PathBuf) {
        // No thread: the entry stays as the scan saw it until a watch or `R`.
        let answers =
            self.runner.load(LoadKind::Restat, inspect::restat_job(path)).unwrap_or_default();
        for msg in answers {
            let effects = update(state, msg);
            self.run_effects(state, effects);
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
            log::info!("action: {}", crate::logging::capped(&request));
            let outcome = action::execute(request, &cancel.0, &progress);
            log_outcome(&outcome);
            out.send(Msg::OpDone(outcome));
        });
        self.spawn("statree-action", job, |e| {
            let summary = format!("cannot start {label}: {e}");
            log::error!("action: {summary}");
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

/// The diagnostic log's record of what an action did.
fn log_outcome(outcome: &OpOutcome) {
    match outcome {
        OpOutcome::Done(report) => {
            let level = if report.failed { log::Level::Warn } else { log::Level::Info };
            log::log!(
                level,
                "action result: {} ({} changes)",
                report.summary,
                report.changes.len()
            );
            for line in &report.details {
                log::debug!("action detail: {line}");
            }
        }
        OpOutcome::Counted { will_change, .. } => {
            log::info!("action counted: {will_change} entries would change");
        }
        OpOutcome::Collisions { names, .. } => {
            log::info!("paste asks: {} names already exist in the target", names.len());
        }
    }
}
