//! statree's clipboard: `y` copies the marked entries (or the selection) to
//! it, `m` marks them for a move. It holds each entry as it was shown (path
//! and identity), so a paste re-checks that each is still that object.

use std::sync::Arc;

use super::actions::targets;
use super::msg::Effect;
use super::request::Target;
use super::state::State;
use crate::fmt::group_digits;
use crate::fsops::{Meter, PasteMode};

/// What was yanked, and for which kind of paste.
#[derive(Debug, Default)]
pub struct Clipboard {
    /// The entries, as they were shown.
    pub items: Vec<Target>,
    /// Copy (`y`) or move (`m`).
    pub mode: Option<PasteMode>,
    /// How far the running paste is (read by the status bar).
    pub meter: Option<MeterHandle>,
}

/// A shared [`Meter`]: the paste adds to it, the status bar reads it.
#[derive(Debug, Clone, Default)]
pub struct MeterHandle(pub Arc<Meter>);

impl PartialEq for MeterHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for MeterHandle {}

impl Clipboard {
    /// "3 to copy" / "1 to move", for the status bar; `None` when empty.
    pub fn status(&self) -> Option<String> {
        let n = self.items.len();
        match (n, self.mode?) {
            (0, _) => None,
            (n, PasteMode::Copy) => Some(format!("{} to copy", group_digits(n as u64))),
            (n, PasteMode::Move) => Some(format!("{} to move", group_digits(n as u64))),
        }
    }

    /// Empties it (after a move: the sources are gone).
    pub fn clear(&mut self) {
        self.items.clear();
        self.mode = None;
    }
}

/// `y` (copy) or `m` (move): the marked entries or the selection go to the
/// clipboard; the marks stay as they are.
pub fn yank(state: &mut State, mode: PasteMode) -> Vec<Effect> {
    let items = match targets(state) {
        Ok(items) => items,
        Err(why) => {
            state.error(why);
            return Vec::new();
        }
    };
    if let Some(root) = items.iter().find(|t| state.tree.parent(t.id).is_none())
        && mode == PasteMode::Move
    {
        let name = crate::sanitize::bytes(state.tree.name(root.id)).into_owned();
        state.error(format!("not marked for a move: {name}: a scan root"));
        return Vec::new();
    }
    let n = items.len();
    let (verb, key) = match mode {
        PasteMode::Copy => ("copied to the clipboard", "P pastes a copy"),
        PasteMode::Move => ("marked for a move", "P moves them"),
    };
    let what = match items.as_slice() {
        [one] => crate::sanitize::os(one.path.file_name().unwrap_or_default()).into_owned(),
        _ => format!("{} entries", group_digits(n as u64)),
    };
    state.clipboard.items = items;
    state.clipboard.mode = Some(mode);
    state.message(format!("{what} {verb}: {key} into the selected directory"));
    Vec::new()
}
