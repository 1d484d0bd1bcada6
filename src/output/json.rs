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

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::error::Op;
    use crate::scan::{Batch, Detail, EntryStat, Parent};

    const SCHEMA: &str = include_str!("../../assets/record.schema.json");

    fn record(
        entry_stat: Option<EntryStat>,
        detail: Option<Detail>,
        error: bool,
    ) -> serde_json::Value {
        let mut batch = Batch::new(0, Parent::Root(0), Arc::from(Path::new("")), 0, 1);
        let error =
            error.then(|| ScanError { op: Op::Stat, errno: Some(2), reason: "gone".into() });
        batch.push(
            b"/x/\xffy",
            entry_stat,
            FileKind::File,
            error.clone(),
            false,
            false,
            detail.map(Box::new),
        );
        let mut line = Vec::new();
        open_record(&mut line, b"/x/\xffy", &batch.entries[0], &mut OwnerNames::new());
        if let Some(error) = &error {
            push_error(&mut line, error);
        }
        line.push(b'}');
        serde_json::from_slice(&line).expect("record is valid JSON")
    }

    fn keys(value: &serde_json::Value) -> Vec<String> {
        value.as_object().expect("object").keys().cloned().collect()
    }

    #[test]
    fn records_match_the_shipped_schema() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema parses");
        let known: Vec<String> = keys(&schema["properties"]);
        let required: Vec<&str> =
            schema["required"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        let file = EntryStat { mode: 0o104_755, nlink: 1, ..EntryStat::default() };
        let link = EntryStat { mode: 0o120_777, ..EntryStat::default() };
        let chr = EntryStat { mode: 0o020_666, rdev: 259, ..EntryStat::default() };
        let target = Detail { target: Some(b"t".to_vec()), ..Detail::default() };
        let cases = [
            (record(Some(file), None, false), vec![]),
            (record(Some(link), Some(target), false), vec!["target"]),
            (record(Some(chr), None, false), vec!["rdev"]),
            (record(None, None, true), vec!["error"]),
        ];
        for (value, extra) in &cases {
            let mut expected: Vec<&str> = required.clone();
            expected.extend(extra.iter());
            let mut got = keys(value);
            got.sort();
            expected.sort();
            assert_eq!(got, expected);
            assert!(got.iter().all(|k| known.contains(k)));
        }
        assert_eq!(cases[0].0["mode"], "4755");
        assert_eq!(cases[0].0["perms"], "rwsr-xr-x");
        assert_eq!(cases[0].0["path"], serde_json::json!([47, 120, 47, 255, 121]));
        assert_eq!(cases[2].0["rdev"], 259);
        assert!(cases[3].0["size"].is_null());
    }
}
