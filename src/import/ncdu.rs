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
        self.object(|parser, key| {
            match key {
                b"progname" | b"progver" => {
                    parser.lex.string(&mut value)?;
                    let text = String::from_utf8_lossy(&value).into_owned();
                    if key == b"progname" { meta.progname = text } else { meta.progver = text }
                }
                b"timestamp" => meta.timestamp = Some(clamp_i64(parser.lex.integer()?)),
                _ => parser.lex.skip_value()?,
            }
            Ok(())
        })
    }

    /// Reads an object, calling `field` with each key (the value is next).
    fn object(&mut self, mut field: impl FnMut(&mut Self, &[u8]) -> Lexed<()>) -> Lexed<()> {
        self.lex.expect(b'{', "(an info object)")?;
        if self.lex.peek_token()? == Some(b'}') {
            self.lex.bump();
            return Ok(());
        }
        loop {
            let mut key = std::mem::take(&mut self.key);
            self.lex.string(&mut key)?;
            self.lex.expect(b':', "after a key")?;
            let result = field(self, &key);
            self.key = key;
            result?;
            match self.lex.peek_token()? {
                Some(b',') => self.lex.bump(),
                Some(b'}') => {
                    self.lex.bump();
                    return Ok(());
                }
                Some(b) => {
                    return self.lex.error(format!("expected `,` or `}}`, found {}", describe(b)));
                }
                None => return self.lex.error("unexpected end of file inside an info object"),
            }
        }
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

    fn read_info(&mut self) -> Lexed<()> {
        let mut info = std::mem::take(&mut self.info);
        let name = std::mem::take(&mut info.name);
        info = Info { name, ..Info::default() };
        let mut has_name = false;
        let result = self.object(|p, key| {
            let lex = &mut p.lex;
            match key {
                b"name" => {
                    lex.string(&mut info.name)?;
                    has_name = true;
                }
                b"asize" => info.asize = Some(unsigned(lex)?),
                b"dsize" => info.dsize = Some(unsigned(lex)?),
                b"dev" => info.dev = Some(unsigned(lex)?),
                b"ino" => info.ino = Some(unsigned(lex)?),
                b"nlink" => info.nlink = Some(unsigned(lex)?),
                b"uid" => info.uid = Some(unsigned(lex)?.min(u64::from(u32::MAX)) as u32),
                b"gid" => info.gid = Some(unsigned(lex)?.min(u64::from(u32::MAX)) as u32),
                b"mode" => info.mode = Some(unsigned(lex)?.min(u64::from(u32::MAX)) as u32),
                b"mtime" => info.mtime = Some(clamp_i64(lex.integer()?)),
                b"hlnkc" => info.hlnkc = lex.boolean()?,
                b"read_error" => info.read_error = lex.boolean()?,
                b"notreg" => info.notreg = lex.boolean()?,
                b"excluded" => {
                    let mut why = Vec::new();
                    lex.string(&mut why)?;
                    info.excluded = Some(why);
                }
                _ => lex.skip_value()?,
            }
            Ok(())
        });
        if let Err(e) = result {
            self.info = info;
            return Err(e);
        }
        if !has_name {
            self.info = info;
            return self.lex.error("an info object without a name");
        }
        self.info = info;
        Ok(())
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
