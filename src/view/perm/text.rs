//! The editor as words: the octal and symbolic forms of the new mode and the
//! warnings shown under the grid (read by the widget each frame).

use super::*;

impl PermEditor {
    /// The four octal digits of the new mode (`0755`); a digit covering a
    /// mixed bit is `?` (`0?44`).
    pub fn octal_text(&self) -> String {
        let mixed = self.mixed_mask();
        let shown = self.shown_bits();
        (0..4)
            .map(|digit| {
                let shift = 9 - 3 * digit;
                if (mixed >> shift) & 0o7 != 0 {
                    '?'
                } else {
                    char::from(b'0' + ((shown >> shift) & 0o7) as u8)
                }
            })
            .collect()
    }

    /// The `ls -l` form of the new mode with the type letter
    /// (`-rwxr-xr-x`); a position whose bits are mixed is `?`, and so is the
    /// type letter when the targets are of different types.
    pub fn symbolic_text(&self) -> String {
        let kinds = self.targets.iter().map(PermTarget::kind);
        let first = self.targets[0].kind();
        let letter = if kinds.clone().all(|k| k == first) { first.letter() } else { '?' };
        let mut out = String::with_capacity(10);
        out.push(letter);
        for row in 0..3 {
            for (col, ch) in ['r', 'w'].into_iter().enumerate() {
                out.push(match self.cell(row, col) {
                    CellState::Set => ch,
                    CellState::Clear => '-',
                    CellState::Mixed => '?',
                });
            }
            let on = if row == 2 { 't' } else { 's' };
            out.push(match (self.cell(row, 2), self.cell(row, 3)) {
                (CellState::Mixed, _) | (_, CellState::Mixed) => '?',
                (CellState::Set, CellState::Set) => on,
                (CellState::Clear, CellState::Set) => on.to_ascii_uppercase(),
                (CellState::Set, CellState::Clear) => 'x',
                (CellState::Clear, CellState::Clear) => '-',
            });
        }
        out
    }

    /// The octal digits typed since the last move or toggle.
    pub fn typed(&self) -> &str {
        &self.typed
    }

    /// The recursive scope, when on.
    pub fn recursive(&self) -> Option<Scope> {
        self.recursive
    }

    /// True when `r` can turn recursion on (some target is a directory).
    pub fn recursive_applies(&self) -> bool {
        self.targets.iter().any(|t| t.kind() == FileKind::Dir)
    }

    /// The note left by the last key, if any ("… only for directories").
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// What the user should know before applying: several targets, other
    /// hard links that change too, symlinks that are refused.
    pub fn warnings(&self) -> Vec<String> {
        let n = self.targets.len();
        let symlinks = self.targets.iter().filter(|t| t.kind() == FileKind::Symlink).count();
        let linked: Vec<u64> = self
            .targets
            .iter()
            .filter(|t| !matches!(t.kind(), FileKind::Dir | FileKind::Symlink) && t.nlink > 1)
            .map(|t| t.nlink - 1)
            .collect();
        let mut out = Vec::new();
        if n == 1 {
            if symlinks == 1 {
                out.push("a symlink's own mode cannot be changed: refused".to_string());
            }
            match linked.first() {
                Some(1) => out.push("also changes the 1 other name of this file".to_string()),
                Some(others) => {
                    out.push(format!("also changes the {others} other names of this file"));
                }
                None => {}
            }
            return out;
        }
        if self.base.differing() != 0 {
            out.push(format!("{n} entries: [-] differs between them, left as it is on each"));
        } else {
            out.push(format!("{n} entries"));
        }
        if symlinks == n {
            out.push("a symlink's own mode cannot be changed: all refused".to_string());
        } else if symlinks > 0 {
            out.push(format!(
                "{symlinks} of them {}: a symlink's own mode cannot be changed, refused",
                if symlinks == 1 { "is a symlink" } else { "are symlinks" }
            ));
        }
        if !linked.is_empty() {
            let names: u64 = linked.iter().sum();
            out.push(format!(
                "also changes {names} other {} of {} of them (hard links)",
                if names == 1 { "name" } else { "names" },
                linked.len()
            ));
        }
        out
    }
}
