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
//! * every character whose Unicode general category (from the generated
//!   tables of `unicode-general-category`, not a hand list) makes it invisible
//!   or look like another becomes `\u{XXXX}`: controls (Cc: C1 included),
//!   format characters (Cf: bidi controls, zero-width joiners, U+0600–U+0605,
//!   U+110BD, …), private-use (Co), unassigned code points and the
//!   noncharacters among them (Cn: U+FDD0–U+FDEF and U+xFFFE–U+xFFFF in every
//!   plane), the spaces other than U+0020 (Zs: U+00A0, U+2000–U+200A, U+3000,
//!   …) and the line and paragraph separators (Zl, Zp);
//! * so do the variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF: `❤\u{fe0f}`
//!   and `❤` must not look the same) and the rest of Unicode's
//!   default-ignorable set, which renders as nothing: U+034F, the Hangul
//!   fillers (U+115F–U+1160, U+3164, U+FFA0), U+17B4–U+17B5, U+180B–U+180F,
//!   U+FFF0–U+FFF8, U+1BCA0–U+1BCA3, U+1D173–U+1D17A and the tag characters
//!   (U+E0000–U+E0FFF);
//! * a combining mark (Mn, Mc, Me) with nothing visible of the name to attach
//!   to — at the start, after a `/`, or after an escape — becomes `\u{XXXX}`
//!   too: a terminal would draw it on the cell before the name, or drop it.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use unicode_general_category::{GeneralCategory, get_general_category};

/// Renders raw name bytes for a terminal.
pub fn bytes(raw: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(raw)
        && !escapes_any(text)
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(raw.len() + 8);
    // The last character written as itself, `None` at the start and after an
    // escape: what a combining mark would attach to.
    let mut base: Option<char> = None;
    for chunk in raw.utf8_chunks() {
        for ch in chunk.valid().chars() {
            base = push_char(&mut out, ch, base);
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
            base = None;
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

/// True when `text` has a character that [`push_char`] would escape.
fn escapes_any(text: &str) -> bool {
    let mut base = None;
    for ch in text.chars() {
        if needs_escape(ch) || is_unattached_mark(ch, base) {
            return true;
        }
        base = Some(ch);
    }
    false
}

/// A combining mark with no visible base of the name to attach to.
fn is_unattached_mark(ch: char, base: Option<char>) -> bool {
    matches!(base, None | Some('/')) && is_mark(ch)
}

fn is_mark(ch: char) -> bool {
    // No combining mark precedes U+0300.
    (ch as u32) >= 0x300
        && matches!(
            get_general_category(ch),
            GeneralCategory::NonspacingMark
                | GeneralCategory::SpacingMark
                | GeneralCategory::EnclosingMark
        )
}

/// Writes `ch` after the raw `base`; returns the new base.
fn push_char(out: &mut String, ch: char, base: Option<char>) -> Option<char> {
    match ch {
        '\\' => out.push_str("\\\\"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x20 || c == '\x7f' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if needs_escape(c) || is_unattached_mark(c, base) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => {
            out.push(c);
            return Some(c);
        }
    }
    None
}

/// True for every character that must not reach a terminal as itself
/// (the JSON output escapes the same set).
pub fn is_unsafe(ch: char) -> bool {
    needs_escape(ch)
}

/// True for every character that must not reach a terminal as itself,
/// wherever it stands.
fn needs_escape(ch: char) -> bool {
    if ch.is_ascii() {
        // The common case, without the table look-up.
        return ch.is_ascii_control() || ch == '\\';
    }
    match get_general_category(ch) {
        GeneralCategory::Control
        | GeneralCategory::Format
        | GeneralCategory::PrivateUse
        | GeneralCategory::Unassigned
        | GeneralCategory::Surrogate
        | GeneralCategory::LineSeparator
        | GeneralCategory::ParagraphSeparator => true,
        GeneralCategory::SpaceSeparator => ch != ' ',
        _ => matches!(
            ch as u32,
            0x5c // backslash: escaped so the escapes stay unambiguous
                // Default-ignorable characters outside Cf: they draw nothing.
                | 0x034f
                | 0x115f..=0x1160
                | 0x17b4..=0x17b5
                | 0x180b..=0x180f
                | 0x3164
                | 0xffa0
                | 0xfff0..=0xfff8
                | 0x1bca0..=0x1bca3
                | 0x1d173..=0x1d17a
                | 0xe0000..=0xe00ff
                | 0xe01f0..=0xe0fff
                // Variation selectors: invisible, they only change the glyph.
                | 0xfe00..=0xfe0f
                | 0xe0100..=0xe01ef
        ),
    }
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
    fn default_ignorable_characters_are_escaped() {
        assert_eq!(bytes("a\u{3164}".as_bytes()), "a\\u{3164}");
        assert_eq!(bytes("\u{115f}\u{ffa0}\u{34f}".as_bytes()), "\\u{115f}\\u{ffa0}\\u{34f}");
        assert_eq!(bytes("\u{2065}".as_bytes()), "\\u{2065}");
        // Tag characters can spell hidden text after a visible name.
        assert_eq!(bytes("x\u{e0041}\u{e007f}".as_bytes()), "x\\u{e0041}\\u{e007f}");
    }

    #[test]
    fn variation_selectors_are_made_visible() {
        // Issue 14 §3: left raw before, `report.pdf\u{fe0f}` showed as `report.pdf`.
        assert_eq!(bytes("\u{2764}\u{fe0f}".as_bytes()), "\u{2764}\\u{fe0f}");
        assert_eq!(bytes("\u{845b}\u{e0100}".as_bytes()), "\u{845b}\\u{e0100}");
        assert_eq!(bytes("report.pdf\u{fe0f}".as_bytes()), "report.pdf\\u{fe0f}");
    }

    #[test]
    fn names_that_would_look_the_same_show_escapes() {
        for (raw, shown) in [
            ("\u{300}report.pdf", "\\u{300}report.pdf"),
            ("dir/\u{20dd}x", "dir/\\u{20dd}x"),
            ("report\u{fffe}.pdf", "report\\u{fffe}.pdf"),
            ("a\u{fdd0}\u{1ffff}\u{10fffe}", "a\\u{fdd0}\\u{1ffff}\\u{10fffe}"),
            ("\u{600}\u{6dd}\u{70f}\u{890}\u{8e2}", "\\u{600}\\u{6dd}\\u{70f}\\u{890}\\u{8e2}"),
            ("x\u{110bd}\u{13430}", "x\\u{110bd}\\u{13430}"),
            ("p\u{e000}\u{f0000}", "p\\u{e000}\\u{f0000}"),
            ("a\u{a0}b\u{2007}c\u{3000}d\u{202f}", "a\\u{a0}b\\u{2007}c\\u{3000}d\\u{202f}"),
        ] {
            assert_eq!(bytes(raw.as_bytes()), shown, "{raw:?}");
        }
        // A mark on a visible base is part of the name's text.
        assert_eq!(bytes("re\u{301}sume\u{301}".as_bytes()), "re\u{301}sume\u{301}");
        assert_eq!(bytes("a b".as_bytes()), "a b");
        // After an escape there is no base either.
        assert_eq!(bytes(b"\xff\xcc\x80"), "\\xff\\u{300}");
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
