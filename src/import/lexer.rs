//! A JSON lexer over bytes, read in fixed-size blocks: it never holds the
//! document, never recurses (an unknown nested value is skipped with a depth
//! counter), keeps the byte offset of every failure, and reads strings as
//! bytes, so a name that is not UTF-8 (as ncdu writes one) arrives intact.
//!
//! Bytes read can also be copied to a spool file as they are read (`tee`):
//! standard input is read twice that way, the second time from the copy.

use std::io::{self, Read, Write};

/// Bytes read from the source per refill.
const BLOCK: usize = 1 << 18;

/// Where and why parsing stopped.
#[derive(Debug)]
pub struct LexError {
    /// Byte offset in the document.
    pub offset: u64,
    /// What was wrong, in words.
    pub reason: String,
}

impl LexError {
    /// The error a directory left unread by this failure carries: it names
    /// the import file and the byte offset.
    pub fn unread_dir(&self, file: &std::path::Path) -> crate::error::ScanError {
        crate::error::ScanError {
            op: crate::error::Op::ReadDir,
            errno: None,
            reason: format!(
                "import {}: byte {}: {}",
                crate::sanitize::path(file),
                self.offset,
                self.reason
            ),
        }
    }
}

pub type Lexed<T> = Result<T, LexError>;

/// A buffered byte source with offsets.
pub struct Lexer {
    inner: Box<dyn Read + Send>,
    tee: Option<Box<dyn Write + Send>>,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Offset of `buf[0]` in the document.
    base: u64,
    eof: bool,
}

impl Lexer {
    /// Reads `inner`, copying every byte to `tee` when given.
    pub fn new(inner: Box<dyn Read + Send>, tee: Option<Box<dyn Write + Send>>) -> Self {
        Lexer { inner, tee, buf: vec![0; BLOCK], pos: 0, end: 0, base: 0, eof: false }
    }

    /// Offset of the next byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// A failure at the current offset.
    pub fn error<T>(&self, reason: impl Into<String>) -> Lexed<T> {
        Err(LexError { offset: self.offset(), reason: reason.into() })
    }

    /// Refills when the buffer is used up; false at the end of the source.
    #[inline(always)]
    fn fill(&mut self) -> Lexed<bool> {
        if self.pos < self.end { Ok(true) } else { self.refill() }
    }

