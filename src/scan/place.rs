//! The per-entry code both walks share: jwalk's callbacks
//! ([`super::walker`]) and the handle-relative walk ([`super::deep`]) place
//! every entry the same way, so the model cannot tell them apart.
//!
//! For one listed name: `fstatat` (or `statx`) relative to its directory's
//! handle, through a link only when following and then falling back to the
//! link itself; the audit's extra syscalls when an audit asks; then whether
//! the walk descends (a directory, on the root's filesystem under
//! `--one-file-system`, not one of its own ancestors by device and inode);
//! and the entry added to its batch.

use std::collections::HashSet;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use crossbeam_channel::Sender;
use rustix::io::Errno;

use super::cancel::Cancel;
use super::entry::{AuditDetail, Batch, Detail, EntryKey, EntryStat, ScanEvent};
use super::kind::FileKind;
use super::options::AuditScan;
use super::stat;
use crate::error::{Op, ScanError};
use std::os::fd::BorrowedFd;

/// What every walk of one scan shares: jwalk's callbacks and the walks of
/// [`super::deep`] alike.
pub(crate) struct Shared {
    pub tx: Sender<ScanEvent>,
    pub cancel: Arc<Cancel>,
    pub next_batch: AtomicU32,
    pub follow: bool,
    pub one_file_system: bool,
    pub detail: bool,
    /// Extra facts for `--audit`.
    pub audit: AuditScan,
    /// Directories not entered ([`super::ScanOptions::skip`]).
    pub skip: Vec<std::path::PathBuf>,
    /// Renders each batch before it is sent (`--json`).
    pub format: Option<super::BatchFormat>,
    /// Runs the parallel slices of large directories.
    pub split_pool: jwalk::rayon::ThreadPool,
    /// Counts for the log's line at the end.
    pub tally: super::tally::Tally,
}

impl Shared {
    /// Sends an event, waiting for room or for the cancel: a worker never
    /// waits only for room (a reader that stopped reading while keeping the
    /// channel open would hold it forever).
    pub(super) fn send(&self, mut event: ScanEvent) {
        self.tally.count(&event);
        if let (Some(format), ScanEvent::Batch(batch)) = (&self.format, &mut event) {
            // On this worker, in parallel with the others.
            batch.rendered = Some(Box::new((format.0)(batch)));
        }
        if !self.cancel.send(&self.tx, event) {
            // Cancelled, or the receiver is gone: nobody wants the rest.
            self.cancel.cancel();
        }
    }

    pub(super) fn cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    pub(super) fn batch_id(&self) -> u32 {
        self.next_batch.fetch_add(1, Ordering::Relaxed)
    }
}

/// Directories and files by `(device, inode)`.
type Identities = HashSet<(u64, u64)>;

/// A directory being walked: its identity and its ancestors', for loop checks.
#[derive(Debug)]
pub(crate) struct DirCtx {
    pub(super) key: EntryKey,
    pub(super) dev: u64,
    pub(super) ino: u64,
    /// Levels below the root; with the path of a descendant it gives this
    /// directory's path without storing one per pending directory.
    depth: usize,
    parent: Option<Arc<DirCtx>>,
    root_dev: u64,
    /// `realpath` of the root, for audit scans that resolve symlinks.
    pub(super) root_real: Option<Arc<Path>>,
    /// Under `--follow-links`: every directory and single-linked file placed
    /// under this root so far, by device and inode. Links can reach one
    /// directory by any number of paths (eight links to it, or a fan-out
    /// that doubles at each level): like `du -L`, each is entered once and
    /// each file counted once.
    seen: Option<Arc<Mutex<Identities>>>,
}

impl DirCtx {
    /// The context of a root directory with this stat, carried by `key`.
    pub(super) fn root(
        key: EntryKey,
        st: &EntryStat,
        root_real: Option<Arc<Path>>,
        follow: bool,
    ) -> Arc<Self> {
        let seen = follow.then(|| Arc::new(Mutex::new(HashSet::from([(st.dev, st.ino)]))));
        Arc::new(DirCtx {
            key,
            dev: st.dev,
            ino: st.ino,
            depth: 0,
            parent: None,
            root_dev: st.dev,
            root_real,
            seen,
        })
    }

    /// Records `st` as placed under this root; false when it was already
    /// (a second path to it under `--follow-links`). Always true otherwise,
    /// and for a file with several hard links: the tree counts those once
    /// by itself, whatever the order they arrive in.
    fn first_visit(&self, st: &EntryStat) -> bool {
        let Some(seen) = &self.seen else { return true };
        if st.kind() != FileKind::Dir && st.nlink > 1 {
            return true;
        }
        // A poisoned set only means another worker panicked: keep counting.
        let mut seen = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.insert((st.dev, st.ino))
    }

