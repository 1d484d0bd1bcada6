//! The editor round trip of a bulk rename: the names written one a line to
//! a private temporary file (`0600`, created exclusively), with the
//! sanitizer's escapes for anything not printable UTF-8 (a literal backslash
//! is `\\`); after the editor, the lines read back and decoded to the exact
//! bytes ([`crate::sanitize_decode`]), and the file removed. The terminal
//! hand-over between the two is the loop's.

use std::ffi::OsStr;
use std::io::{Read as _, Write as _};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::ExternalRequest;
use super::external;
use crate::model::Identity;
use crate::sanitize;
use crate::view::Msg;

/// Largest edited file read back (a name is at most 255 bytes, four times
/// that escaped: this is room for about 60,000 names).
const MAX_EDITED: u64 = 64 << 20;

/// A bulk rename waiting for its editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkSession {
    /// The directory.
    pub dir: PathBuf,
    /// The directories from the scan root down to `dir`, as shown when the
    /// rename was asked for.
    pub dir_parents: Vec<Option<Identity>>,
    /// The names written, in order, with the identity each entry has.
    pub entries: Vec<(Vec<u8>, Identity)>,
}

/// Reads the identities not known yet and writes the names to a private
/// temporary file. Returns the file and the session.
pub fn prepare(
    dir: PathBuf,
    dir_parents: Vec<Option<Identity>>,
    entries: Vec<(Vec<u8>, Option<Identity>)>,
) -> Result<(PathBuf, BulkSession), String> {
    let mut known = Vec::with_capacity(entries.len());
    for (name, identity) in entries {
        let identity = match identity {
            Some(identity) => identity,
            None => {
                Identity::read(&dir.join(OsStr::from_bytes(&name))).map_err(|e| e.to_string())?
            }
        };
        known.push((name, identity));
    }
    let mut file = tempfile::Builder::new()
        .prefix("statree-rename-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("cannot create the file for the editor: {e}"))?;
    let mut text = String::new();
    for (name, _) in &known {
        text.push_str(&sanitize::bytes(name));
        text.push('\n');
    }
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| format!("cannot write the file for the editor: {e}"))?;
    let path = file
        .into_temp_path()
        .keep()
        .map_err(|e| format!("cannot keep the file for the editor: {e}"))?;
    Ok((path, BulkSession { dir, dir_parents, entries: known }))
}

/// What an editor or pager run answers: the bulk rename's edited names, or
/// the opened file's fresh `lstat`.
pub fn answer(request: ExternalRequest, result: Result<(), String>) -> Msg {
    match request.bulk {
        Some(session) => {
            let read = result.and_then(|()| read_back(&request.path, session.entries.len()));
            let _ = std::fs::remove_file(&request.path);
            Msg::BulkEdited {
                dir: session.dir,
                dir_parents: session.dir_parents,
                entries: session.entries,
                result: read,
            }
        }
        None => Msg::ExternalDone { result, change: external::fresh_change(&request.path) },
    }
}

/// The edited lines, decoded.
fn read_back(path: &Path, expected: usize) -> Result<Vec<Vec<u8>>, String> {
    let mut raw = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_EDITED).read_to_end(&mut raw))
        .map_err(|e| format!("cannot read the edited file back: {e}"))?;
    let text = String::from_utf8(raw).map_err(|_| {
        "the edited file is not UTF-8: write other bytes as \\xNN escapes".to_string()
    })?;
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    if lines.len() != expected {
        return Err(format!(
            "the edited list has {} lines for {expected} entries: lines must not be added or \
             removed",
            lines.len()
        ));
    }
    lines
        .iter()
        .enumerate()
        .map(|(n, line)| {
            crate::sanitize_decode::decode(line).map_err(|e| format!("line {}: {e}", n + 1))
        })
        .collect()
}
