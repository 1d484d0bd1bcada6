//! The text report of `--audit` (entries grouped by finding, most severe
//! first) and the audit's `--summary` (the count of every finding).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crossbeam_channel::Receiver;

use super::{Item, Judge, Judged, Removed, Tally, drive};
use crate::audit::{Change, Finding, FindingSet, caps};
use crate::model::Tree;
use crate::model::mode::{FileKind, perms_string};
use crate::names::OwnerNames;
use crate::output::{ErrorReporter, events};
use crate::sanitize;
use crate::scan::ScanEvent;

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
    crate::output::summary::write_totals(&tree, started, out)
}
