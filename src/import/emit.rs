//! Turning the parsed export into scan events. The tree takes a directory's
//! children as one contiguous range whose size it must know when the first
//! of them arrives, and a parent's batch before its children's. An export
//! lists a directory's children with each subdirectory's contents in
//! between, so the reader goes twice: the first pass (`count`) records how
//! many children each directory has (4 bytes a directory); the second sends
//! a directory's children in slices, one ending at each subdirectory, so the
//! subdirectory's own batches can follow at once. Held at any moment: the
//! children of the open directories since their last subdirectory.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;

use crate::error::{Op, ScanError};
use crate::scan::kind::FileKind;
use crate::scan::source::Sink;
use crate::scan::{Batch, EntryKey, EntryStat, Parent, ScanEvent, Timespec};

use super::lexer::{LexError, Lexed};
use super::ncdu::{Info, Item, Parser};

/// Pass one: the number of children of every directory, in the order the
/// directories open. Stops at the first error, with the counts so far (the
/// second pass stops at the same byte).
pub fn count(parser: &mut Parser, first: Item) -> (Vec<u32>, Option<LexError>) {
    let mut counts = Vec::new();
    // Index in `counts` of each open directory.
    let mut open: Vec<usize> = Vec::new();
    let mut next = Some(first);
    loop {
        let item = match next.take().map_or_else(|| parser.next_item(), Ok) {
            Ok(item) => item,
            Err(e) => return (counts, Some(e)),
        };
        if matches!(item, Item::Open | Item::Entry)
            && let Some(&parent) = open.last()
        {
            counts[parent] = counts[parent].saturating_add(1);
        }
        match item {
            Item::Open => {
                open.push(counts.len());
                counts.push(0);
            }
            Item::Close => {
                open.pop();
            }
            Item::Entry => {}
            Item::End => return (counts, None),
        }
    }
}

/// The id of the pending batch of a directory whose children are not sent.
const SKIP: u32 = u32::MAX;

/// One directory whose children are being sent.
struct OpenDir {
    path: Arc<Path>,
    key: EntryKey,
    dev: u64,
    total: u32,
    sent: u32,
    pending: Batch,
}

/// Pass two: sends the batches. Returns the error it stopped at (the same
/// one as pass one), after sending everything read before it.
pub fn send(parser: &mut Parser, counts: &[u32], sink: &Sink, file: &Path) -> Lexed<()> {
    let mut emitter = Emitter { sink, next_id: 0, counts, next_dir: 0, open: Vec::new() };
    let result = emitter.run(parser);
    if let Err(e) = &result {
        // Everything read stays; the directories still open were not read
        // to their end: each says so.
        let error = e.unread_dir(file);
        emitter.abandon(error, file);
    }
    result
}

struct Emitter<'a> {
    sink: &'a Sink,
    next_id: u32,
    counts: &'a [u32],
    next_dir: usize,
    open: Vec<OpenDir>,
}

