//! `--list`: `d rwxr-xr-x    4.0 KiB  ./src`, one entry a line; an entry that
//! could not be read is `! path: reason`. Names are sanitized, so a line is
//! always one entry.
//!
//! With `--audit` a column of finding ids comes before the path
//! (`- rwsr-xr-x   56.0 KiB  setuid-root,setuid  /usr/bin/su`); with
//! `--baseline` every line starts with `new`, `changed` or `removed`, padded
//! to 8 columns.

use std::io::{self, Write};

use crossbeam_channel::Receiver;

use super::audit::{Item, Judged, Removed};
use super::{ErrorReporter, events};
use crate::audit::FindingSet;
use crate::fmt::human_size;
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
            ScanEvent::DirError { path, error, .. } | ScanEvent::RootError { path, error, .. } => {
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

/// The findings column: ids joined by commas (`-` for none), then two spaces.
fn findings_column(findings: Option<FindingSet>) -> String {
    match findings {
        None => String::new(),
        Some(set) if set.is_empty() => "-  ".into(),
        Some(set) => format!("{}  ", set.ids().join(",")),
    }
}

fn change_column(word: Option<&str>) -> String {
    word.map_or_else(String::new, |w| format!("{w:<8}"))
}

/// Writes one item of a filtered listing (`--audit`, `--baseline`).
pub fn write_item(out: &mut dyn Write, item: Item<'_>, baseline: bool) -> io::Result<()> {
    match item {
        Item::Entry(judged) => write_judged(out, judged, baseline),
        Item::Removed(removed) => write_removed(out, removed),
    }
}

fn write_judged(out: &mut dyn Write, judged: &Judged, baseline: bool) -> io::Result<()> {
    let change = change_column(baseline.then(|| judged.change.as_ref().map_or("", |c| c.word())));
    let shown = sanitize::path(&judged.path);
    if let Some(st) = &judged.entry.stat {
        let kind = st.kind().letter();
        let perms = perms_string(st.mode);
        let findings = findings_column(judged.findings);
        writeln!(out, "{change}{kind} {perms}  {:>10}  {findings}{shown}", human_size(st.size))?;
    }
    if let Some(error) = &judged.error {
        writeln!(out, "{change}! {shown}: {}", sanitize::text(&error.to_string()))?;
    }
    Ok(())
}

fn write_removed(out: &mut dyn Write, removed: &Removed) -> io::Result<()> {
    let old = &removed.old;
    let perms = old.mode.map_or_else(|| "?????????".into(), perms_string);
    let size = old.size.map_or_else(|| "?".into(), human_size);
    writeln!(
        out,
        "{}{} {perms}  {size:>10}  {}{}",
        change_column(Some("removed")),
        old.kind.letter(),
        findings_column(removed.findings),
        sanitize::bytes(&removed.path)
    )
}
