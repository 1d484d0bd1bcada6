//! The event loop: every source of change becomes a [`Msg`]; everything
//! queued is drained and applied, then at most one frame is drawn, throttled.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::{Receiver, Sender, select};

use super::audit;
use super::external::{self, Programs};
use super::input::{self, Input};
use super::live::LiveWatch;
use super::ops;
use super::quit::{GRACE, QuitWatch};
use super::term::TerminalGuard;
use crate::model::FullStat;
use crate::model::NodeId;
use crate::names::OwnerNames;
use crate::preview::read_preview;
use crate::scan::{self, ScanCanceller, ScanEvent, ScanHandle, ScanOptions};
use crate::theme::Theme;
use crate::ui;
use crate::ui::preview::PREVIEW_CAP;
use crate::view::{Effect, Loaded, Mode, Msg, State, update};

/// Shortest time between two frames (≈ 60 fps at most).
const FRAME: Duration = Duration::from_millis(16);
/// How long one loop turn may spend applying scanner batches before it
/// looks at the keyboard again.
const SCAN_BUDGET: Duration = Duration::from_millis(8);
/// Wake-up interval for fading messages and animating progress.
const TICK: Duration = Duration::from_millis(100);
/// How long quitting waits for the first scan's threads after cancelling
/// it: not at all. Once cancelled they do no more work, the process exit
/// ends them, and one may be inside a directory read jwalk cannot cut
/// short (a million-entry listing takes longer than the whole quit may).
const QUIT_WAIT: Duration = Duration::ZERO;

/// Where user and group names are looked up.
enum NameLookup {
    /// Right here (tests, where the answer must be there after the call).
    Inline(Box<OwnerNames>),
    /// On a thread of their own, answering with [`Msg::OwnerResolved`].
    Thread(Sender<(u32, u32)>),
}

