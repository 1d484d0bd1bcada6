//! The terminal: raw mode, alternate screen and mouse capture, restored on
//! every way out — normal quit, error return (a Drop guard), panic (a hook
//! that restores, then chains to the previous hook), signals (the loop turns
//! SIGTERM, SIGHUP and SIGINT into a quit; SIGQUIT restores, then dies of
//! it), and Ctrl-z or an external SIGTSTP (restore, stop, take back with a
//! full redraw on SIGCONT).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, SetTitle, disable_raw_mode,
    enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};

/// The terminal type the interface draws on.
pub type Term = Terminal<CrosstermBackend<io::Stdout>>;

/// True while the terminal is in our (raw, alternate screen) state.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back to how the shell wants it. Safe to call twice and
/// from a panic hook.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen, cursor::Show);
        let _ = disable_raw_mode();
        let _ = out.flush();
    }
}

fn enter(title: &str) -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, SetTitle(title))?;
    Ok(())
}

/// Owns the terminal while the interface runs; dropping it restores.
pub struct TerminalGuard {
    /// The ratatui terminal.
    pub terminal: Term,
    title: String,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen. `title` must already be sanitized.
    pub fn new(title: String) -> io::Result<Self> {
        install_panic_hook();
        enter(&title)?;
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()));
        match terminal {
            Ok(terminal) => Ok(TerminalGuard { terminal, title }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    /// Ctrl-z: restore the terminal, stop the process, and take the terminal
    /// back (with a full redraw) when the shell continues it.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore();
        // SIGSTOP cannot be caught, so this stops even though SIGTSTP may be handled.
        let _ =
            rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::STOP);
        enter(&self.title)?;
        // A fresh terminal has empty buffers, so the next draw repaints every
        // cell. (ratatui's `clear` would ask the terminal for the cursor
        // position and fail when no answer comes.)
        execute!(io::stdout(), Clear(ClearType::All))?;
        self.terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(())
    }
}

impl TerminalGuard {
    /// Hands the terminal to another program (an editor, a pager): leaves
    /// the alternate screen and raw mode, runs `f`, then takes the terminal
    /// back with a full redraw, whatever `f` returned.
    pub fn hand_over<T>(&mut self, f: impl FnOnce() -> T) -> io::Result<T> {
        restore();
        let result = f();
        enter(&self.title)?;
        execute!(io::stdout(), Clear(ClearType::All))?;
        self.terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(result)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Restores the terminal before any panic message is printed, then lets the
/// previous hook (the default one prints the message) run.
fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
