//! The man page's own sections: KEYS, generated from the key table (so the
//! page lists exactly what the help overlay lists), FILES and ENVIRONMENT.

use roff::{Roff, bold, italic, roman};

use crate::config::CONFIG_ENV;
use crate::keymap::KeyMap;

/// The variables statree reads, with what each does.
const ENVIRONMENT: &[(&str, &str)] = &[
    (CONFIG_ENV, "The config file to read instead of the default location."),
    ("XDG_CONFIG_HOME", "Where the config directory is (default ~/.config)."),
    (
        "VISUAL, EDITOR",
        "The editor for the edit key (default vi). Split into words as a shell would: EDITOR=\"code --wait\".",
    ),
    ("PAGER", "The pager for the page key (default less), split the same way."),
    (
        "OPENER",
        "What Enter opens a file with when no [open] rule matches, split the same way; it gets the terminal unless the config says opener_terminal = false. Unset: the system's opener (xdg-open, gio, ...), started detached.",
    ),
    (
        "DISPLAY, WAYLAND_DISPLAY",
        "With neither set and no OPENER, Enter opens files in the pager instead of a graphical opener.",
    ),
    ("LS_COLORS", "Colours of names (unless use_ls_colors = false)."),
    ("NO_COLOR", "When set, no colours at all."),
    ("TERM", "TERM=dumb refuses the interactive view (the outputs still work)."),
    ("STATREE_MAX_WATCHES", "The most directories watched for live updates."),
    ("XDG_DATA_HOME", "Where the trash is (default ~/.local/share/Trash)."),
];

/// KEYS, FILES and ENVIRONMENT.
pub fn sections() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["KEYS"]);
    roff.text([roman(
        "In the interactive view (each can be rebound in the [keys] section of the config file, \
         under the name given):",
    )]);
    let keymap = KeyMap::default();
    for (action, keys) in keymap.bindings() {
        let keys = keys.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        roff.control("TP", []);
        roff.text([bold(keys)]);
        roff.text([
            roman(format!("{} (", action.description())),
            italic(action.name()),
            roman(")"),
        ]);
    }
    roff.control("SH", ["FILES"]);
    roff.control("TP", []);
    roff.text([italic("$XDG_CONFIG_HOME/statree/config.toml")]);
    roff.text([roman(format!(
        "The config file (usually ~/.config/statree/config.toml; ${CONFIG_ENV} names another): \
         [general] sort and hidden entries, [keys], [open] rules for Enter, [columns] for the \
         extra columns, [colors]. statree --print-default-config prints it with every option \
         and its default. A broken file is reported and the defaults are used."
    ))]);
    roff.control("TP", []);
    roff.text([italic("--cwd-file, --chooser-file, --chooser-file0 FILE")]);
    roff.text([roman(
        "Written on quit: the selected directory, or the chosen paths (one a line, or each \
         followed by NUL), raw bytes.",
    )]);
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, what) in ENVIRONMENT {
        roff.control("TP", []);
        roff.text([bold(*name)]);
        roff.text([roman(*what)]);
    }
    roff
}
