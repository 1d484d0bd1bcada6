//! The permission editor: a 3 × 4 grid of the 12 mode bits for one entry or
//! several marked ones, edited with arrows, `Space` and octal digits. Pure
//! state: keys in, a [`PermOutcome`] out; nothing here touches the
//! filesystem (the request goes to `fsops`) or the terminal (the widget is
//! `ui::perm`).
//!
//! What the editor records is a change, not a mode: the bits to turn on
//! (`set`) and the bits to turn off (`clear`), applied to each target with
//! [`apply_mask`]. A bit that differs between the marked entries is
//! shown as `[-]` and stays as it is on each one unless it is toggled; a
//! toggle of a bit that is the same everywhere, toggled back, leaves it out of
//! both masks again (so a recursive change only forces what was changed, as
//! `chmod -R g+w` does). A typed octal mode is absolute: all 12 bits go into
//! the masks (as `chmod -R 755` does).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::model::mask::{MixedBits, Scope, apply_mask};
use crate::model::mode::{FileKind, PERM_MASK, SETGID, SETUID, STICKY};

/// One entry the editor changes, as it was shown: the same record every
/// action takes.
pub type PermTarget = super::request::Target;

/// What one cell of the grid shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellState {
    /// `[x]`: the bit will be on.
    Set,
    /// `[ ]`: the bit will be off.
    Clear,
    /// `[-]`: the bit differs between the targets and stays as it is on each.
    Mixed,
}

/// What a key did to the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermOutcome {
    /// Still editing.
    Continue,
    /// Close without changing anything.
    Cancel,
    /// Close and make this change.
    Apply(PermRequest),
}

/// The change the user confirmed. The new mode of each target is
/// [`apply_mask`]`(target.mode, set, clear)`; with `recursive`, the
/// same masks go to [`chmod_recursive`](crate::fsops::chmod_recursive) for each target with that
/// scope (which then applies to the target itself too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermRequest {
    /// The entries to change (symlinks left out: their mode cannot change).
    pub targets: Vec<PermTarget>,
    /// Bits to turn on.
    pub set: u32,
    /// Bits to turn off.
    pub clear: u32,
    /// Walk into directories, changing what the scope includes.
    pub recursive: Option<Scope>,
}

impl PermRequest {
    /// The 12 permission bits `target` gets.
    pub fn new_mode(&self, target: &PermTarget) -> u32 {
        apply_mask(target.mode, self.set, self.clear)
    }
}

/// Column headers of the grid, left to right.
pub const COLUMNS: [&str; 4] = ["read", "write", "exec", "special"];
/// Row headers of the grid, top to bottom.
pub const ROWS: [&str; 3] = ["user", "group", "other"];
/// The special bit of each row, named.
pub const SPECIAL_NAMES: [&str; 3] = ["setuid", "setgid", "sticky"];

/// The mode bit of a grid cell (`row` 0..3: user, group, other; `col` 0..4:
/// read, write, exec, special). Out-of-range cells have no bit (0).
pub fn cell_bit(row: usize, col: usize) -> u32 {
    if row > 2 {
        return 0;
    }
    match col {
        0..=2 => (0o400 >> col) >> (3 * row),
        3 => [SETUID, SETGID, STICKY][row],
        _ => 0,
    }
}

/// The most octal digits a typed mode has.
const MAX_DIGITS: usize = 4;

/// The masks as they stood before a typed mode, restored when Backspace
/// empties the typed digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Marks {
    set: u32,
    clear: u32,
    absolute: bool,
}

/// The editor's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermEditor {
    targets: Vec<PermTarget>,
    /// How the targets' bits compare (symlinks left out, unless all are).
    base: MixedBits,
    /// Bits to turn on.
    set: u32,
    /// Bits to turn off.
    clear: u32,
    /// A typed mode is in force: every bit is in `set` or `clear`, and a
    /// toggle keeps it there.
    absolute: bool,
    /// Octal digits typed since the last move or toggle.
    typed: String,
    before_typing: Option<Marks>,
    row: usize,
    col: usize,
    recursive: Option<Scope>,
    /// A one-off note from the last key (cleared by the next one).
    message: Option<String>,
}

