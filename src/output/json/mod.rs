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
//!
//! With `--audit`, after those: `findings` (the ids, in report order) and,
//! for a file with capabilities, `capabilities` (`"cap_net_raw+ep"`). With
//! `--baseline`, last: `change` (`"new"` or `"changed"`) and for a changed
//! entry `was` (`type`, `mode`, `uid`, `gid`, and `findings` when the baseline
//! had them); a removed entry is its baseline line as it was, with
//! `"change":"removed"` added (and `findings` derived from its mode and
//! owner when it had none and this is an audit).

use std::collections::HashMap;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crossbeam_channel::Receiver;

pub mod batch;
mod fast;

use super::audit::{Item, Judged, Removed};
use super::{ErrorReporter, events, pathcodec};
use crate::audit::{Change, Finding, FindingSet, OldRecord, caps};
use crate::error::ScanError;
use crate::model::FileKind;
use crate::model::mode::{octal_string, perms_string};
use crate::names::OwnerNames;
use crate::scan::{EntryKey, Parent, RawEntry, ScanEvent};

/// Writes the records as batches arrive: copies the records the workers
/// rendered ([`batch`]), or renders a batch that comes without them.
pub fn write(
    rx: &Receiver<ScanEvent>,
    out: &mut dyn Write,
    errors: &mut ErrorReporter<'_>,
) -> io::Result<()> {
    let mut writer = batch::Writer::default();
    for event in events(rx) {
        writer.event(&event, out, errors)?;
    }
    writer.finish(out)
}

/// The serial writer: renders every record on this thread as its batch
/// arrives. It was the only writer before [`batch`]; it stays as the
/// reference the fast path is tested against, byte for byte.
pub fn write_serial(
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
            // Not an entry, so no record: the error goes to stderr only.
            ScanEvent::RootError { path, error, .. } => errors.report(&path, &error),
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
    push_kind(line, kind);
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
    fast::push_time(line, st.atime);
    line.extend_from_slice(b",\"mtime\":");
    fast::push_time(line, st.mtime);
    line.extend_from_slice(b",\"ctime\":");
    fast::push_time(line, st.ctime);
    line.extend_from_slice(b",\"btime\":");
    let btime = entry.detail.as_ref().and_then(|d| d.btime);
    match btime {
        Some(t) => fast::push_time(line, t),
        None => line.extend_from_slice(b"null"),
    }
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

/// Writes one item of a filtered output (`--audit`, `--baseline`); `line` is
/// a reusable buffer.
pub fn write_item(
    out: &mut dyn Write,
    item: Item<'_>,
    names: &mut OwnerNames,
    line: &mut Vec<u8>,
) -> io::Result<()> {
    line.clear();
    match item {
        Item::Entry(judged) => judged_record(line, judged, names),
        Item::Removed(removed) => removed_record(line, removed),
    }
    line.extend_from_slice(b"}\n");
    out.write_all(line)
}

fn judged_record(line: &mut Vec<u8>, judged: &Judged, names: &mut OwnerNames) {
    open_record(line, judged.path.as_os_str().as_bytes(), &judged.entry, names);
    if let Some(error) = &judged.error {
        push_error(line, error);
    }
    if let Some(found) = judged.findings {
        push_findings(line, "findings", found);
        if found.contains(Finding::Capabilities)
            && let Some(raw) = judged.capability()
        {
            line.extend_from_slice(b",\"capabilities\":");
            push_str(line, &caps::describe(raw));
        }
    }
    if let Some(change) = &judged.change {
        line.extend_from_slice(b",\"change\":");
        push_str(line, change.word());
        if let Change::Changed(old) = change {
            push_was(line, old);
        }
    }
}

fn push_findings(line: &mut Vec<u8>, key: &str, found: FindingSet) {
    let _ = write!(line, ",\"{key}\":[");
    for (i, finding) in found.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        push_str(line, finding.id());
    }
    line.push(b']');
}

fn push_opt_num(line: &mut Vec<u8>, key: &str, value: Option<u32>) {
    match value {
        Some(value) => push_num(line, key, u64::from(value)),
        None => {
            let _ = write!(line, ",\"{key}\":null");
        }
    }
}

fn push_was(line: &mut Vec<u8>, old: &OldRecord) {
    line.extend_from_slice(b",\"was\":{\"type\":");
    push_kind(line, old.kind);
    line.extend_from_slice(b",\"mode\":");
    push_opt_str(line, old.mode.map(octal_string).as_deref());
    push_opt_num(line, "uid", old.uid);
    push_opt_num(line, "gid", old.gid);
    if let Some(found) = old.findings {
        push_findings(line, "findings", found);
    }
    line.push(b'}');
}

fn removed_record(line: &mut Vec<u8>, removed: &Removed) {
    // The baseline line is a whole object: reopen it.
    let old = removed.line.strip_suffix(b"}").unwrap_or(&removed.line);
    line.extend_from_slice(old.trim_ascii_end());
    if removed.old.findings.is_none()
        && let Some(found) = removed.findings
    {
        push_findings(line, "findings", found);
    }
    line.extend_from_slice(b",\"change\":\"removed\"");
}

/// A type's name, `null` when the type is unknown.
fn push_kind(line: &mut Vec<u8>, kind: FileKind) {
    push_opt_str(line, (kind != FileKind::Unknown).then(|| kind.json_name()));
}

fn push_error(line: &mut Vec<u8>, error: &ScanError) {
    line.extend_from_slice(b",\"error\":");
    push_str(line, &error.to_string());
}

fn push_num(line: &mut Vec<u8>, key: &str, value: u64) {
    fast::push_num(line, key, value);
}

fn push_str(line: &mut Vec<u8>, text: &str) {
    super::pathcodec::string(text, line);
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

#[cfg(test)]
mod tests;
