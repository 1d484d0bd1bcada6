//! Runs a confirmed action: the bridge from an [`OpRequest`] to the
//! filesystem functions of [`crate::fsops`], and from their results to an
//! [`OpOutcome`] of path-level [`Change`]s the model applies. Called on the
//! action thread (or inline in tests); never on the interface's thread.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use crate::error::FsError;
use crate::fmt::{group_digits, human_size};
use crate::fsops::{self, RecursiveCount};
use crate::model::FileKind;
use crate::model::mask::{Scope, apply_mask};
use crate::model::mode::{PERM_MASK, octal_string, perms_string};
use crate::sanitize;
use crate::scan::statx_path;
use crate::view::actions::LISTED_NAMES;
use crate::view::ops::{Change, OpOutcome, OpReport, OpRequest, Target};

/// How many per-entry errors a report lists.
const LISTED_ERRORS: usize = 200;

/// Runs `request`; `progress` is told the number of entries seen so far by
/// long actions, `cancel` is checked between entries.
pub fn execute(request: OpRequest, cancel: &AtomicBool, progress: &dyn Fn(u64)) -> OpOutcome {
    match request {
        OpRequest::Chmod { targets, set, clear } => OpOutcome::Done(chmod(&targets, set, clear)),
        OpRequest::CountRecursive { targets, set, clear, scope } => {
            count(targets, set, clear, scope, cancel, progress)
        }
        OpRequest::ChmodRecursive { targets, set, clear, scope } => {
            OpOutcome::Done(chmod_recursive(&targets, set, clear, scope, cancel, progress))
        }
        OpRequest::Rename { target, new_name } => OpOutcome::Done(rename(&target, &new_name)),
        OpRequest::Create { dir, relative } => OpOutcome::Done(create(&dir, &relative)),
        OpRequest::CountRemove { targets, permanent } => {
            super::count::count_removal(targets, permanent, cancel, progress)
        }
        OpRequest::Remove { targets, permanent } => {
            OpOutcome::Done(remove(&targets, permanent, cancel, progress))
        }
        OpRequest::RemoveEmptyDirs { target, stop_at } => {
            OpOutcome::Done(remove_empty_dirs(&target, &stop_at))
        }
    }
}

/// The directory and name of `path`.
fn split(path: &Path) -> (PathBuf, Vec<u8>) {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = path.file_name().map(|n| n.as_bytes().to_vec()).unwrap_or_default();
    (dir, name)
}

/// The entry at `path` as it is now (`None` when it is gone).
fn fresh(path: &Path) -> Change {
    let (dir, name) = split(path);
    Change::Entry { dir, name, stat: statx_path(path, false).ok().map(|(stat, _)| stat) }
}

fn failed(summary: String) -> OpReport {
    OpReport { summary, failed: true, ..OpReport::default() }
}

/// The one wording of a failed action: what failed, the name once
/// (sanitized here, and only here), the reason — "nothing renamed:
/// large.log: already exists".
pub fn failure(what: &str, e: &FsError) -> String {
    let name = e.path.file_name().unwrap_or_else(|| e.path.as_os_str());
    format!("{what}: {}: {}", sanitize::os(name), crate::error::os_reason(&e.source))
}

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

