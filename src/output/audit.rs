//! The outputs of `--audit` and `--baseline`: the filter every output mode
//! goes through ([`Judge`]), the text report, and the audit summary.
//!
//! The judge sees every scan event. An entry is decided once everything about
//! it is known — a directory only when its listing arrived or failed, so a
//! directory that cannot be read carries `unreadable` (the same holding back
//! `--json` does) — and passed on when it has findings (`--audit`), is new or
//! changed (`--baseline`), or both. Every error still goes to stderr and
//! still counts for the exit status, shown or not.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsStr;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crossbeam_channel::Receiver;

use super::{ErrorReporter, events};
use crate::audit::baseline::Current;
use crate::audit::{self, Baseline, Change, Finding, FindingSet, OldRecord, caps};
use crate::error::ScanError;
use crate::model::Tree;
use crate::model::mode::{FileKind, perms_string};
use crate::names::OwnerNames;
use crate::sanitize;
use crate::scan::{EntryKey, Parent, RawEntry, ScanEvent};

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

struct Held {
    path: PathBuf,
    entry: RawEntry,
}

/// The filter between the scan and an output.
pub struct Judge {
    selection: Option<FindingSet>,
    baseline: Option<Baseline>,
    roots: Vec<PathBuf>,
    names: Option<OwnerNames>,
    held: HashMap<EntryKey, Held>,
    /// Directories whose contents the scan did not (fully) see: their old
    /// children are not reported as removed.
    unseen: HashSet<PathBuf>,
    tally: Tally,
}

type Sink<'s> = dyn FnMut(Item<'_>) -> io::Result<()> + 's;

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

/// `user:group`, numeric where an id has no name.
fn owner(names: &mut OwnerNames, uid: Option<u32>, gid: Option<u32>) -> String {
    let user =
        uid.map_or_else(|| "?".into(), |u| names.user(u).map_or(u.to_string(), str::to_owned));
    let group =
        gid.map_or_else(|| "?".into(), |g| names.group(g).map_or(g.to_string(), str::to_owned));
    sanitize::text(&format!("{user}:{group}")).into_owned()
}

/// `-rwsr-xr-x`, or `?---------` style placeholders when unknown.
fn type_and_perms(kind: FileKind, mode: Option<u32>) -> String {
    match mode {
        Some(mode) => format!("{}{}", kind.letter(), perms_string(mode)),
        None => format!("{}?????????", kind.letter()),
    }
}

/// One line of the report, with what sorts it.
struct Line {
    path: Vec<u8>,
    text: String,
}

/// The text report: entries grouped by finding, most severe first.
pub struct Report {
    groups: BTreeMap<Finding, Vec<Line>>,
    names: OwnerNames,
    selection: FindingSet,
    baseline: bool,
}

impl Report {
    /// An empty report of the `selection`; `baseline` adds the change column.
    pub fn new(selection: FindingSet, baseline: bool) -> Self {
        Report { groups: BTreeMap::new(), names: OwnerNames::new(), selection, baseline }
    }

    /// Adds an item under each of its findings.
    pub fn add(&mut self, item: Item<'_>) {
        match item {
            Item::Entry(judged) => self.add_entry(judged),
            Item::Removed(removed) => self.add_removed(removed),
        }
    }

    fn prefix(&self, word: &str) -> String {
        if self.baseline { format!("{word:<8}") } else { String::new() }
    }

    fn add_entry(&mut self, judged: &Judged) {
        // A changed entry is also listed under the findings it had then.
        let mut groups = judged.findings.unwrap_or_default();
        let mut was = String::new();
        if let Some(Change::Changed(old)) = &judged.change {
            groups = groups.union(old.findings_among(self.selection));
            was = format!(
                "  (was {} {})",
                type_and_perms(old.kind, old.mode),
                owner(&mut self.names, old.uid, old.gid)
            );
        }
        let st = judged.entry.stat.as_ref();
        let head = format!(
            "  {}{}  {}  {}",
            self.prefix(judged.change.as_ref().map_or("", Change::word)),
            type_and_perms(judged.entry.kind(), st.map(|s| s.mode)),
            owner(&mut self.names, st.map(|s| s.uid), st.map(|s| s.gid)),
            sanitize::path(&judged.path),
        );
        let raw = judged.path.as_os_str().as_bytes();
        for finding in groups.iter() {
            let extra = match finding {
                Finding::Capabilities => {
                    judged.capability().map(|c| format!("  {}", caps::describe(c)))
                }
                Finding::DanglingSymlink | Finding::SymlinkOutsideRoot => {
                    judged.target().map(|t| format!(" -> {}", sanitize::bytes(t)))
                }
                Finding::Unreadable => {
                    judged.error.as_ref().map(|e| format!(": {}", sanitize::text(&e.to_string())))
                }
                _ => None,
            };
            let text = format!("{head}{}{was}", extra.unwrap_or_default());
            self.groups.entry(finding).or_default().push(Line { path: raw.to_vec(), text });
        }
    }

