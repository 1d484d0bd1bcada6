//! A `--json` record read straight from the line's bytes, for the shape
//! statree's writer gives it (`output::json`): one object on one line, no
//! whitespace, `path` first, every other value `null`, an unsigned integer
//! or a string without escapes. Strings are borrowed from the line; nothing
//! is allocated but a non-UTF-8 path's byte array.
//!
//! serde_json stays the reference: whatever this reader is not sure to read
//! exactly as serde_json would (an escape, whitespace, a float, a nested
//! value, a duplicate field, a key out of place) makes it answer `None`,
//! and the caller hands the line to serde_json. It only ever accepts a
//! subset of what serde_json accepts, and reads it to the same record.

use std::borrow::Cow;

use super::record::{RawPath, Record};

/// What the first pass needs of a line in the writer's shape: its path and
/// whether it is a directory (`path` and `type` lead every written record).
/// The rest of the line is not looked at: a line that is broken further on
/// is counted here and refused by the second pass, whose error, at its byte,
/// marks the directories it leaves short. `None` when the line does not
/// start so: the caller reads it whole.
pub(super) fn outline(line: &[u8]) -> Option<(RawPath<'_>, bool)> {
    let mut at = Cursor { line, pos: 0 };
    at.eat(b"{\"path\":")?;
    let path = at.path()?;
    at.eat(b",\"type\":")?;
    let is_dir = match at.value()? {
        Value::Null => false,
        Value::Text(raw, ascii) => {
            if !ascii {
                std::str::from_utf8(raw).ok()?;
            }
            raw == b"dir"
        }
        Value::Num(_) => return None,
    };
    matches!(at.byte()?, b',' | b'}').then_some((path, is_dir))
}

/// The record on `line`, or `None` when the line is not in the shape read here.
pub(super) fn record(line: &[u8]) -> Option<Record<'_>> {
    let mut at = Cursor { line, pos: 0 };
    at.eat(b"{\"path\":")?;
    let path = at.path()?;
    let mut record = Record {
        path,
        kind: None,
        mode: None,
        ino: None,
        dev: None,
        nlink: None,
        uid: None,
        gid: None,
        size: None,
        blocks: None,
        atime: None,
        mtime: None,
        ctime: None,
        rdev: None,
        error: None,
    };
    // serde_json refuses a field given twice: such a line goes to it.
    let mut seen = Seen(0);
    // The next key in the writer's order: tried as a literal first, so a
    // written line's keys are not scanned as strings.
    let mut next = 0;
    loop {
        match at.byte()? {
            b'}' => return (at.pos == line.len()).then_some(record),
            b',' => {}
            _ => return None,
        }
        let key = match WRITTEN.get(next).filter(|k| at.eat(k).is_some()) {
            Some(written) => {
                next += 1;
                &written[1..written.len() - 2]
            }
            None => {
                at.eat(b"\"")?;
                let (key, ascii) = at.string()?;
                if !ascii {
                    std::str::from_utf8(key).ok()?;
                }
                at.eat(b":")?;
                key
            }
        };
        let value = at.value()?;
        match key {
            b"path" => return None,
            b"type" => record.kind = seen.text(0, value)?,
            b"mode" => record.mode = seen.text(1, value)?,
            b"ino" => record.ino = seen.num(2, value)?,
            b"dev" => record.dev = seen.num(3, value)?,
            b"nlink" => record.nlink = seen.num(4, value)?,
            b"uid" => record.uid = seen.small(5, value)?,
            b"gid" => record.gid = seen.small(6, value)?,
            b"size" => record.size = seen.num(7, value)?,
            b"blocks" => record.blocks = seen.num(8, value)?,
            b"atime" => record.atime = seen.text(9, value)?,
            b"mtime" => record.mtime = seen.text(10, value)?,
            b"ctime" => record.ctime = seen.text(11, value)?,
            b"rdev" => record.rdev = seen.num(12, value)?,
            b"error" => record.error = seen.text(13, value)?,
            // Skipped by serde_json too (perms, user, btime, target...),
            // which still refuses a string that is not UTF-8.
            _ => {
                if let Value::Text(raw, false) = value {
                    std::str::from_utf8(raw).ok()?;
                }
            }
        }
    }
}

/// The keys after `path`, in the order the writer puts them.
const WRITTEN: [&[u8]; 16] = [
    b"\"type\":",
    b"\"mode\":",
    b"\"perms\":",
    b"\"ino\":",
    b"\"dev\":",
    b"\"nlink\":",
    b"\"uid\":",
    b"\"gid\":",
    b"\"user\":",
    b"\"group\":",
    b"\"size\":",
    b"\"blocks\":",
    b"\"atime\":",
    b"\"mtime\":",
    b"\"ctime\":",
    b"\"btime\":",
];

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Whether a byte of `word` may be a quote, a backslash or a control
/// character (an answer of yes may be wrong; no is always right).
#[inline(always)]
fn special(word: u64) -> bool {
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    (below(word, 0x20) | below(word ^ (ONES * 0x22), 1) | below(word ^ (ONES * 0x5c), 1)) != 0
}

