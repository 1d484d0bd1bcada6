//! The first scan's progress as the view shows it.

use std::time::{Duration, Instant};

/// When the first scan started and how long it took.
#[derive(Debug, Clone)]
pub struct ScanProgress {
    /// When the scan started.
    pub started: Instant,
    /// Scan wall time, once finished.
    pub finished: Option<Duration>,
    /// Set when the tree is an import (`-f`): read-only, see `view::imported`.
    pub recorded: Option<crate::scan::Recorded>,
}
