//! The one key table. Every key the browser reacts to is looked up here, the
//! help overlay is rendered from [`KeyMap::help_lines`], and the config file
//! rebinds through [`KeyMap::bind`] — so bindings, help and config can never
//! disagree.

use std::fmt;
use std::str::FromStr;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Something the browser can be asked to do from the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Cursor one entry down.
    MoveDown,
    /// Cursor one entry up.
    MoveUp,
    /// Cursor to the first entry.
    Top,
    /// Cursor to the last entry.
    Bottom,
    /// One screen down.
    PageDown,
    /// One screen up.
    PageUp,
    /// Half a screen down.
    HalfPageDown,
    /// Half a screen up.
    HalfPageUp,
    /// Expand the directory under the cursor (or step into it when expanded).
    Expand,
    /// Expand or collapse the directory under the cursor.
    Toggle,
    /// Collapse the directory under the cursor, or go to its parent.
    CollapseOrParent,
    /// Start a name search.
    Search,
    /// Next search match.
    SearchNext,
    /// Previous search match.
    SearchPrev,
    /// Filter the tree by name.
    Filter,
    /// Cycle the sort order.
    CycleSort,
    /// Show or hide dot-files.
    ToggleHidden,
    /// Show or hide the preview pane.
    TogglePreview,
    /// Show the help overlay.
    Help,
    /// Leave the program.
    Quit,
    /// Mark or unmark the entry under the cursor and move down.
    Mark,
    /// Clear every mark.
    ClearMarks,
    /// Open the permission editor for the marked entries or the selection.
    Permissions,
    /// Rename or move the entry under the cursor.
    Rename,
    /// Create a file or directories under the selected directory.
    Create,
    /// Move the marked entries or the selection to the trash.
    Trash,
    /// Delete the marked entries or the selection permanently.
    Delete,
    /// Remove the selected empty directory and its emptied parents.
    RemoveEmptyDirs,
    /// Open the selected file in the editor.
    Edit,
    /// Open the selected file in the pager.
    Page,
    /// Re-read the selected directory from disk.
    Refresh,
    /// Open the audit panel: findings with their counts, and filters.
    Audit,
    /// Show the selection's metadata on the whole screen (and back).
    Inspect,
    /// Show the log of status messages, each in full.
    Messages,
}

impl Action {
    /// Every action, in the order the help overlay lists them.
    pub const ALL: [Action; 34] = [
        Action::MoveDown,
        Action::MoveUp,
        Action::Top,
        Action::Bottom,
        Action::PageDown,
        Action::PageUp,
        Action::HalfPageDown,
        Action::HalfPageUp,
        Action::Expand,
        Action::Toggle,
        Action::CollapseOrParent,
        Action::Search,
        Action::SearchNext,
        Action::SearchPrev,
        Action::Filter,
        Action::CycleSort,
        Action::ToggleHidden,
        Action::TogglePreview,
        Action::Help,
        Action::Quit,
        Action::Mark,
        Action::ClearMarks,
        Action::Permissions,
        Action::Rename,
        Action::Create,
        Action::Trash,
        Action::Delete,
        Action::RemoveEmptyDirs,
        Action::Edit,
        Action::Page,
        Action::Refresh,
        Action::Audit,
        Action::Inspect,
        Action::Messages,
    ];

