//! Time formatting: RFC 3339 for the outputs, local time for the screen.

use jiff::Timestamp;
use jiff::fmt::temporal::DateTimePrinter;
use jiff::tz::TimeZone;

use super::relative_age;
use crate::scan::Timespec;

/// RFC 3339 in UTC with nine fractional digits, e.g.
/// `2026-11-27T02:04:37.123456789Z`. Out-of-range times (jiff covers years
/// -9999..=9999) fall back to raw seconds so nothing is lost.
pub fn rfc3339_utc(t: Timespec) -> String {
    match Timestamp::new(t.sec, t.nsec as i32) {
        Ok(ts) => DateTimePrinter::new().precision(Some(9)).timestamp_to_string(&ts),
        Err(_) => format!("@{}.{:09}", t.sec, t.nsec),
    }
}

/// Local time with nanoseconds and the relative age (the zone is shown
/// once, on its own line).
pub fn local_time(t: Timespec, now: i64) -> String {
    match zoned(t) {
        Some(text) => format!("{text}, {}", relative_age(now - t.sec)),
        None => format!("@{}.{:09}", t.sec, t.nsec),
    }
}

/// Local time with nanoseconds, without the relative age (the compact
/// layout has half a line for it).
pub fn short_time(t: Timespec) -> String {
    zoned(t).unwrap_or_else(|| format!("@{}.{:09}", t.sec, t.nsec))
}

/// Local time to the minute, `2026-11-27 03:04` (16 columns): the tree's
/// mtime column. Out-of-range times show as raw seconds.
pub fn minute(sec: i64) -> String {
    match Timestamp::new(sec, 0) {
        Ok(ts) => ts.to_zoned_datetime(TimeZone::system()).strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => format!("@{sec}"),
    }
}

fn zoned(t: Timespec) -> Option<String> {
    let ts = Timestamp::new(t.sec, t.nsec as i32).ok()?;
    let zoned = ts.to_zoned_datetime(TimeZone::system());
    Some(zoned.strftime("%Y-%m-%d %H:%M:%S%.9f").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_nanoseconds() {
        let t = Timespec { sec: 1_795_744_477, nsec: 123_456_789 };
        assert_eq!(rfc3339_utc(t), "2026-11-27T01:54:37.123456789Z");
        assert_eq!(rfc3339_utc(Timespec { sec: 0, nsec: 0 }), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(rfc3339_utc(Timespec { sec: -1, nsec: 5 }), "1969-12-31T23:59:59.000000005Z");
    }
}
