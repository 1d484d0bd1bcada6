//! A one-line editor for names (rename, create) with the readline basics.
//!
//! File names are bytes, not text: a name that is not valid UTF-8 must come
//! back out of the editor byte for byte. So the buffer holds units that are
//! either a character or one raw byte that was not part of valid UTF-8; the
//! raw bytes are shown as `\xNN` and written back unchanged.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One editing unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A character (typed, or decoded from valid UTF-8).
    Char(char),
    /// A byte of the original name that is not valid UTF-8.
    Raw(u8),
}

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKey {
    /// The key edited the line or moved the cursor.
    Edited,
    /// The key is not an editing key (Enter, Esc, …): the caller handles it.
    NotMine,
}

/// The text being edited and the cursor (an index into the units).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    units: Vec<Unit>,
    cursor: usize,
}

impl LineEditor {
    /// An editor holding `bytes`, cursor at the end.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let mut units = Vec::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            units.extend(chunk.valid().chars().map(Unit::Char));
            units.extend(chunk.invalid().iter().map(|&b| Unit::Raw(b)));
        }
        let cursor = units.len();
        LineEditor { units, cursor }
    }

    /// The bytes of the line: characters as UTF-8, raw bytes as they were.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.units.len());
        for unit in &self.units {
            match *unit {
                Unit::Char(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                Unit::Raw(b) => out.push(b),
            }
        }
        out
    }

    /// The units, for drawing.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// The cursor position, in units.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// True when nothing is typed.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// Puts the cursor at `position` (clamped to the line).
    pub fn set_cursor(&mut self, position: usize) {
        self.cursor = position.min(self.units.len());
    }

    /// Inserts a character at the cursor.
    pub fn insert(&mut self, c: char) {
        self.units.insert(self.cursor, Unit::Char(c));
        self.cursor += 1;
    }

    /// Applies an editing key: arrows, Home/End, Backspace/Delete, Ctrl-a/e
    /// (start/end), Ctrl-b/f (left/right), Ctrl-u (delete to the start),
    /// Ctrl-k (delete to the end), Ctrl-w (delete the word before the
    /// cursor), Alt-b/f (word left/right), and printable characters.
    pub fn on_key(&mut self, key: KeyEvent) -> LineKey {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.units.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.units.len(),
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.units.remove(self.cursor);
            }
            KeyCode::Backspace => {}
            KeyCode::Delete if self.cursor < self.units.len() => {
                self.units.remove(self.cursor);
            }
            KeyCode::Delete => {}
            KeyCode::Char(c) if ctrl => match c {
                'a' => self.cursor = 0,
                'e' => self.cursor = self.units.len(),
                'b' => self.cursor = self.cursor.saturating_sub(1),
                'f' => self.cursor = (self.cursor + 1).min(self.units.len()),
                'u' => {
                    self.units.drain(..self.cursor);
                    self.cursor = 0;
                }
                'k' => self.units.truncate(self.cursor),
                'w' => {
                    let start = self.word_start();
                    self.units.drain(start..self.cursor);
                    self.cursor = start;
                }
                _ => return LineKey::NotMine,
            },
            KeyCode::Char('b') if alt => self.cursor = self.word_start(),
            KeyCode::Char('f') if alt => self.cursor = self.word_end(),
            KeyCode::Char(c) if !alt && !c.is_control() => self.insert(c),
            _ => return LineKey::NotMine,
        }
        LineKey::Edited
    }

    /// Where the word before the cursor starts: skip separators, then the
    /// word (separators are spaces and the punctuation that splits names:
    /// `/`, `.`, `-`, `_`).
    fn word_start(&self) -> usize {
        let mut at = self.cursor;
        while at > 0 && is_separator(self.units[at - 1]) {
            at -= 1;
        }
        while at > 0 && !is_separator(self.units[at - 1]) {
            at -= 1;
        }
        at
    }

    fn word_end(&self) -> usize {
        let mut at = self.cursor;
        while at < self.units.len() && is_separator(self.units[at]) {
            at += 1;
        }
        while at < self.units.len() && !is_separator(self.units[at]) {
            at += 1;
        }
        at
    }
}