    /// The slow half of [`Self::fill`], out of line so the byte-level paths
    /// that call `fill` stay small enough to inline.
    #[cold]
    #[inline(never)]
    fn refill(&mut self) -> Lexed<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        loop {
            match self.inner.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n;
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return self.io_error("read", e),
            }
        }
        if let Some(tee) = self.tee.as_mut()
            && let Err(e) = tee.write_all(&self.buf[..self.end])
        {
            return self.io_error("write spool", e);
        }
        Ok(true)
    }

    /// The bytes read and not yet consumed.
    #[inline(always)]
    fn rest(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    fn io_error<T>(&self, what: &str, e: io::Error) -> Lexed<T> {
        Err(LexError {
            offset: self.offset(),
            reason: format!("{what}: {}", crate::error::os_reason(&e)),
        })
    }

    /// Reads one line (without its `\n`) into `out`; false at the end.
    pub fn line(&mut self, out: &mut Vec<u8>) -> Lexed<bool> {
        out.clear();
        let mut any = false;
        while self.fill()? {
            any = true;
            let chunk = &self.buf[self.pos..self.end];
            match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    out.extend_from_slice(&chunk[..i]);
                    self.pos += i + 1;
                    return Ok(true);
                }
                None => {
                    out.extend_from_slice(chunk);
                    self.pos = self.end;
                }
            }
        }
        Ok(any)
    }

    /// One line (without its `\n`): borrowed from the read buffer when it
    /// lies whole in it, else gathered into `scratch`; `None` at the end.
    pub fn line_ref<'a>(&'a mut self, scratch: &'a mut Vec<u8>) -> Lexed<Option<&'a [u8]>> {
        if self.fill()?
            && let Some(i) = memchr::memchr(b'\n', self.rest())
        {
            let start = self.pos;
            self.pos += i + 1;
            return Ok(Some(&self.buf[start..start + i]));
        }
        Ok(if self.line(scratch)? { Some(scratch) } else { None })
    }

    /// The next byte, not consumed; `None` at the end.
    #[inline]
    pub fn peek(&mut self) -> Lexed<Option<u8>> {
        Ok(if self.fill()? { Some(self.buf[self.pos]) } else { None })
    }

    /// The next byte that is not white space, not consumed.
    #[inline]
    pub fn peek_token(&mut self) -> Lexed<Option<u8>> {
        loop {
            while let Some(&b) = self.buf[..self.end].get(self.pos) {
                if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                    return Ok(Some(b));
                }
                self.pos += 1;
            }
            if !self.refill()? {
                return Ok(None);
            }
        }
    }

    /// Consumes the byte `peek` returned.
    #[inline]
    pub fn bump(&mut self) {
        self.pos += 1;
    }

    /// Consumes the next token, which must be `byte`.
    #[inline]
    pub fn expect(&mut self, byte: u8, context: &str) -> Lexed<()> {
        match self.peek_token()? {
            Some(b) if b == byte => {
                self.bump();
                Ok(())
            }
            found => self.unexpected(byte, found, context),
        }
    }

    #[cold]
    #[inline(never)]
    fn unexpected(&self, byte: u8, found: Option<u8>, context: &str) -> Lexed<()> {
        match found {
            Some(b) => {
                self.error(format!("expected `{}` {context}, found {}", byte as char, describe(b)))
            }
            None => {
                self.error(format!("unexpected end of file: expected `{}` {context}", byte as char))
            }
        }
    }

    /// Reads a string (the opening quote is next) and returns its bytes:
    /// borrowed from the read buffer when the whole string lies in it and
    /// has no escape (the common case: no copy), else decoded into
    /// `scratch`.
    #[inline]
    pub fn string_ref<'a>(&'a mut self, scratch: &'a mut Vec<u8>) -> Lexed<&'a [u8]> {
        self.expect(b'"', "(a string)")?;
        let rest = self.rest();
        if let Some(i) = find_quote_or_backslash(rest)
            && rest[i] == b'"'
        {
            let start = self.pos;
            self.pos += i + 1;
            return Ok(&self.buf[start..start + i]);
        }
        scratch.clear();
        self.string_body(scratch)?;
        Ok(scratch)
    }

    /// Reads a string (the opening quote is next) into `out`, decoding
    /// escapes; other bytes are copied as they are.
    pub fn string(&mut self, out: &mut Vec<u8>) -> Lexed<()> {
        out.clear();
        self.expect(b'"', "(a string)")?;
        self.string_body(out)
    }

    /// The rest of a string whose opening quote was consumed, appended to `out`.
    fn string_body(&mut self, out: &mut Vec<u8>) -> Lexed<()> {
        loop {
            if !self.fill()? {
                return self.error("unexpected end of file inside a string");
            }
            let chunk = &self.buf[self.pos..self.end];
            match find_quote_or_backslash(chunk) {
                None => {
                    out.extend_from_slice(chunk);
                    self.pos = self.end;
                }
                Some(i) => {
                    out.extend_from_slice(&chunk[..i]);
                    let quote = chunk[i] == b'"';
                    self.pos += i + 1;
                    if quote {
                        return Ok(());
                    }
                    self.escape(out)?;
                }
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Lexed<()> {
        let Some(b) = self.peek()? else {
            return self.error("unexpected end of file inside an escape");
        };
        self.bump();
        let byte = match b {
            b'"' | b'\\' | b'/' => b,
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let unit = self.hex4()?;
                let code = if (0xd800..0xdc00).contains(&unit) {
                    // A surrogate pair: the low half must follow.
                    if self.peek()? != Some(b'\\') {
                        return self.error("lone surrogate in a \\u escape");
                    }
                    self.bump();
                    if self.peek()? != Some(b'u') {
                        return self.error("lone surrogate in a \\u escape");
                    }
                    self.bump();
                    let low = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&low) {
                        return self.error("bad low surrogate in a \\u escape");
                    }
                    0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                } else {
                    unit
                };
                let Some(c) = char::from_u32(code) else {
                    return self.error("lone surrogate in a \\u escape");
                };
                let mut utf8 = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                return Ok(());
            }
            other => return self.error(format!("unknown escape \\{}", describe(other))),
        };
        out.push(byte);
        Ok(())
    }

    fn hex4(&mut self) -> Lexed<u32> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = match self.peek()? {
                Some(b) => (b as char).to_digit(16),
                None => return self.error("unexpected end of file inside a \\u escape"),
            };
            let Some(digit) = digit else {
                return self.error("bad hex digit in a \\u escape");
            };
            self.bump();
            value = value * 16 + digit;
        }
        Ok(value)
    }

    /// Reads a number as an integer: a fraction or exponent is read and
    /// dropped (sizes and times are whole numbers in every export).
    #[inline]
    pub fn integer(&mut self) -> Lexed<i128> {
        self.peek_token()?;
        // Fast path: up to 18 digits (no overflow in u64), and the byte
        // after them, in the buffer; anything else goes the general way.
        let rest = self.rest();
        let negative = rest.first() == Some(&b'-');
        let digits_at = usize::from(negative);
        let mut value = 0u64;
        let mut i = digits_at;
        while let Some(&b @ b'0'..=b'9') = rest.get(i) {
            if i - digits_at == 18 {
                return self.integer_slow();
            }
            value = value * 10 + u64::from(b - b'0');
            i += 1;
        }
        match rest.get(i) {
            Some(b'.' | b'e' | b'E' | b'+' | b'-') | None => self.integer_slow(),
            Some(_) if i == digits_at => self.integer_slow(),
            Some(_) => {
                self.pos += i;
                let value = i128::from(value);
                Ok(if negative { -value } else { value })
            }
        }
    }

    /// [`Self::integer`] a byte at a time, across refills, with its errors.
    #[cold]
    #[inline(never)]
    fn integer_slow(&mut self) -> Lexed<i128> {
        let negative = self.peek_token()? == Some(b'-');
        if negative {
            self.bump();
        }
        let mut value: i128 = 0;
        let mut digits = 0;
        while let Some(b @ b'0'..=b'9') = self.peek()? {
            self.bump();
            digits += 1;
            value = value.saturating_mul(10).saturating_add(i128::from(b - b'0'));
        }
        if digits == 0 {
            return match self.peek()? {
                Some(b) => self.error(format!("expected a number, found {}", describe(b))),
                None => self.error("unexpected end of file: expected a number"),
            };
        }
        while let Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') = self.peek()? {
            self.bump();
        }
        Ok(if negative { -value } else { value })
    }

    /// Reads `true` or `false`.
    pub fn boolean(&mut self) -> Lexed<bool> {
        match self.peek_token()? {
            Some(b't') => self.word(b"true").map(|()| true),
            Some(b'f') => self.word(b"false").map(|()| false),
            Some(b) => self.error(format!("expected true or false, found {}", describe(b))),
            None => self.error("unexpected end of file: expected true or false"),
        }
    }

    fn word(&mut self, word: &[u8]) -> Lexed<()> {
        for &w in word {
            match self.peek()? {
                Some(b) if b == w => self.bump(),
                Some(b) => return self.error(format!("expected a literal, found {}", describe(b))),
                None => return self.error("unexpected end of file inside a literal"),
            }
        }
        Ok(())
    }

    /// Skips one value of any kind, nested ones with a depth counter.
    pub fn skip_value(&mut self) -> Lexed<()> {
        let mut depth = 0usize;
        let mut scratch = Vec::new();
        loop {
            match self.peek_token()? {
                Some(b'{' | b'[') => {
                    self.bump();
                    depth += 1;
                    continue;
                }
                Some(b'}' | b']') if depth > 0 => {
                    self.bump();
                    depth -= 1;
                }
                Some(b'"') => self.string(&mut scratch)?,
                Some(b't' | b'f') => {
                    self.boolean()?;
                }
                Some(b'n') => self.word(b"null")?,
                Some(b'-' | b'0'..=b'9') => {
                    self.integer()?;
                }
                Some(b) => return self.error(format!("expected a value, found {}", describe(b))),
                None => return self.error("unexpected end of file inside a value"),
            }
            if depth == 0 {
                return Ok(());
            }
            // Inside a container: separators between members.
            if let Some(b',' | b':') = self.peek_token()? {
                self.bump();
            }
        }
    }
}

/// The first `"` or `\\` in `bytes`. Keys and names are short: a plain loop
/// over the first bytes beats setting up a vector search for each one.
#[inline(always)]
fn find_quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const SHORT: usize = 16;
    let head = &bytes[..bytes.len().min(SHORT)];
    match head.iter().position(|&b| b == b'"' || b == b'\\') {
        Some(i) => Some(i),
        None if bytes.len() > SHORT => {
            memchr::memchr2(b'"', b'\\', &bytes[SHORT..]).map(|i| i + SHORT)
        }
        None => None,
    }
}

/// A byte as an error message shows it.
pub fn describe(b: u8) -> String {
    if b.is_ascii_graphic() { format!("`{}`", b as char) } else { format!("byte 0x{b:02x}") }
}