fn chmod(targets: &[Target], set: u32, clear: u32) -> OpReport {
    let mut report = OpReport::default();
    let mut done = 0usize;
    let mut last = String::new();
    let mut first_error: Option<FsError> = None;
    for target in targets {
        let mode = apply_mask(target.mode, set, clear);
        match fsops::chmod(&target.path, target.identity, mode) {
            Ok(outcome) => {
                done += 1;
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
    report
}

fn scope_text(scope: Scope) -> &'static str {
    match scope {
        Scope::All => "everything",
        Scope::DirsOnly => "directories only",
        Scope::FilesOnly => "files only",
    }
}

fn count(
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
    let mut lines: Vec<String> = targets
        .iter()
        .take(LISTED_NAMES)
        .map(|t| {
            let slash = if t.identity.kind == FileKind::Dir { "/" } else { "" };
            format!("  {}{slash}", sanitize::path(&t.path))
        })
        .collect();
    if targets.len() > LISTED_NAMES {
        lines.push(format!("  … and {} more", targets.len() - LISTED_NAMES));
    }
    lines.extend([
        format!("  and what is below them: {} · {}", mask_text(set, clear), scope_text(scope)),
        String::new(),
        format!(
            "{} entries will change ({} already have that mode)",
            group_digits(counted.will_change),
            group_digits(counted.tally.unchanged)
        ),
    ]);
    if counted.tally.skipped_symlinks > 0 {
        lines.push(format!(
            "{} symlinks are skipped (never changed, never followed)",
            group_digits(counted.tally.skipped_symlinks)
        ));
    }
    if counted.tally.multiply_linked > 0 {
        lines.push(format!(
            "{} files have other hard links: the change shows under those names too",
            group_digits(counted.tally.multiply_linked)
        ));
    }
    if !counted.tally.mounts_skipped.is_empty() {
        lines.push(format!(
            "{} mount points inside are left alone",
            counted.tally.mounts_skipped.len()
        ));
    }
    if !counted.tally.errors.is_empty() {
        lines.push(format!(
            "{} entries could not be read (what is below them is not counted)",
            counted.tally.errors.len()
        ));
    }
    lines.push(crate::view::actions::confirm_keys_line(false));
    lines
}

fn error_lines(errors: &[FsError], details: &mut Vec<String>) {
    for e in errors.iter().take(LISTED_ERRORS) {
        details.push(e.to_string());
    }
    if errors.len() > LISTED_ERRORS {
        details.push(format!("… and {} more errors", errors.len() - LISTED_ERRORS));
    }
}

fn chmod_recursive(
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
        let result =
            fsops::chmod_recursive(&target.path, target.identity, set, clear, scope, cancel, &step);
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
    report.summary = format!(
        "{verb} the mode of {} entries ({} unchanged, {} errors)",
        group_digits(changed),
        group_digits(unchanged),
        errors.len()
    );
    report
}

fn rename(target: &Target, new_name: &[u8]) -> OpReport {
    let (dir, old_name) = split(&target.path);
    match fsops::rename(&dir, target.identity, &old_name, new_name) {
        Ok(new_path) => {
            let mut changes = Vec::new();
            // Directories the move created on the way come first, so the
            // destination exists in the tree when the move is applied.
            let relative = new_path.strip_prefix(&dir).unwrap_or(&new_path).to_path_buf();
            let mut at = dir.clone();
            let parts: Vec<_> = relative.components().collect();
            for part in parts.iter().take(parts.len().saturating_sub(1)) {
                let next = at.join(part);
                changes.push(fresh(&next));
                at = next;
            }
            let (to_dir, to) = split(&new_path);
            changes.push(Change::Moved { from_dir: dir, from: old_name, to_dir, to });
            changes.push(fresh(&new_path));
            OpReport {
                changes,
                summary: format!("renamed to {}", sanitize::path(&relative)),
                failed: false,
                details: Vec::new(),
                select: Some(new_path),
            }
        }
        Err(e) => failed(failure("nothing renamed", &e)),
    }
}

fn create(dir: &Path, relative: &[u8]) -> OpReport {
    match fsops::create(dir, relative) {
        Ok(created) => {
            let changes = created.created.first().map(|top| vec![fresh(top)]).unwrap_or_default();
            let what = if created.kind == FileKind::Dir { "directory" } else { "file" };
            OpReport {
                changes,
                summary: format!("created {what} {}", sanitize::path(&created.path)),
                failed: false,
                details: Vec::new(),
                select: Some(created.path),
            }
        }
        Err(e) => failed(failure("nothing created", &e)),
    }
}

fn remove(
    targets: &[Target],
    permanent: bool,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> OpReport {
    let mut report = OpReport::default();
    let (mut removed, mut bytes, mut whole) = (0u64, 0u64, 0usize);
    let mut errors = Vec::new();
    for target in targets {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            report.details.push("cancelled: the remaining entries were left alone".into());
            break;
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
                Ok(()) => whole += 1,
                Err(e) => errors.push(e),
            }
        }
        report.changes.insert(0, fresh(&target.path));
    }
    report.failed = !errors.is_empty() || !report.details.is_empty();
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
            "deleted {} of {} items ({} entries, {} apparent){errors_text}",
            whole,
            targets.len(),
            group_digits(removed),
            human_size(bytes),
        )
    } else {
        format!("moved {} of {} items to the trash{errors_text}", whole, targets.len())
    };
    if whole < targets.len() && (removed > 0 || errors.len() > 1) {
        // A partial removal: what went, what stayed, and every error.
        report.details.insert(
            0,
            format!(
                "removed: {} entries ({} apparent); left in place: {} of {} items, \
                 with what each error below names and the directories above it",
                group_digits(removed),
                human_size(bytes),
                targets.len() - whole,
                targets.len()
            ),
        );
    }
    error_lines(&errors, &mut report.details);
    report
}

fn remove_empty_dirs(target: &Target, stop_at: &Path) -> OpReport {
    if let Err(e) = fsops::check(&target.path, target.identity) {
        return failed(failure("nothing removed", &e));
    }
    match fsops::removedirs(&target.path, stop_at) {
        Ok(removed) => {
            let changes = removed.iter().map(|p| fresh(p)).collect();
            OpReport {
                changes,
                summary: format!("removed {} empty directories", removed.len()),
                ..OpReport::default()
            }
        }
        Err(e) => failed(failure("nothing removed", &e)),
    }
}
