//! Where the user is in the rows: the selected row (the one source of the
//! selection: its node is read from the rows), the scroll, the last click,
//! the last search, and an entry to select once it appears.

use std::path::PathBuf;
use std::time::Instant;

/// The selection and the scroll.
#[derive(Debug, Default, Clone)]
pub struct Cursor {
    /// Index of the selected row; the selected node is the row's.
    pub row: usize,
    /// First row on screen.
    pub scroll: usize,
    /// Last left click (time, row), to recognise a double click.
    pub last_click: Option<(Instant, usize)>,
    /// The last search, for `n`/`N`.
    pub last_search: Option<Vec<u8>>,
    /// An entry to select as soon as it is in the tree (after create/rename).
    pub pending_select: Option<PathBuf>,
}
