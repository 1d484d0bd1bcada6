//! The filter between the scan and an output: each entry is decided once
//! everything about it is known, and passed on when it has findings, is new
//! or changed, or both; what the baseline holds and the scan did not see is
//! passed on as removed at the end.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crossbeam_channel::Receiver;

use super::{Filter, Item, Judged, Removed, Tally};
use crate::audit::baseline::Current;
use crate::audit::{self, Baseline, Change, Finding, FindingSet};
use crate::error::ScanError;
use crate::model::mode::FileKind;
use crate::names::OwnerNames;
use crate::output::{ErrorReporter, events};
use crate::scan::{EntryKey, Parent, RawEntry, ScanEvent};

struct Held {
    path: PathBuf,
    entry: RawEntry,
}

/// The filter between the scan and an output.
pub struct Judge {
    pub(super) selection: Option<FindingSet>,
    pub(super) baseline: Option<Baseline>,
    roots: Vec<PathBuf>,
    names: Option<OwnerNames>,
    held: HashMap<EntryKey, Held>,
    /// Directories whose contents the scan did not (fully) see: their old
    /// children are not reported as removed.
    unseen: HashSet<PathBuf>,
    tally: Tally,
}

/// Where the judge hands what passes.
pub(super) type Sink<'s> = dyn FnMut(Item<'_>) -> io::Result<()> + 's;

impl Judge {
    /// A judge for a scan of `roots`.
    pub fn new(filter: Filter, roots: Vec<PathBuf>) -> Self {
        let names = filter.audit.filter(|s| s.needs_names()).map(|_| OwnerNames::new());
        Judge {
            selection: filter.audit,
            baseline: filter.baseline,
            roots,
            names,
            held: HashMap::new(),
            unseen: HashSet::new(),
            tally: Tally::default(),
        }
    }

    /// The counts so far.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Takes one scan event; entries that pass go to `sink`.
    pub fn event(
        &mut self,
        event: &ScanEvent,
        errors: &mut ErrorReporter<'_>,
        sink: &mut Sink<'_>,
    ) -> io::Result<()> {
        match event {
            ScanEvent::Batch(batch) => {
                if let Parent::Dir(key) = batch.parent
                    && let Some(held) = self.held.remove(&key)
                {
                    self.decide(held.path, held.entry, None, sink)?;
                }
                for (index, entry) in batch.entries.iter().enumerate() {
                    let path = batch.path_of(entry);
                    self.tally.scanned += 1;
                    if let Some(error) = &entry.error {
                        errors.report(&path, error);
                    }
                    if entry.descend {
                        self.held.insert(batch.key(index), Held { path, entry: entry.clone() });
                        continue;
                    }
                    if entry.kind() == FileKind::Dir && self.baseline.is_some() {
                        self.unseen.insert(path.clone());
                    }
                    self.decide(path, entry.clone(), None, sink)?;
                }
            }
            ScanEvent::DirError { dir, path, error } => {
                errors.report(path, error);
                if self.baseline.is_some() {
                    self.unseen.insert(path.clone());
                }
                if let Some(held) = self.held.remove(dir) {
                    self.decide(held.path, held.entry, Some(error.clone()), sink)?;
                }
            }
            // Not an entry: nothing to judge, but an error all the same. What
            // the baseline holds under a root that is gone is removed; under
            // one that could not be looked at, unknown.
            ScanEvent::RootError { path, error, .. } => {
                errors.report(path, error);
                if self.baseline.is_some()
                    && error.errno != Some(rustix::io::Errno::NOENT.raw_os_error())
                {
                    self.unseen.insert(path.clone());
                }
            }
            ScanEvent::RootDone(_) | ScanEvent::Finished { .. } => {}
        }
        Ok(())
    }

    /// After the last event: directories never resolved (a cancelled scan),
    /// then the baseline's removed entries.
    pub fn finish(&mut self, sink: &mut Sink<'_>) -> io::Result<()> {
        let mut held: Vec<(EntryKey, Held)> = self.held.drain().collect();
        held.sort_by_key(|(key, _)| (key.batch, key.index));
        for (_, held) in held {
            self.decide(held.path, held.entry, None, sink)?;
        }
        let Some(baseline) = self.baseline.as_mut() else { return Ok(()) };
        let mut removed = Vec::new();
        for (path, old) in baseline.drain_remaining() {
            let raw = Path::new(OsStr::from_bytes(&path));
            if !self.roots.iter().any(|root| raw.starts_with(root))
                || raw.ancestors().skip(1).any(|dir| self.unseen.contains(dir))
            {
                continue;
            }
            let findings = self.selection.map(|sel| old.findings_among(sel));
            if findings.is_some_and(FindingSet::is_empty) {
                continue;
            }
            removed.push((path, old, findings));
        }
        let lines =
            baseline.read_lines(&removed.iter().map(|(_, old, _)| old).collect::<Vec<_>>())?;
        for ((path, old, findings), line) in removed.into_iter().zip(lines) {
            self.tally.removed += 1;
            sink(Item::Removed(&Removed { path, old, findings, line }))?;
        }
        Ok(())
    }

    fn decide(
        &mut self,
        path: PathBuf,
        entry: RawEntry,
        dir_error: Option<ScanError>,
        sink: &mut Sink<'_>,
    ) -> io::Result<()> {
        let error = entry.error.clone().or(dir_error);
        let findings = self.selection.map(|selection| {
            audit::facts_of(&entry, error.is_some(), self.names.as_mut()).evaluate(selection)
        });
        let change = match self.baseline.as_mut() {
            None => None,
            Some(baseline) => {
                let now = Current::of(&entry, findings, self.selection.unwrap_or_default());
                match baseline.compare(path.as_os_str().as_bytes(), &now) {
                    // Unchanged since the baseline: not shown.
                    None => return Ok(()),
                    change => change,
                }
            }
        };
        let show = match (self.selection, &change) {
            (None, _) => true,
            (Some(selection), Some(Change::Changed(old))) => {
                findings.is_some_and(|f| !f.is_empty()) || !old.findings_among(selection).is_empty()
            }
            (Some(_), _) => findings.is_some_and(|f| !f.is_empty()),
        };
        if !show {
            return Ok(());
        }
        let tally = &mut self.tally;
        tally.shown += 1;
        if let Some(found) = findings.filter(|f| !f.is_empty()) {
            tally.with_findings += 1;
            for (i, finding) in Finding::ALL.iter().enumerate() {
                if found.contains(*finding) {
                    tally.per_finding[i] += 1;
                }
            }
        }
        match change {
            Some(Change::New) => tally.new += 1,
            Some(Change::Changed(_)) => tally.changed += 1,
            None => {}
        }
        sink(Item::Entry(&Judged { path, entry, error, findings, change }))
    }
}

/// Runs the judge over a scan, handing each item that passes to `sink`.
pub fn drive(
    rx: &Receiver<ScanEvent>,
    judge: &mut Judge,
    errors: &mut ErrorReporter<'_>,
    sink: &mut Sink<'_>,
) -> io::Result<()> {
    for event in events(rx) {
        judge.event(&event, errors, sink)?;
    }
    judge.finish(sink)
}
