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

use super::deep;
use super::entry::{Batch, EntryKey, EntryStat, Parent, ScanEvent};
use super::kind::FileKind;
use super::listing;
use super::options::AuditScan;
use super::place::{self, Child, Descent, DirCtx, Handover, Placed, Seen, Shared};
use super::stat;
use crate::error::{Op, ScanError};

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
    let found = match place::stat_entry(stat::cwd(), name, shared.follow, shared.detail) {
        Ok(found) => found,
        Err(error) => {
            // Nothing is there to list: the root is an error, not an entry.
            children.clear();
            shared.send(ScanEvent::RootError { root: root_index, path: root.to_path_buf(), error });
            return;
        }
    };
    let mut result: place::StatResult = Ok(found);
    let id = shared.batch_id();
    let mut batch = Batch::new(id, Parent::Root(root_index), Arc::from(Path::new("")), 0, 1);
    let key = batch.key(0);
    let root_real: Option<Arc<Path>> =
        if shared.audit.links { std::fs::canonicalize(root).ok().map(Arc::from) } else { None };
    if shared.audit != AuditScan::default() {
        let at =
            Placed { fd: stat::cwd(), dir: None, name_at: name, name, dir_path: Path::new("") };
        place::add_audit(shared, root_real.as_deref(), &at, root, shared.follow, &mut result);
    }
    let listed = children
        .first()
        .and_then(|item| item.as_ref().ok())
        .map_or(FileKind::Unknown, |e| FileKind::from_std(e.file_type));
    let (stat, error, detail) = place::split(result);

    let mut descend = false;
    let mut handover = None;
    if let (Some(st), Some(Ok(entry))) = (stat.as_ref(), children.first_mut()) {
        entry.client_state = key;
        if st.kind() == FileKind::Dir && entry.read_children.is_some() && !shared.cancelled() {
            let ctx = DirCtx::root(key, st, root_real, shared.follow);
            // A root too deep or too large for jwalk is walked by `deep`.
            if deep::too_deep(Path::new(""), name) || listing::is_large(st.size) {
                entry.read_children = None;
                let root = Child { ctx, followed: shared.follow, size: st.size };
                handover = Some(Handover::new(name, root));
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
    listing::by_slices(shared, children, |offset, slice| {
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
    });
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
) -> (Batch, Vec<Handover>) {
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
) -> Option<Handover> {
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
    let placed =
        Placed { fd, dir: at.dir_fd.map(stat::borrow), name_at, name, dir_path: at.dir_path };
    let kind = FileKind::from_std(entry.file_type);
    let can_enter = entry.read_children.is_some();
    let seen = Seen { kind, follow, can_enter };
    let Some(child) = place::add_entry(shared, at.ctx, &placed, key, seen, batch) else {
        entry.read_children = None;
        return None;
    };
    // Past the point where jwalk's full paths would fail, the rest of this
    // subtree is walked relative to handles; so is a directory too large
    // for jwalk to list without a pause.
    let ours = deep::too_deep(at.dir_path, name) || listing::is_large(child.size);
    if at.dir_fd.is_some() && ours {
        entry.read_children = None;
        return Some(Handover::new(name, child));
    }
    if let Some(rc) = entry.read_children.as_mut() {
        rc.client_read_state = Some(DirState(Some(child.ctx)));
    }
    None
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
    let mut result = place::stat_entry(stat::cwd(), full, false, shared.detail);
    if shared.audit != AuditScan::default() {
        let at = Placed { fd: stat::cwd(), dir: None, name_at: full, name: &name, dir_path };
        place::add_audit(shared, ctx.root_real.as_deref(), &at, path, false, &mut result);
    }
    let (stat, mut error, detail) = place::split(result);
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
    let at =
        Placed { fd: stat::cwd(), dir: None, name_at: full.as_os_str().as_bytes(), name, dir_path };
    let (result, _) = place::stat_listed(shared, ctx, &at, true);
    let (stat, error, detail) = place::split(result);
    let Descent::Loop(loop_error) =
        place::descent(shared, ctx, dir_path, key, stat.as_ref(), false)
    else {
        return false;
    };
    let listed = stat.as_ref().map_or(FileKind::Symlink, EntryStat::kind);
    batch.push(name, stat, listed, error.or(Some(loop_error)), false, false, detail);
    true
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