impl Emitter<'_> {
    fn id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn run(&mut self, parser: &mut Parser) -> Lexed<()> {
        loop {
            if self.sink.cancelled() {
                return Ok(());
            }
            let item = parser.next_item()?;
            match item {
                Item::Open | Item::Entry => self.entry(&parser.info, item == Item::Open),
                Item::Close => self.close(),
                Item::End => return Ok(()),
            }
        }
    }

    fn entry(&mut self, info: &Info, is_dir: bool) {
        if self.open.last().is_some_and(|d| d.pending.id == SKIP) {
            // Below a directory that is not read: counted, not sent.
            if is_dir {
                self.next_dir += 1;
                let path = Arc::from(Path::new(""));
                let pending = Batch::new(SKIP, Parent::Root(0), Arc::clone(&path), 0, 0);
                let key = EntryKey::default();
                self.open.push(OpenDir { path, key, dev: 0, total: 0, sent: 0, pending });
            }
            return;
        }
        let parent_dev = self.open.last().map_or(0, |d| d.dev);
        let dev = info.dev.unwrap_or(parent_dev);
        let excluded = info.excluded.is_some();
        let (stat, error) = convert(info, is_dir, dev);
        let descend = is_dir && !excluded && stat.is_some();
        let kind = stat
            .as_ref()
            .map_or(if is_dir { FileKind::Dir } else { FileKind::Unknown }, EntryStat::kind);
        let other_fs = info.excluded.as_deref() == Some(b"otherfs");
        let key = match self.open.last_mut() {
            None => {
                let id = self.id();
                let mut batch = Batch::new(id, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
                batch.push(&info.name, stat, kind, error, descend, other_fs, None);
                self.sink.send(ScanEvent::Batch(batch));
                EntryKey { batch: id, index: 0 }
            }
            Some(dir) => {
                let index = dir.pending.entries.len() as u32;
                dir.pending.push(&info.name, stat, kind, error, descend, other_fs, None);
                EntryKey { batch: dir.pending.id, index }
            }
        };
        if !is_dir {
            return;
        }
        // Its children's batches need this batch applied first.
        self.flush();
        let total = self.counts.get(self.next_dir).copied().unwrap_or(0);
        self.next_dir += 1;
        let path: Arc<Path> = match self.open.last() {
            None => Arc::from(Path::new(OsStr::from_bytes(&info.name))),
            Some(dir) => Arc::from(dir.path.join(OsStr::from_bytes(&info.name))),
        };
        if !descend {
            // Nothing below it is sent; the tree does not wait for it. Its
            // children (an export may list some) are skipped as they come.
            self.open.push(OpenDir {
                path,
                key,
                dev,
                total: 0,
                sent: 0,
                pending: Batch::new(SKIP, Parent::Dir(key), Arc::from(Path::new("")), 0, 0),
            });
            return;
        }
        let id = self.id();
        let pending = Batch::new(id, Parent::Dir(key), Arc::clone(&path), 0, total);
        self.open.push(OpenDir { path, key, dev, total, sent: 0, pending });
    }

    /// Sends the children the innermost open directory holds so far.
    fn flush(&mut self) {
        let next = self.next_id;
        let Some(dir) = self.open.last_mut() else { return };
        if dir.pending.id == SKIP {
            dir.pending.entries.clear();
            return;
        }
        let n = dir.pending.entries.len() as u32;
        if n == 0 {
            return;
        }
        let sent = dir.sent + n;
        let fresh = Batch::new(next, Parent::Dir(dir.key), Arc::clone(&dir.path), sent, dir.total);
        let batch = std::mem::replace(&mut dir.pending, fresh);
        dir.sent = sent;
        self.next_id += 1;
        self.sink.send(ScanEvent::Batch(batch));
    }

    fn close(&mut self) {
        self.flush();
        if let Some(dir) = self.open.pop()
            && dir.pending.id != SKIP
            && dir.sent == 0
            && dir.total == 0
        {
            // An empty directory: an empty batch says it was read.
            self.sink.send(ScanEvent::Batch(dir.pending));
        }
    }

    /// After an error: sends what the open directories hold and marks each
    /// as not read to its end.
    fn abandon(&mut self, error: ScanError, _file: &Path) {
        while !self.open.is_empty() {
            self.flush();
            let Some(dir) = self.open.pop() else { break };
            if dir.pending.id == SKIP {
                continue;
            }
            if dir.sent == 0 && dir.total == 0 {
                self.sink.send(ScanEvent::Batch(dir.pending));
            }
            let path = dir.path.to_path_buf();
            self.sink.send(ScanEvent::DirError { dir: dir.key, path, error: error.clone() });
        }
    }
}

/// The stat an info object records, and the error it marks.
fn convert(info: &Info, is_dir: bool, dev: u64) -> (Option<EntryStat>, Option<ScanError>) {
    let recorded = |op: Op| ScanError { op, errno: None, reason: "recorded in the export".into() };
    let nothing_known = info.asize.is_none() && info.dsize.is_none() && info.mode.is_none();
    if info.read_error && nothing_known && !is_dir {
        return (None, Some(recorded(Op::Stat)));
    }
    let type_bits = match info.mode {
        Some(mode) if mode & 0o170000 != 0 => mode & 0o170000,
        _ if is_dir => FileKind::Dir.mode_bits(),
        _ if info.notreg => 0,
        _ => FileKind::File.mode_bits(),
    };
    let mode = type_bits | info.mode.map_or(0, |m| m & 0o7777);
    let size = info.asize.unwrap_or(0);
    let stat = EntryStat {
        mode,
        nlink: info.nlink.unwrap_or(if info.hlnkc { 2 } else { 1 }),
        uid: info.uid.unwrap_or(0),
        gid: info.gid.unwrap_or(0),
        size,
        blocks: info.dsize.unwrap_or(0).div_ceil(512),
        ino: info.ino.unwrap_or(0),
        dev,
        rdev: 0,
        atime: Timespec::default(),
        mtime: Timespec { sec: info.mtime.unwrap_or(0), nsec: 0 },
        ctime: Timespec::default(),
    };
    let error = info.read_error.then(|| recorded(if is_dir { Op::ReadDir } else { Op::Stat }));
    (Some(stat), error)
}
