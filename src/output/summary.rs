//! `--summary`: scans into the same in-memory [`Tree`] the interactive view
//! uses, then prints its totals.

use std::io::{self, Write};
use std::time::Instant;

use crossbeam_channel::Receiver;

use super::{ErrorReporter, events};
use crate::fmt::human_size;
use crate::model::Tree;
use crate::scan::ScanEvent;

/// Builds the tree from every event, reporting errors as they come.
pub fn build(rx: &Receiver<ScanEvent>, errors: &mut ErrorReporter<'_>) -> Tree {
    let mut tree = Tree::new();
    for event in events(rx) {
        match &event {
            ScanEvent::Batch(batch) => {
                for entry in batch.entries.iter().filter(|e| e.error.is_some()) {
                    if let Some(error) = &entry.error {
                        errors.report(&batch.path_of(entry), error);
                    }
                }
            }
            ScanEvent::DirError { path, error, .. } | ScanEvent::RootError { path, error, .. } => {
                errors.report(path, error);
            }
            _ => {}
        }
        tree.apply(event);
        if let Some(entries) = tree.out_of_memory() {
            // Dropping the receiver with the handle stops the scanner.
            errors.out_of_memory(entries);
            break;
        }
    }
    tree
}

/// Builds the tree and prints its totals.
pub fn write(
    rx: &Receiver<ScanEvent>,
    out: &mut dyn Write,
    errors: &mut ErrorReporter<'_>,
) -> io::Result<()> {
    let started = Instant::now();
    let tree = build(rx, errors);
    write_totals(&tree, started, out)
}

/// Prints the totals of a built tree (`started`: when the scan began, for
/// the rate when the tree has no finish time).
pub fn write_totals(tree: &Tree, started: Instant, out: &mut dyn Write) -> io::Result<()> {
    let elapsed = tree.finished().unwrap_or_else(|| started.elapsed()).as_secs_f64();
    let t = tree.totals();
    let rate = if elapsed > 0.0 { t.entries as f64 / elapsed } else { 0.0 };
    writeln!(out, "entries          {}", t.entries)?;
    writeln!(out, "directories      {}", t.dirs)?;
    writeln!(out, "files            {}", t.files)?;
    writeln!(out, "symlinks         {}", t.symlinks)?;
    writeln!(out, "other            {}", t.other)?;
    writeln!(out, "errors           {}", t.errors)?;
    writeln!(out, "apparent bytes   {} ({})", t.apparent, human_size(t.apparent))?;
    writeln!(out, "allocated bytes  {} ({})", t.allocated, human_size(t.allocated))?;
    writeln!(out, "elapsed seconds  {elapsed:.3}")?;
    writeln!(out, "entries/s        {rate:.0}")?;
    Ok(())
}
