//! The plain data of a paste, shared by the layers that ask for one (the
//! view), run it (the filesystem operations) and show its progress: copy or
//! move, the answer to a name collision, one source, and the meter.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Identity;

/// What to do when the target directory already has an entry of the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collision {
    /// Leave both alone; the source is not pasted.
    Skip,
    /// Paste under the first free `name (1)`, `name (2)`, ….
    KeepBoth,
    /// Replace the existing entry (removed for good once the new one is
    /// complete).
    Overwrite,
    /// A directory onto a directory: paste its entries into the existing one
    /// (inside it, a directory onto a directory merges again and any other
    /// collision is skipped and reported).
    Merge,
}

/// Copy or move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasteMode {
    /// The sources stay.
    Copy,
    /// The sources go once their copy is in place and verified.
    Move,
}

/// One source of a paste.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasteItem {
    /// Its path.
    pub source: PathBuf,
    /// Its identity when it was yanked: re-checked at paste time.
    pub identity: Identity,
    /// The directories from the scan root down to its parent when it was
    /// yanked (root first, `None` where not known): re-checked at paste time
    /// so a parent swapped for another directory is refused.
    pub parents: Vec<Option<Identity>>,
    /// What to do if its name exists in the target (`None`: nobody was
    /// asked, so a collision is skipped and reported).
    pub on_collision: Option<Collision>,
}

/// How far a paste is: shared by the action thread (which adds) and the
/// status bar (which reads).
#[derive(Debug, Default)]
pub struct Meter {
    entries: AtomicU64,
    bytes: AtomicU64,
    total_entries: AtomicU64,
    total_bytes: AtomicU64,
}

impl Meter {
    /// One more entry written.
    pub fn add_entry(&self) {
        self.entries.fetch_add(1, Ordering::Relaxed);
    }

    /// `n` more bytes of data written.
    pub fn add_bytes(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
    }

    /// Sets the totals counted before the paste starts.
    pub fn set_totals(&self, entries: u64, bytes: u64) {
        self.total_entries.store(entries, Ordering::Relaxed);
        self.total_bytes.store(bytes, Ordering::Relaxed);
    }

    /// Entries and bytes written so far, and the totals (zero until known).
    pub fn read(&self) -> (u64, u64, u64, u64) {
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        (load(&self.entries), load(&self.bytes), load(&self.total_entries), load(&self.total_bytes))
    }
}

/// A shared [`Meter`]: the paste adds to it, the status bar reads it.
#[derive(Debug, Clone, Default)]
pub struct MeterHandle(pub Arc<Meter>);

impl PartialEq for MeterHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for MeterHandle {}
