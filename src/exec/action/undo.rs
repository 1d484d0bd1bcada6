//! Undoing a journal entry: each part of it put back through
//! [`crate::fsops::undo`], which refuses what is no longer what the action
//! left. The report says what was put back and why the rest was not, and
//! tells the journal whether the entry is undone.

use std::path::Path;

use super::fresh;
use crate::error::FsError;
use crate::fsops::undo as fs_undo;
use crate::fsops::{self, BulkItem};
use crate::model::Identity;
use crate::view::change::{Change, OpReport};
use crate::view::journal::{JournalAction, JournalNote, Made, Moved};

pub(super) fn undo(seq: u64, action: &JournalAction) -> OpReport {
    let mut report = OpReport::default();
    let mut done = 0usize;
    let mut refusals: Vec<FsError> = Vec::new();
    // Directories a move created that stayed (not empty, or changed).
    let mut left: Vec<FsError> = Vec::new();
    let mut tally = |result: Result<(), FsError>, report: &mut OpReport, changes: Vec<Change>| {
        match result {
            Ok(()) => done += 1,
            Err(e) => refusals.push(e),
        }
        report.changes.extend(changes);
    };
    let parts = match action {
        JournalAction::Chmod(list) => {
            for c in list.iter().rev() {
                let r = agree(&c.path, &c.parents, &mut report).and_then(|()| {
                    fs_undo::restore_mode(&c.path, c.identity, c.after, c.before).map(|_| ())
                });
                tally(r, &mut report, vec![fresh(&c.path)]);
            }
            list.len()
        }
        JournalAction::Chown(list) => {
            for c in list.iter().rev() {
                let r = agree(&c.path, &c.parents, &mut report).and_then(|()| {
                    fs_undo::restore_owner(&c.path, c.identity, c.after, c.before, c.mode_before)
                        .map(|_| ())
                });
                tally(r, &mut report, vec![fresh(&c.path)]);
            }
            list.len()
        }
        JournalAction::Move(list) => {
            match batch_dir(list) {
                // A batch in one directory (swaps, cycles): the inverse batch.
                Some(dir) => {
                    let items: Vec<BulkItem> = list
                        .iter()
                        .map(|m| BulkItem {
                            from: name(&m.to),
                            to: name(&m.from),
                            identity: m.identity,
                        })
                        .collect();
                    let r = moves_agree(list, &mut report).and_then(|()| {
                        fsops::bulk_rename(dir, &items).map(|_| ()).map_err(|f| f.error)
                    });
                    let ok = r.is_ok();
                    tally(r, &mut report, vec![Change::Rescan { dir: dir.to_path_buf() }]);
                    if ok {
                        done = list.len();
                    }
                }
                None => {
                    for m in list.iter().rev() {
                        let r = moves_agree(std::slice::from_ref(m), &mut report)
                            .and_then(|()| fs_undo::move_back(&m.to, m.identity, &m.from));
                        let back = r.is_ok();
                        tally(r, &mut report, vec![fresh(&m.to), fresh(&m.from)]);
                        if back {
                            left.extend(remove_made_dirs(&m.created, &mut report));
                        }
                    }
                }
            }
            list.len()
        }
        JournalAction::Create(list) | JournalAction::Copy(list) => {
            // Every directory checked before anything is removed: removal
            // goes deepest first, so a check as each entry came up would
            // find a swapped directory near the top only after the entries
            // below it were gone. Each directory once (a copied tree shares
            // them).
            let mut seen = std::collections::HashSet::new();
            let checked = list
                .iter()
                .filter(|m| seen.insert(m.path.parent()))
                .try_for_each(|m| agree(&m.path, &m.parents, &mut report));
            if let Err(e) = checked {
                // Nothing removed: the whole entry is refused.
                tally(Err(e), &mut report, Vec::new());
            } else {
                // Deepest first: what is inside a directory goes before it.
                let mut order: Vec<_> = list.iter().collect();
                order.sort_by_key(|m| std::cmp::Reverse(m.path.components().count()));
                for m in order {
                    let r = fs_undo::remove_created(&m.path, m.identity, m.stamp);
                    tally(r, &mut report, vec![fresh(&m.path)]);
                }
            }
            list.len()
        }
        JournalAction::Trash(list) => {
            for t in list.iter().rev() {
                let r = agree(&t.path, &t.parents, &mut report)
                    .and_then(|()| fs_undo::restore_trashed(&t.path, t.identity));
                tally(r, &mut report, restored(&t.path));
            }
            list.len()
        }
        JournalAction::Irreversible { what, why } => {
            report.failed = true;
            report.summary = format!("cannot undo {what}: {why}");
            report.journal.push(JournalNote::Refused(seq, why.clone()));
            return report;
        }
    };
    let what = action.describe();
    if done == 0 {
        let why = refusals
            .first()
            .map(|e| crate::error::os_reason(&e.source))
            .unwrap_or_else(|| "nothing to put back".into());
        report.failed = true;
        report.summary = format!("undo refused: {what}: {why}");
        if refusals.len() > 1 {
            super::error_lines(&refusals, &mut report.details);
        }
        report.journal.push(JournalNote::Refused(seq, why));
        return report;
    }
    report.summary = if refusals.is_empty() {
        format!("undone: {what}")
    } else {
        format!("partly undone: {what}: {} of {parts} put back", parts - refusals.len())
    };
    if let Some(first) = left.first() {
        report.summary.push_str(&format!(
            "; left in place: {}, a directory it created (not empty, or changed since)",
            crate::sanitize::path(&first.path)
        ));
    }
    report.failed = !refusals.is_empty();
    super::error_lines(&refusals, &mut report.details);
    super::error_lines(&left, &mut report.details);
    report.journal.push(JournalNote::Undone(seq));
    report
}

