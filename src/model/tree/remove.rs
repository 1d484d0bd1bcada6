//! Removing a node with its subtree: the removed mark on every node of it
//! (slots stay, ids never move), its share taken out of its ancestors'
//! aggregates and out of the totals, and the edit state of removed
//! directories dropped.

use super::node::{FLAG_ERROR, FLAG_LINK_DUP, FLAG_REMOVED, NO_DIR, NONE};
use super::overflow::DirExtra;
use super::{NodeId, Tree};

impl Tree {
    /// Removes a live node and its subtree; false when it was not live.
    pub(super) fn remove_node(&mut self, id: u32) -> bool {
        if !self.is_live(NodeId(id)) {
            return false;
        }
        let sums = self.contribution(id);
        let parent = self.nodes[id as usize].parent;
        if parent == NONE {
            for root in &mut self.roots {
                if *root == Some(NodeId(id)) {
                    *root = None;
                }
            }
        } else {
            self.detach(id);
            self.unpropagate(parent, sums);
        }
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            stack.extend(self.children(NodeId(n)).map(|c| c.0));
            // Node by node: a subtree may hold repeats the totals never had.
            if !self.is_repeat(NodeId(n)) {
                self.untotal(n);
            }
            let node = &mut self.nodes[n as usize];
            node.flags |= FLAG_REMOVED;
            let dir = node.dir;
            if dir != NO_DIR
                && let Some(extra) = self.extras.get_mut(self.dirs[dir as usize].extra as usize)
            {
                // Nothing reads a removed directory's children again.
                *extra = DirExtra::default();
            }
        }
        true
    }

    /// Takes a node's own share out of the totals (it is being removed).
    fn untotal(&mut self, id: u32) {
        let node = self.nodes[id as usize];
        if node.flags & FLAG_LINK_DUP == 0 {
            let (size, alloc) = (self.size(NodeId(id)), self.allocated(NodeId(id)));
            let t = &mut self.totals;
            t.apparent = t.apparent.saturating_sub(size);
            t.allocated = t.allocated.saturating_sub(alloc);
        }
        if node.flags & FLAG_ERROR != 0 {
            self.totals.errors = self.totals.errors.saturating_sub(1);
        }
        self.count_kind(self.kind(NodeId(id)), -1);
    }
}
