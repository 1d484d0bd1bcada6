//! The outputs of `--audit` and `--baseline`: the filter every output mode
//! goes through ([`Judge`]), the text report, and the audit summary.
//!
//! The judge sees every scan event. An entry is decided once everything about
//! it is known — a directory only when its listing arrived or failed, so a
//! directory that cannot be read carries `unreadable` (the same holding back
//! `--json` does) — and passed on when it has findings (`--audit`), is new or
//! changed (`--baseline`), or both. Every error still goes to stderr and
//! still counts for the exit status, shown or not.
//!
//! * `judge` — the [`Judge`] and [`drive`], which runs it over a scan.
//! * `report` — the text report and the audit summary.

mod judge;
mod report;

pub use judge::{Judge, drive};
pub use report::{Report, write_report, write_summary};

use std::path::PathBuf;

use crate::audit::{Baseline, Change, Finding, FindingSet, OldRecord};
use crate::error::ScanError;
use crate::scan::RawEntry;

/// What `--audit` and `--baseline` ask for.
#[derive(Debug, Default)]
pub struct Filter {
    /// `--audit`: the selected findings.
    pub audit: Option<FindingSet>,
    /// `--baseline FILE`, loaded.
    pub baseline: Option<Baseline>,
}

impl Filter {
    /// True when neither is asked for (the plain outputs run unfiltered).
    pub fn is_empty(&self) -> bool {
        self.audit.is_none() && self.baseline.is_none()
    }
}

/// An entry of the scan that passed the filter.
#[derive(Debug)]
pub struct Judged {
    /// Its path, as scanned.
    pub path: PathBuf,
    /// The scanned entry.
    pub entry: RawEntry,
    /// Its error: the entry's own, or (for a directory) reading its listing.
    pub error: Option<ScanError>,
    /// Its findings among the selection; `None` without `--audit`.
    pub findings: Option<FindingSet>,
    /// New or changed since the baseline; `None` without `--baseline`.
    pub change: Option<Change>,
}

impl Judged {
    /// The raw `security.capability` value, when the entry has one.
    pub fn capability(&self) -> Option<&[u8]> {
        self.entry.detail.as_deref().and_then(|d| d.audit.capability.as_deref())
    }

    /// The symlink target, when the scan read it.
    pub fn target(&self) -> Option<&[u8]> {
        self.entry.detail.as_deref().and_then(|d| d.target.as_deref())
    }
}

/// A baseline record whose path the scan did not see.
#[derive(Debug)]
pub struct Removed {
    /// The raw path.
    pub path: Vec<u8>,
    /// What the baseline said.
    pub old: OldRecord,
    /// Its findings among the selection (its `findings`, or derived from its
    /// mode and owner); `None` without `--audit`.
    pub findings: Option<FindingSet>,
    /// The record's line in the baseline, as it was.
    pub line: Vec<u8>,
}

/// One thing an output writes.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    /// An entry of this scan.
    Entry(&'a Judged),
    /// An entry of the baseline that is gone.
    Removed(&'a Removed),
}

/// Counts of what the judge passed on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Entries the scan reported.
    pub scanned: u64,
    /// Entries passed on.
    pub shown: u64,
    /// Entries passed on with at least one finding.
    pub with_findings: u64,
    /// Per finding (in [`Finding::ALL`] order): entries passed on that have it.
    pub per_finding: [u64; Finding::ALL.len()],
    /// New entries passed on.
    pub new: u64,
    /// Changed entries passed on.
    pub changed: u64,
    /// Removed entries passed on.
    pub removed: u64,
}

#[cfg(test)]
mod tests;
