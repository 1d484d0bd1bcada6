//! The event loop: every source of change becomes a [`Msg`]; everything
//! queued is drained and applied, then at most one frame is drawn, throttled.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::{Receiver, Sender, select};

use super::input::{self, Input};
use super::live::LiveWatch;
use super::quit::{GRACE, QuitWatch};
use super::term::TerminalGuard;
use crate::exec::{Executor, Threads};
use crate::model::NodeId;
use crate::scan::{self, ScanEvent, ScanOptions};
use crate::theme::Theme;
use crate::ui;
use crate::view::{Mode, Msg, State, update};

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

/// Turns SIGTERM, SIGHUP and SIGINT into a quit message (carried out by
/// `watch` if the loop has not begun quitting within the grace time),
/// SIGWINCH into a resize (the input thread reads bytes, not crossterm's
/// events), SIGTSTP into the suspend Ctrl-z asks for (`suspend` set, the loop
/// woken: it restores the terminal, stops, and takes the terminal back with a
/// full redraw on SIGCONT), and SIGQUIT into death by SIGQUIT with the
/// terminal restored first.
fn spawn_signals(
    tx: Sender<Msg>,
    watch: QuitWatch,
    suspend: Arc<AtomicBool>,
) -> io::Result<signal_hook::iterator::Handle> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGWINCH};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGWINCH, SIGTSTP, SIGQUIT])?;
    let handle = signals.handle();
    std::thread::Builder::new().name("statree-signals".into()).spawn(move || {
        for signal in signals.forever() {
            let msg = match signal {
                SIGWINCH => match ratatui::crossterm::terminal::size() {
                    Ok((w, h)) => Msg::Resize(w, h),
                    Err(_) => continue,
                },
                SIGQUIT => watch.die_of(SIGQUIT),
                SIGTSTP if watch.owned() => {
                    suspend.store(true, Ordering::SeqCst);
                    Msg::Tick
                }
                SIGTSTP => {
                    // An editor or pager has the terminal: stop as SIGTSTP's
                    // default action would.
                    let me = rustix::process::getpid();
                    let _ = rustix::process::kill_process(me, rustix::process::Signal::STOP);
                    continue;
                }
                _ => Msg::Terminate,
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
/// loop is too busy to quit in time (see `tui/quit.rs`); the caller writes
/// it otherwise.
pub fn run(
    mut state: State,
    theme: &Theme,
    options: ScanOptions,
    title: String,
    cwd_file: Option<&Path>,
) -> io::Result<Option<PathBuf>> {
    // The signal handlers go in before the terminal changes: a SIGTERM,
    // SIGINT or SIGHUP that came between the first frame and their
    // registration killed the process with the alternate screen still on.
    // One that comes now waits in the channel for the loop's first turn.
    let (tx, rx) = crossbeam_channel::bounded::<Msg>(1024);
    let watch = QuitWatch::new(cwd_file.map(Path::to_path_buf));
    let suspend_asked = Arc::new(AtomicBool::new(false));
    let signals = spawn_signals(tx.clone(), watch.clone(), Arc::clone(&suspend_asked))?;
    let mut guard = TerminalGuard::new(title)?;
    let size = guard.terminal.size()?;
    state.screen.size = (size.width, size.height);
    state.screen.now = Instant::now();
    state.screen.now_unix = unix_now();
    guard.terminal.draw(|frame| ui::draw(frame, &state, theme))?;
    state.screen.needs_draw = false;
    let mut last_draw = Instant::now();
    let scan = scan::start(options.clone())?;
    state.scan.started = Instant::now();

    let mut input = Input::spawn(tx.clone(), state.keymap.clone(), watch.clone())?;
    let mut published: Option<NodeId> = None;
    let mut io_ctx = Executor::new(Threads::start(tx.clone())?)
        .with_scan_options(options)
        .with_openers_from_env(state.open.rules.opener_terminal);
    let (mut live, watch_failed) = LiveWatch::start(tx.clone());
    drop(tx);
    if let Some(msg) = watch_failed {
        let effects = update(&mut state, msg);
        io_ctx.run_effects(&mut state, effects);
    }
    let ticker = crossbeam_channel::tick(TICK);
    let scan_rx = scan.events().clone();
    let mut scan_open = true;
    let mut oom_stopped = false;

    let result = loop {
        // Wait for anything, but no longer than the next frame is due.
        let wait =
            if state.screen.needs_draw { FRAME.saturating_sub(last_draw.elapsed()) } else { TICK };
        let first = wait_for_message(&rx, &scan_rx, &ticker, scan_open, wait);
        state.screen.now = Instant::now();
        state.screen.now_unix = unix_now();
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
        if state.screen.quit {
            break Ok(());
        }
        if unacked && !suspend && !io_ctx.runner_mut().has_external() {
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
        if state.screen.quit {
            break Ok(());
        }
        if !oom_stopped && state.tree.out_of_memory().is_some() {
            // The tree stopped growing for want of memory: stop the walk
            // (its `Finished` still comes); what was read stays browsable.
            scan.cancel();
            oom_stopped = true;
        }
        io_ctx.cancel_superseded(&state);
        // `:` replaced the tree: the first scan has nothing left to give it.
        if state.nav.main_dropped && scan_open {
            scan.cancel();
            scan_open = false;
        }
        // An external SIGTSTP suspends as Ctrl-z does.
        suspend |= suspend_asked.swap(false, Ordering::SeqCst);
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
        for request in io_ctx.runner_mut().take_external() {
            let programs = io_ctx.programs().clone();
            watch.set_owned(false);
            let handed = guard.hand_over(|| request.run(&programs));
            watch.set_owned(true);
            match handed {
                Ok(result) => {
                    // The fresh lstat comes later, from a thread: the file
                    // may be on a mount that hangs.
                    let path = request.path.clone();
                    let bulk = request.bulk.is_some();
                    for msg in request.done(result, false) {
                        let effects = update(&mut state, msg);
                        io_ctx.run_effects(&mut state, effects);
                    }
                    if !bulk {
                        io_ctx.restat(&mut state, path);
                    }
                }
                Err(e) => handover_failed = Some(e),
            }
        }
        if let Some(e) = handover_failed {
            break Err(e);
        }
        if unacked && !state.screen.quit {
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
        // That rebuild may have met a huge directory: its sort starts now.
        if state.rows.order.wants_step() {
            io_ctx.run_effects(&mut state, vec![crate::view::Effect::SortStep]);
        }
        live.sync(&state);
        if state.screen.needs_draw && last_draw.elapsed() >= FRAME {
            if let Err(e) = guard.terminal.draw(|frame| ui::draw(frame, &state, theme)) {
                break Err(e);
            }
            state.screen.needs_draw = false;
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
    // Only now that the terminal is the shell's again.
    super::chooser::write_chosen(&state)?;
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
