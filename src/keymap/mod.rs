//! The one key table. Every key the browser reacts to is looked up here, the
//! help overlay is rendered from [`KeyMap::help_lines`], and the config file
//! rebinds through [`KeyMap::bind`] — so bindings, help and config can never
//! disagree.
//!
//! * `action` — the actions, declared once each with their config name,
//!   help line and default keys.
//! * `key` — a key with its modifiers: parsing, display, normalisation.
//! * here — the bindings of one session ([`KeyMap`]) and their errors.

mod action;
mod key;

pub use action::Action;
pub use key::Key;

use ratatui::crossterm::event::KeyEvent;

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
mod tests;
