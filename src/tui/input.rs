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

use crossbeam_channel::{Receiver, Sender, TrySendError};
use ratatui::crossterm::event::Event;
use rustix::event::{PollFd, PollFlags, Timespec};

use super::keys::KeyParser;
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
    /// Starts reading standard input (the terminal) into `tx`.
    pub fn spawn(tx: Sender<Msg>) -> io::Result<Input> {
        let stop = Arc::new(AtomicBool::new(false));
        let (ack, acked) = crossbeam_channel::bounded(1);
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("statree-input".into())
            .spawn(move || read_loop(io::stdin().as_fd(), &tx, &acked, &flag))?;
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

fn read_loop(fd: BorrowedFd<'_>, tx: &Sender<Msg>, acked: &Receiver<()>, stop: &AtomicBool) {
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
        let msg = match parser.push(byte[0], more) {
            Some(Event::Key(key)) => Msg::Key(key),
            Some(Event::Mouse(mouse)) => Msg::Mouse(mouse),
            _ => continue,
        };
        if tx.send(msg).is_err() || acked.recv().is_err() {
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
