//! The first scan's progress as the view shows it.

use std::time::{Duration, Instant};

/// When the first scan started and how long it took.
#[derive(Debug, Clone)]
pub struct ScanProgress {
    /// When the scan started.
    pub started: Instant,
    /// Scan wall time, once finished.
    pub finished: Option<Duration>,
}
