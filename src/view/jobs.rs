//! Work the view started off the interface's thread, and the marks an
//! action runs on: the running action, the re-scans by ticket, the listings
//! of opened directories and the check of the collapsed ones (their data in
//! [`super::background`]), and whether the watcher hit its limit.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use super::background::{Freshness, Sweep};
use super::request::{CancelFlag, Target};
use crate::model::{NodeId, Rescan};

/// Marks and background work.
#[derive(Debug, Default)]
pub struct Jobs {
    /// Marked entries, with what they were when marked.
    pub marks: BTreeMap<NodeId, Target>,
    /// The action running now (one at a time).
    pub running: Option<Running>,
    /// Directory re-scans in progress, by ticket.
    pub rescans: HashMap<u64, Rescan>,
    /// The next ticket of a re-scan, listing or check.
    pub next_ticket: u64,
    /// Which open directories were listed again since they were opened.
    pub fresh: Freshness,
    /// The once-a-second check of the collapsed directories on screen.
    pub sweep: Sweep,
    /// Set when the filesystem watcher hit the system's watch limit: live
    /// updates are partial and `R` refreshes by hand.
    pub watch_limited: bool,
}

impl Jobs {
    /// A new ticket.
    pub fn ticket(&mut self) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        ticket
    }
}

/// An action running off the interface's thread.
#[derive(Debug, Clone)]
pub struct Running {
    /// Words for the status bar.
    pub label: &'static str,
    /// When it started.
    pub started: Instant,
    /// Entries seen so far.
    pub progress: u64,
    /// Set by Esc.
    pub cancel: CancelFlag,
}
