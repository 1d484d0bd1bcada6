//! The hot spots of a record, written without `fmt` machinery or a String
//! a field: numbers digit by digit, and RFC 3339 times computed from the
//! day count (1970 to the end of 9999-12-29; anything else goes through
//! [`rfc3339_utc`], so the text is the same either way).

use crate::fmt::time::rfc3339_utc;
use crate::scan::Timespec;

/// `,"key":value`.
pub fn push_num(line: &mut Vec<u8>, key: &str, value: u64) {
    line.extend_from_slice(b",\"");
    line.extend_from_slice(key.as_bytes());
    line.extend_from_slice(b"\":");
    push_u64(line, value);
}

/// The decimal digits of `value`.
pub fn push_u64(line: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    line.extend_from_slice(&digits[at..]);
}

/// 9999-12-29T23:59:59Z, the last second the fast path writes (jiff's
/// timestamps end on 9999-12-30; what it cannot hold it writes as `@secs`).
const LAST: i64 = 253_402_127_999;

/// `"2026-11-27T02:04:37.123456789Z"`, quotes included.
pub fn push_time(line: &mut Vec<u8>, t: Timespec) {
    if !(0..=LAST).contains(&t.sec) || t.nsec >= 1_000_000_000 {
        super::push_str(line, &rfc3339_utc(t));
        return;
    }
    let days = t.sec.div_euclid(86_400);
    let secs = t.sec.rem_euclid(86_400);
    let (year, month, day) = civil(days);
    let mut text = *b"\"0000-00-00T00:00:00.000000000Z\"";
    put(&mut text[1..5], year as u64);
    put(&mut text[6..8], u64::from(month));
    put(&mut text[9..11], u64::from(day));
    put(&mut text[12..14], (secs / 3600) as u64);
    put(&mut text[15..17], (secs / 60 % 60) as u64);
    put(&mut text[18..20], (secs % 60) as u64);
    put(&mut text[21..30], u64::from(t.nsec));
    line.extend_from_slice(&text);
}

/// Fills `out` with the last `out.len()` decimal digits of `value`.
fn put(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Year, month, day of a day count since 1970-01-01 (not negative): the
/// proleptic Gregorian calendar by eras of 400 years.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(t: Timespec) -> Vec<u8> {
        let mut out = Vec::new();
        super::super::push_str(&mut out, &rfc3339_utc(t));
        out
    }

    #[test]
    fn times_are_written_as_jiff_writes_them() {
        let mut seconds = vec![0, 1, 59, 86_399, 86_400, 951_782_400, 951_868_800, 4_107_542_400];
        seconds.extend([
            LAST - 1,
            LAST,
            LAST + 1,
            253_402_300_798,
            -1,
            -86_401,
            i64::MIN / 2,
            1_796_085_791,
        ]);
        // A spread over the whole range, leap years and centuries included.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            seconds.push((x % (LAST as u64 + 1)) as i64);
        }
        for (i, sec) in seconds.into_iter().enumerate() {
            let t = Timespec { sec, nsec: (i as u32).wrapping_mul(48_271) % 1_000_000_000 };
            let mut fast = Vec::new();
            push_time(&mut fast, t);
            assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&slow(t)), "{t:?}");
        }
    }

    #[test]
    fn numbers_are_their_digits() {
        for value in [0, 7, 10, 99, 1_000_000, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            push_num(&mut out, "size", value);
            assert_eq!(out, format!(",\"size\":{value}").into_bytes());
        }
    }
}
