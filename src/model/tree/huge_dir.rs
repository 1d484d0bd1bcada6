//! A directory of many files built in the model, without the filesystem:
//! creating millions of files takes minutes of disk work that would measure
//! the disk, not the interface. Shared by the stepped-sort unit tests, the
//! huge-directory tests and `benches/huge_dir.rs`, so they all look at the
//! same directory.
//!
//! The entries arrive as a scanned directory's do: a root batch, then the
//! directory's children in slices of [`SLICE`] entries, each its own batch
//! with its offset and the directory's total (what `scan::listing` sends for
//! a large directory), through [`Tree::apply_batch`].

use std::path::Path;
use std::sync::Arc;

use crate::model::FileKind;
use crate::scan::{Batch, EntryKey, EntryStat, Parent, Timespec};

use super::{NodeId, Tree};

/// Entries per batch, as the scanner slices a large directory.
pub const SLICE: u64 = 2048;

/// The stat of one synthetic entry: `mode`, `size` (and its blocks), inode
/// `ino`, an mtime spread by the inode.
pub fn stat(mode: u32, size: u64, ino: u64) -> EntryStat {
    let mtime = Timespec { sec: 1_700_000_000 + (ino % 977) as i64, nsec: 0 };
    EntryStat {
        mode,
        size,
        blocks: size.div_ceil(512),
        ino,
        nlink: 1,
        dev: 1,
        mtime,
        ..Default::default()
    }
}

/// Makes the empty `tree` one root directory `root` holding `n` files and
/// returns it. The files are listed in an order unlike any sort: names and
/// sizes follow a multiplicative shuffle of the listing position, mtimes
/// the inode.
#[doc(hidden)]
pub fn add_huge_dir(tree: &mut Tree, root: &str, n: u64) -> NodeId {
    assert!(tree.roots().next().is_none(), "a fresh tree: batch ids start at 0");
    let mut batch = Batch::new(0, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
    let dir_stat = stat(0o040_755, 4096, 1);
    batch.push(root.as_bytes(), Some(dir_stat), FileKind::Dir, None, true, false, None);
    tree.apply_batch(&batch);
    let parent = Parent::Dir(EntryKey { batch: 0, index: 0 });
    let dir_path: Arc<Path> = Arc::from(Path::new(root));
    let total = u32::try_from(n).expect("at most u32::MAX entries");
    let mut offset = 0;
    let mut id = 1;
    while offset < n {
        let len = SLICE.min(n - offset);
        let mut batch = Batch::new(id, parent, Arc::clone(&dir_path), offset as u32, total);
        batch.entries.reserve_exact(len as usize);
        for i in offset..offset + len {
            let k = i.wrapping_mul(2_654_435_761) % 1_000_003;
            let st = stat(0o100_644, k % 5000, 10 + i);
            let name = format!("f{k:07}_{i}");
            batch.push(name.as_bytes(), Some(st), FileKind::File, None, false, false, None);
        }
        tree.apply_batch(&batch);
        offset += len;
        id += 1;
    }
    tree.roots().next().expect("the root just added")
}
