//! The sort order: a `[general]` option and the browser's cycle through it.

use serde::Deserialize;

/// The order directory entries are listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortKey {
    /// By name, byte order.
    #[default]
    Name,
    /// By size (directories by their total), largest first.
    Size,
    /// By modification time, newest first.
    Mtime,
}

impl SortKey {
    /// The next key in the cycle Name → Size → Mtime → Name.
    pub fn next(self) -> Self {
        match self {
            SortKey::Name => SortKey::Size,
            SortKey::Size => SortKey::Mtime,
            SortKey::Mtime => SortKey::Name,
        }
    }

    /// The word shown in the status line (and written in the config file).
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Size => "size",
            SortKey::Mtime => "mtime",
        }
    }
}
