//! `-f FILE` / `--import FILE`: a scan recorded elsewhere, read into the same
//! tree model as a scan of this machine.
//!
//! The format is detected from the first byte: `[` starts an ncdu export
//! (ncdu's and gdu's `-o`, and statree's own, format 1.x), `{` a statree
//! `--json` stream. The reader becomes a scan [`Source`]: it sends the same
//! batches a walk sends, so the outputs, the audit and the interactive view
//! take an import unchanged and it costs the tree what a scan costs.
//!
//! Streaming and bounded: the document is read in blocks (`lexer.rs`), never
//! held, and its nesting is followed with a depth count, never recursion.
//! The ncdu reader goes over the document twice (see `emit.rs`); standard
//! input and other streams that cannot be read again are copied to an
//! unlinked temporary file during the first pass. A failure stops the read
//! with the byte offset; everything before it is sent, and each directory
//! still open carries the error.

mod emit;
mod jsonfast;
mod jsonl;
mod lexer;
mod ncdu;
mod record;
#[cfg(test)]
mod tests;
mod time;

use std::fs::File;
use std::io::{self, Read, Seek};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::sanitize;
use crate::scan::source::{Recorded, Sink, Source};

use lexer::{LexError, Lexer};

/// An import that could not be read, with where it stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("import {}: byte {offset}: {reason}", sanitize::path(file))]
pub struct ImportError {
    /// The file (`-` for standard input).
    pub file: PathBuf,
    /// Byte offset where reading stopped.
    pub offset: u64,
    /// Why, in words.
    pub reason: String,
}

/// An opened import: the scan source to run and what it recorded.
pub struct Import {
    /// Give it to [`crate::scan::ScanOptions::source`].
    pub source: Source,
    /// The recorded root's path, as the export names it.
    pub root: PathBuf,
    failure: Arc<Mutex<Option<ImportError>>>,
}

impl Import {
    /// Opens `file` (`-`: standard input), detects its format and reads up
    /// to the root entry; the rest is read when the source runs.
    pub fn open(file: &Path) -> Result<Import, ImportError> {
        Self::open_as(file, file)
    }

    /// [`Self::open`] on `file`, named `name` in messages and the view
    /// (`-f -` in the view reads standard input through another descriptor).
    pub fn open_as(file: &Path, name: &Path) -> Result<Import, ImportError> {
        let fail =
            |offset, reason: String| ImportError { file: name.to_path_buf(), offset, reason };
        let (input, again) = open_input(file).map_err(|e| fail(0, e))?;
        let (spool, tee) = if again.is_some() {
            (None, None)
        } else {
            let spool = tempfile::tempfile()
                .map_err(|e| fail(0, format!("temporary file: {}", crate::error::os_reason(&e))))?;
            let tee = spool.try_clone().map_err(|e| fail(0, e.to_string()))?;
            (Some(spool), Some(Box::new(tee) as Box<dyn io::Write + Send>))
        };
        let mut lex = Lexer::new(input, tee);
        let to_import = |e: LexError| fail(e.offset, e.reason);
        let failure = Arc::new(Mutex::new(None));
        match lex.peek_token().map_err(to_import)? {
            Some(b'[') => {}
            Some(b'{') => {
                let slot = Arc::clone(&failure);
                let (source, root) = jsonl::open(name, lex, again, spool, slot)?;
                return Ok(Import { source, root, failure });
            }
            Some(b) => {
                return Err(fail(
                    lex.offset(),
                    format!(
                        "not an ncdu export or statree --json output (starts with {})",
                        lexer::describe(b)
                    ),
                ));
            }
            None => return Err(fail(0, "the file is empty".into())),
        }
        let (mut parser, meta) = ncdu::Parser::new(lex).map_err(to_import)?;
        let first = parser.next_item().map_err(to_import)?;
        let root = PathBuf::from(std::ffi::OsStr::from_bytes(&parser.info.name));
        let program = if meta.progname.is_empty() {
            "unknown program".to_string()
        } else {
            format!("{} {}", meta.progname, meta.progver).trim_end().to_string()
        };
        let recorded = Recorded {
            file: name.to_path_buf(),
            format: format!("ncdu export {}.{}", meta.major, meta.minor),
            program,
            timestamp: meta.timestamp,
        };
        let slot = Arc::clone(&failure);
        let file = name.to_path_buf();
        let job = move |sink: &Sink| {
            let result = read_twice(&file, parser, first, again, spool, sink);
            if let Err(e) = result {
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
            }
        };
        Ok(Import { source: Source::new(recorded, job), root, failure })
    }

    /// The failure the read stopped at, once the scan has finished.
    pub fn failure(&self) -> Option<ImportError> {
        self.failure.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Standard input or the file, and the path to read it again from when it
/// is a regular file (`None`: spool it).
fn open_input(file: &Path) -> Result<(Box<dyn Read + Send>, Option<PathBuf>), String> {
    if file.as_os_str() == "-" {
        return Ok((Box::new(io::stdin()), None));
    }
    let opened = File::open(file).map_err(|e| crate::error::os_reason(&e))?;
    let regular = opened.metadata().is_ok_and(|m| m.is_file());
    Ok((Box::new(opened), regular.then(|| file.to_path_buf())))
}

/// The two passes of an ncdu export (see [`emit`]).
fn read_twice(
    file: &Path,
    mut parser: ncdu::Parser,
    first: ncdu::Item,
    again: Option<PathBuf>,
    spool: Option<File>,
    sink: &Sink,
) -> Result<(), ImportError> {
    let fail =
        |e: LexError| ImportError { file: file.to_path_buf(), offset: e.offset, reason: e.reason };
    let (counts, first_error) = emit::count(&mut parser, first);
    drop(parser);
    if sink.cancelled() {
        return Ok(());
    }
    let input: Box<dyn Read + Send> = match (again, spool) {
        (Some(path), _) => match File::open(&path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                return Err(fail(LexError {
                    offset: 0,
                    reason: format!("reopening: {}", crate::error::os_reason(&e)),
                }));
            }
        },
        (None, Some(mut spool)) => {
            if let Err(e) = spool.rewind() {
                return Err(fail(LexError { offset: 0, reason: e.to_string() }));
            }
            Box::new(spool)
        }
        (None, None) => return Ok(()),
    };
    let second = ncdu::Parser::new(Lexer::new(input, None))
        .and_then(|(mut parser, _)| emit::send(&mut parser, &counts, sink, file));
    match (first_error, second) {
        (Some(e), _) | (None, Err(e)) => Err(fail(e)),
        (None, Ok(())) => Ok(()),
    }
}
