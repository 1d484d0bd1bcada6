//! The `[open]` section: what `Enter` on a file runs. Rules match the name
//! (a glob) or the MIME type guessed from its extension; the first rule that
//! matches decides, and a file no rule matches goes to the system's opener
//! (`$OPENER`, else `xdg-open` and its kin).

use glob::{MatchOptions, Pattern};
use serde::Deserialize;

/// What a rule runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenWith {
    /// `$PAGER` (else `less`), with the terminal handed over.
    Pager,
    /// `$VISUAL` / `$EDITOR` (else `vi`), with the terminal handed over.
    Editor,
    /// A command line, split as a shell would split it; the file is its
    /// last argument.
    Command {
        /// Program and arguments.
        words: Vec<String>,
        /// Hand it the terminal and wait (`true`), or start it detached.
        terminal: bool,
    },
}

/// What a rule looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Matcher {
    /// The file name (not the path), e.g. `*.log`.
    Glob(Pattern),
    /// The MIME type guessed from the extension, e.g. `image/*`.
    Mime(Pattern),
}

/// One `[[open.rules]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawRule")]
pub struct OpenRule {
    matcher: Matcher,
    /// What runs when it matches.
    pub with: OpenWith,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    glob: Option<String>,
    mime: Option<String>,
    with: String,
    terminal: Option<bool>,
}

impl TryFrom<RawRule> for OpenRule {
    type Error = String;

    fn try_from(raw: RawRule) -> Result<Self, String> {
        let pattern = |text: &str| {
            Pattern::new(text).map_err(|e| format!("bad pattern \"{text}\": {}", e.msg))
        };
        let matcher = match (raw.glob.as_deref(), raw.mime.as_deref()) {
            (Some(glob), None) => Matcher::Glob(pattern(glob)?),
            (None, Some(mime)) => Matcher::Mime(pattern(&mime.to_ascii_lowercase())?),
            _ => return Err("a rule needs exactly one of `glob` and `mime`".into()),
        };
        let with = match (raw.with.as_str(), raw.terminal) {
            ("pager", None | Some(true)) => OpenWith::Pager,
            ("editor", None | Some(true)) => OpenWith::Editor,
            ("pager" | "editor", Some(false)) => {
                return Err(format!("\"{}\" always runs in the terminal", raw.with));
            }
            (command, terminal) => {
                let words = shell_words::split(command)
                    .map_err(|e| format!("cannot split \"{command}\": {e}"))?;
                if words.is_empty() {
                    return Err("`with` is empty".into());
                }
                OpenWith::Command { words, terminal: terminal.unwrap_or(false) }
            }
        };
        Ok(OpenRule { matcher, with })
    }
}

impl OpenRule {
    /// True when the rule applies to a file of this name.
    pub fn matches(&self, name: &[u8]) -> bool {
        let name = String::from_utf8_lossy(name);
        // `*` must match a leading dot too: `*.log` is meant for `.x.log`.
        let options = MatchOptions { require_literal_leading_dot: false, ..MatchOptions::new() };
        match &self.matcher {
            Matcher::Glob(pattern) => pattern.matches_with(&name, options),
            Matcher::Mime(pattern) => mime_guess::from_path(name.as_ref())
                .iter()
                .any(|mime| pattern.matches_with(mime.essence_str(), options)),
        }
    }
}

/// The `[open]` section, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenConfig {
    /// Tried in order; the first match decides.
    pub rules: Vec<OpenRule>,
    /// `$OPENER` gets the terminal (and is waited for) rather than being
    /// started detached.
    pub opener_terminal: bool,
}

impl Default for OpenConfig {
    fn default() -> Self {
        // A terminal opener started detached would have no terminal and be
        // lost; a graphical one run in the terminal only makes us wait.
        OpenConfig { rules: Vec::new(), opener_terminal: true }
    }
}

impl OpenConfig {
    /// The first rule's program for a file of this name, if a rule matches.
    pub fn rule_for(&self, name: &[u8]) -> Option<&OpenWith> {
        self.rules.iter().find(|rule| rule.matches(name)).map(|rule| &rule.with)
    }
}

/// The section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawOpen {
    pub(super) opener_terminal: Option<bool>,
    pub(super) rules: Vec<OpenRule>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str) -> Result<OpenRule, String> {
        #[derive(Deserialize)]
        struct One {
            rule: OpenRule,
        }
        toml::from_str::<One>(&format!("[rule]\n{text}")).map(|o| o.rule).map_err(|e| e.to_string())
    }

    #[test]
    fn globs_match_names_and_mime_rules_match_guessed_types() {
        let log = rule("glob = \"*.log\"\nwith = \"pager\"").unwrap();
        assert!(log.matches(b"big.log"));
        assert!(log.matches(b".hidden.log"));
        assert!(log.matches(b"bad\xff.log"));
        assert!(!log.matches(b"log.txt"));
        assert_eq!(log.with, OpenWith::Pager);
        let images = rule("mime = \"image/*\"\nwith = \"feh --scale-down\"").unwrap();
        assert!(images.matches(b"a.PNG"));
        assert!(images.matches(b"photo.jpeg"));
        assert!(!images.matches(b"notes.txt"));
        let words = vec!["feh".to_string(), "--scale-down".to_string()];
        assert_eq!(images.with, OpenWith::Command { words, terminal: false });
        let vim = rule("glob = \"*.rs\"\nwith = 'vim \"+set ro\"'\nterminal = true").unwrap();
        let words = vec!["vim".to_string(), "+set ro".to_string()];
        assert_eq!(vim.with, OpenWith::Command { words, terminal: true });
    }

    #[test]
    fn bad_rules_say_what_is_wrong() {
        for (text, why) in [
            ("with = \"pager\"", "exactly one of"),
            ("glob = \"*\"\nmime = \"x/*\"\nwith = \"pager\"", "exactly one of"),
            ("glob = \"[\"\nwith = \"pager\"", "bad pattern"),
            ("glob = \"*\"\nwith = \"less 'unbalanced\"", "cannot split"),
            ("glob = \"*\"\nwith = \"\"", "empty"),
            ("glob = \"*\"\nwith = \"pager\"\nterminal = false", "always runs in the terminal"),
            ("glob = \"*\"\nwith = \"pager\"\ncolour = 1", "unknown field"),
        ] {
            let err = rule(text).unwrap_err();
            assert!(err.contains(why), "{text:?}: {err}");
        }
    }

    #[test]
    fn the_first_matching_rule_decides() {
        let config = OpenConfig {
            rules: vec![
                rule("glob = \"*.log\"\nwith = \"editor\"").unwrap(),
                rule("mime = \"text/*\"\nwith = \"pager\"").unwrap(),
            ],
            opener_terminal: true,
        };
        assert_eq!(config.rule_for(b"x.log"), Some(&OpenWith::Editor));
        assert_eq!(config.rule_for(b"x.txt"), Some(&OpenWith::Pager));
        assert_eq!(config.rule_for(b"x.bin"), None);
    }
}
