//! What a row shows of an entry's identity, and whether the fresh `lstat`
//! the metadata pane read agrees with it. A row can be older than the pane
//! (a collapsed directory is not watched): an action takes its target from
//! the pane, so before it starts, the row and the pane must show the same
//! object, or the user confirmed one thing and would act on another.

use crate::model::{FileKind, Identity, NodeId, Tree};

/// Why the row `id` does not show the object `fresh` (read from the disk
/// for the pane), in words for the status bar; `None` when they agree.
///
/// A row knows the type of every entry, and the device and inode of every
/// directory read with its children; a file's row holds no inode number, so
/// for a file only the type can disagree here (the action's own re-check on
/// the disk compares the rest with what the pane read).
pub fn disagreement(tree: &Tree, id: NodeId, fresh: &Identity) -> Option<String> {
    let row = tree.kind(id);
    if row != fresh.kind {
        return Some(format!(
            "the row shows a {}, the disk now has a {}",
            row.describe(),
            fresh.kind.describe()
        ));
    }
    match tree.dir_identity(id) {
        Some(shown) if row == FileKind::Dir && !shown.same_as(fresh) => Some(format!(
            "the row shows the {}, the disk now has the {}",
            shown.describe(),
            fresh.describe()
        )),
        _ => None,
    }
}

/// The identities of the directories from the scan root down to the parent
/// of `id` (root first), as the rows show them: what an action re-checks on
/// the disk, one directory at a time, before it acts (`None` where a
/// directory was never read with its children).
pub fn parents_of(tree: &Tree, id: NodeId) -> Vec<Option<Identity>> {
    let mut chain = Vec::new();
    let mut up = tree.parent(id);
    while let Some(dir) = up {
        chain.push(tree.dir_identity(dir));
        up = tree.parent(dir);
    }
    chain.reverse();
    chain
}
