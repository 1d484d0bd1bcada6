//! `--list`: `d rwxr-xr-x    4.0 KiB  ./src`, one entry a line; an entry that
//! could not be read is `! path: reason`. Names are sanitized, so a line is
//! always one entry.

use std::io::{self, Write};

use crossbeam_channel::Receiver;

use super::{ErrorReporter, events, human_size};
use crate::model::mode::perms_string;
use crate::sanitize;
use crate::scan::ScanEvent;

/// Writes the listing as batches arrive.
pub fn write(
    rx: &Receiver<ScanEvent>,
    out: &mut dyn Write,
    errors: &mut ErrorReporter<'_>,
) -> io::Result<()> {
    for event in events(rx) {
        match event {
            ScanEvent::Batch(batch) => {
                for entry in &batch.entries {
                    let path = batch.path_of(entry);
                    let shown = sanitize::path(&path);
                    if let Some(st) = &entry.stat {
                        let kind = st.kind().letter();
                        let perms = perms_string(st.mode);
                        writeln!(out, "{kind} {perms}  {:>10}  {shown}", human_size(st.size))?;
                    }
                    if let Some(error) = &entry.error {
                        writeln!(out, "! {shown}: {}", sanitize::text(&error.to_string()))?;
                        errors.report(&path, error);
                    }
                }
            }
            ScanEvent::DirError { path, error, .. } => {
                writeln!(
                    out,
                    "! {}: {}",
                    sanitize::path(&path),
                    sanitize::text(&error.to_string())
                )?;
                errors.report(&path, &error);
            }
            ScanEvent::RootDone(_) | ScanEvent::Finished { .. } => {}
        }
    }
    Ok(())
}