    /// The stable name used in the config file's `[keys]` table.
    pub fn name(self) -> &'static str {
        match self {
            Action::MoveDown => "move_down",
            Action::MoveUp => "move_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::HalfPageDown => "half_page_down",
            Action::HalfPageUp => "half_page_up",
            Action::Expand => "expand",
            Action::Toggle => "toggle",
            Action::CollapseOrParent => "collapse_or_parent",
            Action::Search => "search",
            Action::SearchNext => "search_next",
            Action::SearchPrev => "search_prev",
            Action::Filter => "filter",
            Action::CycleSort => "cycle_sort",
            Action::ToggleHidden => "toggle_hidden",
            Action::TogglePreview => "toggle_preview",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Mark => "mark",
            Action::ClearMarks => "clear_marks",
            Action::Permissions => "permissions",
            Action::Rename => "rename",
            Action::Create => "create",
            Action::Trash => "trash",
            Action::Delete => "delete",
            Action::RemoveEmptyDirs => "remove_empty_dirs",
            Action::Edit => "edit",
            Action::Page => "page",
            Action::Refresh => "refresh",
            Action::Audit => "audit",
            Action::Inspect => "inspect",
            Action::Messages => "messages",
        }
    }

    /// One line for the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            Action::MoveDown => "Move down one entry",
            Action::MoveUp => "Move up one entry",
            Action::Top => "Go to the first entry",
            Action::Bottom => "Go to the last entry",
            Action::PageDown => "Move down one page",
            Action::PageUp => "Move up one page",
            Action::HalfPageDown => "Move down half a page",
            Action::HalfPageUp => "Move up half a page",
            Action::Expand => "Expand the directory",
            Action::Toggle => "Expand or collapse the directory",
            Action::CollapseOrParent => "Collapse the directory, or go to its parent",
            Action::Search => "Search names",
            Action::SearchNext => "Next search match",
            Action::SearchPrev => "Previous search match",
            Action::Filter => "Filter the tree by name",
            Action::CycleSort => "Cycle the sort order (name, size, mtime)",
            Action::ToggleHidden => "Show or hide dot-files",
            Action::TogglePreview => "Show or hide the preview",
            Action::Help => "Show this help",
            Action::Quit => "Quit",
            Action::Mark => "Mark or unmark the entry and move down",
            Action::ClearMarks => "Clear all marks",
            Action::Permissions => "Edit permission bits (marked entries or the selection)",
            Action::Rename => "Rename or move the entry (a '/' in the name moves it)",
            Action::Create => "Create a file, or directories with a trailing '/'",
            Action::Trash => "Move to the trash (marked entries or the selection)",
            Action::Delete => "Delete permanently (marked entries or the selection)",
            Action::RemoveEmptyDirs => "Remove the empty directory and its emptied parents",
            Action::Edit => "Open the file in $VISUAL / $EDITOR",
            Action::Page => "Open the file in $PAGER",
            Action::Refresh => "Re-read the selected directory from disk",
            Action::Audit => "Audit panel: findings, counts, filters",
            Action::Inspect => "Metadata on the whole screen (again to go back)",
            Action::Messages => "Message log: every status message in full",
        }
    }

    /// The action with this config name (exact, snake_case).
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|action| action.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The built-in keys for this action.
    fn default_keys(self) -> &'static [&'static str] {
        match self {
            Action::MoveDown => &["j", "down"],
            Action::MoveUp => &["k", "up"],
            Action::Top => &["g", "home"],
            Action::Bottom => &["G", "end"],
            Action::PageDown => &["pagedown"],
            Action::PageUp => &["pageup"],
            Action::HalfPageDown => &["ctrl-d"],
            Action::HalfPageUp => &["ctrl-u"],
            Action::Expand => &["l", "right"],
            Action::Toggle => &["enter"],
            Action::CollapseOrParent => &["h", "left"],
            Action::Search => &["/"],
            Action::SearchNext => &["n"],
            Action::SearchPrev => &["N"],
            Action::Filter => &["f"],
            Action::CycleSort => &["s"],
            Action::ToggleHidden => &["."],
            Action::TogglePreview => &["v"],
            Action::Help => &["?"],
            Action::Quit => &["q", "ctrl-c"],
            Action::Mark => &["space"],
            Action::ClearMarks => &["esc"],
            Action::Permissions => &["p"],
            Action::Rename => &["r"],
            Action::Create => &["a"],
            Action::Trash => &["d"],
            Action::Delete => &["D"],
            Action::RemoveEmptyDirs => &["x"],
            Action::Edit => &["e"],
            Action::Page => &["o"],
            Action::Refresh => &["R"],
            Action::Audit => &["!"],
            Action::Inspect => &["i"],
            Action::Messages => &["m"],
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Action {
    type Err = KeymapError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::from_name(s).ok_or_else(|| KeymapError::UnknownAction(s.to_owned()))
    }
}

// Through `FromStr`, so a bad name in the config file is reported by the TOML
// parser with its line and column.
impl<'de> serde::Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let name = String::deserialize(de)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

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

/// Why a key string, an action name or a set of bindings was refused. The
/// messages quote what was written as it was written; sanitize them before
/// they reach a terminal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    /// A key string that does not parse.
    #[error("invalid key \"{key}\": {why}")]
    InvalidKey {
        /// The string as written.
        key: String,
        /// What is wrong with it.
        why: String,
    },
    /// An action name that does not exist.
    #[error("unknown action \"{0}\" (known: {names})", names = action_names())]
    UnknownAction(String),
    /// One key bound to two actions.
    #[error("key \"{key}\" is bound to both {first} and {second}")]
    Conflict {
        /// The key.
        key: Key,
        /// The action listed first.
        first: Action,
        /// The other action.
        second: Action,
    },
    /// No key left to quit with.
    #[error("quit has no key; at least one is needed")]
    NoQuitKey,
}

