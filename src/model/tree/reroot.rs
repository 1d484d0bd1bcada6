//! Moving the tree's roots: a root's parent directory becomes the root
//! (the scanned subtree is kept as it is, hung under a new node, and only
//! the new siblings are read), and a root of its own for a path the tree
//! does not hold yet. Both return a [`Rescan`] whose scanner's events fill
//! the new root as a re-scan fills a directory.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::model::mode::FileKind;
use crate::scan::Batch;

use super::aggregates::Sums;
use super::insert::NewEntry;
use super::node::NONE;
use super::overflow::NAME_INDEX_MIN;
use super::rescan::Rescan;
use super::{DirState, NodeId, Tree};

impl Tree {
    /// Makes the parent of the root `root` the root in its place. `absolute`
    /// is the root's path made absolute (the caller knows the working
    /// directory; the tree does not). The root keeps its node, its subtree
    /// and its aggregates; it is renamed to its last component and hung
    /// under a new, `Pending` directory node named by the parent's path,
    /// whose own stat arrives with the scan. Feed the events of a scanner
    /// started on the parent, told to skip the old root, to
    /// [`Tree::apply_rescan`]: the siblings are added around the kept
    /// subtree. `None` when `root` is not a live root or `absolute` has no
    /// parent (it is `/`).
    pub fn reroot_up(&mut self, root: NodeId, absolute: &Path) -> Option<Rescan> {
        // Kept orders of directories are checked against this counter.
        self.edits += 1;
        let slot = self.roots.iter().position(|&r| r == Some(root))?;
        if !self.is_live(root) || self.parent(root).is_some() {
            return None;
        }
        let (parent, name) = (absolute.parent()?, absolute.file_name()?);
        let top = self.placeholder_root(parent.as_os_str().as_bytes());
        let (pos, len) = self.store_name(name.as_bytes());
        let node = &mut self.nodes[root.0 as usize];
        (node.name, node.name_len) = (pos, len);
        self.attach(top, root.0);
        self.propagate(top, self.contribution(root.0));
        self.roots[slot] = Some(NodeId(top));
        // Directories this root claimed are claimed by the new root now, so
        // the siblings' scan counts each once against the same root.
        for claim in self.dir_claims.values_mut() {
            if claim.1 == root.0 {
                claim.1 = top;
            }
        }
        Some(Rescan::keeping(NodeId(top), Some(root)))
    }

    /// The root `root` is no longer at its path (moved or removed behind
    /// the view's back): what it held goes, since it is not there any more,
    /// and the root itself stays, marked with `error`, so the view can say
    /// what happened where the tree was. False when `root` is not a live root.
    pub fn root_gone(&mut self, root: NodeId, error: crate::error::ScanError) -> bool {
        if !self.is_live(root) || self.parent(root).is_some() {
            return false;
        }
        self.edits += 1;
        if self.is_live_dir(root.0) {
            self.clear_children(root);
        }
        self.mark_dir_error(root.0, error);
        true
    }

    /// Adds a root for `path` (absolute) with nothing below it yet, and
    /// returns the re-scan that fills it: feed it the events of a scanner
    /// started on `path`.
    pub fn add_root(&mut self, path: &Path) -> Rescan {
        self.edits += 1;
        let id = self.placeholder_root(path.as_os_str().as_bytes());
        self.roots.push(Some(NodeId(id)));
        Rescan::keeping(NodeId(id), None)
    }

    /// A new root directory node without a stat (its scan brings one).
    fn placeholder_root(&mut self, name: &[u8]) -> u32 {
        let id = self.nodes.len() as u32;
        let entry = NewEntry {
            stat: None,
            kind: FileKind::Dir,
            error: None,
            descend: true,
            other_fs: false,
            seen_before: false,
        };
        self.insert(id, NONE, name, &entry, &mut Sums::default());
        id
    }

    /// Adds a batch's entries as children of `dir` beside `keep`, a child
    /// the tree already holds whole: the entry of the same name (listed,
    /// not entered) only refreshes `keep`'s own stat. Entry `i` of the batch
    /// is node `base + i` as usual (the listed twin is placed, then taken
    /// out again), so the keys of deeper batches resolve.
    pub(super) fn graft_around(&mut self, dir: u32, batch: &Batch, keep: u32) -> Option<u32> {
        self.edits += 1;
        if !self.is_live_dir(dir) {
            return None;
        }
        let index = self.nodes[dir as usize].dir as usize;
        self.extra_mut(index).detached = true;
        if batch.total >= NAME_INDEX_MIN {
            // A large parent: every entry is looked up by name as it lands
            // (the audit judges it), which is quadratic without the index.
            self.index_names(dir);
        }
        let keep_name = self.is_live(NodeId(keep)).then(|| self.name(NodeId(keep)).to_vec());
        let base = self.nodes.len() as u32;
        let mut sums = Sums::default();
        let mut twin = None;
        for (i, entry) in batch.entries.iter().enumerate() {
            let id = base + i as u32;
            let name = batch.name(entry);
            self.insert(id, dir, name, &NewEntry::from_raw(entry), &mut sums);
            self.attach(dir, id);
            if keep_name.as_deref() == Some(name) {
                twin = Some((id, entry.stat));
            }
        }
        self.propagate(dir, sums);
        if let Some((id, stat)) = twin {
            self.remove_node(id);
            // The twin took the kept child's name in the index; give it back.
            let extra = self.dirs[index].extra as usize;
            let name = self.name(NodeId(keep)).into();
            if let Some(names) = self.extras.get_mut(extra).and_then(|e| e.names.as_mut()) {
                names.insert(name, keep);
            }
            if let Some(stat) = stat {
                self.restat(keep, &stat);
            }
        }
        let state = if self.child_count(NodeId(dir)) >= batch.total {
            DirState::Complete
        } else {
            DirState::Partial
        };
        self.set_dir_state(NodeId(dir), state);
        Some(base)
    }
}
