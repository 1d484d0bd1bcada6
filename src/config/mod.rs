//! The config file: `$XDG_CONFIG_HOME/statree/config.toml` (or the path in
//! `STATREE_CONFIG`). Every option is optional; a missing file means the
//! defaults, and [`DEFAULT_CONFIG`] is a commented file that parses to exactly
//! [`Config::default`].
//!
//! Unknown sections, options, actions, sort keys, key strings and colours are
//! all errors with the line and column: a typo must not be silently ignored.

mod colors;
mod columns;
mod error;
mod open;
mod sort;

pub use colors::{ColorConfig, parse_color};
pub use columns::{Column, default_cycle};
pub use error::ConfigError;
pub use open::{OpenConfig, OpenRule, OpenWith};
pub use sort::SortKey;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

use ratatui::style::Color;
use serde::Deserialize;

use crate::keymap::{Action, Key, KeyMap};
use colors::ColorValue;
use error::line_column;

/// The default config file, every option commented with its default value.
/// `statree --print-default-config` prints it.
pub const DEFAULT_CONFIG: &str = include_str!("../../assets/config.toml");

/// The environment variable that overrides the config file's location.
pub const CONFIG_ENV: &str = "STATREE_CONFIG";

/// Everything the config file can set, resolved against the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Initial sort order.
    pub sort: SortKey,
    /// Whether dot-files are shown at start.
    pub show_hidden: bool,
    /// The key table.
    pub keymap: KeyMap,
    /// The configured colours.
    pub colors: ColorConfig,
    /// Whether `LS_COLORS` (when set) colours names instead of `colors`.
    pub use_ls_colors: bool,
    /// What `Enter` opens a file with.
    pub open: OpenConfig,
    /// The column sets `t` cycles through after "none".
    pub columns: Vec<Vec<Column>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sort: SortKey::Name,
            // statree is for seeing a filesystem as it is: nothing is hidden
            // unless asked.
            show_hidden: true,
            keymap: KeyMap::default(),
            colors: ColorConfig::default(),
            use_ls_colors: true,
            open: OpenConfig::default(),
            columns: default_cycle(),
        }
    }
}

/// The file as written: every option optional, nothing unknown allowed.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    general: RawGeneral,
    keys: BTreeMap<Action, Vec<Key>>,
    colors: RawColors,
    open: open::RawOpen,
    columns: columns::RawColumns,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawGeneral {
    sort: Option<SortKey>,
    show_hidden: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawColors {
    directory: Option<ColorValue>,
    symlink: Option<ColorValue>,
    executable: Option<ColorValue>,
    error: Option<ColorValue>,
    selection_bg: Option<ColorValue>,
    bar: Option<ColorValue>,
    status_bg: Option<ColorValue>,
    finding: Option<ColorValue>,
    use_ls_colors: Option<bool>,
}

/// [`Config::path`] with the override passed in (tests cannot safely set
/// environment variables while other tests run).
fn path_from(override_path: Option<OsString>) -> Option<PathBuf> {
    if let Some(path) = override_path
        && !path.is_empty()
    {
        return Some(PathBuf::from(path));
    }
    use etcetera::BaseStrategy as _;
    let strategy = etcetera::choose_base_strategy().ok()?;
    Some(strategy.config_dir().join("statree/config.toml"))
}

/// The most a config file may hold (1 MiB): a larger one is refused
/// unread rather than read whole into memory before the interface starts.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

impl Config {
    /// Where the config file is looked for: `$STATREE_CONFIG` when set and
    /// non-empty, else `statree/config.toml` in the XDG config directory.
    /// `None` when there is no home directory to resolve it against.
    pub fn path() -> Option<PathBuf> {
        path_from(std::env::var_os(CONFIG_ENV))
    }

    /// Loads the config from [`Config::path`]; no file means the defaults.
    pub fn load() -> Result<Config, ConfigError> {
        match Config::path() {
            Some(path) => Config::load_from(&path),
            None => Ok(Config::default()),
        }
    }

    /// Loads the config from `path`; no file there means the defaults.
    pub fn load_from(path: &Path) -> Result<Config, ConfigError> {
        let read_error = |source| ConfigError::Read { path: path.to_path_buf(), source };
        // Following symlinks is right here (config files are often links into
        // a dotfiles repository); only the final target's type matters.
        match std::fs::metadata(path) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(err) => return Err(read_error(err)),
            Ok(meta) if !meta.is_file() => {
                return Err(ConfigError::NotAFile { path: path.to_path_buf() });
            }
            Ok(_) => {}
        }
        let file = match crate::bounded::open_regular(path).map_err(read_error)? {
            Ok(file) => file,
            Err(_) => return Err(ConfigError::NotAFile { path: path.to_path_buf() }),
        };
        let Some(text) = crate::bounded::read_text(file, MAX_CONFIG_BYTES).map_err(read_error)?
        else {
            return Err(ConfigError::TooLarge { path: path.to_path_buf() });
        };
        Config::from_toml_str(&text).map_err(|err| err.with_path(path))
    }

    /// Parses config text (errors carry no path).
    pub fn from_toml_str(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|err| {
            let (line, column) = match err.span() {
                Some(span) => {
                    let (line, column) = line_column(text, span.start);
                    (Some(line), Some(column))
                }
                None => (None, None),
            };
            ConfigError::Invalid {
                path: None,
                line,
                column,
                message: err.message().trim().to_owned(),
            }
        })?;

        let defaults = ColorConfig::default();
        let pick = |value: Option<ColorValue>, default: Color| value.map_or(default, |c| c.0);
        let colors = ColorConfig {
            directory: pick(raw.colors.directory, defaults.directory),
            symlink: pick(raw.colors.symlink, defaults.symlink),
            executable: pick(raw.colors.executable, defaults.executable),
            error: pick(raw.colors.error, defaults.error),
            selection_bg: pick(raw.colors.selection_bg, defaults.selection_bg),
            bar: pick(raw.colors.bar, defaults.bar),
            status_bg: pick(raw.colors.status_bg, defaults.status_bg),
            finding: pick(raw.colors.finding, defaults.finding),
        };

        let mut keymap = KeyMap::default();
        for (action, keys) in raw.keys {
            keymap.bind(action, keys);
        }
        // Checked once all rebindings are in, so a swap of two keys is fine.
        keymap.validate().map_err(|source| ConfigError::Keys { path: None, source })?;

        let default = Config::default();
        Ok(Config {
            sort: raw.general.sort.unwrap_or(default.sort),
            show_hidden: raw.general.show_hidden.unwrap_or(default.show_hidden),
            keymap,
            colors,
            use_ls_colors: raw.colors.use_ls_colors.unwrap_or(default.use_ls_colors),
            open: OpenConfig {
                rules: raw.open.rules,
                opener_terminal: raw.open.opener_terminal.unwrap_or(default.open.opener_terminal),
            },
            columns: raw.columns.cycle.unwrap_or(default.columns),
        })
    }
}

#[cfg(test)]
mod tests;
