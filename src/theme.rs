//! Styles for the terminal UI, resolved once at start-up from the config, the
//! `NO_COLOR` convention and `LS_COLORS`. Widgets ask the theme for a style and
//! never pick colours themselves.

use lscolors::{Indicator, LsColors};
use ratatui::backend::FromCrossterm;
use ratatui::style::{Color, Modifier, Style};

use crate::audit::Severity;
use crate::config::ColorConfig;
use crate::model::FileKind;

/// The styles every widget draws with.
#[derive(Debug, Clone)]
pub struct Theme {
    /// `LS_COLORS`, when it is set, enabled and colours are allowed.
    ls_colors: Option<LsColors>,
    /// `NO_COLOR` is in force: nothing but the cursor is styled.
    no_color: bool,
    directory: Style,
    symlink: Style,
    executable: Style,
    selection: Style,
    error: Style,
    bar: Style,
    status: Style,
    dim: Style,
    finding: Style,
    /// Rows and panel lines with findings, by severity (high, medium, low, info).
    severities: [Style; 4],
}

impl Theme {
    /// The theme for this process: `NO_COLOR` (set and non-empty, per
    /// no-color.org) turns every colour off; otherwise `LS_COLORS` colours
    /// names when `use_ls_colors` is on and the variable is set.
    pub fn from_env(colors: &ColorConfig, use_ls_colors: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let ls_colors = if use_ls_colors && !no_color { LsColors::from_env() } else { None };
        Theme::new(colors, ls_colors, no_color)
    }

    /// A theme from explicit inputs (what `from_env` reads, passed in).
    pub fn new(colors: &ColorConfig, ls_colors: Option<LsColors>, no_color: bool) -> Self {
        if no_color {
            let plain = Style::default();
            return Theme {
                ls_colors: None,
                no_color,
                directory: plain,
                symlink: plain,
                executable: plain,
                // Reverse video is not a colour, and without it the cursor
                // would be invisible.
                selection: plain.add_modifier(Modifier::REVERSED),
                error: plain,
                bar: plain,
                status: plain,
                dim: plain,
                finding: plain,
                severities: [plain; 4],
            };
        }
        let fg = |color: Color| Style::default().fg(color);
        // A status line with a coloured background needs a foreground that
        // reads on it; with "reset" it is the terminal's own, reversed.
        let status = if colors.status_bg == Color::Reset {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().bg(colors.status_bg).fg(Color::White)
        };
        Theme {
            ls_colors,
            no_color,
            directory: fg(colors.directory).add_modifier(Modifier::BOLD),
            symlink: fg(colors.symlink),
            executable: fg(colors.executable).add_modifier(Modifier::BOLD),
            selection: if colors.selection_bg == Color::Reset {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default().bg(colors.selection_bg)
            },
            error: fg(colors.error),
            bar: fg(colors.bar),
            status,
            dim: fg(Color::DarkGray),
            finding: fg(colors.finding).add_modifier(Modifier::BOLD),
            // From the configured colours: high findings as errors, medium
            // and low in the finding colour (medium bold), info dim.
            severities: [
                fg(colors.error).add_modifier(Modifier::BOLD),
                fg(colors.finding).add_modifier(Modifier::BOLD),
                fg(colors.finding),
                fg(Color::DarkGray),
            ],
        }
    }

    /// True when `NO_COLOR` is in force.
    pub fn is_monochrome(&self) -> bool {
        self.no_color
    }

    /// The style of an entry's name. `name` is the raw name (for extension
    /// rules), `mode` the full `st_mode` (for the executable, setuid, setgid,
    /// sticky and other-writable rules). Needs no I/O: a broken symlink is
    /// styled as a symlink.
    pub fn name_style(&self, name: &[u8], kind: FileKind, mode: u32) -> Style {
        if let Some(ls) = &self.ls_colors {
            return ls_style(ls, name, kind, mode).unwrap_or_default();
        }
        match kind {
            FileKind::Dir => self.directory,
            FileKind::Symlink => self.symlink,
            FileKind::File if mode & 0o111 != 0 => self.executable,
            _ => Style::default(),
        }
    }

    /// The cursor line.
    pub fn selection(&self) -> Style {
        self.selection
    }

    /// Error marks and messages.
    pub fn error(&self) -> Style {
        self.error
    }

    /// Size bars and frame accents.
    pub fn bar(&self) -> Style {
        self.bar
    }

    /// The status line.
    pub fn status(&self) -> Style {
        self.status
    }

    /// Secondary text (hints, placeholders).
    pub fn dim(&self) -> Style {
        self.dim
    }

    /// Audit findings.
    pub fn finding(&self) -> Style {
        self.finding
    }

    /// An entry (or panel line) whose most severe finding has `severity`.
    pub fn severity(&self, severity: Severity) -> Style {
        self.severities[severity as usize]
    }
}

