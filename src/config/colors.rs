//! The `[colors]` section: the configured colours and how a colour is
//! written in the file.

use ratatui::style::Color;
use serde::Deserialize;

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
pub(super) struct ColorValue(pub(super) Color);

impl<'de> Deserialize<'de> for ColorValue {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = String::deserialize(de)?;
        parse_color(&text).map(ColorValue).map_err(serde::de::Error::custom)
    }
}
