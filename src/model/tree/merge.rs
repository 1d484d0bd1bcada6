//! One root per directory after a root moved: when `-` makes a root's
//! parent the root and that parent is already held by another root (it is
//! that root, or lies below it), or the new root holds another root, the
//! inner root becomes part of the outer one. The subtree kept is one the
//! tree already holds whole, so nothing is read again; the copy it replaces
//! goes, and the totals, which counted each entry once across the two,
//! keep counting it once.

use std::collections::HashMap;

use super::node::{FLAG_ERROR, FLAG_LINK_DUP, FLAG_REPEAT};
use super::{NodeId, Tree};

impl Tree {
    /// Hangs the root `root` under `parent`, a directory of another root,
    /// as its child `name`, in place of `twin` (the node `parent` holds for
    /// the same directory, if it holds one): `twin`'s subtree goes, `root`'s
    /// stays with its node ids. Returns the pairs (gone node, kept node) of
    /// the entries both held at the same path, so that what named a gone
    /// node (a selection, a mark) can name its kept one; `None` (and
    /// nothing changed) when `root` is not a live root, `parent` is not a
    /// live directory of another root, or `twin` is not a child of `parent`.
    pub fn merge_root(
        &mut self,
        root: NodeId,
        parent: NodeId,
        name: &[u8],
        twin: Option<NodeId>,
    ) -> Option<Vec<(NodeId, NodeId)>> {
        let slot = self.roots.iter().position(|&r| r == Some(root))?;
        let outer = self.root_of(parent.0);
        if !self.is_live(root) || !self.is_live_dir(parent.0) || outer == root.0 {
            return None;
        }
        if twin.is_some_and(|t| !self.is_live(t) || self.parent(t) != Some(parent)) {
            return None;
        }
        self.edits += 1;
        let pairs = match twin {
            Some(twin) => self.replace_copy(twin, root, outer),
            None => Vec::new(),
        };
        for claim in self.dir_claims.values_mut() {
            if claim.1 == root.0 {
                claim.1 = outer;
            }
        }
        let (pos, len) = self.store_name(name);
        let node = &mut self.nodes[root.0 as usize];
        (node.name, node.name_len) = (pos, len);
        self.roots[slot] = None;
        self.attach(parent.0, root.0);
        self.propagate(parent.0, self.contribution(root.0));
        Some(pairs)
    }

    /// Drops the root `dup`, a second root for the directory `kept` (a node
    /// of another root) holds: what `dup` counted in the totals is counted
    /// by `kept`'s copy from now on. Returns the pairs (gone, kept) as
    /// [`Tree::merge_root`] does; `None` when `dup` is not a live root or
    /// `kept` is not a live node of another root.
    pub fn drop_duplicate_root(
        &mut self,
        dup: NodeId,
        kept: NodeId,
    ) -> Option<Vec<(NodeId, NodeId)>> {
        self.roots.iter().position(|&r| r == Some(dup))?;
        let outer = self.root_of(kept.0);
        if !self.is_live(dup) || !self.is_live(kept) || outer == dup.0 {
            return None;
        }
        self.edits += 1;
        Some(self.replace_copy(dup, kept, outer))
    }

    /// Removes `gone`'s subtree, a copy of `kept`'s (the same directory
    /// reached twice), after handing `kept`'s copy what `gone`'s counted:
    /// an entry the totals took from `gone`'s copy (the other a repeat) is
    /// counted from `kept`'s, and the directories `gone`'s claimed are
    /// claimed by `kept`'s, for root `outer`.
    fn replace_copy(&mut self, gone: NodeId, kept: NodeId, outer: u32) -> Vec<(NodeId, NodeId)> {
        let pairs = self.same_paths(gone, kept);
        let counted: Vec<(u32, bool)> = pairs
            .iter()
            .filter(|&&(g, k)| !self.is_repeat(g) && self.is_repeat(k))
            .map(|&(g, k)| (k.0, self.nodes[g.0 as usize].flags & FLAG_LINK_DUP == 0))
            .collect();
        let by_gone: HashMap<u32, u32> = pairs.iter().map(|&(g, k)| (g.0, k.0)).collect();
        for claim in self.dir_claims.values_mut() {
            if let Some(&k) = by_gone.get(&claim.0) {
                *claim = (k, outer);
            }
        }
        self.remove_node(gone.0);
        for (k, size_counted) in counted {
            self.nodes[k as usize].flags &= !FLAG_REPEAT;
            self.retotal(k, size_counted);
        }
        pairs
    }

    /// Every pair of nodes at the same path below `a` and `b` (matched by
    /// name), `(a, b)` first.
    fn same_paths(&self, a: NodeId, b: NodeId) -> Vec<(NodeId, NodeId)> {
        let mut pairs = Vec::new();
        let mut stack = vec![(a, b)];
        while let Some((x, y)) = stack.pop() {
            pairs.push((x, y));
            for child in self.children(x) {
                if let Some(twin) = self.find_child(y, self.name(child)) {
                    stack.push((child, twin));
                }
            }
        }
        pairs
    }

    /// Puts a node's own share in the totals (it stopped being a repeat);
    /// its size when the copy that counted it did.
    fn retotal(&mut self, id: u32, size_counted: bool) {
        let node = self.nodes[id as usize];
        if size_counted {
            let (size, alloc) = (self.size(NodeId(id)), self.allocated(NodeId(id)));
            self.totals.apparent += size;
            self.totals.allocated += alloc;
        }
        if node.flags & FLAG_ERROR != 0 {
            self.totals.errors += 1;
        }
        self.count_kind(self.kind(NodeId(id)), 1);
    }
}
