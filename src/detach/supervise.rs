//! The waiting parent: forwards the user's signals to statree's process,
//! follows its stops, and ends as it ends (see [`super`]).

use std::io::{PipeReader, PipeWriter, Read};
use std::time::{Duration, Instant};

use rustix::io::Errno;
use rustix::process::{Pid, Signal, WaitOptions, WaitStatus};
use signal_hook::consts::{
    SIGCHLD, SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGUSR1, SIGUSR2,
};

/// How often the parent looks whether the child has begun to die.
const DYING_CHECK: Duration = Duration::from_millis(10);

/// How long a child that began to die but cannot be reaped is given for its
/// "done" byte to be read, before the parent dies of the signal.
const ANSWER_WAIT: Duration = Duration::from_millis(100);

/// How often the parent looks whether the child that said it is done has
/// ended, within [`super::REAP_WAIT`].
const REAP_CHECK: Duration = Duration::from_millis(1);

/// Signals the parent hands on to the child.
const FORWARDED: [i32; 8] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT, SIGUSR1, SIGUSR2];

/// Waits for `child`, forwarding signals; never returns. `done` is read for
/// the child's "done" byte; `writer`, its other end, stays open here for
/// the child to open through `/proc` (and so the read never sees an end).
pub(super) fn run(child: Pid, done: PipeReader, writer: PipeWriter) -> ! {
    let _kept_open = writer;
    // The parent keeps no copy of the terminal or of the output: a pipe
    // reading statree's output ends when the child closes it.
    super::to_dev_null();
    // A signal ignored when statree started (SIGINT and SIGQUIT for a
    // command run with `&` by a non-interactive shell) stays ignored: the
    // child inherited that, and the parent must not die of it either.
    let ignored = ignored_signals();
    let mut set: Vec<i32> = FORWARDED.into_iter().filter(|&sig| !ignored(sig)).collect();
    set.push(SIGCHLD);
    let Ok(mut signals) = signal_hook::iterator::Signals::new(&set) else {
        // Without handlers the parent can only wait.
        exit_like(wait_child(child, WaitOptions::empty()));
    };
    // A child that ended before the handlers were in place sent its
    // SIGCHLD to nobody.
    if let Some(status) = reap(child) {
        exit_like(Some(status));
    }
    std::thread::spawn(move || {
        let mut done = done;
        let mut code = [0u8; 1];
        loop {
            match done.read(&mut code) {
                Ok(1) => finish(child, code[0]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                // Never while `writer` is open; the child's end, if any, comes
                // from SIGCHLD.
                _ => return,
            }
        }
    });
    for signal in signals.forever() {
        if signal == SIGCHLD {
            if let Some(status) = reap(child) {
                exit_like(Some(status));
            }
            continue;
        }
        if let Some(forwarded) = Signal::from_named_raw(signal) {
            let _ = rustix::process::kill_process(child, forwarded);
        }
        if matches!(signal, SIGTERM | SIGINT | SIGHUP | SIGQUIT) {
            std::thread::spawn(move || die_with(child, signal));
        }
    }
    exit_like(wait_child(child, WaitOptions::empty()))
}

/// The child said it is done with `code`: reaped within
/// [`super::REAP_WAIT`], it ends the parent with its status (and its
/// resource use is counted for the parent's own waiter); else it has a
/// worker stuck in a call, and the parent exits with `code` now.
fn finish(child: Pid, code: u8) -> ! {
    let deadline = Instant::now() + super::REAP_WAIT;
    loop {
        match rustix::process::waitpid(Some(child), WaitOptions::NOHANG) {
            Ok(Some((_, status))) if !status.stopped() => exit_like(Some(status)),
            Ok(_) | Err(Errno::INTR) => {}
            // Reaped by the signal loop, which ends the parent too.
            Err(_) => break,
        }
        if Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(REAP_CHECK);
    }
    std::process::exit(i32::from(code))
}

/// After forwarding `signal`, which ends statree: once the child has begun
/// to die (or [`super::GRACE`] has passed), the parent ends as it did or,
/// when it cannot be reaped, dies of `signal`.
fn die_with(child: Pid, signal: i32) {
    let deadline = Instant::now() + super::GRACE;
    while Instant::now() < deadline && !dying(child) {
        std::thread::sleep(DYING_CHECK);
    }
    // A child that quit cleanly on the signal (the interface turns SIGTERM,
    // SIGINT and SIGHUP into a quit) also shows as dying: reaped, it ends
    // the parent with its own status; one that cannot be reaped may still
    // have said it is done, and the thread reading that answer gets its
    // moment first.
    if let Some(status) = reap(child) {
        exit_like(Some(status));
    }
    std::thread::sleep(ANSWER_WAIT);
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    std::process::exit(128 + signal);
}

/// Which signals this process ignores, from `SigIgn` of `/proc/self/status`
/// (a hexadecimal mask, bit N-1 for signal N); none when it cannot be read.
fn ignored_signals() -> impl Fn(i32) -> bool {
    let mask = std::fs::read_to_string("/proc/self/status").ok().and_then(|s| sig_ign_mask(&s));
    let mask = mask.unwrap_or(0);
    move |signal| (1..=64).contains(&signal) && mask & (1 << (signal - 1)) != 0
}

fn sig_ign_mask(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("SigIgn:"))?;
    u64::from_str_radix(line.trim(), 16).ok()
}

/// Whether the child's main thread has ended (it shows as a zombie while
/// another of its threads is stuck and keeps it from being reaped).
fn dying(child: Pid) -> bool {
    let path = format!("/proc/{}/stat", child.as_raw_nonzero());
    let Ok(stat) = std::fs::read_to_string(path) else { return true };
    let state = stat.rfind(')').and_then(|at| stat[at + 1..].split_whitespace().next());
    matches!(state, Some("Z" | "X") | None)
}

/// What became of the child: `Some` once it ended; a stop stops the parent
/// too (so the shell sees the job stopped), and both go on together.
fn reap(child: Pid) -> Option<WaitStatus> {
    loop {
        let status = wait_child(child, WaitOptions::NOHANG | WaitOptions::UNTRACED)?;
        if status.stopped() {
            // The shell's SIGCONT (or ours, forwarded) continues both.
            let _ = rustix::process::kill_process(rustix::process::getpid(), Signal::STOP);
            continue;
        }
        return Some(status);
    }
}

/// `waitpid` for the child; `None` when it has nothing to report.
fn wait_child(child: Pid, options: WaitOptions) -> Option<WaitStatus> {
    loop {
        match rustix::process::waitpid(Some(child), options) {
            Ok(Some((pid, status))) if pid == child => return Some(status),
            Err(Errno::INTR) => {}
            _ => return None,
        }
    }
}

/// Ends the parent as the child ended: the same exit status, or death by the
/// same signal.
fn exit_like(status: Option<WaitStatus>) -> ! {
    if let Some(status) = status {
        if let Some(code) = status.exit_status() {
            std::process::exit(code);
        }
        if let Some(signal) = status.terminating_signal() {
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    }
    std::process::exit(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ignored_signals_are_read_from_the_status_mask() {
        let status = "Name:\tstatree\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000006\n";
        let mask = sig_ign_mask(status).unwrap();
        // Bits 1 and 2: SIGINT (2) and SIGQUIT (3).
        assert_eq!(mask, 0b110);
        assert_eq!(sig_ign_mask("Name:\tx\n"), None);
        assert_eq!(sig_ign_mask("SigIgn:\tnot hex\n"), None);
    }
}
