//! The jwalk integration: all per-entry work happens inside jwalk's
//! `process_read_dir` callback, on the pool's worker threads.
//!
//! # Implementation
//!
//! jwalk reads a directory on a worker and hands its listing to the callback.
//! The callback opens the directory once, `fstatat`s every child relative to
//! that handle, packs the results into an owned [`Batch`] and sends it over the
//! bounded channel. Only the children that will be descended into stay in
//! jwalk's list, so its single ordered iterator — a funnel, drained by one
//! thread per root — carries directories only (a few percent of the entries)
//! and is used for nothing but learning which directories failed to open.
//!
//! An audit scan ([`super::AuditScan`]) adds its syscalls here too, per
//! entry, on the same workers: `readlinkat`, a following `fstatat` and a
//! `realpath` for symlinks; `llistxattr` (and `lgetxattr` for a capability)
//! for everything else. A plain scan skips them with one comparison.
//!
//! Directories too deep for jwalk's full paths, or too large for its
//! uninterruptible listing, are announced here and walked by `deep`.
//!
//! Ordering: a child directory is read only after the callback for its parent
//! returned, and the parent's batch was sent before that, so the channel
//! always delivers a parent's batch before any batch of its children.

use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use crossbeam_channel::Sender;
use jwalk::rayon::prelude::*;
use rustix::io::Errno;

use super::AuditScan;
use super::cancel::Cancel;
use super::deep;
use super::entry::{AuditDetail, Batch, Detail, EntryKey, EntryStat, Parent, ScanEvent};
use super::stat;
use crate::error::{Op, ScanError};
use crate::model::mode::FileKind;

/// Directories with more children than this are stat-ed in parallel slices.
pub(super) const SPLIT_ABOVE: usize = 4096;
/// Size of one slice of a large directory.
pub(super) const SLICE: usize = 2048;

/// What every callback invocation shares.
pub(crate) struct Shared {
    pub tx: Sender<ScanEvent>,
    pub cancel: Arc<Cancel>,
    pub next_batch: AtomicU32,
    pub follow: bool,
    pub one_file_system: bool,
    pub detail: bool,
    /// Extra facts for `--audit`.
    pub audit: AuditScan,
    /// Runs the parallel slices of large directories.
    pub split_pool: jwalk::rayon::ThreadPool,
}