    /// The ancestor (or self) with this identity, if any.
    fn find_ancestor(self: &Arc<Self>, dev: u64, ino: u64) -> Option<&Arc<DirCtx>> {
        let mut cursor = Some(self);
        while let Some(ctx) = cursor {
            if ctx.dev == dev && ctx.ino == ino {
                return Some(ctx);
            }
            cursor = ctx.parent.as_ref();
        }
        None
    }
}

/// Where a listed entry is: the handle and name to `stat` it by, its
/// directory's handle and path.
pub(super) struct Placed<'a> {
    /// The handle `name_at` is relative to.
    pub fd: BorrowedFd<'a>,
    /// The entry's directory, open (`None` when it could not be opened).
    pub dir: Option<BorrowedFd<'a>>,
    /// The name to use with `fd`.
    pub name_at: &'a [u8],
    /// The entry's own name in its directory.
    pub name: &'a [u8],
    /// The directory's full path, as scanned.
    pub dir_path: &'a Path,
}

/// Stats a listed entry, through a symlink when `follow` (a dangling link is
/// then listed as the link itself), and gathers its audit facts. Also says
/// whether the record is the link's target.
pub(super) fn stat_listed(
    shared: &Shared,
    ctx: &DirCtx,
    place: &Placed<'_>,
    follow: bool,
) -> (StatResult, bool) {
    let mut result = stat_entry(place.fd, place.name_at, follow, shared.detail);
    let mut followed = follow;
    if follow && result.is_err() {
        // A dangling link is listed as the link itself.
        result = stat_entry(place.fd, place.name_at, false, shared.detail);
        followed = false;
    }
    if shared.audit != AuditScan::default() {
        let full = place.dir_path.join(std::ffi::OsStr::from_bytes(place.name));
        add_audit(shared, ctx.root_real.as_deref(), place, &full, followed, &mut result);
    }
    (result, followed)
}

/// What the walk does with a listed entry.
pub(super) enum Descent {
    /// Not a directory to walk (not one, or the scan is stopping).
    Not,
    /// A directory on another filesystem, kept out by `--one-file-system`.
    OtherFs,
    /// A directory that is one of its own ancestors.
    Loop(ScanError),
    /// Under `--follow-links`, a directory already entered by another path:
    /// listed, not entered again, counted nothing.
    Again,
    /// A directory to walk, with its context.
    Into(Arc<DirCtx>),
}

/// Decides whether the stat-ed entry `key` of the directory `ctx` (at
/// `dir_path`) is walked; `can_enter` is false when the listing did not see a
/// directory there.
pub(super) fn descent(
    shared: &Shared,
    ctx: &Arc<DirCtx>,
    dir_path: &Path,
    key: EntryKey,
    stat: Option<&EntryStat>,
    can_enter: bool,
) -> Descent {
    let Some(st) = stat.filter(|st| st.kind() == FileKind::Dir) else {
        return Descent::Not;
    };
    if shared.one_file_system && st.dev != ctx.root_dev {
        return Descent::OtherFs;
    }
    if let Some(ancestor) = ctx.find_ancestor(st.dev, st.ino) {
        let up = ctx.depth - ancestor.depth;
        let ancestor_path = dir_path.ancestors().nth(up).unwrap_or(dir_path);
        return Descent::Loop(ScanError::fs_loop(ancestor_path));
    }
    if !can_enter || shared.cancelled() {
        return Descent::Not;
    }
    if !ctx.first_visit(st) {
        return Descent::Again;
    }
    Descent::Into(Arc::new(DirCtx {
        key,
        dev: st.dev,
        ino: st.ino,
        depth: ctx.depth + 1,
        parent: Some(Arc::clone(ctx)),
        root_dev: ctx.root_dev,
        root_real: ctx.root_real.clone(),
        seen: ctx.seen.clone(),
    }))
}

/// A directory announced with `descend` in a batch already sent, to be
/// walked relative to the handle of the directory holding it.
pub(crate) struct Handover {
    pub(super) name: Box<[u8]>,
    pub(super) ctx: Arc<DirCtx>,
    /// Open it through a symlink (`--follow-links` resolved one to it).
    pub(super) follow: bool,
}

impl Handover {
    pub(super) fn new(name: &[u8], child: Child) -> Self {
        Handover { name: name.into(), ctx: child.ctx, follow: child.followed }
    }
}

/// A directory the walk descends into, as [`add_entry`] found it.
pub(super) struct Child {
    /// Its context.
    pub ctx: Arc<DirCtx>,
    /// Its record is a link's target (`--follow-links`).
    pub followed: bool,
    /// Its `st_size`, which tells how large its listing is.
    pub size: u64,
}

/// What a listing said about a name.
#[derive(Debug, Clone, Copy)]
pub(super) struct Seen {
    /// The type the listing gave.
    pub kind: FileKind,
    /// Stat it through a link (following links, and the listing saw one or
    /// could not tell).
    pub follow: bool,
    /// The walk may enter it (false when the listing did not see a
    /// directory there).
    pub can_enter: bool,
}

