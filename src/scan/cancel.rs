//! Cancelling a scan: a flag the workers check between entries, and a
//! wake-up for every worker blocked on the full event channel.
//!
//! # Implementation
//!
//! A worker that sends into the bounded channel while nobody reads would
//! wait for room forever; waiting on the receiver being dropped is not
//! enough, since any clone of the receiver kept elsewhere keeps the channel
//! open. So every send waits for room *or* for the cancel: first the plain
//! send for at most 10 ms (the cheap path while the reader keeps up), then a
//! `select!` over the send and a channel that never carries a message and
//! disconnects when the scan is cancelled: a real wake-up, not a polling
//! loop.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use std::time::Duration;

use crossbeam_channel::{Receiver, SendTimeoutError, Sender, select};

/// How long a send waits for room the plain way before it also listens for
/// the cancel; a cancel reaches a worker waiting here within this time.
const PLAIN_WAIT: Duration = Duration::from_millis(10);

/// A message type with no values: the wake-up channel only ever disconnects.
enum Never {}

/// One scan's cancel state, shared by its handle and all its threads.
pub(crate) struct Cancel {
    flag: AtomicBool,
    /// Dropped on cancel, which wakes every `select!` waiting on `woken`.
    wake: Mutex<Option<Sender<Never>>>,
    woken: Receiver<Never>,
}

impl Cancel {
    pub(crate) fn new() -> Arc<Self> {
        let (wake, woken) = crossbeam_channel::bounded(0);
        Arc::new(Cancel { flag: AtomicBool::new(false), wake: Mutex::new(Some(wake)), woken })
    }

    /// Stops the scan; safe to call any number of times, from any thread.
    pub(crate) fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        let mut wake = self.wake.lock().unwrap_or_else(|p| p.into_inner());
        drop(wake.take());
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// Sends `msg`, waiting for room in the channel or for the cancel,
    /// whichever comes first. False when it was not sent: cancelled, or the
    /// receiver is gone.
    pub(crate) fn send<T>(&self, tx: &Sender<T>, msg: T) -> bool {
        if self.is_cancelled() {
            return false;
        }
        // Waiting for room is the common case while the reader keeps up: the
        // channel's own send spins a little before it parks, and the reader
        // frees room within microseconds. A `select!` parks at once, and a
        // park and a wake for every batch made a scan of /usr 40% slower
        // (measured: 13,000 voluntary context switches instead of 1,500).
        // So the plain send goes first, for a bounded time; only a reader
        // that stopped reading leaves a worker in the select below.
        let msg = match tx.send_timeout(msg, PLAIN_WAIT) {
            Ok(()) => return true,
            Err(SendTimeoutError::Disconnected(_)) => return false,
            Err(SendTimeoutError::Timeout(msg)) => msg,
        };
        if self.is_cancelled() {
            return false;
        }
        select! {
            send(tx, msg) -> sent => sent.is_ok(),
            recv(self.woken) -> _ => false,
        }
    }
}

/// Cancels a scan from anywhere, without owning its [`super::ScanHandle`]
/// (for example from the interface, while a forwarder thread owns the handle).
#[derive(Clone)]
pub struct ScanCanceller(pub(crate) Arc<Cancel>);

impl ScanCanceller {
    /// Asks the walk to stop; every thread of the scan ends soon after, even
    /// while nobody reads its events.
    pub fn cancel(&self) {
        self.0.cancel();
    }

    /// True once the scan was cancelled (by anyone).
    pub fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

impl std::fmt::Debug for ScanCanceller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanCanceller").field("cancelled", &self.is_cancelled()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_blocked_on_a_full_channel_returns_when_cancelled() {
        let cancel = Cancel::new();
        let (tx, rx) = crossbeam_channel::bounded(1);
        assert!(cancel.send(&tx, 1));
        let blocked = {
            let cancel = Arc::clone(&cancel);
            std::thread::spawn(move || cancel.send(&tx, 2))
        };
        // The receiver stays alive and never reads: only the cancel can wake it.
        cancel.cancel();
        assert!(!blocked.join().expect("the sender thread ends"));
        assert_eq!(rx.try_recv(), Ok(1));
    }

    #[test]
    fn nothing_is_sent_after_the_cancel() {
        let cancel = Cancel::new();
        let (tx, rx) = crossbeam_channel::bounded(4);
        cancel.cancel();
        assert!(!cancel.send(&tx, 1));
        assert!(rx.try_recv().is_err());
    }
}
