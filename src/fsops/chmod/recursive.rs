//! A recursive change and its dry count: the same walk with the same visitor
//! ([`super::visit::Chmodder`]), once changing and once only counting, so the
//! confirmation shows exactly what the change will meet.

use std::os::fd::AsFd;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::io::Errno;

use crate::error::{FsError, Op};
use crate::fsops::identity::Checked;
use crate::fsops::sys;
use crate::fsops::walk::{self, Here, Visitor, WalkLog};
use crate::model::Identity;
use crate::model::mask::Scope;
use crate::model::mode::FileKind;

use super::report::{RecursiveCount, RecursiveReport};
use super::visit::Chmodder;
use super::{check_mode, symlink_refusal};

/// Turns the bits in `set` on and those in `clear` off
/// ([`apply_mask`](crate::model::mask::apply_mask)) on `root` and, for a
/// directory, everything below it that `scope` includes.
///
/// The walk never follows a symlink, stays on the root's filesystem (mount
/// points are reported and skipped), and goes on past per-entry failures,
/// which are collected in the report. A directory whose new mode still lets
/// its owner read and search it is changed before its entries are read; one
/// that loses those bits is changed after (so an unprivileged owner can both
/// open up and close down a tree). Fails as a whole only when the root is not
/// the entry that was shown or cannot be opened.
pub fn chmod_recursive(
    root: &Path,
    expected: Identity,
    set: u32,
    clear: u32,
    scope: Scope,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<RecursiveReport, FsError> {
    let visit = Chmodder::new(set, clear, scope, false);
    run(root, expected, visit, cancel, progress)
}

/// Counts what [`chmod_recursive`] with the same arguments would change,
/// changing nothing (the same walk, dry).
pub fn count_recursive(
    root: &Path,
    expected: Identity,
    set: u32,
    clear: u32,
    scope: Scope,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<RecursiveCount, FsError> {
    let visit = Chmodder::new(set, clear, scope, true);
    // A dry walk drops no bits: its report is the count.
    let report = run(root, expected, visit, cancel, progress)?;
    Ok(RecursiveCount { will_change: report.changed, tally: report.tally })
}

/// The root's part of a recursive change, and the walk below it (dry for a
/// count, whose report then holds what would change).
fn run(
    root: &Path,
    expected: Identity,
    mut visit: Chmodder,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<RecursiveReport, FsError> {
    check_mode(root, visit.set)?;
    check_mode(root, visit.clear)?;
    if expected.kind == FileKind::Symlink {
        return Err(symlink_refusal(root));
    }
    let start = Checked::by_path(root, expected, Op::Chmod)?;
    let (parent, name, node) = (start.parent.as_fd(), start.located.name.as_c_str(), start.node);
    let path = &start.located.path;
    let mut log = WalkLog::default();
    if cancel.load(Ordering::Relaxed) {
        log.cancelled = true;
        return Ok(visit.finish(log));
    }
    let above = Here::parent_of(&start.located.parent);

    if node.kind() != FileKind::Dir {
        // A single entry: the same rules as for one entry of the walk.
        if let Err((op, source)) = visit.non_dir(parent, name, &node, &above) {
            return Err(FsError { op, path: path.clone(), source });
        }
        return Ok(visit.finish(log));
    }
    let fd = match sys::open_dir_at(parent, name) {
        Ok(fd) => fd,
        Err(Errno::ACCESS) if visit.open_denied(parent, name, &node, &above) => {
            sys::open_dir_at(parent, name).map_err(|e| sys::errno(Op::OpenDir, path, e))?
        }
        Err(e) => {
            // Count-only, or a change that leaves it unreadable: say why.
            if let Some(err) = visit.tally.errors.pop() {
                return Err(err);
            }
            return Err(sys::errno(Op::OpenDir, path, e));
        }
    };
    let node = start.recheck(fd.as_fd())?;
    if let Err((op, source)) = visit.enter(fd.as_fd(), name, &node, &above) {
        visit.tally.errors.push(FsError { op, path: path.clone(), source });
    }
    let (fd, kept) = walk::walk(fd, node, path, &mut visit, cancel, progress, &mut log);
    if let Some(fd) = fd
        && !log.cancelled
        && let Err((op, source)) = visit.leave(parent, name, fd, &node, kept, &above)
    {
        visit.tally.errors.push(FsError { op, path: path.clone(), source });
    }
    Ok(visit.finish(log))
}
