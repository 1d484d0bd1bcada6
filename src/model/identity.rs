//! The identity of an entry as it was shown: the record every action carries
//! from the screen to the filesystem and compares with a fresh `lstat` before
//! it touches anything. Pure data here; reading it from the disk and the
//! re-check itself are syscalls and live in `fsops` (`Identity::read`,
//! `fsops::check`).

use crate::model::mode::FileKind;
use crate::scan::{EntryStat, Timespec};

/// What makes an entry *the same entry*: the device and inode it lives on and
/// its type. Captured when the entry is shown; every action compares it with
/// a fresh `lstat` before acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Identity {
    /// Device holding the entry (`st_dev`).
    pub dev: u64,
    /// Inode number (`st_ino`).
    pub ino: u64,
    /// File type.
    pub kind: FileKind,
    /// Birth time (`statx`), where the filesystem records it. An inode
    /// number is reused as soon as it is freed: a file deleted and another
    /// created in its place can get the same device and inode, but not the
    /// same birth time. `None` (not known) matches any.
    pub birth: Option<Timespec>,
}

impl Identity {
    /// The identity recorded in an `lstat` record (from the scan or a fresh read).
    /// (An `lstat` record has no birth time: see [`Identity::with_birth`].)
    pub fn of(stat: &EntryStat) -> Self {
        Identity { dev: stat.dev, ino: stat.ino, kind: stat.kind(), birth: None }
    }

    /// The same identity with the birth time `statx` gave.
    pub fn with_birth(self, birth: Option<Timespec>) -> Self {
        Identity { birth, ..self }
    }

    /// True when `other` is the same object: same device, inode and type,
    /// and the same birth time when both know one.
    pub fn same_as(&self, other: &Identity) -> bool {
        self.dev == other.dev
            && self.ino == other.ino
            && self.kind == other.kind
            && match (self.birth, other.birth) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }

    /// Words for messages: "directory (device 8:1, inode 42)".
    pub fn describe(&self) -> String {
        format!(
            "{} (device {}:{}, inode {})",
            self.kind.describe(),
            rustix::fs::major(self.dev),
            rustix::fs::minor(self.dev),
            self.ino
        )
    }
}
