//! `--baseline FILE`: a previous `--json` output, and what has changed since.
//!
//! Each line of the file is one record; the fields read are `path` (decoded
//! with [`crate::output::pathcodec::decode`]), `type`, `mode`, `uid`, `gid`
//! (all four required, `null` allowed), and where present `nlink`, `size`,
//! `user`, `group`, `error` and `findings` (an `--audit` output). An entry of
//! the new scan is
//!
//! * **new** when its path is not in the baseline;
//! * **changed** when its type, permission bits (the 12 of `mode`), uid or gid
//!   differ — or, when the baseline record has a `findings` array and the new
//!   scan is an audit, its findings (among the ones selected) differ;
//! * unchanged otherwise.
//!
//! A baseline record whose path the new scan did not see is **removed**
//! (the caller limits that to paths under the scanned roots). Only the byte
//! offset of each line is kept in memory; removed records are read back from
//! the file at the end.

mod compare;
mod record;

pub use compare::{Change, Current, differs};
pub use record::OldRecord;

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use record::parse_record;

/// The longest record line read (1 MiB); a longer one is an error, so a
/// file without line breaks cannot grow the buffer without bound.
pub const MAX_LINE_BYTES: u64 = 1 << 20;

/// Why a baseline could not be used.
#[derive(Debug)]
pub struct BaselineError {
    /// The file.
    pub file: PathBuf,
    /// The line, when the problem is in one.
    pub line: Option<u64>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "baseline {}", crate::sanitize::path(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ": line {line}")?;
        }
        write!(f, ": {}", crate::sanitize::text(&self.reason))
    }
}

impl std::error::Error for BaselineError {}

/// A loaded baseline: every record, by raw path.
#[derive(Debug)]
pub struct Baseline {
    file: PathBuf,
    records: HashMap<Box<[u8]>, OldRecord>,
    /// For `-` (standard input): the copy of what was read, where removed
    /// records are read back from; deleted when the baseline is dropped.
    spool: Option<tempfile::TempPath>,
}

impl Baseline {
    /// Reads and checks the whole file.
    pub fn load(file: &Path) -> Result<Self, BaselineError> {
        if file.as_os_str() == "-" {
            return Self::load_stdin(file);
        }
        let io_error = |e: io::Error| BaselineError {
            file: file.to_path_buf(),
            line: None,
            reason: e.to_string(),
        };
        // Only a regular file: records removed since are read back from it
        // by offset at the end, and a FIFO or a device (`/dev/zero`) would
        // block or never end.
        let reader = match crate::bounded::open_regular(file).map_err(io_error)? {
            Ok(reader) => reader,
            Err(kind) => {
                return Err(BaselineError {
                    file: file.to_path_buf(),
                    line: None,
                    reason: format!("{kind}, not a regular file"),
                });
            }
        };
        Self::parse(file, BufReader::with_capacity(1 << 16, reader))
    }

    /// `-`: standard input, parsed as it streams in (each line capped, a bad
    /// line ends the read at once) while every byte read is copied to a
    /// private temporary file, which stands in for the file when removed
    /// records are read back.
    fn load_stdin(file: &Path) -> Result<Self, BaselineError> {
        let io_error = |e: io::Error| BaselineError {
            file: file.to_path_buf(),
            line: None,
            reason: e.to_string(),
        };
        let spool = tempfile::NamedTempFile::new().map_err(io_error)?;
        let tee = Tee { from: io::stdin().lock(), to: spool.as_file() };
        let mut baseline = Self::parse(file, BufReader::with_capacity(1 << 16, tee))?;
        baseline.spool = Some(spool.into_temp_path());
        Ok(baseline)
    }

    /// Reads records from `reader`; `file` names it in errors and is where
    /// removed records are read back from.
    pub fn parse(file: &Path, mut reader: impl BufRead) -> Result<Self, BaselineError> {
        let fail = |line: Option<u64>, reason: String| BaselineError {
            file: file.to_path_buf(),
            line,
            reason,
        };
        let mut records = HashMap::new();
        let mut buf = Vec::with_capacity(1024);
        let mut offset = 0u64;
        let mut number = 0u64;
        loop {
            buf.clear();
            let read = crate::bounded::read_line(&mut reader, &mut buf, MAX_LINE_BYTES)
                .map_err(|e| fail(None, e.to_string()))?
                .ok_or_else(|| fail(Some(number + 1), "line longer than 1 MiB".into()))?;
            if read == 0 {
                break;
            }
            number += 1;
            let start = offset;
            offset += read as u64;
            let text = buf.trim_ascii();
            if text.is_empty() {
                continue;
            }
            let (path, mut record) =
                parse_record(text).map_err(|reason| fail(Some(number), reason))?;
            let lead = buf.len() - buf.trim_ascii_start().len();
            record.line = number;
            record.offset = start + lead as u64;
            record.len = u32::try_from(text.len())
                .map_err(|_| fail(Some(number), "record too long".into()))?;
            records.insert(path.into_boxed_slice(), record);
        }
        Ok(Baseline { file: file.to_path_buf(), records, spool: None })
    }

    /// The file it was read from.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Records not yet taken.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when every record has been taken (or there were none).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Takes the record of `path` out (so what remains at the end was removed).
    pub fn take(&mut self, path: &[u8]) -> Option<OldRecord> {
        self.records.remove(path)
    }

    /// Takes the record of `path` and compares: `None` when unchanged.
    pub fn compare(&mut self, path: &[u8], now: &Current) -> Option<Change> {
        match self.take(path) {
            None => Some(Change::New),
            Some(old) if differs(&old, now) => Some(Change::Changed(Box::new(old))),
            Some(_) => None,
        }
    }

    /// Takes every remaining record, in file order.
    pub fn drain_remaining(&mut self) -> Vec<(Vec<u8>, OldRecord)> {
        let mut rest: Vec<_> =
            self.records.drain().map(|(path, record)| (path.into_vec(), record)).collect();
        rest.sort_by_key(|(_, record)| record.offset);
        rest
    }

    /// Reads back the text of each record (one open, a seek per record).
    pub fn read_lines(&self, records: &[&OldRecord]) -> io::Result<Vec<Vec<u8>>> {
        let mut file = File::open(self.spool.as_deref().unwrap_or(&self.file))?;
        records
            .iter()
            .map(|record| {
                let mut line = vec![0; record.len as usize];
                file.seek(SeekFrom::Start(record.offset))?;
                file.read_exact(&mut line)?;
                if line.first() != Some(&b'{') || line.last() != Some(&b'}') {
                    return Err(io::Error::other(format!(
                        "baseline {}: line {} changed while statree ran",
                        crate::sanitize::path(&self.file),
                        record.line
                    )));
                }
                Ok(line)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;

/// A reader that copies every byte it reads from `from` to `to`.
struct Tee<R, W> {
    from: R,
    to: W,
}

impl<R: Read, W: Write> Read for Tee<R, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.from.read(buf)?;
        self.to.write_all(&buf[..read])?;
        Ok(read)
    }
}
