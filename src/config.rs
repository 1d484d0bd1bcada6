//! The config file: `$XDG_CONFIG_HOME/statree/config.toml` (or the path in
//! `STATREE_CONFIG`). Every option is optional; a missing file means the
//! defaults, and [`DEFAULT_CONFIG`] is a commented file that parses to exactly
//! [`Config::default`].
//!
//! Unknown sections, options, actions, sort keys, key strings and colours are
//! all errors with the line and column: a typo must not be silently ignored.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use ratatui::style::Color;
use serde::Deserialize;

use crate::keymap::{Action, Key, KeyMap, KeymapError};
use crate::sanitize;

/// The default config file, every option commented with its default value.
/// `statree --print-default-config` prints it.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

/// The environment variable that overrides the config file's location.
pub const CONFIG_ENV: &str = "STATREE_CONFIG";

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

/// The configured colours (used where `LS_COLORS` does not decide).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColorConfig {
    /// Directory names.
    pub directory: Color,
    /// Symlink names.
    pub symlink: Color,
    /// Names of files with an execute bit.
    pub executable: Color,
    /// Error marks and messages.
    pub error: Color,
    /// Background of the cursor line.
    pub selection_bg: Color,
    /// The size bars.
    pub bar: Color,
    /// Background of the status line.
    pub status_bg: Color,
    /// Audit findings.
    pub finding: Color,
}

impl Default for ColorConfig {
    fn default() -> Self {
        ColorConfig {
            directory: Color::LightBlue,
            symlink: Color::LightCyan,
            executable: Color::LightGreen,
            error: Color::LightRed,
            selection_bg: Color::DarkGray,
            bar: Color::Cyan,
            status_bg: Color::Blue,
            finding: Color::Yellow,
        }
    }
}

/// Parses a colour: a name (`red`, `lightblue`, `darkgray`, …), `#rrggbb`,
/// `indexed:NN` (0–255) or `reset` (the terminal's own colour).
pub fn parse_color(text: &str) -> Result<Color, String> {
    let trimmed = text.trim();
    if let Some(index) = trimmed.strip_prefix("indexed:") {
        return index
            .trim()
            .parse::<u8>()
            .map(Color::Indexed)
            .map_err(|_| format!("invalid colour {text:?}: indexed:NN needs NN from 0 to 255"));
    }
    // A bare number is also an index to ratatui; the file spells it
    // `indexed:NN` so that "1" is never mistaken for something else.
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid colour {text:?}: write indexed:{trimmed}"));
    }
    trimmed.parse::<Color>().map_err(|_| {
        format!(
            "invalid colour {text:?}: expected a name (red, lightblue, darkgray, …), \
             #rrggbb, indexed:NN or reset"
        )
    })
}

/// A colour as the TOML deserializer sees it, so that a bad one is reported
/// with its line and column.
#[derive(Debug, Clone, Copy)]
struct ColorValue(Color);

