//! The sanitizer on arbitrary bytes: no panic, nothing in the output that may
//! not reach a terminal, and injective — the output decodes back to the input,
//! and a second slice of the input shows differently whenever it differs.

#![no_main]

use libfuzzer_sys::fuzz_target;
use statree::sanitize;

fuzz_target!(|data: &[u8]| {
    let shown = sanitize::bytes(data);
    if let Some(bad) = shown.chars().find(|&c| forbidden(c)) {
        panic!("{data:?} shows {shown:?}, keeping {bad:?}");
    }
    assert_eq!(unescape(&shown), data, "cannot recover the input from {shown:?}");

    // The first byte picks a cut: compare the two halves, and the input with
    // its tail spelled out as the sanitizer writes it.
    let Some((&first, rest)) = data.split_first() else { return };
    let cut = usize::from(first) % (rest.len() + 1);
    let (head, tail) = rest.split_at(cut);
    if head != tail {
        assert_ne!(sanitize::bytes(head), sanitize::bytes(tail), "{head:?} vs {tail:?}");
    }
    let spelled = [head, sanitize::bytes(tail).as_bytes()].concat();
    if spelled != rest {
        assert_ne!(sanitize::bytes(rest), sanitize::bytes(&spelled), "{rest:?} vs {spelled:?}");
    }
});

/// Controls, bidi controls, line separators, default-ignorable code points
/// with the variation selectors, format characters, private use,
/// noncharacters and spaces other than U+0020 (the same list as `tests/props.rs`).
fn forbidden(ch: char) -> bool {
    let code = ch as u32;
    ch.is_control()
        || (ch.is_whitespace() && ch != ' ')
        || (0xfdd0..=0xfdef).contains(&code)
        || code & 0xfffe == 0xfffe
        || matches!(
            code,
            0x00a0
                | 0x00ad
                | 0x034f
                | 0x0600..=0x0605
                | 0x061c
                | 0x06dd
                | 0x070f
                | 0x0890..=0x0891
                | 0x08e2
                | 0x115f..=0x1160
                | 0x17b4..=0x17b5
                | 0x180b..=0x180d
                | 0x180e..=0x180f
                | 0x2000..=0x200f
                | 0x2028..=0x202f
                | 0x205f..=0x206f
                | 0x3000
                | 0x3164
                | 0xe000..=0xf8ff
                | 0xfe00..=0xfe0f
                | 0xfeff
                | 0xffa0
                | 0xfff0..=0xfffb
                | 0x110bd
                | 0x110cd
                | 0x13430..=0x1343f
                | 0x1bca0..=0x1bca3
                | 0x1d173..=0x1d17a
                | 0xe0000..=0xe0fff
                | 0xf0000..=0x10ffff
        )
}

/// Inverts the sanitizer's escapes; panics on text it cannot have written.
fn unescape(shown: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chars = shown.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
            continue;
        }
        match chars.next() {
            Some('\\') => out.push(b'\\'),
            Some('t') => out.push(b'\t'),
            Some('n') => out.push(b'\n'),
            Some('r') => out.push(b'\r'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).expect("two hex digits after \\x"));
            }
            Some('u') => {
                assert_eq!(chars.next(), Some('{'), "\\u{{ in {shown:?}");
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(&hex, 16).expect("hex after \\u{");
                let ch = char::from_u32(code).expect("a scalar value");
                out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
            }
            other => panic!("unknown escape \\{other:?} in {shown:?}"),
        }
    }
    out
}
