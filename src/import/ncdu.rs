//! The ncdu export format (1.x, as ncdu and gdu write it) as a pull parser:
//! `[1,2,{metadata},item]`, where an item is an info object (a file) or an
//! array whose first element is a directory's info object followed by its
//! items. The parser keeps only a depth count, so nesting costs no stack.

use super::lexer::{Lexed, Lexer, describe};

/// What one info object says; fields the export left out are `None`.
#[derive(Debug, Default, Clone)]
pub struct Info {
    pub name: Vec<u8>,
    pub asize: Option<u64>,
    pub dsize: Option<u64>,
    pub dev: Option<u64>,
    pub ino: Option<u64>,
    pub nlink: Option<u64>,
    pub hlnkc: bool,
    pub read_error: bool,
    pub notreg: bool,
    /// `excluded`: why the entry was not read (`otherfs`, `pattern`, ...).
    pub excluded: Option<Vec<u8>>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub mode: Option<u32>,
    pub mtime: Option<i64>,
}

/// The metadata object.
#[derive(Debug, Default, Clone)]
pub struct Meta {
    pub major: i128,
    pub minor: i128,
    pub progname: String,
    pub progver: String,
    pub timestamp: Option<i64>,
}

/// One step through the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// A directory opens; its info is in [`Parser::info`].
    Open,
    /// A non-directory; its info is in [`Parser::info`].
    Entry,
    /// The innermost open directory closes.
    Close,
    /// The document ended.
    End,
}

/// The keys the reader knows, told apart without copying the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Name,
    Asize,
    Dsize,
    Dev,
    Ino,
    Nlink,
    Uid,
    Gid,
    Mode,
    Mtime,
    Hlnkc,
    ReadError,
    Notreg,
    Excluded,
    Progname,
    Progver,
    Timestamp,
    Other,
}

impl Key {
    /// Told apart by length first: one comparison of a few bytes each.
    fn of(key: &[u8]) -> Key {
        match (key.len(), key) {
            (3, b"dev") => Key::Dev,
            (3, b"ino") => Key::Ino,
            (3, b"uid") => Key::Uid,
            (3, b"gid") => Key::Gid,
            (4, b"name") => Key::Name,
            (4, b"mode") => Key::Mode,
            (5, b"asize") => Key::Asize,
            (5, b"dsize") => Key::Dsize,
            (5, b"nlink") => Key::Nlink,
            (5, b"mtime") => Key::Mtime,
            (5, b"hlnkc") => Key::Hlnkc,
            (6, b"notreg") => Key::Notreg,
            (7, b"progver") => Key::Progver,
            (8, b"excluded") => Key::Excluded,
            (8, b"progname") => Key::Progname,
            (9, b"timestamp") => Key::Timestamp,
            (10, b"read_error") => Key::ReadError,
            _ => Key::Other,
        }
    }
}

/// The pull parser.
pub struct Parser {
    pub lex: Lexer,
    /// The info of the last `Open` or `Entry`.
    pub info: Info,
    depth: usize,
    /// An item was read at the current level (a comma comes before the next).
    started: bool,
    done: bool,
    key: Vec<u8>,
}

impl Parser {
    /// Reads the header (`[major, minor, {metadata},`).
    pub fn new(mut lex: Lexer) -> Lexed<(Self, Meta)> {
        lex.expect(b'[', "at the start of an ncdu export")?;
        let mut meta = Meta { major: lex.integer()?, ..Meta::default() };
        if meta.major != 1 {
            return lex.error(format!("unsupported export format major version {}", meta.major));
        }
        lex.expect(b',', "after the major version")?;
        meta.minor = lex.integer()?;
        lex.expect(b',', "after the minor version")?;
        let mut parser = Parser {
            lex,
            info: Info::default(),
            depth: 0,
            started: false,
            done: false,
            key: Vec::new(),
        };
        parser.meta(&mut meta)?;
        parser.lex.expect(b',', "after the metadata")?;
        Ok((parser, meta))
    }

    fn meta(&mut self, meta: &mut Meta) -> Lexed<()> {
        let mut value = Vec::new();
        object(&mut self.lex, &mut self.key, |lex, key| {
            match key {
                Key::Progname | Key::Progver => {
                    lex.string(&mut value)?;
                    let text = String::from_utf8_lossy(&value).into_owned();
                    if key == Key::Progname { meta.progname = text } else { meta.progver = text }
                }
                Key::Timestamp => meta.timestamp = Some(clamp_i64(lex.integer()?)),
                _ => lex.skip_value()?,
            }
            Ok(())
        })
    }