fn is_separator(unit: Unit) -> bool {
    matches!(unit, Unit::Char(' ' | '/' | '.' | '-' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn text(line: &LineEditor) -> String {
        String::from_utf8(line.to_bytes()).unwrap()
    }

    #[test]
    fn invalid_utf8_and_control_bytes_round_trip_exactly() {
        let name = b"a\xff\xfeb\x1b[31m\xc3\xa9\xe2\x82".to_vec();
        let line = LineEditor::from_bytes(&name);
        assert_eq!(line.to_bytes(), name);
        assert_eq!(line.cursor(), line.units().len());
        assert!(line.units().contains(&Unit::Raw(0xff)));
    }

    #[test]
    fn typing_inserts_at_the_cursor_and_arrows_move() {
        let mut line = LineEditor::from_bytes(b"ac");
        line.on_key(key(KeyCode::Left));
        line.on_key(key(KeyCode::Char('b')));
        assert_eq!(text(&line), "abc");
        line.on_key(key(KeyCode::Home));
        line.on_key(key(KeyCode::Char('>')));
        line.on_key(key(KeyCode::End));
        line.on_key(key(KeyCode::Char('<')));
        assert_eq!(text(&line), ">abc<");
        line.on_key(key(KeyCode::Home));
        line.on_key(key(KeyCode::Delete));
        line.on_key(key(KeyCode::End));
        line.on_key(key(KeyCode::Backspace));
        assert_eq!(text(&line), "abc");
        // At the ends, Backspace/Delete/arrows do nothing.
        line.on_key(key(KeyCode::Right));
        line.on_key(key(KeyCode::Delete));
        line.on_key(key(KeyCode::Home));
        line.on_key(key(KeyCode::Backspace));
        line.on_key(key(KeyCode::Left));
        assert_eq!((text(&line), line.cursor()), ("abc".to_string(), 0));
    }

    #[test]
    fn ctrl_u_deletes_to_the_start_and_ctrl_k_to_the_end() {
        let mut line = LineEditor::from_bytes(b"report.txt");
        line.on_key(ctrl('u'));
        assert!(line.is_empty());
        let mut line = LineEditor::from_bytes(b"report.txt");
        line.set_cursor(6);
        line.on_key(ctrl('u'));
        assert_eq!((text(&line), line.cursor()), (".txt".to_string(), 0));
        line.set_cursor(1);
        line.on_key(ctrl('k'));
        assert_eq!(text(&line), ".");
    }

    #[test]
    fn ctrl_w_deletes_the_word_before_the_cursor() {
        let mut line = LineEditor::from_bytes(b"old/sub dir/name.txt");
        line.on_key(ctrl('w'));
        assert_eq!(text(&line), "old/sub dir/name.");
        line.on_key(ctrl('w'));
        assert_eq!(text(&line), "old/sub dir/");
        line.on_key(ctrl('w'));
        assert_eq!(text(&line), "old/sub ");
        line.on_key(ctrl('a'));
        line.on_key(ctrl('w'));
        assert_eq!(text(&line), "old/sub ");
    }

    #[test]
    fn alt_b_and_alt_f_move_by_words() {
        let mut line = LineEditor::from_bytes(b"one two");
        line.on_key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::ALT));
        assert_eq!(line.cursor(), 4);
        line.on_key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::ALT));
        assert_eq!(line.cursor(), 0);
        line.on_key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::ALT));
        assert_eq!(line.cursor(), 3);
    }

    #[test]
    fn enter_and_esc_are_left_to_the_caller() {
        let mut line = LineEditor::from_bytes(b"x");
        assert_eq!(line.on_key(key(KeyCode::Enter)), LineKey::NotMine);
        assert_eq!(line.on_key(key(KeyCode::Esc)), LineKey::NotMine);
        assert_eq!(line.on_key(ctrl('x')), LineKey::NotMine);
        assert_eq!(text(&line), "x");
    }
}
