//! The sorted child order of huge directories, kept between rebuilds and
//! computed in slices.
//!
//! Sorting a directory of millions of entries takes seconds; done inside a
//! rebuild of the rows it would freeze the keys that long. A directory with
//! at least [`OrderCache::big`] shown children is therefore never sorted
//! inline: the rows show it in listing order (the set of rows is always
//! right, only their order waits) and the title says "sorting…", while a
//! bottom-up merge sort advances by at most [`STEP_WORK`] comparisons per
//! [`Msg::SortStep`](super::Msg::SortStep) — a message the loop handles
//! after the keys already queued. The finished order is kept per directory
//! and reused by every later rebuild while the options and the tree are
//! unchanged ([`Tree::edits`]). After an edit, an order that still lists
//! exactly the shown children (each a live child, as many as there are: a
//! linear check without comparisons) is shown while it is sorted again, for
//! a size, time or name may have changed; one that does not is dropped and
//! the directory shows in listing order until sorted. No rebuild compares
//! names: the only comparisons are the sort's, in steps.
//!
//! Memory: 4 bytes per child of each huge directory shown (its order); the
//! one directory being sorted holds 8 more per child while it sorts.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::model::{NodeId, Tree};

/// The sibling order under options `K`.
pub type Compare<'a, K> = &'a dyn Fn(&K, NodeId, NodeId) -> Ordering;

/// Most comparisons (or moves) of one sort step: some tens of milliseconds.
pub const STEP_WORK: u64 = 1 << 19;

/// Directories with at least this many shown children are sorted in steps.
pub const BIG_DIR: usize = 1 << 15;

/// Runs sorted with the standard sort before the merge passes.
const RUN: usize = 4096;

/// What a sorted order depends on besides the children.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key<K> {
    options: K,
    /// Bumped when the node filter changes (it decides the shown children).
    filter_epoch: u64,
}

/// The orders kept and the one being computed, for options `K` (the rows'
/// options: sort key, hidden entries, filter).
#[derive(Debug)]
pub struct OrderCache<K> {
    /// Shown-children count from which a directory is sorted in steps.
    pub big: usize,
    /// Most comparisons of one step ([`STEP_WORK`]; smaller in tests).
    pub step_work: u64,
    /// Comparisons made by sorts so far (inline and stepped): tests read it.
    pub work: u64,
    /// Bumped by the rows when the node filter changes.
    pub filter_epoch: u64,
    /// Kept orders with the tree's edit count when their sort began.
    done: HashMap<NodeId, (Key<K>, u64, Vec<NodeId>)>,
    job: Option<Job<K>>,
    /// A step message is on its way: do not ask for another.
    step_asked: bool,
}

impl<K> Default for OrderCache<K> {
    fn default() -> Self {
        OrderCache {
            big: BIG_DIR,
            step_work: STEP_WORK,
            work: 0,
            filter_epoch: 0,
            done: HashMap::new(),
            job: None,
            step_asked: false,
        }
    }
}

/// A merge sort in progress: `buf` holds sorted runs of `width`, merged
/// pairwise into `tmp`; the cursor of the pair being merged survives steps.
#[derive(Debug)]
struct Job<K> {
    dir: NodeId,
    key: Key<K>,
    /// The tree's edit count when the children were taken.
    edits: u64,
    buf: Vec<NodeId>,
    tmp: Vec<NodeId>,
    /// Sorted-run width (0 while the initial runs are being sorted).
    width: usize,
    /// Start of the pair (or run) being worked on.
    lo: usize,
    /// Next element of the left and right halves, next output slot.
    left: usize,
    right: usize,
    out: usize,
}

impl<K: Clone + PartialEq> OrderCache<K> {
    /// `children` (the children of `dir` that `shows` keeps) in sorted
    /// order: inline when few, from the kept order when it still holds;
    /// otherwise left in listing order and a stepped sort is set up. Returns
    /// false when the order is not final yet.
    pub fn order(
        &mut self,
        (tree, options, cmp): (&Tree, &K, Compare<K>),
        shows: &dyn Fn(NodeId) -> bool,
        dir: NodeId,
        children: &mut Vec<NodeId>,
    ) -> bool {
        if children.len() < self.big {
            self.done.remove(&dir);
            let mut n = 0u64;
            children.sort_by(|&a, &b| {
                n += 1;
                cmp(options, a, b)
            });
            self.work += n;
            return true;
        }
        let key = Key { options: options.clone(), filter_epoch: self.filter_epoch };
        if let Some((kept_key, edits, order)) = self.done.get(&dir) {
            if *kept_key == key && *edits == tree.edits() && order.len() == children.len() {
                // Nothing changed anywhere since this order was sorted.
                children.clone_from(order);
                return true;
            }
            if *kept_key == key && holds(tree, shows, (dir, children.len()), order) {
                // The same children, but a size, time or name may have
                // changed: show the kept order while it is sorted again.
                children.clone_from(order);
            } else {
                // Stale: free it before a new sort takes its room.
                self.done.remove(&dir);
            }
        }
        let running = self.job.as_ref().is_some_and(|j| j.dir == dir && j.key == key);
        if !running && self.job.as_ref().is_none_or(|j| j.dir == dir || j.key != key) {
            // One sort at a time: a new one replaces a sort of the same
            // directory or one for options no longer current; another huge
            // directory waits for the next rebuild after this one is done.
            self.job = Some(Job::new(dir, (key, tree.edits()), children.clone()));
        }
        false
    }