/// Re-checks the directories above `path` against those its record read
/// when the action ran. The record keeps them, rather than the undo reading
/// the tree's rows now, because the undo must act where the action acted:
/// the rows may by now show a directory swapped in since (a refresh reads
/// it), and the path alone would then lead to another entry of the same
/// name (or another name of the same hard-linked file). A changed one is
/// read again.
fn agree(path: &Path, parents: &[Option<Identity>], report: &mut OpReport) -> Result<(), FsError> {
    fsops::check_parents(path, parents).inspect_err(|e| {
        report.changes.push(Change::Rescan { dir: e.path.clone() });
    })
}

/// After a move went back: the directories it created on the way, deepest
/// first, each removed only while it is still the same directory (under
/// the same directories) and empty; the first that stays ends it (those
/// above hold it) and is returned with why.
fn remove_made_dirs(created: &[Made], report: &mut OpReport) -> Option<FsError> {
    for dir in created.iter().rev() {
        let removed = agree(&dir.path, &dir.parents, report)
            .and_then(|()| fs_undo::remove_created(&dir.path, dir.identity, None));
        report.changes.push(fresh(&dir.path));
        if let Err(e) = removed {
            return Some(e);
        }
    }
    None
}

/// Both ends of every move: where the entry is now, and where it goes back.
fn moves_agree(list: &[Moved], report: &mut OpReport) -> Result<(), FsError> {
    list.iter().try_for_each(|m| {
        agree(&m.to, &m.to_parents, report).and_then(|()| agree(&m.from, &m.from_parents, report))
    })
}

/// The directory every move of the list stayed in, when there are several
/// (a bulk rename): undone as one batch, so cycles need no order.
fn batch_dir(list: &[Moved]) -> Option<&Path> {
    let dir = list.first()?.from.parent()?;
    let same = list.iter().all(|m| m.from.parent() == Some(dir) && m.to.parent() == Some(dir));
    (list.len() > 1 && same).then_some(dir)
}

fn name(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.file_name().map(|n| n.as_bytes().to_vec()).unwrap_or_default()
}

/// A restored entry may be a whole directory: its parent is read again.
fn restored(path: &Path) -> Vec<Change> {
    let mut changes = vec![fresh(path)];
    if let Some(parent) = path.parent() {
        changes.push(Change::Rescan { dir: parent.to_path_buf() });
    }
    changes
}
