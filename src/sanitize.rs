//! The one sanitizer: every file name or path that reaches a terminal (or a
//! line-oriented listing) goes through here.
//!
//! The output is injective — two different byte strings never render the same —
//! and contains no control characters and no bidi or invisible characters:
//!
//! * `\` becomes `\\`, so every escape below is unambiguous;
//! * a byte that is not part of valid UTF-8 becomes `\xNN` (NN ≥ 80);
//! * C0 controls and DEL become `\xNN` (NN < 80) — `\t`, `\n`, `\r` get their
//!   familiar short forms;
//! * C1 controls (U+0080–U+009F), bidi controls (U+061C, U+200E–U+200F,
//!   U+202A–U+202E, U+2066–U+2069), zero-width and invisible characters
//!   (U+00AD, U+180E, U+200B–U+200D, U+2028–U+2029, U+2060–U+2064, U+FEFF) and
//!   unassigned-looking private controls become `\u{XXXX}`;
//! * so does the rest of Unicode's default-ignorable set, which renders as
//!   nothing: U+034F, the Hangul fillers (U+115F–U+1160, U+3164, U+FFA0),
//!   U+17B4–U+17B5, U+180B–U+180F, U+2065, U+FFF0–U+FFF8, U+1BCA0–U+1BCA3,
//!   U+1D173–U+1D17A and the tag characters (U+E0000–U+E0FFF) — but not the
//!   variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF), which only pick
//!   the glyph of the visible character before them, as in emoji.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Renders raw name bytes for a terminal.
pub fn bytes(raw: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(raw)
        && !text.chars().any(needs_escape)
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(raw.len() + 8);
    for chunk in raw.utf8_chunks() {
        for ch in chunk.valid().chars() {
            push_char(&mut out, ch);
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    Cow::Owned(out)
}

/// Renders an `OsStr` for a terminal.
pub fn os(raw: &OsStr) -> Cow<'_, str> {
    bytes(raw.as_bytes())
}

/// Renders a path for a terminal.
pub fn path(raw: &Path) -> Cow<'_, str> {
    bytes(raw.as_os_str().as_bytes())
}

/// Renders already-decoded text (messages that embed foreign strings).
pub fn text(raw: &str) -> Cow<'_, str> {
    bytes(raw.as_bytes())
}

fn push_char(out: &mut String, ch: char) {
    match ch {
        '\\' => out.push_str("\\\\"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x20 || c == '\x7f' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if needs_escape(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// True for every character that must not reach a terminal as itself
/// (the JSON output escapes the same set).
pub fn is_unsafe(ch: char) -> bool {
    needs_escape(ch)
}

/// True for every character that must not reach a terminal as itself.
fn needs_escape(ch: char) -> bool {
    matches!(
        ch as u32,
        0x00..=0x1f
            | 0x5c // backslash: escaped so the escapes stay unambiguous
            | 0x7f..=0x9f
            | 0xad
            | 0x034f
            | 0x061c
            | 0x115f..=0x1160
            | 0x17b4..=0x17b5
            | 0x180b..=0x180f
            | 0x200b..=0x200f
            | 0x2028..=0x202e
            | 0x2060..=0x206f
            | 0x3164
            | 0xfeff
            | 0xffa0
            | 0xfff0..=0xfffb
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0000..=0xe00ff
            | 0xe01f0..=0xe0fff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass_through_borrowed() {
        assert!(matches!(bytes(b"src/main.rs"), Cow::Borrowed("src/main.rs")));
        assert_eq!(bytes("caf\u{e9} \u{1f600}".as_bytes()), "caf\u{e9} \u{1f600}");
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(bytes(b"a\x1b[31mb"), "a\\x1b[31mb");
        assert_eq!(bytes(b"line\nbreak\ttab\rcr\x7f"), "line\\nbreak\\ttab\\rcr\\x7f");
        assert_eq!(bytes("c1\u{9b}x".as_bytes()), "c1\\u{9b}x");
    }

    #[test]
    fn bidi_and_invisible_are_escaped() {
        assert_eq!(bytes("a\u{202e}b".as_bytes()), "a\\u{202e}b");
        assert_eq!(bytes("\u{200b}\u{feff}\u{2066}".as_bytes()), "\\u{200b}\\u{feff}\\u{2066}");
    }

    #[test]
    fn default_ignorable_characters_are_escaped_but_variation_selectors_kept() {
        assert_eq!(bytes("a\u{3164}".as_bytes()), "a\\u{3164}");
        assert_eq!(bytes("\u{115f}\u{ffa0}\u{34f}".as_bytes()), "\\u{115f}\\u{ffa0}\\u{34f}");
        assert_eq!(bytes("\u{2065}".as_bytes()), "\\u{2065}");
        // Tag characters can spell hidden text after a visible name.
        assert_eq!(bytes("x\u{e0041}\u{e007f}".as_bytes()), "x\\u{e0041}\\u{e007f}");
        assert_eq!(bytes("\u{2764}\u{fe0f}".as_bytes()), "\u{2764}\u{fe0f}");
        assert_eq!(bytes("\u{845b}\u{e0100}".as_bytes()), "\u{845b}\u{e0100}");
    }

    #[test]
    fn invalid_utf8_bytes_are_hex_escaped() {
        assert_eq!(bytes(b"bad\xff\xfename"), "bad\\xff\\xfename");
    }

    #[test]
    fn escapes_are_injective() {
        // The literal text of an escape and the byte it stands for differ.
        assert_ne!(bytes(b"\\x1b"), bytes(b"\x1b"));
        assert_ne!(bytes(b"\\xff"), bytes(b"\xff"));
        // A raw invalid byte 0x85 and the C1 character U+0085 differ.
        assert_ne!(bytes(b"\x85"), bytes("\u{85}".as_bytes()));
        assert_ne!(bytes(b"\n"), bytes(b"\\n"));
    }

    #[test]
    fn output_never_contains_controls() {
        let all: Vec<u8> = (0u8..=255).collect();
        let shown = bytes(&all);
        assert!(!shown.chars().any(|c| c.is_control()));
    }
}
