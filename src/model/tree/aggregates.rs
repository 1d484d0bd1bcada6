//! Keeping the directory aggregates and the totals exact while edits add,
//! remove and move nodes.

use super::{FLAG_ERROR, FLAG_LINK_DUP, NO_DIR, NodeId, Sums, Tree};

impl Tree {
    /// What a node adds to its ancestors' aggregates.
    pub(super) fn contribution(&self, id: u32) -> Sums {
        let node = self.nodes[id as usize];
        if node.dir != NO_DIR {
            let info = &self.dirs[node.dir as usize];
            return Sums {
                size: info.total_size,
                alloc: info.total_alloc,
                entries: info.total_entries + 1,
                errors: info.errors,
            };
        }
        let counted = node.flags & FLAG_LINK_DUP == 0;
        Sums {
            size: if counted { self.size(NodeId(id)) } else { 0 },
            alloc: if counted { self.allocated(NodeId(id)) } else { 0 },
            entries: 1,
            errors: u32::from(node.flags & FLAG_ERROR != 0),
        }
    }

    /// Adds a node's own bytes to its aggregates (itself, for a directory,
    /// and every ancestor) and, unless it is a repeat, to the totals.
    pub(super) fn add_sums(&mut self, id: u32, sums: Sums) {
        self.propagate(id, sums);
        if !self.is_repeat(NodeId(id)) {
            self.totals.apparent += sums.size;
            self.totals.allocated += sums.alloc;
        }
    }

    /// The reverse of `add_sums`.
    pub(super) fn sub_sums(&mut self, id: u32, sums: Sums) {
        self.unpropagate(id, sums);
        if !self.is_repeat(NodeId(id)) {
            self.totals.apparent = self.totals.apparent.saturating_sub(sums.size);
            self.totals.allocated = self.totals.allocated.saturating_sub(sums.alloc);
        }
    }

    /// Clears a node's error mark, if any.
    pub(super) fn clear_error(&mut self, id: u32) {
        let node = &mut self.nodes[id as usize];
        if node.flags & FLAG_ERROR == 0 {
            return;
        }
        node.flags &= !FLAG_ERROR;
        self.errors.remove(&id);
        if !self.is_repeat(NodeId(id)) {
            self.totals.errors = self.totals.errors.saturating_sub(1);
        }
        self.unpropagate(id, Sums { errors: 1, ..Sums::default() });
    }
}