impl PermEditor {
    /// An editor over `targets`, with the cursor on user read; `None` when
    /// there is nothing to edit.
    pub fn new(targets: Vec<PermTarget>) -> Option<Self> {
        if targets.is_empty() {
            return None;
        }
        let changeable: Vec<u32> =
            targets.iter().filter(|t| t.kind() != FileKind::Symlink).map(|t| t.mode).collect();
        let base = if changeable.is_empty() {
            MixedBits::of(targets.iter().map(|t| t.mode))
        } else {
            MixedBits::of(changeable)
        };
        Some(PermEditor {
            targets,
            base,
            set: 0,
            clear: 0,
            absolute: false,
            typed: String::new(),
            before_typing: None,
            row: 0,
            col: 0,
            recursive: None,
            message: None,
        })
    }

    /// Handles one key. Release events are ignored.
    pub fn on_key(&mut self, key: KeyEvent) -> PermOutcome {
        if key.kind == KeyEventKind::Release {
            return PermOutcome::Continue;
        }
        self.message = None;
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return if key.code == KeyCode::Char('c') {
                PermOutcome::Cancel
            } else {
                PermOutcome::Continue
            };
        }
        if key.modifiers.contains(KeyModifiers::ALT) {
            return PermOutcome::Continue;
        }
        match key.code {
            KeyCode::Esc => return PermOutcome::Cancel,
            KeyCode::Enter => return self.apply(),
            KeyCode::Left | KeyCode::Char('h') => {
                self.move_to(self.row, self.col.saturating_sub(1))
            }
            KeyCode::Right | KeyCode::Char('l') => self.move_to(self.row, (self.col + 1).min(3)),
            KeyCode::Up | KeyCode::Char('k') => self.move_to(self.row.saturating_sub(1), self.col),
            KeyCode::Down | KeyCode::Char('j') => self.move_to((self.row + 1).min(2), self.col),
            KeyCode::Char(' ') => {
                self.end_typing();
                self.toggle(cell_bit(self.row, self.col));
            }
            KeyCode::Char('r') => {
                self.end_typing();
                self.cycle_recursive();
            }
            KeyCode::Char(digit @ '0'..='7') => self.type_digit(digit),
            KeyCode::Backspace => self.backspace(),
            _ => {}
        }
        PermOutcome::Continue
    }

    /// The entries being edited.
    pub fn targets(&self) -> &[PermTarget] {
        &self.targets
    }

    /// The cursor: (row 0..3, column 0..4).
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    /// What the cell at (`row`, `col`) shows.
    pub fn cell(&self, row: usize, col: usize) -> CellState {
        self.bit_state(cell_bit(row, col))
    }

    /// True when the cell at (`row`, `col`) will change something: it is in
    /// the set or clear mask and differs from what some target has now.
    pub fn cell_changed(&self, row: usize, col: usize) -> bool {
        let bit = cell_bit(row, col);
        (self.set & bit != 0 && self.base.all & bit == 0)
            || (self.clear & bit != 0 && self.base.any & bit != 0)
    }

    /// The bits to turn on so far.
    pub fn set_mask(&self) -> u32 {
        self.set
    }

    /// The bits to turn off so far.
    pub fn clear_mask(&self) -> u32 {
        self.clear
    }

    /// Bits shown as `[-]`: different between the targets and untouched.
    pub fn mixed_mask(&self) -> u32 {
        self.base.differing() & !(self.set | self.clear)
    }

    /// The 12 bits every target will have, when no bit is left mixed.
    pub fn new_mode(&self) -> Option<u32> {
        (self.mixed_mask() == 0).then(|| self.shown_bits())
    }

    /// The change as it stands (what Enter would apply).
    pub fn request(&self) -> PermRequest {
        PermRequest {
            targets: self
                .targets
                .iter()
                .filter(|t| t.kind() != FileKind::Symlink)
                .cloned()
                .collect(),
            set: self.set,
            clear: self.clear,
            recursive: self.recursive,
        }
    }

    fn apply(&mut self) -> PermOutcome {
        let request = self.request();
        if request.targets.is_empty() {
            self.message =
                Some("nothing to apply: a symlink's own mode cannot be changed".to_string());
            return PermOutcome::Continue;
        }
        PermOutcome::Apply(request)
    }

    /// The bits shown as set (mixed untouched bits: as they are on every
    /// target, i.e. off).
    fn shown_bits(&self) -> u32 {
        ((self.base.all & !self.clear) | self.set) & PERM_MASK
    }

    fn bit_state(&self, bit: u32) -> CellState {
        if bit == 0 {
            CellState::Clear
        } else if self.set & bit != 0 {
            CellState::Set
        } else if self.clear & bit != 0 {
            CellState::Clear
        } else if self.base.differing() & bit != 0 {
            CellState::Mixed
        } else if self.base.all & bit != 0 {
            CellState::Set
        } else {
            CellState::Clear
        }
    }

    fn move_to(&mut self, row: usize, col: usize) {
        self.end_typing();
        self.row = row;
        self.col = col;
    }

    /// Toggles one bit: a mixed bit cycles `[-]` → `[x]` → `[ ]` → `[-]`
    /// (under a typed mode, only `[x]` ↔ `[ ]`); any other bit flips, and
    /// flipping it back to what every target has leaves it untouched.
    fn toggle(&mut self, bit: u32) {
        let mixed = self.base.differing() & bit != 0;
        let state = self.bit_state(bit);
        self.set &= !bit;
        self.clear &= !bit;
        match state {
            CellState::Mixed => self.set |= bit,
            CellState::Set => self.clear |= bit,
            CellState::Clear if mixed && !self.absolute => {}
            CellState::Clear => self.set |= bit,
        }
        let back_to_base = !mixed && (self.set & bit != 0) == (self.base.all & bit != 0);
        if back_to_base && !self.absolute {
            self.set &= !bit;
            self.clear &= !bit;
        }
    }

    fn cycle_recursive(&mut self) {
        if !self.recursive_applies() {
            self.message = Some(if self.targets.len() == 1 {
                "recursive applies only to directories: this is not one".to_string()
            } else {
                "recursive applies only to directories: none is marked".to_string()
            });
            return;
        }
        self.recursive = match self.recursive {
            None => Some(Scope::All),
            Some(Scope::All) => Some(Scope::DirsOnly),
            Some(Scope::DirsOnly) => Some(Scope::FilesOnly),
            Some(Scope::FilesOnly) => None,
        };
    }

    fn type_digit(&mut self, digit: char) {
        if self.typed.len() >= MAX_DIGITS {
            self.message = Some("at most four octal digits (Backspace edits)".to_string());
            return;
        }
        if self.typed.is_empty() {
            self.before_typing =
                Some(Marks { set: self.set, clear: self.clear, absolute: self.absolute });
        }
        self.typed.push(digit);
        self.apply_typed();
    }

    fn backspace(&mut self) {
        if self.typed.pop().is_none() {
            return;
        }
        if self.typed.is_empty() {
            if let Some(marks) = self.before_typing.take() {
                self.set = marks.set;
                self.clear = marks.clear;
                self.absolute = marks.absolute;
            }
        } else {
            self.apply_typed();
        }
    }

    /// The typed digits as the whole mode: up to three digits are the nine
    /// permission bits (special bits off), four include the special bits.
    fn apply_typed(&mut self) {
        let mode = u32::from_str_radix(&self.typed, 8).unwrap_or(0) & PERM_MASK;
        self.set = mode;
        self.clear = PERM_MASK & !mode;
        self.absolute = true;
    }

    /// A move, toggle or `r` ends the typed number (its mode stays).
    fn end_typing(&mut self) {
        self.typed.clear();
        self.before_typing = None;
    }
}

mod text;

#[cfg(test)]
mod tests;
