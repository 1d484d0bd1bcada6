//! The input thread: reads the terminal one byte at a time and reads no
//! further than the interface has asked for.
//!
//! # Implementation
//!
//! After each key or mouse event the thread waits for the loop's
//! acknowledgement before it reads again, so a key that ends the interface
//! (`q`) is the last byte taken from the terminal: whatever was typed after
//! it stays in the terminal's queue for the shell. The loop acknowledges once
//! the key is applied and did not quit (after any editor, pager or Ctrl-z
//! hand-over it started, so the thread never reads while another program
//! owns the terminal). Stopping drops the acknowledgement channel, which
//! wakes the thread at once; between keys it waits for input in short polls
//! and checks the stop flag before every read.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use rustix::event::{PollFd, PollFlags, Timespec};

use super::keys::KeyParser;
use super::quit::{GRACE, QuitWatch};
use crate::keymap::{Action, KeyMap};
use crate::view::Msg;

/// Longest wait for input before the stop flag is checked again.
const POLL: Duration = Duration::from_millis(20);

/// The running input thread, as the loop sees it.
pub struct Input {
    stop: Arc<AtomicBool>,
    /// The acknowledgement of the last key; dropped to stop the thread.
    ack: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Input {
    /// Starts reading standard input (the terminal) into `tx`. A key that
    /// quits (by `keymap`, while `watch` says the loop is browsing) and is
    /// not acted on within the grace time is carried out by `watch`.
    pub fn spawn(tx: Sender<Msg>, keymap: KeyMap, watch: QuitWatch) -> io::Result<Input> {
        let stop = Arc::new(AtomicBool::new(false));
        let (ack, acked) = crossbeam_channel::bounded(1);
        let flag = Arc::clone(&stop);
        let quits = move |key: &KeyEvent| quits(key, &keymap, &watch).then(|| watch.clone());
        let thread = std::thread::Builder::new().name("statree-input".into()).spawn(move || {
            read_loop(io::stdin().as_fd(), &tx, &acked, &flag, &quits);
        })?;
        Ok(Input { stop, ack: Some(ack), thread: Some(thread) })
    }

    /// Lets the thread read the next key: the one it sent was applied.
    pub fn acknowledge(&self) {
        if let Some(ack) = &self.ack
            && let Err(TrySendError::Disconnected(())) = ack.try_send(())
        {
            // The thread has ended (the terminal closed); nothing to wake.
        }
    }

    /// Stops the thread without letting it read another byte, and waits for
    /// it (it is at most one short poll away from seeing the flag).
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        drop(self.ack.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        self.stop();
    }
}

/// True when `msg` came from this thread and waits for an acknowledgement.
pub fn needs_ack(msg: &Msg) -> bool {
    matches!(msg, Msg::Key(_) | Msg::Mouse(_))
}

/// True when `key` quits the interface: Ctrl-c always, a key bound to quit
/// while browsing.
fn quits(key: &KeyEvent, keymap: &KeyMap, watch: &QuitWatch) -> bool {
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return true;
    }
    key.code != KeyCode::Esc && watch.browsing() && keymap.lookup(key) == Some(Action::Quit)
}

/// Waits for the loop's acknowledgement; after a quit key, a loop that has
/// not acted within the grace time is quit for by the watch. False when the
/// loop stopped the thread.
fn wait_ack(acked: &Receiver<()>, quit: Option<QuitWatch>) -> bool {
    if let Some(watch) = quit {
        match acked.recv_timeout(GRACE) {
            Ok(()) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
            Err(RecvTimeoutError::Timeout) => watch.enforce(),
        }
    }
    acked.recv().is_ok()
}

fn read_loop(
    fd: BorrowedFd<'_>,
    tx: &Sender<Msg>,
    acked: &Receiver<()>,
    stop: &AtomicBool,
    quits: &dyn Fn(&KeyEvent) -> Option<QuitWatch>,
) {
    let mut parser = KeyParser::default();
    loop {
        // Inside a sequence the rest is already typed: no long wait.
        let wait = if parser.in_sequence() { Duration::from_millis(5) } else { POLL };
        match readable(fd, wait) {
            Ok(false) if parser.in_sequence() => {
                // A sequence cut short: drop it.
                parser = KeyParser::default();
                continue;
            }
            Ok(false) => {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                continue;
            }
            Ok(true) => {}
            Err(_) => return,
        }
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let mut byte = [0u8; 1];
        match rustix::io::read(fd, &mut byte) {
            Ok(1) => {}
            Ok(_) => return,
            Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => continue,
            Err(_) => return,
        }
        let more = readable(fd, Duration::ZERO).unwrap_or(false);
        let (msg, quit) = match parser.push(byte[0], more) {
            Some(Event::Key(key)) => (Msg::Key(key), quits(&key)),
            Some(Event::Mouse(mouse)) => (Msg::Mouse(mouse), None),
            _ => continue,
        };
        if tx.send(msg).is_err() || !wait_ack(acked, quit) {
            return;
        }
    }
}

/// Waits up to `wait` for `fd` to have input.
fn readable(fd: BorrowedFd<'_>, wait: Duration) -> io::Result<bool> {
    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
    let timeout = Timespec::try_from(wait).map_err(io::Error::other)?;
    match rustix::event::poll(&mut fds, Some(&timeout)) {
        Ok(0) => Ok(false),
        Ok(_) if fds[0].revents().contains(PollFlags::IN) => Ok(true),
        // Hung up or invalid: no input will ever come.
        Ok(_) => Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
        Err(rustix::io::Errno::INTR) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
