//! One key with its modifiers, as the config file writes it and as the
//! terminal reports it, normalised so that the two compare equal.

use std::fmt;
use std::str::FromStr;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::KeymapError;

/// A key with its modifiers, normalised so that equal keys compare equal: for
/// character keys SHIFT is folded into the character (`G`, never `shift-g`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key itself.
    pub code: KeyCode,
    /// CONTROL, ALT and (for non-character keys) SHIFT.
    pub modifiers: KeyModifiers,
}

/// Named keys: the config spelling and the code. The first name for a code is
/// the one [`Key`]'s `Display` writes.
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("space", KeyCode::Char(' ')),
];

impl Key {
    /// A key from a code and modifiers, normalised the same way events are.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let mut modifiers =
            modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) => {
                // Terminals disagree on Shift+g: legacy ones send 'G' (crossterm
                // adds SHIFT), the kitty protocol may send 'g' with SHIFT. Both
                // mean 'G'.
                let shifted = modifiers.contains(KeyModifiers::SHIFT);
                modifiers.remove(KeyModifiers::SHIFT);
                if shifted && c.is_ascii_lowercase() {
                    KeyCode::Char(c.to_ascii_uppercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            // BackTab *is* Shift+Tab; crossterm reports it with SHIFT set.
            KeyCode::BackTab => {
                modifiers.remove(KeyModifiers::SHIFT);
                code
            }
            other => other,
        };
        Key { code, modifiers }
    }

    /// The key of a terminal event, or `None` for releases (only presses and
    /// auto-repeats act).
    pub fn from_event(event: &KeyEvent) -> Option<Self> {
        match event.kind {
            KeyEventKind::Press | KeyEventKind::Repeat => {
                Some(Key::new(event.code, event.modifiers))
            }
            KeyEventKind::Release => None,
        }
    }
}

impl FromStr for Key {
    type Err = KeymapError;

    /// Parses `j`, `G`, `ctrl-u`, `alt-x`, `shift-up`, `enter`, `f5`, `/`, …
    /// Modifier prefixes and key names are case-insensitive; a single
    /// character is taken as written, so `G` is Shift+g.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid =
            |why: &str| KeymapError::InvalidKey { key: s.to_owned(), why: why.to_owned() };
        let mut rest = s;
        let mut modifiers = KeyModifiers::NONE;
        // Strip prefixes only while something follows the dash, so "-" and
        // "ctrl--" still name the minus key.
        while let Some((prefix, tail)) = rest.split_once('-')
            && !tail.is_empty()
            && let Some(modifier) = modifier_named(prefix)
        {
            if modifiers.contains(modifier) {
                return Err(invalid("modifier given twice"));
            }
            modifiers |= modifier;
            rest = tail;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (None, _) => return Err(invalid("empty")),
            (Some(c), None) => {
                if c.is_control() {
                    return Err(invalid("control characters are written by name"));
                }
                if c.is_ascii_alphabetic() && modifiers.contains(KeyModifiers::SHIFT) {
                    return Err(invalid("write an uppercase letter instead of shift-"));
                }
                KeyCode::Char(c)
            }
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some(&(_, code)) = NAMED.iter().find(|(name, _)| *name == lower) {
                    code
                } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
                    && (1..=12).contains(&n)
                {
                    KeyCode::F(n)
                } else if lower.strip_suffix('-').is_some_and(|m| modifier_named(m).is_some()) {
                    return Err(invalid("no key after the modifier"));
                } else {
                    return Err(invalid("not a key name"));
                }
            }
        };
        Ok(Key::new(code, modifiers))
    }
}

/// The modifier a key-string prefix names (case-insensitive).
fn modifier_named(prefix: &str) -> Option<KeyModifiers> {
    match prefix.to_ascii_lowercase().as_str() {
        "ctrl" | "control" => Some(KeyModifiers::CONTROL),
        "alt" | "meta" => Some(KeyModifiers::ALT),
        "shift" => Some(KeyModifiers::SHIFT),
        _ => None,
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        if let Some((name, _)) = NAMED.iter().find(|(_, code)| *code == self.code) {
            return f.write_str(name);
        }
        match self.code {
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            // Keys no parse produces (media keys, …): crossterm's own wording.
            other => write!(f, "{}", other.to_string().to_ascii_lowercase()),
        }
    }
}

// Through `FromStr`, so a bad key string in the config file is reported by
// the TOML parser with its line and column.
impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = String::deserialize(de)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
