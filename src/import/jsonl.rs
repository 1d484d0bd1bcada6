//! statree's own `--json` output as an import. One record a line, each
//! directory's record before its children's; a directory's children may
//! come in several runs (the writer holds a directory's record back until
//! its listing arrives). As for an ncdu export, the reader goes twice: the
//! first pass counts each directory's children (a map from directory path
//! to count: the one cost a scan does not have), the second sends each run
//! of siblings as a slice of their directory's range.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{Read, Seek};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::ImportError;
use super::lexer::{LexError, Lexed, Lexer};
use super::record::{Record, slow};
use crate::error::{Op, ScanError};
use crate::scan::kind::FileKind;
use crate::scan::source::{Recorded, Sink, Source};
use crate::scan::{Batch, EntryKey, EntryStat, Parent, ScanEvent};

/// A directory met so far: its children counted (pass one), then its key
/// and how many of them were sent (pass two).
struct Dir {
    total: u32,
    sent: u32,
    key: EntryKey,
    /// Its record was sent, and it is read (its children, or an empty batch, follow).
    descend: bool,
}

type Dirs = HashMap<Box<[u8]>, Dir>;

/// Opens a `--json` stream (the lexer is at its first byte).
pub fn open(
    file: &Path,
    lex: Lexer,
    again: Option<PathBuf>,
    spool: Option<File>,
    failure: Arc<Mutex<Option<ImportError>>>,
) -> Result<(Source, PathBuf), ImportError> {
    let mut lex = lex;
    let mut line = Vec::new();
    let first_offset = lex.offset();
    let fail = |offset, reason: String| ImportError { file: file.to_path_buf(), offset, reason };
    lex.line(&mut line).map_err(|e| fail(e.offset, e.reason))?;
    let root = match serde_json::from_slice::<Record<'_>>(&line) {
        Ok(record) => PathBuf::from(OsStr::from_bytes(record.path.bytes())),
        Err(e) => return Err(fail(first_offset, format!("not a statree --json record: {e}"))),
    };
    let recorded = Recorded {
        file: file.to_path_buf(),
        format: "statree --json".into(),
        program: "statree --json".into(),
        timestamp: None,
    };
    let file = file.to_path_buf();
    let job = move |sink: &Sink| {
        let result = read_twice(&file, lex, line, again, spool, sink);
        if let Err(e) = result {
            *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
        }
    };
    Ok((Source::new(recorded, job), root))
}

fn read_twice(
    file: &Path,
    mut lex: Lexer,
    first: Vec<u8>,
    again: Option<PathBuf>,
    spool: Option<File>,
    sink: &Sink,
) -> Result<(), ImportError> {
    let fail =
        |e: LexError| ImportError { file: file.to_path_buf(), offset: e.offset, reason: e.reason };
    let mut dirs = Dirs::new();
    let first_error = count(&mut lex, first, &mut dirs).err();
    drop(lex);
    if sink.cancelled() {
        return Ok(());
    }
    let input: Box<dyn Read + Send> = match (again, spool) {
        (Some(path), _) => match File::open(&path) {
            Ok(f) => Box::new(f),
            Err(e) => return Err(fail(LexError { offset: 0, reason: e.to_string() })),
        },
        (None, Some(mut spool)) => match spool.rewind() {
            Ok(()) => Box::new(spool),
            Err(e) => return Err(fail(LexError { offset: 0, reason: e.to_string() })),
        },
        (None, None) => return Ok(()),
    };
    let second = send(&mut Lexer::new(input, None), &mut dirs, sink, file);
    match (first_error, second) {
        (Some(e), _) | (None, Err(e)) => Err(fail(e)),
        (None, Ok(())) => Ok(()),
    }
}

/// The parent directory's path and the entry's name.
fn split(path: &[u8]) -> (&[u8], &[u8]) {
    let trimmed = match path {
        [rest @ .., b'/'] if !rest.is_empty() => rest,
        _ => path,
    };
    match trimmed.iter().rposition(|&b| b == b'/') {
        Some(0) => (b"/", &trimmed[1..]),
        Some(i) => (&trimmed[..i], &trimmed[i + 1..]),
        None => (b"", trimmed),
    }
}

fn key_of(path: &[u8]) -> &[u8] {
    match path {
        [rest @ .., b'/'] if !rest.is_empty() => rest,
        _ => path,
    }
}

/// One record: read in place when it has the writer's own shape, else by
/// serde_json; a failure names the byte where serde_json stopped.
fn parse(line: &[u8], start: u64) -> Lexed<Record<'_>> {
    if let Some(record) = super::jsonfast::record(line) {
        return Ok(record);
    }
    slow(line, start)
}

/// Pass one: every directory and how many children it has.
fn count(lex: &mut Lexer, first: Vec<u8>, dirs: &mut Dirs) -> Lexed<()> {
    count_line(&first, 0, dirs)?;
    let mut scratch = Vec::new();
    loop {
        let start = lex.offset();
        let Some(line) = lex.line_ref(&mut scratch)? else { return Ok(()) };
        count_line(line, start, dirs)?;
    }
}

fn count_line(line: &[u8], start: u64, dirs: &mut Dirs) -> Lexed<()> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    // Only the path and the type count here (see `jsonfast::outline`).
    let (path, is_dir) = match super::jsonfast::outline(line) {
        Some(outline) => outline,
        None => {
            let record = parse(line, start)?;
            (record.path, record.kind.as_deref() == Some("dir"))
        }
    };
    let path = path.bytes();
    let (parent, _) = split(path);
    if let Some(dir) = dirs.get_mut(parent) {
        dir.total += 1;
    }
    if is_dir {
        let dir = Dir { total: 0, sent: 0, key: EntryKey::default(), descend: false };
        dirs.insert(key_of(path).into(), dir);
    }
    Ok(())
}