/// The `LS_COLORS` style for an entry, following `ls`'s precedence: the
/// special-permission indicators first, then (for plain files) the extension
/// rules, then the type's indicator with lscolors' own fallbacks.
fn ls_style(ls: &LsColors, name: &[u8], kind: FileKind, mode: u32) -> Option<Style> {
    let explicit = |indicator| ls.has_explicit_style_for(indicator);
    let indicator = match kind {
        FileKind::File => {
            if explicit(Indicator::Setuid) && mode & 0o4000 != 0 {
                Indicator::Setuid
            } else if explicit(Indicator::Setgid) && mode & 0o2000 != 0 {
                Indicator::Setgid
            } else if explicit(Indicator::ExecutableFile) && mode & 0o111 != 0 {
                Indicator::ExecutableFile
            } else {
                // Suffix rules match text; an invalid byte elsewhere in the
                // name must not stop "*.tar" from matching.
                let name = String::from_utf8_lossy(name);
                if let Some(style) = ls.style_for_str(&name) {
                    return Some(convert(style));
                }
                Indicator::RegularFile
            }
        }
        FileKind::Dir => {
            if explicit(Indicator::StickyAndOtherWritable) && mode & 0o1002 == 0o1002 {
                Indicator::StickyAndOtherWritable
            } else if explicit(Indicator::OtherWritable) && mode & 0o002 != 0 {
                Indicator::OtherWritable
            } else if explicit(Indicator::Sticky) && mode & 0o1000 != 0 {
                Indicator::Sticky
            } else {
                Indicator::Directory
            }
        }
        FileKind::Symlink => Indicator::SymbolicLink,
        FileKind::Fifo => Indicator::FIFO,
        FileKind::Socket => Indicator::Socket,
        FileKind::Block => Indicator::BlockDevice,
        FileKind::Char => Indicator::CharacterDevice,
        FileKind::Unknown => Indicator::MissingFile,
    };
    ls.style_for_indicator(indicator).map(convert)
}