/// Where actions and re-scans run.
enum Workers {
    /// Right here, to completion (tests).
    Inline,
    /// On threads of their own, answering on the loop's channel.
    Threads(Sender<Msg>),
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

/// What the effects need that the pure state does not hold.
pub struct Io {
    names: NameLookup,
    workers: Workers,
    /// Options for re-scans (threads, links, one filesystem) — the roots are
    /// replaced by the directory re-read.
    scan_options: ScanOptions,
    /// The editor and pager.
    programs: Programs,
    /// Editor/pager runs the loop must do with the terminal handed over.
    external: Vec<ExternalRequest>,
    /// Where the audit pass reports (`None`: it runs inline).
    audit_tx: Option<Sender<Msg>>,
    /// Scans running on threads of their own: re-scans by ticket, the audit
    /// pass without one. Cancelled when superseded and when the loop ends.
    background_scans: Vec<(Option<u64>, ScanCanceller)>,
}

impl Default for Io {
    /// Looks names up, runs actions and re-scans inline; editor and pager
    /// from the environment, run without a terminal handover.
    fn default() -> Self {
        Io {
            names: NameLookup::Inline(Box::default()),
            workers: Workers::Inline,
            scan_options: ScanOptions::new(Vec::new()),
            programs: Programs::from_env(),
            external: Vec::new(),
            audit_tx: None,
            background_scans: Vec::new(),
        }
    }
}

impl Io {
    /// Looks names up on a thread of their own, answering on `tx`: NSS may
    /// read files or ask the network, which the interface's thread must not wait for.
    pub fn with_name_thread(tx: Sender<Msg>) -> io::Result<Self> {
        let (requests, rx) = crossbeam_channel::unbounded::<(u32, u32)>();
        let workers = Workers::Threads(tx.clone());
        let audit_tx = Some(tx.clone());
        std::thread::Builder::new().name("statree-names".into()).spawn(move || {
            let mut names = OwnerNames::new();
            for (uid, gid) in rx {
                let user = names.user(uid).map(str::to_owned);
                let group = names.group(gid).map(str::to_owned);
                if tx.send(Msg::OwnerResolved { uid, user, gid, group }).is_err() {
                    break;
                }
            }
        })?;
        Ok(Io {
            names: NameLookup::Thread(requests),
            workers,
            scan_options: ScanOptions::new(Vec::new()),
            programs: Programs::from_env(),
            external: Vec::new(),
            audit_tx,
            background_scans: Vec::new(),
        })
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

    /// Takes the editor/pager runs waiting for the terminal.
    pub fn take_external(&mut self) -> Vec<ExternalRequest> {
        std::mem::take(&mut self.external)
    }

    /// The programs for `e` and `o`.
    pub fn programs(&self) -> &Programs {
        &self.programs
    }

    /// Cancels the re-scans the state no longer waits for (superseded by
    /// another of the same directory, or finished).
    pub fn cancel_superseded(&mut self, state: &State) {
        self.background_scans.retain(|(ticket, scan)| match ticket {
            Some(ticket) if !state.rescans.contains_key(ticket) => {
                scan.cancel();
                false
            }
            _ => true,
        });
    }

    /// Cancels every scan running on a thread of its own.
    pub fn cancel_background_scans(&mut self) {
        for (_, scan) in self.background_scans.drain(..) {
            scan.cancel();
        }
    }

    fn rescan_options(&self, path: PathBuf) -> ScanOptions {
        ScanOptions { roots: vec![path], ..self.scan_options.clone() }
    }

    /// Runs the effects an update returned, feeding their results back.
    /// Returns true when the loop must suspend the process.
    pub fn run_effects(&mut self, state: &mut State, effects: Vec<Effect>) -> bool {
        let mut suspend = false;
        let mut queue = effects;
        while !queue.is_empty() {
            let mut next = Vec::new();
            for effect in queue {
                match effect {
                    Effect::LoadMeta { id, path } => {
                        let result = FullStat::read_entry(&path).map_err(|e| e.to_string());
                        next.extend(update(state, Msg::MetaLoaded(Loaded { id, result })));
                    }
                    Effect::LoadPreview { id, path } => {
                        let result = read_preview(&path, PREVIEW_CAP).map_err(|e| e.to_string());
                        next.extend(update(state, Msg::PreviewLoaded(Loaded { id, result })));
                    }
                    Effect::ResolveOwner { uid, gid } => match &mut self.names {
                        NameLookup::Inline(names) => {
                            let user = names.user(uid).map(str::to_owned);
                            let group = names.group(gid).map(str::to_owned);
                            let msg = Msg::OwnerResolved { uid, user, gid, group };
                            next.extend(update(state, msg));
                        }
                        NameLookup::Thread(requests) => {
                            // The thread only ends with the loop.
                            let _ = requests.send((uid, gid));
                        }
                    },
                    Effect::StartAuditPass { roots, follow_links, one_file_system } => {
                        let options = audit::pass_options(roots, follow_links, one_file_system);
                        match &self.audit_tx {
                            None => next.extend(audit::run_inline(state, options)),
                            Some(tx) => match audit::spawn(options, tx.clone()) {
                                Ok(pass) => self.background_scans.push((None, pass)),
                                Err(e) => state.error(format!("audit scan: {e}")),
                            },
                        }
                    }
                    Effect::Suspend => suspend = true,
                    Effect::Quit => {}
                    Effect::Run { request, cancel } => match &self.workers {
                        Workers::Inline => {
                            let outcome = ops::execute(request, &cancel.0, &|_| {});
                            next.extend(update(state, Msg::OpDone(outcome)));
                        }
                        Workers::Threads(tx) => spawn_action(tx.clone(), request, cancel),
                    },
                    Effect::Rescan { ticket, path } => {
                        let options = self.rescan_options(path.clone());
                        match (&self.workers, scan::start(options)) {
                            (Workers::Inline, Ok(handle)) => {
                                for event in handle.events().iter() {
                                    let finished = matches!(event, ScanEvent::Finished { .. });
                                    next.extend(update(state, Msg::Rescan { ticket, event }));
                                    if finished {
                                        break;
                                    }
                                }
                            }
                            (Workers::Threads(tx), Ok(handle)) => {
                                self.background_scans.push((Some(ticket), handle.canceller()));
                                spawn_rescan_forwarder(tx.clone(), ticket, handle);
                            }
                            (_, Err(e)) => {
                                state.error(format!(
                                    "cannot re-read {}: {e}",
                                    crate::sanitize::path(&path)
                                ));
                                let finished = ScanEvent::Finished { elapsed: Duration::ZERO };
                                next.extend(update(state, Msg::Rescan { ticket, event: finished }));
                            }
                        }
                    }
                    Effect::Relist { ticket, dir, path } => match &self.workers {
                        Workers::Inline => next.extend(update(state, listed(ticket, dir, &path))),
                        Workers::Threads(tx) => spawn_relist(tx.clone(), ticket, dir, path),
                    },
                    Effect::CheckDirs { ticket, dirs } => match &self.workers {
                        Workers::Inline => next.extend(update(state, dirs_checked(ticket, &dirs))),
                        Workers::Threads(tx) => spawn_dir_check(tx.clone(), ticket, dirs),
                    },
                    Effect::OpenExternal { path, pager, .. } => match &self.workers {
                        Workers::Inline => {
                            let result = external::run(&self.programs, &path, pager);
                            let change = external::fresh_change(&path);
                            next.extend(update(state, Msg::ExternalDone { result, change }));
                        }
                        Workers::Threads(_) => {
                            self.external.push(ExternalRequest { path, pager });
                        }
                    },
                }
            }
            queue = next;
        }
        suspend
    }
}

/// Minimum time between two progress messages of a running action.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Runs an action on a thread of its own; its progress and result come back
/// as messages.
fn spawn_action(
    tx: Sender<Msg>,
    request: crate::view::OpRequest,
    cancel: crate::view::ops::CancelFlag,
) {
    let spawned = std::thread::Builder::new().name("statree-action".into()).spawn({
        let tx = tx.clone();
        let request = request.clone();
        move || {
            let last = std::cell::Cell::new(Instant::now());
            let progress = |seen: u64| {
                if last.get().elapsed() >= PROGRESS_EVERY {
                    last.set(Instant::now());
                    let _ = tx.try_send(Msg::OpProgress(seen));
                }
            };
            let outcome = ops::execute(request, &cancel.0, &progress);
            let _ = tx.send(Msg::OpDone(outcome));
        }
    });
    if let Err(e) = spawned {
        let report = crate::view::OpReport {
            summary: format!("cannot start {}: {e}", request.label()),
            failed: true,
            ..Default::default()
        };
        let _ = tx.send(Msg::OpDone(crate::view::OpOutcome::Done(report)));
    }
}

/// Lists a directory the user opened, as a message for the loop.
fn listed(ticket: u64, dir: crate::model::NodeId, path: &std::path::Path) -> Msg {
    let listing = crate::watch::relist::list_dir(path).map_err(|e| e.to_string());
    Msg::Listed { ticket, dir, listing }
}

/// Lists a directory the user opened on a thread of its own.
fn spawn_relist(tx: Sender<Msg>, ticket: u64, dir: crate::model::NodeId, path: PathBuf) {
    let spawned = std::thread::Builder::new().name("statree-relist".into()).spawn({
        let tx = tx.clone();
        let path = path.clone();
        move || {
            let _ = tx.send(listed(ticket, dir, &path));
        }
    });
    if let Err(e) = spawned {
        let listing = Err(format!("cannot list {}: {e}", crate::sanitize::path(&path)));
        let _ = tx.try_send(Msg::Listed { ticket, dir, listing });
    }
}

fn dirs_checked(ticket: u64, dirs: &[(crate::model::NodeId, PathBuf)]) -> Msg {
    Msg::DirsChecked { ticket, stats: crate::watch::relist::lstat_each(dirs) }
}

/// Checks the directories on screen on a thread of its own: a screenful of
/// `lstat`s, but one on a hung mount must not stop the interface.
fn spawn_dir_check(tx: Sender<Msg>, ticket: u64, dirs: Vec<(crate::model::NodeId, PathBuf)>) {
    let spawned = std::thread::Builder::new().name("statree-check".into()).spawn({
        let tx = tx.clone();
        move || {
            let _ = tx.send(dirs_checked(ticket, &dirs));
        }
    });
    if spawned.is_err() {
        // No thread: answer "unknown" for each, so the next check can run.
        let stats = Vec::new();
        let _ = tx.try_send(Msg::DirsChecked { ticket, stats });
    }
}

/// Forwards a re-scan's events to the loop until it finishes (the handle,
/// and with it the scan, is dropped then).
fn spawn_rescan_forwarder(tx: Sender<Msg>, ticket: u64, handle: ScanHandle) {
    let fallback = tx.clone();
    let spawned = std::thread::Builder::new().name("statree-rescan".into()).spawn(move || {
        for event in handle.events().iter() {
            let finished = matches!(event, ScanEvent::Finished { .. });
            if tx.send(Msg::Rescan { ticket, event }).is_err() || finished {
                break;
            }
        }
    });
    if spawned.is_err() {
        let event = ScanEvent::Finished { elapsed: Duration::ZERO };
        let _ = fallback.send(Msg::Rescan { ticket, event });
    }
}

/// Turns SIGTERM, SIGHUP and SIGINT into a quit message (carried out by
/// `watch` if the loop has not begun quitting within the grace time), and
/// SIGWINCH into a resize (the input thread reads bytes, not crossterm's events).
fn spawn_signals(tx: Sender<Msg>, watch: QuitWatch) -> io::Result<signal_hook::iterator::Handle> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGWINCH};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGWINCH])?;
    let handle = signals.handle();
    std::thread::Builder::new().name("statree-signals".into()).spawn(move || {
        for signal in signals.forever() {
            let msg = if signal == SIGWINCH {
                match ratatui::crossterm::terminal::size() {
                    Ok((w, h)) => Msg::Resize(w, h),
                    Err(_) => continue,
                }
            } else {
                Msg::Terminate
            };
            let terminate = matches!(msg, Msg::Terminate);
            if tx.send(msg).is_err() {
                break;
            }
            if terminate {
                std::thread::sleep(GRACE);
                watch.enforce();
            }
        }
    })?;
    Ok(handle)
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Runs the interface until the user quits. Returns the directory of the
/// selected entry (for `--cwd-file`).
///
/// The first frame is drawn before `start_scan` runs, so it appears at once
/// whatever the size of the tree. `cwd_file` is only written here when the
/// loop is too busy to quit in time (see [`super::quit`]); the caller writes
/// it otherwise.
pub fn run(
    mut state: State,
    theme: &Theme,
    options: ScanOptions,
    title: String,
    cwd_file: Option<&Path>,
) -> io::Result<Option<PathBuf>> {
    let mut guard = TerminalGuard::new(title)?;
    let size = guard.terminal.size()?;
    state.size = (size.width, size.height);
    state.now = Instant::now();
    state.now_unix = unix_now();
    guard.terminal.draw(|frame| ui::draw(frame, &state, theme))?;
    state.needs_draw = false;
    let mut last_draw = Instant::now();
    let scan = scan::start(options.clone())?;
    state.scan_started = Instant::now();

    let (tx, rx) = crossbeam_channel::bounded::<Msg>(1024);
    let watch = QuitWatch::new(cwd_file.map(Path::to_path_buf));
    let mut input = Input::spawn(tx.clone(), state.keymap.clone(), watch.clone())?;
    let signals = spawn_signals(tx.clone(), watch.clone())?;
    let mut published: Option<NodeId> = None;
    let mut io_ctx = Io::with_name_thread(tx.clone())?.with_scan_options(options);
    let (mut live, watch_failed) = LiveWatch::start(tx.clone());
    drop(tx);
    if let Some(msg) = watch_failed {
        let effects = update(&mut state, msg);
        io_ctx.run_effects(&mut state, effects);
    }
    let ticker = crossbeam_channel::tick(TICK);
    let scan_rx = scan.events().clone();
    let mut scan_open = true;

    let result = loop {
        // Wait for anything, but no longer than the next frame is due.
        let wait = if state.needs_draw { FRAME.saturating_sub(last_draw.elapsed()) } else { TICK };
        let first = wait_for_message(&rx, &scan_rx, &ticker, scan_open, wait);
        state.now = Instant::now();
        state.now_unix = unix_now();
        let mut suspend = false;
        // A key or click applied this turn: the input thread waits to hear
        // that it did not quit before it reads on.
        let mut unacked = false;
        if let Some(msg) = first {
            if matches!(msg, Msg::Scan(ScanEvent::Finished { .. })) {
                scan_open = false;
            }
            unacked |= input::needs_ack(&msg);
            let effects = update(&mut state, msg);
            suspend |= io_ctx.run_effects(&mut state, effects);
        }
        // Drain: every queued input first, then scanner batches within a budget.
        while let Ok(msg) = rx.try_recv() {
            unacked |= input::needs_ack(&msg);
            let effects = update(&mut state, msg);
            suspend |= io_ctx.run_effects(&mut state, effects);
        }
        if state.quit {
            break Ok(());
        }
        if unacked && !suspend && io_ctx.external.is_empty() {
            watch.set_browsing(matches!(state.mode, Mode::Normal));
            input.acknowledge();
            unacked = false;
        }
        let budget = Instant::now() + SCAN_BUDGET;
        while scan_open && Instant::now() < budget {
            let Ok(event) = scan_rx.try_recv() else { break };
            if matches!(event, ScanEvent::Finished { .. }) {
                scan_open = false;
            }
            let effects = update(&mut state, Msg::Scan(event));
            suspend |= io_ctx.run_effects(&mut state, effects);
        }
        if state.quit {
            break Ok(());
        }
        io_ctx.cancel_superseded(&state);
        if suspend {
            watch.set_owned(false);
            let suspended = guard.suspend();
            watch.set_owned(true);
            if let Err(e) = suspended {
                break Err(e);
            }
            let effects = update(&mut state, Msg::Resumed);
            io_ctx.run_effects(&mut state, effects);
        }
        let mut handover_failed = None;
        // The input thread is not reading here: it waits for the
        // acknowledgement of the key that asked for the hand-over.
        for request in io_ctx.take_external() {
            let programs = io_ctx.programs().clone();
            watch.set_owned(false);
            let handed = guard.hand_over(|| external::run(&programs, &request.path, request.pager));
            watch.set_owned(true);
            match handed {
                Ok(result) => {
                    let change = external::fresh_change(&request.path);
                    let effects = update(&mut state, Msg::ExternalDone { result, change });
                    io_ctx.run_effects(&mut state, effects);
                }
                Err(e) => handover_failed = Some(e),
            }
        }
        if let Some(e) = handover_failed {
            break Err(e);
        }
        if unacked && !state.quit {
            watch.set_browsing(matches!(state.mode, Mode::Normal));
            input.acknowledge();
        }
        // A dialog may also open without a key (an action's report).
        watch.set_browsing(matches!(state.mode, Mode::Normal));
        if watch.wants_selection() && state.selected_node() != published {
            published = state.selected_node();
            watch.publish_selection(selected_directory(&state));
        }
        state.refresh_rows();
        live.sync(&state);
        if state.needs_draw && last_draw.elapsed() >= FRAME {
            if let Err(e) = guard.terminal.draw(|frame| ui::draw(frame, &state, theme)) {
                break Err(e);
            }
            state.needs_draw = false;
            last_draw = Instant::now();
        }
    };
    watch.begin_quit();
    // Quitting: first stop reading, so nothing typed after the quit key is
    // taken from the terminal; then restore it (raw mode is left with
    // TCSANOW, which keeps the pending input for the shell).
    input.stop();
    signals.close();
    drop(guard);
    // The loop's own clone of the receiver goes first (the scan's handle
    // does not depend on it, but nothing should keep the channel open);
    // then every scan is cancelled.
    drop(scan_rx);
    io_ctx.cancel_background_scans();
    scan.stop(QUIT_WAIT);
    result?;
    Ok(selected_directory(&state))
}