impl Shared {
    /// Sends an event, waiting for room or for the cancel: a worker never
    /// waits only for room (a reader that stopped reading while keeping the
    /// channel open would hold it forever).
    pub(super) fn send(&self, event: ScanEvent) {
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
    root_real: Option<Arc<Path>>,
}

impl DirCtx {
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

/// jwalk's per-directory state: the context of the directory being read.
#[derive(Debug, Clone, Default)]
pub(crate) struct DirState(Option<Arc<DirCtx>>);

/// jwalk client state: directory contexts, and each entry's key.
#[derive(Debug, Default)]
pub(crate) struct Client;

impl jwalk::ClientState for Client {
    type ReadDirState = DirState;
    type DirEntryState = EntryKey;
}

type Entry = jwalk::DirEntry<Client>;
type Item = jwalk::Result<Entry>;

/// The callback for the root itself (`depth == None`): one entry, the root.
pub(crate) fn process_root(
    shared: &Shared,
    root_index: usize,
    root: &Path,
    children: &mut Vec<Item>,
) {
    let name = root.as_os_str().as_bytes();
    let found = match stat_entry(stat::cwd(), name, shared.follow, shared.detail) {
        Ok(found) => found,
        Err(error) => {
            // Nothing is there to list: the root is an error, not an entry.
            children.clear();
            shared.send(ScanEvent::RootError { root: root_index, path: root.to_path_buf(), error });
            return;
        }
    };
    let mut result: StatResult = Ok(found);
    let id = shared.batch_id();
    let mut batch = Batch::new(id, Parent::Root(root_index), Arc::from(Path::new("")), 0, 1);
    let key = batch.key(0);
    let root_real: Option<Arc<Path>> =
        if shared.audit.links { std::fs::canonicalize(root).ok().map(Arc::from) } else { None };
    if shared.audit != AuditScan::default() {
        let place = Place { fd: stat::cwd(), dir: None, name_at: name, name, full: root };
        add_audit(shared, root_real.as_deref(), &place, shared.follow, &mut result);
    }
    let listed = children
        .first()
        .and_then(|item| item.as_ref().ok())
        .map_or(FileKind::Unknown, |e| FileKind::from_std(e.file_type));
    let (stat, error, detail) = split(result);

    let mut descend = false;
    let mut handover = None;
    if let (Some(st), Some(Ok(entry))) = (stat.as_ref(), children.first_mut()) {
        entry.client_state = key;
        if st.kind() == FileKind::Dir && entry.read_children.is_some() && !shared.cancelled() {
            let ctx = Arc::new(DirCtx {
                key,
                dev: st.dev,
                ino: st.ino,
                depth: 0,
                parent: None,
                root_dev: st.dev,
                root_real,
            });
            if deep::too_deep(Path::new(""), name) || deep::is_large(st) {
                entry.read_children = None;
                handover = Some(deep::Handover::new(name, ctx, shared.follow));
            } else if let Some(rc) = entry.read_children.as_mut() {
                rc.client_read_state = Some(DirState(Some(ctx)));
            }
            descend = true;
        } else {
            entry.read_children = None;
        }
    }
    batch.push(name, stat, listed, error, descend, false, detail);
    shared.send(ScanEvent::Batch(batch));
    if let Some(handover) = handover {
        deep::walk(shared, stat::cwd(), Path::new(""), vec![handover]);
    }
    retain_descending(children);
}

/// The callback for a directory's listing.
pub(crate) fn process_dir(
    shared: &Shared,
    dir_path: &Path,
    state: &DirState,
    children: &mut Vec<Item>,
) {
    let Some(ctx) = state.0.as_ref() else {
        children.clear();
        return;
    };
    if shared.cancelled() {
        children.clear();
        return;
    }
    let handle = stat::open_dir(dir_path, shared.follow);
    let dir_fd = handle.as_ref().ok();

    // Read errors without a path (the listing broke off part-way) belong to the
    // directory itself; report them and keep what was listed.
    children.retain(|item| match item {
        Err(err) if err.path().is_none() => {
            let error = jwalk_error(Op::ReadDir, err);
            shared.send(ScanEvent::DirError { dir: ctx.key, path: dir_path.to_path_buf(), error });
            false
        }
        _ => true,
    });

    let total = children.len();
    let run = |offset: usize, slice: &mut [Item]| {
        // The slices of a huge directory still waiting when the scan is
        // cancelled are skipped, not stat-ed for nobody.
        if shared.cancelled() {
            for entry in slice.iter_mut().flatten() {
                entry.read_children = None;
            }
            return;
        }
        let (batch, handovers) = build_batch(shared, ctx, dir_path, dir_fd, offset, total, slice);
        shared.send(ScanEvent::Batch(batch));
        // Only now, after the batch that announced them: the parent's batch
        // must arrive before any of its children's.
        if let (Some(fd), false) = (dir_fd, handovers.is_empty()) {
            deep::walk(shared, stat::borrow(fd), dir_path, handovers);
        }
    };
    if total > SPLIT_ABOVE {
        shared.split_pool.install(|| {
            children.par_chunks_mut(SLICE).enumerate().for_each(|(n, slice)| run(n * SLICE, slice));
        });
    } else {
        run(0, children.as_mut_slice());
    }
    retain_descending(children);
}

fn retain_descending(children: &mut Vec<Item>) {
    children.retain(|item| matches!(item, Ok(entry) if entry.read_children.is_some()));
    // The list waits in jwalk's result queue until the iterator thread takes
    // it; without this it would keep the capacity of the whole listing.
    children.shrink_to_fit();
}

/// One slice of a listing as a batch, and the directories in it too deep for
/// jwalk (walked by [`deep::walk`] once the batch is sent).
fn build_batch(
    shared: &Shared,
    ctx: &Arc<DirCtx>,
    dir_path: &Path,
    dir_fd: Option<&OwnedFd>,
    offset: usize,
    total: usize,
    slice: &mut [Item],
) -> (Batch, Vec<deep::Handover>) {
    let id = shared.batch_id();
    let mut batch =
        Batch::new(id, Parent::Dir(ctx.key), Arc::from(dir_path), offset as u32, total as u32);
    batch.entries.reserve_exact(slice.len());
    let mut handovers = Vec::new();
    for (index, item) in slice.iter_mut().enumerate() {
        let key = batch.key(index);
        match item {
            Ok(entry) => {
                let at = Listed { ctx, dir_path, dir_fd };
                if let Some(deep) = add_listed(shared, &at, &mut batch, key, entry) {
                    handovers.push(deep);
                }
            }
            Err(err) => add_unlisted(shared, ctx, dir_path, &mut batch, key, err),
        }
    }
    (batch, handovers)
}

/// The directory a listed entry is in.
struct Listed<'a> {
    ctx: &'a Arc<DirCtx>,
    dir_path: &'a Path,
    /// Its handle (`None` when it could not be opened a second time).
    dir_fd: Option<&'a OwnedFd>,
}

/// Adds an entry jwalk listed, deciding whether the walk descends into it.
/// Returns the directory when it is too deep for jwalk: the caller walks it.
fn add_listed(
    shared: &Shared,
    at: &Listed<'_>,
    batch: &mut Batch,
    key: EntryKey,
    entry: &mut Entry,
) -> Option<deep::Handover> {
    entry.client_state = key;
    let name = entry.file_name.as_bytes();
    let follow = shared.follow && entry.path_is_symlink();
    let full;
    let (fd, name_at): (BorrowedFd<'_>, &[u8]) = match at.dir_fd {
        Some(fd) => (stat::borrow(fd), name),
        None => {
            // The directory could not be opened a second time (raced away, or
            // no search permission): fall back to full paths.
            full = at.dir_path.join(&entry.file_name);
            (stat::cwd(), full.as_os_str().as_bytes())
        }
    };
    let place =
        Placed { fd, dir: at.dir_fd.map(stat::borrow), name_at, name, dir_path: at.dir_path };
    let (result, followed) = stat_listed(shared, at.ctx, &place, follow);
    let (stat, mut error, detail) = split(result);
    let listed = FileKind::from_std(entry.file_type);

    let mut descend = false;
    let mut other_fs = false;
    let mut handover = None;
    let can_enter = entry.read_children.is_some();
    match descent(shared, at.ctx, at.dir_path, key, stat.as_ref(), can_enter) {
        Descent::Not => {}
        Descent::OtherFs => other_fs = true,
        Descent::Loop(err) => error = Some(err),
        Descent::Into(child) => {
            // Past the point where jwalk's full paths would fail, the rest
            // of this subtree is walked relative to handles; so is a
            // directory too large for jwalk to list without a pause.
            let ours =
                deep::too_deep(at.dir_path, name) || stat.as_ref().is_some_and(deep::is_large);
            if at.dir_fd.is_some() && ours {
                entry.read_children = None;
                handover = Some(deep::Handover::new(name, child, followed));
            } else if let Some(rc) = entry.read_children.as_mut() {
                rc.client_read_state = Some(DirState(Some(child)));
            }
            descend = true;
        }
    }
    if !descend {
        entry.read_children = None;
    }
    batch.push(name, stat, listed, error, descend, other_fs, detail);
    handover
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
        let audit_place = Place {
            fd: place.fd,
            dir: place.dir,
            name_at: place.name_at,
            name: place.name,
            full: &full,
        };
        add_audit(shared, ctx.root_real.as_deref(), &audit_place, followed, &mut result);
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
    Descent::Into(Arc::new(DirCtx {
        key,
        dev: st.dev,
        ino: st.ino,
        depth: ctx.depth + 1,
        parent: Some(Arc::clone(ctx)),
        root_dev: ctx.root_dev,
        root_real: ctx.root_real.clone(),
    }))
}

/// Adds an entry jwalk could only report as an error (with following on: a
/// link it could not resolve). The link itself is still an entry.
fn add_unlisted(
    shared: &Shared,
    ctx: &Arc<DirCtx>,
    dir_path: &Path,
    batch: &mut Batch,
    key: EntryKey,
    err: &jwalk::Error,
) {
    let Some(path) = err.path() else { return };
    let name = path.file_name().map_or(path.as_os_str().as_bytes(), |n| n.as_bytes()).to_vec();
    if err.loop_ancestor().is_some() && add_textual_loop(shared, ctx, dir_path, batch, key, &name) {
        return;
    }
    let full = path.as_os_str().as_bytes();
    let mut result = stat_entry(stat::cwd(), full, false, shared.detail);
    if shared.audit != AuditScan::default() {
        let place = Place { fd: stat::cwd(), dir: None, name_at: full, name: &name, full: path };
        add_audit(shared, ctx.root_real.as_deref(), &place, false, &mut result);
    }
    let (stat, mut error, detail) = split(result);
    if let Some(ancestor) = err.loop_ancestor() {
        error = Some(ScanError::fs_loop(ancestor));
    }
    batch.push(&name, stat, FileKind::Symlink, error, false, false, detail);
}

/// A link whose text names one of its ancestors (`abs -> /path/of/a` inside
/// `a`): jwalk reports it as an error before our own check could see it.
/// Records it exactly as [`add_listed`] records a link that reaches an
/// ancestor by any other text (`up -> ..`): the followed record and our loop
/// error, so the same loop is the same finding whatever the link says.
/// Returns false, adding nothing, when following it does not reach an
/// ancestor after all (it changed since jwalk looked).
fn add_textual_loop(
    shared: &Shared,
    ctx: &Arc<DirCtx>,
    dir_path: &Path,
    batch: &mut Batch,
    key: EntryKey,
    name: &[u8],
) -> bool {
    let full = dir_path.join(std::ffi::OsStr::from_bytes(name));
    let place =
        Placed { fd: stat::cwd(), dir: None, name_at: full.as_os_str().as_bytes(), name, dir_path };
    let (result, _) = stat_listed(shared, ctx, &place, true);
    let (stat, error, detail) = split(result);
    let Descent::Loop(loop_error) = descent(shared, ctx, dir_path, key, stat.as_ref(), false)
    else {
        return false;
    };
    let listed = stat.as_ref().map_or(FileKind::Symlink, EntryStat::kind);
    batch.push(name, stat, listed, error.or(Some(loop_error)), false, false, detail);
    true
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

/// Where an entry is, for the audit's extra syscalls.
struct Place<'a> {
    /// The handle `name_at` is relative to.
    fd: BorrowedFd<'a>,
    /// The entry's directory, open (for `/proc/self/fd` past PATH_MAX).
    dir: Option<BorrowedFd<'a>>,
    /// The name to use with `fd`.
    name_at: &'a [u8],
    /// The entry's own name in its directory.
    name: &'a [u8],
    /// The full path, as scanned.
    full: &'a Path,
}

/// Gathers the `--audit` facts of a stat-ed entry into its detail. `followed`
/// says whether the stat went through a symlink (then the xattrs read are the
/// target's, like the rest of the record).
fn add_audit(
    shared: &Shared,
    root_real: Option<&Path>,
    place: &Place<'_>,
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
            (Some(target), Some(root)) => {
                crate::audit::links::outside_root(place.full, target, root)
            }
            _ => None,
        };
    } else if shared.audit.xattrs
        && let Ok(found) = stat::audit_xattrs_at(place.dir, place.name, place.full, followed)
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

/// Converts a jwalk error into ours.
pub(crate) fn jwalk_error(op: Op, err: &jwalk::Error) -> ScanError {
    if let Some(ancestor) = err.loop_ancestor() {
        return ScanError::fs_loop(ancestor);
    }
    match err.io_error() {
        Some(io) => ScanError::io(op, io),
        None => ScanError { op, errno: None, reason: err.to_string() },
    }
}
