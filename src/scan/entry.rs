//! What the scanner sends: owned batches of entries, one directory (or one
//! slice of a very large directory) at a time.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::kind::FileKind;
use crate::error::ScanError;

/// Seconds and nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Timespec {
    /// Whole seconds (negative before 1970).
    pub sec: i64,
    /// Nanoseconds, 0..1e9.
    pub nsec: u32,
}

/// The `lstat` record of one entry, as the kernel gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EntryStat {
    /// Full `st_mode`: type and permission bits.
    pub mode: u32,
    /// Hard link count.
    pub nlink: u64,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Apparent size in bytes.
    pub size: u64,
    /// Allocated 512-byte blocks.
    pub blocks: u64,
    /// Inode number.
    pub ino: u64,
    /// Device holding the entry.
    pub dev: u64,
    /// Device number, for block and character devices.
    pub rdev: u64,
    /// Last access.
    pub atime: Timespec,
    /// Last content change.
    pub mtime: Timespec,
    /// Last status change.
    pub ctime: Timespec,
}

impl EntryStat {
    /// The file type.
    pub fn kind(&self) -> FileKind {
        FileKind::from_mode(self.mode)
    }

    /// Allocated bytes (`st_blocks` is always in 512-byte units).
    pub fn allocated(&self) -> u64 {
        self.blocks.saturating_mul(512)
    }
}

/// Extra facts only the full-detail scan (`--json`) or an audit scan gathers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Detail {
    /// Birth time, where the filesystem records it.
    pub btime: Option<Timespec>,
    /// A symlink's target, raw bytes.
    pub target: Option<Vec<u8>>,
    /// Why the target could not be read.
    pub target_error: Option<ScanError>,
    /// Facts only an `--audit` scan gathers (all empty otherwise).
    pub audit: AuditDetail,
}

/// What an `--audit` scan learns beyond `lstat` (see `ScanOptions::audit`).
/// `None` means not checked, or not known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditDetail {
    /// Symlinks: following the link fails with ENOENT, ENOTDIR or ELOOP.
    pub dangling: Option<bool>,
    /// Symlinks: the target resolves outside the scanned root (the rule is in
    /// `crate::scan::links`).
    pub outside_root: Option<bool>,
    /// The raw `security.capability` xattr, when there is one.
    pub capability: Option<Vec<u8>>,
    /// A `system.posix_acl_access` or `system.posix_acl_default` xattr is present.
    pub acl: bool,
}

/// Names a directory entry while the scan runs: the batch that carried it and
/// its position among its directory's children. The tree model maps it to a
/// node id; nothing else needs to understand it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EntryKey {
    /// The batch that carried the entry.
    pub batch: u32,
    /// Index within that batch.
    pub index: u32,
}

/// Where a batch's entries belong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// The batch holds root number `n` itself (one entry).
    Root(usize),
    /// The batch holds children of this directory.
    Dir(EntryKey),
}

/// One scanned entry.
#[derive(Debug, Clone)]
pub struct RawEntry {
    name_start: u32,
    name_len: u32,
    /// The `lstat` record; `None` when it failed (see `error`).
    pub stat: Option<EntryStat>,
    /// The type the directory listing gave, for entries that could not be stat-ed.
    pub listed_kind: FileKind,
    /// A failure attached to this entry.
    pub error: Option<ScanError>,
    /// True when the walker will read this directory: a later batch with this
    /// entry as parent, or a `DirError`, will follow.
    pub descend: bool,
    /// True for a directory on another filesystem that `--one-file-system` kept out.
    pub other_fs: bool,
    /// Full-detail facts (`--json` scans only).
    pub detail: Option<Box<Detail>>,
    /// Under `--follow-links`: the same directory or file (device and
    /// inode) was already placed by another path under this root. It is
    /// listed but not entered, and counts nothing, as `du -L` counts it.
    pub seen_before: bool,
}

impl RawEntry {
    /// The entry's type: from `lstat`, or from the listing when `lstat` failed.
    pub fn kind(&self) -> FileKind {
        self.stat.as_ref().map_or(self.listed_kind, EntryStat::kind)
    }
}

