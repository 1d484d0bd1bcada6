//! A consumer's formatter run on the scan's workers: `--json` renders each
//! batch's records where the batch was built, in parallel, so the one thread
//! that writes only copies bytes out in the order they are due.

use std::sync::Arc;

use super::entry::Batch;

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

/// The formatter a scan runs on every batch before sending it.
#[derive(Clone)]
pub struct BatchFormat(pub Arc<dyn Fn(&Batch) -> Rendered + Send + Sync>);

impl std::fmt::Debug for BatchFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BatchFormat")
    }
}
