//! Permission changes: one mask over chosen entries, a recursive one, and
//! the count of what a recursive one would touch.

use std::sync::atomic::AtomicBool;

use super::{error_lines, failed, failure, fresh, listed_names};
use crate::error::FsError;
use crate::fmt::{group_digits, quantity};
use crate::fsops::{self, RecursiveCount};
use crate::model::FileKind;
use crate::model::mask::{Scope, apply_mask};
use crate::model::mode::{PERM_MASK, octal_string, perms_string};
use crate::sanitize;
use crate::view::change::{Change, OpOutcome, OpReport};
use crate::view::journal::{JournalAction, JournalNote, ModeChange};
use crate::view::request::{OpRequest, Target};

fn mode_text(mode: u32) -> String {
    format!("{} {}", octal_string(mode), perms_string(mode))
}

/// Words for bits the kernel did not set.
fn dropped_text(bits: u32) -> String {
    let mut names = Vec::new();
    if bits & 0o4000 != 0 {
        names.push("setuid");
    }
    if bits & 0o2000 != 0 {
        names.push("setgid (you may not be in the file's group)");
    }
    if bits & 0o1000 != 0 {
        names.push("sticky");
    }
    if bits & 0o777 != 0 {
        names.push("permission bits");
    }
    names.join(", ")
}

pub(super) fn chmod(targets: &[Target], set: u32, clear: u32) -> OpReport {
    let mut report = OpReport::default();
    let mut done = 0usize;
    let mut last = String::new();
    let mut first_error: Option<FsError> = None;
    let mut undo = Vec::new();
    let mut chains = super::record::Chains::default();
    for target in targets {
        let mode = apply_mask(target.mode, set, clear);
        let checked = super::parents_agree(target, &mut report.changes);
        match checked.and_then(|()| fsops::chmod(&target.path, target.identity, mode)) {
            Ok(outcome) => {
                done += 1;
                undo.push(ModeChange {
                    path: target.path.clone(),
                    identity: target.identity,
                    before: outcome.previous,
                    after: outcome.actual,
                    parents: chains.of(&target.path),
                });
                last = format!(
                    "{}: mode now {}",
                    sanitize::path(&target.path),
                    mode_text(outcome.actual)
                );
                if outcome.dropped_bits != 0 {
                    report.failed = true;
                    report.details.push(format!(
                        "{}: asked for {}, the kernel kept {}: dropped {}",
                        sanitize::path(&target.path),
                        octal_string(outcome.requested),
                        octal_string(outcome.actual),
                        dropped_text(outcome.dropped_bits)
                    ));
                }
                if outcome.nlink > 1 && target.identity.kind != FileKind::Dir {
                    report.details.push(format!(
                        "{}: has {} hard links: the change shows under the other {} names too",
                        sanitize::path(&target.path),
                        outcome.nlink,
                        outcome.nlink - 1
                    ));
                }
            }
            Err(e) => {
                report.failed = true;
                report.details.push(e.to_string());
                first_error.get_or_insert(e);
            }
        }
        report.changes.push(fresh(&target.path));
    }
    let errors = targets.len() - done;
    report.summary = match (targets.len(), errors) {
        (1, 0) if !report.failed => last,
        (1, 0) => format!("{last} (not every bit was kept)"),
        (1, _) => first_error.map_or_else(String::new, |e| failure("mode not changed", &e)),
        (n, 0) => format!("changed the mode of {n} entries"),
        (n, e) => format!("changed the mode of {} of {n} entries; {e} failed", n - e),
    };
    if targets.len() == 1 && report.details.len() == 1 && errors == 1 {
        // The summary says it all.
        report.details.clear();
    }
    if !undo.is_empty() {
        report.journal.push(JournalNote::Record(JournalAction::Chmod(undo)));
    }
    report
}

fn scope_text(scope: Scope) -> &'static str {
    match scope {
        Scope::All => "everything",
        Scope::DirsOnly => "directories only",
        Scope::FilesOnly => "files only",
    }
}