    /// Drops the kept order of `dir`, sorted inline now (it has fewer than
    /// [`Self::big`] children).
    pub fn forget(&mut self, dir: NodeId) {
        if !self.done.is_empty() {
            self.done.remove(&dir);
        }
    }

    /// True while a sort is pending.
    pub fn sorting(&self) -> bool {
        self.job.is_some()
    }

    /// True when a step should be asked for now (once per message in flight).
    pub fn wants_step(&mut self) -> bool {
        let wants = self.job.is_some() && !self.step_asked;
        self.step_asked |= wants;
        wants
    }

    /// Advances the pending sort by one step. Returns true when it finished
    /// (the rows must be rebuilt to show it).
    pub fn step(&mut self, cmp: Compare<K>) -> bool {
        self.step_asked = false;
        let Some(job) = &mut self.job else { return false };
        let options = job.key.options.clone();
        let mut n = 0u64;
        let finished = job.advance(self.step_work, &mut |a, b| {
            n += 1;
            cmp(&options, a, b)
        });
        self.work += n;
        if !finished {
            return false;
        }
        let Some(job) = self.job.take() else { return false };
        self.done.insert(job.dir, (job.key, job.edits, job.buf));
        true
    }

    /// Bytes held by the kept orders and the pending sort.
    pub fn heap_bytes(&self) -> usize {
        let kept: usize = self.done.values().map(|(_, _, o)| o.capacity()).sum();
        let job = self.job.as_ref().map_or(0, |j| j.buf.capacity() + j.tmp.capacity());
        (kept + job) * size_of::<NodeId>()
    }
}

/// True when `order` still lists exactly `dir`'s `count` shown children
/// (in any order: comparing them would cost what a sort step may). Ids are
/// never reused, so distinct ids that are all live shown children, as many
/// as there are, are exactly the children.
fn holds(
    tree: &Tree,
    shows: &dyn Fn(NodeId) -> bool,
    (dir, count): (NodeId, usize),
    order: &[NodeId],
) -> bool {
    order.len() == count
        && order.iter().all(|&id| tree.is_live(id) && tree.parent(id) == Some(dir) && shows(id))
}

impl<K> Job<K> {
    fn new(dir: NodeId, (key, edits): (Key<K>, u64), buf: Vec<NodeId>) -> Self {
        Job { dir, key, edits, buf, tmp: Vec::new(), width: 0, lo: 0, left: 0, right: 0, out: 0 }
    }

    /// Does about `budget` comparisons (a run of [`RUN`] may go over); true
    /// when sorted.
    fn advance(&mut self, budget: u64, cmp: &mut impl FnMut(NodeId, NodeId) -> Ordering) -> bool {
        let n = self.buf.len();
        let mut work = 0u64;
        while work < budget {
            if self.width == 0 {
                let end = (self.lo + RUN).min(n);
                self.buf[self.lo..end].sort_by(|&a, &b| {
                    work += 1;
                    cmp(a, b)
                });
                self.lo = end;
                if self.lo >= n {
                    self.start_pass(RUN);
                }
                continue;
            }
            if self.width >= n {
                return true;
            }
            let mid = (self.lo + self.width).min(n);
            let hi = (self.lo + 2 * self.width).min(n);
            while self.out < hi && work < budget {
                let take_left = self.right >= hi
                    || self.left < mid
                        && cmp(self.buf[self.left], self.buf[self.right]) != Ordering::Greater;
                work += 1;
                if take_left {
                    self.tmp[self.out] = self.buf[self.left];
                    self.left += 1;
                } else {
                    self.tmp[self.out] = self.buf[self.right];
                    self.right += 1;
                }
                self.out += 1;
            }
            if self.out == hi {
                if hi >= n {
                    std::mem::swap(&mut self.buf, &mut self.tmp);
                    self.start_pass(self.width * 2);
                } else {
                    self.start_pair(hi);
                }
            }
        }
        self.width >= n && self.width != 0
    }

    fn start_pass(&mut self, width: usize) {
        self.width = width;
        if width < self.buf.len() && self.tmp.len() != self.buf.len() {
            self.tmp = self.buf.clone();
        }
        self.start_pair(0);
    }

    fn start_pair(&mut self, lo: usize) {
        self.lo = lo;
        self.left = lo;
        self.right = (lo + self.width).min(self.buf.len());
        self.out = lo;
    }
}

#[cfg(test)]
#[path = "order_tests.rs"]
mod tests;
