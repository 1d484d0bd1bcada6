//! Non-interactive outputs over the scanner: `--list`, `--json`, `--summary`,
//! the ncdu export (`-o`), and the audit report.
//!
//! Each consumes the scanner's events on the calling thread; entries are
//! written as their batches arrive (a parent always before its children), and
//! every error is also reported on stderr with its path. With `--audit` or
//! `--baseline` the entries pass through [`audit::Judge`] first.

pub mod audit;
pub mod export;
pub mod json;
pub mod list;
pub mod pathcodec;
pub mod summary;

use std::io::{self, Write};
use std::path::Path;

use crate::error::ScanError;
use crate::scan::{self, ScanEvent, ScanOptions};

/// Which output to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One line per entry.
    List,
    /// JSON Lines with full stat records.
    Json,
    /// Totals of the in-memory tree.
    Summary,
    /// The audit report: entries grouped by finding.
    Report,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was read.
    Clean,
    /// Some entries had errors; the output is complete for the rest.
    SomeErrors,
}

/// Scans `options.roots` and writes `mode` output to `out`, errors to `err`.
pub fn run(
    mode: Mode,
    options: ScanOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    run_filtered(mode, options, audit::Filter::default(), out, err)
}

/// [`run`] through the `--audit` / `--baseline` filter. [`Mode::Report`]
/// audits every finding when the filter selects none.
pub fn run_filtered(
    mode: Mode,
    mut options: ScanOptions,
    mut filter: audit::Filter,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    if mode == Mode::Report && filter.audit.is_none() {
        filter.audit = Some(crate::audit::FindingSet::all());
    }
    options.detail = mode == Mode::Json;
    if mode == Mode::Json && filter.is_empty() {
        // The records are rendered on the scan's workers (see `json::batch`).
        options.format = Some(json::batch::formatter());
    }
    if let Some(selection) = filter.audit {
        options.audit = crate::audit::scan_needs(selection);
    }
    let roots = options.roots.clone();
    let handle = scan::start(options)?;
    let mut reporter = ErrorReporter { err, count: 0 };
    let result = if filter.is_empty() {
        match mode {
            Mode::List => list::write(handle.events(), out, &mut reporter),
            Mode::Json => json::write(handle.events(), out, &mut reporter),
            Mode::Summary | Mode::Report => summary::write(handle.events(), out, &mut reporter),
        }
    } else {
        let baseline = filter.baseline.is_some();
        let mut judge = audit::Judge::new(filter, roots.clone());
        let rx = handle.events();
        match mode {
            Mode::List => audit::drive(rx, &mut judge, &mut reporter, &mut |item| {
                list::write_item(out, item, baseline)
            }),
            Mode::Json => {
                let mut names = crate::names::OwnerNames::new();
                let mut line = Vec::with_capacity(512);
                audit::drive(rx, &mut judge, &mut reporter, &mut |item| {
                    json::write_item(out, item, &mut names, &mut line)
                })
            }
            Mode::Summary => audit::write_summary(rx, judge, out, &mut reporter),
            Mode::Report => audit::write_report(rx, judge, &roots, out, &mut reporter),
        }
    };
    drop(handle);
    result?;
    out.flush()?;
    Ok(if reporter.count == 0 { Outcome::Clean } else { Outcome::SomeErrors })
}

/// Scans the first of `options.roots` and writes it to `out` as an ncdu
/// export ([`export`]), errors to `err`.
pub fn run_export(
    options: ScanOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let root = options.roots.first().cloned().unwrap_or_else(|| ".".into());
    let handle = scan::start(options)?;
    let mut reporter = ErrorReporter { err, count: 0 };
    let result = export::write(handle.events(), &root, out, &mut reporter);
    drop(handle);
    result?;
    out.flush()?;
    Ok(if reporter.count == 0 { Outcome::Clean } else { Outcome::SomeErrors })
}

/// Writes every error to stderr with its path, and counts them.
pub struct ErrorReporter<'a> {
    err: &'a mut dyn Write,
    count: u64,
}

impl<'a> ErrorReporter<'a> {
    /// A reporter writing to `err`, with nothing reported yet.
    pub fn new(err: &'a mut dyn Write) -> Self {
        ErrorReporter { err, count: 0 }
    }

    /// Reports one error.
    pub fn report(&mut self, path: &Path, error: &ScanError) {
        self.count += 1;
        // A closed stderr must not stop the listing.
        let _ = writeln!(
            self.err,
            "statree: {}: {}",
            crate::sanitize::path(path),
            crate::sanitize::text(&error.to_string())
        );
    }

    /// Reports that the tree stopped growing for want of memory after
    /// `entries` entries (the scan stops there; what is printed counts
    /// those).
    pub fn out_of_memory(&mut self, entries: u64) {
        self.count += 1;
        let _ = writeln!(
            self.err,
            "statree: out of memory after {entries} entries: the scan stopped there, \
             and what follows counts only those"
        );
    }

    /// Errors reported so far.
    pub fn count(&self) -> u64 {
        self.count
    }
}

/// Iterates events until the scanner says it finished.
pub(crate) fn events(
    rx: &crossbeam_channel::Receiver<ScanEvent>,
) -> impl Iterator<Item = ScanEvent> + '_ {
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let event = rx.recv().ok()?;
        done = matches!(event, ScanEvent::Finished { .. });
        Some(event)
    })
}
