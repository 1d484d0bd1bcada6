//! The paste's collision dialog: it asks, per entry or for all, what to do
//! with a name that exists in the target directory.
//!
//! The dialog's keys: `s` skip, `b` keep both (`name (1)`), `o` overwrite,
//! `m` merge (a directory onto a directory only); the capital letter answers
//! the same for every remaining collision. Overwrite has its own key and
//! `Enter` answers nothing, so no habit replaces a file. `Esc` cancels the
//! whole paste.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::model::paste::{Collision, MeterHandle, PasteItem, PasteMode};
use crate::sanitize;

/// The collision dialog: the paste waiting for answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollisionDialog {
    /// The sources, each with its answer so far.
    pub items: Vec<PasteItem>,
    /// Where they go.
    pub dest: std::path::PathBuf,
    /// The directories from the scan root down to `dest`, as shown.
    pub dest_parents: Vec<Option<crate::model::Identity>>,
    /// Copy or move.
    pub mode: PasteMode,
    /// The sources whose name exists there: index, name, and whether a merge
    /// is possible.
    pub names: Vec<(usize, Vec<u8>, bool)>,
    /// The collision being asked about.
    pub at: usize,
    /// The meter the paste will use.
    pub meter: MeterHandle,
}

impl CollisionDialog {
    /// The dialog's title and lines.
    pub fn lines(&self) -> (String, Vec<String>) {
        let (_, name, merge) = &self.names[self.at];
        let verb = if self.mode == PasteMode::Copy { "Copy" } else { "Move" };
        let title = format!("{verb}: name exists ({} of {})", self.at + 1, self.names.len());
        let mut lines = vec![
            format!("  {}", sanitize::bytes(name)),
            format!("already exists in {}", sanitize::path(&self.dest)),
            String::new(),
            "s: skip    b: keep both (name (1))    o: overwrite".to_string(),
        ];
        if *merge {
            lines.push("m: merge the directories".into());
        }
        lines.push("S / B / O / M: the same for all remaining    Esc: cancel".into());
        (title, lines)
    }
}

/// What a key did in the dialog.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing, or one answer given and more to ask.
    Continue,
    /// Every collision is answered: run the paste.
    Done,
    /// Esc: no paste.
    Cancel,
}

impl CollisionDialog {
    /// Applies one key.
    pub fn on_key(&mut self, key: KeyEvent) -> Step {
        let (choice, all) = match key.code {
            KeyCode::Char('s') => (Collision::Skip, false),
            KeyCode::Char('S') => (Collision::Skip, true),
            KeyCode::Char('b') => (Collision::KeepBoth, false),
            KeyCode::Char('B') => (Collision::KeepBoth, true),
            KeyCode::Char('o') => (Collision::Overwrite, false),
            KeyCode::Char('O') => (Collision::Overwrite, true),
            KeyCode::Char('m') if self.names[self.at].2 => (Collision::Merge, false),
            KeyCode::Char('M') => (Collision::Merge, true),
            KeyCode::Esc | KeyCode::Char('q') => return Step::Cancel,
            // Enter answers nothing: no habit replaces or merges.
            _ => return Step::Continue,
        };
        let end = if all { self.names.len() } else { self.at + 1 };
        for n in self.at..end {
            let (index, _, merge) = self.names[n];
            // Merge is only for a directory onto a directory: the others are
            // still asked.
            if choice != Collision::Merge || merge {
                self.items[index].on_collision = Some(choice);
            }
        }
        while self.at < self.names.len() && self.items[self.names[self.at].0].on_collision.is_some()
        {
            self.at += 1;
        }
        if self.at < self.names.len() { Step::Continue } else { Step::Done }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};

    use super::*;
    use crate::model::{FileKind, Identity};

    fn dialog(merges: &[bool]) -> CollisionDialog {
        let identity = Identity { dev: 1, ino: 1, kind: FileKind::File, birth: None };
        let items = merges
            .iter()
            .enumerate()
            .map(|(i, _)| PasteItem {
                source: format!("/src/{i}").into(),
                identity,
                parents: Vec::new(),
                on_collision: None,
            })
            .collect();
        let names = merges.iter().enumerate().map(|(i, &m)| (i, vec![b'a' + i as u8], m)).collect();
        CollisionDialog {
            items,
            dest: "/dest".into(),
            dest_parents: Vec::new(),
            mode: PasteMode::Copy,
            names,
            at: 0,
            meter: MeterHandle::default(),
        }
    }

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn answers(d: &CollisionDialog) -> Vec<Option<Collision>> {
        d.items.iter().map(|i| i.on_collision).collect()
    }

    #[test]
    fn one_by_one_then_the_same_for_all() {
        let mut d = dialog(&[false, false, false]);
        assert_eq!(d.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), Step::Continue);
        assert_eq!(answers(&d), vec![None, None, None], "Enter answers nothing");
        assert_eq!(d.on_key(key('o')), Step::Continue);
        assert_eq!(d.at, 1);
        assert_eq!(d.on_key(key('B')), Step::Done);
        let (o, b) = (Some(Collision::Overwrite), Some(Collision::KeepBoth));
        assert_eq!(answers(&d), vec![o, b, b]);
    }

    #[test]
    fn merge_is_only_for_directories_and_the_rest_is_asked() {
        let mut d = dialog(&[false, true, false]);
        assert_eq!(d.on_key(key('m')), Step::Continue, "not a directory: m does nothing");
        assert_eq!(d.at, 0);
        assert_eq!(d.on_key(key('M')), Step::Continue);
        assert_eq!(answers(&d), vec![None, Some(Collision::Merge), None]);
        assert_eq!(d.at, 0, "the first is still asked");
        assert_eq!(d.on_key(key('s')), Step::Continue);
        assert_eq!(d.at, 2, "the merged one is not asked again");
        assert_eq!(d.on_key(key('s')), Step::Done);
        assert_eq!(d.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)), Step::Cancel);
    }
}
