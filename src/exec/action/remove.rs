//! Removal: trash or delete the confirmed entries, and remove a chain of
//! empty directories.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::{error_lines, failed, failure, fresh};
use crate::fmt::{group_digits, human_size, part_of, quantity};
use crate::fsops;
use crate::model::FileKind;
use crate::sanitize;
use crate::view::change::{Change, OpReport};
use crate::view::journal::{JournalAction, JournalNote, Trashed};
use crate::view::request::Target;

pub(super) fn remove(
    targets: &[Target],
    permanent: bool,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> OpReport {
    let mut report = OpReport::default();
    let (mut removed, mut bytes, mut whole) = (0u64, 0u64, 0usize);
    let mut errors = Vec::new();
    let mut trashed = Vec::new();
    let mut chains = super::record::Chains::default();
    for target in targets {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            report.details.push("cancelled: the remaining entries were left alone".into());
            break;
        }
        if let Err(e) = super::parents_agree(target, &mut report.changes) {
            errors.push(e);
            report.changes.insert(0, fresh(&target.path));
            continue;
        }
        if permanent {
            match fsops::remove_permanently(&target.path, target.identity, cancel, progress) {
                Ok(done) => {
                    removed += done.removed;
                    bytes += done.bytes;
                    if done.complete() {
                        whole += 1;
                    } else if target.identity.kind == FileKind::Dir {
                        // Part of it is left: show what is.
                        report.changes.push(Change::Rescan { dir: target.path.clone() });
                    }
                    for mount in &done.mounts_skipped {
                        report.details.push(format!(
                            "{}: a mount point, left in place with what is on it",
                            sanitize::path(mount)
                        ));
                    }
                    errors.extend(done.errors);
                    if done.cancelled {
                        report
                            .details
                            .push("cancelled: what was removed until then is gone".into());
                    }
                }
                Err(e) => errors.push(e),
            }
        } else {
            match fsops::trash(&target.path, target.identity) {
                Ok(()) => {
                    whole += 1;
                    trashed.push(Trashed {
                        path: target.path.clone(),
                        identity: target.identity,
                        parents: chains.of(&target.path),
                    });
                }
                Err(e) => errors.push(e),
            }
        }
        report.changes.insert(0, fresh(&target.path));
    }
    report.failed = !errors.is_empty() || !report.details.is_empty();
    if !trashed.is_empty() {
        report.journal.push(JournalNote::Record(JournalAction::Trash(trashed)));
    }
    if permanent && (removed > 0 || whole > 0) {
        report.journal.push(super::record::irreversible(
            format!("deleted {} entries permanently", group_digits(removed)),
            "a permanent delete cannot be undone",
        ));
    }
    if removed == 0 && whole == 0 && errors.len() == 1 && report.details.is_empty() {
        // Nothing happened at all: one line says it.
        report.summary = failure("nothing removed", &errors[0]);
        return report;
    }
    let errors_text = match errors.len() {
        0 => String::new(),
        1 => "; 1 error".to_string(),
        n => format!("; {} errors", group_digits(n as u64)),
    };
    report.summary = if permanent {
        // The same count as the dialog's (taken on disk just before): every
        // entry, directories too, and their apparent size.
        format!(
            "deleted {} ({}, {} apparent){errors_text}",
            part_of(whole as u64, targets.len() as u64, "item", "items"),
            quantity(removed, "entry", "entries"),
            human_size(bytes),
        )
    } else {
        let items = part_of(whole as u64, targets.len() as u64, "item", "items");
        format!("moved {items} to the trash{errors_text}")
    };
    if whole < targets.len() && (removed > 0 || errors.len() > 1) {
        // A partial removal: what went, what stayed, and every error.
        report.details.insert(
            0,
            format!(
                "removed: {} ({} apparent); left in place: {}, \
                 with what each error below names and the directories above it",
                quantity(removed, "entry", "entries"),
                human_size(bytes),
                part_of((targets.len() - whole) as u64, targets.len() as u64, "item", "items"),
            ),
        );
    }
    error_lines(&errors, &mut report.details);
    report
}

pub(super) fn remove_empty_dirs(target: &Target, stop_at: &Path) -> OpReport {
    let mut changes = Vec::new();
    if let Err(e) = super::parents_agree(target, &mut changes) {
        return OpReport { changes, ..failed(failure("nothing removed", &e)) };
    }
    if let Err(e) = fsops::check(&target.path, target.identity) {
        return failed(failure("nothing removed", &e));
    }
    match fsops::removedirs(&target.path, stop_at) {
        Ok(removed) => {
            let changes = removed.iter().map(|p| fresh(p)).collect();
            OpReport {
                changes,
                summary: format!(
                    "removed {}",
                    quantity(removed.len() as u64, "empty directory", "empty directories")
                ),
                ..OpReport::default()
            }
        }
        Err(e) => failed(failure("nothing removed", &e)),
    }
}