pub(super) fn count(
    targets: Vec<Target>,
    set: u32,
    clear: u32,
    scope: Scope,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> OpOutcome {
    let mut total = RecursiveCount::default();
    let mut seen = 0u64;
    for target in &targets {
        let base = seen;
        let step = |n: u64| progress(base + n);
        match fsops::count_recursive(
            &target.path,
            target.identity,
            set,
            clear,
            scope,
            cancel,
            &step,
        ) {
            Ok(counted) if counted.tally.cancelled => {
                return OpOutcome::Done(failed("cancelled while counting: nothing changed".into()));
            }
            Ok(counted) => {
                seen += counted.tally.visited + 1;
                total.will_change += counted.will_change;
                total.tally.add(counted.tally);
            }
            Err(e) => return OpOutcome::Done(failed(failure("nothing changed", &e))),
        }
    }
    let lines = recursive_lines(&targets, set, clear, scope, &total);
    OpOutcome::Counted {
        request: OpRequest::ChmodRecursive { targets, set, clear, scope },
        lines,
        will_change: total.will_change,
    }
}

/// "+x" / "-w" style words for a set/clear pair, from the bits' octal.
fn mask_text(set: u32, clear: u32) -> String {
    let mut parts = Vec::new();
    if set & PERM_MASK != 0 {
        parts.push(format!("set {}", octal_string(set)));
    }
    if clear & PERM_MASK != 0 {
        parts.push(format!("clear {}", octal_string(clear)));
    }
    parts.join(", ")
}

fn recursive_lines(
    targets: &[Target],
    set: u32,
    clear: u32,
    scope: Scope,
    counted: &RecursiveCount,
) -> Vec<String> {
    let mut lines = listed_names(targets);
    lines.extend([
        format!("  and what is below them: {} · {}", mask_text(set, clear), scope_text(scope)),
        String::new(),
        format!(
            "{} will change ({} already have that mode)",
            quantity(counted.will_change, "entry", "entries"),
            group_digits(counted.tally.unchanged)
        ),
    ]);
    if counted.tally.skipped_symlinks > 0 {
        lines.push(format!(
            "{} skipped (never changed, never followed)",
            match counted.tally.skipped_symlinks {
                1 => "1 symlink is".to_string(),
                n => format!("{} are", quantity(n, "symlink", "symlinks")),
            }
        ));
    }
    if counted.tally.multiply_linked > 0 {
        lines.push(format!(
            "{} other hard links: the change shows under those names too",
            match counted.tally.multiply_linked {
                1 => "1 file has".to_string(),
                n => format!("{} have", quantity(n, "file", "files")),
            }
        ));
    }
    if !counted.tally.mounts_skipped.is_empty() {
        lines.push(format!(
            "{} left alone",
            match counted.tally.mounts_skipped.len() {
                1 => "1 mount point inside is".to_string(),
                n => format!("{} inside are", quantity(n as u64, "mount point", "mount points")),
            }
        ));
    }
    if !counted.tally.errors.is_empty() {
        lines.push(format!(
            "{} could not be read (what is below them is not counted)",
            quantity(counted.tally.errors.len() as u64, "entry", "entries")
        ));
    }
    lines.push(crate::view::request::confirm_keys_line(false));
    lines
}

pub(super) fn chmod_recursive(
    targets: &[Target],
    set: u32,
    clear: u32,
    scope: Scope,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> OpReport {
    let mut report = OpReport::default();
    let (mut changed, mut unchanged, mut errors) = (0u64, 0u64, Vec::new());
    let mut cancelled = false;
    let mut seen = 0u64;
    for target in targets {
        if cancelled {
            break;
        }
        let base = seen;
        let step = |n: u64| progress(base + n);
        let result = super::parents_agree(target, &mut report.changes).and_then(|()| {
            fsops::chmod_recursive(&target.path, target.identity, set, clear, scope, cancel, &step)
        });
        let done = match result {
            Ok(done) => done,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        seen += done.tally.visited + 1;
        // Modes below changed everywhere: read the directory again.
        report.changes.push(fresh(&target.path));
        if target.identity.kind == FileKind::Dir {
            report.changes.push(Change::Rescan { dir: target.path.clone() });
        }
        for (path, bits) in &done.dropped {
            report.details.push(format!(
                "{}: dropped {}",
                sanitize::path(path),
                dropped_text(*bits)
            ));
        }
        for mount in &done.tally.mounts_skipped {
            report.details.push(format!("{}: a mount point, left alone", sanitize::path(mount)));
        }
        changed += done.changed;
        unchanged += done.tally.unchanged;
        errors.extend(done.tally.errors);
        cancelled = done.tally.cancelled;
    }
    error_lines(&errors, &mut report.details);
    report.failed = !report.details.is_empty() || cancelled;
    let verb = if cancelled { "cancelled after changing" } else { "changed" };
    report.journal.push(super::record::irreversible(
        format!("recursive mode change of {} entries", group_digits(changed)),
        "a recursive change is not recorded entry by entry",
    ));
    report.summary = format!(
        "{verb} the mode of {} ({} unchanged, {})",
        quantity(changed, "entry", "entries"),
        group_digits(unchanged),
        quantity(errors.len() as u64, "error", "errors")
    );
    report
}
