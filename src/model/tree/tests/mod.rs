//! Tests of the tree: how batches enter it and what the aggregates say
//! (`ingest`), and its edits (`edit`), with the shared stat fixture.

use crate::scan::{EntryStat, Timespec};

mod edit;
mod ingest;

/// A stat record for test entries.
pub(super) fn stat(mode: u32, size: u64, ino: u64, nlink: u64) -> EntryStat {
    EntryStat {
        mode,
        size,
        blocks: size.div_ceil(512),
        ino,
        nlink,
        uid: 1000,
        gid: 1000,
        dev: 1,
        mtime: Timespec { sec: 1_700_000_000, nsec: 0 },
        ..EntryStat::default()
    }
}

const DIR: u32 = 0o040_755;
const FILE: u32 = 0o100_644;
