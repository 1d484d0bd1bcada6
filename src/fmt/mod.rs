//! Text formatting shared by every layer that words something for a
//! person: sizes, digit groups, ages, column fitting, and times
//! ([`time`]). A leaf: it imports nothing of the crate but the scanner's
//! `Timespec`.

pub mod time;

use humansize::{BINARY, FormatSizeOptions, format_size};
use unicode_truncate::UnicodeTruncateStr;
use unicode_width::UnicodeWidthStr;

/// Human size with one decimal, binary units: `4.0 KiB`, `1.5 GiB`; whole
/// bytes below 1 KiB (`12 B`).
pub fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    format_size(bytes, FormatSizeOptions::from(BINARY).decimal_places(1).decimal_zeroes(1))
}

/// Cuts `text` to at most `width` terminal columns, ending with `…` when cut.
/// The cut falls between grapheme clusters (a letter keeps its combining
/// marks, a wide character is never halved: `unicode-truncate`), and never
/// inside one of the sanitizer's escapes (`\x1b`, `\u{202e}`, `\n`): one
/// cut short would read as different text, so it goes whole.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let (head, _) = text.unicode_truncate(width - 1);
    let cut = escape_start(text, head.len());
    format!("{}…", &text[..cut])
}

/// `at`, or the start of the escape `at` falls inside of. In sanitized text
/// a backslash always begins an escape.
fn escape_start(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < at {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let len = match bytes.get(i + 1) {
            Some(b'x') => 4,
            Some(b'u') => bytes[i..].iter().position(|&b| b == b'}').map_or(2, |end| end + 1),
            _ => 2,
        };
        if i + len > at {
            return i;
        }
        i += len;
    }
    at
}

/// A count and its noun, singular for one: `quantity(1, "entry", "entries")` →
/// `1 entry`, `quantity(1021, …)` → `1,021 entries`. Every count a report
/// shows goes through it, so none says "1 entries".
pub fn quantity(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", group_digits(n), if n == 1 { one } else { many })
}

/// Part of a count, the noun agreeing with the whole: `part_of(0, 1, "item",
/// "items")` → `0 of 1 item`, `part_of(1, 3, …)` → `1 of 3 items`.
pub fn part_of(part: u64, whole: u64, one: &str, many: &str) -> String {
    format!("{} of {}", group_digits(part), quantity(whole, one, many))
}

/// `1234567` → `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// "3 days ago", "in 5 min", "just now".
pub fn relative_age(seconds_ago: i64) -> String {
    let future = seconds_ago < 0;
    let s = seconds_ago.unsigned_abs();
    let (n, unit) = match s {
        0..=9 => return "just now".to_string(),
        10..=59 => (s, "s"),
        60..=3_599 => (s / 60, "min"),
        3_600..=86_399 => (s / 3_600, "h"),
        86_400..=2_591_999 => (s / 86_400, if s / 86_400 == 1 { "day" } else { "days" }),
        2_592_000..=31_535_999 => {
            (s / 2_592_000, if s / 2_592_000 == 1 { "month" } else { "months" })
        }
        _ => (s / 31_536_000, if s / 31_536_000 == 1 { "year" } else { "years" }),
    };
    if future { format!("in {n} {unit}") } else { format!("{n} {unit} ago") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_everything_else_plural() {
        assert_eq!(quantity(1, "entry", "entries"), "1 entry");
        assert_eq!(quantity(0, "entry", "entries"), "0 entries");
        assert_eq!(quantity(1021, "item", "items"), "1,021 items");
    }

    #[test]
    fn a_part_of_one_item_is_singular() {
        assert_eq!(part_of(1, 1, "item", "items"), "1 of 1 item");
        assert_eq!(part_of(0, 1, "item", "items"), "0 of 1 item");
        assert_eq!(part_of(1, 2, "item", "items"), "1 of 2 items");
        assert_eq!(part_of(1200, 1500, "item", "items"), "1,200 of 1,500 items");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(4096), "4.0 KiB");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(16399), "16.0 KiB");
        assert_eq!(human_size(3 << 30), "3.0 GiB");
    }

    #[test]
    fn fit_cuts_by_columns_with_an_ellipsis() {
        assert_eq!(fit("hello", 10), "hello");
        assert_eq!(fit("hello world", 5), "hell…");
        assert_eq!(fit("日本語テキスト", 5), "日本…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit("abc", 3), "abc");
    }

    #[test]
    fn fit_keeps_graphemes_whole() {
        // e + combining acute is one column and one grapheme.
        assert_eq!(fit("ae\u{301}bcd", 3), "ae\u{301}…");
        assert_eq!(fit("ae\u{301}bcd", 2), "a…");
        // A wide character that does not fit is left out, not halved.
        assert_eq!(fit("a日本", 3), "a…");
        assert_eq!(fit("a日本", 4), "a日…");
    }

    #[test]
    fn fit_never_splits_a_sanitizer_escape() {
        assert_eq!(fit("ab\\x1bcd", 5), "ab…");
        assert_eq!(fit("ab\\x1bcd", 7), "ab\\x1b…");
        assert_eq!(fit("a\\u{202e}bc", 6), "a…");
        assert_eq!(fit("a\\u{202e}bc", 10), "a\\u{202e}…");
        assert_eq!(fit("a\\nb", 3), "a…");
        assert_eq!(fit("a\\nbc", 4), "a\\n…");
        assert_eq!(fit("a\\nbc", 2), "a…");
        // An escaped backslash is an escape too.
        assert_eq!(fit("a\\\\bc", 2), "a…");
        // Text the sanitizer made is cut the same way.
        let shown = crate::sanitize::bytes(b"name\x1b[31m\xff tail").into_owned();
        for width in 1..shown.len() {
            let cut = fit(&shown, width);
            let kept = cut.trim_end_matches('…');
            assert!(shown.starts_with(kept), "{cut}");
            assert!(
                !kept.ends_with('\\') && !kept.ends_with("\\x") && !kept.ends_with("\\x1"),
                "{width}: {cut}"
            );
        }
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(990_112), "990,112");
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(relative_age(3), "just now");
        assert_eq!(relative_age(90), "1 min ago");
        assert_eq!(relative_age(3 * 86_400), "3 days ago");
        assert_eq!(relative_age(-7200), "in 2 h");
        assert_eq!(relative_age(400 * 86_400), "1 year ago");
    }
}
