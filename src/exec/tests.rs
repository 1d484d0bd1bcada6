use std::path::Path;
use std::time::Instant;

use super::*;
use crate::scan::ScanHandle;

fn scan_of(dir: &Path) -> ScanHandle {
    scan::start(ScanOptions::new(vec![dir.to_path_buf()])).expect("start a scan")
}

#[test]
fn a_rescan_the_state_no_longer_waits_for_is_cancelled_and_the_rest_at_quit() {
    let tmp = tempfile::TempDir::new().expect("temp dir");
    let (superseded, audit) = (scan_of(tmp.path()), scan_of(tmp.path()));
    let mut io = InlineExecutor::default();
    io.background_scans.push((Some(7), superseded.canceller()));
    io.background_scans.push((None, audit.canceller()));
    // No re-scan with ticket 7 in the state: it was replaced or is done.
    let state = State::new(Default::default(), Default::default(), Instant::now());
    io.cancel_superseded(&state);
    assert!(superseded.canceller().is_cancelled());
    assert!(!audit.canceller().is_cancelled(), "the audit pass has no ticket");
    io.cancel_background_scans();
    assert!(audit.canceller().is_cancelled());
    assert!(io.background_scans.is_empty());
}
