//! The visitor of a recursive change and of its dry count: which entries are
//! in scope and would change, when a directory is changed (before its entries
//! are read when its owner can still read it afterwards, else after), and the
//! tally of what it met.

use std::ffi::CStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::PathBuf;

use rustix::fs::Mode;

use crate::error::Op;
use crate::fsops::sys::{self, Node};
use crate::fsops::walk::{self, Fail, Here, Seen, Visitor, WalkLog};
use crate::model::mask::{Scope, apply_mask};
use crate::model::mode::{FileKind, PERM_MASK};

use super::chmod_at;
use super::report::{ChmodOutcome, RecursiveReport, RecursiveTally};

/// The visitor of a recursive change (or of its dry count).
pub(super) struct Chmodder {
    pub(super) set: u32,
    pub(super) clear: u32,
    scope: Scope,
    dry_run: bool,
    /// Entries changed (or, dry, that would change).
    changed: u64,
    dropped: Vec<(PathBuf, u32)>,
    /// The rest of what the walk met; `errors` holds the visitor's own
    /// failures until [`Chmodder::finish`] adds the walk's.
    pub(super) tally: RecursiveTally,
    /// A directory already changed by `open_denied` (to make it readable).
    done_early: Option<(u64, u64)>,
}

/// A directory's new mode is applied before its entries are read when the
/// owner can still read and search it afterwards.
const OWNER_RX: u32 = 0o500;

impl Chmodder {
    pub(super) fn new(set: u32, clear: u32, scope: Scope, dry_run: bool) -> Self {
        Chmodder {
            set,
            clear,
            scope,
            dry_run,
            changed: 0,
            dropped: Vec::new(),
            tally: RecursiveTally::default(),
            done_early: None,
        }
    }

    /// What the walk did, the walk's own log added to the tally (for a
    /// count, `changed` is what would change).
    pub(super) fn finish(mut self, log: WalkLog) -> RecursiveReport {
        let tally = &mut self.tally;
        tally.errors.extend(log.errors);
        tally.mounts_skipped = log.mounts;
        tally.cancelled = log.cancelled;
        tally.visited = log.visited;
        RecursiveReport { changed: self.changed, dropped: self.dropped, tally: self.tally }
    }

    /// The new mode when the entry is in scope and would change.
    fn target(&self, node: &Node) -> Option<u32> {
        let new = apply_mask(node.mode, self.set, self.clear);
        (self.scope.includes(node.kind()) && new != node.mode & PERM_MASK).then_some(new)
    }

    /// Counts an entry the first time it is met.
    fn classify(&mut self, node: &Node) {
        let kind = node.kind();
        if kind == FileKind::Symlink {
            self.tally.skipped_symlinks += 1;
        } else if !self.scope.includes(kind) {
            self.tally.out_of_scope += 1;
        } else if self.target(node).is_none() {
            self.tally.unchanged += 1;
        } else if self.dry_run {
            self.changed += 1;
            if kind != FileKind::Dir && node.nlink > 1 {
                self.tally.multiply_linked += 1;
            }
        }
    }

    fn record(&mut self, outcome: &ChmodOutcome, kind: FileKind, path: impl FnOnce() -> PathBuf) {
        self.changed += 1;
        if kind != FileKind::Dir && outcome.nlink > 1 {
            self.tally.multiply_linked += 1;
        }
        if outcome.dropped_bits != 0 {
            self.dropped.push((path(), outcome.dropped_bits));
        }
    }

    /// Changes an open directory through its handle.
    fn change_dir(
        &mut self,
        fd: BorrowedFd<'_>,
        node: &Node,
        new: u32,
        path: impl FnOnce() -> PathBuf,
    ) -> Result<(), Fail> {
        rustix::fs::fchmod(fd, Mode::from_raw_mode(new)).map_err(|e| walk::fail(Op::Chmod, e))?;
        let after = sys::node_of(fd).map_err(|e| walk::fail(Op::Stat, e))?;
        self.record(&ChmodOutcome::between(node, &after, new), FileKind::Dir, path);
        Ok(())
    }
}

impl Visitor for Chmodder {
    fn non_dir(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &CStr,
        node: &Node,
        at: &Here<'_>,
    ) -> Result<Seen, Fail> {
        self.classify(node);
        let Some(new) = self.target(node) else { return Ok(Seen::Done) };
        if self.dry_run {
            return Ok(Seen::Done);
        }
        let path = at.path(name);
        match chmod_at(dir, name, &path, node.identity(), new) {
            Ok(outcome) => {
                self.record(&outcome, node.kind(), || path);
                Ok(Seen::Done)
            }
            // Became a directory since the listing: walk into it.
            Err(_) if sys::node_at(dir, name).is_ok_and(|n| n.kind() == FileKind::Dir) => {
                Ok(Seen::IsDir)
            }
            Err(err) => Err((err.op, err.source)),
        }
    }

    fn enter(
        &mut self,
        fd: BorrowedFd<'_>,
        name: &CStr,
        node: &Node,
        at: &Here<'_>,
    ) -> Result<(), Fail> {
        if self.done_early.take() == Some((node.dev, node.ino)) {
            return Ok(());
        }
        self.classify(node);
        match self.target(node) {
            Some(new) if !self.dry_run && new & OWNER_RX == OWNER_RX => {
                self.change_dir(fd, node, new, || at.path(name))
            }
            _ => Ok(()),
        }
    }

    fn open_denied(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &CStr,
        node: &Node,
        at: &Here<'_>,
    ) -> bool {
        let Some(new) = self.target(node) else { return false };
        if new & OWNER_RX != OWNER_RX {
            return false;
        }
        if self.dry_run {
            // It would be changed, but what is below it cannot be counted.
            self.classify(node);
            return false;
        }
        let path = at.path(name);
        match chmod_at(dir, name, &path, node.identity(), new) {
            Ok(outcome) => {
                self.record(&outcome, FileKind::Dir, || path);
                self.done_early = Some((node.dev, node.ino));
                true
            }
            Err(err) => {
                self.tally.errors.push(err);
                false
            }
        }
    }

    fn leave(
        &mut self,
        _parent: BorrowedFd<'_>,
        name: &CStr,
        fd: OwnedFd,
        node: &Node,
        _kept: bool,
        at: &Here<'_>,
    ) -> Result<(), Fail> {
        match self.target(node) {
            Some(new) if !self.dry_run && new & OWNER_RX != OWNER_RX => {
                self.change_dir(fd.as_fd(), node, new, || at.path(name))
            }
            _ => Ok(()),
        }
    }
}
