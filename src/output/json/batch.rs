//! The fast path of `--json`: each batch's records are rendered on the scan
//! worker that built it ([`formatter`], through
//! [`crate::scan::ScanOptions::format`]), and [`Writer`] only copies them out
//! in the order they are due — the order, and every byte, of
//! [`super::write_serial`], which renders each record on the writing thread.
//!
//! A record is rendered whole except the closing brace of a directory the
//! walk will read: that record is held until its listing (or its read
//! error, which it then carries) arrives, as the serial writer holds it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::sync::Arc;

use super::{open_record, push_error};
use crate::names::OwnerNames;
use crate::output::ErrorReporter;
use crate::scan::{Batch, BatchFormat, EntryKey, Parent, Rendered, ScanEvent};

thread_local! {
    /// Each worker's own name cache (the cache is not shared between threads).
    static NAMES: RefCell<OwnerNames> = RefCell::new(OwnerNames::new());
}

/// Renders batches on the thread that calls it (a scan worker).
pub fn formatter() -> BatchFormat {
    BatchFormat(Arc::new(|batch: &Batch| {
        NAMES.with(|names| render(batch, &mut names.borrow_mut()))
    }))
}

/// Every record of `batch`: each line whole (`}\n` included) except a
/// directory the walk will read, which stays open for [`Writer`].
pub fn render(batch: &Batch, names: &mut OwnerNames) -> Rendered {
    let mut out = Rendered {
        bytes: Vec::with_capacity(batch.entries.len() * 384),
        ends: Vec::with_capacity(batch.entries.len()),
    };
    for entry in &batch.entries {
        let path = batch.path_of(entry);
        open_record(&mut out.bytes, path.as_os_str().as_bytes(), entry, names);
        if let Some(error) = &entry.error {
            push_error(&mut out.bytes, error);
        }
        if !entry.descend {
            out.bytes.extend_from_slice(b"}\n");
        }
        out.ends.push(u32::try_from(out.bytes.len()).unwrap_or(u32::MAX));
    }
    out
}

/// Copies rendered batches out, holding each directory's record until its
/// listing arrives.
#[derive(Default)]
pub struct Writer {
    /// Directory records waiting for their listing, without the closing brace.
    held: HashMap<EntryKey, Vec<u8>>,
    /// For a batch that arrives unrendered (no formatter ran).
    names: Option<OwnerNames>,
}

impl Writer {
    /// Writes what one event makes due.
    pub fn event(
        &mut self,
        event: &ScanEvent,
        out: &mut dyn Write,
        errors: &mut ErrorReporter<'_>,
    ) -> io::Result<()> {
        match event {
            ScanEvent::Batch(batch) => {
                if let Parent::Dir(key) = batch.parent
                    && let Some(mut record) = self.held.remove(&key)
                {
                    record.extend_from_slice(b"}\n");
                    out.write_all(&record)?;
                }
                let local;
                let rendered = match &batch.rendered {
                    Some(rendered) => rendered,
                    None => {
                        local = render(batch, self.names.get_or_insert_with(OwnerNames::new));
                        &local
                    }
                };
                self.copy(batch, rendered, out, errors)
            }
            ScanEvent::DirError { dir, path, error } => {
                errors.report(path, error);
                if let Some(mut record) = self.held.remove(dir) {
                    push_error(&mut record, error);
                    record.extend_from_slice(b"}\n");
                    out.write_all(&record)?;
                }
                Ok(())
            }
            ScanEvent::RootError { path, error, .. } => {
                errors.report(path, error);
                Ok(())
            }
            ScanEvent::RootDone(_) | ScanEvent::Finished { .. } => Ok(()),
        }
    }

    /// The runs of whole records in one write each; open ones are held.
    fn copy(
        &mut self,
        batch: &Batch,
        rendered: &Rendered,
        out: &mut dyn Write,
        errors: &mut ErrorReporter<'_>,
    ) -> io::Result<()> {
        let mut run_start = 0;
        for (index, entry) in batch.entries.iter().enumerate() {
            if let Some(error) = &entry.error {
                errors.report(&batch.path_of(entry), error);
            }
            if entry.descend {
                let start = if index == 0 { 0 } else { rendered.ends[index - 1] as usize };
                out.write_all(&rendered.bytes[run_start..start])?;
                self.held.insert(batch.key(index), rendered.entry(index).to_vec());
                run_start = rendered.ends[index] as usize;
            }
        }
        out.write_all(&rendered.bytes[run_start..])
    }

    /// After the last event: a cancelled scan can leave directories
    /// unresolved; they still get a line.
    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        for (_, mut record) in self.held {
            record.extend_from_slice(b"}\n");
            out.write_all(&record)?;
        }
        Ok(())
    }
}
