//! statree's clipboard: what `y` copied to it or `m` marked for a move.
//! It holds each entry as it was shown (path and identity), so a paste
//! re-checks that each is still that object.

use super::request::Target;
use crate::fmt::group_digits;
use crate::model::paste::{MeterHandle, PasteMode};

/// What was yanked, and for which kind of paste.
#[derive(Debug, Default)]
pub struct Clipboard {
    /// The entries, as they were shown.
    pub items: Vec<Target>,
    /// Copy (`y`) or move (`m`); `None` when empty.
    pub mode: Option<PasteMode>,
    /// How far the running paste is (read by the status bar).
    pub meter: Option<MeterHandle>,
}

impl Clipboard {
    /// "3 to copy" / "1 to move", for the status bar; `None` when empty.
    pub fn status(&self) -> Option<String> {
        let n = group_digits(self.items.len() as u64);
        match self.mode? {
            _ if self.items.is_empty() => None,
            PasteMode::Copy => Some(format!("{n} to copy")),
            PasteMode::Move => Some(format!("{n} to move")),
        }
    }

    /// Empties it (after a move: the sources are gone).
    pub fn clear(&mut self) {
        self.items.clear();
        self.mode = None;
    }
}
