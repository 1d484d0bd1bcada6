//! What came back: the path-level [`Change`]s that both the actions and the
//! filesystem watcher report, an action's [`OpOutcome`], and their
//! application to the tree as [`TreeOp`]s.

use std::path::{Path, PathBuf};

use super::request::OpRequest;
use crate::model::{FileKind, NodeId, Tree, TreeOp};
use crate::scan::EntryStat;

/// One change on disk, by path: the one vocabulary of the actions' results
/// and the watcher's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `dir/name` now has this `lstat`, or is gone (`None`).
    Entry {
        /// The directory holding it.
        dir: PathBuf,
        /// Its name.
        name: Vec<u8>,
        /// Its fresh `lstat`.
        stat: Option<EntryStat>,
    },
    /// `from_dir/from` is now `to_dir/to` (same inode).
    Moved {
        /// Old directory.
        from_dir: PathBuf,
        /// Old name.
        from: Vec<u8>,
        /// New directory.
        to_dir: PathBuf,
        /// New name.
        to: Vec<u8>,
    },
    /// Everything below `dir` may have changed: read it again.
    Rescan {
        /// The directory.
        dir: PathBuf,
    },
}

/// What a finished action reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpReport {
    /// What changed on disk, in order.
    pub changes: Vec<Change>,
    /// One line for the status bar.
    pub summary: String,
    /// True when something failed or was refused.
    pub failed: bool,
    /// Further lines (per-entry errors, dropped bits, skipped mounts), shown
    /// in a dialog when present.
    pub details: Vec<String>,
    /// The entry to select afterwards (what was created or renamed).
    pub select: Option<PathBuf>,
    /// What the undo journal learns from it ([`super::journal`]).
    pub journal: Vec<super::journal::JournalNote>,
}

/// The result of an [`OpRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpOutcome {
    /// It ran (or was refused): apply the report.
    Done(OpReport),
    /// A count on disk for a recursive change or a removal, to be confirmed.
    Counted {
        /// The change to run when the user confirms.
        request: OpRequest,
        /// The lines of the confirmation.
        lines: Vec<String>,
        /// Entries that would change (or go).
        will_change: u64,
    },
    /// A paste found names that exist in its target: ask, then run
    /// `request` with the answers.
    Collisions {
        /// The paste (with `ask` off).
        request: OpRequest,
        /// Index of each colliding source, its name, and whether a merge is
        /// possible (a directory onto a directory).
        names: Vec<(usize, Vec<u8>, bool)>,
    },
}

/// The node at `path`, looked up from the roots by name, component by
/// component (the tree holds no path index).
pub fn node_at(tree: &Tree, path: &Path) -> Option<NodeId> {
    for root in tree.roots() {
        let root_path = tree.path(root);
        let Ok(rest) = path.strip_prefix(&root_path) else { continue };
        let mut node = root;
        let mut found = true;
        for component in rest.components() {
            use std::os::unix::ffi::OsStrExt;
            let std::path::Component::Normal(name) = component else {
                found = false;
                break;
            };
            match tree.find_child(node, name.as_bytes()) {
                Some(child) => node = child,
                None => {
                    found = false;
                    break;
                }
            }
        }
        if found {
            return Some(node);
        }
    }
    None
}

/// Applies path-level changes to the tree. Returns whether the tree changed,
/// and the directories to re-read: those a change asked for, and
/// directories that appeared (nothing below them is known yet), topmost only.
pub fn apply_changes(tree: &mut Tree, changes: &[Change]) -> (bool, Vec<NodeId>) {
    let mut changed = false;
    let mut rescans: Vec<NodeId> = Vec::new();
    for change in changes {
        match change {
            Change::Entry { dir, name, stat } => {
                let Some(parent) = node_at(tree, dir) else { continue };
                match stat {
                    Some(stat) => {
                        let existed = tree.find_child(parent, name).map(|id| tree.kind(id));
                        changed |= tree.apply_op(TreeOp::Upsert {
                            parent,
                            name: name.clone(),
                            stat: *stat,
                        });
                        let now = tree.find_child(parent, name);
                        if let Some(id) = now
                            && stat.kind() == FileKind::Dir
                            && existed != Some(FileKind::Dir)
                        {
                            rescans.push(id);
                        }
                    }
                    None => {
                        changed |= tree.apply_op(TreeOp::Remove { parent, name: name.clone() });
                    }
                }
            }
            Change::Moved { from_dir, from, to_dir, to } => {
                let Some(parent) = node_at(tree, from_dir) else { continue };
                match node_at(tree, to_dir) {
                    Some(to_parent) => {
                        changed |= tree.apply_op(TreeOp::Rename {
                            parent,
                            from: from.clone(),
                            to_parent,
                            to: to.clone(),
                        });
                    }
                    None => {
                        changed |= tree.apply_op(TreeOp::Remove { parent, name: from.clone() });
                    }
                }
            }
            Change::Rescan { dir } => {
                if let Some(id) = node_at(tree, dir)
                    && tree.kind(id) == FileKind::Dir
                {
                    rescans.push(id);
                }
            }
        }
    }
    // Drop removed directories and those inside another one being re-read.
    rescans.retain(|&id| tree.is_live(id));
    rescans.sort_unstable_by_key(|id| id.0);
    rescans.dedup();
    let all = rescans.clone();
    rescans.retain(|&id| {
        let mut up = tree.parent(id);
        while let Some(p) = up {
            if all.contains(&p) {
                return false;
            }
            up = tree.parent(p);
        }
        true
    });
    (changed, rescans)
}
