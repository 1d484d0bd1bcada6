//! Exiting while a worker is stuck in a syscall: statree runs as the child
//! of a small waiting parent, the process the shell started and waits for.
//!
//! A thread blocked in a request to a FUSE filesystem that the daemon has
//! already read cannot be interrupted: the kernel waits for the answer,
//! even for SIGKILL, and a process is only reaped once its last thread
//! ended. Measured on a FUSE mount whose readdir sleeps: after `q` the
//! terminal was restored at once, but the process stayed a zombie, and the
//! shell waited, until the readdir returned (15 s of a 20 s sleep; on a dead
//! mount, forever). No cancel flag, pool shutdown or signal can end such a
//! thread, so the only way out is not to be the process the shell waits for.
//!
//! [`split`] forks once, before any thread exists. The child runs statree;
//! when it has finished (terminal restored, output flushed) it tells the
//! parent its exit status through a pipe ([`done`]) and the parent exits
//! with it at once; a worker still stuck is left behind in the child, which
//! ends when the call returns (its parent is then init). The parent forwards
//! the signals a user sends to the pid the shell knows (TERM, INT, HUP, QUIT,
//! TSTP, CONT, USR1, USR2), stops when the child stops (Ctrl-z) so the shell
//! sees the job stopped, and dies of the signal the child died of. When the
//! child has begun to die of a signal but cannot be reaped (a thread stuck
//! in a call), or has not finished within [`GRACE`], the parent dies of that
//! signal itself. The child gets SIGTERM when the parent dies
//! (`PR_SET_PDEATHSIG`): killing the parent never leaves statree running, and
//! the interface still restores the terminal on its way out.
//!
//! The library denies unsafe code; this file is one of its two allowed
//! exceptions (checked by tests/packaging.rs): `fork` has no safe form, and
//! the calls around it (pipe, waitpid, sigaction, prctl) are made through
//! libc directly so that nothing between the fork and the return allocates
//! or takes a lock.
#![allow(unsafe_code)]

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use signal_hook::consts::{
    SIGCHLD, SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGUSR1, SIGUSR2,
};

/// How long the parent waits at most for the child to finish after
/// forwarding a signal that ends it, while the child is still running (the
/// interface restoring the terminal on a loaded machine). A child that has
/// begun to die but cannot be reaped (its main thread gone, another stuck
/// in a syscall) is not waited for: the parent looks every
/// [`DYING_CHECK`].
pub const GRACE: Duration = Duration::from_secs(5);

/// How often the parent looks whether the child has begun to die.
const DYING_CHECK: Duration = Duration::from_millis(10);

/// How long a child that began to die but cannot be reaped is given for its
/// "done" byte to be read, before the parent dies of the signal.
const ANSWER_WAIT: Duration = Duration::from_millis(100);

/// The child's end of the pipe to the parent.
static DONE: OnceLock<OwnedFd> = OnceLock::new();

/// Signals the parent hands on to the child.
const FORWARDED: [i32; 8] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT, SIGUSR1, SIGUSR2];

/// Forks into a waiting parent and statree's process; returns in the child
/// (or here, without a parent, when the fork is not possible). Must be called
/// while the process has one thread.
pub fn split() {
    let mut fds = [0; 2];
    // SAFETY: a plain pipe2 into a local array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return;
    }
    // SAFETY: both descriptors were just created and are owned here only.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // SAFETY: plain getpid.
    let parent = unsafe { libc::getpid() };
    // SAFETY: the process has a single thread (the caller's promise), so the
    // child may run any code after the fork.
    let child = unsafe { libc::fork() };
    if child < 0 {
        return;
    }
    if child == 0 {
        drop(read);
        // SAFETY: prctl with integer arguments; getppid has no arguments.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            if libc::getppid() != parent {
                // The parent is already gone.
                libc::_exit(1);
            }
        }
        let _ = DONE.set(write);
        return;
    }
    drop(write);
    supervise(child, read)
}

/// In statree's process: everything is done (the terminal restored, the
/// output flushed); the parent exits with `code` now, whatever threads are
/// still stuck here. The standard descriptors are closed first: a stuck
/// thread keeps the process's files open, and a pipe or terminal reading
/// statree's output must see its end now too.
pub fn done(code: u8) {
    let Some(fd) = DONE.get() else { return };
    // SAFETY: open, dup2 and write on descriptors this process owns.
    unsafe {
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC);
        if null >= 0 {
            for fd in 0..3 {
                libc::dup2(null, fd);
            }
            libc::close(null);
        }
        libc::write(fd.as_raw_fd(), (&code as *const u8).cast(), 1);
    }
}