/// An owned batch of entries sharing one parent.
#[derive(Debug)]
pub struct Batch {
    /// Unique id; with an index it forms the `EntryKey` of each entry.
    pub id: u32,
    /// Whose children these are.
    pub parent: Parent,
    /// Full path of the parent directory (empty for a root batch).
    pub dir_path: Arc<Path>,
    /// Position of the first entry among the parent's children.
    pub offset: u32,
    /// How many children the parent has in all (a large directory arrives in slices).
    pub total: u32,
    names: Vec<u8>,
    /// The entries, in listing order.
    pub entries: Vec<RawEntry>,
    /// The entries as a consumer's formatter rendered them on the worker
    /// ([`super::ScanOptions::format`]).
    pub rendered: Option<Box<Rendered>>,
}

impl Batch {
    /// An empty batch ready to be filled.
    pub fn new(id: u32, parent: Parent, dir_path: Arc<Path>, offset: u32, total: u32) -> Self {
        Batch {
            id,
            parent,
            dir_path,
            offset,
            total,
            names: Vec::new(),
            entries: Vec::new(),
            rendered: None,
        }
    }

    /// Appends an entry whose name is `name`.
    #[expect(clippy::too_many_arguments, reason = "a plain record constructor")]
    pub fn push(
        &mut self,
        name: &[u8],
        stat: Option<EntryStat>,
        listed_kind: FileKind,
        error: Option<ScanError>,
        descend: bool,
        other_fs: bool,
        detail: Option<Box<Detail>>,
    ) {
        let name_start = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.extend_from_slice(name);
        self.entries.push(RawEntry {
            name_start,
            name_len: u32::try_from(name.len()).unwrap_or(u32::MAX),
            stat,
            listed_kind,
            error,
            descend,
            other_fs,
            detail,
            seen_before: false,
        });
    }

    /// Marks the last entry pushed as reached before by another path (see
    /// [`RawEntry::seen_before`]).
    pub fn mark_seen_before(&mut self) {
        if let Some(last) = self.entries.last_mut() {
            last.seen_before = true;
        }
    }

    /// The raw name of entry `i` (for a root: the root path as given).
    pub fn name(&self, entry: &RawEntry) -> &[u8] {
        let start = entry.name_start as usize;
        &self.names[start..start + entry.name_len as usize]
    }

    /// The full path of an entry, as the user would type it.
    pub fn path_of(&self, entry: &RawEntry) -> PathBuf {
        let name = Path::new(OsStr::from_bytes(self.name(entry)));
        match self.parent {
            Parent::Root(_) => name.to_path_buf(),
            Parent::Dir(_) => self.dir_path.join(name),
        }
    }

    /// The key of the entry at `index` in this batch.
    pub fn key(&self, index: usize) -> EntryKey {
        EntryKey { batch: self.id, index: index as u32 }
    }
}

/// A batch's records as the formatter rendered them: entry `i` is
/// `bytes[ends[i - 1]..ends[i]]` (from 0 for the first).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Every entry's text, one after the other.
    pub bytes: Vec<u8>,
    /// Where each entry's text ends.
    pub ends: Vec<u32>,
}

impl Rendered {
    /// The text of entry `i`.
    pub fn entry(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }
}

/// Everything the scanner reports.
#[derive(Debug)]
pub enum ScanEvent {
    /// Entries of one directory (or one root).
    Batch(Batch),
    /// A directory announced with `descend` could not be (fully) read.
    DirError {
        /// The directory.
        dir: EntryKey,
        /// Its full path.
        path: PathBuf,
        /// Why.
        error: ScanError,
    },
    /// Root number `root` could not be stat-ed (missing, no search
    /// permission on a parent, a dangling link under `-L`): it is an error,
    /// not an entry, so no batch carries it. A root that exists but cannot be
    /// listed is an entry, and its listing failure a [`ScanEvent::DirError`].
    RootError {
        /// The root's index among the roots given.
        root: usize,
        /// The root as given.
        path: PathBuf,
        /// Why.
        error: ScanError,
    },
    /// Root number `n` has been walked completely.
    RootDone(usize),
    /// All roots are done (or the scan was cancelled).
    Finished {
        /// Wall time since the scan started.
        elapsed: Duration,
    },
}