impl<'de> Deserialize<'de> for ColorValue {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = String::deserialize(de)?;
        parse_color(&text).map(ColorValue).map_err(serde::de::Error::custom)
    }
}

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
    fn with_path(self, file: &Path) -> Self {
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
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
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
        let text = std::fs::read_to_string(path).map_err(read_error)?;
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
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(text: &str) -> (Option<usize>, Option<usize>, String) {
        match Config::from_toml_str(text) {
            Err(ConfigError::Invalid { line, column, message, .. }) => (line, column, message),
            other => panic!("expected Invalid for {text:?}, got {other:?}"),
        }
    }

    #[test]
    fn the_default_file_parses_to_the_defaults() {
        assert_eq!(Config::from_toml_str(DEFAULT_CONFIG).unwrap(), Config::default());
        assert_eq!(Config::from_toml_str("").unwrap(), Config::default());
    }

    #[test]
    fn the_default_file_documents_every_action_and_option() {
        let keymap = KeyMap::default();
        for action in Action::ALL {
            let line = format!("{} = ", action.name());
            assert!(DEFAULT_CONFIG.contains(&line), "{} missing from assets/config.toml", action);
            // With its default keys, written the way the help shows them.
            let keys = keymap.keys(action).iter().map(|k| format!("{:?}", k.to_string()));
            let list = format!("{}[{}]", line, keys.collect::<Vec<_>>().join(", "));
            assert!(DEFAULT_CONFIG.contains(&list), "{list} not in assets/config.toml");
        }
        for option in [
            "[general]",
            "sort = ",
            "show_hidden = ",
            "[keys]",
            "[colors]",
            "directory = ",
            "symlink = ",
            "executable = ",
            "error = ",
            "selection_bg = ",
            "bar = ",
            "status_bg = ",
            "finding = ",
            "use_ls_colors = ",
        ] {
            assert!(DEFAULT_CONFIG.contains(option), "{option} missing from assets/config.toml");
        }
    }

    #[test]
    fn uncommenting_every_line_still_gives_the_defaults() {
        // Each option is commented out with its default value: removing the
        // leading "# " from those lines must not change anything.
        // Options are commented as "#option = value", prose as "# words".
        let active: String = DEFAULT_CONFIG
            .lines()
            .map(|line| match line.strip_prefix('#') {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphabetic()) => rest,
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect();
        assert_ne!(active, DEFAULT_CONFIG, "the default file has commented-out options");
        assert_eq!(Config::from_toml_str(&active).unwrap(), Config::default());
    }

    #[test]
    fn every_option_is_read() {
        let text = r##"
            [general]
            sort = "mtime"
            show_hidden = false

            [keys]
            move_down = ["k"]
            move_up = ["j", "ctrl-p"]
            quit = ["ctrl-q"]

            [colors]
            directory = "red"
            symlink = "#102030"
            executable = "indexed:208"
            error = "reset"
            selection_bg = "Light Blue"
            bar = "darkgray"
            status_bg = "black"
            finding = "magenta"
            use_ls_colors = false
        "##;
        let config = Config::from_toml_str(text).unwrap();
        assert_eq!(config.sort, SortKey::Mtime);
        assert!(!config.show_hidden);
        assert!(!config.use_ls_colors);
        assert_eq!(
            config.colors,
            ColorConfig {
                directory: Color::Red,
                symlink: Color::Rgb(0x10, 0x20, 0x30),
                executable: Color::Indexed(208),
                error: Color::Reset,
                selection_bg: Color::LightBlue,
                bar: Color::DarkGray,
                status_bg: Color::Black,
                finding: Color::Magenta,
            }
        );
        let key = |s: &str| s.parse::<Key>().unwrap();
        assert_eq!(config.keymap.action_for(key("k")), Some(Action::MoveDown));
        assert_eq!(config.keymap.action_for(key("ctrl-p")), Some(Action::MoveUp));
        assert_eq!(config.keymap.action_for(key("q")), None);
        assert_eq!(config.keymap.keys(Action::Quit), &[key("ctrl-q")]);
        // Untouched actions keep their defaults.
        assert_eq!(config.keymap.action_for(key("G")), Some(Action::Bottom));
    }

    #[test]
    fn errors_point_at_the_line_and_column() {
        let (line, column, message) = invalid("[general]\nsort = \"random\"\n");
        assert_eq!((line, column), (Some(2), Some(8)));
        assert!(message.contains("random") && message.contains("mtime"), "{message}");

        let (line, _, message) = invalid("[general]\nshow_hiden = true\n");
        assert_eq!(line, Some(2));
        assert!(message.contains("show_hiden"), "{message}");

        // toml places value errors inside an array at the array.
        let (line, column, message) = invalid("[keys]\nmove_down = [\"j\", \"ctrl-\"]\n");
        assert_eq!((line, column), (Some(2), Some(13)));
        assert!(message.contains("invalid key"), "{message}");

        let (line, _, message) = invalid("[keys]\nmove_dwn = [\"j\"]\n");
        assert_eq!(line, Some(2));
        assert!(message.contains("move_dwn") && message.contains("move_down"), "{message}");

        let (line, column, message) = invalid("[colors]\n\ndirectory = \"blurple\"\n");
        assert_eq!((line, column), (Some(3), Some(13)));
        assert!(message.contains("blurple"), "{message}");

        let (line, _, message) = invalid("[colours]\n");
        assert_eq!(line, Some(1));
        assert!(message.contains("colours"), "{message}");

        let (line, _, _) = invalid("[general\n");
        assert_eq!(line, Some(1));
        let (line, _, _) = invalid("[general]\nsort = name\n");
        assert_eq!(line, Some(2));
        let (line, _, _) = invalid("[keys]\nquit = \"q\"\n");
        assert_eq!(line, Some(2));
    }

    #[test]
    fn messages_never_carry_control_characters() {
        let text =
            Config::from_toml_str("[keys]\nquit = [\"\\u001b[2J\"]\n").unwrap_err().to_string();
        assert!(!text.contains('\x1b'), "{text}");
        assert!(text.contains("\\x1b[2J"), "{text}");
        let text = Config::from_toml_str("\"\\u202e\" = 1\n").unwrap_err().to_string();
        assert!(!text.contains('\u{202e}'), "{text}");
    }

    #[test]
    fn a_key_bound_twice_is_refused_by_name() {
        let err = Config::from_toml_str("[keys]\nfilter = [\"s\"]\n").unwrap_err();
        match &err {
            ConfigError::Keys { source: KeymapError::Conflict { key, first, second }, .. } => {
                assert_eq!(key.to_string(), "s");
                assert_eq!((*first, *second), (Action::Filter, Action::CycleSort));
            }
            other => panic!("{other:?}"),
        }
        let text = err.to_string();
        assert!(text.contains("filter") && text.contains("cycle_sort"), "{text}");
        // Swapping two keys is not a conflict.
        Config::from_toml_str("[keys]\nmove_down = [\"k\"]\nmove_up = [\"j\"]\n").unwrap();
        // Quit needs a key.
        let err = Config::from_toml_str("[keys]\nquit = []\n").unwrap_err();
        assert!(matches!(err, ConfigError::Keys { source: KeymapError::NoQuitKey, .. }));
    }

    #[test]
    fn colours_parse_in_every_spelling() {
        assert_eq!(parse_color("red"), Ok(Color::Red));
        assert_eq!(parse_color("lightblue"), Ok(Color::LightBlue));
        assert_eq!(parse_color("LightBlue"), Ok(Color::LightBlue));
        assert_eq!(parse_color("#ff8000"), Ok(Color::Rgb(255, 128, 0)));
        assert_eq!(parse_color("indexed:0"), Ok(Color::Indexed(0)));
        assert_eq!(parse_color("indexed:255"), Ok(Color::Indexed(255)));
        assert_eq!(parse_color("reset"), Ok(Color::Reset));
        for bad in ["indexed:256", "indexed:", "12", "#12345", "#gggggg", "", "blurple"] {
            assert!(parse_color(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sort_keys_cycle() {
        assert_eq!(SortKey::default(), SortKey::Name);
        assert_eq!(SortKey::Name.next(), SortKey::Size);
        assert_eq!(SortKey::Size.next(), SortKey::Mtime);
        assert_eq!(SortKey::Mtime.next(), SortKey::Name);
        let labels: Vec<_> =
            [SortKey::Name, SortKey::Size, SortKey::Mtime].map(SortKey::label).into();
        assert_eq!(labels, ["name", "size", "mtime"]);
    }

    #[test]
    fn files_on_disk_missing_broken_and_odd() {
        let dir = tempfile::tempdir().unwrap();

        // Missing: the defaults.
        assert_eq!(Config::load_from(&dir.path().join("none.toml")).unwrap(), Config::default());

        // Valid.
        let good = dir.path().join("good.toml");
        std::fs::write(&good, "[general]\nsort = \"size\"\n").unwrap();
        assert_eq!(Config::load_from(&good).unwrap().sort, SortKey::Size);

        // Invalid: the path, line and column are in the message.
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "[general]\nsort = \"size\"\nbogus = 1\n").unwrap();
        let err = Config::load_from(&bad).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ConfigError::Invalid { line: Some(3), .. }), "{err:?}");
        assert!(text.contains("bad.toml") && text.contains("line 3"), "{text}");

        // A key conflict names the file too.
        let clash = dir.path().join("clash.toml");
        std::fs::write(&clash, "[keys]\nhelp = [\"q\"]\n").unwrap();
        let text = Config::load_from(&clash).unwrap_err().to_string();
        assert!(text.contains("clash.toml") && text.contains("help"), "{text}");

        // A directory is not a config file.
        let err = Config::load_from(dir.path()).unwrap_err();
        assert!(matches!(err, ConfigError::NotAFile { .. }), "{err:?}");

        // Not UTF-8: a read error naming the file.
        let binary = dir.path().join("binary.toml");
        std::fs::write(&binary, b"\xff\xfe").unwrap();
        let err = Config::load_from(&binary).unwrap_err();
        assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
        assert!(err.to_string().contains("binary.toml"));
    }

    #[test]
    fn the_override_wins_and_the_default_is_under_the_config_dir() {
        assert_eq!(path_from(Some("/tmp/x.toml".into())), Some(PathBuf::from("/tmp/x.toml")));
        // Set but empty means "not set", as for most XDG-style variables.
        let fallback = path_from(Some(OsString::new()));
        assert_eq!(fallback, path_from(None));
        if let Some(path) = fallback {
            assert!(path.ends_with("statree/config.toml"), "{}", path.display());
        }
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("abc", 0), (1, 1));
        assert_eq!(line_column("a\nbc", 3), (2, 2));
        assert_eq!(line_column("é = 1", 3), (1, 3));
        assert_eq!(line_column("ab", 99), (1, 3));
    }
}
