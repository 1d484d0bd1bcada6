//! The way back from [`crate::sanitize`]: text written with its escapes
//! (`\\`, `\n`, `\t`, `\r`, `\xNN`, `\u{X}`) decoded to the exact bytes it
//! stands for, so a name shown or written for an editor comes back byte for
//! byte (`\xNN` is the raw byte NN, valid UTF-8 or not; `\u{X}` the UTF-8 of
//! the character X). Anything else is taken as it is. A backslash that
//! starts no escape is an error, not a guess: the sanitizer always writes a
//! literal backslash as `\\`.

/// Decodes one line written with the sanitizer's escapes.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((at, ch)) = chars.next() {
        if ch != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let bad = |what: &str| format!("column {}: {what} (a backslash is written \\\\)", at + 1);
        match chars.next().map(|(_, c)| c) {
            Some('\\') => out.push(b'\\'),
            Some('n') => out.push(b'\n'),
            Some('t') => out.push(b'\t'),
            Some('r') => out.push(b'\r'),
            Some('x') => {
                let hex: String = (0..2).filter_map(|_| chars.next().map(|(_, c)| c)).collect();
                let byte = (hex.len() == 2)
                    .then(|| u8::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .ok_or_else(|| bad("\\x needs two hex digits"))?;
                out.push(byte);
            }
            Some('u') => {
                if chars.next().map(|(_, c)| c) != Some('{') {
                    return Err(bad("\\u needs {hex}"));
                }
                let mut hex = String::new();
                loop {
                    match chars.next().map(|(_, c)| c) {
                        Some('}') => break,
                        Some(c) if c.is_ascii_hexdigit() && hex.len() < 6 => hex.push(c),
                        _ => return Err(bad("\\u{…} needs up to six hex digits and a '}'")),
                    }
                }
                let ch = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| bad("\\u{…} is not a character"))?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            Some(_) | None => return Err(bad("unknown escape")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize;

    #[test]
    fn every_sanitized_name_decodes_back_exactly() {
        let names: &[&[u8]] = &[
            b"plain.txt",
            b"back\\slash",
            b"\\x41 is not A",
            b"two\nlines\ttab\rcr",
            b"bad\xff\xfename",
            b"\x1b[31mred\x7f",
            "c1\u{85}\u{202e}bidi\u{200b}".as_bytes(),
            "\u{300}mark caf\u{e9} \u{1f600}".as_bytes(),
            b"\xcc\x80\xff",
        ];
        for name in names {
            let shown = sanitize::bytes(name);
            assert_eq!(decode(&shown).as_deref(), Ok(*name), "{shown}");
        }
        let all: Vec<u8> = (1u8..=255).collect();
        assert_eq!(decode(&sanitize::bytes(&all)).unwrap(), all);
    }

    #[test]
    fn a_stray_backslash_is_an_error() {
        for bad in ["a\\", "a\\q", "\\x4", "\\xzz", "\\u41", "\\u{110000}", "\\u{41"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
