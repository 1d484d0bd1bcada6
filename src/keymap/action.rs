//! The actions and their one table. Each action is declared once, with its
//! config name, its line in the help overlay and its default keys; the enum,
//! [`Action::ALL`], naming, parsing and the defaults are all derived from that
//! declaration, so no second list can fall out of step with it.

use std::fmt;
use std::str::FromStr;

use super::KeymapError;

/// One row of the table: what the config file calls an action, what the help
/// says of it, and the keys it has unless the config rebinds it.
struct Row {
    action: Action,
    name: &'static str,
    description: &'static str,
    keys: &'static [&'static str],
}

/// Declares [`Action`] (each variant documented by its description),
/// `TABLE` (its rows in declaration order) and [`Action::ALL`] from one list.
macro_rules! action_table {
    ($(
        $(#[$extra:meta])*
        $variant:ident = $name:literal, $description:literal, [$($key:literal),+];
    )+) => {
        /// Something the browser can be asked to do from the keyboard.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $(
                #[doc = concat!($description, ".")]
                $(#[$extra])*
                $variant,
            )+
        }

        /// Every action's row, in declaration order (so `Action as usize`
        /// indexes it).
        const TABLE: &[Row] = &[$(
            Row {
                action: Action::$variant,
                name: $name,
                description: $description,
                keys: &[$($key),+],
            },
        )+];

        impl Action {
            /// Every action, in the order the help overlay lists them.
            pub const ALL: [Action; TABLE.len()] = [$(Action::$variant),+];
        }
    };
}

// The order here is the order of the help overlay.
action_table! {
    MoveDown = "move_down", "Move down one entry", ["j", "down"];
    MoveUp = "move_up", "Move up one entry", ["k", "up"];
    Top = "top", "Go to the first entry", ["g", "home"];
    Bottom = "bottom", "Go to the last entry", ["G", "end"];
    PageDown = "page_down", "Move down one page", ["pagedown"];
    PageUp = "page_up", "Move up one page", ["pageup"];
    HalfPageDown = "half_page_down", "Move down half a page", ["ctrl-d"];
    HalfPageUp = "half_page_up", "Move up half a page", ["ctrl-u"];
    /// Steps into it when it is already expanded; on a file, opens the
    /// preview pane.
    Expand = "expand", "Expand directory, preview file", ["l", "right"];
    /// With `--chooser-file`, chooses the file (or the marked entries).
    Toggle = "toggle", "Expand or collapse; on a file, open it", ["enter"];
    CollapseOrParent = "collapse_or_parent", "Collapse the directory, or go to its parent",
        ["h", "left"];
    Search = "search", "Search names", ["/"];
    SearchNext = "search_next", "Next search match", ["n"];
    SearchPrev = "search_prev", "Previous search match", ["N"];
    Filter = "filter", "Filter the tree by name", ["f"];
    CycleSort = "cycle_sort", "Cycle the sort order (name, size, mtime)", ["s"];
    ToggleDiskUsage = "toggle_disk_usage",
        "Switch sizes between apparent size and disk usage", ["A"];
    CycleColumns = "cycle_columns", "Cycle the extra columns (count, mtime, mode, owner)", ["t"];
    ToggleHidden = "toggle_hidden", "Show or hide dot-files", ["."];
    TogglePreview = "toggle_preview", "Show or hide the preview", ["v"];
    Help = "help", "Show this help", ["?"];
    Quit = "quit", "Quit", ["q", "ctrl-c"];
    Mark = "mark", "Mark or unmark the entry and move down", ["space"];
    ClearMarks = "clear_marks", "Clear all marks", ["esc"];
    Permissions = "permissions", "Edit permission bits (marked entries or the selection)",
        ["p"];
    Rename = "rename", "Rename or move the entry (a '/' in the name moves it)", ["r"];
    Create = "create", "Create a file, or directories with a trailing '/'", ["a"];
    Trash = "trash", "Move to the trash (marked entries or the selection)", ["d"];
    Delete = "delete", "Delete permanently (marked entries or the selection)", ["D"];
    RemoveEmptyDirs = "remove_empty_dirs", "Remove the empty directory and its emptied parents",
        ["x"];
    Edit = "edit", "Open the file in $VISUAL / $EDITOR", ["e"];
    Page = "page", "Open the file in $PAGER", ["o"];
    Refresh = "refresh", "Re-read the selected directory from disk", ["R"];
    Audit = "audit", "Audit panel: findings, counts, filters", ["!"];
    Inspect = "inspect", "Metadata on the whole screen (again to go back)", ["i"];
    GoUp = "go_up", "Out of a zoom, or the root's parent becomes the root", ["-", "backspace"];
    Zoom = "zoom", "The selected directory becomes the root of the view", ["z"];
    GoTo = "go_to", "Go to a path (Tab completes directories, ~ is home)", [":"];
    BulkRename = "bulk_rename",
        "Rename the marked entries (or the directory's children) in $VISUAL / $EDITOR", ["E"];
    Owner = "owner", "Change owner and group (marked entries or the selection)", ["O"];
    Undo = "undo", "Undo the last chmod, chown, rename, move, create, copy or trash", ["u"];
    Journal = "journal", "Undo journal: every action since start, newest first", ["U"];
    Yank = "yank", "Copy the marked entries (or the selection) to the clipboard", ["y"];
    Cut = "cut", "Mark the marked entries (or the selection) for a move", ["m"];
    Paste = "paste", "Paste the clipboard into the selected directory (copy or move)", ["P"];
    Messages = "messages", "Message log: every status message in full", ["M"];
}

impl Action {
    /// The stable name used in the config file's `[keys]` table.
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// One line for the help overlay.
    pub fn description(self) -> &'static str {
        self.row().description
    }

    /// The action with this config name (exact, snake_case).
    pub fn from_name(name: &str) -> Option<Action> {
        TABLE.iter().find(|row| row.name == name).map(|row| row.action)
    }

    /// The position of the action in [`Action::ALL`] (and in the table).
    pub(super) fn index(self) -> usize {
        self as usize
    }

    /// The built-in keys for this action, as written in the config file.
    pub(super) fn default_keys(self) -> &'static [&'static str] {
        self.row().keys
    }

    fn row(self) -> &'static Row {
        &TABLE[self.index()]
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
