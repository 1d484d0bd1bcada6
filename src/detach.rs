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
//! [`split`] starts statree's own executable again (`/proc/self/exe`, else
//! [`std::env::current_exe`]) with the same arguments, the same standard
//! streams and in the same process group, and marks it as the child through
//! a private environment variable. The child runs statree; when it has
//! finished (terminal restored, output flushed) it tells the parent its exit
//! status through a pipe ([`done`]). The parent then reaps it, waiting at
//! most [`REAP_WAIT`]: a child that ends normally is reaped (so its resource
//! use, its peak memory included, is counted where `time` looks), one with a
//! worker still stuck is left behind and ends when the call returns (its
//! parent is then init). Either way the parent exits with the child's
//! status. The parent forwards the signals a user sends to the pid the
//! shell knows (TERM, INT, HUP, QUIT, TSTP, CONT, USR1, USR2), stops when
//! the child stops (Ctrl-z) so the shell sees the job stopped, and dies of
//! the signal the child died of. When the child has begun to die of a
//! signal but cannot be reaped (a thread stuck in a call), or has not
//! finished within [`GRACE`], the parent dies of that signal itself. The
//! child gets SIGTERM when the parent dies (`PR_SET_PDEATHSIG`): killing
//! the parent never leaves statree running, and the interface still
//! restores the terminal on its way out.
//!
//! The pipe is the parent's; the child opens the parent's write end through
//! `/proc/PARENT/fd/N` (N is in the marker), so no descriptor is inherited,
//! and none leaks into the programs statree starts. The marker names the
//! parent's pid: a statree started from statree's editor or shell inherits
//! it, finds another parent, and detaches on its own.
//!
//! Without `/proc` (no `/proc/self/exe`, no `current_exe`, no way to reach
//! the pipe), or when the executable cannot be started again, statree runs
//! in the process the shell started, with no waiting parent: everything
//! works, but a worker stuck on a hung mount then keeps the shell waiting
//! after quitting. A child that cannot open the pipe runs on too; the parent
//! then learns of the end only when the child is reaped.
//!
//! All of it is safe code: the spawn is std's, the calls std lacks
//! (`waitpid`, `kill`, `prctl`, `dup2`) are rustix's.

mod supervise;

use std::ffi::{OsStr, OsString};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use rustix::process::{Pid, Signal};

/// How long the parent waits at most for the child to finish after
/// forwarding a signal that ends it, while the child is still running (the
/// interface restoring the terminal on a loaded machine). A child that has
/// begun to die but cannot be reaped (its main thread gone, another stuck
/// in a syscall) is not waited for: the parent looks every few
/// milliseconds.
pub const GRACE: Duration = Duration::from_secs(5);

/// How long the parent waits, after the child said it is done, for the
/// child to end so it can be reaped. A child whose worker is stuck in a
/// call is not reaped: the parent exits when this has passed.
pub const REAP_WAIT: Duration = Duration::from_millis(100);

/// The environment variable that marks statree's process: `PID:FD`, the
/// waiting parent's pid and the number of its end of the "done" pipe.
const MARKER: &str = "STATREE_DETACHED_FROM";

/// The child's end of the pipe to the parent.
static DONE: OnceLock<File> = OnceLock::new();

/// Splits into a waiting parent and statree's process; returns in statree's
/// process (the child, or this one when there is no way to detach). The
/// parent never returns. Call it first thing in `main`.
pub fn split() {
    if let Some((parent, fd)) = std::env::var_os(MARKER).as_deref().and_then(parse_marker) {
        match adopt(parent, fd) {
            Adopted::Child => return,
            Adopted::Orphan => std::process::exit(1),
            // Inherited from a statree further up: detach on our own.
            Adopted::NotOurs => {}
        }
    }
    let Some(exe) = own_executable() else { return };
    let Ok((reader, writer)) = std::io::pipe() else { return };
    // Kept above the standard descriptors, which are pointed at /dev/null
    // later (one of them may have been closed when statree started).
    let Ok(reader) = above_stdio(reader).map(std::io::PipeReader::from) else { return };
    let Ok(writer) = above_stdio(writer).map(std::io::PipeWriter::from) else { return };
    let mut args = std::env::args_os();
    let mut command = Command::new(exe);
    if let Some(name) = args.next() {
        command.arg0(name);
    }
    command.args(args).env(MARKER, marker(rustix::process::getpid(), writer.as_raw_fd()));
    // Under `ulimit -v`, one malloc arena for every thread (see `arenas`).
    crate::arenas::one_arena_under_an_address_limit(&mut command);
    let Ok(child) = command.spawn() else { return };
    let Some(child) = i32::try_from(child.id()).ok().and_then(Pid::from_raw) else { return };
    supervise::run(child, reader, writer)
}

/// In statree's process: everything is done (the terminal restored, the
/// output flushed); the parent exits with `code` now, whatever threads are
/// still stuck here. The standard descriptors are closed first: a stuck
/// thread keeps the process's files open, and a pipe or terminal reading
/// statree's output must see its end now too.
pub fn done(code: u8) {
    let Some(mut pipe) = DONE.get() else { return };
    to_dev_null();
    let _ = pipe.write(&[code]);
}

/// Keeps the marker out of a program statree starts (an editor, a pager,
/// an opener): a statree started from there, later, must not take it for
/// its own (see [`split`]).
pub fn unmarked(command: &mut Command) -> &mut Command {
    command.env_remove(MARKER)
}

