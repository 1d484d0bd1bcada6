//! A confirmed owner change: each target (or tree) to `fsops`, the setuid
//! and setgid bits the kernel cleared reported, the journal told.

use std::sync::atomic::AtomicBool;

use super::{error_lines, failure, fresh};
use crate::error::FsError;
use crate::fmt::group_digits;
use crate::fsops;
use crate::model::FileKind;
use crate::sanitize;
use crate::view::change::{Change, OpReport};
use crate::view::journal::{JournalAction, JournalNote, OwnerChange};
use crate::view::owner::ChownRequest;

/// Words for the setuid/setgid bits cleared.
fn cleared_text(bits: u32) -> &'static str {
    match (bits & 0o4000 != 0, bits & 0o2000 != 0) {
        (true, true) => "setuid and setgid",
        (true, false) => "setuid",
        _ => "setgid",
    }
}

pub(super) fn chown(
    request: &ChownRequest,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> OpReport {
    if let Some(scope) = request.recursive {
        return recursive(request, scope, cancel, progress);
    }
    let mut report = OpReport::default();
    let mut undo = Vec::new();
    let mut chains = super::record::Chains::default();
    let mut errors: Vec<FsError> = Vec::new();
    let mut last = String::new();
    for target in &request.targets {
        // The directories above it as shown: a parent swapped for another
        // directory would lead to another name of the same file.
        let result = super::parents_agree(target, &mut report.changes).and_then(|()| {
            fsops::chown(&target.path, target.identity, request.uid, request.gid, request.symlinks)
        });
        match result {
            Ok(out) => {
                last = format!(
                    "{}: owner now {}:{}",
                    sanitize::path(&target.path),
                    out.after.0,
                    out.after.1
                );
                if out.cleared_bits() != 0 {
                    report.details.push(format!(
                        "{}: the kernel cleared {} (mode {:04o} → {:04o})",
                        sanitize::path(&target.path),
                        cleared_text(out.cleared_bits()),
                        out.mode_before,
                        out.mode_after
                    ));
                }
                undo.push(OwnerChange {
                    path: target.path.clone(),
                    identity: target.identity,
                    before: out.before,
                    after: out.after,
                    mode_before: out.mode_before,
                    parents: chains.of(&target.path),
                });
            }
            Err(e) => errors.push(e),
        }
        report.changes.push(fresh(&target.path));
    }
    let (n, e) = (request.targets.len(), errors.len());
    report.failed = e > 0;
    report.summary = match (n, e) {
        (1, 0) => last,
        (1, _) => failure("owner not changed", &errors[0]),
        (n, 0) => format!("changed the owner of {n} entries"),
        (n, e) => format!("changed the owner of {} of {n} entries; {e} failed", n - e),
    };
    if !report.details.is_empty() && e == 0 {
        report.summary.push_str(" (setuid/setgid cleared: see the report)");
    }
    if n > 1 || !report.details.is_empty() {
        error_lines(&errors, &mut report.details);
    }
    if !undo.is_empty() {
        report.journal.push(JournalNote::Record(JournalAction::Chown(undo)));
    }
    report
}

fn recursive(
    request: &ChownRequest,
    scope: crate::model::mask::Scope,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> OpReport {
    let mut report = OpReport::default();
    let (mut changed, mut errors, mut skipped) = (0u64, Vec::new(), 0u64);
    for target in &request.targets {
        let result = super::parents_agree(target, &mut report.changes).and_then(|()| {
            fsops::chown_recursive(
                &target.path,
                target.identity,
                request.uid,
                request.gid,
                scope,
                request.symlinks,
                cancel,
                progress,
            )
        });
        match result {
            Ok(done) => {
                changed += done.changed;
                skipped += done.skipped_symlinks;
                for (path, bits) in &done.cleared {
                    report.details.push(format!(
                        "{}: the kernel cleared {}",
                        sanitize::path(path),
                        cleared_text(*bits)
                    ));
                }
                errors.extend(done.errors);
            }
            Err(e) => errors.push(e),
        }
        report.changes.push(fresh(&target.path));
        if target.identity.kind == FileKind::Dir {
            report.changes.push(Change::Rescan { dir: target.path.clone() });
        }
    }
    error_lines(&errors, &mut report.details);
    report.failed = !errors.is_empty();
    report.summary = format!(
        "changed the owner of {} ({} left alone, {})",
        crate::fmt::quantity(changed, "entry", "entries"),
        crate::fmt::quantity(skipped, "symlink", "symlinks"),
        crate::fmt::quantity(errors.len() as u64, "error", "errors")
    );
    report.journal.push(super::record::irreversible(
        format!("recursive owner change of {} entries", group_digits(changed)),
        "a recursive change is not recorded entry by entry",
    ));
    report
}
