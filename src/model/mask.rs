//! The arithmetic of a permission change: the new bits from a set/clear
//! mask, the bits the kernel dropped, how the bits of several marked entries
//! compare (the dialog's tri-state grid), and which entries a recursive
//! change touches. Pure functions of mode words: the dialog uses them to show
//! what will happen, `fsops` to do it, so both always agree.

use crate::model::mode::{FileKind, PERM_MASK};

/// The bits asked for that the entry does not have.
pub fn dropped_bits(requested: u32, actual: u32) -> u32 {
    requested & !actual & PERM_MASK
}

/// The new 12 permission bits for an entry whose mode is `current` when the
/// bits in `set` are turned on and those in `clear` turned off; every other bit
/// keeps its value (with several entries marked, a bit that differs between
/// them and was not toggled stays as it is on each). A bit in both `set` and
/// `clear` ends up set. The file-type bits of `current` are ignored.
pub fn apply_mask(current: u32, set: u32, clear: u32) -> u32 {
    ((current & !clear) | set) & PERM_MASK
}

/// How the permission bits of several entries compare, for a tri-state grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MixedBits {
    /// Bits set on every entry.
    pub all: u32,
    /// Bits set on at least one entry.
    pub any: u32,
}

impl MixedBits {
    /// Compares the modes of the marked entries (file-type bits ignored).
    pub fn of(modes: impl IntoIterator<Item = u32>) -> Self {
        let mut all = PERM_MASK;
        let mut any = 0;
        let mut seen = false;
        for mode in modes {
            all &= mode;
            any |= mode & PERM_MASK;
            seen = true;
        }
        MixedBits { all: if seen { all } else { 0 }, any }
    }

    /// Bits set on some entries and not on others (shown as `[-]`).
    pub fn differing(&self) -> u32 {
        self.any & !self.all
    }
}

/// Which entries a recursive change touches (symlinks never).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Directories and everything else.
    #[default]
    All,
    /// Directories only.
    DirsOnly,
    /// Everything that is not a directory (regular files, FIFOs, sockets,
    /// devices).
    FilesOnly,
}

impl Scope {
    /// True when entries of `kind` are in scope.
    pub fn includes(self, kind: FileKind) -> bool {
        match kind {
            FileKind::Symlink => false,
            FileKind::Dir => self != Scope::FilesOnly,
            _ => self != Scope::DirsOnly,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_keeps_untoggled_bits() {
        assert_eq!(apply_mask(0o100_644, 0o111, 0), 0o755);
        assert_eq!(apply_mask(0o755, 0, 0o022), 0o755);
        assert_eq!(apply_mask(0o777, 0, 0o022), 0o755);
        assert_eq!(apply_mask(0o4755, 0, 0o4000), 0o755);
        // Set wins over clear.
        assert_eq!(apply_mask(0o600, 0o4, 0o4), 0o604);
        // Type bits never leak into the result.
        assert_eq!(apply_mask(0o040_755, 0, 0), 0o755);
    }

    #[test]
    fn dropped_bits_are_what_was_asked_and_not_got() {
        assert_eq!(dropped_bits(0o2775, 0o775), 0o2000);
        assert_eq!(dropped_bits(0o6755, 0o4755), 0o2000);
        assert_eq!(dropped_bits(0o755, 0o755), 0);
        // Bits the kernel added are not "dropped".
        assert_eq!(dropped_bits(0o755, 0o2755), 0);
    }

    #[test]
    fn mixed_bits_show_what_differs() {
        let m = MixedBits::of([0o100_644, 0o100_664, 0o040_744]);
        assert_eq!(m.all, 0o644);
        assert_eq!(m.any, 0o764);
        assert_eq!(m.differing(), 0o120);
        assert_eq!(MixedBits::of([]), MixedBits { all: 0, any: 0 });
    }

    #[test]
    fn scopes() {
        assert!(Scope::All.includes(FileKind::Dir));
        assert!(Scope::All.includes(FileKind::Fifo));
        assert!(!Scope::All.includes(FileKind::Symlink));
        assert!(Scope::DirsOnly.includes(FileKind::Dir));
        assert!(!Scope::DirsOnly.includes(FileKind::File));
        assert!(Scope::FilesOnly.includes(FileKind::File));
        assert!(!Scope::FilesOnly.includes(FileKind::Dir));
    }
}