fn wait_for_message(
    rx: &Receiver<Msg>,
    scan_rx: &Receiver<ScanEvent>,
    ticker: &Receiver<Instant>,
    scan_open: bool,
    wait: Duration,
) -> Option<Msg> {
    let never = crossbeam_channel::never();
    let scan_rx = if scan_open { scan_rx } else { &never };
    select! {
        recv(rx) -> msg => msg.ok(),
        recv(scan_rx) -> event => event.ok().map(Msg::Scan),
        recv(ticker) -> _ => Some(Msg::Tick),
        default(wait) => None,
    }
}

/// The directory a shell should `cd` to: the selection if it is a
/// directory, else the directory holding it.
pub fn selected_directory(state: &State) -> Option<PathBuf> {
    let id = state.selected_node()?;
    let dir = if state.tree.kind(id) == crate::model::FileKind::Dir {
        id
    } else {
        state.tree.parent(id).unwrap_or(id)
    };
    std::path::absolute(state.tree.path(dir)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_of(dir: &Path) -> ScanHandle {
        scan::start(ScanOptions::new(vec![dir.to_path_buf()])).expect("start a scan")
    }

    #[test]
    fn a_rescan_the_state_no_longer_waits_for_is_cancelled_and_the_rest_at_quit() {
        let tmp = tempfile::TempDir::new().expect("temp dir");
        let (superseded, audit) = (scan_of(tmp.path()), scan_of(tmp.path()));
        let mut io = Io::default();
        io.background_scans.push((Some(7), superseded.canceller()));
        io.background_scans.push((None, audit.canceller()));
        // No re-scan with ticket 7 in the state: it was replaced or is done.
        let state = State::new(Default::default(), Default::default(), Instant::now());
        io.cancel_superseded(&state);
        assert!(superseded.canceller().is_cancelled());
        assert!(!audit.canceller().is_cancelled(), "the audit pass has no ticket");
        io.cancel_background_scans();
        assert!(audit.canceller().is_cancelled());
        assert!(io.background_scans.is_empty());
    }
}