/// A value of the shapes read here.
#[derive(Clone, Copy)]
enum Value<'a> {
    Null,
    Num(u64),
    /// A string's bytes, and whether they are all ASCII (else still to
    /// be checked as UTF-8).
    Text(&'a [u8], bool),
}

/// The known fields met so far, a bit each.
struct Seen(u16);

impl Seen {
    /// Marks field `bit`; `None` if it was met before.
    fn first(&mut self, bit: u16) -> Option<()> {
        let mask = 1 << bit;
        if self.0 & mask != 0 {
            return None;
        }
        self.0 |= mask;
        Some(())
    }

    /// A string field (the outer `None`: not read here).
    fn text<'a>(&mut self, bit: u16, value: Value<'a>) -> Option<Option<Cow<'a, str>>> {
        self.first(bit)?;
        match value {
            Value::Null => Some(None),
            Value::Text(raw, _) => Some(Some(Cow::Borrowed(std::str::from_utf8(raw).ok()?))),
            Value::Num(_) => None,
        }
    }

    fn num(&mut self, bit: u16, value: Value<'_>) -> Option<Option<u64>> {
        self.first(bit)?;
        match value {
            Value::Null => Some(None),
            Value::Num(n) => Some(Some(n)),
            Value::Text(..) => None,
        }
    }

    /// A `u32` field: a larger number is serde_json's error to report.
    fn small(&mut self, bit: u16, value: Value<'_>) -> Option<Option<u32>> {
        match self.num(bit, value)? {
            None => Some(None),
            Some(n) => u32::try_from(n).ok().map(Some),
        }
    }
}

struct Cursor<'a> {
    line: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.line.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, expected: &[u8]) -> Option<()> {
        let rest = self.line.get(self.pos..self.pos + expected.len())?;
        // Compared a byte at a time, inline: the keys are too short for a
        // call to memcmp to pay.
        if rest.iter().zip(expected).any(|(a, b)| a != b) {
            return None;
        }
        self.pos += expected.len();
        Some(())
    }

    /// A string's bytes, the opening quote already read, and whether they
    /// are all ASCII: no escape, no control character (serde_json refuses
    /// those raw). Eight bytes at a time while none of them needs a look
    /// (most strings are too short for memchr and a separate UTF-8 check
    /// to pay), then a byte at a time.
    #[inline(always)]
    fn string(&mut self) -> Option<(&'a [u8], bool)> {
        let rest = self.line.get(self.pos..)?;
        let mut high = 0u64;
        let mut i = 0;
        while let Some(chunk) = rest.get(i..i + 8) {
            let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).ok()?);
            if special(word) {
                break;
            }
            high |= word;
            i += 8;
        }
        for (j, &b) in rest[i..].iter().enumerate() {
            if b == b'"' {
                self.pos += i + j + 1;
                return Some((&rest[..i + j], high & HIGH == 0));
            }
            if b == b'\\' || b < 0x20 {
                return None;
            }
            high |= u64::from(b);
        }
        None
    }

    /// An unsigned integer as JSON writes one (no leading zero, no sign,
    /// no fraction: what follows is the caller's to check), within `u64`.
    fn number(&mut self) -> Option<u64> {
        let rest = self.line.get(self.pos..)?;
        let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 || (len > 1 && rest[0] == b'0') {
            return None;
        }
        let value = rest[..len]
            .iter()
            .try_fold(0u64, |v, &b| v.checked_mul(10)?.checked_add(u64::from(b - b'0')))?;
        self.pos += len;
        Some(value)
    }

    #[inline(always)]
    fn value(&mut self) -> Option<Value<'a>> {
        match *self.line.get(self.pos)? {
            b'n' => self.eat(b"null").map(|()| Value::Null),
            b'"' => {
                self.pos += 1;
                self.string().map(|(raw, ascii)| Value::Text(raw, ascii))
            }
            b'0'..=b'9' => self.number().map(Value::Num),
            _ => None,
        }
    }

    /// A path: a string, or an array of its bytes (a name not UTF-8).
    fn path(&mut self) -> Option<RawPath<'a>> {
        match self.byte()? {
            b'"' => {
                let (raw, _) = self.string()?;
                Some(RawPath::Text(Cow::Borrowed(std::str::from_utf8(raw).ok()?)))
            }
            b'[' => {
                let mut bytes = Vec::new();
                if self.eat(b"]").is_some() {
                    return Some(RawPath::Bytes(bytes));
                }
                loop {
                    bytes.push(u8::try_from(self.number()?).ok()?);
                    match self.byte()? {
                        b',' => {}
                        b']' => return Some(RawPath::Bytes(bytes)),
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }
}

#[cfg(test)]
#[path = "jsonfast_tests.rs"]
mod tests;
