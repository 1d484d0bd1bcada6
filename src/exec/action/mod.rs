//! Runs a confirmed action: the bridge from an [`OpRequest`] to the
//! filesystem functions of [`crate::fsops`], and from their results to an
//! [`OpOutcome`] of path-level [`Change`]s the model applies. Called on the
//! action thread (or by the inline runner); never on the interface's thread.
//! Permission changes are in `chmod.rs`, removals in `remove.rs`, the counts
//! a removal's confirmation shows in `count.rs`.

mod bulk;
mod chmod;
mod chown;
mod count;
mod paste;
pub mod record;
mod remove;
mod undo;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use crate::error::FsError;
use crate::fsops;
use crate::model::FileKind;
use crate::sanitize;
use crate::scan::statx_path;
use crate::view::change::{Change, OpOutcome, OpReport};
use crate::view::journal::{JournalAction, JournalNote};
use crate::view::request::{LISTED_NAMES, OpRequest, Target};

/// How many per-entry errors a report lists.
const LISTED_ERRORS: usize = 200;

/// Runs `request`; `progress` is told the number of entries seen so far by
/// long actions, `cancel` is checked between entries.
pub fn execute(request: OpRequest, cancel: &AtomicBool, progress: &dyn Fn(u64)) -> OpOutcome {
    match request {
        OpRequest::Chmod { targets, set, clear } => {
            OpOutcome::Done(chmod::chmod(&targets, set, clear))
        }
        OpRequest::CountRecursive { targets, set, clear, scope } => {
            chmod::count(targets, set, clear, scope, cancel, progress)
        }
        OpRequest::ChmodRecursive { targets, set, clear, scope } => {
            OpOutcome::Done(chmod::chmod_recursive(&targets, set, clear, scope, cancel, progress))
        }
        OpRequest::Rename { target, new_name } => OpOutcome::Done(rename(&target, &new_name)),
        OpRequest::Create { dir, relative } => OpOutcome::Done(create(&dir, &relative)),
        OpRequest::CountRemove { targets, permanent } => {
            count::count_removal(targets, permanent, cancel, progress)
        }
        OpRequest::Remove { targets, permanent } => {
            OpOutcome::Done(remove::remove(&targets, permanent, cancel, progress))
        }
        OpRequest::Paste { items, dest, dest_parents, mode, meter, ask } => {
            paste::paste(items, &dest, dest_parents, mode, meter, ask, cancel)
        }
        OpRequest::RemoveEmptyDirs { target, stop_at } => {
            OpOutcome::Done(remove::remove_empty_dirs(&target, &stop_at))
        }
        OpRequest::BulkRename { dir, lines, dir_parents } => {
            OpOutcome::Done(bulk::bulk(&dir, &lines, &dir_parents))
        }
        OpRequest::Chown(request) => OpOutcome::Done(chown::chown(&request, cancel, progress)),
        OpRequest::Undo { seq, action } => OpOutcome::Done(undo::undo(seq, &action)),
    }
}

/// `dir/name` for raw name bytes.
fn join(dir: &Path, name: &[u8]) -> PathBuf {
    dir.join(OsStr::from_bytes(name))
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

pub(super) fn error_lines(errors: &[FsError], details: &mut Vec<String>) {
    for e in errors.iter().take(LISTED_ERRORS) {
        details.push(e.to_string());
    }
    if errors.len() > LISTED_ERRORS {
        details.push(format!("… and {} more errors", errors.len() - LISTED_ERRORS));
    }
}

/// Re-checks the directories above `target` as they were shown
/// ([`fsops::check_parents`]); a directory refused there is read again, so
/// its rows show what is on the disk now.
pub(super) fn parents_agree(target: &Target, changes: &mut Vec<Change>) -> Result<(), FsError> {
    fsops::check_parents(&target.path, &target.parents).inspect_err(|e| {
        changes.push(Change::Rescan { dir: e.path.clone() });
    })
}

fn rename(target: &Target, new_name: &[u8]) -> OpReport {
    let (dir, old_name) = split(&target.path);
    let mut changes = Vec::new();
    if let Err(e) = parents_agree(target, &mut changes) {
        return OpReport { changes, ..failed(failure("nothing renamed", &e)) };
    }
    match fsops::rename_creating(&dir, target.identity, &old_name, new_name) {
        Ok(fsops::Renamed { path: new_path, created }) => {
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
            let journal = vec![record::rename(&target.path, &new_path, target.identity, &created)];
            OpReport {
                changes,
                summary: format!("renamed to {}", sanitize::path(&relative)),
                failed: false,
                details: Vec::new(),
                select: Some(new_path),
                journal,
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
            let made: Vec<_> =
                created.created.iter().filter_map(|p| record::made(p, None)).collect();
            let journal = if made.is_empty() {
                Vec::new()
            } else {
                vec![JournalNote::Record(JournalAction::Create(made))]
            };
            OpReport {
                changes,
                summary: format!("created {what} {}", sanitize::path(&created.path)),
                failed: false,
                details: Vec::new(),
                select: Some(created.path),
                journal,
            }
        }
        Err(e) => failed(failure("nothing created", &e)),
    }
}

/// The first names of a confirmation, one a line (directories with a `/`),
/// then "… and N more".
pub(super) fn listed_names(targets: &[Target]) -> Vec<String> {
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
    lines
}