/// Points standard input, output and error at `/dev/null`.
fn to_dev_null() {
    if let Ok(null) = OpenOptions::new().read(true).write(true).open("/dev/null") {
        let _ = rustix::stdio::dup2_stdin(&null);
        let _ = rustix::stdio::dup2_stdout(&null);
        let _ = rustix::stdio::dup2_stderr(&null);
    }
}

/// A copy of `fd` numbered 3 or more (close-on-exec), `fd` closed.
fn above_stdio(fd: impl Into<OwnedFd>) -> std::io::Result<OwnedFd> {
    Ok(rustix::io::fcntl_dupfd_cloexec(fd.into(), 3)?)
}

/// `/proc/self/exe` names this very executable even if its file was since
/// replaced or removed; `current_exe` is the path it was started from.
fn own_executable() -> Option<PathBuf> {
    let proc = PathBuf::from("/proc/self/exe");
    if proc.exists() {
        return Some(proc);
    }
    std::env::current_exe().ok()
}

fn marker(parent: Pid, fd: i32) -> OsString {
    OsString::from(format!("{}:{fd}", parent.as_raw_nonzero()))
}

/// `PID:FD` back into its parts; anything else is not a marker.
fn parse_marker(value: &OsStr) -> Option<(Pid, i32)> {
    let text = std::str::from_utf8(value.as_bytes()).ok()?;
    let (pid, fd) = text.split_once(':')?;
    // Unsigned first: `Pid::from_raw` takes no negative number.
    let pid = Pid::from_raw(i32::try_from(pid.parse::<u32>().ok()?).ok()?)?;
    let fd = i32::try_from(fd.parse::<u32>().ok()?).ok()?;
    Some((pid, fd))
}

/// What a process started with a marker is.
#[derive(Debug, PartialEq, Eq)]
enum Adopted {
    /// statree's process, its parent waiting.
    Child,
    /// Started as the child, but the parent died before it could be told
    /// to signal this one's end: nobody waits for this process.
    Orphan,
    /// The marker was inherited (a statree started from statree).
    NotOurs,
}

/// Takes the child's part when `parent` is this process's parent: dies with
/// the parent from now on, and holds the write end of its pipe.
fn adopt(parent: Pid, fd: i32) -> Adopted {
    if rustix::process::getppid() != Some(parent) {
        // The parent that set the marker is alive: it waits for another
        // statree, not for this one (programs statree starts get no marker,
        // see [`unmarked`], but one may come through another way). Dead: it
        // died before this check. (EPERM: alive, but another user's.)
        let alive = match rustix::process::test_kill_process(parent) {
            Ok(()) => true,
            Err(e) => e != rustix::io::Errno::SRCH,
        };
        return if alive { Adopted::NotOurs } else { Adopted::Orphan };
    }
    // Should this fail, the parent's death goes unnoticed: nothing to do.
    let _ = rustix::process::set_parent_process_death_signal(Some(Signal::TERM));
    // The parent may have died between the check above and the prctl, in
    // which case no signal comes.
    if rustix::process::getppid() != Some(parent) {
        return Adopted::Orphan;
    }
    // A /proc of another pid namespace would name other processes.
    let me = rustix::process::getpid().as_raw_nonzero().to_string();
    if std::fs::read_link("/proc/self").ok().as_deref() != Some(std::path::Path::new(&me)) {
        return Adopted::Child;
    }
    take_parents_name(parent);
    let path = format!("/proc/{}/fd/{fd}", parent.as_raw_nonzero());
    // Non-blocking: the open fails rather than waits when the parent no
    // longer reads. Only a pipe is taken.
    let nonblock = rustix::fs::OFlags::NONBLOCK.bits() as i32;
    let pipe = OpenOptions::new().write(true).custom_flags(nonblock).open(path);
    if let Ok(pipe) = pipe
        && pipe.metadata().is_ok_and(|m| m.file_type().is_fifo())
        && let Ok(pipe) = above_stdio(pipe)
    {
        let _ = DONE.set(File::from(pipe));
    }
    Adopted::Child
}

/// Started as `/proc/self/exe`, the child would show as `exe` in `ps` and
/// `top`: it takes the parent's name (the one the shell started).
fn take_parents_name(parent: Pid) {
    let Ok(name) = std::fs::read(format!("/proc/{}/comm", parent.as_raw_nonzero())) else {
        return;
    };
    let name = name.strip_suffix(b"\n").unwrap_or(&name);
    if let Ok(name) = std::ffi::CString::new(name) {
        let _ = rustix::thread::set_name(&name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_reads_back_and_anything_else_is_refused() {
        let pid = Pid::from_raw(4242).unwrap();
        assert_eq!(parse_marker(&marker(pid, 7)), Some((pid, 7)));
        for bad in ["", "4242", "4242:", ":7", "0:7", "-3:7", "4242:-1", "x:7", "4242:7:1"] {
            assert_eq!(parse_marker(OsStr::new(bad)), None, "{bad}");
        }
        assert_eq!(parse_marker(OsStr::from_bytes(b"42\xff:7")), None);
    }

    #[test]
    fn a_marker_set_by_a_living_process_that_is_not_the_parent_is_not_ours() {
        // This process is alive and is not its own parent.
        let me = rustix::process::getpid();
        assert_eq!(adopt(me, 0), Adopted::NotOurs);
        assert!(DONE.get().is_none());
    }
}
