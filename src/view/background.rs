//! What the view keeps about its background reads: the listings of opened
//! directories ([`super::fresh`]) and the once-a-second check of the
//! collapsed ones ([`super::sweep`]). Data only: those files act on it.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use super::rows::Openings;
use crate::model::NodeId;
use crate::model::ids::IdSet;

/// Which open directories were listed since they were opened, and the
/// listings on their way.
#[derive(Debug, Default)]
pub struct Freshness {
    /// Open directories already listed (or filled by the running walk); a
    /// directory leaves the set when it is closed, so opening it again lists
    /// it again.
    pub(super) listed: IdSet,
    /// The expansions ([`super::rows::RowIndex::openings`]) the last full
    /// pass of [`super::fresh::list_opened`] saw, without a filter on: while
    /// they stay, only the directories in `again` can be new.
    pub(super) seen: Option<Openings>,
    /// Directories taken out of `listed` since that pass, to list again.
    pub(super) again: Vec<NodeId>,
    /// Listings in flight, by ticket: a result whose ticket is not here (the
    /// directory was closed, or opened again since) is dropped.
    pub(super) pending: HashMap<u64, NodeId>,
    /// Directories under a re-scan that the watcher reported changes in
    /// while it ran: the re-scan may have listed them before the change, so
    /// they are read once more when it ends.
    pub(super) changed_during_rescan: HashSet<NodeId>,
}

impl Freshness {
    /// Has `dir` listed again by the next [`super::fresh::list_opened`]
    /// if it shows open then (a zoom shows it as it is now).
    pub fn list_again(&mut self, dir: NodeId) {
        self.listed.remove(&dir);
        self.again.push(dir);
    }
}

/// When the last check was asked for, and the ticket of the one in flight.
#[derive(Debug, Default)]
pub struct Sweep {
    pub(super) last: Option<Instant>,
    pub(super) pending: Option<u64>,
}