    fn add_removed(&mut self, removed: &Removed) {
        let old = &removed.old;
        let text = format!(
            "  {}{}  {}  {}",
            self.prefix("removed"),
            type_and_perms(old.kind, old.mode),
            owner(&mut self.names, old.uid, old.gid),
            sanitize::bytes(&removed.path),
        );
        for finding in removed.findings.unwrap_or_default().iter() {
            let line = Line { path: removed.path.clone(), text: text.clone() };
            self.groups.entry(finding).or_default().push(line);
        }
    }

    /// Writes the report: a header, then one block per finding that has
    /// entries — `severity  id (count): explanation`, then one line per entry
    /// (sorted by path).
    pub fn write(
        mut self,
        out: &mut dyn Write,
        roots: &[PathBuf],
        tally: &Tally,
        errors: u64,
        baseline: Option<&Path>,
    ) -> io::Result<()> {
        let roots: Vec<String> = roots.iter().map(|r| sanitize::path(r).into_owned()).collect();
        writeln!(
            out,
            "statree audit of {}: {} entries with findings among {} scanned, {} errors",
            roots.join(", "),
            tally.with_findings,
            tally.scanned,
            errors
        )?;
        if let Some(file) = baseline {
            writeln!(
                out,
                "since baseline {}: {} new, {} changed, {} removed",
                sanitize::path(file),
                tally.new,
                tally.changed,
                tally.removed
            )?;
        }
        if self.groups.is_empty() {
            writeln!(out, "no findings")?;
        }
        for (finding, lines) in &mut self.groups {
            lines.sort_by(|a, b| a.path.cmp(&b.path));
            writeln!(out)?;
            writeln!(
                out,
                "{:<6}  {} ({}): {}",
                finding.severity().word(),
                finding.id(),
                lines.len(),
                finding.explanation()
            )?;
            for line in lines.iter() {
                writeln!(out, "{}", line.text)?;
            }
        }
        Ok(())
    }
}

/// `--audit` without an output flag: the report.
pub fn write_report(
    rx: &Receiver<ScanEvent>,
    mut judge: Judge,
    roots: &[PathBuf],
    out: &mut dyn Write,
    errors: &mut ErrorReporter<'_>,
) -> io::Result<()> {
    let baseline_file = judge.baseline.as_ref().map(|b| b.file().to_path_buf());
    let selection = judge.selection.unwrap_or_else(FindingSet::all);
    let mut report = Report::new(selection, baseline_file.is_some());
    drive(rx, &mut judge, errors, &mut |item| {
        report.add(item);
        Ok(())
    })?;
    report.write(out, roots, judge.tally(), errors.count(), baseline_file.as_deref())
}

