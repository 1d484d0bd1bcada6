//! A consumer's formatter run on the scan's workers: `--json` renders each
//! batch's records where the batch was built, in parallel, so the one thread
//! that writes only copies bytes out in the order they are due.

use std::sync::Arc;

use super::entry::{Batch, Rendered};

/// The formatter a scan runs on every batch before sending it.
#[derive(Clone)]
pub struct BatchFormat(pub Arc<dyn Fn(&Batch) -> Rendered + Send + Sync>);

impl std::fmt::Debug for BatchFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BatchFormat")
    }
}
