//! The extra columns of the tree: which set is on, and which of its
//! columns fit (the key that steps through them is `column_keys.rs`). A column never takes the room the names need: on a narrow
//! screen the last columns of the set are left out.

use crate::config::{Column, default_cycle};

/// The name part of a row (marker, indentation and name) keeps at least
/// this many columns; the columns that would leave it less are not shown.
pub const MIN_NAME: usize = 24;
/// The size column and the share bar after the name, from 40 columns on
/// (as the tree draws them).
const TAIL: usize = 20;

/// The sets `t` steps through and the one shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnState {
    /// The sets after "none", from the config.
    pub cycle: Vec<Vec<Column>>,
    /// 0 for none, else 1 + the index into `cycle`.
    pub current: usize,
}

impl Default for ColumnState {
    fn default() -> Self {
        ColumnState { cycle: default_cycle(), current: 0 }
    }
}

impl ColumnState {
    /// The sets from the config, none shown.
    pub fn new(cycle: Vec<Vec<Column>>) -> Self {
        ColumnState { cycle, current: 0 }
    }

    /// The set on, in its order (empty for none).
    pub fn chosen(&self) -> &[Column] {
        match self.current {
            0 => &[],
            n => self.cycle.get(n - 1).map_or(&[], Vec::as_slice),
        }
    }
}

/// How many terminal columns `column` takes (its separating space apart).
pub fn width(column: Column) -> usize {
    match column {
        // 9,999,999 entries.
        Column::Count => 9,
        // 2026-11-27 02:04
        Column::Mtime => 16,
        Column::Mode => 10,
        Column::Octal => 4,
        // user:group, cut with an ellipsis.
        Column::Owner => 17,
    }
}

/// The columns of the set on that fit a tree `tree_width` wide: each takes
/// its width and a space, and the name keeps [`MIN_NAME`].
pub fn fitting(columns: &ColumnState, tree_width: usize) -> Vec<Column> {
    let tail = if tree_width >= 40 { TAIL } else { 0 };
    let mut room = tree_width.saturating_sub(tail + MIN_NAME);
    let mut shown = Vec::new();
    for &column in columns.chosen() {
        let need = width(column) + 1;
        if need > room {
            break;
        }
        room -= need;
        shown.push(column);
    }
    shown
}