/// `--summary` with `--audit` and/or `--baseline`: the count of every
/// selected finding (zeros included) and of new, changed and removed entries,
/// then the usual totals of the scan.
pub fn write_summary(
    rx: &Receiver<ScanEvent>,
    mut judge: Judge,
    out: &mut dyn Write,
    errors: &mut ErrorReporter<'_>,
) -> io::Result<()> {
    let started = Instant::now();
    let mut tree = Tree::new();
    let mut ignore = |_: Item<'_>| Ok(());
    for event in events(rx) {
        judge.event(&event, errors, &mut ignore)?;
        tree.apply(event);
    }
    judge.finish(&mut ignore)?;
    let tally = judge.tally();
    if let Some(selection) = judge.selection {
        for (i, finding) in Finding::ALL.iter().enumerate() {
            if selection.contains(*finding) {
                let (severity, id) = (finding.severity().word(), finding.id());
                writeln!(out, "{severity:<6}  {id:<38} {}", tally.per_finding[i])?;
            }
        }
        writeln!(out, "entries with findings  {}", tally.with_findings)?;
    }
    if judge.baseline.is_some() {
        writeln!(out, "new              {}", tally.new)?;
        writeln!(out, "changed          {}", tally.changed)?;
        writeln!(out, "removed          {}", tally.removed)?;
    }
    super::summary::write_totals(&tree, started, out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::error::Op;
    use crate::scan::{Batch, EntryStat};

    fn stat(mode: u32, uid: u32) -> EntryStat {
        EntryStat { mode, uid, gid: 0, nlink: 1, ..EntryStat::default() }
    }

    /// A root dir `/r` with `su` (setuid root), `plain` and a subdirectory
    /// `sub` whose listing fails.
    fn events() -> Vec<ScanEvent> {
        let mut root = Batch::new(0, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
        root.push(b"/r", Some(stat(0o040_755, 0)), FileKind::Dir, None, true, false, None);
        let root_key = root.key(0);
        let mut children = Batch::new(1, Parent::Dir(root_key), Arc::from(Path::new("/r")), 0, 3);
        children.push(b"su", Some(stat(0o104_755, 0)), FileKind::File, None, false, false, None);
        children.push(b"plain", Some(stat(0o100_644, 0)), FileKind::File, None, false, false, None);
        children.push(b"sub", Some(stat(0o040_755, 0)), FileKind::Dir, None, true, false, None);
        let sub_key = children.key(2);
        let error = ScanError { op: Op::ReadDir, errno: Some(13), reason: "denied".into() };
        vec![
            ScanEvent::Batch(root),
            ScanEvent::Batch(children),
            ScanEvent::DirError { dir: sub_key, path: PathBuf::from("/r/sub"), error },
        ]
    }

    fn judge(filter: Filter) -> (Vec<String>, Tally) {
        let mut judge = Judge::new(filter, vec![PathBuf::from("/r")]);
        let mut err = Vec::new();
        let mut reporter = ErrorReporter { err: &mut err, count: 0 };
        let mut seen = Vec::new();
        let mut sink = |item: Item<'_>| {
            seen.push(match item {
                Item::Entry(j) => format!(
                    "{} {} {}",
                    j.path.display(),
                    j.findings.map(|f| f.ids().join(",")).unwrap_or_default(),
                    j.change.as_ref().map_or("", Change::word)
                ),
                Item::Removed(r) => format!("removed {}", String::from_utf8_lossy(&r.path)),
            });
            Ok(())
        };
        for event in events() {
            judge.event(&event, &mut reporter, &mut sink).unwrap();
        }
        judge.finish(&mut sink).unwrap();
        assert_eq!(reporter.count, 1, "the directory error is reported");
        (seen, judge.tally().clone())
    }

    #[test]
    fn audit_passes_entries_with_findings_and_holds_directories() {
        let (seen, tally) = judge(Filter { audit: Some(FindingSet::all()), baseline: None });
        assert_eq!(seen, ["/r/su setuid-root,setuid ", "/r/sub unreadable "]);
        assert_eq!((tally.scanned, tally.shown, tally.with_findings), (4, 2, 2));
        assert_eq!(tally.per_finding[0], 1);
        let only: FindingSet = [Finding::Unreadable].into_iter().collect();
        let (seen, _) = judge(Filter { audit: Some(only), baseline: None });
        assert_eq!(seen, ["/r/sub unreadable "]);
    }

    #[test]
    fn baseline_passes_new_changed_and_removed() {
        let base = "\
{\"path\":\"/r\",\"type\":\"dir\",\"mode\":\"0755\",\"uid\":0,\"gid\":0}
{\"path\":\"/r/plain\",\"type\":\"file\",\"mode\":\"0600\",\"uid\":0,\"gid\":0}
{\"path\":\"/r/gone\",\"type\":\"file\",\"mode\":\"4755\",\"uid\":0,\"gid\":0}
{\"path\":\"/r/sub/inside\",\"type\":\"file\",\"mode\":\"0644\",\"uid\":0,\"gid\":0}
{\"path\":\"/elsewhere\",\"type\":\"file\",\"mode\":\"0644\",\"uid\":0,\"gid\":0}
";
        let tmp = tempfile::TempDir::new().unwrap();
        let file = tmp.path().join("base.jsonl");
        std::fs::write(&file, base).unwrap();
        let load = || Some(Baseline::load(&file).unwrap());
        let (seen, tally) = judge(Filter { audit: None, baseline: load() });
        // `/r/sub/inside` could not be seen (unreadable directory) and
        // `/elsewhere` is outside the root: neither is "removed".
        assert_eq!(seen, ["/r/su  new", "/r/plain  changed", "/r/sub  new", "removed /r/gone"]);
        assert_eq!((tally.new, tally.changed, tally.removed), (2, 1, 1));
        // With --audit: only what has (or had) findings.
        let (seen, _) = judge(Filter { audit: Some(FindingSet::all()), baseline: load() });
        assert_eq!(
            seen,
            ["/r/su setuid-root,setuid new", "/r/sub unreadable new", "removed /r/gone"]
        );
    }

    #[test]
    fn report_groups_by_severity_with_counts() {
        let mut judge = Judge::new(
            Filter { audit: Some(FindingSet::all()), baseline: None },
            vec![PathBuf::from("/r")],
        );
        let mut err = Vec::new();
        let mut reporter = ErrorReporter { err: &mut err, count: 0 };
        let mut report = Report::new(FindingSet::all(), false);
        for event in events() {
            judge
                .event(&event, &mut reporter, &mut |item| {
                    report.add(item);
                    Ok(())
                })
                .unwrap();
        }
        let mut out = Vec::new();
        report.write(&mut out, &[PathBuf::from("/r")], judge.tally(), 1, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "statree audit of /r: 2 entries with findings among 4 scanned, 1 errors"
        );
        assert!(
            lines[2].starts_with("high    setuid-root (1): setuid file owned by root"),
            "{text}"
        );
        assert!(
            lines[3].starts_with("  -rwsr-xr-x  root:") && lines[3].ends_with("  /r/su"),
            "{text}"
        );
        assert!(lines[5].starts_with("medium  setuid (1): "), "{text}");
        assert!(lines[8].starts_with("info    unreadable (1): "), "{text}");
        assert!(lines[9].ends_with("/r/sub: reading directory: denied"), "{text}");
    }
}
