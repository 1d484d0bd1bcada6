//! Paste: look for name collisions (for the dialog), count what will be
//! written (for the progress line's totals), then copy or move through
//! [`fsops::paste`], and turn its report into path-level changes.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::{error_lines, failed, failure, fresh};
use crate::error::FsError;
use crate::fmt::{group_digits, human_size, part_of, quantity};
use crate::fsops::{self, PasteItem, PasteMode, PasteReport, Placed};
use crate::model::Identity;
use crate::model::paste::MeterHandle;
use crate::sanitize;
use crate::view::change::{Change, OpOutcome, OpReport};
use crate::view::request::OpRequest;

pub(super) fn paste(
    items: Vec<PasteItem>,
    dest: &Path,
    dest_parents: Vec<Option<Identity>>,
    mode: PasteMode,
    meter: MeterHandle,
    ask: bool,
    cancel: &AtomicBool,
) -> OpOutcome {
    let mut changes = Vec::new();
    if let Err(e) = shown_paths_agree(&items, dest, &dest_parents, &mut changes) {
        return OpOutcome::Done(OpReport { changes, ..failed(failure("nothing pasted", &e)) });
    }
    if ask {
        match fsops::collisions(&items, dest) {
            Ok(names) if !names.is_empty() => {
                let dest = dest.to_path_buf();
                let request =
                    OpRequest::Paste { items, dest, dest_parents, mode, meter, ask: false };
                return OpOutcome::Collisions { request, names };
            }
            Ok(_) => {}
            Err(e) => return OpOutcome::Done(failed(failure("nothing pasted", &e))),
        }
    }
    count(&items, dest, mode, &meter, cancel);
    match fsops::paste(&items, dest, mode, cancel, &meter.0) {
        Ok(report) => OpOutcome::Done(report_of(&report, items.len(), mode)),
        Err(e) => OpOutcome::Done(failed(failure("nothing pasted", &e))),
    }
}

/// Re-checks the directories on the way to `dest` (and `dest` itself) and
/// above each source as they were shown; one that changed refuses the whole
/// paste before anything is written, and is read again. The whole batch,
/// not just the one source, because a swapped directory means the view the
/// user chose from no longer matches the disk.
fn shown_paths_agree(
    items: &[PasteItem],
    dest: &Path,
    dest_parents: &[Option<Identity>],
    changes: &mut Vec<Change>,
) -> Result<(), FsError> {
    let result = fsops::check_dir_chain(dest, dest_parents)
        .and_then(|()| items.iter().try_for_each(|i| fsops::check_parents(&i.source, &i.parents)));
    result.inspect_err(|e| changes.push(Change::Rescan { dir: e.path.clone() }))
}

/// The totals for the progress line: what a copy will write. A move on one
/// filesystem writes nothing, so it is not counted.
fn count(
    items: &[PasteItem],
    dest: &Path,
    mode: PasteMode,
    meter: &MeterHandle,
    cancel: &AtomicBool,
) {
    let dest_dev = crate::model::Identity::read(dest).map(|i| i.dev).ok();
    let (mut entries, mut bytes) = (0, 0);
    for item in items {
        if mode == PasteMode::Move && Some(item.identity.dev) == dest_dev {
            continue;
        }
        if let Ok(count) = fsops::count_tree(&item.source, item.identity, cancel, &|_| {}) {
            entries += count.entries;
            bytes += count.bytes;
        }
    }
    meter.0.set_totals(entries, bytes);
}

fn report_of(done: &PasteReport, asked: usize, mode: PasteMode) -> OpReport {
    let mut report = OpReport::default();
    for placed in &done.placed {
        if placed.moved {
            report.changes.push(fresh(&placed.from));
        }
        report.changes.push(fresh(&placed.to));
    }
    for kept in &done.not_moved {
        // Part of it stayed: show what did.
        report.changes.push(Change::Rescan { dir: kept.clone() });
        report.changes.push(fresh(kept));
    }
    let verb = if mode == PasteMode::Copy { "copied" } else { "moved" };
    let items = part_of(done.placed.len() as u64, asked as u64, "item", "items");
    let mut summary = format!("{verb} {items}");
    // A move on one filesystem writes nothing: no figures to give.
    if done.entries > 0 {
        summary.push_str(&format!(
            " ({}, {})",
            quantity(done.entries, "entry", "entries"),
            human_size(done.bytes)
        ));
    }
    if !done.skipped.is_empty() {
        summary.push_str(&format!("; {} skipped", done.skipped.len()));
    }
    match done.errors.len() {
        0 => {}
        1 => summary.push_str("; 1 error"),
        n => summary.push_str(&format!("; {} errors", group_digits(n as u64))),
    }
    if done.cancelled {
        summary = format!("cancelled: {summary}; the entry being written was removed");
        report.details.push(
            "cancelled: the entry being written was removed; what is listed as placed is complete"
                .into(),
        );
    }
    if done.placed.is_empty()
        && done.errors.len() == 1
        && done.skipped.is_empty()
        && !done.cancelled
    {
        report.summary = failure("nothing pasted", &done.errors[0]);
        report.failed = true;
        return report;
    }
    for path in &done.overwritten {
        report
            .details
            .push(format!("{}: overwritten (the old entry was removed)", sanitize::path(path)));
    }
    for path in &done.skipped {
        report.details.push(format!("{}: exists; skipped", sanitize::path(path)));
    }
    for path in &done.not_moved {
        report.details.push(format!(
            "{}: not moved in full: what was not verified in the target is still there",
            sanitize::path(path)
        ));
    }
    for (path, name) in &done.dropped_xattrs {
        report.details.push(format!(
            "{}: extended attribute {} dropped (the target refused it)",
            sanitize::path(path),
            sanitize::text(name)
        ));
    }
    error_lines(&done.errors, &mut report.details);
    report.failed = !done.errors.is_empty() || !done.not_moved.is_empty() || done.cancelled;
    // Skips alone were asked for: no dialog for them.
    if !report.failed && done.overwritten.is_empty() && done.dropped_xattrs.is_empty() {
        report.details.clear();
    }
    report.select = done.placed.first().map(|p| p.to.clone());
    report.summary = summary;
    journal_of(done, &mut report);
    report
}

/// What undo needs of a paste: the copies to take away, the moves to put
/// back (a move that stayed in part is left out: a rename cannot undo it),
/// and the overwritten entries, which nothing can bring back.
fn journal_of(done: &PasteReport, report: &mut OpReport) {
    let undo = done.undo();
    let partial = |p: &Placed| undo.not_moved.contains(&p.from);
    let copies: Vec<_> =
        undo.placed.iter().filter(|p| !p.moved).map(|p| (p.to.clone(), p.identity)).collect();
    let moves: Vec<_> = undo
        .placed
        .iter()
        .filter(|p| p.moved && !partial(p))
        .map(|p| (p.from.clone(), p.to.clone(), p.identity))
        .collect();
    report.journal.extend(super::record::copy_tree(&copies));
    report.journal.extend(super::record::moves(&moves));
    for path in &undo.overwritten {
        report.journal.push(super::record::irreversible(
            format!("overwriting {}", sanitize::path(path)),
            "the old entry was removed for good",
        ));
    }
}
