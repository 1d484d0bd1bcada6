//! How a path travels in JSON.
//!
//! A path that is valid UTF-8 is a JSON string. Any other path — Linux names
//! are arbitrary bytes — is a JSON array of its byte values (`[47,116,255]`),
//! so that every path round-trips exactly and no consumer has to guess at an
//! escape convention. Consumers decode with [`decode`] (or, in Python,
//! `p if isinstance(p, str) else bytes(p)`).

use std::io::Write as _;

use serde_json::Value;

/// Appends the JSON encoding of `raw` to `out`.
pub fn encode(raw: &[u8], out: &mut Vec<u8>) {
    match std::str::from_utf8(raw) {
        Ok(text) => string(text, out),
        Err(_) => {
            out.push(b'[');
            for (i, byte) in raw.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                // Writing into a Vec cannot fail.
                let _ = write!(out, "{byte}");
            }
            out.push(b']');
        }
    }
}

/// Appends `text` as a JSON string that is also safe to show on a terminal:
/// besides what JSON requires (quote, backslash, C0 controls), every
/// character the sanitizer would not let through as itself — DEL, C1
/// controls such as U+009B (a CSI on 8-bit terminals), bidi overrides and
/// invisible characters — is written as a `\uXXXX` escape. Any JSON parser
/// reads back exactly the same text.
pub fn string(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // Printable ASCII but the quote and the backslash is written as
        // itself (the sanitizer lets it through): copied a run at a time.
        let run = bytes[at..]
            .iter()
            .position(|&b| !matches!(b, 0x20..=0x7e) || b == b'"' || b == b'\\')
            .unwrap_or(bytes.len() - at);
        out.extend_from_slice(&bytes[at..at + run]);
        at += run;
        let Some(ch) = text[at..].chars().next() else { break };
        at += ch.len_utf8();
        match ch {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if crate::sanitize::is_unsafe(c) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    // Writing into a Vec cannot fail.
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    out.push(b'"');
}

/// The raw bytes of an encoded path, or `None` when `value` is not one.
pub fn decode(value: &Value) -> Option<Vec<u8>> {
    match value {
        Value::String(text) => Some(text.as_bytes().to_vec()),
        Value::Array(items) => {
            items.iter().map(|item| item.as_u64().and_then(|n| u8::try_from(n).ok())).collect()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_escape_what_a_terminal_must_not_see_and_read_back_exactly() {
        for text in [
            "plain",
            "a\"b\\c\n\t\r",
            "csi\u{9b}31m del\u{7f} esc\u{1b}[0m",
            "rlo\u{202e}txt",
            "zw\u{200b}j \u{feff}",
            "tag\u{e0041} é 😀",
        ] {
            let mut out = Vec::new();
            super::string(text, &mut out);
            let shown = std::str::from_utf8(&out).unwrap();
            assert!(
                !shown
                    .chars()
                    .any(|c| c.is_control() || crate::sanitize::is_unsafe(c) && c != '\\'),
                "{shown:?}"
            );
            let back: String = serde_json::from_slice(&out).unwrap();
            assert_eq!(back, text);
        }
    }

    use super::*;

    fn round_trip(raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        encode(raw, &mut out);
        let value: Value = serde_json::from_slice(&out).expect("valid JSON");
        decode(&value).expect("decodable")
    }

    /// The run copied as it is must be what the character loop would write.
    #[test]
    fn printable_ascii_passes_the_sanitizer() {
        for b in (0x20u8..=0x7e).filter(|b| !matches!(b, b'"' | b'\\')) {
            assert!(!crate::sanitize::is_unsafe(char::from(b)), "{b:#x}");
        }
    }

    #[test]
    fn utf8_paths_are_strings() {
        let mut out = Vec::new();
        encode("./a b/\u{e9}\n".as_bytes(), &mut out);
        assert_eq!(out, b"\"./a b/\xc3\xa9\\n\"");
    }

    #[test]
    fn other_paths_are_byte_arrays() {
        let mut out = Vec::new();
        encode(b"./\xff", &mut out);
        assert_eq!(out, b"[46,47,255]");
    }

    #[test]
    fn every_byte_round_trips() {
        for byte in 0..=255u8 {
            let raw = [b'd', b'/', byte, b'x'];
            assert_eq!(round_trip(&raw), raw);
        }
        assert_eq!(round_trip(b""), b"");
        assert_eq!(round_trip(b"\xc3"), b"\xc3");
    }
}
