//! The quit watchdog: a quit the loop has not begun within [`GRACE`] is
//! carried out by the thread that saw it (the input or the signal thread).
//!
//! The loop answers a key between two pieces of work, and one piece can be
//! long: rebuilding the rows of a directory of a million entries sorts them
//! all (a few hundred milliseconds on a loaded machine). Quitting must not
//! wait for it: after `q`, Ctrl-c, SIGTERM, SIGINT or SIGHUP the process
//! exits within about 100 ms whatever the loop is doing. The watchdog stands
//! down while another program (an editor, a pager, the shell after Ctrl-z)
//! owns the terminal, and as soon as the loop begins quitting itself.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::term;

/// How long the loop has to begin quitting before the watchdog does it. A
/// normal turn of the loop is shorter; if a loaded machine makes one longer,
/// the watchdog only does what the loop was about to do.
pub const GRACE: Duration = Duration::from_millis(25);

/// What the loop tells the threads that may have to quit for it.
#[derive(Clone)]
pub struct QuitWatch(Arc<Shared>);

struct Shared {
    /// The loop has begun quitting (or the process is leaving another way).
    quitting: AtomicBool,
    /// The terminal is ours (not handed to an editor, pager or the shell).
    owned: AtomicBool,
    /// A quit key quits in the loop's present mode (browsing, no prompt or
    /// dialog taking the keys).
    browsing: AtomicBool,
    /// `--cwd-file`, and the directory to write there.
    cwd_file: Option<PathBuf>,
    selected: Mutex<Option<PathBuf>>,
}

impl QuitWatch {
    /// A watch for a loop that writes `cwd_file` when it quits.
    pub fn new(cwd_file: Option<PathBuf>) -> Self {
        QuitWatch(Arc::new(Shared {
            quitting: AtomicBool::new(false),
            owned: AtomicBool::new(true),
            browsing: AtomicBool::new(true),
            cwd_file,
            selected: Mutex::new(None),
        }))
    }

    /// The loop begins quitting: the watchdog stands down for good.
    pub fn begin_quit(&self) {
        self.0.quitting.store(true, Ordering::SeqCst);
    }

    /// The terminal is handed to another program (false) or taken back.
    pub fn set_owned(&self, owned: bool) {
        self.0.owned.store(owned, Ordering::SeqCst);
    }

    /// True while the loop owns the terminal (no editor or pager has it).
    pub fn owned(&self) -> bool {
        self.0.owned.load(Ordering::SeqCst)
    }

    /// SIGQUIT: restores the terminal (when the loop owns it), then dies of
    /// `signal` as its default action would (a core dump where enabled).
    pub fn die_of(&self, signal: i32) -> ! {
        let stdout = io::stdout();
        // As in `enforce`: the loop cannot write in between.
        let mut out = stdout.lock();
        if self.owned() {
            let _ = out.write_all(b"\x18");
        }
        term::restore();
        let _ = out.flush();
        let _ = signal_hook::low_level::emulate_default_handler(signal);
        std::process::abort()
    }

    /// Whether a quit key now quits (the loop's mode takes keys as actions).
    pub fn set_browsing(&self, browsing: bool) {
        self.0.browsing.store(browsing, Ordering::SeqCst);
    }

    /// True when a quit key read now would quit the loop.
    pub fn browsing(&self) -> bool {
        self.0.browsing.load(Ordering::SeqCst)
    }

    /// True when the caller must write the selection (`--cwd-file` given).
    pub fn wants_selection(&self) -> bool {
        self.0.cwd_file.is_some()
    }

    /// The directory `--cwd-file` would get if the process quit now.
    pub fn publish_selection(&self, dir: Option<PathBuf>) {
        *self.0.selected.lock().unwrap_or_else(|p| p.into_inner()) = dir;
    }

    /// Called after asking the loop to quit and waiting [`GRACE`]: when the
    /// loop has not begun quitting and owns the terminal, restores the
    /// terminal, writes the cwd file and exits the process.
    pub fn enforce(&self) {
        if self.0.quitting.load(Ordering::SeqCst) || !self.0.owned.load(Ordering::SeqCst) {
            return;
        }
        let stdout = io::stdout();
        // Holding the lock keeps the loop from writing in between; it may
        // have been cut off inside an escape sequence, which CAN ends.
        let mut out = stdout.lock();
        if self.0.quitting.swap(true, Ordering::SeqCst) {
            return;
        }
        let _ = out.write_all(b"\x18");
        term::restore();
        let selected = self.0.selected.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut code = 0;
        if let (Some(file), Some(dir)) = (&self.0.cwd_file, selected)
            && let Err(e) = super::write_cwd_file(file, &dir)
        {
            // As the loop's own quit reports it (the error names the file).
            let _ = writeln!(io::stderr(), "statree: {e}");
            code = 1;
        }
        let _ = out.flush();
        // The shell goes on now, even if a worker is stuck in a syscall.
        crate::detach::done(code);
        std::process::exit(i32::from(code));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Set in the child process that runs the half of a test that may exit
    /// (an exit in the test process itself would end every test, silently).
    const CHILD: &str = "STATREE_QUIT_WATCH_CHILD";

    /// Runs the test `name` of this binary in a child process with `CHILD`
    /// set to `value`.
    fn child(name: &str, value: &std::path::Path) -> std::process::Output {
        let me = std::env::current_exe().expect("test binary");
        std::process::Command::new(me)
            .args(["--exact", &format!("tui::quit::tests::{name}"), "--nocapture"])
            .env(CHILD, value)
            .output()
            .expect("run the child")
    }

    #[test]
    fn the_watch_stands_down_once_the_loop_quits_or_the_terminal_is_handed_over() {
        if std::env::var_os(CHILD).is_some() {
            let watch = QuitWatch::new(None);
            // An editor owns the terminal: nothing happens.
            watch.set_owned(false);
            watch.enforce();
            watch.set_owned(true);
            // The loop is quitting itself: nothing happens either.
            watch.begin_quit();
            watch.enforce();
            println!("stood down");
            return;
        }
        let out = child(
            "the_watch_stands_down_once_the_loop_quits_or_the_terminal_is_handed_over",
            "1".as_ref(),
        );
        assert!(out.status.success(), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("stood down"), "{out:?}");
    }

    #[test]
    fn a_quit_the_loop_did_not_begin_restores_writes_the_cwd_file_and_exits() {
        if let Some(file) = std::env::var_os(CHILD) {
            let watch = QuitWatch::new(Some(PathBuf::from(file)));
            watch.publish_selection(Some(PathBuf::from("/the/selected dir")));
            watch.enforce();
            panic!("enforce returned instead of exiting");
        }
        let tmp = tempfile::TempDir::new().expect("temp dir");
        let file = tmp.path().join("cwd");
        let out =
            child("a_quit_the_loop_did_not_begin_restores_writes_the_cwd_file_and_exits", &file);
        assert!(out.status.success(), "{out:?}");
        // CAN first: it ends an escape sequence the loop may have cut off.
        assert!(out.stdout.contains(&0x18), "{out:?}");
        // Exited inside the test: the harness never reported it as passed.
        assert!(!String::from_utf8_lossy(&out.stdout).contains("test result"), "{out:?}");
        assert_eq!(std::fs::read(&file).expect("cwd file"), b"/the/selected dir");
    }
}