    /// The next item.
    pub fn next_item(&mut self) -> Lexed<Item> {
        if self.done {
            return Ok(Item::End);
        }
        if self.started {
            match self.lex.peek_token()? {
                Some(b']') => {
                    self.lex.bump();
                    if self.depth == 0 {
                        self.done = true;
                        return Ok(Item::End);
                    }
                    self.depth -= 1;
                    return Ok(Item::Close);
                }
                Some(b',') if self.depth > 0 => self.lex.bump(),
                Some(b) => {
                    let want = if self.depth > 0 { "`,` or `]`" } else { "`]` after the root" };
                    return self.lex.error(format!("expected {want}, found {}", describe(b)));
                }
                None => return self.lex.error("unexpected end of file (the export is truncated)"),
            }
        }
        self.started = true;
        match self.lex.peek_token()? {
            Some(b'[') => {
                self.lex.bump();
                self.read_info()?;
                self.depth += 1;
                Ok(Item::Open)
            }
            Some(b'{') => {
                self.read_info()?;
                Ok(Item::Entry)
            }
            Some(b) => self.lex.error(format!("expected `[` or `{{`, found {}", describe(b))),
            None => self.lex.error("unexpected end of file (the export is truncated)"),
        }
    }

    /// Reads an info object into `self.info`, in place (it is reset, its
    /// name buffer kept): no copy of the record per entry.
    fn read_info(&mut self) -> Lexed<()> {
        let Parser { lex, info, key: scratch, .. } = self;
        info.name.clear();
        let mut name = std::mem::take(&mut info.name);
        *info = Info { name: Vec::new(), ..Info::default() };
        let mut has_name = false;
        let result = object(lex, scratch, |lex, key| {
            match key {
                Key::Name => {
                    lex.string(&mut name)?;
                    has_name = true;
                }
                Key::Asize => info.asize = Some(unsigned(lex)?),
                Key::Dsize => info.dsize = Some(unsigned(lex)?),
                Key::Dev => info.dev = Some(unsigned(lex)?),
                Key::Ino => info.ino = Some(unsigned(lex)?),
                Key::Nlink => info.nlink = Some(unsigned(lex)?),
                Key::Uid => info.uid = Some(unsigned(lex)?.min(u64::from(u32::MAX)) as u32),
                Key::Gid => info.gid = Some(unsigned(lex)?.min(u64::from(u32::MAX)) as u32),
                Key::Mode => info.mode = Some(unsigned(lex)?.min(u64::from(u32::MAX)) as u32),
                Key::Mtime => info.mtime = Some(clamp_i64(lex.integer()?)),
                Key::Hlnkc => info.hlnkc = lex.boolean()?,
                Key::ReadError => info.read_error = lex.boolean()?,
                Key::Notreg => info.notreg = lex.boolean()?,
                Key::Excluded => {
                    let mut why = Vec::new();
                    lex.string(&mut why)?;
                    info.excluded = Some(why);
                }
                _ => lex.skip_value()?,
            }
            Ok(())
        });
        info.name = name;
        result?;
        if !has_name {
            return lex.error("an info object without a name");
        }
        Ok(())
    }
}

/// Reads an object, calling `field` with each key (the value is next);
/// `scratch` holds a key that cannot be borrowed from the read buffer.
#[inline]
fn object(
    lex: &mut Lexer,
    scratch: &mut Vec<u8>,
    mut field: impl FnMut(&mut Lexer, Key) -> Lexed<()>,
) -> Lexed<()> {
    lex.expect(b'{', "(an info object)")?;
    if lex.peek_token()? == Some(b'}') {
        lex.bump();
        return Ok(());
    }
    loop {
        let key = Key::of(lex.string_ref(scratch)?);
        lex.expect(b':', "after a key")?;
        field(lex, key)?;
        match lex.peek_token()? {
            Some(b',') => lex.bump(),
            Some(b'}') => {
                lex.bump();
                return Ok(());
            }
            Some(b) => return lex.error(format!("expected `,` or `}}`, found {}", describe(b))),
            None => return lex.error("unexpected end of file inside an info object"),
        }
    }
}

fn unsigned(lex: &mut Lexer) -> Lexed<u64> {
    let value = lex.integer()?;
    if value < 0 {
        return lex.error("a negative size, count or id");
    }
    Ok(value.min(i128::from(u64::MAX)) as u64)
}

fn clamp_i64(value: i128) -> i64 {
    value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}
