//! Our own reading of one directory, for the directories jwalk does not
//! list: names read with `getdents` on an open handle, the cancel checked
//! between calls, and every name stat-ed relative to that handle in slices
//! that are batches of their own (in parallel on the second pool when the
//! directory is large). Also the slicing jwalk's own large listings use.

use std::mem::MaybeUninit;
use std::os::fd::BorrowedFd;
use std::path::Path;
use std::sync::Arc;

use jwalk::rayon::prelude::*;
use rustix::fs::RawDir;
use rustix::io::Errno;

use super::entry::{Batch, Parent, ScanEvent};
use super::kind::FileKind;
use super::place::{self, DirCtx, Handover, Placed, Seen, Shared};

/// Listings with more names than this are stat-ed in parallel slices.
const SPLIT_ABOVE: usize = 4096;
/// Names in one slice of a large listing (one batch).
const SLICE: usize = 2048;
/// Names read between two looks at the cancel (a 32 KiB `getdents` buffer
/// holds at least 120 names, usually a thousand).
const CANCEL_EVERY: usize = 512;
/// Bytes of `getdents` buffer.
pub(super) const DIRENT_BUF: usize = 32 * 1024;

/// A directory this large (`st_size`, bytes) or larger is listed here, not
/// by jwalk: jwalk reads a whole listing before its callback runs, and
/// nothing can stop it in between. ext4 and tmpfs both grow a directory by
/// about 20 bytes per short name (measured: 200,000 names of 7 bytes are
/// 4,476,928 bytes on ext4; tmpfs counts 20 bytes per entry), so this is
/// about 12,000 entries, which jwalk lists in well under 100 ms. A
/// filesystem that reports no real size leaves every directory to jwalk.
const LARGE_FROM: u64 = 256 * 1024;

/// True when a directory of this size is listed here rather than by jwalk.
pub(super) fn is_large(size: u64) -> bool {
    size >= LARGE_FROM
}

/// True when a listing of `n` names is stat-ed in parallel slices.
pub(super) fn in_parallel(n: usize) -> bool {
    n > SPLIT_ABOVE
}

/// Runs `each` on the slices of `items` (with the offset of each), in
/// parallel on the second pool when there are many; a short or empty
/// listing is one slice. What each returns, in order.
pub(super) fn by_slices<T: Send, R: Send>(
    shared: &Shared,
    items: &mut [T],
    each: impl Fn(usize, &mut [T]) -> R + Sync,
) -> Vec<R> {
    if !in_parallel(items.len()) {
        return vec![each(0, items)];
    }
    shared.split_pool.install(|| {
        items.par_chunks_mut(SLICE).enumerate().map(|(n, slice)| each(n * SLICE, slice)).collect()
    })
}

/// A name in a listing, with the type the listing gave.
pub(super) type Name = (Box<[u8]>, FileKind);

/// Every name in the directory open as `fd`, and the error that ended the
/// listing early, if one did. Every [`CANCEL_EVERY`] names it asks
/// `cancelled`, and stops once it says so: a listing of millions of names
/// never holds up a cancel.
pub(super) fn read_names(
    fd: BorrowedFd<'_>,
    buf: &mut Vec<u8>,
    cancelled: impl Fn() -> bool,
) -> (Vec<Name>, Option<Errno>) {
    let mut names = Vec::new();
    let spare: &mut [MaybeUninit<u8>] = buf.spare_capacity_mut();
    let mut dir = RawDir::new(fd, spare);
    while let Some(item) = dir.next() {
        match item {
            Ok(entry) => {
                let name = entry.file_name().to_bytes();
                if name == b"." || name == b".." {
                    continue;
                }
                let kind = FileKind::from_mode(entry.file_type().as_raw_mode());
                names.push((name.into(), kind));
                if names.len() % CANCEL_EVERY == 0 && cancelled() {
                    break;
                }
            }
            Err(err) => return (names, Some(err)),
        }
    }
    (names, None)
}

/// Stats and sends the names of the directory `ctx`, open as `fd` (at
/// `dir_path`), slice by slice; returns its subdirectories to walk. Once the
/// scan is cancelled the slices not started are skipped.
pub(super) fn send(
    shared: &Shared,
    ctx: &Arc<DirCtx>,
    fd: BorrowedFd<'_>,
    dir_path: &Arc<Path>,
    names: &mut [Name],
) -> Vec<Handover> {
    let total = names.len();
    let slices = by_slices(shared, names, |offset, slice| {
        if shared.cancelled() {
            return Vec::new();
        }
        let parent = Parent::Dir(ctx.key);
        let id = shared.batch_id();
        let mut batch = Batch::new(id, parent, Arc::clone(dir_path), offset as u32, total as u32);
        batch.entries.reserve_exact(slice.len());
        let mut pending = Vec::new();
        for (index, (name, kind)) in slice.iter().enumerate() {
            let key = batch.key(index);
            let follow = shared.follow && matches!(kind, FileKind::Symlink | FileKind::Unknown);
            let seen = Seen { kind: *kind, follow, can_enter: true };
            let place = Placed { fd, dir: Some(fd), name_at: name, name, dir_path };
            if let Some(child) = place::add_entry(shared, ctx, &place, key, seen, &mut batch) {
                pending.push(Handover::new(name, child));
            }
        }
        shared.send(ScanEvent::Batch(batch));
        pending
    });
    slices.into_iter().flatten().collect()
}