fn action_names() -> String {
    Action::ALL.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
}

/// The key table: for every action, the keys that trigger it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    /// Indexed by `Action as usize`, in [`Action::ALL`] order.
    keys: Vec<Vec<Key>>,
}

impl Default for KeyMap {
    /// The built-in bindings (vi-style letters plus arrows and paging keys).
    fn default() -> Self {
        let keys = Action::ALL
            .iter()
            .map(|action| {
                action
                    .default_keys()
                    .iter()
                    .map(|text| text.parse().expect("built-in key strings parse"))
                    .collect()
            })
            .collect();
        KeyMap { keys }
    }
}

impl KeyMap {
    /// The action a key event triggers, if any. Releases never match.
    pub fn lookup(&self, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event)?;
        self.action_for(key)
    }

    /// The action bound to a (normalised) key.
    pub fn action_for(&self, key: Key) -> Option<Action> {
        Action::ALL.into_iter().find(|action| self.keys[action.index()].contains(&key))
    }

    /// Replaces the keys of `action` (repeats within `keys` are dropped).
    /// Conflicts with other actions are not checked here, so that a config can
    /// swap two keys one action at a time; call [`KeyMap::validate`] after the
    /// last `bind`.
    pub fn bind(&mut self, action: Action, keys: impl IntoIterator<Item = Key>) {
        let mut unique = Vec::new();
        for key in keys {
            if !unique.contains(&key) {
                unique.push(key);
            }
        }
        self.keys[action.index()] = unique;
    }

    /// The keys of one action.
    pub fn keys(&self, action: Action) -> &[Key] {
        &self.keys[action.index()]
    }

    /// Checks that no key triggers two actions and that Quit keeps a key.
    pub fn validate(&self) -> Result<(), KeymapError> {
        for (i, &first) in Action::ALL.iter().enumerate() {
            for &second in &Action::ALL[i + 1..] {
                if let Some(&key) = self.keys(first).iter().find(|k| self.keys(second).contains(k))
                {
                    return Err(KeymapError::Conflict { key, first, second });
                }
            }
        }
        if self.keys(Action::Quit).is_empty() {
            return Err(KeymapError::NoQuitKey);
        }
        Ok(())
    }

    /// Every action with its keys, in [`Action::ALL`] order.
    pub fn bindings(&self) -> impl Iterator<Item = (Action, &[Key])> {
        Action::ALL.into_iter().map(|action| (action, self.keys(action)))
    }

    /// The help overlay's lines: the keys joined by ", " and the description,
    /// one per action in [`Action::ALL`] order.
    pub fn help_lines(&self) -> Vec<(String, &'static str)> {
        self.bindings()
            .map(|(action, keys)| {
                let keys = keys.iter().map(Key::to_string).collect::<Vec<_>>().join(", ");
                (keys, action.description())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::KeyEventState;

    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn key(text: &str) -> Key {
        text.parse().unwrap()
    }

    #[test]
    fn every_default_binding_from_the_spec() {
        let map = KeyMap::default();
        let none = KeyModifiers::NONE;
        let ctrl = KeyModifiers::CONTROL;
        let cases = [
            (KeyCode::Char('j'), none, Action::MoveDown),
            (KeyCode::Down, none, Action::MoveDown),
            (KeyCode::Char('k'), none, Action::MoveUp),
            (KeyCode::Up, none, Action::MoveUp),
            (KeyCode::Char('g'), none, Action::Top),
            (KeyCode::Home, none, Action::Top),
            (KeyCode::Char('G'), KeyModifiers::SHIFT, Action::Bottom),
            (KeyCode::End, none, Action::Bottom),
            (KeyCode::PageDown, none, Action::PageDown),
            (KeyCode::PageUp, none, Action::PageUp),
            (KeyCode::Char('d'), ctrl, Action::HalfPageDown),
            (KeyCode::Char('u'), ctrl, Action::HalfPageUp),
            (KeyCode::Char('l'), none, Action::Expand),
            (KeyCode::Right, none, Action::Expand),
            (KeyCode::Enter, none, Action::Toggle),
            (KeyCode::Char('h'), none, Action::CollapseOrParent),
            (KeyCode::Left, none, Action::CollapseOrParent),
            (KeyCode::Char('/'), none, Action::Search),
            (KeyCode::Char('n'), none, Action::SearchNext),
            (KeyCode::Char('N'), KeyModifiers::SHIFT, Action::SearchPrev),
            (KeyCode::Char('f'), none, Action::Filter),
            (KeyCode::Char('s'), none, Action::CycleSort),
            (KeyCode::Char('.'), none, Action::ToggleHidden),
            (KeyCode::Char('v'), none, Action::TogglePreview),
            (KeyCode::Char('?'), KeyModifiers::SHIFT, Action::Help),
            (KeyCode::Char('q'), none, Action::Quit),
            (KeyCode::Char('c'), ctrl, Action::Quit),
        ];
        for (code, mods, action) in cases {
            assert_eq!(map.lookup(&press(code, mods)), Some(action), "{code:?} {mods:?}");
        }
        // Every action has at least one default key.
        assert!(map.bindings().all(|(_, keys)| !keys.is_empty()));
        map.validate().unwrap();
    }

    #[test]
    fn modifiers_and_case_distinguish_keys() {
        let map = KeyMap::default();
        // Plain 'd' is not Ctrl-d; Ctrl-j is not j; 'G' is not 'g'.
        assert_eq!(map.lookup(&press(KeyCode::Char('d'), KeyModifiers::NONE)), Some(Action::Trash));
        assert_eq!(
            map.lookup(&press(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::HalfPageDown)
        );
        assert_eq!(map.lookup(&press(KeyCode::Char('j'), KeyModifiers::CONTROL)), None);
        assert_eq!(
            map.lookup(&press(KeyCode::Char('G'), KeyModifiers::NONE)),
            Some(Action::Bottom)
        );
        // The kitty protocol's spelling of Shift+g.
        assert_eq!(
            map.lookup(&press(KeyCode::Char('g'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(map.lookup(&press(KeyCode::Down, KeyModifiers::SHIFT)), None);
        assert_eq!(map.lookup(&press(KeyCode::Char('j'), KeyModifiers::ALT)), None);
    }

    #[test]
    fn only_presses_and_repeats_act() {
        let map = KeyMap::default();
        let mut event = press(KeyCode::Char('j'), KeyModifiers::NONE);
        event.kind = KeyEventKind::Repeat;
        assert_eq!(map.lookup(&event), Some(Action::MoveDown));
        event.kind = KeyEventKind::Release;
        assert_eq!(map.lookup(&event), None);
        // Lock state is not part of the key.
        let mut event = press(KeyCode::Char('j'), KeyModifiers::NONE);
        event.state = KeyEventState::CAPS_LOCK;
        assert_eq!(map.lookup(&event), Some(Action::MoveDown));
    }

    #[test]
    fn key_strings_parse_and_format_both_ways() {
        let cases = [
            ("j", KeyCode::Char('j'), KeyModifiers::NONE),
            ("G", KeyCode::Char('G'), KeyModifiers::NONE),
            ("ctrl-u", KeyCode::Char('u'), KeyModifiers::CONTROL),
            ("alt-x", KeyCode::Char('x'), KeyModifiers::ALT),
            ("ctrl-alt-x", KeyCode::Char('x'), KeyModifiers::CONTROL | KeyModifiers::ALT),
            ("enter", KeyCode::Enter, KeyModifiers::NONE),
            ("esc", KeyCode::Esc, KeyModifiers::NONE),
            ("up", KeyCode::Up, KeyModifiers::NONE),
            ("down", KeyCode::Down, KeyModifiers::NONE),
            ("left", KeyCode::Left, KeyModifiers::NONE),
            ("right", KeyCode::Right, KeyModifiers::NONE),
            ("home", KeyCode::Home, KeyModifiers::NONE),
            ("end", KeyCode::End, KeyModifiers::NONE),
            ("pageup", KeyCode::PageUp, KeyModifiers::NONE),
            ("pagedown", KeyCode::PageDown, KeyModifiers::NONE),
            ("tab", KeyCode::Tab, KeyModifiers::NONE),
            ("backtab", KeyCode::BackTab, KeyModifiers::NONE),
            ("backspace", KeyCode::Backspace, KeyModifiers::NONE),
            ("space", KeyCode::Char(' '), KeyModifiers::NONE),
            ("shift-up", KeyCode::Up, KeyModifiers::SHIFT),
            ("f1", KeyCode::F(1), KeyModifiers::NONE),
            ("f12", KeyCode::F(12), KeyModifiers::NONE),
            ("/", KeyCode::Char('/'), KeyModifiers::NONE),
            ("?", KeyCode::Char('?'), KeyModifiers::NONE),
            (".", KeyCode::Char('.'), KeyModifiers::NONE),
            ("-", KeyCode::Char('-'), KeyModifiers::NONE),
            ("ctrl--", KeyCode::Char('-'), KeyModifiers::CONTROL),
            ("é", KeyCode::Char('é'), KeyModifiers::NONE),
        ];
        for (text, code, modifiers) in cases {
            let parsed = key(text);
            assert_eq!(parsed, Key { code, modifiers }, "{text}");
            assert_eq!(parsed.to_string(), text);
            assert_eq!(key(&parsed.to_string()), parsed);
        }
    }

    #[test]
    fn names_and_modifiers_are_case_insensitive_but_letters_are_not() {
        assert_eq!(key("ENTER"), key("enter"));
        assert_eq!(key("PageDown"), key("pagedown"));
        assert_eq!(key("Ctrl-u"), key("ctrl-u"));
        assert_eq!(key("CTRL-U"), Key::new(KeyCode::Char('U'), KeyModifiers::CONTROL));
        assert_ne!(key("ctrl-U"), key("ctrl-u"));
        assert_eq!(key("F5"), key("f5"));
        assert_eq!(key("escape"), key("esc"));
        assert_ne!(key("n"), key("N"));
        // 'f' alone is the letter, not a function key.
        assert_eq!(key("f"), Key::new(KeyCode::Char('f'), KeyModifiers::NONE));
        assert_eq!(key("F"), Key::new(KeyCode::Char('F'), KeyModifiers::NONE));
    }

    #[test]
    fn bad_key_strings_are_refused() {
        for bad in ["", "ctrl-", "f13", "f0", "enterr", "hyper-x", "ctrl-ctrl-x", "shift-g", "\t"] {
            let err = bad.parse::<Key>().unwrap_err();
            assert!(matches!(err, KeymapError::InvalidKey { .. }), "{bad:?}: {err}");
            assert!(err.to_string().contains("invalid key"), "{err}");
        }
        let why = |text: &str| match text.parse::<Key>() {
            Err(KeymapError::InvalidKey { why, .. }) => why,
            other => panic!("{other:?}"),
        };
        assert_eq!(why("ctrl-"), "no key after the modifier");
        assert_eq!(why("Alt-"), "no key after the modifier");
        assert_eq!(why("enterr"), "not a key name");
        assert_eq!(why(""), "empty");
    }

    #[test]
    fn action_names_round_trip_and_are_snake_case() {
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.name()), Some(action));
            assert_eq!(action.name().parse::<Action>().unwrap(), action);
            assert!(action.name().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(!action.description().is_empty());
        }
        assert_eq!(Action::HalfPageUp.name(), "half_page_up");
        assert_eq!(Action::MoveDown.name(), "move_down");
        let err = "moveDown".parse::<Action>().unwrap_err();
        assert!(err.to_string().contains("move_down"), "lists the known names: {err}");
        // ALL is in declaration order, so `index` matches it.
        for (i, action) in Action::ALL.iter().enumerate() {
            assert_eq!(action.index(), i);
        }
    }

    #[test]
    fn bind_replaces_and_swaps_validate() {
        let mut map = KeyMap::default();
        // Swap j and k: conflicting half-way, valid once both are rebound.
        map.bind(Action::MoveDown, [key("k")]);
        assert!(map.validate().is_err());
        map.bind(Action::MoveUp, [key("j"), key("j")]);
        map.validate().unwrap();
        assert_eq!(map.keys(Action::MoveUp), &[key("j")]);
        assert_eq!(
            map.lookup(&press(KeyCode::Char('k'), KeyModifiers::NONE)),
            Some(Action::MoveDown)
        );
        // The arrows went with the replaced lists.
        assert_eq!(map.lookup(&press(KeyCode::Down, KeyModifiers::NONE)), None);
    }

    #[test]
    fn conflicts_name_the_key_and_both_actions() {
        let mut map = KeyMap::default();
        map.bind(Action::Filter, [key("s")]);
        let err = map.validate().unwrap_err();
        assert_eq!(
            err,
            KeymapError::Conflict {
                key: key("s"),
                first: Action::Filter,
                second: Action::CycleSort
            }
        );
        let text = err.to_string();
        assert!(text.contains("\"s\"") && text.contains("filter") && text.contains("cycle_sort"));

        let mut map = KeyMap::default();
        map.bind(Action::Quit, []);
        assert_eq!(map.validate(), Err(KeymapError::NoQuitKey));
    }

    #[test]
    fn help_lines_follow_the_bindings() {
        let mut map = KeyMap::default();
        let lines = map.help_lines();
        assert_eq!(lines.len(), Action::ALL.len());
        assert_eq!(lines[0], ("j, down".to_owned(), Action::MoveDown.description()));
        assert_eq!(lines[6].0, "ctrl-d");
        assert_eq!(lines[19].0, "q, ctrl-c");
        assert_eq!(lines[31], ("!".to_owned(), Action::Audit.description()));
        assert_eq!(lines.last().unwrap(), &("m".to_owned(), Action::Messages.description()));
        map.bind(Action::Help, [key("f1"), key("?")]);
        assert_eq!(map.help_lines()[18], ("f1, ?".to_owned(), "Show this help"));
    }
}
