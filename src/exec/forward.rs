//! The one scan-to-message forwarder: every scan the interface starts after
//! the first (re-scans of one directory, the audit pass) reaches the loop
//! through [`forward`].

use std::path::PathBuf;

use super::Outbox;
use crate::scan::{AuditScan, ScanEvent, ScanHandle, ScanOptions};
use crate::view::Msg;

/// Sends every event of `handle` as `wrap(event)` until the scan finishes
/// or nobody listens any more; the handle, and with it the scan, is dropped
/// then.
pub fn forward(handle: ScanHandle, wrap: impl Fn(ScanEvent) -> Msg, out: &dyn Outbox) {
    for event in handle.events().iter() {
        let finished = matches!(event, ScanEvent::Finished { .. });
        if !out.send(wrap(event)) || finished {
            break;
        }
    }
}

/// The options of the audit pass: a second scan of the same roots that
/// gathers xattrs and symlink facts, started the first time the audit panel
/// opens (a plain scan leaves them out: they make it about 1.6 times as
/// costly).
pub fn audit_pass_options(
    roots: Vec<PathBuf>,
    follow_links: bool,
    one_file_system: bool,
) -> ScanOptions {
    ScanOptions {
        follow_links,
        one_file_system,
        background: true,
        audit: AuditScan::all(),
        ..ScanOptions::new(roots)
    }
}