/// lscolors' style, through crossterm's, into ratatui's.
fn convert(style: &lscolors::Style) -> Style {
    Style::from_crossterm(style.to_crossterm_style())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: u32 = 0o100_644;
    const EXEC: u32 = 0o100_755;
    const DIR: u32 = 0o040_755;
    const LINK: u32 = 0o120_777;

    fn config_theme() -> Theme {
        Theme::new(&ColorConfig::default(), None, false)
    }

    #[test]
    fn configured_colours_without_ls_colors() {
        let colors = ColorConfig::default();
        let theme = config_theme();
        assert_eq!(theme.name_style(b"d", FileKind::Dir, DIR).fg, Some(colors.directory));
        assert_eq!(theme.name_style(b"l", FileKind::Symlink, LINK).fg, Some(colors.symlink));
        assert_eq!(theme.name_style(b"x", FileKind::File, EXEC).fg, Some(colors.executable));
        assert_eq!(theme.name_style(b"x", FileKind::File, 0o100_744).fg, Some(colors.executable));
        assert_eq!(theme.name_style(b"f.tar", FileKind::File, FILE), Style::default());
        assert_eq!(theme.name_style(b"p", FileKind::Fifo, 0o010_644), Style::default());
        assert_eq!(theme.selection().bg, Some(colors.selection_bg));
        assert_eq!(theme.error().fg, Some(colors.error));
        assert_eq!(theme.bar().fg, Some(colors.bar));
        assert_eq!(theme.status().bg, Some(colors.status_bg));
        assert_eq!(theme.finding().fg, Some(colors.finding));
        assert_ne!(theme.dim(), Style::default());
        assert!(!theme.is_monochrome());
    }

    #[test]
    fn severities_take_the_error_and_finding_colours() {
        let colors = ColorConfig::default();
        let theme = config_theme();
        assert_eq!(theme.severity(Severity::High).fg, Some(colors.error));
        assert_eq!(theme.severity(Severity::Medium).fg, Some(colors.finding));
        assert_eq!(theme.severity(Severity::Low).fg, Some(colors.finding));
        assert_ne!(theme.severity(Severity::Medium), theme.severity(Severity::Low));
        assert_eq!(theme.severity(Severity::Info), theme.dim());
        let mono = Theme::new(&colors, None, true);
        assert_eq!(mono.severity(Severity::High), Style::default());
    }

    #[test]
    fn custom_colours_are_used() {
        let colors = ColorConfig {
            directory: Color::Rgb(1, 2, 3),
            error: Color::Indexed(9),
            selection_bg: Color::Reset,
            status_bg: Color::Reset,
            ..ColorConfig::default()
        };
        let theme = Theme::new(&colors, None, false);
        assert_eq!(theme.name_style(b"d", FileKind::Dir, DIR).fg, Some(Color::Rgb(1, 2, 3)));
        assert_eq!(theme.error().fg, Some(Color::Indexed(9)));
        // "reset" backgrounds fall back to reverse video, so the cursor and
        // the status line stay visible.
        assert!(theme.selection().add_modifier.contains(Modifier::REVERSED));
        assert!(theme.status().add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn no_color_leaves_only_the_reversed_cursor() {
        let ls = LsColors::from_string("di=01;34:*.tar=01;31");
        let theme = Theme::new(&ColorConfig::default(), Some(ls), true);
        assert!(theme.is_monochrome());
        for (name, kind, mode) in [
            (&b"d"[..], FileKind::Dir, DIR),
            (b"l", FileKind::Symlink, LINK),
            (b"x", FileKind::File, EXEC),
            (b"a.tar", FileKind::File, FILE),
        ] {
            assert_eq!(theme.name_style(name, kind, mode), Style::default());
        }
        for style in [theme.error(), theme.bar(), theme.status(), theme.dim(), theme.finding()] {
            assert_eq!(style, Style::default());
        }
        assert_eq!(theme.selection(), Style::default().add_modifier(Modifier::REVERSED));
    }

    #[test]
    fn ls_colors_by_kind_extension_and_mode() {
        let ls = LsColors::from_string(
            "di=01;34:ln=36:ex=32:su=37;41:tw=30;42:ow=34;42:pi=33:so=35:bd=33;01:cd=33;01:\
             *.tar=01;31:*.md=38;5;208:*.png=38;2;1;2;3",
        );
        let theme = Theme::new(&ColorConfig::default(), Some(ls), false);
        let dir = theme.name_style(b"d", FileKind::Dir, DIR);
        assert_eq!(dir.fg, Some(Color::Blue));
        assert!(dir.add_modifier.contains(Modifier::BOLD));
        assert_eq!(theme.name_style(b"l", FileKind::Symlink, LINK).fg, Some(Color::Cyan));
        assert_eq!(theme.name_style(b"x", FileKind::File, EXEC).fg, Some(Color::Green));
        // Permission indicators take precedence over the extension, as in ls.
        assert_eq!(theme.name_style(b"x.tar", FileKind::File, EXEC).fg, Some(Color::Green));
        let setuid = theme.name_style(b"s", FileKind::File, 0o104_755);
        assert_eq!((setuid.fg, setuid.bg), (Some(Color::Gray), Some(Color::Red)));
        let tar = theme.name_style(b"a.tar", FileKind::File, FILE);
        assert_eq!(tar.fg, Some(Color::Red));
        assert!(tar.add_modifier.contains(Modifier::BOLD));
        assert_eq!(
            theme.name_style(b"README.md", FileKind::File, FILE).fg,
            Some(Color::Indexed(208))
        );
        assert_eq!(theme.name_style(b"i.png", FileKind::File, FILE).fg, Some(Color::Rgb(1, 2, 3)));
        // An invalid byte elsewhere in the name does not stop the suffix rule.
        assert_eq!(theme.name_style(b"\xffa.tar", FileKind::File, FILE).fg, Some(Color::Red));
        // No rule for plain files: unstyled.
        assert_eq!(theme.name_style(b"plain", FileKind::File, FILE), Style::default());
        // Directory permission indicators.
        assert_eq!(theme.name_style(b"tmp", FileKind::Dir, 0o041_777).bg, Some(Color::Green));
        assert_eq!(theme.name_style(b"pub", FileKind::Dir, 0o040_777).bg, Some(Color::Green));
        assert_eq!(theme.name_style(b"pub", FileKind::Dir, 0o040_777).fg, Some(Color::Blue));
        assert_eq!(theme.name_style(b"p", FileKind::Fifo, 0o010_644).fg, Some(Color::Yellow));
        assert_eq!(theme.name_style(b"s", FileKind::Socket, 0o140_755).fg, Some(Color::Magenta));
        assert_eq!(theme.name_style(b"b", FileKind::Block, 0o060_660).fg, Some(Color::Yellow));
        assert_eq!(theme.name_style(b"c", FileKind::Char, 0o020_666).fg, Some(Color::Yellow));
        // The non-name styles still come from the config.
        assert_eq!(theme.error().fg, Some(ColorConfig::default().error));
    }

    #[test]
    fn ls_colors_without_an_executable_rule_use_the_extension() {
        let ls = LsColors::from_string("ex=:*.sh=35");
        let theme = Theme::new(&ColorConfig::default(), Some(ls), false);
        assert_eq!(theme.name_style(b"run.sh", FileKind::File, EXEC).fg, Some(Color::Magenta));
        assert_eq!(theme.name_style(b"run", FileKind::File, EXEC), Style::default());
    }
}
