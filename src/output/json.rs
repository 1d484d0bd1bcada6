//! `--json`: JSON Lines, one full stat record per entry, each root first.
//!
//! Fields, always in this order: `path`, `type`, `mode`, `perms`, `ino`,
//! `dev`, `nlink`, `uid`, `gid`, `user`, `group`, `size`, `blocks`, `atime`,
//! `mtime`, `ctime`, `btime`, then `target` (symlinks only), `rdev` (devices
//! only) and `error` (only when the entry, or reading the directory, failed).
//! Fields the kernel could not give (the entry's `lstat` failed) are `null`.
//! Paths are encoded as [`super::pathcodec`] describes.
//!
//! A directory's record is held back until its first listing batch (or its
//! read error) arrives, so a directory that cannot be read carries its own
//! `error`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crossbeam_channel::Receiver;

use super::{ErrorReporter, events, pathcodec};
use crate::error::ScanError;
use crate::model::FileKind;
use crate::model::mode::{octal_string, perms_string};
use crate::names::OwnerNames;
use crate::scan::{EntryKey, Parent, RawEntry, ScanEvent};
use crate::timefmt::rfc3339_utc;

/// Writes the records as batches arrive.
pub fn write(
    rx: &Receiver<ScanEvent>,
    out: &mut dyn Write,
    errors: &mut ErrorReporter<'_>,
) -> io::Result<()> {
    let mut names = OwnerNames::new();
    // Directory records waiting for their listing: everything but the closing brace.
    let mut held: HashMap<EntryKey, Vec<u8>> = HashMap::new();
    let mut line = Vec::with_capacity(512);
    for event in events(rx) {
        match event {
            ScanEvent::Batch(batch) => {
                if let Parent::Dir(key) = batch.parent
                    && let Some(mut record) = held.remove(&key)
                {
                    record.extend_from_slice(b"}\n");
                    out.write_all(&record)?;
                }
                for (index, entry) in batch.entries.iter().enumerate() {
                    let path = batch.path_of(entry);
                    line.clear();
                    open_record(&mut line, path.as_os_str().as_bytes(), entry, &mut names);
                    if let Some(error) = &entry.error {
                        push_error(&mut line, error);
                        errors.report(&path, error);
                    }
                    if entry.descend {
                        held.insert(batch.key(index), line.clone());
                    } else {
                        line.extend_from_slice(b"}\n");
                        out.write_all(&line)?;
                    }
                }
            }
            ScanEvent::DirError { dir, path, error } => {
                errors.report(&path, &error);
                if let Some(mut record) = held.remove(&dir) {
                    push_error(&mut record, &error);
                    record.extend_from_slice(b"}\n");
                    out.write_all(&record)?;
                }
            }
            ScanEvent::RootDone(_) | ScanEvent::Finished { .. } => {}
        }
    }
    // A cancelled scan can leave directories unresolved: they still get a line.
    for (_, mut record) in held {
        record.extend_from_slice(b"}\n");
        out.write_all(&record)?;
    }
    Ok(())
}

fn open_record(line: &mut Vec<u8>, path: &[u8], entry: &RawEntry, names: &mut OwnerNames) {
    line.extend_from_slice(b"{\"path\":");
    pathcodec::encode(path, line);
    let kind = entry.kind();
    line.extend_from_slice(b",\"type\":");
    if kind == FileKind::Unknown {
        line.extend_from_slice(b"null");
    } else {
        push_str(line, kind.json_name());
    }
    let Some(st) = &entry.stat else {
        line.extend_from_slice(
            b",\"mode\":null,\"perms\":null,\"ino\":null,\"dev\":null,\"nlink\":null,\"uid\":null,\"gid\":null,\
\"user\":null,\"group\":null,\"size\":null,\"blocks\":null,\"atime\":null,\"mtime\":null,\"ctime\":null,\"btime\":null",
        );
        return;
    };
    line.extend_from_slice(b",\"mode\":");
    push_str(line, &octal_string(st.mode));
    line.extend_from_slice(b",\"perms\":");
    push_str(line, &perms_string(st.mode));
    push_num(line, "ino", st.ino);
    push_num(line, "dev", st.dev);
    push_num(line, "nlink", st.nlink);
    push_num(line, "uid", u64::from(st.uid));
    push_num(line, "gid", u64::from(st.gid));
    line.extend_from_slice(b",\"user\":");
    push_opt_str(line, names.user(st.uid));
    line.extend_from_slice(b",\"group\":");
    push_opt_str(line, names.group(st.gid));
    push_num(line, "size", st.size);
    push_num(line, "blocks", st.blocks);
    line.extend_from_slice(b",\"atime\":");
    push_str(line, &rfc3339_utc(st.atime));
    line.extend_from_slice(b",\"mtime\":");
    push_str(line, &rfc3339_utc(st.mtime));
    line.extend_from_slice(b",\"ctime\":");
    push_str(line, &rfc3339_utc(st.ctime));
    line.extend_from_slice(b",\"btime\":");
    let btime = entry.detail.as_ref().and_then(|d| d.btime);
    push_opt_str(line, btime.map(rfc3339_utc).as_deref());
    if let Some(target) = entry.detail.as_ref().and_then(|d| d.target.as_ref())
        && kind == FileKind::Symlink
    {
        line.extend_from_slice(b",\"target\":");
        pathcodec::encode(target, line);
    }
    if matches!(kind, FileKind::Block | FileKind::Char) {
        push_num(line, "rdev", st.rdev);
    }
}

fn push_error(line: &mut Vec<u8>, error: &ScanError) {
    line.extend_from_slice(b",\"error\":");
    push_str(line, &error.to_string());
}

fn push_num(line: &mut Vec<u8>, key: &str, value: u64) {
    // Writing into a Vec cannot fail.
    let _ = write!(line, ",\"{key}\":{value}");
}

fn push_str(line: &mut Vec<u8>, text: &str) {
    let _ = serde_json::to_writer(&mut *line, text);
}

fn push_opt_str(line: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => push_str(line, text),
        None => line.extend_from_slice(b"null"),
    }
}

/// The path of a record line, decoded (for tools and tests reading our output).
pub fn record_path(record: &serde_json::Value) -> Option<std::path::PathBuf> {
    let raw = pathcodec::decode(record.get("path")?)?;
    Some(Path::new(std::ffi::OsStr::from_bytes(&raw)).to_path_buf())
}
