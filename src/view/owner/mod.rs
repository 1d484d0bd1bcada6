//! The owner editor (`O`): a user field and a group field, each filtered as
//! you type against the names of the system database (loaded off the
//! interface's thread, [`Accounts`]), numeric ids accepted; a recursive scope
//! like the permission editor's; symlinks left alone unless their own owner is
//! asked for. Pure state: keys in, an [`OwnerOutcome`] out.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use super::request::ChownRequest;
use super::request::Target;
use crate::model::FileKind;
use crate::model::mask::Scope;

mod open;

pub use open::{on_accounts, on_key, start};

/// User and group names from the system database, sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounts {
    /// `(name, uid)`.
    pub users: Vec<(String, u32)>,
    /// `(name, gid)`.
    pub groups: Vec<(String, u32)>,
}

/// Which field takes the typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The owner.
    User,
    /// The group.
    Group,
}

/// What a key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerOutcome {
    /// Still editing.
    Continue,
    /// Close without changing anything.
    Cancel,
    /// Close and make this change.
    Apply(ChownRequest),
    /// Enter could not be taken: why (the editor stays open).
    Invalid(String),
}

/// The editor's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerEditor {
    /// The entries, as shown.
    pub targets: Vec<Target>,
    /// The names, once loaded.
    pub accounts: Option<Accounts>,
    /// The field being typed in.
    pub field: Field,
    /// What was typed for the user.
    pub user: String,
    /// What was typed for the group.
    pub group: String,
    /// The highlighted match of the active field.
    pub picked: usize,
    /// Recursive scope, if any.
    pub recursive: Option<Scope>,
    /// Change symlinks' own owner.
    pub symlinks: bool,
}

/// How many matches the editor lists.
pub const SHOWN_MATCHES: usize = 8;

impl OwnerEditor {
    /// An editor over `targets` (names still loading).
    pub fn new(targets: Vec<Target>) -> Self {
        OwnerEditor {
            targets,
            accounts: None,
            field: Field::User,
            user: String::new(),
            group: String::new(),
            picked: 0,
            recursive: None,
            symlinks: false,
        }
    }

    /// True when some target is a symlink.
    pub fn has_symlinks(&self) -> bool {
        self.targets.iter().any(|t| t.identity.kind == FileKind::Symlink)
    }

    fn text(&self, field: Field) -> &str {
        match field {
            Field::User => &self.user,
            Field::Group => &self.group,
        }
    }

    fn names(&self, field: Field) -> &[(String, u32)] {
        match (&self.accounts, field) {
            (Some(a), Field::User) => &a.users,
            (Some(a), Field::Group) => &a.groups,
            (None, _) => &[],
        }
    }

    /// The names of `field` matching what was typed: those starting with
    /// it first, then those containing it (case-insensitive).
    pub fn matches(&self, field: Field) -> Vec<&(String, u32)> {
        let typed = self.text(field).to_lowercase();
        let names = self.names(field);
        let mut out: Vec<&(String, u32)> =
            names.iter().filter(|(n, _)| n.to_lowercase().starts_with(&typed)).collect();
        out.extend(names.iter().filter(|(n, _)| {
            let n = n.to_lowercase();
            !n.starts_with(&typed) && n.contains(&typed)
        }));
        out
    }

    /// The id a field stands for: empty is "unchanged", digits are an id,
    /// an exact name is that name, else the highlighted match.
    pub fn resolve(&self, field: Field) -> Result<Option<u32>, String> {
        let typed = self.text(field).trim();
        let what = if field == Field::User { "user" } else { "group" };
        if typed.is_empty() {
            return Ok(None);
        }
        if typed.bytes().all(|b| b.is_ascii_digit()) {
            return typed.parse().map(Some).map_err(|_| format!("{typed}: not a {what} id"));
        }
        if let Some((_, id)) = self.names(field).iter().find(|(n, _)| n == typed) {
            return Ok(Some(*id));
        }
        let matches = self.matches(field);
        let picked = if field == self.field { self.picked } else { 0 };
        match matches.get(picked).or(matches.first()) {
            Some((_, id)) => Ok(Some(*id)),
            None => Err(format!("no {what} named \"{}\"", crate::sanitize::text(typed))),
        }
    }

    /// Applies one key.
    pub fn on_key(&mut self, key: KeyEvent) -> OwnerOutcome {
        if key.kind == KeyEventKind::Release {
            return OwnerOutcome::Continue;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return OwnerOutcome::Cancel,
            KeyCode::Enter => return self.enter(),
            KeyCode::Char('r') if ctrl => {
                self.recursive = match self.recursive {
                    None => Some(Scope::All),
                    Some(Scope::All) => Some(Scope::DirsOnly),
                    Some(Scope::DirsOnly) => Some(Scope::FilesOnly),
                    Some(Scope::FilesOnly) => None,
                };
            }
            KeyCode::Char('l') if ctrl => self.symlinks = !self.symlinks,
            KeyCode::Tab | KeyCode::BackTab => {
                self.field = if self.field == Field::User { Field::Group } else { Field::User };
                self.picked = 0;
            }
            KeyCode::Down => {
                let n = self.matches(self.field).len().min(SHOWN_MATCHES);
                if self.picked + 1 < n {
                    self.picked += 1;
                }
            }
            KeyCode::Up => self.picked = self.picked.saturating_sub(1),
            KeyCode::Backspace => {
                self.field_mut().pop();
                self.picked = 0;
            }
            KeyCode::Char(c) if !ctrl && !c.is_control() => {
                self.field_mut().push(c);
                self.picked = 0;
            }
            _ => {}
        }
        OwnerOutcome::Continue
    }

    fn field_mut(&mut self) -> &mut String {
        match self.field {
            Field::User => &mut self.user,
            Field::Group => &mut self.group,
        }
    }

    fn enter(&self) -> OwnerOutcome {
        let (uid, gid) = match (self.resolve(Field::User), self.resolve(Field::Group)) {
            (Ok(u), Ok(g)) => (u, g),
            (Err(why), _) | (_, Err(why)) => return OwnerOutcome::Invalid(why),
        };
        if uid.is_none() && gid.is_none() {
            return OwnerOutcome::Invalid("type a user or a group (Tab switches)".into());
        }
        OwnerOutcome::Apply(ChownRequest {
            targets: self.targets.clone(),
            uid,
            gid,
            symlinks: self.symlinks,
            recursive: self.recursive,
        })
    }
}

#[cfg(test)]
mod tests;
