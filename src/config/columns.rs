//! The `[columns]` section: the extra columns of the tree and the sets the
//! `cycle_columns` key (`t`) steps through.

use serde::Deserialize;

/// An extra column of the tree, after the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Column {
    /// Entries below a directory (blank for anything else).
    Count,
    /// Modification time, local.
    Mtime,
    /// Type and permissions, `drwxr-xr-x`.
    Mode,
    /// Permission bits in octal, `0755`.
    Octal,
    /// `user:group`, names where known.
    Owner,
}

impl Column {
    /// The word in the config file and the status message.
    pub fn label(self) -> &'static str {
        match self {
            Column::Count => "count",
            Column::Mtime => "mtime",
            Column::Mode => "mode",
            Column::Octal => "octal",
            Column::Owner => "owner",
        }
    }
}

/// The sets `t` steps through after "no extra columns", in order.
pub fn default_cycle() -> Vec<Vec<Column>> {
    use Column::*;
    vec![vec![Count], vec![Mtime], vec![Mode], vec![Owner], vec![Count, Mtime, Octal, Owner]]
}

/// The section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawColumns {
    pub(super) cycle: Option<Vec<Vec<Column>>>,
}