/// The parent: waits for the child, forwarding signals; never returns.
fn supervise(child: libc::pid_t, done: OwnedFd) -> ! {
    // The parent keeps no copy of the terminal or of the output: a pipe
    // reading statree's output ends when the child closes it.
    // SAFETY: open and dup2 onto the standard descriptors of this process.
    unsafe {
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC);
        if null >= 0 {
            for fd in 0..3 {
                libc::dup2(null, fd);
            }
            libc::close(null);
        }
    }
    // A signal ignored when statree started (SIGINT and SIGQUIT for a
    // command run with `&` by a non-interactive shell) stays ignored: the
    // child inherited that, and the parent must not die of it either.
    let mut set: Vec<i32> = FORWARDED.into_iter().filter(|&sig| !ignored(sig)).collect();
    set.push(SIGCHLD);
    let Ok(mut signals) = signal_hook::iterator::Signals::new(&set) else {
        // Without handlers the parent can only wait.
        exit_like(wait_child(child, 0));
    };
    // A child that ended before the handlers were in place sent its
    // SIGCHLD to nobody.
    if let Some(status) = reap(child) {
        exit_like(Some(status));
    }
    std::thread::spawn(move || {
        let mut file = std::fs::File::from(done);
        let mut code = [0u8; 1];
        // One byte: the child finished. End of file: it is gone (SIGCHLD
        // says how).
        if let Ok(1) = file.read(&mut code) {
            std::process::exit(i32::from(code[0]));
        }
    });
    for signal in signals.forever() {
        if signal == SIGCHLD {
            if let Some(status) = reap(child) {
                exit_like(Some(status));
            }
            continue;
        }
        // SAFETY: kill with a pid this process forked.
        unsafe { libc::kill(child, signal) };
        if matches!(signal, SIGTERM | SIGINT | SIGHUP | SIGQUIT) {
            std::thread::spawn(move || {
                let deadline = Instant::now() + GRACE;
                while Instant::now() < deadline && !dying(child) {
                    std::thread::sleep(DYING_CHECK);
                }
                // A child that quit cleanly on the signal (the interface
                // turns SIGTERM, SIGINT and SIGHUP into a quit) also shows as
                // dying: reaped, it ends the parent with its own status; one
                // that cannot be reaped may still have said it is done, and
                // the thread reading that answer gets its moment first.
                if let Some(status) = reap(child) {
                    exit_like(Some(status));
                }
                std::thread::sleep(ANSWER_WAIT);
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            });
        }
    }
    exit_like(wait_child(child, 0))
}

/// Whether `signal` is ignored in this process.
fn ignored(signal: i32) -> bool {
    // SAFETY: sigaction with a null new action only reads the present one
    // into a zeroed local.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

/// Whether the child's main thread has ended (it shows as a zombie while
/// another of its threads is stuck and keeps it from being reaped).
fn dying(child: libc::pid_t) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else { return true };
    let state = stat.rfind(')').and_then(|at| stat[at + 1..].split_whitespace().next());
    matches!(state, Some("Z" | "X") | None)
}

/// What became of the child: `Some` once it ended; a stop stops the parent
/// too (so the shell sees the job stopped), and both go on together.
fn reap(child: libc::pid_t) -> Option<i32> {
    loop {
        let status = wait_child(child, libc::WNOHANG | libc::WUNTRACED)?;
        if libc::WIFSTOPPED(status) {
            // SAFETY: stopping this process; the shell's SIGCONT (or ours,
            // forwarded) continues both.
            unsafe { libc::raise(libc::SIGSTOP) };
            continue;
        }
        return Some(status);
    }
}

/// `waitpid` for the child; None when it has nothing to report.
fn wait_child(child: libc::pid_t, flags: i32) -> Option<i32> {
    let mut status = 0;
    loop {
        // SAFETY: waitpid into a local.
        let got = unsafe { libc::waitpid(child, &mut status, flags) };
        if got == child {
            return Some(status);
        }
        if got < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        return None;
    }
}

/// Ends the parent as the child ended: the same exit status, or death by the
/// same signal.
fn exit_like(status: Option<i32>) -> ! {
    match status {
        Some(status) if libc::WIFEXITED(status) => std::process::exit(libc::WEXITSTATUS(status)),
        Some(status) if libc::WIFSIGNALED(status) => {
            let signal = libc::WTERMSIG(status);
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal)
        }
        _ => std::process::exit(1),
    }
}