/// Stats the listed entry `key` at `place`, decides whether the walk
/// descends into it and adds it to `batch`. Returns the directory to walk,
/// if any: the caller decides who walks it.
pub(super) fn add_entry(
    shared: &Shared,
    ctx: &Arc<DirCtx>,
    place: &Placed<'_>,
    key: EntryKey,
    seen: Seen,
    batch: &mut Batch,
) -> Option<Child> {
    let (result, followed) = stat_listed(shared, ctx, place, seen.follow);
    let (stat, mut error, detail) = split(result);
    let (mut child, mut other_fs, mut again) = (None, false, false);
    let can_enter = seen.can_enter && !is_skipped(shared, place);
    match descent(shared, ctx, place.dir_path, key, stat.as_ref(), can_enter) {
        Descent::Not => {
            // A file reached a second time through a followed link.
            again =
                stat.as_ref().is_some_and(|st| st.kind() != FileKind::Dir && !ctx.first_visit(st));
        }
        Descent::Again => again = true,
        Descent::OtherFs => other_fs = true,
        Descent::Loop(err) => {
            // Under `--follow-links` a loop is one more path to a directory
            // counted already (an ancestor), as `du -L` has it.
            again = ctx.seen.is_some();
            error = Some(err);
        }
        Descent::Into(ctx) => {
            let size = stat.as_ref().map_or(0, |st| st.size);
            child = Some(Child { ctx, followed, size });
        }
    }
    batch.push(place.name, stat, seen.kind, error, child.is_some(), other_fs, detail);
    if again {
        batch.mark_seen_before();
    }
    child
}

/// Whether the entry is a directory the scan was asked not to enter.
fn is_skipped(shared: &Shared, place: &Placed<'_>) -> bool {
    !shared.skip.is_empty()
        && shared.skip.iter().any(|skip| {
            skip.parent() == Some(place.dir_path)
                && skip.file_name().is_some_and(|n| n.as_bytes() == place.name)
        })
}

pub(super) type StatResult = Result<(EntryStat, Option<Box<Detail>>), ScanError>;

pub(super) fn stat_entry(
    dir: BorrowedFd<'_>,
    name: &[u8],
    follow: bool,
    detail: bool,
) -> StatResult {
    if !detail {
        return stat::stat_at(dir, name, follow)
            .map(|st| (st, None))
            .map_err(|e| ScanError::errno(Op::Stat, e));
    }
    let (st, btime) =
        stat::statx_at(dir, name, follow).map_err(|e| ScanError::errno(Op::Stat, e))?;
    let mut extra = Detail { btime, ..Detail::default() };
    if st.kind() == FileKind::Symlink {
        match stat::readlink_at(dir, name) {
            Ok(target) => extra.target = Some(target),
            Err(e) => extra.target_error = Some(ScanError::errno(Op::ReadLink, e)),
        }
    }
    Ok((st, Some(Box::new(extra))))
}

/// Gathers the `--audit` facts of a stat-ed entry (at `full`, as scanned)
/// into its detail. `followed` says whether the stat went through a symlink
/// (then the xattrs read are the target's, like the rest of the record).
pub(super) fn add_audit(
    shared: &Shared,
    root_real: Option<&Path>,
    place: &Placed<'_>,
    full: &Path,
    followed: bool,
    result: &mut StatResult,
) {
    let Ok((st, detail)) = result else { return };
    let mut audit = AuditDetail::default();
    let mut target = None;
    if st.kind() == FileKind::Symlink {
        if !shared.audit.links {
            return;
        }
        target = match detail.as_ref().and_then(|d| d.target.clone()) {
            Some(known) => Some(known),
            None => stat::readlink_at(place.fd, place.name_at).ok(),
        };
        audit.dangling = match stat::stat_at(place.fd, place.name_at, true) {
            Ok(_) => Some(false),
            Err(Errno::NOENT | Errno::NOTDIR | Errno::LOOP) => Some(true),
            Err(_) => None,
        };
        audit.outside_root = match (&target, root_real) {
            (Some(target), Some(root)) => super::links::outside_root(full, target, root),
            _ => None,
        };
    } else if shared.audit.xattrs
        && let Ok(found) = stat::audit_xattrs_at(place.dir, place.name, full, followed)
    {
        audit.acl = found.acl;
        audit.capability = found.capability;
    }
    if audit == AuditDetail::default() && target.is_none() {
        return;
    }
    let detail = detail.get_or_insert_with(Box::default);
    if detail.target.is_none() {
        detail.target = target;
    }
    detail.audit = audit;
}

pub(super) fn split(
    result: StatResult,
) -> (Option<EntryStat>, Option<ScanError>, Option<Box<Detail>>) {
    match result {
        Ok((st, detail)) => (Some(st), None, detail),
        Err(err) => (None, Some(err), None),
    }
}
