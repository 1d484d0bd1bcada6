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
        Ok(text) => {
            // Writing a str into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, text);
        }
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
    use super::*;

    fn round_trip(raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        encode(raw, &mut out);
        let value: Value = serde_json::from_slice(&out).expect("valid JSON");
        decode(&value).expect("decodable")
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
