//! What `Enter` on a file needs to know: the `[open]` rules, and the
//! chooser when statree runs as a file picker (the key itself is
//! `enter.rs`).

use std::path::PathBuf;

use crate::config::OpenConfig;

/// `--chooser-file FILE` / `--chooser-file0 FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chooser {
    /// Where the chosen paths go.
    pub file: PathBuf,
    /// NUL after each path (`--chooser-file0`) rather than a newline.
    pub nul: bool,
}

/// The `[open]` rules, and the chooser when statree runs as a file picker.
#[derive(Debug, Default)]
pub struct OpenState {
    /// What `Enter` opens a file with.
    pub rules: OpenConfig,
    /// Set with `--chooser-file` / `--chooser-file0`.
    pub chooser: Option<Chooser>,
    /// What was chosen, absolute; the loop writes it once the terminal is
    /// restored.
    pub chosen: Option<Vec<PathBuf>>,
}