/// Pass two: the batches, a run of siblings at a time.
fn send(lex: &mut Lexer, dirs: &mut Dirs, sink: &Sink, file: &Path) -> Lexed<()> {
    let mut scratch = Vec::new();
    let mut next_id = 0u32;
    let mut roots = 0usize;
    // The run being gathered: its parent's path and the batch.
    let mut run: Option<(Box<[u8]>, Batch)> = None;
    let result = loop {
        if sink.cancelled() {
            break Ok(());
        }
        let start = lex.offset();
        let line = match lex.line_ref(&mut scratch) {
            Ok(Some(line)) => line,
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record = match parse(line, start) {
            Ok(record) => record,
            Err(e) => break Err(e),
        };
        let path = record.path.bytes();
        let (parent, name) = split(path);
        let (stat, kind, error) = convert(&record);
        let is_dir = kind == FileKind::Dir;
        let descend = is_dir && stat.is_some();
        if run.as_ref().is_some_and(|(p, _)| **p != *parent) {
            flush(&mut run, dirs, sink);
        }
        let key = if dirs.get(parent).is_some_and(|d| d.descend) {
            let (_, batch) = run.get_or_insert_with(|| {
                let dir = &dirs[parent];
                let id = next_id;
                next_id += 1;
                let dir_path: Arc<Path> = Arc::from(Path::new(OsStr::from_bytes(parent)));
                (parent.into(), Batch::new(id, Parent::Dir(dir.key), dir_path, dir.sent, dir.total))
            });
            let index = batch.entries.len() as u32;
            batch.push(name, stat, kind, error, descend, false, None);
            EntryKey { batch: batch.id, index }
        } else {
            let id = next_id;
            next_id += 1;
            let mut batch = Batch::new(id, Parent::Root(roots), Arc::from(Path::new("")), 0, 1);
            roots += 1;
            batch.push(path, stat, kind, error, descend, false, None);
            sink.send(ScanEvent::Batch(batch));
            EntryKey { batch: id, index: 0 }
        };
        if descend && let Some(dir) = dirs.get_mut(key_of(path)) {
            dir.key = key;
            dir.descend = true;
        }
    };
    flush(&mut run, dirs, sink);
    finish(dirs, sink, &mut next_id, result.as_ref().err(), file);
    result
}

fn flush(run: &mut Option<(Box<[u8]>, Batch)>, dirs: &mut Dirs, sink: &Sink) {
    if let Some((parent, batch)) = run.take()
        && let Some(dir) = dirs.get_mut(&parent)
    {
        dir.sent += batch.entries.len() as u32;
        sink.send(ScanEvent::Batch(batch));
    }
}

/// Directories with nothing sent get an empty batch (read, and empty); after
/// an error, each one not complete carries it.
fn finish(dirs: &Dirs, sink: &Sink, next_id: &mut u32, failed: Option<&LexError>, file: &Path) {
    for (path, dir) in dirs.iter().filter(|(_, d)| d.descend) {
        if dir.total == 0 {
            let dir_path = Arc::from(Path::new(OsStr::from_bytes(path)));
            let batch = Batch::new(*next_id, Parent::Dir(dir.key), dir_path, 0, 0);
            *next_id += 1;
            sink.send(ScanEvent::Batch(batch));
        } else if let Some(e) = failed.filter(|_| dir.sent < dir.total) {
            let error = e.unread_dir(file);
            let path = PathBuf::from(OsStr::from_bytes(path));
            sink.send(ScanEvent::DirError { dir: dir.key, path, error });
        }
    }
}

/// The stat, type and error a record gives.
fn convert(record: &Record<'_>) -> (Option<EntryStat>, FileKind, Option<ScanError>) {
    let kind = match record.kind.as_deref() {
        Some("file") => FileKind::File,
        Some("dir") => FileKind::Dir,
        Some("symlink") => FileKind::Symlink,
        Some("fifo") => FileKind::Fifo,
        Some("socket") => FileKind::Socket,
        Some("block") => FileKind::Block,
        Some("char") => FileKind::Char,
        _ => FileKind::Unknown,
    };
    let error = record.error.as_deref().map(recorded_error);
    let perms = record.mode.as_deref().and_then(|m| u32::from_str_radix(m, 8).ok());
    let (Some(perms), Some(uid), Some(gid)) = (perms, record.uid, record.gid) else {
        return (None, kind, error);
    };
    let time = |t: &Option<Cow<'_, str>>| t.as_deref().map(super::time::parse).unwrap_or_default();
    let stat = EntryStat {
        mode: kind.mode_bits() | (perms & 0o7777),
        nlink: record.nlink.unwrap_or(1),
        uid,
        gid,
        size: record.size.unwrap_or(0),
        blocks: record.blocks.unwrap_or(0),
        ino: record.ino.unwrap_or(0),
        dev: record.dev.unwrap_or(0),
        rdev: record.rdev.unwrap_or(0),
        atime: time(&record.atime),
        mtime: time(&record.mtime),
        ctime: time(&record.ctime),
    };
    (Some(stat), kind, error)
}

/// An `error` field back as the error it was written from.
fn recorded_error(text: &str) -> ScanError {
    for op in [Op::Stat, Op::OpenDir, Op::ReadDir, Op::ReadLink, Op::Loop] {
        if let Some(reason) = text.strip_prefix(op.describe()).and_then(|r| r.strip_prefix(": ")) {
            return ScanError { op, errno: None, reason: reason.to_string() };
        }
    }
    ScanError { op: Op::Stat, errno: None, reason: text.to_string() }
}
