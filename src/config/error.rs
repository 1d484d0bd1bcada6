//! Why a config could not be used, worded with the file, line and column, and
//! sanitized: the messages quote what the file says.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::keymap::KeymapError;
use crate::sanitize;

/// Why the config could not be used. Each names the file (when there is one);
/// syntax and value errors carry the line and column.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but could not be read.
    #[error("config file {}: {source}", sanitize::path(path))]
    Read {
        /// The config file.
        path: PathBuf,
        /// The reason.
        #[source]
        source: io::Error,
    },
    /// The path names something other than a regular file (reading a FIFO
    /// would block the start-up).
    #[error("config file {}: not a regular file", sanitize::path(path))]
    NotAFile {
        /// The config file.
        path: PathBuf,
    },
    /// The file is larger than [`super::MAX_CONFIG_BYTES`].
    #[error("config file {}: larger than 1 MiB, not read", sanitize::path(path))]
    TooLarge {
        /// The config file.
        path: PathBuf,
    },
    /// Bad TOML, an unknown option, or a value that does not parse.
    #[error("{}: {}", Location(path.as_deref(), *line, *column), sanitize::text(message))]
    Invalid {
        /// The config file (none when parsed from a string).
        path: Option<PathBuf>,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column (in characters), when known.
        column: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The `[keys]` table binds one key twice or leaves no way to quit.
    #[error(
        "{}: [keys]: {}",
        Location(path.as_deref(), None, None),
        sanitize::text(&source.to_string())
    )]
    Keys {
        /// The config file (none when parsed from a string).
        path: Option<PathBuf>,
        /// The conflict.
        #[source]
        source: KeymapError,
    },
}

/// "config file PATH, line L, column C" for messages.
struct Location<'a>(Option<&'a Path>, Option<usize>, Option<usize>);

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(path) => write!(f, "config file {}", sanitize::path(path))?,
            None => f.write_str("config")?,
        }
        if let Some(line) = self.1 {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = self.2 {
            write!(f, ", column {column}")?;
        }
        Ok(())
    }
}

impl ConfigError {
    pub(super) fn with_path(self, file: &Path) -> Self {
        match self {
            ConfigError::Invalid { line, column, message, .. } => {
                ConfigError::Invalid { path: Some(file.to_path_buf()), line, column, message }
            }
            ConfigError::Keys { source, .. } => {
                ConfigError::Keys { path: Some(file.to_path_buf()), source }
            }
            other => other,
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}
