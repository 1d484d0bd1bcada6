//! The times of a `--json` record back to seconds and nanoseconds. statree
//! writes every time as `2026-11-27T02:04:37.123456789Z` (see
//! `output::json::fast`): that exact shape is read here directly, three a
//! record; anything else (another offset, fewer digits, a leap second) goes
//! to jiff, which was the only path before and stays the reference. A time
//! before 1970 with a fraction now reads back as it was written (jiff's
//! negative fraction was cast to an unsigned one before).

use crate::scan::Timespec;

/// The time `text` names; the zero time when it names none.
pub fn parse(text: &str) -> Timespec {
    fast(text.as_bytes()).unwrap_or_else(|| text.parse().ok().map(from_jiff).unwrap_or_default())
}

/// jiff counts the fraction of a time before 1970 below zero (-1.25 s is
/// -1 s and -250,000,000 ns); a [`Timespec`] counts it up from the second
/// before (-2 s and 750,000,000 ns), as `lstat` and the `--json` writer do.
fn from_jiff(t: jiff::Timestamp) -> Timespec {
    let (sec, nsec) = (t.as_second(), t.subsec_nanosecond());
    if nsec < 0 {
        Timespec { sec: sec - 1, nsec: (nsec + 1_000_000_000) as u32 }
    } else {
        Timespec { sec, nsec: nsec as u32 }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` with a valid date and a second below
/// 60; `None` for every other text.
fn fast(text: &[u8]) -> Option<Timespec> {
    let [
        y0,
        y1,
        y2,
        y3,
        b'-',
        m0,
        m1,
        b'-',
        d0,
        d1,
        b'T',
        h0,
        h1,
        b':',
        i0,
        i1,
        b':',
        s0,
        s1,
        b'.',
        frac @ ..,
        b'Z',
    ] = text
    else {
        return None;
    };
    let [n0, n1, n2, n3, n4, n5, n6, n7, n8] = *frac else { return None };
    let year = digits(&[*y0, *y1, *y2, *y3])?;
    let month = digits(&[*m0, *m1])?;
    let day = digits(&[*d0, *d1])?;
    let hour = digits(&[*h0, *h1])?;
    let minute = digits(&[*i0, *i1])?;
    let second = digits(&[*s0, *s1])?;
    let nsec = digits(&[n0, n1, n2, n3, n4, n5, n6, n7, n8])?;
    let valid_date = (1..=12).contains(&month) && day >= 1 && day <= month_length(year, month);
    if !valid_date || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_since_epoch(year as i64, month, day);
    let sec = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(Timespec { sec, nsec })
}

/// The number the ASCII digits spell; `None` if one is not a digit.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes
        .iter()
        .try_fold(0u32, |value, &b| b.is_ascii_digit().then(|| value * 10 + u32::from(b - b'0')))
}

fn month_length(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date, in the proleptic Gregorian calendar
/// (by eras of 400 years; the inverse of `output::json::fast`'s `civil`).
fn days_since_epoch(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_jiff(text: &str) -> Timespec {
        text.parse().ok().map(from_jiff).unwrap_or_default()
    }

    #[test]
    fn times_read_back_as_the_writer_wrote_them_and_as_jiff_reads_them() {
        // Seconds spread over 0000..9999 (and the edges), written as statree
        // writes them, must come back as jiff reads them.
        let mut seconds: Vec<i64> = vec![0, 1, 59, 86_399, 86_400, 951_782_400, 253_402_127_999];
        seconds.extend((0..4000).map(|i| -62_000_000_000 + i * 78_850_731));
        for (i, sec) in seconds.into_iter().enumerate() {
            let t = Timespec { sec, nsec: (i as u32).wrapping_mul(7_919) % 1_000_000_000 };
            let text = crate::fmt::time::rfc3339_utc(t);
            if text.starts_with('@') {
                continue;
            }
            assert_eq!(text.len(), 30, "{text}");
            assert_eq!(fast(text.as_bytes()), Some(t), "{text}");
            assert_eq!(by_jiff(&text), t, "{text}");
        }
    }

    #[test]
    fn every_other_shape_goes_to_jiff() {
        for text in [
            "2024-02-29T12:00:00.000000001Z",
            "2023-02-29T12:00:00.000000000Z",
            "2024-13-01T00:00:00.000000000Z",
            "2024-04-31T00:00:00.000000000Z",
            "2024-01-01T24:00:00.000000000Z",
            "2016-12-31T23:59:60.000000000Z",
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00.5Z",
            "2024-01-01T00:00:00.000000000+02:00",
            "2024-01-01T00:00:00.00000000xZ",
            "@1700000000",
            "",
            "not a time",
        ] {
            assert_eq!(parse(text), by_jiff(text), "{text}");
        }
    }
}
